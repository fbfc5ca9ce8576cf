//! Receipts: what a transaction did, as recorded in its block.

use parity_scale_codec::{Decode, Encode};

use crate::deposit::StorageDeposit;
use crate::dispatch_error::DispatchError;
use crate::gas::Weight;
use crate::primitives::{AccountId, Balance, BlockNumber, Hash};

/// An event emitted by a contract (pallet-contracts' `ContractEmitted` with topics).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Event {
    /// The contract that emitted it.
    pub emitter: AccountId,
    /// Up to four 32-byte topics, indexed by the store.
    pub topics: Vec<Hash>,
    /// SCALE-encoded event data.
    pub data: Vec<u8>,
}

/// A transaction's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Outcome {
    /// Completed; its changes are in the state.
    Success,
    /// The contract returned with the REVERT flag; its changes were rolled back.
    Reverted,
    /// Failed; its changes were rolled back.
    Failed(DispatchError),
}

impl Outcome {
    /// `success`, `reverted` or `failed`, as receipts show it to clients.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Reverted => "reverted",
            Outcome::Failed(_) => "failed",
        }
    }

    /// For a failure, [`DispatchError::described`].
    pub fn failure(&self) -> Option<String> {
        match self {
            Outcome::Failed(e) => Some(e.described()),
            Outcome::Success | Outcome::Reverted => None,
        }
    }
}

/// The record of one applied transaction.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Receipt {
    /// The transaction's hash.
    pub tx_hash: Hash,
    /// What happened.
    pub outcome: Outcome,
    /// The contract's gas used (pallet-contracts' `gas_consumed`; zero for a call
    /// that runs no contract).
    pub gas_used: Weight,
    /// All the transaction took from its block: its base cost, the dispatchable's
    /// weight and `gas_used`.
    pub weight: Weight,
    /// The fee the signer paid: [`crate::ChainConfig::fee`] of `weight` and the
    /// transaction's length (burnt).
    pub fee: Balance,
    /// The storage deposit taken from the signer or paid back (pallet-contracts'
    /// `storage_deposit`; `Charge(0)` unless the call succeeded).
    pub storage_deposit: StorageDeposit,
    /// The contract's return data (empty for non-contract calls).
    pub output: Vec<u8>,
    /// Events emitted (none unless the outcome is a success).
    pub events: Vec<Event>,
    /// For a successful instantiation, the new contract's address.
    pub instantiated: Option<AccountId>,
}

/// Where an event is: block, transaction index, event index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub struct EventRef {
    /// Block number.
    pub block: BlockNumber,
    /// Index of the transaction (and its receipt) in the block.
    pub tx_index: u32,
    /// Index of the event in the receipt.
    pub event_index: u32,
}

/// Where a transaction is: block number and index in the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub struct TxLocation {
    /// Block number.
    pub block: BlockNumber,
    /// Index of the transaction (and its receipt) in the block.
    pub index: u32,
}
