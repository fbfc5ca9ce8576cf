//! The DSCSA contract's types that its events and answers carry, and its events
//! (feature `dscsa`), so the EPCIS mapping, the CLI and the sentinel decode with the
//! contract's own definitions.

use crate::{AccountId, BlockNumber, Timestamp};
use ink::prelude::string::String;

/// A GTIN-14, as its 14 ASCII digits.
pub type Gtin = [u8; 14];
/// An SSCC, as its 18 ASCII digits.
pub type Sscc = [u8; 18];
/// A package's key: BLAKE2-256 of SCALE((GTIN, serial)).
pub type PackageKey = [u8; 32];

/// A trading partner's role (DSCSA's definitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum PartnerKind {
    /// Manufacturer.
    Manufacturer,
    /// Repackager.
    Repackager,
    /// Wholesale distributor.
    WholesaleDistributor,
    /// Dispenser (pharmacy).
    Dispenser,
    /// Third-party logistics provider: custody, never ownership.
    ThirdPartyLogistics,
}

/// Why a package was taken out of the supply chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Decommission {
    /// Destroyed.
    Destroyed,
    /// Used as a sample.
    Sample,
    /// Expired and removed.
    Expired,
    /// Stolen.
    Stolen,
    /// Repackaged into a new package (set by the contract's `repackage` only).
    Repackaged,
}

/// The GS1 Lightweight Messaging Standard context of a verification request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum VerificationContext {
    /// `dscsaSaleableReturn`: a returned package verified before resale.
    SaleableReturn,
    /// Investigation of suspect product.
    Suspect,
    /// Investigation of illegitimate product.
    Illegitimate,
    /// A dispenser checking a package before dispensing it.
    Dispensing,
}

/// What verification reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Status {
    /// Saleable.
    Active,
    /// Shipped, not received.
    InTransit,
    /// Quarantined as suspect.
    Quarantined,
    /// Declared illegitimate.
    Illegitimate,
    /// Dispensed.
    Dispensed,
    /// Decommissioned.
    Decommissioned,
    /// Its GTIN and lot are recalled.
    Recalled,
    /// Past its expiry.
    Expired,
    /// A saleable return awaiting verification.
    Returned,
    /// Damaged.
    Damaged,
    /// Partly dispensed.
    PartiallyDispensed,
}

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
}
pub use with_fields::{Action, State};

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

#[cfg(feature = "dscsa")]
pub use events::*;

/// The contract's events. Field types are spelled as the contract spelled them
/// (`AccountId`, `Gtin`, ...): ink! hashes the spelling into the signature topic.
#[cfg(feature = "dscsa")]
mod events {
    use super::*;
    use crate::FlagOutcome;

    /// Something happened to a package.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PackageEvent {
        /// The package.
        #[ink(topic)]
        pub package: PackageKey,
        /// Who did it.
        #[ink(topic)]
        pub actor: AccountId,
        /// What.
        pub action: Action,
    }

    /// A package was declared illegitimate: what an FDA Form 3911 notification needs.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct IllegitimateProduct {
        /// The package.
        #[ink(topic)]
        pub package: PackageKey,
        /// Who declared it.
        #[ink(topic)]
        pub reporter: AccountId,
        /// The reporter's role.
        pub reporter_kind: PartnerKind,
        /// The reporter's GLN.
        pub reporter_gln: [u8; 13],
        /// GTIN-14.
        pub gtin: Gtin,
        /// Serial.
        pub serial: String,
        /// Lot.
        pub lot: String,
        /// Expiry, block time (ms).
        pub expiry: Timestamp,
        /// The notification text.
        pub description: String,
        /// Block time of the declaration.
        pub at: Timestamp,
    }

    /// A partner asked whether a product identifier is genuine (VRS), and the answer.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct VerificationRequested {
        /// The package asked about.
        #[ink(topic)]
        pub package: PackageKey,
        /// Who asked.
        #[ink(topic)]
        pub requester: AccountId,
        /// GTIN-14 as asked.
        pub gtin: Gtin,
        /// Serial as asked.
        pub serial: String,
        /// The answer.
        pub verified: bool,
        /// The package's status, only when verified.
        pub status: Option<Status>,
        /// Who presented the product to the requester (as the requester says).
        pub presenter: AccountId,
        /// Why the requester asks.
        pub context: VerificationContext,
        /// The requester is or was the package's owner or custodian, or is the
        /// recipient or carrier of its shipment under way.
        pub requester_connected: bool,
    }

    /// The oracle flagged a serial: its owner should investigate.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SerialFlagged {
        /// The package flagged.
        #[ink(topic)]
        pub package: PackageKey,
        /// The flag's id.
        pub flag: u64,
        /// The owner when flagged, if the package exists.
        pub owner: Option<AccountId>,
        /// Score, basis points.
        pub score: u16,
        /// Reason codes.
        pub reasons: u32,
        /// The model's SHA-256.
        pub model: [u8; 32],
    }

    /// A serial's flag was closed: its outcome is a label.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SerialFlagReviewed {
        /// The package.
        #[ink(topic)]
        pub package: PackageKey,
        /// The flag's id.
        pub flag: u64,
        /// The outcome.
        pub outcome: FlagOutcome,
    }

    /// A GTIN and lot were recalled (by the GTIN's brand owner).
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct LotRecalled {
        /// GTIN-14.
        #[ink(topic)]
        pub gtin: Gtin,
        /// The brand owner.
        #[ink(topic)]
        pub manufacturer: AccountId,
        /// The lot.
        pub lot: String,
    }

    /// The operator registered a trading partner.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PartnerAdded {
        /// The partner.
        #[ink(topic)]
        pub account: AccountId,
        /// Its role.
        pub kind: PartnerKind,
        /// Its GLN.
        pub gln: [u8; 13],
    }

    /// The operator suspended or reinstated a trading partner.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PartnerStatusChanged {
        /// The partner.
        #[ink(topic)]
        pub account: AccountId,
        /// Active now or not.
        pub active: bool,
    }

    /// The operator assigned a GS1 company prefix to a partner.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PrefixAssigned {
        /// The partner.
        #[ink(topic)]
        pub account: AccountId,
        /// The prefix's digits.
        pub prefix: String,
    }

    /// The operator removed a partner's GS1 company prefix.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PrefixRemoved {
        /// The partner.
        #[ink(topic)]
        pub account: AccountId,
        /// The prefix's digits.
        pub prefix: String,
    }
}
