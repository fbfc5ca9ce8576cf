//! The contract's unit tests (off-chain, `ink::env::test`).

use crate::ehr_access::*;
use health_types::{DataClass, FlagOutcome, Purpose, MAX_SCORE};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;

const HASH: [u8; 32] = [0xab; 32];
const WHERE: Commitment = [0x11; 32];
const WHY: Commitment = [0x22; 32];

/// Alice administers; Bob is a provider treating Charlie (care relation from
/// 0 to 1 000 000); Frank is the privacy officer; Bob registered Charlie's lab
/// record.
fn setup() -> (EhrAccess, test::DefaultAccounts<Env>, RecordId) {
    let a = test::default_accounts::<Env>();
    test::set_caller::<Env>(a.alice);
    test::set_block_timestamp::<Env>(100);
    let mut ehr = EhrAccess::new(a.django, a.frank);
    ehr.add_provider(a.bob).expect("provider");
    ehr.register_care_relation(a.charlie, a.bob, 0, 1_000_000)
        .expect("care");
    test::set_caller::<Env>(a.bob);
    let id = ehr
        .register_record(a.charlie, DataClass::Labs, HASH, WHERE)
        .expect("record");
    (ehr, a, id)
}

fn events() -> usize {
    test::recorded_events().count()
}

#[ink::test]
fn providers_are_managed_by_the_admin_only_and_every_change_is_an_event() {
    let (mut ehr, a, _) = setup();
    assert_eq!(ehr.add_provider(a.eve), Err(Error::NotAdmin));
    test::set_caller::<Env>(a.alice);
    assert_eq!(ehr.add_provider(a.bob), Err(Error::ProviderExists));
    let before = events();
    ehr.remove_provider(a.bob).expect("removed");
    assert_eq!(events(), before + 1, "removal is an event");
    assert_eq!(ehr.remove_provider(a.bob), Err(Error::ProviderNotFound));
    assert!(!ehr.is_provider(a.bob));
    ehr.add_provider(a.eve).expect("added");
    assert_eq!(events(), before + 2, "addition is an event");
}

#[ink::test]
fn only_the_patient_or_their_custodian_registers_and_the_contract_names_records() {
    let (mut ehr, a, id) = setup();
    assert_eq!(ehr.verify_record(id, HASH), Ok(true));
    assert_eq!(ehr.verify_record(id, [0; 32]), Ok(false));
    assert_eq!(ehr.verify_record([9; 32], HASH), Err(Error::RecordNotFound));
    let reg = |ehr: &mut EhrAccess, hash, location| {
        ehr.register_record(a.charlie, DataClass::Imaging, hash, location)
    };
    assert_eq!(reg(&mut ehr, HASH, WHERE), Err(Error::DuplicateContent));
    assert_eq!(reg(&mut ehr, [2; 32], [0; 32]), Err(Error::EmptyLocation));
    assert_eq!(reg(&mut ehr, [0; 32], WHERE), Err(Error::EmptyHash));
    // Eve is a provider, but does not treat Charlie.
    test::set_caller::<Env>(a.alice);
    ehr.add_provider(a.eve).expect("provider");
    test::set_caller::<Env>(a.eve);
    assert_eq!(reg(&mut ehr, [2; 32], WHERE), Err(Error::NotCustodian));
    // A stranger neither.
    test::set_caller::<Env>(a.django);
    assert_eq!(reg(&mut ehr, [2; 32], WHERE), Err(Error::NotCustodian));
    // Bob's care relation ends: no more records from him.
    test::set_block_timestamp::<Env>(1_000_000);
    test::set_caller::<Env>(a.bob);
    assert_eq!(reg(&mut ehr, [3; 32], WHERE), Err(Error::NotCustodian));
    test::set_caller::<Env>(a.charlie);
    let own = reg(&mut ehr, [2; 32], WHERE).expect("the patient registers");
    assert_ne!(own, id, "ids come from the contract");
    assert_eq!(ehr.record(own).map(|r| r.custodian), Ok(a.charlie));
    // Django registering Charlie's next hash as a record of his own first
    // does not block Charlie's custodian: content is unique per patient.
    test::set_caller::<Env>(a.django);
    ehr.register_record(a.django, DataClass::Labs, [4; 32], WHERE)
        .expect("his own registry");
    test::set_caller::<Env>(a.charlie);
    reg(&mut ehr, [4; 32], WHERE).expect("not squatted");
}

