//! Writes a corpus of storage proofs (a trie of 100 000 keys; 1 000 inclusion and
//! 1 000 non-inclusion proofs) as JSON for `js/bench/proofs.mjs`, and measures how
//! fast the same proofs verify natively, so Node.js and native are compared on the
//! very same inputs: `scripts/bench-js.sh`.

use std::time::Instant;

use carechain_runtime::{verify_encoded_proof, Hash, MemoryStore, Trie, EMPTY_ROOT};
use parity_scale_codec::Encode;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/js-bench/proofs.json".into());
    let keys = 100_000u32;
    let mut store = MemoryStore::default();
    let update = Trie::new(&store).update(
        &EMPTY_ROOT,
        (0..keys).map(|i| {
            (
                i.to_le_bytes().to_vec(),
                Some(format!("record {i}").into_bytes()),
            )
        }),
    )?;
    store.insert_nodes(update.nodes);
    let root: Hash = update.root;
    let trie = Trie::new(&store);
    let mut corpus = Vec::new();
    for i in 0..2_000u32 {
        // Even: a present key; odd: an absent one.
        let key = if i % 2 == 0 {
            (i * 37 % keys).to_le_bytes().to_vec()
        } else {
            (keys + i).to_le_bytes().to_vec()
        };
        let value = trie.get(&root, &key)?;
        let proof = trie.prove(&root, &key)?.encode();
        corpus.push((key, value, proof));
    }
    let json: Vec<String> = corpus
        .iter()
        .map(|(k, v, p)| {
            format!(
                "{{\"key\":\"0x{}\",\"value\":{},\"proof\":\"0x{}\"}}",
                hex::encode(k),
                v.as_ref()
                    .map_or("null".to_string(), |v| format!("\"0x{}\"", hex::encode(v))),
                hex::encode(p)
            )
        })
        .collect();
    std::fs::write(
        &out,
        format!(
            "{{\"root\":\"0x{}\",\"proofs\":[{}]}}",
            hex::encode(root.0),
            json.join(",")
        ),
    )?;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..10 {
            for (k, v, p) in &corpus {
                verify_encoded_proof(&root, k, v.as_deref(), p).map_err(|e| e.to_string())?;
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let rate = (corpus.len() * 10) as f64 / best;
    println!(
        "native: {rate:.0} proofs/s ({} proofs of a {keys}-key trie, best of 5)",
        corpus.len()
    );
    println!("corpus: {out}");
    Ok(())
}
