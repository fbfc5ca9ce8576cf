//! [`RuntimeError`]: every error the runtime can return, for callers that handle them alike.

use crate::chain::ChainError;
use crate::keys::KeyError;
use crate::primitives::{ParseHexError, Ss58Error};
use crate::state::StateError;
use crate::store::StoreError;
use crate::trie::proof::ProofError;
use crate::trie::TrieError;
use crate::validity::TxError;

/// Any runtime error. Each module's own error converts into it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// See [`ChainError`].
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// See [`TxError`].
    #[error(transparent)]
    Transaction(#[from] TxError),
    /// See [`StateError`].
    #[error(transparent)]
    State(#[from] StateError),
    /// See [`TrieError`].
    #[error(transparent)]
    Trie(#[from] TrieError),
    /// See [`ProofError`].
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// See [`StoreError`].
    #[error(transparent)]
    Store(#[from] StoreError),
    /// See [`Ss58Error`].
    #[error(transparent)]
    Ss58(#[from] Ss58Error),
    /// See [`KeyError`].
    #[error(transparent)]
    Key(#[from] KeyError),
    /// See [`ParseHexError`].
    #[error(transparent)]
    Hex(#[from] ParseHexError),
}

/// A runtime result.
pub type Result<T, E = RuntimeError> = core::result::Result<T, E>;
