//! Storage traits the runtime reads and commits through, and the in-memory store.
//!
//! The runtime never names a database: `host` implements these traits over redb.
//! [`ChainStore::commit_block`] is the one write path, and it must be atomic: a
//! block's trie nodes, header, body, receipts, topic index and the new head land
//! together or not at all, so a crash never leaves a head pointing at missing nodes.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::block::{Block, Header};
use crate::primitives::{BlockNumber, Hash};
use crate::receipt::{Event, EventRef, Receipt, TxLocation};
use crate::trie::Node;

/// A storage backend failure, described by the backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The backend (disk, database) failed.
    #[error("storage backend: {0}")]
    Backend(String),
    /// Stored bytes do not decode: the database is damaged or from another version.
    #[error("corrupt {what} in store: {reason}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// A commit that does not extend the current head.
    #[error("block {number} does not extend the stored head")]
    NotExtendingHead {
        /// The rejected block's number.
        number: BlockNumber,
    },
    /// No canonical block at this height.
    #[error("no block #{number} in the store")]
    NoSuchBlock {
        /// The height asked for.
        number: BlockNumber,
    },
}

/// Content-addressed trie nodes.
pub trait NodeStore {
    /// The node with this hash, if stored.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails or the stored node does not decode.
    fn node(&self, hash: &Hash) -> Result<Option<Node>, StoreError>;
}

impl<T: NodeStore + ?Sized> NodeStore for &T {
    fn node(&self, hash: &Hash) -> Result<Option<Node>, StoreError> {
        (**self).node(hash)
    }
}

/// Everything one block adds to the store, committed atomically.
#[derive(Debug, Clone)]
pub struct BlockCommit {
    /// The block.
    pub block: Block,
    /// Its receipts, one per transaction.
    pub receipts: Vec<Receipt>,
    /// The contract storage keys the block wrote, as `(trie id, contract key)`: an
    /// index beside the state (the trie hashes keys, so it cannot list them) from
    /// which tools list a contract's storage, as Substrate's `state_getKeys` does.
    /// Not part of consensus: an index of keys ever written, read at a root.
    pub contract_keys: Vec<(Hash, Vec<u8>)>,
    /// New trie nodes of its state root.
    pub nodes: Vec<(Hash, Node)>,
}

/// Blocks, receipts, the event index and the head, on top of the trie nodes.
pub trait ChainStore: NodeStore {
    /// Hash of the best block, or `None` for an empty store.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails.
    fn head(&self) -> Result<Option<Hash>, StoreError>;
    /// A block by hash.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails or the block is corrupt.
    fn block(&self, hash: &Hash) -> Result<Option<Block>, StoreError>;
    /// A header by hash.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails or the header is corrupt.
    fn header(&self, hash: &Hash) -> Result<Option<Header>, StoreError>;
    /// The hash of the canonical block at `number`.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails.
    fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>, StoreError>;
    /// A block's receipts.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails or the receipts are corrupt.
    fn receipts(&self, hash: &Hash) -> Result<Option<Vec<Receipt>>, StoreError>;
    /// Every event carrying `topic`, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails.
    fn events_by_topic(&self, topic: &Hash) -> Result<Vec<EventRef>, StoreError>;
    /// Where the transaction with this hash was included, if it was.
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails.
    fn transaction(&self, tx_hash: &Hash) -> Result<Option<TxLocation>, StoreError>;
    /// Atomically stores a block with its receipts and nodes and makes it the head.
    /// The block must be the child of the current head (or genesis in an empty store).
    ///
    /// # Errors
    /// [`StoreError`]; on error nothing of the block is stored.
    fn commit_block(&mut self, commit: BlockCommit) -> Result<(), StoreError>;
    /// Atomically makes canonical block `number` the head again and forgets every
    /// later block, with its receipts and its entries in the event and transaction
    /// indexes (a dev node's revert to a snapshot). Trie nodes stay: they are shared
    /// by content between states, and reachable ones are needed by the kept blocks.
    ///
    /// # Errors
    /// [`StoreError::NoSuchBlock`] if there is no block `number`; on error nothing
    /// changes.
    fn revert_to(&mut self, number: BlockNumber) -> Result<(), StoreError>;
    /// Up to `limit` contract storage keys ever written under `trie_id`, in byte
    /// order, after `after` when given (some may be deleted, or not yet written, at a
    /// given root: read them there).
    ///
    /// # Errors
    /// [`StoreError`] if the backend fails.
    fn contract_keys(
        &self,
        trie_id: &Hash,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, StoreError>;
}

/// Every event of block `number`'s receipts with where it is, in order.
pub fn block_events(
    number: BlockNumber,
    receipts: &[Receipt],
) -> impl Iterator<Item = (EventRef, &Event)> + '_ {
    receipts.iter().enumerate().flat_map(move |(tx, receipt)| {
        receipt.events.iter().enumerate().map(move |(ev, event)| {
            let at = EventRef {
                block: number,
                tx_index: u32::try_from(tx).unwrap_or(u32::MAX),
                event_index: u32::try_from(ev).unwrap_or(u32::MAX),
            };
            (at, event)
        })
    })
}

/// The topic index entries of a block's receipts, in order.
pub fn topic_entries(
    number: BlockNumber,
    receipts: &[Receipt],
) -> impl Iterator<Item = (Hash, EventRef)> + '_ {
    block_events(number, receipts)
        .flat_map(|(at, event)| event.topics.iter().map(move |topic| (*topic, at)))
}

