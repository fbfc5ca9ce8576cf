//! Cross-contract calls: `call` (all versions), `delegate_call` and `instantiate` (all
//! versions), with pallet-contracts' flags, gas forwarding, output rules and return
//! codes (`Runtime::call`, `Runtime::instantiate` and `exec_into_return_code`).

use carechain_runtime::{AccountId, DispatchError, Hash, Weight};
use carechain_runtime::{ContractError, RuntimeCosts};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use carechain_runtime::exec::{FrameError, FrameKind, FrameOutcome, FrameRequest};

use crate::engine::exec::Wasm;
use crate::engine::host_state::{HostState, TrapReason};
use crate::engine::memory::{
    charge, read, read_as, supervisor, write_output, Ctx, COPY_TO_CONTRACT, SENTINEL,
};

/// pallet-contracts-uapi's `CallFlags`.
mod flags {
    pub(super) const FORWARD_INPUT: u32 = 1;
    pub(super) const CLONE_INPUT: u32 = 1 << 1;
    pub(super) const TAIL_CALL: u32 = 1 << 2;
    pub(super) const ALLOW_REENTRY: u32 = 1 << 3;
    pub(super) const ALL: u32 = FORWARD_INPUT | CLONE_INPUT | TAIL_CALL | ALLOW_REENTRY;
}

/// What a `call` host function targets.
enum CallTarget {
    Contract {
        callee_ptr: u32,
        value_ptr: u32,
        deposit_ptr: u32,
    },
    Delegate {
        code_hash_ptr: u32,
    },
}

fn check_flags(bits: u32) -> wasmtime::Result<u32> {
    if bits & !flags::ALL != 0 {
        return Err(supervisor(ContractError::InvalidCallFlags));
    }
    Ok(bits)
}

/// Reads the optional storage deposit limit (`SENTINEL`: none, i.e. 0: all the caller
/// has left).
fn deposit_limit(c: &mut Ctx<'_>, deposit_ptr: u32) -> wasmtime::Result<u128> {
    if deposit_ptr == SENTINEL {
        return Ok(0);
    }
    read_as(c, deposit_ptr)
}

/// Runs `request` as a frame nested in this one; the gas it used is charged to this
/// frame's meter by the runtime.
fn run_nested(c: &mut Ctx<'_>, request: FrameRequest<'_>) -> wasmtime::Result<FrameOutcome> {
    let engine = Wasm(c.data().core.clone());
    c.data_mut()
        .ext()?
        .run_nested(&engine, request)
        .map_err(supervisor)
}

/// pallet-contracts' `exec_into_return_code`: a callee's failure is `CalleeTrapped`;
/// a failure before the callee ran is a code if it has one, else the caller traps.
fn return_code(result: &Result<bool, FrameError>) -> wasmtime::Result<u32> {
    match result {
        Ok(false) => Ok(ReturnCode::Success as u32),
        Ok(true) => Ok(ReturnCode::CalleeReverted as u32),
        Err(FrameError {
            in_callee: true, ..
        }) => Ok(ReturnCode::CalleeTrapped as u32),
        Err(FrameError { error, .. }) => match error {
            DispatchError::Module(ContractError::TransferFailed) => {
                Ok(ReturnCode::TransferFailed as u32)
            }
            DispatchError::Module(ContractError::CodeNotFound) => {
                Ok(ReturnCode::CodeNotFound as u32)
            }
            DispatchError::Module(ContractError::ContractNotFound) => {
                Ok(ReturnCode::NotCallable as u32)
            }
            other => Err(wasmtime::Error::new(TrapReason::Failed(*other))),
        },
    }
}

