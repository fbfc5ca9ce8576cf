//! The operator, trading partners and GS1 company prefixes.

use crate::dscsa::Dscsa;
use crate::env::AccountId;
use crate::errors::Error;
use crate::types::{Partner, MAX_PREFIX, MIN_PREFIX};
use ink::codegen::Env as _;

impl Dscsa {
    pub(crate) fn ensure_operator(&self) -> Result<(), Error> {
        if self.env().caller() == self.operator {
            Ok(())
        } else {
            Err(Error::NotOperator)
        }
    }

    pub(crate) fn active_partner(&self, account: AccountId) -> Result<Partner, Error> {
        let partner = self.partners.get(account).ok_or(Error::UnknownPartner)?;
        if partner.active {
            Ok(partner)
        } else {
            Err(Error::PartnerSuspended)
        }
    }

    /// The brand owner of a GTIN-14 or SSCC-18 (digits): the holder of the
    /// company prefix starting at index 1. At most [`MAX_PREFIX`] -
    /// [`MIN_PREFIX`] + 1 lookups; prefixes never extend each other, so at most
    /// one matches.
    pub(crate) fn owner_of_identifier(&self, digits: &[u8]) -> Option<AccountId> {
        let body = digits.get(1..)?;
        (MIN_PREFIX..=MAX_PREFIX)
            .filter_map(|len| body.get(..len))
            .find_map(|candidate| self.prefixes.get(candidate))
    }
}
