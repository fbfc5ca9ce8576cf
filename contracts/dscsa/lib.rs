//! DSCSA traceability: prescription drug packages identified with GS1 identifiers,
//! moved only between authorized trading partners, verifiable at any time, as the
//! US Drug Supply Chain Security Act (21 U.S.C. 360eee) requires.
//!
//! - Trading partners (manufacturer, repackager, wholesale distributor, dispenser,
//!   third-party logistics provider) are registered by the operator with their GS1
//!   GLN and licence; only active ones take part in anything. Registrations and
//!   suspensions are events (`PartnerAdded`, `PartnerStatusChanged`).
//! - Product identity belongs to its brand owner. The operator assigns GS1 company
//!   prefixes (4 to 12 digits) to partners (`PrefixAssigned`, `PrefixRemoved`); a
//!   prefix names one partner and no prefix is a prefix of another, so every GTIN or
//!   SSCC has at most one brand owner ([`Dscsa::brand_owner`]). In a GTIN-14 the
//!   company prefix starts after the indicator digit, in an SSCC-18 after the
//!   extension digit. Only the brand owner (a manufacturer or repackager) commissions
//!   a GTIN and recalls its lots, and only a partner packs into an SSCC of its own.
//! - A package is its product identifier: GTIN-14 (check digit checked), serial
//!   (GS1 AI 21: 1 to 20 characters of the GS1 character set 82), lot, expiry.
//!   A (GTIN, serial) exists once; nothing is commissioned already expired.
//! - Repackaging: a repackager turns a package it owns into a new one under its own
//!   prefix (never with a later expiry); the source is decommissioned as repackaged
//!   and the new package names it as its source.
//! - Aggregation: packages go into a case or pallet named by an SSCC-18; a container
//!   ships with its contents and a package inside one cannot move alone. Packing is
//!   CBV `packing` (disposition `container_closed`, recorded as `Action::Packed`). An
//!   SSCC is used once: after `unpack` it is retired and never packed again.
//! - Change of ownership: `ship` by the owner to another authorized partner, with the
//!   (non-zero) hash of the transaction information and the transaction statement;
//!   `receive` by the named recipient, who becomes the owner, while both it and the
//!   shipper are active. A 3PL may carry custody, never ownership. A shipment not
//!   yet received (a suspended party's, an expired one's) is voided by the shipper
//!   or the operator (CBV `void_shipping`): the packages are back with their owner.
//! - Expired product does not move: it is never commissioned, repackaged, packed,
//!   shipped, received or dispensed; it can only be decommissioned.
//! - Saleable returns (DSCSA 582(c)(4)(D)): a package received by a partner that
//!   owned or held it before is `Returned` (CBV `returned`); it is resold (shipped,
//!   packed, dispensed) only after its owner's verification request in the
//!   `SaleableReturn` context answers verified.
//! - Dispositions: damaged (`report_damaged`, then only decommissioning), partially
//!   dispensed (`dispense_partial`, then only more partial dispensing or the final
//!   dispense), dispensed and decommissioned (final). Suspect product is
//!   quarantined, then cleared or declared illegitimate (an event with what an FDA
//!   Form 3911 notification needs). A recall by the brand owner of a GTIN and lot
//!   stops every matching package.
//! - Reads are for parties with a DSCSA reason: a package's record, history and
//!   container are answered to the operator, the owner, the custodian, the recipient
//!   and carrier of a shipment under way, and a partner whose verification request
//!   of that package was verified. `verify` stays a free query that discloses only a
//!   confirmation: an unknown serial and a wrong lot or expiry look the same.
//! - Every change is an event (topics: the package key, the actor) and a history entry.
//! - Verification requests by partners ([`Dscsa::request_verification`]) are events
//!   too, so that a clone (one serial verified by two dispensers) or a counterfeit (a
//!   serial never commissioned) shows in the trail; each names the presenter, the
//!   GS1 Lightweight Messaging context and whether the requester is connected to the
//!   package (an owner or custodian now or before, or the recipient or carrier of
//!   its shipment), and requests are rate-limited per requester, so that nobody can
//!   frame a holder with requests of its own.
//! - An oracle (the sentinel), named by the operator, registers each model's SHA-256
//!   and then flags serials with a score and reason codes; a flag asks the owner to
//!   investigate (quarantine, then clear or declare illegitimate) and never moves or
//!   stops product itself. A flag is closed by the operator or by a later owner of the
//!   package, never by the owner it flagged, and only after the package was
//!   quarantined while the flag was open (unless the serial was never commissioned,
//!   or, for the operator, the package can no longer be quarantined).

