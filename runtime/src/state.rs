//! The key schema of the state trie, and [`StateDb`]: the overlay read through to the trie.
//!
//! Every key the runtime or VM writes is built here, so the layout has one home:
//!
//! | key | value |
//! |---|---|
//! | `:config` | [`ChainConfig`] |
//! | `acct` ++ account id | [`AccountInfo`] |
//! | `code` ++ code hash | contract WASM |
//! | `cdinfo` ++ code hash | [`CodeInfo`]: owner, deposit, refcount |
//! | `cinfo` ++ contract address | [`ContractInfo`] |
//! | `:nonce` | the instantiation nonce (u64), as pallet-contracts' `Nonce` |
//! | `cstor` ++ trie id ++ storage key | a contract's storage value |
//!
//! Contract storage is namespaced by the instance's trie id (a fixed 32 bytes, fresh
//! for every instantiation, as pallet-contracts derives it), so two contracts can
//! never reach each other's keys, and a contract re-created at the address of a
//! terminated one never sees the old storage.

use parity_scale_codec::{Decode, Encode};

use crate::account::AccountInfo;
use crate::overlay::{NoCheckpoint, Overlay};
use crate::primitives::{AccountId, Balance, CodeHash, Hash};
use crate::schedule::ChainConfig;
use crate::store::NodeStore;
use crate::trie::{Trie, TrieError, TrieUpdate};

const CONFIG_KEY: &[u8] = b":config";
const NONCE_KEY: &[u8] = b":nonce";
const ACCOUNT_PREFIX: &[u8] = b"acct";
const CODE_PREFIX: &[u8] = b"code";
const CODE_INFO_PREFIX: &[u8] = b"cdinfo";
const CONTRACT_INFO_PREFIX: &[u8] = b"cinfo";
const CONTRACT_STORAGE_PREFIX: &[u8] = b"cstor";

fn prefixed(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let len = prefix.len() + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut key = Vec::with_capacity(len);
    key.extend_from_slice(prefix);
    for part in parts {
        key.extend_from_slice(part);
    }
    key
}

/// Key of the chain configuration.
pub fn config_key() -> Vec<u8> {
    CONFIG_KEY.to_vec()
}

/// Key of an account's nonce and balance.
pub fn account_key(who: &AccountId) -> Vec<u8> {
    prefixed(ACCOUNT_PREFIX, &[&who.0])
}

/// Key of uploaded code.
pub fn code_key(hash: &CodeHash) -> Vec<u8> {
    prefixed(CODE_PREFIX, &[&hash.0])
}

/// Key of uploaded code's owner, deposit and refcount.
pub fn code_info_key(hash: &CodeHash) -> Vec<u8> {
    prefixed(CODE_INFO_PREFIX, &[&hash.0])
}

/// Key of a contract's metadata.
pub fn contract_info_key(contract: &AccountId) -> Vec<u8> {
    prefixed(CONTRACT_INFO_PREFIX, &[&contract.0])
}

/// Key of one entry of a contract's own storage.
pub fn contract_storage_key(trie_id: &Hash, key: &[u8]) -> Vec<u8> {
    prefixed(CONTRACT_STORAGE_PREFIX, &[&trie_id.0, key])
}

/// The contract's own storage key inside a state key made by
/// [`contract_storage_key`], or `None` for any other state key.
pub fn contract_key_of(state_key: &[u8]) -> Option<&[u8]> {
    state_key
        .strip_prefix(CONTRACT_STORAGE_PREFIX)?
        .get(core::mem::size_of::<Hash>()..)
}

/// The trie id and the contract's own key of a state key made by
/// [`contract_storage_key`], or `None` for any other state key.
pub(crate) fn split_contract_key(state_key: &[u8]) -> Option<(Hash, &[u8])> {
    let rest = state_key.strip_prefix(CONTRACT_STORAGE_PREFIX)?;
    let id: [u8; 32] = rest.get(..32)?.try_into().ok()?;
    Some((Hash(id), rest.get(32..)?))
}

/// Key of the instantiation nonce.
pub fn nonce_key() -> Vec<u8> {
    NONCE_KEY.to_vec()
}

