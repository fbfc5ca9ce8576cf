//! The pipeline: chain events in, observations (every access with its features and
//! explanation, every order, every rule finding) and labels out; then scores.
//!
//! One [`Pipeline`] serves training, scanning and watching, so the three see the same
//! features for the same events.

use std::collections::{BTreeMap, BTreeSet};

use crate::events::{AccountId, ChainEvent, Event, FlagOutcome, PackageKey, Review};
use crate::explain::{short, Evidence};
use crate::features::{reason, Access, AccessFeatures, AccessHistory};
use crate::model::Model;
use crate::supply::{Order, SerialFinding, SupplyMonitor};

/// An access with what the sentinel knows about it.
#[derive(Clone, Debug)]
pub struct ObservedAccess {
    /// The decision.
    pub access: Access,
    /// Block.
    pub block: u64,
    /// Its features and explanation.
    pub features: AccessFeatures,
}

impl ObservedAccess {
    /// Whether it goes on the list to score: unexplained, explained only by a
    /// colleague, or break-glass.
    pub fn needs_scoring(&self) -> bool {
        crate::features::needs_scoring(&self.features.values)
    }
}

/// One thing the pipeline saw.
#[derive(Clone, Debug)]
pub enum Observation {
    /// An EHR access decision.
    Access(Box<ObservedAccess>),
    /// A completed order.
    Order(Order),
    /// A supply-chain rule finding.
    Serial(SerialFinding),
}

/// A review outcome on chain: a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    /// Audit entry (contract, entry) was found inappropriate (true) or not.
    Access(AccountId, u64, bool),
    /// A serial flag's investigation confirmed (true) or dismissed it.
    Serial(AccountId, PackageKey, bool),
}

/// Counts of what was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Events decoded and used.
    pub events: usize,
    /// Events skipped as malformed.
    pub malformed: usize,
    /// Events the sentinel has no use for (other contracts' and other kinds).
    pub ignored: usize,
    /// Events with a health contract's signature from a contract that does not run
    /// the health contracts' code: skipped, since anyone could write them.
    pub foreign: usize,
    /// Access decisions.
    pub accesses: usize,
    /// Of which explained (strongly or by a colleague).
    pub explained: usize,
}

/// The last flag on a serial, as the chain recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SerialFlagState {
    open: bool,
    block: u64,
}

/// Follows a chain's events in order.
#[derive(Clone, Debug, Default)]
pub struct Pipeline {
    evidence: Evidence,
    history: AccessHistory,
    supply: SupplyMonitor,
    /// Labels from reviews.
    pub labels: Vec<Label>,
    /// Audit entries flagged on chain, open or closed: (contract, entry).
    pub flagged_entries: BTreeSet<(AccountId, u64)>,
    /// Serial flags on chain by (contract, package): whether the last one is still
    /// open, and the block it was raised in.
    serial_flags: BTreeMap<(AccountId, PackageKey), SerialFlagState>,
    /// Audit entries a person has reviewed (break-glass reviews, closed flags).
    pub reviewed_entries: BTreeSet<(AccountId, u64)>,
    /// Models registered on chain: hash -> contracts.
    pub models: BTreeMap<[u8; 32], BTreeSet<AccountId>>,
    /// What was read.
    pub tally: Tally,
}

impl Pipeline {
    /// A pipeline whose supply-chain rules take `min_transit` ms as the fastest
    /// possible shipment (see [`crate::supply::MIN_TRANSIT`]).
    pub fn with_min_transit(min_transit: u64) -> Self {
        Pipeline {
            supply: SupplyMonitor::new(min_transit),
            ..Pipeline::default()
        }
    }

    /// Counts an event that could not be decoded (it is skipped).
    pub fn skip_malformed(&mut self) {
        self.tally.malformed += 1;
    }

    /// Counts an event the sentinel has no use for.
    pub fn skip_ignored(&mut self) {
        self.tally.ignored += 1;
    }

    /// Counts an event skipped because its emitter does not run a health contract.
    pub fn skip_foreign(&mut self) {
        self.tally.foreign += 1;
    }

    /// Whether a serial finding from `block` is news for the package's owner: no
    /// flag on the package is open, and the finding came after the last one (a
    /// dismissed flag is raised again by new evidence, never by the old).
    pub fn serial_finding_is_new(
        &self,
        contract: &AccountId,
        package: &PackageKey,
        block: u64,
    ) -> bool {
        self.serial_flags
            .get(&(*contract, *package))
            .is_none_or(|last| !last.open && block > last.block)
    }

