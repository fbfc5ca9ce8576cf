//! The one table of host functions a contract may import: module, name, signature and
//! stability, exactly as pallet-contracts 31 (the version ink_sandbox 5.1.1 runs)
//! defines them in its `#[define_env]` (`wasm/runtime.rs`).
//!
//! Version `n` lives in module `seal<n>`. Entries marked `prefixed_alias` are also
//! importable as `seal_<name>`; the others are not (pallet-contracts defines no alias
//! for `seal_return`, `seal2::call`, `seal2::instantiate`, `sr25519_verify`,
//! `call_runtime`, ...). Upload validation ([`crate::engine::prepare`]) checks every
//! import against this table; the VM attaches its implementations to the same rows.

/// A WASM value type in a host function signature (pallet-contracts uses only these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `i32` (pointers, lengths, flags, return codes).
    I32,
    /// `i64` (gas amounts, nonces).
    I64,
}

/// Whether uploaded code may import a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    /// Always importable.
    Stable,
    /// Importable only with the unstable interface switched on (off on production
    /// chains and in ink_sandbox).
    Unstable,
    /// Never importable by new code (pallet-contracts' `AllowDeprecatedInterface::No`).
    Deprecated,
}

/// One host function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostFnSpec {
    /// The `seal<version>` module it lives in.
    pub version: u8,
    /// Its name in that module.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValueType],
    /// Result type, if any.
    pub result: Option<ValueType>,
    /// Also importable as `seal_<name>`.
    pub prefixed_alias: bool,
    /// Who may import it.
    pub stability: Stability,
}

use Stability::{Deprecated as D, Stable as S, Unstable as U};
use ValueType::{I32, I64};

const fn f(
    version: u8,
    name: &'static str,
    params: &'static [ValueType],
    result: Option<ValueType>,
    prefixed_alias: bool,
    stability: Stability,
) -> HostFnSpec {
    HostFnSpec {
        version,
        name,
        params,
        result,
        prefixed_alias,
        stability,
    }
}

const R: Option<ValueType> = Some(I32);
const N: Option<ValueType> = None;

