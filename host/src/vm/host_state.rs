//! [`HostState`]: what one executing frame owns (the `T` of `Store<T>`), and
//! [`TrapReason`], how a host function stops execution.

use carechain_runtime::{
    AccountId, Balance, BlockNumber, CodeHash, Event, StateAccess, Timestamp, VmSchedule,
};
use wasmtime::Memory;

/// Why a host function ended execution. Travels inside the wasmtime error and is
/// recovered by downcast, never by matching message text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TrapReason {
    /// `seal_return`: execution ends normally with these flags and data.
    #[error("contract returned")]
    Return,
    /// A rule of the ABI was broken; named as pallet-contracts names it.
    #[error("{0}")]
    Supervisor(&'static str),
}

/// The state of the call, borrowed for exactly one `execute`.
///
/// wasmtime requires `Store<T>` data to be `'static`, but the state is a borrow the
/// executive lends for one call. The borrow's lifetime is erased here and restored by
/// construction: only [`crate::vm::WasmtimeVm`] creates a `StateRef`, puts it in a
/// `Store` that it drops before `execute` returns, and never lets the store escape.
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

/// Facts about the executing frame.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub(crate) address: AccountId,
    pub(crate) code_hash: CodeHash,
    pub(crate) caller: AccountId,
    pub(crate) origin: AccountId,
    pub(crate) value: Balance,
    pub(crate) block_number: BlockNumber,
    pub(crate) timestamp: Timestamp,
    pub(crate) minimum_balance: Balance,
}

/// The data of one frame's `Store`.
pub(crate) struct HostState {
    pub(crate) state: StateRef,
    pub(crate) frame: Frame,
    pub(crate) schedule: VmSchedule,
    /// Taken by the first `input` call.
    pub(crate) input: Option<Vec<u8>>,
    /// Set by `seal_return`: flags and data.
    pub(crate) output: Option<(u32, Vec<u8>)>,
    pub(crate) events: Vec<Event>,
    pub(crate) memory: Option<Memory>,
    pub(crate) proof_size_left: u64,
    /// The debug buffer, present only in dry runs.
    pub(crate) debug: Option<String>,
}
