//! The one feature function for EHR accesses: training and scoring both call
//! [`AccessHistory::features`], on the same history built from the same events in the
//! same order, so a model never sees a feature computed differently from the way it
//! was trained.
//!
//! The features are the signals published work and privacy officers use: whether the
//! data explains the access, the hour against the user's own hours, the number of
//! patients opened in an hour against the user's own usual (bulk look-ups before
//! leaving), denied requests (probing), a first access to a patient, how many staff
//! opened this patient today (a VIP), break-glass and whether the patient has an open
//! encounter at all.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::events::{AccountId, Basis, DataClass, Purpose, RecordId, Timestamp};
use crate::explain::{Evidence, Explanation};

/// One hour, ms.
pub const HOUR: Timestamp = 3_600_000;
/// One day, ms.
pub const DAY: Timestamp = 24 * HOUR;

/// How many features an access has.
pub const ACCESS_FEATURES: usize = 13;

/// The features' names, in order (for reports and the model file).
pub const ACCESS_FEATURE_NAMES: [&str; ACCESS_FEATURES] = [
    "strong_explanation",
    "colleague_only",
    "break_glass",
    "denied",
    "hour_rarity",
    "night",
    "volume_ratio_ln",
    "denials_last_hour_ln",
    "first_access_to_patient",
    "patient_staff_24h_ln",
    "user_unexplained_rate",
    "former_relation",
    "patient_in_care",
];

/// An access decision, as the audit trail records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// The EHR contract (one per organization).
    pub contract: AccountId,
    /// Its audit entry.
    pub entry: u64,
    /// Whose record.
    pub patient: AccountId,
    /// Who asked.
    pub accessor: AccountId,
    /// Which record.
    pub record: RecordId,
    /// Block time.
    pub at: Timestamp,
    /// Granted or denied.
    pub granted: bool,
    /// Break-glass.
    pub break_glass: bool,
    /// Granted under the organization's consent.
    pub via_organization: bool,
    /// For what.
    pub purpose: Purpose,
    /// The record's data class.
    pub class: DataClass,
    /// Why the contract granted or refused it.
    pub basis: Basis,
}

/// Whether an access with these features goes to the scorer: anything but an access
/// strongly explained (consent, custody, care relation) and not break-glass.
pub fn needs_scoring(values: &[f64; ACCESS_FEATURES]) -> bool {
    values[0] < 0.5 || values[2] > 0.5
}

/// Reason codes (one bit each), as flags carry them on chain.
pub mod reason {
    /// No consent, custody or care relation explains it.
    pub const UNEXPLAINED: u32 = 1 << 0;
    /// Outside the user's usual hours.
    pub const UNUSUAL_HOUR: u32 = 1 << 1;
    /// Many more patients in an hour than the user's usual.
    pub const VOLUME: u32 = 1 << 2;
    /// Repeated denied requests.
    pub const DENIALS: u32 = 1 << 3;
    /// Break-glass.
    pub const BREAK_GLASS: u32 = 1 << 4;
    /// The user's first access to this patient.
    pub const FIRST_ACCESS: u32 = 1 << 5;
    /// Unusually many staff opened this patient's records.
    pub const POPULAR_PATIENT: u32 = 1 << 6;
    /// The patient has no open encounter.
    pub const NO_ENCOUNTER: u32 = 1 << 7;
    /// Explained only by a colleague's care relation.
    pub const COLLEAGUE_ONLY: u32 = 1 << 8;
    /// Supply chain: a serial never commissioned was presented.
    pub const NEVER_COMMISSIONED: u32 = 1 << 16;
    /// Supply chain: one serial verified by two dispensers, or after dispensing.
    pub const CLONED_SERIAL: u32 = 1 << 17;
    /// Supply chain: received faster than a shipment can travel.
    pub const IMPOSSIBLE_TRANSIT: u32 = 1 << 18;
    /// Supply chain: received by someone other than the addressee.
    pub const WRONG_RECEIVER: u32 = 1 << 19;
    /// Supply chain: an order unusual in size, frequency or pattern.
    pub const UNUSUAL_ORDER: u32 = 1 << 20;
}

