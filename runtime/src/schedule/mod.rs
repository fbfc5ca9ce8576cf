//! The one versioned table of every limit and cost the runtime charges.
//!
//! Every number that decides a transaction's outcome or gas lives in [`Schedule`], which
//! is stored in genesis state so that it is covered by the state root. The default
//! prices are pallet-contracts 31's (generated into `reference.rs` from its
//! `weights.rs`), so a dry run here gives the gas a Substrate chain would charge.

use parity_scale_codec::{Decode, Encode};

use crate::gas::Weight;
use crate::primitives::Balance;

mod reference;

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
    /// What compiling uploaded code costs the node, charged to the upload's gas.
    pub compile: CompileWeights,
}

/// The shape of uploaded code as the VM counts it before compiling: what a compile's
/// time grows with (measured in `benches/upload_cost`), which its byte length alone does
/// not tell (30,000 empty functions and 120 KB of one function's constants are the same
/// size and a hundred times apart to compile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeShape {
    /// Functions the module defines.
    pub functions: u64,
    /// Locals they declare, all together.
    pub locals: u64,
    /// Bytes of their bodies.
    pub body_bytes: u64,
    /// Targets of all their `br_table`s.
    pub br_table_targets: u64,
}

/// The price of compiling code of a [`CodeShape`], in ref_time: the cold validate,
/// instrument and compile measured on the reference machine (this project's 2-core CI
/// box, `cargo bench --bench upload_cost`) with margin, so no module up to the
/// code-size limit takes more than twice what it is charged. It is charged as the
/// upload's gas, on top of pallet-contracts' `upload_code` weight (which prices an
/// interpreter's cheap validation, not a compiler), and checked against the upload's
/// gas limit before anything is compiled. A module whose compile exceeds a
/// transaction's gas cannot be uploaded: the bound that keeps a block's compile time
/// within the block's weight.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct CompileWeights {
    /// Every compile: engine setup, linking, instance preparation.
    pub base: Weight,
    /// Each function.
    pub per_function: Weight,
    /// Each declared local.
    pub per_local: Weight,
    /// Each byte of function bodies.
    pub per_body_byte: Weight,
    /// Each `br_table` target.
    pub per_br_table_target: Weight,
}

impl CompileWeights {
    /// The price of compiling code of `shape`.
    pub fn weight(&self, shape: &CodeShape) -> Weight {
        self.base
            .saturating_add(self.per_function.saturating_mul(shape.functions))
            .saturating_add(self.per_local.saturating_mul(shape.locals))
            .saturating_add(self.per_body_byte.saturating_mul(shape.body_bytes))
            .saturating_add(
                self.per_br_table_target
                    .saturating_mul(shape.br_table_targets),
            )
    }
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
    /// Frames that may be pushed above the first (pallet-contracts' `CallStack`: 5).
    pub call_depth: u32,
    /// Reference time of one unit of fuel, counted as wasmi 0.31 counts it
    /// (pallet-contracts' `InstructionWeights::base`).
    pub ref_time_per_fuel: u64,
    /// What each host function charges (pallet-contracts' `HostFnWeights`).
    pub host_fn: HostFnWeights,
}

