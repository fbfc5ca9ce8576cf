//! Hostile and broken contracts on the real VM: each fails cleanly, with the host and
//! the chain intact and the failure the same on every run.

use carechain_runtime::{
    Call, ContractCall, ContractError, DispatchError, Outcome, Receipt, TxError, Weight,
};
use carechain_tests::{deploy, dev, dev_chain, signed, GAS};
use carechain_vm::WasmtimeVm;
use carechain_vm::{Stability, ValueType, HOST_FUNCTIONS};

const MEMORY: &str = r#"(import "env" "memory" (memory 1 16))"#;

/// A contract whose `deploy` does nothing and whose `call` runs `body`.
fn contract(imports: &str, body: &str) -> Vec<u8> {
    let text = format!(
        r#"(module {imports} {MEMORY} (func (export "deploy")) (func (export "call") {body}))"#
    );
    match wat::parse_str(&text) {
        Ok(bytes) => bytes,
        Err(e) => panic!("bad test WAT: {e}"),
    }
}

/// Uploads, instantiates and calls `code` once with `gas`; returns the call's receipt.
fn call_once(code: Vec<u8>, gas: Weight) -> Receipt {
    let vm = WasmtimeVm::new().expect("vm");
    let receipt = call_on(&vm, code, gas);
    assert_eq!(
        vm.native_stack_overflows(),
        0,
        "the injected stack limit must trip first"
    );
    receipt
}

fn call_on(vm: &WasmtimeVm, code: Vec<u8>, gas: Weight) -> Receipt {
    let mut chain = dev_chain();
    let address = deploy(&mut chain, vm, code, vec![], 0);
    let call = signed(
        &dev("Alice"),
        chain.genesis_hash(),
        2,
        gas,
        Call::Call {
            dest: address,
            value: 0,
            data: vec![],
        },
    );
    let produced = chain.produce_block(vec![call], 2, vm).expect("block");
    // The chain goes on after whatever the contract did.
    chain.produce_block(vec![], 3, vm).expect("next block");
    produced.receipts[0].clone()
}

fn module_error(receipt: &Receipt) -> String {
    match &receipt.outcome {
        Outcome::Failed(DispatchError::Module(error)) => error.name().to_string(),
        other => panic!("expected a module error, got {other:?}"),
    }
}

#[test]
fn an_infinite_loop_runs_out_of_gas_and_is_charged_what_it_burnt() {
    let gas = Weight::new(2_000_000_000, 100_000);
    let receipt = call_once(contract("", "(loop br 0)"), gas);
    assert_eq!(
        receipt.outcome,
        Outcome::Failed(DispatchError::Module(ContractError::OutOfGas))
    );
    // As pallet-contracts' meter: what was burnt, which is the limit less less than
    // one loop iteration's fuel (the charge that did not fit is not made).
    let per_fuel = carechain_runtime::Schedule::default().vm.ref_time_per_fuel;
    assert!(receipt.gas_used.ref_time <= gas.ref_time);
    assert!(receipt.gas_used.ref_time + 10 * per_fuel > gas.ref_time);
    assert!(receipt.gas_used.proof_size < gas.proof_size);
}

#[test]
fn infinite_recursion_is_stopped_by_the_injected_limit_the_same_way_every_time() {
    let code = contract("", "(call 1)");
    let first = call_once(code.clone(), GAS);
    assert_eq!(module_error(&first), "ContractTrapped");
    let second = call_once(code, GAS);
    assert_eq!(
        (first.outcome, first.gas_used),
        (second.outcome, second.gas_used)
    );
}

#[test]
fn out_of_bounds_pointers_trap_with_out_of_bounds_and_the_host_survives() {
    let cases = [
        (
            r#"(import "seal0" "seal_input" (func $f (param i32 i32)))"#,
            "(call $f (i32.const 0) (i32.const 0x7fffffff))",
        ),
        (
            r#"(import "seal0" "seal_input" (func $f (param i32 i32)))"#,
            "(call $f (i32.const -1) (i32.const 0))",
        ),
        (
            r#"(import "seal0" "seal_return" (func $f (param i32 i32 i32)))"#,
            "(call $f (i32.const 0) (i32.const 65000) (i32.const 100000))",
        ),
        (
            r#"(import "seal2" "set_storage" (func $f (param i32 i32 i32 i32) (result i32)))"#,
            "(drop (call $f (i32.const 0) (i32.const 4) (i32.const 0xfffffff0) (i32.const 64)))",
        ),
        (
            r#"(import "seal0" "hash_blake2_256" (func $f (param i32 i32 i32)))"#,
            "(call $f (i32.const 0) (i32.const 4) (i32.const 65530))",
        ),
        (
            r#"(import "seal0" "deposit_event" (func $f (param i32 i32 i32 i32)))"#,
            "(call $f (i32.const 65535) (i32.const 10) (i32.const 0) (i32.const 0))",
        ),
    ];
    for (import, body) in cases {
        let receipt = call_once(contract(import, body), GAS);
        assert_eq!(module_error(&receipt), "OutOfBounds", "{body}");
    }
}

