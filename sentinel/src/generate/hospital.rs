//! A hospital's world: its staff on shifts and its patients, the admissions that drive
//! who opens which record and when, and the abnormal accesses injected into it.
//!
//! Every random choice is drawn from the generator's one stream in a fixed order, so
//! the phases below run in the order [`Generator::hospital`] calls them.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::ids::records_of;
use super::{AccessKind, Action, Generator, HospitalParties, RecordHandle, MINUTE};
use crate::events::{DataClass, Timestamp};
use crate::features::{DAY, HOUR};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shift {
    Day,
    Evening,
    Night,
}

impl Shift {
    /// Start hour; each shift lasts 8 hours.
    fn start(self) -> u64 {
        match self {
            Shift::Day => 7,
            Shift::Evening => 15,
            Shift::Night => 23,
        }
    }
}

#[derive(Clone, Debug)]
struct Practitioner {
    name: String,
    department: usize,
    shift: Shift,
}

/// A hospital's people and who was in whose care, as its generation goes along.
struct Hospital {
    /// Hospital index.
    h: usize,
    /// Its parties.
    parties: HospitalParties,
    /// Practitioners, department by department.
    staff: Vec<Practitioner>,
    /// Patients' names.
    patients: Vec<String>,
    /// Patients who consent to treatment by the hospital.
    consenting: Vec<usize>,
    /// Patients who opted out (their requests are denied).
    opted_out: Vec<usize>,
    /// Who ever treats whom: an injected snoop never targets the snooper's own
    /// patient (that access would be explained, and rightly so).
    treated_by: Vec<Vec<String>>,
    /// For each day: the patients in care, with their admission and discharge.
    in_care: Vec<Vec<(usize, Timestamp, Timestamp)>>,
}

impl Hospital {
    /// A patient in care on `day` whom `actor` (if any) does not treat, with the part
    /// of the stay from that day on (None if it ends before).
    fn admitted(
        &self,
        rng: &mut StdRng,
        start: Timestamp,
        day: u64,
        actor: Option<&str>,
    ) -> Option<(usize, Timestamp, Timestamp)> {
        let candidates: Vec<(usize, Timestamp, Timestamp)> = self
            .in_care
            .get(day as usize)
            .into_iter()
            .flatten()
            .copied()
            .filter(|(p, admit, discharge)| {
                discharge - admit > 2 * HOUR
                    && actor.is_none_or(|a| !self.treated_by[*p].iter().any(|t| t == a))
            })
            .collect();
        let (p, admit, discharge) = candidates.choose(rng).copied()?;
        let lo = (start + DAY + day * DAY).max(admit + MINUTE);
        let hi = discharge - MINUTE;
        (lo < hi).then_some((p, lo, hi))
    }

    /// Any patient `actor` never treats.
    fn stranger(&self, rng: &mut StdRng, actor: &str) -> usize {
        loop {
            let p = rng.gen_range(0..self.patients.len());
            if !self.treated_by[p].iter().any(|t| t == actor) {
                break p;
            }
        }
    }
}

/// One admission: the patient, where, when, and the team that treats them.
struct Stay {
    patient: usize,
    department: usize,
    admit: Timestamp,
    discharge: Timestamp,
    team: Vec<Practitioner>,
}

impl Generator {
    /// Generates hospital `h`: its staff and patients, then the admissions and the
    /// normal accesses they drive, then the abnormal accesses.
    pub(super) fn hospital(&mut self, h: usize) -> HospitalParties {
        let mut hospital = self.staff_and_patients(h);
        self.admissions(&mut hospital);
        self.abnormal_accesses(&hospital);
        hospital.parties
    }

    /// A time within `shift` on `day`, `offset_minutes` into it at most 470.
    fn in_shift(&mut self, day: u64, shift: Shift) -> Timestamp {
        let minute = self.rng.gen_range(10..470);
        self.config.start + day * DAY + shift.start() * HOUR + minute * MINUTE
    }

    /// `actor` asks to open `record` (treatment).
    fn request_access(
        &mut self,
        at: Timestamp,
        actor: &str,
        hospital: usize,
        record: RecordHandle,
        label: Option<AccessKind>,
    ) {
        self.push(
            at,
            actor,
            Action::RequestAccess {
                hospital,
                record,
                label,
            },
        );
    }

