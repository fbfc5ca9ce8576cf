//! The contract's identifiers, limits and the types of its storage, messages and events.

#[cfg(doc)]
use crate::dscsa::Dscsa;
use crate::env::{AccountId, Timestamp};
#[cfg(doc)]
use crate::errors::Error;
use health_types::FlagOutcome;
#[cfg(doc)]
use health_types::MAX_SCORE;
use ink::prelude::string::String;
use ink::prelude::vec::Vec;

pub use health_types::dscsa::{
    Action, Gtin, HistoryEntry, Package, PackageKey, Partner, Shipment, Sscc, State,
};

/// Most packages in one container.
pub const MAX_CONTENTS: usize = 200;
/// Longest licence reference, quarantine reason or notification text, bytes.
pub const MAX_TEXT: usize = 256;
/// Largest history page.
pub const MAX_PAGE: u32 = 50;
pub use health_types::dscsa::{Decommission, PartnerKind, Status, VerificationContext};
pub use health_types::gs1::{MAX_PREFIX, MIN_PREFIX};
/// Most verification requests one requester makes in one window.
pub const MAX_REQUESTS_PER_WINDOW: u32 = 20;
/// The rate-limit window, block time (ms); windows are fixed:
/// `block_timestamp / REQUEST_WINDOW`.
pub const REQUEST_WINDOW: Timestamp = 3_600_000;

/// What a movement names: one package or a container. ink!'s SCALE derive casts
/// variant indices to `u8`, which cargo-contract's lints refuse; allowed here alone.
#[allow(clippy::cast_possible_truncation)]
mod target {
    use ink::prelude::string::String;

    /// What a movement names: one package or a container.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Target {
        /// A package by GTIN and serial.
        Package(String, String),
        /// A container by SSCC.
        Container(String),
    }
}
pub use target::Target;

/// A case or pallet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Container {
    /// Its owner (the owner of everything in it).
    pub owner: AccountId,
    /// Packed package keys.
    pub contents: Vec<PackageKey>,
    /// The shipment it is on.
    pub shipment: Option<Shipment>,
}

/// A Verification Router Service answer: a confirmation, nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Verification {
    /// A package with this GTIN and serial exists with this lot and expiry.
    pub verified: bool,
    /// Its status, only when verified.
    pub status: Option<Status>,
}

/// An AI flag on a serial: a request to its owner to investigate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct SerialFlag {
    /// The package's key (it may never have been commissioned: a counterfeit).
    pub package: PackageKey,
    /// GTIN as flagged.
    pub gtin: Gtin,
    /// Serial as flagged.
    pub serial: String,
    /// The owner when flagged, if the package exists.
    pub owner: Option<AccountId>,
    /// Score in basis points (0 to [`MAX_SCORE`]).
    pub score: u16,
    /// Reason codes, one bit each (the sentinel documents them).
    pub reasons: u32,
    /// SHA-256 of the model file (or rule set) that raised it.
    pub model: [u8; 32],
    /// Block time it was raised.
    pub raised_at: Timestamp,
    /// Where the investigation stands.
    pub outcome: FlagOutcome,
    /// The package was quarantined while the flag was open.
    pub quarantined: bool,
}
