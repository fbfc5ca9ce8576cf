//! Why a message is refused.

#[cfg(doc)]
use crate::types::{MAX_CONTENTS, MAX_PAGE, MAX_TEXT};
#[cfg(doc)]
use health_types::MAX_SCORE;

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// Only the operator does this.
    NotOperator,
    /// The account is already a partner.
    PartnerExists,
    /// The account is not a registered partner.
    UnknownPartner,
    /// The partner (or the other party of a shipment) is suspended.
    PartnerSuspended,
    /// The partner's role does not allow this.
    WrongPartnerKind,
    /// A GLN must be 13 digits with a valid check digit.
    InvalidGln,
    /// A GTIN must be 14 digits with a valid check digit.
    InvalidGtin,
    /// An SSCC must be 18 digits with a valid check digit.
    InvalidSscc,
    /// A serial must be 1 to 20 characters of the GS1 character set 82.
    InvalidSerial,
    /// A lot must be 1 to 20 characters of the GS1 character set 82.
    InvalidLot,
    /// Text is empty or longer than [`MAX_TEXT`].
    InvalidText,
    /// That (GTIN, serial) was commissioned before.
    DuplicateSerial,
    /// No such package.
    UnknownPackage,
    /// No such container.
    UnknownContainer,
    /// The SSCC is in use.
    ContainerExists,
    /// A container holds 1 to [`MAX_CONTENTS`] packages, each once.
    InvalidContents,
    /// Only the owner may do this.
    NotOwner,
    /// The package is inside a container and cannot move alone.
    InContainer,
    /// It is on a shipment.
    InTransit,
    /// It is not on a shipment.
    NotInTransit,
    /// Only the named recipient receives.
    NotRecipient,
    /// A carrier must be an active third-party logistics provider.
    InvalidCarrier,
    /// DSCSA requires the transaction statement.
    MissingTransactionStatement,
    /// It is quarantined.
    Quarantined,
    /// It is not quarantined (or was not while its flag was open).
    NotQuarantined,
    /// It was declared illegitimate.
    Illegitimate,
    /// It was dispensed or decommissioned: nothing more happens to it.
    Final,
    /// Its GTIN and lot are recalled.
    Recalled,
    /// It is past its expiry (or the expiry given is not in the future).
    Expired,
    /// Unused since brand ownership replaced it ([`Error::NotBrandOwner`]); kept
    /// for its index.
    NotManufacturer,
    /// That GTIN and lot are already recalled.
    AlreadyRecalled,
    /// A page may hold at most [`MAX_PAGE`] entries.
    PageTooLarge,
    /// Another partner is registered under that GLN.
    GlnInUse,
    /// Only the oracle the operator named does this.
    NotOracle,
    /// That model hash is registered already.
    ModelExists,
    /// Flags name a model registered before them.
    UnknownModel,
    /// A score is at most [`MAX_SCORE`].
    ScoreOutOfRange,
    /// The serial has an open flag already.
    AlreadyFlagged,
    /// No flag has that id.
    FlagNotFound,
    /// The flag was closed before.
    FlagClosed,
    /// Flags are closed by the package's owner or the operator.
    NotOwnerOrOperator,
    /// A GS1 company prefix is 4 to 12 ASCII digits.
    InvalidPrefix,
    /// The prefix, or one it extends or that extends it, is assigned already.
    PrefixInUse,
    /// No partner holds that prefix.
    UnknownPrefix,
    /// The GTIN or SSCC is not under one of the caller's company prefixes.
    NotBrandOwner,
    /// The SSCC was unpacked before: an SSCC is used once.
    SsccRetired,
    /// The caller has no DSCSA reason to read this.
    NotAuthorized,
    /// Too many verification requests in this window.
    RateLimited,
    /// A returned package is not saleable until its return is verified.
    ReturnNotVerified,
    /// A partner does not ship to itself.
    SelfShipment,
    /// The transaction information's hash is missing (all zeros).
    MissingTransactionInformation,
    /// The owner a flag named does not close it.
    SelfReview,
    /// It was reported damaged: only decommissioning follows.
    Damaged,
    /// It was partly dispensed: it is never shipped or packed again.
    PartiallyDispensed,
    /// That decommissioning reason is recorded by its own message only.
    ReservedReason,
    /// A repackaged package may not expire later than its source.
    ExpiryAfterSource,
}

impl From<health_types::oracle::OracleError> for Error {
    fn from(error: health_types::oracle::OracleError) -> Self {
        use health_types::oracle::OracleError;
        match error {
            OracleError::NotOracle => Error::NotOracle,
            OracleError::ModelExists => Error::ModelExists,
            OracleError::UnknownModel => Error::UnknownModel,
            OracleError::ScoreOutOfRange => Error::ScoreOutOfRange,
        }
    }
}
