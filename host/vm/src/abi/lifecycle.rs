//! A contract's own record: `terminate`, `set_code_hash`, delegate dependencies, and
//! what it may ask about the call stack (`reentrance_count`, `instantiation_nonce`).

use carechain_runtime::exec::ExtError;
use carechain_runtime::{AccountId, ContractError, Hash, RuntimeCosts};
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::{HostState, TrapReason};
use crate::engine::memory::{charge, read_as, supervisor, Ctx};

/// A refusal of the frame's request as the trap pallet-contracts makes of it
/// (unreadable state traps the contract).
fn refused(e: ExtError) -> wasmtime::Error {
    match e {
        ExtError::Refused(error) => supervisor(error),
        ExtError::State(_) => supervisor(ContractError::ContractTrapped),
    }
}

fn code_exists(c: &mut Ctx<'_>, hash: &Hash) -> wasmtime::Result<bool> {
    c.data_mut()
        .ext()?
        .code_exists(hash)
        .map_err(|_| supervisor(ContractError::ContractTrapped))
}

fn terminate(c: &mut Ctx<'_>, beneficiary_ptr: u32) -> wasmtime::Result<()> {
    charge(c, RuntimeCosts::Terminate)?;
    let beneficiary: AccountId = read_as(c, beneficiary_ptr)?;
    c.data_mut()
        .ext()?
        .terminate(&beneficiary)
        .map_err(refused)?;
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
            charge(&mut c, RuntimeCosts::SetCodeHash)?;
            let hash: Hash = read_as(&mut c, hash_ptr)?;
            if !c
                .data_mut()
                .ext()?
                .charge_code_load(&hash)
                .map_err(refused)?
            {
                return Ok(ReturnCode::CodeNotFound as u32);
            }
            c.data_mut().ext()?.set_code_hash(hash).map_err(refused)?;
            Ok(ReturnCode::Success as u32)
        },
    )?;
    def(
        linker,
        0,
        "lock_delegate_dependency",
        |mut c: Ctx<'_>, hash_ptr: u32| {
            charge(&mut c, RuntimeCosts::LockDelegateDependency)?;
            let hash: Hash = read_as(&mut c, hash_ptr)?;
            if !code_exists(&mut c, &hash)? {
                return Err(supervisor(ContractError::CodeNotFound));
            }
            c.data_mut()
                .ext()?
                .lock_delegate_dependency(hash)
                .map_err(refused)
        },
    )?;
    def(
        linker,
        0,
        "unlock_delegate_dependency",
        |mut c: Ctx<'_>, hash_ptr: u32| {
            charge(&mut c, RuntimeCosts::UnlockDelegateDependency)?;
            let hash: Hash = read_as(&mut c, hash_ptr)?;
            c.data_mut()
                .ext()?
                .unlock_delegate_dependency(hash)
                .map_err(refused)
        },
    )?;
    def(linker, 0, "instantiation_nonce", |mut c: Ctx<'_>| {
        charge(&mut c, RuntimeCosts::InstantiationNonce)?;
        c.data_mut()
            .ext()?
            .instantiation_nonce()
            .map_err(|_| supervisor(ContractError::ContractTrapped))
    })?;
    def(linker, 0, "reentrance_count", |mut c: Ctx<'_>| {
        charge(&mut c, RuntimeCosts::ReentrantCount)?;
        let address = c.data().frame.address;
        Ok(c.data_mut().stack()?.frames_of(&address).saturating_sub(1))
    })?;
    def(
        linker,
        0,
        "account_reentrance_count",
        |mut c: Ctx<'_>, account_ptr: u32| {
            charge(&mut c, RuntimeCosts::AccountEntranceCount)?;
            let account: AccountId = read_as(&mut c, account_ptr)?;
            Ok(c.data_mut().stack()?.frames_of(&account))
        },
    )?;
    Ok(())
}
