//! Key pairs of Substrate's three signature schemes, derived from secret URIs
//! (`//Alice`, `<mnemonic>//hard/soft///password`, a `0x` seed) exactly as `sp-core`
//! derives them, so the same URI is the same account here, in `subkey` and in
//! polkadot.js.
//!
//! - sr25519 (the default): subxt-signer, with hard and soft junctions.
//! - ed25519: the 32-byte seed is the secret key (ed25519-zebra, as `sp-core`); the
//!   account is the public key.
//! - ecdsa (secp256k1): the seed is the secret scalar (k256); the account is the
//!   BLAKE2b-256 of the 33-byte compressed public key, as `MultiSigner` maps it.
//!
//! ed25519 and ecdsa keys take hard junctions only (`//name`), as in `sp-core`; each is
//! `blake2_256(SCALE(("Ed25519HDKD" | "Secp256k1HDKD", seed, chain_code)))`.

use parity_scale_codec::Encode;

use crate::crypto::{blake2_256, Signature};
use crate::primitives::AccountId;

/// A signature scheme, as `sp_runtime::MultiSignature` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Scheme {
    /// Schnorr over Ristretto25519 (Substrate's default).
    #[default]
    Sr25519,
    /// Ed25519.
    Ed25519,
    /// ECDSA over secp256k1, on BLAKE2b-256 of the message.
    Ecdsa,
}

impl core::str::FromStr for Scheme {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, KeyError> {
        match s.to_ascii_lowercase().as_str() {
            "sr25519" => Ok(Scheme::Sr25519),
            "ed25519" => Ok(Scheme::Ed25519),
            "ecdsa" => Ok(Scheme::Ecdsa),
            _ => Err(KeyError(format!(
                "`{s}` is not a signature scheme: sr25519, ed25519 or ecdsa"
            ))),
        }
    }
}

impl core::fmt::Display for Scheme {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Scheme::Sr25519 => "sr25519",
            Scheme::Ed25519 => "ed25519",
            Scheme::Ecdsa => "ecdsa",
        })
    }
}

/// A key pair of any [`Scheme`]. The secret never leaves this value.
#[derive(Clone)]
pub struct Keypair(Inner);

#[derive(Clone)]
enum Inner {
    Sr25519(subxt_signer::sr25519::Keypair),
    Ed25519(ed25519_zebra::SigningKey),
    Ecdsa(k256::ecdsa::SigningKey),
}

