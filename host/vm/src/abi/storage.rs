//! Contract storage: `get`, `set`, `clear`, `contains`, `take`, every version.
//!
//! Keys are the contract's own bytes (at most the schedule's key length) under its
//! trie id (its instance's namespace); values are at most the schedule's payload length. Version 0
//! functions take fixed 32-byte keys.

use carechain_runtime::{ContractError, RuntimeCosts};
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::HostState;
use crate::engine::memory::{charge_cost, read, supervisor, write_output, Ctx, SENTINEL};

/// Reads a key: `Some(len)` for a variable key, `None` for version 0's fixed 32 bytes.
fn key(c: &mut Ctx<'_>, ptr: u32, len: Option<u32>) -> wasmtime::Result<Vec<u8>> {
    let len = len.unwrap_or(32);
    if len > c.data().schedule.max_storage_key_len {
        return Err(supervisor(ContractError::DecodingFailed));
    }
    read(c, ptr, len)
}

fn get(c: &mut Ctx<'_>, key: &[u8]) -> wasmtime::Result<Option<Vec<u8>>> {
    charge_cost(c, RuntimeCosts::StorageRead)?;
    let value = c
        .data_mut()
        .ext()?
        .get_storage(key)
        .map_err(|_| supervisor(ContractError::ContractTrapped))?;
    if let Some(v) = &value {
        charge_cost(c, RuntimeCosts::ReadValue(v.len() as u64))?;
    }
    Ok(value)
}

fn len_or_sentinel(value: Option<Vec<u8>>) -> u32 {
    value.map_or(SENTINEL, |v| u32::try_from(v.len()).unwrap_or(SENTINEL))
}

fn set(
    c: &mut Ctx<'_>,
    key_ptr: u32,
    key_len: Option<u32>,
    value_ptr: u32,
    value_len: u32,
) -> wasmtime::Result<u32> {
    if value_len > c.data().schedule.payload_len {
        return Err(supervisor(ContractError::ValueTooLarge));
    }
    let key = key(c, key_ptr, key_len)?;
    let value = read(c, value_ptr, value_len)?;
    let old = get(c, &key)?;
    charge_cost(c, RuntimeCosts::StorageWrites(1))?;
    c.data_mut().ext()?.set_storage(&key, value);
    Ok(len_or_sentinel(old))
}

fn clear(c: &mut Ctx<'_>, key_ptr: u32, key_len: Option<u32>) -> wasmtime::Result<u32> {
    let key = key(c, key_ptr, key_len)?;
    let old = get(c, &key)?;
    charge_cost(c, RuntimeCosts::StorageWrites(1))?;
    c.data_mut().ext()?.clear_storage(&key);
    Ok(len_or_sentinel(old))
}

fn contains(c: &mut Ctx<'_>, key_ptr: u32, key_len: Option<u32>) -> wasmtime::Result<u32> {
    let key = key(c, key_ptr, key_len)?;
    Ok(len_or_sentinel(get(c, &key)?))
}

fn get_into(
    c: &mut Ctx<'_>,
    key_ptr: u32,
    key_len: Option<u32>,
    out_ptr: u32,
    out_len_ptr: u32,
) -> wasmtime::Result<u32> {
    let key = key(c, key_ptr, key_len)?;
    match get(c, &key)? {
        None => Ok(ReturnCode::KeyNotFound as u32),
        Some(value) => {
            write_output(c, out_ptr, out_len_ptr, &value, false)?;
            Ok(ReturnCode::Success as u32)
        }
    }
}

/// Registers the storage functions.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "set_storage",
        |mut c: Ctx<'_>, k: u32, v: u32, l: u32| set(&mut c, k, None, v, l).map(|_| ()),
    )?;
    def(
        linker,
        1,
        "set_storage",
        |mut c: Ctx<'_>, k: u32, v: u32, l: u32| set(&mut c, k, None, v, l),
    )?;
    def(
        linker,
        2,
        "set_storage",
        |mut c: Ctx<'_>, k: u32, kl: u32, v: u32, l: u32| set(&mut c, k, Some(kl), v, l),
    )?;
    def(linker, 0, "clear_storage", |mut c: Ctx<'_>, k: u32| {
        clear(&mut c, k, None).map(|_| ())
    })?;
    def(
        linker,
        1,
        "clear_storage",
        |mut c: Ctx<'_>, k: u32, kl: u32| clear(&mut c, k, Some(kl)),
    )?;
    def(linker, 0, "contains_storage", |mut c: Ctx<'_>, k: u32| {
        contains(&mut c, k, None)
    })?;
    def(
        linker,
        1,
        "contains_storage",
        |mut c: Ctx<'_>, k: u32, kl: u32| contains(&mut c, k, Some(kl)),
    )?;
    def(
        linker,
        0,
        "get_storage",
        |mut c: Ctx<'_>, k: u32, o: u32, ol: u32| get_into(&mut c, k, None, o, ol),
    )?;
    def(
        linker,
        1,
        "get_storage",
        |mut c: Ctx<'_>, k: u32, kl: u32, o: u32, ol: u32| get_into(&mut c, k, Some(kl), o, ol),
    )?;
    def(
        linker,
        0,
        "take_storage",
        |mut c: Ctx<'_>, k: u32, kl: u32, o: u32, ol: u32| {
            let key = key(&mut c, k, Some(kl))?;
            match get(&mut c, &key)? {
                None => Ok(ReturnCode::KeyNotFound as u32),
                Some(value) => {
                    charge_cost(&mut c, RuntimeCosts::StorageWrites(1))?;
                    c.data_mut().ext()?.clear_storage(&key);
                    write_output(&mut c, o, ol, &value, false)?;
                    Ok(ReturnCode::Success as u32)
                }
            }
        },
    )?;
    Ok(())
}
