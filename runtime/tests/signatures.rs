//! Batch signature verification finds exactly the bad signatures, whatever mix of
//! sr25519, ed25519 and ecdsa signers the batch holds.

use carechain_runtime::{verify_batch, Keypair, Scheme, Signature, SignedMessage};
use proptest::prelude::*;

/// `sig` with one bit of its bytes flipped.
fn flipped(sig: Signature, at: usize) -> Signature {
    match sig {
        Signature::Sr25519(mut b) => {
            b[at % 64] ^= 0x01;
            Signature::Sr25519(b)
        }
        Signature::Ed25519(mut b) => {
            b[at % 64] ^= 0x01;
            Signature::Ed25519(b)
        }
        Signature::Ecdsa(mut b) => {
            b[at % 64] ^= 0x01;
            Signature::Ecdsa(b)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn a_batch_with_one_bad_signature_is_rejected_and_the_bad_one_named(
        n in 1usize..160,
        bad in any::<prop::sample::Index>(),
        flip in 0usize..64,
        mixed in any::<bool>(),
    ) {
        let schemes: &[Scheme] = if mixed {
            &[Scheme::Sr25519, Scheme::Ed25519, Scheme::Ecdsa]
        } else {
            &[Scheme::Sr25519]
        };
        let keys: Vec<Keypair> = schemes
            .iter()
            .map(|s| Keypair::from_uri_as(*s, "//Alice").expect("dev uri"))
            .collect();
        let key = |i: usize| &keys[i % keys.len()];
        let signers: Vec<_> = (0..n).map(|i| key(i).account_id()).collect();
        let messages: Vec<Vec<u8>> = (0..n).map(|i| format!("tx {i}").into_bytes()).collect();
        let mut signatures: Vec<Signature> =
            messages.iter().enumerate().map(|(i, m)| key(i).sign(m)).collect();
        let batch = |sigs: &[Signature]| {
            let items: Vec<SignedMessage<'_>> = sigs
                .iter()
                .enumerate()
                .map(|(i, s)| SignedMessage { signer: &signers[i], message: &messages[i], signature: s })
                .collect();
            verify_batch(&items)
        };
        prop_assert!(batch(&signatures).is_ok());
        let bad = bad.index(n);
        signatures[bad] = flipped(signatures[bad], flip);
        let err = batch(&signatures).expect_err("a bad signature must fail the batch");
        prop_assert_eq!(err.0, vec![bad]);
    }
}
