//! A chain over a [`ChainStore`]: opens or creates genesis, produces blocks from
//! transactions, imports blocks from others, and answers state queries at any
//! retained root.

use crate::account::AccountInfo;
use crate::block::{extrinsics_root, receipts_root, Block, Header};
use crate::exec::TraceFrame;
use crate::executive::{apply_transaction, ContractCall, ContractVm, ExecContext, ExecOutcome};
use crate::gas::Weight;
use crate::genesis::Genesis;
use crate::primitives::{AccountId, Balance, BlockNumber, Hash, Timestamp};
use crate::receipt::{Receipt, TxLocation};
use crate::schedule::ChainConfig;
use crate::state::{StateDb, StateError, StateExt};
use crate::store::{BlockCommit, ChainStore, StoreError};
use crate::transaction::SignedTransaction;
use crate::trie::proof::Proof;
use crate::trie::{Trie, TrieError};
use crate::validity::{verify_signatures, TxError};

/// Why a chain operation failed. Nothing was committed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// State could not be read.
    #[error(transparent)]
    State(#[from] StateError),
    /// The trie could not be read.
    #[error(transparent)]
    Trie(#[from] TrieError),
    /// The store holds another chain.
    #[error("store holds chain {stored}, not the requested genesis {expected}")]
    GenesisMismatch {
        /// The stored genesis hash.
        stored: Hash,
        /// The genesis asked for.
        expected: Hash,
    },
    /// The store's head block is missing: the database is damaged.
    #[error("head block {0} is missing from the store")]
    MissingHead(Hash),
    /// A block's timestamp is before its parent's.
    #[error("timestamp {got} is before the parent's {parent}")]
    TimestampBeforeParent {
        /// The parent's timestamp.
        parent: Timestamp,
        /// The block's.
        got: Timestamp,
    },
    /// No transaction at this place.
    #[error("no transaction {} in block #{}", .0.index, .0.block)]
    NoSuchTransaction(TxLocation),
    /// An imported block is not the child of the head.
    #[error("block does not extend the head")]
    NotChild,
    /// An imported block carries an invalid transaction.
    #[error("transaction {index} is invalid: {error}")]
    InvalidTransaction {
        /// Its index in the block.
        index: usize,
        /// Why.
        error: TxError,
    },
    /// An imported block's header disagrees with re-execution.
    #[error("{what} mismatch: header says {claimed}, execution gives {computed}")]
    RootMismatch {
        /// Which root.
        what: &'static str,
        /// In the header.
        claimed: Hash,
        /// Recomputed.
        computed: Hash,
    },
}

/// A transaction left out of a produced block, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The transaction's hash.
    pub tx_hash: Hash,
    /// Why it was left out.
    pub error: TxError,
}

/// A block this node produced and committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// The block.
    pub block: Block,
    /// One receipt per included transaction.
    pub receipts: Vec<Receipt>,
    /// Transactions that were left out; none of them changed state.
    pub rejected: Vec<Rejected>,
}

/// What a dry run found. Nothing of it was committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    /// Result, gas required, events and debug output, as the call would produce them
    /// in the next block.
    pub outcome: ExecOutcome,
    /// The gas limit a transaction making this call needs (pallet-contracts'
    /// `gas_required`, as its dry run reports it).
    pub gas_required: Weight,
    /// The state keys the call would write (`None`: delete), in key order; empty when
    /// the call fails or reverts.
    pub storage_changes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    /// The fee a transaction making the call, with `gas_required` as its gas limit,
    /// would pay.
    pub fee: Balance,
}

/// One contract storage cell: the contract's own key and the SCALE value.
pub type StorageCellBytes = (Vec<u8>, Vec<u8>);

/// A page of a contract's storage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoragePage {
    /// The cells, in key order.
    pub entries: Vec<StorageCellBytes>,
    /// Where the next page starts (pass it as `after`), when there may be more.
    pub next: Option<Vec<u8>>,
}

