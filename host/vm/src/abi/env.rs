//! Input, return, and what a contract may ask about its frame and block.

use carechain_runtime::{AccountId, TransferError};
use carechain_runtime::{ContractError, RuntimeCosts};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::{HostState, TrapReason};
use crate::engine::memory::{
    charge_cost, charge_host_call, read, read_array, supervisor, write_output, Ctx,
};

/// Writes a SCALE-encoded frame fact to the contract's output buffer.
fn output<T: Encode>(
    c: &mut Ctx<'_>,
    out_ptr: u32,
    out_len_ptr: u32,
    value: T,
) -> wasmtime::Result<()> {
    charge_host_call(c)?;
    write_output(c, out_ptr, out_len_ptr, &value.encode(), false)
}

/// Registers the frame and block functions.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "input",
        |mut c: Ctx<'_>, out: u32, out_len: u32| {
            // Readable any number of times, until FORWARD_INPUT hands it to a callee.
            charge_host_call(&mut c)?;
            let input = c
                .data_mut()
                .input
                .take()
                .ok_or_else(|| supervisor(ContractError::InputForwarded))?;
            let written = write_output(&mut c, out, out_len, &input, false);
            c.data_mut().input = Some(input);
            written
        },
    )?;
    def(
        linker,
        0,
        "seal_return",
        |mut c: Ctx<'_>, flags: u32, ptr: u32, len: u32| -> wasmtime::Result<()> {
            let data = read(&mut c, ptr, len)?;
            c.data_mut().output = Some((flags, data));
            Err(wasmtime::Error::new(TrapReason::Return))
        },
    )?;
    def(linker, 0, "caller", |mut c: Ctx<'_>, o: u32, ol: u32| {
        let v = c.data().frame.caller;
        output(&mut c, o, ol, v)
    })?;
    def(linker, 0, "address", |mut c: Ctx<'_>, o: u32, ol: u32| {
        let v = c.data().frame.address;
        output(&mut c, o, ol, v)
    })?;
    def(
        linker,
        0,
        "value_transferred",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            let v = c.data().frame.value;
            output(&mut c, o, ol, v)
        },
    )?;
    def(
        linker,
        0,
        "minimum_balance",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            let v = c.data().frame.minimum_balance;
            output(&mut c, o, ol, v)
        },
    )?;
    def(
        linker,
        0,
        "block_number",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            // pallet-contracts' block number is a u32 on ink!'s default environment.
            let v = u32::try_from(c.data().frame.block_number).unwrap_or(u32::MAX);
            output(&mut c, o, ol, v)
        },
    )?;
    def(linker, 0, "now", |mut c: Ctx<'_>, o: u32, ol: u32| {
        let v = c.data().frame.timestamp;
        output(&mut c, o, ol, v)
    })?;
    def(linker, 0, "balance", |mut c: Ctx<'_>, o: u32, ol: u32| {
        // What the contract can spend and stay alive (pallet-contracts'
        // `reducible_balance` with `Preserve`): its balance above the minimum.
        let ed = c.data().frame.minimum_balance;
        let balance = c
            .data_mut()
            .ext()?
            .balance()
            .map_err(|_| supervisor(ContractError::ContractTrapped))?;
        output(&mut c, o, ol, balance.saturating_sub(ed))
    })?;
    def(linker, 0, "gas_left", |mut c: Ctx<'_>, o: u32, ol: u32| {
        charge_host_call(&mut c)?;
        let left = crate::engine::memory::fuel_left(&c)?
            .saturating_mul(c.data().schedule.ref_time_per_fuel);
        write_output(&mut c, o, ol, &left.encode(), false)
    })?;
    def(linker, 0, "caller_is_origin", |mut c: Ctx<'_>| {
        charge_host_call(&mut c)?;
        let caller = c.data().frame.caller;
        Ok(u32::from(c.data_mut().stack()?.origin == caller))
    })?;
    def(linker, 0, "caller_is_root", |mut c: Ctx<'_>| {
        charge_host_call(&mut c)?;
        Ok(0u32)
    })?;
    def(
        linker,
        0,
        "own_code_hash",
        |mut c: Ctx<'_>, o: u32, ol: u32| {
            let v = c.data().frame.code_hash;
            output(&mut c, o, ol, v)
        },
    )?;
    def(linker, 0, "is_contract", |mut c: Ctx<'_>, account: u32| {
        charge_cost(&mut c, RuntimeCosts::StorageRead)?;
        let who = AccountId(read_array::<32>(&mut c, account)?);
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
            charge_cost(&mut c, RuntimeCosts::StorageRead)?;
            let who = AccountId(read_array::<32>(&mut c, account)?);
            match c
                .data_mut()
                .ext()?
                .contract_info_of(&who)
                .map_err(|_| supervisor(ContractError::ContractTrapped))?
            {
                Some(info) => {
                    write_output(&mut c, o, ol, &info.code_hash.0, false)?;
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
            charge_cost(&mut c, RuntimeCosts::StorageWrites(2))?;
            let to = AccountId(read_array::<32>(&mut c, account)?);
            let value = u128::from_le_bytes(read_array::<16>(&mut c, value)?);
            match c.data_mut().ext()?.transfer(&to, value) {
                Ok(()) => Ok(ReturnCode::Success as u32),
                Err(TransferError::Dispatch(_)) => Ok(ReturnCode::TransferFailed as u32),
                Err(TransferError::State(_)) => Err(supervisor(ContractError::ContractTrapped)),
            }
        },
    )?;
    Ok(())
}
