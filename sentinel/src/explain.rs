//! Explanations first: every EHR access is explained by evidence already on the chain,
//! or it is unexplained.
//!
//! After explanation-based auditing (Fabbri and LeFevre, VLDB 2012), which explained
//! more than 94% of the accesses in real hospital logs by the data itself: an access is
//! explained by a consent naming the accessor, by the accessor being the record's
//! custodian, by a care relation the organization registered (the treating team), or,
//! more weakly, by a colleague: someone who shares many patients with the accessor
//! (the same team, derived from the care relations, never from a roster) treats this
//! patient now. An access under an organization-wide consent with none of these is
//! what snooping looks like, and what the scorer looks at first.

use std::collections::{BTreeMap, BTreeSet};

use crate::events::{AccountId, Event, Provision, RecordId, Timestamp};

/// Shared patients that make two practitioners colleagues.
pub const COLLEAGUE_MIN_SHARED: u32 = 3;

/// The evidence that explains an access, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Explanation {
    /// A consent of the patient's names the accessor (consent id).
    ConsentGrant(u64),
    /// The accessor registered the record.
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
            Explanation::Custodian => "they registered the record".into(),
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

/// A (patient, provider) pair's care periods. The contract keeps one period per
/// pair, a new registration replacing the old (a discharge ends it early, a
/// readmission opens a new one), so only the current period explains an access;
/// the earlier ones still tell of a former relation.
#[derive(Clone, Debug)]
struct CarePeriods {
    current: (Timestamp, Timestamp),
    earlier: Vec<(Timestamp, Timestamp)>,
}

impl CarePeriods {
    fn new(period: (Timestamp, Timestamp)) -> Self {
        CarePeriods {
            current: period,
            earlier: Vec::new(),
        }
    }

    fn replace(&mut self, period: (Timestamp, Timestamp)) {
        let old = std::mem::replace(&mut self.current, period);
        self.earlier.push(old);
    }

    fn all(&self) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        self.earlier.iter().copied().chain([self.current])
    }
}

/// What the chain says about who treats whom, built from events in chain order.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// (contract, patient, provider) -> care periods.
    care: BTreeMap<(AccountId, AccountId, AccountId), CarePeriods>,
    /// (contract, patient) -> providers with a care relation.
    treating: BTreeMap<(AccountId, AccountId), BTreeSet<AccountId>>,
    /// (contract, provider, provider) -> shared patients (both orders stored).
    shared: BTreeMap<(AccountId, AccountId, AccountId), u32>,
    /// (contract, provider) -> its colleagues (shared >= COLLEAGUE_MIN_SHARED).
    colleagues: BTreeMap<(AccountId, AccountId), BTreeSet<AccountId>>,
    /// (contract, record) -> custodian.
    custodians: BTreeMap<(AccountId, RecordId), AccountId>,
    /// (patient, grantee) -> permits not revoked (consent ids).
    permits: BTreeMap<(AccountId, AccountId), BTreeSet<u64>>,
}

