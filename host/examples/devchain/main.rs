//! Carechain end to end on a persistent dev chain, until the node and CLI exist:
//! signed transfers in blocks, invalid transactions turned away, a storage proof
//! checked against a block header, the flipper contract uploaded, instantiated and
//! called on the wasmtime VM, the three healthcare contracts deployed and exercised
//! ([`healthcare`]), and a restart that finds the same head.
//!
//! `cargo run --release -p carechain-host --example devchain [-- BASE_PATH]`

mod healthcare;

use std::path::PathBuf;

use carechain_host::{RedbStore, WasmtimeVm};
use carechain_runtime::{
    account_key, code_hash, contract_address, verify_header_chain, verify_proof, AccountInfo, Call,
    Chain, ChainStore, Genesis, Keypair, NoVm, Outcome, Signature, SignedTransaction, Transaction,
    Weight,
};
use parity_scale_codec::{Decode, Encode};

type Error = Box<dyn std::error::Error>;

const UNIT: u128 = 1_000_000_000_000;
const GAS: Weight = Weight::new(1_000_000_000, 10_000);
const CONTRACT_GAS: Weight = Weight::new(50_000_000_000, 1_000_000);

fn transfer(
    from: &Keypair,
    to: &Keypair,
    nonce: u64,
    value: u128,
    genesis: carechain_runtime::Hash,
) -> SignedTransaction {
    Transaction {
        genesis_hash: genesis,
        signer: from.account_id(),
        nonce,
        gas_limit: GAS,
        call: Call::Transfer {
            dest: to.account_id(),
            value,
        },
    }
    .sign(from)
}

fn main() -> Result<(), Error> {
    let base = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/devchain"), PathBuf::from);
    if base.exists() {
        std::fs::remove_dir_all(&base)?;
    }
    let db_path = base.join("chain.redb");
    let genesis = Genesis::dev()?;
    let [alice, bob, charlie, dave] =
        ["//Alice", "//Bob", "//Charlie", "//Dave"].map(|u| Keypair::from_uri(u).expect("dev URI"));

    let mut chain = Chain::open(RedbStore::open(&db_path)?, &genesis)?;
    let g = chain.genesis_hash();
    println!("dev chain at {} (genesis {g})", db_path.display());
    println!("  //Alice = {}", alice.account_id());

    // Block 1: transfers from Alice, plus one replay and one forged signature.
    let first = transfer(&alice, &bob, 0, 100 * UNIT, g);
    let mut forged = transfer(&alice, &charlie, 2, 5 * UNIT, g);
    forged.signature = Signature([1; 64]);
    let txs = vec![
        first.clone(),
        transfer(&alice, &charlie, 1, 50 * UNIT, g),
        first,
        forged,
    ];
    let produced = chain.produce_block(txs, 6_000, &NoVm)?;
    println!(
        "block #1 {}: {} transactions",
        produced.block.header.hash(),
        produced.receipts.len()
    );
    for r in &produced.receipts {
        println!(
            "  tx {} -> {:?}, gas {:?}",
            r.tx_hash, r.outcome, r.gas_used
        );
    }
    for r in &produced.rejected {
        println!("  rejected {}: {}", r.tx_hash, r.error);
    }

    // Block 2: Bob pays Dave, and tries to overspend (fails, but uses his nonce).
    let txs = vec![
        transfer(&bob, &dave, 0, 10 * UNIT, g),
        transfer(&bob, &dave, 1, u128::MAX / 2, g),
    ];
    let produced = chain.produce_block(txs, 12_000, &NoVm)?;
    println!("block #2 {}", produced.block.header.hash());
    for r in &produced.receipts {
        let note = if r.outcome == Outcome::Success {
            "ok".to_string()
        } else {
            format!("{:?}", r.outcome)
        };
        println!("  tx {} -> {note}", r.tx_hash);
    }

    // A light client's check: Dave's balance, proven against block 2's state root.
    let head = chain.head().clone();
    let key = account_key(&dave.account_id());
    let value = chain
        .storage_at(&head.state_root, &key)?
        .ok_or("Dave has no account")?;
    let proof = chain.prove_at(&head.state_root, &key)?;
    verify_proof(&head.state_root, &key, Some(&value), &proof)?;
    let dave_info = AccountInfo::decode(&mut value.as_slice())?;
    println!(
        "proof: Dave's balance {} verified against state root {} ({} bytes, {} levels)",
        dave_info.balance,
        head.state_root,
        proof.encoded_len(),
        proof.siblings.len()
    );
    let mut tampered = AccountInfo::decode(&mut value.as_slice())?;
    tampered.balance += 1;
    let rejected = verify_proof(&head.state_root, &key, Some(&tampered.encode()), &proof);
    println!(
        "proof: a balance one unit higher is rejected: {}",
        rejected
            .err()
            .map_or("NOT REJECTED".into(), |e| e.to_string())
    );

    // The flipper contract, as built by scripts/build-contracts.sh, on the wasmtime VM.
    let vm = WasmtimeVm::new().map_err(|e| e.to_string())?;
    let wasm_path = PathBuf::from("target/ink/flipper/flipper.wasm");
    match std::fs::read(&wasm_path) {
        Ok(wasm) => flipper(&mut chain, &vm, &alice, wasm)?,
        Err(_) => println!(
            "flipper: {} not built (run ./scripts/build-contracts.sh)",
            wasm_path.display()
        ),
    }
    healthcare::run(&mut chain, &vm)?;
    let head = chain.head().clone();

    // Restart: the same head, and the header chain links.
    drop(chain);
    let chain = Chain::open(RedbStore::open(&db_path)?, &genesis)?;
    let store = chain.store();
    let headers = (0..=chain.head().number)
        .map(|n| -> Result<_, Error> {
            let hash = store.block_hash(n)?.ok_or("missing block")?;
            Ok(store.header(&hash)?.ok_or("missing header")?)
        })
        .collect::<Result<Vec<_>, _>>()?;
    verify_header_chain(&headers).map_err(|i| format!("header {i} does not link"))?;
    println!(
        "restart: head #{} {} (same as before: {}), {} headers linked",
        chain.head().number,
        chain.head().hash(),
        chain.head() == &head,
        headers.len()
    );
    Ok(())
}

