//! `gas-report`: per message min / median / max of ref_time, proof_size, storage
//! deposit and fee, as Foundry's `forge test --gas-report` prints them.
//!
//! The figures come from a scenario run here on a fresh chain (`--scenario FILE`, see
//! `docs/gas-report.md`), or from calls a test run recorded (`--records FILE`, one
//! JSON [`Record`] per line). `--snapshot FILE` keeps the report; with `--check` the
//! report is compared with the snapshot instead and the command fails when a figure
//! moved by more than `--tolerance` percent, or a message appeared or disappeared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use carechain_node::{Node, Sealing};
use carechain_rpc::{
    Address, Bytes, Client, DryRunCall, DryRunRequest, Gas, OutcomeKind, StorageDepositView, H256,
};
use carechain_runtime::{Call, Keypair};
use clap::Args;
use serde::{Deserialize, Serialize};

use super::contract::{gas_limit, keypair, sign_all, upload_limit};
use super::node_cmd::{genesis, GenesisArgs};
use super::output::Out;
use carechain_bundle::Bundle;

/// `gas-report` arguments.
#[derive(Debug, Args)]
pub struct GasReportArgs {
    /// The `.contract` bundles the scenario deploys.
    pub bundles: Vec<PathBuf>,
    /// A scenario to run on a fresh in-process chain (TOML; see docs/gas-report.md).
    #[arg(long, conflicts_with = "records", required_unless_present = "records")]
    pub scenario: Option<PathBuf>,
    /// Instead of a scenario, the calls a test run recorded (one JSON record per line).
    #[arg(long)]
    pub records: Option<PathBuf>,
    /// Write the report to this file (JSON), or with `--check` compare with it.
    #[arg(long)]
    pub snapshot: Option<PathBuf>,
    /// Compare with `--snapshot` and fail when a figure moved beyond `--tolerance`.
    #[arg(long, requires = "snapshot")]
    pub check: bool,
    /// How far (percent of the snapshot's figure) a figure may move under `--check`.
    #[arg(long, default_value_t = 0.0, requires = "check")]
    pub tolerance: f64,
    #[command(flatten)]
    pub genesis: GenesisArgs,
}

/// The figures of one call, as a test run records them (JSON, one per line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Record {
    /// The contract's name (or the scenario's alias for it).
    pub(super) contract: String,
    /// The message or constructor.
    pub(super) message: String,
    /// Gas used, ref_time in picoseconds.
    pub(super) ref_time: u64,
    /// Gas used, proof_size in bytes.
    pub(super) proof_size: u64,
    /// Storage deposit charged (negative: refunded).
    pub(super) deposit: i128,
    /// Fee paid.
    pub(super) fee: u128,
}

/// Smallest, median and largest of a figure over a message's calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Spread<T> {
    /// Smallest.
    pub(super) min: T,
    /// Median: the middle call's figure, or of an even count the lower middle one, so
    /// it is a figure some call had.
    pub(super) median: T,
    /// Largest.
    pub(super) max: T,
}

impl<T: Copy + Ord> Spread<T> {
    fn of(mut values: Vec<T>) -> Option<Self> {
        values.sort_unstable();
        Some(Spread {
            min: *values.first()?,
            median: values[(values.len() - 1) / 2],
            max: *values.last()?,
        })
    }
}

/// One message's line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Row {
    /// The contract.
    pub(super) contract: String,
    /// The message or constructor.
    pub(super) message: String,
    /// How many calls the figures are over.
    pub(super) calls: usize,
    /// ref_time used.
    pub(super) ref_time: Spread<u64>,
    /// proof_size used.
    pub(super) proof_size: Spread<u64>,
    /// Storage deposit (negative: refund).
    pub(super) deposit: Spread<i128>,
    /// Fee paid.
    pub(super) fee: Spread<u128>,
}

/// The report: one row per message, sorted by contract then message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Report {
    /// The rows.
    pub(super) messages: Vec<Row>,
}

