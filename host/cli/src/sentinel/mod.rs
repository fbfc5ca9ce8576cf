//! The host's side of the sentinel: reading a chain's events for it (over RPC or from a
//! state directory), running generated worlds through the real contracts
//! ([`simulate`]), and the evaluation that trains on some hospitals and kinds of
//! abnormal activity and tests on others. The verbs are in `cli/sentinel.rs`.

pub mod simulate;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use anyhow::Result;
use carechain_runtime::{AccountId, Chain, Genesis, MemoryStore};
use carechain_sentinel::evaluate::{self, Evaluation, ScoredAccess, SupplyResult};
use carechain_sentinel::events::{Decoder, RawEvent};
use carechain_sentinel::features::DAY;
use carechain_sentinel::generate::{self, AccessKind, Config, SupplyKind};
use carechain_sentinel::model::{Model, TrainingSet};
use carechain_sentinel::report::{Chart, Report, Table};
use carechain_sentinel::scan::{self, Observation, Pipeline};

use carechain_rpc::Client;
use carechain_rpc::{Address, BlockId, EventFilter};
use carechain_vm::WasmtimeVm;
use simulate::{Artifacts, Simulation};

/// Kinds of abnormal activity the evaluation trains on; the others are held out.
pub(crate) const TRAINING_KINDS: [AccessKind; 3] = [
    AccessKind::VipSnooping,
    AccessKind::BulkLookup,
    AccessKind::Probing,
];

/// Most events one RPC page returns.
const PAGE: u32 = 10_000;

/// Reads the events of blocks `from..` from a node or state directory, with their
/// blocks' timestamps; returns them and the block to read from next time.
///
/// # Errors
/// The node cannot be reached.
pub fn read_events(client: &Client, from: u64) -> Result<(Vec<RawEvent>, u64)> {
    let mut out = Vec::new();
    let mut from = from;
    let mut times: BTreeMap<u64, u64> = BTreeMap::new();
    loop {
        let filter = EventFilter {
            contract: None,
            topic: None,
            from_block: Some(from),
            limit: Some(PAGE),
        };
        let mut page = client.events(&filter)?;
        let full = page.len() >= PAGE as usize;
        let last_block = page
            .last()
            .and_then(|e| e.at.as_ref())
            .map(|a| a.block_number);
        if full {
            // The page may end inside a block: leave that block for the next page,
            // unless it is the page's only block.
            if let Some(last) = last_block {
                if page
                    .first()
                    .and_then(|e| e.at.as_ref())
                    .map(|a| a.block_number)
                    != Some(last)
                {
                    page.retain(|e| e.at.as_ref().is_some_and(|a| a.block_number < last));
                }
            }
        }
        let mut next = from;
        for event in page {
            let Some(at) = event.at else { continue };
            let timestamp = match times.get(&at.block_number) {
                Some(t) => *t,
                None => {
                    let t = client
                        .block(BlockId::Number(at.block_number))?
                        .header
                        .timestamp;
                    times.insert(at.block_number, t);
                    t
                }
            };
            next = next.max(at.block_number + 1);
            out.push(RawEvent {
                block: at.block_number,
                timestamp,
                tx_index: at.tx_index,
                event_index: at.event_index,
                contract: event.contract.0 .0,
                topics: event.topics.iter().map(|t| t.0 .0).collect(),
                data: event.data.0,
            });
        }
        if !full || next == from {
            return Ok((out, next));
        }
        from = next;
    }
}

/// Whose events the sentinel believes: contracts running the code of consent,
/// ehr_access or dscsa.
///
/// Anyone may deploy a contract that emits an event with `ConsentRecorded`'s or
/// `AccessDecided`'s signature topic; believed, such an event could explain a snoop
/// away or frame a practitioner. Events with a health contract's signature from any
/// other code are skipped and counted. The check reads each emitter's code hash once,
/// as it is when read (a contract that changed its code since is judged by its new
/// code).
#[derive(Clone, Debug, Default)]
pub struct TrustedEmitters {
    code: BTreeSet<[u8; 32]>,
    judged: BTreeMap<[u8; 32], bool>,
}

impl TrustedEmitters {
    /// Believes contracts running one of `code_hashes`.
    pub fn new(code_hashes: impl IntoIterator<Item = [u8; 32]>) -> Self {
        TrustedEmitters {
            code: code_hashes.into_iter().collect(),
            judged: BTreeMap::new(),
        }
    }

