//! The Consent contract's enums that its events and answers carry, and its events
//! (feature `consent`).

/// Permit or deny (FHIR `provision.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Provision {
    /// Allows what it names.
    Permit,
    /// Forbids what it names, whatever any permit says.
    Deny,
}

#[cfg(feature = "consent")]
pub use events::*;

/// The contract's events. Field types are spelled as the contract spelled them
/// (`AccountId`, `PurposeSet`, ...): ink! hashes the spelling into the signature topic.
#[cfg(feature = "consent")]
mod events {
    use super::Provision;
    use crate::{AccountId, ClassSet, PurposeSet, Timestamp};

    /// A consent was recorded, with its scope (what an auditor and the sentinel need
    /// to tell which accesses it explains).
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ConsentRecorded {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// Whom it names.
        #[ink(topic)]
        pub grantee: AccountId,
        /// Its id.
        pub id: u64,
        /// Permit or deny.
        pub provision: Provision,
        /// Who recorded it (the patient or a delegate).
        pub by: AccountId,
        /// Purposes of use, one bit per [`crate::Purpose`].
        pub purposes: PurposeSet,
        /// Data classes, one bit per [`crate::DataClass`]; none: every class but
        /// the sensitive ones.
        pub classes: ClassSet,
        /// Valid from.
        pub start: Timestamp,
        /// Valid until (exclusive), if it ends.
        pub end: Option<Timestamp>,
    }

    /// A consent was revoked.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ConsentRevoked {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// Whom it named.
        #[ink(topic)]
        pub grantee: AccountId,
        /// Its id.
        pub id: u64,
        /// Who revoked it.
        pub by: AccountId,
    }

    /// A patient added a delegate.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct DelegateAdded {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// The delegate.
        #[ink(topic)]
        pub delegate: AccountId,
    }

    /// A patient removed a delegate.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct DelegateRemoved {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// The delegate.
        #[ink(topic)]
        pub delegate: AccountId,
    }

    /// The deployer registered a contract that may ask the Consent contract's
    /// `decision`.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReaderAdded {
        /// The reader contract.
        #[ink(topic)]
        pub reader: AccountId,
        /// The deployer.
        pub by: AccountId,
    }

    /// The deployer withdrew a reader contract.
    #[ink::event]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReaderRemoved {
        /// The reader contract.
        #[ink(topic)]
        pub reader: AccountId,
        /// The deployer.
        pub by: AccountId,
    }
}
