//! The JSON shape of a contract's storage listing: the block it was read at and
//! every key written to the contract that holds a value there. Keys and values stay
//! raw here; the CLI decodes them with the contract's storage layout.

use serde::{Deserialize, Serialize};

use crate::types::{Address, BlockId, Bytes, HeaderView};

/// Which contract's storage, and at which block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageRequest {
    /// The contract.
    pub contract: Address,
    /// At which block (default: latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<BlockId>,
    /// Only keys after this one (the previous page's `next`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Bytes>,
    /// At most this many keys read (default and most: 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One storage cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageEntry {
    /// The contract's own key (ink! 5: the root key, then a Mapping's SCALE key).
    pub key: Bytes,
    /// The SCALE-encoded value.
    pub value: Bytes,
}

/// A contract's storage at a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageView {
    /// The block read.
    pub header: HeaderView,
    /// The contract.
    pub contract: Address,
    /// Its cells, in key order.
    pub entries: Vec<StorageEntry>,
    /// When the page was full: pass it as `after` for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Bytes>,
}
