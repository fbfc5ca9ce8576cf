//! [`run_frame`]: the life of one frame, top-level or nested, in pallet-contracts'
//! order: resolve the callee, check the depth, charge the code load to the caller,
//! take the frame's own gas meter out of the caller's, open a checkpoint, move the
//! existential deposit and the value, run the code on the [`Engine`], charge the fuel
//! it burnt, check its storage deposit limit, then commit or roll back exactly that
//! frame's writes and events and give the gas left, and the deposits of a frame that
//! ended well, back to the caller.

use parity_scale_codec::Encode;

use super::stack::{CallStack, StackEntry};
use super::trace::{TraceFrame, TraceKind, TraceResult};
use super::Engine;
use crate::account::{transfer_keep_alive, TransferError};
use crate::contract::{contract_address, trie_id};
use crate::deposit::{DepositError, DepositMeter};
use crate::dispatch_error::{ContractError, DispatchError};
use crate::executive::ExecReturn;
use crate::gas::{GasMeter, Weight};
use crate::primitives::{AccountId, Balance, BlockNumber, CodeHash, Hash, Timestamp};
use crate::state::{nonce_key, ContractInfo, StateAccess, StateExt};

/// Facts about the executing frame, as its host functions see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The account whose storage and balance the frame uses (the caller's own for a
    /// delegate call).
    pub address: AccountId,
    /// The code hash recorded for `address` (what `own_code_hash` answers).
    pub code_hash: CodeHash,
    /// The storage namespace of `address`.
    pub trie_id: Hash,
    /// Who called.
    pub caller: AccountId,
    /// The value the call carries.
    pub value: Balance,
    /// The block being built.
    pub block_number: BlockNumber,
    /// Its timestamp.
    pub timestamp: Timestamp,
    /// The existential deposit.
    pub minimum_balance: Balance,
}

/// What a frame runs.
#[derive(Debug, Clone)]
pub enum FrameKind<'a> {
    /// The `call` export of the contract at `dest`.
    Call {
        /// The callee.
        dest: AccountId,
    },
    /// The `deploy` export of `code_hash`, creating a contract for `deployer`.
    Instantiate {
        /// The code.
        code_hash: CodeHash,
        /// Who deploys (the address derives from it).
        deployer: AccountId,
        /// The salt of the address.
        salt: &'a [u8],
    },
    /// The `call` export of `code_hash` in the running frame's account.
    Delegate {
        /// The code.
        code_hash: CodeHash,
        /// The running frame, whose account the code runs in.
        account: Frame,
    },
}

/// A frame to run.
#[derive(Debug, Clone)]
pub struct FrameRequest<'a> {
    /// What it runs.
    pub kind: FrameKind<'a>,
    /// Who calls.
    pub caller: AccountId,
    /// The value it carries.
    pub value: Balance,
    /// Its input.
    pub input: Vec<u8>,
    /// The most the frame may use; a zero component means all the caller has left
    /// (pallet-contracts' `GasMeter::nested`).
    pub gas: Weight,
    /// The most storage deposit the frame may take; zero means all the caller has
    /// left, checked only with the caller's (pallet-contracts' `nested(limit)`).
    pub deposit_limit: Balance,
}

/// Why a frame failed, and whether the failure happened inside the callee's code
/// (pallet-contracts' `ErrorOrigin::Callee`), which decides the caller's return code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// The failure.
    pub error: DispatchError,
    /// It happened inside the callee's code.
    pub in_callee: bool,
}

/// A frame's result; its gas is already accounted for in the caller's meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameOutcome {
    /// Its return, or why it failed.
    pub result: Result<ExecReturn, FrameError>,
}

/// Which export a frame runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `deploy`: the constructor.
    Deploy,
    /// `call`: a message.
    Call,
}

impl Entry {
    /// The export's name.
    pub const fn export(self) -> &'static str {
        match self {
            Entry::Deploy => "deploy",
            Entry::Call => "call",
        }
    }
}