/// A block built and executed on the head but not yet committed.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The block, its receipts and the transactions left out.
    pub produced: Produced,
    nodes: Vec<(Hash, crate::trie::Node)>,
    contract_keys: Vec<(Hash, Vec<u8>)>,
}

/// The chain: a store plus its genesis hash and head.
pub struct Chain<S: ChainStore> {
    store: S,
    genesis_hash: Hash,
    head: Header,
    config: ChainConfig,
}

impl<S: ChainStore> Chain<S> {
    /// Opens the chain in `store`, writing `genesis` first if the store is empty.
    ///
    /// # Errors
    /// [`ChainError::GenesisMismatch`] if the store holds another chain, or a store error.
    pub fn open(mut store: S, genesis: &Genesis) -> Result<Self, ChainError> {
        let commit = genesis.build();
        let expected = commit.block.header.hash();
        if store.head()?.is_none() {
            store.commit_block(commit)?;
        }
        let stored = store
            .block_hash(0)?
            .ok_or(ChainError::MissingHead(expected))?;
        if stored != expected {
            return Err(ChainError::GenesisMismatch { stored, expected });
        }
        Self::open_existing(store)
    }

    /// Opens the chain already in `store`, whatever genesis made it (one opened
    /// later, by a tool, with no genesis of its own to check against).
    ///
    /// # Errors
    /// [`ChainError::MissingHead`] if the store holds no chain, or a store error.
    pub fn open_existing(store: S) -> Result<Self, ChainError> {
        let genesis_hash = store
            .block_hash(0)?
            .ok_or(ChainError::MissingHead(Hash::ZERO))?;
        let head_hash = store.head()?.ok_or(ChainError::MissingHead(genesis_hash))?;
        let head = store
            .header(&head_hash)?
            .ok_or(ChainError::MissingHead(head_hash))?;
        let config = StateDb::new(&store, head.state_root).config()?;
        Ok(Chain {
            store,
            genesis_hash,
            head,
            config,
        })
    }

    /// The genesis block's hash, which every transaction must carry.
    pub fn genesis_hash(&self) -> Hash {
        self.genesis_hash
    }

    /// The best block's header.
    pub fn head(&self) -> &Header {
        &self.head
    }

    /// The chain configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The store, for reads.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Gives the store back.
    pub fn into_store(self) -> S {
        self.store
    }

    /// The value at `key` under `state_root` (any retained root).
    ///
    /// # Errors
    /// [`ChainError::Trie`] if the root's nodes are not retained.
    pub fn storage_at(&self, state_root: &Hash, key: &[u8]) -> Result<Option<Vec<u8>>, ChainError> {
        Ok(Trie::new(&self.store).get(state_root, key)?)
    }