#[ink::test]
fn the_same_content_never_comes_back_under_a_lesser_class() {
    let a = test::default_accounts::<Env>();
    let (mut ehr, _, _) = setup();
    let part2 = ehr
        .register_record(a.charlie, DataClass::SubstanceUse, [5; 32], WHERE)
        .expect("part 2 note");
    assert_eq!(
        ehr.register_record(a.charlie, DataClass::General, [5; 32], WHERE),
        Err(Error::DuplicateContent)
    );
    assert_eq!(
        ehr.amend_record(part2, DataClass::General, [6; 32], WHERE),
        Err(Error::LessProtectedClass)
    );
    let fixed = ehr
        .amend_record(part2, DataClass::SubstanceUse, [6; 32], WHERE)
        .expect("corrected");
    let old = ehr.record(part2).expect("the old entry stays");
    assert_eq!(old.superseded_by, Some(fixed));
    assert_eq!(ehr.record(fixed).map(|r| r.amends), Ok(Some(part2)));
    assert_eq!(
        ehr.amend_record(part2, DataClass::SubstanceUse, [7; 32], WHERE),
        Err(Error::Superseded)
    );
    test::set_caller::<Env>(a.charlie);
    assert_eq!(
        ehr.amend_record(fixed, DataClass::SubstanceUse, [7; 32], WHERE),
        Err(Error::NotRecordCustodian)
    );
}

#[ink::test]
fn a_non_provider_attempt_is_refused_on_record_not_reverted() {
    let (mut ehr, a, id) = setup();
    test::set_caller::<Env>(a.eve);
    let asked = ehr.request_access(id, Purpose::Treatment).expect("audited");
    assert!(!asked.granted);
    let glass = ehr.break_glass(id, WHY).expect("audited");
    assert!(!glass.granted);
    test::set_caller::<Env>(a.charlie);
    for entry in [asked.entry, glass.entry] {
        let audit = ehr.audit_entry(entry).expect("entry");
        assert_eq!(
            (audit.accessor, audit.granted, audit.basis),
            (a.eve, false, Basis::NotProvider)
        );
        assert_eq!(audit.class, DataClass::Labs);
    }
    assert_eq!(ehr.audit_count(a.charlie), Ok(2));
    test::set_caller::<Env>(a.bob);
    assert_eq!(
        ehr.request_access([7; 32], Purpose::Treatment),
        Err(Error::RecordNotFound)
    );
}

#[ink::test]
fn break_glass_is_always_granted_and_escalated_per_accessor() {
    let (mut ehr, a, id) = setup();
    assert_eq!(
        ehr.break_glass(id, [0; 32]),
        Err(Error::JustificationRequired)
    );
    // One provider files many; nothing fills up, each past the threshold is
    // escalated.
    for _ in 0..100 {
        assert!(ehr.break_glass(id, WHY).expect("granted").granted);
    }
    let signature = <BreakGlassEscalated as ink::env::Event>::SIGNATURE_TOPIC
        .expect("a signature topic")
        .to_vec();
    let escalations = test::recorded_events()
        .filter(|e| e.topics.first() == Some(&signature))
        .count();
    assert_eq!(escalations, 100 - ESCALATE_AFTER as usize);
    // The next genuine emergency, by someone else, is granted.
    test::set_caller::<Env>(a.alice);
    ehr.add_provider(a.eve).expect("provider");
    test::set_caller::<Env>(a.eve);
    let other = ehr.break_glass(id, WHY).expect("granted");
    assert!(other.granted);
    test::set_caller::<Env>(a.frank);
    assert_eq!(
        ehr.pending_reviews(a.charlie, 0, MAX_PAGE).map(|p| p.len()),
        Ok(MAX_PAGE as usize)
    );
    assert_eq!(
        ehr.pending_reviews(a.charlie, 100, MAX_PAGE),
        Ok(Vec::from([other.entry]))
    );
}

