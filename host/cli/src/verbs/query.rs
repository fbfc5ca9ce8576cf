//! Read-only verbs: `events`, `proof`, `verify-proof`, `block`, `account`.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use carechain_runtime::{verify_encoded_proof, BlockNumber, Hash, Keypair};
use clap::Args;
use serde::Serialize;

use super::decode::{print_events, Decoder};
use super::output::{gas, Out};
use super::{BundleDirs, Connection};
use carechain_bundle::Bundle;
use carechain_rpc::{Address, BlockId, Bytes, EventFilter, ProofRequest, ProofView, H256};

/// `events` arguments.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only this contract's events.
    #[arg(long, value_parser = Address::parse)]
    pub contract: Option<Address>,
    /// Only events with this topic (0x hex).
    #[arg(long, conflicts_with = "name")]
    pub topic: Option<String>,
    /// Only events with this name (needs --contract and its bundle).
    #[arg(long, requires = "contract")]
    pub name: Option<String>,
    /// From this block on.
    #[arg(long)]
    pub from: Option<BlockNumber>,
    /// At most this many.
    #[arg(long)]
    pub limit: Option<u32>,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    conn: Connection,
}

/// `proof` arguments.
#[derive(Debug, Args)]
pub struct ProofArgs {
    /// The contract.
    #[arg(value_parser = Address::parse)]
    pub contract: Address,
    /// A raw storage key of the contract (0x hex), instead of --field.
    #[arg(conflicts_with = "field")]
    pub raw_key: Option<Bytes>,
    /// A storage field by name (for a Mapping, with --key).
    #[arg(long, alias = "mapping")]
    pub field: Option<String>,
    /// The Mapping key, as text in the key's type (`"00312345678906"`, `5Grw...`).
    #[arg(long, requires = "field")]
    pub key: Option<String>,
    /// At which block.
    #[arg(long, default_value = "latest")]
    pub at: BlockId,
    /// The contract's bundle (default: found by code hash in --bundle-dir).
    #[arg(long)]
    pub bundle: Option<PathBuf>,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    conn: Connection,
}

/// `verify-proof` arguments.
#[derive(Debug, Args)]
pub struct VerifyProofArgs {
    /// A file written by `proof --output json` or `epcis export`, or `-` for stdin.
    pub file: PathBuf,
    /// A block hash you trust (for example from your own node); the proof's header
    /// must hash to it.
    #[arg(long)]
    pub block_hash: Option<H256>,
}

/// `block` arguments.
#[derive(Debug, Args)]
pub struct BlockArgs {
    /// A number, a 0x hash, or `latest`.
    #[arg(default_value = "latest")]
    pub at: BlockId,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    conn: Connection,
}

/// `account` arguments.
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// An SS58 address, 0x account id, or secret URI such as `//Alice` (`ecdsa://Alice`
    /// for an ecdsa account).
    pub who: String,
    #[command(flatten)]
    conn: Connection,
}

/// `events`.
///
/// # Errors
/// A bad filter or the chain.
pub(super) fn events(args: &EventsArgs, out: &Out) -> Result<()> {
    let client = args.conn.connect()?;
    let mut topic = args
        .topic
        .as_deref()
        .map(|t| Hash::from_hex(t).map_err(|e| anyhow!("--topic {t}: {e}")))
        .transpose()?;
    let mut decoder = Decoder::new(&client, &args.bundles);
    if let (Some(name), Some(contract)) = (&args.name, args.contract) {
        let bundle = decoder.bundle(contract.0).ok_or_else(|| {
            anyhow!(
                "no bundle for {} in --bundle-dir: cannot resolve --name",
                contract.0
            )
        })?;
        topic = Some(bundle.event_topic(name)?);
    }
    let filter = EventFilter {
        contract: args.contract,
        topic: topic.map(H256),
        from_block: args.from,
        limit: args.limit,
    };
    let events = client.events(&filter)?;
    let decoded = decoder.events(&events);
    out.emit(&decoded, || {
        println!("{} events", decoded.len());
        print_events(&decoded);
    })
}

