//! The node's API: one definition of every JSON-RPC method, from which jsonrpsee
//! generates both the server trait ([`CarechainApiServer`], implemented in
//! [`crate::serve`]) and the typed client ([`CarechainApiClient`], used by the CLI's
//! `--url` mode), so the two can never drift apart. `docs/rpc.md` documents each
//! method with an example.

use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::types::ErrorObjectOwned;

use crate::storage::{StorageRequest, StorageView};
use crate::trace::TraceFrameView;
use crate::types::{
    AccountView, Address, BlockId, BlockView, Bytes, ChainInfo, DryRunRequest, DryRunView,
    EventFilter, EventView, HeaderView, ProofRequest, ProofView, ReceiptView, H256,
};

/// Result of an RPC method.
pub type RpcResult<T> = Result<T, ErrorObjectOwned>;

/// Carechain's JSON-RPC methods, all under the `carechain_` prefix.
#[rpc(server, client, namespace = "carechain")]
pub trait CarechainApi {
    /// Genesis hash, head, SS58 prefix, per-transaction gas maximum.
    #[method(name = "info")]
    fn info(&self) -> RpcResult<ChainInfo>;

    /// Submits a SCALE-encoded signed transaction and answers once it is in a
    /// committed block, with its receipt.
    #[method(name = "submit", blocking)]
    fn submit(&self, transaction: Bytes) -> RpcResult<ReceiptView>;

    /// Submits transactions to be applied together in one block, all successfully,
    /// or not at all.
    #[method(name = "submitAll", blocking)]
    fn submit_all(&self, transactions: Vec<Bytes>) -> RpcResult<Vec<ReceiptView>>;

    /// Runs a contract call or constructor on the head's state; commits nothing.
    #[method(name = "dryRun", blocking)]
    fn dry_run(&self, request: DryRunRequest) -> RpcResult<DryRunView>;

    /// A block (default: the latest) with every transaction's receipt.
    #[method(name = "block", blocking)]
    fn block(&self, at: Option<BlockId>) -> RpcResult<BlockView>;

    /// An included transaction's receipt, or null.
    #[method(name = "receipt", blocking)]
    fn receipt(&self, tx_hash: H256) -> RpcResult<Option<ReceiptView>>;

    /// The call trace of an included transaction (a replay of its block), or null.
    #[method(name = "trace", blocking)]
    fn trace(&self, tx_hash: H256) -> RpcResult<Option<Vec<TraceFrameView>>>;

    /// Recorded events by contract, topic and first block.
    #[method(name = "events", blocking)]
    fn events(&self, filter: EventFilter) -> RpcResult<Vec<EventView>>;

    /// A storage proof, with the header that anchors it.
    #[method(name = "proof", blocking)]
    fn proof(&self, request: ProofRequest) -> RpcResult<ProofView>;

    /// A contract's storage at a block: every key written to it that holds a value.
    #[method(name = "storage", blocking)]
    fn storage(&self, request: StorageRequest) -> RpcResult<StorageView>;

    /// An account's balance, nonce and (for a contract) code hash.
    #[method(name = "account", blocking)]
    fn account(&self, address: Address) -> RpcResult<AccountView>;

    /// Dev nodes only: the next block gets exactly this timestamp (ms since the Unix
    /// epoch, not before the head's); later blocks count on from it.
    #[method(name = "devSetNextTimestamp", blocking)]
    fn dev_set_next_timestamp(&self, timestamp: u64) -> RpcResult<u64>;

    /// Dev nodes only: moves block time forward; answers the next block's timestamp.
    #[method(name = "devAdvanceTime", blocking)]
    fn dev_advance_time(&self, milliseconds: u64) -> RpcResult<u64>;

    /// Dev nodes only: seals this many empty blocks; answers the new head.
    #[method(name = "devProduceBlocks", blocking)]
    fn dev_produce_blocks(&self, count: u32) -> RpcResult<HeaderView>;

    /// Dev nodes only: remembers the head, state and clock; answers the snapshot's id.
    #[method(name = "devSnapshot", blocking)]
    fn dev_snapshot(&self) -> RpcResult<u64>;

    /// Dev nodes only: reverts the chain to a snapshot (used up, with every later
    /// one); answers the head.
    #[method(name = "devRevert", blocking)]
    fn dev_revert(&self, id: u64) -> RpcResult<HeaderView>;

    /// Dev nodes only: submits a SCALE-encoded unsigned transaction as its signer,
    /// without the signer's key (impersonation); answers as `submit`.
    #[method(name = "devSubmitAs", blocking)]
    fn dev_submit_as(&self, transaction: Bytes) -> RpcResult<ReceiptView>;

    /// Every new block's header.
    #[subscription(name = "subscribeNewHeads", unsubscribe = "unsubscribeNewHeads", item = HeaderView)]
    async fn subscribe_new_heads(&self) -> SubscriptionResult;

    /// Every new event passing the filter (its `fromBlock` is ignored).
    #[subscription(name = "subscribeEvents", unsubscribe = "unsubscribeEvents", item = EventView)]
    async fn subscribe_events(&self, filter: EventFilter) -> SubscriptionResult;
}
