//! A seeded, deterministic world to learn from and be judged on, since real hospital
//! access logs are not public: hospitals with departments, practitioners on shifts and
//! patients whose encounters drive who opens their records and when; a supply chain
//! of a manufacturer, a wholesaler and pharmacies with their own order cadence; and
//! labelled abnormal activity of several kinds injected into both.
//!
//! The output is a list of [`Step`]s (who does what, when) for the host to run through
//! the real contracts on a real chain, so that the sentinel reads real events. The
//! same seed and [`Config`] always give the same steps.
//!
//! The steps follow the contracts' rules: the organization registers its patients'
//! records (the contract assigns each record its id: a step names a record by the
//! generator's [`RecordHandle`], which the host maps to the id the chain gave it); the
//! operator assigns the manufacturer its GS1 company prefix before anything is
//! commissioned, and every GTIN and SSCC is under it; verification requests name who
//! presented the product and why, and stay within the contract's rate limit.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::events::{DataClass, Timestamp, VerificationContext};
use crate::features::{DAY, HOUR};

/// Minutes, ms.
const MINUTE: Timestamp = 60_000;

/// The kinds of abnormal EHR activity the generator injects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessKind {
    /// Many unrelated staff open a VIP's record.
    VipSnooping,
    /// A practitioner opens a co-worker's record.
    CoworkerSnooping,
    /// A practitioner opens a neighbour's (an acquaintance's) record.
    NeighbourSnooping,
    /// Dozens of patients opened in under an hour (before leaving).
    BulkLookup,
    /// Unrelated records opened outside the practitioner's shift.
    OffHours,
    /// Break-glass with no emergency.
    BreakGlassAbuse,
    /// Repeated requests that consent denies.
    Probing,
}

impl AccessKind {
    /// Every kind.
    pub const ALL: [AccessKind; 7] = [
        AccessKind::VipSnooping,
        AccessKind::CoworkerSnooping,
        AccessKind::NeighbourSnooping,
        AccessKind::BulkLookup,
        AccessKind::OffHours,
        AccessKind::BreakGlassAbuse,
        AccessKind::Probing,
    ];

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            AccessKind::VipSnooping => "vip-snooping",
            AccessKind::CoworkerSnooping => "coworker-snooping",
            AccessKind::NeighbourSnooping => "neighbour-snooping",
            AccessKind::BulkLookup => "bulk-lookup",
            AccessKind::OffHours => "off-hours",
            AccessKind::BreakGlassAbuse => "break-glass-abuse",
            AccessKind::Probing => "probing",
        }
    }
}

/// The kinds of abnormal supply-chain activity the generator injects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SupplyKind {
    /// A copy of a genuine serial presented to a partner that held the package: the
    /// wholesaler, offered it as a return while a pharmacy holds the genuine one, or
    /// the pharmacy that dispensed it.
    ClonedSerial,
    /// A serial that was never commissioned.
    CounterfeitSerial,
    /// An order far outside the buyer's pattern.
    DivertedOrder,
}

impl SupplyKind {
    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            SupplyKind::ClonedSerial => "cloned-serial",
            SupplyKind::CounterfeitSerial => "counterfeit-serial",
            SupplyKind::DivertedOrder => "diverted-order",
        }
    }
}

/// A DSCSA trading partner's role, as the contract's `PartnerKind` index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartnerRole {
    /// Manufacturer (index 0).
    Manufacturer,
    /// Wholesale distributor (index 2).
    Wholesaler,
    /// Dispenser (index 3).
    Pharmacy,
}

impl PartnerRole {
    /// The contract's enum variant name.
    pub fn variant(self) -> &'static str {
        match self {
            PartnerRole::Manufacturer => "Manufacturer",
            PartnerRole::Wholesaler => "WholesaleDistributor",
            PartnerRole::Pharmacy => "Dispenser",
        }
    }
}

/// The generator's name for a record: the contract assigns the record's id when it is
/// registered, and the host maps this handle to it.
pub type RecordHandle = [u8; 32];

