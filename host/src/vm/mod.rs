//! The contract VM: upload checks and instrumentation today; the wasmtime engine,
//! code cache and host state follow.

pub mod prepare;
