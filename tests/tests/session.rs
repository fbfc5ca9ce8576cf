//! The in-process test API on the real contracts: a consent that ends in an hour,
//! tested by moving time; snapshots that put back the state root and balances; an
//! account without a key acting; decoded results, errors and events.

use carechain_runtime::{AccountId, Genesis};
use carechain_session::{account, Sequences, Session, SessionError, Step};
use carechain_tests::bundle;

const HOUR: u64 = 3_600_000;

fn with_consent() -> (Session, AccountId) {
    let mut session = Session::new().expect("session");
    let consent = session
        .deploy(bundle("consent"), "new", &[], &[])
        .expect("deploy");
    (session, consent)
}

fn bob_may_read(session: &mut Session, consent: &AccountId) -> bool {
    session.set_actor("//Bob").expect("Bob");
    let answer = session
        .query(
            consent,
            "is_permitted",
            &["//Alice", "//Bob", "Treatment", "General"],
        )
        .expect("is_permitted")
        .value();
    session.set_actor("//Alice").expect("Alice");
    match answer.as_str() {
        "Ok(true)" => true,
        "Ok(false)" => false,
        other => panic!("unexpected answer {other}"),
    }
}

#[test]
fn a_time_locked_consent_is_tested_by_moving_time() {
    let (mut session, consent) = with_consent();
    let end = format!("Some({})", session.time() + HOUR);
    let recorded = session
        .call(
            &consent,
            "record",
            &[
                "//Alice",
                "//Bob",
                "Permit",
                "[Treatment]",
                "[General]",
                "0",
                &end,
            ],
        )
        .expect("record");
    assert_eq!(recorded.value(), "Ok(Ok(0))");
    // The storage, decoded: the record under its id, the counter moved on.
    let cells = session.storage(&consent).expect("storage");
    let field = |name: &str| cells.iter().find(|c| c.field.as_deref() == Some(name));
    let record = field("consents").expect("the record");
    assert_eq!(
        record.key.as_ref().map(ToString::to_string).as_deref(),
        Some("0")
    );
    assert!(record
        .value
        .as_ref()
        .is_some_and(|v| v.to_string().contains("Permit")));
    let next = field("next_id")
        .and_then(|c| c.value.as_ref())
        .map(ToString::to_string);
    assert_eq!(next.as_deref(), Some("1"));
    assert_eq!(recorded.event_names(), ["ConsentRecorded"]);
    assert!(recorded.fee > 0 && recorded.gas_consumed.ref_time > 0);
    assert!(bob_may_read(&mut session, &consent));

    session.advance_time(HOUR - 1);
    assert!(
        bob_may_read(&mut session, &consent),
        "a millisecond before the end"
    );
    session.advance_time(1);
    assert!(!bob_may_read(&mut session, &consent), "ended");
    let head = session.produce_blocks(3).expect("blocks");
    assert_eq!(session.chain().head().number, head);
    assert_eq!(session.chain().head().timestamp, session.time());
    // Block time never goes back.
    assert!(matches!(session.set_time(0), Err(SessionError::Input(_))));
}

#[test]
fn a_snapshot_puts_back_state_root_balances_and_time() {
    let (mut session, consent) = with_consent();
    let root = session.chain().head().state_root;
    let alice = account("//Alice").expect("Alice");
    let balance = session.balance(&alice).expect("balance");
    let time = session.time();
    let id = session.snapshot();

    session.advance_time(HOUR);
    session
        .call(&consent, "add_delegate", &["//Charlie"])
        .expect("add_delegate");
    assert_ne!(session.chain().head().state_root, root);
    assert!(session.balance(&alice).expect("balance") < balance);

    session.revert(id).expect("revert");
    assert_eq!(session.chain().head().state_root, root);
    assert_eq!(session.balance(&alice).expect("balance"), balance);
    assert_eq!(session.time(), time);
    let asked = session
        .query(&consent, "is_delegate", &["//Alice", "//Charlie"])
        .expect("is_delegate");
    assert_eq!(asked.value(), "Ok(false)");
    assert!(matches!(
        session.revert(id),
        Err(SessionError::NoSnapshot(_))
    ));
    // The chain goes on from the snapshot: the same call succeeds again.
    session
        .call(&consent, "add_delegate", &["//Charlie"])
        .expect("again");
}

#[test]
fn an_account_without_a_key_acts_and_errors_are_decoded() {
    let keyless = AccountId([2; 32]);
    let mut genesis = Genesis::dev().expect("genesis");
    genesis.endowed.push((keyless, 1 << 60));
    let mut session = Session::with_genesis(&genesis).expect("session");
    let consent = session
        .deploy(bundle("consent"), "new", &[], &[])
        .expect("deploy");

    session.impersonate(keyless);
    let who = format!("{keyless}");
    session
        .call(&consent, "add_delegate", &["//Dave"])
        .expect("as the keyless account");
    let asked = session
        .query(&consent, "is_delegate", &[&who, "//Dave"])
        .expect("is_delegate");
    assert_eq!(asked.value(), "Ok(true)");
    assert_eq!(session.chain().account(&keyless).expect("account").nonce, 1);

    // A revert names the contract's error; nothing is submitted.
    let nonce = session.chain().account(&keyless).expect("account").nonce;
    match session.call(&consent, "revoke", &["99"]) {
        Err(SessionError::Reverted { error, .. }) => {
            assert!(error.contains("ConsentNotFound"), "{error}");
        }
        other => panic!("expected a revert, got {other:?}"),
    }
    assert_eq!(
        session.chain().account(&keyless).expect("account").nonce,
        nonce
    );
    // A message that does not exist, or a bad argument, says so.
    let err = session.call(&consent, "no_such", &[]).expect_err("unknown");
    assert!(err.to_string().contains("no_such"), "{err}");
}

