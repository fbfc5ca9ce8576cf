//! `epcis import` turns a GS1 EPCIS 2.0 document into DSCSA contract calls, applied
//! in one block all together or not at all; `epcis export` writes a product's
//! on-chain history back out as EPCIS 2.0, with the Merkle proof of its current
//! state. The mapping itself is [`carechain_epcis`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{anyhow, bail, Context, Result};
use carechain_runtime::{AccountId, Call, Weight};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use parity_scale_codec::Decode;
use serde::Serialize;

use super::contract::{keypair, sign_all};
use super::output::Out;
use super::{BundleDirs, Connection};
use carechain_bundle::Bundle;
use carechain_epcis::export::{self, Action, Entry};
use carechain_epcis::import::{read, Import, Mapped};
use carechain_epcis::{ids, Operation, Target};
use carechain_rpc::Client;
use carechain_rpc::{Address, Bytes, DryRunCall, DryRunRequest, OutcomeKind, ProofRequest};
use health_types::dscsa::{Action as Recorded, HistoryEntry, Package, Partner};

/// `epcis` verbs.
#[derive(Debug, Subcommand)]
pub enum EpcisCommand {
    /// Apply an EPCIS 2.0 JSON(-LD) document to the DSCSA contract, all or nothing.
    Import(ImportArgs),
    /// Write a product's history as an EPCIS 2.0 document with a proof of its state.
    Export(ExportArgs),
}

/// An `epcis` command line (the words after `epcis`, as a shell splits them), so that
/// a program or a test embedding the CLI runs `epcis` verbs as
/// `Command::Epcis(words.try_into()?)`.
impl TryFrom<Vec<String>> for EpcisCommand {
    type Error = clap::Error;

    fn try_from(words: Vec<String>) -> std::result::Result<Self, clap::Error> {
        /// `carechain epcis` alone.
        #[derive(Parser)]
        #[command(name = "carechain epcis")]
        struct Words {
            #[command(subcommand)]
            command: EpcisCommand,
        }
        let line = std::iter::once("carechain epcis".to_string()).chain(words);
        Words::try_parse_from(line).map(|w| w.command)
    }
}

/// `epcis import` arguments.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The EPCIS document.
    pub file: PathBuf,
    /// The DSCSA contract.
    #[arg(long, value_parser = Address::parse)]
    pub contract: Address,
    /// Signer: the trading partner whose events these are.
    #[arg(long, env = "CARECHAIN_SURI", default_value = "//Alice")]
    pub suri: String,
    /// The GS1 EPCIS 2.0 JSON schema to validate against (GS1's
    /// `EPCIS-JSON-Schema.json`); without one the document is read but not
    /// schema-validated.
    #[arg(long, env = "CARECHAIN_EPCIS_SCHEMA")]
    pub schema: Option<PathBuf>,
    /// Only print the calls the document maps to; submit nothing.
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    conn: Connection,
}

/// `epcis export` arguments.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The product: an SGTIN URN, a GS1 Digital Link URI, or `GTIN/SERIAL`.
    #[arg(long)]
    pub serial: String,
    /// The DSCSA contract.
    #[arg(long, value_parser = Address::parse)]
    pub contract: Address,
    /// Read as this account (no transaction is signed): the package's owner or
    /// custodian, the recipient or carrier of its shipment, a partner whose
    /// verification request of it was verified, or the operator. The contract
    /// answers nobody else.
    #[arg(long, env = "CARECHAIN_SURI", default_value = "//Alice")]
    pub suri: String,
    /// Write the document here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    conn: Connection,
}

/// Runs an `epcis` verb.
///
/// # Errors
/// Whatever the verb reports.
pub(super) fn run(cmd: EpcisCommand, out: &Out) -> Result<()> {
    match cmd {
        EpcisCommand::Import(args) => import(&args, out),
        EpcisCommand::Export(args) => export_history(&args, out),
    }
}

fn contract_bundle(client: &Client, contract: Address, dirs: &BundleDirs) -> Result<Bundle> {
    let hash = client
        .account(contract)?
        .code_hash
        .ok_or_else(|| anyhow!("no contract at {}", contract.0))?;
    dirs.find(&hash.0).ok_or_else(|| {
        anyhow!(
            "no bundle with code hash {} in {:?}: build the contracts or pass --bundle-dir",
            hash.0,
            dirs.dirs
        )
    })
}