    /// `actor` breaks the glass on `record` at `at`, and the privacy officer reviews
    /// it a day later.
    fn break_glass(
        &mut self,
        at: Timestamp,
        actor: &str,
        hospital: &Hospital,
        record: RecordHandle,
        label: Option<AccessKind>,
        accept: bool,
    ) {
        let h = hospital.h;
        let tag = self.next_tag;
        self.next_tag += 1;
        self.push(
            at,
            actor,
            Action::BreakGlass {
                hospital: h,
                record,
                tag,
                label,
            },
        );
        self.push(
            at + DAY,
            &hospital.parties.privacy_officer,
            Action::ReviewBreakGlass {
                hospital: h,
                tag,
                accept,
            },
        );
    }

    /// The hospital registers its practitioners; its patients consent (or not) and the
    /// organization registers their records.
    fn staff_and_patients(&mut self, h: usize) -> Hospital {
        let name = format!("h{h}");
        let organization = format!("{name}/organization");
        let privacy_officer = format!("{name}/privacy-officer");
        let start = self.config.start;
        let staff: Vec<Practitioner> = (0..self.config.departments)
            .flat_map(|d| (0..self.config.staff_per_department).map(move |i| (d, i)))
            .map(|(d, i)| Practitioner {
                name: format!("{name}/dept{d}/staff{i}"),
                department: d,
                shift: match i % 5 {
                    0..=2 => Shift::Day,
                    3 => Shift::Evening,
                    _ => Shift::Night,
                },
            })
            .collect();
        for p in staff.iter().map(|p| p.name.clone()) {
            self.push(
                start,
                &organization,
                Action::AddProvider {
                    hospital: h,
                    provider: p,
                },
            );
        }
        let patients: Vec<String> = (0..self.config.patients)
            .map(|i| format!("{name}/patient{i}"))
            .collect();
        let days = self.config.days as usize;
        let mut hospital = Hospital {
            h,
            parties: HospitalParties {
                name,
                organization,
                privacy_officer,
            },
            staff,
            treated_by: vec![Vec::new(); patients.len()],
            patients,
            consenting: Vec::new(),
            opted_out: Vec::new(),
            in_care: vec![Vec::new(); days],
        };
        self.consents_and_records(&mut hospital);
        hospital
    }

    /// 95% of the patients consent to treatment by the hospital; the rest opted out
    /// (denied). The organization registers every patient's records.
    fn consents_and_records(&mut self, hospital: &mut Hospital) {
        let h = hospital.h;
        let start = self.config.start;
        for (i, patient) in hospital.patients.iter().enumerate() {
            if self.rng.gen_bool(0.95) {
                self.push(
                    start + MINUTE,
                    patient,
                    Action::ConsentToHospital { hospital: h },
                );
                hospital.consenting.push(i);
            } else {
                hospital.opted_out.push(i);
            }
            for (record, class) in records_of(h, i)
                .into_iter()
                .zip([DataClass::General, DataClass::Labs])
            {
                // The organization registers the records its EHR holds (a provider
                // could only for a patient it treats now).
                self.push(
                    start + 2 * MINUTE,
                    &hospital.parties.organization,
                    Action::RegisterRecord {
                        hospital: h,
                        patient: patient.clone(),
                        record,
                        class,
                    },
                );
            }
        }
    }

    /// Encounters and the care they drive: each day, consenting patients not in care
    /// are admitted.
    fn admissions(&mut self, hospital: &mut Hospital) {
        let start = self.config.start;
        let mut admitted_until = vec![0u64; hospital.patients.len()];
        for day in 0..self.config.days {
            let base = start + DAY + day * DAY;
            for _ in 0..self.config.admissions_per_day {
                let Some(&p) = hospital.consenting.choose(&mut self.rng) else {
                    break;
                };
                if admitted_until[p] > base {
                    continue;
                }
                admitted_until[p] = self.admission(hospital, p, base);
            }
        }
    }

