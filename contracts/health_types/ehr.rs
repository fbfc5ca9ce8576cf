//! The EHR access contract's types that its events and answers carry, and its events
//! (feature `ehr`), so the sentinel decodes with the contract's own definitions.

use crate::{AccountId, BlockNumber, DataClass, FlagOutcome, Purpose, Timestamp};

/// A record's id, assigned by the contract at registration.
pub type RecordId = [u8; 32];
/// A salted SHA-256 commitment to text kept off chain (a location reference, a
/// justification): SHA-256(salt || text), the salt kept with the text.
pub type Commitment = [u8; 32];

/// The review of a break-glass access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Review {
    /// Not reviewed yet.
    Pending,
    /// Found justified.
    Accepted,
    /// Reported as a possible violation.
    Reported,
}

/// On what ground an access was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Basis {
    /// Granted by a consent naming the accessor.
    PersonalConsent,
    /// Granted by the organization's consent (the administrator's).
    OrganizationConsent,
    /// Granted as break-glass, pending review.
    BreakGlass,
    /// Denied by a consent.
    ConsentDenied,
    /// Denied: no consent speaks.
    NoConsent,
    /// Refused: the caller is not (or no longer) a registered provider.
    NotProvider,
    /// Refused: the Consent contract did not answer.
    ConsentUnavailable,
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
    /// Score in basis points (0 to [`crate::MAX_SCORE`]).
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

#[cfg(feature = "ehr")]
pub use events::*;

/// The contract's events. Field types are spelled as the contract spelled them
/// (`AccountId`, `RecordId`, ...): ink! hashes the spelling into the signature topic.
#[cfg(feature = "ehr")]
mod events {
    use super::*;

    /// A record was registered (or amended: `amends` names the old one).
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RecordRegistered {
        /// Whose record.
        #[ink(topic)]
        pub patient: AccountId,
        /// Who registered it.
        #[ink(topic)]
        pub custodian: AccountId,
        /// Its id.
        pub record: RecordId,
        /// Its data class.
        pub class: DataClass,
        /// The record it amends, if any.
        pub amends: Option<RecordId>,
    }

    /// An access was decided (consent or break-glass), or an attempt refused.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AccessDecided {
        /// Whose record.
        #[ink(topic)]
        pub patient: AccountId,
        /// Who asked.
        #[ink(topic)]
        pub accessor: AccountId,
        /// The audit entry.
        pub entry: u64,
        /// Which record.
        pub record: RecordId,
        /// For what.
        pub purpose: Purpose,
        /// Granted or not.
        pub granted: bool,
        /// A break-glass access.
        pub break_glass: bool,
        /// Granted under the organization's consent, not one naming the accessor.
        pub via_organization: bool,
        /// The record's data class.
        pub class: DataClass,
        /// Why.
        pub basis: Basis,
    }

    /// The organization recorded a care relation.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CareRelationRegistered {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// The provider.
        #[ink(topic)]
        pub provider: AccountId,
        /// From.
        pub start: Timestamp,
        /// Until (exclusive).
        pub end: Timestamp,
    }

    /// The administrator registered a provider.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ProviderAdded {
        /// The provider.
        #[ink(topic)]
        pub provider: AccountId,
        /// The administrator.
        pub by: AccountId,
    }

    /// The administrator removed a provider.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ProviderRemoved {
        /// The provider.
        #[ink(topic)]
        pub provider: AccountId,
        /// The administrator.
        pub by: AccountId,
    }

    /// The oracle flagged an access for review.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AccessFlagged {
        /// Whose record was accessed.
        #[ink(topic)]
        pub patient: AccountId,
        /// Who accessed it.
        #[ink(topic)]
        pub accessor: AccountId,
        /// The flag's id.
        pub flag: u64,
        /// The audit entry flagged.
        pub entry: u64,
        /// Score, basis points.
        pub score: u16,
        /// Reason codes.
        pub reasons: u32,
        /// The model's SHA-256.
        pub model: [u8; 32],
    }

    /// The privacy officer closed a flag: its outcome is a label.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct FlagReviewed {
        /// Whose record was accessed.
        #[ink(topic)]
        pub patient: AccountId,
        /// The flag's id.
        pub flag: u64,
        /// The audit entry.
        pub entry: u64,
        /// The outcome.
        pub outcome: FlagOutcome,
    }

    /// A break-glass access was reviewed (by the patient's side or the officer).
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BreakGlassReviewed {
        /// Whose record.
        #[ink(topic)]
        pub patient: AccountId,
        /// Who reviewed.
        #[ink(topic)]
        pub reviewer: AccountId,
        /// The audit entry.
        pub entry: u64,
        /// The review.
        pub review: Review,
    }

    /// An accessor holds more unreviewed break-glass entries than the contract's
    /// `ESCALATE_AFTER`: the privacy officer should look now.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BreakGlassEscalated {
        /// The accessor.
        #[ink(topic)]
        pub accessor: AccountId,
        /// The latest break-glass entry.
        pub entry: u64,
        /// How many are unreviewed.
        pub unreviewed: u32,
    }
}
