//! What the VM offers its embedder: chain extensions through a registry, and the
//! on-disk module cache, which must save compile time without changing any result.

use carechain_runtime::{Call, ContractError, DispatchError, Outcome, RejectKind, Weight};
use carechain_tests::{deploy, dev, dev_chain, ink_artifact, selector, signed, GAS};
use carechain_vm::WasmtimeVm;
use carechain_vm::{ChainExtension, ChainExtensions, ExtensionEnv, ExtensionOutput};

/// Reverses its input; returns the input's length as the return value.
struct Reverse;

impl ChainExtension for Reverse {
    fn call(
        &self,
        func_id: u16,
        input: &[u8],
        _env: &ExtensionEnv,
    ) -> Result<ExtensionOutput, String> {
        if func_id != 3 {
            return Err(format!("unknown function {func_id}"));
        }
        Ok(ExtensionOutput {
            ret_val: u32::try_from(input.len()).unwrap_or(u32::MAX),
            output: input.iter().rev().copied().collect(),
            weight: Weight::new(1_000_000, 0),
        })
    }
}

/// Calls extension function `id` (input bytes 0..4) on "abc" and returns the return
/// value followed by the output.
const EXTENSION_CALLER: &str = r#"(module
  (import "seal0" "seal_input" (func $input (param i32 i32)))
  (import "seal0" "call_chain_extension" (func $ext (param i32 i32 i32 i32 i32) (result i32)))
  (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
  (import "env" "memory" (memory 1 16))
  (data (i32.const 100) "abc")
  (func (export "deploy"))
  (func (export "call")
    (i32.store (i32.const 400) (i32.const 4))
    (call $input (i32.const 0) (i32.const 400))
    (i32.store (i32.const 300) (i32.const 32))
    (i32.store (i32.const 200)
      (call $ext (i32.load (i32.const 0)) (i32.const 100) (i32.const 3) (i32.const 204) (i32.const 300)))
    (call $return (i32.const 0) (i32.const 200) (i32.add (i32.const 4) (i32.load (i32.const 300))))))"#;

#[test]
fn chain_extensions_answer_through_the_registry_and_unknown_ids_trap() {
    let code = wat::parse_str(EXTENSION_CALLER).expect("wat");
    let mut registry = ChainExtensions::default();
    registry.register(7, Reverse);
    let vm = WasmtimeVm::builder()
        .chain_extensions(registry)
        .build()
        .expect("vm");
    let mut chain = dev_chain();
    let address = deploy(&mut chain, &vm, code.clone(), vec![], 0);
    let call = |chain: &mut carechain_runtime::Chain<_>, id: u32, nonce| {
        let tx = signed(
            &dev("Alice"),
            chain.genesis_hash(),
            nonce,
            GAS,
            Call::Call {
                dest: address,
                value: 0,
                data: id.to_le_bytes().to_vec(),
            },
        );
        let ts = chain.head().timestamp + 1;
        chain
            .produce_block(vec![tx], ts, &vm)
            .expect("block")
            .receipts[0]
            .clone()
    };
    let ok = call(&mut chain, (7 << 16) | 3, 2);
    assert_eq!(ok.outcome, Outcome::Success);
    assert_eq!(ok.output, [3, 0, 0, 0, b'c', b'b', b'a']);
    let unknown = call(&mut chain, 9 << 16, 3);
    assert_eq!(
        unknown.outcome,
        Outcome::Failed(DispatchError::Module(ContractError::NoChainExtension))
    );
    let failing = call(&mut chain, (7 << 16) | 4, 4);
    assert_eq!(
        failing.outcome,
        Outcome::Failed(DispatchError::ChainExtensionFailed)
    );

    // Without extensions, the import itself is refused at upload.
    let plain = WasmtimeVm::new().expect("vm");
    let err = carechain_runtime::ContractVm::validate_code(&plain, &code, chain.config());
    assert_eq!(
        err,
        Err(DispatchError::CodeRejected {
            kind: RejectKind::Import,
            offset: None
        })
    );
    let why = plain
        .check_code(&code, chain.config())
        .err()
        .map(|r| r.detail);
    assert!(
        why.as_deref()
            .is_some_and(|w| w.contains("call_chain_extension")),
        "{why:?}"
    );
}