impl Keypair {
    /// An sr25519 key pair from a secret URI: `//Alice`,
    /// `<mnemonic>//hard/soft///password` or a `0x` seed, exactly as Substrate's
    /// `Pair::from_string` derives it.
    ///
    /// # Errors
    /// [`KeyError`] when the URI, mnemonic or seed is malformed.
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        Self::from_uri_as(Scheme::Sr25519, uri)
    }

    /// A key pair from a secret URI that may name its scheme first: `ecdsa://Alice`,
    /// `ed25519:<mnemonic>//hard`, `sr25519://Bob`; without a prefix, sr25519. This is
    /// how the CLI reads `--suri` and `--endow`.
    ///
    /// # Errors
    /// As [`Keypair::from_uri_as`].
    pub fn from_suri(text: &str) -> Result<Self, KeyError> {
        for scheme in [Scheme::Sr25519, Scheme::Ed25519, Scheme::Ecdsa] {
            let prefix = format!("{scheme}:");
            if let Some(uri) = text.strip_prefix(prefix.as_str()) {
                return Self::from_uri_as(scheme, uri);
            }
        }
        Self::from_uri(text)
    }

    /// A key pair of `scheme` from a secret URI, as `sp-core`'s `Pair::from_string`
    /// of that scheme derives it.
    ///
    /// # Errors
    /// [`KeyError`] when the URI, mnemonic or seed is malformed, or an ed25519 or
    /// ecdsa URI has a soft junction.
    pub fn from_uri_as(scheme: Scheme, uri: &str) -> Result<Self, KeyError> {
        let parsed = parse_secret_uri(uri)?;
        match scheme {
            Scheme::Sr25519 => keypair_from(&parsed).map(|k| Keypair(Inner::Sr25519(k))),
            Scheme::Ed25519 => {
                let seed = hard_derived(&parsed, "Ed25519HDKD")?;
                Ok(Keypair(Inner::Ed25519(ed25519_zebra::SigningKey::from(
                    seed,
                ))))
            }
            Scheme::Ecdsa => {
                let seed = hard_derived(&parsed, "Secp256k1HDKD")?;
                k256::ecdsa::SigningKey::from_bytes(&seed.into())
                    .map(|k| Keypair(Inner::Ecdsa(k)))
                    .map_err(|_| KeyError("the seed is not a valid secp256k1 secret key".into()))
            }
        }
    }

    /// Its scheme.
    pub fn scheme(&self) -> Scheme {
        match &self.0 {
            Inner::Sr25519(_) => Scheme::Sr25519,
            Inner::Ed25519(_) => Scheme::Ed25519,
            Inner::Ecdsa(_) => Scheme::Ecdsa,
        }
    }

    /// The public key: 32 bytes, or 33 (compressed) for ecdsa.
    pub fn public_key(&self) -> Vec<u8> {
        match &self.0 {
            Inner::Sr25519(k) => k.public_key().0.to_vec(),
            Inner::Ed25519(k) => <[u8; 32]>::from(ed25519_zebra::VerificationKey::from(k)).to_vec(),
            Inner::Ecdsa(k) => k.verifying_key().to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    /// The account: the public key, or for ecdsa its BLAKE2b-256 (`MultiSigner`'s
    /// `into_account`).
    pub fn account_id(&self) -> AccountId {
        match &self.0 {
            Inner::Sr25519(k) => AccountId(k.public_key().0),
            Inner::Ed25519(k) => AccountId(ed25519_zebra::VerificationKey::from(k).into()),
            Inner::Ecdsa(_) => AccountId(blake2_256(&self.public_key())),
        }
    }

    /// Signs `message`: sr25519 under [`crate::SIGNING_CONTEXT`], ed25519 as is, ecdsa
    /// over `blake2_256(message)` with the recovery id, as `sp-core` signs.
    pub fn sign(&self, message: &[u8]) -> Signature {
        match &self.0 {
            Inner::Sr25519(k) => Signature::Sr25519(k.sign(message).0),
            Inner::Ed25519(k) => Signature::Ed25519(k.sign(message).into()),
            Inner::Ecdsa(k) => {
                let mut out = [0u8; 65];
                // RFC 6979 nonces, low-S: deterministic, and a signature libsecp256k1
                // (Substrate's verifier) accepts. Signing a 32-byte digest cannot fail.
                if let Ok((sig, id)) = k.sign_prehash_recoverable(&blake2_256(message)) {
                    out[..64].copy_from_slice(&sig.to_bytes());
                    out[64] = id.to_byte();
                }
                Signature::Ecdsa(out)
            }
        }
    }
}

impl core::fmt::Debug for Keypair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Keypair({} {})", self.scheme(), self.account_id())
    }
}

/// The 32-byte seed of an ed25519 or ecdsa URI after its hard junctions, as
/// `sp-core`'s `Pair::from_string_with_seed` for those schemes.
fn hard_derived(uri: &subxt_signer::SecretUri, tag: &str) -> Result<[u8; 32], KeyError> {
    use subxt_signer::ExposeSecret;
    let phrase = uri.phrase.expose_secret();
    let password = uri.password.as_ref().map_or("", |p| p.expose_secret());
    let mut seed = if let Some(hex_seed) = phrase.strip_prefix("0x") {
        hex::decode(hex_seed)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| KeyError("a 0x seed must be 32 bytes of hex".into()))?
    } else {
        let entropy = mnemonic_entropy(phrase)?;
        let big = seed_from_entropy(&entropy, password)?;
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&big[..32]);
        seed
    };
    for junction in &uri.junctions {
        if junction.is_soft() {
            return Err(KeyError(format!(
                "{} keys take hard junctions only (`//name`), as in sp-core",
                if tag.starts_with("Ed") {
                    "ed25519"
                } else {
                    "ecdsa"
                }
            )));
        }
        seed = blake2_256(&(tag, seed, *junction.inner()).encode());
    }
    Ok(seed)
}