impl Report {
    /// Aggregates records by contract and message.
    pub(super) fn of(records: &[Record]) -> Self {
        let mut by_message: BTreeMap<(&str, &str), Vec<&Record>> = BTreeMap::new();
        for r in records {
            by_message
                .entry((&r.contract, &r.message))
                .or_default()
                .push(r);
        }
        let messages = by_message
            .into_iter()
            .filter_map(|((contract, message), calls)| {
                let figure =
                    |f: fn(&Record) -> u64| Spread::of(calls.iter().map(|r| f(r)).collect());
                Some(Row {
                    contract: contract.to_string(),
                    message: message.to_string(),
                    calls: calls.len(),
                    ref_time: figure(|r| r.ref_time)?,
                    proof_size: figure(|r| r.proof_size)?,
                    deposit: Spread::of(calls.iter().map(|r| r.deposit).collect())?,
                    fee: Spread::of(calls.iter().map(|r| r.fee).collect())?,
                })
            })
            .collect();
        Report { messages }
    }

    /// The report as a Markdown table (what `contracts/README.md` shows).
    pub(super) fn markdown(&self) -> String {
        let mut out = String::from(
            "| contract | message | calls | ref_time min / median / max | proof_size min / median / max | deposit min / median / max | fee min / median / max |\n\
             |---|---|---:|---:|---:|---:|---:|\n",
        );
        for r in &self.messages {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} | {} | {} |\n",
                r.contract,
                r.message,
                r.calls,
                spread(&r.ref_time),
                spread(&r.proof_size),
                spread(&r.deposit),
                spread(&r.fee)
            ));
        }
        out
    }

    /// What moved from `before` to `self` beyond `tolerance` percent, one line each.
    pub(super) fn changes_from(&self, before: &Report, tolerance: f64) -> Vec<String> {
        let key = |r: &Row| (r.contract.clone(), r.message.clone());
        let old: BTreeMap<_, _> = before.messages.iter().map(|r| (key(r), r)).collect();
        let new: BTreeMap<_, _> = self.messages.iter().map(|r| (key(r), r)).collect();
        let mut changes = Vec::new();
        for (k, was) in &old {
            let Some(now) = new.get(k) else {
                changes.push(format!("{}::{}: no longer called", k.0, k.1));
                continue;
            };
            if was.calls != now.calls {
                // Figures over a different set of calls are not comparable, whatever
                // the tolerance: the run measured something else.
                changes.push(format!(
                    "{}::{}: calls {} -> {}",
                    k.0, k.1, was.calls, now.calls
                ));
            }
            let mut moved = |figure: &str, was: [i128; 3], now: [i128; 3]| {
                for ((stat, w), n) in ["min", "median", "max"].iter().zip(was).zip(now) {
                    if beyond(w, n, tolerance) {
                        changes.push(format!("{}::{}: {figure} {stat} {w} -> {n}", k.0, k.1));
                    }
                }
            };
            moved("ref_time", wide(&was.ref_time), wide(&now.ref_time));
            moved("proof_size", wide(&was.proof_size), wide(&now.proof_size));
            moved("deposit", wide(&was.deposit), wide(&now.deposit));
            moved("fee", wide(&was.fee), wide(&now.fee));
        }
        for k in new.keys().filter(|k| !old.contains_key(*k)) {
            changes.push(format!("{}::{}: new in this run", k.0, k.1));
        }
        changes
    }
}

fn spread<T: std::fmt::Display>(s: &Spread<T>) -> String {
    format!("{} / {} / {}", s.min, s.median, s.max)
}

/// A spread's three figures, widened so every figure type compares the same way
/// (a fee beyond `i128::MAX` is not a fee any chain charges; it saturates).
fn wide<T: Copy + TryInto<i128>>(s: &Spread<T>) -> [i128; 3] {
    [s.min, s.median, s.max].map(|v| v.try_into().unwrap_or(i128::MAX))
}

