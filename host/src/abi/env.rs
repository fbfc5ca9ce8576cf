//! Input, return, and what a contract may ask about its frame and block.

use carechain_runtime::{transfer_keep_alive, AccountId, StateExt, TransferError};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::vm::host_state::{HostState, TrapReason};
use crate::vm::memory::{
    charge, charge_host_call, read, read_array, supervisor, write_output, Ctx,
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
                .ok_or_else(|| supervisor("InputForwarded"))?;
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
        let address = c.data().frame.address;
        let ed = c.data().frame.minimum_balance;
        let info = c
            .data_mut()
            .state
            .get()
            .account(&address)
            .map_err(|_| supervisor("ContractTrapped"))?;
        output(&mut c, o, ol, info.balance.saturating_sub(ed))
    })?;
    def(linker, 0, "gas_left", |mut c: Ctx<'_>, o: u32, ol: u32| {
        charge_host_call(&mut c)?;
        let left =
            crate::vm::memory::fuel_left(&c)?.saturating_mul(c.data().schedule.ref_time_per_fuel);
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
        let cost = c.data().schedule.storage_read;
        charge(&mut c, cost)?;
        let who = AccountId(read_array::<32>(&mut c, account)?);
        let info = c
            .data_mut()
            .state
            .get()
            .contract_info(&who)
            .map_err(|_| supervisor("ContractTrapped"))?;
        Ok(u32::from(info.is_some()))
    })?;
    def(
        linker,
        0,
        "code_hash",
        |mut c: Ctx<'_>, account: u32, o: u32, ol: u32| {
            let cost = c.data().schedule.storage_read;
            charge(&mut c, cost)?;
            let who = AccountId(read_array::<32>(&mut c, account)?);
            match c
                .data_mut()
                .state
                .get()
                .contract_info(&who)
                .map_err(|_| supervisor("ContractTrapped"))?
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
            let cost = c.data().schedule.storage_write.saturating_mul(2);
            charge(&mut c, cost)?;
            let to = AccountId(read_array::<32>(&mut c, account)?);
            let value = u128::from_le_bytes(read_array::<16>(&mut c, value)?);
            let from = c.data().frame.address;
            let ed = c.data().frame.minimum_balance;
            // Contracts transfer keep-alive, as pallet-contracts does: a contract may not
            // spend itself below the minimum balance.
            match transfer_keep_alive(c.data_mut().state.get(), &from, &to, value, ed) {
                Ok(()) => Ok(ReturnCode::Success as u32),
                Err(TransferError::Dispatch(_)) => Ok(ReturnCode::TransferFailed as u32),
                Err(TransferError::State(_)) => Err(supervisor("ContractTrapped")),
            }
        },
    )?;
    Ok(())
}