/// pallet-contracts' `Runtime::call`, charge for charge.
#[allow(clippy::too_many_arguments)]
fn call(
    c: &mut Ctx<'_>,
    flag_bits: u32,
    target: CallTarget,
    limit: Weight,
    input_ptr: u32,
    input_len: u32,
    out_ptr: u32,
    out_len_ptr: u32,
) -> wasmtime::Result<u32> {
    let bits = check_flags(flag_bits)?;
    charge(
        c,
        match target {
            CallTarget::Contract { .. } => RuntimeCosts::CallBase,
            CallTarget::Delegate { .. } => RuntimeCosts::DelegateCallBase,
        },
    )?;
    let input = if bits & flags::CLONE_INPUT != 0 {
        let input = c
            .data()
            .input
            .clone()
            .ok_or_else(|| supervisor(ContractError::InputForwarded))?;
        let len = u32::try_from(input.len()).unwrap_or(u32::MAX);
        charge(c, RuntimeCosts::CallInputCloned(len))?;
        input
    } else if bits & flags::FORWARD_INPUT != 0 {
        c.data_mut()
            .input
            .take()
            .ok_or_else(|| supervisor(ContractError::InputForwarded))?
    } else {
        charge(c, RuntimeCosts::CopyFromContract(input_len))?;
        read(c, input_ptr, input_len)?
    };
    let frame = c.data().frame.clone();
    let request = match target {
        CallTarget::Contract {
            callee_ptr,
            value_ptr,
            deposit_ptr,
        } => {
            let dest: AccountId = read_as(c, callee_ptr)?;
            let deposit_limit = deposit_limit(c, deposit_ptr)?;
            let value: u128 = read_as(c, value_ptr)?;
            if value > 0 {
                charge(c, RuntimeCosts::CallSurchargeTransfer)?;
            }
            FrameRequest {
                kind: FrameKind::Call { dest },
                caller: frame.address,
                value,
                input,
                gas: limit,
                deposit_limit,
            }
        }
        CallTarget::Delegate { code_hash_ptr } => {
            if bits & flags::ALLOW_REENTRY != 0 {
                return Err(supervisor(ContractError::InvalidCallFlags));
            }
            let code_hash: Hash = read_as(c, code_hash_ptr)?;
            FrameRequest {
                kind: FrameKind::Delegate {
                    code_hash,
                    account: frame.clone(),
                },
                caller: frame.caller,
                value: frame.value,
                input,
                gas: Weight::ZERO,
                deposit_limit: 0,
            }
        }
    };
    let reentry_target = match &request.kind {
        FrameKind::Call { dest } => Some(*dest),
        _ => None,
    };
    let outcome = match reentry_target {
        Some(dest) => {
            // As pallet-contracts: the caller's own frame forbids reentry for the
            // length of a call made without ALLOW_REENTRY, so direct recursion is
            // caught too.
            let stack = c.data_mut().stack()?;
            if let Some(top) = stack.top_mut() {
                top.allows_reentry = bits & flags::ALLOW_REENTRY != 0;
            }
            let allowed = stack.allows_reentry(&dest);
            let outcome = if allowed {
                Ok(run_nested(c, request)?)
            } else {
                Err(())
            };
            if let Some(top) = c.data_mut().stack()?.top_mut() {
                top.allows_reentry = true;
            }
            outcome.map_err(|()| supervisor(ContractError::ReentranceDenied))?
        }
        None => run_nested(c, request)?,
    };
    if bits & flags::TAIL_CALL != 0 {
        if let Ok(ret) = outcome.result {
            let flags = u32::from(ret.reverted);
            c.data_mut().output = Some((flags, ret.data));
            return Err(wasmtime::Error::new(TrapReason::Return));
        }
    }
    if let Ok(ret) = &outcome.result {
        write_output(c, out_ptr, out_len_ptr, &ret.data, true, COPY_TO_CONTRACT)?;
    }
    return_code(&outcome.result.map(|ret| ret.reverted))
}

/// pallet-contracts' `Runtime::instantiate`, charge for charge.
#[allow(clippy::too_many_arguments)]
fn instantiate(
    c: &mut Ctx<'_>,
    code_hash_ptr: u32,
    limit: Weight,
    deposit_ptr: u32,
    value_ptr: u32,
    input_ptr: u32,
    input_len: u32,
    address_ptr: u32,
    address_len_ptr: u32,
    out_ptr: u32,
    out_len_ptr: u32,
    salt_ptr: u32,
    salt_len: u32,
) -> wasmtime::Result<u32> {
    charge(
        c,
        RuntimeCosts::InstantiateBase {
            input_data_len: input_len,
            salt_len,
        },
    )?;
    let deposit_limit = deposit_limit(c, deposit_ptr)?;
    let value: u128 = read_as(c, value_ptr)?;
    if value > 0 {
        charge(c, RuntimeCosts::InstantiateSurchargeTransfer)?;
    }
    let code_hash: Hash = read_as(c, code_hash_ptr)?;
    let input = read(c, input_ptr, input_len)?;
    let salt = read(c, salt_ptr, salt_len)?;
    let deployer = c.data().frame.address;
    let request = FrameRequest {
        kind: FrameKind::Instantiate {
            code_hash,
            deployer,
            salt: &salt,
        },
        caller: deployer,
        value,
        input,
        gas: limit,
        deposit_limit,
    };
    let outcome = run_nested(c, request)?;
    if let Ok(ret) = &outcome.result {
        if !ret.reverted {
            let address = ret.instantiated.unwrap_or_default();
            write_output(
                c,
                address_ptr,
                address_len_ptr,
                &address.encode(),
                true,
                None,
            )?;
        }
        write_output(c, out_ptr, out_len_ptr, &ret.data, true, COPY_TO_CONTRACT)?;
    }
    return_code(&outcome.result.map(|ret| ret.reverted))
}