#![cfg_attr(not(feature = "std"), no_std, no_main)]

mod errors;
mod flags;
mod gs1;
mod packages;
mod partners;
mod shipments;
#[cfg(test)]
mod tests;
mod types;
mod verification;

/// The contract environment's types for the items outside the contract module, as
/// `#[ink::contract]` defines them inside it (for `ink::env::DefaultEnvironment`).
mod env {
    use ink::env::{DefaultEnvironment, Environment};
    pub use ink::primitives::AccountId;
    pub type Timestamp = <DefaultEnvironment as Environment>::Timestamp;
}

#[ink::contract]
mod dscsa {
    pub use crate::errors::Error;
    pub use crate::gs1::{gs1_prefix_ok, gs1_text_ok};
    pub use crate::types::*;

    use crate::gs1::{fixed, text_ok};
    pub use health_types::dscsa::{
        IllegitimateProduct, LotRecalled, PackageEvent, PartnerAdded, PartnerStatusChanged,
        PrefixAssigned, PrefixRemoved, SerialFlagReviewed, SerialFlagged, VerificationRequested,
    };
    use health_types::oracle::OracleRegistry;
    use ink::prelude::string::String;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// The contract's storage.
    #[ink(storage)]
    pub struct Dscsa {
        pub(crate) operator: AccountId,
        pub(crate) partners: Mapping<AccountId, Partner>,
        pub(crate) packages: Mapping<PackageKey, Package>,
        pub(crate) containers: Mapping<Sscc, Container>,
        pub(crate) recalls: Mapping<(Gtin, String), BlockNumber>,
        pub(crate) history_len: Mapping<PackageKey, u32>,
        pub(crate) history: Mapping<(PackageKey, u32), HistoryEntry>,
        /// Partners by GLN (each GLN names one partner).
        pub(crate) gln_partner: Mapping<[u8; 13], AccountId>,
        /// The oracle and its registered models.
        pub(crate) registry: OracleRegistry,
        pub(crate) flags: Mapping<u64, SerialFlag>,
        pub(crate) flag_len: u64,
        /// The open flag on a package, if any.
        pub(crate) open_flag: Mapping<PackageKey, u64>,
        /// GS1 company prefixes (ASCII digits) and the partner holding each.
        pub(crate) prefixes: Mapping<Vec<u8>, AccountId>,
        /// For every proper leading part (4 digits or more) of an assigned prefix,
        /// how many assigned prefixes start with it: so that no prefix is assigned
        /// that another one extends.
        pub(crate) prefix_stems: Mapping<Vec<u8>, u32>,
        /// SSCCs unpacked once: never packed again.
        pub(crate) retired_ssccs: Mapping<Sscc, BlockNumber>,
        /// Verified verification requests: (package, requester) and the block.
        pub(crate) verified_requests: Mapping<(PackageKey, AccountId), BlockNumber>,
        /// Each requester's rate-limit window and its request count in it.
        pub(crate) request_counts: Mapping<AccountId, (u64, u32)>,
        /// Every account that ever owned or held custody of each package.
        pub(crate) held: Mapping<(PackageKey, AccountId), ()>,
        /// Quarantined packages that were returns awaiting verification: clearing
        /// them makes them returns again, not saleable.
        pub(crate) quarantined_returns: Mapping<PackageKey, ()>,
    }

    impl Default for Dscsa {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Dscsa {
        /// Anyone deploys; the deployer becomes the operator who registers trading
        /// partners and assigns their company prefixes.
        #[ink(constructor)]
        pub fn new() -> Self {
            Dscsa {
                operator: Self::env().caller(),
                partners: Mapping::default(),
                packages: Mapping::default(),
                containers: Mapping::default(),
                recalls: Mapping::default(),
                history_len: Mapping::default(),
                history: Mapping::default(),
                gln_partner: Mapping::default(),
                registry: OracleRegistry::default(),
                flags: Mapping::default(),
                flag_len: 0,
                open_flag: Mapping::default(),
                prefixes: Mapping::default(),
                prefix_stems: Mapping::default(),
                retired_ssccs: Mapping::default(),
                verified_requests: Mapping::default(),
                request_counts: Mapping::default(),
                held: Mapping::default(),
                quarantined_returns: Mapping::default(),
            }
        }