    /// Drops the events with a signature the sentinel reads from contracts not
    /// running trusted code, counting them in the pipeline's tally.
    ///
    /// # Errors
    /// The node cannot be asked for an emitter's code.
    pub fn retain(
        &mut self,
        client: &Client,
        decoder: &Decoder,
        pipeline: &mut Pipeline,
        events: &mut Vec<RawEvent>,
    ) -> Result<()> {
        self.retain_with(decoder, pipeline, events, |contract| {
            Ok(client
                .account(Address(AccountId(*contract)))?
                .code_hash
                .map(|h| h.0 .0))
        })
    }

    /// [`Self::retain`], asking `code_of` for a contract's code hash (`None`: not
    /// a contract).
    ///
    /// # Errors
    /// Whatever `code_of` returns.
    pub fn retain_with(
        &mut self,
        decoder: &Decoder,
        pipeline: &mut Pipeline,
        events: &mut Vec<RawEvent>,
        mut code_of: impl FnMut(&[u8; 32]) -> Result<Option<[u8; 32]>>,
    ) -> Result<()> {
        // Judge every new emitter first, so that an error leaves `events` whole.
        for event in events.iter().filter(|e| decoder.knows(e)) {
            if self.judged.contains_key(&event.contract) {
                continue;
            }
            let trusted = code_of(&event.contract)?.is_some_and(|c| self.code.contains(&c));
            if !trusted {
                tracing::warn!(
                    "events of {} are skipped: it does not run the consent, ehr_access or dscsa code",
                    AccountId(event.contract)
                );
            }
            self.judged.insert(event.contract, trusted);
        }
        events.retain(|e| {
            let keep = !decoder.knows(e) || self.judged.get(&e.contract) == Some(&true);
            if !keep {
                pipeline.skip_foreign();
            }
            keep
        });
        Ok(())
    }
}

/// Feeds raw events to the pipeline, skipping (and counting) malformed ones.
pub fn observe_all(
    pipeline: &mut Pipeline,
    decoder: &Decoder,
    events: &[RawEvent],
) -> Vec<Observation> {
    let mut out = Vec::new();
    for raw in events {
        match decoder.decode(raw) {
            Ok(Some(event)) => out.extend(pipeline.observe(&event)),
            Ok(None) => pipeline.skip_ignored(),
            Err(e) => {
                tracing::warn!("skipped: {e}");
                pipeline.skip_malformed();
            }
        }
    }
    out
}

/// A world run on an in-memory chain, with its observations.
pub struct SimulatedRun {
    /// What the simulation did.
    pub simulation: Simulation,
    /// Everything the pipeline saw, in order.
    pub observations: Vec<Observation>,
    /// The pipeline after the run.
    pub pipeline: Pipeline,
    /// Seconds spent decoding and computing features.
    pub pipeline_seconds: f64,
}

/// Generates `config`'s world, runs it through the contracts on a fresh in-memory
/// chain, and passes its events through the pipeline.
///
/// # Errors
/// The bundles are missing, or the chain fails.
pub fn run_simulation(
    config: &Config,
    artifacts: &Artifacts,
    progress: impl FnMut(usize, usize),
) -> Result<SimulatedRun> {
    let world = generate::generate(config);
    let genesis = Genesis::dev().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut chain = Chain::open(MemoryStore::default(), &genesis)?;
    let vm = WasmtimeVm::builder()
        .build()
        .map_err(|e| anyhow::anyhow!("VM: {e}"))?;
    let total = world.steps.len();
    let mut progress = progress;
    let simulation = simulate::run(&mut chain, &vm, artifacts, &world, |done| {
        progress(done, total)
    })?;
    let decoder = artifacts.decoder()?;
    tracing::info!(
        steps = simulation.steps,
        failed = simulation.failed,
        first_failure = simulation.first_failure.as_deref().unwrap_or("none"),
        blocks = simulation.blocks,
        events = simulation.events.len(),
        topics = decoder.known(),
        "simulated"
    );
    let mut pipeline = Pipeline::default();
    let started = Instant::now();
    let mut observations = observe_all(&mut pipeline, &decoder, &simulation.events);
    observations.extend(pipeline.finish());
    let pipeline_seconds = started.elapsed().as_secs_f64();
    Ok(SimulatedRun {
        simulation,
        observations,
        pipeline,
        pipeline_seconds,
    })
}

