//! Transaction validity: the checks a transaction must pass before it may touch state.
//!
//! A transaction that fails here is not part of any block and changes nothing, not
//! even its signer's nonce. Signatures are checked for a whole block at once
//! ([`verify_signatures`]); the rest needs the state ([`check_stateful`]).

use parity_scale_codec::Encode;

use crate::crypto::{verify_batch, SignedMessage};
use crate::gas::Weight;
use crate::primitives::{Hash, Nonce};
use crate::schedule::ChainConfig;
use crate::state::{StateError, StateExt};
use crate::transaction::SignedTransaction;

/// Why a transaction is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The signature is not the signer's over this transaction.
    #[error("invalid signature: not signed by the signer's key over this transaction")]
    BadSignature,
    /// Signed for another chain.
    #[error("wrong genesis hash: signed for chain {got}, this chain is {expected}")]
    WrongGenesis {
        /// This chain's genesis hash.
        expected: Hash,
        /// The transaction's.
        got: Hash,
    },
    /// The nonce was already used: a replay.
    #[error("nonce {got} already used (replay); the signer's next nonce is {expected}")]
    StaleNonce {
        /// The signer's next nonce.
        expected: Nonce,
        /// The transaction's.
        got: Nonce,
    },
    /// The nonce is ahead of the signer's next one.
    #[error("nonce {got} is in the future; the signer's next nonce is {expected}")]
    FutureNonce {
        /// The signer's next nonce.
        expected: Nonce,
        /// The transaction's.
        got: Nonce,
    },
    /// Asks for more gas than one transaction may use.
    #[error("gas limit {requested:?} exceeds the per-transaction maximum {max:?}")]
    GasLimitTooHigh {
        /// The transaction's gas limit.
        requested: Weight,
        /// The schedule's maximum.
        max: Weight,
    },
    /// The block's gas is used up; the transaction may fit a later block.
    #[error("block gas limit reached")]
    BlockFull,
    /// The encoded transaction is larger than allowed.
    #[error("transaction is {len} bytes; the maximum is {max}")]
    TooLarge {
        /// Encoded length.
        len: usize,
        /// The schedule's maximum.
        max: u32,
    },
    /// State could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Checks every signature of `transactions` as a parallel batch.
///
/// # Errors
/// The indices of the transactions whose signatures are invalid.
pub fn verify_signatures(transactions: &[SignedTransaction]) -> Result<(), Vec<usize>> {
    let payloads: Vec<Vec<u8>> = transactions
        .iter()
        .map(|tx| tx.transaction.signing_payload())
        .collect();
    let items: Vec<SignedMessage<'_>> = transactions
        .iter()
        .zip(&payloads)
        .map(|(tx, payload)| SignedMessage {
            signer: &tx.transaction.signer,
            message: payload,
            signature: &tx.signature,
        })
        .collect();
    verify_batch(&items).map_err(|bad| bad.0)
}

/// The checks that need state: genesis hash, size, gas limit and nonce.
///
/// # Errors
/// [`TxError`] naming the first check that fails.
pub fn check_stateful<S: StateExt + ?Sized>(
    tx: &SignedTransaction,
    genesis_hash: &Hash,
    config: &ChainConfig,
    state: &S,
) -> Result<(), TxError> {
    let t = &tx.transaction;
    if t.genesis_hash != *genesis_hash {
        return Err(TxError::WrongGenesis {
            expected: *genesis_hash,
            got: t.genesis_hash,
        });
    }
    let limits = &config.schedule.limits;
    let len = tx.encoded_size();
    if len > limits.max_tx_len as usize {
        return Err(TxError::TooLarge {
            len,
            max: limits.max_tx_len,
        });
    }
    if t.gas_limit.any_gt(limits.max_tx_gas) {
        return Err(TxError::GasLimitTooHigh {
            requested: t.gas_limit,
            max: limits.max_tx_gas,
        });
    }
    let expected = state.account(&t.signer)?.nonce;
    match t.nonce.cmp(&expected) {
        core::cmp::Ordering::Less => Err(TxError::StaleNonce {
            expected,
            got: t.nonce,
        }),
        core::cmp::Ordering::Greater => Err(TxError::FutureNonce {
            expected,
            got: t.nonce,
        }),
        core::cmp::Ordering::Equal => Ok(()),
    }
}
