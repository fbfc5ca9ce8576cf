//! Why a message is refused.

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// Only the administrator manages providers.
    NotAdmin,
    /// The caller is not a registered provider.
    NotProvider,
    /// Already a registered provider.
    ProviderExists,
    /// Not a registered provider.
    ProviderNotFound,
    /// Records are registered by the patient or their custodian: the organization
    /// or a provider whose latest care relation to the patient is in force now.
    NotCustodian,
    /// That content hash is registered already for this patient (amend the
    /// record instead).
    DuplicateContent,
    /// No record has that id.
    RecordNotFound,
    /// The location commitment is empty (all zero).
    EmptyLocation,
    /// A content hash is not all zero.
    EmptyHash,
    /// Break-glass needs a justification commitment (not all zero).
    JustificationRequired,
    /// The Consent contract could not be asked.
    ConsentUnavailable,
    /// No audit entry has that id.
    EntryNotFound,
    /// The entry is not a break-glass access.
    NotBreakGlass,
    /// The entry was reviewed before by this party.
    AlreadyReviewed,
    /// Reviews are by the patient, a delegate or the privacy officer.
    NotPatientOrOfficer,
    /// The accounting is for the patient, a delegate or the privacy officer.
    NotPatientOrDelegate,
    /// A page may hold at most [`MAX_PAGE`] entries.
    PageTooLarge,
    /// A period must end after it starts.
    InvalidPeriod,
    /// Only the oracle the administrator named does this.
    NotOracle,
    /// That model hash is registered already.
    ModelExists,
    /// Flags name a model registered before them.
    UnknownModel,
    /// A score is at most [`MAX_SCORE`].
    ScoreOutOfRange,
    /// That audit entry is flagged already.
    AlreadyFlagged,
    /// No flag has that id.
    FlagNotFound,
    /// The flag was closed before.
    FlagClosed,
    /// Only the privacy officer closes flags.
    NotPrivacyOfficer,
    /// Nobody reviews their own access.
    SelfReview,
    /// The caller has no HIPAA reason to read this.
    NotAuthorized,
    /// Only the record's custodian amends it.
    NotRecordCustodian,
    /// The record was amended already; amend the latest version.
    Superseded,
    /// A sensitive record keeps its class.
    LessProtectedClass,
    /// The pair has [`MAX_CARE_RELATIONS`] care relations already.
    TooManyCareRelations,
    /// The patient has [`MAX_OPEN_FLAGS`] open flags already.
    TooManyOpenFlags,
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
