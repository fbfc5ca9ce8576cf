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
use crate::deposit::{code_deposit, StorageDeposit};
use crate::dispatch_error::{ContractError, DispatchError};
use crate::gas::Weight;
use crate::primitives::{AccountId, Balance, BlockNumber, CodeHash, Hash, Timestamp};
use crate::receipt::{Event, Outcome, Receipt};
use crate::schedule::{ChainConfig, CodeShape};
use crate::state::{code_info_key, code_key, CodeInfo, StateAccess, StateError, StateExt};
use crate::transaction::{Call, SignedTransaction};
use crate::validity::{check_stateful, TxError};
use parity_scale_codec::Encode;

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
    /// Record the call trace (dry runs and replays for tracing; never in consensus).
    pub trace: bool,
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
    /// The storage deposit the call took from the origin or paid back to it
    /// (`Charge(0)` for a call that failed or reverted).
    pub storage_deposit: StorageDeposit,
    /// Events emitted by frames that were not rolled back.
    pub events: Vec<Event>,
    /// What the contract wrote with `debug_message`, when [`ExecContext::debug`] is set.
    pub debug_message: String,
    /// The frames the call ran, when [`ExecContext::trace`] is set.
    pub trace: Vec<crate::exec::TraceFrame>,
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

    /// What compiling `code` would take, counted without compiling it (a parse), so
    /// the upload can be charged, and refused for want of gas, first. Code it cannot
    /// parse counts as far as it parses; [`ContractVm::validate_code`] refuses it.
    fn code_shape(&self, _code: &[u8]) -> CodeShape {
        CodeShape::default()
    }

    /// Runs one top-level call against `state`, taking at most `deposit_limit` of
    /// storage deposit (`None`: the chain's default). The VM must leave `state` with
    /// the same number of open checkpoints it found; the executive rolls back the whole
    /// call when the result is an error or a revert.
    fn execute(
        &self,
        ctx: &ExecContext<'_>,
        state: &mut dyn StateAccess,
        origin: &AccountId,
        gas_limit: Weight,
        deposit_limit: Option<Balance>,
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
        _deposit_limit: Option<Balance>,
        _call: ContractCall<'_>,
    ) -> ExecOutcome {
        ExecOutcome {
            result: Err(DispatchError::NoVm),
            gas_consumed: Weight::ZERO,
            gas_required: Weight::ZERO,
            storage_deposit: StorageDeposit::default(),
            events: Vec::new(),
            debug_message: String::new(),
            trace: Vec::new(),
        }
    }
}

/// The most weight `tx` can take from its block: the transaction's own base cost, the
/// dispatchable's weight and, for a contract call or an upload (whose compile is
/// charged as gas), all of its gas limit (as a Substrate extrinsic's
/// `call().saturating_add(gas_limit)`).
pub fn weight_bound(tx: &SignedTransaction, config: &ChainConfig) -> Weight {
    let t = &tx.transaction;
    let fixed = fixed_weight(&t.call, config);
    match t.call {
        Call::Instantiate { .. } | Call::Call { .. } | Call::UploadCode { .. } => {
            fixed.saturating_add(t.gas_limit)
        }
        Call::Transfer { .. } | Call::RemoveCode { .. } => fixed,
    }
}

impl ContractCall<'_> {
    /// The transaction call that makes this contract call.
    pub fn to_call(&self) -> Call {
        match *self {
            ContractCall::Instantiate {
                code_hash,
                value,
                data,
                salt,
            } => Call::Instantiate {
                code_hash,
                value,
                data: data.to_vec(),
                salt: salt.to_vec(),
            },
            ContractCall::Call { dest, value, data } => Call::Call {
                dest,
                value,
                data: data.to_vec(),
            },
        }
    }
}

/// The fee a transaction by `signer` making `call` with these limits pays when its
/// contract uses `gas_used`: what a dry run tells the signer to expect.
pub(crate) fn expected_fee(
    config: &ChainConfig,
    signer: AccountId,
    call: Call,
    gas_limit: Weight,
    storage_deposit_limit: Option<Balance>,
    gas_used: Weight,
) -> Balance {
    let weight = fixed_weight(&call, config).saturating_add(gas_used);
    let tx = SignedTransaction {
        transaction: crate::transaction::Transaction {
            genesis_hash: Hash([0; 32]),
            signer,
            nonce: 0,
            gas_limit,
            storage_deposit_limit,
            call,
        },
        signature: crate::crypto::Signature::Sr25519([0; 64]),
    };
    config.fee(weight, tx.encoded_size())
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
        Call::RemoveCode { .. } => costs.dispatch.remove_code,
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
    apply_transaction_traced(state, ctx, genesis_hash, tx, block_gas_left, vm)
        .map(|(receipt, _)| receipt)
}

