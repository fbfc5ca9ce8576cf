//! [`DbError`]: opening and using the redb database, wrapping the runtime's errors.

use carechain_runtime::{RuntimeError, StoreError};

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
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

impl From<StoreError> for DbError {
    fn from(e: StoreError) -> Self {
        DbError::Runtime(e.into())
    }
}
