//! `carechain sentinel ...`: scan a chain and print the ranked list (and an HTML
//! report), train a model, watch a node and post flags on chain as the oracle, and
//! evaluate on generated hospitals.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use carechain_runtime::{AccountId, Call, Keypair, Weight};
use carechain_sentinel::evaluate;
use carechain_sentinel::generate::Config;
use carechain_sentinel::model::{basis_points, model_hash, Model, TrainingSet};
use carechain_sentinel::report::{Chart, Report, Table};
use carechain_sentinel::scan::{self, Finding, Label, Observation, Pipeline, Subject};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::contract::{keypair, sign_all};
use super::output::Out;
use super::{BundleDirs, Client, Connection};
use crate::sentinel::simulate::Artifacts;
use crate::sentinel::{self as host_sentinel, observe_all, read_events, TrustedEmitters};

/// Default model file.
const DEFAULT_MODEL: &str = "target/sentinel/model.json";
/// Gas for an oracle transaction (capped by the chain's limit).
const ORACLE_GAS: Weight = Weight::new(50_000_000_000, 2 * 1024 * 1024);

/// The sentinel's verbs.
#[derive(Debug, Subcommand)]
pub enum SentinelCommand {
    /// Print the ranked list of what needs review (unexplained accesses, break-glass,
    /// supply-chain findings, unusual orders), each with its reasons.
    Scan(ScanArgs),
    /// Train a model on the chain's history and its review outcomes, or on a
    /// generated world (`--simulate SEED`); writes the model file and its SHA-256.
    Train(TrainArgs),
    /// Follow a node and post flags on chain as the oracle, with the model's hash.
    Watch(WatchArgs),
    /// Train on some generated hospitals and kinds of abnormal activity, test on
    /// others, and print ROC AUC and precision in the top 20 a day beside baselines.
    Evaluate(EvaluateArgs),
}

/// `sentinel scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    conn: Connection,
    #[command(flatten)]
    bundles: BundleDirs,
    /// The model file.
    #[arg(long, default_value = DEFAULT_MODEL)]
    model: PathBuf,
    /// How many findings to print.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Also write an HTML report (ranked list, explained share, curves on the labels
    /// reviews have given so far).
    #[arg(long)]
    report: Option<PathBuf>,
    /// The fastest possible shipment, minutes (0 on a dev chain that plays days of
    /// trade in seconds).
    #[arg(long, default_value_t = 60)]
    min_transit: u64,
}

/// `sentinel train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    conn: Connection,
    #[command(flatten)]
    bundles: BundleDirs,
    /// Train on a generated world with this seed instead of the chain.
    #[arg(long)]
    simulate: Option<u64>,
    /// With --simulate: the small world (one hospital, five days) instead of the
    /// evaluation's four hospitals and three weeks.
    #[arg(long)]
    small: bool,
    /// Where to write the model.
    #[arg(long, default_value = DEFAULT_MODEL)]
    out: PathBuf,
}

/// `sentinel watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    conn: Connection,
    #[command(flatten)]
    bundles: BundleDirs,
    /// The model file.
    #[arg(long, default_value = DEFAULT_MODEL)]
    model: PathBuf,
    /// The oracle's secret URI (each contract's operator names it with `set_oracle`).
    #[arg(long, env = "CARECHAIN_ORACLE_SURI")]
    suri: String,
    /// Flag accesses scoring at least this (default: the model's own threshold, the
    /// best F1 on its training labels). Rule findings on serials are always flagged
    /// (once per open flag; again after a dismissal only on newer evidence).
    #[arg(long)]
    threshold: Option<f64>,
    /// Poll interval, ms.
    #[arg(long, default_value_t = 1000)]
    poll_ms: u64,
    /// Read what is there, post its flags, and stop.
    #[arg(long)]
    once: bool,
    /// The fastest possible shipment, minutes (0 on a dev chain that plays days of
    /// trade in seconds).
    #[arg(long, default_value_t = 60)]
    min_transit: u64,
}

/// `sentinel evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    bundles: BundleDirs,
    /// The generated world's seed.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Days simulated (default 21).
    #[arg(long)]
    days: Option<u64>,
    /// Write the HTML report (ROC and precision-recall curves, per-kind table).
    #[arg(long)]
    report: Option<PathBuf>,
}

