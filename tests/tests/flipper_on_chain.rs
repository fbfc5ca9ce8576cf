//! The real compiled flipper on the real wasmtime VM, through signed transactions and
//! blocks: upload, instantiate, call, events, storage, gas determinism, failures.

use carechain_runtime::{
    code_hash, contract_address, Call, ContractError, DispatchError, Outcome, Receipt, RejectKind,
    SignedTransaction, Weight,
};
use carechain_tests::{deploy, dev, dev_chain, ink_artifact, signed, GAS, UPLOAD_GAS};
use carechain_vm::WasmtimeVm;

fn selector(label: &str) -> Vec<u8> {
    carechain_tests::selector("flipper", label).to_vec()
}

struct Run {
    receipts: Vec<Receipt>,
    root: carechain_runtime::Hash,
}

/// Uploads, instantiates with `new(false)`, flips twice and reads, in three blocks.
fn scenario(vm: &WasmtimeVm) -> Run {
    let wasm = std::fs::read(ink_artifact("flipper", "wasm")).expect("wasm");
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let hash = code_hash(&wasm);
    let mut ctor = selector("new");
    ctor.push(0); // false
    let address = contract_address(&alice.account_id(), &hash, &ctor, &[]);
    let call = |nonce, data: Vec<u8>| {
        signed(
            &alice,
            g,
            nonce,
            GAS,
            Call::Call {
                dest: address,
                value: 0,
                data,
            },
        )
    };
    let blocks: Vec<Vec<SignedTransaction>> = vec![
        vec![signed(
            &alice,
            g,
            0,
            UPLOAD_GAS,
            Call::UploadCode { code: wasm },
        )],
        vec![signed(
            &alice,
            g,
            1,
            GAS,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data: ctor,
                salt: vec![],
            },
        )],
        vec![
            call(2, selector("flip")),
            call(3, selector("get")),
            call(4, selector("flip")),
            call(5, selector("get")),
        ],
    ];
    let mut receipts = Vec::new();
    for (i, txs) in blocks.into_iter().enumerate() {
        let produced = chain
            .produce_block(txs, 6_000 * (i as u64 + 1), vm)
            .expect("block");
        assert!(produced.rejected.is_empty(), "{:?}", produced.rejected);
        receipts.extend(produced.receipts);
    }
    assert_eq!(receipts[1].instantiated, Some(address));
    Run {
        receipts,
        root: chain.head().state_root,
    }
}

#[test]
fn flipper_deploys_flips_and_reads_back() {
    let vm = WasmtimeVm::new().expect("vm");
    let run = scenario(&vm);
    for r in &run.receipts {
        assert_eq!(r.outcome, Outcome::Success, "{r:?}");
    }
    // ink! 5 wraps every return in Result<_, LangError>: a message's Ok(()) is [0] and
    // Ok(true) is [0, 1]; a constructor's Ok(Ok(())) is [0, 0].
    assert_eq!(run.receipts[1].output, vec![0, 0]);
    assert_eq!(run.receipts[2].output, vec![0]);
    assert_eq!(run.receipts[3].output, vec![0, 1]);
    assert_eq!(run.receipts[5].output, vec![0, 0]);
    // Each flip emits Flipped with the signature topic and the caller as topics.
    let event = &run.receipts[2].events[0];
    assert_eq!(event.topics.len(), 2);
    assert_eq!(event.topics[1].0, dev("Alice").account_id().0);
    assert_eq!(event.data, {
        let mut d = dev("Alice").account_id().0.to_vec();
        d.push(1);
        d
    });
    assert!(run.receipts[3].events.is_empty());
}