/// The example of docs/testing.md, on this repository's flipper.
#[test]
fn the_documented_example_passes() -> Result<(), SessionError> {
    let path = carechain_tests::ink_artifact("flipper", "contract");
    let mut session = Session::new()?;
    let flipper = session.deploy_bundle(&path, "new", &["false"])?;
    let flipped = session.call(&flipper, "flip", &[])?;
    assert!(flipped.gas_consumed.ref_time > 0);
    assert_eq!(session.query(&flipper, "get", &[])?.value(), "Ok(true)");
    Ok(())
}

/// The nested call of ehr_access into consent, traced and named.
#[test]
fn a_trace_shows_ehr_access_asking_consent() {
    let mut session = Session::new().expect("session");
    let consent = session
        .deploy(bundle("consent"), "new", &[], &[])
        .expect("consent");
    let ehr = session
        .deploy(
            bundle("ehr_access"),
            "new",
            &[&consent.to_string(), "//Dave"],
            &[],
        )
        .expect("ehr_access");
    session
        .call(&consent, "add_reader", &[&ehr.to_string()])
        .expect("reader");
    session
        .call(&ehr, "add_provider", &["//Bob"])
        .expect("provider");
    session
        .call(
            &ehr,
            "register_care_relation",
            &["//Charlie", "//Bob", "0", "99999999999999"],
        )
        .expect("care relation");
    let content = format!("0x{}", "11".repeat(32));
    let location = format!("0x{}", "22".repeat(32));
    session.set_actor("//Bob").expect("Bob");
    let registered = session
        .call(
            &ehr,
            "register_record",
            &["//Charlie", "Labs", &content, &location],
        )
        .expect("register");
    // MessageResult Ok, Result Ok, then the 32-byte id.
    let id = format!("0x{}", hex::encode(&registered.data[2..34]));
    session.set_actor("//Charlie").expect("Charlie");
    session
        .call(
            &consent,
            "record",
            &[
                "//Charlie",
                "//Bob",
                "Permit",
                "[Treatment]",
                "[Labs]",
                "0",
                "None",
            ],
        )
        .expect("consent");
    session.set_actor("//Bob").expect("Bob");
    let access = session
        .call(&ehr, "request_access", &[&id, "Treatment"])
        .expect("request_access");

    let names = access.trace_names();
    assert_eq!(
        names.first().map(String::as_str),
        Some("ehr_access::request_access")
    );
    assert!(
        names
            .iter()
            .any(|n| n.trim_start() == "consent::decision" && n.starts_with("  ")),
        "{names:?}"
    );
    let asked = access
        .trace
        .iter()
        .find(|f| f.message.as_deref() == Some("decision"))
        .expect("the consent frame");
    assert_eq!(asked.frame.caller, ehr, "ehr_access calls consent");
    assert_eq!(asked.frame.callee, Some(consent));
    assert_eq!(asked.frame.parent, Some(0));
    assert_eq!(
        asked.returned.as_ref().map(ToString::to_string).as_deref(),
        Some("Ok(Some(true))")
    );
    let top = &access.trace[0];
    assert!(top.frame.gas_consumed.ref_time > asked.frame.gas_consumed.ref_time);
    assert!(
        !top.frame.events.is_empty(),
        "the access decision is audited by an event"
    );
    let args = asked
        .args
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        args.contains("Treatment") && args.contains("Labs"),
        "{args}"
    );
}

/// The invariant of a token: the dev accounts' balances add up to the supply.
fn supply_is_held(session: &mut Session, token: &AccountId) -> Result<(), String> {
    let read = |session: &mut Session, message: &str, args: &[&str]| -> Result<u128, String> {
        let answer = session
            .query(token, message, args)
            .map_err(|e| e.to_string())?;
        let text = answer.value();
        text.trim_start_matches("Ok(")
            .trim_end_matches(')')
            .replace('_', "")
            .parse()
            .map_err(|e| format!("{message}: {text}: {e}"))
    };
    let supply = read(session, "total_supply", &[])?;
    let mut held = 0u128;
    for who in ["//Alice", "//Bob", "//Charlie"] {
        held += read(session, "balance_of", &[who])?;
    }
    if held == supply {
        Ok(())
    } else {
        Err(format!("balances add up to {held}, the supply is {supply}"))
    }
}

/// Random sequences of the planted-bug token's messages find its bug, shrunk to the
/// one call that shows it, printed as the commands that replay it.
#[test]
fn a_property_test_of_message_sequences_finds_the_planted_bug() {
    let path = carechain_tests::ink_artifact("planted_bug", "contract");
    let sequences = Sequences::new(&path, "new", &["1000"]).expect("bundle");
    let failure = sequences
        .check(supply_is_held)
        .expect("the sequences run")
        .expect("the planted bug is found");
    assert_eq!(
        failure.steps,
        [Step {
            actor: "//Alice".into(),
            message: "transfer".into(),
            args: vec!["//Alice".into(), "1".into()],
        }],
        "{failure}"
    );
    assert!(failure.reason.contains("the supply is 1000"), "{failure}");
    assert!(
        failure.commands.contains(
            "carechain call \"$CONTRACT\" --message transfer --args //Alice 1 --suri //Alice -x"
        ),
        "{failure}"
    );
    assert!(failure.to_string().contains("replay on a dev node"));

    // Without the buggy message, nothing breaks.
    let burns = Sequences::new(&path, "new", &["1000"])
        .expect("bundle")
        .messages(&["burn"])
        .cases(16);
    assert!(burns.check(supply_is_held).expect("runs").is_none());
}
