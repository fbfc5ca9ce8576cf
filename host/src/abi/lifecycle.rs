//! A contract's own record: `terminate`, `set_code_hash`, delegate dependencies, and
//! what it may ask about the call stack (`reentrance_count`, `instantiation_nonce`).

use carechain_runtime::{code_key, contract_info_key, AccountId, ContractInfo, Hash, StateExt};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::vm::host_state::{HostState, TrapReason};
use crate::vm::memory::{charge, charge_host_call, read_array, supervisor, Ctx};

/// pallet-contracts' `MaxDelegateDependencies` on ink_sandbox and dev runtimes.
const MAX_DELEGATE_DEPENDENCIES: usize = 32;

fn code_exists(c: &mut Ctx<'_>, hash: &Hash) -> wasmtime::Result<bool> {
    let cost = c.data().schedule.storage_read;
    charge(c, cost)?;
    let found = c
        .data_mut()
        .state
        .get()
        .get(&code_key(hash))
        .map_err(|_| supervisor("ContractTrapped"))?;
    Ok(found.is_some())
}

/// Applies `f` to the running contract's record: the pending one of a constructor,
/// or the stored one (the account's own, also inside a delegate call).
fn update_info<R>(
    c: &mut Ctx<'_>,
    f: impl FnOnce(&mut ContractInfo) -> wasmtime::Result<R>,
) -> wasmtime::Result<R> {
    let address = c.data().frame.address;
    if let Some(info) = c
        .data_mut()
        .stack()?
        .top_mut()
        .and_then(|top| top.pending_info.as_mut())
    {
        return f(info);
    }
    let cost = c.data().schedule.storage_write;
    charge(c, cost)?;
    let state = c.data_mut().state.get();
    let mut info = state
        .contract_info(&address)
        .map_err(|_| supervisor("ContractTrapped"))?
        .ok_or_else(|| supervisor("ContractNotFound"))?;
    let r = f(&mut info)?;
    state.set(contract_info_key(&address), info.encode());
    Ok(r)
}

fn terminate(c: &mut Ctx<'_>, beneficiary_ptr: u32) -> wasmtime::Result<()> {
    let cost = c.data().schedule.storage_write.saturating_mul(3);
    charge(c, cost)?;
    let beneficiary = AccountId(read_array::<32>(c, beneficiary_ptr)?);
    let stack = c.data_mut().stack()?;
    if stack.top_is_recursive() {
        return Err(supervisor("TerminatedWhileReentrant"));
    }
    let constructing = match stack.top_mut() {
        Some(top) => {
            top.terminated = true;
            top.pending_info.is_some()
        }
        None => false,
    };
    // In a constructor there is nothing stored yet; the frame then fails with
    // `TerminatedInConstructor` and everything it did is rolled back.
    if !constructing {
        let address = c.data().frame.address;
        let state = c.data_mut().state.get();
        let contract = state
            .account(&address)
            .map_err(|_| supervisor("ContractTrapped"))?;
        let mut heir = state
            .account(&beneficiary)
            .map_err(|_| supervisor("ContractTrapped"))?;
        if beneficiary != address {
            heir.balance = heir.balance.saturating_add(contract.balance);
            state.put_account(&beneficiary, &heir);
            state.remove(carechain_runtime::account_key(&address));
        }
        state.remove(contract_info_key(&address));
    }
    Err(wasmtime::Error::new(TrapReason::Termination))
}

/// Registers the lifecycle and stack-introspection functions.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "terminate",
        |mut c: Ctx<'_>, beneficiary: u32, _len: u32| terminate(&mut c, beneficiary),
    )?;
    def(
        linker,
        1,
        "terminate",
        |mut c: Ctx<'_>, beneficiary: u32| terminate(&mut c, beneficiary),
    )?;
    def(
        linker,
        0,
        "set_code_hash",
        |mut c: Ctx<'_>, hash_ptr: u32| {
            charge_host_call(&mut c)?;
            let hash = Hash(read_array::<32>(&mut c, hash_ptr)?);
            if !code_exists(&mut c, &hash)? {
                return Ok(ReturnCode::CodeNotFound as u32);
            }
            update_info(&mut c, |info| {
                info.code_hash = hash;
                Ok(())
            })?;
            // `own_code_hash` answers the new hash from now on; the running code stays.
            c.data_mut().frame.code_hash = hash;
            Ok(ReturnCode::Success as u32)
        },
    )?;
    def(
        linker,
        0,
        "lock_delegate_dependency",
        |mut c: Ctx<'_>, hash_ptr: u32| {
            charge_host_call(&mut c)?;
            let hash = Hash(read_array::<32>(&mut c, hash_ptr)?);
            if !code_exists(&mut c, &hash)? {
                return Err(supervisor("CodeNotFound"));
            }
            update_info(&mut c, |info| {
                if info.code_hash == hash {
                    return Err(supervisor("CannotAddSelfAsDelegateDependency"));
                }
                match info.delegate_dependencies.binary_search(&hash) {
                    Ok(_) => Err(supervisor("DelegateDependencyAlreadyExists")),
                    Err(_) if info.delegate_dependencies.len() >= MAX_DELEGATE_DEPENDENCIES => {
                        Err(supervisor("MaxDelegateDependenciesReached"))
                    }
                    Err(at) => {
                        info.delegate_dependencies.insert(at, hash);
                        Ok(())
                    }
                }
            })
        },
    )?;
    def(
        linker,
        0,
        "unlock_delegate_dependency",
        |mut c: Ctx<'_>, hash_ptr: u32| {
            charge_host_call(&mut c)?;
            let hash = Hash(read_array::<32>(&mut c, hash_ptr)?);
            update_info(&mut c, |info| {
                match info.delegate_dependencies.binary_search(&hash) {
                    Ok(at) => {
                        info.delegate_dependencies.remove(at);
                        Ok(())
                    }
                    Err(_) => Err(supervisor("DelegateDependencyNotFound")),
                }
            })
        },
    )?;
    def(linker, 0, "instantiation_nonce", |mut c: Ctx<'_>| {
        charge_host_call(&mut c)?;
        c.data_mut()
            .state
            .get()
            .instantiation_nonce()
            .map_err(|_| supervisor("ContractTrapped"))
    })?;
    def(linker, 0, "reentrance_count", |mut c: Ctx<'_>| {
        charge_host_call(&mut c)?;
        let address = c.data().frame.address;
        Ok(c.data_mut().stack()?.frames_of(&address).saturating_sub(1))
    })?;
    def(
        linker,
        0,
        "account_reentrance_count",
        |mut c: Ctx<'_>, account_ptr: u32| {
            charge_host_call(&mut c)?;
            let account = AccountId(read_array::<32>(&mut c, account_ptr)?);
            Ok(c.data_mut().stack()?.frames_of(&account))
        },
    )?;
    Ok(())
}
