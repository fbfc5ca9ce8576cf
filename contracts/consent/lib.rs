//! Consent: a patient's decisions about who may use their health data, for what and
//! until when, modelled on the HL7 FHIR Consent resource.
//!
//! A consent record is one FHIR `provision`: `permit` or `deny`, an actor (the
//! grantee), purposes of use (`provision.purpose`), data classes (`provision.class`)
//! and a period. Evaluation follows the rules FHIR leaves to the implementer, fixed
//! here as a hospital privacy office would want them:
//! - a deny that matches overrides every permit;
//! - a permit naming no class ("general") covers the non-sensitive classes only;
//!   mental health, 42 CFR Part 2 substance-use and genomics data need a permit that
//!   names them; a deny naming no class denies everything;
//! - a revocation takes effect from the block that includes it and is never
//!   retroactive: the record, its period and the revocation stay queryable;
//! - purposes follow the HL7 v3 `PurposeOfUse` hierarchy: a provision for treatment
//!   (`TREAT`) also speaks about emergency treatment (`ETREAT`), a kind of it;
//! - a permit that names 42 CFR Part 2 substance-use data must have an end
//!   (42 CFR 2.31(a) requires an expiration);
//! - expired provisions leave the evaluation set when the next one is recorded, and
//!   permits and denies are bounded separately, so permits never crowd out a deny
//!   (at most [`MAX_PER_PAIR`] denies in force or pending per pair).
//!
//! Who reads what: a consent's content (its grantee, purposes, classes and period)
//! reveals the kind of care a patient receives, so [`Consent::consent`] and
//! [`Consent::consents_of`] answer only the patient and their delegates (and a
//! grantee about its own consents), and [`Consent::decision`] answers only the
//! patient, a delegate, the grantee asking about itself, or a reader contract the
//! deployer registered (the EHR contract asks on the accessor's behalf and audits
//! every question); anyone else, a contract of one's own included, hears silence.
//!
//! The patient acts as the signer, or through delegates (a guardian, a proxy) the
//! patient registers. Other contracts ask [`Consent::is_permitted`] and
//! [`Consent::is_delegate`] across contracts.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[cfg(test)]
mod tests;

#[ink::contract]
mod consent {
    pub use health_types::consent::{
        ConsentRecorded, ConsentRevoked, DelegateAdded, DelegateRemoved, Provision, ReaderAdded,
        ReaderRemoved,
    };
    use health_types::{class_set, purpose_set, ClassSet, DataClass, Purpose, PurposeSet};
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// Most permits, and separately most denies, in force or pending between one
    /// patient and one grantee (bounds the work of `is_permitted`, which every access
    /// check pays for; expired ones do not count).
    pub const MAX_PER_PAIR: usize = 32;
    /// Largest page a listing returns.
    pub const MAX_PAGE: u32 = 50;

