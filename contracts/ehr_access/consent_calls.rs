//! Questions to the Consent contract, across contracts.

use crate::ehr_access::EhrAccess;
use crate::env::AccountId;
use crate::errors::Error;
use crate::types::*;
use health_types::{DataClass, Purpose};
use ink::env::call::{build_call, ExecutionInput, Selector};
use ink::env::DefaultEnvironment;

impl EhrAccess {
    /// What the patient's consent says for `accessor`: a personal provision
    /// first; on silence, the organization's (the administrator's) consent. The
    /// administrator's own reads stand on the organization's consent and are
    /// marked so.
    pub(crate) fn consent_basis(
        &self,
        record: &Record,
        accessor: AccountId,
        purpose: Purpose,
    ) -> Basis {
        let ask = |grantee| self.consent_decision(record.patient, grantee, purpose, record.class);
        let personal = match ask(accessor) {
            Ok(answer) => answer,
            Err(_) => return Basis::ConsentUnavailable,
        };
        let org_basis = |granted: bool| {
            if granted {
                Basis::OrganizationConsent
            } else {
                Basis::ConsentDenied
            }
        };
        match personal {
            Some(granted) if accessor == self.admin => org_basis(granted),
            Some(true) => Basis::PersonalConsent,
            Some(false) => Basis::ConsentDenied,
            None if accessor == self.admin => Basis::NoConsent,
            None => match ask(self.admin) {
                Ok(Some(granted)) => org_basis(granted),
                Ok(None) => Basis::NoConsent,
                Err(_) => Basis::ConsentUnavailable,
            },
        }
    }

    /// Consent's `decision`, across contracts: `None` when no provision speaks.
    pub(crate) fn consent_decision(
        &self,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        class: DataClass,
    ) -> Result<Option<bool>, Error> {
        build_call::<DefaultEnvironment>()
            .call(self.consent)
            .exec_input(
                ExecutionInput::new(Selector::new(ink::selector_bytes!("decision")))
                    .push_arg(patient)
                    .push_arg(grantee)
                    .push_arg(purpose)
                    .push_arg(class),
            )
            .returns::<Option<bool>>()
            .try_invoke()
            .map_err(|_| Error::ConsentUnavailable)?
            .map_err(|_| Error::ConsentUnavailable)
    }

    /// Consent's `is_delegate`, across contracts.
    pub(crate) fn consent_is_delegate(
        &self,
        patient: AccountId,
        who: AccountId,
    ) -> Result<bool, Error> {
        build_call::<DefaultEnvironment>()
            .call(self.consent)
            .exec_input(
                ExecutionInput::new(Selector::new(ink::selector_bytes!("is_delegate")))
                    .push_arg(patient)
                    .push_arg(who),
            )
            .returns::<bool>()
            .try_invoke()
            .map_err(|_| Error::ConsentUnavailable)?
            .map_err(|_| Error::ConsentUnavailable)
    }
}
