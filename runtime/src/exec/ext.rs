//! [`FrameExt`]: what a running frame may do to state, as pallet-contracts' `Ext`
//! offers it to host functions. Host functions charge gas and move bytes between the
//! contract's memory and the host; the rules and every state key are here.

use parity_scale_codec::Encode;

use super::frame::{run_frame, Frame, FrameOutcome, FrameRequest};
use super::stack::CallStack;
use super::Engine;
use crate::account::{transfer_keep_alive, TransferError};
use crate::deposit::{base_deposit, Diff, StorageDeposit};
use crate::dispatch_error::ContractError;
use crate::gas::{Charged, GasMeter, Weight};
use crate::primitives::{AccountId, Balance, CodeHash};
use crate::schedule::RuntimeCosts;
use crate::state::{
    code_key, contract_info_key, contract_storage_key, ContractInfo, StateAccess, StateError,
    StateExt,
};

/// pallet-contracts' `MaxDelegateDependencies` on ink_sandbox and dev runtimes.
pub const MAX_DELEGATE_DEPENDENCIES: usize = 32;

/// Why a frame's request failed: a rule of the pallet, or unreadable state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtError {
    /// A pallet-contracts rule refused it.
    Refused(ContractError),
    /// The state could not be read.
    State(StateError),
}

impl From<StateError> for ExtError {
    fn from(e: StateError) -> Self {
        ExtError::State(e)
    }
}

impl From<ContractError> for ExtError {
    fn from(e: ContractError) -> Self {
        ExtError::Refused(e)
    }
}

/// The running frame's view of the call: the shared stack, the state and its facts.
pub struct FrameExt<'a> {
    stack: &'a mut CallStack,
    state: &'a mut dyn StateAccess,
    frame: &'a mut Frame,
}

impl<'a> FrameExt<'a> {
    /// The view of the frame `frame`, running on top of `stack`.
    pub fn new(
        stack: &'a mut CallStack,
        state: &'a mut dyn StateAccess,
        frame: &'a mut Frame,
    ) -> Self {
        FrameExt {
            stack,
            state,
            frame,
        }
    }

    /// The running frame's gas meter, which host functions charge (always there
    /// while the frame's code runs).
    ///
    /// # Errors
    /// `ContractTrapped` if the stack has no frame: an engine bug, failing the call.
    pub fn gas(&mut self) -> Result<&mut GasMeter, ContractError> {
        self.stack
            .top_mut()
            .map(|top| &mut top.gas)
            .ok_or(ContractError::ContractTrapped)
    }

    /// The schedule's price of `cost`.
    pub fn cost(&self, cost: RuntimeCosts) -> Weight {
        self.stack.config.schedule.vm.cost(cost)
    }

    /// Charges `cost` to the running frame (pallet-contracts' `charge_gas`).
    ///
    /// # Errors
    /// `OutOfGas`, nothing charged.
    pub fn charge(&mut self, cost: RuntimeCosts) -> Result<Charged, ContractError> {
        let weight = self.cost(cost);
        self.gas()?
            .charge(weight)
            .map_err(|_| ContractError::OutOfGas)
    }

    /// Refunds what `charged` exceeded `actual` (pallet-contracts' `adjust_gas`).
    pub fn adjust(&mut self, charged: Charged, actual: RuntimeCosts) {
        let weight = self.cost(actual);
        if let Ok(gas) = self.gas() {
            gas.adjust(charged, weight, true);
        }
    }

    /// Runs `req` as a frame nested in the running one, charging the running frame's
    /// meter for it.
    ///
    /// # Errors
    /// As [`FrameExt::gas`].
    pub fn run_nested<E: Engine + ?Sized>(
        &mut self,
        engine: &E,
        req: FrameRequest<'_>,
    ) -> Result<FrameOutcome, ContractError> {
        let top = self.stack.top_mut().ok_or(ContractError::ContractTrapped)?;
        let mut meter = std::mem::take(&mut top.gas);
        let mut deposits = std::mem::take(&mut top.deposits);
        let out = run_frame(
            engine,
            self.stack,
            self.state,
            &mut meter,
            &mut deposits,
            req,
        );
        let top = self.stack.top_mut().ok_or(ContractError::ContractTrapped)?;
        top.gas = meter;
        top.deposits = deposits;
        // A delegate call, or a reentrant frame, may have changed this contract's code
        // (`set_code_hash`); pallet-contracts' `own_code_hash` reads the record as it is
        // now (a constructor's, the one it is building), so the frame follows it.
        let now = match &top.pending_info {
            Some(info) => Some(info.code_hash),
            None => self
                .state
                .contract_info(&self.frame.address)
                .ok()
                .flatten()
                .map(|info| info.code_hash),
        };
        if let Some(hash) = now {
            self.frame.code_hash = hash;
        }
        Ok(out)
    }

