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
use carechain_tests::{dev, dev_chain_endowing, ink_artifact, selector, signed, GAS};
use carechain_vm::WasmtimeVm;
use parity_scale_codec::{Decode, Encode};

/// `health_types::Purpose` variant indices (SCALE encodes a fieldless enum as its index).
mod purpose {
    pub(crate) const TREATMENT: u8 = 0;
    pub(crate) const EMERGENCY_TREATMENT: u8 = 1;
}

/// `health_types::DataClass` variant indices.
mod class {
    pub(crate) const LABS: u8 = 2;
    pub(crate) const MENTAL_HEALTH: u8 = 4;
}

/// `consent::Provision`.
const PERMIT: u8 = 0;

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
        let mut data = selector(name, "constructors", "new").to_vec();
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
        let mut data = selector(name, "messages", message).to_vec();
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

/// The index of a contract `Error` variant in a reverted `Result<_, Error>` output.
fn error_index(receipt: &Receipt) -> u8 {
    assert_eq!(receipt.outcome, Outcome::Reverted, "{receipt:?}");
    // MessageResult Ok (0), then Result Err (1), then the error's index.
    match receipt.output.as_slice() {
        [0, 1, index] => *index,
        other => panic!("not a contract error: {other:?}"),
    }
}

/// Events of `receipt` emitted by `contract`.
fn events_of(receipt: &Receipt, contract: AccountId) -> Vec<&Event> {
    receipt
        .events
        .iter()
        .filter(|e| e.emitter == contract)
        .collect()
}

/// ehr_access's `Error` indices used below.
mod ehr_error {
    pub(crate) const NOT_CUSTODIAN: u8 = 4;
    pub(crate) const DUPLICATE_CONTENT: u8 = 5;
    pub(crate) const NOT_PATIENT_OR_DELEGATE: u8 = 15;
    pub(crate) const SELF_REVIEW: u8 = 26;
    pub(crate) const NOT_AUTHORIZED: u8 = 27;
    pub(crate) const LESS_PROTECTED_CLASS: u8 = 30;
}

/// `ehr_access::Basis` indices.
mod basis {
    pub(crate) const PERSONAL_CONSENT: u8 = 0;
    pub(crate) const ORGANIZATION_CONSENT: u8 = 1;
    pub(crate) const CONSENT_DENIED: u8 = 3;
    pub(crate) const NOT_PROVIDER: u8 = 5;
}

