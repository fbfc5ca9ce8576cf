//! Carechain's state machine: no wasmtime, no files, no sockets.
//!
//! A signed [`Transaction`] is checked ([`validity`]: signature as a block-wide batch,
//! then genesis hash, size, gas limit and nonce), then [`executive`] uses its nonce and
//! dispatches it inside an [`Overlay`] checkpoint, handing contract work to a
//! [`ContractVm`] that `carechain-host` implements. The block's changes go into the
//! Merkle state [`trie`] in one batch, and [`Chain`] commits nodes, block, receipts
//! and head through a [`ChainStore`] in one atomic write.
//!
//! ```
//! use carechain_runtime::{Call, Chain, Genesis, Keypair, MemoryStore, NoVm, Transaction, Weight};
//!
//! let genesis = Genesis::dev().unwrap();
//! let mut chain = Chain::open(MemoryStore::default(), &genesis).unwrap();
//! let alice = Keypair::from_uri("//Alice").unwrap();
//! let bob = Keypair::from_uri("//Bob").unwrap().account_id();
//! let tx = Transaction {
//!     genesis_hash: chain.genesis_hash(),
//!     signer: alice.account_id(),
//!     nonce: 0,
//!     gas_limit: Weight::new(1_000_000_000, 10_000),
//!     storage_deposit_limit: None,
//!     call: Call::Transfer { dest: bob, value: 5_000_000_000 },
//! }
//! .sign(&alice);
//! let produced = chain.produce_block(vec![tx], 6_000, &NoVm).unwrap();
//! assert_eq!(produced.receipts.len(), 1);
//! assert_eq!(chain.account(&bob).unwrap().balance, (1u128 << 60) + 5_000_000_000);
//! ```

mod account;
mod block;
mod chain;
mod contract;
mod crypto;
mod deposit;
mod dispatch_error;
mod error;
pub mod exec;
mod executive;
mod gas;
mod genesis;
mod keys;
mod overlay;
mod primitives;
mod receipt;
mod schedule;
mod state;
mod store;
mod transaction;
pub mod trie;
mod validity;

pub use account::{transfer, transfer_keep_alive, AccountInfo, TransferError};
pub use block::{extrinsics_root, receipts_root, verify_header_chain, Block, Header};
pub use chain::{
    Chain, ChainError, DryRun, Produced, Proposal, Rejected, StorageCellBytes, StoragePage,
};
pub use contract::{code_hash, contract_address, trie_id};
pub use crypto::{
    blake2_128, blake2_256, sha256, verify, verify_batch, BadSignatures, Signature, SignedMessage,
    SIGNING_CONTEXT,
};
pub use deposit::{base_deposit, code_deposit, DepositError, DepositMeter, Diff, StorageDeposit};
pub use dispatch_error::{ContractError, DispatchError, RejectKind};
pub use error::{Result, RuntimeError};
pub use executive::{
    apply_transaction, weight_bound, ContractCall, ContractVm, ExecContext, ExecOutcome,
    ExecReturn, NoVm,
};
pub use gas::{Charged, GasMeter, OutOfGas, Weight};
pub use genesis::{Genesis, DEV_ACCOUNTS};
pub use keys::{KeyError, Keypair, Scheme};
pub use overlay::{NoCheckpoint, Overlay, Pending};
pub use primitives::{
    AccountId, Balance, BlockNumber, CodeHash, Hash, Nonce, ParseHexError, Ss58Error, Timestamp,
    SS58_PREFIX,
};
pub use receipt::{Event, EventRef, Outcome, Receipt, TxLocation};
pub use schedule::{
    BaseCosts, ChainConfig, CodeShape, CompileWeights, DispatchWeights, HostFnWeights, Limits,
    RuntimeCosts, Schedule, VmSchedule,
};
pub use state::{
    account_key, code_info_key, code_key, config_key, contract_info_key, contract_key_of,
    contract_storage_key, nonce_key, CodeInfo, ContractInfo, StateAccess, StateDb, StateError,
    StateExt,
};
pub use store::{
    block_events, check_extends, topic_entries, transaction_entries, BlockCommit, ChainStore,
    MemoryStore, NodeStore, StoreError,
};
pub use transaction::{Call, SignedTransaction, Transaction, TX_DOMAIN};
pub use trie::proof::{verify_encoded_proof, verify_proof, Proof, ProofError, Terminal};
pub use trie::{ordered_root, Trie, TrieError, TrieUpdate, EMPTY_ROOT};
pub use validity::{check_stateful, max_fee, verify_signatures, TxError};