#[test]
fn a_too_small_output_buffer_traps_with_output_buffer_too_small() {
    // Capacity 0 at address 0, then ask for the 32-byte caller.
    let receipt = call_once(
        contract(
            r#"(import "seal0" "seal_caller" (func $f (param i32 i32)))"#,
            "(i32.store (i32.const 0) (i32.const 0)) (call $f (i32.const 16) (i32.const 0))",
        ),
        GAS,
    );
    assert_eq!(module_error(&receipt), "OutputBufferTooSmall");
}

#[test]
fn oversized_keys_values_and_topics_are_named_errors() {
    let set = r#"(import "seal2" "set_storage" (func $f (param i32 i32 i32 i32) (result i32)))"#;
    let receipt = call_once(
        contract(
            set,
            "(drop (call $f (i32.const 0) (i32.const 129) (i32.const 0) (i32.const 1)))",
        ),
        GAS,
    );
    assert_eq!(module_error(&receipt), "DecodingFailed");
    let receipt = call_once(
        contract(
            set,
            "(drop (call $f (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 16385)))",
        ),
        GAS,
    );
    assert_eq!(module_error(&receipt), "ValueTooLarge");
    // Five topics: Compact(5) = 0x14, then 5 x 32 zero bytes.
    let event = r#"(import "seal0" "deposit_event" (func $f (param i32 i32 i32 i32)))"#;
    let receipt = call_once(
        contract(event, "(i32.store8 (i32.const 0) (i32.const 0x14)) (call $f (i32.const 0) (i32.const 161) (i32.const 0) (i32.const 0))"),
        GAS,
    );
    assert_eq!(module_error(&receipt), "TooManyTopics");
}

#[test]
fn growing_memory_past_the_declared_maximum_fails_inside_the_contract() {
    // memory.grow returns -1 past the maximum; the contract traps on it explicitly.
    let receipt = call_once(
        contract(
            "",
            "(if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable))",
        ),
        GAS,
    );
    assert_eq!(module_error(&receipt), "ContractTrapped");
}

