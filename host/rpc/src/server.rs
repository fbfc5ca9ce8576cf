//! The JSON-RPC server (HTTP and WebSocket on one port, loopback by default) over a
//! [`Node`]. Every failure is a JSON-RPC error object with a stable code; nothing a
//! client sends can crash the node. Limits: request and response sizes, connections,
//! subscriptions per connection, and blocking workers (every method that touches the
//! chain runs on tokio's blocking pool, bounded by the runtime).

use std::net::SocketAddr;
use std::sync::Arc;

use carechain_runtime::block_events;
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::server::{PendingSubscriptionSink, Server, ServerConfig, ServerHandle};
use jsonrpsee::types::ErrorObjectOwned;
use parity_scale_codec::Encode;
use tokio::sync::broadcast::error::RecvError;

use carechain_node::{Node, NodeError, SealedBlock};

use crate::api::{CarechainApiServer, RpcResult};
use crate::edge::Edge;
use crate::storage::{StorageRequest, StorageView};
use crate::trace::TraceFrameView;
use crate::types::{
    AccountView, Address, BlockId, BlockView, Bytes, ChainInfo, DryRunRequest, DryRunView,
    EventFilter, EventView, HeaderView, ProofRequest, ProofView, ReceiptView, H256,
};

/// Largest request body: a contract upload of the largest code, hex-encoded, fits.
pub const MAX_REQUEST_BYTES: u32 = 4 * 1024 * 1024;
/// Largest response body.
pub const MAX_RESPONSE_BYTES: u32 = 32 * 1024 * 1024;
/// Most simultaneous connections.
pub const MAX_CONNECTIONS: u32 = 128;
/// Most subscriptions one connection holds.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: u32 = 32;

/// JSON-RPC error codes (the standard range is kept for malformed requests).
pub mod codes {
    /// Bad parameters (also used by jsonrpsee for undecodable params).
    pub const INVALID_PARAMS: i32 = -32602;
    /// The transaction was turned away (signature, nonce, chain, size, gas).
    pub const INVALID_TRANSACTION: i32 = 1001;
    /// An all-or-nothing batch did not apply; `data` says which transaction and why.
    pub const BATCH_FAILED: i32 = 1002;
    /// No such block.
    pub const UNKNOWN_BLOCK: i32 = 1003;
    /// The chain or its store failed.
    pub const CHAIN: i32 = 1004;
    /// The node is shutting down.
    pub const STOPPING: i32 = 1005;
    /// A dev-only method to a node not started with `--dev`.
    pub const NOT_DEV: i32 = 1006;
}

/// Turns a node error into a JSON-RPC error object.
pub fn error_object(e: NodeError) -> ErrorObjectOwned {
    let message = e.to_string();
    match e {
        NodeError::InvalidTransaction(_) => {
            ErrorObjectOwned::owned(codes::INVALID_TRANSACTION, message, None::<()>)
        }
        NodeError::BatchFailed {
            index,
            outcome,
            applied,
            output,
        } => {
            let error_name = match applied {
                Some(carechain_runtime::Outcome::Failed(e)) => Some(e.name()),
                _ => None,
            };
            ErrorObjectOwned::owned(
                codes::BATCH_FAILED,
                message,
                Some(serde_json::json!({
                    "index": index,
                    "outcome": outcome,
                    "errorName": error_name,
                    "output": Bytes(output),
                })),
            )
        }
        NodeError::UnknownBlock(_) => {
            ErrorObjectOwned::owned(codes::UNKNOWN_BLOCK, message, None::<()>)
        }
        NodeError::BadRequest(_) => {
            ErrorObjectOwned::owned(codes::INVALID_PARAMS, message, None::<()>)
        }
        NodeError::Chain(_) => ErrorObjectOwned::owned(codes::CHAIN, message, None::<()>),
        NodeError::Stopping => ErrorObjectOwned::owned(codes::STOPPING, message, None::<()>),
        NodeError::NotDev(_) => ErrorObjectOwned::owned(codes::NOT_DEV, message, None::<()>),
    }
}

/// The server's view of the node.
struct Api {
    node: Arc<Node>,
}

/// Starts the server on `addr`; it runs until the handle is stopped.
///
/// # Errors
/// The address cannot be bound.
pub async fn serve(
    node: Arc<Node>,
    addr: SocketAddr,
) -> std::io::Result<(ServerHandle, SocketAddr)> {
    let config = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BYTES)
        .max_response_body_size(MAX_RESPONSE_BYTES)
        .max_connections(MAX_CONNECTIONS)
        .max_subscriptions_per_connection(MAX_SUBSCRIPTIONS_PER_CONNECTION)
        .build();
    let server = Server::builder().set_config(config).build(addr).await?;
    let bound = server.local_addr()?;
    let handle = server.start(Api { node }.into_rpc());
    Ok((handle, bound))
}

/// The events of a new block that pass `filter` (whose `fromBlock` a subscription
/// does not use: every block it sees is new).
fn events_of(block: &SealedBlock, filter: &EventFilter) -> Vec<EventView> {
    let number = block.header.number;
    let query = filter.query();
    block_events(number, &block.receipts)
        .filter(|(_, event)| query.matches(number, event))
        .map(|(at, event)| EventView::recorded(event, at))
        .collect()
}