/// What the chain keeps about a contract instance.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ContractInfo {
    /// The code it runs (changed by `set_code_hash`).
    pub code_hash: CodeHash,
    /// Who instantiated it.
    pub deployer: AccountId,
    /// Namespace of its storage: [`crate::trie_id`] of its address and nonce.
    pub trie_id: Hash,
    /// Code hashes it has locked as delegate dependencies (sorted, no duplicates).
    pub delegate_dependencies: Vec<CodeHash>,
    /// Bytes of value it stores (keys not counted, as on pallet-contracts).
    pub storage_bytes: u32,
    /// Items it stores.
    pub storage_items: u32,
    /// Deposit held for its bytes.
    pub storage_byte_deposit: Balance,
    /// Deposit held for its items.
    pub storage_item_deposit: Balance,
    /// Deposit held for its record and account (see [`crate::deposit::base_deposit`]).
    pub storage_base_deposit: Balance,
}

impl ContractInfo {
    /// A fresh record: nothing stored, nothing held yet.
    pub fn new(code_hash: CodeHash, deployer: AccountId, trie_id: Hash) -> Self {
        ContractInfo {
            code_hash,
            deployer,
            trie_id,
            delegate_dependencies: Vec::new(),
            storage_bytes: 0,
            storage_items: 0,
            storage_byte_deposit: 0,
            storage_item_deposit: 0,
            storage_base_deposit: 0,
        }
    }

    /// What terminating it pays back to the origin (pallet-contracts'
    /// `total_deposit`): all it holds; the existential deposit goes to the beneficiary
    /// with the free balance.
    pub fn total_deposit(&self, existential_deposit: Balance) -> Balance {
        self.storage_byte_deposit
            .saturating_add(self.storage_item_deposit)
            .saturating_add(self.storage_base_deposit)
            .saturating_sub(existential_deposit)
    }
}

/// What the chain keeps about uploaded code (pallet-contracts' `CodeInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct CodeInfo {
    /// Who uploaded it, and holds its deposit.
    pub owner: AccountId,
    /// The deposit held on the owner, released when the code is removed.
    pub deposit: Balance,
    /// Contracts running it (and locking it as a delegate dependency): it can be
    /// removed only at zero.
    pub refcount: u64,
}

