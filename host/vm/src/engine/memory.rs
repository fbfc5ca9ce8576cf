//! Moving bytes between a contract's linear memory and the host, bounds-checked, with
//! pallet-contracts' output-buffer rules, and charging gas from the frame's fuel.

use carechain_runtime::ContractError;
use carechain_runtime::{RuntimeCosts, Weight};
use wasmtime::{Caller, Trap};

use super::host_state::{HostState, TrapReason};

/// pallet-contracts' `SENTINEL`: "no value" as a length, and "don't copy" as a pointer.
pub(crate) const SENTINEL: u32 = u32::MAX;

pub(crate) type Ctx<'a> = Caller<'a, HostState>;

pub(crate) fn supervisor(error: ContractError) -> wasmtime::Error {
    wasmtime::Error::new(TrapReason::Supervisor(error))
}

fn out_of_gas() -> wasmtime::Error {
    wasmtime::Error::new(Trap::OutOfFuel)
}

/// The frame's fuel left; in an unmetered (benchmark) VM, a fixed, ample figure.
pub(crate) fn fuel_left(c: &Ctx<'_>) -> wasmtime::Result<u64> {
    if c.data().core.metered {
        c.get_fuel()
    } else {
        Ok(UNMETERED_FUEL)
    }
}

/// Sets the frame's fuel (nothing to set in an unmetered VM).
pub(crate) fn set_fuel_left(c: &mut Ctx<'_>, fuel: u64) -> wasmtime::Result<()> {
    if c.data().core.metered {
        c.set_fuel(fuel)?;
    }
    Ok(())
}

/// What an unmetered VM reports as fuel left.
pub(crate) const UNMETERED_FUEL: u64 = u64::MAX / 4;

/// Charges `weight`: its ref_time from the engine's fuel, its proof size from the frame.
pub(crate) fn charge(c: &mut Ctx<'_>, weight: Weight) -> wasmtime::Result<()> {
    let per_fuel = c.data().schedule.ref_time_per_fuel.max(1);
    let fuel = weight.ref_time.div_ceil(per_fuel);
    let left = fuel_left(c)?;
    if fuel > left {
        set_fuel_left(c, 0)?;
        return Err(out_of_gas());
    }
    set_fuel_left(c, left - fuel)?;
    let frame = c.data_mut();
    match frame.proof_size_left.checked_sub(weight.proof_size) {
        Some(left) => {
            frame.proof_size_left = left;
            Ok(())
        }
        None => {
            frame.proof_size_left = 0;
            Err(out_of_gas())
        }
    }
}

/// Charges what the schedule prices `cost` at: every host function's price goes
/// through here.
pub(crate) fn charge_cost(c: &mut Ctx<'_>, cost: RuntimeCosts) -> wasmtime::Result<()> {
    let weight = c.data().schedule.cost(cost);
    charge(c, weight)
}

/// Charges the flat cost of one host function call.
pub(crate) fn charge_host_call(c: &mut Ctx<'_>) -> wasmtime::Result<()> {
    charge_cost(c, RuntimeCosts::HostCall)
}

/// Charges the cost of moving `len` bytes.
fn charge_bytes(c: &mut Ctx<'_>, len: usize) -> wasmtime::Result<()> {
    charge_cost(c, RuntimeCosts::CopyBytes(len as u64))
}

fn memory(c: &Ctx<'_>) -> wasmtime::Result<wasmtime::Memory> {
    c.data()
        .memory
        .ok_or_else(|| supervisor(ContractError::ContractTrapped))
}

/// Copies `len` bytes at `ptr` out of contract memory.
pub(crate) fn read(c: &mut Ctx<'_>, ptr: u32, len: u32) -> wasmtime::Result<Vec<u8>> {
    charge_bytes(c, len as usize)?;
    let mem = memory(c)?;
    let start = ptr as usize;
    let end = start
        .checked_add(len as usize)
        .ok_or_else(|| supervisor(ContractError::OutOfBounds))?;
    mem.data(&*c)
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| supervisor(ContractError::OutOfBounds))
}

/// Reads exactly `N` bytes at `ptr`.
pub(crate) fn read_array<const N: usize>(c: &mut Ctx<'_>, ptr: u32) -> wasmtime::Result<[u8; N]> {
    let bytes = read(c, ptr, N as u32)?;
    bytes
        .try_into()
        .map_err(|_| supervisor(ContractError::OutOfBounds))
}

/// Copies `data` into contract memory at `ptr`.
pub(crate) fn write(c: &mut Ctx<'_>, ptr: u32, data: &[u8]) -> wasmtime::Result<()> {
    charge_bytes(c, data.len())?;
    let mem = memory(c)?;
    let start = ptr as usize;
    let end = start
        .checked_add(data.len())
        .ok_or_else(|| supervisor(ContractError::OutOfBounds))?;
    let target = mem
        .data_mut(&mut *c)
        .get_mut(start..end)
        .ok_or_else(|| supervisor(ContractError::OutOfBounds))?;
    target.copy_from_slice(data);
    Ok(())
}

/// pallet-contracts' `write_sandbox_output`: `out_len_ptr` holds the buffer's capacity;
/// a smaller capacity than `data` traps with `OutputBufferTooSmall`; otherwise the
/// data and then its length are written. With `allow_skip`, an `out_ptr` of
/// [`SENTINEL`] means "don't copy".
pub(crate) fn write_output(
    c: &mut Ctx<'_>,
    out_ptr: u32,
    out_len_ptr: u32,
    data: &[u8],
    allow_skip: bool,
) -> wasmtime::Result<()> {
    if allow_skip && out_ptr == SENTINEL {
        return Ok(());
    }
    let capacity = u32::from_le_bytes(read_array::<4>(c, out_len_ptr)?);
    let len =
        u32::try_from(data.len()).map_err(|_| supervisor(ContractError::OutputBufferTooSmall))?;
    if len > capacity {
        return Err(supervisor(ContractError::OutputBufferTooSmall));
    }
    write(c, out_ptr, data)?;
    write(c, out_len_ptr, &len.to_le_bytes())
}
