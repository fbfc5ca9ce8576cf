//! [`WasmtimeVm`]: runs ink! contracts on wasmtime, implementing the runtime's
//! [`ContractVm`].
//!
//! One `Engine` and one `Linker` for the VM's life; one `InstancePre` per code hash
//! (compiled once, from the code in state, prepared the same way every time); a fresh
//! `Store` per call, metered with fuel. What is here runs single-frame calls and
//! instantiations; cross-contract calls, instantiation from contracts, delegate call,
//! terminate and set_code_hash are not linked yet, so code importing them is rejected
//! at upload with the function named.

mod config;
pub(crate) mod host_state;
pub(crate) mod memory;
pub mod prepare;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use carechain_runtime::{
    code_hash, code_key, contract_address, contract_info_key, transfer, AccountId, ChainConfig,
    CodeHash, ContractCall, ContractInfo, ContractVm, DispatchError, ExecContext, ExecOutcome,
    ExecReturn, StateAccess, StateExt, TransferError, Weight,
};
use parity_scale_codec::Encode;
use wasmtime::{Engine, InstancePre, Linker, Module, Store, Trap, Val};

pub use config::{consensus_config, MAX_WASM_STACK};
use host_state::{Frame, HostState, StateRef, TrapReason};
use prepare::{prepare, PrepareConfig, MEMORY_EXPORT};

/// pallet-contracts' REVERT return flag.
const REVERT: u32 = 1;

/// The wasmtime contract VM.
pub struct WasmtimeVm {
    engine: Engine,
    linker: Linker<HostState>,
    /// Compiled, linked code by (code hash, schedule version). Looked up, never
    /// iterated; it can only save work, never change a result.
    cache: Mutex<HashMap<(CodeHash, u32), InstancePre<HostState>>>,
    /// Calls stopped by the engine's native stack limit instead of the injected,
    /// deterministic one. Always zero unless the schedule's `stack_limit` is too high
    /// for [`MAX_WASM_STACK`]; tests assert that it stays zero.
    native_stack_overflows: AtomicU64,
}

fn module_error(e: impl std::fmt::Display) -> DispatchError {
    DispatchError::Module(e.to_string())
}

fn prepare_config(config: &ChainConfig) -> PrepareConfig {
    let vm = &config.schedule.vm;
    PrepareConfig {
        max_code_len: config.schedule.limits.max_code_len,
        memory_pages: vm.memory_pages,
        stack_limit: vm.stack_limit,
        ..PrepareConfig::default()
    }
}

impl WasmtimeVm {
    /// A VM with the consensus engine configuration and every implemented host function.
    ///
    /// # Errors
    /// If wasmtime cannot be configured on this machine.
    pub fn new() -> wasmtime::Result<Self> {
        let engine = config::engine()?;
        let mut linker = Linker::new(&engine);
        crate::abi::define(&mut linker)?;
        Ok(WasmtimeVm {
            engine,
            linker,
            cache: Mutex::new(HashMap::new()),
            native_stack_overflows: AtomicU64::new(0),
        })
    }

    /// How many calls hit the engine's native stack limit (see the field's docs).
    pub fn native_stack_overflows(&self) -> u64 {
        self.native_stack_overflows.load(Ordering::Relaxed)
    }

    fn compile(
        &self,
        code: &[u8],
        config: &ChainConfig,
    ) -> Result<InstancePre<HostState>, DispatchError> {
        let prepared = prepare(code, &prepare_config(config))
            .map_err(|e| DispatchError::CodeRejected(e.to_string()))?;
        let module = Module::new(&self.engine, &prepared.code)
            .map_err(|e| DispatchError::CodeRejected(format!("engine rejected the module: {e}")))?;
        self.linker.instantiate_pre(&module).map_err(|e| {
            DispatchError::CodeRejected(format!(
                "{e}: this Carechain version does not provide that host function yet"
            ))
        })
    }

    fn instance_pre(
        &self,
        hash: CodeHash,
        state: &dyn StateAccess,
        config: &ChainConfig,
    ) -> Result<InstancePre<HostState>, DispatchError> {
        let key = (hash, config.schedule.version);
        if let Some(pre) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(pre);
        }
        let code = state
            .get(&code_key(&hash))
            .map_err(module_error)?
            .ok_or(DispatchError::CodeNotFound)?;
        let pre = self.compile(&code, config)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, pre.clone());
        }
        Ok(pre)
    }
}

