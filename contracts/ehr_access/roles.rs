//! The administrator.

use crate::ehr_access::EhrAccess;
use crate::env::AccountId;
use crate::errors::Error;
use ink::codegen::Env as _;

impl EhrAccess {
    pub(crate) fn ensure_admin(&self) -> Result<AccountId, Error> {
        let caller = self.env().caller();
        if caller == self.admin {
            Ok(caller)
        } else {
            Err(Error::NotAdmin)
        }
    }
}
