//! The healthcare contracts, compiled, on the real VM through signed transactions:
//! the consent and EHR-access scenario end to end, with `ehr_access` asking `consent`
//! across contracts.
//!
//! Every call's gas is collected; with `CARECHAIN_GAS_TABLE=<file>` set, the table
//! (ref_time and proof_size per message) is written there for
//! `scripts/gas-table.sh` to put into `contracts/README.md`.

use std::collections::BTreeMap;

use carechain_host::WasmtimeVm;
use carechain_runtime::{
    code_hash, contract_address, AccountId, Call, Chain, Event, Keypair, MemoryStore, Outcome,
    Receipt, Weight,
};
use carechain_tests::{dev, dev_chain, ink_artifact, selector, signed, GAS};
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
    gas: BTreeMap<(String, String), Weight>,
    time: u64,
}

impl World {
    fn new() -> Self {
        World {
            chain: dev_chain(),
            vm: WasmtimeVm::new().expect("vm"),
            nonces: BTreeMap::new(),
            gas: BTreeMap::new(),
            time: 1_000,
        }
    }

    fn submit(&mut self, who: &Keypair, call: Call) -> Receipt {
        let nonce = self.nonces.entry(who.account_id()).or_insert(0);
        let tx = signed(who, self.chain.genesis_hash(), *nonce, GAS, call);
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
        let upload = self.submit(who, Call::UploadCode { code });
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
        self.gas
            .insert((name.to_string(), "new".to_string()), receipt.gas_used);
        address
    }

    /// Calls `message` of contract `name` at `at`; returns the receipt. Records gas
    /// the first time each message succeeds.
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
            self.gas
                .entry((name.to_string(), message.to_string()))
                .or_insert(receipt.gas_used);
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
    pub(crate) const NOT_PROVIDER: u8 = 1;
    pub(crate) const NOT_PATIENT_OR_DELEGATE: u8 = 17;
}