/// What each host function charges, field for field pallet-contracts 31's
/// `HostFnWeights` (each the benchmark's cost of one more call or byte).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[allow(missing_docs)]
pub struct HostFnWeights {
    pub caller: Weight,
    pub is_contract: Weight,
    pub code_hash: Weight,
    pub own_code_hash: Weight,
    pub caller_is_origin: Weight,
    pub caller_is_root: Weight,
    pub address: Weight,
    pub gas_left: Weight,
    pub balance: Weight,
    pub value_transferred: Weight,
    pub minimum_balance: Weight,
    pub block_number: Weight,
    pub now: Weight,
    pub weight_to_fee: Weight,
    pub input: Weight,
    pub input_per_byte: Weight,
    pub r#return: Weight,
    pub return_per_byte: Weight,
    pub terminate: Weight,
    pub random: Weight,
    pub deposit_event: Weight,
    pub deposit_event_per_topic: Weight,
    pub deposit_event_per_byte: Weight,
    pub debug_message: Weight,
    pub debug_message_per_byte: Weight,
    pub set_storage: Weight,
    pub set_code_hash: Weight,
    pub set_storage_per_new_byte: Weight,
    pub set_storage_per_old_byte: Weight,
    pub clear_storage: Weight,
    pub clear_storage_per_byte: Weight,
    pub contains_storage: Weight,
    pub contains_storage_per_byte: Weight,
    pub get_storage: Weight,
    pub get_storage_per_byte: Weight,
    pub take_storage: Weight,
    pub take_storage_per_byte: Weight,
    pub transfer: Weight,
    pub call: Weight,
    pub delegate_call: Weight,
    pub call_transfer_surcharge: Weight,
    pub call_per_cloned_byte: Weight,
    pub instantiate: Weight,
    pub instantiate_transfer_surcharge: Weight,
    pub instantiate_per_input_byte: Weight,
    pub instantiate_per_salt_byte: Weight,
    pub hash_sha2_256: Weight,
    pub hash_sha2_256_per_byte: Weight,
    pub hash_keccak_256: Weight,
    pub hash_keccak_256_per_byte: Weight,
    pub hash_blake2_256: Weight,
    pub hash_blake2_256_per_byte: Weight,
    pub hash_blake2_128: Weight,
    pub hash_blake2_128_per_byte: Weight,
    pub ecdsa_recover: Weight,
    pub sr25519_verify: Weight,
    pub sr25519_verify_per_byte: Weight,
    pub ecdsa_to_eth_address: Weight,
    pub reentrance_count: Weight,
    pub account_reentrance_count: Weight,
    pub instantiation_nonce: Weight,
    pub lock_delegate_dependency: Weight,
    pub unlock_delegate_dependency: Weight,
}

/// The weights of the contract dispatchables themselves and of loading code, as
/// pallet-contracts 31's `WeightInfo` gives them. The dispatchables' base weights are
/// not part of a call's `gas_consumed`; they count toward the block and the fee.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct DispatchWeights {
    /// `call`.
    pub call: Weight,
    /// `instantiate`, with empty input and salt.
    pub instantiate: Weight,
    /// `instantiate`, per byte of input.
    pub instantiate_per_input_byte: Weight,
    /// `instantiate`, per byte of salt.
    pub instantiate_per_salt_byte: Weight,
    /// `upload_code` (determinism enforced), of empty code.
    pub upload_code: Weight,
    /// `upload_code`, per byte of code.
    pub upload_code_per_byte: Weight,
    /// `remove_code`.
    pub remove_code: Weight,
    /// Loading a frame's code, per byte (the pallet's `CodeLoadToken`).
    pub code_load_per_byte: Weight,
}

impl DispatchWeights {
    /// The weight of the `instantiate` dispatchable for this input and salt.
    pub fn instantiate(&self, input_len: u64, salt_len: u64) -> Weight {
        self.instantiate
            .saturating_add(self.instantiate_per_input_byte.saturating_mul(input_len))
            .saturating_add(self.instantiate_per_salt_byte.saturating_mul(salt_len))
    }

    /// Loading a frame's code of `len` bytes (the pallet's `CodeLoadToken`).
    pub fn code_load(&self, len: u64) -> Weight {
        self.code_load_per_byte.saturating_mul(len)
    }

    /// The weight of `upload_code` for code of `len` bytes.
    pub fn upload_code(&self, len: u64) -> Weight {
        self.upload_code
            .saturating_add(self.upload_code_per_byte.saturating_mul(len))
    }
}

/// What a host function charges for, priced by [`VmSchedule::cost`]: pallet-contracts
/// 31's `RuntimeCosts`, variant for variant, so every price is a field of the one
/// versioned [`Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum RuntimeCosts {
    /// Copying bytes from contract memory (priced per byte as `seal_return`'s).
    CopyFromContract(u32),
    /// Copying bytes to contract memory (priced per byte as `seal_input`'s).
    CopyToContract(u32),
    Caller,
    IsContract,
    CodeHash,
    OwnCodeHash,
    CallerIsOrigin,
    CallerIsRoot,
    Address,
    GasLeft,
    Balance,
    ValueTransferred,
    MinimumBalance,
    BlockNumber,
    Now,
    WeightToFee,
    InputBase,
    Return(u32),
    Terminate,
    Random,
    DepositEvent {
        num_topic: u32,
        len: u32,
    },
    DebugMessage(u32),
    SetStorage {
        old_bytes: u32,
        new_bytes: u32,
    },
    ClearStorage(u32),
    ContainsStorage(u32),
    GetStorage(u32),
    TakeStorage(u32),
    Transfer,
    CallBase,
    DelegateCallBase,
    CallSurchargeTransfer,
    CallInputCloned(u32),
    InstantiateBase {
        input_data_len: u32,
        salt_len: u32,
    },
    InstantiateSurchargeTransfer,
    HashSha256(u32),
    HashKeccak256(u32),
    HashBlake256(u32),
    HashBlake128(u32),
    EcdsaRecovery,
    Sr25519Verify(u32),
    /// What a chain extension, `call_runtime` or `xcm_execute` says it costs.
    Dispatched(Weight),
    SetCodeHash,
    EcdsaToEthAddress,
    ReentrantCount,
    AccountEntranceCount,
    InstantiationNonce,
    LockDelegateDependency,
    UnlockDelegateDependency,
}