/// Uploads flipper, instantiates it with `new(false)` from Alice, flips it and reads it.
fn flipper(
    chain: &mut Chain<RedbStore>,
    vm: &WasmtimeVm,
    alice: &Keypair,
    wasm: Vec<u8>,
) -> Result<(), Error> {
    let g = chain.genesis_hash();
    let hash = code_hash(&wasm);
    let mut ctor = selector("flipper", "constructors", "new")?.to_vec();
    false.encode_to(&mut ctor);
    let address = contract_address(&alice.account_id(), &hash, &ctor, &[]);
    println!("flipper: {} bytes, code hash {hash}", wasm.len());
    println!("flipper: new(false) by //Alice lives at {address}, as on any pallet-contracts chain");
    let nonce = chain.account(&alice.account_id())?.nonce;
    let tx = |n: u64, call: Call| {
        Transaction {
            genesis_hash: g,
            signer: alice.account_id(),
            nonce: nonce + n,
            gas_limit: CONTRACT_GAS,
            call,
        }
        .sign(alice)
    };
    let message = |n: u64, label: &str| -> Result<SignedTransaction, Error> {
        let data = selector("flipper", "messages", label)?.to_vec();
        Ok(tx(
            n,
            Call::Call {
                dest: address,
                value: 0,
                data,
            },
        ))
    };
    let txs = vec![
        tx(0, Call::UploadCode { code: wasm }),
        tx(
            1,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data: ctor,
                salt: vec![],
            },
        ),
        message(2, "flip")?,
        message(3, "get")?,
    ];
    let ts = chain.head().timestamp + 6_000;
    let produced = chain.produce_block(txs, ts, vm)?;
    println!(
        "block #{} {}",
        produced.block.header.number,
        produced.block.header.hash()
    );
    for (what, r) in ["upload", "instantiate", "flip", "get"]
        .iter()
        .zip(&produced.receipts)
    {
        println!(
            "  {what:<11} -> {:?}, output 0x{}, gas ref_time {} proof_size {}, {} event(s)",
            r.outcome,
            hex::encode(&r.output),
            r.gas_used.ref_time,
            r.gas_used.proof_size,
            r.events.len()
        );
    }
    let get = produced.receipts.last().ok_or("no receipt")?;
    // ink! returns Result<bool, LangError>: Ok(true) is [0, 1].
    println!("flipper: get() after one flip = {}", get.output == [0, 1]);
    let topic = carechain_runtime::Hash(alice.account_id().0);
    let events = chain.store().events_by_topic(&topic)?;
    println!(
        "flipper: {} event(s) indexed under //Alice's topic",
        events.len()
    );
    Ok(())
}

/// A selector from a built contract's metadata.
fn selector(contract: &str, kind: &str, label: &str) -> Result<[u8; 4], Error> {
    let metadata = std::fs::read(format!("target/ink/{contract}/{contract}.json"))?;
    let json: serde_json::Value = serde_json::from_slice(&metadata)?;
    let items = json["spec"][kind]
        .as_array()
        .ok_or("metadata lists no such items")?;
    let item = items
        .iter()
        .find(|c| c["label"] == label)
        .ok_or_else(|| format!("no `{label}` in metadata"))?;
    let hex_selector = item["selector"]
        .as_str()
        .ok_or("selector is not a string")?;
    let bytes = hex::decode(hex_selector.trim_start_matches("0x"))?;
    bytes
        .try_into()
        .map_err(|_| "selector is not 4 bytes".into())
}
