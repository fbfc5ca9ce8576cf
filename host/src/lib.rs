//! Carechain's host: what the pure runtime leaves out. Persistence in redb
//! ([`RedbStore`]); the wasmtime contract VM ([`WasmtimeVm`]) with its upload
//! checks ([`vm::prepare`]), host ABI ([`abi`]) and chain extensions ([`extension`]);
//! the [`node`] (pool and block producer), its JSON-RPC server ([`rpc`]) over the
//! [`api`] shared with clients, the `carechain` CLI ([`cli`]) and the GS1 EPCIS
//! mapping of the DSCSA contract ([`epcis`]).

pub mod abi;
pub mod api;
pub mod cli;
mod db;
pub mod epcis;
mod error;
pub mod extension;
pub mod node;
pub mod rpc;
pub mod sentinel;
pub mod vm;

pub use db::RedbStore;
pub use error::HostError;
pub use vm::{WasmtimeVm, WasmtimeVmBuilder};
