//! Invalid transactions change nothing; valid ones use their nonce even when the call fails.

use carechain_runtime::{
    Call, ChainError, DispatchError, Hash, NoVm, Outcome, Signature, TxError, Weight,
};
use carechain_tests::{dev, dev_chain, signed, GAS};

fn transfer(to: &str, value: u128) -> Call {
    Call::Transfer {
        dest: dev(to).account_id(),
        value,
    }
}

#[test]
fn each_invalid_transaction_is_rejected_with_its_own_error_and_changes_nothing() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    // Use nonce 0 so that a replay of it is possible.
    let first = signed(&alice, g, 0, GAS, transfer("Bob", 10_000_000_000));
    chain
        .produce_block(vec![first.clone()], 1_000, &NoVm)
        .expect("block 1");

    let mut bad_sig = signed(&alice, g, 1, GAS, transfer("Bob", 1));
    bad_sig.signature = Signature::Sr25519([7; 64]);
    let mut tampered = signed(&alice, g, 1, GAS, transfer("Bob", 1));
    tampered.transaction.call = transfer("Bob", 1_000_000_000_000);
    let cases = [
        (bad_sig, TxError::BadSignature),
        (tampered, TxError::BadSignature),
        (
            signed(&alice, Hash([9; 32]), 1, GAS, transfer("Bob", 1)),
            TxError::WrongGenesis {
                expected: g,
                got: Hash([9; 32]),
            },
        ),
        (
            first,
            TxError::StaleNonce {
                expected: 1,
                got: 0,
            },
        ),
        (
            signed(&alice, g, 5, GAS, transfer("Bob", 1)),
            TxError::FutureNonce {
                expected: 1,
                got: 5,
            },
        ),
        (
            signed(&alice, g, 1, Weight::new(u64::MAX, 1), transfer("Bob", 1)),
            TxError::GasLimitTooHigh {
                requested: Weight::new(u64::MAX, 1),
                max: chain.config().schedule.limits.max_tx_gas,
            },
        ),
    ];
    for (tx, expected) in cases {
        let before = chain.head().clone();
        let alice_before = chain.account(&alice.account_id()).expect("read");
        let produced = chain
            .produce_block(vec![tx.clone()], before.timestamp + 1, &NoVm)
            .expect("block");
        assert_eq!(produced.rejected.len(), 1, "{expected:?}");
        assert_eq!(produced.rejected[0].error, expected);
        assert_eq!(produced.rejected[0].tx_hash, tx.hash());
        assert!(produced.block.extrinsics.is_empty());
        assert_eq!(
            produced.block.header.state_root, before.state_root,
            "{expected:?} changed state"
        );
        assert_eq!(
            chain.account(&alice.account_id()).expect("read"),
            alice_before
        );
    }
}

#[test]
fn a_failed_transfer_uses_the_nonce_and_moves_nothing() {
    let mut chain = dev_chain();
    let (alice, bob) = (dev("Alice"), dev("Bob"));
    let g = chain.genesis_hash();
    let balance = chain.account(&alice.account_id()).expect("read").balance;
    let tx = signed(&alice, g, 0, GAS, transfer("Bob", balance + 1));
    let produced = chain.produce_block(vec![tx], 1, &NoVm).expect("block");
    assert_eq!(
        produced.receipts[0].outcome,
        Outcome::Failed(DispatchError::InsufficientBalance)
    );
    let after = chain.account(&alice.account_id()).expect("read");
    assert_eq!(after.nonce, 1);
    assert_eq!(
        after.balance,
        balance - produced.receipts[0].fee,
        "only the fee"
    );
    assert_eq!(
        chain.account(&bob.account_id()).expect("read").balance,
        1 << 60
    );

    // Dust rules: a new account must receive at least the existential deposit.
    let ed = chain.config().existential_deposit;
    let nobody = carechain_runtime::Keypair::from_uri("//Nobody").expect("uri");
    let tx = signed(
        &alice,
        g,
        1,
        GAS,
        Call::Transfer {
            dest: nobody.account_id(),
            value: ed - 1,
        },
    );
    let produced = chain.produce_block(vec![tx], 2, &NoVm).expect("block");
    assert_eq!(
        produced.receipts[0].outcome,
        Outcome::Failed(DispatchError::BelowExistentialDeposit)
    );
}

