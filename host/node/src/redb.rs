//! The runtime's [`ChainStore`] over redb, an embedded ACID database.
//!
//! Tables are declared once here. A block is committed in one redb write transaction
//! (nodes, block, receipts, number index, topic and transaction indexes, head), with redb's default
//! immediate durability: after `commit_block` returns the block survives a crash,
//! and a crash before it leaves the previous head intact with all of its nodes.

use std::path::Path;

use ::redb::{
    Database, MultimapTableDefinition, ReadOnlyTable, ReadableDatabase, ReadableTable,
    TableDefinition,
};
use carechain_runtime::trie::Node;
use carechain_runtime::{
    check_extends, topic_entries, transaction_entries, Block, BlockCommit, BlockNumber, ChainStore,
    EventRef, Hash, Header, NodeStore, Receipt, StoreError, TxLocation,
};
use parity_scale_codec::{Decode, Encode};

use crate::error::DbError;

/// Trie nodes: node hash -> SCALE-encoded node.
const NODES: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("trie_nodes");
/// Blocks: header hash -> SCALE-encoded block.
const BLOCKS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("blocks");
/// Receipts: header hash -> SCALE-encoded `Vec<Receipt>`.
const RECEIPTS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("receipts");
/// Canonical chain: block number -> header hash.
const NUMBERS: TableDefinition<u64, &[u8; 32]> = TableDefinition::new("block_numbers");
/// Event index: topic -> SCALE-encoded [`EventRef`] (fixed width, so ordered as stored).
const TOPICS: MultimapTableDefinition<&[u8; 32], &[u8; 16]> =
    MultimapTableDefinition::new("event_topics");
/// Transaction index: transaction hash -> SCALE-encoded [`TxLocation`].
const TRANSACTIONS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("transactions");
/// Contract storage keys ever written, as `trie id ‖ the contract's key` (an index
/// for listing a contract's storage, read by range; the trie itself hashes keys).
const CONTRACT_KEYS: TableDefinition<&[u8], ()> = TableDefinition::new("contract_key_index");
/// Singletons: "head" -> header hash.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

const HEAD: &str = "head";

/// A chain store in one redb file.
pub struct RedbStore {
    db: Database,
    /// The node table as of the last commit. Trie reads are the hot path (a block reads
    /// thousands of nodes), so they share one read transaction instead of opening one
    /// each; it is replaced after every commit.
    nodes: ReadOnlyTable<&'static [u8; 32], &'static [u8]>,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn decode<T: Decode>(what: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    T::decode(&mut &bytes[..]).map_err(|e| StoreError::Corrupt {
        what,
        reason: e.to_string(),
    })
}

/// An [`EventRef`] as 16 big-endian bytes, so redb's byte order is chain order.
fn event_ref_bytes(at: &EventRef) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&at.block.to_be_bytes());
    out[8..12].copy_from_slice(&at.tx_index.to_be_bytes());
    out[12..].copy_from_slice(&at.event_index.to_be_bytes());
    out
}

fn event_ref_from(bytes: &[u8; 16]) -> EventRef {
    let mut block = [0u8; 8];
    let mut tx = [0u8; 4];
    let mut ev = [0u8; 4];
    block.copy_from_slice(&bytes[..8]);
    tx.copy_from_slice(&bytes[8..12]);
    ev.copy_from_slice(&bytes[12..]);
    EventRef {
        block: u64::from_be_bytes(block),
        tx_index: u32::from_be_bytes(tx),
        event_index: u32::from_be_bytes(ev),
    }
}

impl RedbStore {
    /// Opens the database at `path`, creating it (and its tables) if absent.
    ///
    /// # Errors
    /// [`DbError::OpenDatabase`] if the file cannot be opened or is not a redb database.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, DbError> {
        let path = path.as_ref();
        let open_error = |e: &dyn std::fmt::Display| DbError::OpenDatabase {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let db = Database::create(path).map_err(|e| open_error(&e))?;
        Self::create_tables(&db).map_err(|e| open_error(&e))?;
        let nodes = Self::open_nodes(&db).map_err(|e| open_error(&e))?;
        Ok(RedbStore { db, nodes })
    }

    fn open_nodes(
        db: &Database,
    ) -> Result<ReadOnlyTable<&'static [u8; 32], &'static [u8]>, StoreError> {
        db.begin_read()
            .map_err(backend)?
            .open_table(NODES)
            .map_err(backend)
    }

