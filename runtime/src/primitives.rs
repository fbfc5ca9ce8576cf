//! The chain's basic value types: hashes, account ids (with SS58), balances, nonces.
//!
//! Every type here is SCALE-encoded exactly as the matching Substrate type is
//! (`[u8; 32]` raw, integers little-endian), so ids and hashes read the same in
//! Carechain and in Polkadot tooling.

use core::fmt;
use core::str::FromStr;

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};

/// A balance in the chain's smallest unit (Substrate's `u128`).
pub type Balance = u128;
/// A per-account transaction counter; the next valid transaction carries the current value.
pub type Nonce = u64;
/// Height of a block; genesis is 0.
pub type BlockNumber = u64;
/// Milliseconds since the Unix epoch, as supplied by the block producer.
pub type Timestamp = u64;

/// The SS58 address-format prefix Carechain uses (42, the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

/// A 32-byte hash (SHA-256 or BLAKE2b-256, depending on where it is used).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct Hash(pub [u8; 32]);

/// The hash of a contract's uploaded WASM: `blake2_256(code)`, as pallet-contracts computes it.
pub type CodeHash = Hash;

impl Hash {
    /// The all-zero hash; also the root of the empty trie.
    pub const ZERO: Hash = Hash([0; 32]);

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 64 hex digits, with or without a `0x` prefix.
    ///
    /// # Errors
    /// [`ParseHexError`] when the text is not exactly 32 bytes of hex.
    pub fn from_hex(text: &str) -> Result<Self, ParseHexError> {
        let digits = text.strip_prefix("0x").unwrap_or(text);
        let mut out = [0u8; 32];
        hex::decode_to_slice(digits, &mut out).map_err(|e| ParseHexError(e.to_string()))?;
        Ok(Hash(out))
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl FromStr for Hash {
    type Err = ParseHexError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hash::from_hex(s)
    }
}

/// Text that is not a 32-byte hex value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 32 bytes of hex (64 digits, optional 0x): {0}")]
pub struct ParseHexError(String);

/// A 32-byte account identifier: an sr25519 public key, or a contract address.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct AccountId(pub [u8; 32]);

impl AccountId {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SS58 address with Carechain's prefix (42).
    pub fn to_ss58(&self) -> String {
        subxt_utils_accountid32::AccountId32(self.0).to_string()
    }

    /// Decodes an SS58 address, verifying its checksum and that its prefix is 42.
    ///
    /// # Errors
    /// [`Ss58Error`] naming what is wrong: base58, length, checksum or network prefix.
    pub fn from_ss58(text: &str) -> Result<Self, Ss58Error> {
        use subxt_utils_accountid32::FromSs58Error as E;
        let decoded =
            subxt_utils_accountid32::AccountId32::from_str(text).map_err(|e| match e {
                E::BadBase58 => Ss58Error::BadBase58,
                E::BadLength => Ss58Error::BadLength,
                E::InvalidChecksum => Ss58Error::BadChecksum,
                E::InvalidPrefix => Ss58Error::WrongPrefix,
            })?;
        // The crate accepts any network prefix; re-encoding with ours tells whether it was 42.
        if decoded.to_string() != text {
            return Err(Ss58Error::WrongPrefix);
        }
        Ok(AccountId(decoded.0))
    }
}

impl AsRef<[u8]> for AccountId {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<[u8; 32]> for AccountId {
    fn from(bytes: [u8; 32]) -> Self {
        AccountId(bytes)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_ss58())
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_ss58())
    }
}

impl FromStr for AccountId {
    type Err = Ss58Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccountId::from_ss58(s)
    }
}

/// Why an SS58 address was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Ss58Error {
    /// Not base58 text.
    #[error("not a base58 string")]
    BadBase58,
    /// Decodes to the wrong number of bytes for a 32-byte account.
    #[error("wrong length for a 32-byte SS58 address")]
    BadLength,
    /// The two checksum bytes do not match (a typo, most likely).
    #[error("SS58 checksum mismatch: the address has a typo")]
    BadChecksum,
    /// A valid address of another network.
    #[error("SS58 address is not for network prefix 42")]
    WrongPrefix,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    #[test]
    fn ss58_round_trips_alice() {
        let id = AccountId::from_ss58(ALICE).expect("valid address");
        assert_eq!(
            hex::encode(id.0),
            "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
        );
        assert_eq!(id.to_ss58(), ALICE);
    }

    #[test]
    fn ss58_rejects_typo_and_other_network() {
        let typo = ALICE.replace('G', "H");
        assert_eq!(AccountId::from_ss58(&typo), Err(Ss58Error::BadChecksum));
        // Alice on Polkadot (prefix 0).
        let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
        assert_eq!(AccountId::from_ss58(polkadot), Err(Ss58Error::WrongPrefix));
        assert_eq!(AccountId::from_ss58("0OIl"), Err(Ss58Error::BadBase58));
        assert_eq!(AccountId::from_ss58("5Grw"), Err(Ss58Error::BadLength));
    }

    #[test]
    fn hash_hex_parses_with_and_without_prefix() {
        let h = Hash([0xab; 32]);
        assert_eq!(Hash::from_hex(&h.to_string()), Ok(h));
        assert_eq!(Hash::from_hex(&hex::encode(h.0)), Ok(h));
        assert!(Hash::from_hex("0x12").is_err());
    }
}
