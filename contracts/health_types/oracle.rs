//! The AI oracle and its model registry, one storage item that the DSCSA and the EHR
//! access contracts both hold: who may raise flags (the sentinel, named by the
//! contract's administrator), and the SHA-256 of every model file registered before
//! its first flag, so that each flag names a model fixed in advance.
//!
//! The registry checks and records; the contract decides who may name the oracle and
//! emits the events the registry returns.

use crate::{AccountId, Timestamp, MAX_SCORE};
use ink::storage::Mapping;

/// Why the registry refused; each contract maps it into its own error enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OracleError {
    /// The caller is not the named oracle.
    NotOracle,
    /// The model is registered already.
    ModelExists,
    /// The flag names a model never registered.
    UnknownModel,
    /// A score above [`MAX_SCORE`].
    ScoreOutOfRange,
}

/// The oracle and its registered models.
#[ink::storage_item]
#[derive(Debug, Default)]
pub struct OracleRegistry {
    oracle: Option<AccountId>,
    /// Registered model hashes, with the block time of registration.
    models: Mapping<[u8; 32], Timestamp>,
}

impl OracleRegistry {
    /// The oracle, if one is named.
    pub fn oracle(&self) -> Option<AccountId> {
        self.oracle
    }

    /// Whether `who` is the named oracle.
    pub fn is_oracle(&self, who: AccountId) -> bool {
        self.oracle == Some(who)
    }

    /// `caller` if it is the oracle.
    pub fn ensure_oracle(&self, caller: AccountId) -> Result<AccountId, OracleError> {
        if self.is_oracle(caller) {
            Ok(caller)
        } else {
            Err(OracleError::NotOracle)
        }
    }

    /// Names (or removes) the oracle; the caller has checked who asks. Returns the
    /// event to emit.
    pub fn set_oracle(&mut self, oracle: Option<AccountId>) -> OracleSet {
        self.oracle = oracle;
        OracleSet { oracle }
    }

    /// The oracle registers `model` at block time `now`. Returns the event to emit.
    pub fn register_model(
        &mut self,
        caller: AccountId,
        model: [u8; 32],
        now: Timestamp,
    ) -> Result<ModelRegistered, OracleError> {
        let oracle = self.ensure_oracle(caller)?;
        if self.models.contains(model) {
            return Err(OracleError::ModelExists);
        }
        self.models.insert(model, &now);
        Ok(ModelRegistered { model, oracle })
    }

    /// When `model` was registered, if it was.
    pub fn model_registered_at(&self, model: [u8; 32]) -> Option<Timestamp> {
        self.models.get(model)
    }

    /// The checks every flag passes first, in this order: the caller is the
    /// oracle, the score is in range, the model is registered.
    pub fn check_flag(
        &self,
        caller: AccountId,
        score: u16,
        model: [u8; 32],
    ) -> Result<(), OracleError> {
        self.ensure_oracle(caller)?;
        if score > MAX_SCORE {
            return Err(OracleError::ScoreOutOfRange);
        }
        if !self.models.contains(model) {
            return Err(OracleError::UnknownModel);
        }
        Ok(())
    }
}

/// The administrator named (or removed) the oracle.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleSet {
    /// The oracle named, or none.
    pub oracle: Option<AccountId>,
}

/// The oracle registered a model's SHA-256 before flagging with it.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRegistered {
    /// The model file's SHA-256.
    #[ink(topic)]
    pub model: [u8; 32],
    /// The oracle that registered it.
    pub oracle: AccountId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_oracle_registers_and_flags_with_registered_models() {
        let oracle = AccountId::from([1; 32]);
        let other = AccountId::from([2; 32]);
        let model = [7; 32];
        // The off-chain engine keeps storage per contract: this test is one.
        ink::env::test::set_callee::<ink::env::DefaultEnvironment>(AccountId::from([9; 32]));
        let mut registry = OracleRegistry::default();
        assert_eq!(
            registry.register_model(oracle, model, 5),
            Err(OracleError::NotOracle)
        );
        assert_eq!(registry.set_oracle(Some(oracle)).oracle, Some(oracle));
        assert_eq!(
            registry.check_flag(oracle, 1, model),
            Err(OracleError::UnknownModel)
        );
        assert_eq!(
            registry.register_model(oracle, model, 5),
            Ok(ModelRegistered { model, oracle })
        );
        assert_eq!(
            registry.register_model(oracle, model, 6),
            Err(OracleError::ModelExists)
        );
        assert_eq!(registry.model_registered_at(model), Some(5));
        assert_eq!(registry.check_flag(oracle, MAX_SCORE, model), Ok(()));
        assert_eq!(
            registry.check_flag(oracle, MAX_SCORE + 1, model),
            Err(OracleError::ScoreOutOfRange)
        );
        assert_eq!(
            registry.check_flag(other, 1, model),
            Err(OracleError::NotOracle)
        );
    }
}
