//! Contract identity, derived exactly as pallet-contracts derives it, so the same
//! deployment gets the same code hash and address here and on any Substrate chain.

use parity_scale_codec::Encode;

use crate::crypto::blake2_256;
use crate::primitives::{AccountId, CodeHash, Hash};

/// `blake2_256(code)`: pallet-contracts' code hash (`T::Hashing` is `BlakeTwo256`).
pub fn code_hash(code: &[u8]) -> CodeHash {
    Hash(blake2_256(code))
}

/// pallet-contracts' `DefaultAddressGenerator`:
/// `blake2_256(SCALE((b"contract_addr_v1", deployer, code_hash, input, salt)))`, where
/// the tag is a fixed-size array (raw bytes) and `input` and `salt` carry compact
/// length prefixes.
pub fn contract_address(
    deployer: &AccountId,
    code_hash: &CodeHash,
    input: &[u8],
    salt: &[u8],
) -> AccountId {
    let entropy = (b"contract_addr_v1", deployer.0, code_hash.0, input, salt).encode();
    AccountId(blake2_256(&entropy))
}

/// pallet-contracts' trie id: `blake2_256(SCALE((address, nonce)))`, the storage
/// namespace of one instantiation.
pub fn trie_id(address: &AccountId, nonce: u64) -> Hash {
    Hash(blake2_256(&(address.0, nonce).encode()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_encoding_is_tag_then_fields_with_compact_lengths() {
        let deployer = AccountId([1; 32]);
        let code = Hash([2; 32]);
        let mut expected = b"contract_addr_v1".to_vec();
        expected.extend([1; 32]);
        expected.extend([2; 32]);
        expected.extend([4 << 2, 9, 9, 9, 9]); // Compact(4) then input
        expected.extend([1 << 2, 7]); // Compact(1) then salt
        assert_eq!(
            contract_address(&deployer, &code, &[9; 4], &[7]).0,
            blake2_256(&expected)
        );
    }
}
