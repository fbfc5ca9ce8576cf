//! The chain events the sentinel reads, decoded from the raw ink! events a node serves.
//!
//! An ink! 5 event's first topic is its signature topic and its data is the SCALE
//! encoding of all its fields in order. The signature topics are read from the
//! contracts' metadata ([`Decoder::add_metadata`]), so nothing here guesses how ink!
//! spells a type; the data decodes as the contracts' own event structs, and a
//! test decodes real events emitted by the real contracts.

mod decode;
#[cfg(test)]
mod tests;

pub use decode::{DecodeError, Decoder};

/// A 32-byte account id.
pub type AccountId = [u8; 32];
/// A registered record's id.
pub type RecordId = [u8; 32];
/// A DSCSA package key: BLAKE2-256 of SCALE((GTIN, serial)).
pub type PackageKey = [u8; 32];
/// Milliseconds since the Unix epoch (block time).
pub type Timestamp = u64;

/// An event as a node serves it, with its block's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
    /// Block number.
    pub block: u64,
    /// The block's timestamp.
    pub timestamp: Timestamp,
    /// Position of the transaction in the block.
    pub tx_index: u32,
    /// Position of the event in the transaction's receipt.
    pub event_index: u32,
    /// The emitting contract.
    pub contract: AccountId,
    /// Topics; the first is the signature topic.
    pub topics: Vec<[u8; 32]>,
    /// SCALE data.
    pub data: Vec<u8>,
}

/// These are the contracts' own types (`health_types`), not mirrors: a change of the
/// contracts' layout is a change here.
pub use health_types::consent::Provision;
pub use health_types::dscsa::{
    Action, Decommission, PartnerKind, Shipment, State, Status, VerificationContext,
};
pub use health_types::ehr::{AccessFlag, AuditEntry, Basis, BreakGlass, Review};
pub use health_types::{DataClass, FlagOutcome, Purpose};