        /// Operator only (the operator vouches for every partner's licence):
        /// registers an authorized trading partner; emits `PartnerAdded`.
        #[ink(message)]
        pub fn add_partner(
            &mut self,
            account: AccountId,
            kind: PartnerKind,
            gln: String,
            license: String,
        ) -> Result<(), Error> {
            self.ensure_operator()?;
            let gln = fixed::<13>(&gln, Error::InvalidGln)?;
            text_ok(&license)?;
            if self.partners.contains(account) {
                return Err(Error::PartnerExists);
            }
            if self.gln_partner.contains(gln) {
                return Err(Error::GlnInUse);
            }
            self.gln_partner.insert(gln, &account);
            let partner = Partner {
                kind,
                gln,
                license,
                active: true,
            };
            self.partners.insert(account, &partner);
            self.env().emit_event(PartnerAdded { account, kind, gln });
            Ok(())
        }

        /// Operator only (licences are the operator's to vouch for): suspends or
        /// reinstates a partner; emits `PartnerStatusChanged`. A shipment involving
        /// a suspended partner is voided by the shipper or the operator
        /// ([`Dscsa::void_shipment`]).
        #[ink(message)]
        pub fn set_partner_active(
            &mut self,
            account: AccountId,
            active: bool,
        ) -> Result<(), Error> {
            self.ensure_operator()?;
            let mut partner = self.partners.get(account).ok_or(Error::UnknownPartner)?;
            partner.active = active;
            self.partners.insert(account, &partner);
            self.env()
                .emit_event(PartnerStatusChanged { account, active });
            Ok(())
        }

        /// Anyone (the register of authorized trading partners is public, as
        /// DSCSA's authorized-trading-partner checks need): a partner's registration.
        #[ink(message)]
        pub fn partner(&self, account: AccountId) -> Option<Partner> {
            self.partners.get(account)
        }

        /// Anyone: the partner registered under a GLN: how EPCIS documents, which
        /// name parties by GLN, are mapped to accounts.
        #[ink(message)]
        pub fn partner_account(&self, gln: String) -> Option<AccountId> {
            let gln = fixed::<13>(&gln, Error::InvalidGln).ok()?;
            self.gln_partner.get(gln)
        }

        /// Operator only (the operator checks GS1 licensing of the prefix): assigns
        /// the GS1 company prefix `prefix` (4 to 12 digits) to the registered
        /// partner `account`, who becomes the brand owner of every GTIN and SSCC
        /// carrying it. A prefix names one partner, and none may extend or be
        /// extended by another assigned prefix. Emits `PrefixAssigned`.
        #[ink(message)]
        pub fn add_prefix(&mut self, account: AccountId, prefix: String) -> Result<(), Error> {
            self.ensure_operator()?;
            if !gs1_prefix_ok(&prefix) {
                return Err(Error::InvalidPrefix);
            }
            if !self.partners.contains(account) {
                return Err(Error::UnknownPartner);
            }
            let digits = prefix.as_bytes();
            if self.prefixes.contains(digits) || self.prefix_stems.contains(digits) {
                return Err(Error::PrefixInUse);
            }
            for len in MIN_PREFIX..digits.len() {
                let stem = digits.get(..len).unwrap_or_default();
                if self.prefixes.contains(stem) {
                    return Err(Error::PrefixInUse);
                }
            }
            for len in MIN_PREFIX..digits.len() {
                let stem = digits.get(..len).unwrap_or_default();
                let count = self.prefix_stems.get(stem).unwrap_or(0);
                self.prefix_stems.insert(stem, &count.saturating_add(1));
            }
            self.prefixes.insert(digits, &account);
            self.env().emit_event(PrefixAssigned { account, prefix });
            Ok(())
        }

        /// Operator only (as [`Dscsa::add_prefix`]): removes an assigned company
        /// prefix; its GTINs and SSCCs have no brand owner until it is assigned
        /// again. Emits `PrefixRemoved` naming the partner that held it.
        #[ink(message)]
        pub fn remove_prefix(&mut self, prefix: String) -> Result<(), Error> {
            self.ensure_operator()?;
            if !gs1_prefix_ok(&prefix) {
                return Err(Error::InvalidPrefix);
            }
            let digits = prefix.as_bytes();
            let account = self.prefixes.get(digits).ok_or(Error::UnknownPrefix)?;
            self.prefixes.remove(digits);
            for len in MIN_PREFIX..digits.len() {
                let stem = digits.get(..len).unwrap_or_default();
                match self.prefix_stems.get(stem).unwrap_or(0) {
                    0 | 1 => self.prefix_stems.remove(stem),
                    count => {
                        self.prefix_stems.insert(stem, &count.saturating_sub(1));
                    }
                }
            }
            self.env().emit_event(PrefixRemoved { account, prefix });
            Ok(())
        }

