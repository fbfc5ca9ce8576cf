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

mod audit;
mod consent_calls;
mod errors;
mod records;
mod roles;
/// Rules that need no Consent contract; the consent-checked paths (and every
/// read that asks Consent whether the caller is a delegate) run across contracts
/// in `tests/` on the real VM (the off-chain engine has no cross-contract calls).
#[cfg(test)]
mod tests;
mod types;

/// The contract environment's types for the items outside the contract module, as
/// `#[ink::contract]` defines them inside it (for `ink::env::DefaultEnvironment`).
mod env {
    use ink::env::{DefaultEnvironment, Environment};
    pub use ink::primitives::AccountId;
    pub type Timestamp = <DefaultEnvironment as Environment>::Timestamp;
}

#[ink::contract]
mod ehr_access {
    pub use crate::errors::Error;
    pub use crate::types::*;

    use crate::types::PatientContent;
    pub use health_types::ehr::{
        AccessDecided, AccessFlagged, BreakGlassEscalated, BreakGlassReviewed,
        CareRelationRegistered, FlagReviewed, ProviderAdded, ProviderRemoved, RecordRegistered,
    };
    use health_types::oracle::OracleRegistry;
    use health_types::{DataClass, FlagOutcome, Purpose};
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// (patient, provider).
    type Pair = (AccountId, AccountId);

    /// The contract's storage.
    #[ink(storage)]
    pub struct EhrAccess {
        pub(crate) admin: AccountId,
        pub(crate) privacy_officer: AccountId,
        pub(crate) consent: AccountId,
        pub(crate) providers: Mapping<AccountId, BlockNumber>,
        pub(crate) records: Mapping<RecordId, Record>,
        pub(crate) record_len: u64,
        /// The record registered for each (patient, content hash): per patient, so
        /// that nobody can block a custodian by registering its hash first.
        pub(crate) content_record: Mapping<PatientContent, RecordId>,
        pub(crate) audit: Mapping<u64, AuditEntry>,
        pub(crate) audit_len: u64,
        /// A patient's audit entries in order: count, then entry id by position.
        pub(crate) patient_audit_len: Mapping<AccountId, u32>,
        pub(crate) patient_audit: Mapping<(AccountId, u32), u64>,
        /// Break-glass entries awaiting the officer's review, per patient: count,
        /// entry by position, and each entry's position (removal swaps the last in).
        pub(crate) pending_len: Mapping<AccountId, u32>,
        pub(crate) pending_at: Mapping<(AccountId, u32), u64>,
        pub(crate) pending_position: Mapping<u64, u32>,
        /// Unreviewed break-glass entries per accessor.
        pub(crate) unreviewed: Mapping<AccountId, u32>,
        /// Care relations per (patient, provider), in the order recorded.
        pub(crate) care: Mapping<Pair, Vec<CareRelation>>,
        /// The oracle and its registered models.
        pub(crate) registry: OracleRegistry,
        pub(crate) flags: Mapping<u64, AccessFlag>,
        pub(crate) flag_len: u64,
        /// The flag on each flagged audit entry.
        pub(crate) flag_of_entry: Mapping<u64, u64>,
        /// Open flags on a patient's accesses.
        pub(crate) open_flags: Mapping<AccountId, Vec<u64>>,
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
                registry: OracleRegistry::default(),
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
            let staff =
                caller == provider || caller == self.admin || self.registry.is_oracle(caller);
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
            let event = self.registry.set_oracle(oracle);
            self.env().emit_event(event);
            Ok(())
        }

        /// The oracle, if one is named (public: who may flag is part of the rules).
        #[ink(message)]
        pub fn oracle(&self) -> Option<AccountId> {
            self.registry.oracle()
        }

        /// The oracle registers the SHA-256 of a model file, before its first flag.
        #[ink(message)]
        pub fn register_model(&mut self, model: [u8; 32]) -> Result<(), Error> {
            let now = self.env().block_timestamp();
            let event = self
                .registry
                .register_model(self.env().caller(), model, now)?;
            self.env().emit_event(event);
            Ok(())
        }

        /// When `model` was registered, if it was (public: anyone may check which
        /// model raised a flag).
        #[ink(message)]
        pub fn model_registered_at(&self, model: [u8; 32]) -> Option<Timestamp> {
            self.registry.model_registered_at(model)
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
            self.registry
                .check_flag(self.env().caller(), score, model)?;
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
            let staff = caller == self.admin || self.registry.is_oracle(caller);
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
            let staff = caller == self.admin || self.registry.is_oracle(caller);
            if !staff && !self.may_read_for(patient, caller)? {
                return Err(Error::NotAuthorized);
            }
            Ok(self.open_flags.get(patient).unwrap_or_default())
        }
    }
}