/// One frame's code, handed to the [`Engine`].
#[derive(Debug)]
pub struct FrameRun {
    /// The frame's facts.
    pub frame: Frame,
    /// The export to run.
    pub entry: Entry,
    /// Its input.
    pub input: Vec<u8>,
    /// Fuel (units of the schedule's `ref_time_per_fuel`, counted as wasmi 0.31
    /// counts it) the code may burn: the frame meter's ref_time left over that price,
    /// rounded down, as pallet-contracts sets wasmi's fuel.
    pub fuel: u64,
}

/// How a frame's code ended on the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineRun {
    /// Its return (maybe with REVERT), or why it failed.
    pub result: Result<ExecReturn, DispatchError>,
    /// All the fuel the engine consumed, including what host functions took from it
    /// through [`GasMeter::sync_to_executor`] (wasmi's `fuel_consumed`).
    pub fuel_consumed: u64,
}

fn failed(error: DispatchError, in_callee: bool) -> FrameOutcome {
    FrameOutcome {
        result: Err(FrameError { error, in_callee }),
    }
}

fn unreadable(_: impl core::fmt::Display) -> DispatchError {
    DispatchError::StateUnreadable
}

/// The resolved callee: whose account, which code, which entry.
struct Target<C> {
    code: C,
    frame: Frame,
    entry: Entry,
    /// For a constructor, the record to write on success.
    pending_info: Option<ContractInfo>,
    /// For a constructor, the instantiation nonce it takes (its trie id's).
    nonce: Option<u64>,
    delegated: bool,
}

/// Runs one frame to completion on `engine`, charging `meter` (the caller's) for
/// loading the code and for everything the frame used, and queuing on `deposits` (the
/// caller's) the storage deposits of a frame that ended well. `stack.frames` is empty
/// for a top-level call; a nested call reaches here from the engine's host functions.
/// With a trace on the stack, the frame is recorded in it.
pub fn run_frame<E: Engine + ?Sized>(
    engine: &E,
    stack: &mut CallStack,
    state: &mut dyn StateAccess,
    meter: &mut GasMeter,
    deposits: &mut DepositMeter,
    req: FrameRequest<'_>,
) -> FrameOutcome {
    let mut callee = None;
    let Some(index) = stack.trace.as_mut().map(|t| t.open(opening(&req))) else {
        return run(engine, stack, state, meter, deposits, req, &mut callee);
    };
    let before = meter.gas_consumed();
    let out = run(engine, stack, state, meter, deposits, req, &mut callee);
    let (output, result) = match &out.result {
        Ok(ret) if ret.reverted => (ret.data.as_slice(), TraceResult::Reverted),
        Ok(ret) => (ret.data.as_slice(), TraceResult::Returned),
        Err(e) => (&[][..], TraceResult::Failed(e.error)),
    };
    let consumed = meter.gas_consumed().saturating_sub(before);
    if let Some(trace) = stack.trace.as_mut() {
        trace.close(index, callee, output, result, consumed);
    }
    out
}

/// A trace's record of `req` as it starts.
fn opening(req: &FrameRequest<'_>) -> TraceFrame {
    let (kind, callee, code_hash) = match &req.kind {
        FrameKind::Call { dest } => (TraceKind::Call, Some(*dest), None),
        FrameKind::Instantiate { code_hash, .. } => {
            (TraceKind::Instantiate, None, Some(*code_hash))
        }
        FrameKind::Delegate { code_hash, account } => (
            TraceKind::DelegateCall,
            Some(account.address),
            Some(*code_hash),
        ),
    };
    TraceFrame {
        depth: 0,
        parent: None,
        kind,
        caller: req.caller,
        callee,
        code_hash,
        value: req.value,
        input: req.input.clone(),
        output: Vec::new(),
        result: TraceResult::Returned,
        gas_consumed: Weight::ZERO,
        events: Vec::new(),
        rolled_back: false,
    }
}