/// consent's `Error::NotPatientOrDelegate`.
const CONSENT_NOT_PATIENT_OR_DELEGATE: u8 = 0;

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
    // Alice operates both contracts; Bob is a physician; Charlie the patient; Dave
    // the privacy officer; Eve becomes Charlie's guardian; Ferdie is nobody.
    let consent = w.deploy(&alice, "consent", ());
    let ehr = w.deploy(&alice, "ehr_access", (consent, dave.account_id()));
    let ok = w.call(&alice, "ehr_access", ehr, "add_provider", bob.account_id());
    assert_eq!(ok.outcome, Outcome::Success);

    let labs = [1u8; 32];
    let psych = [2u8; 32];
    let lab_hash = carechain_runtime::sha256(b"CBC panel 2026-11-25").0;
    for (id, class, location) in [
        (labs, class::LABS, "fhir://example.org/Observation/cbc-1"),
        (
            psych,
            class::MENTAL_HEALTH,
            "fhir://example.org/DocumentReference/psy-7",
        ),
    ] {
        let r = w.call(
            &bob,
            "ehr_access",
            ehr,
            "register_record",
            (
                id,
                charlie.account_id(),
                class,
                lab_hash,
                location.to_string(),
            ),
        );
        assert_eq!(r.outcome, Outcome::Success, "register {location}");
    }
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
    let (decision, receipt): (Result<bool, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, purpose::TREATMENT),
    );
    assert_eq!(decision, Ok(false));
    assert_eq!(events_of(&receipt, ehr).len(), 1, "AccessDecided");
    let topics = &events_of(&receipt, ehr)[0].topics;
    assert_eq!(topics.len(), 3, "signature, patient, accessor");
    assert_eq!(topics[1].0, charlie.account_id().0);
    assert_eq!(topics[2].0, bob.account_id().0);

    // Charlie grants Bob treatment access to general data.
    let (granted, receipt): (Result<u64, u8>, _) = w.query(
        &charlie,
        "consent",
        consent,
        "record",
        (
            charlie.account_id(),
            bob.account_id(),
            PERMIT,
            vec![purpose::TREATMENT],
            Vec::<u8>::new(),
            0u64,
            None::<u64>,
        ),
    );
    let grant_id = granted.expect("granted");
    assert_eq!(events_of(&receipt, consent).len(), 1, "ConsentRecorded");
    // Someone else cannot grant for Charlie.
    let refused = w.call(
        &ferdie,
        "consent",
        consent,
        "record",
        (
            charlie.account_id(),
            ferdie.account_id(),
            PERMIT,
            vec![purpose::TREATMENT],
            Vec::<u8>::new(),
            0u64,
            None::<u64>,
        ),
    );
    assert_eq!(error_index(&refused), CONSENT_NOT_PATIENT_OR_DELEGATE);

    // Labs: granted across contracts. Mental health: the general grant does not reach it.
    let (decision, _): (Result<bool, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, purpose::TREATMENT),
    );
    assert_eq!(decision, Ok(true));
    let (decision, _): (Result<bool, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (psych, purpose::TREATMENT),
    );
    assert_eq!(decision, Ok(false));
    // Not a provider: refused outright (no audit entry, the call reverts).
    let refused = w.call(
        &ferdie,
        "ehr_access",
        ehr,
        "request_access",
        (labs, purpose::TREATMENT),
    );
    assert_eq!(error_index(&refused), ehr_error::NOT_PROVIDER);

    // Charlie revokes; from that block on, Bob is denied.
    let r = w.call(&charlie, "consent", consent, "revoke", grant_id);
    assert_eq!(r.outcome, Outcome::Success);
    let (decision, _): (Result<bool, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "request_access",
        (labs, purpose::TREATMENT),
    );
    assert_eq!(decision, Ok(false));

    // Break-glass: granted, flagged, pending until Charlie reviews it.
    let (entry, _): (Result<u64, u8>, _) = w.query(
        &bob,
        "ehr_access",
        ehr,
        "break_glass",
        (
            psych,
            "unresponsive patient in the ED, suspected overdose".to_string(),
        ),
    );
    let entry = entry.expect("break-glass granted");
    let (pending, _): (Vec<u64>, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "pending_reviews",
        charlie.account_id(),
    );
    assert_eq!(pending, vec![entry]);
    let r = w.call(&charlie, "ehr_access", ehr, "review", (entry, true));
    assert_eq!(r.outcome, Outcome::Success);
    let (pending, _): (Vec<u64>, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "pending_reviews",
        charlie.account_id(),
    );
    assert!(pending.is_empty());

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
    let purposes: Vec<(u8, bool)> = accounting
        .iter()
        .map(|(_, e)| (e.purpose, e.break_glass.is_some()))
        .collect();
    assert_eq!(
        purposes,
        vec![
            (purpose::TREATMENT, false),
            (purpose::EMERGENCY_TREATMENT, true)
        ]
    );
    let (count, _): (u32, _) = w.query(
        &ferdie,
        "ehr_access",
        ehr,
        "audit_count",
        charlie.account_id(),
    );
    assert_eq!(
        count, 5,
        "two denials, one grant, one more denial, one break-glass"
    );

    // The consent history stays queryable after revocation.
    let (history, _): (Result<History, u8>, _) = w.query(
        &ferdie,
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

/// `dscsa::PartnerKind` indices.
mod partner {
    pub(crate) const MANUFACTURER: u8 = 0;
    pub(crate) const WHOLESALE_DISTRIBUTOR: u8 = 2;
    pub(crate) const DISPENSER: u8 = 3;
    pub(crate) const THIRD_PARTY_LOGISTICS: u8 = 4;
}

/// `dscsa::Error` indices used below.
mod dscsa_error {
    pub(crate) const DUPLICATE_SERIAL: u8 = 11;
    pub(crate) const NOT_OWNER: u8 = 16;
    pub(crate) const IN_CONTAINER: u8 = 17;
    pub(crate) const QUARANTINED: u8 = 23;
    pub(crate) const RECALLED: u8 = 27;
}

/// `dscsa::Target`.
#[derive(Encode)]
enum Target {
    Package(String, String),
    Container(String),
}

/// `dscsa::Verification`: exists, matches, status index.
type Verification = (bool, bool, Option<u8>);

/// `dscsa::Status` indices.
mod status {
    pub(crate) const ACTIVE: u8 = 0;
    pub(crate) const IN_TRANSIT: u8 = 1;
    pub(crate) const QUARANTINED: u8 = 2;
    pub(crate) const DISPENSED: u8 = 4;
    pub(crate) const RECALLED: u8 = 6;
}

const GTIN: &str = "00300012345671";
const SSCC: &str = "003000120000000013";
const EXPIRY: u64 = 10_000_000_000;

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
    // Alice operates; Bob manufactures; Charlie distributes; Dave dispenses; Eve is a
    // 3PL; Ferdie is not a trading partner.
    let d = w.deploy(&alice, "dscsa", ());
    for (who, kind, gln) in [
        (&bob, partner::MANUFACTURER, "0300012000006"),
        (&charlie, partner::WHOLESALE_DISTRIBUTOR, "0614141000005"),
        (&dave, partner::DISPENSER, "0614141000012"),
        (&eve, partner::THIRD_PARTY_LOGISTICS, "0614141000029"),
    ] {
        let r = w.call(
            &alice,
            "dscsa",
            d,
            "add_partner",
            (
                who.account_id(),
                kind,
                gln.to_string(),
                "NJ-WDP-1".to_string(),
            ),
        );
        assert_eq!(r.outcome, Outcome::Success, "partner {gln}: {r:?}");
    }
    let package = |serial: &str| (GTIN.to_string(), serial.to_string());
    let commission = |w: &mut World, serial: &str, lot: &str| {
        w.call(
            &bob,
            "dscsa",
            d,
            "commission",
            (
                GTIN.to_string(),
                serial.to_string(),
                lot.to_string(),
                EXPIRY,
            ),
        )
    };
    for serial in ["SN1", "SN2", "SN3"] {
        assert_eq!(commission(&mut w, serial, "LOT1").outcome, Outcome::Success);
    }
    assert_eq!(commission(&mut w, "SN9", "LOT2").outcome, Outcome::Success);
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
        (SSCC.to_string(), vec![package("SN1"), package("SN2")]),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let alone = w.call(
        &bob,
        "dscsa",
        d,
        "ship",
        (
            Target::Package(GTIN.into(), "SN1".into()),
            charlie.account_id(),
            None::<AccountId>,
            [1u8; 32],
            true,
        ),
    );
    assert_eq!(error_index(&alone), dscsa_error::IN_CONTAINER);
    // Only the owner ships.
    let theft = w.call(
        &charlie,
        "dscsa",
        d,
        "ship",
        (
            Target::Container(SSCC.into()),
            dave.account_id(),
            None::<AccountId>,
            [1u8; 32],
            true,
        ),
    );
    assert_eq!(error_index(&theft), dscsa_error::NOT_OWNER);

    // Bob ships the case to Charlie, carried by Eve; in transit until received.
    let r = w.call(
        &bob,
        "dscsa",
        d,
        "ship",
        (
            Target::Container(SSCC.into()),
            charlie.account_id(),
            Some(eve.account_id()),
            [1u8; 32],
            true,
        ),
    );
    assert_eq!(r.outcome, Outcome::Success, "{r:?}");
    let (v, _): (Verification, _) =
        w.query(&ferdie, "dscsa", d, "verify", (GTIN, "SN2", "LOT1", EXPIRY));
    assert_eq!(v, (true, true, Some(status::IN_TRANSIT)));
    let r = w.call(
        &charlie,
        "dscsa",
        d,
        "receive",
        Target::Container(SSCC.into()),
    );
    assert_eq!(r.outcome, Outcome::Success, "{r:?}");
    let r = w.call(&charlie, "dscsa", d, "unpack", SSCC.to_string());
    assert_eq!(r.outcome, Outcome::Success);

    // Charlie sells SN1 to Dave, who dispenses it: final.
    let r = w.call(
        &charlie,
        "dscsa",
        d,
        "ship",
        (
            Target::Package(GTIN.into(), "SN1".into()),
            dave.account_id(),
            None::<AccountId>,
            [2u8; 32],
            true,
        ),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let r = w.call(
        &dave,
        "dscsa",
        d,
        "receive",
        Target::Package(GTIN.into(), "SN1".into()),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let r = w.call(&dave, "dscsa", d, "dispense", package("SN1"));
    assert_eq!(r.outcome, Outcome::Success, "{r:?}");
    let (v, _): (Verification, _) =
        w.query(&ferdie, "dscsa", d, "verify", (GTIN, "SN1", "LOT1", EXPIRY));
    assert_eq!(v, (true, true, Some(status::DISPENSED)));
    let (v, _): (Verification, _) =
        w.query(&ferdie, "dscsa", d, "verify", (GTIN, "SN1", "LOT9", EXPIRY));
    assert_eq!((v.0, v.1), (true, false), "a wrong lot does not match");
    let (v, _): (Verification, _) = w.query(
        &ferdie,
        "dscsa",
        d,
        "verify",
        (GTIN, "SN404", "LOT1", EXPIRY),
    );
    assert_eq!(v, (false, false, None));

    // Suspect product: quarantined, it cannot move; cleared, it can.
    let r = w.call(
        &charlie,
        "dscsa",
        d,
        "quarantine",
        (GTIN, "SN2", "damaged seal"),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let (v, _): (Verification, _) =
        w.query(&ferdie, "dscsa", d, "verify", (GTIN, "SN2", "LOT1", EXPIRY));
    assert_eq!(v.2, Some(status::QUARANTINED));
    let held = w.call(
        &charlie,
        "dscsa",
        d,
        "ship",
        (
            Target::Package(GTIN.into(), "SN2".into()),
            dave.account_id(),
            None::<AccountId>,
            [3u8; 32],
            true,
        ),
    );
    assert_eq!(error_index(&held), dscsa_error::QUARANTINED);
    let r = w.call(&charlie, "dscsa", d, "clear", package("SN2"));
    assert_eq!(r.outcome, Outcome::Success);
    // Illegitimate: Bob quarantines SN9 and declares it, with the Form 3911 event.
    let r = w.call(
        &bob,
        "dscsa",
        d,
        "quarantine",
        (GTIN, "SN9", "counterfeit suspected"),
    );
    assert_eq!(r.outcome, Outcome::Success);
    let r = w.call(
        &bob,
        "dscsa",
        d,
        "declare_illegitimate",
        (GTIN, "SN9", "counterfeit confirmed by lab"),
    );
    assert_eq!(r.outcome, Outcome::Success);
    assert_eq!(
        events_of(&r, d).len(),
        2,
        "history event and the illegitimate-product notice"
    );

    // Recall of LOT1 by its manufacturer: SN3 (still Bob's) and SN2 stop.
    let r = w.call(&bob, "dscsa", d, "recall", (GTIN, "LOT1"));
    assert_eq!(r.outcome, Outcome::Success);
    let stopped = w.call(
        &bob,
        "dscsa",
        d,
        "ship",
        (
            Target::Package(GTIN.into(), "SN3".into()),
            charlie.account_id(),
            None::<AccountId>,
            [4u8; 32],
            true,
        ),
    );
    assert_eq!(error_index(&stopped), dscsa_error::RECALLED);
    let (v, _): (Verification, _) =
        w.query(&ferdie, "dscsa", d, "verify", (GTIN, "SN2", "LOT1", EXPIRY));
    assert_eq!(v.2, Some(status::RECALLED));
    let (v, _): (Verification, _) =
        w.query(&ferdie, "dscsa", d, "verify", (GTIN, "SN9", "LOT2", EXPIRY));
    assert_ne!(v.2, Some(status::ACTIVE));

    // SN1's whole life, from the history query.
    let (history, _): (Result<Vec<HistoryEntry>, u8>, _) =
        w.query(&ferdie, "dscsa", d, "history", (GTIN, "SN1", 0u32, 50u32));
    let actions: Vec<u8> = history.expect("history").iter().map(|h| h.action).collect();
    // Commissioned, Packed, Shipped, Received, Unpacked, Shipped, Received, Dispensed.
    assert_eq!(actions, vec![0, 1, 3, 4, 2, 3, 4, 9]);

    w.write_gas_table();
}

/// The head of `dscsa::HistoryEntry`: the actor and the action's variant index
/// (decoding stops there; the test reads no further).
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
            _ => {}
        }
        <(u32, u64)>::decode(input)?;
        Ok(HistoryEntry { action })
    }
}

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
    break_glass: Option<(String, u8, Option<[u8; 32]>)>,
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
    /// Adds this run's figures to the gas table at `$CARECHAIN_GAS_TABLE`, if set
    /// (each test adds its contracts' rows; the table is kept sorted).
    fn write_gas_table(&self) {
        let Ok(path) = std::env::var("CARECHAIN_GAS_TABLE") else {
            return;
        };
        let lock = GAS_TABLE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut rows: BTreeMap<(String, String), Weight> = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter_map(parse_row)
            .collect();
        rows.extend(self.gas.iter().map(|(k, v)| (k.clone(), *v)));
        write_table(&path, &rows);
        drop(lock);
    }
}

static GAS_TABLE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// One row of the table back into its key and figures.
fn parse_row(line: &str) -> Option<((String, String), Weight)> {
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    let [_, contract, message, ref_time, proof, _] = cells.as_slice() else {
        return None;
    };
    let key = (contract.to_string(), message.trim_matches('`').to_string());
    Some((
        key,
        Weight::new(ref_time.parse().ok()?, proof.parse().ok()?),
    ))
}

/// Writes the gas table.
fn write_table(path: &str, gas: &BTreeMap<(String, String), Weight>) {
    let mut table =
        String::from("| contract | message | ref_time | proof_size |\n|---|---|---:|---:|\n");
    for ((contract, message), w) in gas {
        table.push_str(&format!(
            "| {contract} | `{message}` | {} | {} |\n",
            w.ref_time, w.proof_size
        ));
    }
    std::fs::write(path, table).unwrap_or_else(|e| panic!("{path}: {e}"));
}