#[test]
fn results_gas_and_state_root_are_identical_on_every_run_warm_or_cold() {
    let vm = WasmtimeVm::new().expect("vm");
    let first = scenario(&vm);
    let warm = scenario(&vm); // compiled code now cached
    let cold = scenario(&WasmtimeVm::new().expect("vm"));
    // sr25519 signatures are randomized, so transaction hashes differ between runs;
    // everything the contract and the VM decide must not.
    let decided = |run: &Run| -> Vec<Receipt> {
        run.receipts
            .iter()
            .map(|r| Receipt {
                tx_hash: carechain_runtime::Hash::ZERO,
                ..r.clone()
            })
            .collect()
    };
    for other in [&warm, &cold] {
        assert_eq!(first.root, other.root);
        assert_eq!(decided(&first), decided(other));
    }
    assert!(first.receipts[2].gas_used.ref_time > 0);
}

#[test]
fn too_little_gas_is_out_of_gas_and_rolls_back() {
    let vm = WasmtimeVm::new().expect("vm");
    let wasm = std::fs::read(ink_artifact("flipper", "wasm")).expect("wasm");
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let hash = code_hash(&wasm);
    let mut ctor = selector("new");
    ctor.push(1);
    let base = chain.config().schedule.costs.transaction;
    let tight = Weight::new(base.ref_time + 10_000, base.proof_size + 100_000);
    let txs = vec![
        signed(&alice, g, 0, UPLOAD_GAS, Call::UploadCode { code: wasm }),
        signed(
            &alice,
            g,
            1,
            tight,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data: ctor.clone(),
                salt: vec![],
            },
        ),
        signed(
            &alice,
            g,
            2,
            GAS,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data: vec![1, 2, 3, 4],
                salt: vec![],
            },
        ),
        signed(
            &alice,
            g,
            3,
            GAS,
            Call::UploadCode {
                code: b"\0asm\x01\0\0\0garbage".to_vec(),
            },
        ),
    ];
    let produced = chain.produce_block(txs, 1, &vm).expect("block");
    let r = &produced.receipts;
    assert_eq!(
        r[1].outcome,
        Outcome::Failed(DispatchError::Module(ContractError::OutOfGas))
    );
    assert!(!r[1].gas_used.any_gt(tight));
    assert!(r[1].instantiated.is_none());
    // An unknown constructor selector: ink! traps (unreachable) and nothing is created.
    assert!(
        matches!(
            r[2].outcome,
            Outcome::Failed(DispatchError::Module(_)) | Outcome::Reverted
        ),
        "{:?}",
        r[2].outcome
    );
    assert!(
        matches!(
            &r[3].outcome,
            Outcome::Failed(DispatchError::CodeRejected {
                kind: RejectKind::InvalidWasm,
                offset: Some(_)
            })
        ),
        "{:?}",
        r[3].outcome
    );
    let address = contract_address(&alice.account_id(), &hash, &ctor, &[]);
    let state = carechain_runtime::StateDb::new(chain.store(), chain.head().state_root);
    assert_eq!(
        carechain_runtime::StateExt::contract_info(&state, &address).expect("read"),
        None
    );
}

#[test]
fn a_dry_run_reports_output_gas_events_and_changes_and_commits_nothing() {
    let vm = WasmtimeVm::new().expect("vm");
    let wasm = std::fs::read(ink_artifact("flipper", "wasm")).expect("wasm");
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let mut ctor = selector("new");
    ctor.push(0);
    let address = deploy(&mut chain, &vm, wasm, ctor, 0);
    let head = chain.head().clone();
    let flip = selector("flip");
    let call = carechain_runtime::ContractCall::Call {
        dest: address,
        value: 0,
        data: &flip,
    };
    let dry = chain.dry_run(&alice.account_id(), GAS, None, call, &vm);
    assert_eq!(
        dry.outcome.result.as_ref().map(|r| r.data.clone()),
        Ok(vec![0])
    );
    assert_eq!(dry.outcome.events.len(), 1);
    assert_eq!(dry.storage_changes.len(), 1, "flipper's one storage cell");
    assert_eq!(dry.storage_changes[0].1.as_deref(), Some(&[1u8][..]));
    assert_eq!(chain.head(), &head, "nothing committed");
    // The same call as a transaction, with the gas required as its limit, uses the
    // gas and pays the fee the dry run reported.
    let tx = signed(
        &alice,
        g,
        2,
        dry.gas_required,
        Call::Call {
            dest: address,
            value: 0,
            data: flip.clone(),
        },
    );
    let produced = chain.produce_block(vec![tx], 2, &vm).expect("flip");
    assert_eq!(produced.receipts[0].gas_used, dry.outcome.gas_consumed);
    assert_eq!(produced.receipts[0].fee, dry.fee);
    assert!(dry.fee > 0);
}