        /// Anyone (prefix assignments are public, like GS1's GEPIR): the partner
        /// holding exactly this company prefix.
        #[ink(message)]
        pub fn prefix_owner(&self, prefix: String) -> Option<AccountId> {
            self.prefixes.get(prefix.as_bytes())
        }

        /// Anyone (as [`Dscsa::prefix_owner`]): the brand owner of a GTIN-14, the
        /// partner holding the company prefix that starts at its second digit
        /// (after the indicator digit). None for an invalid GTIN or an unassigned
        /// prefix.
        #[ink(message)]
        pub fn brand_owner(&self, gtin: String) -> Option<AccountId> {
            let gtin = fixed::<14>(&gtin, Error::InvalidGtin).ok()?;
            self.owner_of_identifier(&gtin)
        }

        /// An active manufacturer that is the GTIN's brand owner (it holds the GTIN's
        /// company prefix: identity is the brand owner's to issue) commissions a
        /// package, not yet expired; returns its key. A repackager's packages come
        /// only from [`Dscsa::repackage`], linked to their source.
        #[ink(message)]
        pub fn commission(
            &mut self,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
        ) -> Result<PackageKey, Error> {
            self.do_commission(gtin, serial, lot, expiry)
        }

        /// An active repackager (only repackagers repackage, under DSCSA's
        /// definition) turns a package it owns, movable and standing alone, into a
        /// new package under its own company prefix, expiring no later than the
        /// source and not yet expired. The source is decommissioned as repackaged
        /// (`Action::Repackaged(new key)`), the new package records
        /// `Action::CommissionedFrom(source key)`; returns the new key.
        #[ink(message)]
        pub fn repackage(
            &mut self,
            source_gtin: String,
            source_serial: String,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
        ) -> Result<PackageKey, Error> {
            self.do_repackage(source_gtin, source_serial, gtin, serial, lot, expiry)
        }

        /// An active partner packs packages it owns (saleable, not expired, not
        /// recalled, standing alone) into a new container named by `sscc`, an SSCC
        /// under one of its own company prefixes (an SSCC is its issuer's) never
        /// used before.
        #[ink(message)]
        pub fn pack(&mut self, sscc: String, items: Vec<(String, String)>) -> Result<(), Error> {
            self.do_pack(sscc, items)
        }

        /// The container's owner, an active partner (what is inside is its own),
        /// unpacks a container not on a shipment; its packages stand alone again
        /// and the SSCC is retired for good.
        #[ink(message)]
        pub fn unpack(&mut self, sscc: String) -> Result<(), Error> {
            let caller = self.env().caller();
            self.active_partner(caller)?;
            let sscc = fixed::<18>(&sscc, Error::InvalidSscc)?;
            let container = self.containers.get(sscc).ok_or(Error::UnknownContainer)?;
            if container.owner != caller {
                return Err(Error::NotOwner);
            }
            if container.shipment.is_some() {
                return Err(Error::InTransit);
            }
            for key in &container.contents {
                self.update(*key, |p| p.container = None);
                self.record(*key, caller, Action::Unpacked(sscc));
            }
            self.containers.remove(sscc);
            self.retired_ssccs.insert(sscc, &self.env().block_number());
            Ok(())
        }

        /// The owner, an active partner (only the owner sells), ships a package or a
        /// container (with everything in it, all saleable, not expired, not
        /// recalled) to `to`, another active partner that is not a 3PL, with the
        /// (non-zero) hash of the transaction information and the transaction
        /// statement; optionally carried by an active 3PL, custodian meanwhile.
        #[ink(message)]
        pub fn ship(
            &mut self,
            target: Target,
            to: AccountId,
            carrier: Option<AccountId>,
            transaction_information: [u8; 32],
            transaction_statement: bool,
        ) -> Result<(), Error> {
            self.do_ship(
                target,
                to,
                carrier,
                transaction_information,
                transaction_statement,
            )
        }

