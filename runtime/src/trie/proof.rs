//! Inclusion and non-inclusion proofs, verifiable with nothing but the state root.
//!
//! A proof is the list of sibling hashes from the root down to where the key's path
//! ends, plus what it ends in: the key's own leaf (inclusion), nothing (non-inclusion),
//! or another key's leaf that occupies the key's prefix (non-inclusion).

use parity_scale_codec::{Decode, Encode};

use super::node::{branch_hash, leaf_hash, path_bit, same_prefix, EMPTY_ROOT, MAX_DEPTH};
use crate::crypto::sha256;
use crate::primitives::Hash;

/// Where a key's path ends in the trie.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Terminal {
    /// An empty subtree: the key is absent.
    Empty,
    /// A leaf: the key's own (inclusion), or another key's sharing the prefix (absence).
    Leaf {
        /// The leaf's key path.
        path: Hash,
        /// `sha256` of the leaf's value.
        value_hash: Hash,
    },
}

/// A storage proof for one key against one state root.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Proof {
    /// Sibling hashes, from the root's children downward.
    pub siblings: Vec<Hash>,
    /// What the key's path ends in.
    pub terminal: Terminal,
}

impl Proof {
    /// Size of the proof on the wire (SCALE-encoded).
    pub fn encoded_len(&self) -> usize {
        self.encoded_size()
    }
}

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof's bytes are not a SCALE-encoded [`Proof`] (or have bytes left over).
    #[error("the proof does not decode: {0}")]
    Malformed(String),
    /// More siblings than a 256-bit path has bits.
    #[error("proof has {0} levels; a 256-bit path allows at most 256")]
    TooDeep(usize),
    /// The proof ends in an empty subtree or another key's leaf, but a value was claimed.
    #[error("proof shows the key is absent, but a value was claimed")]
    KeyAbsent,
    /// The proof ends in the key's own leaf, but absence was claimed.
    #[error("proof shows the key is present, but absence was claimed")]
    KeyPresent,
    /// The proof ends in a leaf that is neither the key nor under the key's prefix.
    #[error("proof ends in a leaf for another key outside this key's path")]
    ForeignLeaf,
    /// The proven value is not the claimed value.
    #[error("the proven value differs from the claimed value")]
    ValueMismatch,
    /// The recomputed root differs from the trusted root.
    #[error("proof does not lead to the state root: computed {computed}, expected {expected}")]
    RootMismatch {
        /// The root the proof leads to.
        computed: Hash,
        /// The trusted root.
        expected: Hash,
    },
}

/// [`verify_proof`] of a SCALE-encoded proof, as it travels over RPC and into
/// browsers: the one entry point the CLI's `verify-proof` and the JS package share.
///
/// # Errors
/// [`ProofError::Malformed`] if the bytes are not exactly one proof; otherwise as
/// [`verify_proof`].
pub fn verify_encoded_proof(
    root: &Hash,
    key: &[u8],
    value: Option<&[u8]>,
    proof: &[u8],
) -> Result<(), ProofError> {
    let proof = <Proof as parity_scale_codec::DecodeAll>::decode_all(&mut &proof[..])
        .map_err(|e| ProofError::Malformed(e.to_string()))?;
    verify_proof(root, key, value, &proof)
}

/// Verifies that under `root`, `key` holds `value` (`Some`) or is absent (`None`).
///
/// # Errors
/// [`ProofError`] naming the first thing that does not hold.
pub fn verify_proof(
    root: &Hash,
    key: &[u8],
    value: Option<&[u8]>,
    proof: &Proof,
) -> Result<(), ProofError> {
    let depth = proof.siblings.len();
    if depth > MAX_DEPTH {
        return Err(ProofError::TooDeep(depth));
    }
    let path = sha256(key);
    let mut hash = match (&proof.terminal, value) {
        (Terminal::Empty, None) => EMPTY_ROOT,
        (Terminal::Empty, Some(_)) => return Err(ProofError::KeyAbsent),
        (
            Terminal::Leaf {
                path: leaf_path,
                value_hash,
            },
            claimed,
        ) => {
            if !same_prefix(leaf_path, &path, depth) {
                return Err(ProofError::ForeignLeaf);
            }
            match (leaf_path == &path, claimed) {
                (true, Some(v)) if sha256(v) == *value_hash => {}
                (true, Some(_)) => return Err(ProofError::ValueMismatch),
                (true, None) => return Err(ProofError::KeyPresent),
                (false, Some(_)) => return Err(ProofError::KeyAbsent),
                (false, None) => {}
            }
            leaf_hash(leaf_path, value_hash)
        }
    };
    for (level, sibling) in proof.siblings.iter().enumerate().rev() {
        hash = if path_bit(&path, level) {
            branch_hash(sibling, &hash)
        } else {
            branch_hash(&hash, sibling)
        };
    }
    if hash == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch {
            computed: hash,
            expected: *root,
        })
    }
}
