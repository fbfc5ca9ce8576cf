//! Aggregation (packing into an SSCC) and change of ownership: shipping, receipt
//! and voiding a shipment.

use crate::dscsa::Dscsa;
use crate::env::AccountId;
use crate::errors::Error;
use crate::gs1::fixed;
use crate::types::*;
use ink::codegen::Env as _;
use ink::prelude::string::String;
use ink::prelude::vec::Vec;

impl Dscsa {
    /// The packages a movement takes, all checked movable.
    pub(crate) fn movable_target(
        &self,
        target: &Target,
        caller: AccountId,
    ) -> Result<Vec<PackageKey>, Error> {
        match target {
            Target::Package(gtin, serial) => {
                let key = self.key_of(gtin, serial)?;
                if self.movable(key, caller)?.container.is_some() {
                    return Err(Error::InContainer);
                }
                Ok(Vec::from([key]))
            }
            Target::Container(sscc) => {
                let sscc = fixed::<18>(sscc, Error::InvalidSscc)?;
                let container = self.containers.get(sscc).ok_or(Error::UnknownContainer)?;
                if container.owner != caller {
                    return Err(Error::NotOwner);
                }
                if container.shipment.is_some() {
                    return Err(Error::InTransit);
                }
                for key in &container.contents {
                    self.movable(*key, caller)?;
                }
                Ok(container.contents)
            }
        }
    }

    /// [`Dscsa::pack`]'s checks and effects.
    pub(crate) fn do_pack(
        &mut self,
        sscc: String,
        items: Vec<(String, String)>,
    ) -> Result<(), Error> {
        let caller = self.env().caller();
        self.active_partner(caller)?;
        let sscc = fixed::<18>(&sscc, Error::InvalidSscc)?;
        if self.owner_of_identifier(&sscc) != Some(caller) {
            return Err(Error::NotBrandOwner);
        }
        if self.retired_ssccs.contains(sscc) {
            return Err(Error::SsccRetired);
        }
        if self.containers.contains(sscc) {
            return Err(Error::ContainerExists);
        }
        if items.is_empty() || items.len() > MAX_CONTENTS {
            return Err(Error::InvalidContents);
        }
        let mut contents = Vec::with_capacity(items.len());
        for (gtin, serial) in &items {
            let key = self.key_of(gtin, serial)?;
            if contents.contains(&key) {
                return Err(Error::InvalidContents);
            }
            let package = self.movable(key, caller)?;
            if package.container.is_some() {
                return Err(Error::InContainer);
            }
            contents.push(key);
        }
        for key in &contents {
            self.update(*key, |p| p.container = Some(sscc));
            self.record(*key, caller, Action::Packed(sscc));
        }
        self.containers.insert(
            sscc,
            &Container {
                owner: caller,
                contents,
                shipment: None,
            },
        );
        Ok(())
    }

    /// [`Dscsa::ship`]'s checks and effects.
    pub(crate) fn do_ship(
        &mut self,
        target: Target,
        to: AccountId,
        carrier: Option<AccountId>,
        transaction_information: [u8; 32],
        transaction_statement: bool,
    ) -> Result<(), Error> {
        let caller = self.env().caller();
        self.active_partner(caller)?;
        if to == caller {
            return Err(Error::SelfShipment);
        }
        if transaction_information == [0; 32] {
            return Err(Error::MissingTransactionInformation);
        }
        let recipient = self.active_partner(to)?;
        if recipient.kind == PartnerKind::ThirdPartyLogistics {
            return Err(Error::WrongPartnerKind);
        }
        if let Some(carrier) = carrier {
            let kind = self
                .active_partner(carrier)
                .map_err(|_| Error::InvalidCarrier)?
                .kind;
            if kind != PartnerKind::ThirdPartyLogistics {
                return Err(Error::InvalidCarrier);
            }
        }
        if !transaction_statement {
            return Err(Error::MissingTransactionStatement);
        }
        let shipment = Shipment {
            to,
            carrier,
            transaction_information,
        };
        let custodian = carrier.unwrap_or(caller);
        let keys = self.movable_target(&target, caller)?;
        for key in &keys {
            let s = shipment.clone();
            self.update(*key, |p| {
                p.state = State::InTransit;
                p.shipment = Some(s);
                p.custodian = custodian;
            });
            self.held.insert((*key, custodian), &());
            self.record(*key, caller, Action::Shipped(shipment.clone()));
        }
        if let Target::Container(sscc) = &target {
            let sscc = fixed::<18>(sscc, Error::InvalidSscc)?;
            if let Some(mut container) = self.containers.get(sscc) {
                container.shipment = Some(shipment);
                self.containers.insert(sscc, &container);
            }
        }
        Ok(())
    }

