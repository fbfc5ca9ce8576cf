//! The sentinel's data path on the real contracts: a generated world runs through
//! consent, ehr_access and dscsa on the wasmtime VM with no refused step; the same
//! seed gives the same events and state root on every run; every injected kind is in
//! the ground truth, every injected clone and counterfeit is found by the rules and
//! nothing else is (a competitor's requests for a serial it never held included);
//! normal accesses are explained by the data; and a state directory read back
//! through the CLI's client gives exactly the events the simulation saw, so training
//! (on the simulation) and scanning (on a chain) compute the same features.

use carechain_cli::simulate::{self, Artifacts};
use carechain_cli::{observe_all, read_events, run_simulation, training_set, TrustedEmitters};
use carechain_node::RedbStore;
use carechain_rpc::Client;
use carechain_runtime::{Call, Chain, Genesis, MemoryStore, Outcome};
use carechain_sentinel::events::{Event, RawEvent};
use carechain_sentinel::features::reason;
use carechain_sentinel::generate::{generate, AccessKind, Config, SupplyKind};
use carechain_sentinel::scan::{Observation, Pipeline};
use carechain_tests::{deploy, dev, signed, workspace_root, GAS};
use carechain_vm::WasmtimeVm;
use parity_scale_codec::Encode;

fn artifacts() -> Artifacts {
    Artifacts::load(&workspace_root().join("target/ink"))
        .unwrap_or_else(|e| panic!("{e:#} (run ./scripts/build-contracts.sh)"))
}

