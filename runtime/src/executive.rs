//! Applies transactions to state: the only code that sequences validity, nonce,
//! dispatch and receipt.
//!
//! Each valid transaction first uses its nonce (in the block layer, so even a failed
//! call cannot be replayed), then dispatches inside a checkpoint that is committed on
//! success and rolled back on revert or failure. Contract work goes through the
//! [`ContractVm`] trait, which `host` implements with wasmtime; transfers and code
//! storage need no VM.

use crate::account::{transfer, TransferError};
use crate::contract::code_hash;
use crate::dispatch_error::{ContractError, DispatchError};
use crate::gas::Weight;
use crate::primitives::{AccountId, Balance, BlockNumber, CodeHash, Hash, Timestamp};
use crate::receipt::{Event, Outcome, Receipt};
use crate::schedule::ChainConfig;
use crate::state::{code_key, StateAccess, StateError, StateExt};
use crate::transaction::{Call, SignedTransaction};
use crate::validity::{check_stateful, TxError};

/// What a contract may learn about the block it runs in.
#[derive(Debug, Clone)]
pub struct ExecContext<'a> {
    /// The block being built.
    pub block_number: BlockNumber,
    /// The block's timestamp (from the producer, never the machine clock).
    pub timestamp: Timestamp,
    /// Chain parameters and the gas schedule.
    pub config: &'a ChainConfig,
    /// Collect `debug_message` output (dry runs only; transactions never do).
    pub debug: bool,
}

/// A contract entry the VM runs.
#[derive(Debug, Clone, Copy)]
pub enum ContractCall<'a> {
    /// Run the constructor of uploaded code, creating a contract.
    Instantiate {
        /// The code.
        code_hash: CodeHash,
        /// Endowment.
        value: Balance,
        /// Constructor input.
        data: &'a [u8],
        /// Salt for the address.
        salt: &'a [u8],
    },
    /// Call an existing contract.
    Call {
        /// The contract.
        dest: AccountId,
        /// Value transferred.
        value: Balance,
        /// Message input.
        data: &'a [u8],
    },
}

/// What the VM reports back for one top-level call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutcome {
    /// The call's result: return data (maybe with REVERT), or why it failed.
    pub result: Result<ExecReturn, DispatchError>,
    /// Gas used, never above the limit given (pallet-contracts' `gas_consumed`).
    pub gas_consumed: Weight,
    /// The least limit with which the call does the same (pallet-contracts'
    /// `gas_required`: the peak, including charges later refunded).
    pub gas_required: Weight,
    /// Events emitted by frames that were not rolled back.
    pub events: Vec<Event>,
    /// What the contract wrote with `debug_message`, when [`ExecContext::debug`] is set.
    pub debug_message: String,
}

/// A completed call's return.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecReturn {
    /// The contract returned with pallet-contracts' REVERT flag.
    pub reverted: bool,
    /// The returned bytes.
    pub data: Vec<u8>,
    /// For an instantiation, the new contract's address.
    pub instantiated: Option<AccountId>,
}

/// The seam between the runtime and a contract VM.
pub trait ContractVm {
    /// Accepts or rejects code at upload (pallet-contracts' `prepare`).
    ///
    /// # Errors
    /// [`DispatchError::CodeRejected`] naming the offending part.
    fn validate_code(&self, code: &[u8], config: &ChainConfig) -> Result<(), DispatchError>;

    /// Runs one top-level call against `state`. The VM must leave `state` with the same
    /// number of open checkpoints it found; the executive rolls back the whole call
    /// when the result is an error or a revert.
    fn execute(
        &self,
        ctx: &ExecContext<'_>,
        state: &mut dyn StateAccess,
        origin: &AccountId,
        gas_limit: Weight,
        call: ContractCall<'_>,
    ) -> ExecOutcome;
}

/// The VM of a node built without one: contract calls fail, nothing else is affected.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoVm;

impl ContractVm for NoVm {
    fn validate_code(&self, _code: &[u8], _config: &ChainConfig) -> Result<(), DispatchError> {
        Err(DispatchError::NoVm)
    }

    fn execute(
        &self,
        _ctx: &ExecContext<'_>,
        _state: &mut dyn StateAccess,
        _origin: &AccountId,
        _gas_limit: Weight,
        _call: ContractCall<'_>,
    ) -> ExecOutcome {
        ExecOutcome {
            result: Err(DispatchError::NoVm),
            gas_consumed: Weight::ZERO,
            gas_required: Weight::ZERO,
            events: Vec::new(),
            debug_message: String::new(),
        }
    }
}

/// The most weight `tx` can take from its block: the transaction's own base cost, the
/// dispatchable's weight and, for a contract call, all of its gas limit (as a
/// Substrate extrinsic's `call().saturating_add(gas_limit)`).
pub fn weight_bound(tx: &SignedTransaction, config: &ChainConfig) -> Weight {
    let t = &tx.transaction;
    let fixed = fixed_weight(&t.call, config);
    match t.call {
        Call::Instantiate { .. } | Call::Call { .. } => fixed.saturating_add(t.gas_limit),
        Call::Transfer { .. } | Call::UploadCode { .. } => fixed,
    }
}

/// What a call weighs besides the contract's own gas: the transaction's base cost and
/// the dispatchable's weight (pallet-contracts' `WeightInfo`).
fn fixed_weight(call: &Call, config: &ChainConfig) -> Weight {
    let costs = &config.schedule.costs;
    let dispatch = match call {
        Call::Transfer { .. } => costs.transfer,
        Call::UploadCode { code } => costs.dispatch.upload_code(code.len() as u64),
        Call::Instantiate { data, salt, .. } => costs
            .dispatch
            .instantiate(data.len() as u64, salt.len() as u64),
        Call::Call { .. } => costs.dispatch.call,
    };
    costs.transaction.saturating_add(dispatch)
}