/// [`run_frame`] itself; `callee` learns whose account ran which code once resolved.
fn run<E: Engine + ?Sized>(
    engine: &E,
    stack: &mut CallStack,
    state: &mut dyn StateAccess,
    meter: &mut GasMeter,
    deposits: &mut DepositMeter,
    req: FrameRequest<'_>,
    callee: &mut Option<(AccountId, CodeHash)>,
) -> FrameOutcome {
    let first = stack.frames.is_empty();
    let mut target = match resolve(engine, stack, state, meter, &req, !first) {
        Ok(t) => t,
        Err(e) => return failed(e, false),
    };
    *callee = Some((target.frame.address, target.frame.code_hash));
    let per_fuel = stack.config.schedule.vm.ref_time_per_fuel.max(1);
    let frame_meter = meter.nested(req.gas);
    let mut frame_deposits = deposits.nested(req.deposit_limit);

    state.checkpoint();
    let events_before = stack.events.len();
    if let Err(e) = transfer_in(stack, state, &req, &mut target, &mut frame_deposits) {
        rollback(stack, state, events_before);
        meter.absorb_nested(frame_meter);
        return failed(e, false);
    }
    let fuel = frame_meter.gas_left().ref_time / per_fuel;
    stack.frames.push(StackEntry {
        account: target.frame.address,
        allows_reentry: true,
        delegated: target.delegated,
        pending_info: target.pending_info.take(),
        terminated: false,
        gas: frame_meter,
        deposits: frame_deposits,
    });
    let run = FrameRun {
        frame: target.frame.clone(),
        entry: target.entry,
        input: req.input,
        fuel,
    };
    let ran = engine.run(stack, state, &target.code, run);
    let Some(mut entry) = stack.frames.pop() else {
        // The engine must leave the stack as it found it; a broken engine fails the frame.
        rollback(stack, state, events_before);
        return failed(ContractError::ContractTrapped.into(), true);
    };
    // The fuel burnt since the last host call, as pallet-contracts' final sync; when it
    // cannot be paid the frame ran out of gas, whatever the code did.
    let mut result = match entry.gas.sync_from_executor(ran.fuel_consumed, per_fuel) {
        Ok(_) => ran.result,
        Err(_) => Err(ContractError::OutOfGas.into()),
    }
    .map_err(|error| FrameError {
        error,
        in_callee: true,
    });
    let frame_meter = std::mem::take(&mut entry.gas);
    if matches!(&result, Ok(ret) if !ret.reverted) {
        match finish(stack, state, &mut entry, &target, first) {
            Ok(instantiated) => {
                if let Ok(ret) = &mut result {
                    ret.instantiated = instantiated;
                }
            }
            Err(e) => result = Err(e),
        }
    }
    let keep = matches!(&result, Ok(ret) if !ret.reverted);
    if keep {
        // Cannot fail: this frame opened the checkpoint.
        let _ = state.commit_checkpoint();
        let absorbed = if target.delegated && entry.pending_info.is_some() {
            absorb_into_constructor(stack, deposits, entry, &target.frame.address);
            Ok(())
        } else {
            absorb_deposits(stack, state, deposits, entry, &target.frame.address)
        };
        if let Err(e) = absorbed {
            result = Err(FrameError {
                error: e,
                in_callee: false,
            });
        }
    } else {
        rollback(stack, state, events_before);
    }
    meter.absorb_nested(frame_meter);
    FrameOutcome { result }
}

