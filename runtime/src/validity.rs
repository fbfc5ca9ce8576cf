//! Transaction validity: the checks a transaction must pass before it may touch state.
//!
//! A transaction that fails here is not part of any block and changes nothing, not
//! even its signer's nonce. Signatures are checked for a whole block at once
//! ([`verify_signatures`]); the rest needs the state ([`check_stateful`]).

use parity_scale_codec::Encode;

use crate::crypto::{verify_batch, SignedMessage};
use crate::executive::weight_bound;
use crate::gas::Weight;
use crate::primitives::{Balance, Hash, Nonce};
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
    /// The signer cannot pay the most the transaction may cost and stay alive.
    #[error("the signer cannot pay the fee: it may cost {fee} and the signer has {free} free (the existential deposit stays)")]
    CannotPayFee {
        /// The fee of the transaction's weight bound and length.
        fee: Balance,
        /// The signer's free balance.
        free: Balance,
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

/// The most `tx` may cost: the fee of its [`weight_bound`] and its length, withdrawn
/// before it runs (pallet-transaction-payment's pre-dispatch fee).
pub fn max_fee(tx: &SignedTransaction, config: &ChainConfig) -> Balance {
    config.fee(weight_bound(tx, config), tx.encoded_size())
}

/// The checks that need state: genesis hash, size, gas limit, nonce and fee.
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
    let signer = state.account(&t.signer)?;
    let expected = signer.nonce;
    match t.nonce.cmp(&expected) {
        core::cmp::Ordering::Less => {
            return Err(TxError::StaleNonce {
                expected,
                got: t.nonce,
            })
        }
        core::cmp::Ordering::Greater => {
            return Err(TxError::FutureNonce {
                expected,
                got: t.nonce,
            })
        }
        core::cmp::Ordering::Equal => {}
    }
    let fee = max_fee(tx, config);
    // Withdrawn keeping the signer alive, as pallet-transaction-payment does.
    let affordable = signer
        .balance
        .checked_sub(fee)
        .is_some_and(|left| left >= config.existential_deposit);
    if fee > 0 && !affordable {
        return Err(TxError::CannotPayFee {
            fee,
            free: signer.balance,
        });
    }
    Ok(())
}