/// One thing someone does. Parties are names; the host derives a key from each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The hospital registers a practitioner (signed by the hospital).
    AddProvider {
        /// Hospital index.
        hospital: usize,
        /// The practitioner.
        provider: String,
    },
    /// The patient consents to the hospital (treatment, general data).
    ConsentToHospital {
        /// Hospital index.
        hospital: usize,
    },
    /// The organization registers a record (the contract assigns its id).
    RegisterRecord {
        /// Hospital index.
        hospital: usize,
        /// The patient.
        patient: String,
        /// The generator's handle for it.
        record: RecordHandle,
        /// Data class.
        class: DataClass,
    },
    /// The hospital registers a care relation.
    CareRelation {
        /// Hospital index.
        hospital: usize,
        /// The patient.
        patient: String,
        /// The practitioner.
        provider: String,
        /// From.
        start: Timestamp,
        /// Until.
        end: Timestamp,
    },
    /// A practitioner asks to open a record (treatment).
    RequestAccess {
        /// Hospital index.
        hospital: usize,
        /// The record's handle.
        record: RecordHandle,
        /// Ground truth: the kind of abnormal activity, if it is one.
        label: Option<AccessKind>,
    },
    /// A practitioner breaks the glass.
    BreakGlass {
        /// Hospital index.
        hospital: usize,
        /// The record's handle.
        record: RecordHandle,
        /// Tag for the review step.
        tag: u64,
        /// Ground truth.
        label: Option<AccessKind>,
    },
    /// The privacy officer reviews a break-glass access.
    ReviewBreakGlass {
        /// Hospital index.
        hospital: usize,
        /// The break-glass step's tag.
        tag: u64,
        /// Accepted (true) or reported.
        accept: bool,
    },
    /// The operator registers a trading partner.
    AddPartner {
        /// Region index.
        region: usize,
        /// The partner.
        partner: String,
        /// Its role.
        role: PartnerRole,
        /// Its GLN.
        gln: String,
    },
    /// The operator assigns a GS1 company prefix to a partner.
    AddPrefix {
        /// Region index.
        region: usize,
        /// The partner.
        partner: String,
        /// The prefix's digits.
        prefix: String,
    },
    /// A manufacturer commissions a package (under its own prefix).
    Commission {
        /// Region index.
        region: usize,
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
        /// Lot.
        lot: String,
        /// Expiry.
        expiry: Timestamp,
    },
    /// The owner packs packages into a container.
    Pack {
        /// Region index.
        region: usize,
        /// SSCC-18.
        sscc: String,
        /// (GTIN, serial) of each package.
        items: Vec<(String, String)>,
    },
    /// The owner ships a container.
    Ship {
        /// Region index.
        region: usize,
        /// SSCC-18.
        sscc: String,
        /// The buyer.
        to: String,
        /// Ground truth for the order.
        label: Option<SupplyKind>,
    },
    /// The addressee receives a container.
    Receive {
        /// Region index.
        region: usize,
        /// SSCC-18.
        sscc: String,
    },
    /// The owner unpacks a container.
    Unpack {
        /// Region index.
        region: usize,
        /// SSCC-18.
        sscc: String,
    },
    /// A partner asks to verify a product identifier.
    Verify {
        /// Region index.
        region: usize,
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
        /// Lot.
        lot: String,
        /// Expiry.
        expiry: Timestamp,
        /// Who presented the product to the requester.
        presenter: String,
        /// Why the requester asks.
        context: VerificationContext,
        /// Ground truth.
        label: Option<SupplyKind>,
    },
    /// A pharmacy dispenses a package.
    Dispense {
        /// Region index.
        region: usize,
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
    },
}

/// One step: when, who, what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Block time it happens at.
    pub at: Timestamp,
    /// Who signs it.
    pub actor: String,
    /// What.
    pub action: Action,
}

/// A hospital's parties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HospitalParties {
    /// Its name.
    pub name: String,
    /// The organization's account (the EHR contract's administrator).
    pub organization: String,
    /// Its privacy officer.
    pub privacy_officer: String,
}

/// A region's supply chain parties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionParties {
    /// Its name.
    pub name: String,
    /// The DSCSA contract's operator.
    pub operator: String,
}

/// The world's size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Seed.
    pub seed: u64,
    /// Hospitals.
    pub hospitals: usize,
    /// Supply-chain regions.
    pub regions: usize,
    /// Days simulated.
    pub days: u64,
    /// Patients per hospital.
    pub patients: usize,
    /// Departments per hospital.
    pub departments: usize,
    /// Practitioners per department.
    pub staff_per_department: usize,
    /// Admissions per hospital per day.
    pub admissions_per_day: usize,
    /// Pharmacies per region.
    pub pharmacies: usize,
    /// Which hospitals get which kinds: `kinds(hospital)`; by default every kind.
    pub kinds_by_hospital: Vec<Vec<AccessKind>>,
    /// Episodes of each injected kind per hospital.
    pub episodes: usize,
    /// Block time of the first step.
    pub start: Timestamp,
}

