//! Shared setup for the benchmarks: deterministic keys and values, and tries of a
//! given size. No timing happens here.

use carechain_runtime::trie::Node;
use carechain_runtime::{
    Block, BlockCommit, ChainStore, Hash, Header, MemoryStore, NodeStore, Trie, EMPTY_ROOT,
};

/// The `i`th benchmark key: 32 bytes, like an account or storage key.
pub fn key(i: u64) -> Vec<u8> {
    let mut k = b"bench-key-".to_vec();
    k.extend_from_slice(&i.to_le_bytes());
    k.resize(32, 0);
    k
}

/// A 40-byte value that differs by key and round (about an encoded account's size).
pub fn value(i: u64, round: u64) -> Vec<u8> {
    let mut v = i.to_le_bytes().to_vec();
    v.extend_from_slice(&round.to_le_bytes());
    v.resize(40, 0xab);
    v
}

/// A trie of `n` keys in memory, built in blocks of 100k changes; returns its root.
pub fn memory_trie(n: u64) -> (MemoryStore, Hash) {
    let mut store = MemoryStore::default();
    let mut root = EMPTY_ROOT;
    for start in (0..n).step_by(100_000) {
        let end = (start + 100_000).min(n);
        let changes = (start..end).map(|i| (key(i), Some(value(i, 0))));
        match Trie::new(&store).update(&root, changes) {
            Ok(update) => {
                store.insert_nodes(update.nodes);
                root = update.root;
            }
            Err(e) => panic!("building a benchmark trie failed: {e}"),
        }
    }
    (store, root)
}

/// Commits `nodes` with root `root` as the next block of `store`, so that a trie can
/// live in any [`ChainStore`] without transactions.
pub fn commit_root<S: ChainStore>(store: &mut S, root: Hash, nodes: Vec<(Hash, Node)>) {
    let head = match store.head() {
        Ok(Some(h)) => store.header(&h).ok().flatten(),
        _ => None,
    };
    let header = Header {
        parent_hash: head.as_ref().map_or(Hash::ZERO, Header::hash),
        number: head.as_ref().map_or(0, |h| h.number + 1),
        timestamp: 0,
        state_root: root,
        extrinsics_root: EMPTY_ROOT,
        receipts_root: EMPTY_ROOT,
    };
    let commit = BlockCommit {
        block: Block {
            header,
            extrinsics: vec![],
        },
        receipts: vec![],
        nodes,
        contract_keys: vec![],
    };
    if let Err(e) = store.commit_block(commit) {
        panic!("benchmark commit failed: {e}");
    }
}

/// Copies every node reachable from a memory trie into a chain store as one block.
pub fn persist<S: ChainStore>(from: &MemoryStore, root: Hash, to: &mut S) {
    let mut nodes = Vec::new();
    let mut stack = vec![root];
    while let Some(h) = stack.pop() {
        if h == EMPTY_ROOT {
            continue;
        }
        let node = match from.node(&h) {
            Ok(Some(node)) => node,
            _ => panic!("node {h} missing while copying the benchmark trie"),
        };
        if let Node::Branch { left, right } = &node {
            stack.push(*left);
            stack.push(*right);
        }
        nodes.push((h, node));
    }
    commit_root(to, root, nodes);
}