/// Whether `now` differs from `was` by more than `tolerance` percent of `was` (any
/// change from 0 counts).
fn beyond(was: i128, now: i128, tolerance: f64) -> bool {
    let diff = was.abs_diff(now);
    if diff == 0 {
        return false;
    }
    // Display-only arithmetic: figures are far below 2^53 in practice, and a check
    // that rounds a 2^60 figure by one unit is still a correct check.
    diff as f64 > was.unsigned_abs() as f64 * tolerance / 100.0
}

/// `gas-report`.
///
/// # Errors
/// An unreadable scenario, records or snapshot, a step whose outcome is not the one
/// it expects, or under `--check` a figure that moved.
pub(super) fn run(args: &GasReportArgs, out: &Out) -> Result<()> {
    if !(args.tolerance >= 0.0 && args.tolerance.is_finite()) {
        bail!("--tolerance must be a percentage of 0 or more");
    }
    let records = match (&args.scenario, &args.records) {
        (Some(file), _) => run_scenario(file, &args.bundles, &args.genesis, out)?,
        (None, Some(file)) => read_records(file)?,
        (None, None) => bail!("pass --scenario FILE or --records FILE"),
    };
    let report = Report::of(&records);
    match (&args.snapshot, args.check) {
        (Some(path), true) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading snapshot {}", path.display()))?;
            let before: Report = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a gas-report snapshot", path.display()))?;
            let changes = report.changes_from(&before, args.tolerance);
            out.emit(&report, || print!("{}", report.markdown()))?;
            if !changes.is_empty() {
                bail!(
                    "{} figure(s) moved beyond {}% of {}:\n  {}",
                    changes.len(),
                    args.tolerance,
                    path.display(),
                    changes.join("\n  ")
                );
            }
            out.note(&format!("gas report matches {}", path.display()));
        }
        (Some(path), false) => {
            std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")
                .with_context(|| format!("writing snapshot {}", path.display()))?;
            out.emit(&report, || print!("{}", report.markdown()))?;
        }
        (None, _) => out.emit(&report, || print!("{}", report.markdown()))?,
    }
    Ok(())
}

fn read_records(path: &Path) -> Result<Vec<Record>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not a record", path.display(), i + 1))
        })
        .collect()
}

/// A scenario: contracts to deploy, then calls to make.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    /// Accounts to endow at genesis besides the dev accounts (secret URIs).
    #[serde(default)]
    endow: Vec<String>,
    #[serde(default)]
    deploy: Vec<Deploy>,
    #[serde(default)]
    step: Vec<Step>,
}

/// What each extra account is endowed with.
const SCENARIO_ENDOWMENT: u128 = 1 << 60;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deploy {
    /// The alias steps use (`contract = "..."`, `${alias}` in arguments).
    name: String,
    /// Which bundle: its contract name or file stem (optional with one bundle).
    bundle: Option<String>,
    #[serde(default = "default_constructor")]
    constructor: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default = "default_suri")]
    suri: String,
    #[serde(default)]
    value: u128,
    #[serde(default)]
    salt: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    /// A deployed alias.
    contract: String,
    message: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default = "default_suri")]
    suri: String,
    #[serde(default)]
    value: u128,
    /// Make the same call this many times.
    #[serde(default = "one")]
    repeat: u32,
    /// `success` (default), `reverted` or `failed`; another outcome stops the run.
    #[serde(default)]
    expect: Expect,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expect {
    #[default]
    Success,
    Reverted,
    Failed,
}

impl Expect {
    fn matches(self, kind: OutcomeKind) -> bool {
        matches!(
            (self, kind),
            (Expect::Success, OutcomeKind::Success)
                | (Expect::Reverted, OutcomeKind::Reverted)
                | (Expect::Failed, OutcomeKind::Failed)
        )
    }
}

