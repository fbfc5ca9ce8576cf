//! [`FrameExt`]: what a running frame may do to state, as pallet-contracts' `Ext`
//! offers it to host functions. Host functions charge gas and move bytes between the
//! contract's memory and the host; the rules and every state key are here.

use parity_scale_codec::Encode;

use super::frame::{run_frame, Frame, FrameOutcome, FrameRequest};
use super::stack::CallStack;
use super::Engine;
use crate::account::{transfer_keep_alive, TransferError};
use crate::dispatch_error::ContractError;
use crate::gas::{Charged, GasMeter, Weight};
use crate::primitives::{AccountId, Balance, CodeHash};
use crate::schedule::RuntimeCosts;
use crate::state::{
    account_key, code_key, contract_info_key, contract_storage_key, ContractInfo, StateAccess,
    StateError, StateExt,
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
        let mut meter = std::mem::take(self.gas()?);
        let out = run_frame(engine, self.stack, self.state, &mut meter, req);
        *self.gas()? = meter;
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

    /// Sets the contract's storage `key` to `value`.
    pub fn set_storage(&mut self, key: &[u8], value: Vec<u8>) {
        let key = contract_storage_key(&self.frame.trie_id, key);
        self.state.set(key, value);
    }

    /// Removes the contract's storage `key`.
    pub fn clear_storage(&mut self, key: &[u8]) {
        let key = contract_storage_key(&self.frame.trie_id, key);
        self.state.remove(key);
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
        self.update_record(|info| {
            info.code_hash = hash;
            Ok(())
        })?;
        self.frame.code_hash = hash;
        Ok(())
    }

    /// `lock_delegate_dependency`: the contract depends on `hash` (kept sorted).
    ///
    /// # Errors
    /// The pallet's `CannotAddSelfAsDelegateDependency`,
    /// `DelegateDependencyAlreadyExists`, `MaxDelegateDependenciesReached`.
    pub fn lock_delegate_dependency(&mut self, hash: CodeHash) -> Result<(), ExtError> {
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
        })
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
        )
    }

    /// `terminate`: the running contract goes, its balance to `beneficiary`. In a
    /// constructor nothing is stored yet; the frame then fails with
    /// `TerminatedInConstructor` and everything it did is rolled back.
    ///
    /// # Errors
    /// `TerminatedWhileReentrant` if the contract is further down the stack.
    pub fn terminate(&mut self, beneficiary: &AccountId) -> Result<(), ExtError> {
        if self.stack.top_is_recursive() {
            return Err(ContractError::TerminatedWhileReentrant.into());
        }
        let constructing = match self.stack.top_mut() {
            Some(top) => {
                top.terminated = true;
                top.pending_info.is_some()
            }
            None => false,
        };
        if constructing {
            return Ok(());
        }
        let address = self.frame.address;
        let contract = self.state.account(&address)?;
        let mut heir = self.state.account(beneficiary)?;
        if *beneficiary != address {
            heir.balance = heir.balance.saturating_add(contract.balance);
            self.state.put_account(beneficiary, &heir);
            self.state.remove(account_key(&address));
        }
        self.state.remove(contract_info_key(&address));
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
