//! The Merkle state trie: reads, batched updates and proofs over a [`NodeStore`].
//!
//! Nodes are content-addressed and never overwritten, so every root ever committed
//! stays readable for as long as its nodes are retained. An update rewrites only the
//! nodes on changed paths and hands them back as one [`TrieUpdate`], which the caller
//! commits in a single store transaction together with the block.

mod node;
pub mod proof;

use parity_scale_codec::Encode;

use node::{path_bit, BRANCH_TAG};
pub use node::{Node, EMPTY_ROOT, MAX_DEPTH};
use proof::{Proof, Terminal};

use crate::crypto::{sha256, sha256_tagged};
use crate::primitives::Hash;
use crate::store::{NodeStore, StoreError};

/// The nodes an update created and the root they lead to; commit them together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrieUpdate {
    /// The new state root.
    pub root: Hash,
    /// New nodes with their hashes, children before parents.
    pub nodes: Vec<(Hash, Node)>,
}

/// What went wrong reading the trie.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    /// A node the root refers to is not in the store (pruned, or a foreign root).
    #[error("trie node {0} is missing from the store")]
    MissingNode(Hash),
    /// The store itself failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A view of the trie over a node store; cheap to create.
pub struct Trie<'s, S: NodeStore + ?Sized> {
    store: &'s S,
}

/// A pending change at one key path: `Some(value)` sets, `None` deletes.
type Change = (Hash, Option<Vec<u8>>);

/// A subtree after an update.
#[derive(Clone, Copy)]
enum Subtree {
    Empty,
    Leaf(Hash),
    Branch(Hash),
    /// Not touched by the update; its kind is only looked up if a collapse needs it.
    Unchanged(Hash),
}

impl Subtree {
    fn hash(self) -> Hash {
        match self {
            Subtree::Empty => EMPTY_ROOT,
            Subtree::Leaf(h) | Subtree::Branch(h) | Subtree::Unchanged(h) => h,
        }
    }
}

impl<'s, S: NodeStore + ?Sized> Trie<'s, S> {
    /// A trie reading nodes from `store`.
    pub fn new(store: &'s S) -> Self {
        Trie { store }
    }

    fn load(&self, hash: &Hash) -> Result<Node, TrieError> {
        self.store.node(hash)?.ok_or(TrieError::MissingNode(*hash))
    }

    /// The value of `key` under `root`, if any.
    ///
    /// # Errors
    /// [`TrieError`] if a node on the path is missing or corrupt.
    pub fn get(&self, root: &Hash, key: &[u8]) -> Result<Option<Vec<u8>>, TrieError> {
        let path = sha256(key);
        let mut current = *root;
        let mut depth = 0;
        while current != EMPTY_ROOT && depth < MAX_DEPTH {
            match self.load(&current)? {
                Node::Leaf { path: p, value } => return Ok((p == path).then_some(value)),
                Node::Branch { left, right } => {
                    current = if path_bit(&path, depth) { right } else { left };
                    depth += 1;
                }
            }
        }
        Ok(None)
    }

    /// A proof of `key`'s value (or absence) under `root`.
    ///
    /// # Errors
    /// [`TrieError`] if a node on the path is missing or corrupt.
    pub fn prove(&self, root: &Hash, key: &[u8]) -> Result<Proof, TrieError> {
        let path = sha256(key);
        let mut siblings = Vec::new();
        let mut current = *root;
        while current != EMPTY_ROOT && siblings.len() < MAX_DEPTH {
            match self.load(&current)? {
                Node::Leaf { path, value } => {
                    let terminal = Terminal::Leaf {
                        path,
                        value_hash: sha256(&value),
                    };
                    return Ok(Proof { siblings, terminal });
                }
                Node::Branch { left, right } => {
                    let (next, sibling) = if path_bit(&path, siblings.len()) {
                        (right, left)
                    } else {
                        (left, right)
                    };
                    siblings.push(sibling);
                    current = next;
                }
            }
        }
        Ok(Proof {
            siblings,
            terminal: Terminal::Empty,
        })
    }

    /// Applies `changes` (key, `Some(value)` to set or `None` to delete) to the trie at
    /// `root`. Later changes to the same key win. Nothing is written: the returned
    /// [`TrieUpdate`] holds the new nodes for the caller to commit.
    ///
    /// # Errors
    /// [`TrieError`] if a node on a changed path is missing or corrupt.
    pub fn update<K, I>(&self, root: &Hash, changes: I) -> Result<TrieUpdate, TrieError>
    where
        K: AsRef<[u8]>,
        I: IntoIterator<Item = (K, Option<Vec<u8>>)>,
    {
        let mut changes: Vec<Change> = changes
            .into_iter()
            .map(|(k, v)| (sha256(k.as_ref()), v))
            .collect();
        // A stable sort keeps same-key changes in order; keep the last of each run.
        changes.sort_by_key(|c| c.0);
        changes.reverse();
        changes.dedup_by(|later, earlier| later.0 == earlier.0);
        changes.reverse();
        let mut nodes = Vec::new();
        let subtree = self.update_at(*root, 0, &changes, &mut nodes)?;
        Ok(TrieUpdate {
            root: subtree.hash(),
            nodes,
        })
    }