fn default_constructor() -> String {
    "new".into()
}
fn default_suri() -> String {
    "//Alice".into()
}
fn one() -> u32 {
    1
}

/// Runs `file` on a fresh chain in a temporary directory and returns every call's
/// figures: deploys and state-changing messages as submitted transactions (the
/// receipt's gas used, deposit and fee), read-only messages as dry runs.
fn run_scenario(
    file: &Path,
    bundle_paths: &[PathBuf],
    genesis_args: &GenesisArgs,
    out: &Out,
) -> Result<Vec<Record>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let scenario: Scenario =
        toml::from_str(&text).with_context(|| format!("{}: not a scenario", file.display()))?;
    let bundles = bundle_paths
        .iter()
        .map(|p| Bundle::load(p))
        .collect::<Result<Vec<_>>>()?;
    let mut genesis_args = genesis_args.clone();
    for uri in &scenario.endow {
        genesis_args
            .endowments
            .push((keypair(uri)?.account_id(), SCENARIO_ENDOWMENT));
    }
    let genesis = genesis(&genesis_args)?;
    let dir = tempfile::Builder::new()
        .prefix("carechain-gas-")
        .tempdir()?;
    let node = Node::open_with(dir.path(), Sealing::Instant, &genesis).map_err(|e| anyhow!(e))?;
    let client = Client::Local(Box::new(node));
    let mut run = ScenarioRun {
        client: &client,
        deployed: BTreeMap::new(),
        records: Vec::new(),
    };
    for d in &scenario.deploy {
        let bundle = pick_bundle(&bundles, d)?;
        run.deploy(d, bundle)
            .with_context(|| format!("deploying `{}`", d.name))?;
    }
    for (i, s) in scenario.step.iter().enumerate() {
        if s.repeat == 0 {
            bail!(
                "step {} (`{}::{}`): repeat must be at least 1",
                i + 1,
                s.contract,
                s.message
            );
        }
        for _ in 0..s.repeat {
            run.step(s)
                .with_context(|| format!("step {} (`{}::{}`)", i + 1, s.contract, s.message))?;
        }
    }
    out.note(&format!(
        "ran {}: {} deploys, {} calls",
        file.display(),
        scenario.deploy.len(),
        run.records.len() - scenario.deploy.len()
    ));
    Ok(run.records)
}

fn pick_bundle<'a>(bundles: &'a [Bundle], d: &Deploy) -> Result<&'a Bundle> {
    match &d.bundle {
        None if bundles.len() == 1 => Ok(&bundles[0]),
        None => bail!(
            "`{}` names no bundle, and {} were given: add `bundle = \"NAME\"`",
            d.name,
            bundles.len()
        ),
        Some(name) => bundles
            .iter()
            .find(|b| b.name() == name || b.path().file_stem().is_some_and(|s| s == name.as_str()))
            .ok_or_else(|| anyhow!("`{}`: no bundle named `{name}` was given", d.name)),
    }
}

struct ScenarioRun<'a> {
    client: &'a Client,
    /// Alias → (address, bundle index into the run's bundles).
    deployed: BTreeMap<String, (Address, &'a Bundle)>,
    records: Vec<Record>,
}

