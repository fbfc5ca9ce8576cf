//! Packages: keys, ownership, the states a message may act on, commissioning,
//! repackaging, quarantine and the history.

use crate::dscsa::{Dscsa, IllegitimateProduct, PackageEvent};
use crate::env::{AccountId, Timestamp};
use crate::errors::Error;
use crate::gs1::{fixed, gs1_text_ok, text_ok};
use crate::types::*;
use ink::codegen::Env as _;
use ink::env::hash::Blake2x256;
use ink::prelude::string::String;

/// A newly commissioned package: active, owned and held by `owner`.
fn new_package(
    gtin: Gtin,
    serial: String,
    lot: String,
    expiry: Timestamp,
    owner: AccountId,
    source: Option<PackageKey>,
) -> Package {
    Package {
        gtin,
        serial,
        lot,
        expiry,
        owner,
        custodian: owner,
        state: State::Active,
        container: None,
        shipment: None,
        source,
    }
}

impl Dscsa {
    pub(crate) fn key(&self, gtin: &Gtin, serial: &str) -> PackageKey {
        self.env().hash_encoded::<Blake2x256, _>(&(gtin, serial))
    }

    pub(crate) fn key_of(&self, gtin: &str, serial: &str) -> Result<PackageKey, Error> {
        let gtin = fixed::<14>(gtin, Error::InvalidGtin)?;
        Ok(self.key(&gtin, serial))
    }

    /// Stores a new package, active with its owner, who has held it.
    pub(crate) fn create(&mut self, key: PackageKey, package: &Package) {
        self.packages.insert(key, package);
        self.held.insert((key, package.owner), &());
    }

    pub(crate) fn state_error(state: State) -> Error {
        match state {
            State::Active => Error::NotQuarantined,
            State::InTransit => Error::InTransit,
            State::Quarantined => Error::Quarantined,
            State::Illegitimate => Error::Illegitimate,
            State::Dispensed | State::Decommissioned(_) => Error::Final,
            State::Returned => Error::ReturnNotVerified,
            State::Damaged => Error::Damaged,
            State::PartiallyDispensed => Error::PartiallyDispensed,
        }
    }

    /// The package, if `caller` owns it and is an active partner.
    pub(crate) fn owned(&self, key: PackageKey, caller: AccountId) -> Result<Package, Error> {
        self.active_partner(caller)?;
        let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
        if package.owner != caller {
            return Err(Error::NotOwner);
        }
        Ok(package)
    }

    /// The package, if `caller` owns it and it may move: active, not recalled,
    /// not expired.
    pub(crate) fn movable(&self, key: PackageKey, caller: AccountId) -> Result<Package, Error> {
        let package = self.owned(key, caller)?;
        if package.state != State::Active {
            return Err(Self::state_error(package.state));
        }
        if self.recalled(&package) {
            return Err(Error::Recalled);
        }
        if self.env().block_timestamp() >= package.expiry {
            return Err(Error::Expired);
        }
        Ok(package)
    }

    /// The key of a package an active dispenser `caller` may dispense from:
    /// owned, active or partly dispensed, standing alone, not recalled, not
    /// expired.
    pub(crate) fn dispensable(
        &self,
        gtin: &str,
        serial: &str,
        caller: AccountId,
    ) -> Result<PackageKey, Error> {
        if self.active_partner(caller)?.kind != PartnerKind::Dispenser {
            return Err(Error::WrongPartnerKind);
        }
        let key = self.key_of(gtin, serial)?;
        let package = self.owned(key, caller)?;
        match package.state {
            State::Active | State::PartiallyDispensed => {}
            other => return Err(Self::state_error(other)),
        }
        if self.recalled(&package) {
            return Err(Error::Recalled);
        }
        if package.container.is_some() {
            return Err(Error::InContainer);
        }
        if self.env().block_timestamp() >= package.expiry {
            return Err(Error::Expired);
        }
        Ok(key)
    }

    /// [`Dscsa::commission`]'s checks and effects.
    pub(crate) fn do_commission(
        &mut self,
        gtin: String,
        serial: String,
        lot: String,
        expiry: Timestamp,
    ) -> Result<PackageKey, Error> {
        let caller = self.env().caller();
        if self.active_partner(caller)?.kind != PartnerKind::Manufacturer {
            return Err(Error::WrongPartnerKind);
        }
        let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
        if !gs1_text_ok(&serial) {
            return Err(Error::InvalidSerial);
        }
        if !gs1_text_ok(&lot) {
            return Err(Error::InvalidLot);
        }
        if self.owner_of_identifier(&gtin) != Some(caller) {
            return Err(Error::NotBrandOwner);
        }
        if expiry <= self.env().block_timestamp() {
            return Err(Error::Expired);
        }
        let key = self.key(&gtin, &serial);
        if self.packages.contains(key) {
            return Err(Error::DuplicateSerial);
        }
        self.create(key, &new_package(gtin, serial, lot, expiry, caller, None));
        self.record(key, caller, Action::Commissioned);
        Ok(key)
    }

