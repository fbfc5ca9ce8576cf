//! ink! message calls per second: flipper's `flip` (a storage write and an event) on
//! Carechain's VM, warm, against the floor measured in the same run: bare wasmtime
//! with one `InstancePre`, the pooling allocator and trivial host functions over a
//! `HashMap` (TARGETS.md); the same without instruction metering (the price of
//! fuel); and the cold path: a call that must compile first, and upload validation.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::time::Duration;

use carechain_cli::Bundle;
use carechain_runtime::{
    code_hash, contract_address, Call, Chain, ContractCall, ContractVm, ExecContext, Genesis,
    Keypair, MemoryStore, StateDb, Transaction, Weight,
};
use carechain_vm::WasmtimeVm;
use carechain_vm::{prepare, PrepareConfig, MEMORY_EXPORT};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wasmtime::{
    Caller, Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Memory, Module,
    PoolingAllocationConfig, Store,
};

const GAS: Weight = Weight::new(50_000_000_000, 1_000_000);

/// flipper's bundle, as `build-contracts.sh` wrote it.
fn flipper() -> Option<Bundle> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Bundle::load(&root.join("target/ink/flipper/flipper.contract")).ok()
}

/// The floor's store data: input, output and a storage map, nothing else.
struct Floor {
    input: Vec<u8>,
    storage: HashMap<Vec<u8>, Vec<u8>>,
    memory: Option<Memory>,
}

fn mem(c: &mut Caller<'_, Floor>) -> Memory {
    c.data().memory.expect("memory set")
}

fn bytes(c: &mut Caller<'_, Floor>, ptr: u32, len: u32) -> Vec<u8> {
    let m = mem(c);
    m.data(&*c)[ptr as usize..(ptr + len) as usize].to_vec()
}

fn put(c: &mut Caller<'_, Floor>, ptr: u32, len_ptr: u32, data: &[u8]) {
    let m = mem(c);
    let d = m.data_mut(&mut *c);
    d[ptr as usize..ptr as usize + data.len()].copy_from_slice(data);
    d[len_ptr as usize..len_ptr as usize + 4].copy_from_slice(&(data.len() as u32).to_le_bytes());
}

fn floor_linker(engine: &Engine) -> Linker<Floor> {
    let mut l = Linker::new(engine);
    l.func_wrap(
        "seal0",
        "input",
        |mut c: Caller<'_, Floor>, p: u32, lp: u32| {
            let input = std::mem::take(&mut c.data_mut().input);
            put(&mut c, p, lp, &input);
        },
    )
    .expect("define");
    l.func_wrap(
        "seal0",
        "seal_return",
        |_: Caller<'_, Floor>, _f: u32, _p: u32, _l: u32| -> wasmtime::Result<()> {
            Err(wasmtime::Error::msg("return"))
        },
    )
    .expect("define");
    l.func_wrap(
        "seal1",
        "get_storage",
        |mut c: Caller<'_, Floor>, k: u32, kl: u32, o: u32, ol: u32| -> u32 {
            let key = bytes(&mut c, k, kl);
            match c.data().storage.get(&key).cloned() {
                Some(v) => {
                    put(&mut c, o, ol, &v);
                    0
                }
                None => 3,
            }
        },
    )
    .expect("define");
    l.func_wrap(
        "seal2",
        "set_storage",
        |mut c: Caller<'_, Floor>, k: u32, kl: u32, v: u32, vl: u32| -> u32 {
            let key = bytes(&mut c, k, kl);
            let value = bytes(&mut c, v, vl);
            c.data_mut()
                .storage
                .insert(key, value)
                .map_or(u32::MAX, |o| o.len() as u32)
        },
    )
    .expect("define");
    l.func_wrap(
        "seal0",
        "deposit_event",
        |mut c: Caller<'_, Floor>, tp: u32, tl: u32, dp: u32, dl: u32| {
            std::hint::black_box((bytes(&mut c, tp, tl), bytes(&mut c, dp, dl)));
        },
    )
    .expect("define");
    for name in ["caller", "value_transferred"] {
        l.func_wrap(
            "seal0",
            name,
            |mut c: Caller<'_, Floor>, p: u32, lp: u32| {
                put(&mut c, p, lp, &[1u8; 32][..16]);
            },
        )
        .expect("define");
    }
    l.func_wrap(
        "seal0",
        "hash_blake2_256",
        |mut c: Caller<'_, Floor>, p: u32, l: u32, o: u32| {
            let input = bytes(&mut c, p, l);
            let h = carechain_runtime::blake2_256(&input);
            let m = mem(&mut c);
            m.data_mut(&mut c)[o as usize..o as usize + 32].copy_from_slice(&h);
        },
    )
    .expect("define");
    l
}