/// The features of one access with the facts behind them (for reasons in words).
#[derive(Clone, Debug, PartialEq)]
pub struct AccessFeatures {
    /// The feature vector.
    pub values: [f64; ACCESS_FEATURES],
    /// The explanation found, if any.
    pub explanation: Option<Explanation>,
    /// Distinct patients the user opened in the last hour, this one included.
    pub patients_last_hour: usize,
    /// The user's usual (median) patients per active hour.
    pub usual_patients_per_hour: f64,
    /// Denied requests by the user in the last hour, this one included.
    pub denials_last_hour: usize,
    /// Distinct staff who opened the patient's records in 24 hours.
    pub patient_staff_24h: usize,
    /// Hour and minute of day (UTC, the chain's time).
    pub clock: (u64, u64),
}

impl AccessFeatures {
    /// The reason codes these features raise.
    pub fn reasons(&self) -> u32 {
        let v = &self.values;
        let mut bits = 0;
        if self.explanation.is_none() {
            bits |= reason::UNEXPLAINED;
        }
        if v[1] > 0.5 {
            bits |= reason::COLLEAGUE_ONLY;
        }
        if v[4] >= 0.95 {
            bits |= reason::UNUSUAL_HOUR;
        }
        if self.patients_last_hour >= 8 && v[6] >= 1.0 {
            bits |= reason::VOLUME;
        }
        if self.denials_last_hour >= 3 {
            bits |= reason::DENIALS;
        }
        if v[2] > 0.5 {
            bits |= reason::BREAK_GLASS;
        }
        if v[8] > 0.5 && self.explanation.is_none() {
            bits |= reason::FIRST_ACCESS;
        }
        if self.patient_staff_24h >= 12 {
            bits |= reason::POPULAR_PATIENT;
        }
        if v[12] < 0.5 {
            bits |= reason::NO_ENCOUNTER;
        }
        bits
    }

    /// The reasons in plain words, most telling first.
    pub fn reasons_in_words(&self) -> Vec<String> {
        let bits = self.reasons();
        let mut words = Vec::new();
        if bits & reason::VOLUME != 0 {
            let times = self.patients_last_hour as f64 / self.usual_patients_per_hour.max(1.0);
            words.push(format!(
                "{} patients in an hour, {:.0} times this user's usual",
                self.patients_last_hour, times
            ));
        }
        if bits & reason::DENIALS != 0 {
            words.push(format!(
                "{} denied requests in an hour",
                self.denials_last_hour
            ));
        }
        if bits & reason::BREAK_GLASS != 0 && bits & reason::NO_ENCOUNTER != 0 {
            words.push("break-glass for a patient with no open encounter".into());
        } else if bits & reason::BREAK_GLASS != 0 {
            words.push("break-glass".into());
        }
        if bits & reason::UNEXPLAINED != 0 {
            words.push("no care relation, consent or custody with this patient".into());
        }
        if bits & reason::COLLEAGUE_ONLY != 0 {
            words.push("explained only by a colleague's care relation".into());
        }
        if bits & reason::UNUSUAL_HOUR != 0 {
            let (h, m) = self.clock;
            words.push(format!("{h:02}:{m:02}, outside this user's usual hours"));
        }
        if bits & reason::POPULAR_PATIENT != 0 {
            words.push(format!(
                "{} different staff opened this patient's records in 24 hours",
                self.patient_staff_24h
            ));
        }
        if bits & reason::FIRST_ACCESS != 0 {
            words.push("first access to this patient".into());
        }
        if bits & reason::NO_ENCOUNTER != 0 && bits & reason::BREAK_GLASS == 0 {
            words.push("the patient has no open encounter".into());
        }
        words
    }
}

