//! The runtime end to end on a persistent dev chain, until the node and CLI exist:
//! signed transfers in blocks, invalid transactions turned away, a storage proof
//! checked against a block header, the flipper contract's identity as a Substrate
//! chain would derive it, and a restart that finds the same head.
//!
//! `cargo run --release -p carechain-host --example devchain [-- BASE_PATH]`

use std::path::PathBuf;

use carechain_host::RedbStore;
use carechain_runtime::{
    account_key, code_hash, contract_address, verify_header_chain, verify_proof, AccountInfo, Call,
    Chain, ChainStore, Genesis, Keypair, NoVm, Outcome, Signature, SignedTransaction, Transaction,
    Weight,
};
use parity_scale_codec::{Decode, Encode};

type Error = Box<dyn std::error::Error>;

const UNIT: u128 = 1_000_000_000_000;
const GAS: Weight = Weight::new(1_000_000_000, 10_000);

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

    // The flipper contract, as built by scripts/build-contracts.sh.
    let wasm_path = PathBuf::from("target/ink/flipper/flipper.wasm");
    match std::fs::read(&wasm_path) {
        Ok(wasm) => {
            let hash = code_hash(&wasm);
            let selector = flipper_new_selector()?;
            let mut input = selector.to_vec();
            true.encode_to(&mut input);
            let address = contract_address(&alice.account_id(), &hash, &input, &[]);
            println!("flipper: {} bytes, code hash {hash}", wasm.len());
            println!("flipper: new(true) by //Alice, no salt, lives at {address} on any pallet-contracts chain");
        }
        Err(_) => println!(
            "flipper: {} not built (run ./scripts/build-contracts.sh)",
            wasm_path.display()
        ),
    }

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

/// The `new` constructor's selector, from the contract's metadata.
fn flipper_new_selector() -> Result<[u8; 4], Error> {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read("target/ink/flipper/flipper.json")?)?;
    let constructors = json["spec"]["constructors"]
        .as_array()
        .ok_or("metadata has no constructors")?;
    let new = constructors
        .iter()
        .find(|c| c["label"] == "new")
        .ok_or("no `new` constructor")?;
    let hex_selector = new["selector"].as_str().ok_or("selector is not a string")?;
    let bytes = hex::decode(hex_selector.trim_start_matches("0x"))?;
    bytes
        .try_into()
        .map_err(|_| "selector is not 4 bytes".into())
}
