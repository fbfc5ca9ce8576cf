//! Hash functions and signature checks.

use carechain_runtime::{blake2_128, blake2_256, sha256, AccountId, Signature};
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::vm::host_state::HostState;
use crate::vm::memory::{charge, read, read_array, write, Ctx};

fn hash(
    c: &mut Ctx<'_>,
    ptr: u32,
    len: u32,
    out: u32,
    f: fn(&[u8]) -> Vec<u8>,
) -> wasmtime::Result<()> {
    let cost = c.data().schedule.host_call;
    charge(c, cost)?;
    let input = read(c, ptr, len)?;
    write(c, out, &f(&input))
}

/// Registers the hash functions and `sr25519_verify`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "hash_sha2_256",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| hash(&mut c, p, l, o, |d| sha256(d).0.to_vec()),
    )?;
    def(
        linker,
        0,
        "hash_blake2_256",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| hash(&mut c, p, l, o, |d| blake2_256(d).to_vec()),
    )?;
    def(
        linker,
        0,
        "hash_blake2_128",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| hash(&mut c, p, l, o, |d| blake2_128(d).to_vec()),
    )?;
    def(
        linker,
        0,
        "sr25519_verify",
        |mut c: Ctx<'_>, sig: u32, key: u32, len: u32, msg: u32| {
            let cost = c.data().schedule.host_call;
            charge(&mut c, cost.saturating_mul(100))?;
            let signature = Signature(read_array::<64>(&mut c, sig)?);
            let public = AccountId(read_array::<32>(&mut c, key)?);
            let message = read(&mut c, msg, len)?;
            Ok(
                if carechain_runtime::verify(&public, &message, &signature) {
                    ReturnCode::Success as u32
                } else {
                    ReturnCode::Sr25519VerifyFailed as u32
                },
            )
        },
    )?;
    Ok(())
}
