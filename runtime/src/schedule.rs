//! The one versioned table of every limit and cost the runtime charges.
//!
//! The VM adds its instruction and host-function costs here in later versions; every
//! number that decides a transaction's outcome or gas lives in this struct, which is
//! stored in genesis state so that it is covered by the state root.

use parity_scale_codec::{Decode, Encode};

use crate::gas::Weight;
use crate::primitives::Balance;

/// Limits and costs. Changing any field is a consensus change: bump `version`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Schedule {
    /// Bumped with every change to a field's meaning or value.
    pub version: u32,
    /// Hard limits.
    pub limits: Limits,
    /// Base costs of the runtime's own calls.
    pub costs: BaseCosts,
    /// Limits and costs of contract execution.
    pub vm: VmSchedule,
}

/// What contract execution may use and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct VmSchedule {
    /// Memory pages (64 KiB) a contract may declare (pallet-contracts: 16).
    pub memory_pages: u32,
    /// Most topics of one event (pallet-contracts: 4).
    pub event_topics: u32,
    /// Largest storage value or event payload, bytes (pallet-contracts: 16 KiB).
    pub payload_len: u32,
    /// Longest storage key, bytes (pallet-contracts: 128).
    pub max_storage_key_len: u32,
    /// The injected stack-height limit (wasm-instrument value units).
    pub stack_limit: u32,
    /// Reference time of one unit of engine fuel (about one WASM instruction), ps.
    pub ref_time_per_fuel: u64,
    /// Every host function call.
    pub host_call: Weight,
    /// Per byte moved between contract memory and the host.
    pub per_byte: Weight,
    /// A storage read, on top of its bytes.
    pub storage_read: Weight,
    /// A storage write, on top of its bytes.
    pub storage_write: Weight,
    /// An event, on top of its bytes.
    pub event: Weight,
    /// Each event topic.
    pub event_per_topic: Weight,
    /// A call, delegate call or instantiation from a contract, on top of the callee's
    /// own gas and the bytes moved.
    pub call: Weight,
    /// Loading a callee's code, per byte of it (pallet-contracts' `CodeLoad`).
    pub code_load_per_byte: Weight,
    /// Frames that may be pushed above the first (pallet-contracts' `CallStack`: 5).
    pub call_depth: u32,
}

/// What a host function charges for, priced by [`VmSchedule::cost`] (the role of
/// pallet-contracts' `RuntimeCosts`): every host function charges only through this
/// enum, so every price is a field of the one versioned [`Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeCosts {
    /// Entering any host function.
    HostCall,
    /// Moving bytes between contract memory and the host (ref_time only).
    CopyBytes(u64),
    /// A storage value of this many bytes read into the host (ref_time and proof size
    /// per byte: the value enters the proof).
    ReadValue(u64),
    /// Reading one storage item or record, on top of its bytes.
    StorageRead,
    /// Writing or clearing this many storage items or records, on top of their bytes.
    StorageWrites(u64),
    /// Depositing an event with this many topics, on top of its bytes.
    DepositEvent {
        /// Its topics.
        topics: u64,
    },
    /// A call, delegate call or instantiation from a contract, on top of the callee's
    /// own gas and the bytes moved.
    CallBase,
    /// Loading a callee's code of this many bytes.
    CodeLoad(u64),
    /// `ecdsa_recover` and `sr25519_verify`: one signature check.
    VerifySignature,
    /// `ecdsa_to_eth_address`: one public key decompression and hash.
    EcdsaToEthAddress,
}

impl VmSchedule {
    /// The weight `cost` is charged.
    pub fn cost(&self, cost: RuntimeCosts) -> Weight {
        match cost {
            RuntimeCosts::HostCall => self.host_call,
            RuntimeCosts::CopyBytes(n) => self.per_byte.saturating_mul(n),
            RuntimeCosts::ReadValue(n) => Weight::new(self.per_byte.ref_time.saturating_mul(n), n),
            RuntimeCosts::StorageRead => self.storage_read,
            RuntimeCosts::StorageWrites(n) => self.storage_write.saturating_mul(n),
            RuntimeCosts::DepositEvent { topics } => self
                .event
                .saturating_add(self.event_per_topic.saturating_mul(topics)),
            RuntimeCosts::CallBase => self.call,
            RuntimeCosts::CodeLoad(len) => self.code_load_per_byte.saturating_mul(len),
            RuntimeCosts::VerifySignature => self.host_call.saturating_mul(100),
            RuntimeCosts::EcdsaToEthAddress => self.host_call.saturating_mul(10),
        }
    }
}

/// Hard limits checked before or during execution.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Limits {
    /// The most gas one transaction may ask for.
    pub max_tx_gas: Weight,
    /// The most gas all transactions of a block may use together.
    pub max_block_gas: Weight,
    /// Largest accepted contract code, in bytes (pallet-contracts default: 123 KiB).
    pub max_code_len: u32,
    /// Largest accepted encoded transaction, in bytes.
    pub max_tx_len: u32,
}

/// Costs of the runtime's own calls, charged whether or not a VM runs.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct BaseCosts {
    /// Every transaction: signature check, nonce, receipt.
    pub transaction: Weight,
    /// A balance transfer, on top of `transaction`.
    pub transfer: Weight,
    /// Storing uploaded code, per byte, on top of `transaction`.
    pub upload_per_byte: Weight,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            version: 2,
            limits: Limits {
                max_tx_gas: Weight::new(500_000_000_000, 5 * 1024 * 1024),
                max_block_gas: Weight::new(2_000_000_000_000, 20 * 1024 * 1024),
                max_code_len: 123 * 1024,
                max_tx_len: 256 * 1024,
            },
            costs: BaseCosts {
                // Substrate's sr25519 verify weight (40.6 us) plus bookkeeping.
                transaction: Weight::new(60_000_000, 1_000),
                transfer: Weight::new(30_000_000, 200),
                upload_per_byte: Weight::new(30_000, 1),
            },
            vm: VmSchedule {
                memory_pages: 16,
                event_topics: 4,
                payload_len: 16 * 1024,
                max_storage_key_len: 128,
                // With wasm-instrument's minimum of 2 units a frame, the deepest
                // recursion is 8,192 frames; 16 KiB units keep under the engine's
                // 1 MiB native stack with room to spare (tests check it never trips).
                stack_limit: 16 * 1024,
                ref_time_per_fuel: 2_000,
                host_call: Weight::new(200_000, 0),
                per_byte: Weight::new(200, 0),
                storage_read: Weight::new(5_000_000, 150),
                storage_write: Weight::new(10_000_000, 150),
                event: Weight::new(2_000_000, 0),
                event_per_topic: Weight::new(1_000_000, 0),
                call: Weight::new(20_000_000, 200),
                code_load_per_byte: Weight::new(100, 1),
                call_depth: 5,
            },
        }
    }
}

/// Chain-wide parameters fixed at genesis and kept in state.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ChainConfig {
    /// The smallest balance an account may hold (Substrate's existential deposit).
    pub existential_deposit: Balance,
    /// Limits and costs.
    pub schedule: Schedule,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            existential_deposit: 1_000_000_000,
            schedule: Schedule::default(),
        }
    }
}