/// A failure reading state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// The trie could not be read.
    #[error(transparent)]
    Trie(#[from] TrieError),
    /// A value under a runtime key does not decode.
    #[error("corrupt state value under {key}: {reason}")]
    Corrupt {
        /// The key, hex.
        key: String,
        /// The decoder's complaint.
        reason: String,
    },
    /// Checkpoint misuse.
    #[error(transparent)]
    Checkpoint(#[from] NoCheckpoint),
}

/// Read and write access to state with checkpoints: the seam the VM uses.
pub trait StateAccess {
    /// The current value at `key`.
    ///
    /// # Errors
    /// [`StateError`] if the underlying trie cannot be read.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// Writes `value` at `key`.
    fn set(&mut self, key: Vec<u8>, value: Vec<u8>);
    /// Deletes `key`.
    fn remove(&mut self, key: Vec<u8>);
    /// Opens a nested checkpoint.
    fn checkpoint(&mut self);
    /// Keeps the innermost checkpoint's writes.
    ///
    /// # Errors
    /// [`StateError::Checkpoint`] if none is open.
    fn commit_checkpoint(&mut self) -> Result<(), StateError>;
    /// Discards the innermost checkpoint's writes.
    ///
    /// # Errors
    /// [`StateError::Checkpoint`] if none is open.
    fn rollback_checkpoint(&mut self) -> Result<(), StateError>;
}

/// Typed reads and writes of the runtime's own keys, for any [`StateAccess`].
pub trait StateExt: StateAccess {
    /// Reads and decodes a value.
    ///
    /// # Errors
    /// [`StateError`] on a read failure or undecodable value.
    fn get_decoded<T: Decode>(&self, key: &[u8]) -> Result<Option<T>, StateError> {
        self.get(key)?
            .map(|bytes| {
                T::decode(&mut bytes.as_slice()).map_err(|e| StateError::Corrupt {
                    key: hex::encode(key),
                    reason: e.to_string(),
                })
            })
            .transpose()
    }

    /// An account's nonce and balance (zero for an unknown account).
    ///
    /// # Errors
    /// [`StateError`] on a read failure.
    fn account(&self, who: &AccountId) -> Result<AccountInfo, StateError> {
        Ok(self.get_decoded(&account_key(who))?.unwrap_or_default())
    }

    /// Writes an account.
    fn put_account(&mut self, who: &AccountId, info: &AccountInfo) {
        self.set(account_key(who), info.encode());
    }

    /// The chain configuration stored at genesis.
    ///
    /// # Errors
    /// [`StateError`] on a read failure; a missing config is corrupt state.
    fn config(&self) -> Result<ChainConfig, StateError> {
        self.get_decoded(CONFIG_KEY)?
            .ok_or_else(|| StateError::Corrupt {
                key: hex::encode(CONFIG_KEY),
                reason: "chain configuration missing".into(),
            })
    }

    /// A contract's metadata.
    ///
    /// # Errors
    /// [`StateError`] on a read failure.
    fn contract_info(&self, contract: &AccountId) -> Result<Option<ContractInfo>, StateError> {
        self.get_decoded(&contract_info_key(contract))
    }

    /// Stores a contract's metadata.
    fn put_contract_info(&mut self, contract: &AccountId, info: &ContractInfo) {
        self.set(contract_info_key(contract), info.encode());
    }

    /// Uploaded code's owner, deposit and refcount.
    ///
    /// # Errors
    /// [`StateError`] on a read failure.
    fn code_info(&self, hash: &CodeHash) -> Result<Option<CodeInfo>, StateError> {
        self.get_decoded(&code_info_key(hash))
    }

    /// Moves the refcount of `hash`'s code by one (pallet-contracts'
    /// `increment_refcount` / `decrement_refcount`); `false` when there is no such code.
    ///
    /// # Errors
    /// [`StateError`] on a read failure.
    fn bump_refcount(&mut self, hash: &CodeHash, up: bool) -> Result<bool, StateError> {
        let Some(mut info) = self.code_info(hash)? else {
            return Ok(false);
        };
        info.refcount = if up {
            info.refcount.saturating_add(1)
        } else {
            info.refcount.saturating_sub(1)
        };
        self.set(code_info_key(hash), info.encode());
        Ok(true)
    }

    /// The last instantiation nonce used (pallet-contracts' `Nonce`; 0 before any).
    ///
    /// # Errors
    /// [`StateError`] on a read failure.
    fn instantiation_nonce(&self) -> Result<u64, StateError> {
        Ok(self.get_decoded(NONCE_KEY)?.unwrap_or(0))
    }
}

impl<T: StateAccess + ?Sized> StateExt for T {}

/// The state as of a root plus uncommitted changes.
pub struct StateDb<'s, S: NodeStore + ?Sized> {
    trie: Trie<'s, S>,
    root: Hash,
    overlay: Overlay,
}

impl<'s, S: NodeStore + ?Sized> StateDb<'s, S> {
    /// The state at `root`, with no changes.
    pub fn new(store: &'s S, root: Hash) -> Self {
        StateDb {
            trie: Trie::new(store),
            root,
            overlay: Overlay::new(),
        }
    }

    /// The root the changes apply to.
    pub fn base_root(&self) -> Hash {
        self.root
    }

    /// The pending changes.
    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }

    /// Applies all changes to the trie; the caller commits the returned nodes.
    ///
    /// # Errors
    /// [`StateError`] if a trie node on a changed path cannot be read.
    pub fn into_update(self) -> Result<TrieUpdate, StateError> {
        Ok(self.trie.update(&self.root, self.overlay.into_changes())?)
    }
}

impl<S: NodeStore + ?Sized> StateAccess for StateDb<'_, S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.overlay.get(key) {
            Some(pending) => Ok(pending.map(<[u8]>::to_vec)),
            None => Ok(self.trie.get(&self.root, key)?),
        }
    }

    fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.overlay.set(key, value);
    }

    fn remove(&mut self, key: Vec<u8>) {
        self.overlay.remove(key);
    }

    fn checkpoint(&mut self) {
        self.overlay.checkpoint();
    }

    fn commit_checkpoint(&mut self) -> Result<(), StateError> {
        Ok(self.overlay.commit_checkpoint()?)
    }

    fn rollback_checkpoint(&mut self) -> Result<(), StateError> {
        Ok(self.overlay.rollback_checkpoint()?)
    }
}