/// Read-only messages of one contract, run as dry runs from one origin.
struct Reader<'a> {
    client: &'a Client,
    bundle: &'a Bundle,
    contract: Address,
    origin: AccountId,
}

impl Reader<'_> {
    /// Runs a read-only message and returns its SCALE output (`Result<T, LangError>`).
    /// A message returning the contract's `Err` reverts; its output is returned too.
    fn query(&self, message: &str, args: &[String]) -> Result<Vec<u8>> {
        let data = self.bundle.encode(message, args)?;
        let run = self.client.dry_run(&DryRunRequest {
            origin: Address(self.origin),
            gas_limit: None,
            storage_deposit_limit: None,
            call: DryRunCall::Call {
                dest: self.contract,
                value: 0,
                data: Bytes(data),
            },
        })?;
        if run.outcome == OutcomeKind::Failed {
            bail!(
                "`{message}` {}: {}",
                run.outcome,
                run.error.unwrap_or_default()
            );
        }
        Ok(run.data.0)
    }

    /// A message returning `Result<T, Error>`: its value, or the contract error's
    /// name as the contract's metadata gives it.
    fn query_result<T: Decode>(
        &self,
        message: &str,
        args: &[String],
    ) -> Result<std::result::Result<T, String>> {
        let data = self.query(message, args)?;
        match decode_ok::<std::result::Result<T, u8>>(message, &data)? {
            Ok(v) => Ok(Ok(v)),
            Err(index) => Ok(Err(error_name(self.bundle, message, &data)
                .unwrap_or_else(|| format!("contract error {index}")))),
        }
    }

    /// The partner holding the GS1 company prefix of a GTIN-14 or SSCC-18, and
    /// that prefix, as the contract finds it (the assigned prefix that the digits
    /// after the indicator or extension digit start with).
    fn identifier_owner(&self, digits: &str) -> Result<Option<(String, AccountId)>> {
        let body = digits.get(1..).unwrap_or_default();
        for len in 4..=12 {
            let Some(candidate) = body.get(..len) else {
                break;
            };
            let data = self.query("prefix_owner", &[quoted(candidate)])?;
            if let Some(owner) = decode_ok::<Option<[u8; 32]>>("prefix_owner", &data)? {
                return Ok(Some((candidate.to_string(), AccountId(owner))));
            }
        }
        Ok(None)
    }

    /// A partner's GLN, if the account is one.
    fn gln(&self, account: AccountId) -> Result<Option<String>> {
        let data = self.query("partner", &[account.to_ss58()])?;
        Ok(decode_ok::<Option<Partner>>("partner", &data)?.map(|p| digits(&p.gln)))
    }
}

/// The name of the contract error a message's output carries (`Ok(Err(Name))`).
fn error_name(bundle: &Bundle, message: &str, data: &[u8]) -> Option<String> {
    let text = bundle.decode_return(message, data).ok()?.to_string();
    let inner = text.strip_prefix("Ok(Err(")?;
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Decodes `Result<T, LangError>` output, the LangError being a one-byte enum.
fn decode_ok<T: Decode>(message: &str, data: &[u8]) -> Result<T> {
    match <std::result::Result<T, u8>>::decode(&mut &data[..]) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => bail!("`{message}` failed with LangError {e}"),
        Err(e) => bail!("`{message}` returned data that does not decode: {e}"),
    }
}

