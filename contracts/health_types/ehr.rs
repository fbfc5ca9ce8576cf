//! The EHR access contract's enums that its events and answers carry, so the sentinel
//! decodes with the contract's own definitions.

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