    /// Takes in one event (in chain order).
    pub fn observe(&mut self, event: &ChainEvent) -> Vec<Observation> {
        self.tally.events += 1;
        let contract = &event.contract;
        let mut out = Vec::new();
        self.evidence
            .observe(contract, event.timestamp, &event.event);
        let supply = self.supply.observe(
            contract,
            event.block,
            event.tx_index,
            event.timestamp,
            &event.event,
        );
        out.extend(supply.orders.into_iter().map(Observation::Order));
        out.extend(supply.findings.into_iter().map(Observation::Serial));
        match &event.event {
            Event::AccessDecided {
                patient,
                accessor,
                entry,
                record,
                purpose,
                granted,
                break_glass,
                via_organization,
                class,
                basis,
            } => {
                let access = Access {
                    contract: *contract,
                    entry: *entry,
                    patient: *patient,
                    accessor: *accessor,
                    record: *record,
                    at: event.timestamp,
                    granted: *granted,
                    break_glass: *break_glass,
                    via_organization: *via_organization,
                    purpose: *purpose,
                    class: *class,
                    basis: *basis,
                };
                let features = self.history.features(&self.evidence, &access);
                self.tally.accesses += 1;
                if features.explanation.is_some() {
                    self.tally.explained += 1;
                }
                out.push(Observation::Access(Box::new(ObservedAccess {
                    access,
                    block: event.block,
                    features,
                })));
            }
            Event::BreakGlassReviewed { entry, review, .. } if *review != Review::Pending => {
                let abnormal = *review == Review::Reported;
                self.labels.push(Label::Access(*contract, *entry, abnormal));
                self.reviewed_entries.insert((*contract, *entry));
            }
            Event::FlagReviewed { entry, outcome, .. } if *outcome != FlagOutcome::Open => {
                let abnormal = *outcome == FlagOutcome::Confirmed;
                self.labels.push(Label::Access(*contract, *entry, abnormal));
                self.reviewed_entries.insert((*contract, *entry));
            }
            Event::SerialFlagReviewed {
                package, outcome, ..
            } if *outcome != FlagOutcome::Open => {
                let abnormal = *outcome == FlagOutcome::Confirmed;
                self.labels
                    .push(Label::Serial(*contract, *package, abnormal));
                if let Some(last) = self.serial_flags.get_mut(&(*contract, *package)) {
                    last.open = false;
                }
            }
            Event::AccessFlagged { entry, .. } => {
                self.flagged_entries.insert((*contract, *entry));
            }
            Event::SerialFlagged { package, .. } => {
                self.serial_flags.insert(
                    (*contract, *package),
                    SerialFlagState {
                        open: true,
                        block: event.block,
                    },
                );
            }
            Event::ModelRegistered { model, .. } => {
                self.models.entry(*model).or_default().insert(*contract);
            }
            _ => {}
        }
        out
    }

    /// Completes what is pending at the end of the events (the last order).
    pub fn finish(&mut self) -> Vec<Observation> {
        self.supply
            .finish()
            .into_iter()
            .map(Observation::Order)
            .collect()
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An EHR audit entry.
    Access {
        /// The EHR contract.
        contract: AccountId,
        /// The entry.
        entry: u64,
        /// The patient.
        patient: AccountId,
        /// The accessor.
        accessor: AccountId,
    },
    /// A serial.
    Serial {
        /// The DSCSA contract.
        contract: AccountId,
        /// The package key.
        package: PackageKey,
        /// GTIN and serial when known.
        identifier: Option<([u8; 14], String)>,
    },
    /// An order.
    Order {
        /// The DSCSA contract.
        contract: AccountId,
        /// The buyer.
        buyer: AccountId,
        /// One of its packages.
        package: PackageKey,
    },
}

/// A scored item for the ranked list.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// What.
    pub subject: Subject,
    /// Block.
    pub block: u64,
    /// Block time.
    pub at: u64,
    /// Score in [0, 1].
    pub score: f64,
    /// Reason codes.
    pub reasons: u32,
    /// Reasons in plain words, most telling first.
    pub words: Vec<String>,
}

impl Finding {
    /// One line for the terminal, accounts in short hex.
    pub fn headline(&self) -> String {
        self.headline_with(short)
    }