        /// The named recipient, an active partner, receives a shipment (not expired)
        /// from a shipper that is still active, and becomes the owner and custodian.
        /// A package the recipient owned or held before is a saleable return: it is
        /// `Returned` (`Action::ReturnReceived`), not saleable until verified.
        #[ink(message)]
        pub fn receive(&mut self, target: Target) -> Result<(), Error> {
            self.do_receive(target)
        }

        /// The shipper (the owner, an active partner: ownership changes only on
        /// receipt) or the operator (for a shipment a suspended shipper cannot void)
        /// voids a shipment not yet received, of a package standing alone or of a
        /// container: its packages are `Active` again with their owner as custodian
        /// (`Action::ShipmentVoided`, CBV void_shipping).
        #[ink(message)]
        pub fn void_shipment(&mut self, target: Target) -> Result<(), Error> {
            self.do_void_shipment(target)
        }

        /// The owner, an active partner (the one DSCSA makes investigate), quarantines
        /// a suspect package it holds (active or a return awaiting verification).
        /// This is what an open flag on the package waits for.
        #[ink(message)]
        pub fn quarantine(
            &mut self,
            gtin: String,
            serial: String,
            reason: String,
        ) -> Result<(), Error> {
            self.do_quarantine(gtin, serial, reason)
        }

        /// The owner, an active partner (who investigated), clears a quarantined
        /// package: active again, or a return awaiting verification again if it was
        /// one when quarantined.
        #[ink(message)]
        pub fn clear(&mut self, gtin: String, serial: String) -> Result<(), Error> {
            let caller = self.env().caller();
            let key = self.key_of(&gtin, &serial)?;
            let package = self.owned(key, caller)?;
            if package.state != State::Quarantined {
                return Err(Error::NotQuarantined);
            }
            let state = if self.quarantined_returns.contains(key) {
                State::Returned
            } else {
                State::Active
            };
            self.quarantined_returns.remove(key);
            self.update(key, |p| p.state = state);
            self.record(key, caller, Action::Cleared);
            Ok(())
        }

        /// The owner, an active partner (who investigated), declares a quarantined
        /// package illegitimate: final, with the notification event.
        #[ink(message)]
        pub fn declare_illegitimate(
            &mut self,
            gtin: String,
            serial: String,
            description: String,
        ) -> Result<(), Error> {
            self.do_declare_illegitimate(gtin, serial, description)
        }

        /// The GTIN's brand owner (the current holder of its company prefix), an
        /// active manufacturer or repackager (a prefix held for SSCCs gives no
        /// recall authority), recalls a lot: no matching package, nor one
        /// repackaged from it, ships or is dispensed from now on.
        #[ink(message)]
        pub fn recall(&mut self, gtin: String, lot: String) -> Result<(), Error> {
            let caller = self.env().caller();
            if !matches!(
                self.active_partner(caller)?.kind,
                PartnerKind::Manufacturer | PartnerKind::Repackager
            ) {
                return Err(Error::WrongPartnerKind);
            }
            let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
            if !gs1_text_ok(&lot) {
                return Err(Error::InvalidLot);
            }
            if self.owner_of_identifier(&gtin) != Some(caller) {
                return Err(Error::NotBrandOwner);
            }
            if self.recalls.contains((gtin, lot.clone())) {
                return Err(Error::AlreadyRecalled);
            }
            self.recalls
                .insert((gtin, lot.clone()), &self.env().block_number());
            self.env().emit_event(LotRecalled {
                gtin,
                manufacturer: caller,
                lot,
            });
            Ok(())
        }

        /// An active dispenser (only dispensers dispense) dispenses a package it
        /// owns, saleable or partly dispensed, standing alone, not recalled, not
        /// expired, to a patient: final.
        #[ink(message)]
        pub fn dispense(&mut self, gtin: String, serial: String) -> Result<(), Error> {
            let caller = self.env().caller();
            let key = self.dispensable(&gtin, &serial, caller)?;
            self.update(key, |p| p.state = State::Dispensed);
            self.record(key, caller, Action::Dispensed);
            Ok(())
        }