    /// [`Dscsa::receive`]'s checks and effects.
    pub(crate) fn do_receive(&mut self, target: Target) -> Result<(), Error> {
        let caller = self.env().caller();
        self.active_partner(caller)?;
        let (keys, container) = match &target {
            Target::Package(gtin, serial) => {
                let key = self.key_of(gtin, serial)?;
                let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
                if package.container.is_some() {
                    return Err(Error::InContainer);
                }
                (Vec::from([key]), None)
            }
            Target::Container(sscc) => {
                let sscc = fixed::<18>(sscc, Error::InvalidSscc)?;
                let container = self.containers.get(sscc).ok_or(Error::UnknownContainer)?;
                let shipment = container.shipment.as_ref().ok_or(Error::NotInTransit)?;
                if shipment.to != caller {
                    return Err(Error::NotRecipient);
                }
                self.active_partner(container.owner)
                    .map_err(|_| Error::PartnerSuspended)?;
                (container.contents.clone(), Some((sscc, container)))
            }
        };
        let now = self.env().block_timestamp();
        let mut returns = Vec::with_capacity(keys.len());
        for key in &keys {
            let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
            let shipment = package.shipment.as_ref().ok_or(Error::NotInTransit)?;
            if shipment.to != caller {
                return Err(Error::NotRecipient);
            }
            self.active_partner(package.owner)
                .map_err(|_| Error::PartnerSuspended)?;
            if now >= package.expiry {
                return Err(Error::Expired);
            }
            returns.push(self.held.contains((*key, caller)));
        }
        if let Some((sscc, mut container)) = container {
            container.shipment = None;
            container.owner = caller;
            self.containers.insert(sscc, &container);
        }
        for (key, returned) in keys.iter().zip(returns) {
            self.update(*key, |p| {
                p.state = if returned {
                    State::Returned
                } else {
                    State::Active
                };
                p.shipment = None;
                p.owner = caller;
                p.custodian = caller;
            });
            self.held.insert((*key, caller), &());
            let action = if returned {
                Action::ReturnReceived
            } else {
                Action::Received
            };
            self.record(*key, caller, action);
        }
        Ok(())
    }

    /// [`Dscsa::void_shipment`]'s checks and effects.
    pub(crate) fn do_void_shipment(&mut self, target: Target) -> Result<(), Error> {
        let caller = self.env().caller();
        let operator = caller == self.operator;
        if !operator {
            self.active_partner(caller)?;
        }
        let (keys, container) = match &target {
            Target::Package(gtin, serial) => {
                let key = self.key_of(gtin, serial)?;
                let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
                if !operator && package.owner != caller {
                    return Err(Error::NotOwner);
                }
                if package.container.is_some() {
                    return Err(Error::InContainer);
                }
                if package.shipment.is_none() {
                    return Err(Error::NotInTransit);
                }
                (Vec::from([key]), None)
            }
            Target::Container(sscc) => {
                let sscc = fixed::<18>(sscc, Error::InvalidSscc)?;
                let container = self.containers.get(sscc).ok_or(Error::UnknownContainer)?;
                if !operator && container.owner != caller {
                    return Err(Error::NotOwner);
                }
                if container.shipment.is_none() {
                    return Err(Error::NotInTransit);
                }
                (container.contents.clone(), Some((sscc, container)))
            }
        };
        if let Some((sscc, mut container)) = container {
            container.shipment = None;
            self.containers.insert(sscc, &container);
        }
        for key in &keys {
            self.update(*key, |p| {
                if p.shipment.take().is_some() {
                    p.state = State::Active;
                }
                p.custodian = p.owner;
            });
            self.record(*key, caller, Action::ShipmentVoided);
        }
        Ok(())
    }
}
