//! Carechain's JSON-RPC: one definition of every method ([`CarechainApiServer`] and
//! [`CarechainApiClient`] are generated from it), the JSON shapes integrators rely on
//! (`docs/rpc.md`), the server over a [`carechain_node::Node`], and the [`Client`] the
//! CLI uses for a remote node (`--url`) or an in-process one (`--state`).
//!
//! The node answers in runtime types; this crate is the only place they become JSON.

mod api;
mod client;
mod edge;
mod server;
mod storage;
mod trace;
mod types;

pub use api::{CarechainApiClient, CarechainApiServer, RpcResult};
pub use client::{BatchFailure, Client, ClientError};
pub use server::{
    codes, error_object, serve, transaction_bytes, MAX_CONNECTIONS, MAX_REQUEST_BYTES,
    MAX_RESPONSE_BYTES, MAX_SUBSCRIPTIONS_PER_CONNECTION,
};
pub use storage::{StorageEntry, StorageRequest, StorageView};
pub use trace::{trace_view, TraceFrameView};
pub use types::{
    parse_hex, AccountView, Address, BlockId, BlockView, Bytes, ChainInfo, DryRunCall,
    DryRunRequest, DryRunView, EventFilter, EventPlace, EventView, Gas, HeaderView, OutcomeKind,
    ProofRequest, ProofView, ReceiptView, StorageDepositView, TransactionView, H256,
};
