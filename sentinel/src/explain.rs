//! Explanations first: every EHR access is explained by evidence already on the chain,
//! or it is unexplained.
//!
//! After explanation-based auditing (Fabbri and LeFevre, VLDB 2012), which explained
//! more than 94% of the accesses in real hospital logs by the data itself: an access is
//! explained by a consent naming the accessor whose scope (purposes, classes, period)
//! covers it, by a care relation the organization registered (the treating team), by
//! the accessor being the record's custodian while treating the patient, or, more
//! weakly, by a colleague: someone who shares many patients with the accessor (the
//! same team, derived from the care relations, never from a roster) treats this
//! patient now. An access under an organization-wide consent with none of these is
//! what snooping looks like, and what the scorer looks at first.
//!
//! The evidence is history, read as the chain recorded it:
//! - care relations are appended with the block time they were recorded; at time `t`
//!   the latest relation of the pair recorded at or before `t` governs, so a relation
//!   recorded after an access (a backdated one included) never explains it;
//! - custody alone explains nothing (anyone entitled may register a record, the
//!   organization included): the custodian must have a care relation in force;
//! - the administrator's own consent is the organization's consent: it never explains
//!   the administrator's accesses, nor does any grant the contract says the access
//!   stood on the organization's consent for;
//! - a consent explains only what it covers, as the Consent contract evaluates it:
//!   the purpose in the HL7 hierarchy (`ETREAT` under a `TREAT` provision), the
//!   record's class (sensitive classes only when named), its period, recorded before
//!   the access and not revoked by then, and no deny in force that covers it.

use std::collections::{BTreeMap, BTreeSet};

use crate::events::{AccountId, DataClass, Event, Provision, Purpose, RecordId, Timestamp};
use crate::features::Access;

/// Shared patients that make two practitioners colleagues.
pub const COLLEAGUE_MIN_SHARED: u32 = 3;

/// The evidence that explains an access, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Explanation {
    /// A consent of the patient's names the accessor and covers the access (consent id).
    ConsentGrant(u64),
    /// The accessor registered the record and treats the patient.
    Custodian,
    /// The organization registered a care relation covering the access time.
    CareRelation {
        /// Its start.
        start: Timestamp,
        /// Its end.
        end: Timestamp,
    },
    /// A colleague (by shared patients) treats the patient now.
    Colleague(AccountId),
}

impl Explanation {
    /// Strong evidence names the accessor; a colleague's relation is weaker.
    pub fn is_strong(&self) -> bool {
        !matches!(self, Explanation::Colleague(_))
    }

    /// The evidence in plain words.
    pub fn describe(&self) -> String {
        match self {
            Explanation::ConsentGrant(id) => format!("the patient's consent #{id} names them"),
            Explanation::Custodian => "they registered the record and treat the patient".into(),
            Explanation::CareRelation { .. } => "a care relation with the patient".into(),
            Explanation::Colleague(who) => {
                format!("colleague {} treats the patient", short(who))
            }
        }
    }
}

/// An account id in short hex, for messages.
pub fn short(who: &AccountId) -> String {
    format!("0x{}..", hex::encode(&who[..4]))
}

/// A care relation as the contract keeps it: a period, and the block time it was
/// recorded (the event's block).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CareRelation {
    /// From.
    pub start: Timestamp,
    /// Until (exclusive).
    pub end: Timestamp,
    /// The block time it was recorded: it governs from then on.
    pub recorded_at: Timestamp,
}

impl CareRelation {
    fn covers(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

/// A consent provision with its scope, as `ConsentRecorded` tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ConsentScope {
    provision: Provision,
    purposes: u8,
    classes: u8,
    start: Timestamp,
    end: Option<Timestamp>,
    recorded_at: Timestamp,
    revoked_at: Option<Timestamp>,
}

impl ConsentScope {
    /// In force at `at`: recorded by then, within its period, not yet revoked (a
    /// revocation applies from the block that includes it).
    fn in_force(&self, at: Timestamp) -> bool {
        self.recorded_at <= at
            && self.start <= at
            && self.end.is_none_or(|end| at < end)
            && self.revoked_at.is_none_or(|revoked| at < revoked)
    }