    /// Contract `contract`'s storage at `state_root`: of the next `limit` keys the
    /// store's index knows after `after`, those that hold a value there, with the
    /// values, in key order, and where the next page starts (`None`: no contract at
    /// that root).
    ///
    /// # Errors
    /// [`ChainError`] if the root's nodes are not retained or the store fails.
    pub fn contract_storage(
        &self,
        state_root: &Hash,
        contract: &AccountId,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Option<StoragePage>, ChainError> {
        let Some(info) = StateDb::new(&self.store, *state_root).contract_info(contract)? else {
            return Ok(None);
        };
        let keys = self.store.contract_keys(&info.trie_id, after, limit)?;
        let next = (keys.len() >= limit)
            .then(|| keys.last().cloned())
            .flatten();
        let mut entries = Vec::new();
        for key in keys {
            let state_key = crate::state::contract_storage_key(&info.trie_id, &key);
            if let Some(value) = self.storage_at(state_root, &state_key)? {
                entries.push((key, value));
            }
        }
        Ok(Some(StoragePage { entries, next }))
    }

    /// A proof of `key` under `state_root`.
    ///
    /// # Errors
    /// [`ChainError::Trie`] if the root's nodes are not retained.
    pub fn prove_at(&self, state_root: &Hash, key: &[u8]) -> Result<Proof, ChainError> {
        Ok(Trie::new(&self.store).prove(state_root, key)?)
    }

    /// An account as of the head.
    ///
    /// # Errors
    /// [`ChainError::State`] on a read failure.
    pub fn account(&self, who: &AccountId) -> Result<AccountInfo, ChainError> {
        Ok(StateDb::new(&self.store, self.head.state_root).account(who)?)
    }

    /// Builds, executes and commits a block on the head from `transactions`, in order.
    /// Invalid transactions (bad signature, wrong chain, stale or future nonce, over
    /// the gas limits) are left out and reported; they change nothing.
    ///
    /// # Errors
    /// [`ChainError`] on a store or state failure, or a timestamp before the head's;
    /// then nothing is committed.
    pub fn produce_block(
        &mut self,
        transactions: Vec<SignedTransaction>,
        timestamp: Timestamp,
        vm: &dyn ContractVm,
    ) -> Result<Produced, ChainError> {
        let proposal = self.propose_block(transactions, timestamp, vm)?;
        self.commit_proposal(proposal)
    }

    /// Builds and executes a block on the head without committing it, so the caller
    /// can look at every receipt first and then [`Chain::commit_proposal`] or drop it
    /// (an all-or-nothing batch: commit only if every transaction succeeded).
    ///
    /// # Errors
    /// As [`Chain::produce_block`].
    pub fn propose_block(
        &self,
        transactions: Vec<SignedTransaction>,
        timestamp: Timestamp,
        vm: &dyn ContractVm,
    ) -> Result<Proposal, ChainError> {
        self.propose_block_impersonating(transactions, timestamp, vm, &[])
    }

    /// As [`Chain::propose_block`], except that the transactions whose hashes are in
    /// `impersonated` are taken without a valid signature: a dev node's submissions
    /// as an account whose key it does not hold (anvil's impersonation). Every other
    /// check still applies; such a block does not import on any other node.
    ///
    /// # Errors
    /// As [`Chain::produce_block`].
    pub fn propose_block_impersonating(
        &self,
        transactions: Vec<SignedTransaction>,
        timestamp: Timestamp,
        vm: &dyn ContractVm,
        impersonated: &[Hash],
    ) -> Result<Proposal, ChainError> {
        self.check_timestamp(timestamp)?;
        let mut bad_signatures = verify_signatures(&transactions).err().unwrap_or_default();
        bad_signatures.retain(|&i| {
            transactions
                .get(i)
                .is_none_or(|tx| !impersonated.contains(&tx.hash()))
        });
        let number = self.head.number.saturating_add(1);
        let ctx = ExecContext {
            block_number: number,
            timestamp,
            config: &self.config,
            debug: false,
            trace: false,
        };
        let mut state = StateDb::new(&self.store, self.head.state_root);
        let mut included = Vec::with_capacity(transactions.len());
        let mut receipts = Vec::with_capacity(transactions.len());
        let mut rejected = Vec::new();
        let max_block_gas = self.config.schedule.limits.max_block_gas;
        let mut block_gas = Weight::ZERO;
        for (index, tx) in transactions.into_iter().enumerate() {
            let applied = if bad_signatures.binary_search(&index).is_ok() {
                Err(TxError::BadSignature)
            } else {
                let left = max_block_gas.saturating_sub(block_gas);
                apply_transaction(&mut state, &ctx, &self.genesis_hash, &tx, left, vm)
            };
            match applied {
                Ok(receipt) => {
                    block_gas = block_gas.saturating_add(receipt.weight);
                    receipts.push(receipt);
                    included.push(tx);
                }
                Err(TxError::State(e)) => return Err(e.into()),
                Err(error) => rejected.push(Rejected {
                    tx_hash: tx.hash(),
                    error,
                }),
            }
        }
        let contract_keys = written_contract_keys(&state);
        let update = state.into_update()?;
        let header = Header {
            parent_hash: self.head.hash(),
            number,
            timestamp,
            state_root: update.root,
            extrinsics_root: extrinsics_root(&included),
            receipts_root: receipts_root(&receipts),
        };
        Ok(Proposal {
            produced: Produced {
                block: Block {
                    header,
                    extrinsics: included,
                },
                receipts,
                rejected,
            },
            nodes: update.nodes,
            contract_keys,
        })
    }

    /// Commits a block from [`Chain::propose_block`].
    ///
    /// # Errors
    /// [`ChainError::NotChild`] if the head moved since the proposal, or a store error;
    /// then nothing is committed.
    pub fn commit_proposal(&mut self, proposal: Proposal) -> Result<Produced, ChainError> {
        let Proposal {
            produced,
            nodes,
            contract_keys,
        } = proposal;
        if produced.block.header.parent_hash != self.head.hash() {
            return Err(ChainError::NotChild);
        }
        self.commit(BlockCommit {
            block: produced.block.clone(),
            receipts: produced.receipts.clone(),
            nodes,
            contract_keys,
        })?;
        Ok(produced)
    }

    /// The call trace of the transaction at `at`, by replaying its block on the
    /// parent's state up to it (as geth's `debug_traceTransaction`): traces are never
    /// stored, and a replay gives the very receipt the block holds.
    ///
    /// # Errors
    /// [`StoreError::NoSuchBlock`] or no such transaction; a transaction that does not
    /// replay (a damaged store).
    pub fn trace_transaction(
        &self,
        at: TxLocation,
        vm: &dyn ContractVm,
    ) -> Result<(Receipt, Vec<TraceFrame>), ChainError> {
        let missing = || ChainError::Store(StoreError::NoSuchBlock { number: at.block });
        let hash = self.store.block_hash(at.block)?.ok_or_else(missing)?;
        let block = self.store.block(&hash)?.ok_or_else(missing)?;
        let index = usize::try_from(at.index).unwrap_or(usize::MAX);
        if index >= block.extrinsics.len() {
            return Err(ChainError::NoSuchTransaction(at));
        }
        let parent = self
            .store
            .header(&block.header.parent_hash)?
            .ok_or(ChainError::MissingHead(block.header.parent_hash))?;
        let mut state = StateDb::new(&self.store, parent.state_root);
        let config = state.config()?;
        let max_block_gas = config.schedule.limits.max_block_gas;
        let mut block_gas = Weight::ZERO;
        for (i, tx) in block
            .extrinsics
            .iter()
            .enumerate()
            .take(index.saturating_add(1))
        {
            let ctx = ExecContext {
                block_number: block.header.number,
                timestamp: block.header.timestamp,
                config: &config,
                debug: false,
                trace: i == index,
            };
            let left = max_block_gas.saturating_sub(block_gas);
            let (receipt, trace) = crate::executive::apply_transaction_traced(
                &mut state,
                &ctx,
                &self.genesis_hash,
                tx,
                left,
                vm,
            )
            .map_err(|error| ChainError::InvalidTransaction { index: i, error })?;
            if i == index {
                return Ok((receipt, trace));
            }
            block_gas = block_gas.saturating_add(receipt.weight);
        }
        Err(ChainError::NoSuchTransaction(at))
    }

    /// Makes canonical block `number` the head again, forgetting every later block
    /// (a dev node's revert to a snapshot; a real chain never rewinds).
    ///
    /// # Errors
    /// [`StoreError::NoSuchBlock`] if `number` is above the head; a store error, and
    /// then nothing changed.
    pub fn revert_to(&mut self, number: BlockNumber) -> Result<(), ChainError> {
        if number > self.head.number {
            return Err(StoreError::NoSuchBlock { number }.into());
        }
        self.store.revert_to(number)?;
        let hash = self
            .store
            .head()?
            .ok_or(ChainError::MissingHead(self.genesis_hash))?;
        let head = self
            .store
            .header(&hash)?
            .ok_or(ChainError::MissingHead(hash))?;
        self.config = StateDb::new(&self.store, head.state_root).config()?;
        self.head = head;
        Ok(())
    }

    /// Re-executes a block produced elsewhere and commits it if every transaction is
    /// valid and every root in its header matches.
    ///
    /// # Errors
    /// [`ChainError`] naming the first problem; nothing is committed.
    pub fn import_block(
        &mut self,
        block: Block,
        vm: &dyn ContractVm,
    ) -> Result<Vec<Receipt>, ChainError> {
        let header = &block.header;
        if header.parent_hash != self.head.hash()
            || Some(header.number) != self.head.number.checked_add(1)
        {
            return Err(ChainError::NotChild);
        }
        self.check_timestamp(header.timestamp)?;
        if let Err(bad) = verify_signatures(&block.extrinsics) {
            let index = bad.first().copied().unwrap_or_default();
            return Err(ChainError::InvalidTransaction {
                index,
                error: TxError::BadSignature,
            });
        }
        let ctx = ExecContext {
            block_number: header.number,
            timestamp: header.timestamp,
            config: &self.config,
            debug: false,
            trace: false,
        };
        let mut state = StateDb::new(&self.store, self.head.state_root);
        let mut receipts = Vec::with_capacity(block.extrinsics.len());
        let max_block_gas = self.config.schedule.limits.max_block_gas;
        let mut block_gas = Weight::ZERO;
        for (index, tx) in block.extrinsics.iter().enumerate() {
            let left = max_block_gas.saturating_sub(block_gas);
            let receipt = apply_transaction(&mut state, &ctx, &self.genesis_hash, tx, left, vm)
                .map_err(|error| ChainError::InvalidTransaction { index, error })?;
            block_gas = block_gas.saturating_add(receipt.weight);
            receipts.push(receipt);
        }
        let contract_keys = written_contract_keys(&state);
        let update = state.into_update()?;
        let checks = [
            ("state root", header.state_root, update.root),
            (
                "extrinsics root",
                header.extrinsics_root,
                extrinsics_root(&block.extrinsics),
            ),
            (
                "receipts root",
                header.receipts_root,
                receipts_root(&receipts),
            ),
        ];
        for (what, claimed, computed) in checks {
            if claimed != computed {
                return Err(ChainError::RootMismatch {
                    what,
                    claimed,
                    computed,
                });
            }
        }
        self.commit(BlockCommit {
            block,
            receipts: receipts.clone(),
            nodes: update.nodes,
            contract_keys,
        })?;
        Ok(receipts)
    }

    /// Runs a contract call on the head's state as if in the next block, with the
    /// debug buffer on, and commits nothing. `gas_limit` is a transaction's gas limit
    /// (the contract's meter; the transaction's base cost and the dispatchable's weight
    /// come on top, as on a Substrate chain), `storage_deposit_limit` its deposit limit.
    pub fn dry_run(
        &self,
        origin: &AccountId,
        gas_limit: Weight,
        storage_deposit_limit: Option<Balance>,
        call: ContractCall<'_>,
        vm: &dyn ContractVm,
    ) -> DryRun {
        self.dry_run_at(
            self.head.timestamp,
            origin,
            gas_limit,
            storage_deposit_limit,
            call,
            vm,
        )
    }

    /// As [`Chain::dry_run`], with the contract seeing `timestamp` as the block time
    /// (a dev node whose clock was moved: the call sees what the next block will).
    pub fn dry_run_at(
        &self,
        timestamp: Timestamp,
        origin: &AccountId,
        gas_limit: Weight,
        storage_deposit_limit: Option<Balance>,
        call: ContractCall<'_>,
        vm: &dyn ContractVm,
    ) -> DryRun {
        let state = StateDb::new(&self.store, self.head.state_root);
        self.dry_run_on(
            state,
            timestamp,
            origin,
            gas_limit,
            storage_deposit_limit,
            call,
            vm,
        )
    }

    /// A dry run of instantiating `code` that is not on chain yet, as
    /// pallet-contracts' `bare_instantiate` with `Code::Upload`: the code is checked and
    /// stored in the dry run's state first, and its deposit is part of the storage
    /// deposit reported. The gas is the instantiation's, with the code load an
    /// instantiation of stored code pays (what the transaction after the upload costs).
    #[allow(clippy::too_many_arguments)]
    pub fn dry_run_instantiate_with_code(
        &self,
        timestamp: Timestamp,
        origin: &AccountId,
        gas_limit: Weight,
        storage_deposit_limit: Option<Balance>,
        code: &[u8],
        call: (Balance, &[u8], &[u8]),
        vm: &dyn ContractVm,
    ) -> DryRun {
        let (value, data, salt) = call;
        let mut state = StateDb::new(&self.store, self.head.state_root);
        let uploaded = crate::executive::upload_in_dry_run(
            &mut state,
            &self.config,
            origin,
            code,
            storage_deposit_limit,
            vm,
        );
        let (code_hash, upload_deposit) = match uploaded {
            Ok(done) => done,
            Err(error) => {
                return DryRun {
                    outcome: ExecOutcome {
                        result: Err(error),
                        gas_consumed: Weight::ZERO,
                        gas_required: Weight::ZERO,
                        storage_deposit: crate::deposit::StorageDeposit::default(),
                        events: Vec::new(),
                        debug_message: String::new(),
                        trace: Vec::new(),
                    },
                    gas_required: Weight::ZERO,
                    storage_changes: Vec::new(),
                    fee: 0,
                }
            }
        };
        let left = storage_deposit_limit.map(|limit| limit.saturating_sub(upload_deposit));
        let call = ContractCall::Instantiate {
            code_hash,
            value,
            data,
            salt,
        };
        let mut run = self.dry_run_on(state, timestamp, origin, gas_limit, left, call, vm);
        if matches!(&run.outcome.result, Ok(ret) if !ret.reverted) {
            run.outcome.storage_deposit = crate::deposit::StorageDeposit::Charge(upload_deposit)
                .saturating_add(run.outcome.storage_deposit);
        }
        run
    }

    #[allow(clippy::too_many_arguments)]
    fn dry_run_on(
        &self,
        mut state: StateDb<'_, S>,
        timestamp: Timestamp,
        origin: &AccountId,
        gas_limit: Weight,
        storage_deposit_limit: Option<Balance>,
        call: ContractCall<'_>,
        vm: &dyn ContractVm,
    ) -> DryRun {
        let ctx = ExecContext {
            block_number: self.head.number.saturating_add(1),
            timestamp,
            config: &self.config,
            debug: true,
            trace: true,
        };
        let outcome = vm.execute(
            &ctx,
            &mut state,
            origin,
            gas_limit,
            storage_deposit_limit,
            call,
        );
        let gas_required = outcome.gas_required;
        let kept = matches!(&outcome.result, Ok(ret) if !ret.reverted);
        let storage_changes = if kept {
            state
                .overlay()
                .iter()
                .map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec)))
                .collect()
        } else {
            Vec::new()
        };
        let fee = crate::executive::expected_fee(
            &self.config,
            *origin,
            call.to_call(),
            gas_required,
            storage_deposit_limit,
            outcome.gas_consumed,
        );
        DryRun {
            outcome,
            gas_required,
            storage_changes,
            fee,
        }
    }

    fn check_timestamp(&self, timestamp: Timestamp) -> Result<(), ChainError> {
        if timestamp < self.head.timestamp {
            return Err(ChainError::TimestampBeforeParent {
                parent: self.head.timestamp,
                got: timestamp,
            });
        }
        Ok(())
    }

    fn commit(&mut self, commit: BlockCommit) -> Result<(), ChainError> {
        let header = commit.block.header.clone();
        self.store.commit_block(commit)?;
        self.head = header;
        Ok(())
    }
}

/// The contract storage keys `state` wrote (or deleted), as `(trie id, key)`.
fn written_contract_keys<S: crate::store::NodeStore + ?Sized>(
    state: &StateDb<'_, S>,
) -> Vec<(Hash, Vec<u8>)> {
    state
        .overlay()
        .iter()
        .filter_map(|(key, _)| crate::state::split_contract_key(key))
        .map(|(trie_id, key)| (trie_id, key.to_vec()))
        .collect()
}