#[test]
fn debug_messages_are_captured_in_dry_runs_only() {
    let vm = WasmtimeVm::new().expect("vm");
    let code = wat::parse_str(
        r#"(module
            (import "seal0" "debug_message" (func $debug (param i32 i32) (result i32)))
            (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
            (import "env" "memory" (memory 1 16))
            (data (i32.const 0) "hello")
            (func (export "deploy"))
            (func (export "call")
                (i32.store (i32.const 16) (call $debug (i32.const 0) (i32.const 5)))
                (call $return (i32.const 0) (i32.const 16) (i32.const 4))))"#,
    )
    .expect("wat");
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let address = deploy(&mut chain, &vm, code, vec![], 0);
    let txs = vec![signed(
        &alice,
        chain.genesis_hash(),
        2,
        GAS,
        Call::Call {
            dest: address,
            value: 0,
            data: vec![],
        },
    )];
    let produced = chain.produce_block(txs, 5, &vm).expect("block");
    assert_eq!(
        produced.receipts[0].output,
        0u32.to_le_bytes(),
        "pallet-contracts 31 answers Success in a transaction too (the message is not read)"
    );
    let call = carechain_runtime::ContractCall::Call {
        dest: address,
        value: 0,
        data: &[],
    };
    let dry = chain.dry_run(&alice.account_id(), GAS, None, call, &vm);
    assert_eq!(
        dry.outcome.result.map(|r| r.data),
        Ok(0u32.to_le_bytes().to_vec())
    );
    assert_eq!(dry.outcome.debug_message, "hello");
}

/// An upload pays for its compile: the schedule's price of the code's shape, as gas,
/// checked against the gas limit before anything is compiled.
#[test]
fn an_upload_is_charged_its_compile_and_refused_unpaid_before_compiling() {
    let vm = WasmtimeVm::new().expect("vm");
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let wasm = std::fs::read(ink_artifact("flipper", "wasm")).expect("wasm");
    let shape = carechain_runtime::ContractVm::code_shape(&vm, &wasm);
    assert!(
        shape.functions > 10 && shape.body_bytes > 1_000,
        "{shape:?}"
    );
    let price = chain.config().schedule.compile.weight(&shape);
    let short = Weight::new(price.ref_time - 1, GAS.proof_size);
    let produced = chain
        .produce_block(
            vec![signed(
                &alice,
                g,
                0,
                short,
                Call::UploadCode { code: wasm.clone() },
            )],
            1,
            &vm,
        )
        .expect("block");
    let unpaid = &produced.receipts[0];
    assert_eq!(
        unpaid.outcome,
        Outcome::Failed(DispatchError::Module(ContractError::OutOfGas))
    );
    assert_eq!(unpaid.gas_used, short);
    assert_eq!(vm.compilations(), 0, "refused before compiling");
    let produced = chain
        .produce_block(
            vec![signed(
                &alice,
                g,
                1,
                UPLOAD_GAS,
                Call::UploadCode { code: wasm },
            )],
            2,
            &vm,
        )
        .expect("block");
    let paid = &produced.receipts[0];
    assert_eq!(paid.outcome, Outcome::Success);
    assert_eq!(paid.gas_used, price);
    assert_eq!(vm.compilations(), 1);
}
