//! Records, their custodians, and who may read for a patient.

use crate::ehr_access::{EhrAccess, RecordRegistered};
use crate::env::AccountId;
use crate::errors::Error;
use crate::types::*;
use health_types::DataClass;
use ink::codegen::Env as _;
use ink::env::hash::Blake2x256;

impl EhrAccess {
    pub(crate) fn insert_record(
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
    pub(crate) fn is_custodian_of(&self, patient: AccountId, who: AccountId) -> bool {
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
    pub(crate) fn may_read_for(
        &self,
        patient: AccountId,
        caller: AccountId,
    ) -> Result<bool, Error> {
        if caller == patient || caller == self.privacy_officer {
            return Ok(true);
        }
        self.consent_is_delegate(patient, caller)
    }
}
