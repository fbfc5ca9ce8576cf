//! Hashing and sr25519 signatures.
//!
//! Signatures use schnorrkel under Substrate's signing context (`b"substrate"`), so any
//! Substrate signer (subxt-signer, polkadot.js) can sign for Carechain; what keeps a
//! Carechain signature from meaning anything elsewhere is the payload's own domain tag
//! (see [`crate::Transaction::signing_payload`]). Keys from dev URIs (`//Alice`) and
//! mnemonics come from subxt-signer, which derives exactly as `sp-core` does.

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

/// A 64-byte sr25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen)]
pub struct Signature(pub [u8; 64]);

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

/// An sr25519 key pair. The secret never leaves this value.
#[derive(Clone)]
pub struct Keypair(subxt_signer::sr25519::Keypair);

impl Keypair {
    /// Derives a key pair from a secret URI: `//Alice`, `<mnemonic>//hard/soft///password`
    /// or a `0x` seed, exactly as Substrate's `Pair::from_string` does.
    ///
    /// # Errors
    /// [`KeyError`] when the URI, mnemonic or seed is malformed.
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        let parsed = parse_secret_uri(uri)?;
        keypair_from(&parsed).map(Keypair)
    }

    /// The public key, which is also the account id.
    pub fn account_id(&self) -> AccountId {
        AccountId(self.0.public_key().0)
    }

    /// Signs `message` under [`SIGNING_CONTEXT`].
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message).0)
    }
}

impl core::fmt::Debug for Keypair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Keypair({})", self.account_id())
    }
}

/// The key of a parsed secret URI, as subxt-signer (and `sp_core`) derive it.
#[cfg(not(target_arch = "wasm32"))]
fn keypair_from(uri: &subxt_signer::SecretUri) -> Result<subxt_signer::sr25519::Keypair, KeyError> {
    subxt_signer::sr25519::Keypair::from_uri(uri).map_err(|e| KeyError(e.to_string()))
}

/// The same derivation for the browser package, without Unicode normalization: its
/// tables would be a third of the package, and a mnemonic of English BIP-39 words is
/// ASCII, which NFKD leaves as it is. A non-ASCII phrase is refused here instead.
#[cfg(target_arch = "wasm32")]
fn keypair_from(uri: &subxt_signer::SecretUri) -> Result<subxt_signer::sr25519::Keypair, KeyError> {
    use subxt_signer::sr25519::Keypair as Sr25519;
    use subxt_signer::ExposeSecret;
    let phrase = uri.phrase.expose_secret();
    let root = if let Some(hex_seed) = phrase.strip_prefix("0x") {
        let seed: [u8; 32] = hex::decode(hex_seed)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| KeyError("a 0x seed must be 32 bytes of hex".into()))?;
        Sr25519::from_secret_key(seed)
    } else if phrase.is_ascii() {
        let mnemonic = subxt_signer::bip39::Mnemonic::parse_normalized(phrase)
            .map_err(|e| KeyError(e.to_string()))?;
        Sr25519::from_phrase(&mnemonic, uri.password.as_ref().map(|p| p.expose_secret()))
    } else {
        return Err(KeyError(
            "the browser build takes mnemonics of English (ASCII) words only".into(),
        ));
    }
    .map_err(|e| KeyError(e.to_string()))?;
    Ok(root.derive(uri.junctions.iter().copied()))
}

/// Splits a secret URI as `sp_core`'s `SECRET_PHRASE_REGEX` does
/// (`phrase` `(//hard | /soft)*` `///password`), without the regex: subxt-signer's
/// parser is a regex, and the regex engine with its Unicode tables would be most of
/// the browser package's size. The unit tests check both parsers agree.
fn parse_secret_uri(uri: &str) -> Result<subxt_signer::SecretUri, KeyError> {
    let invalid = || KeyError("Invalid secret phrase format".into());
    let (body, password) = match uri.find("///") {
        Some(at) => (&uri[..at], Some(&uri[at + 3..])),
        None => (uri, None),
    };
    let (phrase, mut path) = body.split_at(body.find('/').unwrap_or(body.len()));
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == ' ';
    if !phrase.chars().all(word) {
        return Err(invalid());
    }
    let mut junctions = Vec::new();
    while let Some(rest) = path.strip_prefix('/') {
        // `rest` starts with the junction: `/name` (hard) or `name` (soft).
        let skip = usize::from(rest.starts_with('/'));
        let end = rest[skip..].find('/').map_or(rest.len(), |i| i + skip);
        if end == skip {
            return Err(invalid());
        }
        junctions.push(subxt_signer::DeriveJunction::from(&rest[..end]));
        path = &rest[end..];
    }
    Ok(subxt_signer::SecretUri {
        phrase: subxt_signer::SecretString::from(if phrase.is_empty() {
            subxt_signer::DEV_PHRASE.to_string()
        } else {
            phrase.to_string()
        }),
        password: password.map(|p| subxt_signer::SecretString::from(p.to_string())),
        junctions,
    })
}