    /// Speaks about `purpose` and `class`, as the Consent contract's `covers`.
    fn covers(&self, purpose: Purpose, class: DataClass) -> bool {
        if self.purposes & purpose.covered_by() == 0 {
            return false;
        }
        if self.classes & class.bit() != 0 {
            return true;
        }
        self.classes == 0 && (self.provision == Provision::Deny || !class.is_sensitive())
    }
}

/// What the chain says about who treats whom, built from events in chain order.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// (contract, patient, provider) -> care relations in the order recorded.
    care: BTreeMap<(AccountId, AccountId, AccountId), Vec<CareRelation>>,
    /// (contract, patient) -> providers with a care relation.
    treating: BTreeMap<(AccountId, AccountId), BTreeSet<AccountId>>,
    /// (contract, provider, provider) -> shared patients (both orders stored).
    shared: BTreeMap<(AccountId, AccountId, AccountId), u32>,
    /// (contract, provider) -> its colleagues (shared >= COLLEAGUE_MIN_SHARED).
    colleagues: BTreeMap<(AccountId, AccountId), BTreeSet<AccountId>>,
    /// (contract, record) -> custodian.
    custodians: BTreeMap<(AccountId, RecordId), AccountId>,
    /// (patient, grantee) -> consents by id, with their scope.
    consents: BTreeMap<(AccountId, AccountId), BTreeMap<u64, ConsentScope>>,
    /// (contract, account): the contract's administrator (who adds providers).
    admins: BTreeSet<(AccountId, AccountId)>,
}

