//! The audit trail: access decisions and break-glass entries awaiting review.

use crate::ehr_access::{AccessDecided, EhrAccess};
use crate::env::AccountId;
use crate::types::*;
use health_types::Purpose;
use ink::codegen::Env as _;

impl EhrAccess {
    /// The privacy officer, or the administrator when the officer is the accessor.
    pub(crate) fn is_compliance_reviewer(&self, who: AccountId, accessor: AccountId) -> bool {
        who == self.privacy_officer || (who == self.admin && accessor == self.privacy_officer)
    }

    pub(crate) fn remove_pending(&mut self, patient: AccountId, entry: u64) {
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

    pub(crate) fn audit_decision(
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
}