/// Forwards what `items` makes of each new block to a subscriber until it leaves.
async fn follow<T, F>(node: &Node, pending: PendingSubscriptionSink, items: F) -> SubscriptionResult
where
    T: serde::Serialize,
    F: Fn(&SealedBlock) -> Vec<T>,
{
    let mut blocks = node.subscribe();
    let sink = pending.accept().await?;
    loop {
        tokio::select! {
            () = sink.closed() => return Ok(()),
            block = blocks.recv() => match block {
                Ok(block) => {
                    for item in items(&block) {
                        let message = serde_json::value::to_raw_value(&item)?;
                        if sink.send(message).await.is_err() {
                            return Ok(());
                        }
                    }
                }
                // A slow subscriber misses blocks rather than stalling the node.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "subscriber lagged; blocks skipped");
                }
                Err(RecvError::Closed) => return Ok(()),
            },
        }
    }
}

#[jsonrpsee::core::async_trait]
impl CarechainApiServer for Api {
    fn info(&self) -> RpcResult<ChainInfo> {
        Ok(Edge(&self.node).info())
    }

    fn submit(&self, transaction: Bytes) -> RpcResult<ReceiptView> {
        let tx = self
            .node
            .decode_transaction(&transaction.0)
            .map_err(error_object)?;
        Edge(&self.node).submit(tx).map_err(error_object)
    }

    fn submit_all(&self, transactions: Vec<Bytes>) -> RpcResult<Vec<ReceiptView>> {
        let txs = transactions
            .iter()
            .map(|t| self.node.decode_transaction(&t.0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(error_object)?;
        Edge(&self.node).submit_all(txs).map_err(error_object)
    }

    fn dry_run(&self, request: DryRunRequest) -> RpcResult<DryRunView> {
        Edge(&self.node).dry_run(&request).map_err(error_object)
    }

    fn block(&self, at: Option<BlockId>) -> RpcResult<BlockView> {
        Edge(&self.node)
            .block(at.unwrap_or(BlockId::Latest))
            .map_err(error_object)
    }

    fn receipt(&self, tx_hash: H256) -> RpcResult<Option<ReceiptView>> {
        Edge(&self.node).receipt(&tx_hash.0).map_err(error_object)
    }

    fn trace(&self, tx_hash: H256) -> RpcResult<Option<Vec<TraceFrameView>>> {
        self.node
            .trace(&tx_hash.0)
            .map(|t| t.as_deref().map(crate::trace::trace_view))
            .map_err(error_object)
    }

    fn events(&self, filter: EventFilter) -> RpcResult<Vec<EventView>> {
        Edge(&self.node).events(&filter).map_err(error_object)
    }

    fn proof(&self, request: ProofRequest) -> RpcResult<ProofView> {
        Edge(&self.node).proof(&request).map_err(error_object)
    }

    fn storage(&self, request: StorageRequest) -> RpcResult<StorageView> {
        Edge(&self.node).storage(&request).map_err(error_object)
    }

    fn account(&self, address: Address) -> RpcResult<AccountView> {
        Edge(&self.node).account(&address).map_err(error_object)
    }

    fn dev_submit_as(&self, transaction: Bytes) -> RpcResult<ReceiptView> {
        let tx = self
            .node
            .decode_unsigned_transaction(&transaction.0)
            .map_err(error_object)?;
        Edge(&self.node).submit_as(tx).map_err(error_object)
    }

    fn dev_set_next_timestamp(&self, timestamp: u64) -> RpcResult<u64> {
        self.node
            .dev_set_next_timestamp(timestamp)
            .map(|()| timestamp)
            .map_err(error_object)
    }

    fn dev_advance_time(&self, milliseconds: u64) -> RpcResult<u64> {
        self.node
            .dev_advance_time(milliseconds)
            .map_err(error_object)
    }

    fn dev_produce_blocks(&self, count: u32) -> RpcResult<HeaderView> {
        self.node
            .dev_produce_blocks(count)
            .map(|h| HeaderView::from(&h))
            .map_err(error_object)
    }

    fn dev_snapshot(&self) -> RpcResult<u64> {
        self.node.dev_snapshot().map_err(error_object)
    }

    fn dev_revert(&self, id: u64) -> RpcResult<HeaderView> {
        self.node
            .dev_revert(id)
            .map(|h| HeaderView::from(&h))
            .map_err(error_object)
    }

    async fn subscribe_new_heads(&self, pending: PendingSubscriptionSink) -> SubscriptionResult {
        follow(&self.node, pending, |b| vec![HeaderView::from(&b.header)]).await
    }

    async fn subscribe_events(
        &self,
        pending: PendingSubscriptionSink,
        filter: EventFilter,
    ) -> SubscriptionResult {
        let filter = EventFilter {
            from_block: None,
            ..filter
        };
        follow(&self.node, pending, move |b| events_of(b, &filter)).await
    }
}

/// SCALE bytes of a signed transaction, for [`CarechainApiServer::submit`].
pub fn transaction_bytes(tx: &carechain_runtime::SignedTransaction) -> Bytes {
    Bytes(tx.encode())
}