impl<'a> ScenarioRun<'a> {
    /// `${alias}` becomes the contract's address, `${//Uri}` the account's.
    fn expand(&self, args: &[String]) -> Result<Vec<String>> {
        args.iter()
            .map(|arg| {
                let mut out = String::new();
                let mut rest = arg.as_str();
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let tail = &rest[start + 2..];
                    let end = tail
                        .find('}')
                        .ok_or_else(|| anyhow!("`{arg}`: `${{` without `}}`"))?;
                    let name = &tail[..end];
                    let address = match self.deployed.get(name) {
                        Some((a, _)) => *a,
                        None if name.starts_with("//") => Address(keypair(name)?.account_id()),
                        None => bail!("`{arg}`: `{name}` is neither a deployed alias nor a //URI"),
                    };
                    out.push_str(&address.0.to_ss58());
                    rest = &tail[end + 1..];
                }
                out.push_str(rest);
                Ok(out)
            })
            .collect()
    }

    fn deploy(&mut self, d: &Deploy, bundle: &'a Bundle) -> Result<()> {
        if self.deployed.contains_key(&d.name) {
            bail!("the alias `{}` is deployed twice", d.name);
        }
        let key = keypair(&d.suri)?;
        let code = bundle.wasm()?.to_vec();
        let limit = upload_limit(self.client, &code)?;
        let upload = sign_all(
            self.client,
            &key,
            vec![(Call::UploadCode { code }, limit)],
            None,
        )?;
        for tx in &upload {
            // A second deploy of the same code finds it uploaded: `CodeExists`-style
            // failures are fine here, the instantiation below is what is measured.
            self.client.submit(tx)?;
        }
        let data = bundle.encode(&d.constructor, &self.expand(&d.args)?)?;
        let salt = match &d.salt {
            Some(s) => Bytes(hex::decode(s.trim_start_matches("0x")).context("salt: not hex")?),
            None => Bytes(Vec::new()),
        };
        let request = DryRunRequest {
            origin: Address(key.account_id()),
            gas_limit: None,
            storage_deposit_limit: None,
            call: DryRunCall::Instantiate {
                code: None,
                code_hash: H256(bundle.code_hash()),
                value: d.value,
                data: Bytes(data.clone()),
                salt: salt.clone(),
            },
        };
        let dry = self.client.dry_run(&request)?;
        if dry.outcome != OutcomeKind::Success {
            bail!(
                "the constructor {}: {}",
                dry.outcome,
                dry.error.unwrap_or_default()
            );
        }
        let call = Call::Instantiate {
            code_hash: bundle.code_hash(),
            value: d.value,
            data,
            salt: salt.0,
        };
        let receipt = self.submit(&key, call, dry.gas_required)?;
        if receipt.outcome != OutcomeKind::Success {
            bail!(
                "the constructor {}: {}",
                receipt.outcome,
                receipt.error.unwrap_or_default()
            );
        }
        let address = receipt
            .instantiated
            .ok_or_else(|| anyhow!("the receipt names no contract"))?;
        self.records.push(record(
            &d.name,
            &d.constructor,
            &receipt.gas_used,
            &receipt.storage_deposit,
            receipt.fee,
        ));
        self.deployed.insert(d.name.clone(), (address, bundle));
        Ok(())
    }

    fn step(&mut self, s: &Step) -> Result<()> {
        let (address, bundle) = *self
            .deployed
            .get(&s.contract)
            .ok_or_else(|| anyhow!("`{}` is not deployed", s.contract))?;
        let key = keypair(&s.suri)?;
        let data = bundle.encode(&s.message, &self.expand(&s.args)?)?;
        let dry = self.client.dry_run(&DryRunRequest {
            origin: Address(key.account_id()),
            gas_limit: None,
            storage_deposit_limit: None,
            call: DryRunCall::Call {
                dest: address,
                value: s.value,
                data: Bytes(data.clone()),
            },
        })?;
        let read_only = bundle.is_mutating(&s.message) == Some(false);
        let (kind, error, figures) = if read_only || dry.outcome != OutcomeKind::Success {
            // Reads, and calls that would not succeed, are measured as dry runs: a
            // failing transaction would only measure the same call again.
            let f = record(
                &s.contract,
                &s.message,
                &dry.gas_consumed,
                &dry.storage_deposit,
                dry.fee,
            );
            (dry.outcome, dry.error, f)
        } else {
            let call = Call::Call {
                dest: address.0,
                value: s.value,
                data,
            };
            let r = self.submit(&key, call, dry.gas_required)?;
            let f = record(
                &s.contract,
                &s.message,
                &r.gas_used,
                &r.storage_deposit,
                r.fee,
            );
            (r.outcome, r.error, f)
        };
        if !s.expect.matches(kind) {
            bail!(
                "expected {:?}, got {kind}{}",
                s.expect,
                error.map(|e| format!(": {e}")).unwrap_or_default()
            );
        }
        self.records.push(figures);
        Ok(())
    }

    fn submit(
        &self,
        key: &Keypair,
        call: Call,
        required: Gas,
    ) -> Result<carechain_rpc::ReceiptView> {
        let limit = gas_limit(self.client, None, required)?;
        let txs = sign_all(self.client, key, vec![(call, limit)], None)?;
        let tx = txs.first().ok_or_else(|| anyhow!("nothing to submit"))?;
        Ok(self.client.submit(tx)?)
    }
}

