//! EHR access: who may open which health record, decided by the patient's consent,
//! and recorded so that the patient can later see every disclosure.
//!
//! - Records are registered by the patient or by their custodian: the organization
//!   (the administrator, whose EHR holds them) or a provider whose latest care
//!   relation with the patient is in force now. The contract
//!   assigns the record's id (nobody can squat one), the content's SHA-256 is
//!   registered once (the same content cannot come back under another class), and a
//!   correction goes through [`EhrAccess::amend_record`], which keeps the old entry
//!   and may not move a sensitive record to a less protected class. The record
//!   itself never touches the chain, and neither does its location: only a salted
//!   SHA-256 commitment of it. [`EhrAccess::verify_record`] checks a copy.
//! - [`EhrAccess::request_access`] asks the Consent contract (a cross-contract call
//!   to `decision`) and grants or denies. Every attempt, either way, is an audit
//!   entry and an event: a denial, a caller that is not (or no longer) a provider and
//!   a Consent contract that cannot answer are all `Ok` with `granted: false`, never
//!   a revert that would erase their own trace. A grant exists only in a committed
//!   transaction, beside its audit entry: an EHR releases a record on the
//!   `AccessDecided` event of an included block, never on a dry run's answer.
//! - Break-glass: a registered provider may open a record without consent for
//!   emergency treatment (`ETREAT`), committing to a written justification (its
//!   salted SHA-256; the text stays in the hospital's system). It is always granted,
//!   audited and queued for review by the patient and the privacy officer; nobody
//!   reviews their own access. An accessor with many unreviewed break-glass entries
//!   is escalated to the privacy officer (an event) rather than refused: an
//!   emergency is never turned away, abuse is limited per accessor by review.
//! - [`EhrAccess::accounting_of_disclosures`]: the HIPAA accounting (45 CFR 164.528)
//!   of granted accesses in a time window, for the patient, a delegate or the privacy
//!   officer. Audit entries, review queues, flags and care relations are read only by
//!   those with a HIPAA reason (see each message).
//! - The organization (the administrator, a hospital) may hold an organization-wide
//!   consent; its practitioners are granted under it when the patient's consent says
//!   nothing about them personally (a personal deny still holds). An administrator
//!   reading under it is marked `via_organization` like anyone else. The
//!   organization records care relations (patient, practitioner, period): history,
//!   appended with the block time they were recorded, never overwritten, so a
//!   relation recorded after an access cannot explain it.
//! - An oracle (the sentinel), named by the administrator, registers the SHA-256 of
//!   each model before it flags anything, then flags audit entries with a score,
//!   reason codes and the model's hash. A flag opens a review item for the patient
//!   and the privacy officer, who closes it with an outcome; it never denies access.
//! - Every change of who may do what (providers, the oracle) is an event.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod ehr_access {
    use health_types::{DataClass, FlagOutcome, Purpose, MAX_SCORE};
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::env::hash::Blake2x256;
    use ink::env::DefaultEnvironment;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// A record's id, assigned by the contract at registration.
    pub type RecordId = [u8; 32];
    /// A salted SHA-256 commitment to text kept off chain (a location reference, a
    /// justification): SHA-256(salt || text), the salt kept with the text.
    pub type Commitment = [u8; 32];
    /// A patient and a content hash: records are unique per patient.
    type PatientContent = (AccountId, [u8; 32]);

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

    /// The review of a break-glass access.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// On what ground an access was decided.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// A record was registered (or amended: `amends` names the old one).
    #[ink(event)]
    pub struct RecordRegistered {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        custodian: AccountId,
        record: RecordId,
        class: DataClass,
        amends: Option<RecordId>,
    }

    /// An access was decided (consent or break-glass), or an attempt refused.
    #[ink(event)]
    pub struct AccessDecided {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        accessor: AccountId,
        entry: u64,
        record: RecordId,
        purpose: Purpose,
        granted: bool,
        break_glass: bool,
        /// Granted under the organization's consent, not one naming the accessor.
        via_organization: bool,
        /// The record's data class.
        class: DataClass,
        /// Why.
        basis: Basis,
    }

    /// The organization recorded a care relation.
    #[ink(event)]
    pub struct CareRelationRegistered {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        provider: AccountId,
        start: Timestamp,
        end: Timestamp,
    }

    /// The administrator registered a provider.
    #[ink(event)]
    pub struct ProviderAdded {
        #[ink(topic)]
        provider: AccountId,
        by: AccountId,
    }

    /// The administrator removed a provider.
    #[ink(event)]
    pub struct ProviderRemoved {
        #[ink(topic)]
        provider: AccountId,
        by: AccountId,
    }

    /// The administrator named (or removed) the oracle.
    #[ink(event)]
    pub struct OracleSet {
        oracle: Option<AccountId>,
    }

    /// The oracle registered a model's SHA-256 before flagging with it.
    #[ink(event)]
    pub struct ModelRegistered {
        #[ink(topic)]
        model: [u8; 32],
        oracle: AccountId,
    }

    /// The oracle flagged an access for review.
    #[ink(event)]
    pub struct AccessFlagged {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        accessor: AccountId,
        flag: u64,
        entry: u64,
        score: u16,
        reasons: u32,
        model: [u8; 32],
    }

    /// The privacy officer closed a flag: its outcome is a label.
    #[ink(event)]
    pub struct FlagReviewed {
        #[ink(topic)]
        patient: AccountId,
        flag: u64,
        entry: u64,
        outcome: FlagOutcome,
    }

    /// A break-glass access was reviewed (by the patient's side or the officer).
    #[ink(event)]
    pub struct BreakGlassReviewed {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        reviewer: AccountId,
        entry: u64,
        review: Review,
    }

    /// An accessor holds more than [`ESCALATE_AFTER`] unreviewed break-glass
    /// entries: the privacy officer should look now.
    #[ink(event)]
    pub struct BreakGlassEscalated {
        #[ink(topic)]
        accessor: AccountId,
        entry: u64,
        unreviewed: u32,
    }

    /// (patient, provider).
    type Pair = (AccountId, AccountId);

    /// The contract's storage.
    #[ink(storage)]
    pub struct EhrAccess {
        admin: AccountId,
        privacy_officer: AccountId,
        consent: AccountId,
        providers: Mapping<AccountId, BlockNumber>,
        records: Mapping<RecordId, Record>,
        record_len: u64,
        /// The record registered for each (patient, content hash): per patient, so
        /// that nobody can block a custodian by registering its hash first.
        content_record: Mapping<PatientContent, RecordId>,
        audit: Mapping<u64, AuditEntry>,
        audit_len: u64,
        /// A patient's audit entries in order: count, then entry id by position.
        patient_audit_len: Mapping<AccountId, u32>,
        patient_audit: Mapping<(AccountId, u32), u64>,
        /// Break-glass entries awaiting the officer's review, per patient: count,
        /// entry by position, and each entry's position (removal swaps the last in).
        pending_len: Mapping<AccountId, u32>,
        pending_at: Mapping<(AccountId, u32), u64>,
        pending_position: Mapping<u64, u32>,
        /// Unreviewed break-glass entries per accessor.
        unreviewed: Mapping<AccountId, u32>,
        /// Care relations per (patient, provider), in the order recorded.
        care: Mapping<Pair, Vec<CareRelation>>,
        oracle: Option<AccountId>,
        /// Registered model hashes, with the block time of registration.
        models: Mapping<[u8; 32], Timestamp>,
        flags: Mapping<u64, AccessFlag>,
        flag_len: u64,
        /// The flag on each flagged audit entry.
        flag_of_entry: Mapping<u64, u64>,
        /// Open flags on a patient's accesses.
        open_flags: Mapping<AccountId, Vec<u64>>,
    }

    impl EhrAccess {
        /// Uses the Consent contract at `consent`; the caller administers providers and
        /// `privacy_officer` reviews break-glass accesses and flags.
        #[ink(constructor)]
        pub fn new(consent: AccountId, privacy_officer: AccountId) -> Self {
            EhrAccess {
                admin: Self::env().caller(),
                privacy_officer,
                consent,
                providers: Mapping::default(),
                records: Mapping::default(),
                record_len: 0,
                content_record: Mapping::default(),
                audit: Mapping::default(),
                audit_len: 0,
                patient_audit_len: Mapping::default(),
                patient_audit: Mapping::default(),
                pending_len: Mapping::default(),
                pending_at: Mapping::default(),
                pending_position: Mapping::default(),
                unreviewed: Mapping::default(),
                care: Mapping::default(),
                oracle: None,
                models: Mapping::default(),
                flags: Mapping::default(),
                flag_len: 0,
                flag_of_entry: Mapping::default(),
                open_flags: Mapping::default(),
            }
        }

        /// Registers a provider. Administrator only: the organization vouches for who
        /// treats its patients.
        #[ink(message)]
        pub fn add_provider(&mut self, provider: AccountId) -> Result<(), Error> {
            let by = self.ensure_admin()?;
            if self.providers.contains(provider) {
                return Err(Error::ProviderExists);
            }
            self.providers.insert(provider, &self.env().block_number());
            self.env().emit_event(ProviderAdded { provider, by });
            Ok(())
        }

        /// Removes a provider. Administrator only.
        #[ink(message)]
        pub fn remove_provider(&mut self, provider: AccountId) -> Result<(), Error> {
            let by = self.ensure_admin()?;
            self.providers
                .take(provider)
                .ok_or(Error::ProviderNotFound)?;
            self.env().emit_event(ProviderRemoved { provider, by });
            Ok(())
        }

        /// Whether `who` is a registered provider (public: the directory of who may
        /// ask, as a hospital's staff list is).
        #[ink(message)]
        pub fn is_provider(&self, who: AccountId) -> bool {
            self.providers.contains(who)
        }

        /// Registers a record and returns the id the contract gives it. By the
        /// patient, or by their custodian: the organization (the administrator) or a
        /// provider whose latest care relation to the patient is in force now.
        /// `location` commits to where the content lives.
        #[ink(message)]
        pub fn register_record(
            &mut self,
            patient: AccountId,
            class: DataClass,
            content_hash: [u8; 32],
            location: Commitment,
        ) -> Result<RecordId, Error> {
            let caller = self.env().caller();
            if caller != patient && !self.is_custodian_of(patient, caller) {
                return Err(Error::NotCustodian);
            }
            self.insert_record(patient, caller, class, content_hash, location, None)
        }

        /// Corrects record `id` with new content: a new record that names the old
        /// one, which stays (marked superseded). By the record's custodian (still
        /// entitled as [`EhrAccess::register_record`] requires); a sensitive record
        /// keeps its class.
        #[ink(message)]
        pub fn amend_record(
            &mut self,
            id: RecordId,
            class: DataClass,
            content_hash: [u8; 32],
            location: Commitment,
        ) -> Result<RecordId, Error> {
            let caller = self.env().caller();
            let mut old = self.records.get(id).ok_or(Error::RecordNotFound)?;
            if old.custodian != caller {
                return Err(Error::NotRecordCustodian);
            }
            if caller != old.patient && !self.is_custodian_of(old.patient, caller) {
                return Err(Error::NotCustodian);
            }
            if old.superseded_by.is_some() {
                return Err(Error::Superseded);
            }
            if old.class.is_sensitive() && class != old.class {
                return Err(Error::LessProtectedClass);
            }
            let new =
                self.insert_record(old.patient, caller, class, content_hash, location, Some(id))?;
            old.superseded_by = Some(new);
            self.records.insert(id, &old);
            Ok(new)
        }

        /// A record's metadata: for the patient, a delegate, its custodian or the
        /// privacy officer (its class alone can reveal a condition).
        #[ink(message)]
        pub fn record(&self, id: RecordId) -> Result<Record, Error> {
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            let caller = self.env().caller();
            if caller != record.custodian && !self.may_read_for(record.patient, caller)? {
                return Err(Error::NotAuthorized);
            }
            Ok(record)
        }

        /// Whether `content_hash` is the registered SHA-256 of record `id`. Public:
        /// it confirms a copy someone already holds and discloses nothing else.
        #[ink(message)]
        pub fn verify_record(&self, id: RecordId, content_hash: [u8; 32]) -> Result<bool, Error> {
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            Ok(record.content_hash == content_hash)
        }

        /// A provider asks to open record `id` for `purpose`; the patient's consent
        /// decides. Anyone may ask, and every attempt is audited: a caller that is not
        /// a provider, and a Consent contract that cannot answer, are refusals on
        /// record (`granted: false`), not reverts.
        #[ink(message)]
        pub fn request_access(&mut self, id: RecordId, purpose: Purpose) -> Result<Access, Error> {
            let accessor = self.env().caller();
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            let basis = if !self.providers.contains(accessor) {
                Basis::NotProvider
            } else {
                self.consent_basis(&record, accessor, purpose)
            };
            let granted = matches!(basis, Basis::PersonalConsent | Basis::OrganizationConsent);
            let entry = self.audit_decision(accessor, &record, id, purpose, basis, None);
            Ok(Access { entry, granted })
        }

        /// A provider opens record `id` without consent, for emergency treatment,
        /// committing to a justification. Always granted to a provider, audited and
        /// queued for review; an accessor past [`ESCALATE_AFTER`] unreviewed entries
        /// is escalated to the privacy officer. A caller that is not a provider is
        /// refused on record.
        #[ink(message)]
        pub fn break_glass(
            &mut self,
            id: RecordId,
            justification: Commitment,
        ) -> Result<Access, Error> {
            let accessor = self.env().caller();
            if justification == [0; 32] {
                return Err(Error::JustificationRequired);
            }
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            let purpose = Purpose::EmergencyTreatment;
            if !self.providers.contains(accessor) {
                let entry =
                    self.audit_decision(accessor, &record, id, purpose, Basis::NotProvider, None);
                return Ok(Access {
                    entry,
                    granted: false,
                });
            }
            let glass = BreakGlass {
                justification,
                review: Review::Pending,
                reviewer: None,
                patient_review: Review::Pending,
            };
            let entry = self.audit_decision(
                accessor,
                &record,
                id,
                purpose,
                Basis::BreakGlass,
                Some(glass),
            );
            let position = self.pending_len.get(record.patient).unwrap_or(0);
            self.pending_at.insert((record.patient, position), &entry);
            self.pending_position.insert(entry, &position);
            self.pending_len
                .insert(record.patient, &position.saturating_add(1));
            let unreviewed = self.unreviewed.get(accessor).unwrap_or(0).saturating_add(1);
            self.unreviewed.insert(accessor, &unreviewed);
            if unreviewed > ESCALATE_AFTER {
                self.env().emit_event(BreakGlassEscalated {
                    accessor,
                    entry,
                    unreviewed,
                });
            }
            Ok(Access {
                entry,
                granted: true,
            })
        }

        /// Reviews break-glass entry `entry`. The patient (or a delegate) gives the
        /// patient's review; the privacy officer gives the compliance review, which
        /// closes the item (and may report after the patient accepted). When the
        /// officer is the accessor, the administrator reviews instead. Nobody reviews
        /// their own access.
        #[ink(message)]
        pub fn review(&mut self, entry: u64, accept: bool) -> Result<(), Error> {
            let mut audit = self.audit.get(entry).ok_or(Error::EntryNotFound)?;
            let reviewer = self.env().caller();
            if audit.break_glass.is_none() {
                return Err(Error::NotBreakGlass);
            }
            if reviewer == audit.accessor {
                return Err(Error::SelfReview);
            }
            let compliance = self.is_compliance_reviewer(reviewer, audit.accessor);
            let patient_side = reviewer == audit.patient
                || (!compliance && self.consent_is_delegate(audit.patient, reviewer)?);
            if !compliance && !patient_side {
                return Err(Error::NotPatientOrOfficer);
            }
            let review = if accept {
                Review::Accepted
            } else {
                Review::Reported
            };
            let glass = audit.break_glass.as_mut().ok_or(Error::NotBreakGlass)?;
            if compliance {
                if glass.review != Review::Pending {
                    return Err(Error::AlreadyReviewed);
                }
                glass.review = review;
                glass.reviewer = Some(reviewer);
            } else {
                if glass.patient_review != Review::Pending {
                    return Err(Error::AlreadyReviewed);
                }
                glass.patient_review = review;
            }
            self.audit.insert(entry, &audit);
            if compliance {
                self.remove_pending(audit.patient, entry);
                let left = self.unreviewed.get(audit.accessor).unwrap_or(0);
                self.unreviewed
                    .insert(audit.accessor, &left.saturating_sub(1));
            }
            self.env().emit_event(BreakGlassReviewed {
                patient: audit.patient,
                reviewer,
                entry,
                review,
            });
            Ok(())
        }

        /// A page of break-glass entries awaiting compliance review on `patient`'s
        /// records: for the patient, a delegate or the privacy officer.
        #[ink(message)]
        pub fn pending_reviews(
            &self,
            patient: AccountId,
            from: u32,
            limit: u32,
        ) -> Result<Vec<u64>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            if !self.may_read_for(patient, self.env().caller())? {
                return Err(Error::NotAuthorized);
            }
            let len = self.pending_len.get(patient).unwrap_or(0);
            let end = from.saturating_add(limit).min(len);
            let mut page = Vec::new();
            let mut position = from;
            while position < end {
                if let Some(entry) = self.pending_at.get((patient, position)) {
                    page.push(entry);
                }
                position = position.saturating_add(1);
            }
            Ok(page)
        }

        /// One audit entry: for the patient, a delegate, the privacy officer, or the
        /// accessor it records.
        #[ink(message)]
        pub fn audit_entry(&self, entry: u64) -> Result<AuditEntry, Error> {
            let audit = self.audit.get(entry).ok_or(Error::EntryNotFound)?;
            let caller = self.env().caller();
            if caller != audit.accessor && !self.may_read_for(audit.patient, caller)? {
                return Err(Error::NotAuthorized);
            }
            Ok(audit)
        }

        /// The accounting of disclosures: `patient`'s granted accesses with
        /// `from <= at < to`, looking at the patient's audit entries from position
        /// `offset` on, at most `limit` of them. For the patient, a delegate or the
        /// privacy officer (who prepares it on request).
        #[ink(message)]
        pub fn accounting_of_disclosures(
            &self,
            patient: AccountId,
            from: Timestamp,
            to: Timestamp,
            offset: u32,
            limit: u32,
        ) -> Result<Vec<(u64, AuditEntry)>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            if !self.may_read_for(patient, self.env().caller())? {
                return Err(Error::NotPatientOrDelegate);
            }
            let len = self.patient_audit_len.get(patient).unwrap_or(0);
            let end = offset.saturating_add(limit).min(len);
            let mut page = Vec::new();
            let mut position = offset;
            while position < end {
                if let Some(id) = self.patient_audit.get((patient, position)) {
                    if let Some(entry) = self.audit.get(id) {
                        if entry.granted && from <= entry.at && entry.at < to {
                            page.push((id, entry));
                        }
                    }
                }
                position = position.saturating_add(1);
            }
            Ok(page)
        }

        /// How many audit entries `patient` has (the accounting's positions): for the
        /// patient, a delegate or the privacy officer.
        #[ink(message)]
        pub fn audit_count(&self, patient: AccountId) -> Result<u32, Error> {
            if !self.may_read_for(patient, self.env().caller())? {
                return Err(Error::NotAuthorized);
            }
            Ok(self.patient_audit_len.get(patient).unwrap_or(0))
        }

        /// The organization records that `provider` treats `patient` from `start`
        /// until `end`. Administrator only. Appended with this block's time: the
        /// latest relation of a pair governs from its recording on (a discharge, a
        /// readmission), the earlier ones stay as the history of what held before, so
        /// a relation recorded after an access never explains it.
        #[ink(message)]
        pub fn register_care_relation(
            &mut self,
            patient: AccountId,
            provider: AccountId,
            start: Timestamp,
            end: Timestamp,
        ) -> Result<(), Error> {
            self.ensure_admin()?;
            if !self.providers.contains(provider) {
                return Err(Error::ProviderNotFound);
            }
            if end <= start {
                return Err(Error::InvalidPeriod);
            }
            let mut relations = self.care.get((patient, provider)).unwrap_or_default();
            if relations.len() >= MAX_CARE_RELATIONS {
                return Err(Error::TooManyCareRelations);
            }
            relations.push(CareRelation {
                start,
                end,
                recorded_at: self.env().block_timestamp(),
            });
            self.care.insert((patient, provider), &relations);
            self.env().emit_event(CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            });
            Ok(())
        }

        /// The care relations recorded for (`patient`, `provider`), oldest first: for
        /// the patient, a delegate, the privacy officer, the administrator, the oracle
        /// and the provider concerned.
        #[ink(message)]
        pub fn care_relations(
            &self,
            patient: AccountId,
            provider: AccountId,
        ) -> Result<Vec<CareRelation>, Error> {
            let caller = self.env().caller();
            let staff = caller == provider || caller == self.admin || self.oracle == Some(caller);
            if !staff && !self.may_read_for(patient, caller)? {
                return Err(Error::NotAuthorized);
            }
            Ok(self.care.get((patient, provider)).unwrap_or_default())
        }

        /// Names the oracle that may register models and flag accesses, or removes it.
        /// Administrator only.
        #[ink(message)]
        pub fn set_oracle(&mut self, oracle: Option<AccountId>) -> Result<(), Error> {
            self.ensure_admin()?;
            self.oracle = oracle;
            self.env().emit_event(OracleSet { oracle });
            Ok(())
        }

        /// The oracle, if one is named (public: who may flag is part of the rules).
        #[ink(message)]
        pub fn oracle(&self) -> Option<AccountId> {
            self.oracle
        }

        /// The oracle registers the SHA-256 of a model file, before its first flag.
        #[ink(message)]
        pub fn register_model(&mut self, model: [u8; 32]) -> Result<(), Error> {
            let oracle = self.ensure_oracle()?;
            if self.models.contains(model) {
                return Err(Error::ModelExists);
            }
            self.models.insert(model, &self.env().block_timestamp());
            self.env().emit_event(ModelRegistered { model, oracle });
            Ok(())
        }

        /// When `model` was registered, if it was (public: anyone may check which
        /// model raised a flag).
        #[ink(message)]
        pub fn model_registered_at(&self, model: [u8; 32]) -> Option<Timestamp> {
            self.models.get(model)
        }

        /// The oracle flags audit entry `entry` with a score (basis points), reason
        /// codes and the registered model that raised it. Opens a review item on the
        /// patient's list and the privacy officer's; returns the flag's id.
        #[ink(message)]
        pub fn flag_access(
            &mut self,
            entry: u64,
            score: u16,
            reasons: u32,
            model: [u8; 32],
        ) -> Result<u64, Error> {
            self.ensure_oracle()?;
            if score > MAX_SCORE {
                return Err(Error::ScoreOutOfRange);
            }
            if !self.models.contains(model) {
                return Err(Error::UnknownModel);
            }
            let audit = self.audit.get(entry).ok_or(Error::EntryNotFound)?;
            if self.flag_of_entry.contains(entry) {
                return Err(Error::AlreadyFlagged);
            }
            let mut open = self.open_flags.get(audit.patient).unwrap_or_default();
            if open.len() >= MAX_OPEN_FLAGS {
                return Err(Error::TooManyOpenFlags);
            }
            let id = self.flag_len;
            self.flag_len = id.saturating_add(1);
            self.flags.insert(
                id,
                &AccessFlag {
                    entry,
                    patient: audit.patient,
                    score,
                    reasons,
                    model,
                    raised_at: self.env().block_timestamp(),
                    outcome: FlagOutcome::Open,
                    accessor: audit.accessor,
                },
            );
            self.flag_of_entry.insert(entry, &id);
            open.push(id);
            self.open_flags.insert(audit.patient, &open);
            self.env().emit_event(AccessFlagged {
                patient: audit.patient,
                accessor: audit.accessor,
                flag: id,
                entry,
                score,
                reasons,
                model,
            });
            Ok(id)
        }

        /// The privacy officer closes flag `flag`: `confirmed` if the access was
        /// inappropriate, otherwise dismissed. A flag on the officer's own access is
        /// closed by the administrator: nobody reviews their own access.
        #[ink(message)]
        pub fn close_flag(&mut self, flag: u64, confirmed: bool) -> Result<(), Error> {
            let caller = self.env().caller();
            let mut record = self.flags.get(flag).ok_or(Error::FlagNotFound)?;
            if caller == record.accessor {
                return Err(Error::SelfReview);
            }
            if !self.is_compliance_reviewer(caller, record.accessor) {
                return Err(Error::NotPrivacyOfficer);
            }
            if record.outcome != FlagOutcome::Open {
                return Err(Error::FlagClosed);
            }
            record.outcome = if confirmed {
                FlagOutcome::Confirmed
            } else {
                FlagOutcome::Dismissed
            };
            self.flags.insert(flag, &record);
            let mut open = self.open_flags.get(record.patient).unwrap_or_default();
            open.retain(|f| *f != flag);
            self.open_flags.insert(record.patient, &open);
            self.env().emit_event(FlagReviewed {
                patient: record.patient,
                flag,
                entry: record.entry,
                outcome: record.outcome,
            });
            Ok(())
        }

        /// One flag: for the patient, a delegate, the privacy officer, the
        /// administrator and the oracle.
        #[ink(message)]
        pub fn flag(&self, flag: u64) -> Result<AccessFlag, Error> {
            let record = self.flags.get(flag).ok_or(Error::FlagNotFound)?;
            let caller = self.env().caller();
            let staff = caller == self.admin || self.oracle == Some(caller);
            if !staff && !self.may_read_for(record.patient, caller)? {
                return Err(Error::NotAuthorized);
            }
            Ok(record)
        }

        /// How many flags were raised (ids are 0 to this, for the privacy officer's
        /// list; a count reveals nobody's condition).
        #[ink(message)]
        pub fn flag_count(&self) -> u64 {
            self.flag_len
        }

        /// Open flags on `patient`'s accesses: the patient's review list, for the
        /// patient, a delegate, the privacy officer, the administrator and the oracle.
        #[ink(message)]
        pub fn open_flags(&self, patient: AccountId) -> Result<Vec<u64>, Error> {
            let caller = self.env().caller();
            let staff = caller == self.admin || self.oracle == Some(caller);
            if !staff && !self.may_read_for(patient, caller)? {
                return Err(Error::NotAuthorized);
            }
            Ok(self.open_flags.get(patient).unwrap_or_default())
        }

        fn insert_record(
            &mut self,
            patient: AccountId,
            custodian: AccountId,
            class: DataClass,
            content_hash: [u8; 32],
            location: Commitment,
            amends: Option<RecordId>,
        ) -> Result<RecordId, Error> {
            if content_hash == [0; 32] {
                return Err(Error::EmptyHash);
            }
            if location == [0; 32] {
                return Err(Error::EmptyLocation);
            }
            if self.content_record.contains((patient, content_hash)) {
                return Err(Error::DuplicateContent);
            }
            let number = self.record_len;
            self.record_len = number.saturating_add(1);
            let id = self
                .env()
                .hash_encoded::<Blake2x256, _>(&(self.env().account_id(), number));
            self.records.insert(
                id,
                &Record {
                    patient,
                    custodian,
                    class,
                    content_hash,
                    location,
                    registered_at: self.env().block_timestamp(),
                    amends,
                    superseded_by: None,
                },
            );
            self.content_record.insert((patient, content_hash), &id);
            self.env().emit_event(RecordRegistered {
                patient,
                custodian,
                record: id,
                class,
                amends,
            });
            Ok(id)
        }

        /// The organization, or a registered provider whose latest care relation to
        /// `patient` is in force now (a later relation, a discharge say, governs from
        /// its recording on; the earlier ones stay as history).
        fn is_custodian_of(&self, patient: AccountId, who: AccountId) -> bool {
            if who == self.admin {
                return true;
            }
            if !self.providers.contains(who) {
                return false;
            }
            let now = self.env().block_timestamp();
            self.care
                .get((patient, who))
                .unwrap_or_default()
                .last()
                .is_some_and(|r| r.start <= now && now < r.end)
        }

        /// Whether `caller` has a HIPAA reason to read about `patient`'s accesses:
        /// the patient, the privacy officer or a delegate (asked of Consent).
        fn may_read_for(&self, patient: AccountId, caller: AccountId) -> Result<bool, Error> {
            if caller == patient || caller == self.privacy_officer {
                return Ok(true);
            }
            self.consent_is_delegate(patient, caller)
        }

        /// The privacy officer, or the administrator when the officer is the accessor.
        fn is_compliance_reviewer(&self, who: AccountId, accessor: AccountId) -> bool {
            who == self.privacy_officer || (who == self.admin && accessor == self.privacy_officer)
        }

        fn remove_pending(&mut self, patient: AccountId, entry: u64) {
            let Some(position) = self.pending_position.take(entry) else {
                return;
            };
            let len = self.pending_len.get(patient).unwrap_or(0);
            let last = len.saturating_sub(1);
            if position != last {
                if let Some(moved) = self.pending_at.get((patient, last)) {
                    self.pending_at.insert((patient, position), &moved);
                    self.pending_position.insert(moved, &position);
                }
            }
            self.pending_at.remove((patient, last));
            self.pending_len.insert(patient, &last);
        }

        /// What the patient's consent says for `accessor`: a personal provision
        /// first; on silence, the organization's (the administrator's) consent. The
        /// administrator's own reads stand on the organization's consent and are
        /// marked so.
        fn consent_basis(&self, record: &Record, accessor: AccountId, purpose: Purpose) -> Basis {
            let ask =
                |grantee| self.consent_decision(record.patient, grantee, purpose, record.class);
            let personal = match ask(accessor) {
                Ok(answer) => answer,
                Err(_) => return Basis::ConsentUnavailable,
            };
            let org_basis = |granted: bool| {
                if granted {
                    Basis::OrganizationConsent
                } else {
                    Basis::ConsentDenied
                }
            };
            match personal {
                Some(granted) if accessor == self.admin => org_basis(granted),
                Some(true) => Basis::PersonalConsent,
                Some(false) => Basis::ConsentDenied,
                None if accessor == self.admin => Basis::NoConsent,
                None => match ask(self.admin) {
                    Ok(Some(granted)) => org_basis(granted),
                    Ok(None) => Basis::NoConsent,
                    Err(_) => Basis::ConsentUnavailable,
                },
            }
        }

        fn ensure_oracle(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if self.oracle == Some(caller) {
                Ok(caller)
            } else {
                Err(Error::NotOracle)
            }
        }

        fn ensure_admin(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if caller == self.admin {
                Ok(caller)
            } else {
                Err(Error::NotAdmin)
            }
        }

        fn audit_decision(
            &mut self,
            accessor: AccountId,
            record: &Record,
            id: RecordId,
            purpose: Purpose,
            basis: Basis,
            break_glass: Option<BreakGlass>,
        ) -> u64 {
            let granted = matches!(
                basis,
                Basis::PersonalConsent | Basis::OrganizationConsent | Basis::BreakGlass
            );
            let entry = self.audit_len;
            self.audit_len = entry.saturating_add(1);
            let flagged = break_glass.is_some();
            self.audit.insert(
                entry,
                &AuditEntry {
                    accessor,
                    patient: record.patient,
                    record: id,
                    purpose,
                    granted,
                    at: self.env().block_timestamp(),
                    block: self.env().block_number(),
                    break_glass,
                    class: record.class,
                    basis,
                },
            );
            let position = self.patient_audit_len.get(record.patient).unwrap_or(0);
            self.patient_audit
                .insert((record.patient, position), &entry);
            self.patient_audit_len
                .insert(record.patient, &position.saturating_add(1));
            self.env().emit_event(AccessDecided {
                patient: record.patient,
                accessor,
                entry,
                record: id,
                purpose,
                granted,
                break_glass: flagged,
                via_organization: basis == Basis::OrganizationConsent,
                class: record.class,
                basis,
            });
            entry
        }

        /// Consent's `decision`, across contracts: `None` when no provision speaks.
        fn consent_decision(
            &self,
            patient: AccountId,
            grantee: AccountId,
            purpose: Purpose,
            class: DataClass,
        ) -> Result<Option<bool>, Error> {
            build_call::<DefaultEnvironment>()
                .call(self.consent)
                .exec_input(
                    ExecutionInput::new(Selector::new(ink::selector_bytes!("decision")))
                        .push_arg(patient)
                        .push_arg(grantee)
                        .push_arg(purpose)
                        .push_arg(class),
                )
                .returns::<Option<bool>>()
                .try_invoke()
                .map_err(|_| Error::ConsentUnavailable)?
                .map_err(|_| Error::ConsentUnavailable)
        }

        /// Consent's `is_delegate`, across contracts.
        fn consent_is_delegate(&self, patient: AccountId, who: AccountId) -> Result<bool, Error> {
            build_call::<DefaultEnvironment>()
                .call(self.consent)
                .exec_input(
                    ExecutionInput::new(Selector::new(ink::selector_bytes!("is_delegate")))
                        .push_arg(patient)
                        .push_arg(who),
                )
                .returns::<bool>()
                .try_invoke()
                .map_err(|_| Error::ConsentUnavailable)?
                .map_err(|_| Error::ConsentUnavailable)
        }
    }

    /// Rules that need no Consent contract; the consent-checked paths (and every
    /// read that asks Consent whether the caller is a delegate) run across contracts
    /// in `tests/` on the real VM (the off-chain engine has no cross-contract calls).
    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::test;
        use ink::env::DefaultEnvironment as Env;

        const HASH: [u8; 32] = [0xab; 32];
        const WHERE: Commitment = [0x11; 32];
        const WHY: Commitment = [0x22; 32];

        /// Alice administers; Bob is a provider treating Charlie (care relation from
        /// 0 to 1 000 000); Frank is the privacy officer; Bob registered Charlie's lab
        /// record.
        fn setup() -> (EhrAccess, test::DefaultAccounts<Env>, RecordId) {
            let a = test::default_accounts::<Env>();
            test::set_caller::<Env>(a.alice);
            test::set_block_timestamp::<Env>(100);
            let mut ehr = EhrAccess::new(a.django, a.frank);
            ehr.add_provider(a.bob).expect("provider");
            ehr.register_care_relation(a.charlie, a.bob, 0, 1_000_000)
                .expect("care");
            test::set_caller::<Env>(a.bob);
            let id = ehr
                .register_record(a.charlie, DataClass::Labs, HASH, WHERE)
                .expect("record");
            (ehr, a, id)
        }

        fn events() -> usize {
            test::recorded_events().count()
        }

        #[ink::test]
        fn providers_are_managed_by_the_admin_only_and_every_change_is_an_event() {
            let (mut ehr, a, _) = setup();
            assert_eq!(ehr.add_provider(a.eve), Err(Error::NotAdmin));
            test::set_caller::<Env>(a.alice);
            assert_eq!(ehr.add_provider(a.bob), Err(Error::ProviderExists));
            let before = events();
            ehr.remove_provider(a.bob).expect("removed");
            assert_eq!(events(), before + 1, "removal is an event");
            assert_eq!(ehr.remove_provider(a.bob), Err(Error::ProviderNotFound));
            assert!(!ehr.is_provider(a.bob));
            ehr.add_provider(a.eve).expect("added");
            assert_eq!(events(), before + 2, "addition is an event");
        }

        #[ink::test]
        fn only_the_patient_or_their_custodian_registers_and_the_contract_names_records() {
            let (mut ehr, a, id) = setup();
            assert_eq!(ehr.verify_record(id, HASH), Ok(true));
            assert_eq!(ehr.verify_record(id, [0; 32]), Ok(false));
            assert_eq!(ehr.verify_record([9; 32], HASH), Err(Error::RecordNotFound));
            let reg = |ehr: &mut EhrAccess, hash, location| {
                ehr.register_record(a.charlie, DataClass::Imaging, hash, location)
            };
            assert_eq!(reg(&mut ehr, HASH, WHERE), Err(Error::DuplicateContent));
            assert_eq!(reg(&mut ehr, [2; 32], [0; 32]), Err(Error::EmptyLocation));
            assert_eq!(reg(&mut ehr, [0; 32], WHERE), Err(Error::EmptyHash));
            // Eve is a provider, but does not treat Charlie.
            test::set_caller::<Env>(a.alice);
            ehr.add_provider(a.eve).expect("provider");
            test::set_caller::<Env>(a.eve);
            assert_eq!(reg(&mut ehr, [2; 32], WHERE), Err(Error::NotCustodian));
            // A stranger neither.
            test::set_caller::<Env>(a.django);
            assert_eq!(reg(&mut ehr, [2; 32], WHERE), Err(Error::NotCustodian));
            // Bob's care relation ends: no more records from him.
            test::set_block_timestamp::<Env>(1_000_000);
            test::set_caller::<Env>(a.bob);
            assert_eq!(reg(&mut ehr, [3; 32], WHERE), Err(Error::NotCustodian));
            test::set_caller::<Env>(a.charlie);
            let own = reg(&mut ehr, [2; 32], WHERE).expect("the patient registers");
            assert_ne!(own, id, "ids come from the contract");
            assert_eq!(ehr.record(own).map(|r| r.custodian), Ok(a.charlie));
            // Django registering Charlie's next hash as a record of his own first
            // does not block Charlie's custodian: content is unique per patient.
            test::set_caller::<Env>(a.django);
            ehr.register_record(a.django, DataClass::Labs, [4; 32], WHERE)
                .expect("his own registry");
            test::set_caller::<Env>(a.charlie);
            reg(&mut ehr, [4; 32], WHERE).expect("not squatted");
        }

        #[ink::test]
        fn the_same_content_never_comes_back_under_a_lesser_class() {
            let a = test::default_accounts::<Env>();
            let (mut ehr, _, _) = setup();
            let part2 = ehr
                .register_record(a.charlie, DataClass::SubstanceUse, [5; 32], WHERE)
                .expect("part 2 note");
            assert_eq!(
                ehr.register_record(a.charlie, DataClass::General, [5; 32], WHERE),
                Err(Error::DuplicateContent)
            );
            assert_eq!(
                ehr.amend_record(part2, DataClass::General, [6; 32], WHERE),
                Err(Error::LessProtectedClass)
            );
            let fixed = ehr
                .amend_record(part2, DataClass::SubstanceUse, [6; 32], WHERE)
                .expect("corrected");
            let old = ehr.record(part2).expect("the old entry stays");
            assert_eq!(old.superseded_by, Some(fixed));
            assert_eq!(ehr.record(fixed).map(|r| r.amends), Ok(Some(part2)));
            assert_eq!(
                ehr.amend_record(part2, DataClass::SubstanceUse, [7; 32], WHERE),
                Err(Error::Superseded)
            );
            test::set_caller::<Env>(a.charlie);
            assert_eq!(
                ehr.amend_record(fixed, DataClass::SubstanceUse, [7; 32], WHERE),
                Err(Error::NotRecordCustodian)
            );
        }

        #[ink::test]
        fn a_non_provider_attempt_is_refused_on_record_not_reverted() {
            let (mut ehr, a, id) = setup();
            test::set_caller::<Env>(a.eve);
            let asked = ehr.request_access(id, Purpose::Treatment).expect("audited");
            assert!(!asked.granted);
            let glass = ehr.break_glass(id, WHY).expect("audited");
            assert!(!glass.granted);
            test::set_caller::<Env>(a.charlie);
            for entry in [asked.entry, glass.entry] {
                let audit = ehr.audit_entry(entry).expect("entry");
                assert_eq!(
                    (audit.accessor, audit.granted, audit.basis),
                    (a.eve, false, Basis::NotProvider)
                );
                assert_eq!(audit.class, DataClass::Labs);
            }
            assert_eq!(ehr.audit_count(a.charlie), Ok(2));
            test::set_caller::<Env>(a.bob);
            assert_eq!(
                ehr.request_access([7; 32], Purpose::Treatment),
                Err(Error::RecordNotFound)
            );
        }

        #[ink::test]
        fn break_glass_is_always_granted_and_escalated_per_accessor() {
            let (mut ehr, a, id) = setup();
            assert_eq!(
                ehr.break_glass(id, [0; 32]),
                Err(Error::JustificationRequired)
            );
            // One provider files many; nothing fills up, each past the threshold is
            // escalated.
            for _ in 0..100 {
                assert!(ehr.break_glass(id, WHY).expect("granted").granted);
            }
            let signature = <BreakGlassEscalated as ink::env::Event>::SIGNATURE_TOPIC
                .expect("a signature topic")
                .to_vec();
            let escalations = test::recorded_events()
                .filter(|e| e.topics.first() == Some(&signature))
                .count();
            assert_eq!(escalations, 100 - ESCALATE_AFTER as usize);
            // The next genuine emergency, by someone else, is granted.
            test::set_caller::<Env>(a.alice);
            ehr.add_provider(a.eve).expect("provider");
            test::set_caller::<Env>(a.eve);
            let other = ehr.break_glass(id, WHY).expect("granted");
            assert!(other.granted);
            test::set_caller::<Env>(a.frank);
            assert_eq!(
                ehr.pending_reviews(a.charlie, 0, MAX_PAGE).map(|p| p.len()),
                Ok(MAX_PAGE as usize)
            );
            assert_eq!(
                ehr.pending_reviews(a.charlie, 100, MAX_PAGE),
                Ok(Vec::from([other.entry]))
            );
        }

        #[ink::test]
        fn nobody_reviews_their_own_access_and_the_officer_reviews_after_the_patient() {
            let (mut ehr, a, id) = setup();
            test::set_block_timestamp::<Env>(5_000);
            let entry = ehr.break_glass(id, WHY).expect("granted").entry;
            let audit = ehr.audit_entry(entry).expect("the accessor reads its own");
            assert_eq!(audit.purpose, Purpose::EmergencyTreatment);
            assert_eq!(audit.basis, Basis::BreakGlass);
            assert_eq!(ehr.review(entry, true), Err(Error::SelfReview));
            test::set_caller::<Env>(a.charlie);
            ehr.review(entry, true).expect("the patient accepts");
            assert_eq!(ehr.review(entry, true), Err(Error::AlreadyReviewed));
            assert_eq!(ehr.review(99, true), Err(Error::EntryNotFound));
            test::set_caller::<Env>(a.frank);
            ehr.review(entry, false).expect("the officer still reports");
            assert!(ehr
                .pending_reviews(a.charlie, 0, 10)
                .expect("page")
                .is_empty());
            let glass = ehr.audit_entry(entry).expect("entry").break_glass;
            assert_eq!(
                glass.map(|g| (g.patient_review, g.review, g.reviewer)),
                Some((Review::Accepted, Review::Reported, Some(a.frank)))
            );
            assert_eq!(ehr.review(entry, true), Err(Error::AlreadyReviewed));

            // The officer, registered as a provider, breaks the glass: he may not
            // review it; the administrator does.
            test::set_caller::<Env>(a.alice);
            ehr.add_provider(a.frank).expect("provider");
            test::set_caller::<Env>(a.frank);
            let own = ehr.break_glass(id, WHY).expect("granted").entry;
            assert_eq!(ehr.review(own, true), Err(Error::SelfReview));
            test::set_caller::<Env>(a.alice);
            ehr.review(own, false).expect("the administrator reviews");
        }

        #[ink::test]
        fn the_accounting_lists_granted_accesses_in_the_window() {
            let (mut ehr, a, id) = setup();
            for time in [1_000, 2_000, 3_000] {
                test::set_block_timestamp::<Env>(time);
                ehr.break_glass(id, WHY).expect("granted");
            }
            test::set_caller::<Env>(a.charlie);
            let page = ehr
                .accounting_of_disclosures(a.charlie, 1_500, 3_000, 0, 10)
                .expect("accounting");
            assert_eq!(
                page.iter().map(|(_, e)| e.at).collect::<Vec<_>>(),
                Vec::from([2_000])
            );
            assert_eq!(ehr.audit_count(a.charlie), Ok(3));
            assert_eq!(
                ehr.accounting_of_disclosures(a.charlie, 0, 10_000, 1, 1)
                    .map(|p| p.len()),
                Ok(1)
            );
            assert_eq!(
                ehr.accounting_of_disclosures(a.charlie, 0, 1, 0, MAX_PAGE + 1),
                Err(Error::PageTooLarge)
            );
            test::set_caller::<Env>(a.frank);
            assert!(ehr
                .accounting_of_disclosures(a.charlie, 0, 10_000, 0, 10)
                .is_ok());
        }

        #[ink::test]
        fn care_relations_are_appended_with_their_recording_time() {
            let (mut ehr, a, _) = setup();
            test::set_caller::<Env>(a.bob);
            assert_eq!(
                ehr.register_care_relation(a.charlie, a.bob, 0, 10),
                Err(Error::NotAdmin)
            );
            test::set_caller::<Env>(a.alice);
            assert_eq!(
                ehr.register_care_relation(a.charlie, a.eve, 0, 10),
                Err(Error::ProviderNotFound)
            );
            assert_eq!(
                ehr.register_care_relation(a.charlie, a.bob, 10, 10),
                Err(Error::InvalidPeriod)
            );
            // A backdated relation is recorded with the time it was recorded, beside
            // (not instead of) the first one.
            test::set_block_timestamp::<Env>(7_000);
            assert_eq!(ehr.register_care_relation(a.charlie, a.bob, 5, 10), Ok(()));
            assert_eq!(
                ehr.care_relations(a.charlie, a.bob),
                Ok(Vec::from([
                    CareRelation {
                        start: 0,
                        end: 1_000_000,
                        recorded_at: 100
                    },
                    CareRelation {
                        start: 5,
                        end: 10,
                        recorded_at: 7_000
                    }
                ]))
            );
            for _ in 2..MAX_CARE_RELATIONS {
                ehr.register_care_relation(a.charlie, a.bob, 5, 10)
                    .expect("within the bound");
            }
            assert_eq!(
                ehr.register_care_relation(a.charlie, a.bob, 5, 10),
                Err(Error::TooManyCareRelations)
            );
        }

        #[ink::test]
        fn only_the_oracle_flags_and_nobody_closes_a_flag_on_their_own_access() {
            let (mut ehr, a, id) = setup();
            let entry = ehr.break_glass(id, WHY).expect("bg").entry;
            let model = [7; 32];
            assert_eq!(ehr.register_model(model), Err(Error::NotOracle));
            test::set_caller::<Env>(a.alice);
            assert_eq!(ehr.set_oracle(Some(a.eve)), Ok(()));
            test::set_caller::<Env>(a.eve);
            assert_eq!(
                ehr.flag_access(entry, 9000, 1, model),
                Err(Error::UnknownModel)
            );
            assert_eq!(ehr.register_model(model), Ok(()));
            assert_eq!(ehr.register_model(model), Err(Error::ModelExists));
            assert_eq!(
                ehr.flag_access(entry, MAX_SCORE + 1, 1, model),
                Err(Error::ScoreOutOfRange)
            );
            assert_eq!(
                ehr.flag_access(99, 9000, 1, model),
                Err(Error::EntryNotFound)
            );
            assert_eq!(ehr.flag_access(entry, 9000, 5, model), Ok(0));
            assert_eq!(
                ehr.flag_access(entry, 9000, 5, model),
                Err(Error::AlreadyFlagged)
            );
            assert_eq!(ehr.open_flags(a.charlie), Ok(Vec::from([0])));
            assert_eq!(ehr.close_flag(0, true), Err(Error::NotPrivacyOfficer));
            test::set_caller::<Env>(a.frank);
            assert_eq!(ehr.close_flag(0, true), Ok(()));
            assert_eq!(ehr.close_flag(0, false), Err(Error::FlagClosed));
            assert_eq!(ehr.open_flags(a.charlie), Ok(Vec::new()));
            let flag = ehr.flag(0).expect("flag");
            assert_eq!(
                (flag.entry, flag.outcome, flag.reasons, flag.accessor),
                (entry, FlagOutcome::Confirmed, 5, a.bob)
            );
            assert_eq!(ehr.flag_count(), 1);

            // The officer's own access, flagged: he cannot dismiss it.
            test::set_caller::<Env>(a.alice);
            ehr.add_provider(a.frank).expect("provider");
            test::set_caller::<Env>(a.frank);
            let own = ehr.break_glass(id, WHY).expect("bg").entry;
            test::set_caller::<Env>(a.eve);
            let flag = ehr.flag_access(own, 9500, 1, model).expect("flagged");
            test::set_caller::<Env>(a.frank);
            assert_eq!(ehr.close_flag(flag, false), Err(Error::SelfReview));
            test::set_caller::<Env>(a.alice);
            ehr.close_flag(flag, true)
                .expect("the administrator closes it");
        }
    }
}
