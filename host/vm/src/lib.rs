//! Carechain's contract VM: ink! contracts on wasmtime behind the runtime's
//! [`carechain_runtime::ContractVm`].
//!
//! Upload checks and instrumentation ([`prepare`]), the pallet-contracts 31 host ABI
//! that ink! 5.1 imports ([`HOST_FUNCTIONS`]), frames and their nesting, the module
//! cache, and the chain-extension registry ([`ChainExtensions`]). No files beyond the
//! optional module cache, no sockets, no node.

mod abi;
mod engine;
mod extension;

pub use abi::{host_function, HostFnSpec, Stability, ValueType, HOST_FUNCTIONS};
pub use engine::prepare::{
    code_shape, prepare, MemoryLimits, PrepareConfig, PrepareError, PreparedCode,
    MAX_BR_TABLE_TARGETS, MAX_TABLE_ELEMENTS, MEMORY_EXPORT,
};
pub use engine::{consensus_config, Rejection, WasmtimeVm, WasmtimeVmBuilder, MAX_WASM_STACK};
pub use extension::{ChainExtension, ChainExtensions, ExtensionEnv, ExtensionOutput};
