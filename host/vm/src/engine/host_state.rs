//! [`HostState`]: what one executing frame owns (the `T` of `Store<T>`), and
//! [`TrapReason`], how a host function stops execution.

use std::sync::Arc;

use carechain_runtime::exec::{CallStack, Frame, FrameExt};
use carechain_runtime::{StateAccess, VmSchedule};
use wasmtime::{Global, Memory};

use super::VmCore;

/// Why a host function ended execution. Travels inside the wasmtime error and is
/// recovered by downcast, never by matching message text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TrapReason {
    /// `seal_return`: execution ends normally with these flags and data.
    #[error("contract returned")]
    Return,
    /// `terminate`: the contract removed itself; the frame ends successfully.
    #[error("contract terminated")]
    Termination,
    /// A rule of the ABI was broken; named as pallet-contracts names it.
    #[error("{0:?}")]
    Supervisor(carechain_runtime::ContractError),
    /// A nested call failed in a way that fails its caller too (pallet-contracts
    /// returns no code for it: `MaxCallDepthReached`, `DuplicateContract`, ...).
    #[error("{0}")]
    Failed(carechain_runtime::DispatchError),
}

/// The state of the call, borrowed for exactly one frame.
///
/// wasmtime requires `Store<T>` data to be `'static`, but the state is a borrow the
/// executive lends for one call. The borrow's lifetime is erased here and restored by
/// construction: only the engine's frame runner ([`super::exec::Wasm`]) creates a `StateRef`, puts it in a
/// `Store` that it drops before returning, and never lets the store escape.
pub(crate) struct StateRef(*mut (dyn StateAccess + 'static));

impl StateRef {
    /// # Safety
    /// The returned value, and any `Store` holding it, must be dropped before the
    /// borrow of `state` ends.
    pub(crate) unsafe fn new(state: &mut dyn StateAccess) -> Self {
        let ptr: *mut (dyn StateAccess + '_) = state;
        // SAFETY: only the lifetime bound changes; the caller guarantees the pointer is
        // not used after the borrow ends.
        StateRef(unsafe {
            std::mem::transmute::<*mut (dyn StateAccess + '_), *mut (dyn StateAccess + 'static)>(
                ptr,
            )
        })
    }

    pub(crate) fn get(&mut self) -> &mut dyn StateAccess {
        // SAFETY: valid for the life of the store, per `new`'s contract; `&mut self`
        // keeps it unique.
        unsafe { &mut *self.0 }
    }
}

/// The injected fuel counter's globals in one instance.
#[derive(Clone, Copy)]
pub(crate) struct FuelGlobals {
    /// Fuel left (an `i64` holding a `u64`).
    pub(crate) left: Global,
    /// 1 once a charge did not fit.
    pub(crate) out_of_fuel: Global,
}

/// The data of one frame's `Store`.
pub(crate) struct HostState {
    /// The VM, to run nested frames.
    pub(crate) core: Arc<VmCore>,
    /// What the frames of this call share. `None` only while a nested frame, which
    /// borrows it, is running.
    pub(crate) stack: Option<Box<CallStack>>,
    pub(crate) state: StateRef,
    pub(crate) frame: Frame,
    /// The chain's VM schedule (a copy: host functions read it on every call).
    pub(crate) schedule: VmSchedule,
    /// The input, until `FORWARD_INPUT` moves it to a callee.
    pub(crate) input: Option<Vec<u8>>,
    /// Set by `seal_return`: flags and data.
    pub(crate) output: Option<(u32, Vec<u8>)>,
    pub(crate) memory: Option<Memory>,
    /// The fuel the engine was given for this frame.
    pub(crate) fuel_limit: u64,
    /// The injected counter: fuel left, and the flag its charges set when one does not
    /// fit (absent in an unmetered VM).
    pub(crate) fuel: Option<FuelGlobals>,
    /// While a host function runs: the meter's ref_time left when it was entered
    /// (what [`carechain_runtime::GasMeter::sync_to_executor`] needs on the way out).
    pub(crate) host_call_before: Option<u64>,
}

impl HostState {
    /// The shared call stack (always present while this frame's code runs).
    pub(crate) fn stack(&mut self) -> wasmtime::Result<&mut CallStack> {
        self.stack
            .as_deref_mut()
            .ok_or_else(|| wasmtime::Error::msg("call stack lent to a nested frame"))
    }

    /// The frame's view of the call, through which host functions reach state.
    pub(crate) fn ext(&mut self) -> wasmtime::Result<FrameExt<'_>> {
        let stack = self
            .stack
            .as_deref_mut()
            .ok_or_else(|| wasmtime::Error::msg("call stack lent to a nested frame"))?;
        Ok(FrameExt::new(stack, self.state.get(), &mut self.frame))
    }
}