/// As [`apply_transaction`], also answering the call's trace (empty unless
/// [`ExecContext::trace`] is set and the transaction ran a contract).
///
/// # Errors
/// As [`apply_transaction`].
pub(crate) fn apply_transaction_traced(
    state: &mut dyn StateAccess,
    ctx: &ExecContext<'_>,
    genesis_hash: &Hash,
    tx: &SignedTransaction,
    block_gas_left: Weight,
    vm: &dyn ContractVm,
) -> Result<(Receipt, Vec<crate::exec::TraceFrame>), TxError> {
    check_stateful(tx, genesis_hash, ctx.config, state)?;
    if weight_bound(tx, ctx.config).any_gt(block_gas_left) {
        return Err(TxError::BlockFull);
    }
    let t = &tx.transaction;
    let max_fee = crate::validity::max_fee(tx, ctx.config);
    let mut signer = state.account(&t.signer)?;
    signer.nonce = signer.nonce.saturating_add(1);
    // check_stateful made sure it can be paid.
    signer.balance = signer.balance.saturating_sub(max_fee);
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
    let trace = std::mem::take(&mut d.trace);
    if !keep {
        d.events.clear();
        d.instantiated = None;
    }
    // What the transaction weighed is its fee; the rest of what was withdrawn returns.
    let weight = fixed_weight(&t.call, ctx.config).saturating_add(d.gas_used);
    // pallet-contracts' `remove_code` pays no fee when it succeeds (`Pays::No`).
    let waived = matches!(t.call, Call::RemoveCode { .. }) && d.outcome == Outcome::Success;
    let fee = if waived {
        0
    } else {
        ctx.config.fee(weight, tx.encoded_size()).min(max_fee)
    };
    let mut signer = state.account(&t.signer)?;
    signer.balance = signer.balance.saturating_add(max_fee - fee);
    state.put_account(&t.signer, &signer);
    let receipt = Receipt {
        tx_hash: tx.hash(),
        outcome: d.outcome,
        gas_used: d.gas_used,
        weight,
        fee,
        storage_deposit: if keep {
            d.storage_deposit
        } else {
            StorageDeposit::default()
        },
        output: d.output,
        events: d.events,
        instantiated: d.instantiated,
    };
    Ok((receipt, trace))
}

struct Dispatched {
    outcome: Outcome,
    gas_used: Weight,
    storage_deposit: StorageDeposit,
    output: Vec<u8>,
    events: Vec<Event>,
    instantiated: Option<AccountId>,
    trace: Vec<crate::exec::TraceFrame>,
}

impl Dispatched {
    fn fixed(result: Result<Vec<u8>, DispatchError>, gas_used: Weight) -> Self {
        Self::with_deposit(result.map(|out| (out, StorageDeposit::default())), gas_used)
    }

