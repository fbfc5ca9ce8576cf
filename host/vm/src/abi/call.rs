//! Cross-contract calls: `call` (all versions), `delegate_call` and `instantiate` (all
//! versions), with pallet-contracts' flags, gas forwarding, output rules and return
//! codes (`Runtime::call`, `Runtime::instantiate` and `exec_into_return_code`).

use carechain_runtime::{AccountId, DispatchError, Hash, Weight};
use carechain_runtime::{ContractError, RuntimeCosts};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use carechain_runtime::exec::{run_frame, FrameError, FrameKind, FrameOutcome, FrameRequest};

use crate::engine::exec::Wasm;
use crate::engine::host_state::{HostState, TrapReason};
use crate::engine::memory::{
    charge_cost, fuel_left, read, read_array, set_fuel_left, supervisor, write_output, Ctx,
    SENTINEL,
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

/// Reads the optional storage deposit limit (accepted and ignored: Carechain charges
/// no storage deposit).
fn skip_deposit(c: &mut Ctx<'_>, deposit_ptr: u32) -> wasmtime::Result<()> {
    if deposit_ptr != SENTINEL {
        read_array::<16>(c, deposit_ptr)?;
    }
    Ok(())
}

/// The caller's gas still available, as a weight.
fn gas_left(c: &Ctx<'_>) -> wasmtime::Result<Weight> {
    let per_fuel = c.data().schedule.ref_time_per_fuel.max(1);
    Ok(Weight::new(
        fuel_left(c)?.saturating_mul(per_fuel),
        c.data().proof_size_left,
    ))
}

/// pallet-contracts' `GasMeter::nested`: a zero limit in a dimension means all that
/// is left; any limit is capped at what is left.
fn nested_limit(limit: Weight, left: Weight) -> Weight {
    let pick = |asked: u64, left: u64| if asked == 0 { left } else { asked.min(left) };
    Weight::new(
        pick(limit.ref_time, left.ref_time),
        pick(limit.proof_size, left.proof_size),
    )
}

/// Runs `request` as a nested frame and charges what it used to the caller.
fn run_nested(c: &mut Ctx<'_>, request: FrameRequest<'_>) -> wasmtime::Result<FrameOutcome> {
    let core = c.data().core.clone();
    let mut stack = c
        .data_mut()
        .stack
        .take()
        .ok_or_else(|| wasmtime::Error::msg("call stack lent twice"))?;
    let outcome = run_frame(&Wasm(core), &mut stack, c.data_mut().state.get(), request);
    c.data_mut().stack = Some(stack);
    let per_fuel = c.data().schedule.ref_time_per_fuel.max(1);
    let fuel = fuel_left(c)?;
    set_fuel_left(c, fuel.saturating_sub(outcome.gas_used.ref_time / per_fuel))?;
    let data = c.data_mut();
    data.proof_size_left = data
        .proof_size_left
        .saturating_sub(outcome.gas_used.proof_size);
    Ok(outcome)
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
    charge_cost(c, RuntimeCosts::CallBase)?;
    let bits = check_flags(flag_bits)?;
    let input = if bits & flags::CLONE_INPUT != 0 {
        let input = c
            .data()
            .input
            .clone()
            .ok_or_else(|| supervisor(ContractError::InputForwarded))?;
        charge_cost(c, RuntimeCosts::CopyBytes(input.len() as u64))?;
        input
    } else if bits & flags::FORWARD_INPUT != 0 {
        c.data_mut()
            .input
            .take()
            .ok_or_else(|| supervisor(ContractError::InputForwarded))?
    } else {
        read(c, input_ptr, input_len)?
    };
    let frame = c.data().frame.clone();
    let request = match target {
        CallTarget::Contract {
            callee_ptr,
            value_ptr,
            deposit_ptr,
        } => {
            let dest = AccountId(read_array::<32>(c, callee_ptr)?);
            skip_deposit(c, deposit_ptr)?;
            let value = u128::from_le_bytes(read_array::<16>(c, value_ptr)?);
            FrameRequest {
                kind: FrameKind::Call { dest },
                caller: frame.address,
                value,
                input,
                gas: nested_limit(limit, gas_left(c)?),
            }
        }
        CallTarget::Delegate { code_hash_ptr } => {
            if bits & flags::ALLOW_REENTRY != 0 {
                return Err(supervisor(ContractError::InvalidCallFlags));
            }
            let code_hash = Hash(read_array::<32>(c, code_hash_ptr)?);
            FrameRequest {
                kind: FrameKind::Delegate {
                    code_hash,
                    account: frame.clone(),
                },
                caller: frame.caller,
                value: frame.value,
                input,
                gas: gas_left(c)?,
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
        write_output(c, out_ptr, out_len_ptr, &ret.data, true)?;
    }
    return_code(&outcome.result.map(|ret| ret.reverted))
}

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
    charge_cost(c, RuntimeCosts::CallBase)?;
    skip_deposit(c, deposit_ptr)?;
    let value = u128::from_le_bytes(read_array::<16>(c, value_ptr)?);
    let code_hash = Hash(read_array::<32>(c, code_hash_ptr)?);
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
        gas: nested_limit(limit, gas_left(c)?),
    };
    let outcome = run_nested(c, request)?;
    if let Ok(ret) = &outcome.result {
        if !ret.reverted {
            let address = ret.instantiated.unwrap_or_default();
            write_output(c, address_ptr, address_len_ptr, &address.encode(), true)?;
        }
        write_output(c, out_ptr, out_len_ptr, &ret.data, true)?;
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