/// What pallet-contracts checks after a frame's code returned without reverting, in
/// its order: the whole call's deposit limit after the first frame, a constructor that
/// terminated, a limit of the frame's own. A constructor's record is stored here.
fn finish<C>(
    stack: &CallStack,
    state: &mut dyn StateAccess,
    entry: &mut StackEntry,
    target: &Target<C>,
    first: bool,
) -> Result<Option<AccountId>, FrameError> {
    let config = &stack.config;
    let address = target.frame.address;
    let refused = |error: DispatchError| FrameError {
        error,
        in_callee: false,
    };
    // The record is read only when a limit is checked here; otherwise the caller's
    // absorb moves its counters (and reads it once, there).
    let checked = first || (entry.deposits.has_own_limit() && !target.delegated);
    let mut stored = match &entry.pending_info {
        Some(_) => None,
        None if checked => state
            .contract_info(&address)
            .map_err(|_| refused(DispatchError::StateUnreadable))?,
        None => None,
    };
    let original = stored.clone();
    let info = entry.pending_info.as_mut().or(stored.as_mut());
    if first {
        entry
            .deposits
            .enforce_limit(info, config)
            .map_err(refused)?;
    }
    let result = match (&mut entry.pending_info, target.delegated) {
        // A delegate call only borrows a constructor's record; the constructor stores it.
        (_, true) => Ok(None),
        (Some(_), false) if entry.terminated => Err(ContractError::TerminatedInConstructor.into()),
        (Some(info), false) => {
            let checked = entry.deposits.enforce_subcall_limit(Some(info), config);
            checked.map(|()| {
                state.put_contract_info(&address, info);
                Some(address)
            })
        }
        (None, false) => entry
            .deposits
            .enforce_subcall_limit(stored.as_mut(), config)
            .map(|()| None),
    };
    if let Some(info) = stored
        .as_ref()
        .filter(|info| Some(*info) != original.as_ref())
    {
        // The record's deposit counters moved.
        state.put_contract_info(&address, info);
    }
    result.map_err(refused)
}

/// Moves a frame that ended well's deposits onto its caller's meter and its storage
/// diff onto its contract's record (pallet-contracts' `absorb` in `pop_frame`).
fn absorb_deposits(
    stack: &CallStack,
    state: &mut dyn StateAccess,
    deposits: &mut DepositMeter,
    entry: StackEntry,
    address: &AccountId,
) -> Result<(), DispatchError> {
    let mut info = state
        .contract_info(address)
        .map_err(|_| DispatchError::StateUnreadable)?;
    let original = info.clone();
    deposits.absorb(entry.deposits, address, info.as_mut(), &stack.config);
    if let Some(info) = info
        .as_ref()
        .filter(|info| Some(*info) != original.as_ref())
    {
        state.put_contract_info(address, info);
    }
    Ok(())
}

/// A delegate call made by a constructor ran on a copy of the constructor's pending
/// record (pallet-contracts clones the caller's cached `contract_info` into the
/// delegated frame): its deposits go onto the constructor's meter and the record, with
/// its moved counters and any new code hash or dependency, back to the constructor.
fn absorb_into_constructor(
    stack: &mut CallStack,
    deposits: &mut DepositMeter,
    mut entry: StackEntry,
    address: &AccountId,
) {
    let mut info = entry.pending_info.take();
    deposits.absorb(entry.deposits, address, info.as_mut(), &stack.config);
    if let Some(caller) = stack.frames.last_mut() {
        caller.pending_info = info;
    }
}

fn rollback(stack: &mut CallStack, state: &mut dyn StateAccess, events_before: usize) {
    // Cannot fail: the frame opened the checkpoint.
    let _ = state.rollback_checkpoint();
    stack.events.truncate(events_before);
}

/// Loads `hash`'s code and charges its load to `meter`, as the pallet's
/// `WasmBlob::from_storage` charges `CodeLoadToken`.
fn load_code<E: Engine + ?Sized>(
    engine: &E,
    stack: &CallStack,
    state: &dyn StateAccess,
    meter: &mut GasMeter,
    hash: CodeHash,
) -> Result<E::Code, DispatchError> {
    let (code, len) = engine.load(hash, state, &stack.config)?;
    let cost = stack.config.schedule.costs.dispatch.code_load(len as u64);
    let _charged = meter
        .charge(cost)
        .map_err(|_| DispatchError::Module(ContractError::OutOfGas))?;
    Ok(code)
}

