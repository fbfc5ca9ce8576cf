//! DSCSA traceability: prescription drug packages identified with GS1 identifiers,
//! moved only between authorized trading partners, verifiable at any time, as the
//! US Drug Supply Chain Security Act (21 U.S.C. 360eee) requires.
//!
//! - Trading partners (manufacturer, repackager, wholesale distributor, dispenser,
//!   third-party logistics provider) are registered by the operator with their GS1
//!   GLN and licence; only active ones take part in anything.
//! - A package is its product identifier: GTIN-14 (check digit checked), serial
//!   (GS1 AI 21: 1 to 20 characters of the GS1 character set 82), lot, expiry.
//!   Manufacturers and repackagers commission; a (GTIN, serial) exists once.
//! - Aggregation: packages go into a case or pallet named by an SSCC-18; a container
//!   ships with its contents and a package inside one cannot move alone.
//! - Change of ownership: `ship` by the owner to an authorized partner, with the hash
//!   of the transaction information and the transaction statement; `receive` by the
//!   named recipient, who becomes the owner. A 3PL may carry custody, never ownership.
//! - Verification answers as the Verification Router Service does: exists, matches,
//!   and the status (active, in transit, quarantined, illegitimate, dispensed,
//!   decommissioned, recalled, expired).
//! - Suspect product is quarantined, then cleared or declared illegitimate (an event
//!   with what an FDA Form 3911 notification needs). A recall by the manufacturer of
//!   a GTIN and lot stops every matching package. Dispensing and decommissioning are
//!   final; expired product is never dispensed.
//! - Every change is an event (topics: the package key, the actor) and a history entry.
//! - Verification requests by partners ([`Dscsa::request_verification`]) are events
//!   too, so that a clone (one serial verified by two dispensers) or a counterfeit (a
//!   serial never commissioned) shows in the trail; `verify` stays a free query.
//! - An oracle (the sentinel), named by the operator, registers each model's SHA-256
//!   and then flags serials with a score and reason codes; a flag asks the owner to
//!   investigate (quarantine, then clear or declare illegitimate) and never moves or
//!   stops product itself. The owner or the operator closes it with an outcome.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod dscsa {
    use health_types::{FlagOutcome, MAX_SCORE};
    use ink::env::hash::Blake2x256;
    use ink::prelude::string::String;
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// A GTIN-14, as its 14 ASCII digits.
    pub type Gtin = [u8; 14];
    /// An SSCC, as its 18 ASCII digits.
    pub type Sscc = [u8; 18];
    /// A package's key: BLAKE2-256 of SCALE((GTIN, serial)).
    pub type PackageKey = [u8; 32];

    /// Most packages in one container.
    pub const MAX_CONTENTS: usize = 200;
    /// Longest licence reference, quarantine reason or notification text, bytes.
    pub const MAX_TEXT: usize = 256;
    /// Largest history page.
    pub const MAX_PAGE: u32 = 50;

    /// A trading partner's role (DSCSA's definitions).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum PartnerKind {
        /// Manufacturer.
        Manufacturer,
        /// Repackager.
        Repackager,
        /// Wholesale distributor.
        WholesaleDistributor,
        /// Dispenser (pharmacy).
        Dispenser,
        /// Third-party logistics provider: custody, never ownership.
        ThirdPartyLogistics,
    }

    /// A registered trading partner.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Partner {
        /// Its role.
        pub kind: PartnerKind,
        /// GS1 Global Location Number (13 digits, check digit checked).
        pub gln: [u8; 13],
        /// State or federal licence reference.
        pub license: String,
        /// Suspended partners take part in nothing.
        pub active: bool,
    }

    /// Why a package was taken out of the supply chain.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Decommission {
        /// Destroyed.
        Destroyed,
        /// Used as a sample.
        Sample,
        /// Expired and removed.
        Expired,
        /// Stolen.
        Stolen,
    }

    /// The enums with fields. ink!'s SCALE derives cast their variant indices to
    /// `u8`, which cargo-contract's lints refuse; the lint is allowed for these alone.
    #[allow(clippy::cast_possible_truncation)]
    mod with_fields {
        use super::{Decommission, Shipment, Sscc};
        use ink::prelude::string::String;

        /// A package's own state (recall and expiry are derived when verifying).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[ink::scale_derive(Encode, Decode, TypeInfo)]
        #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
        pub enum State {
            /// In the owner's hands.
            Active,
            /// Shipped, not yet received.
            InTransit,
            /// Suspect, held by the owner.
            Quarantined,
            /// Declared illegitimate.
            Illegitimate,
            /// Dispensed to a patient (final).
            Dispensed,
            /// Decommissioned (final).
            Decommissioned(Decommission),
        }

        /// What happened to a package (its history).
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[ink::scale_derive(Encode, Decode, TypeInfo)]
        #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
        pub enum Action {
            /// Commissioned.
            Commissioned,
            /// Packed into a container.
            Packed(Sscc),
            /// Unpacked from a container.
            Unpacked(Sscc),
            /// Shipped.
            Shipped(Shipment),
            /// Received; the receiver is the new owner.
            Received,
            /// Quarantined, with the reason.
            Quarantined(String),
            /// Cleared from quarantine.
            Cleared,
            /// Declared illegitimate, with the notification text.
            DeclaredIllegitimate(String),
            /// Its GTIN and lot were recalled.
            Recalled,
            /// Dispensed.
            Dispensed,
            /// Decommissioned.
            Decommissioned(Decommission),
        }

        /// What a movement names: one package or a container.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[ink::scale_derive(Encode, Decode, TypeInfo)]
        pub enum Target {
            /// A package by GTIN and serial.
            Package(String, String),
            /// A container by SSCC.
            Container(String),
        }
    }
    pub use with_fields::{Action, State, Target};

    /// A shipment under way.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Shipment {
        /// The recipient, who becomes the owner on receipt.
        pub to: AccountId,
        /// The 3PL carrying it, if any (custodian meanwhile).
        pub carrier: Option<AccountId>,
        /// Hash of the transaction information (kept off chain).
        pub transaction_information: [u8; 32],
    }

    /// One package.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Package {
        /// GTIN-14.
        pub gtin: Gtin,
        /// Serial (GS1 AI 21).
        pub serial: String,
        /// Lot (GS1 AI 10).
        pub lot: String,
        /// Expiry, block time (ms) from which it is expired.
        pub expiry: Timestamp,
        /// Owner.
        pub owner: AccountId,
        /// Who physically holds it.
        pub custodian: AccountId,
        /// Its state.
        pub state: State,
        /// The container it is packed in.
        pub container: Option<Sscc>,
        /// The shipment it is on.
        pub shipment: Option<Shipment>,
    }

    /// A case or pallet.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Container {
        /// Its owner (the owner of everything in it).
        pub owner: AccountId,
        /// Packed package keys.
        pub contents: Vec<PackageKey>,
        /// The shipment it is on.
        pub shipment: Option<Shipment>,
    }

    /// What verification reports.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Status {
        /// Saleable.
        Active,
        /// Shipped, not received.
        InTransit,
        /// Quarantined as suspect.
        Quarantined,
        /// Declared illegitimate.
        Illegitimate,
        /// Dispensed.
        Dispensed,
        /// Decommissioned.
        Decommissioned,
        /// Its GTIN and lot are recalled.
        Recalled,
        /// Past its expiry.
        Expired,
    }

    /// A Verification Router Service answer.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct Verification {
        /// A package with this GTIN and serial exists.
        pub exists: bool,
        /// Its lot and expiry match the ones asked about.
        pub matches: bool,
        /// Its status, if it exists.
        pub status: Option<Status>,
    }

    /// One history entry.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct HistoryEntry {
        /// Who did it.
        pub actor: AccountId,
        /// What.
        pub action: Action,
        /// Block.
        pub block: BlockNumber,
        /// Block time.
        pub at: Timestamp,
    }

    /// Why a message was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// Only the operator manages partners.
        NotOperator,
        /// The account is already a partner.
        PartnerExists,
        /// The account is not a registered partner.
        UnknownPartner,
        /// The partner is suspended.
        PartnerSuspended,
        /// The partner's role does not allow this.
        WrongPartnerKind,
        /// A GLN must be 13 digits with a valid check digit.
        InvalidGln,
        /// A GTIN must be 14 digits with a valid check digit.
        InvalidGtin,
        /// An SSCC must be 18 digits with a valid check digit.
        InvalidSscc,
        /// A serial must be 1 to 20 characters of the GS1 character set 82.
        InvalidSerial,
        /// A lot must be 1 to 20 characters of the GS1 character set 82.
        InvalidLot,
        /// Text is empty or longer than [`MAX_TEXT`].
        InvalidText,
        /// That (GTIN, serial) was commissioned before.
        DuplicateSerial,
        /// No such package.
        UnknownPackage,
        /// No such container.
        UnknownContainer,
        /// The SSCC is in use.
        ContainerExists,
        /// A container holds 1 to [`MAX_CONTENTS`] packages, each once.
        InvalidContents,
        /// Only the owner may do this.
        NotOwner,
        /// The package is inside a container and cannot move alone.
        InContainer,
        /// It is on a shipment.
        InTransit,
        /// It is not on a shipment.
        NotInTransit,
        /// Only the named recipient receives.
        NotRecipient,
        /// A carrier must be an active third-party logistics provider.
        InvalidCarrier,
        /// DSCSA requires the transaction statement.
        MissingTransactionStatement,
        /// It is quarantined.
        Quarantined,
        /// It is not quarantined.
        NotQuarantined,
        /// It was declared illegitimate.
        Illegitimate,
        /// It was dispensed or decommissioned: nothing more happens to it.
        Final,
        /// Its GTIN and lot are recalled.
        Recalled,
        /// It is past its expiry.
        Expired,
        /// Only the GTIN's manufacturer recalls it.
        NotManufacturer,
        /// That GTIN and lot are already recalled.
        AlreadyRecalled,
        /// A page may hold at most [`MAX_PAGE`] entries.
        PageTooLarge,
        /// Another partner is registered under that GLN.
        GlnInUse,
        /// Only the oracle the operator named does this.
        NotOracle,
        /// That model hash is registered already.
        ModelExists,
        /// Flags name a model registered before them.
        UnknownModel,
        /// A score is at most [`MAX_SCORE`].
        ScoreOutOfRange,
        /// The serial has an open flag already.
        AlreadyFlagged,
        /// No flag has that id.
        FlagNotFound,
        /// The flag was closed before.
        FlagClosed,
        /// Flags are closed by the package's owner or the operator.
        NotOwnerOrOperator,
    }

    /// An AI flag on a serial: a request to its owner to investigate.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct SerialFlag {
        /// The package's key (it may never have been commissioned: a counterfeit).
        pub package: PackageKey,
        /// GTIN as flagged.
        pub gtin: Gtin,
        /// Serial as flagged.
        pub serial: String,
        /// The owner when flagged, if the package exists.
        pub owner: Option<AccountId>,
        /// Score in basis points (0 to [`MAX_SCORE`]).
        pub score: u16,
        /// Reason codes, one bit each (the sentinel documents them).
        pub reasons: u32,
        /// SHA-256 of the model file (or rule set) that raised it.
        pub model: [u8; 32],
        /// Block time it was raised.
        pub raised_at: Timestamp,
        /// Where the investigation stands.
        pub outcome: FlagOutcome,
    }

    /// Something happened to a package.
    #[ink(event)]
    pub struct PackageEvent {
        #[ink(topic)]
        package: PackageKey,
        #[ink(topic)]
        actor: AccountId,
        action: Action,
    }

    /// A package was declared illegitimate: what an FDA Form 3911 notification needs.
    #[ink(event)]
    pub struct IllegitimateProduct {
        #[ink(topic)]
        package: PackageKey,
        #[ink(topic)]
        reporter: AccountId,
        reporter_kind: PartnerKind,
        reporter_gln: [u8; 13],
        gtin: Gtin,
        serial: String,
        lot: String,
        expiry: Timestamp,
        description: String,
        at: Timestamp,
    }

    /// A partner asked whether a product identifier is genuine (VRS), and the answer.
    #[ink(event)]
    pub struct VerificationRequested {
        #[ink(topic)]
        package: PackageKey,
        #[ink(topic)]
        requester: AccountId,
        gtin: Gtin,
        serial: String,
        verified: bool,
        status: Option<Status>,
    }

    /// The operator named (or removed) the oracle.
    #[ink(event)]
    pub struct OracleSet {
        oracle: Option<AccountId>,
    }

    /// The oracle registered a model's SHA-256 before flagging with it.
    #[ink(event)]
    pub struct ModelRegistered {
        #[ink(topic)]
        model: [u8; 32],
        oracle: AccountId,
    }

    /// The oracle flagged a serial: its owner should investigate.
    #[ink(event)]
    pub struct SerialFlagged {
        #[ink(topic)]
        package: PackageKey,
        flag: u64,
        owner: Option<AccountId>,
        score: u16,
        reasons: u32,
        model: [u8; 32],
    }

    /// A serial's flag was closed: its outcome is a label.
    #[ink(event)]
    pub struct SerialFlagReviewed {
        #[ink(topic)]
        package: PackageKey,
        flag: u64,
        outcome: FlagOutcome,
    }

    /// A GTIN and lot were recalled.
    #[ink(event)]
    pub struct LotRecalled {
        #[ink(topic)]
        gtin: Gtin,
        #[ink(topic)]
        manufacturer: AccountId,
        lot: String,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct Dscsa {
        operator: AccountId,
        partners: Mapping<AccountId, Partner>,
        packages: Mapping<PackageKey, Package>,
        containers: Mapping<Sscc, Container>,
        /// The first commissioner of each GTIN: the one who may recall it.
        gtin_manufacturer: Mapping<Gtin, AccountId>,
        recalls: Mapping<(Gtin, String), BlockNumber>,
        history_len: Mapping<PackageKey, u32>,
        history: Mapping<(PackageKey, u32), HistoryEntry>,
        /// Partners by GLN (each GLN names one partner).
        gln_partner: Mapping<[u8; 13], AccountId>,
        oracle: Option<AccountId>,
        models: Mapping<[u8; 32], Timestamp>,
        flags: Mapping<u64, SerialFlag>,
        flag_len: u64,
        /// The open flag on a package, if any.
        open_flag: Mapping<PackageKey, u64>,
    }

    /// `digits` (ASCII) with a valid GS1 mod-10 check digit as its last.
    pub fn gs1_check_digit_ok(digits: &[u8]) -> bool {
        let Some((check, body)) = digits.split_last() else {
            return false;
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return false;
        }
        // Weights 3, 1, 3, ... from the digit next to the check digit leftwards.
        let sum = body.iter().rev().enumerate().fold(0u32, |sum, (i, d)| {
            let weight = if i % 2 == 0 { 3 } else { 1 };
            sum.wrapping_add(u32::from(d.wrapping_sub(b'0')).wrapping_mul(weight))
        });
        let expected = 10u32.wrapping_sub(sum % 10) % 10;
        u32::from(check.wrapping_sub(b'0')) == expected
    }

    fn fixed<const N: usize>(text: &str, error: Error) -> Result<[u8; N], Error> {
        let bytes: [u8; N] = text.as_bytes().try_into().map_err(|_| error)?;
        if gs1_check_digit_ok(&bytes) {
            Ok(bytes)
        } else {
            Err(error)
        }
    }

    /// A serial or lot: 1 to 20 characters of the GS1 AI encodable character set 82.
    pub fn gs1_text_ok(text: &str) -> bool {
        const SPECIALS: &[u8] = b"!\"%&'()*+,-./:;<=>?_";
        (1..=20).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || SPECIALS.contains(&b))
    }

    fn text_ok(text: &str) -> Result<(), Error> {
        if text.trim().is_empty() || text.len() > MAX_TEXT {
            Err(Error::InvalidText)
        } else {
            Ok(())
        }
    }

    impl Default for Dscsa {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Dscsa {
        /// The caller becomes the operator who registers trading partners.
        #[ink(constructor)]
        pub fn new() -> Self {
            Dscsa {
                operator: Self::env().caller(),
                partners: Mapping::default(),
                packages: Mapping::default(),
                containers: Mapping::default(),
                gtin_manufacturer: Mapping::default(),
                recalls: Mapping::default(),
                history_len: Mapping::default(),
                history: Mapping::default(),
                gln_partner: Mapping::default(),
                oracle: None,
                models: Mapping::default(),
                flags: Mapping::default(),
                flag_len: 0,
                open_flag: Mapping::default(),
            }
        }

        /// Registers an authorized trading partner (operator only).
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
            Ok(())
        }

        /// Suspends or reinstates a partner (operator only).
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
            Ok(())
        }

        /// A partner's registration.
        #[ink(message)]
        pub fn partner(&self, account: AccountId) -> Option<Partner> {
            self.partners.get(account)
        }

        /// The partner registered under a GLN: how EPCIS documents, which name
        /// parties by GLN, are mapped to accounts.
        #[ink(message)]
        pub fn partner_account(&self, gln: String) -> Option<AccountId> {
            let gln = fixed::<13>(&gln, Error::InvalidGln).ok()?;
            self.gln_partner.get(gln)
        }

        /// Commissions a package (manufacturer or repackager); returns its key.
        #[ink(message)]
        pub fn commission(
            &mut self,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
        ) -> Result<PackageKey, Error> {
            let caller = self.env().caller();
            let partner = self.active_partner(caller)?;
            if !matches!(
                partner.kind,
                PartnerKind::Manufacturer | PartnerKind::Repackager
            ) {
                return Err(Error::WrongPartnerKind);
            }
            let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
            if !gs1_text_ok(&serial) {
                return Err(Error::InvalidSerial);
            }
            if !gs1_text_ok(&lot) {
                return Err(Error::InvalidLot);
            }
            let key = self.key(&gtin, &serial);
            if self.packages.contains(key) {
                return Err(Error::DuplicateSerial);
            }
            if !self.gtin_manufacturer.contains(gtin) {
                self.gtin_manufacturer.insert(gtin, &caller);
            }
            let package = Package {
                gtin,
                serial,
                lot,
                expiry,
                owner: caller,
                custodian: caller,
                state: State::Active,
                container: None,
                shipment: None,
            };
            self.packages.insert(key, &package);
            self.record(key, caller, Action::Commissioned);
            Ok(key)
        }

        /// Packs the owner's packages into a new container named by `sscc`.
        #[ink(message)]
        pub fn pack(&mut self, sscc: String, items: Vec<(String, String)>) -> Result<(), Error> {
            let caller = self.env().caller();
            self.active_partner(caller)?;
            let sscc = fixed::<18>(&sscc, Error::InvalidSscc)?;
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

        /// Unpacks a container; its packages stand alone again.
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
            Ok(())
        }

        /// Ships a package or a container (with everything in it) to `to`, an active
        /// partner, with the transaction information's hash and the transaction
        /// statement; optionally carried by a 3PL.
        #[ink(message)]
        pub fn ship(
            &mut self,
            target: Target,
            to: AccountId,
            carrier: Option<AccountId>,
            transaction_information: [u8; 32],
            transaction_statement: bool,
        ) -> Result<(), Error> {
            let caller = self.env().caller();
            self.active_partner(caller)?;
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

        /// The named recipient receives a shipment and becomes the owner.
        #[ink(message)]
        pub fn receive(&mut self, target: Target) -> Result<(), Error> {
            let caller = self.env().caller();
            self.active_partner(caller)?;
            let keys = match &target {
                Target::Package(gtin, serial) => {
                    let key = self.key_of(gtin, serial)?;
                    let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
                    if package.container.is_some() {
                        return Err(Error::InContainer);
                    }
                    Vec::from([key])
                }
                Target::Container(sscc) => {
                    let sscc = fixed::<18>(sscc, Error::InvalidSscc)?;
                    let mut container = self.containers.get(sscc).ok_or(Error::UnknownContainer)?;
                    let shipment = container.shipment.take().ok_or(Error::NotInTransit)?;
                    if shipment.to != caller {
                        return Err(Error::NotRecipient);
                    }
                    container.owner = caller;
                    self.containers.insert(sscc, &container);
                    container.contents
                }
            };
            for key in &keys {
                let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
                let shipment = package.shipment.as_ref().ok_or(Error::NotInTransit)?;
                if shipment.to != caller {
                    return Err(Error::NotRecipient);
                }
            }
            for key in &keys {
                self.update(*key, |p| {
                    p.state = State::Active;
                    p.shipment = None;
                    p.owner = caller;
                    p.custodian = caller;
                });
                self.record(*key, caller, Action::Received);
            }
            Ok(())
        }

        /// The owner quarantines a suspect package.
        #[ink(message)]
        pub fn quarantine(
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
                State::Active => {}
                State::Quarantined => return Err(Error::Quarantined),
                other => return Err(Self::state_error(other)),
            }
            self.update(key, |p| p.state = State::Quarantined);
            self.record(key, caller, Action::Quarantined(reason));
            Ok(())
        }

        /// The owner clears a quarantined package after investigation.
        #[ink(message)]
        pub fn clear(&mut self, gtin: String, serial: String) -> Result<(), Error> {
            let caller = self.env().caller();
            let key = self.key_of(&gtin, &serial)?;
            let package = self.owned(key, caller)?;
            if package.state != State::Quarantined {
                return Err(Error::NotQuarantined);
            }
            self.update(key, |p| p.state = State::Active);
            self.record(key, caller, Action::Cleared);
            Ok(())
        }

        /// The owner declares a quarantined package illegitimate: final, with the
        /// notification event.
        #[ink(message)]
        pub fn declare_illegitimate(
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

        /// The GTIN's manufacturer recalls a lot: no matching package ships or is
        /// dispensed from now on.
        #[ink(message)]
        pub fn recall(&mut self, gtin: String, lot: String) -> Result<(), Error> {
            let caller = self.env().caller();
            self.active_partner(caller)?;
            let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
            if !gs1_text_ok(&lot) {
                return Err(Error::InvalidLot);
            }
            if self.gtin_manufacturer.get(gtin) != Some(caller) {
                return Err(Error::NotManufacturer);
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

        /// A dispenser dispenses a package it owns to a patient: final.
        #[ink(message)]
        pub fn dispense(&mut self, gtin: String, serial: String) -> Result<(), Error> {
            let caller = self.env().caller();
            if self.active_partner(caller)?.kind != PartnerKind::Dispenser {
                return Err(Error::WrongPartnerKind);
            }
            let key = self.key_of(&gtin, &serial)?;
            let package = self.movable(key, caller)?;
            if package.container.is_some() {
                return Err(Error::InContainer);
            }
            if self.env().block_timestamp() >= package.expiry {
                return Err(Error::Expired);
            }
            self.update(key, |p| p.state = State::Dispensed);
            self.record(key, caller, Action::Dispensed);
            Ok(())
        }

        /// The owner decommissions a package: final.
        #[ink(message)]
        pub fn decommission(
            &mut self,
            gtin: String,
            serial: String,
            reason: Decommission,
        ) -> Result<(), Error> {
            let caller = self.env().caller();
            let key = self.key_of(&gtin, &serial)?;
            let package = self.owned(key, caller)?;
            if matches!(package.state, State::Dispensed | State::Decommissioned(_)) {
                return Err(Error::Final);
            }
            if package.state == State::InTransit {
                return Err(Error::InTransit);
            }
            if package.container.is_some() {
                return Err(Error::InContainer);
            }
            self.update(key, |p| p.state = State::Decommissioned(reason));
            self.record(key, caller, Action::Decommissioned(reason));
            Ok(())
        }

        /// The Verification Router Service question: does (GTIN, serial) exist, do
        /// its lot and expiry match, and what is its status now.
        #[ink(message)]
        pub fn verify(
            &self,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
        ) -> Verification {
            let Ok(key) = self.key_of(&gtin, &serial) else {
                return Verification {
                    exists: false,
                    matches: false,
                    status: None,
                };
            };
            match self.packages.get(key) {
                None => Verification {
                    exists: false,
                    matches: false,
                    status: None,
                },
                Some(package) => Verification {
                    exists: true,
                    matches: package.lot == lot && package.expiry == expiry,
                    status: Some(self.status(&package)),
                },
            }
        }

        /// An active partner's verification request: answers as [`Dscsa::verify`]
        /// does, and records the request as an event (`verified` is exists and
        /// matches).
        #[ink(message)]
        pub fn request_verification(
            &mut self,
            gtin: String,
            serial: String,
            lot: String,
            expiry: Timestamp,
        ) -> Result<Verification, Error> {
            let requester = self.env().caller();
            self.active_partner(requester)?;
            let gtin_digits = fixed::<14>(&gtin, Error::InvalidGtin)?;
            if !gs1_text_ok(&serial) {
                return Err(Error::InvalidSerial);
            }
            let answer = self.verify(gtin, serial.clone(), lot, expiry);
            self.env().emit_event(VerificationRequested {
                package: self.key(&gtin_digits, &serial),
                requester,
                gtin: gtin_digits,
                serial,
                verified: answer.exists && answer.matches,
                status: answer.status,
            });
            Ok(answer)
        }

        /// Names the oracle that may register models and flag serials, or removes it
        /// (operator only).
        #[ink(message)]
        pub fn set_oracle(&mut self, oracle: Option<AccountId>) -> Result<(), Error> {
            self.ensure_operator()?;
            self.oracle = oracle;
            self.env().emit_event(OracleSet { oracle });
            Ok(())
        }

        /// The oracle, if one is named.
        #[ink(message)]
        pub fn oracle(&self) -> Option<AccountId> {
            self.oracle
        }

        /// The oracle registers the SHA-256 of a model file, before its first flag.
        #[ink(message)]
        pub fn register_model(&mut self, model: [u8; 32]) -> Result<(), Error> {
            let oracle = self.ensure_oracle()?;
            if self.models.contains(model) {
                return Err(Error::ModelExists);
            }
            self.models.insert(model, &self.env().block_timestamp());
            self.env().emit_event(ModelRegistered { model, oracle });
            Ok(())
        }

        /// When `model` was registered, if it was.
        #[ink(message)]
        pub fn model_registered_at(&self, model: [u8; 32]) -> Option<Timestamp> {
            self.models.get(model)
        }

        /// The oracle flags (GTIN, serial), commissioned or not, with a score (basis
        /// points), reason codes and the registered model; returns the flag's id.
        #[ink(message)]
        pub fn flag_serial(
            &mut self,
            gtin: String,
            serial: String,
            score: u16,
            reasons: u32,
            model: [u8; 32],
        ) -> Result<u64, Error> {
            self.ensure_oracle()?;
            if score > MAX_SCORE {
                return Err(Error::ScoreOutOfRange);
            }
            if !self.models.contains(model) {
                return Err(Error::UnknownModel);
            }
            let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
            if !gs1_text_ok(&serial) {
                return Err(Error::InvalidSerial);
            }
            let package = self.key(&gtin, &serial);
            if self.open_flag.contains(package) {
                return Err(Error::AlreadyFlagged);
            }
            let owner = self.packages.get(package).map(|p| p.owner);
            let id = self.flag_len;
            self.flag_len = id.saturating_add(1);
            self.flags.insert(
                id,
                &SerialFlag {
                    package,
                    gtin,
                    serial,
                    owner,
                    score,
                    reasons,
                    model,
                    raised_at: self.env().block_timestamp(),
                    outcome: FlagOutcome::Open,
                },
            );
            self.open_flag.insert(package, &id);
            self.env().emit_event(SerialFlagged {
                package,
                flag: id,
                owner,
                score,
                reasons,
                model,
            });
            Ok(id)
        }

        /// The flagged package's owner (when flagged) or the operator closes flag
        /// `flag`: `confirmed` if the investigation found it suspect, else dismissed.
        #[ink(message)]
        pub fn close_serial_flag(&mut self, flag: u64, confirmed: bool) -> Result<(), Error> {
            let caller = self.env().caller();
            let mut record = self.flags.get(flag).ok_or(Error::FlagNotFound)?;
            if caller != self.operator && record.owner != Some(caller) {
                return Err(Error::NotOwnerOrOperator);
            }
            if record.outcome != FlagOutcome::Open {
                return Err(Error::FlagClosed);
            }
            record.outcome = if confirmed {
                FlagOutcome::Confirmed
            } else {
                FlagOutcome::Dismissed
            };
            self.flags.insert(flag, &record);
            self.open_flag.remove(record.package);
            self.env().emit_event(SerialFlagReviewed {
                package: record.package,
                flag,
                outcome: record.outcome,
            });
            Ok(())
        }

        /// One serial flag.
        #[ink(message)]
        pub fn serial_flag(&self, flag: u64) -> Option<SerialFlag> {
            self.flags.get(flag)
        }

        /// How many serial flags were raised (ids are 0 to this).
        #[ink(message)]
        pub fn serial_flag_count(&self) -> u64 {
            self.flag_len
        }

        /// A package's record.
        #[ink(message)]
        pub fn package(&self, gtin: String, serial: String) -> Option<Package> {
            self.key_of(&gtin, &serial)
                .ok()
                .and_then(|key| self.packages.get(key))
        }

        /// A container's record.
        #[ink(message)]
        pub fn container(&self, sscc: String) -> Option<Container> {
            let sscc: Sscc = sscc.as_bytes().try_into().ok()?;
            self.containers.get(sscc)
        }

        /// A page of a package's history, oldest first from position `from`.
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

        fn key(&self, gtin: &Gtin, serial: &str) -> PackageKey {
            self.env().hash_encoded::<Blake2x256, _>(&(gtin, serial))
        }

        fn key_of(&self, gtin: &str, serial: &str) -> Result<PackageKey, Error> {
            let gtin = fixed::<14>(gtin, Error::InvalidGtin)?;
            Ok(self.key(&gtin, serial))
        }

        fn status(&self, package: &Package) -> Status {
            match package.state {
                State::Dispensed => Status::Dispensed,
                State::Decommissioned(_) => Status::Decommissioned,
                State::Illegitimate => Status::Illegitimate,
                State::Quarantined => Status::Quarantined,
                _ if self.recalls.contains((package.gtin, package.lot.clone())) => Status::Recalled,
                _ if self.env().block_timestamp() >= package.expiry => Status::Expired,
                State::InTransit => Status::InTransit,
                State::Active => Status::Active,
            }
        }

        fn state_error(state: State) -> Error {
            match state {
                State::Active => Error::NotQuarantined,
                State::InTransit => Error::InTransit,
                State::Quarantined => Error::Quarantined,
                State::Illegitimate => Error::Illegitimate,
                State::Dispensed | State::Decommissioned(_) => Error::Final,
            }
        }

        fn ensure_oracle(&self) -> Result<AccountId, Error> {
            let caller = self.env().caller();
            if self.oracle == Some(caller) {
                Ok(caller)
            } else {
                Err(Error::NotOracle)
            }
        }

        fn ensure_operator(&self) -> Result<(), Error> {
            if self.env().caller() == self.operator {
                Ok(())
            } else {
                Err(Error::NotOperator)
            }
        }

        fn active_partner(&self, account: AccountId) -> Result<Partner, Error> {
            let partner = self.partners.get(account).ok_or(Error::UnknownPartner)?;
            if partner.active {
                Ok(partner)
            } else {
                Err(Error::PartnerSuspended)
            }
        }

        /// The package, if `caller` owns it and is an active partner.
        fn owned(&self, key: PackageKey, caller: AccountId) -> Result<Package, Error> {
            self.active_partner(caller)?;
            let package = self.packages.get(key).ok_or(Error::UnknownPackage)?;
            if package.owner != caller {
                return Err(Error::NotOwner);
            }
            Ok(package)
        }

        /// The package, if `caller` owns it and it may move: active, not recalled.
        fn movable(&self, key: PackageKey, caller: AccountId) -> Result<Package, Error> {
            let package = self.owned(key, caller)?;
            if package.state != State::Active {
                return Err(Self::state_error(package.state));
            }
            if self.recalls.contains((package.gtin, package.lot.clone())) {
                return Err(Error::Recalled);
            }
            Ok(package)
        }

        /// The packages a movement takes, all checked movable.
        fn movable_target(
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

        fn update(&mut self, key: PackageKey, f: impl FnOnce(&mut Package)) {
            if let Some(mut package) = self.packages.get(key) {
                f(&mut package);
                self.packages.insert(key, &package);
            }
        }

        fn record(&mut self, key: PackageKey, actor: AccountId, action: Action) {
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

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::env::test;
        use ink::env::DefaultEnvironment as Env;

        /// A valid GTIN-14 (check digit 1: 0030001234567 -> 1), SSCC-18 and GLNs.
        pub const GTIN: &str = "00300012345671";
        pub const SSCC: &str = "003000120000000013";
        pub const GLN: &str = "0300012000006";

        fn gln(n: u8) -> String {
            // Twelve digits, then the check digit computed by the contract's rule.
            let mut digits = format!("03000120000{n}").into_bytes();
            digits.push(b'0');
            for d in b'0'..=b'9' {
                *digits.last_mut().expect("digit") = d;
                if gs1_check_digit_ok(&digits) {
                    break;
                }
            }
            String::from_utf8(digits).expect("ascii")
        }

        fn set_caller(who: AccountId) {
            test::set_caller::<Env>(who);
        }

        /// Alice operates; Bob manufactures; Charlie distributes; Django dispenses;
        /// Eve is a 3PL; Frank is nobody. Bob has commissioned two packages.
        fn setup() -> (Dscsa, test::DefaultAccounts<Env>) {
            let a = test::default_accounts::<Env>();
            set_caller(a.alice);
            test::set_block_timestamp::<Env>(1_000);
            let mut d = Dscsa::new();
            for (who, kind, n) in [
                (a.bob, PartnerKind::Manufacturer, 1),
                (a.charlie, PartnerKind::WholesaleDistributor, 2),
                (a.django, PartnerKind::Dispenser, 3),
                (a.eve, PartnerKind::ThirdPartyLogistics, 4),
            ] {
                d.add_partner(who, kind, gln(n), "NJ-WDP-0001".into())
                    .expect("partner");
            }
            set_caller(a.bob);
            for serial in ["SN1", "SN2"] {
                d.commission(GTIN.into(), serial.into(), "LOT7".into(), 100_000)
                    .expect("commissioned");
            }
            (d, a)
        }

        fn pkg(serial: &str) -> Target {
            Target::Package(GTIN.into(), serial.into())
        }

        #[test]
        fn gs1_check_digits_and_characters() {
            assert!(gs1_check_digit_ok(GTIN.as_bytes()));
            assert!(!gs1_check_digit_ok(b"00300012345672"));
            assert!(gs1_check_digit_ok(SSCC.as_bytes()));
            assert!(gs1_check_digit_ok(GLN.as_bytes()));
            assert!(!gs1_check_digit_ok(b"0030001234567A"));
            assert!(gs1_text_ok("A-1/b_2%"));
            assert!(!gs1_text_ok(""));
            assert!(!gs1_text_ok("SN 1"));
            assert!(!gs1_text_ok(&"9".repeat(21)));
        }

        #[ink::test]
        fn verification_requests_are_answered_and_recorded() {
            let (mut d, a) = setup();
            set_caller(a.django);
            let answer = d
                .request_verification(GTIN.into(), "SN1".into(), "LOT7".into(), 100_000)
                .expect("asked");
            assert!(answer.exists && answer.matches);
            let unknown = d
                .request_verification(GTIN.into(), "FAKE1".into(), "LOT7".into(), 100_000)
                .expect("asked");
            assert!(!unknown.exists);
            assert_eq!(test::recorded_events().count(), 2 + 2);
            set_caller(a.frank);
            assert_eq!(
                d.request_verification(GTIN.into(), "SN1".into(), "LOT7".into(), 100_000),
                Err(Error::UnknownPartner)
            );
        }

        #[ink::test]
        fn the_oracle_flags_serials_and_the_owner_closes() {
            let (mut d, a) = setup();
            let model = [9; 32];
            set_caller(a.frank);
            assert_eq!(d.register_model(model), Err(Error::NotOracle));
            set_caller(a.alice);
            assert_eq!(d.set_oracle(Some(a.frank)), Ok(()));
            set_caller(a.frank);
            assert_eq!(
                d.flag_serial(GTIN.into(), "SN1".into(), 9_000, 1, model),
                Err(Error::UnknownModel)
            );
            assert_eq!(d.register_model(model), Ok(()));
            assert_eq!(
                d.flag_serial(GTIN.into(), "SN1".into(), MAX_SCORE + 1, 1, model),
                Err(Error::ScoreOutOfRange)
            );
            assert_eq!(
                d.flag_serial(GTIN.into(), "SN1".into(), 9_000, 1, model),
                Ok(0)
            );
            assert_eq!(
                d.flag_serial(GTIN.into(), "SN1".into(), 9_000, 1, model),
                Err(Error::AlreadyFlagged)
            );
            // A serial never commissioned (a counterfeit) is flagged with no owner.
            assert_eq!(
                d.flag_serial(GTIN.into(), "FAKE1".into(), 9_900, 2, model),
                Ok(1)
            );
            assert_eq!(d.serial_flag(1).map(|f| f.owner), Some(None));
            set_caller(a.django);
            assert_eq!(d.close_serial_flag(0, true), Err(Error::NotOwnerOrOperator));
            set_caller(a.bob);
            assert_eq!(d.close_serial_flag(0, true), Ok(()));
            assert_eq!(d.close_serial_flag(0, true), Err(Error::FlagClosed));
            assert_eq!(
                d.serial_flag(0).map(|f| f.outcome),
                Some(FlagOutcome::Confirmed)
            );
            set_caller(a.alice);
            assert_eq!(d.close_serial_flag(1, false), Ok(()));
            assert_eq!(d.serial_flag_count(), 2);
        }

        #[ink::test]
        fn partners_are_the_operators_to_register_and_suspend() {
            let (mut d, a) = setup();
            assert_eq!(
                d.add_partner(a.frank, PartnerKind::Dispenser, gln(5), "x".into()),
                Err(Error::NotOperator)
            );
            set_caller(a.alice);
            assert_eq!(
                d.add_partner(a.frank, PartnerKind::Dispenser, "123".into(), "x".into()),
                Err(Error::InvalidGln)
            );
            assert_eq!(
                d.add_partner(a.bob, PartnerKind::Dispenser, gln(5), "x".into()),
                Err(Error::PartnerExists)
            );
            assert_eq!(
                d.add_partner(a.frank, PartnerKind::Dispenser, gln(5), "".into()),
                Err(Error::InvalidText)
            );
            assert_eq!(
                d.add_partner(a.frank, PartnerKind::Dispenser, gln(1), "x".into()),
                Err(Error::GlnInUse)
            );
            assert_eq!(d.partner_account(gln(2)), Some(a.charlie));
            assert_eq!(d.partner_account(gln(5)), None);
            assert_eq!(d.partner_account("not a gln".into()), None);
            d.set_partner_active(a.bob, false).expect("suspended");
            set_caller(a.bob);
            assert_eq!(
                d.commission(GTIN.into(), "SN3".into(), "LOT7".into(), 100_000),
                Err(Error::PartnerSuspended)
            );
        }

        #[ink::test]
        fn commissioning_checks_identifiers_role_and_duplicates() {
            let (mut d, a) = setup();
            let mut c = |gtin: &str, serial: &str, lot: &str| {
                d.commission(gtin.into(), serial.into(), lot.into(), 100_000)
            };
            assert_eq!(c(GTIN, "SN1", "LOT7"), Err(Error::DuplicateSerial));
            assert_eq!(c("00300012345672", "SN9", "LOT7"), Err(Error::InvalidGtin));
            assert_eq!(c(GTIN, "bad serial", "LOT7"), Err(Error::InvalidSerial));
            assert_eq!(c(GTIN, "SN9", ""), Err(Error::InvalidLot));
            set_caller(a.charlie);
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), "LOT7".into(), 1),
                Err(Error::WrongPartnerKind)
            );
            set_caller(a.frank);
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), "LOT7".into(), 1),
                Err(Error::UnknownPartner)
            );
        }

        #[ink::test]
        fn ownership_changes_by_ship_and_receive_only() {
            let (mut d, a) = setup();
            let hash = [7u8; 32];
            set_caller(a.charlie);
            assert_eq!(
                d.ship(pkg("SN1"), a.django, None, hash, true),
                Err(Error::NotOwner)
            );
            set_caller(a.bob);
            assert_eq!(
                d.ship(pkg("SN1"), a.frank, None, hash, true),
                Err(Error::UnknownPartner)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, hash, false),
                Err(Error::MissingTransactionStatement)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, Some(a.django), hash, true),
                Err(Error::InvalidCarrier)
            );
            d.ship(pkg("SN1"), a.charlie, Some(a.eve), hash, true)
                .expect("shipped");
            let p = d.package(GTIN.into(), "SN1".into()).expect("package");
            assert_eq!(
                (p.owner, p.custodian, p.state),
                (a.bob, a.eve, State::InTransit)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, hash, true),
                Err(Error::InTransit)
            );
            set_caller(a.django);
            assert_eq!(d.receive(pkg("SN1")), Err(Error::NotRecipient));
            set_caller(a.charlie);
            d.receive(pkg("SN1")).expect("received");
            let p = d.package(GTIN.into(), "SN1".into()).expect("package");
            assert_eq!(
                (p.owner, p.custodian, p.state),
                (a.charlie, a.charlie, State::Active)
            );
            assert_eq!(d.receive(pkg("SN1")), Err(Error::NotInTransit));
        }

        #[ink::test]
        fn containers_ship_their_contents_which_cannot_move_alone() {
            let (mut d, a) = setup();
            let items = Vec::from([
                (String::from(GTIN), String::from("SN1")),
                (String::from(GTIN), String::from("SN2")),
            ]);
            assert_eq!(
                d.pack("003000120000000018".into(), items.clone()),
                Err(Error::InvalidSscc)
            );
            assert_eq!(d.pack(SSCC.into(), Vec::new()), Err(Error::InvalidContents));
            d.pack(SSCC.into(), items.clone()).expect("packed");
            assert_eq!(d.pack(SSCC.into(), items), Err(Error::ContainerExists));
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, [0; 32], true),
                Err(Error::InContainer)
            );
            d.ship(
                Target::Container(SSCC.into()),
                a.charlie,
                None,
                [0; 32],
                true,
            )
            .expect("shipped");
            set_caller(a.charlie);
            d.receive(Target::Container(SSCC.into())).expect("received");
            assert_eq!(
                d.package(GTIN.into(), "SN2".into()).map(|p| p.owner),
                Some(a.charlie)
            );
            d.unpack(SSCC.into()).expect("unpacked");
            assert_eq!(
                d.package(GTIN.into(), "SN2".into())
                    .and_then(|p| p.container),
                None
            );
            assert_eq!(d.unpack(SSCC.into()), Err(Error::UnknownContainer));
        }

        #[ink::test]
        fn quarantine_clear_and_illegitimate() {
            let (mut d, a) = setup();
            assert_eq!(
                d.clear(GTIN.into(), "SN1".into()),
                Err(Error::NotQuarantined)
            );
            d.quarantine(GTIN.into(), "SN1".into(), "label mismatch".into())
                .expect("quarantined");
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, [0; 32], true),
                Err(Error::Quarantined)
            );
            assert_eq!(
                d.verify(GTIN.into(), "SN1".into(), "LOT7".into(), 100_000)
                    .status,
                Some(Status::Quarantined)
            );
            d.clear(GTIN.into(), "SN1".into()).expect("cleared");
            d.quarantine(GTIN.into(), "SN1".into(), "counterfeit suspected".into())
                .expect("again");
            d.declare_illegitimate(GTIN.into(), "SN1".into(), "counterfeit confirmed".into())
                .expect("declared");
            assert_eq!(
                d.verify(GTIN.into(), "SN1".into(), "LOT7".into(), 100_000)
                    .status,
                Some(Status::Illegitimate)
            );
            assert_eq!(
                d.quarantine(GTIN.into(), "SN1".into(), "x".into()),
                Err(Error::Illegitimate)
            );
        }

        #[ink::test]
        fn recall_blocks_shipping_and_dispensing_of_the_lot() {
            let (mut d, a) = setup();
            set_caller(a.charlie);
            assert_eq!(
                d.recall(GTIN.into(), "LOT7".into()),
                Err(Error::NotManufacturer)
            );
            set_caller(a.bob);
            d.recall(GTIN.into(), "LOT7".into()).expect("recalled");
            assert_eq!(
                d.recall(GTIN.into(), "LOT7".into()),
                Err(Error::AlreadyRecalled)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, [0; 32], true),
                Err(Error::Recalled)
            );
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), "LOT7".into(), 100_000)
                    .status,
                Some(Status::Recalled)
            );
        }

        #[ink::test]
        fn dispensing_is_final_for_dispensers_and_never_after_expiry() {
            let (mut d, a) = setup();
            assert_eq!(
                d.dispense(GTIN.into(), "SN1".into()),
                Err(Error::WrongPartnerKind)
            );
            for serial in ["SN1", "SN2"] {
                d.ship(pkg(serial), a.django, None, [0; 32], true)
                    .expect("ship");
            }
            set_caller(a.django);
            for serial in ["SN1", "SN2"] {
                d.receive(pkg(serial)).expect("receive");
            }
            d.dispense(GTIN.into(), "SN1".into()).expect("dispensed");
            assert_eq!(d.dispense(GTIN.into(), "SN1".into()), Err(Error::Final));
            assert_eq!(
                d.decommission(GTIN.into(), "SN1".into(), Decommission::Destroyed),
                Err(Error::Final)
            );
            test::set_block_timestamp::<Env>(100_000);
            assert_eq!(d.dispense(GTIN.into(), "SN2".into()), Err(Error::Expired));
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), "LOT7".into(), 100_000)
                    .status,
                Some(Status::Expired)
            );
            d.decommission(GTIN.into(), "SN2".into(), Decommission::Expired)
                .expect("decommissioned");
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), "LOT7".into(), 100_000)
                    .status,
                Some(Status::Decommissioned)
            );
        }

        #[ink::test]
        fn every_movement_needs_active_partners_and_the_right_roles() {
            let (mut d, a) = setup();
            assert_eq!(
                d.ship(pkg("SN1"), a.eve, None, [0; 32], true),
                Err(Error::WrongPartnerKind)
            );
            set_caller(a.alice);
            d.set_partner_active(a.charlie, false).expect("suspend");
            set_caller(a.bob);
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, [0; 32], true),
                Err(Error::PartnerSuspended)
            );
            set_caller(a.alice);
            d.set_partner_active(a.charlie, true).expect("reinstate");
            assert_eq!(
                d.set_partner_active(a.frank, true),
                Err(Error::UnknownPartner)
            );
            set_caller(a.bob);
            d.ship(pkg("SN1"), a.charlie, None, [0; 32], true)
                .expect("ship");
            set_caller(a.alice);
            d.set_partner_active(a.charlie, false)
                .expect("suspend in transit");
            set_caller(a.charlie);
            assert_eq!(d.receive(pkg("SN1")), Err(Error::PartnerSuspended));
            set_caller(a.frank);
            assert_eq!(d.pack(SSCC.into(), Vec::new()), Err(Error::UnknownPartner));
        }

        #[ink::test]
        fn malformed_or_unknown_targets_are_named() {
            let (mut d, a) = setup();
            assert_eq!(
                d.quarantine(GTIN.into(), "SN1".into(), " ".into()),
                Err(Error::InvalidText)
            );
            assert_eq!(
                d.quarantine(GTIN.into(), "NONE".into(), "x".into()),
                Err(Error::UnknownPackage)
            );
            assert_eq!(d.unpack(SSCC.into()), Err(Error::UnknownContainer));
            assert_eq!(
                d.ship(
                    Target::Container(SSCC.into()),
                    a.charlie,
                    None,
                    [0; 32],
                    true
                ),
                Err(Error::UnknownContainer)
            );
            let twice = Vec::from([
                (String::from(GTIN), String::from("SN1")),
                (String::from(GTIN), String::from("SN1")),
            ]);
            assert_eq!(d.pack(SSCC.into(), twice), Err(Error::InvalidContents));
            assert_eq!(
                d.recall("123".into(), "LOT7".into()),
                Err(Error::InvalidGtin)
            );
            assert_eq!(d.recall(GTIN.into(), "".into()), Err(Error::InvalidLot));
            assert_eq!(
                d.declare_illegitimate(GTIN.into(), "SN1".into(), "x".into()),
                Err(Error::NotQuarantined)
            );
            d.decommission(GTIN.into(), "SN2".into(), Decommission::Stolen)
                .expect("stolen");
            assert_eq!(
                d.quarantine(GTIN.into(), "SN2".into(), "x".into()),
                Err(Error::Final)
            );
            set_caller(a.charlie);
            assert_eq!(
                d.decommission(GTIN.into(), "SN1".into(), Decommission::Sample),
                Err(Error::NotOwner)
            );
        }

        #[ink::test]
        fn verification_and_history() {
            let (d, a) = setup();
            let v = d.verify(GTIN.into(), "SN1".into(), "LOT7".into(), 100_000);
            assert_eq!(
                v,
                Verification {
                    exists: true,
                    matches: true,
                    status: Some(Status::Active)
                }
            );
            assert!(
                !d.verify(GTIN.into(), "SN1".into(), "LOT8".into(), 100_000)
                    .matches
            );
            assert!(
                !d.verify(GTIN.into(), "NOPE".into(), "LOT7".into(), 100_000)
                    .exists
            );
            let history = d
                .history(GTIN.into(), "SN1".into(), 0, 10)
                .expect("history");
            assert_eq!(history.len(), 1);
            assert_eq!(
                (history[0].actor, &history[0].action),
                (a.bob, &Action::Commissioned)
            );
            assert_eq!(
                d.history(GTIN.into(), "SN1".into(), 0, MAX_PAGE + 1),
                Err(Error::PageTooLarge)
            );
        }
    }
}
