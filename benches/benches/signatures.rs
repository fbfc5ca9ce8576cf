//! sr25519: 1,000 signatures checked one by one (the baseline) versus as parallel batches.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use carechain_runtime::{verify, verify_batch, Keypair, Signature, SignedMessage};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const N: usize = 1_000;

fn signatures(c: &mut Criterion) {
    let keys: Vec<Keypair> = (0..8)
        .map(|i| Keypair::from_uri(&format!("//bench{i}")).expect("uri"))
        .collect();
    let ids: Vec<_> = keys.iter().map(Keypair::account_id).collect();
    let messages: Vec<Vec<u8>> = (0..N)
        .map(|i| format!("carechain tx {i}").into_bytes())
        .collect();
    let sigs: Vec<Signature> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| keys[i % 8].sign(m))
        .collect();
    let items: Vec<SignedMessage<'_>> = (0..N)
        .map(|i| SignedMessage {
            signer: &ids[i % 8],
            message: &messages[i],
            signature: &sigs[i],
        })
        .collect();

    let mut group = c.benchmark_group("sr25519_1000");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(20);
    group.bench_function("single_verify_baseline", |b| {
        b.iter(|| {
            assert!(items
                .iter()
                .all(|it| verify(it.signer, it.message, it.signature)))
        })
    });
    group.bench_function("batch_verify_parallel", |b| {
        b.iter(|| verify_batch(&items).expect("valid"))
    });
    group.finish();
}

criterion_group!(benches, signatures);
criterion_main!(benches);