fn record(
    contract: &str,
    message: &str,
    gas: &Gas,
    deposit: &StorageDepositView,
    fee: u128,
) -> Record {
    Record {
        contract: contract.to_string(),
        message: message.to_string(),
        ref_time: gas.ref_time,
        proof_size: gas.proof_size,
        deposit: match *deposit {
            StorageDepositView::Charge(v) => i128::try_from(v).unwrap_or(i128::MAX),
            StorageDepositView::Refund(v) => i128::try_from(v).map_or(i128::MIN, |v| -v),
        },
        fee,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(message: &str, ref_time: u64, deposit: i128) -> Record {
        Record {
            contract: "c".into(),
            message: message.into(),
            ref_time,
            proof_size: ref_time / 10,
            deposit,
            fee: u128::from(ref_time) + 7,
        }
    }

    #[test]
    fn spreads_are_min_lower_median_max_per_message() {
        let records = [
            rec("a", 30, 5),
            rec("b", 1, 0),
            rec("a", 10, -2),
            rec("a", 20, 1),
            rec("a", 40, 9),
        ];
        let report = Report::of(&records);
        assert_eq!(report.messages.len(), 2);
        let a = &report.messages[0];
        assert_eq!((a.message.as_str(), a.calls), ("a", 4));
        assert_eq!(
            a.ref_time,
            Spread {
                min: 10,
                median: 20,
                max: 40
            }
        );
        assert_eq!(
            a.deposit,
            Spread {
                min: -2,
                median: 1,
                max: 9
            }
        );
        assert_eq!(a.fee.median, 27);
        assert_eq!(
            report.messages[1].ref_time,
            Spread {
                min: 1,
                median: 1,
                max: 1
            }
        );
    }

    #[test]
    fn check_reports_moves_beyond_tolerance_and_changed_message_sets() {
        let before = Report::of(&[rec("a", 1000, 100), rec("gone", 5, 0)]);
        let now = Report::of(&[rec("a", 1009, 100), rec("new", 5, 0)]);
        let within = now.changes_from(&before, 1.0);
        assert_eq!(
            within,
            vec!["c::gone: no longer called", "c::new: new in this run"]
        );
        let strict = now.changes_from(&before, 0.5);
        assert!(
            strict
                .iter()
                .any(|c| c == "c::a: ref_time median 1000 -> 1009"),
            "{strict:?}"
        );
        assert!(now.changes_from(&now, 0.0).is_empty());
        // A figure that was 0 moves at any tolerance.
        let zero = Report::of(&[rec("z", 0, 0)]);
        let one = Report::of(&[rec("z", 0, 1)]);
        assert_eq!(one.changes_from(&zero, 50.0).len(), 3);
    }

    #[test]
    fn the_markdown_table_has_one_row_per_message() {
        let table = Report::of(&[rec("a", 10, -3)]).markdown();
        assert!(
            table.contains(
                "| c | `a` | 1 | 10 / 10 / 10 | 1 / 1 / 1 | -3 / -3 / -3 | 17 / 17 / 17 |"
            ),
            "{table}"
        );
    }
}
