//! Record ids, limits and the types of the contract's storage, messages and events.

use crate::env::{AccountId, Timestamp};
pub use health_types::ehr::{Basis, Review};
use health_types::DataClass;

pub use health_types::ehr::{AccessFlag, AuditEntry, BreakGlass, Commitment, RecordId};
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

/// What an access attempt gave: its audit entry and whether it was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Access {
    /// The audit entry.
    pub entry: u64,
    /// Granted or not.
    pub granted: bool,
}