/// What an operator or partner does about a contract error an import ran into.
fn hint(error: &str) -> &'static str {
    match error {
        "NotBrandOwner" => {
            " (a GTIN is commissioned, and an SSCC packed, only by the partner holding its GS1 company prefix: the operator assigns prefixes with add_prefix(account, prefix))"
        }
        "Expired" => {
            " (expired product is not commissioned, repackaged, packed, shipped or received: it can only be decommissioned)"
        }
        "MissingTransactionInformation" => {
            " (a shipment needs the hash of its transaction information: give the event a bizTransactionList)"
        }
        "SelfShipment" => " (a partner does not ship to itself)",
        "ReturnNotVerified" => {
            " (a returned package is resold only after its owner's request_verification(.., SaleableReturn) answered verified)"
        }
        "SsccRetired" => " (an SSCC is used once: after unpacking it is retired)",
        "UnknownPartner" | "PartnerSuspended" => {
            " (only registered, active trading partners take part)"
        }
        _ => "",
    }
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn target_arg(target: &Target) -> String {
    match target {
        Target::Package(gtin, serial) => format!("Package({}, {})", quoted(gtin), quoted(serial)),
        Target::Container(sscc) => format!("Container({})", quoted(sscc)),
    }
}

/// The message and text arguments of an operation.
fn message_of(
    op: &Operation,
    accounts: &BTreeMap<String, AccountId>,
) -> Result<(&'static str, Vec<String>)> {
    Ok(match op {
        Operation::Commission {
            gtin,
            serial,
            lot,
            expiry,
        } => (
            "commission",
            vec![
                quoted(gtin),
                quoted(serial),
                quoted(lot),
                expiry.to_string(),
            ],
        ),
        Operation::Pack { sscc, items } => {
            let items: Vec<String> = items
                .iter()
                .map(|(g, s)| format!("({}, {})", quoted(g), quoted(s)))
                .collect();
            (
                "pack",
                vec![quoted(sscc), format!("[{}]", items.join(", "))],
            )
        }
        Operation::Repackage {
            source_gtin,
            source_serial,
            gtin,
            serial,
            lot,
            expiry,
        } => (
            "repackage",
            vec![
                quoted(source_gtin),
                quoted(source_serial),
                quoted(gtin),
                quoted(serial),
                quoted(lot),
                expiry.to_string(),
            ],
        ),
        Operation::Unpack { sscc } => ("unpack", vec![quoted(sscc)]),
        Operation::VoidShipment { target } => ("void_shipment", vec![target_arg(target)]),
        Operation::Ship {
            target,
            to_gln,
            transaction_information,
        } => {
            let to = accounts
                .get(to_gln)
                .ok_or_else(|| anyhow!("GLN {to_gln} is not a registered trading partner"))?;
            (
                "ship",
                vec![
                    target_arg(target),
                    to.to_ss58(),
                    "None".into(),
                    format!("0x{}", hex::encode(transaction_information)),
                    "true".into(),
                ],
            )
        }
        Operation::Receive { target } => ("receive", vec![target_arg(target)]),
        Operation::Dispense { gtin, serial } => ("dispense", vec![quoted(gtin), quoted(serial)]),
        Operation::DispensePartial { gtin, serial } => {
            ("dispense_partial", vec![quoted(gtin), quoted(serial)])
        }
        Operation::ReportDamaged { gtin, serial } => {
            ("report_damaged", vec![quoted(gtin), quoted(serial)])
        }
        Operation::Decommission {
            gtin,
            serial,
            reason,
        } => (
            "decommission",
            vec![quoted(gtin), quoted(serial), format!("{reason:?}")],
        ),
    })
}