impl Evidence {
    /// Takes in an event's evidence (events must come in chain order).
    pub fn observe(&mut self, contract: &AccountId, event: &Event) {
        match event {
            Event::CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            } => {
                let key = (*contract, *patient, *provider);
                match self.care.get_mut(&key) {
                    Some(periods) => periods.replace((*start, *end)),
                    None => {
                        self.care.insert(key, CarePeriods::new((*start, *end)));
                        self.add_team_member(contract, patient, provider);
                    }
                }
            }
            Event::RecordRegistered {
                record, custodian, ..
            } => {
                self.custodians.insert((*contract, *record), *custodian);
            }
            Event::ConsentRecorded {
                patient,
                grantee,
                id,
                provision: Provision::Permit,
            } => {
                self.permits
                    .entry((*patient, *grantee))
                    .or_default()
                    .insert(*id);
            }
            Event::ConsentRevoked {
                patient,
                grantee,
                id,
            } => {
                if let Some(ids) = self.permits.get_mut(&(*patient, *grantee)) {
                    ids.remove(id);
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

    /// Whether `provider` had a care relation with `patient` that has ended by `at`.
    pub fn former_relation(
        &self,
        contract: &AccountId,
        patient: &AccountId,
        provider: &AccountId,
        at: Timestamp,
    ) -> bool {
        self.care
            .get(&(*contract, *patient, *provider))
            .is_some_and(|periods| periods.all().any(|(_, end)| end <= at))
    }

    fn relation_at(
        &self,
        contract: &AccountId,
        patient: &AccountId,
        provider: &AccountId,
        at: Timestamp,
    ) -> Option<(Timestamp, Timestamp)> {
        let (start, end) = self.care.get(&(*contract, *patient, *provider))?.current;
        (start <= at && at < end).then_some((start, end))
    }

    /// The strongest explanation of `accessor` opening `record` of `patient` at `at`.
    pub fn explain(
        &self,
        contract: &AccountId,
        patient: &AccountId,
        accessor: &AccountId,
        record: &RecordId,
        at: Timestamp,
    ) -> Option<Explanation> {
        if let Some(id) = self
            .permits
            .get(&(*patient, *accessor))
            .and_then(|ids| ids.iter().next())
        {
            return Some(Explanation::ConsentGrant(*id));
        }
        if self.custodians.get(&(*contract, *record)) == Some(accessor) {
            return Some(Explanation::Custodian);
        }
        if let Some((start, end)) = self.relation_at(contract, patient, accessor, at) {
            return Some(Explanation::CareRelation { start, end });
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

    const EHR: AccountId = [1; 32];
    const PATIENT: AccountId = [2; 32];
    const DOCTOR: AccountId = [3; 32];
    const NURSE: AccountId = [4; 32];
    const SNOOP: AccountId = [5; 32];
    const RECORD: RecordId = [6; 32];

    fn relation(e: &mut Evidence, patient: AccountId, provider: AccountId, start: u64, end: u64) {
        e.observe(
            &EHR,
            &Event::CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            },
        );
    }

    #[test]
    fn a_care_relation_explains_only_within_its_period() {
        let mut e = Evidence::default();
        relation(&mut e, PATIENT, DOCTOR, 100, 200);
        assert_eq!(
            e.explain(&EHR, &PATIENT, &DOCTOR, &RECORD, 150),
            Some(Explanation::CareRelation {
                start: 100,
                end: 200
            })
        );
        assert_eq!(e.explain(&EHR, &PATIENT, &DOCTOR, &RECORD, 200), None);
        assert!(e.former_relation(&EHR, &PATIENT, &DOCTOR, 250));
        assert!(e.patient_in_care(&EHR, &PATIENT, 150));
        assert!(!e.patient_in_care(&EHR, &PATIENT, 50));
        // Another organization's relation explains nothing here.
        assert_eq!(e.explain(&[9; 32], &PATIENT, &DOCTOR, &RECORD, 150), None);
    }

    #[test]
    fn a_new_registration_replaces_the_pairs_period_as_the_contract_does() {
        let mut e = Evidence::default();
        relation(&mut e, PATIENT, DOCTOR, 100, 10_000);
        // The organization corrects it: the care ended at 200.
        relation(&mut e, PATIENT, DOCTOR, 100, 200);
        assert_eq!(e.explain(&EHR, &PATIENT, &DOCTOR, &RECORD, 500), None);
        assert!(e.former_relation(&EHR, &PATIENT, &DOCTOR, 500));
        assert!(!e.patient_in_care(&EHR, &PATIENT, 500));
        // A readmission opens a new period; the old one explains nothing now.
        relation(&mut e, PATIENT, DOCTOR, 1_000, 2_000);
        assert!(e
            .explain(&EHR, &PATIENT, &DOCTOR, &RECORD, 1_500)
            .is_some_and(|x| x.is_strong()));
        assert_eq!(e.explain(&EHR, &PATIENT, &DOCTOR, &RECORD, 150), None);
    }

    #[test]
    fn the_custodian_and_a_personal_consent_explain() {
        let mut e = Evidence::default();
        e.observe(
            &EHR,
            &Event::RecordRegistered {
                patient: PATIENT,
                custodian: NURSE,
                record: RECORD,
                class: crate::events::DataClass::Labs,
            },
        );
        assert_eq!(
            e.explain(&EHR, &PATIENT, &NURSE, &RECORD, 1),
            Some(Explanation::Custodian)
        );
        let grant = Event::ConsentRecorded {
            patient: PATIENT,
            grantee: SNOOP,
            id: 7,
            provision: Provision::Permit,
        };
        e.observe(&[8; 32], &grant);
        assert_eq!(
            e.explain(&EHR, &PATIENT, &SNOOP, &RECORD, 1),
            Some(Explanation::ConsentGrant(7))
        );
        e.observe(
            &[8; 32],
            &Event::ConsentRevoked {
                patient: PATIENT,
                grantee: SNOOP,
                id: 7,
            },
        );
        assert_eq!(e.explain(&EHR, &PATIENT, &SNOOP, &RECORD, 1), None);
    }

    #[test]
    fn colleagues_are_found_by_shared_patients_and_explain_weakly() {
        let mut e = Evidence::default();
        for p in 10..10 + COLLEAGUE_MIN_SHARED as u8 {
            relation(&mut e, [p; 32], DOCTOR, 0, 1_000);
            relation(&mut e, [p; 32], NURSE, 0, 1_000);
        }
        relation(&mut e, PATIENT, DOCTOR, 0, 1_000);
        let explanation = e.explain(&EHR, &PATIENT, &NURSE, &RECORD, 500);
        assert_eq!(explanation, Some(Explanation::Colleague(DOCTOR)));
        assert!(explanation.is_some_and(|x| !x.is_strong()));
        // One shared patient too few: no colleague.
        let mut e = Evidence::default();
        for p in 10..9 + COLLEAGUE_MIN_SHARED as u8 {
            relation(&mut e, [p; 32], DOCTOR, 0, 1_000);
            relation(&mut e, [p; 32], SNOOP, 0, 1_000);
        }
        relation(&mut e, PATIENT, DOCTOR, 0, 1_000);
        assert_eq!(e.explain(&EHR, &PATIENT, &SNOOP, &RECORD, 500), None);
    }

    #[test]
    fn an_access_with_no_evidence_is_unexplained() {
        let e = Evidence::default();
        assert_eq!(e.explain(&EHR, &PATIENT, &SNOOP, &RECORD, 5), None);
    }
}
