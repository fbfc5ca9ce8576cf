//! `upload`, `instantiate` and `call`: dry run by default, printing the decoded
//! result, gas, the storage deposit pallet-contracts would charge, events and debug
//! output; `--execute` signs with `--suri` and submits, as `cargo contract` does.

use std::path::PathBuf;
use std::rc::Rc;

use anyhow::{anyhow, bail, Context, Result};
use carechain_runtime::{AccountId, Call, Keypair, SignedTransaction, Transaction, Weight};
use clap::Args;
use serde::Serialize;

use super::decode::{print_events, DecodedEvent, Decoder};
use super::output::{gas, DryRunFailed, Out};
use super::trace::{self, DecodedFrame};
use super::{BundleDirs, Connection};
use carechain_bundle::Bundle;
use carechain_bundle::Value;
use carechain_rpc::Client;
use carechain_rpc::{
    Address, Bytes, DryRunCall, DryRunRequest, DryRunView, Gas, OutcomeKind, ReceiptView,
    StorageDepositView, H256,
};
use carechain_runtime::ContractError;

/// How a transaction is signed and sent.
#[derive(Debug, Clone, Args)]
pub(super) struct Signing {
    /// Secret URI of the signer (`//Alice`, a mnemonic, a `0x` seed); prefix
    /// `ecdsa:` or `ed25519:` for those schemes (`ecdsa://Alice`), sr25519 otherwise.
    #[arg(long, env = "CARECHAIN_SURI", default_value = "//Alice")]
    pub(super) suri: String,
    /// On a dev node: act as this account without its key (a dev URI, SS58 or 0x
    /// hex): the dry run's origin and the transaction's signer, unsigned.
    #[arg(long = "as", value_name = "ACCOUNT", value_parser = super::parse_account)]
    pub(super) as_account: Option<AccountId>,
    /// Submit a signed transaction instead of a dry run.
    #[arg(short = 'x', long)]
    pub(super) execute: bool,
    /// Print the call's frame tree (`call`, `instantiate`): every nested call with
    /// its contract, message, arguments, return value, gas and events.
    #[arg(long)]
    pub(super) trace: bool,
    /// Gas limit as `REF_TIME,PROOF_SIZE` (default: the dry run's, plus 10%).
    #[arg(long, value_parser = parse_gas)]
    pub(super) gas: Option<Weight>,
    /// The most storage deposit the call may take from the signer (default: what the
    /// signer can pay, up to the chain's default limit), as on pallet-contracts.
    #[arg(long)]
    pub(super) storage_deposit_limit: Option<u128>,
}

impl Signing {
    /// Who signs: the key of `--suri`, or the `--as` account without one.
    fn signer(&self) -> Result<Signer> {
        match self.as_account {
            Some(account) => Ok(Signer::As(account)),
            None => Ok(Signer::Key(Box::new(keypair(&self.suri)?))),
        }
    }
}

/// The signer of the transactions a verb sends.
pub(super) enum Signer {
    /// Signs with this key.
    Key(Box<Keypair>),
    /// A dev node takes the transaction from this account unsigned.
    As(AccountId),
}

impl Signer {
    fn account(&self) -> AccountId {
        match self {
            Signer::Key(key) => key.account_id(),
            Signer::As(account) => *account,
        }
    }

    /// Sends `call` with the next nonce and waits for its receipt.
    fn submit(
        &self,
        client: &Client,
        call: Call,
        gas_limit: Weight,
        deposit_limit: Option<u128>,
    ) -> Result<ReceiptView> {
        match self {
            Signer::Key(key) => {
                let txs = sign_all(client, key, vec![(call, gas_limit)], deposit_limit)?;
                submit_one(client, &txs)
            }
            Signer::As(account) => {
                let tx = Transaction {
                    genesis_hash: client.info()?.genesis_hash.0,
                    signer: *account,
                    nonce: client.account(Address(*account))?.nonce,
                    gas_limit,
                    storage_deposit_limit: deposit_limit,
                    call,
                };
                Ok(client.dev_submit_as(&tx)?)
            }
        }
    }
}