#[test]
fn the_disk_cache_spares_the_compile_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let code = std::fs::read(ink_artifact("flipper", "wasm")).expect("flipper");
    let mut ctor = selector("flipper", "new").to_vec();
    ctor.push(0);
    let flip = selector("flipper", "flip").to_vec();

    let first = WasmtimeVm::builder()
        .cache_dir(dir.path())
        .build()
        .expect("vm");
    let mut chain = dev_chain();
    let address = deploy(&mut chain, &first, code, ctor, 0);
    assert_eq!(first.compilations(), 1, "compiled once, at upload");
    let alice = dev("Alice").account_id();
    let flip_call = carechain_runtime::ContractCall::Call {
        dest: address,
        value: 0,
        data: &flip,
    };
    let warm = chain.dry_run(&alice, GAS, None, flip_call, &first);

    // A new VM (a restarted node) on the same directory: no compile at all.
    let restarted = WasmtimeVm::builder()
        .cache_dir(dir.path())
        .build()
        .expect("vm");
    let from_disk = chain.dry_run(&alice, GAS, None, flip_call, &restarted);
    assert_eq!(restarted.compilations(), 0, "loaded from disk");
    // And one without a cache compiles; all three agree on everything.
    let uncached = WasmtimeVm::new().expect("vm");
    let compiled = chain.dry_run(&alice, GAS, None, flip_call, &uncached);
    assert_eq!(uncached.compilations(), 1);
    assert_eq!(warm.outcome, from_disk.outcome);
    assert_eq!(warm.outcome, compiled.outcome);
    assert_eq!(warm.storage_changes, from_disk.storage_changes);
    assert!(warm.outcome.result.is_ok());

    // A damaged cache file is ignored and replaced, never trusted.
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        std::fs::write(entry.expect("entry").path(), b"not a module").expect("write");
    }
    let damaged = WasmtimeVm::builder()
        .cache_dir(dir.path())
        .build()
        .expect("vm");
    let recompiled = chain.dry_run(&alice, GAS, None, flip_call, &damaged);
    assert_eq!(damaged.compilations(), 1);
    assert_eq!(recompiled.outcome, warm.outcome);
}

/// Runs a fixed sequence of nested calls (relays, instantiation from a contract,
/// delegate calls, a callee out of gas, a too-deep chain) on a fresh chain with `vm`;
/// returns every receipt and the final state root.
fn nested_run(vm: &WasmtimeVm) -> (Vec<carechain_runtime::Receipt>, carechain_runtime::Hash) {
    use parity_scale_codec::Encode;
    let code = std::fs::read(ink_artifact("probe", "wasm")).expect("probe");
    let hash = carechain_runtime::code_hash(&code);
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let ctor = |v: u32| {
        let mut d = selector("probe", "new").to_vec();
        v.encode_to(&mut d);
        d
    };
    let msg = |label: &str, args: &dyn Fn(&mut Vec<u8>)| {
        let mut d = selector("probe", label).to_vec();
        args(&mut d);
        d
    };
    let a = deploy(&mut chain, vm, code, ctor(1), 1_000_000_000_000);
    let mut receipts = Vec::new();
    let mut nonce = 2;
    let mut submit = |chain: &mut carechain_runtime::Chain<_>, call: Call| {
        let tx = signed(&alice, chain.genesis_hash(), nonce, GAS, call);
        nonce += 1;
        let ts = chain.head().timestamp + 1;
        let mut produced = chain.produce_block(vec![tx], ts, vm).expect("block");
        produced.receipts.remove(0)
    };
    let b_receipt = submit(
        &mut chain,
        Call::Instantiate {
            code_hash: hash,
            value: 1_000_000_000_000,
            data: ctor(2),
            salt: b"b".to_vec(),
        },
    );
    let b = b_receipt.instantiated.expect("B");
    receipts.push(b_receipt);
    let calls = [
        msg("relay", &|d| (vec![b.0, a.0, b.0], true).encode_to(d)),
        msg("relay", &|d| (vec![b.0, a.0], false).encode_to(d)),
        msg("relay", &|d| (vec![b.0; 6], true).encode_to(d)),
        msg("create", &|d| {
            (hash, 0u8, 5_000_000_000u128, b"c".to_vec(), false).encode_to(d)
        }),
        msg("delegate_raw", &|d| {
            (hash, selector("probe", "set"), 9u32.encode()).encode_to(d)
        }),
        msg("call_raw", &|d| {
            (
                b.0,
                selector("probe", "spin"),
                u64::MAX.encode(),
                0u128,
                0u32,
                1_000_000_000u64,
                false,
            )
                .encode_to(d)
        }),
        msg("recurse", &|d| 1_000_000u32.encode_to(d)),
    ];
    for data in calls {
        receipts.push(submit(
            &mut chain,
            Call::Call {
                dest: a,
                value: 0,
                data,
            },
        ));
    }
    (receipts, chain.head().state_root)
}

