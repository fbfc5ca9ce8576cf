//! Sentinel scoring throughput, events per second (TARGETS.md: at least 100k/s): a
//! generated world (Config::small) run through the real contracts once, then its raw
//! events decoded, explained, featurized and scored with a model trained on them.
//! Baseline in the same run: decoding alone (SCALE by signature topic), the floor any
//! reader of the chain pays.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::time::Duration;

use carechain_cli::simulate::Artifacts;
use carechain_cli::{observe_all, run_simulation, training_set};
use carechain_sentinel::generate::Config;
use carechain_sentinel::model::Model;
use carechain_sentinel::scan::{self, Pipeline};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn scoring(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/ink");
    let Ok(artifacts) = Artifacts::load(&dir) else {
        eprintln!(
            "sentinel bench skipped: build the contracts first (./scripts/build-contracts.sh)"
        );
        return;
    };
    let run = run_simulation(&Config::small(7), &artifacts, |_, _| {}).expect("simulation");
    let d = &run.simulation.deployment;
    let contracts: Vec<[u8; 32]> = d.hospitals.iter().chain(&d.regions).map(|a| a.0).collect();
    let model = Model::train(&training_set(&run, &contracts, "bench")).expect("model");
    let decoder = artifacts.decoder().expect("decoder");
    let events = &run.simulation.events;

    let mut group = c.benchmark_group("sentinel");
    group.throughput(Throughput::Elements(events.len() as u64));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("decode_only_baseline", |b| {
        b.iter(|| {
            let decoded = events
                .iter()
                .filter_map(|e| decoder.decode(e).ok().flatten())
                .count();
            std::hint::black_box(decoded)
        })
    });
    group.bench_function("explain_featurize_score", |b| {
        b.iter(|| {
            let mut pipeline = Pipeline::default();
            let mut observations = observe_all(&mut pipeline, &decoder, events);
            observations.extend(pipeline.finish());
            let scored = observations
                .iter()
                .filter_map(|o| scan::score(&model, o))
                .count();
            std::hint::black_box(scored)
        })
    });
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