    /// Updates the subtree `hash` at `depth` with `changes`, all of which share its prefix.
    fn update_at(
        &self,
        hash: Hash,
        depth: usize,
        changes: &[Change],
        out: &mut Vec<(Hash, Node)>,
    ) -> Result<Subtree, TrieError> {
        if changes.is_empty() {
            return Ok(if hash == EMPTY_ROOT {
                Subtree::Empty
            } else {
                Subtree::Unchanged(hash)
            });
        }
        if hash == EMPTY_ROOT {
            let entries: Vec<(&Hash, &[u8])> = changes
                .iter()
                .filter_map(|(p, v)| v.as_deref().map(|v| (p, v)))
                .collect();
            return Ok(build(depth, &entries, out));
        }
        match self.load(&hash)? {
            Node::Leaf { path, value } => {
                let position = changes.binary_search_by(|(p, _)| p.cmp(&path));
                if position.is_err() && changes.iter().all(|(_, v)| v.is_none()) {
                    // Only deletions of absent keys: nothing changes.
                    return Ok(Subtree::Unchanged(hash));
                }
                let mut entries: Vec<(&Hash, &[u8])> = changes
                    .iter()
                    .filter_map(|(p, v)| v.as_deref().map(|v| (p, v)))
                    .collect();
                if let Err(at) = position {
                    let before = changes[..at].iter().filter(|(_, v)| v.is_some()).count();
                    entries.insert(before, (&path, value.as_slice()));
                }
                Ok(build(depth, &entries, out))
            }
            Node::Branch { left, right } => {
                let split = changes.partition_point(|(p, _)| !path_bit(p, depth));
                let l = self.update_at(left, depth + 1, &changes[..split], out)?;
                let r = self.update_at(right, depth + 1, &changes[split..], out)?;
                if let (Subtree::Unchanged(_), Subtree::Unchanged(_)) = (l, r) {
                    return Ok(Subtree::Unchanged(hash));
                }
                self.join(l, r, out)
            }
        }
    }

    /// Joins two updated children, collapsing a lone leaf upward so the shape stays canonical.
    fn join(
        &self,
        left: Subtree,
        right: Subtree,
        out: &mut Vec<(Hash, Node)>,
    ) -> Result<Subtree, TrieError> {
        let lone = match (left, right) {
            (Subtree::Empty, Subtree::Empty) => return Ok(Subtree::Empty),
            (Subtree::Empty, only) | (only, Subtree::Empty) => Some(only),
            _ => None,
        };
        match lone {
            Some(Subtree::Leaf(h)) => return Ok(Subtree::Leaf(h)),
            Some(Subtree::Unchanged(h)) => {
                if let Node::Leaf { .. } = self.load(&h)? {
                    return Ok(Subtree::Leaf(h));
                }
            }
            _ => {}
        }
        Ok(push_branch(left.hash(), right.hash(), out))
    }
}

/// Builds the canonical subtree holding exactly `entries` (sorted, distinct paths).
fn build(depth: usize, entries: &[(&Hash, &[u8])], out: &mut Vec<(Hash, Node)>) -> Subtree {
    match entries {
        [] => Subtree::Empty,
        [(path, value)] => {
            let node = Node::Leaf {
                path: **path,
                value: value.to_vec(),
            };
            let hash = node.hash();
            out.push((hash, node));
            Subtree::Leaf(hash)
        }
        _ => {
            // Distinct 256-bit paths differ before depth 256, so this recursion ends.
            let split = entries.partition_point(|(p, _)| !path_bit(p, depth));
            let l = build(depth + 1, &entries[..split], out);
            let r = build(depth + 1, &entries[split..], out);
            // Two or more entries keep at least two below any one-sided split, so the
            // non-empty side is never a lone leaf and no collapse is needed here.
            push_branch(l.hash(), r.hash(), out)
        }
    }
}

fn push_branch(left: Hash, right: Hash, out: &mut Vec<(Hash, Node)>) -> Subtree {
    let node = Node::Branch { left, right };
    let hash = sha256_tagged(BRANCH_TAG, &[&left.0, &right.0]);
    out.push((hash, node));
    Subtree::Branch(hash)
}

