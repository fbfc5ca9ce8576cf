//! [`HostError`]: failures of the host's own parts, wrapping the runtime's.

use carechain_runtime::{RuntimeError, StoreError};

/// A host failure.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The runtime refused or failed.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The database could not be opened or created.
    #[error("cannot open database {path}: {reason}")]
    OpenDatabase {
        /// Its path.
        path: String,
        /// redb's explanation.
        reason: String,
    },
    /// File system failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<StoreError> for HostError {
    fn from(e: StoreError) -> Self {
        HostError::Runtime(e.into())
    }
}
