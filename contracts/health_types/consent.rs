//! The Consent contract's enums that its events and answers carry.

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