        /// An active dispenser (as [`Dscsa::dispense`]) dispenses part of a package
        /// it owns: the package is `PartiallyDispensed`, which is dispensed again
        /// (partly or finally) and never shipped or packed.
        #[ink(message)]
        pub fn dispense_partial(&mut self, gtin: String, serial: String) -> Result<(), Error> {
            let caller = self.env().caller();
            let key = self.dispensable(&gtin, &serial, caller)?;
            self.update(key, |p| p.state = State::PartiallyDispensed);
            self.record(key, caller, Action::PartiallyDispensed);
            Ok(())
        }

        /// The owner, an active partner (it holds the product and answers for it),
        /// reports a package it holds (saleable or a return), standing alone, as
        /// damaged: only decommissioning follows.
        #[ink(message)]
        pub fn report_damaged(&mut self, gtin: String, serial: String) -> Result<(), Error> {
            let caller = self.env().caller();
            let key = self.key_of(&gtin, &serial)?;
            let package = self.owned(key, caller)?;
            match package.state {
                State::Active | State::Returned => {}
                other => return Err(Self::state_error(other)),
            }
            if package.container.is_some() {
                return Err(Error::InContainer);
            }
            self.update(key, |p| p.state = State::Damaged);
            self.record(key, caller, Action::Damaged);
            Ok(())
        }

        /// The owner, an active partner (it holds the product), decommissions a
        /// package standing alone and not on a shipment: final. `Repackaged` is
        /// [`Dscsa::repackage`]'s to record.
        #[ink(message)]
        pub fn decommission(
            &mut self,
            gtin: String,
            serial: String,
            reason: Decommission,
        ) -> Result<(), Error> {
            let caller = self.env().caller();
            if reason == Decommission::Repackaged {
                return Err(Error::ReservedReason);
            }
            let key = self.key_of(&gtin, &serial)?;
            let package = self.owned(key, caller)?;
            match package.state {
                State::Dispensed | State::Decommissioned(_) => return Err(Error::Final),
                // Suspect product is investigated first (cleared or declared
                // illegitimate); illegitimate product stays on record as such.
                State::Quarantined => return Err(Error::Quarantined),
                State::Illegitimate => return Err(Error::Illegitimate),
                State::InTransit => return Err(Error::InTransit),
                _ => {}
            }
            if package.container.is_some() {
                return Err(Error::InContainer);
            }
            self.quarantined_returns.remove(key);
            self.update(key, |p| p.state = State::Decommissioned(reason));
            self.record(key, caller, Action::Decommissioned(reason));
            Ok(())
        }

        /// Anyone (the Verification Router Service question, free as a query):
        /// does (GTIN, serial) exist with this lot and expiry, and, only if it does,
        /// what is its status now. An unknown serial and a wrong lot or expiry give
        /// the same answer.
        #[ink(message)]
        pub fn verify(
            &self,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
        ) -> Verification {
            let package = self
                .key_of(&gtin, &serial)
                .ok()
                .and_then(|key| self.packages.get(key));
            self.answer(package.as_ref(), &lot, expiry)
        }

        /// An active partner (a verification request is a DSCSA trading partner's
        /// duty, and the trail the sentinel reads) asks as [`Dscsa::verify`] does,
        /// naming who presented the product and why it asks; at most
        /// [`MAX_REQUESTS_PER_WINDOW`] per [`REQUEST_WINDOW`]. The request is an
        /// event saying whether the requester is connected to the package. A
        /// verified answer lets the requester read the package; the owner's verified
        /// `SaleableReturn` request makes a returned package saleable again
        /// (`Action::ReturnVerified`).
        #[ink(message)]
        pub fn request_verification(
            &mut self,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
            presenter: AccountId,
            context: VerificationContext,
        ) -> Result<Verification, Error> {
            self.do_request_verification(gtin, serial, lot, expiry, presenter, context)
        }

        /// Operator only (the operator answers for the oracle): names the oracle
        /// that may register models and flag serials, or removes it.
        #[ink(message)]
        pub fn set_oracle(&mut self, oracle: Option<AccountId>) -> Result<(), Error> {
            self.ensure_operator()?;
            let event = self.registry.set_oracle(oracle);
            self.env().emit_event(event);
            Ok(())
        }

        /// Anyone: the oracle, if one is named.
        #[ink(message)]
        pub fn oracle(&self) -> Option<AccountId> {
            self.registry.oracle()
        }

        /// The oracle only (its flags must name a model fixed before them):
        /// registers the SHA-256 of a model file, before its first flag.
        #[ink(message)]
        pub fn register_model(&mut self, model: [u8; 32]) -> Result<(), Error> {
            let now = self.env().block_timestamp();
            let event = self
                .registry
                .register_model(self.env().caller(), model, now)?;
            self.env().emit_event(event);
            Ok(())
        }