/// Registers `call`, `delegate_call` and `instantiate`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "call",
        |mut c: Ctx<'_>,
         callee: u32,
         _callee_len: u32,
         gas: u64,
         value: u32,
         _value_len: u32,
         input: u32,
         input_len: u32,
         out: u32,
         out_len: u32| {
            let target = CallTarget::Contract {
                callee_ptr: callee,
                value_ptr: value,
                deposit_ptr: SENTINEL,
            };
            let limit = Weight::new(gas, 0);
            call(
                &mut c,
                flags::ALLOW_REENTRY,
                target,
                limit,
                input,
                input_len,
                out,
                out_len,
            )
        },
    )?;
    def(
        linker,
        1,
        "call",
        |mut c: Ctx<'_>,
         flags: u32,
         callee: u32,
         gas: u64,
         value: u32,
         input: u32,
         input_len: u32,
         out: u32,
         out_len: u32| {
            let target = CallTarget::Contract {
                callee_ptr: callee,
                value_ptr: value,
                deposit_ptr: SENTINEL,
            };
            let limit = Weight::new(gas, 0);
            call(&mut c, flags, target, limit, input, input_len, out, out_len)
        },
    )?;
    def(
        linker,
        2,
        "call",
        |mut c: Ctx<'_>,
         flags: u32,
         callee: u32,
         ref_time: u64,
         proof_size: u64,
         deposit: u32,
         value: u32,
         input: u32,
         input_len: u32,
         out: u32,
         out_len: u32| {
            let target = CallTarget::Contract {
                callee_ptr: callee,
                value_ptr: value,
                deposit_ptr: deposit,
            };
            let limit = Weight::new(ref_time, proof_size);
            call(&mut c, flags, target, limit, input, input_len, out, out_len)
        },
    )?;
    def(
        linker,
        0,
        "delegate_call",
        |mut c: Ctx<'_>,
         flags: u32,
         code: u32,
         input: u32,
         input_len: u32,
         out: u32,
         out_len: u32| {
            let target = CallTarget::Delegate {
                code_hash_ptr: code,
            };
            call(
                &mut c,
                flags,
                target,
                Weight::ZERO,
                input,
                input_len,
                out,
                out_len,
            )
        },
    )?;
    def(
        linker,
        0,
        "instantiate",
        |mut c: Ctx<'_>,
         code: u32,
         _code_len: u32,
         gas: u64,
         value: u32,
         _value_len: u32,
         input: u32,
         input_len: u32,
         addr: u32,
         addr_len: u32,
         out: u32,
         out_len: u32,
         salt: u32,
         salt_len: u32| {
            let limit = Weight::new(gas, 0);
            instantiate(
                &mut c, code, limit, SENTINEL, value, input, input_len, addr, addr_len, out,
                out_len, salt, salt_len,
            )
        },
    )?;
    def(
        linker,
        1,
        "instantiate",
        |mut c: Ctx<'_>,
         code: u32,
         gas: u64,
         value: u32,
         input: u32,
         input_len: u32,
         addr: u32,
         addr_len: u32,
         out: u32,
         out_len: u32,
         salt: u32,
         salt_len: u32| {
            let limit = Weight::new(gas, 0);
            instantiate(
                &mut c, code, limit, SENTINEL, value, input, input_len, addr, addr_len, out,
                out_len, salt, salt_len,
            )
        },
    )?;
    def(
        linker,
        2,
        "instantiate",
        |mut c: Ctx<'_>,
         code: u32,
         ref_time: u64,
         proof_size: u64,
         deposit: u32,
         value: u32,
         input: u32,
         input_len: u32,
         addr: u32,
         addr_len: u32,
         out: u32,
         out_len: u32,
         salt: u32,
         salt_len: u32| {
            let limit = Weight::new(ref_time, proof_size);
            instantiate(
                &mut c, code, limit, deposit, value, input, input_len, addr, addr_len, out,
                out_len, salt, salt_len,
            )
        },
    )?;
    Ok(())
}