fn progress(len: usize, what: &str) -> ProgressBar {
    // indicatif draws only on a terminal; elsewhere the caller prints plain lines.
    let bar = ProgressBar::new(u64::try_from(len).unwrap_or(u64::MAX));
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

fn load_schema(path: Option<&Path>, out: &Out) -> Result<Option<serde_json::Value>> {
    let Some(path) = path else {
        out.note(
            "note: no EPCIS 2.0 JSON schema given (--schema or CARECHAIN_EPCIS_SCHEMA); the document is not schema-validated",
        );
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow!("schema {}: {e}", path.display()))?;
    Ok(Some(
        serde_json::from_str(&text).with_context(|| format!("schema {}", path.display()))?,
    ))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportReport {
    mapped_events: usize,
    calls: usize,
    unmapped: Vec<UnmappedLine>,
    applied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    block_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    block_hash: Option<String>,
}

#[derive(Serialize)]
struct UnmappedLine {
    line: usize,
    what: String,
    reason: String,
}

/// `epcis import`.
fn import(args: &ImportArgs, out: &Out) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let schema = load_schema(args.schema.as_deref(), out)?;
    let Import {
        mapped,
        unmapped,
        company_prefixes,
    } = read(&text, schema.as_ref()).with_context(|| format!("{}", args.file.display()))?;
    let file = args.file.display();
    for u in &unmapped {
        out.note(&format!(
            "{file}:{}: not mapped: {}: {}",
            u.line, u.what, u.reason
        ));
    }
    let client = args.conn.connect()?;
    let bundle = Rc::new(contract_bundle(&client, args.contract, &args.bundles)?);
    let key = keypair(&args.suri)?;
    let signer = key.account_id();
    let reader = Reader {
        client: &client,
        bundle: &bundle,
        contract: args.contract,
        origin: signer,
    };
    let accounts = partner_accounts(&reader, &mapped)?;
    if !mapped.is_empty() {
        let problems = check_plan(
            &reader,
            &client,
            &mapped,
            &accounts,
            &company_prefixes,
            args.contract,
        )?;
        let lines: Vec<String> = problems
            .iter()
            .map(|(line, what, why)| format!("{file}:{line}: {what}: {why}"))
            .collect();
        if args.plan {
            for line in &lines {
                out.note(&format!("would be refused: {line}"));
            }
        } else if !lines.is_empty() {
            bail!(
                "{}\nnothing of the document was submitted",
                lines.join("\n")
            );
        }
    }
    let (calls, origin) = encode_calls(&bundle, &mapped, &accounts, &args.file, out)?;
    let mut report = ImportReport {
        mapped_events: mapped.len(),
        calls: calls.len(),
        unmapped: unmapped
            .iter()
            .map(|u| UnmappedLine {
                line: u.line,
                what: u.what.clone(),
                reason: u.reason.clone(),
            })
            .collect(),
        applied: false,
        block_number: None,
        block_hash: None,
    };
    if args.plan || calls.is_empty() {
        return out.emit(&report, || {
            for ((message, call_args, _), m) in calls.iter().zip(&origin) {
                println!("{file}:{}: {}({})", m.line, message, call_args.join(", "));
            }
            println!(
                "{} events map to {} calls; {} not mapped; nothing submitted",
                mapped.len(),
                calls.len(),
                unmapped.len()
            );
        });
    }
    let per_call = gas_per_call(&client, calls.len())?;
    let signed = sign_all(
        &client,
        &key,
        calls
            .iter()
            .map(|(_, _, data)| {
                (
                    Call::Call {
                        dest: args.contract.0,
                        value: 0,
                        data: data.clone(),
                    },
                    per_call,
                )
            })
            .collect(),
        None,
    )?;
    match client.submit_all(&signed) {
        Ok(receipts) => {
            let first = receipts.first();
            report.applied = true;
            report.block_number = first.map(|r| r.block_number);
            report.block_hash = first.map(|r| r.block_hash.0.to_string());
            out.emit(&report, || {
                println!(
                    "{} events applied as {} calls in block #{} ({} not mapped)",
                    mapped.len(),
                    calls.len(),
                    report.block_number.unwrap_or_default(),
                    unmapped.len()
                );
            })
        }
        Err(e) => {
            let Some(failure) = e.batch_failure() else {
                return Err(e.into());
            };
            let (message, call_args, _) = calls.get(failure.index).ok_or_else(|| anyhow!("{e}"))?;
            let event = origin.get(failure.index).map_or(0, |m| m.line);
            let why = bundle
                .decode_return(message, &failure.output)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| failure.outcome.clone());
            let hint = error_name(&bundle, message, &failure.output).map_or("", |name| hint(&name));
            bail!(
                "{file}:{event}: {message}({}) {}: {why}{hint}\nnothing of the document was applied{}",
                call_args.join(", "),
                failure.outcome,
                if failure.error == Some(carechain_runtime::ContractError::OutOfGas) {
                    " (the document may be too large for one block: split it)"
                } else {
                    ""
                }
            )
        }
    }
}