/// A secret URI, mnemonic or seed that could not be turned into a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid secret URI: {0}")]
pub struct KeyError(String);

/// Checks one signature. Malformed keys or signatures are simply invalid.
pub fn verify(signer: &AccountId, message: &[u8], signature: &Signature) -> bool {
    let Ok(public) = schnorrkel::PublicKey::from_bytes(&signer.0) else {
        return false;
    };
    let Ok(sig) = schnorrkel::Signature::from_bytes(&signature.0) else {
        return false;
    };
    public.verify_simple(SIGNING_CONTEXT, message, &sig).is_ok()
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

fn verify_chunk(items: &[SignedMessage<'_>]) -> Vec<usize> {
    if batch_ok(items) {
        return Vec::new();
    }
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| !verify(item.signer, item.message, item.signature))
        .map(|(i, _)| i)
        .collect()
}

fn batch_ok(items: &[SignedMessage<'_>]) -> bool {
    let mut publics = Vec::with_capacity(items.len());
    let mut sigs = Vec::with_capacity(items.len());
    for item in items {
        let (Ok(public), Ok(sig)) = (
            schnorrkel::PublicKey::from_bytes(&item.signer.0),
            schnorrkel::Signature::from_bytes(&item.signature.0),
        ) else {
            return false;
        };
        publics.push(public);
        sigs.push(sig);
    }
    let context = schnorrkel::signing_context(SIGNING_CONTEXT);
    let transcripts = items.iter().map(|item| context.bytes(item.message));
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

    #[test]
    fn secret_uris_split_as_substrate_splits_them() {
        use subxt_signer::ExposeSecret;
        for uri in [
            "//Alice",
            "//Alice///pw",
            "//Alice//stash",
            "/soft//hard/3//4",
            "bottom drive obey lake curtain smoke basket hold race lonely fit walk//x",
            "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a//Alice",
            "//Alice//bad path///",
            "phrase with_underscore/soft///pass/with/slashes",
            "",
            "///only a password",
            "//",
            "bad-char//Alice",
            "//a//",
            "//a////b",
        ] {
            let ours = parse_secret_uri(uri);
            let theirs: Result<subxt_signer::SecretUri, _> = uri.parse();
            match (ours, theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.phrase.expose_secret(), b.phrase.expose_secret(), "{uri}");
                    assert_eq!(
                        a.password.as_ref().map(|p| p.expose_secret().to_string()),
                        b.password.as_ref().map(|p| p.expose_secret().to_string()),
                        "{uri}"
                    );
                    assert_eq!(a.junctions, b.junctions, "{uri}");
                }
                (Err(_), Err(_)) => {}
                (a, b) => panic!(
                    "{uri}: ours {:?}, subxt-signer's {:?}",
                    a.is_ok(),
                    b.is_ok()
                ),
            }
        }
    }

    #[test]
    fn alice_derives_as_substrate() {
        let alice = Keypair::from_uri("//Alice").expect("dev uri");
        assert_eq!(
            alice.account_id().to_ss58(),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        let bob = Keypair::from_uri("//Bob").expect("dev uri");
        assert_eq!(
            bob.account_id().to_ss58(),
            "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
        );
    }

    #[test]
    fn sign_and_verify() {
        let alice = Keypair::from_uri("//Alice").expect("dev uri");
        let sig = alice.sign(b"hello");
        assert!(verify(&alice.account_id(), b"hello", &sig));
        assert!(!verify(&alice.account_id(), b"hellp", &sig));
        assert!(!verify(&AccountId([0; 32]), b"hello", &sig));
        assert!(!verify(&alice.account_id(), b"hello", &Signature([0; 64])));
    }

    #[test]
    fn bad_uri_is_an_error() {
        assert!(Keypair::from_uri("not a mnemonic//x").is_err());
    }

    #[test]
    fn blake2_matches_known_vector() {
        assert_eq!(
            hex::encode(blake2_256(b"")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
    }
}