impl Config {
    /// The evaluation's world: four hospitals, two regions, three weeks.
    pub fn evaluation(seed: u64) -> Config {
        Config {
            seed,
            hospitals: 4,
            regions: 2,
            days: 21,
            patients: 300,
            departments: 5,
            staff_per_department: 8,
            admissions_per_day: 12,
            pharmacies: 6,
            kinds_by_hospital: Vec::new(),
            episodes: 4,
            start: 1_767_225_600_000, // 2026-01-01T00:00Z
        }
    }

    /// A small world for tests and the demo.
    pub fn small(seed: u64) -> Config {
        Config {
            hospitals: 1,
            regions: 1,
            days: 5,
            patients: 60,
            departments: 2,
            staff_per_department: 5,
            admissions_per_day: 5,
            pharmacies: 3,
            episodes: 1,
            ..Config::evaluation(seed)
        }
    }

    fn kinds(&self, hospital: usize) -> Vec<AccessKind> {
        self.kinds_by_hospital
            .get(hospital)
            .cloned()
            .unwrap_or_else(|| AccessKind::ALL.to_vec())
    }
}

/// The generated world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    /// Hospitals' parties.
    pub hospitals: Vec<HospitalParties>,
    /// Regions' parties.
    pub regions: Vec<RegionParties>,
    /// Steps, in time order.
    pub steps: Vec<Step>,
}

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

/// Record handles of a patient: (general, labs).
fn records_of(hospital: usize, patient: usize) -> [RecordHandle; 2] {
    let mut general = [0u8; 32];
    general[..4].copy_from_slice(b"REC0");
    general[4..12].copy_from_slice(&(hospital as u64).to_be_bytes());
    general[12..20].copy_from_slice(&(patient as u64).to_be_bytes());
    let mut labs = general;
    labs[3] = b'1';
    [general, labs]
}

/// Region `r`'s manufacturer's GS1 company prefix: 7 digits, none a prefix of another.
pub fn company_prefix(r: usize) -> String {
    format!("03{:05}", 100 + r)
}