fn contract_calls(c: &mut Criterion) {
    let Some(bundle) = flipper() else {
        eprintln!("contract_calls: target/ink/flipper missing; run ./scripts/build-contracts.sh");
        return;
    };
    let wasm = bundle
        .wasm()
        .expect("flipper.contract carries its wasm")
        .to_vec();
    let flip = bundle.call_data("flip", ()).expect("flip");
    let ctor = bundle.call_data("new", false).expect("new");

    // Carechain: deploy through real transactions, then call the VM directly.
    let vm = WasmtimeVm::new().expect("vm");
    let mut chain =
        Chain::open(MemoryStore::default(), &Genesis::dev().expect("genesis")).expect("chain");
    let alice = Keypair::from_uri("//Alice").expect("uri");
    let g = chain.genesis_hash();
    let hash = code_hash(&wasm);
    let tx = |nonce, call| {
        Transaction {
            genesis_hash: g,
            signer: alice.account_id(),
            nonce,
            gas_limit: GAS,
            storage_deposit_limit: None,
            call,
        }
        .sign(&alice)
    };
    let txs = vec![
        tx(0, Call::UploadCode { code: wasm.clone() }),
        tx(
            1,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data: ctor.clone(),
                salt: vec![],
            },
        ),
    ];
    chain.produce_block(txs, 1, &vm).expect("deploy");
    let address = contract_address(&alice.account_id(), &hash, &ctor, &[]);
    let config = chain.config().clone();
    let ctx = ExecContext {
        block_number: 2,
        timestamp: 2,
        config: &config,
        debug: false,
        trace: false,
    };
    let mut state = StateDb::new(chain.store(), chain.head().state_root);

    let mut group = c.benchmark_group("flipper_flip");
    group
        .throughput(Throughput::Elements(1))
        .measurement_time(Duration::from_secs(5));
    // One `flip` through `vm`, on the deployed contract's state.
    let flip_on = |vm: &WasmtimeVm, state: &mut StateDb<'_, MemoryStore>| {
        let call = ContractCall::Call {
            dest: address,
            value: 0,
            data: &flip,
        };
        let out = vm.execute(&ctx, state, &alice.account_id(), GAS, None, call);
        assert!(out.result.is_ok());
    };
    group.bench_function("carechain_vm_warm", |b| b.iter(|| flip_on(&vm, &mut state)));

    // The same, with instruction metering off: what fuel costs.
    let unmetered = WasmtimeVm::builder()
        .unmetered_for_benchmarks()
        .build()
        .expect("vm");
    group.bench_function("carechain_vm_warm_unmetered", |b| {
        b.iter(|| flip_on(&unmetered, &mut state))
    });

    // The floor, on the same prepared module.
    let prepared = prepare(&wasm, &PrepareConfig::of_chain(&Default::default())).expect("prepare");
    let mut config = Config::new();
    let mut pooling = PoolingAllocationConfig::default();
    pooling
        .linear_memory_keep_resident(2 * 65_536)
        .total_memories(16)
        .max_memory_size(16 * 65_536);
    config
        .consume_fuel(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    let engine = Engine::new(&config).expect("engine");
    let module = Module::new(&engine, &prepared.code).expect("module");
    let pre: InstancePre<Floor> = floor_linker(&engine)
        .instantiate_pre(&module)
        .expect("link");
    let mut storage = HashMap::new();
    group.bench_function("floor_bare_wasmtime", |b| {
        b.iter(|| {
            let mut store = Store::new(
                &engine,
                Floor {
                    input: flip.clone(),
                    storage: std::mem::take(&mut storage),
                    memory: None,
                },
            );
            store.set_fuel(u64::MAX / 2).expect("fuel");
            let instance = pre.instantiate(&mut store).expect("instantiate");
            store.data_mut().memory = instance.get_memory(&mut store, MEMORY_EXPORT);
            let call = instance
                .get_typed_func::<(), ()>(&mut store, "call")
                .expect("call");
            let _ = call.call(&mut store, ());
            storage = std::mem::take(&mut store.data_mut().storage);
        })
    });
    group.finish();

    // Cold: every call compiles the code again (instantiation from an empty cache).
    let mut group = c.benchmark_group("flipper_flip_cold");
    group.throughput(Throughput::Elements(1)).sample_size(10);
    group.bench_function("carechain_vm_compile_and_call", |b| {
        b.iter(|| {
            vm.forget_compiled();
            flip_on(&vm, &mut state);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("flipper_upload");
    group.sample_size(10);
    group.bench_function("validate_and_compile_cold", |b| {
        b.iter(|| {
            vm.validate_code(&wasm, &chain.config().clone())
                .expect("valid")
        })
    });
    group.finish();
}

criterion_group!(benches, contract_calls);
criterion_main!(benches);
