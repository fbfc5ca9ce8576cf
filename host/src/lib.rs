//! Carechain's host: what the pure runtime leaves out. Today that is persistence in
//! redb ([`RedbStore`]) and the contract VM's upload checks ([`vm::prepare`]); the
//! wasmtime engine, the node, RPC and the `carechain` CLI follow.

pub mod abi;
mod db;
mod error;
pub mod vm;

pub use db::RedbStore;
pub use error::HostError;
pub use vm::WasmtimeVm;
