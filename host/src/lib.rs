//! Carechain's host: what the pure runtime leaves out. Persistence in redb
//! ([`RedbStore`]) and the wasmtime contract VM ([`WasmtimeVm`]) with its upload
//! checks ([`vm::prepare`]), host ABI ([`abi`]) and chain extensions ([`extension`]).

pub mod abi;
mod db;
mod error;
pub mod extension;
pub mod vm;

pub use db::RedbStore;
pub use error::HostError;
pub use vm::{WasmtimeVm, WasmtimeVmBuilder};