/// The accounts of the parties the document ships to: they are named by GLN, and
/// the contract's partner registry gives their accounts (an unknown GLN is left
/// out, for [`check_plan`] to report).
fn partner_accounts(reader: &Reader<'_>, mapped: &[Mapped]) -> Result<BTreeMap<String, AccountId>> {
    let mut accounts = BTreeMap::new();
    for m in mapped {
        for op in &m.operations {
            if let Operation::Ship { to_gln, .. } = op {
                if accounts.contains_key(to_gln) {
                    continue;
                }
                let data = reader.query("partner_account", &[quoted(to_gln)])?;
                if let Some(account) = decode_ok::<Option<[u8; 32]>>("partner_account", &data)? {
                    accounts.insert(to_gln.clone(), AccountId(account));
                }
            }
        }
    }
    Ok(accounts)
}

/// One contract call of an import: message, arguments as text, call data.
type EncodedCall = (&'static str, Vec<String>, Vec<u8>);

/// Every operation of the document as a contract call, with the event each came
/// from (for error messages naming the line).
fn encode_calls<'m>(
    bundle: &Bundle,
    mapped: &'m [Mapped],
    accounts: &BTreeMap<String, AccountId>,
    path: &Path,
    out: &Out,
) -> Result<(Vec<EncodedCall>, Vec<&'m Mapped>)> {
    let file = path.display();
    let calls_total: usize = mapped.iter().map(|m| m.operations.len()).sum();
    let bar = progress(calls_total, "encoding");
    let mut calls = Vec::with_capacity(calls_total);
    let mut origin = Vec::with_capacity(calls_total);
    for m in mapped {
        for op in &m.operations {
            let (message, call_args) = message_of(op, accounts)
                .with_context(|| format!("{file}:{}: {}", m.line, m.what))?;
            let data = bundle
                .encode(message, &call_args)
                .with_context(|| format!("{file}:{}: {}", m.line, m.what))?;
            calls.push((message, call_args, data));
            origin.push(m);
            bar.inc(1);
            if bar.is_hidden() && calls.len() % 1000 == 0 {
                out.note(&format!("encoded {} of {calls_total} calls", calls.len()));
            }
        }
    }
    bar.finish_and_clear();
    Ok((calls, origin))
}

/// The gas limit of each of `calls` transactions that must all fit in one block:
/// the node's per-transaction limit, or an equal share of the block's.
fn gas_per_call(client: &Client, calls: usize) -> Result<Weight> {
    let info = client.info()?;
    let n = u64::try_from(calls).unwrap_or(u64::MAX).max(1);
    let transaction: Weight = info.max_tx_gas.into();
    let block = carechain_runtime::ChainConfig::default()
        .schedule
        .limits
        .max_block_gas;
    Ok(Weight::new(
        transaction.ref_time.min(block.ref_time / n),
        transaction.proof_size.min(block.proof_size / n),
    ))
}

/// A problem found before submitting: line, event, what is wrong and what to do.
type Problem = (usize, String, String);

