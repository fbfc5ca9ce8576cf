//! The wasmtime engine behind the runtime's call stack ([`carechain_runtime::exec`]):
//! load the linked code of a hash, and run one frame's export in its own `Store`, then
//! classify how it ended. The rules of frames (callee, transfers, checkpoints,
//! reentrancy) are the runtime's [`run_frame`]; nested calls from host functions go
//! back through it.

use std::sync::Arc;

use carechain_runtime::exec::{CallStack, Engine, EngineRun, FrameRun};
use carechain_runtime::{
    ChainConfig, CodeHash, ContractError, DispatchError, ExecReturn, StateAccess,
};
use wasmtime::{InstancePre, Store, Trap, Val};

#[cfg(doc)]
use carechain_runtime::exec::run_frame;

use super::host_state::{HostState, StateRef, TrapReason};
use super::prepare::MEMORY_EXPORT;
use super::{VmCore, MAX_WASM_STACK};

/// pallet-contracts' REVERT return flag.
const REVERT: u32 = 1;

/// Native stack a frame must find free before it runs WASM; with less, it runs on a
/// fresh segment. Nested frames stack on the native stack, each with up to
/// [`MAX_WASM_STACK`] of its own, so without this a deep call chain on a small thread
/// stack could overflow the host rather than fail deterministically.
const RED_ZONE: usize = MAX_WASM_STACK + 256 * 1024;
const STACK_SEGMENT: usize = 2 * MAX_WASM_STACK + 256 * 1024;

/// The VM as the runtime's [`Engine`].
pub(crate) struct Wasm(pub(crate) Arc<VmCore>);

impl Engine for Wasm {
    type Code = InstancePre<HostState>;

    fn load(
        &self,
        code_hash: CodeHash,
        state: &dyn StateAccess,
        config: &ChainConfig,
    ) -> Result<(Self::Code, usize), DispatchError> {
        self.0.instance_pre(code_hash, state, config)
    }

    fn run(
        &self,
        stack: &mut CallStack,
        state: &mut dyn StateAccess,
        code: &Self::Code,
        run: FrameRun,
    ) -> EngineRun {
        let host = HostState {
            core: self.0.clone(),
            stack: None,
            // SAFETY: the store holding this is dropped inside `execute`, before the
            // borrow of `state` ends.
            state: unsafe { StateRef::new(state) },
            frame: run.frame,
            schedule: stack.config.schedule.vm.clone(),
            input: Some(run.input),
            output: None,
            memory: None,
            proof_size_left: run.proof_size,
        };
        execute(&self.0, stack, host, code, run.entry.export(), run.fuel)
    }
}

/// Runs `entry` in a fresh store that borrows `stack` for the duration.
fn execute(
    core: &VmCore,
    stack: &mut CallStack,
    mut host: HostState,
    pre: &InstancePre<HostState>,
    entry: &str,
    fuel: u64,
) -> EngineRun {
    let owned = std::mem::take(stack);
    host.stack = Some(Box::new(owned));
    let mut store = Store::new(&core.engine, host);
    let ran = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
        run(&mut store, pre, entry, core.metered.then_some(fuel))
    });
    let fuel_left = if core.metered {
        store.get_fuel().unwrap_or(0)
    } else {
        fuel
    };
    let data = store.data_mut();
    if let Some(owned) = data.stack.take() {
        *stack = *owned;
    }
    let result = match ran {
        Ok(()) => Ok(ExecReturn::default()),
        Err(e) => {
            if let Some(Trap::StackOverflow) = e.downcast_ref::<Trap>() {
                core.note_native_stack_overflow();
            }
            classify(&e, data.output.take())
        }
    };
    EngineRun {
        result,
        fuel_left,
        proof_size_left: data.proof_size_left,
    }
}

/// Instantiates and runs `entry`.
fn run(
    store: &mut Store<HostState>,
    pre: &InstancePre<HostState>,
    entry: &str,
    fuel: Option<u64>,
) -> wasmtime::Result<()> {
    if let Some(fuel) = fuel {
        store.set_fuel(fuel)?;
    }
    let instance = pre.instantiate(&mut *store)?;
    let memory = instance
        .get_memory(&mut *store, MEMORY_EXPORT)
        .ok_or_else(|| wasmtime::Error::msg("prepared code exports no memory"))?;
    store.data_mut().memory = Some(memory);
    let func = instance
        .get_func(&mut *store, entry)
        .ok_or_else(|| wasmtime::Error::msg(format!("no `{entry}` export")))?;
    let mut results = vec![Val::I32(0); func.ty(&*store).results().len()];
    func.call(&mut *store, &[], &mut results)
}

/// Maps how execution stopped to the frame's result, as pallet-contracts does.
fn classify(
    error: &wasmtime::Error,
    output: Option<(u32, Vec<u8>)>,
) -> Result<ExecReturn, DispatchError> {
    if let Some(reason) = error.downcast_ref::<TrapReason>() {
        return match (reason, output) {
            (TrapReason::Return, Some((flags, data))) => Ok(ExecReturn {
                reverted: flags & REVERT != 0,
                data,
                instantiated: None,
            }),
            (TrapReason::Termination, _) => Ok(ExecReturn::default()),
            (TrapReason::Return, None) => {
                Err(DispatchError::Module(ContractError::ContractTrapped))
            }
            (TrapReason::Supervisor(name), _) => Err(DispatchError::Module(*name)),
            (TrapReason::Failed(error), _) => Err(*error),
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Err(DispatchError::Module(ContractError::OutOfGas)),
        _ => Err(DispatchError::Module(ContractError::ContractTrapped)),
    }
}
