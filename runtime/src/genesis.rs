//! The genesis block: chain configuration and endowed accounts.

use parity_scale_codec::Encode;

use crate::account::AccountInfo;
use crate::block::{Block, Header};
use crate::keys::{KeyError, Keypair};
use crate::primitives::{AccountId, Balance, Hash, Timestamp};
use crate::schedule::ChainConfig;
use crate::state::{account_key, config_key};
use crate::store::{BlockCommit, MemoryStore};
use crate::trie::{Trie, EMPTY_ROOT};

/// The development accounts, as Substrate's dev chains name them.
pub const DEV_ACCOUNTS: [&str; 6] = [
    "//Alice",
    "//Bob",
    "//Charlie",
    "//Dave",
    "//Eve",
    "//Ferdie",
];

/// What block 0 contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Genesis {
    /// Chain parameters, stored in state under `:config`.
    pub config: ChainConfig,
    /// Accounts and their starting balances.
    pub endowed: Vec<(AccountId, Balance)>,
    /// Block 0's timestamp.
    pub timestamp: Timestamp,
}

impl Genesis {
    /// A development chain: `//Alice` to `//Ferdie` each endowed with 2^60 units, as
    /// substrate-contracts-node does.
    ///
    /// # Errors
    /// [`KeyError`] only if a dev URI failed to derive, which would be a bug.
    pub fn dev() -> Result<Self, KeyError> {
        let endowed = DEV_ACCOUNTS
            .iter()
            .map(|uri| Keypair::from_uri(uri).map(|k| (k.account_id(), 1u128 << 60)))
            .collect::<Result<_, _>>()?;
        Ok(Genesis {
            config: ChainConfig::default(),
            endowed,
            timestamp: 0,
        })
    }

    /// Block 0 and everything to commit with it. Pure: the same genesis gives the same
    /// block, and so the same genesis hash, everywhere.
    pub fn build(&self) -> BlockCommit {
        let mut changes = vec![(config_key(), Some(self.config.encode()))];
        for (who, balance) in &self.endowed {
            let info = AccountInfo {
                nonce: 0,
                balance: *balance,
                reserved: 0,
            };
            changes.push((account_key(who), Some(info.encode())));
        }
        // Built from the empty root, so no node is ever read and the update cannot fail.
        let store = MemoryStore::default();
        let update = Trie::new(&store)
            .update(&EMPTY_ROOT, changes)
            .unwrap_or_default();
        let header = Header {
            parent_hash: Hash::ZERO,
            number: 0,
            timestamp: self.timestamp,
            state_root: update.root,
            extrinsics_root: EMPTY_ROOT,
            receipts_root: EMPTY_ROOT,
        };
        BlockCommit {
            block: Block {
                header,
                extrinsics: Vec::new(),
            },
            receipts: Vec::new(),
            nodes: update.nodes,
            contract_keys: Vec::new(),
        }
    }
}
