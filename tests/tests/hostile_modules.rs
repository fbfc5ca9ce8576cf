//! Hostile and broken contracts on the real VM: each fails cleanly, with the host and
//! the chain intact and the failure the same on every run.

use carechain_host::WasmtimeVm;
use carechain_runtime::{Call, DispatchError, Outcome, Receipt, Weight};
use carechain_tests::{deploy, dev, dev_chain, signed, GAS};

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
        Outcome::Failed(DispatchError::Module(name)) => name.clone(),
        other => panic!("expected a module error, got {other:?}"),
    }
}

#[test]
fn an_infinite_loop_runs_out_of_gas_and_is_charged_its_limit() {
    let gas = Weight::new(2_000_000_000, 100_000);
    let receipt = call_once(contract("", "(loop br 0)"), gas);
    assert_eq!(receipt.outcome, Outcome::Failed(DispatchError::OutOfGas));
    assert_eq!(receipt.gas_used, gas);
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
