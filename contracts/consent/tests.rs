//! The contract's unit tests (off-chain, `ink::env::test`).

use crate::consent::*;
use health_types::{DataClass, Purpose};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = <ink::env::DefaultEnvironment as ink::env::Environment>::Timestamp;
use ink::env::test;
use ink::env::DefaultEnvironment as Env;

fn accounts() -> test::DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}

fn as_caller(who: AccountId) {
    test::set_caller::<Env>(who);
}

fn at(time: Timestamp) {
    test::set_block_timestamp::<Env>(time);
}

/// Alice (patient) permits Bob (practitioner) treatment on general data.
fn with_general_treatment() -> (Consent, u64) {
    let a = accounts();
    as_caller(a.alice);
    at(1_000);
    let mut c = Consent::new();
    let id = c
        .record(
            a.alice,
            a.bob,
            Provision::Permit,
            Vec::from([Purpose::Treatment]),
            Vec::new(),
            1_000,
            Some(10_000),
        )
        .expect("granted");
    (c, id)
}

#[ink::test]
fn a_general_permit_covers_ordinary_classes_for_its_purposes_and_period() {
    let a = accounts();
    let (c, _) = with_general_treatment();
    assert!(c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
    assert!(c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::General));
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Research, DataClass::Labs));
    assert!(!c.is_permitted(a.alice, a.charlie, Purpose::Treatment, DataClass::Labs));
    at(10_000);
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
}

#[ink::test]
fn sensitive_classes_need_a_permit_that_names_them() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    for class in [
        DataClass::MentalHealth,
        DataClass::SubstanceUse,
        DataClass::Genomics,
    ] {
        assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, class));
    }
    c.record(
        a.alice,
        a.bob,
        Provision::Permit,
        Vec::from([Purpose::Treatment]),
        Vec::from([DataClass::SubstanceUse]),
        1_000,
        Some(9_000),
    )
    .expect("named grant");
    assert!(c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::SubstanceUse));
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Genomics));
}

#[ink::test]
fn a_decision_tells_a_deny_from_silence() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    let decide = |c: &Consent, who, class| c.decision(a.alice, who, Purpose::Treatment, class);
    assert_eq!(decide(&c, a.bob, DataClass::Labs), Some(true));
    // Nothing names Charlie: silence, so a caller may fall back to a broader grantee.
    assert_eq!(decide(&c, a.charlie, DataClass::Labs), None);
    // A general permit does not speak about sensitive classes.
    assert_eq!(decide(&c, a.bob, DataClass::MentalHealth), None);
    c.record(
        a.alice,
        a.bob,
        Provision::Deny,
        Vec::from([Purpose::Treatment]),
        Vec::from([DataClass::Labs]),
        1_000,
        None,
    )
    .expect("deny");
    assert_eq!(decide(&c, a.bob, DataClass::Labs), Some(false));
}

#[ink::test]
fn a_deny_overrides_permits_and_a_general_deny_denies_everything() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    c.record(
        a.alice,
        a.bob,
        Provision::Deny,
        Vec::from([Purpose::Treatment]),
        Vec::from([DataClass::Imaging]),
        1_000,
        None,
    )
    .expect("deny");
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Imaging));
    assert!(c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
    c.record(
        a.alice,
        a.bob,
        Provision::Deny,
        Vec::from([Purpose::Treatment]),
        Vec::new(),
        1_000,
        None,
    )
    .expect("general deny");
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
}

#[ink::test]
fn a_future_period_is_pending_until_it_starts() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    let id = c
        .record(
            a.alice,
            a.charlie,
            Provision::Permit,
            Vec::from([Purpose::Payment]),
            Vec::new(),
            5_000,
            None,
        )
        .expect("future grant");
    assert_eq!(c.consent(id).map(|(_, s)| s), Ok(Status::Pending));
    assert!(!c.is_permitted(a.alice, a.charlie, Purpose::Payment, DataClass::General));
    at(5_000);
    assert!(c.is_permitted(a.alice, a.charlie, Purpose::Payment, DataClass::General));
}

#[ink::test]
fn revocation_applies_from_its_block_and_keeps_the_history() {
    let a = accounts();
    let (mut c, id) = with_general_treatment();
    test::advance_block::<Env>();
    c.revoke(id).expect("revoked");
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
    let (record, status) = c.consent(id).expect("still there");
    assert_eq!(status, Status::Revoked);
    let revocation = record.revoked.expect("revocation recorded");
    assert_eq!((revocation.by, revocation.block), (a.alice, 1));
    assert_eq!(record.start, 1_000, "the past grant is unchanged");
    assert_eq!(c.revoke(id), Err(Error::AlreadyRevoked));
    assert_eq!(c.revoke(99), Err(Error::ConsentNotFound));
}

