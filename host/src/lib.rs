//! Carechain's host: what the pure runtime leaves out. Today that is persistence in
//! redb ([`RedbStore`]); the wasmtime VM, the node, RPC and the `carechain` CLI follow.

mod db;
mod error;

pub use db::RedbStore;
pub use error::HostError;