    /// Admits patient `p` on the day starting at `base`: a team of its department
    /// treats them under care relations, opens their record every day of the stay,
    /// and an emergency may break the glass. Returns the discharge time.
    fn admission(&mut self, hospital: &mut Hospital, p: usize, base: Timestamp) -> Timestamp {
        let start = self.config.start;
        let days = self.config.days;
        let department = self.rng.gen_range(0..self.config.departments);
        let admit = base + self.rng.gen_range(0..24 * 60) * MINUTE;
        let length = self.rng.gen_range(1..=4) * DAY;
        let discharge = admit + length;
        let team: Vec<Practitioner> = hospital
            .staff
            .iter()
            .filter(|s| s.department == department)
            .collect::<Vec<_>>()
            .choose_multiple(&mut self.rng, 3)
            .map(|s| (*s).clone())
            .collect();
        hospital.treated_by[p].extend(team.iter().map(|m| m.name.clone()));
        for member in &team {
            self.push(
                admit,
                &hospital.parties.organization,
                Action::CareRelation {
                    hospital: hospital.h,
                    patient: hospital.patients[p].clone(),
                    provider: member.name.clone(),
                    start: admit,
                    end: discharge + DAY,
                },
            );
        }
        let stay = Stay {
            patient: p,
            department,
            admit,
            discharge,
            team,
        };
        let first_day = (admit - start) / DAY - 1;
        let last_day = ((discharge - start) / DAY).min(days);
        for d in first_day..last_day {
            if let Some(slot) = hospital.in_care.get_mut(d as usize) {
                slot.push((p, admit, discharge));
            }
            self.day_of_stay(hospital, &stay, d);
        }
        self.emergency(hospital, &stay);
        discharge
    }

    /// Day `d` of a stay: the team opens the record in their shifts; a department
    /// colleague covers sometimes; another department consults rarely (the normal
    /// accesses nothing explains).
    fn day_of_stay(&mut self, hospital: &Hospital, stay: &Stay, d: u64) {
        let h = hospital.h;
        let records = records_of(h, stay.patient);
        for member in &stay.team {
            for _ in 0..self.rng.gen_range(1..=3) {
                let at = self.in_shift(d + 1, member.shift).max(stay.admit + MINUTE);
                if at >= stay.discharge {
                    continue;
                }
                let record = records[self.rng.gen_range(0..2)];
                self.request_access(at, &member.name, h, record, None);
            }
        }
        let department: Vec<&Practitioner> = hospital
            .staff
            .iter()
            .filter(|s| s.department == stay.department)
            .collect();
        if self.rng.gen_bool(0.3) {
            if let Some(cover) = department.choose(&mut self.rng) {
                let at = self.in_shift(d + 1, cover.shift).max(stay.admit + MINUTE);
                if at < stay.discharge {
                    self.request_access(at, &cover.name, h, records[0], None);
                }
            }
        }
        if self.rng.gen_bool(0.15) {
            if let Some(consult) = hospital
                .staff
                .iter()
                .filter(|s| s.department != stay.department)
                .collect::<Vec<_>>()
                .choose(&mut self.rng)
            {
                let at = self.in_shift(d + 1, consult.shift).max(stay.admit + MINUTE);
                if at < stay.discharge {
                    self.request_access(at, &consult.name, h, records[1], None);
                }
            }
        }
    }

    /// An emergency: a covering doctor breaks the glass for an admitted patient, and
    /// the review accepts it.
    fn emergency(&mut self, hospital: &Hospital, stay: &Stay) {
        if stay.department == 0 && self.rng.gen_bool(0.3) {
            if let Some(doctor) = hospital
                .staff
                .iter()
                .filter(|s| s.department == 0 && !stay.team.iter().any(|t| t.name == s.name))
                .collect::<Vec<_>>()
                .choose(&mut self.rng)
            {
                let record = records_of(hospital.h, stay.patient)[0];
                let at = stay.admit + 10 * MINUTE;
                self.break_glass(at, &doctor.name, hospital, record, None, true);
            }
        }
    }

    /// Abnormal activity: episodes of each of the hospital's kinds, each on a day and
    /// by a practitioner drawn for it.
    fn abnormal_accesses(&mut self, hospital: &Hospital) {
        let days = self.config.days;
        for kind in self.config.kinds(hospital.h) {
            for _ in 0..self.config.episodes {
                let day = self.rng.gen_range(3..days.max(4));
                let Some(actor) = hospital.staff.choose(&mut self.rng).cloned() else {
                    continue;
                };
                match kind {
                    AccessKind::VipSnooping => self.vip_snooping(hospital, day),
                    AccessKind::CoworkerSnooping => self.coworker_snooping(hospital, day, &actor),
                    AccessKind::NeighbourSnooping => self.neighbour_snooping(hospital, day, &actor),
                    AccessKind::BulkLookup => self.bulk_lookup(hospital, day, &actor),
                    AccessKind::OffHours => self.off_hours(hospital, day, &actor),
                    AccessKind::BreakGlassAbuse => self.break_glass_abuse(hospital, day, &actor),
                    AccessKind::Probing => self.probing(hospital, day, &actor),
                }
            }
        }
    }

