//! Moving bytes between a contract's linear memory and the host, with pallet-contracts'
//! bounds, decoding and output-buffer rules, and charging gas to the frame's meter.
//!
//! The readers follow the pallet call by call: [`read`] and [`read_into`] are its
//! `read_sandbox_memory(_into_buf)` (out of bounds: `OutOfBounds`); [`read_as`] is
//! `read_sandbox_memory_as`, which decodes a fixed-size value from everything after
//! `ptr` (a value that straddles the end: `DecodingFailed`); [`read_as_unbounded`]
//! decodes exactly `len` bytes (`decode_all`: trailing bytes are `DecodingFailed`).
//! None of them charges: each host function charges first, as on the pallet.

use carechain_runtime::{Charged, ContractError, RuntimeCosts};
use parity_scale_codec::{Decode, DecodeLimit};
use wasmtime::Caller;

use super::host_state::{HostState, TrapReason};

/// pallet-contracts' `SENTINEL`: "no value" as a length, and "don't copy" as a pointer.
pub(crate) const SENTINEL: u32 = u32::MAX;

/// pallet-contracts' `MAX_DECODE_NESTING`.
const MAX_DECODE_NESTING: u32 = 256;

pub(crate) type Ctx<'a> = Caller<'a, HostState>;

pub(crate) fn supervisor(error: ContractError) -> wasmtime::Error {
    wasmtime::Error::new(TrapReason::Supervisor(error))
}

/// Charges `cost` to the running frame's meter (pallet-contracts' `charge_gas`).
pub(crate) fn charge(c: &mut Ctx<'_>, cost: RuntimeCosts) -> wasmtime::Result<()> {
    charge_upfront(c, cost).map(|_| ())
}

/// Charges `cost`, an upper bound, to be [`adjust`]ed once the real cost is known.
pub(crate) fn charge_upfront(c: &mut Ctx<'_>, cost: RuntimeCosts) -> wasmtime::Result<Charged> {
    c.data_mut().ext()?.charge(cost).map_err(supervisor)
}

/// Refunds what `charged` exceeded `actual` (pallet-contracts' `adjust_gas`).
pub(crate) fn adjust(
    c: &mut Ctx<'_>,
    charged: Charged,
    actual: RuntimeCosts,
) -> wasmtime::Result<()> {
    c.data_mut().ext()?.adjust(charged, actual);
    Ok(())
}

fn memory(c: &Ctx<'_>) -> wasmtime::Result<wasmtime::Memory> {
    c.data()
        .memory
        .ok_or_else(|| supervisor(ContractError::ContractTrapped))
}

/// Copies `len` bytes at `ptr` out of contract memory.
pub(crate) fn read(c: &mut Ctx<'_>, ptr: u32, len: u32) -> wasmtime::Result<Vec<u8>> {
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

/// Reads exactly `N` bytes at `ptr` (`read_sandbox_memory_into_buf`).
pub(crate) fn read_into<const N: usize>(c: &mut Ctx<'_>, ptr: u32) -> wasmtime::Result<[u8; N]> {
    let bytes = read(c, ptr, N as u32)?;
    bytes
        .try_into()
        .map_err(|_| supervisor(ContractError::OutOfBounds))
}

/// Decodes a fixed-size `T` at `ptr` from the rest of memory (`read_sandbox_memory_as`).
pub(crate) fn read_as<T: Decode>(c: &mut Ctx<'_>, ptr: u32) -> wasmtime::Result<T> {
    let mem = memory(c)?;
    let mut rest = mem
        .data(&*c)
        .get(ptr as usize..)
        .ok_or_else(|| supervisor(ContractError::OutOfBounds))?;
    T::decode_with_depth_limit(MAX_DECODE_NESTING, &mut rest)
        .map_err(|_| supervisor(ContractError::DecodingFailed))
}

/// Decodes a `T` from exactly the `len` bytes at `ptr` (`read_sandbox_memory_as_unbounded`).
pub(crate) fn read_as_unbounded<T: Decode>(
    c: &mut Ctx<'_>,
    ptr: u32,
    len: u32,
) -> wasmtime::Result<T> {
    let bytes = read(c, ptr, len)?;
    T::decode_all_with_depth_limit(MAX_DECODE_NESTING, &mut bytes.as_slice())
        .map_err(|_| supervisor(ContractError::DecodingFailed))
}

/// Copies `data` into contract memory at `ptr` (`write_sandbox_memory`).
pub(crate) fn write(c: &mut Ctx<'_>, ptr: u32, data: &[u8]) -> wasmtime::Result<()> {
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
/// a smaller capacity than `data` traps with `OutputBufferTooSmall`; otherwise `cost`
/// (of the bytes copied) is charged, if any, and the data and then its length are
/// written. With `allow_skip`, an `out_ptr` of [`SENTINEL`] means "don't copy".
pub(crate) fn write_output(
    c: &mut Ctx<'_>,
    out_ptr: u32,
    out_len_ptr: u32,
    data: &[u8],
    allow_skip: bool,
    cost: Option<fn(u32) -> RuntimeCosts>,
) -> wasmtime::Result<()> {
    if allow_skip && out_ptr == SENTINEL {
        return Ok(());
    }
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let capacity: u32 = read_as(c, out_len_ptr)?;
    if capacity < len {
        return Err(supervisor(ContractError::OutputBufferTooSmall));
    }
    if let Some(cost) = cost {
        charge(c, cost(len))?;
    }
    write(c, out_ptr, data)?;
    write(c, out_len_ptr, &len.to_le_bytes())
}

/// The per-byte cost of copying output to a contract (`RuntimeCosts::CopyToContract`).
pub(crate) const COPY_TO_CONTRACT: Option<fn(u32) -> RuntimeCosts> =
    Some(RuntimeCosts::CopyToContract);