impl Evidence {
    /// Takes in an event's evidence, with its block time `at` (events must come in
    /// chain order).
    pub fn observe(&mut self, contract: &AccountId, at: Timestamp, event: &Event) {
        match event {
            Event::CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            } => {
                let relation = CareRelation {
                    start: *start,
                    end: *end,
                    recorded_at: at,
                };
                let key = (*contract, *patient, *provider);
                match self.care.get_mut(&key) {
                    Some(relations) => relations.push(relation),
                    None => {
                        self.care.insert(key, vec![relation]);
                        self.add_team_member(contract, patient, provider);
                    }
                }
            }
            Event::RecordRegistered {
                record, custodian, ..
            } => {
                self.custodians.insert((*contract, *record), *custodian);
            }
            Event::ProviderAdded { by, .. } | Event::ProviderRemoved { by, .. } => {
                self.admins.insert((*contract, *by));
            }
            Event::ConsentRecorded {
                patient,
                grantee,
                id,
                provision,
                purposes,
                classes,
                start,
                end,
                ..
            } => {
                self.consents
                    .entry((*patient, *grantee))
                    .or_default()
                    .insert(
                        *id,
                        ConsentScope {
                            provision: *provision,
                            purposes: *purposes,
                            classes: *classes,
                            start: *start,
                            end: *end,
                            recorded_at: at,
                            revoked_at: None,
                        },
                    );
            }
            Event::ConsentRevoked {
                patient,
                grantee,
                id,
            } => {
                if let Some(scope) = self
                    .consents
                    .get_mut(&(*patient, *grantee))
                    .and_then(|c| c.get_mut(id))
                {
                    scope.revoked_at.get_or_insert(at);
                }
            }
            _ => {}
        }
    }

    fn add_team_member(&mut self, contract: &AccountId, patient: &AccountId, provider: &AccountId) {
        let team = self.treating.entry((*contract, *patient)).or_default();
        let others: Vec<AccountId> = team.iter().copied().collect();
        team.insert(*provider);
        for other in others {
            for (a, b) in [(*provider, other), (other, *provider)] {
                let count = self.shared.entry((*contract, a, b)).or_insert(0);
                *count = count.saturating_add(1);
                if *count == COLLEAGUE_MIN_SHARED {
                    self.colleagues.entry((*contract, a)).or_default().insert(b);
                }
            }
        }
    }

    /// Whether some care relation of `patient` at `contract` covers `at` (an open
    /// encounter, with anyone).
    pub fn patient_in_care(
        &self,
        contract: &AccountId,
        patient: &AccountId,
        at: Timestamp,
    ) -> bool {
        self.treating
            .get(&(*contract, *patient))
            .is_some_and(|team| {
                team.iter()
                    .any(|p| self.relation_at(contract, patient, p, at).is_some())
            })
    }

    /// Whether `provider` had a care relation with `patient`, recorded by `at`, that
    /// has ended by `at`.
    pub fn former_relation(
        &self,
        contract: &AccountId,
        patient: &AccountId,
        provider: &AccountId,
        at: Timestamp,
    ) -> bool {
        self.care
            .get(&(*contract, *patient, *provider))
            .is_some_and(|relations| relations.iter().any(|r| r.recorded_at <= at && r.end <= at))
    }

    /// The care relation that governs (`patient`, `provider`) at `at`, if it is in
    /// force then: the latest recorded at or before `at`.
    pub fn relation_at(
        &self,
        contract: &AccountId,
        patient: &AccountId,
        provider: &AccountId,
        at: Timestamp,
    ) -> Option<CareRelation> {
        self.care
            .get(&(*contract, *patient, *provider))?
            .iter()
            .rev()
            .find(|r| r.recorded_at <= at)
            .filter(|r| r.covers(at))
            .copied()
    }

    /// Whether `who` administers `contract` (it added or removed a provider there).
    pub fn is_admin(&self, contract: &AccountId, who: &AccountId) -> bool {
        self.admins.contains(&(*contract, *who))
    }

    /// The consent naming the accessor that covers `access`, if one does and no
    /// deny in force covers it too. The administrator's own consent (the
    /// organization's) and a grant the contract says stood on the organization's
    /// consent name no one personally.
    fn consent_for(&self, access: &Access) -> Option<u64> {
        if access.via_organization || self.is_admin(&access.contract, &access.accessor) {
            return None;
        }
        let consents = self.consents.get(&(access.patient, access.accessor))?;
        let mut permit = None;
        for (id, scope) in consents
            .iter()
            .filter(|(_, c)| c.in_force(access.at) && c.covers(access.purpose, access.class))
        {
            match scope.provision {
                Provision::Deny => return None,
                Provision::Permit => {
                    permit.get_or_insert(*id);
                }
            }
        }
        permit
    }

    /// The strongest explanation of `access` (who opened which record of whose, when,
    /// for what, on what basis).
    pub fn explain(&self, access: &Access) -> Option<Explanation> {
        let (contract, patient, accessor, at) = (
            &access.contract,
            &access.patient,
            &access.accessor,
            access.at,
        );
        if let Some(id) = self.consent_for(access) {
            return Some(Explanation::ConsentGrant(id));
        }
        let relation = self.relation_at(contract, patient, accessor, at);
        if let Some(relation) = relation {
            if self.custodians.get(&(*contract, access.record)) == Some(accessor) {
                return Some(Explanation::Custodian);
            }
            return Some(Explanation::CareRelation {
                start: relation.start,
                end: relation.end,
            });
        }
        let colleagues = self.colleagues.get(&(*contract, *accessor))?;
        self.treating
            .get(&(*contract, *patient))?
            .iter()
            .find(|p| {
                colleagues.contains(*p) && self.relation_at(contract, patient, p, at).is_some()
            })
            .map(|p| Explanation::Colleague(*p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Basis;

    const EHR: AccountId = [1; 32];
    const PATIENT: AccountId = [2; 32];
    const DOCTOR: AccountId = [3; 32];
    const NURSE: AccountId = [4; 32];
    const SNOOP: AccountId = [5; 32];
    const RECORD: RecordId = [6; 32];
    const ADMIN: AccountId = [7; 32];
    const CONSENT: AccountId = [8; 32];

    /// `accessor` opens RECORD (general data) for treatment at `at`, granted on a
    /// personal consent.
    fn access(accessor: AccountId, at: Timestamp) -> Access {
        Access {
            contract: EHR,
            entry: 0,
            patient: PATIENT,
            accessor,
            record: RECORD,
            at,
            granted: true,
            break_glass: false,
            via_organization: false,
            purpose: Purpose::Treatment,
            class: DataClass::General,
            basis: Basis::PersonalConsent,
        }
    }

    fn explain(e: &Evidence, accessor: AccountId, at: Timestamp) -> Option<Explanation> {
        e.explain(&access(accessor, at))
    }

    /// A care relation recorded at `recorded`.
    fn relation_recorded(
        e: &mut Evidence,
        recorded: Timestamp,
        patient: AccountId,
        provider: AccountId,
        start: u64,
        end: u64,
    ) {
        e.observe(
            &EHR,
            recorded,
            &Event::CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            },
        );
    }

    fn relation(e: &mut Evidence, patient: AccountId, provider: AccountId, start: u64, end: u64) {
        relation_recorded(e, 0, patient, provider, start, end);
    }

    /// A consent `PATIENT` records for `grantee` at `recorded`.
    #[allow(clippy::too_many_arguments)]
    fn consent(
        e: &mut Evidence,
        recorded: Timestamp,
        id: u64,
        grantee: AccountId,
        provision: Provision,
        purposes: &[Purpose],
        classes: &[DataClass],
        period: (Timestamp, Option<Timestamp>),
    ) {
        e.observe(
            &CONSENT,
            recorded,
            &Event::ConsentRecorded {
                patient: PATIENT,
                grantee,
                id,
                provision,
                by: PATIENT,
                purposes: purposes.iter().fold(0, |s, p| s | p.bit()),
                classes: classes.iter().fold(0, |s, c| s | c.bit()),
                start: period.0,
                end: period.1,
            },
        );
    }

    #[test]
    fn a_care_relation_explains_only_within_its_period() {
        let mut e = Evidence::default();
        relation(&mut e, PATIENT, DOCTOR, 100, 200);
        assert_eq!(
            explain(&e, DOCTOR, 150),
            Some(Explanation::CareRelation {
                start: 100,
                end: 200
            })
        );
        assert_eq!(explain(&e, DOCTOR, 200), None);
        assert!(e.former_relation(&EHR, &PATIENT, &DOCTOR, 250));
        assert!(e.patient_in_care(&EHR, &PATIENT, 150));
        assert!(!e.patient_in_care(&EHR, &PATIENT, 50));
        // Another organization's relation explains nothing here.
        let elsewhere = Access {
            contract: [9; 32],
            ..access(DOCTOR, 150)
        };
        assert_eq!(e.explain(&elsewhere), None);
    }

    #[test]
    fn the_latest_relation_recorded_by_the_access_governs_it() {
        let mut e = Evidence::default();
        relation_recorded(&mut e, 50, PATIENT, DOCTOR, 100, 10_000);
        // The organization records the discharge at 300: the care ended at 200.
        relation_recorded(&mut e, 300, PATIENT, DOCTOR, 100, 200);
        // Before the discharge was recorded the first relation governed...
        assert!(explain(&e, DOCTOR, 250).is_some_and(|x| x.is_strong()));
        // ...after it, the discharge does.
        assert_eq!(explain(&e, DOCTOR, 500), None);
        assert!(e.former_relation(&EHR, &PATIENT, &DOCTOR, 500));
        assert!(!e.patient_in_care(&EHR, &PATIENT, 500));
        // A readmission opens a new period from its recording on.
        relation_recorded(&mut e, 900, PATIENT, DOCTOR, 1_000, 2_000);
        assert!(explain(&e, DOCTOR, 1_500).is_some_and(|x| x.is_strong()));
        assert_eq!(explain(&e, DOCTOR, 950), None);
    }

    #[test]
    fn a_backdated_or_late_recorded_care_relation_does_not_explain_an_earlier_access() {
        let mut e = Evidence::default();
        // Recorded at 5 000 with a period from 100: a pen, not history, for
        // anything before 5 000.
        relation_recorded(&mut e, 5_000, PATIENT, SNOOP, 100, 10_000);
        assert_eq!(explain(&e, SNOOP, 150), None);
        assert_eq!(explain(&e, SNOOP, 4_999), None);
        assert!(!e.patient_in_care(&EHR, &PATIENT, 150));
        assert!(!e.former_relation(&EHR, &PATIENT, &SNOOP, 150));
        // From its recording on it is a care relation like any other.
        assert!(explain(&e, SNOOP, 5_000).is_some_and(|x| x.is_strong()));
        // A correction recorded late does not take back what held before it.
        relation_recorded(&mut e, 6_000, PATIENT, SNOOP, 100, 5_500);
        assert!(explain(&e, SNOOP, 5_800).is_some());
        assert_eq!(explain(&e, SNOOP, 6_000), None);
    }

    #[test]
    fn custody_explains_only_with_a_care_relation_in_force() {
        let mut e = Evidence::default();
        e.observe(
            &EHR,
            0,
            &Event::RecordRegistered {
                patient: PATIENT,
                custodian: NURSE,
                record: RECORD,
                class: DataClass::Labs,
                amends: None,
            },
        );
        assert_eq!(
            explain(&e, NURSE, 1),
            None,
            "custody alone explains nothing"
        );
        relation_recorded(&mut e, 10, PATIENT, NURSE, 10, 100);
        assert_eq!(explain(&e, NURSE, 50), Some(Explanation::Custodian));
        assert_eq!(explain(&e, NURSE, 100), None);
    }

    #[test]
    fn a_personal_consent_explains_until_revoked() {
        let mut e = Evidence::default();
        consent(
            &mut e,
            0,
            7,
            SNOOP,
            Provision::Permit,
            &[Purpose::Treatment],
            &[],
            (0, None),
        );
        assert_eq!(explain(&e, SNOOP, 1), Some(Explanation::ConsentGrant(7)));
        e.observe(
            &CONSENT,
            10,
            &Event::ConsentRevoked {
                patient: PATIENT,
                grantee: SNOOP,
                id: 7,
            },
        );
        assert_eq!(explain(&e, SNOOP, 10), None);
        // Never retroactive: an access before the revocation stays explained.
        assert_eq!(explain(&e, SNOOP, 5), Some(Explanation::ConsentGrant(7)));
    }

    #[test]
    fn the_administrators_own_consent_does_not_explain() {
        let mut e = Evidence::default();
        // The administrator registers itself as a provider and reads under its own
        // hospital's consent.
        e.observe(
            &EHR,
            0,
            &Event::ProviderAdded {
                provider: ADMIN,
                by: ADMIN,
            },
        );
        consent(
            &mut e,
            0,
            1,
            ADMIN,
            Provision::Permit,
            &[Purpose::Treatment],
            &[],
            (0, None),
        );
        e.observe(
            &EHR,
            0,
            &Event::RecordRegistered {
                patient: PATIENT,
                custodian: ADMIN,
                record: RECORD,
                class: DataClass::General,
                amends: None,
            },
        );
        let read = Access {
            via_organization: true,
            basis: Basis::OrganizationConsent,
            ..access(ADMIN, 5)
        };
        assert_eq!(e.explain(&read), None);
        // Nor when the contract's answer is not at hand (a break-glass, say).
        let glass = Access {
            purpose: Purpose::EmergencyTreatment,
            break_glass: true,
            basis: Basis::BreakGlass,
            ..access(ADMIN, 5)
        };
        assert_eq!(e.explain(&glass), None);
        // A grant on the organization's consent names no practitioner either.
        consent(
            &mut e,
            0,
            2,
            NURSE,
            Provision::Permit,
            &[Purpose::Treatment],
            &[],
            (0, None),
        );
        let via = Access {
            via_organization: true,
            basis: Basis::OrganizationConsent,
            ..access(NURSE, 5)
        };
        assert_eq!(e.explain(&via), None);
        assert_eq!(explain(&e, NURSE, 5), Some(Explanation::ConsentGrant(2)));
    }

    #[test]
    fn a_consent_explains_only_within_its_purposes_classes_and_period() {
        let mut e = Evidence::default();
        consent(
            &mut e,
            0,
            1,
            SNOOP,
            Provision::Permit,
            &[Purpose::Research],
            &[],
            (0, None),
        );
        assert_eq!(explain(&e, SNOOP, 5), None, "research is not treatment");
        consent(
            &mut e,
            0,
            2,
            NURSE,
            Provision::Permit,
            &[Purpose::Treatment],
            &[DataClass::Labs],
            (1_000, Some(2_000)),
        );
        let labs = |at| Access {
            class: DataClass::Labs,
            ..access(NURSE, at)
        };
        assert_eq!(e.explain(&labs(1_500)), Some(Explanation::ConsentGrant(2)));
        assert_eq!(explain(&e, NURSE, 1_500), None, "general data is not named");
        assert_eq!(e.explain(&labs(500)), None, "before its start");
        assert_eq!(e.explain(&labs(2_000)), None, "at its end");
        // Naming no class covers the classes that are not sensitive only.
        consent(
            &mut e,
            0,
            3,
            DOCTOR,
            Provision::Permit,
            &[Purpose::Treatment],
            &[],
            (0, None),
        );
        assert_eq!(explain(&e, DOCTOR, 5), Some(Explanation::ConsentGrant(3)));
        let sensitive = Access {
            class: DataClass::SubstanceUse,
            ..access(DOCTOR, 5)
        };
        assert_eq!(e.explain(&sensitive), None);
        // A consent recorded after the access does not explain it.
        consent(
            &mut e,
            3_000,
            4,
            ADMIN,
            Provision::Permit,
            &[Purpose::Treatment],
            &[],
            (0, None),
        );
        assert_eq!(explain(&e, ADMIN, 2_500), None);
        assert_eq!(
            explain(&e, ADMIN, 3_000),
            Some(Explanation::ConsentGrant(4))
        );
        // A deny in force that covers the access outweighs the permit.
        consent(
            &mut e,
            10,
            5,
            DOCTOR,
            Provision::Deny,
            &[Purpose::Treatment],
            &[DataClass::General],
            (10, None),
        );
        assert_eq!(explain(&e, DOCTOR, 5), Some(Explanation::ConsentGrant(3)));
        assert_eq!(explain(&e, DOCTOR, 20), None);
    }

    #[test]
    fn emergency_treatment_is_explained_by_a_treatment_consent_and_not_the_reverse() {
        let mut e = Evidence::default();
        consent(
            &mut e,
            0,
            1,
            DOCTOR,
            Provision::Permit,
            &[Purpose::Treatment],
            &[],
            (0, None),
        );
        let emergency = |accessor| Access {
            purpose: Purpose::EmergencyTreatment,
            break_glass: true,
            basis: Basis::BreakGlass,
            ..access(accessor, 5)
        };
        assert_eq!(
            e.explain(&emergency(DOCTOR)),
            Some(Explanation::ConsentGrant(1))
        );
        consent(
            &mut e,
            0,
            2,
            NURSE,
            Provision::Permit,
            &[Purpose::EmergencyTreatment],
            &[],
            (0, None),
        );
        assert_eq!(
            e.explain(&emergency(NURSE)),
            Some(Explanation::ConsentGrant(2))
        );
        assert_eq!(explain(&e, NURSE, 5), None, "ETREAT does not cover TREAT");
    }

    #[test]
    fn colleagues_are_found_by_shared_patients_and_explain_weakly() {
        let mut e = Evidence::default();
        for p in 10..10 + COLLEAGUE_MIN_SHARED as u8 {
            relation(&mut e, [p; 32], DOCTOR, 0, 1_000);
            relation(&mut e, [p; 32], NURSE, 0, 1_000);
        }
        relation(&mut e, PATIENT, DOCTOR, 0, 1_000);
        let explanation = explain(&e, NURSE, 500);
        assert_eq!(explanation, Some(Explanation::Colleague(DOCTOR)));
        assert!(explanation.is_some_and(|x| !x.is_strong()));
        // One shared patient too few: no colleague.
        let mut e = Evidence::default();
        for p in 10..9 + COLLEAGUE_MIN_SHARED as u8 {
            relation(&mut e, [p; 32], DOCTOR, 0, 1_000);
            relation(&mut e, [p; 32], SNOOP, 0, 1_000);
        }
        relation(&mut e, PATIENT, DOCTOR, 0, 1_000);
        assert_eq!(explain(&e, SNOOP, 500), None);
    }

    #[test]
    fn an_access_with_no_evidence_is_unexplained() {
        let e = Evidence::default();
        assert_eq!(explain(&e, SNOOP, 5), None);
    }
}