    fn create_tables(db: &Database) -> Result<(), StoreError> {
        let tx = db.begin_write().map_err(backend)?;
        tx.open_table(NODES).map_err(backend)?;
        tx.open_table(BLOCKS).map_err(backend)?;
        tx.open_table(RECEIPTS).map_err(backend)?;
        tx.open_table(NUMBERS).map_err(backend)?;
        tx.open_multimap_table(TOPICS).map_err(backend)?;
        tx.open_table(TRANSACTIONS).map_err(backend)?;
        tx.open_table(CONTRACT_KEYS).map_err(backend)?;
        tx.open_table(META).map_err(backend)?;
        tx.commit().map_err(backend)
    }

    fn read_bytes(
        &self,
        table: TableDefinition<&[u8; 32], &[u8]>,
        key: &Hash,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let table = tx.open_table(table).map_err(backend)?;
        let value = table.get(&key.0).map_err(backend)?;
        Ok(value.map(|v| v.value().to_vec()))
    }
}

impl NodeStore for RedbStore {
    fn node(&self, hash: &Hash) -> Result<Option<Node>, StoreError> {
        let value = self.nodes.get(&hash.0).map_err(backend)?;
        value.map(|v| decode("trie node", v.value())).transpose()
    }
}

impl ChainStore for RedbStore {
    fn head(&self) -> Result<Option<Hash>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let meta = tx.open_table(META).map_err(backend)?;
        let head = meta.get(HEAD).map_err(backend)?;
        head.map(|v| decode("head pointer", v.value())).transpose()
    }

    fn block(&self, hash: &Hash) -> Result<Option<Block>, StoreError> {
        self.read_bytes(BLOCKS, hash)?
            .map(|b| decode("block", &b))
            .transpose()
    }

    fn header(&self, hash: &Hash) -> Result<Option<Header>, StoreError> {
        // A block's encoding starts with its header's, so the header decodes from the prefix.
        self.read_bytes(BLOCKS, hash)?
            .map(|b| decode("block header", &b))
            .transpose()
    }

    fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let numbers = tx.open_table(NUMBERS).map_err(backend)?;
        let hash = numbers.get(number).map_err(backend)?;
        Ok(hash.map(|v| Hash(*v.value())))
    }

    fn receipts(&self, hash: &Hash) -> Result<Option<Vec<Receipt>>, StoreError> {
        self.read_bytes(RECEIPTS, hash)?
            .map(|b| decode("receipts", &b))
            .transpose()
    }

    fn events_by_topic(&self, topic: &Hash) -> Result<Vec<EventRef>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let topics = tx.open_multimap_table(TOPICS).map_err(backend)?;
        let mut out = Vec::new();
        for entry in topics.get(&topic.0).map_err(backend)? {
            out.push(event_ref_from(entry.map_err(backend)?.value()));
        }
        Ok(out)
    }

    fn transaction(&self, tx_hash: &Hash) -> Result<Option<TxLocation>, StoreError> {
        self.read_bytes(TRANSACTIONS, tx_hash)?
            .map(|b| decode("transaction location", &b))
            .transpose()
    }

    fn commit_block(&mut self, commit: BlockCommit) -> Result<(), StoreError> {
        let head = match self.head()? {
            Some(h) => Some(self.header(&h)?.ok_or_else(|| StoreError::Corrupt {
                what: "head block",
                reason: format!("head {h} has no block"),
            })?),
            None => None,
        };
        check_extends(head.as_ref(), &commit.block)?;
        let hash = commit.block.header.hash();
        let number = commit.block.header.number;
        let tx = self.db.begin_write().map_err(backend)?;
        {
            let mut nodes = tx.open_table(NODES).map_err(backend)?;
            let mut bytes = Vec::new();
            for (node_hash, node) in &commit.nodes {
                bytes.clear();
                node.encode_to(&mut bytes);
                nodes
                    .insert(&node_hash.0, bytes.as_slice())
                    .map_err(backend)?;
            }
            let mut blocks = tx.open_table(BLOCKS).map_err(backend)?;
            blocks
                .insert(&hash.0, commit.block.encode().as_slice())
                .map_err(backend)?;
            let mut receipts = tx.open_table(RECEIPTS).map_err(backend)?;
            receipts
                .insert(&hash.0, commit.receipts.encode().as_slice())
                .map_err(backend)?;
            let mut numbers = tx.open_table(NUMBERS).map_err(backend)?;
            numbers.insert(number, &hash.0).map_err(backend)?;
            let mut topics = tx.open_multimap_table(TOPICS).map_err(backend)?;
            for (topic, at) in topic_entries(number, &commit.receipts) {
                topics
                    .insert(&topic.0, &event_ref_bytes(&at))
                    .map_err(backend)?;
            }
            let mut transactions = tx.open_table(TRANSACTIONS).map_err(backend)?;
            for (tx_hash, at) in transaction_entries(&commit.block) {
                transactions
                    .insert(&tx_hash.0, at.encode().as_slice())
                    .map_err(backend)?;
            }
            let mut contract_keys = tx.open_table(CONTRACT_KEYS).map_err(backend)?;
            let mut indexed = Vec::new();
            for (trie_id, key) in &commit.contract_keys {
                indexed.clear();
                indexed.extend_from_slice(&trie_id.0);
                indexed.extend_from_slice(key);
                contract_keys
                    .insert(indexed.as_slice(), ())
                    .map_err(backend)?;
            }
            let mut meta = tx.open_table(META).map_err(backend)?;
            meta.insert(HEAD, hash.encode().as_slice())
                .map_err(backend)?;
        }
        // Dropping `tx` without this commit aborts it: nothing of the block is stored.
        tx.commit().map_err(backend)?;
        self.nodes = Self::open_nodes(&self.db)?;
        Ok(())
    }

    fn contract_keys(
        &self,
        trie_id: &Hash,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let table = tx.open_table(CONTRACT_KEYS).map_err(backend)?;
        let mut start = trie_id.0.to_vec();
        start.extend_from_slice(after.unwrap_or_default());
        let mut out = Vec::new();
        // Keys sort as bytes: the contract's keys are one run from its trie id on.
        for entry in table.range(start.as_slice()..).map_err(backend)? {
            if out.len() >= limit {
                break;
            }
            let (indexed, _) = entry.map_err(backend)?;
            let Some(key) = indexed.value().strip_prefix(&trie_id.0[..]) else {
                break;
            };
            if after.is_some_and(|a| key == a) {
                continue;
            }
            out.push(key.to_vec());
        }
        Ok(out)
    }

    fn revert_to(&mut self, number: BlockNumber) -> Result<(), StoreError> {
        let head = self
            .block_hash(number)?
            .ok_or(StoreError::NoSuchBlock { number })?;
        let tx = self.db.begin_write().map_err(backend)?;
        {
            let mut numbers = tx.open_table(NUMBERS).map_err(backend)?;
            let mut blocks = tx.open_table(BLOCKS).map_err(backend)?;
            let mut receipts = tx.open_table(RECEIPTS).map_err(backend)?;
            let mut topics = tx.open_multimap_table(TOPICS).map_err(backend)?;
            let mut transactions = tx.open_table(TRANSACTIONS).map_err(backend)?;
            let later: Vec<(u64, [u8; 32])> = numbers
                .range(number.saturating_add(1)..)
                .map_err(backend)?
                .map(|entry| entry.map(|(n, h)| (n.value(), *h.value())))
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            for (n, hash) in later {
                numbers.remove(n).map_err(backend)?;
                if let Some(bytes) = blocks.remove(&hash).map_err(backend)? {
                    let block: Block = decode("block", bytes.value())?;
                    for (tx_hash, _) in transaction_entries(&block) {
                        transactions.remove(&tx_hash.0).map_err(backend)?;
                    }
                }
                if let Some(bytes) = receipts.remove(&hash).map_err(backend)? {
                    let block_receipts: Vec<Receipt> = decode("receipts", bytes.value())?;
                    for (topic, at) in topic_entries(n, &block_receipts) {
                        topics
                            .remove(&topic.0, &event_ref_bytes(&at))
                            .map_err(backend)?;
                    }
                }
            }
            let mut meta = tx.open_table(META).map_err(backend)?;
            meta.insert(HEAD, head.encode().as_slice())
                .map_err(backend)?;
        }
        // As in a commit: all of it, or (dropped uncommitted) nothing.
        tx.commit().map_err(backend)?;
        self.nodes = Self::open_nodes(&self.db)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_refs_sort_in_chain_order() {
        let a = EventRef {
            block: 1,
            tx_index: 300,
            event_index: 0,
        };
        let b = EventRef {
            block: 2,
            tx_index: 0,
            event_index: 0,
        };
        assert!(event_ref_bytes(&a) < event_ref_bytes(&b));
        assert_eq!(event_ref_from(&event_ref_bytes(&a)), a);
    }

    #[test]
    fn garbage_file_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chain.redb");
        std::fs::write(&path, b"this is not a database").expect("write");
        let err = RedbStore::open(&path).err().expect("must fail");
        assert!(err.to_string().contains("cannot open database"), "{err}");
    }
}
