//! End to end: blocks of signed transfers from many accounts, signature batch, nonce
//! checks, execution, trie commit and redb commit with fsync. Baseline in the same
//! run: the same blocks on the in-memory store.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::time::Duration;

use carechain_node::RedbStore;
use carechain_runtime::{
    Call, Chain, ChainStore, Genesis, Keypair, MemoryStore, NoVm, SignedTransaction, Transaction,
    Weight,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const SENDERS: usize = 1_000;
const PER_BLOCK: usize = 1_000;

struct Senders {
    keys: Vec<Keypair>,
    nonces: Vec<u64>,
}

fn genesis(keys: &[Keypair]) -> Genesis {
    let mut g = Genesis::dev().expect("dev genesis");
    g.endowed
        .extend(keys.iter().map(|k| (k.account_id(), 1u128 << 60)));
    g
}

fn block_of_transfers(
    s: &mut Senders,
    genesis_hash: carechain_runtime::Hash,
) -> Vec<SignedTransaction> {
    (0..PER_BLOCK)
        .map(|i| {
            let from = i % SENDERS;
            let to = s.keys[(i * 31 + 7) % SENDERS].account_id();
            let nonce = s.nonces[from];
            s.nonces[from] += 1;
            Transaction {
                genesis_hash,
                signer: s.keys[from].account_id(),
                nonce,
                gas_limit: Weight::new(1_000_000_000, 10_000),
                storage_deposit_limit: None,
                call: Call::Transfer {
                    dest: to,
                    value: 1_000_000_000 + i as u128,
                },
            }
            .sign(&s.keys[from])
        })
        .collect()
}

fn run<S: ChainStore>(c: &mut Criterion, name: &str, store: S, keys: &[Keypair]) {
    let mut chain = Chain::open(store, &genesis(keys)).expect("open");
    let mut senders = Senders {
        keys: keys.to_vec(),
        nonces: vec![0; SENDERS],
    };
    let g = chain.genesis_hash();
    let mut group = c.benchmark_group("signed_transfers_per_block_1000");
    group.throughput(Throughput::Elements(PER_BLOCK as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function(name, |b| {
        b.iter_batched(
            || block_of_transfers(&mut senders, g),
            |txs| {
                let ts = chain.head().timestamp + 6_000;
                let produced = chain.produce_block(txs, ts, &NoVm).expect("block");
                assert!(produced.rejected.is_empty());
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn blocks(c: &mut Criterion) {
    let keys: Vec<Keypair> = (0..SENDERS)
        .map(|i| Keypair::from_uri(&format!("//sender{i}")).expect("uri"))
        .collect();
    run(c, "memory_baseline", MemoryStore::default(), &keys);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path().join("bench.redb")).expect("redb");
    run(c, "redb_fsync", store, &keys);
}

criterion_group!(benches, blocks);
criterion_main!(benches);
