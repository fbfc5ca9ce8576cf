//! Verification (the VRS answer and verification requests), recalls as they
//! show in a status, and who may read a package.

use crate::dscsa::{Dscsa, VerificationRequested};
use crate::env::{AccountId, Timestamp};
use crate::errors::Error;
use crate::gs1::{fixed, gs1_text_ok};
use crate::types::*;
use ink::codegen::Env as _;
use ink::prelude::string::String;

impl Dscsa {
    /// The verification answer for `package` asked about with `lot`, `expiry`.
    pub(crate) fn answer(
        &self,
        package: Option<&Package>,
        lot: &str,
        expiry: Timestamp,
    ) -> Verification {
        match package {
            Some(package) if package.lot == lot && package.expiry == expiry => Verification {
                verified: true,
                status: Some(self.status(package)),
            },
            _ => Verification {
                verified: false,
                status: None,
            },
        }
    }

    /// The package, if the caller has a DSCSA reason to read it.
    pub(crate) fn readable(&self, key: PackageKey) -> Result<Package, Error> {
        let caller = self.env().caller();
        let operator = caller == self.operator;
        let Some(package) = self.packages.get(key) else {
            return Err(if operator {
                Error::UnknownPackage
            } else {
                Error::NotAuthorized
            });
        };
        let party = package.owner == caller
            || package.custodian == caller
            || package
                .shipment
                .as_ref()
                .is_some_and(|s| s.to == caller || s.carrier == Some(caller))
            || self.verified_requests.contains((key, caller));
        if operator || party {
            Ok(package)
        } else {
            Err(Error::NotAuthorized)
        }
    }

    pub(crate) fn status(&self, package: &Package) -> Status {
        match package.state {
            State::Dispensed => Status::Dispensed,
            State::Decommissioned(_) => Status::Decommissioned,
            State::Illegitimate => Status::Illegitimate,
            State::Quarantined => Status::Quarantined,
            State::Damaged => Status::Damaged,
            _ if self.recalled(package) => Status::Recalled,
            _ if self.env().block_timestamp() >= package.expiry => Status::Expired,
            State::InTransit => Status::InTransit,
            State::Active => Status::Active,
            State::Returned => Status::Returned,
            State::PartiallyDispensed => Status::PartiallyDispensed,
        }
    }

    /// Whether the package's lot is recalled, or the lot of a package it was
    /// repackaged from (the chain of sources is acyclic: each link is a newer
    /// package).
    pub(crate) fn recalled(&self, package: &Package) -> bool {
        if self.recalls.contains((package.gtin, package.lot.clone())) {
            return true;
        }
        let mut source = package.source;
        while let Some(key) = source {
            let Some(earlier) = self.packages.get(key) else {
                return false;
            };
            if self.recalls.contains((earlier.gtin, earlier.lot.clone())) {
                return true;
            }
            source = earlier.source;
        }
        false
    }

    /// [`Dscsa::request_verification`]'s checks and effects.
    pub(crate) fn do_request_verification(
        &mut self,
        gtin: String,
        serial: String,
        lot: String,
        expiry: Timestamp,
        presenter: AccountId,
        context: VerificationContext,
    ) -> Result<Verification, Error> {
        let requester = self.env().caller();
        self.active_partner(requester)?;
        let gtin_digits = fixed::<14>(&gtin, Error::InvalidGtin)?;
        if !gs1_text_ok(&serial) {
            return Err(Error::InvalidSerial);
        }
        let window = self
            .env()
            .block_timestamp()
            .checked_div(REQUEST_WINDOW)
            .unwrap_or(0);
        let count = match self.request_counts.get(requester) {
            Some((w, count)) if w == window => count,
            _ => 0,
        };
        if count >= MAX_REQUESTS_PER_WINDOW {
            return Err(Error::RateLimited);
        }
        self.request_counts
            .insert(requester, &(window, count.saturating_add(1)));
        let key = self.key(&gtin_digits, &serial);
        let package = self.packages.get(key);
        let verified = self.answer(package.as_ref(), &lot, expiry).verified;
        let requester_connected = self.held.contains((key, requester))
            || package.as_ref().is_some_and(|p| {
                p.shipment
                    .as_ref()
                    .is_some_and(|s| s.to == requester || s.carrier == Some(requester))
            });
        if verified {
            self.verified_requests
                .insert((key, requester), &self.env().block_number());
            if let Some(package) = &package {
                if context == VerificationContext::SaleableReturn
                    && package.state == State::Returned
                    && package.owner == requester
                {
                    self.update(key, |p| p.state = State::Active);
                    self.record(key, requester, Action::ReturnVerified);
                }
            }
        }
        // The answer as things stand after the request (a verified return is
        // active again).
        let answer = self.answer(self.packages.get(key).as_ref(), &lot, expiry);
        self.env().emit_event(VerificationRequested {
            package: key,
            requester,
            gtin: gtin_digits,
            serial,
            verified: answer.verified,
            status: answer.status,
            presenter,
            context,
            requester_connected,
        });
        Ok(answer)
    }
}