/// A GS1 number with its mod-10 check digit appended to `body` (digits).
pub fn with_check_digit(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

struct Generator {
    rng: StdRng,
    config: Config,
    steps: Vec<Step>,
    next_tag: u64,
}

impl Generator {
    fn push(&mut self, at: Timestamp, actor: &str, action: Action) {
        self.steps.push(Step {
            at,
            actor: actor.to_string(),
            action,
        });
    }

    /// A time within `shift` on `day`, `offset_minutes` into it at most 470.
    fn in_shift(&mut self, day: u64, shift: Shift) -> Timestamp {
        let minute = self.rng.gen_range(10..470);
        self.config.start + day * DAY + shift.start() * HOUR + minute * MINUTE
    }

    fn hospital(&mut self, h: usize) -> HospitalParties {
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
        // 95% consent to treatment by the hospital; the rest opted out (denied).
        let mut consenting = Vec::new();
        let mut opted_out = Vec::new();
        for (i, patient) in patients.iter().enumerate() {
            if self.rng.gen_bool(0.95) {
                self.push(
                    start + MINUTE,
                    patient,
                    Action::ConsentToHospital { hospital: h },
                );
                consenting.push(i);
            } else {
                opted_out.push(i);
            }
            for (record, class) in records_of(h, i)
                .into_iter()
                .zip([DataClass::General, DataClass::Labs])
            {
                // The organization registers the records its EHR holds (a provider
                // could only for a patient it treats now).
                self.push(
                    start + 2 * MINUTE,
                    &organization,
                    Action::RegisterRecord {
                        hospital: h,
                        patient: patient.clone(),
                        record,
                        class,
                    },
                );
            }
        }

        let kinds = self.config.kinds(h);
        let days = self.config.days;
        // Encounters and the care they drive.
        let mut admitted_until = vec![0u64; patients.len()];
        // Who ever treats whom: an injected snoop never targets the snooper's own
        // patient (that access would be explained, and rightly so).
        let mut treated_by: Vec<Vec<String>> = vec![Vec::new(); patients.len()];
        let mut in_care: Vec<Vec<(usize, Timestamp, Timestamp)>> = vec![Vec::new(); days as usize];
        for day in 0..days {
            let base = start + DAY + day * DAY;
            for _ in 0..self.config.admissions_per_day {
                let Some(&p) = consenting.choose(&mut self.rng) else {
                    break;
                };
                if admitted_until[p] > base {
                    continue;
                }
                let dept = self.rng.gen_range(0..self.config.departments);
                let admit = base + self.rng.gen_range(0..24 * 60) * MINUTE;
                let stay = self.rng.gen_range(1..=4) * DAY;
                let discharge = admit + stay;
                admitted_until[p] = discharge;
                let team_pool: Vec<&Practitioner> =
                    staff.iter().filter(|s| s.department == dept).collect();
                let team: Vec<Practitioner> = team_pool
                    .choose_multiple(&mut self.rng, 3)
                    .map(|s| (*s).clone())
                    .collect();
                treated_by[p].extend(team.iter().map(|m| m.name.clone()));
                for member in &team {
                    self.push(
                        admit,
                        &organization,
                        Action::CareRelation {
                            hospital: h,
                            patient: patients[p].clone(),
                            provider: member.name.clone(),
                            start: admit,
                            end: discharge + DAY,
                        },
                    );
                }
                // Each day of the stay: the team opens the record in their shifts; a
                // department colleague covers sometimes; another department consults
                // rarely (the normal accesses nothing explains).
                let first_day = (admit - start) / DAY - 1;
                let last_day = ((discharge - start) / DAY).min(days);
                for d in first_day..last_day {
                    if let Some(slot) = in_care.get_mut(d as usize) {
                        slot.push((p, admit, discharge));
                    }
                    for member in &team {
                        for _ in 0..self.rng.gen_range(1..=3) {
                            let at = self.in_shift(d + 1, member.shift).max(admit + MINUTE);
                            if at >= discharge {
                                continue;
                            }
                            let record = records_of(h, p)[self.rng.gen_range(0..2)];
                            self.push(
                                at,
                                &member.name,
                                Action::RequestAccess {
                                    hospital: h,
                                    record,
                                    label: None,
                                },
                            );
                        }
                    }
                    if self.rng.gen_bool(0.3) {
                        if let Some(cover) = team_pool.choose(&mut self.rng) {
                            let at = self.in_shift(d + 1, cover.shift).max(admit + MINUTE);
                            let record = records_of(h, p)[0];
                            if at < discharge {
                                self.push(
                                    at,
                                    &cover.name,
                                    Action::RequestAccess {
                                        hospital: h,
                                        record,
                                        label: None,
                                    },
                                );
                            }
                        }
                    }
                    if self.rng.gen_bool(0.15) {
                        if let Some(consult) = staff
                            .iter()
                            .filter(|s| s.department != dept)
                            .collect::<Vec<_>>()
                            .choose(&mut self.rng)
                        {
                            let at = self.in_shift(d + 1, consult.shift).max(admit + MINUTE);
                            let record = records_of(h, p)[1];
                            if at < discharge {
                                self.push(
                                    at,
                                    &consult.name,
                                    Action::RequestAccess {
                                        hospital: h,
                                        record,
                                        label: None,
                                    },
                                );
                            }
                        }
                    }
                }
                // An emergency: a covering doctor breaks the glass for an admitted
                // patient, and the review accepts it.
                if dept == 0 && self.rng.gen_bool(0.3) {
                    if let Some(doctor) = staff
                        .iter()
                        .filter(|s| s.department == 0 && !team.iter().any(|t| t.name == s.name))
                        .collect::<Vec<_>>()
                        .choose(&mut self.rng)
                    {
                        let tag = self.next_tag;
                        self.next_tag += 1;
                        let at = admit + 10 * MINUTE;
                        self.push(
                            at,
                            &doctor.name,
                            Action::BreakGlass {
                                hospital: h,
                                record: records_of(h, p)[0],
                                tag,
                                label: None,
                            },
                        );
                        self.push(
                            at + DAY,
                            &privacy_officer,
                            Action::ReviewBreakGlass {
                                hospital: h,
                                tag,
                                accept: true,
                            },
                        );
                    }
                }
            }
        }

        // Abnormal activity.
        // A patient in care on `day` whom `actor` (if any) does not treat, with the
        // part of the stay from that day on (None if it ends before).
        let admitted = |rng: &mut StdRng,
                        in_care: &[Vec<(usize, Timestamp, Timestamp)>],
                        day: u64,
                        actor: Option<&str>| {
            let candidates: Vec<(usize, Timestamp, Timestamp)> = in_care
                .get(day as usize)
                .into_iter()
                .flatten()
                .copied()
                .filter(|(p, admit, discharge)| {
                    discharge - admit > 2 * HOUR
                        && actor.is_none_or(|a| !treated_by[*p].iter().any(|t| t == a))
                })
                .collect();
            let (p, admit, discharge) = candidates.choose(rng).copied()?;
            let lo = (start + DAY + day * DAY).max(admit + MINUTE);
            let hi = discharge - MINUTE;
            (lo < hi).then_some((p, lo, hi))
        };
        let stranger = |rng: &mut StdRng, actor: &str| loop {
            let p = rng.gen_range(0..patients.len());
            if !treated_by[p].iter().any(|t| t == actor) {
                break p;
            }
        };
        for kind in kinds {
            for _ in 0..self.config.episodes {
                let day = self.rng.gen_range(3..days.max(4));
                let Some(actor) = staff.choose(&mut self.rng).cloned() else {
                    continue;
                };
                let label = Some(kind);
                match kind {
                    AccessKind::VipSnooping => {
                        // A celebrity is snooped on while admitted (the patient is in
                        // care, so only the snoopers' own lack of a relation shows).
                        let Some((vip, lo, hi)) = admitted(&mut self.rng, &in_care, day, None)
                        else {
                            continue;
                        };
                        let crowd = self.rng.gen_range(8..=14);
                        let outsiders: Vec<Practitioner> = staff
                            .iter()
                            .filter(|s| !treated_by[vip].contains(&s.name))
                            .cloned()
                            .collect();
                        for s in outsiders
                            .choose_multiple(&mut self.rng, crowd)
                            .cloned()
                            .collect::<Vec<_>>()
                        {
                            let at = self.in_shift(day + 1, s.shift).max(lo).min(hi);
                            self.push(
                                at,
                                &s.name,
                                Action::RequestAccess {
                                    hospital: h,
                                    record: records_of(h, vip)[0],
                                    label,
                                },
                            );
                        }
                    }
                    AccessKind::CoworkerSnooping => {
                        // A colleague admitted as a patient: looked up twice during
                        // the stay by someone not treating them.
                        let Some((target, lo, hi)) =
                            admitted(&mut self.rng, &in_care, day, Some(&actor.name))
                        else {
                            continue;
                        };
                        for r in 0..2 {
                            let at = self.in_shift(day + 1, actor.shift).max(lo).min(hi);
                            self.push(
                                at,
                                &actor.name,
                                Action::RequestAccess {
                                    hospital: h,
                                    record: records_of(h, target)[r % 2],
                                    label,
                                },
                            );
                        }
                    }
                    AccessKind::NeighbourSnooping => {
                        let target = stranger(&mut self.rng, &actor.name);
                        let at = self.in_shift(day + 1, actor.shift);
                        self.push(
                            at,
                            &actor.name,
                            Action::RequestAccess {
                                hospital: h,
                                record: records_of(h, target)[0],
                                label,
                            },
                        );
                    }
                    AccessKind::BulkLookup => {
                        let n = self.rng.gen_range(25..=40);
                        let at0 =
                            self.config.start + (day + 1) * DAY + (actor.shift.start() + 7) * HOUR;
                        for (i, target) in (0..patients.len())
                            .collect::<Vec<_>>()
                            .choose_multiple(&mut self.rng, n)
                            .enumerate()
                        {
                            let at = at0 + (i as u64) * 70_000;
                            self.push(
                                at,
                                &actor.name,
                                Action::RequestAccess {
                                    hospital: h,
                                    record: records_of(h, *target)[1],
                                    label,
                                },
                            );
                        }
                    }
                    AccessKind::OffHours => {
                        // Twelve hours away from the middle of the shift: at home.
                        let at0 = self.config.start
                            + (day + 1) * DAY
                            + (actor.shift.start() + 16) * HOUR
                            + self.rng.gen_range(0..120) * MINUTE;
                        for i in 0..self.rng.gen_range(1..=3) {
                            let target = stranger(&mut self.rng, &actor.name);
                            self.push(
                                at0 + i * 5 * MINUTE,
                                &actor.name,
                                Action::RequestAccess {
                                    hospital: h,
                                    record: records_of(h, target)[0],
                                    label,
                                },
                            );
                        }
                    }
                    AccessKind::BreakGlassAbuse => {
                        let target = stranger(&mut self.rng, &actor.name);
                        let tag = self.next_tag;
                        self.next_tag += 1;
                        let at = self.in_shift(day + 1, actor.shift);
                        self.push(
                            at,
                            &actor.name,
                            Action::BreakGlass {
                                hospital: h,
                                record: records_of(h, target)[0],
                                tag,
                                label,
                            },
                        );
                        self.push(
                            at + DAY,
                            &privacy_officer,
                            Action::ReviewBreakGlass {
                                hospital: h,
                                tag,
                                accept: false,
                            },
                        );
                    }
                    AccessKind::Probing => {
                        let at0 = self.in_shift(day + 1, actor.shift);
                        let n = self.rng.gen_range(6..=10);
                        for i in 0..n {
                            let Some(&target) = opted_out.choose(&mut self.rng) else {
                                break;
                            };
                            self.push(
                                at0 + i * 4 * MINUTE,
                                &actor.name,
                                Action::RequestAccess {
                                    hospital: h,
                                    record: records_of(h, target)[0],
                                    label,
                                },
                            );
                        }
                    }
                }
            }
        }
        HospitalParties {
            name,
            organization,
            privacy_officer,
        }
    }

    fn region(&mut self, r: usize) -> RegionParties {
        let name = format!("r{r}");
        let operator = format!("{name}/operator");
        let start = self.config.start;
        let maker = format!("{name}/manufacturer");
        let wholesaler = format!("{name}/wholesaler");
        let pharmacies: Vec<String> = (0..self.config.pharmacies)
            .map(|i| format!("{name}/pharmacy{i}"))
            .collect();
        let parties = [
            (maker.clone(), PartnerRole::Manufacturer),
            (wholesaler.clone(), PartnerRole::Wholesaler),
        ]
        .into_iter()
        .chain(
            pharmacies
                .iter()
                .map(|p| (p.clone(), PartnerRole::Pharmacy)),
        );
        for (i, (partner, role)) in parties.enumerate() {
            let gln = with_check_digit(&format!("03{r:02}{:08}", 1000 + i));
            self.push(
                start,
                &operator,
                Action::AddPartner {
                    region: r,
                    partner,
                    role,
                    gln,
                },
            );
        }
        // The manufacturer's GS1 company prefix (7 digits, none a prefix of another
        // region's): its GTIN-14s are an indicator digit, the prefix, a 5-digit item
        // reference and the check digit; its SSCC-18s an extension digit, the prefix,
        // a 9-digit serial reference and the check digit.
        let prefix = company_prefix(r);
        self.push(
            start,
            &operator,
            Action::AddPrefix {
                region: r,
                partner: maker.clone(),
                prefix: prefix.clone(),
            },
        );
        let gtins: Vec<String> = (0..3)
            .map(|g| with_check_digit(&format!("0{prefix}{:05}", 45 + g)))
            .collect();
        let expiry = start + 400 * DAY;
        let mut next_serial = 0u64;
        let mut next_sscc = 0u64;
        let mut dispensed: Vec<(usize, String, String, String)> = Vec::new();
        let mut held: Vec<(usize, String, String, String)> = Vec::new();
        let days = self.config.days;
        for (pi, pharmacy) in pharmacies.iter().enumerate() {
            let usual = self.rng.gen_range(4..=12);
            let cadence = self.rng.gen_range(2..=4);
            let diverted_day = if self.rng.gen_bool(0.5) {
                Some(self.rng.gen_range(days / 2..days))
            } else {
                None
            };
            let mut day = self.rng.gen_range(0..cadence);
            while day < days {
                let diverted = diverted_day.is_some_and(|d| day >= d && day < d + cadence);
                let size = if diverted {
                    usual * self.rng.gen_range(5..=8)
                } else {
                    (usual as i64 + self.rng.gen_range(-2..=2)).max(1) as u64
                };
                let t = start + DAY + day * DAY + self.rng.gen_range(8 * 60..16 * 60) * MINUTE;
                let gtin = gtins[self.rng.gen_range(0..gtins.len())].clone();
                let lot = format!("L{r}W{}", day / 7);
                let mut items = Vec::new();
                for _ in 0..size {
                    let serial = format!("R{r}S{next_serial}");
                    next_serial += 1;
                    self.push(
                        t,
                        &maker,
                        Action::Commission {
                            region: r,
                            gtin: gtin.clone(),
                            serial: serial.clone(),
                            lot: lot.clone(),
                            expiry,
                        },
                    );
                    items.push((gtin.clone(), serial));
                }
                let sscc = with_check_digit(&format!("0{prefix}{next_sscc:09}"));
                next_sscc += 1;
                self.push(
                    t + MINUTE,
                    &maker,
                    Action::Pack {
                        region: r,
                        sscc: sscc.clone(),
                        items: items.clone(),
                    },
                );
                self.push(
                    t + 2 * MINUTE,
                    &maker,
                    Action::Ship {
                        region: r,
                        sscc: sscc.clone(),
                        to: wholesaler.clone(),
                        label: diverted.then_some(SupplyKind::DivertedOrder),
                    },
                );
                self.push(
                    t + 6 * HOUR,
                    &wholesaler,
                    Action::Receive {
                        region: r,
                        sscc: sscc.clone(),
                    },
                );
                self.push(
                    t + 7 * HOUR,
                    &wholesaler,
                    Action::Ship {
                        region: r,
                        sscc: sscc.clone(),
                        to: pharmacy.clone(),
                        label: diverted.then_some(SupplyKind::DivertedOrder),
                    },
                );
                self.push(
                    t + 20 * HOUR,
                    pharmacy,
                    Action::Receive {
                        region: r,
                        sscc: sscc.clone(),
                    },
                );
                self.push(
                    t + 20 * HOUR + MINUTE,
                    pharmacy,
                    Action::Unpack { region: r, sscc },
                );
                for (k, (gtin, serial)) in items.iter().enumerate() {
                    if k < 2 {
                        self.push(
                            t + 21 * HOUR,
                            pharmacy,
                            Action::Verify {
                                region: r,
                                gtin: gtin.clone(),
                                serial: serial.clone(),
                                lot: lot.clone(),
                                expiry,
                                presenter: wholesaler.clone(),
                                context: VerificationContext::Dispensing,
                                label: None,
                            },
                        );
                    }
                    if k % 2 == 0 {
                        let at = t + DAY + self.rng.gen_range(0..2 * 24 * 60) * MINUTE;
                        self.push(
                            at,
                            pharmacy,
                            Action::Dispense {
                                region: r,
                                gtin: gtin.clone(),
                                serial: serial.clone(),
                            },
                        );
                        dispensed.push((pi, gtin.clone(), serial.clone(), lot.clone()));
                    } else {
                        held.push((pi, gtin.clone(), serial.clone(), lot.clone()));
                    }
                }
                day += cadence;
            }
        }
        // Clones are caught by partners that held the package: the wholesaler is
        // offered a copy of a serial some pharmacy holds, as a return from another
        // pharmacy; a pharmacy is presented a copy of a serial it has dispensed.
        // Counterfeits: a serial that was never commissioned. And a competitor's
        // requests for a serial another pharmacy holds (it never held or ordered it):
        // no evidence against the holder, so nothing the sentinel may report.
        let end = start + (days + 3) * DAY;
        let others = pharmacies.len().saturating_sub(1).max(1);
        for e in 0..self.config.episodes.max(2) {
            let at = end + e as u64 * HOUR;
            if let Some((owner, gtin, serial, lot)) = held.choose(&mut self.rng).cloned() {
                let other = &pharmacies[(owner + 1 + e % others) % pharmacies.len()];
                self.push(
                    at,
                    &wholesaler,
                    Action::Verify {
                        region: r,
                        gtin: gtin.clone(),
                        serial: serial.clone(),
                        lot: lot.clone(),
                        expiry,
                        presenter: other.clone(),
                        context: VerificationContext::SaleableReturn,
                        label: Some(SupplyKind::ClonedSerial),
                    },
                );
                for i in 0..5u64 {
                    self.push(
                        at + (10 + 3 * i) * MINUTE,
                        other,
                        Action::Verify {
                            region: r,
                            gtin: gtin.clone(),
                            serial: serial.clone(),
                            lot: lot.clone(),
                            expiry,
                            presenter: pharmacies[owner].clone(),
                            context: VerificationContext::Suspect,
                            label: None,
                        },
                    );
                }
            }
            if let Some((dispenser, gtin, serial, lot)) = dispensed.choose(&mut self.rng).cloned() {
                self.push(
                    at + MINUTE,
                    &pharmacies[dispenser],
                    Action::Verify {
                        region: r,
                        gtin,
                        serial,
                        lot,
                        expiry,
                        presenter: wholesaler.clone(),
                        context: VerificationContext::Dispensing,
                        label: Some(SupplyKind::ClonedSerial),
                    },
                );
            }
            let who = pharmacies[(e + 2) % pharmacies.len()].clone();
            let gtin = gtins[e % gtins.len()].clone();
            self.push(
                at + 2 * MINUTE,
                &who,
                Action::Verify {
                    region: r,
                    gtin,
                    serial: format!("FAKE{r}X{e}"),
                    lot: "L0W0".into(),
                    expiry,
                    presenter: wholesaler.clone(),
                    context: VerificationContext::Suspect,
                    label: Some(SupplyKind::CounterfeitSerial),
                },
            );
        }
        RegionParties { name, operator }
    }
}

/// Generates the world for `config`.
pub fn generate(config: &Config) -> World {
    let mut g = Generator {
        rng: StdRng::seed_from_u64(config.seed),
        config: config.clone(),
        steps: Vec::new(),
        next_tag: 0,
    };
    let hospitals = (0..config.hospitals).map(|h| g.hospital(h)).collect();
    let regions = (0..config.regions).map(|r| g.region(r)).collect();
    let mut steps = g.steps;
    // Stable: steps at the same time keep the order they were made in.
    steps.sort_by_key(|s| s.at);
    World {
        hospitals,
        regions,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_world_and_another_seed_another() {
        let a = generate(&Config::small(7));
        assert_eq!(a, generate(&Config::small(7)));
        assert_ne!(a.steps, generate(&Config::small(8)).steps);
        assert!(a.steps.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn every_kind_is_injected_and_labelled() {
        let world = generate(&Config::small(1));
        for kind in AccessKind::ALL {
            assert!(
                world.steps.iter().any(|s| matches!(&s.action,
                    Action::RequestAccess { label: Some(k), .. } | Action::BreakGlass { label: Some(k), .. } if *k == kind)),
                "{kind:?}"
            );
        }
        for kind in [SupplyKind::ClonedSerial, SupplyKind::CounterfeitSerial] {
            assert!(world
                .steps
                .iter()
                .any(|s| matches!(&s.action, Action::Verify { label: Some(k), .. } if *k == kind)));
        }
        let normal = world
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::RequestAccess { label: None, .. }))
            .count();
        assert!(normal > 200, "{normal} normal accesses");
    }

    #[test]
    fn gs1_numbers_carry_valid_check_digits() {
        assert_eq!(with_check_digit("0031234567890"), "00312345678906");
        assert_eq!(with_check_digit("0030001234567"), "00300012345671");
    }

    #[test]
    fn every_gtin_and_sscc_is_under_its_manufacturers_prefix_assigned_first() {
        let world = generate(&Config::small(3));
        let prefix = company_prefix(0);
        let assigned = world
            .steps
            .iter()
            .position(|s| matches!(&s.action, Action::AddPrefix { prefix: p, .. } if *p == prefix))
            .expect("the prefix is assigned");
        for (i, step) in world.steps.iter().enumerate() {
            match &step.action {
                Action::Commission { gtin, .. } => {
                    assert!(i > assigned);
                    assert_eq!(gtin.len(), 14);
                    assert_eq!(&gtin[1..8], prefix);
                    assert_eq!(with_check_digit(&gtin[..13]), *gtin);
                }
                Action::Pack { sscc, .. } => {
                    assert_eq!(sscc.len(), 18);
                    assert_eq!(&sscc[1..8], prefix);
                    assert_eq!(with_check_digit(&sscc[..17]), *sscc);
                }
                _ => {}
            }
        }
        assert_ne!(company_prefix(0), company_prefix(1));
        assert!(!company_prefix(1).starts_with(&company_prefix(0)));
    }

    #[test]
    fn no_requester_asks_more_often_than_the_contract_allows() {
        // dscsa: at most 20 requests per requester per fixed hour.
        let world = generate(&Config::evaluation(7));
        let mut counts = std::collections::BTreeMap::new();
        for step in &world.steps {
            if let Action::Verify { region, .. } = step.action {
                *counts
                    .entry((region, step.actor.clone(), step.at / HOUR))
                    .or_insert(0u32) += 1;
            }
        }
        assert!(
            counts.values().all(|n| *n <= 20),
            "{:?}",
            counts.values().max()
        );
    }
}
