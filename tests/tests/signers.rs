//! Signers of every `MultiSignature` scheme against Substrate's own code (sp-core 32,
//! sp-runtime 35, the versions ink_sandbox runs): the same URI gives the same key and
//! account, a Substrate signature verifies here, a Carechain signature verifies there,
//! and both sides agree on signatures that should fail. Then an ecdsa and an ed25519
//! account pay for and submit transactions on a chain.

use carechain_runtime::{
    verify, AccountId, Call, Keypair, NoVm, Outcome, Scheme, Signature, Transaction, Weight,
};
use carechain_tests::{dev, dev_chain, signed};
use parity_scale_codec::{Decode, Encode};
use sp_core::crypto::Pair as _;
use sp_runtime::traits::{IdentifyAccount, Verify};

const URIS: [&str; 4] = [
    "//Alice",
    "//Bob//stash",
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk//hard//x///pw",
    "0x398f0c28f98885e046333d4a41c19cee4c37368a9832c6502f6cfd182e2aef89//Ferdie",
];

/// Signs as sp-core does, giving a `MultiSignature`.
type SubstrateSigner = Box<dyn Fn(&[u8]) -> sp_runtime::MultiSignature>;

/// sp-core's pair for `uri`, as a `MultiSigner`, and its signer.
fn substrate(scheme: Scheme, uri: &str) -> (sp_runtime::MultiSigner, SubstrateSigner) {
    match scheme {
        Scheme::Sr25519 => {
            let p = sp_core::sr25519::Pair::from_string(uri, None).expect("uri");
            (p.public().into(), Box::new(move |m| p.sign(m).into()))
        }
        Scheme::Ed25519 => {
            let p = sp_core::ed25519::Pair::from_string(uri, None).expect("uri");
            (p.public().into(), Box::new(move |m| p.sign(m).into()))
        }
        Scheme::Ecdsa => {
            let p = sp_core::ecdsa::Pair::from_string(uri, None).expect("uri");
            (p.public().into(), Box::new(move |m| p.sign(m).into()))
        }
    }
}

fn ours(sig: &sp_runtime::MultiSignature) -> Signature {
    Signature::decode(&mut &sig.encode()[..]).expect("MultiSignature bytes are a Signature")
}

#[test]
fn keys_accounts_and_signatures_are_substrates_in_every_scheme() {
    let message = b"carechain transaction payload";
    for scheme in [Scheme::Sr25519, Scheme::Ed25519, Scheme::Ecdsa] {
        for uri in URIS {
            let key = Keypair::from_uri_as(scheme, uri).expect("uri");
            let (signer, sign) = substrate(scheme, uri);
            let public: &[u8] = match &signer {
                sp_runtime::MultiSigner::Sr25519(p) => p.as_ref(),
                sp_runtime::MultiSigner::Ed25519(p) => p.as_ref(),
                sp_runtime::MultiSigner::Ecdsa(p) => p.as_ref(),
            };
            assert_eq!(key.public_key(), public, "{scheme} {uri}: public key");
            let account: [u8; 32] = *signer.clone().into_account().as_ref();
            assert_eq!(
                key.account_id(),
                AccountId(account),
                "{scheme} {uri}: account"
            );

            // Substrate signs, Carechain verifies; and the other way round.
            let theirs = sign(message);
            assert!(
                verify(&key.account_id(), message, &ours(&theirs)),
                "{scheme} {uri}"
            );
            let mine = key.sign(message);
            let as_multi = sp_runtime::MultiSignature::decode(&mut &mine.encode()[..])
                .expect("a Signature is MultiSignature bytes");
            assert!(
                as_multi.verify(&message[..], &signer.clone().into_account()),
                "{scheme} {uri}: sp-runtime refuses Carechain's signature"
            );
            // Both refuse another message and another account.
            let other = Keypair::from_uri_as(scheme, "//Eve")
                .expect("uri")
                .account_id();
            assert!(!verify(&key.account_id(), b"other", &ours(&theirs)));
            assert!(!verify(&other, message, &ours(&theirs)));
        }
    }
}

/// A high-S ecdsa signature and Ethereum's `v` of 27/28: sp-runtime accepts both (its
/// recovery is libsecp256k1's), and so must Carechain; an invalid recovery id fails both.
#[test]
fn ecdsa_edge_signatures_get_substrates_verdict() {
    let message = b"edge";
    let (signer, sign) = substrate(Scheme::Ecdsa, "//Alice");
    let account = signer.into_account();
    let sp_runtime::MultiSignature::Ecdsa(sig) = sign(message) else {
        unreachable!("an ecdsa pair signs ecdsa")
    };
    let bytes: [u8; 65] = sig.0;
    // s' = n - s, with the recovery id's parity flipped: the same key recovers.
    let n = hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        .expect("hex");
    let mut high = bytes;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(bytes[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        high[32 + i] = (d + 256 * borrow) as u8;
    }
    high[64] ^= 1;
    let mut eth = bytes;
    eth[64] += 27;
    let mut bad_id = bytes;
    bad_id[64] = 4;
    for (what, candidate) in [("high-S", high), ("v + 27", eth), ("v = 4", bad_id)] {
        let theirs =
            sp_runtime::MultiSignature::Ecdsa(sp_core::ecdsa::Signature::from_raw(candidate))
                .verify(&message[..], &account);
        let ours = verify(
            &AccountId(*account.as_ref()),
            message,
            &Signature::Ecdsa(candidate),
        );
        assert_eq!(
            ours, theirs,
            "{what}: Carechain {ours}, sp-runtime {theirs}"
        );
    }
}

#[test]
fn ecdsa_and_ed25519_accounts_pay_for_and_submit_transactions() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let ecdsa = Keypair::from_suri("ecdsa://Alice").expect("uri");
    let ed25519 = Keypair::from_suri("ed25519://Alice").expect("uri");
    let fund = |nonce, to: &Keypair| {
        signed(
            &alice,
            g,
            nonce,
            Weight::new(10_000_000_000, 100_000),
            Call::Transfer {
                dest: to.account_id(),
                value: 1 << 50,
            },
        )
    };
    let produced = chain
        .produce_block(vec![fund(0, &ecdsa), fund(1, &ed25519)], 1, &NoVm)
        .expect("block");
    assert!(produced.rejected.is_empty(), "{:?}", produced.rejected);
    let bob = dev("Bob").account_id();
    let spend = |key: &Keypair| {
        Transaction {
            genesis_hash: g,
            signer: key.account_id(),
            nonce: 0,
            gas_limit: Weight::new(10_000_000_000, 100_000),
            storage_deposit_limit: None,
            call: Call::Transfer {
                dest: bob,
                value: 1_000,
            },
        }
        .sign(key)
    };
    let (from_ecdsa, from_ed25519) = (spend(&ecdsa), spend(&ed25519));
    assert!(matches!(from_ecdsa.signature, Signature::Ecdsa(_)));
    assert!(matches!(from_ed25519.signature, Signature::Ed25519(_)));
    // A signature of the other scheme for the same account does not pass.
    let mut forged = from_ecdsa.clone();
    forged.signature = ed25519.sign(&forged.transaction.signing_payload());
    assert!(!forged.signature_is_valid());
    let before = chain.account(&bob).expect("bob").balance;
    let produced = chain
        .produce_block(vec![from_ecdsa, from_ed25519], 2, &NoVm)
        .expect("block");
    assert!(produced.rejected.is_empty(), "{:?}", produced.rejected);
    assert!(produced
        .receipts
        .iter()
        .all(|r| r.outcome == Outcome::Success));
    assert_eq!(chain.account(&bob).expect("bob").balance, before + 2_000);
}