/// The events the sentinel uses, by contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// EHR: a record was registered.
    RecordRegistered {
        /// Whose.
        patient: AccountId,
        /// Who registered it.
        custodian: AccountId,
        /// Its id.
        record: RecordId,
        /// Its class.
        class: DataClass,
        /// The record it amends (corrects), if it is an amendment.
        amends: Option<RecordId>,
    },
    /// EHR: an access was decided (or an attempt refused).
    AccessDecided {
        /// Whose record.
        patient: AccountId,
        /// Who asked.
        accessor: AccountId,
        /// The audit entry.
        entry: u64,
        /// Which record.
        record: RecordId,
        /// For what.
        purpose: Purpose,
        /// Granted or not.
        granted: bool,
        /// Break-glass.
        break_glass: bool,
        /// Granted under the organization's consent.
        via_organization: bool,
        /// The record's data class.
        class: DataClass,
        /// Why it was granted or refused.
        basis: Basis,
    },
    /// EHR: the administrator registered a provider.
    ProviderAdded {
        /// The provider.
        provider: AccountId,
        /// The administrator.
        by: AccountId,
    },
    /// EHR: the administrator removed a provider.
    ProviderRemoved {
        /// The provider.
        provider: AccountId,
        /// The administrator.
        by: AccountId,
    },
    /// EHR: an accessor holds more unreviewed break-glass entries than the contract
    /// lets pass without escalating to the privacy officer.
    BreakGlassEscalated {
        /// The accessor.
        accessor: AccountId,
        /// The entry that escalated.
        entry: u64,
        /// Its unreviewed break-glass entries.
        unreviewed: u32,
    },
    /// EHR: a break-glass access was reviewed (a label).
    BreakGlassReviewed {
        /// Whose record.
        patient: AccountId,
        /// Who reviewed.
        reviewer: AccountId,
        /// The audit entry.
        entry: u64,
        /// Accepted or reported.
        review: Review,
    },
    /// EHR: the organization registered a care relation.
    CareRelationRegistered {
        /// The patient.
        patient: AccountId,
        /// The treating practitioner.
        provider: AccountId,
        /// From.
        start: Timestamp,
        /// Until.
        end: Timestamp,
    },
    /// EHR or DSCSA: the oracle registered a model.
    ModelRegistered {
        /// SHA-256 of the model file.
        model: [u8; 32],
        /// The oracle.
        oracle: AccountId,
    },
    /// EHR: the oracle flagged an access.
    AccessFlagged {
        /// Whose record.
        patient: AccountId,
        /// Who accessed.
        accessor: AccountId,
        /// The flag's id.
        flag: u64,
        /// The audit entry.
        entry: u64,
        /// Score, basis points.
        score: u16,
        /// Reason codes.
        reasons: u32,
        /// The model's hash.
        model: [u8; 32],
    },
    /// EHR: the privacy officer closed a flag (a label).
    FlagReviewed {
        /// Whose record.
        patient: AccountId,
        /// The flag.
        flag: u64,
        /// The audit entry.
        entry: u64,
        /// The outcome.
        outcome: FlagOutcome,
    },
    /// Consent: a provision was recorded.
    ConsentRecorded {
        /// The patient.
        patient: AccountId,
        /// The grantee.
        grantee: AccountId,
        /// The consent's id.
        id: u64,
        /// Permit or deny.
        provision: Provision,
        /// The patient or the delegate who recorded it.
        by: AccountId,
        /// Purposes of use, one bit per [`Purpose`].
        purposes: u8,
        /// Data classes, one bit per [`DataClass`]; none: every class that is not
        /// sensitive for a permit, everything for a deny.
        classes: u8,
        /// Valid from (block time).
        start: Timestamp,
        /// Valid until (exclusive), if it ends.
        end: Option<Timestamp>,
    },
    /// Consent: a provision was revoked.
    ConsentRevoked {
        /// The patient.
        patient: AccountId,
        /// The grantee.
        grantee: AccountId,
        /// The consent's id.
        id: u64,
    },
    /// DSCSA: something happened to a package.
    Package {
        /// The package.
        package: PackageKey,
        /// Who did it.
        actor: AccountId,
        /// What.
        action: Action,
    },
    /// DSCSA: a partner asked to verify a product identifier.
    VerificationRequested {
        /// The package key of (GTIN, serial).
        package: PackageKey,
        /// Who asked.
        requester: AccountId,
        /// The GTIN.
        gtin: [u8; 14],
        /// The serial.
        serial: String,
        /// Exists and matches.
        verified: bool,
        /// Its status, only when verified.
        status: Option<Status>,
        /// Who presented the product to the requester (as the requester says).
        presenter: AccountId,
        /// Why the requester asks.
        context: VerificationContext,
        /// The requester is or was the package's owner or custodian, or is the
        /// recipient or carrier of its shipment under way (the contract's answer).
        requester_connected: bool,
    },
    /// DSCSA: the oracle flagged a serial.
    SerialFlagged {
        /// The package key.
        package: PackageKey,
        /// The flag's id.
        flag: u64,
        /// The owner when flagged.
        owner: Option<AccountId>,
        /// Score, basis points.
        score: u16,
        /// Reason codes.
        reasons: u32,
        /// The model's hash.
        model: [u8; 32],
    },
    /// DSCSA: a serial's flag was closed (a label).
    SerialFlagReviewed {
        /// The package key.
        package: PackageKey,
        /// The flag.
        flag: u64,
        /// The outcome.
        outcome: FlagOutcome,
    },
    /// DSCSA: the operator registered a trading partner.
    PartnerAdded {
        /// The partner.
        account: AccountId,
        /// Its role.
        kind: PartnerKind,
        /// Its GLN, 13 ASCII digits.
        gln: [u8; 13],
    },
    /// DSCSA: the operator suspended or reinstated a partner.
    PartnerStatusChanged {
        /// The partner.
        account: AccountId,
        /// Active now.
        active: bool,
    },
    /// DSCSA: the operator assigned a GS1 company prefix.
    PrefixAssigned {
        /// The partner.
        account: AccountId,
        /// The prefix's digits.
        prefix: String,
    },
    /// DSCSA: the operator removed a GS1 company prefix.
    PrefixRemoved {
        /// The partner that held it.
        account: AccountId,
        /// The prefix's digits.
        prefix: String,
    },
}

/// A decoded event with where and when it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEvent {
    /// Block number.
    pub block: u64,
    /// Block time.
    pub timestamp: Timestamp,
    /// Transaction index in the block.
    pub tx_index: u32,
    /// Event index in the receipt.
    pub event_index: u32,
    /// The emitting contract.
    pub contract: AccountId,
    /// What happened.
    pub event: Event,
}
