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
use rand::SeedableRng;

use crate::events::{DataClass, Timestamp, VerificationContext};

mod hospital;
mod ids;
mod supply;
#[cfg(test)]
mod tests;

pub use ids::{company_prefix, with_check_digit};

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

/// The generation under way: the seeded stream every random choice is drawn from, in
/// one fixed order, and the steps made so far.
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