fn parse_gas(text: &str) -> Result<Weight, String> {
    let (r, p) = text
        .split_once(',')
        .ok_or("write the gas limit as REF_TIME,PROOF_SIZE")?;
    let r = r.trim().parse().map_err(|e| format!("ref_time: {e}"))?;
    let p = p.trim().parse().map_err(|e| format!("proof_size: {e}"))?;
    Ok(Weight::new(r, p))
}

/// `upload` arguments.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// A `.contract` bundle or a `.wasm` file.
    pub code: PathBuf,
    #[command(flatten)]
    signing: Signing,
    #[command(flatten)]
    conn: Connection,
}

/// `instantiate` arguments.
#[derive(Debug, Args)]
pub struct InstantiateArgs {
    /// The `.contract` bundle (its code is uploaded first if the chain lacks it).
    pub bundle: PathBuf,
    /// Constructor name.
    #[arg(long, default_value = "new")]
    pub constructor: String,
    /// Constructor arguments, as text (`true`, `42`, `"text"`, `Some(5F...)`).
    #[arg(long, num_args = 0.., allow_negative_numbers = true)]
    pub args: Vec<String>,
    /// Salt for the address, hex.
    #[arg(long, default_value = "0x")]
    pub salt: Bytes,
    /// Endowment.
    #[arg(long, default_value_t = 0)]
    pub value: u128,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    signing: Signing,
    #[command(flatten)]
    conn: Connection,
}

/// `call` arguments.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The contract's address (SS58 or 0x hex).
    #[arg(value_parser = Address::parse)]
    pub contract: Address,
    /// Message name.
    #[arg(long)]
    pub message: String,
    /// Message arguments, as text.
    #[arg(long, num_args = 0.., allow_negative_numbers = true)]
    pub args: Vec<String>,
    /// Value sent with the call.
    #[arg(long, default_value_t = 0)]
    pub value: u128,
    /// The contract's bundle (default: found by code hash in --bundle-dir).
    #[arg(long)]
    pub bundle: Option<PathBuf>,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    signing: Signing,
    #[command(flatten)]
    conn: Connection,
}

/// What `upload`, `instantiate` and `call` print in JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    code_hash: Option<H256>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contract: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dry_run: Option<DryRunView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt: Option<ReceiptView>,
    /// The decoded return value, as `cargo contract` prints it (`Ok(Some(true))`).
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<String>,
    /// The same value as JSON (`{"Ok": {"Some": true}}`; byte arrays as hex or text).
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
    events: Vec<DecodedEvent>,
    /// With `--trace`: the frames, decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<DecodedFrame>>,
    /// An upload's dry run: whether the chain accepts the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<UploadVerdict>,
}

/// What an upload's dry run found, checked here as the chain checks at upload.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadVerdict {
    /// The chain takes the code.
    accepted: bool,
    /// Why not: pallet-contracts' error name.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// What the check found.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// The compile's price, charged as gas at upload.
    compile_gas: Gas,
}

/// A dev URI, mnemonic or seed as a key pair; `ecdsa:` or `ed25519:` first picks
/// that scheme (default sr25519).
pub(super) fn keypair(suri: &str) -> Result<Keypair> {
    Keypair::from_suri(suri).map_err(|e| anyhow!("--suri {suri}: {e}"))
}

/// Signs `calls` from `key` with the next nonce(s), each with its gas limit and
/// `deposit_limit`.
pub(super) fn sign_all(
    client: &Client,
    key: &Keypair,
    calls: Vec<(Call, Weight)>,
    deposit_limit: Option<u128>,
) -> Result<Vec<SignedTransaction>> {
    let genesis_hash = client.info()?.genesis_hash.0;
    let first = client.account(Address(key.account_id()))?.nonce;
    Ok(calls
        .into_iter()
        .zip(first..)
        .map(|((call, gas_limit), nonce)| {
            Transaction {
                genesis_hash,
                signer: key.account_id(),
                nonce,
                gas_limit,
                storage_deposit_limit: deposit_limit,
                call,
            }
            .sign(key)
        })
        .collect())
}

