//! Where a client verb sends its requests: a running node over WebSocket JSON-RPC
//! (`--url`), or a state directory opened in-process (`--state`, no server; the
//! same [`Node`] the server runs, so both answer alike).

use std::path::Path;

use carechain_runtime::{ContractError, Hash, Outcome, SignedTransaction};
use jsonrpsee::core::client::Error as RpcError;
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};

use carechain_node::{Node, NodeError, Sealing};

use crate::api::CarechainApiClient;
use crate::edge::Edge;
use crate::server::{codes, transaction_bytes};
use crate::types::{
    AccountView, Address, BlockId, BlockView, ChainInfo, DryRunRequest, DryRunView, EventFilter,
    EventView, HeaderView, ProofRequest, ProofView, ReceiptView, H256,
};

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The in-process node refused.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// The remote node answered with an error.
    #[error("{message}")]
    Rpc {
        /// JSON-RPC error code ([`codes`]).
        code: i32,
        /// Its message.
        message: String,
        /// Structured detail, if any.
        data: Option<serde_json::Value>,
    },
    /// The node could not be reached.
    #[error("cannot reach the node: {0}")]
    Transport(String),
}

/// Which transaction of an all-or-nothing batch failed, how, and its return data.
#[derive(Debug, Clone)]
pub struct BatchFailure {
    /// Index in the batch.
    pub index: usize,
    /// What happened to it, in words.
    pub outcome: String,
    /// The pallet-contracts error it failed with, if it was applied and failed so.
    pub error: Option<ContractError>,
    /// Its return data.
    pub output: Vec<u8>,
}

impl ClientError {
    /// Whether a node refused because it is not a dev node.
    pub fn is_not_dev(&self) -> bool {
        matches!(
            self,
            ClientError::Node(NodeError::NotDev(_))
                | ClientError::Rpc {
                    code: codes::NOT_DEV,
                    ..
                }
        )
    }

    /// The failed transaction, if this is a batch failure.
    pub fn batch_failure(&self) -> Option<BatchFailure> {
        match self {
            ClientError::Node(NodeError::BatchFailed {
                index,
                outcome,
                applied,
                output,
            }) => Some(BatchFailure {
                index: *index,
                outcome: outcome.clone(),
                error: match applied {
                    Some(Outcome::Failed(e)) => e.contract_error(),
                    _ => None,
                },
                output: output.clone(),
            }),
            ClientError::Rpc {
                code: codes::BATCH_FAILED,
                data: Some(data),
                ..
            } => Some(BatchFailure {
                index: usize::try_from(data.get("index")?.as_u64()?).ok()?,
                outcome: data.get("outcome")?.as_str()?.to_string(),
                error: data
                    .get("errorName")
                    .and_then(|n| n.as_str())
                    .and_then(ContractError::from_name),
                output: crate::types::parse_hex(data.get("output")?.as_str()?).ok()?,
            }),
            _ => None,
        }
    }
}

impl From<RpcError> for ClientError {
    fn from(e: RpcError) -> Self {
        match e {
            RpcError::Call(obj) => ClientError::Rpc {
                code: obj.code(),
                message: obj.message().to_string(),
                data: obj
                    .data()
                    .and_then(|raw| serde_json::from_str(raw.get()).ok()),
            },
            other => ClientError::Transport(other.to_string()),
        }
    }
}

/// A connection to a chain.
pub enum Client {
    /// A state directory opened here.
    Local(Box<Node>),
    /// A node over WebSocket.
    Remote {
        /// Drives the async client.
        runtime: tokio::runtime::Runtime,
        /// The typed client.
        client: WsClient,
    },
}

type Result<T> = std::result::Result<T, ClientError>;

