//! Host functions seen from a contract: each test contract writes what the host told it
//! into its return data, and the test checks it against the chain.

use carechain_runtime::{Call, Chain, Genesis, MemoryStore, Outcome};
use carechain_tests::{deploy, dev, dev_chain, signed, GAS};
use carechain_vm::WasmtimeVm;

/// Deploys `body` as `call` (with `imports`), endowed with `value`, calls it once and
/// returns (its output, the chain).
fn run(
    imports: &str,
    body: &str,
    value: u128,
) -> (Vec<u8>, Chain<MemoryStore>, carechain_runtime::AccountId) {
    let text = format!(
        r#"(module {imports}
            (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
            (import "env" "memory" (memory 1 16))
            (func (export "deploy"))
            (func (export "call") {body}))"#
    );
    let code = wat::parse_str(&text).expect("wat");
    let vm = WasmtimeVm::new().expect("vm");
    let mut chain = dev_chain();
    let address = deploy(&mut chain, &vm, code, vec![], value);
    let alice = dev("Alice");
    let call = signed(
        &alice,
        chain.genesis_hash(),
        2,
        GAS,
        Call::Call {
            dest: address,
            value: 0,
            data: vec![],
        },
    );
    let produced = chain.produce_block(vec![call], 2, &vm).expect("block");
    assert_eq!(
        produced.receipts[0].outcome,
        Outcome::Success,
        "{:?}",
        produced.receipts[0]
    );
    (produced.receipts[0].output.clone(), chain, address)
}

const ADDRESS_AT_0: &str = r#"(import "seal0" "seal_address" (func $address (param i32 i32)))"#;

#[test]
fn is_contract_own_code_hash_and_code_hash_agree_with_the_chain() {
    let imports = format!(
        r#"{ADDRESS_AT_0}
           (import "seal0" "is_contract" (func $is (param i32) (result i32)))
           (import "seal0" "own_code_hash" (func $own (param i32 i32)))
           (import "seal0" "code_hash" (func $hash (param i32 i32 i32) (result i32)))"#
    );
    // [0..32) own address; [100..104) is_contract(self); [104..108) is_contract(zero);
    // [108..140) own_code_hash; [140..144) code_hash rc; [144..176) code_hash(self).
    let body = r#"
        (i32.store (i32.const 200) (i32.const 32))
        (call $address (i32.const 0) (i32.const 200))
        (i32.store (i32.const 100) (call $is (i32.const 0)))
        (i32.store (i32.const 104) (call $is (i32.const 300)))
        (i32.store (i32.const 200) (i32.const 32))
        (call $own (i32.const 108) (i32.const 200))
        (i32.store (i32.const 200) (i32.const 32))
        (i32.store (i32.const 140) (call $hash (i32.const 0) (i32.const 144) (i32.const 200)))
        (call $return (i32.const 0) (i32.const 100) (i32.const 76))"#;
    let (out, _, _) = run(&imports, body, 0);
    assert_eq!(&out[0..4], &1u32.to_le_bytes(), "is_contract(self)");
    assert_eq!(&out[4..8], &0u32.to_le_bytes(), "is_contract(zero account)");
    assert_eq!(&out[40..44], &0u32.to_le_bytes(), "code_hash rc Success");
    assert_eq!(
        &out[8..40],
        &out[44..76],
        "own_code_hash == code_hash(self)"
    );
}

#[test]
fn transfer_moves_value_and_refuses_to_spend_below_the_minimum_balance() {
    let imports = format!(
        r#"{ADDRESS_AT_0}
           (import "seal0" "seal_transfer" (func $transfer (param i32 i32 i32 i32) (result i32)))"#
    );
    let ed = Genesis::dev().expect("genesis").config.existential_deposit;
    let bob = dev("Bob").account_id();
    let bob_bytes: String = bob.0.iter().map(|b| format!("\\{b:02x}")).collect();
    let amount = |v: u128| -> String {
        v.to_le_bytes()
            .iter()
            .map(|b| format!("\\{b:02x}"))
            .collect()
    };
    // Data: Bob at 400, one ED at 432, everything (10 ED) at 448.
    let imports = format!(
        r#"{imports}
           (data (i32.const 400) "{bob_bytes}")
           (data (i32.const 432) "{}")
           (data (i32.const 448) "{}")"#,
        amount(ed),
        amount(10 * ed)
    );
    let body = r#"
        (i32.store (i32.const 100) (call $transfer (i32.const 400) (i32.const 32) (i32.const 432) (i32.const 16)))
        (i32.store (i32.const 104) (call $transfer (i32.const 400) (i32.const 32) (i32.const 448) (i32.const 16)))
        (call $return (i32.const 0) (i32.const 100) (i32.const 8))"#;
    let (out, chain, contract) = run(&imports, body, 10 * ed);
    assert_eq!(&out[0..4], &0u32.to_le_bytes(), "one ED: Success");
    assert_eq!(
        &out[4..8],
        &5u32.to_le_bytes(),
        "all of it: TransferFailed (keep-alive)"
    );
    // Instantiation gave the contract one ED from the origin on top of its 10 ED
    // endowment (pallet-contracts' `charge_instantiate`); one ED went to Bob.
    assert_eq!(chain.account(&contract).expect("read").balance, 10 * ed);
    assert_eq!(
        chain.account(&bob).expect("read").balance,
        (1u128 << 60) + ed
    );
}
