//! [`run_frame`]: the life of one frame, top-level or nested, in pallet-contracts'
//! order: resolve the callee, check the depth, open a checkpoint, move the
//! existential deposit and the value, run the code in its own `Store`, then commit
//! or roll back exactly that frame's writes and events.

use carechain_runtime::{
    code_key, contract_address, contract_info_key, nonce_key, transfer_keep_alive, trie_id,
    AccountId, Balance, CodeHash, ContractInfo, DispatchError, ExecReturn, StateAccess, StateExt,
    TransferError, Weight,
};
use parity_scale_codec::Encode;
use wasmtime::{InstancePre, Store, Trap, Val};

use super::host_state::{Frame, HostState, StateRef, TrapReason};
use super::prepare::MEMORY_EXPORT;
use super::stack::{CallStack, StackEntry};
use super::{VmCore, MAX_WASM_STACK};

/// pallet-contracts' REVERT return flag.
const REVERT: u32 = 1;

/// Native stack a frame must find free before it runs WASM; with less, it runs on a
/// fresh segment. Nested frames stack on the native stack, each with up to
/// [`MAX_WASM_STACK`] of its own, so without this a deep call chain on a small thread
/// stack could overflow the host rather than fail deterministically.
const RED_ZONE: usize = MAX_WASM_STACK + 256 * 1024;
const STACK_SEGMENT: usize = 2 * MAX_WASM_STACK + 256 * 1024;

/// What a frame runs.
pub(crate) enum FrameKind<'a> {
    /// The `call` export of the contract at `dest`.
    Call { dest: AccountId },
    /// The `deploy` export of `code_hash`, creating a contract for `deployer`.
    Instantiate {
        code_hash: CodeHash,
        deployer: AccountId,
        salt: &'a [u8],
    },
    /// The `call` export of `code_hash` in the running frame's account.
    Delegate { code_hash: CodeHash, account: Frame },
}

/// A frame to run.
pub(crate) struct FrameRequest<'a> {
    pub(crate) kind: FrameKind<'a>,
    pub(crate) caller: AccountId,
    pub(crate) value: Balance,
    pub(crate) input: Vec<u8>,
    /// The most the frame may use (already capped by what its caller has).
    pub(crate) gas: Weight,
}

/// Why a frame failed, and whether the failure happened inside the callee's code
/// (pallet-contracts' `ErrorOrigin::Callee`), which decides the caller's return code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrameError {
    pub(crate) error: DispatchError,
    pub(crate) in_callee: bool,
}

/// A frame's result and the gas it used (never more than it was given).
pub(crate) struct FrameOutcome {
    pub(crate) result: Result<ExecReturn, FrameError>,
    pub(crate) gas_used: Weight,
}

fn failed(error: DispatchError, in_callee: bool, gas_used: Weight) -> FrameOutcome {
    FrameOutcome {
        result: Err(FrameError { error, in_callee }),
        gas_used,
    }
}

fn state_error(e: impl std::fmt::Display) -> DispatchError {
    DispatchError::Module(format!("state unreadable: {e}"))
}

/// The resolved callee: whose account, which code, which entry.
struct Target {
    frame: Frame,
    code_hash: CodeHash,
    entry: &'static str,
    /// For a constructor, the record to write on success.
    pending_info: Option<ContractInfo>,
    /// For a constructor, the instantiation nonce it takes (its trie id's).
    nonce: Option<u64>,
    delegated: bool,
}