impl ContractVm for WasmtimeVm {
    fn validate_code(&self, code: &[u8], config: &ChainConfig) -> Result<(), DispatchError> {
        let pre = self.compile(code, config)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert((code_hash(code), config.schedule.version), pre);
        }
        Ok(())
    }

    fn execute(
        &self,
        ctx: &ExecContext<'_>,
        state: &mut dyn StateAccess,
        origin: &AccountId,
        gas_limit: Weight,
        call: ContractCall<'_>,
    ) -> ExecOutcome {
        let fail = |e: DispatchError| ExecOutcome {
            result: Err(e),
            gas_used: Weight::ZERO,
            events: Vec::new(),
            debug_message: String::new(),
        };
        let (address, hash, entry, input, value, created) = match call {
            ContractCall::Instantiate {
                code_hash: hash,
                value,
                data,
                salt,
            } => {
                let address = contract_address(origin, &hash, data, salt);
                match state.contract_info(&address) {
                    Ok(None) => {}
                    Ok(Some(_)) => return fail(DispatchError::DuplicateContract),
                    Err(e) => return fail(module_error(e)),
                }
                let info = ContractInfo {
                    code_hash: hash,
                    deployer: *origin,
                };
                state.set(contract_info_key(&address), info.encode());
                (address, hash, "deploy", data, value, true)
            }
            ContractCall::Call { dest, value, data } => match state.contract_info(&dest) {
                Ok(Some(info)) => (dest, info.code_hash, "call", data, value, false),
                Ok(None) => return fail(DispatchError::ContractNotFound),
                Err(e) => return fail(module_error(e)),
            },
        };
        match transfer(
            state,
            origin,
            &address,
            value,
            ctx.config.existential_deposit,
        ) {
            Ok(()) => {}
            Err(TransferError::Dispatch(e)) => return fail(e),
            Err(TransferError::State(e)) => return fail(module_error(e)),
        }
        let pre = match self.instance_pre(hash, state, ctx.config) {
            Ok(pre) => pre,
            Err(e) => return fail(e),
        };
        let vm = &ctx.config.schedule.vm;
        let per_fuel = vm.ref_time_per_fuel.max(1);
        let fuel_limit = gas_limit.ref_time / per_fuel;
        let frame = Frame {
            address,
            code_hash: hash,
            caller: *origin,
            origin: *origin,
            value,
            block_number: ctx.block_number,
            timestamp: ctx.timestamp,
            minimum_balance: ctx.config.existential_deposit,
        };
        // SAFETY: `store` holds the StateRef and is dropped at the end of this
        // function, before the borrow of `state` ends.
        let state_ref = unsafe { StateRef::new(state) };
        let mut store = Store::new(
            &self.engine,
            HostState {
                state: state_ref,
                frame,
                schedule: vm.clone(),
                input: Some(input.to_vec()),
                output: None,
                events: Vec::new(),
                memory: None,
                proof_size_left: gas_limit.proof_size,
                debug: ctx.debug.then(String::new),
            },
        );
        let ran = run(&mut store, &pre, entry, fuel_limit);
        let fuel_left = store.get_fuel().unwrap_or(0);
        let used_ref_time = fuel_limit
            .saturating_sub(fuel_left)
            .saturating_mul(per_fuel);
        let used_proof = gas_limit
            .proof_size
            .saturating_sub(store.data().proof_size_left);
        let mut gas_used = Weight::new(used_ref_time, used_proof);
        let data = store.data_mut();
        let result = match ran {
            Ok(()) => Ok(ExecReturn {
                reverted: false,
                data: Vec::new(),
                instantiated: None,
            }),
            Err(e) => {
                if let Some(Trap::StackOverflow) = e.downcast_ref::<Trap>() {
                    self.native_stack_overflows.fetch_add(1, Ordering::Relaxed);
                    tracing::error!("native stack limit reached before the injected one");
                }
                classify(&e, data.output.take())
            }
        };
        if matches!(result, Err(DispatchError::OutOfGas)) {
            gas_used = gas_limit;
        }
        let events = std::mem::take(&mut data.events);
        let debug_message = data.debug.take().unwrap_or_default();
        drop(store);
        let result = result.map(|mut ret| {
            if created && !ret.reverted {
                ret.instantiated = Some(address);
            }
            ret
        });
        ExecOutcome {
            result,
            gas_used,
            events,
            debug_message,
        }
    }
}

/// Instantiates and runs `entry`.
fn run(
    store: &mut Store<HostState>,
    pre: &InstancePre<HostState>,
    entry: &str,
    fuel: u64,
) -> wasmtime::Result<()> {
    store.set_fuel(fuel)?;
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

/// Maps how execution stopped to the call's result, as pallet-contracts does.
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
            (TrapReason::Return, None) => Err(DispatchError::Module("ContractTrapped".into())),
            (TrapReason::Supervisor(name), _) => Err(DispatchError::Module((*name).into())),
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Err(DispatchError::OutOfGas),
        _ => Err(DispatchError::Module("ContractTrapped".into())),
    }
}