#[test]
fn the_signer_pays_the_fee_of_what_it_weighed_and_one_who_cannot_is_refused() {
    use parity_scale_codec::Encode;
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let before = chain.account(&alice.account_id()).expect("read").balance;
    let value = 10_000_000_000;
    // A large gas limit is withdrawn up front and what the transfer did not weigh
    // comes back.
    let tx = signed(&alice, g, 0, GAS, transfer("Bob", value));
    let len = tx.encoded_size();
    let produced = chain.produce_block(vec![tx], 1, &NoVm).expect("block");
    let receipt = &produced.receipts[0];
    assert_eq!(receipt.outcome, Outcome::Success);
    assert_eq!(receipt.fee, chain.config().fee(receipt.weight, len));
    assert!(receipt.fee > 0);
    let after = chain.account(&alice.account_id()).expect("read").balance;
    assert_eq!(before - after, value + receipt.fee);

    // An account that cannot pay is not included: its transaction is invalid.
    let nobody = carechain_runtime::Keypair::from_uri("//Nobody").expect("uri");
    let broke = signed(&nobody, g, 0, GAS, transfer("Bob", 0));
    let produced = chain.produce_block(vec![broke], 2, &NoVm).expect("block");
    assert!(produced.receipts.is_empty());
    assert!(
        matches!(
            produced.rejected[0].error,
            TxError::CannotPayFee { free: 0, .. }
        ),
        "{:?}",
        produced.rejected
    );
    assert_eq!(chain.account(&nobody.account_id()).expect("read").nonce, 0);
}

#[test]
fn a_transfer_weighs_its_fixed_cost_whatever_its_gas_limit() {
    // As on a Substrate chain, a gas limit bounds only contract execution: a transfer
    // with a tiny one goes through, and its receipt weighs the transaction's fixed cost.
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let tiny = Weight::new(1, 1);
    let tx = signed(
        &alice,
        chain.genesis_hash(),
        0,
        tiny,
        transfer("Bob", 10_000_000_000),
    );
    let produced = chain.produce_block(vec![tx], 1, &NoVm).expect("block");
    let receipt = &produced.receipts[0];
    assert_eq!(receipt.outcome, Outcome::Success);
    assert_eq!(receipt.gas_used, Weight::ZERO);
    let costs = chain.config().schedule.costs.clone();
    assert_eq!(
        receipt.weight,
        costs.transaction.saturating_add(costs.transfer)
    );
    assert_eq!(chain.account(&alice.account_id()).expect("read").nonce, 1);
}

#[test]
fn blocks_import_on_a_second_node_and_tampering_is_caught() {
    let mut a = dev_chain();
    let mut b = dev_chain();
    let alice = dev("Alice");
    let g = a.genesis_hash();
    let txs = (0..20)
        .map(|n| {
            signed(
                &alice,
                g,
                n,
                GAS,
                transfer("Bob", 1_000_000_000 + u128::from(n)),
            )
        })
        .collect();
    let produced = a.produce_block(txs, 6_000, &NoVm).expect("block");
    assert!(produced.rejected.is_empty());

    let mut bad_root = produced.block.clone();
    bad_root.header.state_root = Hash([1; 32]);
    assert!(matches!(
        b.import_block(bad_root, &NoVm),
        Err(ChainError::RootMismatch {
            what: "state root",
            ..
        })
    ));

    let mut bad_tx = produced.block.clone();
    if let Signature::Sr25519(bytes) = &mut bad_tx.extrinsics[3].signature {
        bytes[10] ^= 1;
    }
    assert!(matches!(
        b.import_block(bad_tx, &NoVm),
        Err(ChainError::InvalidTransaction {
            index: 3,
            error: TxError::BadSignature
        })
    ));

    let mut reordered = produced.block.clone();
    reordered.extrinsics.swap(0, 1);
    assert!(matches!(
        b.import_block(reordered, &NoVm),
        Err(ChainError::InvalidTransaction { index: 0, .. })
    ));

    // Nothing above was committed: the honest block still imports, with equal receipts.
    let receipts = b
        .import_block(produced.block.clone(), &NoVm)
        .expect("import");
    assert_eq!(receipts, produced.receipts);
    assert_eq!(b.head(), a.head());
}

#[test]
fn timestamps_may_not_go_backwards() {
    let mut chain = dev_chain();
    chain.produce_block(vec![], 5_000, &NoVm).expect("block");
    assert!(matches!(
        chain.produce_block(vec![], 4_999, &NoVm),
        Err(ChainError::TimestampBeforeParent {
            parent: 5_000,
            got: 4_999
        })
    ));
}