    /// One line for the terminal, accounts written by `name` (the CLI uses SS58).
    pub fn headline_with(&self, name: impl Fn(&AccountId) -> String) -> String {
        let what = match &self.subject {
            Subject::Access {
                entry,
                patient,
                accessor,
                ..
            } => format!(
                "access #{entry}: {} opened {}'s record",
                name(accessor),
                name(patient)
            ),
            Subject::Serial {
                identifier,
                package,
                ..
            } => match identifier {
                Some((gtin, serial)) => {
                    format!("serial {serial} (GTIN {})", String::from_utf8_lossy(gtin))
                }
                None => format!("package {}", short(package)),
            },
            Subject::Order { buyer, .. } => format!("order by {}", name(buyer)),
        };
        format!("{:.3}  {what}: {}", self.score, self.words.join("; "))
    }
}

/// Scores an observation: `None` for an access that needs no review (strongly
/// explained, not break-glass) or an order the model has no forest for.
pub fn score(model: &Model, observation: &Observation) -> Option<Finding> {
    match observation {
        Observation::Access(a) => {
            if !a.needs_scoring() {
                return None;
            }
            Some(Finding {
                subject: Subject::Access {
                    contract: a.access.contract,
                    entry: a.access.entry,
                    patient: a.access.patient,
                    accessor: a.access.accessor,
                },
                block: a.block,
                at: a.access.at,
                score: model.score_access(&a.features.values),
                reasons: a.features.reasons(),
                words: a.features.reasons_in_words(),
            })
        }
        Observation::Serial(f) => Some(Finding {
            subject: Subject::Serial {
                contract: f.contract,
                package: f.package,
                identifier: f.identifier.clone(),
            },
            block: f.block,
            at: f.at,
            // A clone or a counterfeit is certain given the trail and leads the list;
            // a fast receipt may have an innocent cause (a clock, a shared site).
            score: if f.reasons & reason::IMPOSSIBLE_TRANSIT != 0 {
                0.8
            } else {
                1.0
            },
            reasons: f.reasons,
            words: vec![f.words.clone()],
        }),
        Observation::Order(o) => Some(Finding {
            subject: Subject::Order {
                contract: o.contract,
                buyer: o.buyer,
                package: o.first_package,
            },
            block: o.place.0,
            at: o.at,
            score: model.score_order(&o.values)?,
            reasons: reason::UNUSUAL_ORDER,
            words: o.words(),
        }),
    }
}

/// Sorts findings highest score first (ties: older first, then by block), the order
/// of the ranked list.
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.at.cmp(&b.at))
            .then(a.block.cmp(&b.block))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSCSA: AccountId = [7; 32];
    const PACKAGE: PackageKey = [8; 32];

    fn at(block: u64, event: Event) -> ChainEvent {
        ChainEvent {
            block,
            timestamp: block * 6_000,
            tx_index: 0,
            event_index: 0,
            contract: DSCSA,
            event,
        }
    }

    fn flagged(block: u64, flag: u64) -> ChainEvent {
        at(
            block,
            Event::SerialFlagged {
                package: PACKAGE,
                flag,
                owner: None,
                score: 9_000,
                reasons: 1 << 17,
                model: [0; 32],
            },
        )
    }

    #[test]
    fn a_serial_is_flagged_again_only_by_evidence_newer_than_its_last_flag() {
        let mut pipeline = Pipeline::default();
        assert!(pipeline.serial_finding_is_new(&DSCSA, &PACKAGE, 3));
        pipeline.observe(&flagged(5, 0));
        // Open: never twice, whatever the evidence.
        assert!(!pipeline.serial_finding_is_new(&DSCSA, &PACKAGE, 3));
        assert!(!pipeline.serial_finding_is_new(&DSCSA, &PACKAGE, 9));
        pipeline.observe(&at(
            7,
            Event::SerialFlagReviewed {
                package: PACKAGE,
                flag: 0,
                outcome: FlagOutcome::Dismissed,
            },
        ));
        assert_eq!(
            pipeline.labels,
            vec![Label::Serial(DSCSA, PACKAGE, false)],
            "the dismissal is a label"
        );
        // Dismissed: the finding that raised it (block 3) is not news; a clone
        // presented at block 9 is.
        assert!(!pipeline.serial_finding_is_new(&DSCSA, &PACKAGE, 3));
        assert!(pipeline.serial_finding_is_new(&DSCSA, &PACKAGE, 9));
        // Another contract's flags say nothing about this one's.
        assert!(pipeline.serial_finding_is_new(&[9; 32], &PACKAGE, 3));
        pipeline.observe(&flagged(10, 1));
        assert!(!pipeline.serial_finding_is_new(&DSCSA, &PACKAGE, 11));
    }
}
