//! Persistence backends for the runtime's store traits.

mod redb;

pub use self::redb::RedbStore;
