//! The node: one chain on redb ([`RedbStore`]), the wasmtime VM, a transaction pool
//! and the block producer. The RPC server and the CLI's `--state` mode both drive a
//! [`Node`]; it answers in the runtime's types ([`Included`], [`DryRun`], ...), and
//! JSON shapes are built only at the RPC edge.
//!
//! Submitting waits until the transaction is in a committed block, so an
//! acknowledged transaction survives any crash after the acknowledgement (redb
//! commits durably). Block production is on one thread; reads run concurrently
//! under a read lock on the chain.

mod dev;
mod error;
mod producer;
mod redb;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;

use carechain_runtime::exec::TraceFrame;
use carechain_runtime::{
    block_events, contract_storage_key, AccountId, AccountInfo, Balance, Block, BlockNumber, Chain,
    ChainError, ChainStore, CodeHash, ContractCall, DryRun, Event, EventRef, Genesis, Hash, Header,
    Outcome, Proof, Receipt, SignedTransaction, StateDb, StateExt, Timestamp, Transaction, TxError,
    TxLocation, Weight,
};
use carechain_vm::WasmtimeVm;
use parity_scale_codec::DecodeAll;

pub use dev::MAX_DEV_BLOCKS;
pub use error::DbError;
pub use producer::Sealing;
pub use redb::RedbStore;

/// Most events one query returns.
pub const MAX_EVENTS: u32 = 10_000;
/// Most storage cells one listing reads (a page; `after` asks for the next).
pub const MAX_STORAGE_CELLS: u32 = 1_000;

/// Why a node request failed. Nothing was committed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    /// The transaction was turned away before execution.
    #[error("invalid transaction: {0}")]
    InvalidTransaction(TxError),
    /// A transaction of an all-or-nothing batch did not succeed; none was applied.
    #[error("transaction {index} of the batch {outcome}; nothing of the batch was applied")]
    BatchFailed {
        /// Its index in the batch.
        index: usize,
        /// What happened to it, in words.
        outcome: String,
        /// Its outcome, when it was applied (`None`: it was invalid).
        applied: Option<Outcome>,
        /// Its return data (for a revert: the contract's error).
        output: Vec<u8>,
    },
    /// No such block.
    #[error("unknown block {0}")]
    UnknownBlock(String),
    /// The request does not make sense.
    #[error("{0}")]
    BadRequest(String),
    /// The chain failed.
    #[error("chain: {0}")]
    Chain(String),
    /// The node is stopping and takes no more transactions.
    #[error("the node is shutting down")]
    Stopping,
    /// A dev-only request (time travel, snapshots, impersonation) to a node that is
    /// not a dev node.
    #[error("{0} is only available on a dev node (start one with `carechain node --dev`)")]
    NotDev(&'static str),
}

impl From<ChainError> for NodeError {
    fn from(e: ChainError) -> Self {
        NodeError::Chain(e.to_string())
    }
}

impl From<carechain_runtime::StoreError> for NodeError {
    fn from(e: carechain_runtime::StoreError) -> Self {
        NodeError::Chain(e.to_string())
    }
}

impl From<carechain_runtime::StateError> for NodeError {
    fn from(e: carechain_runtime::StateError) -> Self {
        NodeError::Chain(e.to_string())
    }
}

/// A committed block and its receipts, as broadcast to subscribers.
#[derive(Debug, Clone)]
pub struct SealedBlock {
    /// The header.
    pub header: Header,
    /// The receipts.
    pub receipts: Vec<Receipt>,
}

/// An included transaction's receipt and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Included {
    /// The hash of the block that includes it.
    pub block_hash: Hash,
    /// Its block number and index in the block.
    pub location: TxLocation,
    /// What it did.
    pub receipt: Receipt,
}

/// A block by number, by hash, or the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockAt {
    /// The best block.
    Latest,
    /// By height.
    Number(BlockNumber),
    /// By hash.
    Hash(Hash),
}

