//! Record ids, limits and the types of the contract's storage, messages and events.

use crate::env::{AccountId, BlockNumber, Timestamp};
pub use health_types::ehr::{Basis, Review};
use health_types::{DataClass, FlagOutcome, Purpose};

/// A record's id, assigned by the contract at registration.
pub type RecordId = [u8; 32];
/// A salted SHA-256 commitment to text kept off chain (a location reference, a
/// justification): SHA-256(salt || text), the salt kept with the text.
pub type Commitment = [u8; 32];
/// A patient and a content hash: records are unique per patient.
pub(crate) type PatientContent = (AccountId, [u8; 32]);

/// Unreviewed break-glass entries an accessor may hold before each further one is
/// escalated to the privacy officer.
pub const ESCALATE_AFTER: u32 = 8;
/// Most care relations recorded for one (patient, provider) pair.
pub const MAX_CARE_RELATIONS: usize = 32;
/// Most open flags on one patient's accesses.
pub const MAX_OPEN_FLAGS: usize = 64;
/// Largest page a listing returns.
pub const MAX_PAGE: u32 = 50;

/// A registered record: metadata only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Record {
    /// Whose record.
    pub patient: AccountId,
    /// Who registered it (the custodian provider, or the patient).
    pub custodian: AccountId,
    /// Its data class, which consent is checked against.
    pub class: DataClass,
    /// SHA-256 of the content.
    pub content_hash: [u8; 32],
    /// Commitment to where the content lives (a FHIR reference, a URL).
    pub location: Commitment,
    /// When it was registered.
    pub registered_at: Timestamp,
    /// The record this one corrects, if it is an amendment.
    pub amends: Option<RecordId>,
    /// The amendment that replaced this one, if any.
    pub superseded_by: Option<RecordId>,
}

/// A care relation the organization recorded: `provider` treats the patient from
/// `start` until (not including) `end`, block time; recorded at `recorded_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct CareRelation {
    /// From.
    pub start: Timestamp,
    /// Until.
    pub end: Timestamp,
    /// The block time it was recorded: it explains only what came after.
    pub recorded_at: Timestamp,
}

/// An AI flag on an audit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AccessFlag {
    /// The audit entry flagged.
    pub entry: u64,
    /// Whose record was accessed.
    pub patient: AccountId,
    /// Score in basis points (0 to [`MAX_SCORE`]).
    pub score: u16,
    /// Reason codes, one bit each (the sentinel documents them).
    pub reasons: u32,
    /// SHA-256 of the model file that raised it.
    pub model: [u8; 32],
    /// Block time it was raised.
    pub raised_at: Timestamp,
    /// Where its review stands.
    pub outcome: FlagOutcome,
    /// The audit entry's accessor, who may not close it.
    pub accessor: AccountId,
}

/// A break-glass access's justification and reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BreakGlass {
    /// Commitment to the provider's written reason.
    pub justification: Commitment,
    /// The compliance review (the privacy officer's), which closes the item.
    pub review: Review,
    /// Who made the compliance review.
    pub reviewer: Option<AccountId>,
    /// The patient's (or a delegate's) own review, independent of the officer's.
    pub patient_review: Review,
}

/// One access attempt: the audit trail's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AuditEntry {
    /// Who asked.
    pub accessor: AccountId,
    /// Whose record.
    pub patient: AccountId,
    /// Which record.
    pub record: RecordId,
    /// For what.
    pub purpose: Purpose,
    /// Granted or not.
    pub granted: bool,
    /// Block time of the decision.
    pub at: Timestamp,
    /// Block of the decision.
    pub block: BlockNumber,
    /// Set for a break-glass access.
    pub break_glass: Option<BreakGlass>,
    /// The record's data class.
    pub class: DataClass,
    /// Why it was granted or refused.
    pub basis: Basis,
}

/// What an access attempt gave: its audit entry and whether it was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Access {
    /// The audit entry.
    pub entry: u64,
    /// Granted or not.
    pub granted: bool,
}