/// The transaction index entries of a block.
pub fn transaction_entries(block: &Block) -> impl Iterator<Item = (Hash, TxLocation)> + '_ {
    block.extrinsics.iter().enumerate().map(|(index, tx)| {
        let at = TxLocation {
            block: block.header.number,
            index: u32::try_from(index).unwrap_or(u32::MAX),
        };
        (tx.hash(), at)
    })
}

/// Whether `block` may follow `head` (an empty store accepts only block 0).
///
/// # Errors
/// [`StoreError::NotExtendingHead`] otherwise.
pub fn check_extends(head: Option<&Header>, block: &Block) -> Result<(), StoreError> {
    let ok = match head {
        None => block.header.number == 0,
        Some(h) => {
            block.header.parent_hash == h.hash()
                && Some(block.header.number) == h.number.checked_add(1)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(StoreError::NotExtendingHead {
            number: block.header.number,
        })
    }
}

/// Hashes a node key by its first eight bytes: the keys are already SHA-256 outputs,
/// so running them through SipHash again only costs time.
#[derive(Default)]
struct NodeKeyHasher(u64);

impl Hasher for NodeKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8).take(1) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }

    fn write_usize(&mut self, _length_prefix: usize) {}
}

/// A store in memory, for tests, proofs of ordered lists and throwaway chains.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    // Looked up by key only, never iterated, so HashMap order cannot reach state.
    // Nodes are kept decoded: a branch then lives inline in the map, with no heap
    // allocation of its own and nothing to decode on every read.
    nodes: HashMap<Hash, Node, BuildHasherDefault<NodeKeyHasher>>,
    blocks: HashMap<Hash, (Block, Vec<Receipt>)>,
    numbers: BTreeMap<BlockNumber, Hash>,
    topics: BTreeMap<Hash, Vec<EventRef>>,
    transactions: HashMap<Hash, TxLocation>,
    contract_keys: BTreeMap<Hash, std::collections::BTreeSet<Vec<u8>>>,
    head: Option<Hash>,
}

impl MemoryStore {
    /// Adds trie nodes outside any block (for trie-only use such as benchmarks).
    pub fn insert_nodes(&mut self, nodes: impl IntoIterator<Item = (Hash, Node)>) {
        self.nodes.extend(nodes);
    }

    /// How many trie nodes are stored.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

impl NodeStore for MemoryStore {
    fn node(&self, hash: &Hash) -> Result<Option<Node>, StoreError> {
        Ok(self.nodes.get(hash).cloned())
    }
}

impl ChainStore for MemoryStore {
    fn head(&self) -> Result<Option<Hash>, StoreError> {
        Ok(self.head)
    }

    fn block(&self, hash: &Hash) -> Result<Option<Block>, StoreError> {
        Ok(self.blocks.get(hash).map(|(b, _)| b.clone()))
    }

    fn header(&self, hash: &Hash) -> Result<Option<Header>, StoreError> {
        Ok(self.blocks.get(hash).map(|(b, _)| b.header.clone()))
    }

    fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>, StoreError> {
        Ok(self.numbers.get(&number).copied())
    }

    fn receipts(&self, hash: &Hash) -> Result<Option<Vec<Receipt>>, StoreError> {
        Ok(self.blocks.get(hash).map(|(_, r)| r.clone()))
    }

    fn events_by_topic(&self, topic: &Hash) -> Result<Vec<EventRef>, StoreError> {
        Ok(self.topics.get(topic).cloned().unwrap_or_default())
    }

    fn transaction(&self, tx_hash: &Hash) -> Result<Option<TxLocation>, StoreError> {
        Ok(self.transactions.get(tx_hash).copied())
    }

    fn commit_block(&mut self, commit: BlockCommit) -> Result<(), StoreError> {
        let head = self
            .head
            .and_then(|h| self.blocks.get(&h))
            .map(|(b, _)| &b.header);
        check_extends(head, &commit.block)?;
        let hash = commit.block.header.hash();
        let number = commit.block.header.number;
        for (topic, at) in topic_entries(number, &commit.receipts) {
            self.topics.entry(topic).or_default().push(at);
        }
        self.transactions.extend(transaction_entries(&commit.block));
        for (trie_id, key) in commit.contract_keys {
            self.contract_keys.entry(trie_id).or_default().insert(key);
        }
        self.nodes.extend(commit.nodes);
        self.numbers.insert(number, hash);
        self.blocks.insert(hash, (commit.block, commit.receipts));
        self.head = Some(hash);
        Ok(())
    }

    fn contract_keys(
        &self,
        trie_id: &Hash,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        use std::ops::Bound;
        let Some(keys) = self.contract_keys.get(trie_id) else {
            return Ok(Vec::new());
        };
        let from = match after {
            Some(a) => Bound::Excluded(a.to_vec()),
            None => Bound::Unbounded,
        };
        Ok(keys
            .range((from, Bound::Unbounded))
            .take(limit)
            .cloned()
            .collect())
    }

    fn revert_to(&mut self, number: BlockNumber) -> Result<(), StoreError> {
        let head = *self
            .numbers
            .get(&number)
            .ok_or(StoreError::NoSuchBlock { number })?;
        let Some(first_later) = number.checked_add(1) else {
            return Ok(());
        };
        for (_, hash) in self.numbers.split_off(&first_later) {
            let Some((block, receipts)) = self.blocks.remove(&hash) else {
                continue;
            };
            for (tx_hash, _) in transaction_entries(&block) {
                self.transactions.remove(&tx_hash);
            }
            for (topic, _) in topic_entries(block.header.number, &receipts) {
                if let Some(refs) = self.topics.get_mut(&topic) {
                    refs.retain(|at| at.block <= number);
                }
            }
        }
        self.topics.retain(|_, refs| !refs.is_empty());
        self.head = Some(head);
        Ok(())
    }
}
