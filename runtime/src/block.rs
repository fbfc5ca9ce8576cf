//! Blocks and headers, hash-linked by `parent_hash`.

use parity_scale_codec::{Decode, Encode};

use crate::crypto::sha256;
use crate::primitives::{BlockNumber, Hash, Timestamp};
use crate::receipt::Receipt;
use crate::transaction::SignedTransaction;
use crate::trie::ordered_root;

/// A block header. Its hash is SHA-256 of its SCALE encoding.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Header {
    /// Hash of the previous block's header (zero for genesis).
    pub parent_hash: Hash,
    /// Height; genesis is 0.
    pub number: BlockNumber,
    /// Milliseconds since the epoch, chosen by the producer, never below the parent's.
    pub timestamp: Timestamp,
    /// Root of the state trie after this block.
    pub state_root: Hash,
    /// Merkle root of the block's transactions ([`ordered_root`]).
    pub extrinsics_root: Hash,
    /// Merkle root of the block's receipts ([`ordered_root`]).
    pub receipts_root: Hash,
}

impl Header {
    /// The block's id.
    pub fn hash(&self) -> Hash {
        sha256(&self.encode())
    }
}

/// A header and its transactions.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// Transactions, in execution order.
    pub extrinsics: Vec<SignedTransaction>,
}

/// The extrinsics root of `transactions`.
pub fn extrinsics_root(transactions: &[SignedTransaction]) -> Hash {
    ordered_root(transactions)
}

/// The receipts root of `receipts`.
pub fn receipts_root(receipts: &[Receipt]) -> Hash {
    ordered_root(receipts)
}

/// Checks that each header's parent is the one before it and heights increase by one.
///
/// # Errors
/// The index of the first header that does not link to its predecessor.
pub fn verify_header_chain(headers: &[Header]) -> Result<(), usize> {
    for (i, pair) in headers.windows(2).enumerate() {
        let (parent, child) = (&pair[0], &pair[1]);
        if child.parent_hash != parent.hash() || Some(child.number) != parent.number.checked_add(1)
        {
            return Err(i + 1);
        }
    }
    Ok(())
}