/// Checks `tx` against `state` and, if valid and its [`weight_bound`] fits in
/// `block_gas_left`, applies it and returns its receipt. The signature check is the
/// caller's job (done per block, as a batch).
///
/// # Errors
/// [`TxError`] when the transaction is invalid or does not fit; then `state` is unchanged.
pub fn apply_transaction(
    state: &mut dyn StateAccess,
    ctx: &ExecContext<'_>,
    genesis_hash: &Hash,
    tx: &SignedTransaction,
    block_gas_left: Weight,
    vm: &dyn ContractVm,
) -> Result<Receipt, TxError> {
    check_stateful(tx, genesis_hash, ctx.config, state)?;
    if weight_bound(tx, ctx.config).any_gt(block_gas_left) {
        return Err(TxError::BlockFull);
    }
    let t = &tx.transaction;
    let mut signer = state.account(&t.signer)?;
    signer.nonce = signer.nonce.saturating_add(1);
    state.put_account(&t.signer, &signer);

    state.checkpoint();
    let dispatched = dispatch(state, ctx, tx, vm);
    let keep = matches!(dispatched, Ok(ref d) if d.outcome == Outcome::Success);
    let closed = if keep {
        state.commit_checkpoint()
    } else {
        state.rollback_checkpoint()
    };
    closed?;
    let mut d = dispatched?;
    if !keep {
        d.events.clear();
        d.instantiated = None;
    }
    Ok(Receipt {
        tx_hash: tx.hash(),
        outcome: d.outcome,
        gas_used: d.gas_used,
        weight: fixed_weight(&t.call, ctx.config).saturating_add(d.gas_used),
        output: d.output,
        events: d.events,
        instantiated: d.instantiated,
    })
}

struct Dispatched {
    outcome: Outcome,
    gas_used: Weight,
    output: Vec<u8>,
    events: Vec<Event>,
    instantiated: Option<AccountId>,
}

impl Dispatched {
    fn fixed(result: Result<Vec<u8>, DispatchError>, gas_used: Weight) -> Self {
        let (outcome, output) = match result {
            Ok(output) => (Outcome::Success, output),
            Err(e) => (Outcome::Failed(e), Vec::new()),
        };
        Dispatched {
            outcome,
            gas_used,
            output,
            events: Vec::new(),
            instantiated: None,
        }
    }
}

fn dispatch(
    state: &mut dyn StateAccess,
    ctx: &ExecContext<'_>,
    tx: &SignedTransaction,
    vm: &dyn ContractVm,
) -> Result<Dispatched, StateError> {
    let t = &tx.transaction;
    match &t.call {
        Call::Transfer { dest, value } => {
            let ed = ctx.config.existential_deposit;
            let result = match transfer(state, &t.signer, dest, *value, ed) {
                Ok(()) => Ok(Vec::new()),
                Err(TransferError::Dispatch(e)) => Err(e),
                Err(TransferError::State(e)) => return Err(e),
            };
            Ok(Dispatched::fixed(result, Weight::ZERO))
        }
        Call::UploadCode { code } => {
            let result = store_code(state, ctx.config, code, vm);
            Ok(Dispatched::fixed(
                result.map(|h| h.0.to_vec()),
                Weight::ZERO,
            ))
        }
        Call::Instantiate {
            code_hash,
            value,
            data,
            salt,
        } => {
            let call = ContractCall::Instantiate {
                code_hash: *code_hash,
                value: *value,
                data,
                salt,
            };
            Ok(run_contract(state, ctx, tx, vm, call))
        }
        Call::Call { dest, value, data } => {
            let call = ContractCall::Call {
                dest: *dest,
                value: *value,
                data,
            };
            Ok(run_contract(state, ctx, tx, vm, call))
        }
    }
}

fn store_code(
    state: &mut dyn StateAccess,
    config: &ChainConfig,
    code: &[u8],
    vm: &dyn ContractVm,
) -> Result<CodeHash, DispatchError> {
    let max = config.schedule.limits.max_code_len;
    if code.len() > max as usize {
        return Err(ContractError::CodeTooLarge.into());
    }
    vm.validate_code(code, config)?;
    let hash = code_hash(code);
    state.set(code_key(&hash), code.to_vec());
    Ok(hash)
}

fn run_contract(
    state: &mut dyn StateAccess,
    ctx: &ExecContext<'_>,
    tx: &SignedTransaction,
    vm: &dyn ContractVm,
    call: ContractCall<'_>,
) -> Dispatched {
    let t = &tx.transaction;
    let out = vm.execute(ctx, state, &t.signer, t.gas_limit, call);
    // A VM may not report more gas than it was given.
    let gas_used = Weight::new(
        out.gas_consumed.ref_time.min(t.gas_limit.ref_time),
        out.gas_consumed.proof_size.min(t.gas_limit.proof_size),
    );
    match out.result {
        Ok(ret) => Dispatched {
            outcome: if ret.reverted {
                Outcome::Reverted
            } else {
                Outcome::Success
            },
            gas_used,
            output: ret.data,
            events: out.events,
            instantiated: ret.instantiated,
        },
        Err(e) => Dispatched::fixed(Err(e), gas_used),
    }
}