#[test]
fn nested_calls_give_the_same_receipts_gas_and_state_root_on_every_vm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cold = WasmtimeVm::builder()
        .cache_dir(dir.path())
        .build()
        .expect("vm");
    let first = nested_run(&cold);
    let warm = nested_run(&cold);
    let from_disk = nested_run(
        &WasmtimeVm::builder()
            .cache_dir(dir.path())
            .build()
            .expect("vm"),
    );
    let plain = nested_run(&WasmtimeVm::new().expect("vm"));
    assert!(first
        .0
        .iter()
        .all(|r| r.outcome != Outcome::Failed(DispatchError::NoVm)));
    assert_eq!(first.0.len(), 8);
    for other in [&warm, &from_disk, &plain] {
        // Receipts carry transaction hashes, which differ (sr25519 signatures are
        // randomized); compare everything else.
        let strip = |r: &carechain_runtime::Receipt| {
            (
                r.outcome.clone(),
                r.gas_used,
                r.output.clone(),
                r.events.clone(),
                r.instantiated,
            )
        };
        assert_eq!(
            first.0.iter().map(strip).collect::<Vec<_>>(),
            other.0.iter().map(strip).collect::<Vec<_>>()
        );
        assert_eq!(first.1, other.1, "state roots differ");
    }
    assert_eq!(cold.native_stack_overflows(), 0);
}

/// Returns `reentrance_count()` and `account_reentrance_count(own address)`.
const REENTRANCE: &str = r#"(module
  (import "seal0" "reentrance_count" (func $count (result i32)))
  (import "seal0" "account_reentrance_count" (func $of (param i32) (result i32)))
  (import "seal0" "seal_address" (func $address (param i32 i32)))
  (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
  (import "env" "memory" (memory 1 16))
  (func (export "deploy"))
  (func (export "call")
    (i32.store (i32.const 200) (i32.const 32))
    (call $address (i32.const 100) (i32.const 200))
    (i32.store (i32.const 0) (call $count))
    (i32.store (i32.const 4) (call $of (i32.const 100)))
    (call $return (i32.const 0) (i32.const 0) (i32.const 8))))"#;

#[test]
fn unstable_functions_need_the_unstable_interface_switch() {
    let code = wat::parse_str(REENTRANCE).expect("wat");
    let config = carechain_runtime::ChainConfig::default();
    let off = WasmtimeVm::new().expect("vm");
    let refused = carechain_runtime::ContractVm::validate_code(&off, &code, &config);
    assert_eq!(
        refused,
        Err(DispatchError::CodeRejected {
            kind: RejectKind::Import,
            offset: None
        })
    );
    let why = off.check_code(&code, &config).err().map(|r| r.detail);
    assert!(
        why.as_deref().is_some_and(|w| w.contains("unstable")),
        "{why:?}"
    );
    let on = WasmtimeVm::builder()
        .unstable_interface(true)
        .build()
        .expect("vm");
    let mut chain = dev_chain();
    let address = deploy(&mut chain, &on, code, vec![], 0);
    let call = carechain_runtime::ContractCall::Call {
        dest: address,
        value: 0,
        data: &[],
    };
    let out = chain
        .dry_run(&dev("Alice").account_id(), GAS, None, call, &on)
        .outcome;
    // Not reentered: 0; frames of this contract on the stack: 1.
    assert_eq!(out.result.map(|r| r.data), Ok(vec![0, 0, 0, 0, 1, 0, 0, 0]));
}
