//! The healthcare contracts, compiled, on the real VM through signed transactions:
//! the consent and EHR-access scenario end to end, with `ehr_access` asking `consent`
//! across contracts.
//!
//! Every successful call's gas, storage deposit and fee is collected; with
//! `CARECHAIN_GAS_RECORDS=<file>` set, they are appended there as JSON lines, the
//! records `carechain gas-report --records` reads (`scripts/gas-table.sh` makes the
//! gas table of `contracts/README.md` from them, and `scripts/test.sh` checks them
//! against `contracts/gas-snapshot.json`).

use std::collections::BTreeMap;
use std::io::Write;

use carechain_runtime::{
    code_hash, contract_address, AccountId, Call, Chain, Event, Keypair, MemoryStore, Outcome,
    Receipt, Weight,
};
use carechain_tests::{dev, dev_chain_endowing, error_name, ink_artifact, selector, signed, GAS};
use carechain_vm::WasmtimeVm;
use health_types::consent::Provision;
use health_types::dscsa::{Decommission, HistoryEntry, PartnerKind, Status, VerificationContext};
use health_types::ehr::{AuditEntry, Basis};
use health_types::{DataClass, Purpose};
use parity_scale_codec::{Decode, Encode};

/// A chain with the contracts on it, and the gas of every call made.
struct World {
    chain: Chain<MemoryStore>,
    vm: WasmtimeVm,
    nonces: BTreeMap<AccountId, u64>,
    /// `carechain gas-report` records of every successful call.
    gas: Vec<serde_json::Value>,
    time: u64,
}

impl World {
    fn new() -> Self {
        World {
            chain: dev_chain_endowing(&["Grace", "Mallory", "Rita", "Sentinel"]),
            vm: WasmtimeVm::new().expect("vm"),
            nonces: BTreeMap::new(),
            gas: Vec::new(),
            time: 1_000,
        }
    }

    fn submit(&mut self, who: &Keypair, call: Call) -> Receipt {
        self.submit_with_gas(who, GAS, call)
    }

    fn submit_with_gas(&mut self, who: &Keypair, gas: Weight, call: Call) -> Receipt {
        let nonce = self.nonces.entry(who.account_id()).or_insert(0);
        let tx = signed(who, self.chain.genesis_hash(), *nonce, gas, call);
        *nonce += 1;
        self.time += 6_000;
        let mut produced = self
            .chain
            .produce_block(vec![tx], self.time, &self.vm)
            .expect("block");
        assert!(produced.rejected.is_empty(), "{:?}", produced.rejected);
        produced.receipts.remove(0)
    }

    /// Uploads and instantiates `name` from `who` with constructor `new(args)`.
    fn deploy(&mut self, who: &Keypair, name: &str, args: impl Encode) -> AccountId {
        let code = std::fs::read(ink_artifact(name, "wasm")).expect("wasm");
        let hash = code_hash(&code);
        let upload =
            self.submit_with_gas(who, carechain_tests::UPLOAD_GAS, Call::UploadCode { code });
        assert_eq!(upload.outcome, Outcome::Success, "upload {name}");
        let mut data = selector(name, "new").to_vec();
        args.encode_to(&mut data);
        let address = contract_address(&who.account_id(), &hash, &data, &[]);
        let receipt = self.submit(
            who,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data,
                salt: vec![],
            },
        );
        assert_eq!(receipt.outcome, Outcome::Success, "instantiate {name}");
        self.gas.push(gas_record(name, "new", &receipt));
        address
    }

    /// Calls `message` of contract `name` at `at`; returns the receipt. Records its
    /// figures when it succeeds.
    fn call(
        &mut self,
        who: &Keypair,
        name: &str,
        at: AccountId,
        message: &str,
        args: impl Encode,
    ) -> Receipt {
        let mut data = selector(name, message).to_vec();
        args.encode_to(&mut data);
        let receipt = self.submit(
            who,
            Call::Call {
                dest: at,
                value: 0,
                data,
            },
        );
        if receipt.outcome == Outcome::Success {
            self.gas.push(gas_record(name, message, &receipt));
        }
        receipt
    }

    /// Calls and decodes the `Result<T, LangError>` envelope of a message's output.
    fn query<T: Decode>(
        &mut self,
        who: &Keypair,
        name: &str,
        at: AccountId,
        message: &str,
        args: impl Encode,
    ) -> (T, Receipt) {
        let receipt = self.call(who, name, at, message, args);
        let value = decode_output::<T>(&receipt);
        (value, receipt)
    }
}

/// Decodes a message's output: `Ok(T)` of ink!'s `MessageResult`.
fn decode_output<T: Decode>(receipt: &Receipt) -> T {
    let mut bytes = receipt.output.as_slice();
    match <Result<T, u8>>::decode(&mut bytes) {
        Ok(Ok(value)) => value,
        other => panic!("no value in {:?} ({:?})", receipt, other.map(|_| ())),
    }
}

/// The name of the `Error` variant of `contract` in a reverted `Result<_, Error>`
/// output, read from the contract's metadata (no variant index is written here).
fn error(receipt: &Receipt, contract: &str) -> String {
    assert_eq!(receipt.outcome, Outcome::Reverted, "{receipt:?}");
    // MessageResult Ok (0), then Result Err (1), then the error's index.
    match receipt.output.as_slice() {
        [0, 1, index] => error_name(contract, *index),
        other => panic!("not a contract error: {other:?}"),
    }
}

/// The name of an enum value's variant, without its fields.
fn variant(value: &impl std::fmt::Debug) -> String {
    let text = format!("{value:?}");
    text.split('(').next().unwrap_or_default().to_string()
}

/// Events of `receipt` emitted by `contract`.
fn events_of(receipt: &Receipt, contract: AccountId) -> Vec<&Event> {
    receipt
        .events
        .iter()
        .filter(|e| e.emitter == contract)
        .collect()
}

/// `ehr_access::Access`: audit entry, granted.
type Access = (u64, bool);

/// A salted commitment to off-chain text, as a hospital system would make it.
fn commit(salt: &[u8], text: &str) -> [u8; 32] {
    let mut bytes = salt.to_vec();
    bytes.extend_from_slice(text.as_bytes());
    carechain_runtime::sha256(&bytes).0
}

/// A consent provision's arguments: (patient, grantee, provision, purposes, classes,
/// start, end).
type Grant = (
    AccountId,
    AccountId,
    Provision,
    Vec<Purpose>,
    Vec<DataClass>,
    u64,
    Option<u64>,
);