/// The gas limit of an upload: its compile price (the schedule's `CompileWeights` of
/// the code's shape, counted here as the chain counts it) plus 10%, capped at the
/// chain's transaction limit, so an upload does not reserve a whole transaction's
/// weight of its block.
pub(super) fn upload_limit(client: &Client, code: &[u8]) -> Result<Weight> {
    let max: Weight = client.info()?.max_tx_gas.into();
    let schedule = carechain_runtime::ChainConfig::default().schedule;
    let price = schedule
        .compile
        .weight(&carechain_vm::code_shape(code))
        .ref_time;
    let padded = price.saturating_add(price / 10).saturating_add(1);
    Ok(Weight::new(padded.min(max.ref_time), max.proof_size))
}

/// The gas limit to submit with: the user's, or the dry run's plus 10%, capped.
pub(super) fn gas_limit(client: &Client, given: Option<Weight>, required: Gas) -> Result<Weight> {
    if let Some(g) = given {
        return Ok(g);
    }
    let max: Weight = client.info()?.max_tx_gas.into();
    let pad = |v: u64| v.saturating_add(v / 10).saturating_add(1);
    Ok(Weight::new(
        pad(required.ref_time).min(max.ref_time),
        pad(required.proof_size).min(max.proof_size),
    ))
}

fn print_dry_run(run: &DryRunView, result: Option<&str>) {
    println!("dry run: {}", run.outcome);
    if let Some(e) = &run.error {
        println!("  error: {e}");
    }
    if let Some(r) = result {
        println!("  result: {r}");
    }
    if let Some(a) = &run.instantiated {
        println!("  contract: {}", a.0);
    }
    println!("  gas consumed: {}", gas(&run.gas_consumed));
    println!("  gas required: {}", gas(&run.gas_required));
    println!("  storage deposit: {}", deposit(&run.storage_deposit));
    println!("  fee: {} (with the gas required as limit)", run.fee);
    if !run.debug_message.is_empty() {
        println!("  debug: {}", run.debug_message.trim_end());
    }
}

/// `charge N` or `refund N`.
fn deposit(d: &StorageDepositView) -> String {
    match d {
        StorageDepositView::Charge(v) => format!("charge {v}"),
        StorageDepositView::Refund(v) => format!("refund {v}"),
    }
}

fn print_receipt(r: &ReceiptView, result: Option<&str>) {
    println!(
        "included in block #{} {} as transaction {} ({})",
        r.block_number, r.block_hash.0, r.index, r.tx_hash.0
    );
    match &r.error {
        Some(e) => println!("  outcome: {} ({e})", r.outcome),
        None => println!("  outcome: {}", r.outcome),
    }
    if let Some(v) = result {
        println!("  result: {v}");
    }
    if let Some(a) = &r.instantiated {
        println!("  contract: {}", a.0);
    }
    println!("  gas used: {}", gas(&r.gas_used));
    println!("  fee: {}", r.fee);
    println!("  storage deposit: {}", deposit(&r.storage_deposit));
}

/// Fails the command when a submitted transaction did not succeed.
fn require_success(r: &ReceiptView, result: Option<&str>) -> Result<()> {
    if r.outcome == OutcomeKind::Success {
        return Ok(());
    }
    bail!(
        "transaction {} {}{}",
        r.tx_hash.0,
        r.outcome,
        result.map(|v| format!(": {v}")).unwrap_or_default()
    )
}

