//! The administrator and the oracle.

use crate::ehr_access::EhrAccess;
use crate::env::AccountId;
use crate::errors::Error;
use ink::codegen::Env as _;

impl EhrAccess {
    pub(crate) fn ensure_oracle(&self) -> Result<AccountId, Error> {
        let caller = self.env().caller();
        if self.oracle == Some(caller) {
            Ok(caller)
        } else {
            Err(Error::NotOracle)
        }
    }

    pub(crate) fn ensure_admin(&self) -> Result<AccountId, Error> {
        let caller = self.env().caller();
        if caller == self.admin {
            Ok(caller)
        } else {
            Err(Error::NotAdmin)
        }
    }
}