/// Every host function of pallet-contracts 31, in the order of its `define_env`.
pub const HOST_FUNCTIONS: &[HostFnSpec] = &[
    f(0, "set_storage", &[I32, I32, I32], N, true, S),
    f(1, "set_storage", &[I32, I32, I32], R, true, S),
    f(2, "set_storage", &[I32, I32, I32, I32], R, true, S),
    f(0, "clear_storage", &[I32], N, true, S),
    f(1, "clear_storage", &[I32, I32], R, true, S),
    f(0, "get_storage", &[I32, I32, I32], R, true, S),
    f(1, "get_storage", &[I32, I32, I32, I32], R, true, S),
    f(0, "contains_storage", &[I32], R, true, S),
    f(1, "contains_storage", &[I32, I32], R, true, S),
    f(0, "take_storage", &[I32, I32, I32, I32], R, true, S),
    f(0, "transfer", &[I32, I32, I32, I32], R, true, S),
    f(
        0,
        "call",
        &[I32, I32, I64, I32, I32, I32, I32, I32, I32],
        R,
        true,
        S,
    ),
    f(
        1,
        "call",
        &[I32, I32, I64, I32, I32, I32, I32, I32],
        R,
        true,
        S,
    ),
    f(
        2,
        "call",
        &[I32, I32, I64, I64, I32, I32, I32, I32, I32, I32],
        R,
        false,
        S,
    ),
    f(
        0,
        "delegate_call",
        &[I32, I32, I32, I32, I32, I32],
        R,
        true,
        S,
    ),
    f(
        0,
        "instantiate",
        &[
            I32, I32, I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32,
        ],
        R,
        true,
        S,
    ),
    f(
        1,
        "instantiate",
        &[I32, I64, I32, I32, I32, I32, I32, I32, I32, I32, I32],
        R,
        true,
        S,
    ),
    f(
        2,
        "instantiate",
        &[
            I32, I64, I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32,
        ],
        R,
        false,
        S,
    ),
    f(0, "terminate", &[I32, I32], N, true, S),
    f(1, "terminate", &[I32], N, true, S),
    f(0, "input", &[I32, I32], N, true, S),
    f(0, "seal_return", &[I32, I32, I32], N, false, S),
    f(0, "caller", &[I32, I32], N, true, S),
    f(0, "is_contract", &[I32], R, true, S),
    f(0, "code_hash", &[I32, I32, I32], R, true, S),
    f(0, "own_code_hash", &[I32, I32], N, true, S),
    f(0, "caller_is_origin", &[], R, true, S),
    f(0, "caller_is_root", &[], R, false, S),
    f(0, "address", &[I32, I32], N, true, S),
    f(0, "weight_to_fee", &[I64, I32, I32], N, true, S),
    f(1, "weight_to_fee", &[I64, I64, I32, I32], N, false, U),
    f(0, "gas_left", &[I32, I32], N, true, S),
    f(1, "gas_left", &[I32, I32], N, false, U),
    f(0, "balance", &[I32, I32], N, true, S),
    f(0, "value_transferred", &[I32, I32], N, true, S),
    f(0, "random", &[I32, I32, I32, I32], N, true, D),
    f(1, "random", &[I32, I32, I32, I32], N, true, D),
    f(0, "now", &[I32, I32], N, true, S),
    f(0, "minimum_balance", &[I32, I32], N, true, S),
    f(0, "tombstone_deposit", &[I32, I32], N, true, D),
    f(
        0,
        "restore_to",
        &[I32, I32, I32, I32, I32, I32, I32, I32],
        N,
        true,
        D,
    ),
    f(1, "restore_to", &[I32, I32, I32, I32, I32], N, true, D),
    f(0, "set_rent_allowance", &[I32, I32], N, true, D),
    f(1, "set_rent_allowance", &[I32], N, true, D),
    f(0, "rent_allowance", &[I32, I32], N, true, D),
    f(0, "deposit_event", &[I32, I32, I32, I32], N, true, S),
    f(0, "block_number", &[I32, I32], N, true, S),
    f(0, "hash_sha2_256", &[I32, I32, I32], N, true, S),
    f(0, "hash_keccak_256", &[I32, I32, I32], N, true, S),
    f(0, "hash_blake2_256", &[I32, I32, I32], N, true, S),
    f(0, "hash_blake2_128", &[I32, I32, I32], N, true, S),
    f(
        0,
        "call_chain_extension",
        &[I32, I32, I32, I32, I32],
        R,
        true,
        S,
    ),
    f(0, "debug_message", &[I32, I32], R, true, S),
    f(0, "call_runtime", &[I32, I32], R, false, S),
    f(0, "xcm_execute", &[I32, I32], R, false, U),
    f(0, "xcm_send", &[I32, I32, I32, I32], R, false, U),
    f(0, "ecdsa_recover", &[I32, I32, I32], R, true, S),
    f(0, "sr25519_verify", &[I32, I32, I32, I32], R, false, S),
    f(0, "set_code_hash", &[I32], R, true, S),
    f(0, "ecdsa_to_eth_address", &[I32, I32], R, true, S),
    f(0, "reentrance_count", &[], R, false, U),
    f(0, "account_reentrance_count", &[I32], R, false, U),
    f(0, "instantiation_nonce", &[], Some(I64), false, S),
    f(0, "lock_delegate_dependency", &[I32], N, false, S),
    f(0, "unlock_delegate_dependency", &[I32], N, false, S),
];

/// The host function a contract names by `module` and `name`, if there is one.
pub fn host_function(module: &str, name: &str) -> Option<&'static HostFnSpec> {
    let version: u8 = module.strip_prefix("seal")?.parse().ok()?;
    HOST_FUNCTIONS.iter().find(|spec| {
        spec.version == version
            && (spec.name == name
                || (spec.prefixed_alias && name.strip_prefix("seal_") == Some(spec.name)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_follow_modules_and_aliases() {
        let get = host_function("seal1", "get_storage").expect("exists");
        assert_eq!(get.params.len(), 4);
        assert_eq!(host_function("seal1", "seal_get_storage"), Some(get));
        assert!(host_function("seal2", "call").is_some());
        assert!(
            host_function("seal2", "seal_call").is_none(),
            "no alias for seal2::call"
        );
        assert!(host_function("seal0", "seal_return").is_some());
        assert!(host_function("seal3", "call").is_none());
        assert!(host_function("env", "call").is_none());
        assert!(host_function("seal0", "nope").is_none());
    }

    #[test]
    fn no_duplicate_rows() {
        for (i, a) in HOST_FUNCTIONS.iter().enumerate() {
            for b in &HOST_FUNCTIONS[i + 1..] {
                assert!(
                    !(a.version == b.version && a.name == b.name),
                    "{} twice",
                    a.name
                );
            }
        }
    }
}
