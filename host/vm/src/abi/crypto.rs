//! Hash functions and signature checks.

use carechain_runtime::{blake2_128, blake2_256, sha256, AccountId, RuntimeCosts, Signature};
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::HostState;
use crate::engine::memory::{charge, read, read_into, write, Ctx};

fn hash(
    c: &mut Ctx<'_>,
    ptr: u32,
    len: u32,
    out: u32,
    cost: fn(u32) -> RuntimeCosts,
    f: fn(&[u8]) -> Vec<u8>,
) -> wasmtime::Result<()> {
    charge(c, cost(len))?;
    let input = read(c, ptr, len)?;
    write(c, out, &f(&input))
}

fn keccak_256(data: &[u8]) -> [u8; 32] {
    use sha3::Digest;
    sha3::Keccak256::digest(data).into()
}

/// sp-io's `secp256k1_ecdsa_recover_compressed`: the last byte is the recovery id,
/// 0-3 or Ethereum's 27-30.
fn ecdsa_recover_compressed(signature: &[u8; 65], message: &[u8; 32]) -> Option<[u8; 33]> {
    use secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
    let v = signature[64];
    let id = RecoveryId::try_from(i32::from(if v > 26 { v - 27 } else { v })).ok()?;
    let signature = RecoverableSignature::from_compact(&signature[..64], id).ok()?;
    let message = secp256k1::Message::from_digest(*message);
    let key = secp256k1::Secp256k1::verification_only()
        .recover_ecdsa(&message, &signature)
        .ok()?;
    Some(key.serialize())
}

/// Registers the hash functions, `sr25519_verify` and the ECDSA functions.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "hash_sha2_256",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| {
            hash(&mut c, p, l, o, RuntimeCosts::HashSha256, |d| {
                sha256(d).0.to_vec()
            })
        },
    )?;
    def(
        linker,
        0,
        "hash_blake2_256",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| {
            hash(&mut c, p, l, o, RuntimeCosts::HashBlake256, |d| {
                blake2_256(d).to_vec()
            })
        },
    )?;
    def(
        linker,
        0,
        "hash_blake2_128",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| {
            hash(&mut c, p, l, o, RuntimeCosts::HashBlake128, |d| {
                blake2_128(d).to_vec()
            })
        },
    )?;
    def(
        linker,
        0,
        "hash_keccak_256",
        |mut c: Ctx<'_>, p: u32, l: u32, o: u32| {
            hash(&mut c, p, l, o, RuntimeCosts::HashKeccak256, |d| {
                keccak_256(d).to_vec()
            })
        },
    )?;
    def(
        linker,
        0,
        "ecdsa_recover",
        |mut c: Ctx<'_>, sig: u32, msg: u32, out: u32| {
            charge(&mut c, RuntimeCosts::EcdsaRecovery)?;
            let signature = read_into::<65>(&mut c, sig)?;
            let message = read_into::<32>(&mut c, msg)?;
            match ecdsa_recover_compressed(&signature, &message) {
                Some(key) => {
                    write(&mut c, out, &key)?;
                    Ok(ReturnCode::Success as u32)
                }
                None => Ok(ReturnCode::EcdsaRecoveryFailed as u32),
            }
        },
    )?;
    def(
        linker,
        0,
        "ecdsa_to_eth_address",
        |mut c: Ctx<'_>, key: u32, out: u32| {
            charge(&mut c, RuntimeCosts::EcdsaToEthAddress)?;
            let key = read_into::<33>(&mut c, key)?;
            match secp256k1::PublicKey::from_slice(&key) {
                Ok(public) => {
                    let uncompressed = public.serialize_uncompressed();
                    let hash = keccak_256(&uncompressed[1..]);
                    write(&mut c, out, &hash[12..])?;
                    Ok(ReturnCode::Success as u32)
                }
                Err(_) => Ok(ReturnCode::EcdsaRecoveryFailed as u32),
            }
        },
    )?;
    def(
        linker,
        0,
        "sr25519_verify",
        |mut c: Ctx<'_>, sig: u32, key: u32, len: u32, msg: u32| {
            charge(&mut c, RuntimeCosts::Sr25519Verify(len))?;
            let signature = Signature::Sr25519(read_into::<64>(&mut c, sig)?);
            let public = AccountId(read_into::<32>(&mut c, key)?);
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