impl Client {
    /// Opens the chain in `dir`, whatever genesis made it (creating a dev chain
    /// there if it holds none).
    ///
    /// # Errors
    /// The directory or database cannot be opened (for example, a node holds it).
    pub fn local(dir: &Path) -> std::result::Result<Self, String> {
        // Not a dev node: a clock or snapshots would live only as long as this
        // process, and whoever opens a node's files must not spend from its accounts
        // without keys. Dev verbs need `carechain node --dev`.
        let node = if dir.join("chain.redb").is_file() {
            Node::open_existing(dir, Sealing::Instant)?
        } else {
            Node::open(dir, Sealing::Instant)?
        };
        Ok(Client::Local(Box::new(node)))
    }

    /// Connects to the node at `url` (`ws://host:port`).
    ///
    /// # Errors
    /// The node is not reachable.
    pub fn remote(url: &str) -> std::result::Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let client = runtime
            .block_on(
                WsClientBuilder::default()
                    .max_request_size(crate::server::MAX_REQUEST_BYTES)
                    .max_response_size(crate::server::MAX_RESPONSE_BYTES)
                    .request_timeout(std::time::Duration::from_secs(120))
                    .build(url),
            )
            .map_err(|e| {
                format!("cannot connect to {url}: {e} (start one with `carechain node`, or use --state DIR)")
            })?;
        Ok(Client::Remote { runtime, client })
    }

    /// Chain identity and head.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn info(&self) -> Result<ChainInfo> {
        match self {
            Client::Local(node) => Ok(Edge(node).info()),
            Client::Remote { runtime, client } => Ok(runtime.block_on(client.info())?),
        }
    }

    /// An account.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn account(&self, who: Address) -> Result<AccountView> {
        match self {
            Client::Local(node) => Ok(Edge(node).account(&who)?),
            Client::Remote { runtime, client } => Ok(runtime.block_on(client.account(who))?),
        }
    }

    /// Submits and waits for inclusion.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn submit(&self, tx: &SignedTransaction) -> Result<ReceiptView> {
        match self {
            Client::Local(node) => Ok(Edge(node).submit(tx.clone())?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.submit(transaction_bytes(tx)))?)
            }
        }
    }

    /// Submits all-or-nothing.
    ///
    /// # Errors
    /// [`ClientError`]; [`ClientError::batch_failure`] says which one failed.
    pub fn submit_all(&self, txs: &[SignedTransaction]) -> Result<Vec<ReceiptView>> {
        match self {
            Client::Local(node) => Ok(Edge(node).submit_all(txs.to_vec())?),
            Client::Remote { runtime, client } => {
                let bytes = txs.iter().map(transaction_bytes).collect();
                Ok(runtime.block_on(client.submit_all(bytes))?)
            }
        }
    }

    /// Dry-runs a call.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn dry_run(&self, request: &DryRunRequest) -> Result<DryRunView> {
        match self {
            Client::Local(node) => Ok(Edge(node).dry_run(request)?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.dry_run(request.clone()))?)
            }
        }
    }

    /// A block.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn block(&self, at: BlockId) -> Result<BlockView> {
        match self {
            Client::Local(node) => Ok(Edge(node).block(at)?),
            Client::Remote { runtime, client } => Ok(runtime.block_on(client.block(Some(at)))?),
        }
    }

    /// A receipt.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn receipt(&self, tx_hash: Hash) -> Result<Option<ReceiptView>> {
        match self {
            Client::Local(node) => Ok(Edge(node).receipt(&tx_hash)?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.receipt(H256(tx_hash)))?)
            }
        }
    }

    /// The call trace of an included transaction, or `None`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn trace(&self, tx_hash: Hash) -> Result<Option<Vec<crate::TraceFrameView>>> {
        match self {
            Client::Local(node) => Ok(node.trace(&tx_hash)?.as_deref().map(crate::trace_view)),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.trace(H256(tx_hash)))?)
            }
        }
    }

    /// Events.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<EventView>> {
        match self {
            Client::Local(node) => Ok(Edge(node).events(filter)?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.events(filter.clone()))?)
            }
        }
    }

    /// A contract's storage.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn storage(&self, request: &crate::StorageRequest) -> Result<crate::StorageView> {
        match self {
            Client::Local(node) => Ok(Edge(node).storage(request)?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.storage(request.clone()))?)
            }
        }
    }

    /// Dev nodes: submits `tx` as its signer, without the signer's key.
    ///
    /// # Errors
    /// [`ClientError`] (code [`codes::NOT_DEV`] from a node that is not a dev node).
    pub fn dev_submit_as(&self, tx: &carechain_runtime::Transaction) -> Result<ReceiptView> {
        match self {
            Client::Local(node) => Ok(Edge(node).submit_as(tx.clone())?),
            Client::Remote { runtime, client } => {
                Ok(runtime
                    .block_on(client.dev_submit_as(crate::types::Bytes(
                        parity_scale_codec::Encode::encode(tx),
                    )))?)
            }
        }
    }

    /// Dev nodes: the next block's exact timestamp.
    ///
    /// # Errors
    /// [`ClientError`] (code [`codes::NOT_DEV`] from a node that is not a dev node).
    pub fn dev_set_next_timestamp(&self, timestamp: u64) -> Result<u64> {
        match self {
            Client::Local(node) => {
                Ok(node.dev_set_next_timestamp(timestamp).map(|()| timestamp)?)
            }
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.dev_set_next_timestamp(timestamp))?)
            }
        }
    }

    /// Dev nodes: moves block time forward; the next block's timestamp.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn dev_advance_time(&self, milliseconds: u64) -> Result<u64> {
        match self {
            Client::Local(node) => Ok(node.dev_advance_time(milliseconds)?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.dev_advance_time(milliseconds))?)
            }
        }
    }

    /// Dev nodes: seals empty blocks; the new head.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn dev_produce_blocks(&self, count: u32) -> Result<HeaderView> {
        match self {
            Client::Local(node) => Ok(HeaderView::from(&node.dev_produce_blocks(count)?)),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.dev_produce_blocks(count))?)
            }
        }
    }

    /// Dev nodes: a snapshot's id.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn dev_snapshot(&self) -> Result<u64> {
        match self {
            Client::Local(node) => Ok(node.dev_snapshot()?),
            Client::Remote { runtime, client } => Ok(runtime.block_on(client.dev_snapshot())?),
        }
    }

    /// Dev nodes: reverts to a snapshot; the head.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn dev_revert(&self, id: u64) -> Result<HeaderView> {
        match self {
            Client::Local(node) => Ok(HeaderView::from(&node.dev_revert(id)?)),
            Client::Remote { runtime, client } => Ok(runtime.block_on(client.dev_revert(id))?),
        }
    }

    /// A proof.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn proof(&self, request: &ProofRequest) -> Result<ProofView> {
        match self {
            Client::Local(node) => Ok(Edge(node).proof(request)?),
            Client::Remote { runtime, client } => {
                Ok(runtime.block_on(client.proof(request.clone()))?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carechain_runtime::DispatchError;

    #[test]
    fn a_batch_failure_names_its_error_alike_in_process_and_over_rpc() {
        let failed = NodeError::BatchFailed {
            index: 2,
            outcome: "failed: OutOfGas".into(),
            applied: Some(Outcome::Failed(DispatchError::Module(
                ContractError::OutOfGas,
            ))),
            output: vec![1],
        };
        let local = ClientError::Node(failed.clone())
            .batch_failure()
            .expect("local");
        let object = crate::error_object(failed);
        let data = object
            .data()
            .map(|raw| serde_json::from_str(raw.get()).expect("json"));
        let remote = ClientError::Rpc {
            code: object.code(),
            message: object.message().to_string(),
            data,
        }
        .batch_failure()
        .expect("remote");
        for failure in [local, remote] {
            assert_eq!(failure.index, 2);
            assert_eq!(failure.error, Some(ContractError::OutOfGas));
            assert_eq!(failure.output, vec![1]);
        }
    }
}