    /// Who revoked a consent, and when.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Revocation {
        /// The patient or a delegate.
        pub by: AccountId,
        /// The block that included the revocation; it applies from there on.
        pub block: BlockNumber,
        /// That block's time.
        pub at: Timestamp,
    }

    /// One consent provision.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct ConsentRecord {
        /// Whose data.
        pub patient: AccountId,
        /// Who may (or may not) use it: practitioner, organization or application.
        pub grantee: AccountId,
        /// Permit or deny.
        pub provision: Provision,
        /// Purposes of use, one bit per [`Purpose`].
        pub purposes: PurposeSet,
        /// Data classes named, one bit per [`DataClass`]; none: all (see the module docs).
        pub classes: ClassSet,
        /// Valid from (block time, ms).
        pub start: Timestamp,
        /// Valid until, exclusive; `None`: until revoked.
        pub end: Option<Timestamp>,
        /// The patient or the delegate who recorded it.
        pub recorded_by: AccountId,
        /// The block that recorded it.
        pub recorded_at: BlockNumber,
        /// Set once revoked.
        pub revoked: Option<Revocation>,
    }

    /// Where a consent stands at a given time.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Status {
        /// In force.
        Active,
        /// Its period has not begun.
        Pending,
        /// Its period is over.
        Expired,
        /// Revoked.
        Revoked,
    }

    impl ConsentRecord {
        fn status(&self, now: Timestamp) -> Status {
            if self.revoked.is_some() {
                Status::Revoked
            } else if now < self.start {
                Status::Pending
            } else if self.end.is_some_and(|end| now >= end) {
                Status::Expired
            } else {
                Status::Active
            }
        }

        /// Whether this provision speaks about `purpose` and `class`.
        fn covers(&self, purpose: Purpose, class: DataClass) -> bool {
            if self.purposes & purpose.covered_by() == 0 {
                return false;
            }
            if self.classes & class.bit() != 0 {
                return true;
            }
            // Naming no class: a deny denies everything; a permit permits only the
            // classes that are not sensitive.
            self.classes == 0 && (self.provision == Provision::Deny || !class.is_sensitive())
        }
    }

    /// Why a message was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller is neither the patient nor one of the patient's delegates.
        NotPatientOrDelegate,
        /// A consent must name at least one purpose of use.
        NoPurpose,
        /// The period ends before (or when) it starts.
        EmptyPeriod,
        /// The period is already over.
        AlreadyEnded,
        /// A patient cannot grant or deny themselves.
        SelfConsent,
        /// The patient already has [`MAX_PER_PAIR`] consents for this grantee.
        TooManyConsents,
        /// No consent has that id.
        ConsentNotFound,
        /// The consent was revoked before.
        AlreadyRevoked,
        /// Only the patient manages delegates.
        NotPatient,
        /// A patient cannot be their own delegate.
        PatientAsDelegate,
        /// That account is already a delegate of this patient.
        DelegateExists,
        /// That account is not a delegate of this patient.
        DelegateNotFound,
        /// A page may hold at most [`MAX_PAGE`] entries.
        PageTooLarge,
        /// A delegate acts for the patient and cannot name itself as the grantee.
        DelegateAsGrantee,
        /// A permit naming 42 CFR Part 2 substance-use data needs an end (42 CFR 2.31).
        ExpiryRequired,
        /// Only the patient, a delegate (or the grantee, about its own) reads this.
        NotAuthorized,
        /// Only the deployer registers reader contracts.
        NotAdmin,
    }

    /// (patient, grantee) or (patient, delegate).
    type Pair = (AccountId, AccountId);

    /// The contract's storage.
    #[ink(storage)]
    pub struct Consent {
        consents: Mapping<u64, ConsentRecord>,
        next_id: u64,
        /// Consent ids by (patient, grantee), for `is_permitted`.
        by_pair: Mapping<Pair, Vec<u64>>,
        /// A patient's consents in order: count, then id by position.
        patient_len: Mapping<AccountId, u32>,
        patient_index: Mapping<(AccountId, u32), u64>,
        /// (patient, delegate) -> the block the delegation was recorded.
        delegates: Mapping<Pair, BlockNumber>,
        /// The deployer: registers reader contracts.
        admin: AccountId,
        /// Contracts that may ask `decision` for any patient (the EHR contract).
        readers: Mapping<AccountId, ()>,
    }

    impl Default for Consent {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Consent {
        /// An empty registry; the caller is its administrator (registers readers).
        #[ink(constructor)]
        pub fn new() -> Self {
            Consent {
                consents: Mapping::default(),
                next_id: 0,
                by_pair: Mapping::default(),
                patient_len: Mapping::default(),
                patient_index: Mapping::default(),
                delegates: Mapping::default(),
                admin: Self::env().caller(),
                readers: Mapping::default(),
            }
        }

        /// The administrator only (it deployed the EHR contract and answers for
        /// it): lets contract `reader` ask [`Consent::decision`] for any patient.
        #[ink(message)]
        pub fn add_reader(&mut self, reader: AccountId) -> Result<(), Error> {
            let by = self.ensure_admin()?;
            self.readers.insert(reader, &());
            self.env().emit_event(ReaderAdded { reader, by });
            Ok(())
        }

        /// The administrator only: withdraws a reader contract.
        #[ink(message)]
        pub fn remove_reader(&mut self, reader: AccountId) -> Result<(), Error> {
            let by = self.ensure_admin()?;
            self.readers.remove(reader);
            self.env().emit_event(ReaderRemoved { reader, by });
            Ok(())
        }

        /// Anyone: whether `who` is a registered reader contract.
        #[ink(message)]
        pub fn is_reader(&self, who: AccountId) -> bool {
            self.readers.contains(who)
        }

        fn ensure_admin(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if caller == self.admin {
                Ok(caller)
            } else {
                Err(Error::NotAdmin)
            }
        }

        /// The caller registers `delegate` (a guardian, a proxy) to act for them.
        #[ink(message)]
        pub fn add_delegate(&mut self, delegate: AccountId) -> Result<(), Error> {
            let patient = self.env().caller();
            if delegate == patient {
                return Err(Error::PatientAsDelegate);
            }
            if self.delegates.contains((patient, delegate)) {
                return Err(Error::DelegateExists);
            }
            self.delegates
                .insert((patient, delegate), &self.env().block_number());
            self.env().emit_event(DelegateAdded { patient, delegate });
            Ok(())
        }

        /// The caller removes one of their delegates.
        #[ink(message)]
        pub fn remove_delegate(&mut self, delegate: AccountId) -> Result<(), Error> {
            let patient = self.env().caller();
            if self.delegates.take((patient, delegate)).is_none() {
                return Err(Error::DelegateNotFound);
            }
            self.env().emit_event(DelegateRemoved { patient, delegate });
            Ok(())
        }

        /// Whether `who` may act for `patient`.
        #[ink(message)]
        pub fn is_delegate(&self, patient: AccountId, who: AccountId) -> bool {
            self.delegates.contains((patient, who))
        }

        /// Records a provision for `patient`, by the patient or a delegate; returns its id.
        #[ink(message)]
        #[allow(clippy::too_many_arguments)]
        pub fn record(
            &mut self,
            patient: AccountId,
            grantee: AccountId,
            provision: Provision,
            purposes: Vec<Purpose>,
            classes: Vec<DataClass>,
            start: Timestamp,
            end: Option<Timestamp>,
        ) -> Result<u64, Error> {
            let by = self.ensure_patient_or_delegate(patient)?;
            if grantee == patient {
                return Err(Error::SelfConsent);
            }
            // A delegate acts for the patient, never for itself.
            if by != patient && grantee == by {
                return Err(Error::DelegateAsGrantee);
            }
            if purposes.is_empty() {
                return Err(Error::NoPurpose);
            }
            let classes = class_set(&classes);
            if provision == Provision::Permit
                && classes & DataClass::SubstanceUse.bit() != 0
                && end.is_none()
            {
                return Err(Error::ExpiryRequired);
            }
            if let Some(end) = end {
                if end <= start {
                    return Err(Error::EmptyPeriod);
                }
                if end <= self.env().block_timestamp() {
                    return Err(Error::AlreadyEnded);
                }
            }
            let now = self.env().block_timestamp();
            let mut pair = Vec::new();
            let mut same_kind = 0usize;
            for other in self.by_pair.get((patient, grantee)).unwrap_or_default() {
                let Some(existing) = self.consents.get(other) else {
                    continue;
                };
                // Expired provisions never speak again: they leave the evaluation set
                // (the record itself stays, with its history).
                if existing.status(now) == Status::Expired {
                    continue;
                }
                if existing.provision == provision {
                    same_kind = same_kind.saturating_add(1);
                }
                pair.push(other);
            }
            if same_kind >= MAX_PER_PAIR {
                return Err(Error::TooManyConsents);
            }
            let id = self.next_id;
            self.next_id = id.saturating_add(1);
            let record = ConsentRecord {
                patient,
                grantee,
                provision,
                purposes: purpose_set(&purposes),
                classes,
                start,
                end,
                recorded_by: by,
                recorded_at: self.env().block_number(),
                revoked: None,
            };
            self.consents.insert(id, &record);
            pair.push(id);
            self.by_pair.insert((patient, grantee), &pair);
            let position = self.patient_len.get(patient).unwrap_or(0);
            self.patient_index.insert((patient, position), &id);
            self.patient_len
                .insert(patient, &position.saturating_add(1));
            self.env().emit_event(ConsentRecorded {
                patient,
                grantee,
                id,
                provision,
                by,
                purposes: record.purposes,
                classes: record.classes,
                start,
                end,
            });
            Ok(id)
        }

        /// Revokes consent `id` from this block on, by the patient or a delegate.
        #[ink(message)]
        pub fn revoke(&mut self, id: u64) -> Result<(), Error> {
            let mut record = self.consents.get(id).ok_or(Error::ConsentNotFound)?;
            let by = self.ensure_patient_or_delegate(record.patient)?;
            if record.revoked.is_some() {
                return Err(Error::AlreadyRevoked);
            }
            record.revoked = Some(Revocation {
                by,
                block: self.env().block_number(),
                at: self.env().block_timestamp(),
            });
            self.consents.insert(id, &record);
            // Revoked provisions no longer take part in evaluation.
            let mut pair = self
                .by_pair
                .get((record.patient, record.grantee))
                .unwrap_or_default();
            pair.retain(|other| *other != id);
            self.by_pair.insert((record.patient, record.grantee), &pair);
            self.env().emit_event(ConsentRevoked {
                patient: record.patient,
                grantee: record.grantee,
                id,
                by,
            });
            Ok(())
        }

        /// Whether `grantee` may use `patient`'s `class` data for `purpose` now (at
        /// this block's time): some active permit covers it and no active deny does.
        /// Asked by anyone; answers as [`Consent::decision`] does (false to a stranger).
        #[ink(message)]
        pub fn is_permitted(
            &self,
            patient: AccountId,
            grantee: AccountId,
            purpose: Purpose,
            class: DataClass,
        ) -> bool {
            self.decision(patient, grantee, purpose, class) == Some(true)
        }

        /// What `patient`'s active provisions for `grantee` say about `class` data for
        /// `purpose` now: `Some(false)` if a deny covers it, `Some(true)` if only
        /// permits do, `None` if none speaks about it. A caller that falls back to a
        /// broader grantee (an organization for its practitioners) must fall back on
        /// `None` only, so that a patient's deny for one practitioner holds.
        /// Answers the patient, a delegate, the grantee about itself, and registered
        /// reader contracts (which ask for an accessor and keep their own audit); to
        /// anyone else, whose question would probe the patient's choices, a contract
        /// of its own included, it answers `None`.
        #[ink(message)]
        pub fn decision(
            &self,
            patient: AccountId,
            grantee: AccountId,
            purpose: Purpose,
            class: DataClass,
        ) -> Option<bool> {
            let caller = self.env().caller();
            let may_ask = caller == patient
                || caller == grantee
                || self.delegates.contains((patient, caller))
                || self.readers.contains(caller);
            if !may_ask {
                return None;
            }
            let now = self.env().block_timestamp();
            let mut permitted = None;
            for id in self.by_pair.get((patient, grantee)).unwrap_or_default() {
                let Some(record) = self.consents.get(id) else {
                    continue;
                };
                if record.status(now) != Status::Active || !record.covers(purpose, class) {
                    continue;
                }
                match record.provision {
                    Provision::Deny => return Some(false),
                    Provision::Permit => permitted = Some(true),
                }
            }
            permitted
        }

        /// Consent `id` and where it stands now: for the patient, a delegate, or the
        /// grantee it names.
        #[ink(message)]
        pub fn consent(&self, id: u64) -> Result<(ConsentRecord, Status), Error> {
            let record = self.consents.get(id).ok_or(Error::ConsentNotFound)?;
            let caller = self.env().caller();
            if caller != record.grantee && self.ensure_patient_or_delegate(record.patient).is_err()
            {
                return Err(Error::NotAuthorized);
            }
            let status = record.status(self.env().block_timestamp());
            Ok((record, status))
        }

        /// How many consents `patient` has recorded, revoked and expired included: for
        /// the patient or a delegate.
        #[ink(message)]
        pub fn consent_count(&self, patient: AccountId) -> Result<u32, Error> {
            self.ensure_patient_or_delegate(patient)
                .map_err(|_| Error::NotAuthorized)?;
            Ok(self.patient_len.get(patient).unwrap_or(0))
        }

        /// A page of `patient`'s consents, oldest first from position `from`: active
        /// and past alike, each with its id and status now. For the patient or a
        /// delegate.
        #[ink(message)]
        pub fn consents_of(
            &self,
            patient: AccountId,
            from: u32,
            limit: u32,
        ) -> Result<Vec<(u64, ConsentRecord, Status)>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            self.ensure_patient_or_delegate(patient)
                .map_err(|_| Error::NotAuthorized)?;
            let now = self.env().block_timestamp();
            let len = self.patient_len.get(patient).unwrap_or(0);
            let end = from.saturating_add(limit).min(len);
            let mut page = Vec::new();
            let mut position = from;
            while position < end {
                if let Some(id) = self.patient_index.get((patient, position)) {
                    if let Some(record) = self.consents.get(id) {
                        let status = record.status(now);
                        page.push((id, record, status));
                    }
                }
                position = position.saturating_add(1);
            }
            Ok(page)
        }

        fn ensure_patient_or_delegate(&self, patient: AccountId) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if caller == patient || self.delegates.contains((patient, caller)) {
                Ok(caller)
            } else {
                Err(Error::NotPatientOrDelegate)
            }
        }
    }
}