/// The Merkle root of an ordered list: a trie mapping `SCALE(Compact(index))` to each
/// item's SCALE encoding. Used for a block's extrinsics and receipts roots, so that one
/// item can be proven with the same [`proof::verify_proof`].
pub fn ordered_root<T: Encode>(items: &[T]) -> Hash {
    let store = crate::store::MemoryStore::default();
    let changes = items.iter().enumerate().map(|(i, item)| {
        (
            parity_scale_codec::Compact(i as u64).encode(),
            Some(item.encode()),
        )
    });
    // An empty store cannot miss a node: an update from the empty root reads nothing.
    Trie::new(&store)
        .update(&EMPTY_ROOT, changes)
        .map_or(EMPTY_ROOT, |u| u.root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn apply(
        store: &mut MemoryStore,
        root: Hash,
        changes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    ) -> Hash {
        let update = Trie::new(&*store).update(&root, changes).expect("update");
        store.insert_nodes(update.nodes);
        update.root
    }

    #[test]
    fn empty_trie_reads_nothing() {
        let store = MemoryStore::default();
        let trie = Trie::new(&store);
        assert_eq!(trie.get(&EMPTY_ROOT, b"a"), Ok(None));
    }

    #[test]
    fn insert_get_overwrite_delete() {
        let mut store = MemoryStore::default();
        let r1 = apply(
            &mut store,
            EMPTY_ROOT,
            vec![(b"a".to_vec(), Some(b"1".to_vec()))],
        );
        let r2 = apply(&mut store, r1, vec![(b"b".to_vec(), Some(b"2".to_vec()))]);
        let r3 = apply(&mut store, r2, vec![(b"a".to_vec(), Some(b"3".to_vec()))]);
        let trie = Trie::new(&store);
        assert_eq!(trie.get(&r3, b"a"), Ok(Some(b"3".to_vec())));
        assert_eq!(trie.get(&r3, b"b"), Ok(Some(b"2".to_vec())));
        // Historical roots stay readable.
        assert_eq!(trie.get(&r1, b"a"), Ok(Some(b"1".to_vec())));
        assert_eq!(trie.get(&r1, b"b"), Ok(None));
        let r4 = apply(&mut store, r3, vec![(b"a".to_vec(), None)]);
        let r5 = apply(&mut store, r4, vec![(b"b".to_vec(), None)]);
        assert_eq!(r5, EMPTY_ROOT);
        // A lone remaining leaf collapses to the root: same root as inserting it alone.
        let only_b = apply(
            &mut store,
            EMPTY_ROOT,
            vec![(b"b".to_vec(), Some(b"2".to_vec()))],
        );
        assert_eq!(r4, only_b);
    }

    #[test]
    fn the_last_change_to_a_key_in_one_update_wins() {
        let mut store = MemoryStore::default();
        let changes = vec![
            (b"k".to_vec(), Some(b"1".to_vec())),
            (b"j".to_vec(), Some(b"x".to_vec())),
            (b"k".to_vec(), None),
            (b"k".to_vec(), Some(b"3".to_vec())),
        ];
        let root = apply(&mut store, EMPTY_ROOT, changes);
        assert_eq!(Trie::new(&store).get(&root, b"k"), Ok(Some(b"3".to_vec())));
        let root = apply(
            &mut store,
            root,
            vec![
                (b"j".to_vec(), None),
                (b"j".to_vec(), Some(b"y".to_vec())),
                (b"j".to_vec(), None),
            ],
        );
        assert_eq!(Trie::new(&store).get(&root, b"j"), Ok(None));
    }

    #[test]
    fn deleting_an_absent_key_changes_nothing() {
        let mut store = MemoryStore::default();
        let r1 = apply(
            &mut store,
            EMPTY_ROOT,
            vec![(b"a".to_vec(), Some(b"1".to_vec()))],
        );
        let update = Trie::new(&store)
            .update(&r1, vec![(b"zz".to_vec(), None)])
            .expect("update");
        assert_eq!(update.root, r1);
        assert!(update.nodes.is_empty());
    }

    #[test]
    fn missing_node_is_an_error_not_a_panic() {
        let store = MemoryStore::default();
        let bogus = Hash([7; 32]);
        assert_eq!(
            Trie::new(&store).get(&bogus, b"a"),
            Err(TrieError::MissingNode(bogus))
        );
    }

    #[test]
    fn ordered_root_depends_on_order() {
        assert_ne!(ordered_root(&[1u32, 2]), ordered_root(&[2u32, 1]));
        assert_eq!(ordered_root::<u32>(&[]), EMPTY_ROOT);
    }
}
