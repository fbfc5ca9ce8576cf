//! Hashing and signatures.
//!
//! A [`Signature`] is any of Substrate's `MultiSignature` schemes, verified as
//! `sp-runtime` verifies them: sr25519 (schnorrkel under Substrate's signing context,
//! `b"substrate"`), ed25519 and ecdsa, so any Substrate signer (subxt-signer,
//! polkadot.js, a hardware wallet's ecdsa key) can sign for Carechain; what keeps a
//! Carechain signature from meaning anything elsewhere is the payload's own domain tag
//! (see [`crate::Transaction::signing_payload`]). Keys are in [`crate::Keypair`].

use blake2::digest::consts::{U16, U32};
use blake2::{Blake2b, Digest};
use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use sha2::Sha256;

use crate::primitives::{AccountId, Hash};

/// The schnorrkel signing context: Substrate's, for compatibility with its signers.
pub const SIGNING_CONTEXT: &[u8] = b"substrate";

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash {
    Hash(Sha256::digest(data).into())
}

/// SHA-256 over a domain tag followed by `parts`, without building a joined buffer.
pub(crate) fn sha256_tagged(tag: u8, parts: &[&[u8]]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([tag]);
    for part in parts {
        hasher.update(part);
    }
    Hash(hasher.finalize().into())
}

/// BLAKE2b-256 of `data` (Substrate's `BlakeTwo256`; code hashes, contract addresses).
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest(data).into()
}

/// BLAKE2b-128 of `data`.
pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    Blake2b::<U16>::digest(data).into()
}

/// A signature of any of Substrate's schemes, encoded exactly as
/// `sp_runtime::MultiSignature` (variant 0 ed25519, 1 sr25519, 2 ecdsa), so a
/// Substrate signer's bytes are a Carechain signature.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen)]
pub enum Signature {
    /// An ed25519 signature; the signer's account is its public key.
    #[codec(index = 0)]
    Ed25519([u8; 64]),
    /// An sr25519 signature under [`SIGNING_CONTEXT`]; the account is the public key.
    #[codec(index = 1)]
    Sr25519([u8; 64]),
    /// A recoverable secp256k1 signature (`r ‖ s ‖ v`) of `blake2_256(message)`; the
    /// account is `blake2_256` of the recovered compressed public key.
    #[codec(index = 2)]
    Ecdsa([u8; 65]),
}

impl Signature {
    /// The signature's bytes, without the scheme.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Signature::Ed25519(b) | Signature::Sr25519(b) => b,
            Signature::Ecdsa(b) => b,
        }
    }
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let scheme = match self {
            Signature::Ed25519(_) => "ed25519",
            Signature::Sr25519(_) => "sr25519",
            Signature::Ecdsa(_) => "ecdsa",
        };
        write!(f, "{scheme}:0x{}", hex::encode(self.as_bytes()))
    }
}

/// Checks one signature as `MultiSignature::verify` does. Malformed keys or signatures
/// are simply invalid.
pub fn verify(signer: &AccountId, message: &[u8], signature: &Signature) -> bool {
    match signature {
        Signature::Sr25519(sig) => {
            let Ok(public) = schnorrkel::PublicKey::from_bytes(&signer.0) else {
                return false;
            };
            let Ok(sig) = schnorrkel::Signature::from_bytes(sig) else {
                return false;
            };
            public.verify_simple(SIGNING_CONTEXT, message, &sig).is_ok()
        }
        // ed25519-zebra, as sp-core verifies (ZIP-215 rules).
        Signature::Ed25519(sig) => {
            ed25519_zebra::VerificationKey::try_from(signer.0).is_ok_and(|key| {
                key.verify(&ed25519_zebra::Signature::from(*sig), message)
                    .is_ok()
            })
        }
        Signature::Ecdsa(sig) => ecdsa_recover(sig, &blake2_256(message))
            .is_some_and(|public| blake2_256(&public) == signer.0),
    }
}

/// The compressed public key that made `sig` over `digest`, as sp-io's
/// `secp256k1_ecdsa_recover_compressed`: `v` of 27/28 is read as 0/1, and a high-S
/// signature is accepted (libsecp256k1 recovers it; k256 wants it normalized first).
fn ecdsa_recover(sig: &[u8; 65], digest: &[u8; 32]) -> Option<[u8; 33]> {
    use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, VerifyingKey};
    let v = if sig[64] > 26 { sig[64] - 27 } else { sig[64] };
    let mut id = RecoveryId::from_byte(v)?;
    let mut parsed = EcdsaSignature::from_slice(&sig[..64]).ok()?;
    if let Some(low) = parsed.normalize_s() {
        parsed = low;
        id = RecoveryId::new(!id.is_y_odd(), id.is_x_reduced());
    }
    let key = VerifyingKey::recover_from_prehash(digest, &parsed, id).ok()?;
    key.to_encoded_point(true).as_bytes().try_into().ok()
}