impl VmSchedule {
    /// The weight `cost` is charged, as the pallet's `Token::weight` for `RuntimeCosts`
    /// computes it (including its pricing of `debug_message` bytes at the event rate).
    pub fn cost(&self, cost: RuntimeCosts) -> Weight {
        use RuntimeCosts::*;
        let s = &self.host_fn;
        let per = |w: Weight, n: u32| w.saturating_mul(u64::from(n));
        match cost {
            CopyFromContract(len) => per(s.return_per_byte, len),
            CopyToContract(len) => per(s.input_per_byte, len),
            Caller => s.caller,
            IsContract => s.is_contract,
            CodeHash => s.code_hash,
            OwnCodeHash => s.own_code_hash,
            CallerIsOrigin => s.caller_is_origin,
            CallerIsRoot => s.caller_is_root,
            Address => s.address,
            GasLeft => s.gas_left,
            Balance => s.balance,
            ValueTransferred => s.value_transferred,
            MinimumBalance => s.minimum_balance,
            BlockNumber => s.block_number,
            Now => s.now,
            WeightToFee => s.weight_to_fee,
            InputBase => s.input,
            Return(len) => s.r#return.saturating_add(per(s.return_per_byte, len)),
            Terminate => s.terminate,
            Random => s.random,
            DepositEvent { num_topic, len } => s
                .deposit_event
                .saturating_add(per(s.deposit_event_per_topic, num_topic))
                .saturating_add(per(s.deposit_event_per_byte, len)),
            DebugMessage(len) => s
                .debug_message
                .saturating_add(per(s.deposit_event_per_byte, len)),
            SetStorage {
                new_bytes,
                old_bytes,
            } => s
                .set_storage
                .saturating_add(per(s.set_storage_per_new_byte, new_bytes))
                .saturating_add(per(s.set_storage_per_old_byte, old_bytes)),
            ClearStorage(len) => s
                .clear_storage
                .saturating_add(per(s.clear_storage_per_byte, len)),
            ContainsStorage(len) => s
                .contains_storage
                .saturating_add(per(s.contains_storage_per_byte, len)),
            GetStorage(len) => s
                .get_storage
                .saturating_add(per(s.get_storage_per_byte, len)),
            TakeStorage(len) => s
                .take_storage
                .saturating_add(per(s.take_storage_per_byte, len)),
            Transfer => s.transfer,
            CallBase => s.call,
            DelegateCallBase => s.delegate_call,
            CallSurchargeTransfer => s.call_transfer_surcharge,
            CallInputCloned(len) => per(s.call_per_cloned_byte, len),
            InstantiateBase {
                input_data_len,
                salt_len,
            } => s
                .instantiate
                .saturating_add(per(s.instantiate_per_input_byte, input_data_len))
                .saturating_add(per(s.instantiate_per_salt_byte, salt_len)),
            InstantiateSurchargeTransfer => s.instantiate_transfer_surcharge,
            HashSha256(len) => s
                .hash_sha2_256
                .saturating_add(per(s.hash_sha2_256_per_byte, len)),
            HashKeccak256(len) => s
                .hash_keccak_256
                .saturating_add(per(s.hash_keccak_256_per_byte, len)),
            HashBlake256(len) => s
                .hash_blake2_256
                .saturating_add(per(s.hash_blake2_256_per_byte, len)),
            HashBlake128(len) => s
                .hash_blake2_128
                .saturating_add(per(s.hash_blake2_128_per_byte, len)),
            EcdsaRecovery => s.ecdsa_recover,
            Sr25519Verify(len) => s
                .sr25519_verify
                .saturating_add(per(s.sr25519_verify_per_byte, len)),
            Dispatched(weight) => weight,
            SetCodeHash => s.set_code_hash,
            EcdsaToEthAddress => s.ecdsa_to_eth_address,
            ReentrantCount => s.reentrance_count,
            AccountEntranceCount => s.account_reentrance_count,
            InstantiationNonce => s.instantiation_nonce,
            LockDelegateDependency => s.lock_delegate_dependency,
            UnlockDelegateDependency => s.unlock_delegate_dependency,
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

/// Costs of the runtime's own work on every transaction, and of its dispatchables.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct BaseCosts {
    /// Every transaction: signature check, nonce, receipt.
    pub transaction: Weight,
    /// A balance transfer, on top of `transaction`.
    pub transfer: Weight,
    /// The contract dispatchables (pallet-contracts' `WeightInfo`).
    pub dispatch: DispatchWeights,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            version: 5,
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
                dispatch: reference::DISPATCH_WEIGHTS,
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
                call_depth: 5,
                ref_time_per_fuel: reference::INSTRUCTION_WEIGHT,
                host_fn: reference::HOST_FN_WEIGHTS,
            },
            // Measured (upload_cost, 2 cores, two runs): about 100-130 us a function,
            // 90-115 ns a local, 2-3 us a body byte of real ink! code, 0.2 us a
            // br_table target, 5 ms a compile; charged at 60-80% of that, so the
            // ratio of compile time to charge stays under 2 in every family.
            compile: CompileWeights {
                base: Weight::new(5_000_000_000, 0),
                per_function: Weight::new(80_000_000, 0),
                per_local: Weight::new(70_000, 0),
                per_body_byte: Weight::new(1_600_000, 0),
                per_br_table_target: Weight::new(100_000, 0),
            },
        }
    }
}