    /// [`Dscsa::repackage`]'s checks and effects.
    pub(crate) fn do_repackage(
        &mut self,
        source_gtin: String,
        source_serial: String,
        gtin: String,
        serial: String,
        lot: String,
        expiry: Timestamp,
    ) -> Result<PackageKey, Error> {
        let caller = self.env().caller();
        if self.active_partner(caller)?.kind != PartnerKind::Repackager {
            return Err(Error::WrongPartnerKind);
        }
        let source_key = self.key_of(&source_gtin, &source_serial)?;
        let source = self.movable(source_key, caller)?;
        if source.container.is_some() {
            return Err(Error::InContainer);
        }
        let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
        if !gs1_text_ok(&serial) {
            return Err(Error::InvalidSerial);
        }
        if !gs1_text_ok(&lot) {
            return Err(Error::InvalidLot);
        }
        if self.owner_of_identifier(&gtin) != Some(caller) {
            return Err(Error::NotBrandOwner);
        }
        if expiry <= self.env().block_timestamp() {
            return Err(Error::Expired);
        }
        if expiry > source.expiry {
            return Err(Error::ExpiryAfterSource);
        }
        let key = self.key(&gtin, &serial);
        if self.packages.contains(key) {
            return Err(Error::DuplicateSerial);
        }
        let reason = Decommission::Repackaged;
        self.update(source_key, |p| p.state = State::Decommissioned(reason));
        self.record(source_key, caller, Action::Repackaged(key));
        let package = new_package(gtin, serial, lot, expiry, caller, Some(source_key));
        self.create(key, &package);
        self.record(key, caller, Action::CommissionedFrom(source_key));
        Ok(key)
    }

    /// [`Dscsa::quarantine`]'s checks and effects.
    pub(crate) fn do_quarantine(
        &mut self,
        gtin: String,
        serial: String,
        reason: String,
    ) -> Result<(), Error> {
        let caller = self.env().caller();
        text_ok(&reason)?;
        let key = self.key_of(&gtin, &serial)?;
        let package = self.owned(key, caller)?;
        match package.state {
            State::Active => {
                self.quarantined_returns.remove(key);
            }
            State::Returned => {
                self.quarantined_returns.insert(key, &());
            }
            State::Quarantined => return Err(Error::Quarantined),
            other => return Err(Self::state_error(other)),
        }
        self.update(key, |p| p.state = State::Quarantined);
        if let Some(id) = self.open_flag.get(key) {
            if let Some(mut flag) = self.flags.get(id) {
                flag.quarantined = true;
                self.flags.insert(id, &flag);
            }
        }
        self.record(key, caller, Action::Quarantined(reason));
        Ok(())
    }

    /// [`Dscsa::declare_illegitimate`]'s checks and effects.
    pub(crate) fn do_declare_illegitimate(
        &mut self,
        gtin: String,
        serial: String,
        description: String,
    ) -> Result<(), Error> {
        let caller = self.env().caller();
        text_ok(&description)?;
        let key = self.key_of(&gtin, &serial)?;
        let package = self.owned(key, caller)?;
        if package.state != State::Quarantined {
            return Err(Error::NotQuarantined);
        }
        let reporter = self.active_partner(caller)?;
        self.quarantined_returns.remove(key);
        self.update(key, |p| p.state = State::Illegitimate);
        self.record(
            key,
            caller,
            Action::DeclaredIllegitimate(description.clone()),
        );
        self.env().emit_event(IllegitimateProduct {
            package: key,
            reporter: caller,
            reporter_kind: reporter.kind,
            reporter_gln: reporter.gln,
            gtin: package.gtin,
            serial: package.serial,
            lot: package.lot,
            expiry: package.expiry,
            description,
            at: self.env().block_timestamp(),
        });
        Ok(())
    }

    pub(crate) fn update(&mut self, key: PackageKey, f: impl FnOnce(&mut Package)) {
        if let Some(mut package) = self.packages.get(key) {
            f(&mut package);
            self.packages.insert(key, &package);
        }
    }

    pub(crate) fn record(&mut self, key: PackageKey, actor: AccountId, action: Action) {
        let position = self.history_len.get(key).unwrap_or(0);
        let entry = HistoryEntry {
            actor,
            action: action.clone(),
            block: self.env().block_number(),
            at: self.env().block_timestamp(),
        };
        self.history.insert((key, position), &entry);
        self.history_len.insert(key, &position.saturating_add(1));
        self.env().emit_event(PackageEvent {
            package: key,
            actor,
            action,
        });
    }
}