/// Runs one frame to completion. `stack.frames` is empty for a top-level call.
pub(crate) fn run_frame(
    core: &std::sync::Arc<VmCore>,
    stack: &mut CallStack,
    state: &mut dyn StateAccess,
    req: FrameRequest<'_>,
) -> FrameOutcome {
    let nested = !stack.frames.is_empty();
    let target = match resolve(stack, state, &req, nested) {
        Ok(t) => t,
        Err(e) => return failed(e, false, Weight::ZERO),
    };
    let per_fuel = stack.config.schedule.vm.ref_time_per_fuel.max(1);
    let (pre, code_len) = match core.instance_pre(target.code_hash, state, &stack.config) {
        Ok(p) => p,
        Err(e) => return failed(e, false, Weight::ZERO),
    };
    // Loading the code is paid for before it runs, as pallet-contracts' `CodeLoad`.
    let load = stack
        .config
        .schedule
        .vm
        .code_load_per_byte
        .saturating_mul(code_len as u64);
    let load_fuel = load.ref_time.div_ceil(per_fuel);
    let fuel_limit = req.gas.ref_time / per_fuel;
    if load_fuel > fuel_limit || load.proof_size > req.gas.proof_size {
        return failed(DispatchError::OutOfGas, false, req.gas);
    }

    state.checkpoint();
    let events_before = stack.events.len();
    if let Err(e) = transfer_in(stack, state, &req, &target) {
        rollback(stack, state, events_before);
        return failed(e, false, Weight::ZERO);
    }
    stack.frames.push(StackEntry {
        account: target.frame.address,
        allows_reentry: true,
        delegated: target.delegated,
        pending_info: target.pending_info.clone(),
        terminated: false,
    });
    let host = HostState {
        core: core.clone(),
        stack: None,
        // SAFETY: the store holding this is dropped inside `execute`, before the
        // borrow of `state` ends.
        state: unsafe { StateRef::new(state) },
        frame: target.frame.clone(),
        schedule: stack.config.schedule.vm.clone(),
        input: Some(req.input),
        output: None,
        memory: None,
        proof_size_left: req.gas.proof_size.saturating_sub(load.proof_size),
    };
    let run = execute(
        core,
        stack,
        host,
        &pre,
        target.entry,
        fuel_limit.saturating_sub(load_fuel),
    );
    let entry = stack.frames.pop();
    let used_fuel = fuel_limit.saturating_sub(run.fuel_left);
    // Out of gas leaves no fuel, so the dimension that ran out is charged in full;
    // the other only for what was used, as pallet-contracts' gas meter does.
    let gas_used = Weight::new(
        used_fuel.saturating_mul(per_fuel),
        req.gas.proof_size.saturating_sub(run.proof_size_left),
    );
    let mut result = run.result.map_err(|error| FrameError {
        error,
        in_callee: true,
    });
    if let Ok(ret) = &mut result {
        if !ret.reverted {
            if let Some(info) = entry.and_then(finished_constructor) {
                match info {
                    Ok(info) => {
                        state.set(contract_info_key(&target.frame.address), info.encode());
                        ret.instantiated = Some(target.frame.address);
                    }
                    Err(e) => result = Err(e),
                }
            }
        }
    }
    let keep = matches!(&result, Ok(ret) if !ret.reverted);
    if keep {
        // Cannot fail: this frame opened the checkpoint.
        let _ = state.commit_checkpoint();
    } else {
        rollback(stack, state, events_before);
    }
    FrameOutcome { result, gas_used }
}

/// For a constructor's entry: the record to store, or why it may not be stored.
fn finished_constructor(entry: StackEntry) -> Option<Result<ContractInfo, FrameError>> {
    let info = entry.pending_info?;
    Some(if entry.terminated {
        Err(FrameError {
            error: DispatchError::Module("TerminatedInConstructor".into()),
            in_callee: false,
        })
    } else {
        Ok(info)
    })
}

fn rollback(stack: &mut CallStack, state: &mut dyn StateAccess, events_before: usize) {
    // Cannot fail: the frame opened the checkpoint.
    let _ = state.rollback_checkpoint();
    stack.events.truncate(events_before);
}

fn code_exists(state: &dyn StateAccess, hash: &CodeHash) -> Result<(), DispatchError> {
    match state.get(&code_key(hash)) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(DispatchError::CodeNotFound),
        Err(e) => Err(state_error(e)),
    }
}