/// A BIP-39 phrase's entropy (English words; NFKD applies only to non-ASCII input,
/// which the browser build refuses, as for sr25519).
fn mnemonic_entropy(phrase: &str) -> Result<Vec<u8>, KeyError> {
    let mnemonic = if phrase.is_ascii() {
        subxt_signer::bip39::Mnemonic::parse_normalized(phrase)
    } else {
        #[cfg(target_arch = "wasm32")]
        return Err(KeyError(
            "the browser build takes mnemonics of English (ASCII) words only".into(),
        ));
        #[cfg(not(target_arch = "wasm32"))]
        subxt_signer::bip39::Mnemonic::parse(phrase)
    };
    mnemonic
        .map(|m| m.to_entropy())
        .map_err(|e| KeyError(e.to_string()))
}

/// `substrate-bip39`'s `seed_from_entropy`: PBKDF2-HMAC-SHA512 of the entropy, salted
/// with `"mnemonic"` and the password, 2048 rounds.
fn seed_from_entropy(entropy: &[u8], password: &str) -> Result<[u8; 64], KeyError> {
    if entropy.len() < 16 || entropy.len() > 32 || !entropy.len().is_multiple_of(4) {
        return Err(KeyError(
            "the mnemonic's entropy has an invalid length".into(),
        ));
    }
    let salt = format!("mnemonic{password}");
    let mut seed = [0u8; 64];
    pbkdf2::pbkdf2::<hmac::Hmac<sha2::Sha512>>(entropy, salt.as_bytes(), 2048, &mut seed)
        .map_err(|e| KeyError(e.to_string()))?;
    Ok(seed)
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
    // sp-core reads the password up to a newline and refuses what follows.
    if password.is_some_and(|p| p.contains('\n')) {
        return Err(invalid());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::verify;

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
            "//Alice///pw\nx",
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
    fn bad_uri_is_an_error() {
        assert!(Keypair::from_uri("not a mnemonic//x").is_err());
    }

    #[test]
    fn dev_accounts_derive_as_substrate_in_every_scheme() {
        let alice = |scheme| Keypair::from_uri_as(scheme, "//Alice").expect("dev uri");
        assert_eq!(
            alice(Scheme::Sr25519).account_id().to_ss58(),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        // sp-core's well-known dev keys (`subkey inspect --scheme ... //Alice`).
        assert_eq!(
            hex::encode(alice(Scheme::Ed25519).public_key()),
            "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
        );
        assert_eq!(
            hex::encode(alice(Scheme::Ecdsa).public_key()),
            "020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1"
        );
        assert_eq!(
            alice(Scheme::Ecdsa).account_id().0,
            blake2_256(&alice(Scheme::Ecdsa).public_key())
        );
    }

    #[test]
    fn every_scheme_signs_what_only_its_account_verifies() {
        for scheme in [Scheme::Sr25519, Scheme::Ed25519, Scheme::Ecdsa] {
            let key = Keypair::from_uri_as(scheme, "//Alice").expect("uri");
            let other = Keypair::from_uri_as(scheme, "//Bob").expect("uri");
            let sig = key.sign(b"hello");
            assert!(verify(&key.account_id(), b"hello", &sig), "{scheme}");
            assert!(!verify(&key.account_id(), b"hellp", &sig), "{scheme}");
            assert!(!verify(&other.account_id(), b"hello", &sig), "{scheme}");
        }
    }

    #[test]
    fn ed25519_and_ecdsa_refuse_soft_junctions() {
        for scheme in [Scheme::Ed25519, Scheme::Ecdsa] {
            assert!(Keypair::from_uri_as(scheme, "//Alice/soft").is_err());
            assert!(Keypair::from_uri_as(scheme, "//Alice//hard").is_ok());
        }
        assert!(Keypair::from_uri_as(Scheme::Sr25519, "//Alice/soft").is_ok());
        assert_eq!("ECDSA".parse::<Scheme>(), Ok(Scheme::Ecdsa));
        assert!("rsa".parse::<Scheme>().is_err());
    }

    #[test]
    fn a_scheme_prefix_picks_the_scheme() {
        let id = |text| Keypair::from_suri(text).expect("uri").account_id();
        let of = |scheme, uri| Keypair::from_uri_as(scheme, uri).expect("uri").account_id();
        assert_eq!(id("ecdsa://Alice"), of(Scheme::Ecdsa, "//Alice"));
        assert_eq!(id("ed25519://Alice"), of(Scheme::Ed25519, "//Alice"));
        assert_eq!(id("sr25519://Alice"), id("//Alice"));
        assert_ne!(id("ecdsa://Alice"), id("//Alice"));
    }
}
