//! EHR access: who may open which health record, decided by the patient's consent,
//! and recorded so that the patient can later see every disclosure.
//!
//! - Records are registered by their custodian (a registered provider) or by the
//!   patient: the patient, a record id, the data class, the SHA-256 of the content
//!   and where it lives. The record itself never touches the chain;
//!   [`EhrAccess::verify_record`] checks a copy against the registered hash.
//! - [`EhrAccess::request_access`] asks the Consent contract (a cross-contract call
//!   to `is_permitted`) and grants or denies. Every decision, either way, is an audit
//!   entry and an event, so a denial is an `Ok(false)`, never a revert that would
//!   erase its own trace.
//! - Break-glass: a registered provider may open a record without consent for
//!   emergency treatment (`ETREAT`) with a written justification. It is granted,
//!   flagged, and waits on the patient's list until the patient or the privacy officer
//!   reviews it (accepted or reported).
//! - [`EhrAccess::accounting_of_disclosures`]: the HIPAA accounting (45 CFR 164.528)
//!   of granted accesses in a time window, for the patient or a delegate only.
//! - The organization (the administrator, a hospital) may hold an organization-wide
//!   consent; its practitioners are granted under it when the patient's consent says
//!   nothing about them personally (a personal deny still holds). The organization
//!   registers care relations (patient, practitioner, period), the evidence that
//!   tells a treating practitioner's access from snooping.
//! - An oracle (the sentinel), named by the administrator, registers the SHA-256 of
//!   each model before it flags anything, then flags audit entries with a score,
//!   reason codes and the model's hash. A flag opens a review item for the patient
//!   and the privacy officer, who closes it with an outcome; it never denies access.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod ehr_access {
    use health_types::{DataClass, FlagOutcome, Purpose, MAX_SCORE};
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::env::DefaultEnvironment;
    use ink::prelude::string::String;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// A record's id (chosen by its registrant, for example a hash of the EHR's own id).
    pub type RecordId = [u8; 32];

    /// Longest location reference, bytes.
    pub const MAX_LOCATION: usize = 256;
    /// Longest break-glass justification, bytes.
    pub const MAX_JUSTIFICATION: usize = 512;
    /// Most break-glass entries awaiting one patient's review.
    pub const MAX_PENDING: usize = 64;
    /// Largest page the accounting returns.
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
        /// Where the content lives (a FHIR reference, a URL).
        pub location: String,
        /// When it was registered.
        pub registered_at: Timestamp,
    }

    /// A care relation the organization registered: `provider` treats the patient
    /// from `start` until (not including) `end`, block time.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct CareRelation {
        /// From.
        pub start: Timestamp,
        /// Until.
        pub end: Timestamp,
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

    /// A break-glass access's justification and review.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct BreakGlass {
        /// The provider's written reason.
        pub justification: String,
        /// Where its review stands.
        pub review: Review,
        /// Who reviewed it.
        pub reviewer: Option<AccountId>,
    }

    /// One access decision: the audit trail's entry.
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
        /// Records are registered by a provider or by the patient.
        NotProviderOrPatient,
        /// A record with that id exists.
        RecordExists,
        /// No record has that id.
        RecordNotFound,
        /// The location reference is empty.
        EmptyLocation,
        /// The location reference is longer than [`MAX_LOCATION`].
        LocationTooLong,
        /// Break-glass needs a justification.
        JustificationRequired,
        /// The justification is longer than [`MAX_JUSTIFICATION`].
        JustificationTooLong,
        /// The patient already has [`MAX_PENDING`] break-glass accesses to review.
        TooManyPendingReviews,
        /// The Consent contract could not be asked.
        ConsentUnavailable,
        /// No audit entry has that id.
        EntryNotFound,
        /// The entry is not a break-glass access.
        NotBreakGlass,
        /// The entry was reviewed before.
        AlreadyReviewed,
        /// Reviews are by the patient or the privacy officer.
        NotPatientOrOfficer,
        /// The accounting is for the patient or a delegate.
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
    }

    /// A record was registered.
    #[ink(event)]
    pub struct RecordRegistered {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        custodian: AccountId,
        record: RecordId,
        class: DataClass,
    }

    /// An access was decided (consent or break-glass).
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
    }

    /// The organization registered a care relation.
    #[ink(event)]
    pub struct CareRelationRegistered {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        provider: AccountId,
        start: Timestamp,
        end: Timestamp,
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

    /// A break-glass access was reviewed.
    #[ink(event)]
    pub struct BreakGlassReviewed {
        #[ink(topic)]
        patient: AccountId,
        #[ink(topic)]
        reviewer: AccountId,
        entry: u64,
        review: Review,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct EhrAccess {
        admin: AccountId,
        privacy_officer: AccountId,
        consent: AccountId,
        providers: Mapping<AccountId, BlockNumber>,
        records: Mapping<RecordId, Record>,
        audit: Mapping<u64, AuditEntry>,
        audit_len: u64,
        /// A patient's audit entries in order: count, then entry id by position.
        patient_audit_len: Mapping<AccountId, u32>,
        patient_audit: Mapping<(AccountId, u32), u64>,
        /// Break-glass entries awaiting the patient's review.
        pending: Mapping<AccountId, Vec<u64>>,
        care: Mapping<(AccountId, AccountId), CareRelation>,
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
        /// `privacy_officer` may review break-glass accesses.
        #[ink(constructor)]
        pub fn new(consent: AccountId, privacy_officer: AccountId) -> Self {
            EhrAccess {
                admin: Self::env().caller(),
                privacy_officer,
                consent,
                providers: Mapping::default(),
                records: Mapping::default(),
                audit: Mapping::default(),
                audit_len: 0,
                patient_audit_len: Mapping::default(),
                patient_audit: Mapping::default(),
                pending: Mapping::default(),
                care: Mapping::default(),
                oracle: None,
                models: Mapping::default(),
                flags: Mapping::default(),
                flag_len: 0,
                flag_of_entry: Mapping::default(),
                open_flags: Mapping::default(),
            }
        }

        /// Registers a provider (administrator only).
        #[ink(message)]
        pub fn add_provider(&mut self, provider: AccountId) -> Result<(), Error> {
            self.ensure_admin()?;
            if self.providers.contains(provider) {
                return Err(Error::ProviderExists);
            }
            self.providers.insert(provider, &self.env().block_number());
            Ok(())
        }

        /// Removes a provider (administrator only).
        #[ink(message)]
        pub fn remove_provider(&mut self, provider: AccountId) -> Result<(), Error> {
            self.ensure_admin()?;
            self.providers
                .take(provider)
                .map(|_| ())
                .ok_or(Error::ProviderNotFound)
        }

        /// Whether `who` is a registered provider.
        #[ink(message)]
        pub fn is_provider(&self, who: AccountId) -> bool {
            self.providers.contains(who)
        }

        /// Registers a record, by a provider (its custodian) or by the patient.
        #[ink(message)]
        pub fn register_record(
            &mut self,
            id: RecordId,
            patient: AccountId,
            class: DataClass,
            content_hash: [u8; 32],
            location: String,
        ) -> Result<(), Error> {
            let caller = self.env().caller();
            if caller != patient && !self.providers.contains(caller) {
                return Err(Error::NotProviderOrPatient);
            }
            if location.is_empty() {
                return Err(Error::EmptyLocation);
            }
            if location.len() > MAX_LOCATION {
                return Err(Error::LocationTooLong);
            }
            if self.records.contains(id) {
                return Err(Error::RecordExists);
            }
            let record = Record {
                patient,
                custodian: caller,
                class,
                content_hash,
                location,
                registered_at: self.env().block_timestamp(),
            };
            self.records.insert(id, &record);
            self.env().emit_event(RecordRegistered {
                patient,
                custodian: caller,
                record: id,
                class,
            });
            Ok(())
        }

        /// A record's metadata.
        #[ink(message)]
        pub fn record(&self, id: RecordId) -> Option<Record> {
            self.records.get(id)
        }

        /// Whether `content_hash` is the registered SHA-256 of record `id`.
        #[ink(message)]
        pub fn verify_record(&self, id: RecordId, content_hash: [u8; 32]) -> Result<bool, Error> {
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            Ok(record.content_hash == content_hash)
        }

        /// A provider asks to open record `id` for `purpose`; the patient's consent
        /// decides. Returns whether access is granted; either way the decision is
        /// audited and announced.
        #[ink(message)]
        pub fn request_access(&mut self, id: RecordId, purpose: Purpose) -> Result<bool, Error> {
            let accessor = self.ensure_provider()?;
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            let personal =
                self.consent_decision(record.patient, accessor, purpose, record.class)?;
            let (granted, via_organization) = match personal {
                Some(granted) => (granted, false),
                None if accessor != self.admin => {
                    let org =
                        self.consent_decision(record.patient, self.admin, purpose, record.class)?;
                    (org == Some(true), org == Some(true))
                }
                None => (false, false),
            };
            self.audit_decision(
                accessor,
                &record,
                id,
                purpose,
                granted,
                via_organization,
                None,
            )?;
            Ok(granted)
        }

        /// A provider opens record `id` without consent, for emergency treatment,
        /// giving a justification. Granted, flagged and queued for review; returns the
        /// audit entry's id.
        #[ink(message)]
        pub fn break_glass(&mut self, id: RecordId, justification: String) -> Result<u64, Error> {
            let accessor = self.ensure_provider()?;
            if justification.trim().is_empty() {
                return Err(Error::JustificationRequired);
            }
            if justification.len() > MAX_JUSTIFICATION {
                return Err(Error::JustificationTooLong);
            }
            let record = self.records.get(id).ok_or(Error::RecordNotFound)?;
            let mut pending = self.pending.get(record.patient).unwrap_or_default();
            if pending.len() >= MAX_PENDING {
                return Err(Error::TooManyPendingReviews);
            }
            let glass = BreakGlass {
                justification,
                review: Review::Pending,
                reviewer: None,
            };
            let entry = self.audit_decision(
                accessor,
                &record,
                id,
                Purpose::EmergencyTreatment,
                true,
                false,
                Some(glass),
            )?;
            pending.push(entry);
            self.pending.insert(record.patient, &pending);
            Ok(entry)
        }

        /// The patient or the privacy officer reviews break-glass entry `entry`.
        #[ink(message)]
        pub fn review(&mut self, entry: u64, accept: bool) -> Result<(), Error> {
            let mut audit = self.audit.get(entry).ok_or(Error::EntryNotFound)?;
            let reviewer = self.env().caller();
            if reviewer != audit.patient && reviewer != self.privacy_officer {
                return Err(Error::NotPatientOrOfficer);
            }
            let glass = audit.break_glass.as_mut().ok_or(Error::NotBreakGlass)?;
            if glass.review != Review::Pending {
                return Err(Error::AlreadyReviewed);
            }
            let review = if accept {
                Review::Accepted
            } else {
                Review::Reported
            };
            glass.review = review;
            glass.reviewer = Some(reviewer);
            self.audit.insert(entry, &audit);
            let mut pending = self.pending.get(audit.patient).unwrap_or_default();
            pending.retain(|e| *e != entry);
            self.pending.insert(audit.patient, &pending);
            self.env().emit_event(BreakGlassReviewed {
                patient: audit.patient,
                reviewer,
                entry,
                review,
            });
            Ok(())
        }

        /// Break-glass entries awaiting `patient`'s review.
        #[ink(message)]
        pub fn pending_reviews(&self, patient: AccountId) -> Vec<u64> {
            self.pending.get(patient).unwrap_or_default()
        }

        /// One audit entry.
        #[ink(message)]
        pub fn audit_entry(&self, entry: u64) -> Option<AuditEntry> {
            self.audit.get(entry)
        }

        /// The accounting of disclosures: `patient`'s granted accesses with
        /// `from <= at < to`, looking at the patient's audit entries from position
        /// `offset` on, at most `limit` of them. For the patient or a delegate.
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
            let caller = self.env().caller();
            if caller != patient && !self.consent_is_delegate(patient, caller)? {
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

        /// How many audit entries `patient` has (the accounting's positions).
        #[ink(message)]
        pub fn audit_count(&self, patient: AccountId) -> u32 {
            self.patient_audit_len.get(patient).unwrap_or(0)
        }

        /// The organization registers that `provider` treats `patient` from `start`
        /// until `end` (administrator only; replaces an earlier period for the pair).
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
            self.care
                .insert((patient, provider), &CareRelation { start, end });
            self.env().emit_event(CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            });
            Ok(())
        }

        /// The care relation registered for (`patient`, `provider`), if any.
        #[ink(message)]
        pub fn care_relation(
            &self,
            patient: AccountId,
            provider: AccountId,
        ) -> Option<CareRelation> {
            self.care.get((patient, provider))
        }

        /// Names the oracle that may register models and flag accesses, or removes it
        /// (administrator only).
        #[ink(message)]
        pub fn set_oracle(&mut self, oracle: Option<AccountId>) -> Result<(), Error> {
            self.ensure_admin()?;
            self.oracle = oracle;
            self.env().emit_event(OracleSet { oracle });
            Ok(())
        }

        /// The oracle, if one is named.
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

        /// When `model` was registered, if it was.
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
            if open.len() >= MAX_PENDING {
                return Err(Error::TooManyPendingReviews);
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
        /// inappropriate, otherwise dismissed.
        #[ink(message)]
        pub fn close_flag(&mut self, flag: u64, confirmed: bool) -> Result<(), Error> {
            if self.env().caller() != self.privacy_officer {
                return Err(Error::NotPrivacyOfficer);
            }
            let mut record = self.flags.get(flag).ok_or(Error::FlagNotFound)?;
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

        /// One flag.
        #[ink(message)]
        pub fn flag(&self, flag: u64) -> Option<AccessFlag> {
            self.flags.get(flag)
        }

        /// How many flags were raised (ids are 0 to this, for the privacy officer's
        /// list).
        #[ink(message)]
        pub fn flag_count(&self) -> u64 {
            self.flag_len
        }

        /// Open flags on `patient`'s accesses: the patient's review list.
        #[ink(message)]
        pub fn open_flags(&self, patient: AccountId) -> Vec<u64> {
            self.open_flags.get(patient).unwrap_or_default()
        }

        fn ensure_oracle(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if self.oracle == Some(caller) {
                Ok(caller)
            } else {
                Err(Error::NotOracle)
            }
        }

        fn ensure_admin(&self) -> Result<(), Error> {
            if self.env().caller() == self.admin {
                Ok(())
            } else {
                Err(Error::NotAdmin)
            }
        }

        fn ensure_provider(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if self.providers.contains(caller) {
                Ok(caller)
            } else {
                Err(Error::NotProvider)
            }
        }

        #[allow(clippy::too_many_arguments)]
        fn audit_decision(
            &mut self,
            accessor: AccountId,
            record: &Record,
            id: RecordId,
            purpose: Purpose,
            granted: bool,
            via_organization: bool,
            break_glass: Option<BreakGlass>,
        ) -> Result<u64, Error> {
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
                via_organization,
            });
            Ok(entry)
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

    /// Rules that need no Consent contract; the consent-checked paths run across
    /// contracts in `tests/` on the real VM (the off-chain engine has no cross-contract
    /// calls).
    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::test;
        use ink::env::DefaultEnvironment as Env;

        const RECORD: RecordId = [1; 32];
        const HASH: [u8; 32] = [0xab; 32];

        /// Alice administers; Bob is a provider; Charlie is a patient; Frank is the
        /// privacy officer; Bob registered Charlie's lab record.
        fn setup() -> (EhrAccess, test::DefaultAccounts<Env>) {
            let a = test::default_accounts::<Env>();
            test::set_caller::<Env>(a.alice);
            let mut ehr = EhrAccess::new(a.django, a.frank);
            ehr.add_provider(a.bob).expect("provider");
            test::set_caller::<Env>(a.bob);
            ehr.register_record(
                RECORD,
                a.charlie,
                DataClass::Labs,
                HASH,
                "fhir://lab/1".into(),
            )
            .expect("record");
            (ehr, a)
        }

        #[ink::test]
        fn providers_are_managed_by_the_admin_only() {
            let (mut ehr, a) = setup();
            assert_eq!(ehr.add_provider(a.eve), Err(Error::NotAdmin));
            test::set_caller::<Env>(a.alice);
            assert_eq!(ehr.add_provider(a.bob), Err(Error::ProviderExists));
            ehr.remove_provider(a.bob).expect("removed");
            assert_eq!(ehr.remove_provider(a.bob), Err(Error::ProviderNotFound));
            assert!(!ehr.is_provider(a.bob));
        }

        #[ink::test]
        fn records_are_registered_by_a_provider_or_the_patient_and_verified_by_hash() {
            let (mut ehr, a) = setup();
            assert_eq!(ehr.verify_record(RECORD, HASH), Ok(true));
            assert_eq!(ehr.verify_record(RECORD, [0; 32]), Ok(false));
            assert_eq!(ehr.verify_record([9; 32], HASH), Err(Error::RecordNotFound));
            let reg = |ehr: &mut EhrAccess, id, location: &str| {
                ehr.register_record(id, a.charlie, DataClass::Imaging, HASH, location.into())
            };
            assert_eq!(reg(&mut ehr, RECORD, "x"), Err(Error::RecordExists));
            assert_eq!(reg(&mut ehr, [2; 32], ""), Err(Error::EmptyLocation));
            let long = "x".repeat(MAX_LOCATION + 1);
            assert_eq!(reg(&mut ehr, [2; 32], &long), Err(Error::LocationTooLong));
            test::set_caller::<Env>(a.eve);
            assert_eq!(
                reg(&mut ehr, [2; 32], "x"),
                Err(Error::NotProviderOrPatient)
            );
            test::set_caller::<Env>(a.charlie);
            reg(&mut ehr, [2; 32], "patient://upload").expect("the patient registers");
            assert_eq!(ehr.record([2; 32]).map(|r| r.custodian), Some(a.charlie));
        }

        #[ink::test]
        fn only_providers_request_access_or_break_glass() {
            let (mut ehr, a) = setup();
            test::set_caller::<Env>(a.eve);
            assert_eq!(
                ehr.request_access(RECORD, Purpose::Treatment),
                Err(Error::NotProvider)
            );
            assert_eq!(
                ehr.break_glass(RECORD, "stroke".into()),
                Err(Error::NotProvider)
            );
            test::set_caller::<Env>(a.bob);
            assert_eq!(
                ehr.request_access([7; 32], Purpose::Treatment),
                Err(Error::RecordNotFound)
            );
        }

        #[ink::test]
        fn break_glass_is_granted_flagged_and_waits_for_review() {
            let (mut ehr, a) = setup();
            test::set_block_timestamp::<Env>(5_000);
            assert_eq!(
                ehr.break_glass(RECORD, "  ".into()),
                Err(Error::JustificationRequired)
            );
            let long = "x".repeat(MAX_JUSTIFICATION + 1);
            assert_eq!(
                ehr.break_glass(RECORD, long),
                Err(Error::JustificationTooLong)
            );
            let entry = ehr
                .break_glass(RECORD, "unconscious in ER".into())
                .expect("granted");
            let audit = ehr.audit_entry(entry).expect("audited");
            assert!(audit.granted);
            assert_eq!(audit.purpose, Purpose::EmergencyTreatment);
            assert_eq!(
                (audit.accessor, audit.patient, audit.at),
                (a.bob, a.charlie, 5_000)
            );
            assert_eq!(audit.break_glass.map(|g| g.review), Some(Review::Pending));
            assert_eq!(ehr.pending_reviews(a.charlie), Vec::from([entry]));

            // Neither the provider nor a stranger reviews it; the patient does, once.
            assert_eq!(ehr.review(entry, true), Err(Error::NotPatientOrOfficer));
            test::set_caller::<Env>(a.charlie);
            ehr.review(entry, false).expect("reported");
            assert_eq!(ehr.review(entry, true), Err(Error::AlreadyReviewed));
            assert_eq!(ehr.review(99, true), Err(Error::EntryNotFound));
            assert!(ehr.pending_reviews(a.charlie).is_empty());
            let reviewed = ehr.audit_entry(entry).and_then(|e| e.break_glass);
            assert_eq!(
                reviewed.map(|g| (g.review, g.reviewer)),
                Some((Review::Reported, Some(a.charlie)))
            );
        }

        #[ink::test]
        fn the_privacy_officer_reviews_too_and_pending_reviews_are_bounded() {
            let (mut ehr, a) = setup();
            let mut last = 0;
            for _ in 0..MAX_PENDING {
                last = ehr
                    .break_glass(RECORD, "mass casualty".into())
                    .expect("granted");
            }
            assert_eq!(
                ehr.break_glass(RECORD, "one more".into()),
                Err(Error::TooManyPendingReviews)
            );
            test::set_caller::<Env>(a.frank);
            ehr.review(last, true).expect("officer accepts");
            test::set_caller::<Env>(a.bob);
            ehr.break_glass(RECORD, "room again".into())
                .expect("a slot freed");
        }

        #[ink::test]
        fn the_accounting_lists_granted_accesses_in_the_window_for_the_patient() {
            let (mut ehr, a) = setup();
            for time in [1_000, 2_000, 3_000] {
                test::set_block_timestamp::<Env>(time);
                ehr.break_glass(RECORD, "emergency".into())
                    .expect("granted");
            }
            test::set_caller::<Env>(a.charlie);
            let page = ehr
                .accounting_of_disclosures(a.charlie, 1_500, 3_000, 0, 10)
                .expect("accounting");
            assert_eq!(
                page.iter().map(|(_, e)| e.at).collect::<Vec<_>>(),
                Vec::from([2_000])
            );
            assert_eq!(ehr.audit_count(a.charlie), 3);
            assert_eq!(
                ehr.accounting_of_disclosures(a.charlie, 0, 10_000, 1, 1)
                    .map(|p| p.len()),
                Ok(1)
            );
            assert_eq!(
                ehr.accounting_of_disclosures(a.charlie, 0, 1, 0, MAX_PAGE + 1),
                Err(Error::PageTooLarge)
            );
        }

        #[ink::test]
        fn care_relations_are_registered_by_the_organization() {
            let (mut ehr, a) = setup();
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
            assert_eq!(ehr.register_care_relation(a.charlie, a.bob, 5, 10), Ok(()));
            assert_eq!(
                ehr.care_relation(a.charlie, a.bob),
                Some(CareRelation { start: 5, end: 10 })
            );
            assert_eq!(ehr.care_relation(a.bob, a.charlie), None);
        }

        #[ink::test]
        fn only_the_oracle_flags_with_a_registered_model_and_the_officer_closes() {
            let (mut ehr, a) = setup();
            test::set_caller::<Env>(a.bob);
            let entry = ehr.break_glass(RECORD, "unconscious".into()).expect("bg");
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
            assert_eq!(ehr.open_flags(a.charlie), [0]);
            assert_eq!(ehr.close_flag(0, true), Err(Error::NotPrivacyOfficer));
            test::set_caller::<Env>(a.frank);
            assert_eq!(ehr.close_flag(0, true), Ok(()));
            assert_eq!(ehr.close_flag(0, false), Err(Error::FlagClosed));
            assert!(ehr.open_flags(a.charlie).is_empty());
            let flag = ehr.flag(0).expect("flag");
            assert_eq!(
                (flag.entry, flag.outcome, flag.reasons),
                (entry, FlagOutcome::Confirmed, 5)
            );
            assert_eq!(ehr.flag_count(), 1);
        }
    }
}