/// Chain-wide parameters fixed at genesis and kept in state.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ChainConfig {
    /// The smallest balance an account may hold (Substrate's existential deposit).
    pub existential_deposit: Balance,
    /// Storage deposit per byte of contract storage and code (pallet-contracts'
    /// `DepositPerByte`).
    pub deposit_per_byte: Balance,
    /// Storage deposit per stored item (`DepositPerItem`).
    pub deposit_per_item: Balance,
    /// The storage deposit limit of a call that names none, if the origin can pay it
    /// (`DefaultDepositLimit`).
    pub default_deposit_limit: Balance,
    /// Transaction fee per picosecond of ref_time the transaction weighs
    /// (pallet-transaction-payment's `WeightToFee`, linear; 1 is `IdentityFee`).
    pub fee_per_ref_time: Balance,
    /// Transaction fee per byte of the encoded transaction (`LengthToFee`).
    pub fee_per_byte: Balance,
    /// Limits and costs.
    pub schedule: Schedule,
}

impl Default for ChainConfig {
    /// Carechain's own chain: an existential deposit of 10^9, and deposits priced as
    /// Substrate's kitchensink runtime prices them against its existential deposit
    /// (an item 15%, a byte 6%); the default deposit limit is its `deposit(1024,
    /// 1 MiB)`. Fees: 1 per picosecond of weight (`IdentityFee`, so a 1 ms
    /// transaction costs one existential deposit) and, as kitchensink, 10^-4 of the
    /// existential deposit per byte.
    fn default() -> Self {
        let (per_item, per_byte) = (150_000_000, 60_000_000);
        ChainConfig {
            existential_deposit: 1_000_000_000,
            deposit_per_byte: per_byte,
            deposit_per_item: per_item,
            default_deposit_limit: 1024 * per_item + 1024 * 1024 * per_byte,
            fee_per_ref_time: 1,
            fee_per_byte: 100_000,
            schedule: Schedule::default(),
        }
    }
}

impl ChainConfig {
    /// The fee of a transaction of `len` encoded bytes that weighs `weight`.
    pub fn fee(&self, weight: Weight, len: usize) -> Balance {
        let len = Balance::try_from(len).unwrap_or(Balance::MAX);
        Balance::from(weight.ref_time)
            .saturating_mul(self.fee_per_ref_time)
            .saturating_add(len.saturating_mul(self.fee_per_byte))
    }

    /// ink_sandbox 5.1.1's chain, for tests whose figures must equal pallet-contracts':
    /// existential deposit 1, deposits of 1 per byte and per item, default deposit
    /// limit 10^7, and no transaction fees (the sandbox's `bare_call`s pay none).
    pub fn sandbox_compatible() -> Self {
        ChainConfig {
            existential_deposit: 1,
            deposit_per_byte: 1,
            deposit_per_item: 1,
            default_deposit_limit: 10_000_000,
            fee_per_ref_time: 0,
            fee_per_byte: 0,
            schedule: Schedule::default(),
        }
    }
}