/// `upload`.
///
/// # Errors
/// Unreadable code, an unreachable chain, or a rejected upload.
pub(super) fn upload(args: &UploadArgs, out: &Out) -> Result<()> {
    let wasm = if args.code.extension().is_some_and(|e| e == "contract") {
        let bundle = Bundle::load(&args.code)?;
        if args.signing.execute {
            super::remember(&bundle);
        }
        bundle.wasm()?.to_vec()
    } else {
        Bundle::wasm_only(&args.code)?
    };
    let hash = carechain_runtime::code_hash(&wasm);
    let mut report = Report {
        code_hash: Some(H256(hash)),
        contract: None,
        dry_run: None,
        receipt: None,
        result: None,
        value: None,
        events: Vec::new(),
        trace: None,
        verdict: None,
    };
    if !args.signing.execute {
        // A dry run checks the code as the chain will at upload (pallet-contracts'
        // `prepare`), here, without a node.
        let vm = carechain_vm::WasmtimeVm::new().map_err(|e| anyhow!("VM: {e}"))?;
        let config = carechain_runtime::ChainConfig::default();
        let verdict = vm.check_code(&wasm, &config);
        let compile = {
            use carechain_runtime::ContractVm;
            config.schedule.compile.weight(&vm.code_shape(&wasm))
        };
        report.verdict = Some(UploadVerdict {
            accepted: verdict.is_ok(),
            error: verdict.as_ref().err().map(|r| r.error.to_string()),
            detail: verdict.as_ref().err().map(|r| r.detail.to_string()),
            compile_gas: compile.into(),
        });
        out.emit(&report, || {
            println!("code hash {hash} ({} bytes)", wasm.len());
            match &verdict {
                Ok(()) => {
                    println!("dry run: the chain accepts this code; add --execute (-x) to upload");
                    println!(
                        "  compile, charged as gas: ref_time {} ps (the upload's gas limit must cover it)",
                        compile.ref_time
                    );
                }
                Err(r) => println!(
                    "dry run: the chain refuses this code: {} ({})",
                    r.error, r.detail
                ),
            }
        })?;
        // The report (with the verdict) is the JSON document; the error sets the status.
        return verdict.map_err(|r| {
            DryRunFailed {
                text: format!("{} ({})", r.error, r.detail),
                outcome: "failed",
                error_name: Some(r.error.to_string()),
            }
            .into()
        });
    }
    let client = args.conn.connect()?;
    let signer = args.signing.signer()?;
    let limit = match args.signing.gas {
        Some(g) => g,
        None => upload_limit(&client, &wasm)?,
    };
    let receipt = signer.submit(
        &client,
        Call::UploadCode { code: wasm.clone() },
        limit,
        args.signing.storage_deposit_limit,
    )?;
    let ok = require_success(&receipt, None);
    report.receipt = Some(receipt);
    out.emit(&report, || {
        println!("code hash {hash} ({} bytes)", wasm.len());
        if let Some(r) = &report.receipt {
            print_receipt(r, None);
        }
    })?;
    ok
}

fn submit_one(client: &Client, txs: &[SignedTransaction]) -> Result<ReceiptView> {
    let tx = txs.first().ok_or_else(|| anyhow!("nothing to submit"))?;
    Ok(client.submit(tx)?)
}

