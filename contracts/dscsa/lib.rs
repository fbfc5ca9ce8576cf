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
    /// Shortest GS1 company prefix, digits.
    pub const MIN_PREFIX: usize = 4;
    /// Longest GS1 company prefix, digits.
    pub const MAX_PREFIX: usize = 12;
    /// Most verification requests one requester makes in one window.
    pub const MAX_REQUESTS_PER_WINDOW: u32 = 20;
    /// The rate-limit window, block time (ms); windows are fixed:
    /// `block_timestamp / REQUEST_WINDOW`.
    pub const REQUEST_WINDOW: Timestamp = 3_600_000;

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
        /// Repackaged into a new package (set by [`Dscsa::repackage`] only).
        Repackaged,
    }

    /// The GS1 Lightweight Messaging Standard context of a verification request.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum VerificationContext {
        /// `dscsaSaleableReturn`: a returned package verified before resale.
        SaleableReturn,
        /// Investigation of suspect product.
        Suspect,
        /// Investigation of illegitimate product.
        Illegitimate,
        /// A dispenser checking a package before dispensing it.
        Dispensing,
    }

    /// The enums with fields. ink!'s SCALE derives cast their variant indices to
    /// `u8`, which cargo-contract's lints refuse; the lint is allowed for these alone.
    #[allow(clippy::cast_possible_truncation)]
    mod with_fields {
        use super::{Decommission, PackageKey, Shipment, Sscc};
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
            /// Received back by a former owner or custodian: a saleable return, not
            /// saleable until its owner's `SaleableReturn` verification.
            Returned,
            /// Reported damaged: only decommissioning follows.
            Damaged,
            /// Partly dispensed: only more partial dispensing or dispensing follows.
            PartiallyDispensed,
        }

        /// What happened to a package (its history).
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[ink::scale_derive(Encode, Decode, TypeInfo)]
        #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
        pub enum Action {
            /// Commissioned.
            Commissioned,
            /// Packed into a container (CBV packing, disposition container_closed).
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
            /// Repackaged into the package with this key (on the source).
            Repackaged(PackageKey),
            /// Commissioned by repackaging the package with this key (on the new one).
            CommissionedFrom(PackageKey),
            /// A returned package's `SaleableReturn` verification succeeded: saleable.
            ReturnVerified,
            /// Its shipment was voided (CBV void_shipping): back with its owner.
            ShipmentVoided,
            /// Reported damaged (CBV disposition damaged).
            Damaged,
            /// Partly dispensed (CBV disposition partially_dispensed).
            PartiallyDispensed,
            /// Received back by a former owner or custodian (CBV receiving,
            /// disposition returned); the receiver is the new owner.
            ReturnReceived,
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
        /// The package it was repackaged from (None when commissioned plainly).
        pub source: Option<PackageKey>,
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
        /// A saleable return awaiting verification.
        Returned,
        /// Damaged.
        Damaged,
        /// Partly dispensed.
        PartiallyDispensed,
    }

    /// A Verification Router Service answer: a confirmation, nothing more.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct Verification {
        /// A package with this GTIN and serial exists with this lot and expiry.
        pub verified: bool,
        /// Its status, only when verified.
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
        /// Only the operator does this.
        NotOperator,
        /// The account is already a partner.
        PartnerExists,
        /// The account is not a registered partner.
        UnknownPartner,
        /// The partner (or the other party of a shipment) is suspended.
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
        /// It is not quarantined (or was not while its flag was open).
        NotQuarantined,
        /// It was declared illegitimate.
        Illegitimate,
        /// It was dispensed or decommissioned: nothing more happens to it.
        Final,
        /// Its GTIN and lot are recalled.
        Recalled,
        /// It is past its expiry (or the expiry given is not in the future).
        Expired,
        /// Unused since brand ownership replaced it ([`Error::NotBrandOwner`]); kept
        /// for its index.
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
        /// A GS1 company prefix is 4 to 12 ASCII digits.
        InvalidPrefix,
        /// The prefix, or one it extends or that extends it, is assigned already.
        PrefixInUse,
        /// No partner holds that prefix.
        UnknownPrefix,
        /// The GTIN or SSCC is not under one of the caller's company prefixes.
        NotBrandOwner,
        /// The SSCC was unpacked before: an SSCC is used once.
        SsccRetired,
        /// The caller has no DSCSA reason to read this.
        NotAuthorized,
        /// Too many verification requests in this window.
        RateLimited,
        /// A returned package is not saleable until its return is verified.
        ReturnNotVerified,
        /// A partner does not ship to itself.
        SelfShipment,
        /// The transaction information's hash is missing (all zeros).
        MissingTransactionInformation,
        /// The owner a flag named does not close it.
        SelfReview,
        /// It was reported damaged: only decommissioning follows.
        Damaged,
        /// It was partly dispensed: it is never shipped or packed again.
        PartiallyDispensed,
        /// That decommissioning reason is recorded by its own message only.
        ReservedReason,
        /// A repackaged package may not expire later than its source.
        ExpiryAfterSource,
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
        /// The package was quarantined while the flag was open.
        pub quarantined: bool,
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
        /// Who presented the product to the requester (as the requester says).
        presenter: AccountId,
        /// Why the requester asks.
        context: VerificationContext,
        /// The requester is or was the package's owner or custodian, or is the
        /// recipient or carrier of its shipment under way.
        requester_connected: bool,
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

    /// A GTIN and lot were recalled (by the GTIN's brand owner).
    #[ink(event)]
    pub struct LotRecalled {
        #[ink(topic)]
        gtin: Gtin,
        #[ink(topic)]
        manufacturer: AccountId,
        lot: String,
    }

    /// The operator registered a trading partner.
    #[ink(event)]
    pub struct PartnerAdded {
        #[ink(topic)]
        account: AccountId,
        kind: PartnerKind,
        gln: [u8; 13],
    }

    /// The operator suspended or reinstated a trading partner.
    #[ink(event)]
    pub struct PartnerStatusChanged {
        #[ink(topic)]
        account: AccountId,
        active: bool,
    }

    /// The operator assigned a GS1 company prefix to a partner.
    #[ink(event)]
    pub struct PrefixAssigned {
        #[ink(topic)]
        account: AccountId,
        prefix: String,
    }

    /// The operator removed a partner's GS1 company prefix.
    #[ink(event)]
    pub struct PrefixRemoved {
        #[ink(topic)]
        account: AccountId,
        prefix: String,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct Dscsa {
        operator: AccountId,
        partners: Mapping<AccountId, Partner>,
        packages: Mapping<PackageKey, Package>,
        containers: Mapping<Sscc, Container>,
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
        /// GS1 company prefixes (ASCII digits) and the partner holding each.
        prefixes: Mapping<Vec<u8>, AccountId>,
        /// For every proper leading part (4 digits or more) of an assigned prefix,
        /// how many assigned prefixes start with it: so that no prefix is assigned
        /// that another one extends.
        prefix_stems: Mapping<Vec<u8>, u32>,
        /// SSCCs unpacked once: never packed again.
        retired_ssccs: Mapping<Sscc, BlockNumber>,
        /// Verified verification requests: (package, requester) and the block.
        verified_requests: Mapping<(PackageKey, AccountId), BlockNumber>,
        /// Each requester's rate-limit window and its request count in it.
        request_counts: Mapping<AccountId, (u64, u32)>,
        /// Every account that ever owned or held custody of each package.
        held: Mapping<(PackageKey, AccountId), ()>,
        /// Quarantined packages that were returns awaiting verification: clearing
        /// them makes them returns again, not saleable.
        quarantined_returns: Mapping<PackageKey, ()>,
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

    /// A GS1 company prefix: [`MIN_PREFIX`] to [`MAX_PREFIX`] ASCII digits.
    pub fn gs1_prefix_ok(prefix: &str) -> bool {
        (MIN_PREFIX..=MAX_PREFIX).contains(&prefix.len())
            && prefix.bytes().all(|b| b.is_ascii_digit())
    }

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
                oracle: None,
                models: Mapping::default(),
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

        /// An active partner packs packages it owns (saleable, not expired, not
        /// recalled, standing alone) into a new container named by `sscc`, an SSCC
        /// under one of its own company prefixes (an SSCC is its issuer's) never
        /// used before.
        #[ink(message)]
        pub fn pack(&mut self, sscc: String, items: Vec<(String, String)>) -> Result<(), Error> {
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

        /// The named recipient, an active partner, receives a shipment (not expired)
        /// from a shipper that is still active, and becomes the owner and custodian.
        /// A package the recipient owned or held before is a saleable return: it is
        /// `Returned` (`Action::ReturnReceived`), not saleable until verified.
        #[ink(message)]
        pub fn receive(&mut self, target: Target) -> Result<(), Error> {
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

        /// The shipper (the owner, an active partner: ownership changes only on
        /// receipt) or the operator (for a shipment a suspended shipper cannot void)
        /// voids a shipment not yet received, of a package standing alone or of a
        /// container: its packages are `Active` again with their owner as custodian
        /// (`Action::ShipmentVoided`, CBV void_shipping).
        #[ink(message)]
        pub fn void_shipment(&mut self, target: Target) -> Result<(), Error> {
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

        /// Operator only (the operator answers for the oracle): names the oracle
        /// that may register models and flag serials, or removes it.
        #[ink(message)]
        pub fn set_oracle(&mut self, oracle: Option<AccountId>) -> Result<(), Error> {
            self.ensure_operator()?;
            self.oracle = oracle;
            self.env().emit_event(OracleSet { oracle });
            Ok(())
        }

        /// Anyone: the oracle, if one is named.
        #[ink(message)]
        pub fn oracle(&self) -> Option<AccountId> {
            self.oracle
        }

        /// The oracle only (its flags must name a model fixed before them):
        /// registers the SHA-256 of a model file, before its first flag.
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

        /// Anyone (so that a flag's model can be audited): when `model` was
        /// registered, if it was.
        #[ink(message)]
        pub fn model_registered_at(&self, model: [u8; 32]) -> Option<Timestamp> {
            self.models.get(model)
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
            let existing = self.packages.get(package);
            let owner = existing.as_ref().map(|p| p.owner);
            let quarantined = existing.is_some_and(|p| p.state == State::Quarantined);
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
                    quarantined,
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
            let caller = self.env().caller();
            let mut record = self.flags.get(flag).ok_or(Error::FlagNotFound)?;
            let package = self.packages.get(record.package);
            let operator = caller == self.operator;
            if record.owner == Some(caller) {
                return Err(Error::SelfReview);
            }
            if !operator {
                let Some(current) = package.as_ref().filter(|p| p.owner == caller) else {
                    return Err(Error::NotOwnerOrOperator);
                };
                // Not any later owner: the flagged owner could ship to a friend.
                if self.owner_of_identifier(&current.gtin) != Some(caller) {
                    return Err(Error::NotBrandOwner);
                }
                self.active_partner(caller)?;
            }
            if record.outcome != FlagOutcome::Open {
                return Err(Error::FlagClosed);
            }
            if let Some(package) = &package {
                let beyond_quarantine = matches!(
                    package.state,
                    State::Dispensed
                        | State::PartiallyDispensed
                        | State::Damaged
                        | State::Decommissioned(_)
                        | State::Illegitimate
                );
                let may_skip = operator && beyond_quarantine;
                if !record.quarantined && !may_skip {
                    return Err(Error::NotQuarantined);
                }
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

        fn key(&self, gtin: &Gtin, serial: &str) -> PackageKey {
            self.env().hash_encoded::<Blake2x256, _>(&(gtin, serial))
        }

        fn key_of(&self, gtin: &str, serial: &str) -> Result<PackageKey, Error> {
            let gtin = fixed::<14>(gtin, Error::InvalidGtin)?;
            Ok(self.key(&gtin, serial))
        }

        /// The brand owner of a GTIN-14 or SSCC-18 (digits): the holder of the
        /// company prefix starting at index 1. At most [`MAX_PREFIX`] -
        /// [`MIN_PREFIX`] + 1 lookups; prefixes never extend each other, so at most
        /// one matches.
        fn owner_of_identifier(&self, digits: &[u8]) -> Option<AccountId> {
            let body = digits.get(1..)?;
            (MIN_PREFIX..=MAX_PREFIX)
                .filter_map(|len| body.get(..len))
                .find_map(|candidate| self.prefixes.get(candidate))
        }

        /// Stores a new package, active with its owner, who has held it.
        fn create(&mut self, key: PackageKey, package: &Package) {
            self.packages.insert(key, package);
            self.held.insert((key, package.owner), &());
        }

        /// The verification answer for `package` asked about with `lot`, `expiry`.
        fn answer(&self, package: Option<&Package>, lot: &str, expiry: Timestamp) -> Verification {
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
        fn readable(&self, key: PackageKey) -> Result<Package, Error> {
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

        fn status(&self, package: &Package) -> Status {
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
        fn recalled(&self, package: &Package) -> bool {
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

        fn state_error(state: State) -> Error {
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

        /// The package, if `caller` owns it and it may move: active, not recalled,
        /// not expired.
        fn movable(&self, key: PackageKey, caller: AccountId) -> Result<Package, Error> {
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
        fn dispensable(
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
        use ink::scale::{Decode, Encode};

        /// A valid GTIN-14 (check digit 1: 0030001234567 -> 1), SSCC-18 and GLNs.
        /// Both carry Bob's company prefix 0300012 from their second digit.
        pub const GTIN: &str = "00300012345671";
        pub const SSCC: &str = "003000120000000013";
        pub const GLN: &str = "0300012000006";
        /// Bob's GS1 company prefix.
        pub const PREFIX: &str = "0300012";
        /// A non-zero transaction information hash.
        pub const HASH: [u8; 32] = [7; 32];
        pub const LOT: &str = "LOT7";
        pub const EXPIRY: Timestamp = 100_000;

        /// `body` with its GS1 check digit appended.
        fn check(body: &str) -> String {
            let mut digits = format!("{body}0").into_bytes();
            for d in b'0'..=b'9' {
                *digits.last_mut().expect("digit") = d;
                if gs1_check_digit_ok(&digits) {
                    break;
                }
            }
            String::from_utf8(digits).expect("ascii")
        }

        fn gln(n: u8) -> String {
            check(&format!("03000120000{n}"))
        }

        /// Rex, a repackager (not registered by `setup`).
        fn rex() -> AccountId {
            AccountId::from([0x42; 32])
        }

        /// Mallory, a manufacturer with no prefix (not registered by `setup`).
        fn mallory() -> AccountId {
            AccountId::from([0x4d; 32])
        }

        fn set_caller(who: AccountId) {
            test::set_caller::<Env>(who);
        }

        /// Alice operates; Bob manufactures under prefix 0300012; Charlie
        /// distributes; Django dispenses; Eve is a 3PL; Frank is nobody. Bob has
        /// commissioned two packages, SN1 and SN2, lot LOT7, expiring at 100 000.
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
            d.add_prefix(a.bob, PREFIX.into()).expect("prefix");
            set_caller(a.bob);
            for serial in ["SN1", "SN2"] {
                d.commission(GTIN.into(), serial.into(), LOT.into(), EXPIRY)
                    .expect("commissioned");
            }
            (d, a)
        }

        /// Registers Rex as a repackager with prefix 0400077 (as Alice; the caller
        /// is Alice afterwards).
        fn add_rex(d: &mut Dscsa) {
            set_caller(test::default_accounts::<Env>().alice);
            d.add_partner(rex(), PartnerKind::Repackager, gln(6), "NJ-RP-1".into())
                .expect("rex");
            d.add_prefix(rex(), "0400077".into()).expect("rex prefix");
        }

        /// `from` ships `serial` to `to`, who receives it.
        fn hand_over(d: &mut Dscsa, serial: &str, from: AccountId, to: AccountId) {
            set_caller(from);
            d.ship(pkg(serial), to, None, HASH, true).expect("ship");
            set_caller(to);
            d.receive(pkg(serial)).expect("receive");
        }

        fn pkg(serial: &str) -> Target {
            Target::Package(GTIN.into(), serial.into())
        }

        fn state(d: &Dscsa, serial: &str) -> State {
            set_caller(test::default_accounts::<Env>().alice);
            d.package(GTIN.into(), serial.into())
                .expect("package")
                .state
        }

        fn last_action(d: &Dscsa, gtin: &str, serial: &str) -> Action {
            set_caller(test::default_accounts::<Env>().alice);
            let history = d
                .history(gtin.into(), serial.into(), 0, MAX_PAGE)
                .expect("history");
            history.last().expect("an entry").action.clone()
        }

        fn ask(
            d: &mut Dscsa,
            serial: &str,
            lot: &str,
            context: VerificationContext,
        ) -> Verification {
            let presenter = test::default_accounts::<Env>().frank;
            d.request_verification(
                GTIN.into(),
                serial.into(),
                lot.into(),
                EXPIRY,
                presenter,
                context,
            )
            .expect("asked")
        }

        fn last_event_data() -> Vec<u8> {
            test::recorded_events().last().expect("an event").data
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
            assert!(gs1_prefix_ok("0300") && gs1_prefix_ok("030001200000"));
            assert!(!gs1_prefix_ok("030") && !gs1_prefix_ok("0300012000000"));
            assert!(!gs1_prefix_ok("03A0012"));
        }

        #[test]
        fn appended_variants_keep_the_existing_scale_indices() {
            assert_eq!(State::Decommissioned(Decommission::Stolen).encode(), [5, 3]);
            assert_eq!(State::Returned.encode(), [6]);
            assert_eq!(State::Damaged.encode(), [7]);
            assert_eq!(State::PartiallyDispensed.encode(), [8]);
            assert_eq!(Decommission::Repackaged.encode(), [4]);
            assert_eq!(
                Action::Decommissioned(Decommission::Destroyed).encode(),
                [10, 0]
            );
            assert_eq!(Action::Repackaged([1; 32]).encode()[0], 11);
            assert_eq!(Action::CommissionedFrom([1; 32]).encode()[0], 12);
            assert_eq!(Action::ReturnVerified.encode(), [13]);
            assert_eq!(Action::ShipmentVoided.encode(), [14]);
            assert_eq!(Action::Damaged.encode(), [15]);
            assert_eq!(Action::PartiallyDispensed.encode(), [16]);
            assert_eq!(Action::ReturnReceived.encode(), [17]);
            assert_eq!(Status::Expired.encode(), [7]);
            assert_eq!(Status::Returned.encode(), [8]);
            assert_eq!(Status::Damaged.encode(), [9]);
            assert_eq!(Status::PartiallyDispensed.encode(), [10]);
            assert_eq!(VerificationContext::SaleableReturn.encode(), [0]);
            assert_eq!(VerificationContext::Dispensing.encode(), [3]);
            assert_eq!(Error::NotOwnerOrOperator.encode(), [40]);
            let appended = [
                Error::InvalidPrefix,
                Error::PrefixInUse,
                Error::UnknownPrefix,
                Error::NotBrandOwner,
                Error::SsccRetired,
                Error::NotAuthorized,
                Error::RateLimited,
                Error::ReturnNotVerified,
                Error::SelfShipment,
                Error::MissingTransactionInformation,
                Error::SelfReview,
                Error::Damaged,
                Error::PartiallyDispensed,
                Error::ReservedReason,
                Error::ExpiryAfterSource,
            ];
            for (i, e) in (41u8..).zip(appended) {
                assert_eq!(e.encode(), [i], "{e:?}");
            }
        }

        #[ink::test]
        fn prefixes_are_the_operators_to_assign_and_never_ambiguous() {
            let (mut d, a) = setup();
            assert_eq!(d.brand_owner(GTIN.into()), Some(a.bob));
            assert_eq!(d.brand_owner("00300012345672".into()), None);
            assert_eq!(d.prefix_owner(PREFIX.into()), Some(a.bob));
            assert_eq!(
                d.add_prefix(a.charlie, "0500055".into()),
                Err(Error::NotOperator)
            );
            assert_eq!(d.remove_prefix(PREFIX.into()), Err(Error::NotOperator));
            set_caller(a.alice);
            for bad in ["030", "0300012000000", "03OO012", ""] {
                assert_eq!(
                    d.add_prefix(a.charlie, bad.into()),
                    Err(Error::InvalidPrefix)
                );
            }
            assert_eq!(
                d.add_prefix(a.frank, "0500055".into()),
                Err(Error::UnknownPartner)
            );
            // The same prefix, one it extends and one extending it: all ambiguous.
            for taken in [PREFIX, "030001", "03000123"] {
                assert_eq!(
                    d.add_prefix(a.charlie, taken.into()),
                    Err(Error::PrefixInUse)
                );
            }
            assert_eq!(d.remove_prefix("0500055".into()), Err(Error::UnknownPrefix));
            d.add_prefix(a.charlie, "0500055".into())
                .expect("charlie's");
            assert_eq!(d.brand_owner(check("0050005512345")), Some(a.charlie));
            d.remove_prefix(PREFIX.into()).expect("removed");
            let removed = <(AccountId, String)>::decode(&mut &last_event_data()[..]);
            assert_eq!(removed, Ok((a.bob, String::from(PREFIX))));
            assert_eq!(d.brand_owner(GTIN.into()), None);
            // With 0300012 gone, its shorter stem is free.
            d.add_prefix(a.charlie, "030001".into()).expect("stem free");
            assert_eq!(d.brand_owner(GTIN.into()), Some(a.charlie));
            let assigned = <(AccountId, String)>::decode(&mut &last_event_data()[..]);
            assert_eq!(assigned, Ok((a.charlie, String::from("030001"))));
        }

        #[ink::test]
        fn only_the_brand_owner_commissions_and_recalls() {
            let (mut d, a) = setup();
            set_caller(a.alice);
            d.add_partner(mallory(), PartnerKind::Manufacturer, gln(7), "x".into())
                .expect("mallory");
            set_caller(mallory());
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), LOT.into(), EXPIRY),
                Err(Error::NotBrandOwner)
            );
            assert_eq!(d.recall(GTIN.into(), LOT.into()), Err(Error::NotBrandOwner));
            set_caller(a.bob);
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), LOT.into(), 1_000),
                Err(Error::Expired)
            );
            // The prefix moves to Mallory: so do commissioning and recall.
            set_caller(a.alice);
            d.remove_prefix(PREFIX.into()).expect("removed");
            d.add_prefix(mallory(), PREFIX.into()).expect("moved");
            set_caller(a.bob);
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), LOT.into(), EXPIRY),
                Err(Error::NotBrandOwner)
            );
            assert_eq!(d.recall(GTIN.into(), LOT.into()), Err(Error::NotBrandOwner));
            set_caller(mallory());
            d.commission(GTIN.into(), "SN9".into(), LOT.into(), EXPIRY)
                .expect("brand owner commissions");
            d.recall(GTIN.into(), LOT.into())
                .expect("brand owner recalls");
        }

        #[ink::test]
        fn repackaging_decommissions_the_source_under_the_repackagers_prefix() {
            let (mut d, a) = setup();
            add_rex(&mut d);
            hand_over(&mut d, "SN1", a.bob, rex());
            let new_gtin = check("0040007700001");
            let r = |d: &mut Dscsa, source: &str, gtin: &str, serial: &str, expiry| {
                d.repackage(
                    GTIN.into(),
                    source.into(),
                    gtin.into(),
                    serial.into(),
                    "RLOT1".into(),
                    expiry,
                )
            };
            set_caller(a.bob);
            assert_eq!(
                r(&mut d, "SN2", &new_gtin, "R1", EXPIRY),
                Err(Error::WrongPartnerKind)
            );
            set_caller(rex());
            assert_eq!(
                r(&mut d, "SN2", &new_gtin, "R1", EXPIRY),
                Err(Error::NotOwner)
            );
            assert_eq!(
                r(&mut d, "SN1", GTIN, "R1", EXPIRY),
                Err(Error::NotBrandOwner)
            );
            assert_eq!(
                r(&mut d, "SN1", &new_gtin, "R1", 1_000),
                Err(Error::Expired)
            );
            assert_eq!(
                r(&mut d, "SN1", &new_gtin, "R1", EXPIRY + 1),
                Err(Error::ExpiryAfterSource)
            );
            let new_key = r(&mut d, "SN1", &new_gtin, "R1", EXPIRY).expect("repackaged");
            let source_key = d.key_of(GTIN, "SN1").expect("key");
            assert_eq!(
                state(&d, "SN1"),
                State::Decommissioned(Decommission::Repackaged)
            );
            assert_eq!(last_action(&d, GTIN, "SN1"), Action::Repackaged(new_key));
            assert_eq!(
                last_action(&d, &new_gtin, "R1"),
                Action::CommissionedFrom(source_key)
            );
            let new = d.package(new_gtin.clone(), "R1".into()).expect("new");
            assert_eq!((new.owner, new.source), (rex(), Some(source_key)));
            assert_eq!(
                d.package(GTIN.into(), "SN2".into()).map(|p| p.source),
                Ok(None)
            );
            set_caller(rex());
            assert_eq!(r(&mut d, "SN1", &new_gtin, "R2", EXPIRY), Err(Error::Final));
            // A repackager makes packages only from a source.
            assert_eq!(
                d.commission(new_gtin.clone(), "R9".into(), "RLOT1".into(), EXPIRY),
                Err(Error::WrongPartnerKind)
            );
            // A recall of the source's lot reaches the repackaged package.
            set_caller(a.bob);
            d.recall(GTIN.into(), LOT.into()).expect("recalled");
            assert_eq!(
                d.verify(new_gtin.clone(), "R1".into(), "RLOT1".into(), EXPIRY)
                    .status,
                Some(Status::Recalled)
            );
            set_caller(rex());
            assert_eq!(
                d.ship(
                    Target::Package(new_gtin.clone(), "R1".into()),
                    a.charlie,
                    None,
                    HASH,
                    true
                ),
                Err(Error::Recalled)
            );
            assert_eq!(
                d.decommission(new_gtin.clone(), "R1".into(), Decommission::Repackaged),
                Err(Error::ReservedReason)
            );
        }

        #[ink::test]
        fn an_sscc_is_its_issuers_and_used_once() {
            let (mut d, a) = setup();
            let one = Vec::from([(String::from(GTIN), String::from("SN1"))]);
            hand_over(&mut d, "SN2", a.bob, a.charlie);
            let two = Vec::from([(String::from(GTIN), String::from("SN2"))]);
            assert_eq!(d.pack(SSCC.into(), two.clone()), Err(Error::NotBrandOwner));
            set_caller(a.alice);
            d.add_prefix(a.charlie, "0500055".into()).expect("prefix");
            set_caller(a.charlie);
            d.pack(check("00500055000000001"), two).expect("own sscc");
            set_caller(a.bob);
            d.pack(SSCC.into(), one.clone()).expect("packed");
            d.unpack(SSCC.into()).expect("unpacked");
            assert_eq!(d.pack(SSCC.into(), one), Err(Error::SsccRetired));
        }

        #[ink::test]
        fn reads_need_a_dscsa_reason() {
            let (mut d, a) = setup();
            for who in [a.django, a.frank] {
                set_caller(who);
                assert_eq!(
                    d.package(GTIN.into(), "SN1".into()),
                    Err(Error::NotAuthorized)
                );
                assert_eq!(
                    d.history(GTIN.into(), "SN1".into(), 0, 1),
                    Err(Error::NotAuthorized)
                );
                // Existence is not disclosed.
                assert_eq!(
                    d.package(GTIN.into(), "NONE".into()),
                    Err(Error::NotAuthorized)
                );
            }
            set_caller(a.alice);
            assert_eq!(
                d.package(GTIN.into(), "NONE".into()),
                Err(Error::UnknownPackage)
            );
            set_caller(a.bob);
            let items = Vec::from([(String::from(GTIN), String::from("SN2"))]);
            d.pack(SSCC.into(), items).expect("packed");
            d.ship(pkg("SN1"), a.charlie, Some(a.eve), HASH, true)
                .expect("ship");
            d.ship(
                Target::Container(SSCC.into()),
                a.charlie,
                Some(a.eve),
                HASH,
                true,
            )
            .expect("ship container");
            for who in [a.alice, a.bob, a.charlie, a.eve] {
                set_caller(who);
                assert!(d.package(GTIN.into(), "SN1".into()).is_ok());
                assert!(d.history(GTIN.into(), "SN1".into(), 0, 5).is_ok());
                assert!(d.container(SSCC.into()).is_ok());
            }
            set_caller(a.django);
            assert_eq!(d.container(SSCC.into()), Err(Error::NotAuthorized));
            assert_eq!(
                d.container(check("00300012000000002")),
                Err(Error::NotAuthorized)
            );
            set_caller(a.alice);
            assert_eq!(
                d.container(check("00300012000000002")),
                Err(Error::UnknownContainer)
            );
            // A verified request gives a reason; a failed one does not.
            set_caller(a.django);
            assert!(!ask(&mut d, "SN1", "LOT8", VerificationContext::Dispensing).verified);
            assert_eq!(
                d.package(GTIN.into(), "SN1".into()),
                Err(Error::NotAuthorized)
            );
            assert!(ask(&mut d, "SN1", LOT, VerificationContext::Dispensing).verified);
            assert!(d.package(GTIN.into(), "SN1".into()).is_ok());
        }

        #[ink::test]
        fn verify_discloses_only_a_confirmation() {
            let (d, _) = setup();
            let v = |serial: &str, lot: &str, expiry| {
                d.verify(GTIN.into(), serial.into(), lot.into(), expiry)
            };
            let nothing = Verification {
                verified: false,
                status: None,
            };
            assert_eq!(v("NOPE", LOT, EXPIRY), nothing);
            assert_eq!(v("SN1", "LOT8", EXPIRY), nothing);
            assert_eq!(v("SN1", LOT, EXPIRY + 1), nothing);
            assert_eq!(
                d.verify("123".into(), "SN1".into(), LOT.into(), EXPIRY),
                nothing
            );
            assert_eq!(
                v("SN1", LOT, EXPIRY),
                Verification {
                    verified: true,
                    status: Some(Status::Active)
                }
            );
        }

        #[ink::test]
        fn verification_requests_are_recorded_rate_limited_and_say_who_is_connected() {
            let (mut d, a) = setup();
            type Requested = (
                PackageKey,
                AccountId,
                Gtin,
                String,
                bool,
                Option<Status>,
                AccountId,
                VerificationContext,
                bool,
            );
            let event = || Requested::decode(&mut &last_event_data()[..]).expect("decoded");
            set_caller(a.django);
            assert!(ask(&mut d, "SN1", LOT, VerificationContext::Dispensing).verified);
            let e = event();
            assert_eq!(
                (e.1, e.3.as_str(), e.4, e.5),
                (a.django, "SN1", true, Some(Status::Active))
            );
            assert_eq!(
                (e.6, e.7, e.8),
                (a.frank, VerificationContext::Dispensing, false)
            );
            // A counterfeit serial: recorded, unverified.
            assert!(!ask(&mut d, "FAKE1", LOT, VerificationContext::Suspect).verified);
            assert_eq!((event().4, event().5), (false, None));
            set_caller(a.bob);
            ask(&mut d, "SN1", LOT, VerificationContext::Suspect);
            assert!(event().8, "the owner is connected");
            d.ship(pkg("SN2"), a.charlie, Some(a.eve), HASH, true)
                .expect("ship");
            for who in [a.charlie, a.eve] {
                set_caller(who);
                ask(&mut d, "SN2", LOT, VerificationContext::Suspect);
                assert!(event().8, "recipient and carrier are connected");
            }
            set_caller(a.frank);
            assert_eq!(
                d.request_verification(
                    GTIN.into(),
                    "SN1".into(),
                    LOT.into(),
                    EXPIRY,
                    a.bob,
                    VerificationContext::Suspect
                ),
                Err(Error::UnknownPartner)
            );
            // Django has asked twice in this window: 18 more, then refused.
            set_caller(a.django);
            for _ in 0..MAX_REQUESTS_PER_WINDOW.saturating_sub(2) {
                ask(&mut d, "SN1", LOT, VerificationContext::Dispensing);
            }
            assert_eq!(
                d.request_verification(
                    GTIN.into(),
                    "SN1".into(),
                    LOT.into(),
                    EXPIRY,
                    a.frank,
                    VerificationContext::Dispensing
                ),
                Err(Error::RateLimited)
            );
            // Others are not limited by Django's requests; the next window is fresh.
            set_caller(a.charlie);
            ask(&mut d, "SN1", LOT, VerificationContext::Suspect);
            test::set_block_timestamp::<Env>(REQUEST_WINDOW);
            set_caller(a.django);
            ask(&mut d, "SN1", LOT, VerificationContext::Dispensing);
        }

        #[ink::test]
        fn expired_product_does_not_move() {
            let (mut d, a) = setup();
            assert_eq!(
                d.commission(GTIN.into(), "SN3".into(), LOT.into(), 999),
                Err(Error::Expired)
            );
            d.ship(pkg("SN1"), a.charlie, None, HASH, true)
                .expect("shipped in date");
            test::set_block_timestamp::<Env>(EXPIRY);
            assert_eq!(
                d.ship(pkg("SN2"), a.charlie, None, HASH, true),
                Err(Error::Expired)
            );
            let items = Vec::from([(String::from(GTIN), String::from("SN2"))]);
            assert_eq!(d.pack(SSCC.into(), items), Err(Error::Expired));
            set_caller(a.charlie);
            assert_eq!(d.receive(pkg("SN1")), Err(Error::Expired));
            // Not stranded: the shipper voids, then decommissions.
            set_caller(a.bob);
            d.void_shipment(pkg("SN1")).expect("voided");
            d.decommission(GTIN.into(), "SN1".into(), Decommission::Expired)
                .expect("decommissioned");
        }

        #[ink::test]
        fn saleable_returns_are_verified_before_resale() {
            let (mut d, a) = setup();
            hand_over(&mut d, "SN1", a.bob, a.charlie);
            assert_eq!(state(&d, "SN1"), State::Active);
            hand_over(&mut d, "SN1", a.charlie, a.bob);
            assert_eq!(state(&d, "SN1"), State::Returned);
            assert_eq!(last_action(&d, GTIN, "SN1"), Action::ReturnReceived);
            assert_eq!(
                d.verify(GTIN.into(), "SN1".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::Returned)
            );
            set_caller(a.bob);
            assert_eq!(
                d.ship(pkg("SN1"), a.django, None, HASH, true),
                Err(Error::ReturnNotVerified)
            );
            let items = Vec::from([(String::from(GTIN), String::from("SN1"))]);
            assert_eq!(d.pack(SSCC.into(), items), Err(Error::ReturnNotVerified));
            // Quarantining and clearing does not launder a return.
            d.quarantine(GTIN.into(), "SN1".into(), "returned damaged?".into())
                .expect("quarantined");
            d.clear(GTIN.into(), "SN1".into()).expect("cleared");
            assert_eq!(state(&d, "SN1"), State::Returned);
            // Only the owner's verified SaleableReturn request makes it saleable.
            set_caller(a.charlie);
            ask(&mut d, "SN1", LOT, VerificationContext::SaleableReturn);
            set_caller(a.bob);
            ask(&mut d, "SN1", LOT, VerificationContext::Suspect);
            ask(&mut d, "SN1", "LOT8", VerificationContext::SaleableReturn);
            assert_eq!(state(&d, "SN1"), State::Returned);
            set_caller(a.bob);
            let answer = ask(&mut d, "SN1", LOT, VerificationContext::SaleableReturn);
            assert_eq!(answer.status, Some(Status::Active));
            assert_eq!(state(&d, "SN1"), State::Active);
            assert_eq!(last_action(&d, GTIN, "SN1"), Action::ReturnVerified);
            set_caller(a.bob);
            d.ship(pkg("SN1"), a.django, None, HASH, true)
                .expect("resold");
            // A dispenser's return is not dispensed unverified either.
            hand_over(&mut d, "SN2", a.bob, a.django);
            hand_over(&mut d, "SN2", a.django, a.charlie);
            hand_over(&mut d, "SN2", a.charlie, a.django);
            assert_eq!(
                d.dispense(GTIN.into(), "SN2".into()),
                Err(Error::ReturnNotVerified)
            );
            ask(&mut d, "SN2", LOT, VerificationContext::SaleableReturn);
            d.dispense(GTIN.into(), "SN2".into()).expect("dispensed");
        }

        #[ink::test]
        fn shipments_are_voided_by_the_shipper_or_the_operator() {
            let (mut d, a) = setup();
            assert_eq!(
                d.ship(pkg("SN1"), a.bob, None, HASH, true),
                Err(Error::SelfShipment)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, [0; 32], true),
                Err(Error::MissingTransactionInformation)
            );
            assert_eq!(d.void_shipment(pkg("SN1")), Err(Error::NotInTransit));
            d.ship(pkg("SN1"), a.charlie, Some(a.eve), HASH, true)
                .expect("ship");
            for (who, error) in [
                (a.charlie, Error::NotOwner),
                (a.eve, Error::NotOwner),
                (a.frank, Error::UnknownPartner),
            ] {
                set_caller(who);
                assert_eq!(d.void_shipment(pkg("SN1")), Err(error));
            }
            set_caller(a.bob);
            d.void_shipment(pkg("SN1")).expect("voided");
            let p = d.package(GTIN.into(), "SN1".into()).expect("package");
            assert_eq!(
                (p.owner, p.custodian, p.state, p.shipment),
                (a.bob, a.bob, State::Active, None)
            );
            assert_eq!(last_action(&d, GTIN, "SN1"), Action::ShipmentVoided);
            set_caller(a.charlie);
            assert_eq!(d.receive(pkg("SN1")), Err(Error::NotInTransit));
            // A suspended shipper: not received, not voidable by it; the operator voids.
            set_caller(a.bob);
            let items = Vec::from([(String::from(GTIN), String::from("SN1"))]);
            d.pack(SSCC.into(), items).expect("packed");
            d.ship(Target::Container(SSCC.into()), a.charlie, None, HASH, true)
                .expect("ship");
            set_caller(a.alice);
            d.set_partner_active(a.bob, false).expect("suspended");
            set_caller(a.charlie);
            assert_eq!(
                d.receive(Target::Container(SSCC.into())),
                Err(Error::PartnerSuspended)
            );
            set_caller(a.bob);
            assert_eq!(
                d.void_shipment(Target::Container(SSCC.into())),
                Err(Error::PartnerSuspended)
            );
            set_caller(a.alice);
            assert_eq!(d.void_shipment(pkg("SN1")), Err(Error::InContainer));
            d.void_shipment(Target::Container(SSCC.into()))
                .expect("operator voids");
            assert_eq!(d.container(SSCC.into()).map(|c| c.shipment), Ok(None));
            assert_eq!(state(&d, "SN1"), State::Active);
        }

        #[ink::test]
        fn flags_are_closed_by_someone_else_after_a_quarantine() {
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
            assert_eq!(
                d.flag_serial(GTIN.into(), "SN2".into(), 8_000, 4, model),
                Ok(2)
            );
            set_caller(a.django);
            assert_eq!(d.close_serial_flag(0, true), Err(Error::NotOwnerOrOperator));
            set_caller(a.bob);
            assert_eq!(d.close_serial_flag(0, false), Err(Error::SelfReview));
            set_caller(a.alice);
            assert_eq!(d.close_serial_flag(0, true), Err(Error::NotQuarantined));
            set_caller(a.bob);
            d.quarantine(GTIN.into(), "SN1".into(), "flagged".into())
                .expect("quarantined");
            assert_eq!(d.serial_flag(0).map(|f| f.quarantined), Some(true));
            assert_eq!(d.close_serial_flag(0, false), Err(Error::SelfReview));
            set_caller(a.alice);
            assert_eq!(d.close_serial_flag(0, true), Ok(()));
            assert_eq!(d.close_serial_flag(0, true), Err(Error::FlagClosed));
            assert_eq!(
                d.serial_flag(0).map(|f| f.outcome),
                Some(FlagOutcome::Confirmed)
            );
            // The counterfeit's flag: the operator closes it without a quarantine.
            assert_eq!(d.close_serial_flag(1, true), Ok(()));
            // A later owner does not review unless it is the brand owner: a friend
            // the flagged owner ships to cannot dismiss the flag ...
            hand_over(&mut d, "SN2", a.bob, a.charlie);
            d.quarantine(GTIN.into(), "SN2".into(), "flagged".into())
                .expect("quarantined");
            assert_eq!(d.close_serial_flag(2, false), Err(Error::NotBrandOwner));
            // ... the manufacturer investigating a return can.
            set_caller(a.bob);
            d.clear(GTIN.into(), "SN1".into()).expect("cleared");
            hand_over(&mut d, "SN1", a.bob, a.charlie);
            set_caller(a.frank);
            let id = d
                .flag_serial(GTIN.into(), "SN1".into(), 8_000, 4, model)
                .expect("flagged at Charlie's");
            hand_over(&mut d, "SN1", a.charlie, a.bob);
            d.quarantine(GTIN.into(), "SN1".into(), "returned, flagged".into())
                .expect("quarantined");
            assert_eq!(d.close_serial_flag(id, false), Ok(()));
            assert_eq!(
                d.serial_flag(id).map(|f| f.outcome),
                Some(FlagOutcome::Dismissed)
            );
            assert_eq!(d.serial_flag_count(), 4);
        }

        #[ink::test]
        fn a_flag_on_a_package_past_quarantine_is_the_operators_to_close() {
            let (mut d, a) = setup();
            let model = [9; 32];
            set_caller(a.alice);
            d.set_oracle(Some(a.frank)).expect("oracle");
            hand_over(&mut d, "SN1", a.bob, a.django);
            d.dispense(GTIN.into(), "SN1".into()).expect("dispensed");
            set_caller(a.frank);
            d.register_model(model).expect("model");
            // A clone of a dispensed serial surfaces.
            let id = d
                .flag_serial(GTIN.into(), "SN1".into(), 9_500, 8, model)
                .expect("flag");
            set_caller(a.alice);
            assert_eq!(d.close_serial_flag(id, true), Ok(()));
        }

        #[ink::test]
        fn damaged_and_partially_dispensed_packages_do_not_move() {
            let (mut d, a) = setup();
            d.report_damaged(GTIN.into(), "SN1".into())
                .expect("damaged");
            assert_eq!(
                d.report_damaged(GTIN.into(), "SN1".into()),
                Err(Error::Damaged)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, HASH, true),
                Err(Error::Damaged)
            );
            let items = Vec::from([(String::from(GTIN), String::from("SN1"))]);
            assert_eq!(d.pack(SSCC.into(), items), Err(Error::Damaged));
            assert_eq!(
                d.verify(GTIN.into(), "SN1".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::Damaged)
            );
            assert_eq!(last_action(&d, GTIN, "SN1"), Action::Damaged);
            set_caller(a.bob);
            d.decommission(GTIN.into(), "SN1".into(), Decommission::Destroyed)
                .expect("destroyed");
            assert_eq!(
                d.dispense_partial(GTIN.into(), "SN2".into()),
                Err(Error::WrongPartnerKind)
            );
            hand_over(&mut d, "SN2", a.bob, a.django);
            d.dispense_partial(GTIN.into(), "SN2".into())
                .expect("partly");
            assert_eq!(state(&d, "SN2"), State::PartiallyDispensed);
            assert_eq!(last_action(&d, GTIN, "SN2"), Action::PartiallyDispensed);
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::PartiallyDispensed)
            );
            set_caller(a.django);
            assert_eq!(
                d.ship(pkg("SN2"), a.charlie, None, HASH, true),
                Err(Error::PartiallyDispensed)
            );
            assert_eq!(
                d.report_damaged(GTIN.into(), "SN2".into()),
                Err(Error::PartiallyDispensed)
            );
            d.dispense_partial(GTIN.into(), "SN2".into())
                .expect("again");
            d.dispense(GTIN.into(), "SN2".into()).expect("final");
            assert_eq!(
                d.dispense_partial(GTIN.into(), "SN2".into()),
                Err(Error::Final)
            );
        }

        #[ink::test]
        fn partner_changes_are_events() {
            let (mut d, a) = setup();
            assert_eq!(
                d.set_partner_active(a.charlie, false),
                Err(Error::NotOperator)
            );
            set_caller(a.alice);
            d.add_partner(a.frank, PartnerKind::Dispenser, gln(5), "x".into())
                .expect("added");
            let added = <(AccountId, PartnerKind, [u8; 13])>::decode(&mut &last_event_data()[..]);
            let gln5: [u8; 13] = gln(5).as_bytes().try_into().expect("13");
            assert_eq!(added, Ok((a.frank, PartnerKind::Dispenser, gln5)));
            d.set_partner_active(a.frank, false).expect("suspended");
            let changed = <(AccountId, bool)>::decode(&mut &last_event_data()[..]);
            assert_eq!(changed, Ok((a.frank, false)));
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
                d.commission(GTIN.into(), "SN3".into(), LOT.into(), EXPIRY),
                Err(Error::PartnerSuspended)
            );
        }

        #[ink::test]
        fn commissioning_checks_identifiers_role_and_duplicates() {
            let (mut d, a) = setup();
            let mut c = |gtin: &str, serial: &str, lot: &str| {
                d.commission(gtin.into(), serial.into(), lot.into(), EXPIRY)
            };
            assert_eq!(c(GTIN, "SN1", LOT), Err(Error::DuplicateSerial));
            assert_eq!(c("00300012345672", "SN9", LOT), Err(Error::InvalidGtin));
            assert_eq!(c(GTIN, "bad serial", LOT), Err(Error::InvalidSerial));
            assert_eq!(c(GTIN, "SN9", ""), Err(Error::InvalidLot));
            set_caller(a.charlie);
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), LOT.into(), 1),
                Err(Error::WrongPartnerKind)
            );
            set_caller(a.frank);
            assert_eq!(
                d.commission(GTIN.into(), "SN9".into(), LOT.into(), 1),
                Err(Error::UnknownPartner)
            );
        }

        #[ink::test]
        fn ownership_changes_by_ship_and_receive_only() {
            let (mut d, a) = setup();
            set_caller(a.charlie);
            assert_eq!(
                d.ship(pkg("SN1"), a.django, None, HASH, true),
                Err(Error::NotOwner)
            );
            set_caller(a.bob);
            assert_eq!(
                d.ship(pkg("SN1"), a.frank, None, HASH, true),
                Err(Error::UnknownPartner)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, HASH, false),
                Err(Error::MissingTransactionStatement)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, Some(a.django), HASH, true),
                Err(Error::InvalidCarrier)
            );
            d.ship(pkg("SN1"), a.charlie, Some(a.eve), HASH, true)
                .expect("shipped");
            let p = d.package(GTIN.into(), "SN1".into()).expect("package");
            assert_eq!(
                (p.owner, p.custodian, p.state),
                (a.bob, a.eve, State::InTransit)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, HASH, true),
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
            assert_eq!(last_action(&d, GTIN, "SN1"), Action::Received);
            set_caller(a.charlie);
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
                d.ship(pkg("SN1"), a.charlie, None, HASH, true),
                Err(Error::InContainer)
            );
            d.ship(Target::Container(SSCC.into()), a.charlie, None, HASH, true)
                .expect("shipped");
            set_caller(a.charlie);
            d.receive(Target::Container(SSCC.into())).expect("received");
            assert_eq!(
                d.package(GTIN.into(), "SN2".into()).map(|p| p.owner),
                Ok(a.charlie)
            );
            d.unpack(SSCC.into()).expect("unpacked");
            assert_eq!(
                d.package(GTIN.into(), "SN2".into()).map(|p| p.container),
                Ok(None)
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
                d.ship(pkg("SN1"), a.charlie, None, HASH, true),
                Err(Error::Quarantined)
            );
            assert_eq!(
                d.verify(GTIN.into(), "SN1".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::Quarantined)
            );
            d.clear(GTIN.into(), "SN1".into()).expect("cleared");
            assert_eq!(state(&d, "SN1"), State::Active);
            set_caller(a.bob);
            d.quarantine(GTIN.into(), "SN1".into(), "counterfeit suspected".into())
                .expect("again");
            // Suspect product is not destroyed before the investigation ends ...
            assert_eq!(
                d.decommission(GTIN.into(), "SN1".into(), Decommission::Destroyed),
                Err(Error::Quarantined)
            );
            d.declare_illegitimate(GTIN.into(), "SN1".into(), "counterfeit confirmed".into())
                .expect("declared");
            assert_eq!(
                d.verify(GTIN.into(), "SN1".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::Illegitimate)
            );
            assert_eq!(
                d.quarantine(GTIN.into(), "SN1".into(), "x".into()),
                Err(Error::Illegitimate)
            );
            // ... and illegitimate product stays on record as such.
            assert_eq!(
                d.decommission(GTIN.into(), "SN1".into(), Decommission::Destroyed),
                Err(Error::Illegitimate)
            );
        }

        #[ink::test]
        fn recall_blocks_shipping_and_dispensing_of_the_lot() {
            let (mut d, a) = setup();
            set_caller(a.charlie);
            assert_eq!(
                d.recall(GTIN.into(), LOT.into()),
                Err(Error::WrongPartnerKind),
                "a distributor recalls nothing, whatever prefixes it holds"
            );
            set_caller(a.bob);
            d.recall(GTIN.into(), LOT.into()).expect("recalled");
            assert_eq!(
                d.recall(GTIN.into(), LOT.into()),
                Err(Error::AlreadyRecalled)
            );
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, HASH, true),
                Err(Error::Recalled)
            );
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), LOT.into(), EXPIRY)
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
                hand_over(&mut d, serial, a.bob, a.django);
            }
            d.dispense(GTIN.into(), "SN1".into()).expect("dispensed");
            assert_eq!(d.dispense(GTIN.into(), "SN1".into()), Err(Error::Final));
            assert_eq!(
                d.decommission(GTIN.into(), "SN1".into(), Decommission::Destroyed),
                Err(Error::Final)
            );
            test::set_block_timestamp::<Env>(EXPIRY);
            assert_eq!(d.dispense(GTIN.into(), "SN2".into()), Err(Error::Expired));
            assert_eq!(
                d.dispense_partial(GTIN.into(), "SN2".into()),
                Err(Error::Expired)
            );
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::Expired)
            );
            d.decommission(GTIN.into(), "SN2".into(), Decommission::Expired)
                .expect("decommissioned");
            assert_eq!(
                d.verify(GTIN.into(), "SN2".into(), LOT.into(), EXPIRY)
                    .status,
                Some(Status::Decommissioned)
            );
        }

        #[ink::test]
        fn every_movement_needs_active_partners_and_the_right_roles() {
            let (mut d, a) = setup();
            assert_eq!(
                d.ship(pkg("SN1"), a.eve, None, HASH, true),
                Err(Error::WrongPartnerKind)
            );
            set_caller(a.alice);
            d.set_partner_active(a.charlie, false).expect("suspend");
            set_caller(a.bob);
            assert_eq!(
                d.ship(pkg("SN1"), a.charlie, None, HASH, true),
                Err(Error::PartnerSuspended)
            );
            set_caller(a.alice);
            d.set_partner_active(a.charlie, true).expect("reinstate");
            assert_eq!(
                d.set_partner_active(a.frank, true),
                Err(Error::UnknownPartner)
            );
            set_caller(a.bob);
            d.ship(pkg("SN1"), a.charlie, None, HASH, true)
                .expect("ship");
            set_caller(a.alice);
            d.set_partner_active(a.charlie, false)
                .expect("suspend in transit");
            set_caller(a.charlie);
            assert_eq!(d.receive(pkg("SN1")), Err(Error::PartnerSuspended));
            // The shipper voids the shipment to the suspended recipient.
            set_caller(a.bob);
            d.void_shipment(pkg("SN1")).expect("voided");
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
                d.ship(Target::Container(SSCC.into()), a.charlie, None, HASH, true),
                Err(Error::UnknownContainer)
            );
            assert_eq!(
                d.void_shipment(Target::Container(SSCC.into())),
                Err(Error::UnknownContainer)
            );
            assert_eq!(d.container("123".into()), Err(Error::InvalidSscc));
            let twice = Vec::from([
                (String::from(GTIN), String::from("SN1")),
                (String::from(GTIN), String::from("SN1")),
            ]);
            assert_eq!(d.pack(SSCC.into(), twice), Err(Error::InvalidContents));
            assert_eq!(d.recall("123".into(), LOT.into()), Err(Error::InvalidGtin));
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
        fn history_pages() {
            let (d, a) = setup();
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
