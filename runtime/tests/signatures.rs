//! Batch signature verification finds exactly the bad signatures.

use carechain_runtime::{verify_batch, Keypair, Signature, SignedMessage};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn a_batch_with_one_bad_signature_is_rejected_and_the_bad_one_named(
        n in 1usize..160,
        bad in any::<prop::sample::Index>(),
        flip in 0usize..64,
    ) {
        let key = Keypair::from_uri("//Alice").expect("dev uri");
        let signer = key.account_id();
        let messages: Vec<Vec<u8>> = (0..n).map(|i| format!("tx {i}").into_bytes()).collect();
        let mut signatures: Vec<Signature> = messages.iter().map(|m| key.sign(m)).collect();
        let items = |sigs: &[Signature]| -> Vec<(usize, Signature)> { sigs.iter().copied().enumerate().collect() };
        let batch = |sigs: &[(usize, Signature)]| {
            let items: Vec<SignedMessage<'_>> = sigs
                .iter()
                .map(|(i, s)| SignedMessage { signer: &signer, message: &messages[*i], signature: s })
                .collect();
            verify_batch(&items)
        };
        prop_assert!(batch(&items(&signatures)).is_ok());
        let bad = bad.index(n);
        signatures[bad].0[flip] ^= 0x01;
        let err = batch(&items(&signatures)).expect_err("a bad signature must fail the batch");
        prop_assert_eq!(err.0, vec![bad]);
    }
}