/// The training set from the observations of `contracts` (EHR and DSCSA), labelled
/// by the ground truth (standing in for review outcomes).
pub fn training_set(run: &SimulatedRun, contracts: &[[u8; 32]], source: &str) -> TrainingSet {
    let mut set = TrainingSet {
        source: source.to_string(),
        ..TrainingSet::default()
    };
    for observation in &run.observations {
        match observation {
            Observation::Access(a) if contracts.contains(&a.access.contract) => {
                let label = run
                    .simulation
                    .truth
                    .accesses
                    .contains_key(&(a.access.contract, a.access.entry));
                set.labels.push((set.accesses.len(), label));
                set.accesses.push(a.features.values);
            }
            Observation::Order(o) if contracts.contains(&o.contract) => set.orders.push(o.values),
            _ => {}
        }
    }
    set
}

/// Trains a model on a generated world (every kind of abnormal activity).
///
/// # Errors
/// As [`run_simulation`], or too little data.
pub fn train_on_simulation(
    config: &Config,
    artifacts: &Artifacts,
    progress: impl FnMut(usize, usize),
) -> Result<Model> {
    let run = run_simulation(config, artifacts, progress)?;
    let d = &run.simulation.deployment;
    let contracts: Vec<[u8; 32]> = d.hospitals.iter().chain(&d.regions).map(|a| a.0).collect();
    let set = training_set(
        &run,
        &contracts,
        &format!("generated world, seed {}", config.seed),
    );
    Ok(Model::train(&set)?)
}

/// An evaluation's figures and report.
pub struct Evaluated {
    /// The figures.
    pub evaluation: Evaluation,
    /// The report (curves and tables).
    pub report: Report,
    /// The model trained on the training hospitals.
    pub model: Model,
    /// Steps and blocks the simulation ran.
    pub simulated: (usize, u64, usize),
}

