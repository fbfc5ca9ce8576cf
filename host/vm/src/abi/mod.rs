//! The pallet-contracts host ABI that ink! 5.1 contracts import: the table of what
//! exists ([`table`]) and the implementations, by group.
//!
//! Every function of the table is linked; upload checks decide which a contract may
//! import (unstable ones and `call_chain_extension` only where enabled).

mod call;
mod crypto;
mod env;
mod events;
mod lifecycle;
mod runtime;
mod storage;
mod table;

pub use table::{host_function, HostFnSpec, Stability, ValueType, HOST_FUNCTIONS};
use wasmtime::{IntoFunc, Linker};

use crate::engine::host_state::HostState;

/// pallet-contracts-uapi's `ReturnErrorCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum ReturnCode {
    Success = 0,
    CalleeTrapped = 1,
    CalleeReverted = 2,
    KeyNotFound = 3,
    TransferFailed = 5,
    CodeNotFound = 7,
    NotCallable = 8,
    CallRuntimeFailed = 10,
    EcdsaRecoveryFailed = 11,
    Sr25519VerifyFailed = 12,
    XcmExecutionFailed = 13,
    XcmSendFailed = 14,
}

/// Links `f` as `seal<version>::<name>`, and as `seal_<name>` where the table gives
/// the function a prefixed alias.
fn def<Params, Args>(
    linker: &mut Linker<HostState>,
    version: u8,
    name: &str,
    f: impl IntoFunc<HostState, Params, Args> + Clone,
) -> wasmtime::Result<()> {
    let module = format!("seal{version}");
    let spec = host_function(&module, name)
        .ok_or_else(|| wasmtime::Error::msg(format!("{module}.{name} is not in the ABI table")))?;
    linker.func_wrap(&module, name, f.clone())?;
    if spec.prefixed_alias {
        linker.func_wrap(&module, &format!("seal_{name}"), f)?;
    }
    Ok(())
}

/// Links every implemented host function.
///
/// # Errors
/// Only if a definition clashes, which would be a bug in this module.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    storage::define(linker)?;
    env::define(linker)?;
    events::define(linker)?;
    crypto::define(linker)?;
    call::define(linker)?;
    lifecycle::define(linker)?;
    runtime::define(linker)?;
    Ok(())
}
