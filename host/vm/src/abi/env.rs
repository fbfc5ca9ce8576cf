//! Input, return, and what a contract may ask about its frame and block.

use carechain_runtime::{AccountId, TransferError};
use carechain_runtime::{ContractError, RuntimeCosts};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::{HostState, TrapReason};
use crate::engine::memory::{
    charge, read, read_as, supervisor, write_output, Ctx, COPY_TO_CONTRACT,
};

/// Charges `cost` and writes a SCALE-encoded frame fact to the contract's output
/// buffer (its copy is part of the host function's price).
fn output<T: Encode>(
    c: &mut Ctx<'_>,
    cost: RuntimeCosts,
    out_ptr: u32,
    out_len_ptr: u32,
    value: T,
) -> wasmtime::Result<()> {
    charge(c, cost)?;
    write_output(c, out_ptr, out_len_ptr, &value.encode(), false, None)
}

/// Registers the frame and block functions.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "input",
        |mut c: Ctx<'_>, out: u32, out_len: u32| {
            // Readable any number of times, until FORWARD_INPUT hands it to a callee.
            charge(&mut c, RuntimeCosts::InputBase)?;
            let input = c
                .data_mut()
                .input
                .take()
                .ok_or_else(|| supervisor(ContractError::InputForwarded))?;
            let written = write_output(&mut c, out, out_len, &input, false, COPY_TO_CONTRACT);
            c.data_mut().input = Some(input);
            written
        },
    )?;
    def(
        linker,
        0,
        "seal_return",
        |mut c: Ctx<'_>, flags: u32, ptr: u32, len: u32| -> wasmtime::Result<()> {
            charge(&mut c, RuntimeCosts::Return(len))?;
            let data = read(&mut c, ptr, len)?;
            c.data_mut().output = Some((flags, data));
            Err(wasmtime::Error::new(TrapReason::Return))
        },
    )?;
    def(linker, 0, "caller", |mut c: Ctx<'_>, o: u32, ol: u32| {
        let v = c.data().frame.caller;
        output(&mut c, RuntimeCosts::Caller, o, ol, v)
    })?;
    def(linker, 0, "address", |mut c: Ctx<'_>, o: u32, ol: u32| {
        let v = c.data().frame.address;
        output(&mut c, RuntimeCosts::Address, o, ol, v)
    })?;
    def(
        linker,
        0,
        "value_transferred",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            let v = c.data().frame.value;
            output(&mut c, RuntimeCosts::ValueTransferred, o, ol, v)
        },
    )?;
    def(
        linker,
        0,
        "minimum_balance",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            let v = c.data().frame.minimum_balance;
            output(&mut c, RuntimeCosts::MinimumBalance, o, ol, v)
        },
    )?;
    def(
        linker,
        0,
        "block_number",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            // pallet-contracts' block number is a u32 on ink!'s default environment.
            let v = u32::try_from(c.data().frame.block_number).unwrap_or(u32::MAX);
            output(&mut c, RuntimeCosts::BlockNumber, o, ol, v)
        },
    )?;
    def(linker, 0, "now", |mut c: Ctx<'_>, o: u32, ol: u32| {
        let v = c.data().frame.timestamp;
        output(&mut c, RuntimeCosts::Now, o, ol, v)
    })?;
    def(linker, 0, "balance", |mut c: Ctx<'_>, o: u32, ol: u32| {
        // What the contract can spend and stay alive (pallet-contracts'
        // `reducible_balance` with `Preserve`): its balance above the minimum.
        charge(&mut c, RuntimeCosts::Balance)?;
        let ed = c.data().frame.minimum_balance;
        let balance = c
            .data_mut()
            .ext()?
            .balance()
            .map_err(|_| supervisor(ContractError::ContractTrapped))?;
        let v = balance.saturating_sub(ed);
        write_output(&mut c, o, ol, &v.encode(), false, None)
    })?;
    def(linker, 0, "gas_left", |mut c: Ctx<'_>, o: u32, ol: u32| {
        charge(&mut c, RuntimeCosts::GasLeft)?;
        let left = c.data_mut().ext()?.gas().map_err(supervisor)?.gas_left();
        write_output(&mut c, o, ol, &left.ref_time.encode(), false, None)
    })?;
    def(linker, 0, "caller_is_origin", |mut c: Ctx<'_>| {
        charge(&mut c, RuntimeCosts::CallerIsOrigin)?;
        let caller = c.data().frame.caller;
        Ok(u32::from(c.data_mut().stack()?.origin == caller))
    })?;
    def(linker, 0, "caller_is_root", |mut c: Ctx<'_>| {
        charge(&mut c, RuntimeCosts::CallerIsRoot)?;
        Ok(0u32)
    })?;
    def(
        linker,
        0,
        "own_code_hash",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            let v = c.data().frame.code_hash;
            output(&mut c, RuntimeCosts::OwnCodeHash, o, ol, v)
        },
    )?;
    def(linker, 0, "is_contract", |mut c: Ctx<'_>, account: u32| {
        charge(&mut c, RuntimeCosts::IsContract)?;
        let who: AccountId = read_as(&mut c, account)?;
        let info = c
            .data_mut()
            .ext()?
            .contract_info_of(&who)
            .map_err(|_| supervisor(ContractError::ContractTrapped))?;
        Ok(u32::from(info.is_some()))
    })?;
    def(
        linker,
        0,
        "code_hash",
        |mut c: Ctx<'_>, account: u32, o: u32, ol: u32| {
            charge(&mut c, RuntimeCosts::CodeHash)?;
            let who: AccountId = read_as(&mut c, account)?;
            match c
                .data_mut()
                .ext()?
                .contract_info_of(&who)
                .map_err(|_| supervisor(ContractError::ContractTrapped))?
            {
                Some(info) => {
                    write_output(&mut c, o, ol, &info.code_hash.0, false, None)?;
                    Ok(ReturnCode::Success as u32)
                }
                None => Ok(ReturnCode::KeyNotFound as u32),
            }
        },
    )?;
    def(
        linker,
        0,
        "transfer",
        |mut c: Ctx<'_>, account: u32, _account_len: u32, value: u32, _value_len: u32| {
            charge(&mut c, RuntimeCosts::Transfer)?;
            let to: AccountId = read_as(&mut c, account)?;
            let value: u128 = read_as(&mut c, value)?;
            match c.data_mut().ext()?.transfer(&to, value) {
                Ok(()) => Ok(ReturnCode::Success as u32),
                Err(TransferError::Dispatch(_)) => Ok(ReturnCode::TransferFailed as u32),
                Err(TransferError::State(_)) => Err(supervisor(ContractError::ContractTrapped)),
            }
        },
    )?;
    Ok(())
}