/// Runs a sentinel verb.
///
/// # Errors
/// Whatever the verb reports.
pub(super) fn run(command: SentinelCommand, out: &Out) -> Result<()> {
    // Warnings (skipped events) on stderr; RUST_LOG=info for more.
    super::init_logging("warn");
    match command {
        SentinelCommand::Scan(args) => scan(&args, out),
        SentinelCommand::Train(args) => train(&args, out),
        SentinelCommand::Watch(args) => watch(&args, out),
        SentinelCommand::Evaluate(args) => evaluate(&args, out),
    }
}

fn artifacts(bundles: &BundleDirs) -> Result<Artifacts> {
    let mut last = None;
    for dir in &bundles.dirs {
        match Artifacts::load(dir) {
            Ok(a) => return Ok(a),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| anyhow!("no --bundle-dir given")))
}

fn load_model(path: &Path) -> Result<(Model, [u8; 32])> {
    let bytes = std::fs::read(path).with_context(|| {
        format!(
            "reading the model {} (train one: carechain sentinel train --simulate 7)",
            path.display()
        )
    })?;
    Ok((Model::from_bytes(&bytes)?, model_hash(&bytes)))
}

fn bar(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Reads the whole chain through the pipeline, believing only the health contracts'
/// code (see [`TrustedEmitters`]).
fn read_chain(
    client: &Client,
    artifacts: &Artifacts,
    min_transit_minutes: u64,
) -> Result<(Pipeline, Vec<Observation>)> {
    let decoder = artifacts.decoder()?;
    let (mut events, _) = read_events(client, 0)?;
    let mut pipeline = Pipeline::with_min_transit(min_transit_minutes.saturating_mul(60_000));
    TrustedEmitters::new(artifacts.code_hashes()).retain(
        client,
        &decoder,
        &mut pipeline,
        &mut events,
    )?;
    let progress = bar(events.len(), "reading events");
    let mut observations = Vec::new();
    for chunk in events.chunks(4_096) {
        observations.extend(observe_all(&mut pipeline, &decoder, chunk));
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    observations.extend(pipeline.finish());
    warn_skipped(&pipeline.tally);
    Ok((pipeline, observations))
}

/// Says on stderr what was skipped, and why.
fn warn_skipped(tally: &scan::Tally) {
    if tally.malformed > 0 {
        eprintln!("warning: {} malformed events skipped", tally.malformed);
    }
    if tally.foreign > 0 {
        eprintln!(
            "warning: {} events with a health contract's signature skipped: their emitters do not run the consent, ehr_access or dscsa code",
            tally.foreign
        );
    }
}

fn finding_json(f: &Finding) -> serde_json::Value {
    let subject = match &f.subject {
        Subject::Access {
            contract,
            entry,
            patient,
            accessor,
        } => json!({
            "kind": "access", "contract": hex0x(contract), "entry": entry,
            "patient": hex0x(patient), "accessor": hex0x(accessor),
        }),
        Subject::Serial {
            contract,
            package,
            identifier,
        } => json!({
            "kind": "serial", "contract": hex0x(contract), "package": hex0x(package),
            "gtin": identifier.as_ref().map(|(g, _)| String::from_utf8_lossy(g).into_owned()),
            "serial": identifier.as_ref().map(|(_, s)| s.clone()),
        }),
        Subject::Order {
            contract,
            buyer,
            package,
        } => json!({
            "kind": "order", "contract": hex0x(contract), "buyer": hex0x(buyer), "package": hex0x(package),
        }),
    };
    json!({ "subject": subject, "block": f.block, "at": f.at, "score": f.score, "reasons": f.reasons, "why": f.words })
}

/// A finding's line with accounts in SS58, as the rest of the CLI writes them.
fn headline(finding: &Finding) -> String {
    finding.headline_with(|a| AccountId(*a).to_string())
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn scan(args: &ScanArgs, out: &Out) -> Result<()> {
    let artifacts = artifacts(&args.bundles)?;
    let (model, hash) = load_model(&args.model)?;
    let client = args.conn.connect()?;
    let (pipeline, observations) = read_chain(&client, &artifacts, args.min_transit)?;
    let findings = host_sentinel::ranked(&model, &observations);
    let tally = &pipeline.tally;
    let explained = if tally.accesses == 0 {
        f64::NAN
    } else {
        tally.explained as f64 / tally.accesses as f64
    };
    let shown: Vec<&Finding> = findings.iter().take(args.limit).collect();
    out.emit(
        &json!({
            "model": hex0x(&hash),
            "events": tally.events, "malformed": tally.malformed,
            "ignored": tally.ignored, "foreign": tally.foreign,
            "accesses": tally.accesses, "explained": tally.explained,
            "labels": {
                "abnormal": pipeline.labels.iter().filter(|l| matches!(l, Label::Access(_, _, true) | Label::Serial(_, _, true))).count(),
                "normal": pipeline.labels.iter().filter(|l| matches!(l, Label::Access(_, _, false) | Label::Serial(_, _, false))).count(),
            },
            "findings": shown.iter().map(|f| finding_json(f)).collect::<Vec<_>>(),
        }),
        || {
            println!(
                "{} events read ({} malformed and {} from untrusted emitters skipped, {} of no use ignored); {} accesses, {} explained by the data ({:.1}%); model {}",
                tally.events, tally.malformed, tally.foreign, tally.ignored, tally.accesses, tally.explained, explained * 100.0, hex0x(&hash)
            );
            println!("ranked list ({} of {} findings):", shown.len(), findings.len());
            for (i, f) in shown.iter().enumerate() {
                println!("{:>3}. {}", i + 1, headline(f));
            }
        },
    )?;
    if let Some(path) = &args.report {
        let report = scan_report(&model, &pipeline, &observations, &findings, &hash);
        std::fs::write(path, report.html().map_err(|e| anyhow!(e))?)
            .with_context(|| format!("writing {}", path.display()))?;
        out.note(&format!("report written to {}", path.display()));
    }
    Ok(())
}

fn scan_report(
    model: &Model,
    pipeline: &Pipeline,
    observations: &[Observation],
    findings: &[Finding],
    hash: &[u8; 32],
) -> Report {
    let labels: BTreeSet<(AccountId, u64, bool)> = pipeline
        .labels
        .iter()
        .filter_map(|l| match l {
            Label::Access(c, e, bad) => Some((AccountId(*c), *e, *bad)),
            Label::Serial(..) => None,
        })
        .collect();
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for o in observations {
        if let Observation::Access(a) = o {
            let score = if a.needs_scoring() {
                model.score_access(&a.features.values)
            } else {
                0.0
            };
            let c = AccountId(a.access.contract);
            if labels.contains(&(c, a.access.entry, true)) {
                pos.push(score);
            } else if labels.contains(&(c, a.access.entry, false)) {
                neg.push(score);
            }
        }
    }
    let mut summary = vec![
        format!("Model {} ({}).", hex0x(hash), model.summary.source),
        format!(
            "{} accesses read, {} explained by the data ({:.1}%).",
            pipeline.tally.accesses,
            pipeline.tally.explained,
            100.0 * pipeline.tally.explained as f64 / pipeline.tally.accesses.max(1) as f64
        ),
    ];
    let mut charts = Vec::new();
    if pos.is_empty() || neg.is_empty() {
        summary.push(format!(
            "Reviews have labelled {} accesses abnormal and {} normal: curves need both.",
            pos.len(),
            neg.len()
        ));
    } else {
        summary.push(format!(
            "On the {} accesses reviews have labelled: ROC AUC {:.3}.",
            pos.len() + neg.len(),
            evaluate::roc_auc(&pos, &neg)
        ));
        charts.push(Chart {
            title: "ROC on reviewed accesses".into(),
            x: "false-positive rate".into(),
            y: "true-positive rate".into(),
            series: vec![("sentinel".into(), evaluate::roc_curve(&pos, &neg))],
        });
        charts.push(Chart {
            title: "Precision-recall on reviewed accesses".into(),
            x: "recall".into(),
            y: "precision".into(),
            series: vec![("sentinel".into(), evaluate::pr_curve(&pos, &neg))],
        });
    }
    let kinds = |f: &Finding| match f.subject {
        Subject::Access { .. } => "access",
        Subject::Serial { .. } => "serial",
        Subject::Order { .. } => "order",
    };
    let tables = ["access", "serial", "order"]
        .iter()
        .map(|kind| Table {
            caption: format!("Ranked {kind} findings"),
            head: vec!["score".into(), "block".into(), "what".into(), "why".into()],
            rows: findings
                .iter()
                .filter(|f| kinds(f) == *kind)
                .take(50)
                .map(|f| {
                    vec![
                        format!("{:.3}", f.score),
                        f.block.to_string(),
                        headline(f),
                        f.words.join("; "),
                    ]
                })
                .collect(),
        })
        .collect();
    Report {
        title: "Carechain sentinel: scan".into(),
        summary,
        charts,
        tables,
    }
}

fn train(args: &TrainArgs, out: &Out) -> Result<()> {
    let artifacts = artifacts(&args.bundles)?;
    let model = match args.simulate {
        Some(seed) => {
            let config = if args.small {
                Config::small(seed)
            } else {
                Config::evaluation(seed)
            };
            let progress = bar(0, "simulating");
            let model = host_sentinel::train_on_simulation(&config, &artifacts, |done, total| {
                progress.set_length(total as u64);
                progress.set_position(done as u64);
            })?;
            progress.finish_and_clear();
            model
        }
        None => {
            let client = args.conn.connect()?;
            let (pipeline, observations) = read_chain(&client, &artifacts, 60)?;
            let mut set = TrainingSet {
                source: "the chain's history and review outcomes".into(),
                ..TrainingSet::default()
            };
            // One label per entry: the latest review (a break-glass review, then a
            // flag's closing, say) is the one that counts.
            let labels: BTreeMap<([u8; 32], u64), bool> = pipeline
                .labels
                .iter()
                .filter_map(|l| match l {
                    Label::Access(c, e, bad) => Some(((*c, *e), *bad)),
                    Label::Serial(..) => None,
                })
                .collect();
            for o in &observations {
                match o {
                    Observation::Access(a) => {
                        if let Some(bad) = labels.get(&(a.access.contract, a.access.entry)) {
                            set.labels.push((set.accesses.len(), *bad));
                        }
                        set.accesses.push(a.features.values);
                    }
                    Observation::Order(o) => set.orders.push(o.values),
                    Observation::Serial(_) => {}
                }
            }
            Model::train(&set)?
        }
    };
    let bytes = model.to_bytes()?;
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    let hash = model_hash(&bytes);
    let s = &model.summary;
    out.emit(
        &json!({ "model": args.out, "sha256": hex0x(&hash), "summary": {
            "accesses": s.accesses, "positives": s.positives, "negatives": s.negatives, "orders": s.orders, "source": s.source,
            "supervised": model.is_supervised(), "threshold": model.threshold } }),
        || {
            println!("model written to {} ({} bytes), SHA-256 {}", args.out.display(), bytes.len(), hex0x(&hash));
            println!(
                "trained on {}: {} accesses ({} labelled abnormal, {} normal), {} orders; supervised part: {}",
                s.source, s.accesses, s.positives, s.negatives, s.orders,
                if model.is_supervised() { "yes" } else { "no (too few labels)" }
            );
            println!("flag threshold {:.3} (best F1 on the training labels)", model.threshold);
        },
    )
}

/// Posts flags as the oracle.
struct Oracle<'a> {
    key: Keypair,
    artifacts: &'a Artifacts,
    hash: [u8; 32],
    registered: BTreeSet<AccountId>,
    posted: BTreeSet<(AccountId, Vec<u8>)>,
}

impl Oracle<'_> {
    fn submit(&self, client: &Client, dest: AccountId, data: Vec<u8>) -> Result<()> {
        let max: Weight = client.info()?.max_tx_gas.into();
        let gas = Weight::new(
            ORACLE_GAS.ref_time.min(max.ref_time),
            ORACLE_GAS.proof_size.min(max.proof_size),
        );
        let txs = sign_all(
            client,
            &self.key,
            vec![(
                Call::Call {
                    dest,
                    value: 0,
                    data,
                },
                gas,
            )],
            None,
        )?;
        let tx = txs.first().ok_or_else(|| anyhow!("nothing signed"))?;
        let receipt = client.submit(tx)?;
        if receipt.outcome != carechain_rpc::OutcomeKind::Success {
            bail!(
                "{} at {}: {} (is this oracle named? the operator calls `set_oracle` with Some({}))",
                receipt.outcome,
                dest,
                receipt.error.unwrap_or_default(),
                self.key.account_id()
            );
        }
        // ink! messages returning Result answer Ok as 0x00 0x00: anything else is the
        // contract's refusal.
        if receipt.output.0.get(1).is_some_and(|b| *b != 0) {
            bail!(
                "{dest} refused the flag (output 0x{})",
                hex::encode(&receipt.output.0)
            );
        }
        Ok(())
    }

    fn ensure_model(
        &mut self,
        client: &Client,
        pipeline: &Pipeline,
        contract: AccountId,
        artifact: &crate::Bundle,
    ) -> Result<()> {
        let on_chain = pipeline
            .models
            .get(&self.hash)
            .is_some_and(|c| c.contains(&contract.0));
        if on_chain || self.registered.contains(&contract) {
            return Ok(());
        }
        self.submit(
            client,
            contract,
            artifact.call_data("register_model", self.hash)?,
        )?;
        self.registered.insert(contract);
        println!("registered model {} on {}", hex0x(&self.hash), contract);
        Ok(())
    }

    fn post(&mut self, client: &Client, pipeline: &Pipeline, finding: &Finding) -> Result<bool> {
        let score = basis_points(finding.score);
        match &finding.subject {
            Subject::Access {
                contract, entry, ..
            } => {
                let key = (AccountId(*contract), entry.to_le_bytes().to_vec());
                // Flagged before, or already reviewed by a person (an accepted
                // break-glass): nothing to ask anyone.
                if pipeline.flagged_entries.contains(&(*contract, *entry))
                    || pipeline.reviewed_entries.contains(&(*contract, *entry))
                    || self.posted.contains(&key)
                {
                    return Ok(false);
                }
                let artifact = &self.artifacts.ehr_access;
                self.ensure_model(client, pipeline, key.0, artifact)?;
                self.submit(
                    client,
                    key.0,
                    artifact
                        .call_data("flag_access", (*entry, score, finding.reasons, self.hash))?,
                )?;
                self.posted.insert(key);
            }
            Subject::Serial {
                contract,
                package,
                identifier: Some((gtin, serial)),
            } => {
                let key = (AccountId(*contract), package.to_vec());
                if !pipeline.serial_finding_is_new(contract, package, finding.block)
                    || self.posted.contains(&key)
                {
                    return Ok(false);
                }
                let artifact = &self.artifacts.dscsa;
                self.ensure_model(client, pipeline, key.0, artifact)?;
                let gtin = String::from_utf8_lossy(gtin).into_owned();
                self.submit(
                    client,
                    key.0,
                    artifact.call_data(
                        "flag_serial",
                        (gtin, serial.clone(), score, finding.reasons, self.hash),
                    )?,
                )?;
                self.posted.insert(key);
            }
            // A finding with no identifier on the trail (a transit or an order) is
            // printed for people; the contract flags serials by GTIN and serial.
            _ => return Ok(false),
        }
        Ok(true)
    }
}

fn watch(args: &WatchArgs, out: &Out) -> Result<()> {
    let artifacts = artifacts(&args.bundles)?;
    let (model, hash) = load_model(&args.model)?;
    let threshold = args.threshold.unwrap_or(model.threshold);
    let mut client = args.conn.connect()?;
    let decoder = artifacts.decoder()?;
    let mut oracle = Oracle {
        key: keypair(&args.suri)?,
        artifacts: &artifacts,
        hash,
        registered: BTreeSet::new(),
        posted: BTreeSet::new(),
    };
    out.note(&format!(
        "watching as oracle {} with model {} (threshold {})",
        oracle.key.account_id(),
        hex0x(&hash),
        threshold
    ));
    let mut pipeline = Pipeline::with_min_transit(args.min_transit.saturating_mul(60_000));
    let mut trusted = TrustedEmitters::new(artifacts.code_hashes());
    let mut next = 0;
    let mut pending: Vec<Finding> = Vec::new();
    let mut refused = 0usize;
    loop {
        let read = read_events(&client, next).and_then(|(mut events, after)| {
            trusted.retain(&client, &decoder, &mut pipeline, &mut events)?;
            Ok((events, after))
        });
        let (events, after) = match read {
            Ok(read) => read,
            // A node restarting or a dropped connection: say so and try again, from
            // the same block, rather than stop watching.
            Err(e) if !args.once => {
                tracing::warn!("reading events from block {next}: {e:#}; reconnecting");
                std::thread::sleep(Duration::from_millis(args.poll_ms.max(1000)));
                if let Ok(fresh) = args.conn.connect() {
                    client = fresh;
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        next = after;
        for observation in observe_all(&mut pipeline, &decoder, &events) {
            if let Some(finding) = scan::score(&model, &observation) {
                // Rule findings on serials are evidence, not a score: always posted.
                let rule = matches!(finding.subject, Subject::Serial { .. });
                if rule || finding.score >= threshold {
                    pending.push(finding);
                }
            }
        }
        // Flags on chain (this oracle's earlier ones included) are known once their
        // events are read, so what was posted last round is in `pipeline` now.
        oracle.posted.clear();
        scan::rank(&mut pending);
        for finding in pending.drain(..) {
            match oracle.post(&client, &pipeline, &finding) {
                Ok(true) => out.note(&format!("flagged  {}", headline(&finding))),
                Ok(false) => {
                    if matches!(
                        finding.subject,
                        Subject::Order { .. }
                            | Subject::Serial {
                                identifier: None,
                                ..
                            }
                    ) {
                        // The contracts flag serials by GTIN and serial; an order or a
                        // receipt names neither on the trail, so a person takes it
                        // from here.
                        out.note(&format!("review   {}", headline(&finding)));
                    }
                }
                // One refusal (a patient's review list full, a contract that is not
                // what it seems, the node gone) must not blind the watcher to the
                // rest: say so, and go on.
                Err(e) => {
                    refused += 1;
                    eprintln!("could not post a flag on {}: {e:#}", headline(&finding));
                }
            }
        }
        if args.once {
            if refused > 0 {
                bail!("{refused} flags were not posted (see above)");
            }
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(args.poll_ms));
    }
}

fn evaluate(args: &EvaluateArgs, out: &Out) -> Result<()> {
    let artifacts = artifacts(&args.bundles)?;
    let progress = bar(0, "running the generated world through the contracts");
    let evaluated = host_sentinel::evaluate(args.seed, args.days, &artifacts, |done, total| {
        progress.set_length(total as u64);
        progress.set_position(done as u64);
    })?;
    progress.finish_and_clear();
    let (steps, blocks, failed) = evaluated.simulated;
    let e = &evaluated.evaluation;
    out.emit(
        &json!({
            "seed": args.seed, "steps": steps, "blocks": blocks, "failedSteps": failed,
            "kinds": e.kinds.iter().map(|k| json!({
                "kind": k.kind.name(), "heldOut": k.held_out, "cases": k.positives,
                "auc": k.auc, "precisionTop20": k.precision_20, "foundTop20": k.found_20,
            })).collect::<Vec<_>>(),
            "scorers": evaluate::SCORERS,
            "overallAuc": e.overall_auc, "overallPrecisionTop20": e.overall_precision_20,
            "normalAccesses": e.normal.0, "explainedShare": e.normal.1,
            "supply": { "rules": e.supply.rules.iter().map(|(k, c, f)| json!({"kind": k.name(), "cases": c, "found": f})).collect::<Vec<_>>(),
                        "falseFindings": e.supply.false_findings, "orders": e.supply.orders.0, "diverted": e.supply.orders.1,
                        "diversionAuc": e.supply.diversion_auc },
            "eventsPerSecond": e.events_per_second,
        }),
        || {
            println!("{steps} steps in {blocks} blocks ({failed} refused by the contracts)");
            print!("{}", e.table());
        },
    )?;
    if let Some(path) = &args.report {
        std::fs::write(path, evaluated.report.html().map_err(|e| anyhow!(e))?)
            .with_context(|| format!("writing {}", path.display()))?;
        out.note(&format!("report written to {}", path.display()));
    }
    Ok(())
}