/// Which recorded events to return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Only this contract's.
    pub contract: Option<AccountId>,
    /// Only events carrying this topic.
    pub topic: Option<Hash>,
    /// From this block on (default 0).
    pub from_block: Option<BlockNumber>,
    /// At most this many, oldest first (default and maximum [`MAX_EVENTS`]).
    pub limit: Option<u32>,
}

impl EventQuery {
    /// Whether a recorded event passes the query.
    pub fn matches(&self, block: BlockNumber, event: &Event) -> bool {
        block >= self.from_block.unwrap_or(0)
            && self.contract.is_none_or(|c| c == event.emitter)
            && self.topic.is_none_or(|t| event.topics.contains(&t))
    }
}

/// Chain identity and head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The genesis block's hash.
    pub genesis_hash: Hash,
    /// The best block.
    pub head: Header,
    /// The most gas one transaction may ask for.
    pub max_tx_gas: Weight,
}

/// A block with its receipts.
#[derive(Debug, Clone)]
pub struct BlockWithReceipts {
    /// The header.
    pub header: Header,
    /// The block.
    pub block: Block,
    /// Its receipts, in transaction order.
    pub receipts: Vec<Receipt>,
}

/// A state value and its proof against a block's state root.
#[derive(Debug, Clone)]
pub struct StateProof {
    /// The block whose state root the proof is against.
    pub header: Header,
    /// The raw state key proven.
    pub state_key: Vec<u8>,
    /// Its value (`None`: proven absent).
    pub value: Option<Vec<u8>>,
    /// The proof.
    pub proof: Proof,
}

/// An account as of the head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    /// Balance and nonce.
    pub info: AccountInfo,
    /// For a contract, its code.
    pub code_hash: Option<CodeHash>,
}

/// What the node shares between the producer thread and readers.
struct Shared {
    chain: RwLock<Chain<RedbStore>>,
    vm: WasmtimeVm,
    pool: Mutex<producer::Pool>,
    wake: Condvar,
    blocks: tokio::sync::broadcast::Sender<Arc<SealedBlock>>,
    /// Whether dev requests are served.
    dev: AtomicBool,
    /// The block producer's clock (moved only on a dev node).
    clock: Mutex<dev::Clock>,
    snapshots: Mutex<dev::Snapshots>,
}

/// A mutex's value, also after a panic elsewhere: every value guarded here is whole
/// between statements.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running node.
pub struct Node {
    shared: Arc<Shared>,
    producer: Mutex<Option<JoinHandle<()>>>,
}

impl Node {
    /// Opens (or creates, with the dev genesis) the chain at `base_path/chain.redb`
    /// and starts the block producer.
    ///
    /// # Errors
    /// A message saying what failed: the directory, the database (for example held
    /// by another running node), or the VM.
    pub fn open(base_path: &Path, sealing: Sealing) -> Result<Self, String> {
        let genesis = Genesis::dev().map_err(|e| e.to_string())?;
        Self::open_with(base_path, sealing, &genesis)
    }

    /// As [`Node::open`], with `genesis` for a new chain; an existing chain must have
    /// been created with the same genesis.
    ///
    /// # Errors
    /// As [`Node::open`], and a genesis that is not the chain's.
    pub fn open_with(
        base_path: &Path,
        sealing: Sealing,
        genesis: &Genesis,
    ) -> Result<Self, String> {
        Self::start(base_path, sealing, Some(genesis))
    }

    /// Opens the chain already at `base_path/chain.redb`, whatever genesis made it
    /// (`--endow`, `--sandbox-compatible`), and starts the block producer.
    ///
    /// # Errors
    /// As [`Node::open`], and a directory that holds no chain.
    pub fn open_existing(base_path: &Path, sealing: Sealing) -> Result<Self, String> {
        Self::start(base_path, sealing, None)
    }