#[ink::test]
fn only_the_patient_or_a_delegate_records_and_revokes() {
    let a = accounts();
    let (mut c, id) = with_general_treatment();
    as_caller(a.eve);
    let grant = |c: &mut Consent| {
        c.record(
            a.alice,
            a.eve,
            Provision::Permit,
            Vec::from([Purpose::Treatment]),
            Vec::new(),
            0,
            None,
        )
    };
    assert_eq!(grant(&mut c), Err(Error::NotPatientOrDelegate));
    assert_eq!(c.revoke(id), Err(Error::NotPatientOrDelegate));
    // Alice makes Django her guardian; Django may act, Eve still may not.
    as_caller(a.alice);
    c.add_delegate(a.django).expect("delegate");
    assert_eq!(c.add_delegate(a.django), Err(Error::DelegateExists));
    assert_eq!(c.add_delegate(a.alice), Err(Error::PatientAsDelegate));
    assert!(c.is_delegate(a.alice, a.django));
    as_caller(a.django);
    c.revoke(id).expect("guardian revokes");
    assert_eq!(
        c.consent(id)
            .ok()
            .and_then(|(r, _)| r.revoked)
            .map(|r| r.by),
        Some(a.django)
    );
    // Removing the delegate ends that power.
    as_caller(a.alice);
    c.remove_delegate(a.django).expect("removed");
    assert_eq!(c.remove_delegate(a.django), Err(Error::DelegateNotFound));
    as_caller(a.django);
    assert_eq!(
        c.record(
            a.alice,
            a.bob,
            Provision::Deny,
            Vec::from([Purpose::Research]),
            Vec::new(),
            0,
            None
        ),
        Err(Error::NotPatientOrDelegate)
    );
}

#[ink::test]
fn malformed_consents_are_refused_with_their_reason() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    let mut rec = |grantee, purposes: Vec<Purpose>, start, end| {
        c.record(
            a.alice,
            grantee,
            Provision::Permit,
            purposes,
            Vec::new(),
            start,
            end,
        )
    };
    let treat = || Vec::from([Purpose::Treatment]);
    assert_eq!(rec(a.bob, Vec::new(), 0, None), Err(Error::NoPurpose));
    assert_eq!(
        rec(a.bob, treat(), 5_000, Some(5_000)),
        Err(Error::EmptyPeriod)
    );
    assert_eq!(rec(a.bob, treat(), 0, Some(500)), Err(Error::AlreadyEnded));
    assert_eq!(rec(a.alice, treat(), 0, None), Err(Error::SelfConsent));
    for _ in 1..MAX_PER_PAIR {
        rec(a.bob, treat(), 0, None).expect("within the bound");
    }
    assert_eq!(rec(a.bob, treat(), 0, None), Err(Error::TooManyConsents));
}

#[ink::test]
fn listings_page_through_active_and_past_consents() {
    let a = accounts();
    let (mut c, first) = with_general_treatment();
    let second = c
        .record(
            a.alice,
            a.charlie,
            Provision::Permit,
            Vec::from([Purpose::Research]),
            Vec::new(),
            1_000,
            Some(2_000),
        )
        .expect("second");
    c.revoke(first).expect("revoke");
    at(3_000);
    assert_eq!(c.consent_count(a.alice), Ok(2));
    let page = c.consents_of(a.alice, 0, 10).expect("page");
    let summary: Vec<(u64, Status)> = page.iter().map(|(id, _, s)| (*id, *s)).collect();
    assert_eq!(
        summary,
        Vec::from([(first, Status::Revoked), (second, Status::Expired)])
    );
    assert_eq!(c.consents_of(a.alice, 1, 1).expect("page").len(), 1);
    assert!(c
        .consents_of(a.alice, 5, 10)
        .expect("past the end")
        .is_empty());
    assert_eq!(
        c.consents_of(a.alice, 0, MAX_PAGE + 1),
        Err(Error::PageTooLarge)
    );
}

#[ink::test]
fn a_treatment_provision_speaks_about_emergency_treatment() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    // A treatment permit covers emergency treatment, a kind of treatment.
    assert!(c.is_permitted(a.alice, a.bob, Purpose::EmergencyTreatment, DataClass::Labs));
    // A treatment deny for Charlie denies him emergency treatment too.
    c.record(
        a.alice,
        a.charlie,
        Provision::Deny,
        Vec::from([Purpose::Treatment]),
        Vec::new(),
        0,
        None,
    )
    .expect("deny");
    assert_eq!(
        c.decision(
            a.alice,
            a.charlie,
            Purpose::EmergencyTreatment,
            DataClass::Labs
        ),
        Some(false)
    );
    // An emergency-only permit does not open ordinary treatment.
    c.record(
        a.alice,
        a.django,
        Provision::Permit,
        Vec::from([Purpose::EmergencyTreatment]),
        Vec::new(),
        0,
        None,
    )
    .expect("etreat permit");
    assert!(!c.is_permitted(a.alice, a.django, Purpose::Treatment, DataClass::Labs));
}