/// consent's `Error` indices used below.
mod consent_error {
    pub(crate) const NOT_PATIENT_OR_DELEGATE: u8 = 0;
    pub(crate) const DELEGATE_AS_GRANTEE: u8 = 13;
    pub(crate) const EXPIRY_REQUIRED: u8 = 14;
    pub(crate) const NOT_AUTHORIZED: u8 = 15;
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
type Provision = (AccountId, AccountId, u8, Vec<u8>, Vec<u8>, u64, Option<u64>);

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
            class::LABS,
            lab_hash,
            "fhir://example.org/Observation/cbc-1",
        ),
        (
            class::MENTAL_HEALTH,
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
        (labs, purpose::TREATMENT),
    );
    assert!(!decision.expect("decided").1);
    assert_eq!(events_of(&receipt, ehr).len(), 1, "AccessDecided");
    let topics = &events_of(&receipt, ehr)[0].topics;
    assert_eq!(topics.len(), 3, "signature, patient, accessor");
    assert_eq!(topics[1].0, charlie.account_id().0);
    assert_eq!(topics[2].0, bob.account_id().0);

    // Charlie grants Bob treatment access to general data.
    let grant: Provision = (
        charlie.account_id(),
        bob.account_id(),
        PERMIT,
        vec![purpose::TREATMENT],
        Vec::new(),
        0,
        None,
    );
    let (granted, receipt): (Result<u64, u8>, _) =
        w.query(&charlie, "consent", consent, "record", grant);
    let grant_id = granted.expect("granted");
    assert_eq!(events_of(&receipt, consent).len(), 1, "ConsentRecorded");
    // Someone else cannot grant for Charlie.
    let stranger: Provision = (
        charlie.account_id(),
        ferdie.account_id(),
        PERMIT,
        vec![purpose::TREATMENT],
        Vec::new(),
        0,
        None,
    );
    let refused = w.call(&ferdie, "consent", consent, "record", stranger);
    assert_eq!(
        error_index(&refused),
        consent_error::NOT_PATIENT_OR_DELEGATE
    );

    // Labs: granted across contracts. Mental health: the general grant does not reach it.
    let (decision, _): (Result<Access, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, purpose::TREATMENT),
    );
    assert!(decision.expect("decided").1);
    let (decision, _): (Result<Access, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (psych, purpose::TREATMENT),
    );
    assert!(!decision.expect("decided").1);
    // Not a provider: refused, and the attempt is on record.
    let (attempt, receipt): (Result<Access, u8>, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "request_access",
        (labs, purpose::TREATMENT),
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
        (labs, purpose::TREATMENT),
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
    assert_eq!(error_index(&refused), ehr_error::NOT_AUTHORIZED);
    let (pending, _): (Result<Vec<u64>, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "pending_reviews", page);
    assert_eq!(pending, Ok(vec![entry]));
    let own = w.call(&bob, "ehr_access", ehr, "review", (entry, true));
    assert_eq!(error_index(&own), ehr_error::SELF_REVIEW);
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
    assert_eq!(error_index(&refused), ehr_error::NOT_PATIENT_OR_DELEGATE);
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
    let purposes: Vec<(u8, bool, u8)> = accounting
        .iter()
        .map(|(_, e)| (e.purpose, e.break_glass.is_some(), e.class))
        .collect();
    assert_eq!(
        purposes,
        vec![
            (purpose::TREATMENT, false, class::LABS),
            (purpose::EMERGENCY_TREATMENT, true, class::MENTAL_HEALTH)
        ]
    );
    assert_eq!(accounting[0].1.basis, basis::PERSONAL_CONSENT);
    let refused = w.call(
        &ferdie,
        "ehr_access",
        ehr,
        "audit_count",
        charlie.account_id(),
    );
    assert_eq!(error_index(&refused), ehr_error::NOT_AUTHORIZED);
    let (count, _): (Result<u32, u8>, _) =
        w.query(&eve, "ehr_access", ehr, "audit_count", charlie.account_id());
    assert_eq!(
        count,
        Ok(6),
        "two denials, one grant, a refused stranger, one more denial, one break-glass"
    );
    // A stranger reads no audit entry; the delegate does.
    let refused = w.call(&ferdie, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(error_index(&refused), ehr_error::NOT_AUTHORIZED);

    // The consent history stays queryable after revocation, by Charlie's side only.
    let refused = w.call(
        &ferdie,
        "consent",
        consent,
        "consents_of",
        (charlie.account_id(), 0u32, 10u32),
    );
    assert_eq!(error_index(&refused), consent_error::NOT_AUTHORIZED);
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
    assert_eq!(history[0].2, 3, "Status::Revoked");

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
    let args = (charlie.account_id(), 5u8, note, where_);
    let refused = w.call(&eve, "ehr_access", ehr, "register_record", args);
    assert_eq!(error_index(&refused), ehr_error::NOT_CUSTODIAN);
    let (part2, _): (Result<[u8; 32], u8>, _) =
        w.query(&bob, "ehr_access", ehr, "register_record", args);
    let part2 = part2.expect("registered by the custodian");
    // The same content cannot come back as General, by registration or amendment.
    let general = (charlie.account_id(), 0u8, note, where_);
    let refused = w.call(&bob, "ehr_access", ehr, "register_record", general);
    assert_eq!(error_index(&refused), ehr_error::DUPLICATE_CONTENT);
    let other = carechain_runtime::sha256(b"amended note").0;
    let refused = w.call(
        &bob,
        "ehr_access",
        ehr,
        "amend_record",
        (part2, 0u8, other, where_),
    );
    assert_eq!(error_index(&refused), ehr_error::LESS_PROTECTED_CLASS);
    // A stranger cannot read the record's class.
    let refused = w.call(&eve, "ehr_access", ehr, "record", part2);
    assert_eq!(error_index(&refused), ehr_error::NOT_AUTHORIZED);

    // Consent means what it says: a treatment deny covers emergency treatment.
    let lab_hash = carechain_runtime::sha256(b"lipid panel").0;
    let (labs, _): (Result<[u8; 32], u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "register_record",
        (charlie.account_id(), class::LABS, lab_hash, where_),
    );
    let labs = labs.expect("labs");
    let deny: Provision = (
        charlie.account_id(),
        eve.account_id(),
        1,
        vec![purpose::TREATMENT],
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
        (labs, purpose::EMERGENCY_TREATMENT),
    );
    assert!(!access.expect("decided").1, "ETREAT is a kind of TREAT");
    let (entry, _) = access.expect("decided");
    let (audit, _): (Result<AuditEntry, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(audit.expect("entry").basis, basis::CONSENT_DENIED);

    // A delegate cannot grant itself, and Part 2 permits need an end.
    let selfish: Provision = (
        charlie.account_id(),
        ferdie.account_id(),
        PERMIT,
        vec![4],
        vec![4, 5, 6],
        0,
        Some(u64::MAX),
    );
    let refused = w.call(&ferdie, "consent", consent, "record", selfish);
    assert_eq!(error_index(&refused), consent_error::DELEGATE_AS_GRANTEE);
    let endless: Provision = (
        charlie.account_id(),
        bob.account_id(),
        PERMIT,
        vec![purpose::TREATMENT],
        vec![5],
        0,
        None,
    );
    let refused = w.call(&ferdie, "consent", consent, "record", endless);
    assert_eq!(error_index(&refused), consent_error::EXPIRY_REQUIRED);

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
    let org: Provision = (
        charlie.account_id(),
        alice.account_id(),
        PERMIT,
        vec![purpose::TREATMENT],
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
        (labs, purpose::TREATMENT),
    );
    let (entry, granted) = access.expect("decided");
    assert!(granted);
    let (audit, _): (Result<AuditEntry, u8>, _) =
        w.query(&dave, "ehr_access", ehr, "audit_entry", entry);
    assert_eq!(audit.expect("entry").basis, basis::ORGANIZATION_CONSENT);
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
    assert_eq!(audit.expect("entry").basis, basis::NOT_PROVIDER);

    // A stranger reads no consent.
    // (Consent 0 names Eve as its grantee, so she may read that one; 1 does not.)
    let refused = w.call(&eve, "consent", consent, "consent", 1u64);
    assert_eq!(error_index(&refused), consent_error::NOT_AUTHORIZED);
    let refused = w.call(
        &eve,
        "consent",
        consent,
        "decision",
        (
            charlie.account_id(),
            bob.account_id(),
            purpose::TREATMENT,
            class::LABS,
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
    assert_eq!(error_index(&own), ehr_error::SELF_REVIEW);
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
    assert_eq!(error_index(&own), ehr_error::SELF_REVIEW);
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
    assert_eq!(error_index(&refused), ehr_error::NOT_AUTHORIZED);

    // Expired provisions do not crowd out new ones: 32 short permits expire, then
    // both a permit and a deny can still be recorded.
    // (A fresh pair: Charlie and Mallory. Each record is a block, 6 s apart; the 32
    // expire just after the last of them.)
    let mallory = dev("Mallory");
    let soon = w.time + 32 * 6_000 + 1;
    for _ in 0..32 {
        let short: Provision = (
            charlie.account_id(),
            mallory.account_id(),
            PERMIT,
            vec![purpose::TREATMENT],
            vec![class::LABS],
            0,
            Some(soon),
        );
        let r = w.call(&charlie, "consent", consent, "record", short);
        assert_eq!(r.outcome, Outcome::Success);
    }
    for provision in [PERMIT, 1] {
        let again: Provision = (
            charlie.account_id(),
            mallory.account_id(),
            provision,
            vec![purpose::TREATMENT],
            vec![class::LABS],
            0,
            None,
        );
        let r = w.call(&charlie, "consent", consent, "record", again);
        assert_eq!(r.outcome, Outcome::Success, "provision {provision}");
    }

    // An access call that runs out of gas, wherever it does (before, in or after the
    // nested call to Consent), lets nothing through and leaves nothing: no event, no
    // entry (a grant exists only as an AccessDecided in a block).
    let mut data = selector("ehr_access", "messages", "request_access").to_vec();
    (labs, purpose::TREATMENT).encode_to(&mut data);
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

/// `dscsa::PartnerKind` indices.
mod partner {
    pub(crate) const MANUFACTURER: u8 = 0;
    pub(crate) const REPACKAGER: u8 = 1;
    pub(crate) const WHOLESALE_DISTRIBUTOR: u8 = 2;
    pub(crate) const DISPENSER: u8 = 3;
    pub(crate) const THIRD_PARTY_LOGISTICS: u8 = 4;
}

/// `dscsa::Error` indices used below.
mod dscsa_error {
    pub(crate) const NOT_OPERATOR: u8 = 0;
    pub(crate) const UNKNOWN_PARTNER: u8 = 2;
    pub(crate) const PARTNER_SUSPENDED: u8 = 3;
    pub(crate) const WRONG_PARTNER_KIND: u8 = 4;
    pub(crate) const DUPLICATE_SERIAL: u8 = 11;
    pub(crate) const NOT_OWNER: u8 = 16;
    pub(crate) const IN_CONTAINER: u8 = 17;
    pub(crate) const QUARANTINED: u8 = 23;
    pub(crate) const NOT_QUARANTINED: u8 = 24;
    pub(crate) const RECALLED: u8 = 27;
    pub(crate) const EXPIRED: u8 = 28;
    pub(crate) const PREFIX_IN_USE: u8 = 42;
    pub(crate) const NOT_BRAND_OWNER: u8 = 44;
    pub(crate) const SSCC_RETIRED: u8 = 45;
    pub(crate) const NOT_AUTHORIZED: u8 = 46;
    pub(crate) const RATE_LIMITED: u8 = 47;
    pub(crate) const RETURN_NOT_VERIFIED: u8 = 48;
    pub(crate) const SELF_SHIPMENT: u8 = 49;
    pub(crate) const MISSING_TRANSACTION_INFORMATION: u8 = 50;
    pub(crate) const SELF_REVIEW: u8 = 51;
    pub(crate) const DAMAGED: u8 = 52;
    pub(crate) const PARTIALLY_DISPENSED: u8 = 53;
    pub(crate) const RESERVED_REASON: u8 = 54;
    pub(crate) const EXPIRY_AFTER_SOURCE: u8 = 55;
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
type Verification = (bool, Option<u8>);

/// `dscsa::Status` indices.
mod status {
    pub(crate) const ACTIVE: u8 = 0;
    pub(crate) const IN_TRANSIT: u8 = 1;
    pub(crate) const QUARANTINED: u8 = 2;
    pub(crate) const ILLEGITIMATE: u8 = 3;
    pub(crate) const DISPENSED: u8 = 4;
    pub(crate) const DECOMMISSIONED: u8 = 5;
    pub(crate) const RECALLED: u8 = 6;
    pub(crate) const EXPIRED: u8 = 7;
    pub(crate) const RETURNED: u8 = 8;
    pub(crate) const DAMAGED: u8 = 9;
    pub(crate) const PARTIALLY_DISPENSED: u8 = 10;
}

/// `dscsa::VerificationContext` indices (GS1 Lightweight Messaging contexts).
mod context {
    pub(crate) const SALEABLE_RETURN: u8 = 0;
    pub(crate) const SUSPECT: u8 = 1;
    pub(crate) const DISPENSING: u8 = 3;
}

/// `dscsa::Action` indices, as history entries carry them.
mod action {
    pub(crate) const COMMISSIONED: u8 = 0;
    pub(crate) const PACKED: u8 = 1;
    pub(crate) const UNPACKED: u8 = 2;
    pub(crate) const SHIPPED: u8 = 3;
    pub(crate) const RECEIVED: u8 = 4;
    pub(crate) const DISPENSED: u8 = 9;
    pub(crate) const DECOMMISSIONED: u8 = 10;
    pub(crate) const REPACKAGED: u8 = 11;
    pub(crate) const COMMISSIONED_FROM: u8 = 12;
    pub(crate) const RETURN_VERIFIED: u8 = 13;
    pub(crate) const SHIPMENT_VOIDED: u8 = 14;
    pub(crate) const RETURN_RECEIVED: u8 = 17;
}

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
    fn dscsa(&mut self, operator: &Keypair, partners: &[(&Keypair, u8, &str)]) -> AccountId {
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

    /// The action indices of a package's history, read by `who`.
    fn actions(&mut self, who: &Keypair, d: AccountId, gtin: &str, serial: &str) -> Vec<u8> {
        let (history, _): (Result<Vec<HistoryEntry>, u8>, _) =
            self.query(who, "dscsa", d, "history", (gtin, serial, 0u32, 50u32));
        history.expect("history").iter().map(|h| h.action).collect()
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
            (&bob, partner::MANUFACTURER, "0300012000006"),
            (&charlie, partner::WHOLESALE_DISTRIBUTOR, "0614141000005"),
            (&dave, partner::DISPENSER, "0614141000012"),
            (&eve, partner::THIRD_PARTY_LOGISTICS, "0614141000029"),
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
        error_index(&commission(&mut w, "SN1", "LOT1")),
        dscsa_error::DUPLICATE_SERIAL
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
    assert_eq!(error_index(&alone), dscsa_error::IN_CONTAINER);
    // Only the owner ships.
    let theft = w.ship(&charlie, d, Target::Container(SSCC.into()), &dave);
    assert_eq!(error_index(&theft), dscsa_error::NOT_OWNER);

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
        (true, Some(status::IN_TRANSIT))
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
        (true, Some(status::DISPENSED))
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
        Some(status::QUARANTINED)
    );
    let held = w.ship(&charlie, d, package(GTIN, "SN2"), &dave);
    assert_eq!(error_index(&held), dscsa_error::QUARANTINED);
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
    assert_eq!(error_index(&stopped), dscsa_error::RECALLED);
    assert_eq!(
        w.verify(&ferdie, d, "SN2", "LOT1").1,
        Some(status::RECALLED)
    );
    assert_eq!(
        w.verify(&ferdie, d, "SN9", "LOT2").1,
        Some(status::ILLEGITIMATE)
    );

    // SN1's whole life, read by its owner; Ferdie, with no DSCSA reason, reads nothing.
    assert_eq!(
        w.actions(&dave, d, GTIN, "SN1"),
        vec![
            action::COMMISSIONED,
            action::PACKED,
            action::SHIPPED,
            action::RECEIVED,
            action::UNPACKED,
            action::SHIPPED,
            action::RECEIVED,
            action::DISPENSED
        ]
    );
    let refused = w.call(&ferdie, "dscsa", d, "history", (GTIN, "SN1", 0u32, 50u32));
    assert_eq!(error_index(&refused), dscsa_error::NOT_AUTHORIZED);

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
            (&bob, partner::MANUFACTURER, "0300012000006"),
            (&rita, partner::REPACKAGER, "0300099000005"),
            (&charlie, partner::WHOLESALE_DISTRIBUTOR, "0614141000005"),
            (&dave, partner::DISPENSER, "0614141000012"),
            (&grace, partner::DISPENSER, "0614141000036"),
        ],
    );

    // Product identity belongs to its brand owner: prefixes are the operator's to
    // assign, one owner each, none inside another.
    let r = w.call(&bob, "dscsa", d, "add_prefix", (bob.account_id(), PREFIX));
    assert_eq!(error_index(&r), dscsa_error::NOT_OPERATOR);
    ok(&w.call(&alice, "dscsa", d, "add_prefix", (bob.account_id(), PREFIX)));
    for overlapping in ["030001", "03000123"] {
        let r = w.call(
            &alice,
            "dscsa",
            d,
            "add_prefix",
            (rita.account_id(), overlapping),
        );
        assert_eq!(error_index(&r), dscsa_error::PREFIX_IN_USE, "{overlapping}");
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
        assert_eq!(error_index(&squat), dscsa_error::WRONG_PARTNER_KIND);
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
    assert_eq!(error_index(&recall), dscsa_error::NOT_BRAND_OWNER);
    // A repackager commissions under its own prefix, linked to the source.
    w.hand_over(d, GTIN, "S1", &bob, &rita);
    let foreign = (GTIN, "S1", "00300012999997", "R1", "LOT1", EXPIRY);
    let r = w.call(&rita, "dscsa", d, "repackage", foreign);
    assert_eq!(error_index(&r), dscsa_error::NOT_BRAND_OWNER);
    let longer = (GTIN, "S1", RITA_GTIN, "R1", "LOT1", EXPIRY + 1);
    let r = w.call(&rita, "dscsa", d, "repackage", longer);
    assert_eq!(error_index(&r), dscsa_error::EXPIRY_AFTER_SOURCE);
    let own = (GTIN, "S1", RITA_GTIN, "R1", "LOT1", EXPIRY);
    ok(&w.call(&rita, "dscsa", d, "repackage", own));
    assert_eq!(
        w.verify(&mallory, d, "S1", "LOT1"),
        (true, Some(status::DECOMMISSIONED))
    );
    assert_eq!(
        w.actions(&rita, d, GTIN, "S1").last(),
        Some(&action::REPACKAGED)
    );
    assert_eq!(
        w.actions(&rita, d, RITA_GTIN, "R1"),
        vec![action::COMMISSIONED_FROM]
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
    assert_eq!(error_index(&r), dscsa_error::NOT_BRAND_OWNER);
    ok(&w.call(&bob, "dscsa", d, "pack", (SSCC, vec![(GTIN, "S3")])));
    ok(&w.call(&bob, "dscsa", d, "unpack", SSCC));
    let reuse = w.call(&bob, "dscsa", d, "pack", (SSCC, vec![(GTIN, "S3")]));
    assert_eq!(error_index(&reuse), dscsa_error::SSCC_RETIRED);

    // Verification answers only what the VRS would, to whom it should: package
    // details go to parties with a DSCSA reason; `verify` confirms and no more.
    for (who, message) in [(&mallory, "package"), (&grace, "package")] {
        let r = w.call(who, "dscsa", d, message, (GTIN, "S2"));
        assert_eq!(error_index(&r), dscsa_error::NOT_AUTHORIZED);
    }
    let r = w.call(&mallory, "dscsa", d, "package", (GTIN, "NEVER"));
    assert_eq!(
        error_index(&r),
        dscsa_error::NOT_AUTHORIZED,
        "existence is not disclosed either"
    );
    let r = w.call(&grace, "dscsa", d, "history", (GTIN, "S2", 0u32, 10u32));
    assert_eq!(error_index(&r), dscsa_error::NOT_AUTHORIZED);
    ok(&w.call(&bob, "dscsa", d, "package", (GTIN, "S2")));
    let r = w.call(&mallory, "dscsa", d, "verify", (GTIN, "S2", "LOT1", EXPIRY));
    assert_eq!(
        r.output,
        vec![0, 1, 1, status::ACTIVE],
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
        context::SUSPECT,
    );
    let r = w.call(&mallory, "dscsa", d, "request_verification", args);
    assert_eq!(error_index(&r), dscsa_error::UNKNOWN_PARTNER);
    let (answer, r): (Result<Verification, u8>, _) =
        w.query(&grace, "dscsa", d, "request_verification", args);
    assert_eq!(answer, Ok((true, Some(status::ACTIVE))));
    let event = &events_of(&r, d)[0].data;
    let mut tail = mallory.account_id().encode();
    tail.extend([context::SUSPECT, 0]);
    assert!(event.ends_with(&tail), "presenter, context, not connected");
    ok(&w.call(&grace, "dscsa", d, "package", (GTIN, "S2")));
    for _ in 1..20 {
        ok(&w.call(&grace, "dscsa", d, "request_verification", args));
    }
    let flood = w.call(&grace, "dscsa", d, "request_verification", args);
    assert_eq!(error_index(&flood), dscsa_error::RATE_LIMITED);
    let own = (
        GTIN,
        "S2",
        "LOT1",
        EXPIRY,
        bob.account_id(),
        context::DISPENSING,
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
        w.actions(&charlie, d, GTIN, "S2").last(),
        Some(&action::RETURN_RECEIVED),
        "{r:?}"
    );
    assert_eq!(
        w.verify(&mallory, d, "S2", "LOT1").1,
        Some(status::RETURNED)
    );
    let resale = w.ship(&charlie, d, package(GTIN, "S2"), &grace);
    assert_eq!(error_index(&resale), dscsa_error::RETURN_NOT_VERIFIED);
    let check = (
        GTIN,
        "S2",
        "LOT1",
        EXPIRY,
        dave.account_id(),
        context::SALEABLE_RETURN,
    );
    let (answer, _): (Result<Verification, u8>, _) =
        w.query(&charlie, "dscsa", d, "request_verification", check);
    assert_eq!(answer, Ok((true, Some(status::ACTIVE))));
    assert_eq!(
        w.actions(&charlie, d, GTIN, "S2").last(),
        Some(&action::RETURN_VERIFIED)
    );
    ok(&w.ship(&charlie, d, package(GTIN, "S2"), &grace));

    // Shipments cannot be stranded: a shipment to a partner suspended in transit is
    // voided by its shipper (nobody else); nobody ships to itself or without TI.
    let r = w.ship(&bob, d, package(GTIN, "S4"), &bob);
    assert_eq!(error_index(&r), dscsa_error::SELF_SHIPMENT);
    let args = (
        package(GTIN, "S4"),
        dave.account_id(),
        None::<AccountId>,
        [0u8; 32],
        true,
    );
    let r = w.call(&bob, "dscsa", d, "ship", args);
    assert_eq!(
        error_index(&r),
        dscsa_error::MISSING_TRANSACTION_INFORMATION
    );
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
    assert_eq!(error_index(&r), dscsa_error::PARTNER_SUSPENDED);
    let r = w.call(&grace, "dscsa", d, "void_shipment", package(GTIN, "S4"));
    assert_eq!(error_index(&r), dscsa_error::NOT_OWNER);
    ok(&w.call(&bob, "dscsa", d, "void_shipment", package(GTIN, "S4")));
    assert_eq!(w.verify(&mallory, d, "S4", "LOT1").1, Some(status::ACTIVE));
    assert_eq!(
        w.actions(&bob, d, GTIN, "S4").last(),
        Some(&action::SHIPMENT_VOIDED)
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
    assert_eq!(error_index(&r), dscsa_error::SELF_REVIEW);
    let r = w.call(&alice, "dscsa", d, "close_serial_flag", (flag, false));
    assert_eq!(error_index(&r), dscsa_error::NOT_QUARANTINED);
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
        Some(status::PARTIALLY_DISPENSED)
    );
    let r = w.ship(&dave, d, package(GTIN, "S5"), &grace);
    assert_eq!(error_index(&r), dscsa_error::PARTIALLY_DISPENSED);
    ok(&w.call(&dave, "dscsa", d, "dispense", (GTIN, "S5")));
    ok(&w.call(&bob, "dscsa", d, "report_damaged", (GTIN, "S6")));
    assert_eq!(w.verify(&mallory, d, "S6", "LOT1").1, Some(status::DAMAGED));
    let r = w.ship(&bob, d, package(GTIN, "S6"), &charlie);
    assert_eq!(error_index(&r), dscsa_error::DAMAGED);
    // `Repackaged` is repackage's alone to record.
    let r = w.call(&bob, "dscsa", d, "decommission", (GTIN, "S6", 4u8));
    assert_eq!(error_index(&r), dscsa_error::RESERVED_REASON);

    // Expired product does not move: not commissioned, shipped or received; a
    // shipment that expired on the way is voided back to its owner.
    let past = w.time;
    let r = w.call(&bob, "dscsa", d, "commission", (GTIN, "OLD", "LOT3", past));
    assert_eq!(error_index(&r), dscsa_error::EXPIRED);
    let soon = w.time + 30_000;
    ok(&w.call(&bob, "dscsa", d, "commission", (GTIN, "E1", "LOT3", soon)));
    ok(&w.call(&bob, "dscsa", d, "commission", (GTIN, "E2", "LOT3", soon)));
    ok(&w.ship(&bob, d, package(GTIN, "E2"), &charlie));
    ok(&w.call(&bob, "dscsa", d, "verify", (GTIN, "E1", "LOT3", soon)));
    let r = w.call(&charlie, "dscsa", d, "receive", package(GTIN, "E2"));
    assert_eq!(error_index(&r), dscsa_error::EXPIRED);
    let r = w.ship(&bob, d, package(GTIN, "E1"), &charlie);
    assert_eq!(error_index(&r), dscsa_error::EXPIRED);
    let (v, _): (Verification, _) =
        w.query(&mallory, "dscsa", d, "verify", (GTIN, "E1", "LOT3", soon));
    assert_eq!(v, (true, Some(status::EXPIRED)));
    ok(&w.call(&bob, "dscsa", d, "void_shipment", package(GTIN, "E2")));
    ok(&w.call(&bob, "dscsa", d, "decommission", (GTIN, "E1", 2u8)));
    assert_eq!(
        w.actions(&bob, d, GTIN, "E1").last(),
        Some(&action::DECOMMISSIONED)
    );

    w.write_gas_table();
}

/// The head of `dscsa::HistoryEntry`: the actor and the action's variant index
/// (its fields are skipped).
#[derive(Debug)]
struct HistoryEntry {
    action: u8,
}

impl Decode for HistoryEntry {
    fn decode<I: parity_scale_codec::Input>(
        input: &mut I,
    ) -> Result<Self, parity_scale_codec::Error> {
        let _actor = <[u8; 32]>::decode(input)?;
        let action = u8::decode(input)?;
        // The action's fields, then block (u32) and time (u64).
        match action {
            1 | 2 => {
                <[u8; 18]>::decode(input)?;
            }
            3 => {
                <([u8; 32], Option<[u8; 32]>, [u8; 32])>::decode(input)?;
            }
            5 | 7 => {
                String::decode(input)?;
            }
            10 => {
                u8::decode(input)?;
            }
            11 | 12 => {
                <[u8; 32]>::decode(input)?;
            }
            _ => {}
        }
        <(u32, u64)>::decode(input)?;
        Ok(HistoryEntry { action })
    }
}

/// `ehr_access::CareRelation`: start, end, recorded at.
type CareRelation = (u64, u64, u64);

/// `ehr_access::BreakGlass`: justification commitment, review, reviewer, patient review.
type BreakGlass = ([u8; 32], u8, Option<[u8; 32]>, u8);

/// `ehr_access::AuditEntry`, mirrored for decoding.
#[derive(Debug, Decode)]
#[allow(dead_code)]
struct AuditEntry {
    accessor: [u8; 32],
    patient: [u8; 32],
    record: [u8; 32],
    purpose: u8,
    granted: bool,
    at: u64,
    block: u32,
    break_glass: Option<BreakGlass>,
    class: u8,
    basis: u8,
}

/// `consents_of`'s page: id, record, status index.
type History = Vec<(u64, ConsentRecord, u8)>;

/// `consent::ConsentRecord`, mirrored for decoding.
#[derive(Debug, Decode)]
#[allow(dead_code)]
struct ConsentRecord {
    patient: [u8; 32],
    grantee: [u8; 32],
    provision: u8,
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
