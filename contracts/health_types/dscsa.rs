//! The DSCSA contract's enums that its events and answers carry, so the EPCIS mapping
//! and the sentinel decode with the contract's own definitions.

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
