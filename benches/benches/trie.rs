//! Trie throughput: blocks of 1,000 inserts or updates at 10^4, 10^5 and 10^6 keys,
//! root computed and nodes committed, in memory and in redb; proof size and
//! verification. Baseline in the same run: the SHA-256 floor (the hashes alone).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::time::Duration;

use carechain_benches::{commit_root, key, memory_trie, persist, value};
use carechain_node::RedbStore;
use carechain_runtime::{verify_proof, ChainStore, Trie};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use sha2::{Digest, Sha256};

const BLOCK: u64 = 1_000;
const SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];

fn sha256_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha256_floor");
    group.throughput(Throughput::Elements(BLOCK));
    let input = [7u8; 65];
    group.bench_function("1000_node_hashes", |b| {
        b.iter(|| {
            for i in 0..BLOCK {
                let mut h = Sha256::new();
                h.update(i.to_le_bytes());
                h.update(input);
                std::hint::black_box(h.finalize());
            }
        })
    });
    group.finish();
}

fn memory_updates(c: &mut Criterion) {
    let mut group = c.benchmark_group("trie_memory");
    group.throughput(Throughput::Elements(BLOCK));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for n in SIZES {
        // Built on first use, so a filtered run builds only the tries it measures.
        let mut trie = None;
        let mut round = 1;
        group.bench_with_input(BenchmarkId::new("update_1000", n), &n, |b, &n| {
            let (store, root) = trie.get_or_insert_with(|| memory_trie(n));
            b.iter(|| {
                // Spread over the key space, like a block's accounts.
                let changes = (0..BLOCK).map(|i| {
                    let k = (i * 7_919 + round * 104_729) % n;
                    (key(k), Some(value(k, round)))
                });
                let update = Trie::new(&*store).update(root, changes).expect("update");
                store.insert_nodes(update.nodes);
                *root = update.root;
                round += 1;
            })
        });
        let mut next = n;
        group.bench_with_input(BenchmarkId::new("insert_1000", n), &n, |b, &n| {
            let (store, root) = trie.get_or_insert_with(|| memory_trie(n));
            b.iter(|| {
                let changes = (next..next + BLOCK).map(|k| (key(k), Some(value(k, 0))));
                let update = Trie::new(&*store).update(root, changes).expect("update");
                store.insert_nodes(update.nodes);
                *root = update.root;
                next += BLOCK;
            })
        });
    }
    group.finish();
}

fn redb_updates(c: &mut Criterion) {
    let mut group = c.benchmark_group("trie_redb");
    group.throughput(Throughput::Elements(BLOCK));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for n in SIZES {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut persisted = None;
        let mut round = 1;
        group.bench_with_input(
            BenchmarkId::new("update_1000_commit_fsync", n),
            &n,
            |b, &n| {
                let (store, root) = persisted.get_or_insert_with(|| {
                    let mut store = RedbStore::open(dir.path().join("bench.redb")).expect("redb");
                    let (memory, root) = memory_trie(n);
                    persist(&memory, root, &mut store);
                    (store, root)
                });
                b.iter(|| {
                    let changes = (0..BLOCK).map(|i| {
                        let k = (i * 7_919 + round * 104_729) % n;
                        (key(k), Some(value(k, round)))
                    });
                    let update = Trie::new(&*store).update(root, changes).expect("update");
                    commit_root(store, update.root, update.nodes);
                    *root = update.root;
                    round += 1;
                })
            },
        );
        if let Some((store, _)) = &persisted {
            assert!(store.head().expect("head").is_some());
        }
    }
    group.finish();
}

fn proofs(c: &mut Criterion) {
    let mut group = c.benchmark_group("proof");
    for n in SIZES {
        let (store, root) = memory_trie(n);
        let trie = Trie::new(&store);
        let samples: Vec<_> = (0..1_000).map(|i| (i * 997) % n).collect();
        let total: usize = samples
            .iter()
            .map(|k| trie.prove(&root, &key(*k)).expect("prove").encoded_len())
            .sum();
        let avg = total / samples.len();
        println!("proof size at {n} keys: {avg} bytes on average (SCALE), over 1000 keys");
        let proof = trie.prove(&root, &key(samples[1])).expect("prove");
        let v = value(samples[1], 0);
        group.bench_with_input(BenchmarkId::new("verify", n), &n, |b, _| {
            b.iter(|| verify_proof(&root, &key(samples[1]), Some(&v), &proof).expect("valid"))
        });
        group.bench_with_input(BenchmarkId::new("prove", n), &n, |b, _| {
            b.iter_batched(
                || key(samples[2]),
                |k| trie.prove(&root, &k).expect("prove"),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, sha256_floor, memory_updates, redb_updates, proofs);
criterion_main!(benches);