/// `instantiate`.
///
/// # Errors
/// An unknown constructor, bad arguments, a failing constructor, or the chain.
pub(super) fn instantiate(args: &InstantiateArgs, out: &Out) -> Result<()> {
    let bundle = Rc::new(Bundle::load(&args.bundle)?);
    let data = bundle.encode(&args.constructor, &args.args)?;
    if args.signing.execute {
        super::remember(&bundle);
    }
    let client = args.conn.connect()?;
    let signer = args.signing.signer()?;
    let request = DryRunRequest {
        origin: Address(signer.account()),
        gas_limit: None,
        storage_deposit_limit: args.signing.storage_deposit_limit,
        call: DryRunCall::Instantiate {
            code: None,
            code_hash: H256(bundle.code_hash()),
            value: args.value,
            data: Bytes(data.clone()),
            salt: args.salt.clone(),
        },
    };
    let mut run = client.dry_run(&request)?;
    let code_missing = run.contract_error() == Some(ContractError::CodeNotFound);
    if code_missing && args.signing.execute {
        out.note(&format!(
            "code {} is not on chain yet: uploading it first",
            bundle.code_hash()
        ));
        let code = bundle.wasm()?.to_vec();
        let limit = upload_limit(&client, &code)?;
        let receipt = signer.submit(&client, Call::UploadCode { code }, limit, None)?;
        require_success(&receipt, None).context("uploading the code")?;
        run = client.dry_run(&request)?;
    }
    let mut ran_with_code = false;
    if code_missing && !args.signing.execute {
        // A dry run of the whole thing, the code stored in the dry run's state first:
        // a dev node does it; another answers NOT_DEV, and the run above stands.
        let mut with_code = request.clone();
        if let DryRunCall::Instantiate { code, .. } = &mut with_code.call {
            *code = Some(Bytes(bundle.wasm()?.to_vec()));
        }
        match client.dry_run(&with_code) {
            Ok(with_code) => {
                run = with_code;
                ran_with_code = true;
            }
            Err(e) if e.is_not_dev() => {}
            Err(e) => return Err(e.into()),
        }
    }
    let value = (run.outcome != OutcomeKind::Failed)
        .then(|| {
            bundle
                .decode_constructor_return(&args.constructor, &run.data.0)
                .ok()
        })
        .flatten();
    let decoded = value.as_ref().map(ToString::to_string);
    let mut decoder = Decoder::new(&client, &args.bundles);
    if let Some(a) = run.instantiated {
        decoder.insert(a.0, Rc::clone(&bundle));
    }
    let events = decoder.events(&run.events);
    let known = [Rc::clone(&bundle)];
    let traced = args
        .signing
        .trace
        .then(|| trace::decode(&run.trace, &args.bundles, &known, &mut decoder));
    let report = Report {
        code_hash: Some(H256(bundle.code_hash())),
        contract: run.instantiated,
        events,
        result: decoded.clone(),
        value: value.as_ref().map(carechain_bundle::to_json),
        dry_run: Some(run.clone()),
        receipt: None,
        trace: traced,
        verdict: None,
    };
    if !args.signing.execute || run.outcome != OutcomeKind::Success {
        out.emit(&report, || {
            print_dry_run(&run, decoded.as_deref());
            print_events(&report.events);
            if let Some(frames) = &report.trace {
                trace::print(frames);
            }
            if ran_with_code {
                println!(
                    "  the code is not on chain yet: this dry run stored it first (its deposit is counted); --execute uploads it, then instantiates"
                );
            } else if code_missing {
                println!("  the code is not uploaded yet: --execute uploads it first (a dev node dry-runs it with the code)");
            }
        })?;
        if args.signing.execute {
            return Err(DryRunFailed {
                text: "the constructor does not succeed in a dry run, so nothing was submitted"
                    .into(),
                outcome: run.outcome.word(),
                error_name: run.error_name.clone(),
            }
            .into());
        }
        return Ok(());
    }
    let limit = gas_limit(&client, args.signing.gas, run.gas_required)?;
    let call = Call::Instantiate {
        code_hash: bundle.code_hash(),
        value: args.value,
        data,
        salt: args.salt.0.clone(),
    };
    let submission = Submission {
        client: &client,
        signer: &signer,
        deposit_limit: args.signing.storage_deposit_limit,
        out,
        trace: args.signing.trace.then_some((&args.bundles, &known[..])),
    };
    submission.execute(call, limit, report, &mut decoder, |_| value.clone())
}

/// Signs and submits a call whose dry run succeeded, then reports the receipt.
struct Submission<'a> {
    client: &'a Client,
    signer: &'a Signer,
    deposit_limit: Option<u128>,
    out: &'a Out,
    /// With `--trace`: where to find bundles, and those already known.
    trace: Option<(&'a BundleDirs, &'a [Rc<Bundle>])>,
}

impl Submission<'_> {
    /// Submits `call`; `decode` reads the result from the receipt's output.
    fn execute(
        &self,
        call: Call,
        limit: Weight,
        mut report: Report,
        decoder: &mut Decoder<'_>,
        decode: impl Fn(&[u8]) -> Option<Value>,
    ) -> Result<()> {
        let receipt = self
            .signer
            .submit(self.client, call, limit, self.deposit_limit)?;
        let value = decode(&receipt.output.0);
        let result = value.as_ref().map(ToString::to_string);
        report.value = value.as_ref().map(carechain_bundle::to_json);
        let ok = require_success(&receipt, result.as_deref());
        if receipt.instantiated.is_some() {
            report.contract = receipt.instantiated;
        }
        report.events = decoder.events(&receipt.events);
        report.result = result.clone();
        report.dry_run = None;
        report.trace = match self.trace {
            // The node replays the block up to the transaction. The transaction is in
            // a block either way: a trace that fails must not hide its receipt.
            Some((dirs, known)) => match self.client.trace(receipt.tx_hash.0) {
                Ok(frames) => frames.map(|frames| trace::decode(&frames, dirs, known, decoder)),
                Err(e) => {
                    eprintln!("warning: no trace of the included transaction: {e}");
                    None
                }
            },
            None => None,
        };
        report.receipt = Some(receipt);
        self.out.emit(&report, || {
            if let Some(r) = &report.receipt {
                print_receipt(r, result.as_deref());
            }
            print_events(&report.events);
            if let Some(frames) = &report.trace {
                trace::print(frames);
            }
        })?;
        ok
    }
}