/// One item of a signature batch.
#[derive(Debug, Clone, Copy)]
pub struct SignedMessage<'a> {
    /// Who claims to have signed.
    pub signer: &'a AccountId,
    /// The exact bytes signed.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a Signature,
}

/// Checks many signatures at once: schnorrkel batch verification over chunks, one chunk
/// per available core. When a chunk fails, its signatures are checked one by one so
/// the caller learns exactly which are bad.
///
/// # Errors
/// [`BadSignatures`] with the indices (ascending) of every invalid signature.
pub fn verify_batch(items: &[SignedMessage<'_>]) -> Result<(), BadSignatures> {
    let mut bad = Vec::new();
    for (offset, chunk_bad) in parallel_chunks(items, verify_chunk) {
        bad.extend(chunk_bad.into_iter().map(|i| i + offset));
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(BadSignatures(bad))
    }
}

/// The indices of invalid signatures in a batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid signatures at batch positions {0:?}")]
pub struct BadSignatures(pub Vec<usize>);

/// The bad indices of a chunk: its sr25519 signatures in one schnorrkel batch (one
/// by one only if the batch fails), the other schemes one by one.
fn verify_chunk(items: &[SignedMessage<'_>]) -> Vec<usize> {
    let is_sr25519 = |item: &SignedMessage<'_>| matches!(item.signature, Signature::Sr25519(_));
    let batch_passed = batch_ok(items.iter().filter(|item| is_sr25519(item)));
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| !(batch_passed && is_sr25519(item)))
        .filter(|(_, item)| !verify(item.signer, item.message, item.signature))
        .map(|(i, _)| i)
        .collect()
}

/// Whether every sr25519 signature of `items` is valid, checked as one batch.
fn batch_ok<'a, 'b: 'a>(items: impl Iterator<Item = &'a SignedMessage<'b>>) -> bool {
    let mut publics = Vec::new();
    let mut sigs = Vec::new();
    let mut messages = Vec::new();
    for item in items {
        let Signature::Sr25519(bytes) = item.signature else {
            return false;
        };
        let (Ok(public), Ok(sig)) = (
            schnorrkel::PublicKey::from_bytes(&item.signer.0),
            schnorrkel::Signature::from_bytes(bytes),
        ) else {
            return false;
        };
        publics.push(public);
        sigs.push(sig);
        messages.push(item.message);
    }
    if sigs.is_empty() {
        return true;
    }
    let context = schnorrkel::signing_context(SIGNING_CONTEXT);
    let transcripts = messages.iter().map(|m| context.bytes(m));
    schnorrkel::verify_batch(transcripts, &sigs, &publics, false).is_ok()
}

/// Verifies chunks on up to one thread per core; returns the bad indices of each chunk
/// with the chunk's start offset.
#[cfg(not(target_arch = "wasm32"))]
fn parallel_chunks(
    items: &[SignedMessage<'_>],
    work: fn(&[SignedMessage<'_>]) -> Vec<usize>,
) -> Vec<(usize, Vec<usize>)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads <= 1 || items.len() < 64 {
        return vec![(0, work(items))];
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(i, part)| (i * chunk, part.len(), scope.spawn(move || work(part))))
            .collect();
        handles
            .into_iter()
            // A verifier thread cannot panic on any input; should it die anyway, its
            // whole chunk counts as unverified rather than as accepted.
            .map(|(offset, len, h)| (offset, h.join().unwrap_or_else(|_| (0..len).collect())))
            .collect()
    })
}

#[cfg(target_arch = "wasm32")]
fn parallel_chunks(
    items: &[SignedMessage<'_>],
    work: fn(&[SignedMessage<'_>]) -> Vec<usize>,
) -> Vec<(usize, Vec<usize>)> {
    vec![(0, work(items))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keypair;

    #[test]
    fn sign_and_verify() {
        let alice = Keypair::from_uri("//Alice").expect("dev uri");
        let sig = alice.sign(b"hello");
        assert!(verify(&alice.account_id(), b"hello", &sig));
        assert!(!verify(&alice.account_id(), b"hellp", &sig));
        assert!(!verify(&AccountId([0; 32]), b"hello", &sig));
        assert!(!verify(
            &alice.account_id(),
            b"hello",
            &Signature::Sr25519([0; 64])
        ));
    }

    #[test]
    fn blake2_matches_known_vector() {
        assert_eq!(
            hex::encode(blake2_256(b"")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
    }
}
