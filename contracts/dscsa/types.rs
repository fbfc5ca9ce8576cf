//! The contract's identifiers, limits and the types of its storage, messages and events.

#[cfg(doc)]
use crate::dscsa::Dscsa;
use crate::env::{AccountId, BlockNumber, Timestamp};
#[cfg(doc)]
use crate::errors::Error;
use health_types::FlagOutcome;
#[cfg(doc)]
use health_types::MAX_SCORE;
use ink::prelude::string::String;
use ink::prelude::vec::Vec;

/// A GTIN-14, as its 14 ASCII digits.
pub type Gtin = [u8; 14];
/// An SSCC, as its 18 ASCII digits.
pub type Sscc = [u8; 18];
/// A package's key: BLAKE2-256 of SCALE((GTIN, serial)).
pub type PackageKey = [u8; 32];

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

/// A registered trading partner.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Partner {
    /// Its role.
    pub kind: PartnerKind,
    /// GS1 Global Location Number (13 digits, check digit checked).
    pub gln: [u8; 13],
    /// State or federal licence reference.
    pub license: String,
    /// Suspended partners take part in nothing.
    pub active: bool,
}

/// The enums with fields. ink!'s SCALE derives cast their variant indices to
/// `u8`, which cargo-contract's lints refuse; the lint is allowed for these alone.
#[allow(clippy::cast_possible_truncation)]
mod with_fields {
    use super::{Decommission, PackageKey, Shipment, Sscc};
    use ink::prelude::string::String;

    /// A package's own state (recall and expiry are derived when verifying).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum State {
        /// In the owner's hands.
        Active,
        /// Shipped, not yet received.
        InTransit,
        /// Suspect, held by the owner.
        Quarantined,
        /// Declared illegitimate.
        Illegitimate,
        /// Dispensed to a patient (final).
        Dispensed,
        /// Decommissioned (final).
        Decommissioned(Decommission),
        /// Received back by a former owner or custodian: a saleable return, not
        /// saleable until its owner's `SaleableReturn` verification.
        Returned,
        /// Reported damaged: only decommissioning follows.
        Damaged,
        /// Partly dispensed: only more partial dispensing or dispensing follows.
        PartiallyDispensed,
    }

    /// What happened to a package (its history).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Action {
        /// Commissioned.
        Commissioned,
        /// Packed into a container (CBV packing, disposition container_closed).
        Packed(Sscc),
        /// Unpacked from a container.
        Unpacked(Sscc),
        /// Shipped.
        Shipped(Shipment),
        /// Received; the receiver is the new owner.
        Received,
        /// Quarantined, with the reason.
        Quarantined(String),
        /// Cleared from quarantine.
        Cleared,
        /// Declared illegitimate, with the notification text.
        DeclaredIllegitimate(String),
        /// Its GTIN and lot were recalled.
        Recalled,
        /// Dispensed.
        Dispensed,
        /// Decommissioned.
        Decommissioned(Decommission),
        /// Repackaged into the package with this key (on the source).
        Repackaged(PackageKey),
        /// Commissioned by repackaging the package with this key (on the new one).
        CommissionedFrom(PackageKey),
        /// A returned package's `SaleableReturn` verification succeeded: saleable.
        ReturnVerified,
        /// Its shipment was voided (CBV void_shipping): back with its owner.
        ShipmentVoided,
        /// Reported damaged (CBV disposition damaged).
        Damaged,
        /// Partly dispensed (CBV disposition partially_dispensed).
        PartiallyDispensed,
        /// Received back by a former owner or custodian (CBV receiving,
        /// disposition returned); the receiver is the new owner.
        ReturnReceived,
    }

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
pub use with_fields::{Action, State, Target};

/// A shipment under way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Shipment {
    /// The recipient, who becomes the owner on receipt.
    pub to: AccountId,
    /// The 3PL carrying it, if any (custodian meanwhile).
    pub carrier: Option<AccountId>,
    /// Hash of the transaction information (kept off chain).
    pub transaction_information: [u8; 32],
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Package {
    /// GTIN-14.
    pub gtin: Gtin,
    /// Serial (GS1 AI 21).
    pub serial: String,
    /// Lot (GS1 AI 10).
    pub lot: String,
    /// Expiry, block time (ms) from which it is expired.
    pub expiry: Timestamp,
    /// Owner.
    pub owner: AccountId,
    /// Who physically holds it.
    pub custodian: AccountId,
    /// Its state.
    pub state: State,
    /// The container it is packed in.
    pub container: Option<Sscc>,
    /// The shipment it is on.
    pub shipment: Option<Shipment>,
    /// The package it was repackaged from (None when commissioned plainly).
    pub source: Option<PackageKey>,
}

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

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct HistoryEntry {
    /// Who did it.
    pub actor: AccountId,
    /// What.
    pub action: Action,
    /// Block.
    pub block: BlockNumber,
    /// Block time.
    pub at: Timestamp,
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