/// `call`.
///
/// # Errors
/// No bundle for the contract, an unknown message, bad arguments, a reverted dry run
/// with `--execute`, or the chain.
pub(super) fn call(args: &CallArgs, out: &Out) -> Result<()> {
    let client = args.conn.connect()?;
    let account = client.account(args.contract)?;
    // With its bundle named, a call to an address with no contract (never there, or
    // terminated) still goes to the chain, which answers `ContractNotFound`.
    let bundle = match (&args.bundle, account.code_hash) {
        (Some(path), _) => Bundle::load(path)?,
        (None, None) => bail!(
            "ContractNotFound: no contract lives at {} (never instantiated, or terminated)",
            args.contract.0
        ),
        (None, Some(code_hash)) => args.bundles.find(&code_hash.0).ok_or_else(|| {
            anyhow!(
                "no bundle with code hash {} in {:?}: pass --bundle PATH",
                code_hash.0,
                args.bundles.dirs
            )
        })?,
    };
    let bundle = Rc::new(bundle);
    let data = bundle.encode(&args.message, &args.args)?;
    if args.value > 0 && bundle.is_payable(&args.message) == Some(false) {
        bail!(
            "`{}` is not payable: it refuses any value (leave out --value)",
            args.message
        );
    }
    let signer = args.signing.signer()?;
    let run = client.dry_run(&DryRunRequest {
        origin: Address(signer.account()),
        gas_limit: None,
        storage_deposit_limit: args.signing.storage_deposit_limit,
        call: DryRunCall::Call {
            dest: args.contract,
            value: args.value,
            data: Bytes(data.clone()),
        },
    })?;
    let value = (run.outcome != OutcomeKind::Failed)
        .then(|| bundle.decode_return(&args.message, &run.data.0).ok())
        .flatten();
    let decoded = value.as_ref().map(ToString::to_string);
    let mut decoder = Decoder::new(&client, &args.bundles);
    decoder.insert(args.contract.0, Rc::clone(&bundle));
    let events = decoder.events(&run.events);
    let known = [Rc::clone(&bundle)];
    let traced = args
        .signing
        .trace
        .then(|| trace::decode(&run.trace, &args.bundles, &known, &mut decoder));
    let report = Report {
        code_hash: account.code_hash,
        contract: Some(args.contract),
        events,
        result: decoded.clone(),
        value: value.as_ref().map(carechain_bundle::to_json),
        dry_run: Some(run.clone()),
        receipt: None,
        trace: traced,
        verdict: None,
    };
    if !args.signing.execute || run.outcome != OutcomeKind::Success {
        out.emit(&report, || {
            print_dry_run(&run, decoded.as_deref());
            print_events(&report.events);
            if let Some(frames) = &report.trace {
                trace::print(frames);
            }
        })?;
        if run.outcome != OutcomeKind::Success {
            // The report is printed; the exit status says the call would not succeed.
            let text = format!(
                "`{}` {} in a dry run{}{}",
                args.message,
                run.outcome,
                decoded.map(|d| format!(" ({d})")).unwrap_or_default(),
                if args.signing.execute {
                    ", so nothing was submitted"
                } else {
                    ""
                }
            );
            return Err(DryRunFailed {
                text,
                outcome: run.outcome.word(),
                error_name: run.error_name.clone(),
            }
            .into());
        }
        return Ok(());
    }
    if bundle.is_mutating(&args.message) == Some(false) {
        out.note(&format!(
            "`{}` does not change state; submitting it anyway records the call",
            args.message
        ));
    }
    let limit = gas_limit(&client, args.signing.gas, run.gas_required)?;
    let call = Call::Call {
        dest: args.contract.0,
        value: args.value,
        data,
    };
    let submission = Submission {
        client: &client,
        signer: &signer,
        deposit_limit: args.signing.storage_deposit_limit,
        out,
        trace: args.signing.trace.then_some((&args.bundles, &known[..])),
    };
    submission.execute(call, limit, report, &mut decoder, |output| {
        bundle.decode_return(&args.message, output).ok()
    })
}