fn access_rows(observations: &[Observation]) -> Vec<(u64, [f64; 13])> {
    observations
        .iter()
        .filter_map(|o| match o {
            Observation::Access(a) => Some((a.access.entry, a.features.values)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_generated_world_runs_through_the_contracts_the_same_every_time() {
    let artifacts = artifacts();
    let config = Config::small(5);
    let first = run_simulation(&config, &artifacts, |_, _| {}).expect("runs");
    let sim = &first.simulation;
    assert_eq!(sim.failed, 0, "refused: {:?}", sim.first_failure);
    assert_eq!(first.pipeline.tally.malformed, 0);
    assert!(
        first.pipeline.tally.accesses > 300,
        "{:?}",
        first.pipeline.tally
    );
    for kind in AccessKind::ALL {
        assert!(
            sim.truth.accesses.values().any(|k| *k == kind),
            "{kind:?} injected"
        );
    }
    for kind in [SupplyKind::ClonedSerial, SupplyKind::CounterfeitSerial] {
        assert!(
            sim.truth.serials.values().any(|k| *k == kind),
            "{kind:?} injected"
        );
    }
    // Break-glass reviews on chain are labels the pipeline reads.
    assert!(!first.pipeline.labels.is_empty());

    // Every event the sentinel reads has its signature topic in the metadata (one
    // `ModelRegistered` signature for both contracts that have it).
    let decoder = artifacts.decoder().expect("decoder");
    assert_eq!(decoder.known(), 20);

    // Normal activity is explained by the data: care relations, not custody or the
    // hospital's own consent.
    let (mut normal, mut explained) = (0usize, 0usize);
    for o in &first.observations {
        if let Observation::Access(a) = o {
            if !sim
                .truth
                .accesses
                .contains_key(&(a.access.contract, a.access.entry))
            {
                normal += 1;
                explained += usize::from(a.features.explanation.is_some());
            }
        }
    }
    // The hospital's EHR contract is a registered consent reader: normal accesses
    // are granted on the organization's consent, not refused for silence.
    let granted_via_organization = sim
        .events
        .iter()
        .filter_map(|raw| decoder.decode(raw).ok().flatten())
        .filter(|e| {
            matches!(
                e.event,
                Event::AccessDecided {
                    granted: true,
                    via_organization: true,
                    ..
                }
            )
        })
        .count();
    assert!(
        granted_via_organization * 100 >= normal * 80,
        "{granted_via_organization} of {normal} normal accesses granted on the hospital's consent"
    );
    assert!(
        explained * 100 >= normal * 90,
        "{explained} of {normal} normal accesses explained"
    );

    // The rules find every injected clone and counterfeit and nothing else: a
    // competitor's requests for a serial it never held are no evidence.
    let findings: Vec<_> = first
        .observations
        .iter()
        .filter_map(|o| match o {
            Observation::Serial(f) => Some(f),
            _ => None,
        })
        .collect();
    for f in &findings {
        assert!(
            sim.truth
                .serials
                .contains_key(&(f.contract, f.package, f.party)),
            "a finding on normal activity: {}",
            f.words
        );
        assert_eq!(
            f.reasons & !(reason::CLONED_SERIAL | reason::NEVER_COMMISSIONED),
            0
        );
    }
    assert_eq!(findings.len(), sim.truth.serials.len());
    let strangers = sim
        .events
        .iter()
        .filter_map(|raw| decoder.decode(raw).ok().flatten())
        .filter(|e| {
            matches!(
                e.event,
                Event::VerificationRequested {
                    requester_connected: false,
                    verified: true,
                    ..
                }
            )
        })
        .count();
    assert!(strangers >= 5, "a competitor's requests are in the world");

    let second = run_simulation(&config, &artifacts, |_, _| {}).expect("runs");
    assert_eq!(
        sim.events, second.simulation.events,
        "same seed, same events"
    );
    assert_eq!(
        access_rows(&first.observations),
        access_rows(&second.observations)
    );
    let d = &sim.deployment;
    let contracts: Vec<[u8; 32]> = d.hospitals.iter().chain(&d.regions).map(|a| a.0).collect();
    assert_eq!(
        training_set(&first, &contracts, "a").accesses,
        training_set(&second, &contracts, "b").accesses
    );
}

#[test]
fn a_state_directory_reads_back_the_events_and_features_training_saw() {
    let artifacts = artifacts();
    let world = generate(&Config::small(9));
    let vm = WasmtimeVm::builder().build().expect("vm");
    let genesis = Genesis::dev().expect("genesis");

    let mut memory = Chain::open(MemoryStore::default(), &genesis).expect("chain");
    let simulated = simulate::run(&mut memory, &vm, &artifacts, &world, |_| {}).expect("runs");

    let dir = tempfile::tempdir().expect("tempdir");
    {
        let store = RedbStore::open(dir.path().join("chain.redb")).expect("redb");
        let mut chain = Chain::open(store, &genesis).expect("chain");
        let persisted = simulate::run(&mut chain, &vm, &artifacts, &world, |_| {}).expect("runs");
        assert_eq!(persisted.events, simulated.events);
        assert_eq!(
            chain.head().state_root,
            memory.head().state_root,
            "same state root on redb and in memory"
        );
    }

    // What `carechain sentinel scan --state DIR` reads.
    let client = Client::local(dir.path()).expect("opens the state directory");
    let (events, next) = read_events(&client, 0).expect("reads");
    assert_eq!(events, simulated.events);
    assert_eq!(next, simulated.events.last().map_or(0, |e| e.block + 1));

    let decoder = artifacts.decoder().expect("decoder");
    let mut training = Pipeline::default();
    let mut scanning = Pipeline::default();
    let trained = observe_all(&mut training, &decoder, &simulated.events);
    let scanned = observe_all(&mut scanning, &decoder, &events);
    assert_eq!(access_rows(&trained), access_rows(&scanned));
    assert_eq!(training.tally, scanning.tally);
}

/// A contract that deposits whatever event its input describes: `[topics' SCALE
/// length as u32 LE][topics as SCALE Vec<[u8; 32]>][data]`.
const IMPOSTOR: &str = r#"(module
  (import "seal0" "input" (func $input (param i32 i32)))
  (import "seal0" "deposit_event" (func $event (param i32 i32 i32 i32)))
  (import "env" "memory" (memory 1 16))
  (func (export "deploy"))
  (func (export "call")
    (i32.store (i32.const 0) (i32.const 4096))
    (call $input (i32.const 16) (i32.const 0))
    (call $event
      (i32.const 20)
      (i32.load (i32.const 16))
      (i32.add (i32.const 20) (i32.load (i32.const 16)))
      (i32.sub (i32.sub (i32.load (i32.const 0)) (i32.const 4)) (i32.load (i32.const 16))))))"#;

#[test]
fn events_forged_by_a_contract_not_running_the_health_code_are_skipped_and_counted() {
    let artifacts = artifacts();
    let world = generate(&Config::small(11));
    let vm = WasmtimeVm::builder().build().expect("vm");
    let genesis = Genesis::dev().expect("genesis");
    let decoder = artifacts.decoder().expect("decoder");
    let dir = tempfile::tempdir().expect("tempdir");

    let (simulated, forged) = {
        let store = RedbStore::open(dir.path().join("chain.redb")).expect("redb");
        let mut chain = Chain::open(store, &genesis).expect("chain");
        let simulated = simulate::run(&mut chain, &vm, &artifacts, &world, |_| {}).expect("runs");
        // Replays of real events, word for word, from a contract anyone could
        // deploy: an access (it would be scored and flagged), a care relation and a
        // consent (they would explain snoops away).
        let wanted = |raw: &RawEvent, kind: fn(&Event) -> bool| {
            decoder
                .decode(raw)
                .ok()
                .flatten()
                .is_some_and(|e| kind(&e.event))
        };
        let kinds: [fn(&Event) -> bool; 3] = [
            |e| matches!(e, Event::AccessDecided { .. }),
            |e| matches!(e, Event::CareRelationRegistered { .. }),
            |e| matches!(e, Event::ConsentRecorded { .. }),
        ];
        let forged: Vec<RawEvent> = kinds
            .iter()
            .map(|kind| {
                simulated
                    .events
                    .iter()
                    .find(|raw| wanted(raw, *kind))
                    .cloned()
                    .expect("the world has one")
            })
            .collect();
        let code = wat::parse_str(IMPOSTOR).expect("WAT");
        let impostor = deploy(&mut chain, &vm, code, vec![], 0);
        let alice = dev("Alice");
        let nonce = chain.account(&alice.account_id()).expect("account").nonce;
        let txs: Vec<_> = forged
            .iter()
            .zip(nonce..)
            .map(|(raw, nonce)| {
                let topics = raw.topics.encode();
                let mut input = u32::try_from(topics.len())
                    .expect("small")
                    .to_le_bytes()
                    .to_vec();
                input.extend(topics);
                input.extend(&raw.data);
                let call = Call::Call {
                    dest: impostor,
                    value: 0,
                    data: input,
                };
                signed(&alice, chain.genesis_hash(), nonce, GAS, call)
            })
            .collect();
        let ts = chain.head().timestamp + 1;
        let produced = chain.produce_block(txs, ts, &vm).expect("block");
        assert_eq!(produced.receipts.len(), forged.len());
        assert!(produced
            .receipts
            .iter()
            .all(|r| r.outcome == Outcome::Success && r.events.len() == 1));
        (simulated, forged)
    };

    let client = Client::local(dir.path()).expect("opens the state directory");
    let (mut events, _) = read_events(&client, 0).expect("reads");
    assert_eq!(events.len(), simulated.events.len() + forged.len());

    // Believed blindly, the forged access is one more access to score.
    let mut blind = Pipeline::default();
    observe_all(&mut blind, &decoder, &events);
    let mut truth = Pipeline::default();
    let expected = observe_all(&mut truth, &decoder, &simulated.events);
    assert_eq!(blind.tally.accesses, truth.tally.accesses + 1);

    let mut pipeline = Pipeline::default();
    TrustedEmitters::new(artifacts.code_hashes())
        .retain(&client, &decoder, &mut pipeline, &mut events)
        .expect("judged");
    let observed = observe_all(&mut pipeline, &decoder, &events);
    assert_eq!(pipeline.tally.foreign, forged.len());
    assert_eq!(access_rows(&observed), access_rows(&expected));
    assert_eq!(pipeline.tally.accesses, truth.tally.accesses);
    assert_eq!(pipeline.tally.explained, truth.tally.explained);
}