/// The evaluation: four hospitals and two supply regions run through the contracts;
/// trains on hospitals 0 and 1 (with [`TRAINING_KINDS`] only) and region 0; tests on
/// hospitals 2 and 3 (every kind) and region 1.
///
/// # Errors
/// As [`run_simulation`].
pub fn evaluate(
    seed: u64,
    days: Option<u64>,
    artifacts: &Artifacts,
    progress: impl FnMut(usize, usize),
) -> Result<Evaluated> {
    let mut config = Config::evaluation(seed);
    if let Some(days) = days {
        config.days = days;
    }
    config.kinds_by_hospital = vec![TRAINING_KINDS.to_vec(), TRAINING_KINDS.to_vec()];
    let run = run_simulation(&config, artifacts, progress)?;
    let d = run.simulation.deployment.clone();
    let train: Vec<[u8; 32]> = d.hospitals[..2]
        .iter()
        .chain(&d.regions[..1])
        .map(|a| a.0)
        .collect();
    let set = training_set(
        &run,
        &train,
        &format!("hospitals 0-1 and region 0 of seed {seed}"),
    );
    let model = Model::train(&set)?;
    let truth = &run.simulation.truth;

    let started = Instant::now();
    let mut items = Vec::new();
    let mut supply = SupplyResult::default();
    let mut order_scores: (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut found: BTreeMap<SupplyKind, usize> = BTreeMap::new();
    for observation in &run.observations {
        match observation {
            Observation::Access(a) => {
                let Some(hospital) = d.hospitals.iter().position(|h| h.0 == a.access.contract)
                else {
                    continue;
                };
                if hospital < 2 {
                    continue;
                }
                let hour = (a.access.at % DAY) / 3_600_000;
                let kind = truth
                    .accesses
                    .get(&(a.access.contract, a.access.entry))
                    .copied();
                items.push(ScoredAccess {
                    hospital,
                    day: a.access.at.saturating_sub(config.start) / DAY,
                    kind,
                    explained: a.features.explanation.is_some(),
                    sentinel: if a.needs_scoring() {
                        model.score_access(&a.features.values)
                    } else {
                        0.0
                    },
                    rules: if a.access.break_glass || !(6..22).contains(&hour) {
                        1.0
                    } else {
                        0.0
                    },
                    explanations: if a.features.explanation.is_none() {
                        1.0
                    } else {
                        0.0
                    },
                });
            }
            Observation::Order(o) if o.contract == d.regions[1].0 => {
                let score = model.score_order(&o.values).unwrap_or(0.0);
                if truth
                    .orders
                    .contains_key(&(o.contract, o.place.0, o.place.1))
                {
                    order_scores.0.push(score);
                } else {
                    order_scores.1.push(score);
                }
            }
            Observation::Serial(f) if f.contract == d.regions[1].0 => {
                match truth.serials.get(&(f.contract, f.package, f.party)) {
                    Some(kind) => *found.entry(*kind).or_default() += 1,
                    None => supply.false_findings += 1,
                }
            }
            _ => {}
        }
    }
    let scoring_seconds = started.elapsed().as_secs_f64();
    for kind in [SupplyKind::ClonedSerial, SupplyKind::CounterfeitSerial] {
        let cases = truth
            .serials
            .iter()
            .filter(|((c, _, _), k)| *c == d.regions[1].0 && **k == kind)
            .count();
        supply
            .rules
            .push((kind, cases, found.get(&kind).copied().unwrap_or(0)));
    }
    supply.orders = (
        order_scores.0.len() + order_scores.1.len(),
        order_scores.0.len(),
    );
    supply.diversion_auc = evaluate::roc_auc(&order_scores.0, &order_scores.1);

    let held_out: Vec<AccessKind> = AccessKind::ALL
        .iter()
        .copied()
        .filter(|k| !TRAINING_KINDS.contains(k))
        .collect();
    let mut evaluation = Evaluation {
        kinds: evaluate::by_kind(&items, &held_out),
        supply,
        supervised: model.is_supervised(),
        events_per_second: run.simulation.events.len() as f64
            / (run.pipeline_seconds + scoring_seconds).max(1e-9),
        threshold: (model.threshold, f64::NAN, f64::NAN),
        ..Evaluation::default()
    };
    evaluation.overall(&items);
    let report = report_of(&evaluation, &items, seed);
    Ok(Evaluated {
        evaluation,
        report,
        model,
        simulated: (
            run.simulation.steps,
            run.simulation.blocks,
            run.simulation.failed,
        ),
    })
}

fn report_of(evaluation: &Evaluation, items: &[ScoredAccess], seed: u64) -> Report {
    let split = |scorer: fn(&ScoredAccess) -> f64, keep: &dyn Fn(&ScoredAccess) -> bool| {
        let pos: Vec<f64> = items
            .iter()
            .filter(|i| i.kind.is_some() && keep(i))
            .map(scorer)
            .collect();
        let neg: Vec<f64> = items
            .iter()
            .filter(|i| i.kind.is_none())
            .map(scorer)
            .collect();
        (pos, neg)
    };
    type Scorer = fn(&ScoredAccess) -> f64;
    let scorers: [(&str, Scorer); 3] = [
        ("sentinel", |i| i.sentinel),
        ("rules only", |i| i.rules),
        ("explanations only", |i| i.explanations),
    ];
    let all = |_: &ScoredAccess| true;
    let mut roc = Chart {
        title: "ROC, every kind (test hospitals)".into(),
        x: "false-positive rate".into(),
        y: "true-positive rate".into(),
        series: vec![],
    };
    let mut pr = Chart {
        title: "Precision-recall, every kind".into(),
        x: "recall".into(),
        y: "precision".into(),
        series: vec![],
    };
    for (name, scorer) in scorers {
        let (pos, neg) = split(scorer, &all);
        roc.series
            .push((name.into(), evaluate::roc_curve(&pos, &neg)));
        pr.series
            .push((name.into(), evaluate::pr_curve(&pos, &neg)));
    }
    let mut by_kind = Chart {
        title: "ROC by kind (sentinel)".into(),
        x: "false-positive rate".into(),
        y: "true-positive rate".into(),
        series: vec![],
    };
    for kind in evaluation.kinds.iter().map(|k| k.kind) {
        let (pos, neg) = split(|i| i.sentinel, &|i| i.kind == Some(kind));
        by_kind
            .series
            .push((kind.name().into(), evaluate::roc_curve(&pos, &neg)));
    }
    let fmt = |x: f64| format!("{x:.3}");
    let table = Table {
        caption: "Per kind, test hospitals: ROC AUC and precision in the top 20 a day".into(),
        head: [
            "kind",
            "cases",
            "training",
            "AUC sentinel",
            "AUC rules",
            "AUC explanations",
            "P@20 sentinel",
            "P@20 rules",
            "P@20 explanations",
            "found in top 20 (sentinel)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: evaluation
            .kinds
            .iter()
            .map(|k| {
                vec![
                    k.kind.name().into(),
                    k.positives.to_string(),
                    if k.held_out {
                        "held out".into()
                    } else {
                        "seen".into()
                    },
                    fmt(k.auc[0]),
                    fmt(k.auc[1]),
                    fmt(k.auc[2]),
                    fmt(k.precision_20[0]),
                    fmt(k.precision_20[1]),
                    fmt(k.precision_20[2]),
                    fmt(k.found_20[0]),
                ]
            })
            .collect(),
    };
    Report {
        title: "Carechain sentinel: evaluation".into(),
        summary: vec![
            format!("Generated world, seed {seed}: four hospitals and two supply regions run through the real contracts. Trained on hospitals 0-1 (kinds: vip-snooping, bulk-lookup, probing) and region 0; tested on hospitals 2-3 (every kind) and region 1."),
            format!("Normal accesses explained by the data: {:.1}% of {}.", evaluation.normal.1 * 100.0, evaluation.normal.0),
            format!("All kinds: AUC sentinel {:.3}, rules only {:.3}, explanations only {:.3}.", evaluation.overall_auc[0], evaluation.overall_auc[1], evaluation.overall_auc[2]),
            format!("Diversion score AUC {:.3} on {} orders ({} diverted).", evaluation.supply.diversion_auc, evaluation.supply.orders.0, evaluation.supply.orders.1),
        ],
        charts: vec![roc, pr, by_kind],
        tables: vec![table],
    }
}

/// Scores observations with `model` and ranks the findings.
pub fn ranked(model: &Model, observations: &[Observation]) -> Vec<scan::Finding> {
    let mut findings: Vec<scan::Finding> = observations
        .iter()
        .filter_map(|o| scan::score(model, o))
        .collect();
    scan::rank(&mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCESS_DECIDED: [u8; 32] = [0xad; 32];
    const GENUINE_CODE: [u8; 32] = [0xc0; 32];
    const HOSPITAL: [u8; 32] = [1; 32];
    const IMPOSTOR: [u8; 32] = [2; 32];
    const ACCOUNT: [u8; 32] = [3; 32];

    fn raw(contract: [u8; 32], topic: [u8; 32]) -> RawEvent {
        RawEvent {
            block: 1,
            timestamp: 0,
            tx_index: 0,
            event_index: 0,
            contract,
            topics: vec![topic],
            data: vec![],
        }
    }

    #[test]
    fn only_contracts_running_the_health_code_are_believed() {
        let mut decoder = Decoder::default();
        decoder
            .add_metadata(&format!(
                r#"{{"spec":{{"events":[{{"label":"AccessDecided","signature_topic":"0x{}"}}]}}}}"#,
                hex::encode(ACCESS_DECIDED)
            ))
            .expect("metadata");
        let mut trusted = TrustedEmitters::new([GENUINE_CODE]);
        let mut pipeline = Pipeline::default();
        let mut events = vec![
            raw(HOSPITAL, ACCESS_DECIDED),
            raw(IMPOSTOR, ACCESS_DECIDED),
            raw(IMPOSTOR, [0x55; 32]), // not a health event: left for the decoder to ignore
            raw(ACCOUNT, ACCESS_DECIDED),
            raw(IMPOSTOR, ACCESS_DECIDED),
        ];
        let mut asked = Vec::new();
        trusted
            .retain_with(&decoder, &mut pipeline, &mut events, |c| {
                asked.push(*c);
                Ok(match *c {
                    HOSPITAL => Some(GENUINE_CODE),
                    IMPOSTOR => Some([0xee; 32]),
                    _ => None,
                })
            })
            .expect("judged");
        assert_eq!(
            events,
            vec![raw(HOSPITAL, ACCESS_DECIDED), raw(IMPOSTOR, [0x55; 32])]
        );
        assert_eq!(pipeline.tally.foreign, 3);
        assert_eq!(asked, vec![HOSPITAL, IMPOSTOR, ACCOUNT], "asked once each");

        // A node that cannot answer is an error, not a silent pass.
        let mut fresh = TrustedEmitters::new([GENUINE_CODE]);
        let mut again = vec![raw(HOSPITAL, ACCESS_DECIDED)];
        assert!(fresh
            .retain_with(&decoder, &mut pipeline, &mut again, |_| {
                Err(anyhow::anyhow!("node gone"))
            })
            .is_err());
    }
}