    /// A celebrity is snooped on while admitted (the patient is in care, so only the
    /// snoopers' own lack of a relation shows).
    fn vip_snooping(&mut self, hospital: &Hospital, day: u64) {
        let label = Some(AccessKind::VipSnooping);
        let start = self.config.start;
        let Some((vip, lo, hi)) = hospital.admitted(&mut self.rng, start, day, None) else {
            return;
        };
        let crowd = self.rng.gen_range(8..=14);
        let outsiders: Vec<Practitioner> = hospital
            .staff
            .iter()
            .filter(|s| !hospital.treated_by[vip].contains(&s.name))
            .cloned()
            .collect();
        for s in outsiders
            .choose_multiple(&mut self.rng, crowd)
            .cloned()
            .collect::<Vec<_>>()
        {
            let at = self.in_shift(day + 1, s.shift).max(lo).min(hi);
            let record = records_of(hospital.h, vip)[0];
            self.request_access(at, &s.name, hospital.h, record, label);
        }
    }

    /// A colleague admitted as a patient: looked up twice during the stay by someone
    /// not treating them.
    fn coworker_snooping(&mut self, hospital: &Hospital, day: u64, actor: &Practitioner) {
        let label = Some(AccessKind::CoworkerSnooping);
        let start = self.config.start;
        let Some((target, lo, hi)) =
            hospital.admitted(&mut self.rng, start, day, Some(&actor.name))
        else {
            return;
        };
        for r in 0..2 {
            let at = self.in_shift(day + 1, actor.shift).max(lo).min(hi);
            let record = records_of(hospital.h, target)[r % 2];
            self.request_access(at, &actor.name, hospital.h, record, label);
        }
    }

    /// A practitioner opens a neighbour's record: a patient they never treat.
    fn neighbour_snooping(&mut self, hospital: &Hospital, day: u64, actor: &Practitioner) {
        let label = Some(AccessKind::NeighbourSnooping);
        let target = hospital.stranger(&mut self.rng, &actor.name);
        let at = self.in_shift(day + 1, actor.shift);
        let record = records_of(hospital.h, target)[0];
        self.request_access(at, &actor.name, hospital.h, record, label);
    }

    /// Dozens of patients' labs opened 70 seconds apart, late in the shift.
    fn bulk_lookup(&mut self, hospital: &Hospital, day: u64, actor: &Practitioner) {
        let label = Some(AccessKind::BulkLookup);
        let n = self.rng.gen_range(25..=40);
        let at0 = self.config.start + (day + 1) * DAY + (actor.shift.start() + 7) * HOUR;
        for (i, target) in (0..hospital.patients.len())
            .collect::<Vec<_>>()
            .choose_multiple(&mut self.rng, n)
            .enumerate()
        {
            let at = at0 + (i as u64) * 70_000;
            let record = records_of(hospital.h, *target)[1];
            self.request_access(at, &actor.name, hospital.h, record, label);
        }
    }

    /// Strangers' records opened twelve hours away from the middle of the shift: at
    /// home.
    fn off_hours(&mut self, hospital: &Hospital, day: u64, actor: &Practitioner) {
        let label = Some(AccessKind::OffHours);
        let at0 = self.config.start
            + (day + 1) * DAY
            + (actor.shift.start() + 16) * HOUR
            + self.rng.gen_range(0..120) * MINUTE;
        for i in 0..self.rng.gen_range(1..=3) {
            let target = hospital.stranger(&mut self.rng, &actor.name);
            let record = records_of(hospital.h, target)[0];
            self.request_access(at0 + i * 5 * MINUTE, &actor.name, hospital.h, record, label);
        }
    }

    /// Break-glass on a stranger's record with no emergency; the review reports it.
    fn break_glass_abuse(&mut self, hospital: &Hospital, day: u64, actor: &Practitioner) {
        let label = Some(AccessKind::BreakGlassAbuse);
        let target = hospital.stranger(&mut self.rng, &actor.name);
        let at = self.in_shift(day + 1, actor.shift);
        let record = records_of(hospital.h, target)[0];
        self.break_glass(at, &actor.name, hospital, record, label, false);
    }

    /// Repeated requests for records of patients who opted out, which consent denies.
    fn probing(&mut self, hospital: &Hospital, day: u64, actor: &Practitioner) {
        let label = Some(AccessKind::Probing);
        let at0 = self.in_shift(day + 1, actor.shift);
        let n = self.rng.gen_range(6..=10);
        for i in 0..n {
            let Some(&target) = hospital.opted_out.choose(&mut self.rng) else {
                break;
            };
            let record = records_of(hospital.h, target)[0];
            self.request_access(at0 + i * 4 * MINUTE, &actor.name, hospital.h, record, label);
        }
    }
}
