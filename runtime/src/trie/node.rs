//! Trie nodes: their SCALE encoding in the store and their domain-separated hashes.
//!
//! The trie is binary over 256-bit key paths (`sha256(key)`). A leaf sits at the
//! shallowest depth where its path prefix is unique, so the shape depends only on the
//! set of keys, never on the order they were inserted. There are no extension nodes:
//! with hashed keys a chain of single-child branches is rare and short.

use parity_scale_codec::{Decode, Encode};

use crate::crypto::{sha256, sha256_tagged};
use crate::primitives::Hash;

/// Domain tag of leaf hashes: `sha256(0x00 || path || sha256(value))`.
pub(super) const LEAF_TAG: u8 = 0x00;
/// Domain tag of branch hashes: `sha256(0x01 || left || right)`.
pub(super) const BRANCH_TAG: u8 = 0x01;
/// The root of an empty trie, and the hash of an empty subtree.
pub const EMPTY_ROOT: Hash = Hash::ZERO;
/// Key paths are 256 bits, so no trie is deeper than this.
pub const MAX_DEPTH: usize = 256;

/// A stored trie node.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Node {
    /// A key's value, at the top of the subtree its path prefix selects.
    Leaf {
        /// `sha256(key)`.
        path: Hash,
        /// The stored value.
        value: Vec<u8>,
    },
    /// Two subtrees, split on the path bit at this depth ([`EMPTY_ROOT`] for an empty side).
    Branch {
        /// Subtree whose paths have bit 0 here.
        left: Hash,
        /// Subtree whose paths have bit 1 here.
        right: Hash,
    },
}

impl Node {
    /// The node's hash, by which the store and its parent address it.
    pub fn hash(&self) -> Hash {
        match self {
            Node::Leaf { path, value } => leaf_hash(path, &sha256(value)),
            Node::Branch { left, right } => branch_hash(left, right),
        }
    }
}

/// Hash of a leaf given its path and the hash of its value.
pub(super) fn leaf_hash(path: &Hash, value_hash: &Hash) -> Hash {
    sha256_tagged(LEAF_TAG, &[&path.0, &value_hash.0])
}

/// Hash of a branch given its children's hashes.
pub(super) fn branch_hash(left: &Hash, right: &Hash) -> Hash {
    sha256_tagged(BRANCH_TAG, &[&left.0, &right.0])
}

/// The path bit that chooses the child at `depth` (most significant bit first).
/// `depth` must be below [`MAX_DEPTH`].
pub(super) fn path_bit(path: &Hash, depth: usize) -> bool {
    (path.0[depth / 8] >> (7 - depth % 8)) & 1 == 1
}

/// Whether `a` and `b` agree on their first `bits` bits.
pub(super) fn same_prefix(a: &Hash, b: &Hash, bits: usize) -> bool {
    let full = bits / 8;
    if a.0[..full] != b.0[..full] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || (a.0[full] ^ b.0[full]) >> (8 - rest) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_and_branch_hashes_are_domain_separated() {
        let a = Hash([1; 32]);
        let b = Hash([2; 32]);
        assert_ne!(leaf_hash(&a, &b), branch_hash(&a, &b));
    }

    #[test]
    fn bits_and_prefixes() {
        let mut p = Hash::ZERO;
        p.0[0] = 0b1010_0000;
        assert!(path_bit(&p, 0));
        assert!(!path_bit(&p, 1));
        assert!(path_bit(&p, 2));
        let mut q = p;
        q.0[0] = 0b1011_0000;
        assert!(same_prefix(&p, &q, 3));
        assert!(!same_prefix(&p, &q, 4));
        assert!(same_prefix(&p, &p, 256));
    }
}
