//! The node: one chain on redb, the wasmtime VM, a transaction pool and the block
//! producer. The RPC server and the CLI's `--state` mode both drive a [`Node`]; it
//! answers in the API's JSON shapes ([`crate::api::types`]).
//!
//! Submitting waits until the transaction is in a committed block, so an
//! acknowledged transaction survives any crash after the acknowledgement (redb
//! commits durably). Block production is on one thread; reads run concurrently
//! under a read lock on the chain.

mod deposit;
mod producer;

use std::path::Path;
use std::sync::{mpsc, Arc, Condvar, Mutex, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;

use carechain_runtime::{
    block_events, contract_storage_key, Block, BlockNumber, Chain, ChainError, ChainStore,
    ContractCall, Genesis, Hash, Header, Receipt, SignedTransaction, StateDb, StateExt, TxError,
};
use parity_scale_codec::DecodeAll;

use crate::api::types::{
    AccountView, Address, BlockId, BlockView, Bytes, ChainInfo, DryRunCall, DryRunRequest,
    DryRunView, EventFilter, EventView, HeaderView, ProofRequest, ProofView, ReceiptView,
    TransactionView, H256,
};
use crate::{RedbStore, WasmtimeVm};

pub use producer::Sealing;

/// Most events one query returns.
pub const MAX_EVENTS: u32 = 10_000;

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

/// What the node shares between the producer thread and readers.
struct Shared {
    chain: RwLock<Chain<RedbStore>>,
    vm: WasmtimeVm,
    pool: Mutex<producer::Pool>,
    wake: Condvar,
    blocks: tokio::sync::broadcast::Sender<Arc<SealedBlock>>,
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
        std::fs::create_dir_all(base_path)
            .map_err(|e| format!("cannot create {}: {e}", base_path.display()))?;
        let db = base_path.join("chain.redb");
        let store = RedbStore::open(&db).map_err(|e| {
            format!(
                "cannot open {}: {e} (is a node already running on it? then use --url)",
                db.display()
            )
        })?;
        let genesis = Genesis::dev().map_err(|e| e.to_string())?;
        let chain = Chain::open(store, &genesis).map_err(|e| e.to_string())?;
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
    pub fn info(&self) -> ChainInfo {
        let chain = self.chain();
        ChainInfo {
            genesis_hash: H256(chain.genesis_hash()),
            head: HeaderView::from(chain.head()),
            ss58_prefix: carechain_runtime::SS58_PREFIX,
            max_tx_gas: chain.config().schedule.limits.max_tx_gas.into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// Decodes a SCALE-encoded signed transaction, refusing oversized or trailing bytes.
    ///
    /// # Errors
    /// [`NodeError::InvalidTransaction`] or [`NodeError::BadRequest`].
    pub fn decode_transaction(&self, bytes: &[u8]) -> Result<SignedTransaction, NodeError> {
        let max = self.chain().config().schedule.limits.max_tx_len;
        if bytes.len() > usize::try_from(max).unwrap_or(usize::MAX) {
            return Err(NodeError::InvalidTransaction(TxError::TooLarge {
                len: bytes.len(),
                max,
            }));
        }
        SignedTransaction::decode_all(&mut &bytes[..])
            .map_err(|e| NodeError::BadRequest(format!("not a SCALE signed transaction: {e}")))
    }

    /// Submits one transaction and waits until it is in a committed block.
    ///
    /// # Errors
    /// [`NodeError::InvalidTransaction`] if the block producer left it out.
    pub fn submit(&self, tx: SignedTransaction) -> Result<ReceiptView, NodeError> {
        let mut receipts = self.enqueue(vec![tx], false)?;
        receipts
            .pop()
            .ok_or_else(|| NodeError::Chain("the producer returned no receipt".into()))
    }

    /// Submits transactions to be applied all together in one block, or not at all:
    /// if any is invalid, fails or reverts, the block is dropped.
    ///
    /// # Errors
    /// [`NodeError::BatchFailed`] naming the first transaction that did not succeed.
    pub fn submit_all(&self, txs: Vec<SignedTransaction>) -> Result<Vec<ReceiptView>, NodeError> {
        if txs.is_empty() {
            return Ok(Vec::new());
        }
        self.enqueue(txs, true)
    }

    fn enqueue(
        &self,
        txs: Vec<SignedTransaction>,
        atomic: bool,
    ) -> Result<Vec<ReceiptView>, NodeError> {
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
            pool.entries
                .push_back(producer::Entry { txs, atomic, reply });
        }
        self.shared.wake.notify_all();
        answer.recv().map_err(|_| NodeError::Stopping)?
    }

    /// Runs a contract call on the head's state without committing anything.
    ///
    /// # Errors
    /// [`NodeError::BadRequest`] if the gas limit is above the per-transaction maximum.
    pub fn dry_run(&self, request: &DryRunRequest) -> Result<DryRunView, NodeError> {
        let chain = self.chain();
        let max = chain.config().schedule.limits.max_tx_gas;
        let gas_limit = request.gas_limit.map_or(max, Into::into);
        if gas_limit.any_gt(max) {
            return Err(NodeError::BadRequest(format!(
                "gas limit {gas_limit:?} is above the per-transaction maximum {max:?}"
            )));
        }
        let call = match &request.call {
            DryRunCall::Instantiate {
                code_hash,
                value,
                data,
                salt,
            } => ContractCall::Instantiate {
                code_hash: code_hash.0,
                value: *value,
                data: &data.0,
                salt: &salt.0,
            },
            DryRunCall::Call { dest, value, data } => ContractCall::Call {
                dest: dest.0,
                value: *value,
                data: &data.0,
            },
        };
        // A transaction pays its base cost before the contract runs; the dry run
        // does the same, so `gas_required` is the limit a transaction needs.
        let base = chain.config().schedule.costs.transaction;
        let run = chain.dry_run(
            &request.origin.0,
            gas_limit.saturating_sub(base),
            call,
            &self.shared.vm,
        );
        let state = StateDb::new(chain.store(), chain.head().state_root);
        let storage_deposit = deposit::storage_deposit(&state, &run.storage_changes)?;
        let (outcome, error, data, instantiated) = match &run.outcome.result {
            Ok(ret) if ret.reverted => ("reverted", None, ret.data.clone(), None),
            Ok(ret) => ("success", None, ret.data.clone(), ret.instantiated),
            Err(e) => ("failed", Some(e.described()), Vec::new(), None),
        };
        Ok(DryRunView {
            outcome: outcome.into(),
            error,
            data: Bytes(data),
            gas_required: run.outcome.gas_used.saturating_add(base).into(),
            storage_deposit,
            events: run
                .outcome
                .events
                .iter()
                .map(|e| EventView::new(e, None))
                .collect(),
            debug_message: run.outcome.debug_message,
            instantiated: instantiated.map(Address),
            storage_changes: u32::try_from(run.storage_changes.len()).unwrap_or(u32::MAX),
        })
    }

    fn header_at(chain: &Chain<RedbStore>, at: BlockId) -> Result<Header, NodeError> {
        let store = chain.store();
        let hash = match at {
            BlockId::Latest => return Ok(chain.head().clone()),
            BlockId::Number(n) => store
                .block_hash(n)?
                .ok_or_else(|| NodeError::UnknownBlock(format!("#{n}")))?,
            BlockId::Hash(h) => h,
        };
        store
            .header(&hash)?
            .ok_or_else(|| NodeError::UnknownBlock(hash.to_string()))
    }

    /// A block with its receipts.
    ///
    /// # Errors
    /// [`NodeError::UnknownBlock`].
    pub fn block(&self, at: BlockId) -> Result<BlockView, NodeError> {
        let chain = self.chain();
        let header = Self::header_at(&chain, at)?;
        let hash = header.hash();
        let store = chain.store();
        let block: Block = store
            .block(&hash)?
            .ok_or_else(|| NodeError::UnknownBlock(hash.to_string()))?;
        let receipts = store.receipts(&hash)?.unwrap_or_default();
        let transactions = block
            .extrinsics
            .iter()
            .zip(&receipts)
            .enumerate()
            .map(|(i, (tx, receipt))| TransactionView {
                signer: Address(tx.transaction.signer),
                nonce: tx.transaction.nonce,
                kind: call_kind(&tx.transaction.call).into(),
                receipt: ReceiptView::new(&header, index_u32(i), receipt),
            })
            .collect();
        Ok(BlockView {
            header: HeaderView::from(&header),
            transactions,
        })
    }

    /// The receipt of an included transaction.
    ///
    /// # Errors
    /// A store failure.
    pub fn receipt(&self, tx_hash: &Hash) -> Result<Option<ReceiptView>, NodeError> {
        let chain = self.chain();
        let store = chain.store();
        let Some(at) = store.transaction(tx_hash)? else {
            return Ok(None);
        };
        let header = Self::header_at(&chain, BlockId::Number(at.block))?;
        let receipts = store.receipts(&header.hash())?.unwrap_or_default();
        Ok(usize::try_from(at.index)
            .ok()
            .and_then(|i| receipts.get(i))
            .map(|r| ReceiptView::new(&header, at.index, r)))
    }

    /// Recorded events passing `filter`, oldest first. With a topic it reads the topic
    /// index; otherwise it scans blocks from `from_block`.
    ///
    /// # Errors
    /// A store failure.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<EventView>, NodeError> {
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
            for at in store.events_by_topic(&topic.0)? {
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
                    out.push(EventView::recorded(event, at));
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
                    .map(|(at, event)| EventView::recorded(event, at))
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
    pub fn proof(&self, request: &ProofRequest) -> Result<ProofView, NodeError> {
        let chain = self.chain();
        let header = Self::header_at(&chain, request.at.unwrap_or(BlockId::Latest))?;
        let state_key = match request.contract {
            None => request.key.0.clone(),
            Some(contract) => {
                let info = StateDb::new(chain.store(), header.state_root)
                    .contract_info(&contract.0)?
                    .ok_or_else(|| {
                        NodeError::BadRequest(format!(
                            "no contract at {} in block #{}",
                            contract.0, header.number
                        ))
                    })?;
                contract_storage_key(&info.trie_id, &request.key.0)
            }
        };
        let value = chain.storage_at(&header.state_root, &state_key)?;
        let proof = chain.prove_at(&header.state_root, &state_key)?;
        Ok(ProofView {
            header: HeaderView::from(&header),
            contract: request.contract,
            key: request.key.clone(),
            state_key: Bytes(state_key),
            value: value.map(Bytes),
            proof: Bytes(parity_scale_codec::Encode::encode(&proof)),
        })
    }

    /// An account as of the head.
    ///
    /// # Errors
    /// A state read failure.
    pub fn account(&self, who: &Address) -> Result<AccountView, NodeError> {
        let chain = self.chain();
        let state = StateDb::new(chain.store(), chain.head().state_root);
        let info = state.account(&who.0)?;
        let contract = state.contract_info(&who.0)?;
        Ok(AccountView {
            address: *who,
            public_key: H256(Hash(who.0 .0)),
            balance: info.balance,
            nonce: info.nonce,
            code_hash: contract.map(|c| H256(c.code_hash)),
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

/// The kind of a call, in one word.
fn call_kind(call: &carechain_runtime::Call) -> &'static str {
    use carechain_runtime::Call;
    match call {
        Call::UploadCode { .. } => "upload",
        Call::Instantiate { .. } => "instantiate",
        Call::Call { .. } => "call",
        Call::Transfer { .. } => "transfer",
    }
}

fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
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
            genesis_hash: node.info().genesis_hash.0,
            signer: key.account_id(),
            nonce,
            gas_limit: Weight::new(1_000_000_000, 10_000),
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
        assert_eq!(node.account(&Address(bob)).expect("account").nonce, 0);
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
            receipts[0].block_number, receipts[1].block_number,
            "one block"
        );
        assert_eq!(
            node.receipt(&receipts[1].tx_hash.0).expect("query"),
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
        assert_eq!(receipt.outcome, "success");
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