    fn start(
        base_path: &Path,
        sealing: Sealing,
        genesis: Option<&Genesis>,
    ) -> Result<Self, String> {
        std::fs::create_dir_all(base_path)
            .map_err(|e| format!("cannot create {}: {e}", base_path.display()))?;
        let db = base_path.join("chain.redb");
        let store = RedbStore::open(&db).map_err(|e| {
            format!(
                "cannot open {}: {e} (is a node already running on it? then use --url)",
                db.display()
            )
        })?;
        let chain = match genesis {
            Some(genesis) => Chain::open(store, genesis),
            None => Chain::open_existing(store),
        }
        .map_err(|e| e.to_string())?;
        let vm = WasmtimeVm::builder()
            .cache_dir(base_path.join("module-cache"))
            .build()
            .map_err(|e| format!("VM: {e}"))?;
        let (blocks, _) = tokio::sync::broadcast::channel(256);
        let shared = Arc::new(Shared {
            chain: RwLock::new(chain),
            vm,
            pool: Mutex::new(producer::Pool::default()),
            wake: Condvar::new(),
            blocks,
            dev: AtomicBool::new(false),
            clock: Mutex::new(dev::Clock::default()),
            snapshots: Mutex::new(dev::Snapshots::default()),
        });
        let producer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("block-producer".into())
                .spawn(move || producer::run(&shared, sealing))
                .map_err(|e| format!("cannot start the block producer: {e}"))?
        };
        Ok(Node {
            shared,
            producer: Mutex::new(Some(producer)),
        })
    }

    fn chain(&self) -> RwLockReadGuard<'_, Chain<RedbStore>> {
        // A poisoned lock means the producer panicked mid-block; the chain itself is
        // still the last committed one, so reading it is safe.
        self.shared
            .chain
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// New blocks as they are committed.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<SealedBlock>> {
        self.shared.blocks.subscribe()
    }

    /// Chain identity and head.
    pub fn info(&self) -> NodeInfo {
        let chain = self.chain();
        NodeInfo {
            genesis_hash: chain.genesis_hash(),
            head: chain.head().clone(),
            max_tx_gas: chain.config().schedule.limits.max_tx_gas,
        }
    }

    /// Decodes a SCALE-encoded signed transaction, refusing oversized or trailing bytes.
    ///
    /// # Errors
    /// [`NodeError::InvalidTransaction`] or [`NodeError::BadRequest`].
    pub fn decode_transaction(&self, bytes: &[u8]) -> Result<SignedTransaction, NodeError> {
        self.check_tx_len(bytes)?;
        SignedTransaction::decode_all(&mut &bytes[..])
            .map_err(|e| NodeError::BadRequest(format!("not a SCALE signed transaction: {e}")))
    }

    /// Decodes a SCALE-encoded unsigned transaction (for [`Node::dev_submit_as`]),
    /// refusing oversized or trailing bytes.
    ///
    /// # Errors
    /// [`NodeError::InvalidTransaction`] or [`NodeError::BadRequest`].
    pub fn decode_unsigned_transaction(&self, bytes: &[u8]) -> Result<Transaction, NodeError> {
        self.check_tx_len(bytes)?;
        Transaction::decode_all(&mut &bytes[..])
            .map_err(|e| NodeError::BadRequest(format!("not a SCALE transaction: {e}")))
    }

    /// Refuses transaction bytes over the chain's `max_tx_len` before decoding them.
    fn check_tx_len(&self, bytes: &[u8]) -> Result<(), NodeError> {
        let max = self.chain().config().schedule.limits.max_tx_len;
        if bytes.len() > usize::try_from(max).unwrap_or(usize::MAX) {
            return Err(NodeError::InvalidTransaction(TxError::TooLarge {
                len: bytes.len(),
                max,
            }));
        }
        Ok(())
    }

    /// Submits one transaction and waits until it is in a committed block.
    ///
    /// # Errors
    /// [`NodeError::InvalidTransaction`] if the block producer left it out.
    pub fn submit(&self, tx: SignedTransaction) -> Result<Included, NodeError> {
        let mut receipts = self.enqueue(vec![tx], false, false)?;
        receipts
            .pop()
            .ok_or_else(|| NodeError::Chain("the producer returned no receipt".into()))
    }

    /// Submits transactions to be applied all together in one block, or not at all:
    /// if any is invalid, fails or reverts, the block is dropped.
    ///
    /// # Errors
    /// [`NodeError::BatchFailed`] naming the first transaction that did not succeed.
    pub fn submit_all(&self, txs: Vec<SignedTransaction>) -> Result<Vec<Included>, NodeError> {
        if txs.is_empty() {
            return Ok(Vec::new());
        }
        self.enqueue(txs, true, false)
    }

    fn enqueue(
        &self,
        txs: Vec<SignedTransaction>,
        atomic: bool,
        impersonated: bool,
    ) -> Result<Vec<Included>, NodeError> {
        let (reply, answer) = mpsc::sync_channel(1);
        {
            let mut pool = self
                .shared
                .pool
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if pool.stopping {
                return Err(NodeError::Stopping);
            }
            pool.entries.push_back(producer::Entry {
                txs,
                atomic,
                impersonated,
                reply,
            });
        }
        self.shared.wake.notify_all();
        answer.recv().map_err(|_| NodeError::Stopping)?
    }

    /// Runs a contract call on the head's state without committing anything.
    ///
    /// # Errors
    /// [`NodeError::BadRequest`] if the gas limit is above the per-transaction maximum.
    pub fn dry_run(
        &self,
        origin: &AccountId,
        gas_limit: Option<Weight>,
        storage_deposit_limit: Option<Balance>,
        call: ContractCall<'_>,
    ) -> Result<DryRun, NodeError> {
        let chain = self.chain();
        let gas_limit = Self::dry_run_gas(&chain, gas_limit)?;
        let timestamp = self.dry_run_time(&chain);
        Ok(chain.dry_run_at(
            timestamp,
            origin,
            gas_limit,
            storage_deposit_limit,
            call,
            &self.shared.vm,
        ))
    }

    /// As [`Node::dry_run`] of an instantiation, for `code` that is not on chain yet:
    /// it is checked and stored in the dry run's state first (pallet-contracts'
    /// `Code::Upload`), and its deposit counted.
    ///
    /// # Errors
    /// As [`Node::dry_run`].
    pub fn dry_run_with_code(
        &self,
        origin: &AccountId,
        gas_limit: Option<Weight>,
        storage_deposit_limit: Option<Balance>,
        code: &[u8],
        call: (Balance, &[u8], &[u8]),
    ) -> Result<DryRun, NodeError> {
        // Checking code compiles it (and keeps the module): free for the caller, so
        // only a dev node does it without a paid upload.
        self.require_dev("a dry run with code that is not on chain")?;
        let chain = self.chain();
        let gas_limit = Self::dry_run_gas(&chain, gas_limit)?;
        let timestamp = self.dry_run_time(&chain);
        Ok(chain.dry_run_instantiate_with_code(
            timestamp,
            origin,
            gas_limit,
            storage_deposit_limit,
            code,
            call,
            &self.shared.vm,
        ))
    }

    /// A dry run's gas limit: the one given, or the per-transaction maximum, which it
    /// may not exceed.
    fn dry_run_gas(
        chain: &Chain<RedbStore>,
        gas_limit: Option<Weight>,
    ) -> Result<Weight, NodeError> {
        let max = chain.config().schedule.limits.max_tx_gas;
        let gas_limit = gas_limit.unwrap_or(max);
        if gas_limit.any_gt(max) {
            return Err(NodeError::BadRequest(format!(
                "gas limit {gas_limit:?} is above the per-transaction maximum {max:?}"
            )));
        }
        Ok(gas_limit)
    }

    /// The block time a dry run sees: a dev node's clock may have been moved, so
    /// there the call sees the next block's time and a dry run of a time-locked call
    /// agrees with the transaction that follows; elsewhere the head's, as on
    /// pallet-contracts.
    fn dry_run_time(&self, chain: &Chain<RedbStore>) -> Timestamp {
        if self.is_dev() {
            lock(&self.shared.clock).peek(producer::wall_clock(), chain.head())
        } else {
            chain.head().timestamp
        }
    }

    fn header_at(chain: &Chain<RedbStore>, at: BlockAt) -> Result<Header, NodeError> {
        let store = chain.store();
        let hash = match at {
            BlockAt::Latest => return Ok(chain.head().clone()),
            BlockAt::Number(n) => store
                .block_hash(n)?
                .ok_or_else(|| NodeError::UnknownBlock(format!("#{n}")))?,
            BlockAt::Hash(h) => h,
        };
        store
            .header(&hash)?
            .ok_or_else(|| NodeError::UnknownBlock(hash.to_string()))
    }

    /// A block with its receipts.
    ///
    /// # Errors
    /// [`NodeError::UnknownBlock`].
    pub fn block(&self, at: BlockAt) -> Result<BlockWithReceipts, NodeError> {
        let chain = self.chain();
        let header = Self::header_at(&chain, at)?;
        let hash = header.hash();
        let store = chain.store();
        let block: Block = store
            .block(&hash)?
            .ok_or_else(|| NodeError::UnknownBlock(hash.to_string()))?;
        let receipts = store.receipts(&hash)?.unwrap_or_default();
        Ok(BlockWithReceipts {
            header,
            block,
            receipts,
        })
    }

    /// The receipt of an included transaction.
    ///
    /// # Errors
    /// A store failure.
    pub fn receipt(&self, tx_hash: &Hash) -> Result<Option<Included>, NodeError> {
        let chain = self.chain();
        let store = chain.store();
        let Some(at) = store.transaction(tx_hash)? else {
            return Ok(None);
        };
        let header = Self::header_at(&chain, BlockAt::Number(at.block))?;
        let block_hash = header.hash();
        let receipts = store.receipts(&block_hash)?.unwrap_or_default();
        Ok(usize::try_from(at.index)
            .ok()
            .and_then(|i| receipts.get(i))
            .map(|r| Included {
                block_hash,
                location: at,
                receipt: r.clone(),
            }))
    }

    /// The call trace of an included transaction (`None`: not included), from a
    /// replay of its block up to it.
    ///
    /// # Errors
    /// A store failure, or a block that does not replay.
    pub fn trace(&self, tx_hash: &Hash) -> Result<Option<Vec<TraceFrame>>, NodeError> {
        let chain = self.chain();
        let Some(at) = chain.store().transaction(tx_hash)? else {
            return Ok(None);
        };
        let (replayed, trace) = chain.trace_transaction(at, &self.shared.vm)?;
        // A replay that does not give the stored receipt (another VM or schedule, a
        // damaged store) would describe a run that never happened.
        let stored = Self::header_at(&chain, BlockAt::Number(at.block))
            .and_then(|h| Ok(chain.store().receipts(&h.hash())?))?
            .and_then(|r| r.into_iter().nth(usize::try_from(at.index).ok()?));
        if stored.as_ref() != Some(&replayed) {
            return Err(NodeError::Chain(format!(
                "replaying transaction {} of block #{} does not give its receipt",
                at.index, at.block
            )));
        }
        Ok(Some(trace))
    }

    /// Recorded events passing `filter`, oldest first. With a topic it reads the topic
    /// index; otherwise it scans blocks from `from_block`.
    ///
    /// # Errors
    /// A store failure.
    pub fn events(&self, filter: &EventQuery) -> Result<Vec<(EventRef, Event)>, NodeError> {
        let limit = usize::try_from(filter.limit.unwrap_or(MAX_EVENTS).min(MAX_EVENTS))
            .unwrap_or(usize::MAX);
        let chain = self.chain();
        let store = chain.store();
        let mut out = Vec::new();
        let receipts_of = |number: BlockNumber| -> Result<Vec<Receipt>, NodeError> {
            let hash = store
                .block_hash(number)?
                .ok_or_else(|| NodeError::UnknownBlock(format!("#{number}")))?;
            Ok(store.receipts(&hash)?.unwrap_or_default())
        };
        if let Some(topic) = filter.topic {
            let mut cached: Option<(BlockNumber, Vec<Receipt>)> = None;
            for at in store.events_by_topic(&topic)? {
                if out.len() >= limit {
                    break;
                }
                if at.block < filter.from_block.unwrap_or(0) {
                    continue;
                }
                if cached.as_ref().is_none_or(|(n, _)| *n != at.block) {
                    cached = Some((at.block, receipts_of(at.block)?));
                }
                let event = cached.as_ref().and_then(|(_, receipts)| {
                    let receipt = receipts.get(usize::try_from(at.tx_index).ok()?)?;
                    receipt.events.get(usize::try_from(at.event_index).ok()?)
                });
                if let Some(event) = event.filter(|e| filter.matches(at.block, e)) {
                    out.push((at, event.clone()));
                }
            }
            return Ok(out);
        }
        let head = chain.head().number;
        for number in filter.from_block.unwrap_or(0)..=head {
            if out.len() >= limit {
                break;
            }
            let receipts = receipts_of(number)?;
            let room = limit - out.len();
            out.extend(
                block_events(number, &receipts)
                    .filter(|(_, event)| filter.matches(number, event))
                    .map(|(at, event)| (at, event.clone()))
                    .take(room),
            );
        }
        Ok(out)
    }

    /// A proof of a raw state key, or of a key of a contract's storage, at a block.
    ///
    /// # Errors
    /// [`NodeError::UnknownBlock`], or [`NodeError::BadRequest`] if the contract does
    /// not exist at that block.
    pub fn proof(
        &self,
        at: BlockAt,
        contract: Option<AccountId>,
        key: &[u8],
    ) -> Result<StateProof, NodeError> {
        let chain = self.chain();
        let header = Self::header_at(&chain, at)?;
        let state_key = match contract {
            None => key.to_vec(),
            Some(contract) => {
                let info = StateDb::new(chain.store(), header.state_root)
                    .contract_info(&contract)?
                    .ok_or_else(|| {
                        NodeError::BadRequest(format!(
                            "no contract at {contract} in block #{}",
                            header.number
                        ))
                    })?;
                contract_storage_key(&info.trie_id, key)
            }
        };
        let value = chain.storage_at(&header.state_root, &state_key)?;
        let proof = chain.prove_at(&header.state_root, &state_key)?;
        Ok(StateProof {
            header,
            state_key,
            value,
            proof,
        })
    }

    /// A contract's storage at a block: every key written to it that holds a value
    /// there, with the value.
    ///
    /// # Errors
    /// [`NodeError::UnknownBlock`], or [`NodeError::BadRequest`] if no contract lives
    /// at that address in that block.
    pub fn storage(
        &self,
        at: BlockAt,
        contract: &AccountId,
        after: Option<&[u8]>,
        limit: Option<u32>,
    ) -> Result<(Header, carechain_runtime::StoragePage), NodeError> {
        let limit = limit.unwrap_or(MAX_STORAGE_CELLS).min(MAX_STORAGE_CELLS);
        if limit == 0 {
            return Err(NodeError::BadRequest(
                "a storage page of 0 keys: ask for 1 to 1,000".into(),
            ));
        }
        let chain = self.chain();
        let header = Self::header_at(&chain, at)?;
        let entries = chain
            .contract_storage(
                &header.state_root,
                contract,
                after,
                usize::try_from(limit).unwrap_or(usize::MAX),
            )?
            .ok_or_else(|| {
                NodeError::BadRequest(format!(
                    "no contract at {contract} in block #{}",
                    header.number
                ))
            })?;
        Ok((header, entries))
    }

    /// An account as of the head.
    ///
    /// # Errors
    /// A state read failure.
    pub fn account(&self, who: &AccountId) -> Result<AccountState, NodeError> {
        let chain = self.chain();
        let state = StateDb::new(chain.store(), chain.head().state_root);
        Ok(AccountState {
            info: state.account(who)?,
            code_hash: state.contract_info(who)?.map(|c| c.code_hash),
        })
    }

    /// Stops taking transactions, lets the producer seal what it has already taken,
    /// and waits for it. Later submissions fail with [`NodeError::Stopping`].
    pub fn stop(&self) {
        if let Ok(mut pool) = self.shared.pool.lock() {
            pool.stopping = true;
        }
        self.shared.wake.notify_all();
        let handle = self
            .producer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            // The producer never panics on input; if it did, the chain is still the last
            // committed block, so there is nothing more to do here.
            let _ = handle.join();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use carechain_runtime::{Call, Keypair, Transaction, Weight};

    fn transfer(node: &Node, from: &str, nonce: u64, value: u128) -> SignedTransaction {
        let key = Keypair::from_uri(from).expect("dev key");
        let to = Keypair::from_uri("//Ferdie").expect("dev key");
        Transaction {
            genesis_hash: node.info().genesis_hash,
            signer: key.account_id(),
            nonce,
            gas_limit: Weight::new(1_000_000_000, 10_000),
            storage_deposit_limit: None,
            call: Call::Transfer {
                dest: to.account_id(),
                value,
            },
        }
        .sign(&key)
    }

    #[test]
    fn a_batch_applies_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let node = Node::open(dir.path(), Sealing::Instant).expect("node");
        let head = node.info().head;
        // The second transfer is beyond Bob's funds: it would fail, so nothing applies.
        let batch = vec![
            transfer(&node, "//Bob", 0, 1_000_000_000_000),
            transfer(&node, "//Bob", 1, u128::MAX / 2),
        ];
        match node.submit_all(batch) {
            Err(NodeError::BatchFailed { index: 1, .. }) => {}
            other => panic!("expected the second to fail the batch: {other:?}"),
        }
        assert_eq!(node.info().head, head, "no block");
        let bob = Keypair::from_uri("//Bob").expect("dev key").account_id();
        assert_eq!(node.account(&bob).expect("account").info.nonce, 0);
        // An invalid transaction (a future nonce) fails the batch the same way.
        let future = vec![
            transfer(&node, "//Bob", 0, 1),
            transfer(&node, "//Bob", 5, 1),
        ];
        assert!(matches!(
            node.submit_all(future),
            Err(NodeError::BatchFailed { index: 1, .. })
        ));
        let fine = vec![
            transfer(&node, "//Bob", 0, 10_000_000_000),
            transfer(&node, "//Bob", 1, 10_000_000_000),
        ];
        let receipts = node.submit_all(fine).expect("applies");
        assert_eq!(receipts.len(), 2);
        assert_eq!(
            receipts[0].location.block, receipts[1].location.block,
            "one block"
        );
        assert_eq!(
            node.receipt(&receipts[1].receipt.tx_hash).expect("query"),
            Some(receipts[1].clone())
        );
    }

    #[test]
    fn interval_sealing_makes_blocks_on_its_own_and_includes_submissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let node =
            Node::open(dir.path(), Sealing::Interval(Duration::from_millis(20))).expect("node");
        let mut heads = node.subscribe();
        let receipt = node
            .submit(transfer(&node, "//Alice", 0, 10_000_000_000))
            .expect("included");
        assert_eq!(receipt.receipt.outcome, Outcome::Success);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let next =
            rt.block_on(async { tokio::time::timeout(Duration::from_secs(5), heads.recv()).await });
        assert!(matches!(next, Ok(Ok(_))), "blocks keep coming");
        node.stop();
        assert!(matches!(
            node.submit(transfer(&node, "//Alice", 1, 1)),
            Err(NodeError::Stopping)
        ));
        let replayed = Node::decode_transaction(&node, &[1, 2, 3]);
        assert!(
            matches!(replayed, Err(NodeError::BadRequest(_))),
            "truncated SCALE"
        );
    }
}