        /// Anyone (so that a flag's model can be audited): when `model` was
        /// registered, if it was.
        #[ink(message)]
        pub fn model_registered_at(&self, model: [u8; 32]) -> Option<Timestamp> {
            self.registry.model_registered_at(model)
        }

        /// The oracle only (the operator named it to do this): flags (GTIN, serial),
        /// commissioned or not, with a score (basis points), reason codes and the
        /// registered model; returns the flag's id.
        #[ink(message)]
        pub fn flag_serial(
            &mut self,
            gtin: String,
            serial: String,
            score: u16,
            reasons: u32,
            model: [u8; 32],
        ) -> Result<u64, Error> {
            self.do_flag_serial(gtin, serial, score, reasons, model)
        }

        /// The operator, or the GTIN's brand owner (an active partner) when it owns
        /// the package now (a return it investigates), closes flag `flag`, never
        /// the owner the flag named (nobody reviews itself, the operator neither;
        /// and no other later owner, whom the flagged owner could ship to): `confirmed` if the investigation found it suspect, else
        /// dismissed. A commissioned package must have been quarantined while the
        /// flag was open; the operator alone may close without that a flag on a
        /// serial never commissioned or on a package that can no longer be
        /// quarantined (dispensed, partly dispensed, damaged, decommissioned,
        /// illegitimate).
        #[ink(message)]
        pub fn close_serial_flag(&mut self, flag: u64, confirmed: bool) -> Result<(), Error> {
            self.do_close_serial_flag(flag, confirmed)
        }

        /// Anyone (flags are a public trail of what the oracle asked): one flag.
        #[ink(message)]
        pub fn serial_flag(&self, flag: u64) -> Option<SerialFlag> {
            self.flags.get(flag)
        }

        /// Anyone: how many serial flags were raised (ids are 0 to this).
        #[ink(message)]
        pub fn serial_flag_count(&self) -> u64 {
            self.flag_len
        }

        /// A party with a DSCSA reason (the operator, the owner, the custodian, the
        /// recipient or carrier of its shipment under way, or a partner whose
        /// verification request of it was verified) reads a package's record. To
        /// anyone else (even for a package that does not exist, so that existence
        /// is not disclosed) `NotAuthorized`; `UnknownPackage` goes to the operator.
        #[ink(message)]
        pub fn package(&self, gtin: String, serial: String) -> Result<Package, Error> {
            let key = self.key_of(&gtin, &serial)?;
            self.readable(key)
        }

        /// A party with a DSCSA reason (the operator, the owner, or the recipient or
        /// carrier of its shipment under way) reads a container's record; anyone
        /// else gets `NotAuthorized` (`UnknownContainer` goes to the operator).
        #[ink(message)]
        pub fn container(&self, sscc: String) -> Result<Container, Error> {
            let caller = self.env().caller();
            let sscc = fixed::<18>(&sscc, Error::InvalidSscc)?;
            let operator = caller == self.operator;
            let Some(container) = self.containers.get(sscc) else {
                return Err(if operator {
                    Error::UnknownContainer
                } else {
                    Error::NotAuthorized
                });
            };
            let party = container.owner == caller
                || container
                    .shipment
                    .as_ref()
                    .is_some_and(|s| s.to == caller || s.carrier == Some(caller));
            if operator || party {
                Ok(container)
            } else {
                Err(Error::NotAuthorized)
            }
        }

        /// The parties [`Dscsa::package`] answers read a page of a package's
        /// history, oldest first from position `from`.
        #[ink(message)]
        pub fn history(
            &self,
            gtin: String,
            serial: String,
            from: u32,
            limit: u32,
        ) -> Result<Vec<HistoryEntry>, Error> {
            if limit > MAX_PAGE {
                return Err(Error::PageTooLarge);
            }
            let key = self.key_of(&gtin, &serial)?;
            self.readable(key)?;
            let len = self.history_len.get(key).unwrap_or(0);
            let end = from.saturating_add(limit).min(len);
            let mut page = Vec::new();
            let mut position = from;
            while position < end {
                if let Some(entry) = self.history.get((key, position)) {
                    page.push(entry);
                }
                position = position.saturating_add(1);
            }
            Ok(page)
        }
    }
}