/// Finds the callee, loads its code and checks what pallet-contracts checks before a
/// frame exists, in its order: a call checks the depth, the callee and then loads its
/// code; an instantiation and a delegate call load the code first.
fn resolve<E: Engine + ?Sized>(
    engine: &E,
    stack: &CallStack,
    state: &mut dyn StateAccess,
    meter: &mut GasMeter,
    req: &FrameRequest<'_>,
    nested: bool,
) -> Result<Target<E::Code>, DispatchError> {
    let depth = || {
        if nested && !stack.has_room() {
            Err(DispatchError::Module(ContractError::MaxCallDepthReached))
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
                .map_err(unreadable)?
                .ok_or(DispatchError::Module(ContractError::ContractNotFound))?;
            let code = load_code(engine, stack, state, meter, info.code_hash)?;
            Ok(Target {
                code,
                frame: frame(*dest, info.code_hash, info.trie_id),
                entry: Entry::Call,
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
            let code = load_code(engine, stack, state, meter, *code_hash)?;
            depth()?;
            let address = contract_address(deployer, code_hash, &req.input, salt);
            if state.contract_info(&address).map_err(unreadable)?.is_some() {
                return Err(ContractError::DuplicateContract.into());
            }
            let nonce = state
                .instantiation_nonce()
                .map_err(unreadable)?
                .wrapping_add(1);
            let info = ContractInfo::new(*code_hash, *deployer, trie_id(&address, nonce));
            Ok(Target {
                code,
                frame: frame(address, *code_hash, info.trie_id),
                entry: Entry::Deploy,
                pending_info: Some(info),
                nonce: Some(nonce),
                delegated: false,
            })
        }
        FrameKind::Delegate { code_hash, account } => {
            let code = load_code(engine, stack, state, meter, *code_hash)?;
            depth()?;
            // From a constructor: the record it is building, as the pallet's clone.
            let constructing = stack.frames.last().and_then(|c| c.pending_info.clone());
            Ok(Target {
                code,
                frame: Frame {
                    caller: req.caller,
                    value: req.value,
                    ..account.clone()
                },
                entry: Entry::Call,
                pending_info: constructing,
                nonce: None,
                delegated: true,
            })
        }
    }
}

/// What happens before the code runs: for a new contract, its base deposit and
/// existential deposit (pallet-contracts' `charge_instantiate`) and the nonce; then the
/// value from the caller, except in a delegate call; then, for a new contract, its
/// code's refcount.
fn transfer_in<C>(
    stack: &CallStack,
    state: &mut dyn StateAccess,
    req: &FrameRequest<'_>,
    target: &mut Target<C>,
    deposits: &mut DepositMeter,
) -> Result<(), DispatchError> {
    let ed = stack.config.existential_deposit;
    let address = target.frame.address;
    if let (Some(nonce), Some(info)) = (target.nonce, target.pending_info.as_mut()) {
        deposits
            .charge_instantiate(state, &stack.origin, &address, info, &stack.config)
            .map_err(DepositError::into_dispatch)?;
        state.set(nonce_key(), nonce.encode());
    }
    if !target.delegated {
        match transfer_keep_alive(state, &req.caller, &address, req.value, ed) {
            Ok(()) => {}
            Err(TransferError::Dispatch(_)) => return Err(ContractError::TransferFailed.into()),
            Err(TransferError::State(e)) => return Err(unreadable(e)),
        }
    }
    if let (Some(info), Some(_)) = (&target.pending_info, target.nonce) {
        if !state
            .bump_refcount(&info.code_hash, true)
            .map_err(unreadable)?
        {
            return Err(ContractError::CodeNotFound.into());
        }
    }
    Ok(())
}
