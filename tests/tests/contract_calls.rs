//! The executive's contract path through a test VM: commit on success, roll back on
//! revert, trap and out-of-gas, events only from successful calls.

use carechain_runtime::{
    base_deposit, code_hash, contract_storage_key, Call, Chain, ChainStore, ContractError,
    ContractInfo, DispatchError, Hash, MemoryStore, NoVm, Outcome, StateDb, StateExt, Weight,
    EMPTY_ROOT,
};
use carechain_tests::{dev, dev_chain, signed, trie_id_of, Op, ScriptVm, GAS};

fn storage(
    chain: &Chain<MemoryStore>,
    contract: &carechain_runtime::AccountId,
    key: &[u8],
) -> Option<Vec<u8>> {
    chain
        .storage_at(
            &chain.head().state_root,
            &contract_storage_key(&trie_id_of(chain, contract), key),
        )
        .expect("read")
}

#[test]
fn outcomes_roll_back_exactly_as_they_should() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let topic = Hash([0xee; 32]);
    let programs = [
        vec![
            Op::Set(b"k".to_vec(), b"ok".to_vec()),
            Op::Emit(vec![topic], b"hi".to_vec()),
            Op::Return(b"done".to_vec()),
        ],
        vec![
            Op::Set(b"k".to_vec(), b"reverted".to_vec()),
            Op::Emit(vec![topic], vec![]),
            Op::Revert(b"no".to_vec()),
        ],
        vec![Op::Set(b"k".to_vec(), b"trapped".to_vec()), Op::Trap],
        vec![
            Op::Set(b"k".to_vec(), b"greedy".to_vec()),
            Op::Burn(Weight::new(u64::MAX / 2, 0)),
        ],
    ];
    let codes: Vec<Vec<u8>> = programs.iter().map(|p| ScriptVm::code(p)).collect();
    let uploads = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            signed(
                &alice,
                g,
                i as u64,
                GAS,
                Call::UploadCode { code: code.clone() },
            )
        })
        .collect();
    let produced = chain.produce_block(uploads, 1, &ScriptVm).expect("uploads");
    for (receipt, code) in produced.receipts.iter().zip(&codes) {
        assert_eq!(receipt.outcome, Outcome::Success);
        assert_eq!(receipt.output, code_hash(code).0.to_vec());
    }

    let instantiate = |nonce: u64, code: &[u8]| {
        signed(
            &alice,
            g,
            nonce,
            GAS,
            Call::Instantiate {
                code_hash: code_hash(code),
                value: 0,
                data: vec![],
                salt: vec![],
            },
        )
    };
    let txs = (0..4)
        .map(|i| instantiate(4 + i as u64, &codes[i]))
        .collect();
    let produced = chain.produce_block(txs, 2, &ScriptVm).expect("instantiate");
    let outcomes: Vec<_> = produced
        .receipts
        .iter()
        .map(|r| r.outcome.clone())
        .collect();
    assert_eq!(
        outcomes,
        vec![
            Outcome::Success,
            Outcome::Reverted,
            Outcome::Failed(DispatchError::Module(ContractError::ContractTrapped)),
            Outcome::Failed(DispatchError::Module(ContractError::OutOfGas)),
        ]
    );
    let ok = produced.receipts[0].instantiated.expect("address");
    assert_eq!(storage(&chain, &ok, b"k"), Some(b"ok".to_vec()));
    assert_eq!(produced.receipts[0].output, b"done".to_vec());
    assert_eq!(produced.receipts[0].events.len(), 1);
    assert_eq!(produced.receipts[1].output, b"no".to_vec());
    for r in &produced.receipts[1..] {
        assert!(r.events.is_empty() && r.instantiated.is_none());
    }
    // Out of gas charges what was used, never more than the limit (pallet-contracts).
    assert!(!produced.receipts[3].gas_used.any_gt(GAS));
    assert!(produced.receipts[3].gas_used.ref_time > 0);
    // Nothing of the failed ones reached state.
    let reverted =
        carechain_runtime::contract_address(&alice.account_id(), &code_hash(&codes[1]), &[], &[]);
    assert_eq!(storage(&chain, &reverted, b"k"), None);
    let state = StateDb::new(chain.store(), chain.head().state_root);
    assert_eq!(state.contract_info(&reverted).expect("read"), None);
    assert_eq!(state.account(&alice.account_id()).expect("read").nonce, 8);

    // Events are indexed by topic.
    let refs = chain.store().events_by_topic(&topic).expect("index");
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (refs[0].block, refs[0].tx_index, refs[0].event_index),
        (2, 0, 0)
    );

    // Calling the live contract again works; calling a missing one fails cleanly.
    let call = signed(
        &alice,
        g,
        8,
        GAS,
        Call::Call {
            dest: ok,
            value: 0,
            data: vec![],
        },
    );
    let missing = signed(
        &alice,
        g,
        9,
        GAS,
        Call::Call {
            dest: reverted,
            value: 0,
            data: vec![],
        },
    );
    let produced = chain
        .produce_block(vec![call, missing], 3, &ScriptVm)
        .expect("calls");
    assert_eq!(produced.receipts[0].outcome, Outcome::Success);
    assert_eq!(
        produced.receipts[1].outcome,
        Outcome::Failed(DispatchError::Module(ContractError::ContractNotFound))
    );
    assert_eq!(
        chain.store().events_by_topic(&topic).expect("index").len(),
        2
    );
}