/// What the contract would refuse that an import can tell in advance, with what
/// to do about it: a signer that is no active partner, a GTIN or SSCC not under one
/// of the signer's GS1 company prefixes (the operator assigns them), a product
/// commissioned already expired, a shipment to the signer itself.
fn check_plan(
    reader: &Reader<'_>,
    client: &Client,
    mapped: &[Mapped],
    accounts: &BTreeMap<String, AccountId>,
    company_prefixes: &BTreeMap<String, String>,
    contract: Address,
) -> Result<Vec<Problem>> {
    let signer = reader.origin;
    let mut problems = Vec::new();
    let Some(first) = mapped.first() else {
        return Ok(problems);
    };
    if reader.gln(signer)?.is_none() {
        problems.push((
            first.line,
            first.what.clone(),
            format!(
                "the signer {signer} is not a registered trading partner of {}: the operator registers it with add_partner",
                contract.0.to_ss58()
            ),
        ));
        return Ok(problems);
    }
    let now = client.info()?.head.timestamp;
    let mut owners: BTreeMap<String, Option<(String, AccountId)>> = BTreeMap::new();
    for m in mapped {
        for op in &m.operations {
            let (identifier, kind, verb, expiry) = match op {
                Operation::Commission { gtin, expiry, .. } => {
                    (gtin, "GTIN", "commissions", Some(*expiry))
                }
                Operation::Repackage { gtin, expiry, .. } => {
                    (gtin, "GTIN", "repackages into", Some(*expiry))
                }
                Operation::Pack { sscc, .. } => (sscc, "SSCC", "packs into", None),
                Operation::Ship { to_gln, .. } => {
                    if accounts.get(to_gln) == Some(&signer) {
                        problems.push((
                            m.line,
                            m.what.clone(),
                            format!("GLN {to_gln} is the signer's own: a partner does not ship to itself"),
                        ));
                    }
                    continue;
                }
                _ => continue,
            };
            if let Some(expiry) = expiry {
                if expiry <= now {
                    problems.push((
                        m.line,
                        m.what.clone(),
                        format!(
                            "{kind} {identifier} expires {}, before the chain's time {}: expired product is not commissioned",
                            carechain_epcis::date(expiry),
                            carechain_epcis::rfc3339(now)
                        ),
                    ));
                }
            }
            // Each identifier is checked, and reported, once.
            if owners.contains_key(identifier) {
                continue;
            }
            let owner = reader.identifier_owner(identifier)?;
            owners.insert(identifier.clone(), owner.clone());
            let signer_ss58 = signer.to_ss58();
            let why = match owner {
                Some((_, account)) if account == signer => continue,
                Some((prefix, account)) => format!(
                    "{kind} {identifier} is under GS1 company prefix {prefix}, held by {account}{}, not by the signer {signer_ss58}: only the holder of a prefix {verb} it (NotBrandOwner)",
                    reader
                        .gln(account)?
                        .map(|g| format!(" (GLN {g})"))
                        .unwrap_or_default()
                ),
                None => {
                    let (prefix, named) = match company_prefixes.get(identifier) {
                        Some(p) => (p.clone(), format!("GS1 company prefix {p}")),
                        None => (
                            "PREFIX".to_string(),
                            "GS1 company prefix (4 to 12 digits after its first digit)".to_string(),
                        ),
                    };
                    format!(
                        "no partner holds the {named} of {kind} {identifier}, so the contract would refuse it (NotBrandOwner); the operator must first assign the prefix to the signer: add_prefix({signer_ss58}, {}), for example `carechain call {} --message add_prefix --args {signer_ss58} '{}' -x` signed by the operator",
                        quoted(&prefix),
                        contract.0.to_ss58(),
                        quoted(&prefix),
                    )
                }
            };
            problems.push((m.line, m.what.clone(), why));
        }
    }
    // The packages of one event share their GTIN and expiry: one line each.
    problems.dedup();
    Ok(problems)
}

