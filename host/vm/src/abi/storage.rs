//! Contract storage: `get`, `set`, `clear`, `contains`, `take`, every version, charged
//! as pallet-contracts 31 charges them: the price of the largest value up front, then
//! adjusted to the real sizes once they are known.
//!
//! Keys are the contract's own bytes (at most the schedule's key length) under its
//! trie id (its instance's namespace); values are at most the schedule's payload length. Version 0
//! functions take fixed 32-byte keys, kept apart from variable keys as on the pallet.

use carechain_runtime::{ContractError, RuntimeCosts};
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::HostState;
use crate::engine::memory::{
    adjust, charge_upfront, read, supervisor, write_output, Ctx, SENTINEL,
};

/// How long the stored form of a version-0 fixed key is: longer than any variable key
/// may be, so the two kinds never meet.
const FIXED_KEY_STORED_LEN: usize = 256;

/// Reads a key: `Some(len)` for a variable key, `None` for version 0's fixed 32 bytes
/// (pallet-contracts' `decode_key`). The pallet keeps the kinds apart (`Key::Fix` is
/// stored under `blake2_256(key)`, `Key::Var` under `blake2_128_concat(key)`), so the
/// same 32 bytes through `seal0` and `seal1` are two entries; here a fixed key is
/// stored zero-padded to [`FIXED_KEY_STORED_LEN`] bytes, a length no variable key can
/// have, and variable keys stay as they are.
fn key(c: &mut Ctx<'_>, ptr: u32, len: Option<u32>) -> wasmtime::Result<Vec<u8>> {
    match len {
        Some(len) => {
            if len > c.data().schedule.max_storage_key_len {
                return Err(supervisor(ContractError::DecodingFailed));
            }
            read(c, ptr, len)
        }
        None => {
            let fixed = read(c, ptr, 32)?;
            let mut stored = vec![0u8; FIXED_KEY_STORED_LEN - fixed.len()];
            stored.extend(fixed);
            Ok(stored)
        }
    }
}

fn max_value_size(c: &Ctx<'_>) -> u32 {
    c.data().schedule.payload_len
}

fn value_at(c: &mut Ctx<'_>, key: &[u8]) -> wasmtime::Result<Option<Vec<u8>>> {
    c.data_mut()
        .ext()?
        .get_storage(key)
        .map_err(|_| supervisor(ContractError::ContractTrapped))
}

/// Writes (or with `None` removes) a storage value, its size counted for the storage
/// deposit; the old value comes back.
fn write(c: &mut Ctx<'_>, key: &[u8], value: Option<Vec<u8>>) -> wasmtime::Result<Option<Vec<u8>>> {
    c.data_mut()
        .ext()?
        .write_storage(key, value)
        .map_err(|_| supervisor(ContractError::ContractTrapped))
}

fn len_of(value: &Option<Vec<u8>>) -> u32 {
    value
        .as_ref()
        .map_or(0, |v| u32::try_from(v.len()).unwrap_or(u32::MAX))
}

fn len_or_sentinel(value: &Option<Vec<u8>>) -> u32 {
    value
        .as_ref()
        .map_or(SENTINEL, |v| u32::try_from(v.len()).unwrap_or(SENTINEL))
}

/// Copies a value read to the contract's buffer (its bytes are part of the function's
/// price), or answers `KeyNotFound`.
fn output_value(
    c: &mut Ctx<'_>,
    value: Option<Vec<u8>>,
    out_ptr: u32,
    out_len_ptr: u32,
) -> wasmtime::Result<u32> {
    match value {
        None => Ok(ReturnCode::KeyNotFound as u32),
        Some(value) => {
            write_output(c, out_ptr, out_len_ptr, &value, false, None)?;
            Ok(ReturnCode::Success as u32)
        }
    }
}

fn set(
    c: &mut Ctx<'_>,
    key_ptr: u32,
    key_len: Option<u32>,
    value_ptr: u32,
    value_len: u32,
) -> wasmtime::Result<u32> {
    let max = max_value_size(c);
    let charged = charge_upfront(
        c,
        RuntimeCosts::SetStorage {
            new_bytes: value_len,
            old_bytes: max,
        },
    )?;
    if value_len > max {
        return Err(supervisor(ContractError::ValueTooLarge));
    }
    let key = key(c, key_ptr, key_len)?;
    let value = read(c, value_ptr, value_len)?;
    let old = write(c, &key, Some(value))?;
    adjust(
        c,
        charged,
        RuntimeCosts::SetStorage {
            new_bytes: value_len,
            old_bytes: len_of(&old),
        },
    )?;
    Ok(len_or_sentinel(&old))
}

fn clear(c: &mut Ctx<'_>, key_ptr: u32, key_len: Option<u32>) -> wasmtime::Result<u32> {
    let max = max_value_size(c);
    let charged = charge_upfront(c, RuntimeCosts::ClearStorage(max))?;
    let key = key(c, key_ptr, key_len)?;
    let old = write(c, &key, None)?;
    adjust(c, charged, RuntimeCosts::ClearStorage(len_of(&old)))?;
    Ok(len_or_sentinel(&old))
}

fn contains(c: &mut Ctx<'_>, key_ptr: u32, key_len: Option<u32>) -> wasmtime::Result<u32> {
    let max = max_value_size(c);
    let charged = charge_upfront(c, RuntimeCosts::ContainsStorage(max))?;
    let key = key(c, key_ptr, key_len)?;
    let value = value_at(c, &key)?;
    // As pallet-contracts 31, which adjusts to the price of a clear of that size.
    adjust(c, charged, RuntimeCosts::ClearStorage(len_of(&value)))?;
    Ok(len_or_sentinel(&value))
}

fn get_into(
    c: &mut Ctx<'_>,
    key_ptr: u32,
    key_len: Option<u32>,
    out_ptr: u32,
    out_len_ptr: u32,
) -> wasmtime::Result<u32> {
    let max = max_value_size(c);
    let charged = charge_upfront(c, RuntimeCosts::GetStorage(max))?;
    let key = key(c, key_ptr, key_len)?;
    let value = value_at(c, &key)?;
    adjust(c, charged, RuntimeCosts::GetStorage(len_of(&value)))?;
    output_value(c, value, out_ptr, out_len_ptr)
}

fn take(
    c: &mut Ctx<'_>,
    key_ptr: u32,
    key_len: u32,
    out_ptr: u32,
    out_len_ptr: u32,
) -> wasmtime::Result<u32> {
    let max = max_value_size(c);
    let charged = charge_upfront(c, RuntimeCosts::TakeStorage(max))?;
    let key = key(c, key_ptr, Some(key_len))?;
    let value = write(c, &key, None)?;
    adjust(c, charged, RuntimeCosts::TakeStorage(len_of(&value)))?;
    output_value(c, value, out_ptr, out_len_ptr)
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
        |mut c: Ctx<'_>, k: u32, kl: u32, o: u32, ol: u32| take(&mut c, k, kl, o, ol),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use carechain_runtime::ChainConfig;

    #[test]
    fn no_variable_key_is_as_long_as_a_stored_fixed_key() {
        for config in [ChainConfig::default(), ChainConfig::sandbox_compatible()] {
            let max = config.schedule.vm.max_storage_key_len;
            assert!((max as usize) < super::FIXED_KEY_STORED_LEN, "{max}");
        }
    }
}
