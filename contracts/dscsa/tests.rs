//! The contract's unit tests (off-chain, `ink::env::test`).

use crate::dscsa::*;
use crate::env::{AccountId, Timestamp};
use health_types::gs1::check_digit_ok as gs1_check_digit_ok;
use health_types::{FlagOutcome, MAX_SCORE};
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

fn ask(d: &mut Dscsa, serial: &str, lot: &str, context: VerificationContext) -> Verification {
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
    let v =
        |serial: &str, lot: &str, expiry| d.verify(GTIN.into(), serial.into(), lot.into(), expiry);
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