fn digits(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Why the contract did not answer a read of package `gtin`/`serial`, and what to do.
fn read_refused(error: &str, reader: AccountId, gtin: &str, serial: &str) -> anyhow::Error {
    match error {
        "NotAuthorized" => anyhow!(
            "{reader} may not read package {gtin}/{serial} (NotAuthorized): the contract answers \
             only its owner, its custodian, the recipient or carrier of its shipment, a partner \
             whose verification request of it was verified, and the operator; export with --suri \
             of one of them (a package that does not exist is refused the same way, except to the \
             operator)"
        ),
        "UnknownPackage" => anyhow!("no package {gtin}/{serial} in the contract"),
        other => anyhow!("the contract refused to read package {gtin}/{serial}: {other}"),
    }
}

/// `epcis export`.
fn export_history(args: &ExportArgs, out: &Out) -> Result<()> {
    let (gtin, serial) = ids::sgtin(&args.serial)
        .or_else(|| {
            let (g, s) = args.serial.split_once('/')?;
            Some((g.to_string(), s.to_string()))
        })
        .ok_or_else(|| {
            anyhow!(
                "--serial {}: give an SGTIN URN, a Digital Link URI or GTIN/SERIAL",
                args.serial
            )
        })?;
    let client = args.conn.connect()?;
    let bundle = contract_bundle(&client, args.contract, &args.bundles)?;
    let reader = Reader {
        client: &client,
        bundle: &bundle,
        contract: args.contract,
        origin: keypair(&args.suri)?.account_id(),
    };
    let package_args = [quoted(&gtin), quoted(&serial)];
    let package = reader
        .query_result::<Package>("package", &package_args)?
        .map_err(|e| read_refused(&e, reader.origin, &gtin, &serial))?;
    let mut raw = Vec::new();
    loop {
        let from = u32::try_from(raw.len()).unwrap_or(u32::MAX);
        let page_args = [
            quoted(&gtin),
            quoted(&serial),
            from.to_string(),
            "50".into(),
        ];
        let page = reader
            .query_result::<Vec<HistoryEntry>>("history", &page_args)?
            .map_err(|e| read_refused(&e, reader.origin, &gtin, &serial))?;
        let done = page.len() < 50;
        raw.extend(page);
        if done {
            break;
        }
    }
    let mut glns: BTreeMap<[u8; 32], Option<String>> = BTreeMap::new();
    let mut gln_of = |account: [u8; 32]| -> Result<Option<String>> {
        if let Some(g) = glns.get(&account) {
            return Ok(g.clone());
        }
        let gln = reader.gln(AccountId(account))?;
        glns.insert(account, gln.clone());
        Ok(gln)
    };
    let mut history = Vec::with_capacity(raw.len());
    for e in raw {
        let action = match e.action {
            Recorded::Commissioned => Action::Commissioned {
                lot: package.lot.clone(),
                expiry: package.expiry,
            },
            Recorded::CommissionedFrom(source) => Action::CommissionedFrom {
                source,
                lot: package.lot.clone(),
                expiry: package.expiry,
            },
            Recorded::Packed(s) => Action::Packed(digits(&s)),
            Recorded::Unpacked(s) => Action::Unpacked(digits(&s)),
            Recorded::Shipped(s) => Action::Shipped {
                to_gln: gln_of(s.to.0)?,
                transaction_information: s.transaction_information,
            },
            Recorded::Received => Action::Received,
            Recorded::ReturnReceived => Action::ReturnReceived,
            Recorded::ReturnVerified => Action::ReturnVerified,
            Recorded::ShipmentVoided => Action::ShipmentVoided,
            Recorded::Quarantined(r) => Action::Quarantined(r),
            Recorded::Cleared => Action::Cleared,
            Recorded::DeclaredIllegitimate(t) => Action::DeclaredIllegitimate(t),
            Recorded::Recalled => Action::Recalled,
            Recorded::Dispensed => Action::Dispensed,
            Recorded::PartiallyDispensed => Action::PartiallyDispensed,
            Recorded::Damaged => Action::Damaged,
            Recorded::Decommissioned(d) => Action::Decommissioned(d),
            Recorded::Repackaged(new) => Action::Repackaged(new),
        };
        history.push(Entry {
            actor_gln: gln_of(e.actor.0)?,
            at: e.at,
            action,
        });
    }
    // The proof of the package's current record, against the head's state root.
    let package_key =
        ids::package_key(&gtin, &serial).ok_or_else(|| anyhow!("GTIN {gtin} is not 14 digits"))?;
    let key = bundle.storage_key("packages", Some(&format!("0x{}", hex::encode(package_key))))?;
    let proof = client.proof(&ProofRequest {
        contract: Some(args.contract),
        key: Bytes(key),
        at: None,
    })?;
    super::check_proof(&proof, None).context("the node's proof is wrong")?;
    if proof.value.is_none() {
        bail!("the proof says package {gtin}/{serial} is absent: the contract's key derivation changed");
    }
    let mut extensions = serde_json::Map::new();
    extensions.insert(
        "contract".into(),
        serde_json::json!(args.contract.0.to_ss58()),
    );
    extensions.insert("stateProof".into(), serde_json::to_value(&proof)?);
    let document = export::document(&gtin, &serial, &history, proof.header.timestamp, extensions);
    let text = serde_json::to_string_pretty(&document)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            out.note(&format!(
                "{} events of {gtin}/{serial} written to {}, with a proof against block #{} (state root {})",
                history.len(),
                path.display(),
                proof.header.number,
                proof.header.state_root.0
            ));
        }
        None => println!("{text}"),
    }
    Ok(())
}