#[ink::test]
fn nobody_reviews_their_own_access_and_the_officer_reviews_after_the_patient() {
    let (mut ehr, a, id) = setup();
    test::set_block_timestamp::<Env>(5_000);
    let entry = ehr.break_glass(id, WHY).expect("granted").entry;
    let audit = ehr.audit_entry(entry).expect("the accessor reads its own");
    assert_eq!(audit.purpose, Purpose::EmergencyTreatment);
    assert_eq!(audit.basis, Basis::BreakGlass);
    assert_eq!(ehr.review(entry, true), Err(Error::SelfReview));
    test::set_caller::<Env>(a.charlie);
    ehr.review(entry, true).expect("the patient accepts");
    assert_eq!(ehr.review(entry, true), Err(Error::AlreadyReviewed));
    assert_eq!(ehr.review(99, true), Err(Error::EntryNotFound));
    test::set_caller::<Env>(a.frank);
    ehr.review(entry, false).expect("the officer still reports");
    assert!(ehr
        .pending_reviews(a.charlie, 0, 10)
        .expect("page")
        .is_empty());
    let glass = ehr.audit_entry(entry).expect("entry").break_glass;
    assert_eq!(
        glass.map(|g| (g.patient_review, g.review, g.reviewer)),
        Some((Review::Accepted, Review::Reported, Some(a.frank)))
    );
    assert_eq!(ehr.review(entry, true), Err(Error::AlreadyReviewed));

    // The officer, registered as a provider, breaks the glass: he may not
    // review it; the administrator does.
    test::set_caller::<Env>(a.alice);
    ehr.add_provider(a.frank).expect("provider");
    test::set_caller::<Env>(a.frank);
    let own = ehr.break_glass(id, WHY).expect("granted").entry;
    assert_eq!(ehr.review(own, true), Err(Error::SelfReview));
    test::set_caller::<Env>(a.alice);
    ehr.review(own, false).expect("the administrator reviews");
}

#[ink::test]
fn the_accounting_lists_granted_accesses_in_the_window() {
    let (mut ehr, a, id) = setup();
    for time in [1_000, 2_000, 3_000] {
        test::set_block_timestamp::<Env>(time);
        ehr.break_glass(id, WHY).expect("granted");
    }
    test::set_caller::<Env>(a.charlie);
    let page = ehr
        .accounting_of_disclosures(a.charlie, 1_500, 3_000, 0, 10)
        .expect("accounting");
    assert_eq!(
        page.iter().map(|(_, e)| e.at).collect::<Vec<_>>(),
        Vec::from([2_000])
    );
    assert_eq!(ehr.audit_count(a.charlie), Ok(3));
    assert_eq!(
        ehr.accounting_of_disclosures(a.charlie, 0, 10_000, 1, 1)
            .map(|p| p.len()),
        Ok(1)
    );
    assert_eq!(
        ehr.accounting_of_disclosures(a.charlie, 0, 1, 0, MAX_PAGE + 1),
        Err(Error::PageTooLarge)
    );
    test::set_caller::<Env>(a.frank);
    assert!(ehr
        .accounting_of_disclosures(a.charlie, 0, 10_000, 0, 10)
        .is_ok());
}