    fn with_deposit(
        result: Result<(Vec<u8>, StorageDeposit), DispatchError>,
        gas_used: Weight,
    ) -> Self {
        let (outcome, output, storage_deposit) = match result {
            Ok((output, deposit)) => (Outcome::Success, output, deposit),
            Err(e) => (Outcome::Failed(e), Vec::new(), StorageDeposit::default()),
        };
        Dispatched {
            outcome,
            gas_used,
            storage_deposit,
            output,
            events: Vec::new(),
            instantiated: None,
            trace: Vec::new(),
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
            // pallet-contracts' order: the size first (oversize code is not parsed);
            // then the compile, priced from the code's shape and paid from the gas
            // limit before anything is compiled.
            let max = ctx.config.schedule.limits.max_code_len;
            if u32::try_from(code.len()).map_or(true, |len| len > max) {
                let too_large = Err(DispatchError::Module(ContractError::CodeTooLarge));
                return Ok(Dispatched::fixed(too_large, Weight::ZERO));
            }
            let compile = ctx.config.schedule.compile.weight(&vm.code_shape(code));
            if compile.any_gt(t.gas_limit) {
                let out_of_gas = Err(DispatchError::Module(ContractError::OutOfGas));
                return Ok(Dispatched::fixed(out_of_gas, t.gas_limit));
            }
            let limit = t.storage_deposit_limit;
            let result = match store_code(state, ctx.config, &t.signer, code, limit, vm) {
                Err(CodeError::State(e)) => return Err(e),
                Err(CodeError::Refused(e)) => Err(e),
                Ok((hash, deposit)) => Ok((hash.0.to_vec(), StorageDeposit::Charge(deposit))),
            };
            Ok(Dispatched::with_deposit(result, compile))
        }
        Call::RemoveCode { code_hash } => {
            let result = match remove_code(state, &t.signer, code_hash) {
                Err(CodeError::State(e)) => return Err(e),
                Err(CodeError::Refused(e)) => Err(e),
                Ok(deposit) => Ok((Vec::new(), StorageDeposit::Refund(deposit))),
            };
            Ok(Dispatched::with_deposit(result, Weight::ZERO))
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

/// pallet-contracts' `bare_instantiate` with `Code::Upload`: the code is checked and
/// stored, its deposit held on `uploader`, inside a dry run's state, so the constructor
/// can run before the code is on chain. Returns its hash and the deposit.
///
/// # Errors
/// The code is too large or refused, the deposit cannot be paid or exceeds `limit`,
/// or the state cannot be read.
pub(crate) fn upload_in_dry_run(
    state: &mut dyn StateAccess,
    config: &ChainConfig,
    uploader: &AccountId,
    code: &[u8],
    limit: Option<Balance>,
    vm: &dyn ContractVm,
) -> Result<(CodeHash, Balance), DispatchError> {
    let max = config.schedule.limits.max_code_len;
    if u32::try_from(code.len()).map_or(true, |len| len > max) {
        return Err(DispatchError::Module(ContractError::CodeTooLarge));
    }
    store_code(state, config, uploader, code, limit, vm).map_err(|e| match e {
        CodeError::Refused(e) => e,
        CodeError::State(_) => DispatchError::StateUnreadable,
    })
}

/// Why code could not be stored or removed.
enum CodeError {
    Refused(DispatchError),
    State(StateError),
}

impl From<StateError> for CodeError {
    fn from(e: StateError) -> Self {
        CodeError::State(e)
    }
}

impl From<ContractError> for CodeError {
    fn from(e: ContractError) -> Self {
        CodeError::Refused(e.into())
    }
}

/// pallet-contracts' `upload_code` for code within the size limit: validated code is
/// stored with its info, and its deposit held on the uploader; code already stored
/// costs nothing. Returns the hash and the deposit taken.
fn store_code(
    state: &mut dyn StateAccess,
    config: &ChainConfig,
    uploader: &AccountId,
    code: &[u8],
    limit: Option<Balance>,
    vm: &dyn ContractVm,
) -> Result<(CodeHash, Balance), CodeError> {
    let len = u32::try_from(code.len()).unwrap_or(u32::MAX);
    vm.validate_code(code, config).map_err(CodeError::Refused)?;
    let hash = code_hash(code);
    let deposit = if state.code_info(&hash)?.is_some() {
        0
    } else {
        let deposit = code_deposit(len, config);
        // A hold leaves the uploader alive.
        let mut owner = state.account(uploader)?;
        owner.balance = owner
            .balance
            .checked_sub(deposit)
            .filter(|left| *left >= config.existential_deposit)
            .ok_or(ContractError::StorageDepositNotEnoughFunds)?;
        owner.reserved = owner.reserved.saturating_add(deposit);
        state.put_account(uploader, &owner);
        state.set(code_key(&hash), code.to_vec());
        let info = CodeInfo {
            owner: *uploader,
            deposit,
            refcount: 0,
        };
        state.set(code_info_key(&hash), info.encode());
        deposit
    };
    if limit.is_some_and(|limit| limit < deposit) {
        return Err(ContractError::StorageDepositLimitExhausted.into());
    }
    Ok((hash, deposit))
}

/// pallet-contracts' `remove_code`: code no contract uses goes, and its deposit is
/// released to its uploader, who alone may remove it. Returns the deposit released.
fn remove_code(
    state: &mut dyn StateAccess,
    signer: &AccountId,
    hash: &CodeHash,
) -> Result<Balance, CodeError> {
    let info = state.code_info(hash)?.ok_or(ContractError::CodeNotFound)?;
    if info.refcount != 0 {
        return Err(ContractError::CodeInUse.into());
    }
    if info.owner != *signer {
        return Err(CodeError::Refused(DispatchError::BadOrigin));
    }
    let mut owner = state.account(&info.owner)?;
    let released = info.deposit.min(owner.reserved);
    owner.reserved -= released;
    owner.balance = owner.balance.saturating_add(released);
    state.put_account(&info.owner, &owner);
    state.remove(code_key(hash));
    state.remove(code_info_key(hash));
    Ok(info.deposit)
}

fn run_contract(
    state: &mut dyn StateAccess,
    ctx: &ExecContext<'_>,
    tx: &SignedTransaction,
    vm: &dyn ContractVm,
    call: ContractCall<'_>,
) -> Dispatched {
    let t = &tx.transaction;
    let out = vm.execute(
        ctx,
        state,
        &t.signer,
        t.gas_limit,
        t.storage_deposit_limit,
        call,
    );
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
            storage_deposit: out.storage_deposit,
            output: ret.data,
            events: out.events,
            instantiated: ret.instantiated,
            trace: out.trace,
        },
        Err(e) => Dispatched {
            trace: out.trace,
            ..Dispatched::fixed(Err(e), gas_used)
        },
    }
}