#[test]
fn consent_and_ehr_access_run_end_to_end_across_contracts() {
    let mut w = World::new();
    let (alice, bob, charlie, dave, eve, ferdie) = (
        dev("Alice"),
        dev("Bob"),
        dev("Charlie"),
        dev("Dave"),
        dev("Eve"),
        dev("Ferdie"),
    );
    // Alice operates both contracts; Bob is a physician treating Charlie; Charlie the
    // patient; Dave the privacy officer; Eve becomes Charlie's guardian; Ferdie is
    // nobody.
    let consent = w.deploy(&alice, "consent", ());
    let ehr = w.deploy(&alice, "ehr_access", (consent, dave.account_id()));
    let r = w.call(&alice, "consent", consent, "add_reader", ehr);
    assert_eq!(events_of(&r, consent).len(), 1, "ReaderAdded");
    let ok = w.call(&alice, "ehr_access", ehr, "add_provider", bob.account_id());
    assert_eq!(ok.outcome, Outcome::Success);
    assert_eq!(events_of(&ok, ehr).len(), 1, "ProviderAdded");
    let care = (charlie.account_id(), bob.account_id(), 0u64, u64::MAX);
    let ok = w.call(&alice, "ehr_access", ehr, "register_care_relation", care);
    assert_eq!(ok.outcome, Outcome::Success);

    let lab_hash = carechain_runtime::sha256(b"CBC panel 2026-11-25").0;
    let psych_hash = carechain_runtime::sha256(b"psychiatric evaluation").0;
    let mut ids = Vec::new();
    for (class, hash, location) in [
        (
            DataClass::Labs,
            lab_hash,
            "fhir://example.org/Observation/cbc-1",
        ),
        (
            DataClass::MentalHealth,
            psych_hash,
            "fhir://example.org/DocumentReference/psy-7",
        ),
    ] {
        let args = (charlie.account_id(), class, hash, commit(b"salt", location));
        let (id, r): (Result<[u8; 32], u8>, _) =
            w.query(&bob, "ehr_access", ehr, "register_record", args);
        ids.push(id.unwrap_or_else(|e| panic!("register {location}: {e} {r:?}")));
    }
    let (labs, psych) = (ids[0], ids[1]);
    let (verified, _): (Result<bool, u8>, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "verify_record",
        (labs, lab_hash),
    );
    assert_eq!(verified, Ok(true));
    let (tampered, _): (Result<bool, u8>, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "verify_record",
        (labs, [0u8; 32]),
    );
    assert_eq!(tampered, Ok(false));

    // No consent yet: denied, and the denial is audited and announced.
    let (decision, receipt): (Result<Access, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, Purpose::Treatment),
    );
    assert!(!decision.expect("decided").1);
    assert_eq!(events_of(&receipt, ehr).len(), 1, "AccessDecided");
    let topics = &events_of(&receipt, ehr)[0].topics;
    assert_eq!(topics.len(), 3, "signature, patient, accessor");
    assert_eq!(topics[1].0, charlie.account_id().0);
    assert_eq!(topics[2].0, bob.account_id().0);

    // Charlie grants Bob treatment access to general data.
    let grant: Grant = (
        charlie.account_id(),
        bob.account_id(),
        Provision::Permit,
        vec![Purpose::Treatment],
        Vec::new(),
        0,
        None,
    );
    let (granted, receipt): (Result<u64, u8>, _) =
        w.query(&charlie, "consent", consent, "record", grant);
    let grant_id = granted.expect("granted");
    assert_eq!(events_of(&receipt, consent).len(), 1, "ConsentRecorded");
    // Someone else cannot grant for Charlie.
    let stranger: Grant = (
        charlie.account_id(),
        ferdie.account_id(),
        Provision::Permit,
        vec![Purpose::Treatment],
        Vec::new(),
        0,
        None,
    );
    let refused = w.call(&ferdie, "consent", consent, "record", stranger);
    assert_eq!(error(&refused, "consent"), "NotPatientOrDelegate");

    // Labs: granted across contracts. Mental health: the general grant does not reach it.
    let (decision, _): (Result<Access, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, Purpose::Treatment),
    );
    assert!(decision.expect("decided").1);
    let (decision, _): (Result<Access, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (psych, Purpose::Treatment),
    );
    assert!(!decision.expect("decided").1);
    // Not a provider: refused, and the attempt is on record.
    let (attempt, receipt): (Result<Access, u8>, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "request_access",
        (labs, Purpose::Treatment),
    );
    assert_eq!(
        receipt.outcome,
        Outcome::Success,
        "an attempt is not a revert"
    );
    assert!(!attempt.expect("audited").1);
    assert_eq!(events_of(&receipt, ehr).len(), 1, "AccessDecided");

    // Charlie revokes; from that block on, Bob is denied.
    let r = w.call(&charlie, "consent", consent, "revoke", grant_id);
    assert_eq!(r.outcome, Outcome::Success);
    let (decision, _): (Result<Access, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, Purpose::Treatment),
    );
    assert!(!decision.expect("decided").1);

    // Break-glass: granted, pending until the privacy officer reviews it; only a
    // commitment to the justification is on chain.
    let why = commit(b"s1", "unresponsive patient in the ED, suspected overdose");
    let (access, _): (Result<Access, u8>, _) =
        w.query(&bob, "ehr_access", ehr, "break_glass", (psych, why));
    let (entry, granted) = access.expect("break-glass");
    assert!(granted);
    let page = (charlie.account_id(), 0u32, 50u32);
    let refused = w.call(&ferdie, "ehr_access", ehr, "pending_reviews", page);
    assert_eq!(error(&refused, "ehr_access"), "NotAuthorized");
    let (pending, _): (Result<Vec<u64>, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "pending_reviews", page);
    assert_eq!(pending, Ok(vec![entry]));
    let own = w.call(&bob, "ehr_access", ehr, "review", (entry, true));
    assert_eq!(error(&own, "ehr_access"), "SelfReview");
    let r = w.call(&charlie, "ehr_access", ehr, "review", (entry, true));
    assert_eq!(r.outcome, Outcome::Success);
    let r = w.call(&dave, "ehr_access", ehr, "review", (entry, false));
    assert_eq!(
        r.outcome,
        Outcome::Success,
        "the officer reports after the patient"
    );
    let (pending, _): (Result<Vec<u64>, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "pending_reviews", page);
    assert_eq!(pending, Ok(vec![]));

    // The accounting of disclosures: granted accesses only (the consented lab access
    // and the break-glass), for Charlie; Eve only once she is his delegate.
    let window = (charlie.account_id(), 0u64, u64::MAX, 0u32, 50u32);
    let refused = w.call(&eve, "ehr_access", ehr, "accounting_of_disclosures", window);
    assert_eq!(error(&refused, "ehr_access"), "NotPatientOrDelegate");
    let r = w.call(
        &charlie,
        "consent",
        consent,
        "add_delegate",
        eve.account_id(),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let (accounting, _): (Result<Vec<(u64, AuditEntry)>, u8>, _) =
        w.query(&eve, "ehr_access", ehr, "accounting_of_disclosures", window);
    let accounting = accounting.expect("accounting");
    let purposes: Vec<(Purpose, bool, DataClass)> = accounting
        .iter()
        .map(|(_, e)| (e.purpose, e.break_glass.is_some(), e.class))
        .collect();
    assert_eq!(
        purposes,
        vec![
            (Purpose::Treatment, false, DataClass::Labs),
            (Purpose::EmergencyTreatment, true, DataClass::MentalHealth)
        ]
    );
    assert_eq!(accounting[0].1.basis, Basis::PersonalConsent);
    let refused = w.call(
        &ferdie,
        "ehr_access",
        ehr,
        "audit_count",
        charlie.account_id(),
    );
    assert_eq!(error(&refused, "ehr_access"), "NotAuthorized");
    let (count, _): (Result<u32, u8>, _) =
        w.query(&eve, "ehr_access", ehr, "audit_count", charlie.account_id());
    assert_eq!(
        count,
        Ok(6),
        "two denials, one grant, a refused stranger, one more denial, one break-glass"
    );
    // A stranger reads no audit entry; the delegate does.
    let refused = w.call(&ferdie, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(error(&refused, "ehr_access"), "NotAuthorized");

    // The consent history stays queryable after revocation, by Charlie's side only.
    let refused = w.call(
        &ferdie,
        "consent",
        consent,
        "consents_of",
        (charlie.account_id(), 0u32, 10u32),
    );
    assert_eq!(error(&refused, "consent"), "NotAuthorized");
    let (history, _): (Result<History, u8>, _) = w.query(
        &eve,
        "consent",
        consent,
        "consents_of",
        (charlie.account_id(), 0u32, 10u32),
    );
    let history = history.expect("history");
    assert_eq!(history.len(), 1);
    assert!(history[0].1.revoked.is_some());
    assert_eq!(
        carechain_tests::bundle("consent").variant_name("Status", history[0].2),
        Some("Revoked".into())
    );

    w.write_gas_table();
}

/// The attacks found against the consent and EHR contracts, each refused on the
/// compiled contracts across contracts.
#[test]
fn attacks_on_consent_and_ehr_access_are_refused() {
    let mut w = World::new();
    let (alice, bob, charlie, dave, eve, ferdie) = (
        dev("Alice"),
        dev("Bob"),
        dev("Charlie"),
        dev("Dave"),
        dev("Eve"),
        dev("Ferdie"),
    );
    // Alice administers (and is the organization); Bob treats Charlie; Eve is a nurse
    // who does not; Dave is the privacy officer; Ferdie is Charlie's delegate.
    let consent = w.deploy(&alice, "consent", ());
    let ehr = w.deploy(&alice, "ehr_access", (consent, dave.account_id()));
    let r = w.call(&alice, "consent", consent, "add_reader", ehr);
    assert_eq!(events_of(&r, consent).len(), 1, "ReaderAdded");
    for who in [&bob, &eve] {
        let r = w.call(&alice, "ehr_access", ehr, "add_provider", who.account_id());
        assert_eq!(r.outcome, Outcome::Success);
    }
    let care = (charlie.account_id(), bob.account_id(), 0u64, u64::MAX);
    let r = w.call(&alice, "ehr_access", ehr, "register_care_relation", care);
    assert_eq!(r.outcome, Outcome::Success);
    let r = w.call(
        &charlie,
        "consent",
        consent,
        "add_delegate",
        ferdie.account_id(),
    );
    assert_eq!(r.outcome, Outcome::Success);

    // Only the custodian records: Eve, a provider with no care relation, cannot.
    let note = carechain_runtime::sha256(b"42 CFR Part 2 counselling note").0;
    let where_ = commit(b"salt", "fhir://example.org/DocumentReference/sud-1");
    let args = (charlie.account_id(), DataClass::SubstanceUse, note, where_);
    let refused = w.call(&eve, "ehr_access", ehr, "register_record", args);
    assert_eq!(error(&refused, "ehr_access"), "NotCustodian");
    let (part2, _): (Result<[u8; 32], u8>, _) =
        w.query(&bob, "ehr_access", ehr, "register_record", args);
    let part2 = part2.expect("registered by the custodian");
    // The same content cannot come back as General, by registration or amendment.
    let general = (charlie.account_id(), DataClass::General, note, where_);
    let refused = w.call(&bob, "ehr_access", ehr, "register_record", general);
    assert_eq!(error(&refused, "ehr_access"), "DuplicateContent");
    let other = carechain_runtime::sha256(b"amended note").0;
    let refused = w.call(
        &bob,
        "ehr_access",
        ehr,
        "amend_record",
        (part2, DataClass::General, other, where_),
    );
    assert_eq!(error(&refused, "ehr_access"), "LessProtectedClass");
    // A stranger cannot read the record's class.
    let refused = w.call(&eve, "ehr_access", ehr, "record", part2);
    assert_eq!(error(&refused, "ehr_access"), "NotAuthorized");

    // Consent means what it says: a treatment deny covers emergency treatment.
    let lab_hash = carechain_runtime::sha256(b"lipid panel").0;
    let (labs, _): (Result<[u8; 32], u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "register_record",
        (charlie.account_id(), DataClass::Labs, lab_hash, where_),
    );
    let labs = labs.expect("labs");
    let deny: Grant = (
        charlie.account_id(),
        eve.account_id(),
        Provision::Deny,
        vec![Purpose::Treatment],
        Vec::new(),
        0,
        None,
    );
    let r = w.call(&charlie, "consent", consent, "record", deny);
    assert_eq!(r.outcome, Outcome::Success);
    let (access, _): (Result<Access, u8>, _) = w.query(
        &eve,
        "ehr_access",
        ehr,
        "request_access",
        (labs, Purpose::EmergencyTreatment),
    );
    assert!(!access.expect("decided").1, "ETREAT is a kind of TREAT");
    let (entry, _) = access.expect("decided");
    let (audit, _): (Result<AuditEntry, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(audit.expect("entry").basis, Basis::ConsentDenied);

    // A delegate cannot grant itself, and Part 2 permits need an end.
    let selfish: Grant = (
        charlie.account_id(),
        ferdie.account_id(),
        Provision::Permit,
        vec![Purpose::Research],
        vec![
            DataClass::MentalHealth,
            DataClass::SubstanceUse,
            DataClass::Genomics,
        ],
        0,
        Some(u64::MAX),
    );
    let refused = w.call(&ferdie, "consent", consent, "record", selfish);
    assert_eq!(error(&refused, "consent"), "DelegateAsGrantee");
    let endless: Grant = (
        charlie.account_id(),
        bob.account_id(),
        Provision::Permit,
        vec![Purpose::Treatment],
        vec![DataClass::SubstanceUse],
        0,
        None,
    );
    let refused = w.call(&ferdie, "consent", consent, "record", endless);
    assert_eq!(error(&refused, "consent"), "ExpiryRequired");

    // The administrator, registered as a provider, reading under the organization's
    // consent is marked as such.
    let r = w.call(
        &alice,
        "ehr_access",
        ehr,
        "add_provider",
        alice.account_id(),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let org: Grant = (
        charlie.account_id(),
        alice.account_id(),
        Provision::Permit,
        vec![Purpose::Treatment],
        Vec::new(),
        0,
        None,
    );
    let r = w.call(&charlie, "consent", consent, "record", org);
    assert_eq!(r.outcome, Outcome::Success);
    let (access, receipt): (Result<Access, u8>, _) = w.query(
        &alice,
        "ehr_access",
        ehr,
        "request_access",
        (labs, Purpose::Treatment),
    );
    let (entry, granted) = access.expect("decided");
    assert!(granted);
    let (audit, _): (Result<AuditEntry, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(audit.expect("entry").basis, Basis::OrganizationConsent);
    assert_eq!(events_of(&receipt, ehr).len(), 1);

    // An emergency is never refused: Eve files many break-glass entries, Bob's
    // genuine one is still granted.
    let why = commit(b"s", "mass casualty");
    for _ in 0..70 {
        let (access, _): (Result<Access, u8>, _) =
            w.query(&eve, "ehr_access", ehr, "break_glass", (labs, why));
        assert!(access.expect("granted").1);
    }
    let (access, _): (Result<Access, u8>, _) =
        w.query(&bob, "ehr_access", ehr, "break_glass", (labs, why));
    assert!(access.expect("granted").1);

    // Removed providers leave a refusal on record.
    let r = w.call(
        &alice,
        "ehr_access",
        ehr,
        "remove_provider",
        eve.account_id(),
    );
    assert_eq!(events_of(&r, ehr).len(), 1, "ProviderRemoved");
    let (access, receipt): (Result<Access, u8>, _) =
        w.query(&eve, "ehr_access", ehr, "break_glass", (labs, why));
    assert_eq!(receipt.outcome, Outcome::Success);
    let (entry, granted) = access.expect("audited");
    assert!(!granted);
    let (audit, _): (Result<AuditEntry, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(audit.expect("entry").basis, Basis::NotProvider);

    // A stranger reads no consent.
    // (Consent 0 names Eve as its grantee, so she may read that one; 1 does not.)
    let refused = w.call(&eve, "consent", consent, "consent", 1u64);
    assert_eq!(error(&refused, "consent"), "NotAuthorized");
    let refused = w.call(
        &eve,
        "consent",
        consent,
        "decision",
        (
            charlie.account_id(),
            bob.account_id(),
            Purpose::Treatment,
            DataClass::Labs,
        ),
    );
    assert_eq!(decode_output::<Option<bool>>(&refused), None, "no probing");

    // Nobody reviews their own access: the privacy officer, also a provider, breaks
    // the glass; he cannot review it, the administrator can.
    let r = w.call(&alice, "ehr_access", ehr, "add_provider", dave.account_id());
    assert_eq!(r.outcome, Outcome::Success);
    let (access, _): (Result<Access, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "break_glass", (labs, why));
    let (own_entry, granted) = access.expect("granted");
    assert!(granted);
    let own = w.call(&dave, "ehr_access", ehr, "review", (own_entry, true));
    assert_eq!(error(&own, "ehr_access"), "SelfReview");
    let r = w.call(&alice, "ehr_access", ehr, "review", (own_entry, false));
    assert_eq!(
        r.outcome,
        Outcome::Success,
        "the administrator reviews the officer"
    );
    // ... nor closes the sentinel's flag on it.
    let oracle = dev("Sentinel");
    let r = w.call(
        &alice,
        "ehr_access",
        ehr,
        "set_oracle",
        Some(oracle.account_id()),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let model = [7u8; 32];
    let r = w.call(&oracle, "ehr_access", ehr, "register_model", model);
    assert_eq!(r.outcome, Outcome::Success);
    let (flag, _): (Result<u64, u8>, _) = w.query(
        &oracle,
        "ehr_access",
        ehr,
        "flag_access",
        (own_entry, 900u16, 1u32, model),
    );
    let flag = flag.expect("flagged");
    let own = w.call(&dave, "ehr_access", ehr, "close_flag", (flag, false));
    assert_eq!(error(&own, "ehr_access"), "SelfReview");
    let r = w.call(&alice, "ehr_access", ehr, "close_flag", (flag, true));
    assert_eq!(r.outcome, Outcome::Success);

    // Care relations are history, not a pen: a second registration appends, and each
    // carries the block time it was recorded at.
    let backdated = (eve.account_id(), bob.account_id(), 0u64, 1u64);
    let r = w.call(
        &alice,
        "ehr_access",
        ehr,
        "register_care_relation",
        backdated,
    );
    assert_eq!(r.outcome, Outcome::Success);
    let at_first = w.time;
    let later = (eve.account_id(), bob.account_id(), 0u64, 2u64);
    let r = w.call(&alice, "ehr_access", ehr, "register_care_relation", later);
    assert_eq!(r.outcome, Outcome::Success);
    let (relations, _): (Result<Vec<CareRelation>, u8>, _) = w.query(
        &dave,
        "ehr_access",
        ehr,
        "care_relations",
        (eve.account_id(), bob.account_id()),
    );
    assert_eq!(
        relations,
        Ok(vec![(0, 1, at_first), (0, 2, at_first + 6_000)]),
        "both kept, with their recording times"
    );
    // A stranger may not read them.
    let refused = w.call(
        &dev("Mallory"),
        "ehr_access",
        ehr,
        "care_relations",
        (eve.account_id(), bob.account_id()),
    );
    assert_eq!(error(&refused, "ehr_access"), "NotAuthorized");

    // Expired provisions do not crowd out new ones: 32 short permits expire, then
    // both a permit and a deny can still be recorded.
    // (A fresh pair: Charlie and Mallory. Each record is a block, 6 s apart; the 32
    // expire just after the last of them.)
    let mallory = dev("Mallory");
    let soon = w.time + 32 * 6_000 + 1;
    for _ in 0..32 {
        let short: Grant = (
            charlie.account_id(),
            mallory.account_id(),
            Provision::Permit,
            vec![Purpose::Treatment],
            vec![DataClass::Labs],
            0,
            Some(soon),
        );
        let r = w.call(&charlie, "consent", consent, "record", short);
        assert_eq!(r.outcome, Outcome::Success);
    }
    for provision in [Provision::Permit, Provision::Deny] {
        let again: Grant = (
            charlie.account_id(),
            mallory.account_id(),
            provision,
            vec![Purpose::Treatment],
            vec![DataClass::Labs],
            0,
            None,
        );
        let r = w.call(&charlie, "consent", consent, "record", again);
        assert_eq!(r.outcome, Outcome::Success, "provision {provision:?}");
    }

    // An access call that runs out of gas, wherever it does (before, in or after the
    // nested call to Consent), lets nothing through and leaves nothing: no event, no
    // entry (a grant exists only as an AccessDecided in a block).
    let mut data = selector("ehr_access", "request_access").to_vec();
    (labs, Purpose::Treatment).encode_to(&mut data);
    let access = Call::Call {
        dest: ehr,
        value: 0,
        data,
    };
    let full = w.submit(&bob, access.clone());
    assert_eq!(full.outcome, Outcome::Success);
    let needed = full.gas_used;
    for percent in [20u64, 50, 80, 95, 99] {
        let count = |w: &mut World| -> Result<u32, u8> {
            let args = charlie.account_id();
            w.query(&charlie, "ehr_access", ehr, "audit_count", args).0
        };
        let before = count(&mut w);
        let limit = Weight::new(needed.ref_time * percent / 100, needed.proof_size);
        let starved = w.submit_with_gas(&bob, limit, access.clone());
        assert_ne!(starved.outcome, Outcome::Success, "{percent}% of the gas");
        assert!(starved.events.is_empty(), "{percent}%: {starved:?}");
        assert_eq!(before, count(&mut w), "{percent}%: no audit entry");
    }
}

/// `dscsa::Target`.
#[derive(Encode)]
enum Target {
    Package(String, String),
    Container(String),
}

/// A package standing alone, as a shipment's target.
fn package(gtin: &str, serial: &str) -> Target {
    Target::Package(gtin.into(), serial.into())
}

/// `dscsa::Verification`: verified, and the status index only when verified.
type Verification = (bool, Option<Status>);

/// Bob's GS1 company prefix, and a GTIN and an SSCC under it.
const PREFIX: &str = "0300012";
const GTIN: &str = "00300012345671";
const SSCC: &str = "003000120000000013";
/// A second SSCC under Bob's prefix.
const SSCC_2: &str = "003000120000000020";
/// Rita the repackager's prefix and a GTIN under it.
const RITA_PREFIX: &str = "0300099";
const RITA_GTIN: &str = "00300099000012";
const EXPIRY: u64 = 10_000_000_000;
/// A transaction-information hash (the TI itself stays off chain).
const TI: [u8; 32] = [1; 32];

fn ok(receipt: &Receipt) {
    assert_eq!(receipt.outcome, Outcome::Success, "{receipt:?}");
}

impl World {
    /// Deploys `dscsa` from `operator` and registers each (partner, kind, GLN).
    fn dscsa(
        &mut self,
        operator: &Keypair,
        partners: &[(&Keypair, PartnerKind, &str)],
    ) -> AccountId {
        let d = self.deploy(operator, "dscsa", ());
        for (who, kind, gln) in partners {
            let args = (who.account_id(), *kind, gln.to_string(), "NJ-WDP-1");
            let r = self.call(operator, "dscsa", d, "add_partner", args);
            ok(&r);
            assert_eq!(events_of(&r, d).len(), 1, "PartnerAdded");
        }
        d
    }

    /// `who` ships `target` to `to`, uncarried, with [`TI`] and the statement.
    fn ship(&mut self, who: &Keypair, d: AccountId, target: Target, to: &Keypair) -> Receipt {
        let args = (target, to.account_id(), None::<AccountId>, TI, true);
        self.call(who, "dscsa", d, "ship", args)
    }

    /// `from` ships a package to `to`, who receives it.
    fn hand_over(&mut self, d: AccountId, gtin: &str, serial: &str, from: &Keypair, to: &Keypair) {
        ok(&self.ship(from, d, package(gtin, serial), to));
        ok(&self.call(to, "dscsa", d, "receive", package(gtin, serial)));
    }

    /// `who` asks `verify` (a free query) about `serial` of [`GTIN`], `LOT1`.
    fn verify(&mut self, who: &Keypair, d: AccountId, serial: &str, lot: &str) -> Verification {
        let (v, _) = self.query(who, "dscsa", d, "verify", (GTIN, serial, lot, EXPIRY));
        v
    }

    /// The action names of a package's history, read by `who`.
    fn actions(&mut self, who: &Keypair, d: AccountId, gtin: &str, serial: &str) -> Vec<String> {
        let (history, _): (Result<Vec<HistoryEntry>, u8>, _) =
            self.query(who, "dscsa", d, "history", (gtin, serial, 0u32, 50u32));
        history
            .expect("history")
            .iter()
            .map(|h| variant(&h.action))
            .collect()
    }
}

#[test]
fn dscsa_packages_move_from_manufacturer_to_patient_and_stop_where_the_law_says() {
    let mut w = World::new();
    let (alice, bob, charlie, dave, eve, ferdie) = (
        dev("Alice"),
        dev("Bob"),
        dev("Charlie"),
        dev("Dave"),
        dev("Eve"),
        dev("Ferdie"),
    );
    // Alice operates; Bob manufactures under his company prefix; Charlie distributes;
    // Dave dispenses; Eve is a 3PL; Ferdie is not a trading partner.
    let d = w.dscsa(
        &alice,
        &[
            (&bob, PartnerKind::Manufacturer, "0300012000006"),
            (&charlie, PartnerKind::WholesaleDistributor, "0614141000005"),
            (&dave, PartnerKind::Dispenser, "0614141000012"),
            (&eve, PartnerKind::ThirdPartyLogistics, "0614141000029"),
        ],
    );
    let r = w.call(&alice, "dscsa", d, "add_prefix", (bob.account_id(), PREFIX));
    ok(&r);
    assert_eq!(events_of(&r, d).len(), 1, "PrefixAssigned");
    let item = |serial: &str| (GTIN.to_string(), serial.to_string());
    let commission = |w: &mut World, serial: &str, lot: &str| {
        w.call(&bob, "dscsa", d, "commission", (GTIN, serial, lot, EXPIRY))
    };
    for serial in ["SN1", "SN2", "SN3"] {
        ok(&commission(&mut w, serial, "LOT1"));
    }
    ok(&commission(&mut w, "SN9", "LOT2"));
    assert_eq!(
        error(&commission(&mut w, "SN1", "LOT1"), "dscsa"),
        "DuplicateSerial"
    );

    // Aggregate two packages into a case; a packed package cannot ship alone.
    let r = w.call(
        &bob,
        "dscsa",
        d,
        "pack",
        (SSCC, vec![item("SN1"), item("SN2")]),
    );
    ok(&r);
    let alone = w.ship(&bob, d, package(GTIN, "SN1"), &charlie);
    assert_eq!(error(&alone, "dscsa"), "InContainer");
    // Only the owner ships.
    let theft = w.ship(&charlie, d, Target::Container(SSCC.into()), &dave);
    assert_eq!(error(&theft, "dscsa"), "NotOwner");

    // Bob ships the case to Charlie, carried by Eve; in transit until received.
    let args = (
        Target::Container(SSCC.into()),
        charlie.account_id(),
        Some(eve.account_id()),
        TI,
        true,
    );
    ok(&w.call(&bob, "dscsa", d, "ship", args));
    assert_eq!(
        w.verify(&ferdie, d, "SN2", "LOT1"),
        (true, Some(Status::InTransit))
    );
    ok(&w.call(
        &charlie,
        "dscsa",
        d,
        "receive",
        Target::Container(SSCC.into()),
    ));
    ok(&w.call(&charlie, "dscsa", d, "unpack", SSCC));

    // Charlie sells SN1 to Dave, who dispenses it: final.
    w.hand_over(d, GTIN, "SN1", &charlie, &dave);
    ok(&w.call(&dave, "dscsa", d, "dispense", item("SN1")));
    assert_eq!(
        w.verify(&ferdie, d, "SN1", "LOT1"),
        (true, Some(Status::Dispensed))
    );
    // A wrong lot and an unknown serial look the same: nothing is disclosed.
    assert_eq!(w.verify(&ferdie, d, "SN1", "LOT9"), (false, None));
    assert_eq!(w.verify(&ferdie, d, "SN404", "LOT1"), (false, None));

    // Suspect product: quarantined, it cannot move; cleared, it can.
    let r = w.call(
        &charlie,
        "dscsa",
        d,
        "quarantine",
        (GTIN, "SN2", "damaged seal"),
    );
    ok(&r);
    assert_eq!(
        w.verify(&ferdie, d, "SN2", "LOT1").1,
        Some(Status::Quarantined)
    );
    let held = w.ship(&charlie, d, package(GTIN, "SN2"), &dave);
    assert_eq!(error(&held, "dscsa"), "Quarantined");
    ok(&w.call(&charlie, "dscsa", d, "clear", item("SN2")));
    // Illegitimate: Bob quarantines SN9 and declares it, with the Form 3911 event.
    let why = (GTIN, "SN9", "counterfeit suspected");
    ok(&w.call(&bob, "dscsa", d, "quarantine", why));
    let why = (GTIN, "SN9", "counterfeit confirmed by lab");
    let r = w.call(&bob, "dscsa", d, "declare_illegitimate", why);
    ok(&r);
    assert_eq!(
        events_of(&r, d).len(),
        2,
        "history event and the illegitimate-product notice"
    );

    // Recall of LOT1 by its brand owner: SN3 (still Bob's) and SN2 stop.
    ok(&w.call(&bob, "dscsa", d, "recall", (GTIN, "LOT1")));
    let stopped = w.ship(&bob, d, package(GTIN, "SN3"), &charlie);
    assert_eq!(error(&stopped, "dscsa"), "Recalled");
    assert_eq!(
        w.verify(&ferdie, d, "SN2", "LOT1").1,
        Some(Status::Recalled)
    );
    assert_eq!(
        w.verify(&ferdie, d, "SN9", "LOT2").1,
        Some(Status::Illegitimate)
    );

    // SN1's whole life, read by its owner; Ferdie, with no DSCSA reason, reads nothing.
    assert_eq!(
        w.actions(&dave, d, GTIN, "SN1"),
        vec![
            "Commissioned",
            "Packed",
            "Shipped",
            "Received",
            "Unpacked",
            "Shipped",
            "Received",
            "Dispensed"
        ]
    );
    let refused = w.call(&ferdie, "dscsa", d, "history", (GTIN, "SN1", 0u32, 50u32));
    assert_eq!(error(&refused, "dscsa"), "NotAuthorized");

    w.write_gas_table();
}

/// Each way around the DSCSA rules an attacker tried, refused with its named error.
#[test]
fn attacks_on_dscsa_are_refused() {
    let mut w = World::new();
    let (alice, bob, rita, charlie, dave, grace, mallory) = (
        dev("Alice"),
        dev("Bob"),
        dev("Rita"),
        dev("Charlie"),
        dev("Dave"),
        dev("Grace"),
        dev("Mallory"),
    );
    // Alice operates; Bob manufactures; Rita repackages; Charlie distributes; Dave and
    // Grace dispense (competitors); Mallory is no trading partner.
    let d = w.dscsa(
        &alice,
        &[
            (&bob, PartnerKind::Manufacturer, "0300012000006"),
            (&rita, PartnerKind::Repackager, "0300099000005"),
            (&charlie, PartnerKind::WholesaleDistributor, "0614141000005"),
            (&dave, PartnerKind::Dispenser, "0614141000012"),
            (&grace, PartnerKind::Dispenser, "0614141000036"),
        ],
    );

    // Product identity belongs to its brand owner: prefixes are the operator's to
    // assign, one owner each, none inside another.
    let r = w.call(&bob, "dscsa", d, "add_prefix", (bob.account_id(), PREFIX));
    assert_eq!(error(&r, "dscsa"), "NotOperator");
    ok(&w.call(&alice, "dscsa", d, "add_prefix", (bob.account_id(), PREFIX)));
    for overlapping in ["030001", "03000123"] {
        let r = w.call(
            &alice,
            "dscsa",
            d,
            "add_prefix",
            (rita.account_id(), overlapping),
        );
        assert_eq!(error(&r, "dscsa"), "PrefixInUse", "{overlapping}");
    }
    ok(&w.call(
        &alice,
        "dscsa",
        d,
        "add_prefix",
        (rita.account_id(), RITA_PREFIX),
    ));
    let (owner, _): (Option<AccountId>, _) = w.query(&mallory, "dscsa", d, "brand_owner", GTIN);
    assert_eq!(owner, Some(bob.account_id()));
    // A repackager commissions nothing of its own accord (only from a source).
    for gtin in [GTIN, RITA_GTIN] {
        let args = (gtin, "FAKE1", "LOT1", EXPIRY);
        let squat = w.call(&rita, "dscsa", d, "commission", args);
        assert_eq!(error(&squat, "dscsa"), "WrongPartnerKind");
    }
    for serial in ["S1", "S2", "S3", "S4", "S5", "S6"] {
        ok(&w.call(
            &bob,
            "dscsa",
            d,
            "commission",
            (GTIN, serial, "LOT1", EXPIRY),
        ));
    }
    let recall = w.call(&rita, "dscsa", d, "recall", (GTIN, "LOT1"));
    assert_eq!(error(&recall, "dscsa"), "NotBrandOwner");
    // A repackager commissions under its own prefix, linked to the source.
    w.hand_over(d, GTIN, "S1", &bob, &rita);
    let foreign = (GTIN, "S1", "00300012999997", "R1", "LOT1", EXPIRY);
    let r = w.call(&rita, "dscsa", d, "repackage", foreign);
    assert_eq!(error(&r, "dscsa"), "NotBrandOwner");
    let longer = (GTIN, "S1", RITA_GTIN, "R1", "LOT1", EXPIRY + 1);
    let r = w.call(&rita, "dscsa", d, "repackage", longer);
    assert_eq!(error(&r, "dscsa"), "ExpiryAfterSource");
    let own = (GTIN, "S1", RITA_GTIN, "R1", "LOT1", EXPIRY);
    ok(&w.call(&rita, "dscsa", d, "repackage", own));
    assert_eq!(
        w.verify(&mallory, d, "S1", "LOT1"),
        (true, Some(Status::Decommissioned))
    );
    assert_eq!(
        w.actions(&rita, d, GTIN, "S1").last().map(String::as_str),
        Some("Repackaged")
    );
    assert_eq!(
        w.actions(&rita, d, RITA_GTIN, "R1"),
        vec!["CommissionedFrom"]
    );
    // SSCCs too: nobody packs into another company's SSCC, nor reuses one.
    ok(&w.call(
        &alice,
        "dscsa",
        d,
        "add_prefix",
        (charlie.account_id(), "0614141"),
    ));
    let foreign = (SSCC_2, vec![(GTIN, "S2")]);
    let r = w.call(&charlie, "dscsa", d, "pack", foreign);
    assert_eq!(error(&r, "dscsa"), "NotBrandOwner");
    ok(&w.call(&bob, "dscsa", d, "pack", (SSCC, vec![(GTIN, "S3")])));
    ok(&w.call(&bob, "dscsa", d, "unpack", SSCC));
    let reuse = w.call(&bob, "dscsa", d, "pack", (SSCC, vec![(GTIN, "S3")]));
    assert_eq!(error(&reuse, "dscsa"), "SsccRetired");

    // Verification answers only what the VRS would, to whom it should: package
    // details go to parties with a DSCSA reason; `verify` confirms and no more.
    for (who, message) in [(&mallory, "package"), (&grace, "package")] {
        let r = w.call(who, "dscsa", d, message, (GTIN, "S2"));
        assert_eq!(error(&r, "dscsa"), "NotAuthorized");
    }
    let r = w.call(&mallory, "dscsa", d, "package", (GTIN, "NEVER"));
    assert_eq!(
        error(&r, "dscsa"),
        "NotAuthorized",
        "existence is not disclosed either"
    );
    let r = w.call(&grace, "dscsa", d, "history", (GTIN, "S2", 0u32, 10u32));
    assert_eq!(error(&r, "dscsa"), "NotAuthorized");
    ok(&w.call(&bob, "dscsa", d, "package", (GTIN, "S2")));
    let r = w.call(&mallory, "dscsa", d, "verify", (GTIN, "S2", "LOT1", EXPIRY));
    assert_eq!(
        r.output,
        Ok::<Verification, ()>((true, Some(Status::Active))).encode(),
        "verified, active, no more"
    );
    let r = w.call(&mallory, "dscsa", d, "verify", (GTIN, "S2", "LOT9", EXPIRY));
    assert_eq!(
        r.output,
        vec![0, 0, 0],
        "a wrong lot: not verified, no status"
    );

    // Verification requests cannot frame a holder: each names the presenter and the
    // context and says whether the requester is connected; they are rate-limited.
    let args = (
        GTIN,
        "S2",
        "LOT1",
        EXPIRY,
        mallory.account_id(),
        VerificationContext::Suspect,
    );
    let r = w.call(&mallory, "dscsa", d, "request_verification", args);
    assert_eq!(error(&r, "dscsa"), "UnknownPartner");
    let (answer, r): (Result<Verification, u8>, _) =
        w.query(&grace, "dscsa", d, "request_verification", args);
    assert_eq!(answer, Ok((true, Some(Status::Active))));
    let event = &events_of(&r, d)[0].data;
    let mut tail = mallory.account_id().encode();
    (VerificationContext::Suspect, false).encode_to(&mut tail);
    assert!(event.ends_with(&tail), "presenter, context, not connected");
    ok(&w.call(&grace, "dscsa", d, "package", (GTIN, "S2")));
    for _ in 1..20 {
        ok(&w.call(&grace, "dscsa", d, "request_verification", args));
    }
    let flood = w.call(&grace, "dscsa", d, "request_verification", args);
    assert_eq!(error(&flood, "dscsa"), "RateLimited");
    let own = (
        GTIN,
        "S2",
        "LOT1",
        EXPIRY,
        bob.account_id(),
        VerificationContext::Dispensing,
    );
    let r = w.call(&bob, "dscsa", d, "request_verification", own);
    assert_eq!(
        events_of(&r, d)[0].data.last(),
        Some(&1),
        "the owner is connected"
    );

    // Saleable returns are verified before resale, by the party reselling them.
    w.hand_over(d, GTIN, "S2", &bob, &charlie);
    w.hand_over(d, GTIN, "S2", &charlie, &dave);
    ok(&w.ship(&dave, d, package(GTIN, "S2"), &charlie));
    let r = w.call(&charlie, "dscsa", d, "receive", package(GTIN, "S2"));
    assert_eq!(
        w.actions(&charlie, d, GTIN, "S2")
            .last()
            .map(String::as_str),
        Some("ReturnReceived"),
        "{r:?}"
    );
    assert_eq!(
        w.verify(&mallory, d, "S2", "LOT1").1,
        Some(Status::Returned)
    );
    let resale = w.ship(&charlie, d, package(GTIN, "S2"), &grace);
    assert_eq!(error(&resale, "dscsa"), "ReturnNotVerified");
    let check = (
        GTIN,
        "S2",
        "LOT1",
        EXPIRY,
        dave.account_id(),
        VerificationContext::SaleableReturn,
    );
    let (answer, _): (Result<Verification, u8>, _) =
        w.query(&charlie, "dscsa", d, "request_verification", check);
    assert_eq!(answer, Ok((true, Some(Status::Active))));
    assert_eq!(
        w.actions(&charlie, d, GTIN, "S2")
            .last()
            .map(String::as_str),
        Some("ReturnVerified")
    );
    ok(&w.ship(&charlie, d, package(GTIN, "S2"), &grace));

    // Shipments cannot be stranded: a shipment to a partner suspended in transit is
    // voided by its shipper (nobody else); nobody ships to itself or without TI.
    let r = w.ship(&bob, d, package(GTIN, "S4"), &bob);
    assert_eq!(error(&r, "dscsa"), "SelfShipment");
    let args = (
        package(GTIN, "S4"),
        dave.account_id(),
        None::<AccountId>,
        [0u8; 32],
        true,
    );
    let r = w.call(&bob, "dscsa", d, "ship", args);
    assert_eq!(error(&r, "dscsa"), "MissingTransactionInformation");
    ok(&w.ship(&bob, d, package(GTIN, "S4"), &dave));
    let r = w.call(
        &alice,
        "dscsa",
        d,
        "set_partner_active",
        (dave.account_id(), false),
    );
    assert_eq!(events_of(&r, d).len(), 1, "PartnerStatusChanged");
    let r = w.call(&dave, "dscsa", d, "receive", package(GTIN, "S4"));
    assert_eq!(error(&r, "dscsa"), "PartnerSuspended");
    let r = w.call(&grace, "dscsa", d, "void_shipment", package(GTIN, "S4"));
    assert_eq!(error(&r, "dscsa"), "NotOwner");
    ok(&w.call(&bob, "dscsa", d, "void_shipment", package(GTIN, "S4")));
    assert_eq!(w.verify(&mallory, d, "S4", "LOT1").1, Some(Status::Active));
    assert_eq!(
        w.actions(&bob, d, GTIN, "S4").last().map(String::as_str),
        Some("ShipmentVoided")
    );
    ok(&w.call(
        &alice,
        "dscsa",
        d,
        "set_partner_active",
        (dave.account_id(), true),
    ));

    // A flagged owner cannot dismiss its own flag, and nobody closes one before a
    // quarantine.
    let sentinel = dev("Sentinel");
    ok(&w.call(
        &alice,
        "dscsa",
        d,
        "set_oracle",
        Some(sentinel.account_id()),
    ));
    let model = [5u8; 32];
    ok(&w.call(&sentinel, "dscsa", d, "register_model", model));
    let args = (GTIN, "S4", 7_000u16, 1u32, model);
    let (flag, _): (Result<u64, u8>, _) = w.query(&sentinel, "dscsa", d, "flag_serial", args);
    let flag = flag.expect("flagged");
    let r = w.call(&bob, "dscsa", d, "close_serial_flag", (flag, false));
    assert_eq!(error(&r, "dscsa"), "SelfReview");
    let r = w.call(&alice, "dscsa", d, "close_serial_flag", (flag, false));
    assert_eq!(error(&r, "dscsa"), "NotQuarantined");
    ok(&w.call(
        &bob,
        "dscsa",
        d,
        "quarantine",
        (GTIN, "S4", "sentinel flag"),
    ));
    let r = w.call(&alice, "dscsa", d, "close_serial_flag", (flag, false));
    assert_eq!(events_of(&r, d).len(), 1, "SerialFlagReviewed");

    // CBV dispositions: partially dispensed (never shipped again), damaged (only
    // decommissioned); container_closed is `pack`, returned is above.
    w.hand_over(d, GTIN, "S5", &bob, &dave);
    ok(&w.call(&dave, "dscsa", d, "dispense_partial", (GTIN, "S5")));
    assert_eq!(
        w.verify(&mallory, d, "S5", "LOT1").1,
        Some(Status::PartiallyDispensed)
    );
    let r = w.ship(&dave, d, package(GTIN, "S5"), &grace);
    assert_eq!(error(&r, "dscsa"), "PartiallyDispensed");
    ok(&w.call(&dave, "dscsa", d, "dispense", (GTIN, "S5")));
    ok(&w.call(&bob, "dscsa", d, "report_damaged", (GTIN, "S6")));
    assert_eq!(w.verify(&mallory, d, "S6", "LOT1").1, Some(Status::Damaged));
    let r = w.ship(&bob, d, package(GTIN, "S6"), &charlie);
    assert_eq!(error(&r, "dscsa"), "Damaged");
    // `Repackaged` is repackage's alone to record.
    let r = w.call(
        &bob,
        "dscsa",
        d,
        "decommission",
        (GTIN, "S6", Decommission::Repackaged),
    );
    assert_eq!(error(&r, "dscsa"), "ReservedReason");

    // Expired product does not move: not commissioned, shipped or received; a
    // shipment that expired on the way is voided back to its owner.
    let past = w.time;
    let r = w.call(&bob, "dscsa", d, "commission", (GTIN, "OLD", "LOT3", past));
    assert_eq!(error(&r, "dscsa"), "Expired");
    let soon = w.time + 30_000;
    ok(&w.call(&bob, "dscsa", d, "commission", (GTIN, "E1", "LOT3", soon)));
    ok(&w.call(&bob, "dscsa", d, "commission", (GTIN, "E2", "LOT3", soon)));
    ok(&w.ship(&bob, d, package(GTIN, "E2"), &charlie));
    ok(&w.call(&bob, "dscsa", d, "verify", (GTIN, "E1", "LOT3", soon)));
    let r = w.call(&charlie, "dscsa", d, "receive", package(GTIN, "E2"));
    assert_eq!(error(&r, "dscsa"), "Expired");
    let r = w.ship(&bob, d, package(GTIN, "E1"), &charlie);
    assert_eq!(error(&r, "dscsa"), "Expired");
    let (v, _): (Verification, _) =
        w.query(&mallory, "dscsa", d, "verify", (GTIN, "E1", "LOT3", soon));
    assert_eq!(v, (true, Some(Status::Expired)));
    ok(&w.call(&bob, "dscsa", d, "void_shipment", package(GTIN, "E2")));
    ok(&w.call(
        &bob,
        "dscsa",
        d,
        "decommission",
        (GTIN, "E1", Decommission::Expired),
    ));
    assert_eq!(
        w.actions(&bob, d, GTIN, "E1").last().map(String::as_str),
        Some("Decommissioned")
    );

    w.write_gas_table();
}

/// `ehr_access::CareRelation`: start, end, recorded at.
type CareRelation = (u64, u64, u64);

/// `consents_of`'s page: id, record, `consent::Status` index.
type History = Vec<(u64, ConsentRecord, u8)>;

/// `consent::ConsentRecord`, mirrored for decoding.
#[derive(Debug, Decode)]
#[allow(dead_code)]
struct ConsentRecord {
    patient: [u8; 32],
    grantee: [u8; 32],
    provision: Provision,
    purposes: u8,
    classes: u8,
    start: u64,
    end: Option<u64>,
    recorded_by: [u8; 32],
    recorded_at: u32,
    revoked: Option<([u8; 32], u32, u64)>,
}

impl World {
    /// Appends this run's records to `$CARECHAIN_GAS_RECORDS`, if set (tests run in
    /// parallel threads, so under a lock; `gas-report` sorts, so order is free).
    fn write_gas_table(&self) {
        let Ok(path) = std::env::var("CARECHAIN_GAS_RECORDS") else {
            return;
        };
        let lock = GAS_RECORDS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        for record in &self.gas {
            writeln!(file, "{record}").unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        drop(lock);
    }
}

static GAS_RECORDS_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A receipt as a `carechain gas-report` record: gas used, the signed storage
/// deposit (negative: a refund) and the fee paid.
fn gas_record(contract: &str, message: &str, receipt: &Receipt) -> serde_json::Value {
    serde_json::json!({
        "contract": contract,
        "message": message,
        "ref_time": receipt.gas_used.ref_time,
        "proof_size": receipt.gas_used.proof_size,
        "deposit": receipt.storage_deposit.signed(),
        "fee": receipt.fee,
    })
}