/// One user's recent activity at one organization.
#[derive(Clone, Debug, Default)]
struct UserHistory {
    /// (time, patient) of the last 24 hours.
    recent: VecDeque<(Timestamp, AccountId)>,
    /// Accesses older than a day, by hour of day.
    by_hour: [u32; 24],
    /// Distinct patients in each of the user's last active hours (closed hours).
    hourly: VecDeque<usize>,
    /// The hour being counted and its patients.
    open_hour: Option<(u64, BTreeSet<AccountId>)>,
    /// Denied requests of the last hour.
    denials: VecDeque<Timestamp>,
    /// Patients ever opened.
    seen: BTreeSet<AccountId>,
    /// Whether each of the last accesses was unexplained.
    unexplained: VecDeque<bool>,
}

/// Active hours remembered for the user's usual volume.
const HOURLY_MEMORY: usize = 64;
/// Accesses remembered for the unexplained rate.
const RATE_MEMORY: usize = 200;

/// Every user's and patient's recent activity, in chain order.
#[derive(Clone, Debug, Default)]
pub struct AccessHistory {
    users: BTreeMap<(AccountId, AccountId), UserHistory>,
    /// (contract, patient) -> (time, accessor) of the last 24 hours.
    patients: BTreeMap<(AccountId, AccountId), VecDeque<(Timestamp, AccountId)>>,
}

fn median(values: impl Iterator<Item = usize>) -> f64 {
    let mut v: Vec<usize> = values.collect();
    if v.is_empty() {
        return 1.0;
    }
    v.sort_unstable();
    v[v.len() / 2] as f64
}

