//! Property tests of the state trie and its proofs.

use std::collections::BTreeMap;

use carechain_runtime::{
    verify_proof, Hash, MemoryStore, Proof, ProofError, Terminal, Trie, EMPTY_ROOT,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

type Entries = BTreeMap<Vec<u8>, Vec<u8>>;

fn keys() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..12)
}

fn entries(max: usize) -> impl Strategy<Value = Entries> {
    btree_map(keys(), vec(any::<u8>(), 0..40), 0..max)
}

/// Inserts `entries` in the given order, in blocks of `block` changes, committing each.
fn build(store: &mut MemoryStore, order: &[(Vec<u8>, Vec<u8>)], block: usize) -> Hash {
    let mut root = EMPTY_ROOT;
    for chunk in order.chunks(block.max(1)) {
        let changes = chunk.iter().map(|(k, v)| (k.clone(), Some(v.clone())));
        let update = Trie::new(&*store).update(&root, changes).expect("update");
        store.insert_nodes(update.nodes);
        root = update.root;
    }
    root
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn root_is_independent_of_insertion_order_and_batching(
        entries in entries(60),
        seed in any::<u64>(),
        block in 1usize..20,
    ) {
        let forward: Vec<_> = entries.clone().into_iter().collect();
        let mut shuffled = forward.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut a = MemoryStore::default();
        let mut b = MemoryStore::default();
        let root_all_at_once = build(&mut a, &forward, usize::MAX);
        let root_shuffled = build(&mut b, &shuffled, block);
        prop_assert_eq!(root_all_at_once, root_shuffled);
    }

    #[test]
    fn every_key_proves_inclusion_and_every_absent_key_proves_absence(
        entries in entries(60),
        absent in vec(keys(), 0..20),
    ) {
        let mut store = MemoryStore::default();
        let order: Vec<_> = entries.clone().into_iter().collect();
        let root = build(&mut store, &order, 7);
        let trie = Trie::new(&store);
        for (key, value) in &entries {
            prop_assert_eq!(trie.get(&root, key).expect("read"), Some(value.clone()));
            let proof = trie.prove(&root, key).expect("prove");
            prop_assert_eq!(verify_proof(&root, key, Some(value), &proof), Ok(()));
            prop_assert_eq!(verify_proof(&root, key, None, &proof), Err(ProofError::KeyPresent));
        }
        for key in absent.iter().filter(|k| !entries.contains_key(*k)) {
            prop_assert_eq!(trie.get(&root, key).expect("read"), None);
            let proof = trie.prove(&root, key).expect("prove");
            prop_assert_eq!(verify_proof(&root, key, None, &proof), Ok(()));
            prop_assert!(verify_proof(&root, key, Some(b"x"), &proof).is_err());
        }
    }

    #[test]
    fn a_proof_does_not_verify_against_another_root_value_or_key(
        entries in entries(40).prop_filter("need two keys", |e| e.len() >= 2),
        pick in any::<prop::sample::Index>(),
        other in any::<u8>(),
    ) {
        let mut store = MemoryStore::default();
        let order: Vec<_> = entries.clone().into_iter().collect();
        let root = build(&mut store, &order, 5);
        let (key, value) = &order[pick.index(order.len())];
        let proof = Trie::new(&store).prove(&root, key).expect("prove");

        // Another root: the same trie with one more change.
        let changed = Trie::new(&store)
            .update(&root, [(b"another key".to_vec(), Some(vec![other]))])
            .expect("update");
        prop_assert!(verify_proof(&changed.root, key, Some(value), &proof).is_err());

        // Another value.
        let mut wrong = value.clone();
        wrong.push(other);
        prop_assert!(verify_proof(&root, key, Some(&wrong), &proof).is_err());

        // Another key's proof for this key.
        let (key2, _) = order.iter().find(|(k, _)| k != key).expect("two keys");
        let proof2 = Trie::new(&store).prove(&root, key2).expect("prove");
        prop_assert!(verify_proof(&root, key, Some(value), &proof2).is_err());

        // A tampered sibling.
        if !proof.siblings.is_empty() {
            let mut tampered = proof.clone();
            let i = pick.index(tampered.siblings.len());
            tampered.siblings[i].0[0] ^= 1;
            prop_assert!(verify_proof(&root, key, Some(value), &tampered).is_err());
        }
    }

    #[test]
    fn inserting_then_deleting_everything_gives_the_empty_root(
        entries in entries(60),
        block in 1usize..16,
    ) {
        let mut store = MemoryStore::default();
        let order: Vec<_> = entries.clone().into_iter().collect();
        let mut root = build(&mut store, &order, block);
        for chunk in order.chunks(block) {
            let deletes = chunk.iter().map(|(k, _)| (k.clone(), None));
            let update = Trie::new(&store).update(&root, deletes).expect("update");
            store.insert_nodes(update.nodes);
            root = update.root;
        }
        prop_assert_eq!(root, EMPTY_ROOT);
    }

    #[test]
    fn partial_deletion_equals_building_the_remainder(
        entries in entries(50),
        mask in vec(any::<bool>(), 50),
    ) {
        let order: Vec<_> = entries.clone().into_iter().collect();
        let mut store = MemoryStore::default();
        let root = build(&mut store, &order, 9);
        let deletes = order.iter().zip(&mask).filter(|(_, d)| **d).map(|((k, _), _)| (k.clone(), None));
        let after = Trie::new(&store).update(&root, deletes).expect("update").root;
        let rest: Vec<_> = order.iter().zip(&mask).filter(|(_, d)| !**d).map(|(e, _)| e.clone()).collect();
        let mut fresh = MemoryStore::default();
        prop_assert_eq!(after, build(&mut fresh, &rest, usize::MAX));
    }
}

#[test]
fn a_leaf_cannot_be_passed_off_as_a_branch() {
    // Two keys give a branch root. Presenting the branch's children as a "leaf"
    // (path, value_hash) must not reproduce the root: leaf and branch hashes are tagged.
    let mut store = MemoryStore::default();
    let root = build(
        &mut store,
        &[
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), b"2".to_vec()),
        ],
        2,
    );
    let proof_a = Trie::new(&store).prove(&root, b"a").expect("prove");
    assert_eq!(proof_a.siblings.len(), 1);
    let forged = Proof {
        siblings: Vec::new(),
        terminal: Terminal::Leaf {
            path: proof_a.siblings[0],
            value_hash: proof_a.siblings[0],
        },
    };
    assert!(verify_proof(&root, b"zzz", None, &forged).is_err());
}

#[test]
fn an_overlong_proof_is_rejected_without_work() {
    let proof = Proof {
        siblings: vec![Hash::ZERO; 300],
        terminal: Terminal::Empty,
    };
    assert_eq!(
        verify_proof(&EMPTY_ROOT, b"k", None, &proof),
        Err(ProofError::TooDeep(300))
    );
}