/// Checks a proof view: the header hashes to the claimed hash (and to a trusted one,
/// if given) and the proof leads from its state root to the key and value.
///
/// # Errors
/// Which check failed.
pub fn check_proof(view: &ProofView, trusted: Option<Hash>) -> Result<()> {
    let header = view.header.header();
    let hash = header.hash();
    if hash != view.header.hash.0 {
        bail!(
            "the header does not hash to {} (it hashes to {hash})",
            view.header.hash.0
        );
    }
    if let Some(t) = trusted {
        if t != hash {
            bail!("the proof is for block {hash}, not the trusted block {t}");
        }
    }
    verify_encoded_proof(
        &header.state_root,
        &view.state_key.0,
        view.value.as_ref().map(|v| v.0.as_slice()),
        &view.proof.0,
    )
    .map_err(|e| anyhow!("the proof does not verify: {e}"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Verified {
    verified: bool,
    block_number: BlockNumber,
    block_hash: H256,
    state_root: H256,
    present: bool,
    /// Whether the header was checked against a trusted block hash; without one only
    /// the proof's consistency with the header it carries was checked.
    anchored: bool,
}

/// `proof`.
///
/// # Errors
/// No bundle or field, an unknown block or contract, or a proof that does not verify.
pub(super) fn proof(args: &ProofArgs, out: &Out) -> Result<()> {
    let client = args.conn.connect()?;
    let key = match (&args.raw_key, &args.field) {
        (Some(k), _) => k.0.clone(),
        (None, Some(field)) => {
            let bundle = match &args.bundle {
                Some(p) => Bundle::load(p)?,
                None => {
                    let hash = client
                        .account(args.contract)?
                        .code_hash
                        .ok_or_else(|| anyhow!("no contract at {}", args.contract.0))?;
                    args.bundles.find(&hash.0).ok_or_else(|| {
                        anyhow!(
                            "no bundle with code hash {} in --bundle-dir: pass --bundle",
                            hash.0
                        )
                    })?
                }
            };
            bundle.storage_key(field, args.key.as_deref())?
        }
        (None, None) => bail!("give a raw 0x key or --field NAME [--key ARG]"),
    };
    let view = client.proof(&ProofRequest {
        contract: Some(args.contract),
        key: Bytes(key),
        at: Some(args.at),
    })?;
    check_proof(&view, None).context("the node's proof is wrong")?;
    out.emit(&view, || {
        println!(
            "block #{} {}, state root {}",
            view.header.number, view.header.hash.0, view.header.state_root.0
        );
        println!("contract {} key {}", args.contract.0, view.key);
        match &view.value {
            Some(v) => println!("value {v} ({} bytes)", v.0.len()),
            None => println!("absent (a proof of non-inclusion)"),
        }
        println!(
            "proof {} bytes: verified against the state root",
            view.proof.0.len()
        );
    })
}

/// `verify-proof`.
///
/// # Errors
/// The file is unreadable or the proof does not hold.
pub(super) fn verify_proof(args: &VerifyProofArgs, out: &Out) -> Result<()> {
    let text = if args.file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(&args.file)
            .with_context(|| format!("reading {}", args.file.display()))?
    };
    // A proof as `proof --output json` prints it, or an EPCIS export carrying one.
    let mut json: serde_json::Value = serde_json::from_str(&text).context("not JSON")?;
    if let Some(embedded) = json.get_mut("carechain:stateProof") {
        json = embedded.take();
    }
    let view: ProofView = serde_json::from_value(json).context(
        "not a proof as printed by `carechain proof --output json` or `carechain epcis export`",
    )?;
    check_proof(&view, args.block_hash.map(|h| h.0))?;
    let verified = Verified {
        verified: true,
        block_number: view.header.number,
        block_hash: view.header.hash,
        state_root: view.header.state_root,
        present: view.value.is_some(),
        anchored: args.block_hash.is_some(),
    };
    out.emit(&verified, || {
        println!(
            "proof verified: {} is {} in block #{} {} (state root {})",
            view.key,
            if verified.present {
                "present"
            } else {
                "absent"
            },
            view.header.number,
            view.header.hash.0,
            view.header.state_root.0
        );
        if !verified.anchored {
            println!(
                "note: checked only that the proof is consistent with the header it carries; \
                 nothing says that header is on your chain: pass --block-hash with a hash \
                 from a node you trust"
            );
        }
    })
}

/// `block`.
///
/// # Errors
/// An unknown block or the chain.
pub(super) fn block(args: &BlockArgs, out: &Out) -> Result<()> {
    let client = args.conn.connect()?;
    let block = client.block(args.at)?;
    let mut decoder = Decoder::new(&client, &args.bundles);
    out.emit(&block, || {
        let h = &block.header;
        println!("block #{} {}", h.number, h.hash.0);
        println!("  parent      {}", h.parent_hash.0);
        println!("  timestamp   {} ms", h.timestamp);
        println!("  state root  {}", h.state_root.0);
        println!("  extrinsics  {}", h.extrinsics_root.0);
        println!("  receipts    {}", h.receipts_root.0);
        for t in &block.transactions {
            let r = &t.receipt;
            println!(
                "  tx {} {} by {} nonce {}: {}{}, gas {}",
                r.index,
                t.kind,
                t.signer.0,
                t.nonce,
                r.outcome,
                r.error
                    .as_ref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default(),
                gas(&r.gas_used)
            );
            print_events(&decoder.events(&r.events));
        }
    })
}

/// `account`.
///
/// # Errors
/// An unparsable account or the chain.
pub(super) fn account(args: &AccountArgs, out: &Out) -> Result<()> {
    let who = match Address::parse(&args.who) {
        Ok(a) => a,
        Err(as_address) => Keypair::from_suri(&args.who)
            .map(|k| Address(k.account_id()))
            .map_err(|e| anyhow!("{as_address}; as a secret URI: {e}"))?,
    };
    let client = args.conn.connect()?;
    let view = client.account(who)?;
    out.emit(&view, || {
        println!("{}", view.address.0);
        println!("  public key {}", view.public_key.0);
        println!("  balance    {}", view.balance);
        println!("  nonce      {}", view.nonce);
        if let Some(h) = view.code_hash {
            println!("  contract with code hash {}", h.0);
        }
    })
}