#[ink::test]
fn care_relations_are_appended_with_their_recording_time() {
    let (mut ehr, a, _) = setup();
    test::set_caller::<Env>(a.bob);
    assert_eq!(
        ehr.register_care_relation(a.charlie, a.bob, 0, 10),
        Err(Error::NotAdmin)
    );
    test::set_caller::<Env>(a.alice);
    assert_eq!(
        ehr.register_care_relation(a.charlie, a.eve, 0, 10),
        Err(Error::ProviderNotFound)
    );
    assert_eq!(
        ehr.register_care_relation(a.charlie, a.bob, 10, 10),
        Err(Error::InvalidPeriod)
    );
    // A backdated relation is recorded with the time it was recorded, beside
    // (not instead of) the first one.
    test::set_block_timestamp::<Env>(7_000);
    assert_eq!(ehr.register_care_relation(a.charlie, a.bob, 5, 10), Ok(()));
    assert_eq!(
        ehr.care_relations(a.charlie, a.bob),
        Ok(Vec::from([
            CareRelation {
                start: 0,
                end: 1_000_000,
                recorded_at: 100
            },
            CareRelation {
                start: 5,
                end: 10,
                recorded_at: 7_000
            }
        ]))
    );
    for _ in 2..MAX_CARE_RELATIONS {
        ehr.register_care_relation(a.charlie, a.bob, 5, 10)
            .expect("within the bound");
    }
    assert_eq!(
        ehr.register_care_relation(a.charlie, a.bob, 5, 10),
        Err(Error::TooManyCareRelations)
    );
}

#[ink::test]
fn only_the_oracle_flags_and_nobody_closes_a_flag_on_their_own_access() {
    let (mut ehr, a, id) = setup();
    let entry = ehr.break_glass(id, WHY).expect("bg").entry;
    let model = [7; 32];
    assert_eq!(ehr.register_model(model), Err(Error::NotOracle));
    test::set_caller::<Env>(a.alice);
    assert_eq!(ehr.set_oracle(Some(a.eve)), Ok(()));
    test::set_caller::<Env>(a.eve);
    assert_eq!(
        ehr.flag_access(entry, 9000, 1, model),
        Err(Error::UnknownModel)
    );
    assert_eq!(ehr.register_model(model), Ok(()));
    assert_eq!(ehr.register_model(model), Err(Error::ModelExists));
    assert_eq!(
        ehr.flag_access(entry, MAX_SCORE + 1, 1, model),
        Err(Error::ScoreOutOfRange)
    );
    assert_eq!(
        ehr.flag_access(99, 9000, 1, model),
        Err(Error::EntryNotFound)
    );
    assert_eq!(ehr.flag_access(entry, 9000, 5, model), Ok(0));
    assert_eq!(
        ehr.flag_access(entry, 9000, 5, model),
        Err(Error::AlreadyFlagged)
    );
    assert_eq!(ehr.open_flags(a.charlie), Ok(Vec::from([0])));
    assert_eq!(ehr.close_flag(0, true), Err(Error::NotPrivacyOfficer));
    test::set_caller::<Env>(a.frank);
    assert_eq!(ehr.close_flag(0, true), Ok(()));
    assert_eq!(ehr.close_flag(0, false), Err(Error::FlagClosed));
    assert_eq!(ehr.open_flags(a.charlie), Ok(Vec::new()));
    let flag = ehr.flag(0).expect("flag");
    assert_eq!(
        (flag.entry, flag.outcome, flag.reasons, flag.accessor),
        (entry, FlagOutcome::Confirmed, 5, a.bob)
    );
    assert_eq!(ehr.flag_count(), 1);

    // The officer's own access, flagged: he cannot dismiss it.
    test::set_caller::<Env>(a.alice);
    ehr.add_provider(a.frank).expect("provider");
    test::set_caller::<Env>(a.frank);
    let own = ehr.break_glass(id, WHY).expect("bg").entry;
    test::set_caller::<Env>(a.eve);
    let flag = ehr.flag_access(own, 9500, 1, model).expect("flagged");
    test::set_caller::<Env>(a.frank);
    assert_eq!(ehr.close_flag(flag, false), Err(Error::SelfReview));
    test::set_caller::<Env>(a.alice);
    ehr.close_flag(flag, true)
        .expect("the administrator closes it");
}