#[test]
fn without_a_vm_contract_calls_fail_but_transfers_work() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let txs = vec![
        signed(
            &alice,
            g,
            0,
            GAS,
            Call::UploadCode {
                code: b"\0asm".to_vec(),
            },
        ),
        signed(
            &alice,
            g,
            1,
            GAS,
            Call::Transfer {
                dest: dev("Bob").account_id(),
                value: 5_000_000_000,
            },
        ),
    ];
    let produced = chain.produce_block(txs, 1, &NoVm).expect("block");
    assert_eq!(
        produced.receipts[0].outcome,
        Outcome::Failed(DispatchError::NoVm)
    );
    assert_eq!(produced.receipts[1].outcome, Outcome::Success);
    assert_ne!(chain.head().state_root, EMPTY_ROOT);
}

/// A constructor that writes storage and then terminates fails with the pallet's
/// `TerminatedInConstructor` even when its writes alone would exceed the deposit
/// limit: the termination's refund is booked before the limit is checked, as
/// pallet-contracts' `terminate` books it.
#[test]
fn a_terminating_constructor_is_refused_as_such_under_a_tight_deposit_limit() {
    let mut chain = dev_chain();
    let (alice, bob) = (dev("Alice"), dev("Bob"));
    let g = chain.genesis_hash();
    let code = ScriptVm::code(&[
        Op::Set(b"k".to_vec(), vec![7; 200]),
        Op::Terminate(bob.account_id()),
    ]);
    let hash = code_hash(&code);
    let config = chain.config().clone();
    let base = base_deposit(
        &ContractInfo::new(hash, alice.account_id(), Hash::default()),
        &config,
    );
    let writes = config.deposit_per_byte * 200 + config.deposit_per_item;
    let mut instantiate = signed(
        &alice,
        g,
        1,
        GAS,
        Call::Instantiate {
            code_hash: hash,
            value: 0,
            data: vec![],
            salt: vec![],
        },
    )
    .transaction;
    // Room for the base deposit, not for the writes.
    instantiate.storage_deposit_limit = Some(base + writes / 2);
    let txs = vec![
        signed(&alice, g, 0, GAS, Call::UploadCode { code }),
        instantiate.sign(&alice),
    ];
    let produced = chain.produce_block(txs, 1, &ScriptVm).expect("block");
    assert!(produced.rejected.is_empty(), "{:?}", produced.rejected);
    assert_eq!(
        produced.receipts[1].outcome,
        Outcome::Failed(DispatchError::Module(
            ContractError::TerminatedInConstructor
        ))
    );
}
