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
use wasmtime::{AsContextMut, CallHook, InstancePre, Store, StoreContextMut, Trap, Val};

#[cfg(doc)]
use carechain_runtime::exec::run_frame;

use super::fuel::{FUEL_EXPORT, OUT_OF_FUEL_EXPORT, START_EXPORT};
use super::host_state::{FuelGlobals, HostState, StateRef, TrapReason};
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
            fuel_limit: run.fuel,
            fuel: None,
            host_call_before: None,
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
    if core.metered {
        store.call_hook(sync_fuel);
    }
    let ran = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
        run(&mut store, pre, entry, core.metered.then_some(fuel))
    });
    let fuel_consumed = fuel.saturating_sub(fuel_left(&mut store).unwrap_or(fuel));
    let out_of_fuel = store
        .data()
        .fuel
        .map(|g| g.out_of_fuel.get(&mut store).i32() == Some(1))
        .unwrap_or(false);
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
            if out_of_fuel {
                Err(DispatchError::Module(ContractError::OutOfGas))
            } else {
                classify(&e, data.output.take())
            }
        }
    };
    EngineRun {
        result,
        fuel_consumed,
    }
}

/// pallet-contracts' fuel protocol around every host function (its `define_env`
/// wrapper): on entry the fuel burnt so far is charged to the frame's meter; on the
/// way out the engine gives up, in fuel rounded down, what the host charged. Libcalls
/// (`memory.grow`) pass through here too; syncing early changes no figure.
fn sync_fuel(mut ctx: StoreContextMut<'_, HostState>, hook: CallHook) -> wasmtime::Result<()> {
    let out_of_gas = || wasmtime::Error::new(Trap::OutOfFuel);
    match hook {
        CallHook::CallingHost => {
            let Some(left) = fuel_left(&mut ctx) else {
                return Ok(());
            };
            let consumed = ctx.data().fuel_limit.saturating_sub(left);
            let data = ctx.data_mut();
            let per_fuel = data.schedule.ref_time_per_fuel;
            let before = data
                .ext()?
                .gas()
                .map_err(|_| out_of_gas())?
                .sync_from_executor(consumed, per_fuel)
                .map_err(|_| out_of_gas())?;
            data.host_call_before = Some(before);
            Ok(())
        }
        CallHook::ReturningFromHost => {
            let data = ctx.data_mut();
            let Some(before) = data.host_call_before.take() else {
                return Ok(());
            };
            let per_fuel = data.schedule.ref_time_per_fuel;
            let mut ext = data.ext()?;
            let Ok(gas) = ext.gas() else {
                return Err(out_of_gas());
            };
            let fuel = gas.sync_to_executor(before, per_fuel);
            let Some(left) = fuel_left(&mut ctx) else {
                return Ok(());
            };
            if left < fuel {
                return Err(out_of_gas());
            }
            set_fuel_left(&mut ctx, left - fuel)
        }
        CallHook::CallingWasm | CallHook::ReturningFromWasm => Ok(()),
    }
}

/// The injected counter's fuel left, if the code is metered.
fn fuel_left(mut store: impl AsContextMut<Data = HostState>) -> Option<u64> {
    let globals = store.as_context().data().fuel?;
    // The global holds a u64 in an i64's bits.
    globals
        .left
        .get(&mut store)
        .i64()
        .map(|bits| u64::from_ne_bytes(bits.to_ne_bytes()))
}

fn set_fuel_left(
    mut store: impl AsContextMut<Data = HostState>,
    fuel: u64,
) -> wasmtime::Result<()> {
    if let Some(globals) = store.as_context().data().fuel {
        let bits = i64::from_ne_bytes(fuel.to_ne_bytes());
        globals.left.set(&mut store, Val::I64(bits))?;
    }
    Ok(())
}

/// Instantiates and runs `entry`: the fuel is set, then the module's start function
/// (which the counter moved to an export, so that it runs metered and with the host
/// attached, as on pallet-contracts) and the entry run.
fn run(
    store: &mut Store<HostState>,
    pre: &InstancePre<HostState>,
    entry: &str,
    fuel: Option<u64>,
) -> wasmtime::Result<()> {
    let instance = pre.instantiate(&mut *store)?;
    let memory = instance
        .get_memory(&mut *store, MEMORY_EXPORT)
        .ok_or_else(|| wasmtime::Error::msg("prepared code exports no memory"))?;
    store.data_mut().memory = Some(memory);
    if let Some(fuel) = fuel {
        let global = |store: &mut Store<HostState>, name| {
            instance
                .get_global(&mut *store, name)
                .ok_or_else(|| wasmtime::Error::msg(format!("metered code exports no `{name}`")))
        };
        let left = global(store, FUEL_EXPORT)?;
        let out_of_fuel = global(store, OUT_OF_FUEL_EXPORT)?;
        store.data_mut().fuel = Some(FuelGlobals { left, out_of_fuel });
        set_fuel_left(&mut *store, fuel)?;
    }
    if let Some(start) = instance.get_func(&mut *store, START_EXPORT) {
        start.call(&mut *store, &[], &mut [])?;
    }
    let func = instance
        .get_func(&mut *store, entry)
        .ok_or_else(|| wasmtime::Error::msg(format!("no `{entry}` export")))?;
    // pallet-contracts calls the entry with no result slots: an entry typed
    // `() -> i32` passes upload there, and then wasmi refuses every call before its
    // first instruction, as `CodeRejected`.
    if func.ty(&*store).results().len() != 0 {
        return Err(crate::engine::memory::supervisor(
            ContractError::CodeRejected,
        ));
    }
    func.call(&mut *store, &[], &mut [])
}

/// Maps how execution stopped to the frame's result, as pallet-contracts does.
fn classify(
    error: &wasmtime::Error,
    output: Option<(u32, Vec<u8>)>,
) -> Result<ExecReturn, DispatchError> {
    if let Some(reason) = error.downcast_ref::<TrapReason>() {
        return match (reason, output) {
            // pallet-contracts' `ReturnFlags::from_bits`: only REVERT is defined.
            (TrapReason::Return, Some((flags, _))) if flags & !REVERT != 0 => {
                Err(DispatchError::Module(ContractError::InvalidCallFlags))
            }
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
