//! `storage`: every cell of a contract's storage at a block, decoded with the
//! storage layout of its bundle (cargo-contract's `storage` verb on Carechain): the
//! root cell's fields, each Mapping entry with its key, each Lazy cell; with
//! `--proof`, a Merkle proof of each cell, checked against the block's state root.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use clap::Args;
use serde::Serialize;

use super::output::Out;
use super::query::check_proof;
use super::{BundleDirs, Connection};
use carechain_bundle::Bundle;
use carechain_rpc::{Address, BlockId, Bytes, HeaderView, ProofRequest, StorageRequest};

/// `storage` arguments.
#[derive(Debug, Args)]
pub struct StorageArgs {
    /// The contract.
    #[arg(value_parser = Address::parse)]
    pub contract: Address,
    /// At which block.
    #[arg(long, default_value = "latest")]
    pub at: BlockId,
    /// Add a Merkle proof of each cell, checked against the block's state root.
    #[arg(long)]
    pub proof: bool,
    /// Read at most this many keys (1 to 1,000; the listing says where to go on).
    #[arg(long, default_value_t = 1_000)]
    pub limit: u32,
    /// Start after this contract key (the `next` of the previous listing).
    #[arg(long)]
    pub after: Option<Bytes>,
    /// The contract's bundle (default: found by code hash in --bundle-dir).
    #[arg(long)]
    pub bundle: Option<PathBuf>,
    #[command(flatten)]
    bundles: BundleDirs,
    #[command(flatten)]
    conn: Connection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cell {
    /// The storage field (`consents`), or null for a key no field owns.
    field: Option<String>,
    /// A Mapping entry's key, decoded.
    key: Option<String>,
    /// The value, decoded.
    value: Option<String>,
    raw_key: Bytes,
    raw_value: Bytes,
    /// With `--proof`: the SCALE-encoded proof of the whole cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<Bytes>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listing {
    header: HeaderView,
    contract: Address,
    contract_name: Option<String>,
    cells: Vec<Cell>,
    /// More cells may follow: `--after` this key.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Bytes>,
    /// With `--proof`: every cell's proof verified against `header.stateRoot`.
    #[serde(skip_serializing_if = "Option::is_none")]
    proofs_verified: Option<bool>,
}

/// Runs `storage`.
///
/// # Errors
/// No contract at the address, no bundle for its code, a proof that does not verify,
/// or the chain.
pub(super) fn run(args: &StorageArgs, out: &Out) -> Result<()> {
    let client = args.conn.connect()?;
    let view = client.storage(&StorageRequest {
        contract: args.contract,
        at: Some(args.at),
        after: args.after.clone(),
        limit: Some(args.limit),
    })?;
    let bundle = match &args.bundle {
        Some(path) => Some(Bundle::load(path)?),
        None => client
            .account(args.contract)?
            .code_hash
            .and_then(|h| args.bundles.find(&h.0)),
    };
    let entries: Vec<(Vec<u8>, Vec<u8>)> = view
        .entries
        .iter()
        .map(|e| (e.key.0.clone(), e.value.0.clone()))
        .collect();
    let decoded = match &bundle {
        Some(b) => b.decode_storage(&entries),
        None => Vec::new(),
    };
    let mut cells: Vec<Cell> = if bundle.is_some() {
        decoded
            .into_iter()
            .map(|c| Cell {
                field: c.field,
                key: c.key.map(|k| k.to_string()),
                value: c.value.map(|v| v.to_string()),
                raw_key: Bytes(c.raw_key),
                raw_value: Bytes(c.raw_value),
                proof: None,
            })
            .collect()
    } else {
        entries
            .into_iter()
            .map(|(k, v)| Cell {
                field: None,
                key: None,
                value: None,
                raw_key: Bytes(k),
                raw_value: Bytes(v),
                proof: None,
            })
            .collect()
    };
    let proofs_verified = if args.proof {
        // Packed fields share their cell: one proof per key.
        let mut last: Option<(Vec<u8>, Bytes)> = None;
        for cell in &mut cells {
            let proof = match &last {
                Some((key, proof)) if *key == cell.raw_key.0 => proof.clone(),
                _ => {
                    let proven = client.proof(&ProofRequest {
                        contract: Some(args.contract),
                        key: cell.raw_key.clone(),
                        at: Some(BlockId::Hash(view.header.hash.0)),
                    })?;
                    check_proof(&proven, Some(view.header.hash.0))
                        .map_err(|e| anyhow!("cell {}: {e}", cell.raw_key))?;
                    last = Some((cell.raw_key.0.clone(), proven.proof.clone()));
                    proven.proof
                }
            };
            cell.proof = Some(proof);
        }
        Some(true)
    } else {
        None
    };
    let listing = Listing {
        header: view.header.clone(),
        contract: args.contract,
        contract_name: bundle.as_ref().map(|b| b.name().to_string()),
        cells,
        next: view.next.clone(),
        proofs_verified,
    };
    out.emit(&listing, || print(&listing, bundle.is_none()))
}

fn print(listing: &Listing, no_bundle: bool) {
    println!(
        "storage of {}{} at block #{} (state root {})",
        listing.contract.0,
        listing
            .contract_name
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        listing.header.number,
        listing.header.state_root.0
    );
    if no_bundle {
        println!("  no bundle with its code hash: raw keys and values (pass --bundle PATH)");
    }
    if listing.cells.is_empty() {
        println!("  (empty)");
    }
    for cell in &listing.cells {
        let field = cell.field.as_deref().unwrap_or("?");
        let value = cell
            .value
            .clone()
            .unwrap_or_else(|| cell.raw_value.to_string());
        match &cell.key {
            Some(key) => println!("  {field}[{key}] = {value}"),
            None => println!("  {field} = {value}"),
        }
        if let Some(proof) = &cell.proof {
            println!("    key {} proof {} bytes", cell.raw_key, proof.0.len());
        }
    }
    if let Some(next) = &listing.next {
        println!("  more may follow: --after {next}");
    }
    if listing.proofs_verified == Some(true) {
        println!("  every proof verified against the state root");
    }
}