    /// The value of the contract's storage `key` (its own bytes, under its trie id).
    ///
    /// # Errors
    /// Unreadable state.
    pub fn get_storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.state
            .get(&contract_storage_key(&self.frame.trie_id, key))
    }

    /// Sets the contract's storage `key` to `value` (`None`: removes it), adding the
    /// change in value length to the frame's storage deposit; returns the old value.
    ///
    /// # Errors
    /// Unreadable state; nothing written.
    pub fn write_storage(
        &mut self,
        key: &[u8],
        value: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, StateError> {
        let key = contract_storage_key(&self.frame.trie_id, key);
        let old = self.state.get(&key)?;
        let len = |v: &Vec<u8>| u32::try_from(v.len()).unwrap_or(u32::MAX);
        let diff = Diff::of_write(old.as_ref().map(len), value.as_ref().map(len));
        if let Some(top) = self.stack.top_mut() {
            top.deposits.charge(diff);
        }
        match value {
            Some(value) => self.state.set(key, value),
            None if old.is_some() => self.state.remove(key),
            None => {}
        }
        Ok(old)
    }

    /// Charges loading the code stored under `hash` to the running frame, as the
    /// pallet's `WasmBlob::from_storage` does (`set_code_hash` loads the new code).
    /// `false` when there is no such code (nothing charged).
    ///
    /// # Errors
    /// `OutOfGas`, or unreadable state.
    pub fn charge_code_load(&mut self, hash: &CodeHash) -> Result<bool, ExtError> {
        let Some(code) = self.state.get(&code_key(hash))? else {
            return Ok(false);
        };
        let cost = self
            .stack
            .config
            .schedule
            .costs
            .dispatch
            .code_load(code.len() as u64);
        let _charged = self
            .gas()?
            .charge(cost)
            .map_err(|_| ContractError::OutOfGas)?;
        Ok(true)
    }

    /// Whether code is stored under `hash`.
    ///
    /// # Errors
    /// Unreadable state.
    pub fn code_exists(&self, hash: &CodeHash) -> Result<bool, StateError> {
        Ok(self.state.get(&code_key(hash))?.is_some())
    }

    /// The record of the contract at `who`, if one lives there.
    ///
    /// # Errors
    /// Unreadable state.
    pub fn contract_info_of(&self, who: &AccountId) -> Result<Option<ContractInfo>, StateError> {
        self.state.contract_info(who)
    }

    /// The free balance of the running contract.
    ///
    /// # Errors
    /// Unreadable state.
    pub fn balance(&self) -> Result<Balance, StateError> {
        Ok(self.state.account(&self.frame.address)?.balance)
    }

    /// The chain's instantiation nonce.
    ///
    /// # Errors
    /// Unreadable state.
    pub fn instantiation_nonce(&self) -> Result<u64, StateError> {
        self.state.instantiation_nonce()
    }

    /// Applies `f` to the running contract's record: the pending one of a constructor,
    /// or the stored one (the account's own, also inside a delegate call).
    ///
    /// # Errors
    /// `ContractNotFound`, what `f` refuses, or unreadable state.
    pub fn update_record<R>(
        &mut self,
        f: impl FnOnce(&mut ContractInfo) -> Result<R, ContractError>,
    ) -> Result<R, ExtError> {
        if let Some(info) = self.stack.top_mut().and_then(|t| t.pending_info.as_mut()) {
            return Ok(f(info)?);
        }
        let address = self.frame.address;
        let mut info = self
            .state
            .contract_info(&address)?
            .ok_or(ContractError::ContractNotFound)?;
        let r = f(&mut info)?;
        self.state.set(contract_info_key(&address), info.encode());
        Ok(r)
    }

    /// `set_code_hash`: the contract runs `hash` from its next call on; `own_code_hash`
    /// answers it at once (the running code stays).
    ///
    /// # Errors
    /// As [`FrameExt::update_record`].
    pub fn set_code_hash(&mut self, hash: CodeHash) -> Result<(), ExtError> {
        if self.state.code_info(&hash)?.is_none() {
            return Err(ContractError::CodeNotFound.into());
        }
        let config = self.stack.config.clone();
        let (prev, deposit) = self.update_record(|info| {
            let prev = std::mem::replace(&mut info.code_hash, hash);
            let old_base = info.storage_base_deposit;
            let new_base = base_deposit(info, &config);
            info.storage_base_deposit = new_base;
            let deposit =
                StorageDeposit::Charge(new_base).saturating_sub(StorageDeposit::Charge(old_base));
            Ok((prev, deposit))
        })?;
        self.charge_deposit(deposit);
        self.state.bump_refcount(&hash, true)?;
        self.state.bump_refcount(&prev, false)?;
        self.frame.code_hash = hash;
        Ok(())
    }

    /// Queues a deposit for the running contract on its frame's meter.
    fn charge_deposit(&mut self, deposit: StorageDeposit) {
        let address = self.frame.address;
        if let Some(top) = self.stack.top_mut() {
            top.deposits.charge_deposit(address, deposit);
        }
    }

    /// `lock_delegate_dependency`: the contract depends on `hash` (kept sorted).
    ///
    /// # Errors
    /// The pallet's `CannotAddSelfAsDelegateDependency`,
    /// `DelegateDependencyAlreadyExists`, `MaxDelegateDependenciesReached`.
    pub fn lock_delegate_dependency(&mut self, hash: CodeHash) -> Result<(), ExtError> {
        // The pallet's order: its own code first, then code that does not exist.
        if self.frame.code_hash == hash {
            return Err(ContractError::CannotAddSelfAsDelegateDependency.into());
        }
        if self.state.code_info(&hash)?.is_none() {
            return Err(ContractError::CodeNotFound.into());
        }
        self.update_record(|info| {
            if info.code_hash == hash {
                return Err(ContractError::CannotAddSelfAsDelegateDependency);
            }
            match info.delegate_dependencies.binary_search(&hash) {
                Ok(_) => Err(ContractError::DelegateDependencyAlreadyExists),
                Err(_) if info.delegate_dependencies.len() >= MAX_DELEGATE_DEPENDENCIES => {
                    Err(ContractError::MaxDelegateDependenciesReached)
                }
                Err(at) => {
                    info.delegate_dependencies.insert(at, hash);
                    Ok(())
                }
            }
        })?;
        // The lockup deposit is 0% of the code's, as on ink_sandbox: nothing to queue.
        self.state.bump_refcount(&hash, true)?;
        Ok(())
    }

    /// `unlock_delegate_dependency`.
    ///
    /// # Errors
    /// The pallet's `DelegateDependencyNotFound`.
    pub fn unlock_delegate_dependency(&mut self, hash: CodeHash) -> Result<(), ExtError> {
        self.update_record(
            |info| match info.delegate_dependencies.binary_search(&hash) {
                Ok(at) => {
                    info.delegate_dependencies.remove(at);
                    Ok(())
                }
                Err(_) => Err(ContractError::DelegateDependencyNotFound),
            },
        )?;
        self.state.bump_refcount(&hash, false)?;
        Ok(())
    }

    /// `terminate`: the running contract goes. Its record is removed now; its deposit
    /// is paid back to the origin and its balance goes to `beneficiary` when the call
    /// ends (pallet-contracts settles both with the storage deposits). In a constructor
    /// nothing is stored yet; the frame then fails with `TerminatedInConstructor` and
    /// everything it did is rolled back.
    ///
    /// # Errors
    /// `TerminatedWhileReentrant` if the contract is further down the stack.
    pub fn terminate(&mut self, beneficiary: &AccountId) -> Result<(), ExtError> {
        if self.stack.top_is_recursive() {
            return Err(ContractError::TerminatedWhileReentrant.into());
        }
        let ed = self.stack.config.existential_deposit;
        let address = self.frame.address;
        let top = self.stack.top_mut().ok_or(ContractError::ContractTrapped)?;
        top.terminated = true;
        if let Some(info) = &top.pending_info {
            // A constructor that terminates fails with `TerminatedInConstructor`; its
            // deposit is booked as the pallet books it, so the first frame's limit
            // check before that sees the refund and cannot fail first.
            top.deposits.terminate(info, *beneficiary, ed);
            return Ok(());
        }
        let info = self
            .state
            .contract_info(&address)?
            .ok_or(ContractError::ContractNotFound)?;
        if let Some(top) = self.stack.top_mut() {
            top.deposits.terminate(&info, *beneficiary, ed);
        }
        self.state.remove(contract_info_key(&address));
        self.state.bump_refcount(&info.code_hash, false)?;
        for dependency in &info.delegate_dependencies {
            self.state.bump_refcount(dependency, false)?;
        }
        Ok(())
    }

    /// `transfer`: from the running contract, keeping it alive (a contract may not spend
    /// itself below the minimum balance), as pallet-contracts does.
    ///
    /// # Errors
    /// [`TransferError`].
    pub fn transfer(&mut self, to: &AccountId, value: Balance) -> Result<(), TransferError> {
        let (from, ed) = (self.frame.address, self.frame.minimum_balance);
        transfer_keep_alive(self.state, &from, to, value, ed)
    }
}