impl AccessHistory {
    /// The features of `access` given everything before it, then remembers it.
    /// Training and scoring both call this, on events in chain order.
    pub fn features(&mut self, evidence: &Evidence, access: &Access) -> AccessFeatures {
        let at = access.at;
        let explanation = evidence.explain(access);
        let user = self
            .users
            .entry((access.contract, access.accessor))
            .or_default();
        // An access counts toward the user's usual hours once it is a day old, so a
        // burst tonight does not make tonight usual.
        while let Some((t, _)) = user.recent.front().copied() {
            if t.saturating_add(DAY) > at {
                break;
            }
            user.recent.pop_front();
            let h = ((t % DAY) / HOUR) as usize;
            user.by_hour[h] = user.by_hour[h].saturating_add(1);
        }
        while user
            .denials
            .front()
            .is_some_and(|t| t.saturating_add(HOUR) <= at)
        {
            user.denials.pop_front();
        }
        let hour_index = at / HOUR;
        if user
            .open_hour
            .as_ref()
            .is_some_and(|(h, _)| *h != hour_index)
        {
            if let Some((_, patients)) = user.open_hour.take() {
                user.hourly.push_back(patients.len());
                if user.hourly.len() > HOURLY_MEMORY {
                    user.hourly.pop_front();
                }
            }
        }
        let mut last_hour: BTreeSet<AccountId> = user
            .recent
            .iter()
            .filter(|(t, _)| t.saturating_add(HOUR) > at)
            .map(|(_, p)| *p)
            .collect();
        last_hour.insert(access.patient);
        let usual = median(user.hourly.iter().copied());
        let hour_of_day = ((at % DAY) / HOUR) as usize;
        let total: u32 = user.by_hour.iter().sum();
        let near: u32 = [23, 0, 1]
            .iter()
            .map(|d| user.by_hour[(hour_of_day + d) % 24])
            .sum();
        let hour_rarity = if total < 20 {
            0.5
        } else {
            1.0 - f64::from(near) / f64::from(total)
        };
        let denials = user.denials.len() + usize::from(!access.granted);
        let first = !user.seen.contains(&access.patient);
        let rate = if user.unexplained.is_empty() {
            0.5
        } else {
            user.unexplained.iter().filter(|u| **u).count() as f64 / user.unexplained.len() as f64
        };

        let seen_by = self
            .patients
            .entry((access.contract, access.patient))
            .or_default();
        while seen_by
            .front()
            .is_some_and(|(t, _)| t.saturating_add(DAY) <= at)
        {
            seen_by.pop_front();
        }
        let mut staff: BTreeSet<AccountId> = seen_by.iter().map(|(_, a)| *a).collect();
        staff.insert(access.accessor);

        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let hour = (at % DAY) / HOUR;
        let values = [
            flag(explanation.is_some_and(|e| e.is_strong())),
            flag(explanation.is_some_and(|e| !e.is_strong())),
            flag(access.break_glass),
            flag(!access.granted),
            hour_rarity,
            flag(!(6..22).contains(&hour)),
            ((1 + last_hour.len()) as f64 / (1.0 + usual)).ln(),
            (denials as f64).ln_1p(),
            flag(first),
            (staff.len() as f64).ln_1p(),
            rate,
            flag(evidence.former_relation(&access.contract, &access.patient, &access.accessor, at)),
            flag(evidence.patient_in_care(&access.contract, &access.patient, at)),
        ];
        let features = AccessFeatures {
            values,
            explanation,
            patients_last_hour: last_hour.len(),
            usual_patients_per_hour: usual,
            denials_last_hour: denials,
            patient_staff_24h: staff.len(),
            clock: (hour, (at % HOUR) / 60_000),
        };

        // Remember this access.
        user.recent.push_back((at, access.patient));
        user.open_hour
            .get_or_insert_with(|| (hour_index, BTreeSet::new()))
            .1
            .insert(access.patient);
        if !access.granted {
            user.denials.push_back(at);
        }
        user.seen.insert(access.patient);
        user.unexplained.push_back(explanation.is_none());
        if user.unexplained.len() > RATE_MEMORY {
            user.unexplained.pop_front();
        }
        seen_by.push_back((at, access.accessor));
        features
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(accessor: u8, patient: u8, at: Timestamp, granted: bool) -> Access {
        Access {
            contract: [1; 32],
            entry: 0,
            patient: [patient; 32],
            accessor: [accessor; 32],
            record: [patient; 32],
            at,
            granted,
            break_glass: false,
            via_organization: true,
            purpose: Purpose::Treatment,
            class: DataClass::General,
            basis: if granted {
                Basis::OrganizationConsent
            } else {
                Basis::ConsentDenied
            },
        }
    }

    #[test]
    fn bulk_lookups_and_denials_are_counted_against_the_users_own_usual() {
        let evidence = Evidence::default();
        let mut history = AccessHistory::default();
        // Ten days of two patients an hour, 9:00 to 17:00.
        for day in 0..10u64 {
            for hour in 9..17u64 {
                for p in 0..2u8 {
                    let at = day * DAY + hour * HOUR + u64::from(p) * 60_000;
                    history.features(&evidence, &access(7, p, at, true));
                }
            }
        }
        // Then 30 patients within one hour, at night.
        let mut last = None;
        for p in 0..30u8 {
            let at = 10 * DAY + 2 * HOUR + u64::from(p) * 60_000;
            last = Some(history.features(&evidence, &access(7, 100 + p, at, true)));
        }
        let f = last.expect("features");
        assert_eq!(f.patients_last_hour, 30);
        assert_eq!(f.usual_patients_per_hour, 2.0);
        let bits = f.reasons();
        assert_ne!(bits & reason::VOLUME, 0);
        assert_ne!(bits & reason::UNUSUAL_HOUR, 0);
        assert_ne!(bits & reason::UNEXPLAINED, 0);
        assert!(f.reasons_in_words()[0].starts_with("30 patients in an hour, 15 times"));
        // Denials in an hour.
        let mut denied = None;
        for i in 0..5u64 {
            denied = Some(history.features(&evidence, &access(8, 1, 5 * HOUR + i, false)));
        }
        assert_eq!(denied.map(|f| f.denials_last_hour), Some(5));
    }

    #[test]
    fn the_same_events_give_the_same_features() {
        let evidence = Evidence::default();
        let run = || {
            let mut history = AccessHistory::default();
            (0..200u64)
                .map(|i| {
                    let a = access((i % 7) as u8, (i % 13) as u8, i * 600_000, i % 5 != 0);
                    history.features(&evidence, &a).values
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}