/// Finds the callee and checks what pallet-contracts checks before a frame exists,
/// in its order.
fn resolve(
    stack: &CallStack,
    state: &mut dyn StateAccess,
    req: &FrameRequest<'_>,
    nested: bool,
) -> Result<Target, DispatchError> {
    let depth = || {
        if nested && !stack.has_room() {
            Err(DispatchError::MaxCallDepthReached)
        } else {
            Ok(())
        }
    };
    let frame = |address, code_hash, trie_id| Frame {
        address,
        code_hash,
        trie_id,
        caller: req.caller,
        value: req.value,
        block_number: stack.block_number,
        timestamp: stack.timestamp,
        minimum_balance: stack.config.existential_deposit,
    };
    match &req.kind {
        FrameKind::Call { dest } => {
            depth()?;
            let info = state
                .contract_info(dest)
                .map_err(state_error)?
                .ok_or(DispatchError::ContractNotFound)?;
            Ok(Target {
                frame: frame(*dest, info.code_hash, info.trie_id),
                code_hash: info.code_hash,
                entry: "call",
                pending_info: None,
                nonce: None,
                delegated: false,
            })
        }
        FrameKind::Instantiate {
            code_hash,
            deployer,
            salt,
        } => {
            code_exists(state, code_hash)?;
            depth()?;
            let address = contract_address(deployer, code_hash, &req.input, salt);
            if state
                .contract_info(&address)
                .map_err(state_error)?
                .is_some()
            {
                return Err(DispatchError::DuplicateContract);
            }
            let nonce = state
                .instantiation_nonce()
                .map_err(state_error)?
                .wrapping_add(1);
            let info = ContractInfo {
                code_hash: *code_hash,
                deployer: *deployer,
                trie_id: trie_id(&address, nonce),
                delegate_dependencies: Vec::new(),
            };
            Ok(Target {
                frame: frame(address, *code_hash, info.trie_id),
                code_hash: *code_hash,
                entry: "deploy",
                pending_info: Some(info),
                nonce: Some(nonce),
                delegated: false,
            })
        }
        FrameKind::Delegate { code_hash, account } => {
            code_exists(state, code_hash)?;
            depth()?;
            Ok(Target {
                frame: Frame {
                    caller: req.caller,
                    value: req.value,
                    ..account.clone()
                },
                code_hash: *code_hash,
                entry: "call",
                pending_info: None,
                nonce: None,
                delegated: true,
            })
        }
    }
}

/// The transfers before the code runs: for a new contract, the existential deposit
/// from the origin (pallet-contracts' `charge_instantiate`) and the nonce; then the
/// value from the caller, except in a delegate call.
fn transfer_in(
    stack: &CallStack,
    state: &mut dyn StateAccess,
    req: &FrameRequest<'_>,
    target: &Target,
) -> Result<(), DispatchError> {
    let ed = stack.config.existential_deposit;
    let address = target.frame.address;
    let moved = |r: Result<(), TransferError>| match r {
        Ok(()) => Ok(()),
        Err(TransferError::Dispatch(_)) => Err(DispatchError::TransferFailed),
        Err(TransferError::State(e)) => Err(state_error(e)),
    };
    if let Some(nonce) = target.nonce {
        moved(transfer_keep_alive(state, &stack.origin, &address, ed, ed))?;
        state.set(nonce_key(), nonce.encode());
    }
    if !target.delegated {
        moved(transfer_keep_alive(
            state,
            &req.caller,
            &address,
            req.value,
            ed,
        ))?;
    }
    Ok(())
}

/// How a frame's code ended.
struct Run {
    result: Result<ExecReturn, DispatchError>,
    fuel_left: u64,
    proof_size_left: u64,
}

/// Runs `entry` in a fresh store that borrows `stack` for the duration.
fn execute(
    core: &VmCore,
    stack: &mut CallStack,
    mut host: HostState,
    pre: &InstancePre<HostState>,
    entry: &str,
    fuel: u64,
) -> Run {
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
    Run {
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
            (TrapReason::Return, None) => Err(DispatchError::Module("ContractTrapped".into())),
            (TrapReason::Supervisor(name), _) => Err(DispatchError::Module((*name).into())),
            (TrapReason::Failed(error), _) => Err(error.clone()),
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Err(DispatchError::OutOfGas),
        _ => Err(DispatchError::Module("ContractTrapped".into())),
    }
}