/// WAT for a parameter list of `spec`'s types, each a huge pointer-like value.
fn hostile_args(spec: &carechain_vm::HostFnSpec) -> String {
    spec.params
        .iter()
        .map(|p| match p {
            ValueType::I32 => "(i32.const 0xfffffff0)",
            ValueType::I64 => "(i64.const 0)",
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_host_function_traps_on_out_of_bounds_pointers_and_the_chain_goes_on() {
    let vm = WasmtimeVm::new().expect("vm");
    // Functions that read or write no contract memory cannot be given a bad pointer.
    let no_pointers = ["caller_is_origin", "caller_is_root", "instantiation_nonce"];
    let mut checked = 0;
    for spec in HOST_FUNCTIONS {
        if spec.stability != Stability::Stable
            || spec.name == "call_chain_extension"
            || no_pointers.contains(&spec.name)
        {
            continue;
        }
        let ty = |t: &ValueType| match t {
            ValueType::I32 => "i32",
            ValueType::I64 => "i64",
        };
        let params: Vec<&str> = spec.params.iter().map(ty).collect();
        let result = spec
            .result
            .map(|r| format!("(result {})", ty(&r)))
            .unwrap_or_default();
        let import = format!(
            r#"(import "seal{}" "{}" (func $f (param {}) {result}))"#,
            spec.version,
            spec.name,
            params.join(" ")
        );
        let call = format!("(call $f {})", hostile_args(spec));
        let body = if spec.result.is_some() {
            format!("(drop {call})")
        } else {
            call
        };
        let receipt = call_on(&vm, contract(&import, &body), GAS);
        let outcome = &receipt.outcome;
        use ContractError::*;
        use DispatchError::Module;
        match (spec.name, outcome) {
            // pallet-contracts does not read the message when no debug buffer exists.
            ("debug_message", Outcome::Success) => {}
            // Flags are checked before any pointer is read.
            ("call" | "delegate_call", Outcome::Failed(Module(InvalidCallFlags))) => {}
            // `seal_return` reads first; the value-size limit is checked before reading.
            (
                "set_storage" | "deposit_event",
                Outcome::Failed(Module(ValueTooLarge | OutOfBounds)),
            ) => {}
            // A huge length is charged per byte before it is read, as pallet-contracts
            // charges `CopyFromContract` first: out of gas.
            (_, Outcome::Failed(Module(OutOfGas))) => {}
            // Keys longer than 128 bytes are refused before they are read.
            (_, Outcome::Failed(Module(OutOfBounds | DecodingFailed))) => {}
            other => panic!(
                "seal{}::{}: expected a trap, got {other:?}",
                spec.version, spec.name
            ),
        }
        checked += 1;
    }
    assert!(checked >= 45, "only {checked} host functions checked");
    assert_eq!(vm.native_stack_overflows(), 0);
}

#[test]
fn ten_megabytes_of_input_is_refused_as_a_transaction_and_trapped_in_a_dry_run() {
    let vm = WasmtimeVm::new().expect("vm");
    let mut chain = dev_chain();
    let input = r#"(import "seal0" "seal_input" (func $f (param i32 i32)))"#;
    // Capacity: all of the 16 pages it may have.
    let body = "(drop (memory.grow (i32.const 15))) \
                (i32.store (i32.const 0) (i32.const 1048000)) \
                (call $f (i32.const 16) (i32.const 0))";
    let address = deploy(&mut chain, &vm, contract(input, body), vec![], 0);
    let data = vec![7u8; 10 * 1024 * 1024];
    let tx = signed(
        &dev("Alice"),
        chain.genesis_hash(),
        2,
        GAS,
        Call::Call {
            dest: address,
            value: 0,
            data: data.clone(),
        },
    );
    let produced = chain.produce_block(vec![tx], 2, &vm).expect("block");
    assert!(produced.receipts.is_empty());
    assert!(
        matches!(produced.rejected[0].error, TxError::TooLarge { .. }),
        "{:?}",
        produced.rejected
    );
    let dry = chain.dry_run(
        &dev("Alice").account_id(),
        GAS,
        None,
        ContractCall::Call {
            dest: address,
            value: 0,
            data: &data,
        },
        &vm,
    );
    assert_eq!(
        dry.outcome.result,
        Err(DispatchError::Module(ContractError::OutputBufferTooSmall))
    );
}

/// A contract that recurses `depth` WASM frames (input bytes 0..4), then calls itself
/// with one hop fewer (bytes 4..8) until no hops are left; returns the depth plus the
/// return code of its own nested call.
const DEEP_CALLER: &str = r#"(module
  (import "seal0" "seal_input" (func $input (param i32 i32)))
  (import "seal0" "seal_address" (func $address (param i32 i32)))
  (import "seal1" "seal_call" (func $call (param i32 i32 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
  (import "env" "memory" (memory 1 16))
  (func (export "deploy"))
  (func $next (result i32)
    (if (result i32) (i32.eqz (i32.load (i32.const 4)))
      (then (i32.const 0))
      (else
        (i32.store (i32.const 4) (i32.sub (i32.load (i32.const 4)) (i32.const 1)))
        (i32.store (i32.const 200) (i32.const 32))
        (call $address (i32.const 100) (i32.const 200))
        (call $call (i32.const 8) (i32.const 100) (i64.const 0) (i32.const 300)
                    (i32.const 0) (i32.const 8) (i32.const -1) (i32.const 0)))))
  (func $deep (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $next))
      (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func (export "call")
    (i32.store (i32.const 400) (i32.const 8))
    (call $input (i32.const 0) (i32.const 400))
    (i32.store (i32.const 500) (call $deep (i32.load (i32.const 0))))
    (call $return (i32.const 0) (i32.const 500) (i32.const 4))))"#;

#[test]
fn six_nested_frames_each_near_the_stack_limit_fail_or_succeed_deterministically() {
    let code = wat::parse_str(DEEP_CALLER).expect("wat");
    let vm = WasmtimeVm::new().expect("vm");
    let mut chain = dev_chain();
    let address = deploy(&mut chain, &vm, code, vec![], 0);
    let alice = dev("Alice").account_id();
    let run = |vm: &WasmtimeVm, depth: u32, hops: u32| {
        let mut data = depth.to_le_bytes().to_vec();
        data.extend(hops.to_le_bytes());
        let call = ContractCall::Call {
            dest: address,
            value: 0,
            data: &data,
        };
        let out = chain.dry_run(&alice, GAS, None, call, vm).outcome;
        (out.result, out.gas_consumed)
    };
    // The deepest single frame the injected limit allows (found by halving).
    let mut depth = 1 << 16;
    while run(&vm, depth, 0).0.is_err() {
        depth /= 2;
        assert!(depth > 0, "no depth succeeds");
    }
    // Five nested calls (the schedule's limit), every frame that deep.
    let (result, gas) = run(&vm, depth, 5);
    let data = result.clone().expect("the chain completes").data;
    assert_eq!(data, depth.to_le_bytes().to_vec());
    // One hop more: the seventh frame is refused, its caller traps, and its caller
    // sees CalleeTrapped (1) and finishes.
    let past = run(&vm, depth, 6);
    assert!(past.0.is_ok(), "{past:?}");
    // The same on a fresh VM (cold caches) and again on this one.
    let fresh = WasmtimeVm::new().expect("vm");
    assert_eq!(run(&fresh, depth, 5), (result.clone(), gas));
    assert_eq!(run(&vm, depth, 6), past);
    // Twice the depth in every frame: the injected limit, never the native one.
    let too_deep = run(&vm, depth * 2, 5);
    assert_eq!(
        too_deep.0,
        Err(DispatchError::Module(ContractError::ContractTrapped))
    );
    assert_eq!(run(&fresh, depth * 2, 5), too_deep);
    assert_eq!(
        vm.native_stack_overflows() + fresh.native_stack_overflows(),
        0
    );
}