#[ink::test]
fn a_delegate_cannot_grant_itself_and_part_2_permits_expire() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    c.add_delegate(a.django).expect("delegate");
    as_caller(a.django);
    let grant = |c: &mut Consent, grantee, classes: Vec<DataClass>, end| {
        c.record(
            a.alice,
            grantee,
            Provision::Permit,
            Vec::from([Purpose::Research]),
            classes,
            0,
            end,
        )
    };
    assert_eq!(
        grant(&mut c, a.django, Vec::from([DataClass::Genomics]), None),
        Err(Error::DelegateAsGrantee)
    );
    assert_eq!(
        grant(&mut c, a.eve, Vec::from([DataClass::SubstanceUse]), None),
        Err(Error::ExpiryRequired)
    );
    grant(
        &mut c,
        a.eve,
        Vec::from([DataClass::SubstanceUse]),
        Some(50_000),
    )
    .expect("a Part 2 permit with an end");
    // A deny naming Part 2 data needs no end.
    c.record(
        a.alice,
        a.frank,
        Provision::Deny,
        Vec::from([Purpose::Research]),
        Vec::from([DataClass::SubstanceUse]),
        0,
        None,
    )
    .expect("deny");
}

#[ink::test]
fn expired_or_numerous_permits_never_crowd_out_a_deny() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    let record = |c: &mut Consent, provision, end| {
        c.record(
            a.alice,
            a.bob,
            provision,
            Vec::from([Purpose::Treatment]),
            Vec::new(),
            0,
            end,
        )
    };
    for _ in 1..MAX_PER_PAIR {
        record(&mut c, Provision::Permit, Some(2_000)).expect("permit");
    }
    assert_eq!(
        record(&mut c, Provision::Permit, Some(2_000)),
        Err(Error::TooManyConsents)
    );
    // The permits in force do not take the denies' room.
    record(&mut c, Provision::Deny, None).expect("a deny while permits are full");
    // Once the permits expire they leave the evaluation set.
    at(20_000);
    record(&mut c, Provision::Permit, None).expect("room again");
    for _ in 1..MAX_PER_PAIR {
        record(&mut c, Provision::Deny, None).expect("deny");
    }
    assert_eq!(
        record(&mut c, Provision::Deny, None),
        Err(Error::TooManyConsents)
    );
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
}

#[ink::test]
fn a_stranger_reads_no_consent_and_hears_silence() {
    let a = accounts();
    let (c, id) = with_general_treatment();
    as_caller(a.eve);
    assert_eq!(c.consent(id), Err(Error::NotAuthorized));
    assert_eq!(c.consents_of(a.alice, 0, 10), Err(Error::NotAuthorized));
    assert_eq!(c.consent_count(a.alice), Err(Error::NotAuthorized));
    assert_eq!(
        c.decision(a.alice, a.bob, Purpose::Treatment, DataClass::Labs),
        None
    );
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
    // The grantee reads its own consent and asks about itself.
    as_caller(a.bob);
    assert!(c.consent(id).is_ok());
    assert!(c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
    assert_eq!(c.consents_of(a.alice, 0, 10), Err(Error::NotAuthorized));
}

#[ink::test]
fn only_registered_readers_ask_for_others() {
    let a = accounts();
    let (mut c, _) = with_general_treatment();
    // Frank stands for a contract: unregistered, it hears silence.
    as_caller(a.frank);
    assert_eq!(
        c.decision(a.alice, a.bob, Purpose::Treatment, DataClass::Labs),
        None
    );
    assert_eq!(c.add_reader(a.frank), Err(Error::NotAdmin));
    // The deployer (Alice deployed in the fixture) registers it.
    as_caller(a.alice);
    c.add_reader(a.frank).expect("reader");
    assert!(c.is_reader(a.frank));
    as_caller(a.frank);
    assert_eq!(
        c.decision(a.alice, a.bob, Purpose::Treatment, DataClass::Labs),
        Some(true)
    );
    as_caller(a.alice);
    c.remove_reader(a.frank).expect("removed");
    as_caller(a.frank);
    assert!(!c.is_permitted(a.alice, a.bob, Purpose::Treatment, DataClass::Labs));
}

#[ink::test]
fn every_change_emits_an_event() {
    let a = accounts();
    let (mut c, id) = with_general_treatment();
    c.add_delegate(a.django).expect("delegate");
    c.revoke(id).expect("revoke");
    c.remove_delegate(a.django).expect("remove");
    let events = test::recorded_events().collect::<Vec<_>>();
    assert_eq!(events.len(), 4);
    // Recorded and revoked carry the patient and the grantee as topics (after
    // the event's signature topic).
    assert_eq!(events[0].topics.len(), 3);
    assert_eq!(events[2].topics.len(), 3);
}
