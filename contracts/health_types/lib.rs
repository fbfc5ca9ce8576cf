//! Types the healthcare contracts share, so that a purpose or a data class means the
//! same thing in the Consent contract and in every contract that asks it.
//!
//! Purposes of use are HL7 v3 `PurposeOfUse` codes (the value set FHIR Consent
//! `provision.purpose` binds to); data classes are the record categories a consent
//! can name, with the sensitive ones (mental health, 42 CFR Part 2 substance-use
//! treatment, genomics) marked, since no general grant may cover them.
//!
//! Each contract's events live here too (ink!'s event-definition pattern), behind a
//! feature per contract (`consent`, `dscsa`, `ehr`, and `oracle` for the registry
//! the last two share), because ink! lists every event linked into a contract in its
//! metadata: each contract enables only its own.
//!
//! The GS1 identifier rules ([`gs1`]) live here too, so that the DSCSA contract, the
//! EPCIS mapping and the sentinel check a GTIN, SSCC or GLN the same way. Off chain,
//! the main workspace depends on this crate with `std`, so the sentinel decodes with
//! the very types the contracts use.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod consent;
pub mod dscsa;
pub mod ehr;
pub mod gs1;
#[cfg(feature = "oracle")]
pub mod oracle;

/// An account, as the contracts' default environment spells it.
pub use ink::primitives::AccountId;
/// Block time, milliseconds since the Unix epoch (the default environment's).
pub type Timestamp = u64;
/// A block number (the default environment's).
pub type BlockNumber = u32;

/// Why data is used: HL7 v3 `PurposeOfUse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Purpose {
    /// `TREAT`: treatment.
    Treatment,
    /// `ETREAT`: emergency treatment (what break-glass access is for).
    EmergencyTreatment,
    /// `HPAYMT`: healthcare payment.
    Payment,
    /// `HOPERAT`: healthcare operations.
    Operations,
    /// `HRESCH`: healthcare research.
    Research,
    /// `PUBHLTH`: public health.
    PublicHealth,
}

impl Purpose {
    /// The HL7 code.
    pub const fn code(self) -> &'static str {
        match self {
            Purpose::Treatment => "TREAT",
            Purpose::EmergencyTreatment => "ETREAT",
            Purpose::Payment => "HPAYMT",
            Purpose::Operations => "HOPERAT",
            Purpose::Research => "HRESCH",
            Purpose::PublicHealth => "PUBHLTH",
        }
    }

    /// This purpose as one bit of a [`PurposeSet`].
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The purposes a provision may name to speak about this one: itself and the
    /// purposes it specializes in the HL7 v3 `PurposeOfUse` hierarchy (`ETREAT` is a
    /// kind of `TREAT`, so a deny or a permit for treatment covers emergency
    /// treatment too; the converse does not hold).
    pub const fn covered_by(self) -> PurposeSet {
        match self {
            Purpose::EmergencyTreatment => self.bit() | Purpose::Treatment.bit(),
            _ => self.bit(),
        }
    }
}

/// A category of health data a consent or a record names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum DataClass {
    /// Demographics, problems, encounters, notes not otherwise classed.
    General,
    /// Prescriptions and medication history.
    Medications,
    /// Laboratory results.
    Labs,
    /// Imaging studies and reports.
    Imaging,
    /// Mental-health records (sensitive).
    MentalHealth,
    /// Substance-use-disorder treatment records under 42 CFR Part 2 (sensitive).
    SubstanceUse,
    /// Genetic and genomic data (sensitive).
    Genomics,
}

impl DataClass {
    /// Sensitive classes are covered only by a grant that names them.
    pub const fn is_sensitive(self) -> bool {
        matches!(
            self,
            DataClass::MentalHealth | DataClass::SubstanceUse | DataClass::Genomics
        )
    }

    /// This class as one bit of a [`ClassSet`].
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of purposes, one bit each (compact in storage).
pub type PurposeSet = u8;

/// A set of data classes, one bit each.
pub type ClassSet = u8;

/// The set of `purposes`.
pub fn purpose_set(purposes: &[Purpose]) -> PurposeSet {
    purposes.iter().fold(0, |set, p| set | p.bit())
}

/// The set of `classes`.
pub fn class_set(classes: &[DataClass]) -> ClassSet {
    classes.iter().fold(0, |set, c| set | c.bit())
}

/// The largest AI score: scores are in basis points, 0 to 10 000 for 0 to 1, so that
/// no float reaches contract state.
pub const MAX_SCORE: u16 = 10_000;

/// Where an AI flag stands. A flag only starts a review or an investigation; a person
/// closes it, and the outcome is the label the sentinel learns from (DESIGN.md §7:
/// AI flags never decide on their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum FlagOutcome {
    /// Awaiting review.
    Open,
    /// The reviewer found the activity inappropriate (or the product suspect).
    Confirmed,
    /// The reviewer found it legitimate.
    Dismissed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_hold_exactly_their_members() {
        let set = purpose_set(&[Purpose::Treatment, Purpose::Research]);
        assert_ne!(set & Purpose::Treatment.bit(), 0);
        assert_ne!(set & Purpose::Research.bit(), 0);
        assert_eq!(set & Purpose::Payment.bit(), 0);
        assert_eq!(class_set(&[]), 0);
    }

    #[test]
    fn only_the_three_sensitive_classes_are_sensitive() {
        let sensitive: [bool; 7] = [
            DataClass::General,
            DataClass::Medications,
            DataClass::Labs,
            DataClass::Imaging,
            DataClass::MentalHealth,
            DataClass::SubstanceUse,
            DataClass::Genomics,
        ]
        .map(DataClass::is_sensitive);
        assert_eq!(sensitive, [false, false, false, false, true, true, true]);
        assert_eq!(Purpose::EmergencyTreatment.code(), "ETREAT");
    }

    #[test]
    fn emergency_treatment_is_a_kind_of_treatment_and_not_the_reverse() {
        let treat = purpose_set(&[Purpose::Treatment]);
        assert_ne!(Purpose::EmergencyTreatment.covered_by() & treat, 0);
        assert_eq!(
            Purpose::Treatment.covered_by() & Purpose::EmergencyTreatment.bit(),
            0
        );
        assert_eq!(Purpose::Research.covered_by(), Purpose::Research.bit());
    }
}
