//! The healthcare contracts on both chains.

use carechain_tests::{dev, ink_artifact, selector};
use parity_scale_codec::Encode;

use crate::chains::Account;
use crate::suite::Suite;

/// Message `label` of contract `name` with `args`.
fn call_of(name: &str, label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector(name, label).to_vec();
    args.encode_to(&mut data);
    data
}

/// Constructor `new` of contract `name` with `args`.
fn new_of(name: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector(name, "new").to_vec();
    args.encode_to(&mut data);
    data
}

#[test]
fn healthcare_contracts_behave_as_on_pallet_contracts() {
    let code = |name: &str| std::fs::read(ink_artifact(name, "wasm")).expect("wasm");
    let id = |name: &str| dev(name).account_id().0;
    let mut s = Suite::new();
    let consent_hash = s.upload(&code("consent"));
    let ehr_hash = s.upload(&code("ehr_access"));
    let dscsa_hash = s.upload(&code("dscsa"));

    // Consent and EHR access, with the EHR contract asking Consent across contracts.
    let consent = s
        .instantiate("consent new", consent_hash, 0, new_of("consent", ()), b"")
        .expect("consent");
    let ehr = s
        .instantiate(
            "ehr new",
            ehr_hash,
            0,
            new_of("ehr_access", (consent, id("Dave"))),
            b"",
        )
        .expect("ehr");
    s.call(
        "add reader",
        consent,
        0,
        call_of("consent", "add_reader", ehr),
    );
    let ehr_call = |label: &str, args: &dyn Fn(&mut Vec<u8>)| {
        let mut data = selector("ehr_access", label).to_vec();
        args(&mut data);
        data
    };
    s.call(
        "add provider",
        ehr,
        0,
        call_of("ehr_access", "add_provider", id("Bob")),
    );
    s.call(
        "add provider twice",
        ehr,
        0,
        call_of("ehr_access", "add_provider", id("Bob")),
    );
    s.call(
        "care relation",
        ehr,
        0,
        call_of(
            "ehr_access",
            "register_care_relation",
            (id("Charlie"), id("Bob"), 0u64, u64::MAX),
        ),
    );
    // The contract names records: BLAKE2-256 of (its address, a counter).
    let record_id = |n: u64| carechain_runtime::blake2_256(&(ehr, n).encode());
    let (labs, psych) = (record_id(0), record_id(1));
    let location = [7u8; 32];
    s.sign_as("Eve");
    s.call(
        "register record, not the custodian",
        ehr,
        0,
        call_of(
            "ehr_access",
            "register_record",
            (id("Charlie"), 2u8, [5u8; 32], location),
        ),
    );
    s.sign_as("Bob");
    for (content, class) in [([5u8; 32], 2u8), ([6u8; 32], 4u8)] {
        s.call(
            "register record",
            ehr,
            0,
            call_of(
                "ehr_access",
                "register_record",
                (id("Charlie"), class, content, location),
            ),
        );
    }
    s.call(
        "register the same content again",
        ehr,
        0,
        call_of(
            "ehr_access",
            "register_record",
            (id("Charlie"), 0u8, [5u8; 32], location),
        ),
    );
    s.call(
        "amend to a lesser class",
        ehr,
        0,
        call_of(
            "ehr_access",
            "amend_record",
            (psych, 0u8, [8u8; 32], location),
        ),
    );
    s.call(
        "amend",
        ehr,
        0,
        call_of(
            "ehr_access",
            "amend_record",
            (psych, 4u8, [8u8; 32], location),
        ),
    );
    s.call(
        "verify record",
        ehr,
        0,
        call_of("ehr_access", "verify_record", (labs, [5u8; 32])),
    );
    s.call(
        "access without consent",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.sign_as("Charlie");
    let grant = (
        id("Charlie"),
        id("Bob"),
        0u8,
        vec![0u8],
        Vec::<u8>::new(),
        0u64,
        None::<u64>,
    );
    s.call(
        "grant",
        consent,
        0,
        call_of("consent", "record", grant.clone()),
    );
    s.call(
        "add delegate",
        consent,
        0,
        call_of("consent", "add_delegate", id("Eve")),
    );
    s.sign_as("Bob");
    s.call(
        "access with consent",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.call(
        "sensitive class",
        ehr,
        0,
        call_of("ehr_access", "request_access", (psych, 0u8)),
    );
    s.call(
        "other purpose",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 4u8)),
    );
    s.sign_as("Ferdie");
    s.call(
        "not a provider",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.call(
        "grant for someone else",
        consent,
        0,
        call_of("consent", "record", grant.clone()),
    );
    s.sign_as("Charlie");
    s.call("revoke", consent, 0, call_of("consent", "revoke", 0u64));
    s.call(
        "revoke again",
        consent,
        0,
        call_of("consent", "revoke", 0u64),
    );
    s.sign_as("Bob");
    s.call(
        "access after revocation",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.call(
        "break glass",
        ehr,
        0,
        ehr_call("break_glass", &|d| (psych, [3u8; 32]).encode_to(d)),
    );
    s.call(
        "break glass, no reason",
        ehr,
        0,
        ehr_call("break_glass", &|d| (psych, [0u8; 32]).encode_to(d)),
    );
    s.call(
        "review own break glass",
        ehr,
        0,
        call_of("ehr_access", "review", (6u64, true)),
    );
    s.sign_as("Charlie");
    s.call(
        "review",
        ehr,
        0,
        call_of("ehr_access", "review", (6u64, true)),
    );
    s.call(
        "review again",
        ehr,
        0,
        call_of("ehr_access", "review", (6u64, true)),
    );
    s.sign_as("Dave");
    s.call(
        "officer reports after the patient",
        ehr,
        0,
        call_of("ehr_access", "review", (6u64, false)),
    );
    s.call(
        "pending reviews",
        ehr,
        0,
        call_of(
            "ehr_access",
            "pending_reviews",
            (id("Charlie"), 0u32, 50u32),
        ),
    );
    let window = (id("Charlie"), 0u64, u64::MAX, 0u32, 50u32);
    s.sign_as("Eve");
    s.call(
        "accounting by delegate",
        ehr,
        0,
        call_of("ehr_access", "accounting_of_disclosures", window),
    );
    s.sign_as("Ferdie");
    s.call(
        "accounting by stranger",
        ehr,
        0,
        call_of("ehr_access", "accounting_of_disclosures", window),
    );
    s.call(
        "history by a stranger",
        consent,
        0,
        call_of("consent", "consents_of", (id("Charlie"), 0u32, 10u32)),
    );
    s.call(
        "audit entry by a stranger",
        ehr,
        0,
        call_of("ehr_access", "audit_entry", 0u64),
    );
    s.sign_as("Eve");
    s.call(
        "history by the delegate",
        consent,
        0,
        call_of("consent", "consents_of", (id("Charlie"), 0u32, 10u32)),
    );
    s.call(
        "delegate grants itself",
        consent,
        0,
        call_of(
            "consent",
            "record",
            (
                id("Charlie"),
                id("Eve"),
                0u8,
                vec![4u8],
                vec![5u8],
                0u64,
                Some(u64::MAX),
            ),
        ),
    );
    s.call(
        "part 2 permit without an end",
        consent,
        0,
        call_of(
            "consent",
            "record",
            (
                id("Charlie"),
                id("Bob"),
                0u8,
                vec![0u8],
                vec![5u8],
                0u64,
                None::<u64>,
            ),
        ),
    );

    // DSCSA from commissioning to dispensing, with refusals on the way.
    s.sign_as("Alice");
    let dscsa = s
        .instantiate("dscsa new", dscsa_hash, 0, new_of("dscsa", ()), b"")
        .expect("dscsa");
    for (who, kind, gln) in [
        ("Bob", 0u8, "0300012000006"),
        ("Charlie", 2u8, "0614141000005"),
        ("Dave", 3u8, "0614141000012"),
        ("Eve", 4u8, "0614141000029"),
    ] {
        s.call(
            "add partner",
            dscsa,
            0,
            call_of(
                "dscsa",
                "add_partner",
                (id(who), kind, gln.to_string(), "L-1".to_string()),
            ),
        );
    }
    s.call(
        "bad GLN",
        dscsa,
        0,
        call_of(
            "dscsa",
            "add_partner",
            (
                id("Ferdie"),
                3u8,
                "0614141000013".to_string(),
                "L".to_string(),
            ),
        ),
    );
    s.call(
        "assign prefix",
        dscsa,
        0,
        call_of("dscsa", "add_prefix", (id("Bob"), "0300012")),
    );
    s.call(
        "assign overlapping prefix",
        dscsa,
        0,
        call_of("dscsa", "add_prefix", (id("Charlie"), "030001")),
    );
    let (gtin, sscc, expiry) = ("00300012345671", "003000120000000013", 4_102_444_800_000u64);
    s.call(
        "prefix owner",
        dscsa,
        0,
        call_of("dscsa", "brand_owner", gtin),
    );
    s.sign_as("Bob");
    s.call(
        "assign prefix, not operator",
        dscsa,
        0,
        call_of("dscsa", "add_prefix", (id("Bob"), "0614141")),
    );
    for serial in ["SN1", "SN2", "SN3"] {
        s.call(
            "commission",
            dscsa,
            0,
            call_of("dscsa", "commission", (gtin, serial, "LOT1", expiry)),
        );
    }
    s.call(
        "duplicate serial",
        dscsa,
        0,
        call_of("dscsa", "commission", (gtin, "SN1", "LOT1", expiry)),
    );
    s.call(
        "bad GTIN",
        dscsa,
        0,
        call_of(
            "dscsa",
            "commission",
            ("00300012345672", "SN4", "LOT1", expiry),
        ),
    );
    s.call(
        "pack",
        dscsa,
        0,
        call_of("dscsa", "pack", (sscc, vec![(gtin, "SN1"), (gtin, "SN2")])),
    );
    let package = |serial: &str| (0u8, gtin.to_string(), serial.to_string());
    let container = (1u8, sscc.to_string());
    s.call(
        "ship packed package",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                package("SN1"),
                id("Charlie"),
                None::<Account>,
                [1u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "ship to oneself",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Bob"),
                None::<Account>,
                [1u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "ship without transaction information",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Charlie"),
                None::<Account>,
                [0u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "ship to dispenser, then void",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Dave"),
                None::<Account>,
                [1u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "void shipment",
        dscsa,
        0,
        call_of("dscsa", "void_shipment", container.clone()),
    );
    s.call(
        "void shipment again",
        dscsa,
        0,
        call_of("dscsa", "void_shipment", container.clone()),
    );
    s.call(
        "ship without statement",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Charlie"),
                None::<Account>,
                [1u8; 32],
                false,
            ),
        ),
    );
    s.call(
        "ship case via 3PL",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Charlie"),
                Some(id("Eve")),
                [1u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "verify in transit",
        dscsa,
        0,
        call_of("dscsa", "verify", (gtin, "SN1", "LOT1", expiry)),
    );
    s.sign_as("Dave");
    s.call(
        "receive by someone else",
        dscsa,
        0,
        call_of("dscsa", "receive", container.clone()),
    );
    s.sign_as("Charlie");
    s.call("receive", dscsa, 0, call_of("dscsa", "receive", container));
    s.call("unpack", dscsa, 0, call_of("dscsa", "unpack", sscc));
    s.call(
        "ship to dispenser",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (package("SN1"), id("Dave"), None::<Account>, [2u8; 32], true),
        ),
    );
    s.call(
        "quarantine",
        dscsa,
        0,
        call_of("dscsa", "quarantine", (gtin, "SN2", "damaged")),
    );
    s.call(
        "ship quarantined",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (package("SN2"), id("Dave"), None::<Account>, [2u8; 32], true),
        ),
    );
    s.call(
        "declare illegitimate",
        dscsa,
        0,
        call_of(
            "dscsa",
            "declare_illegitimate",
            (gtin, "SN2", "counterfeit"),
        ),
    );
    s.sign_as("Dave");
    s.call(
        "receive at pharmacy",
        dscsa,
        0,
        call_of("dscsa", "receive", package("SN1")),
    );
    s.call(
        "dispense",
        dscsa,
        0,
        call_of("dscsa", "dispense", (gtin, "SN1")),
    );
    s.call(
        "dispense again",
        dscsa,
        0,
        call_of("dscsa", "dispense", (gtin, "SN1")),
    );
    s.sign_as("Bob");
    s.call(
        "recall",
        dscsa,
        0,
        call_of("dscsa", "recall", (gtin, "LOT1")),
    );
    s.call(
        "ship recalled",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                package("SN3"),
                id("Charlie"),
                None::<Account>,
                [3u8; 32],
                true,
            ),
        ),
    );
    for serial in ["SN1", "SN2", "SN3"] {
        s.call(
            "verify",
            dscsa,
            0,
            call_of("dscsa", "verify", (gtin, serial, "LOT1", expiry)),
        );
    }
    s.call(
        "history, no DSCSA reason",
        dscsa,
        0,
        call_of("dscsa", "history", (gtin, "SN1", 0u32, 50u32)),
    );
    s.sign_as("Dave");
    s.call(
        "history by the owner",
        dscsa,
        0,
        call_of("dscsa", "history", (gtin, "SN1", 0u32, 50u32)),
    );
    s.call(
        "package by the owner",
        dscsa,
        0,
        call_of("dscsa", "package", (gtin, "SN1")),
    );
    s.sign_as("Bob");

    // The sentinel's on-chain half: care relations, the organization-wide consent,
    // verification requests as events, the oracle, model hashes, flags and reviews.
    let model = [9u8; 32];
    s.sign_as("Alice");
    s.call(
        "care relation, appended",
        ehr,
        0,
        call_of(
            "ehr_access",
            "register_care_relation",
            (id("Charlie"), id("Bob"), 0u64, 1_000u64),
        ),
    );
    s.call(
        "care relation, empty period",
        ehr,
        0,
        call_of(
            "ehr_access",
            "register_care_relation",
            (id("Charlie"), id("Bob"), 5u64, 5u64),
        ),
    );
    s.call(
        "care relation query",
        ehr,
        0,
        call_of("ehr_access", "care_relations", (id("Charlie"), id("Bob"))),
    );
    s.sign_as("Charlie");
    let to_organization = (
        id("Charlie"),
        id("Alice"),
        0u8,
        vec![0u8],
        Vec::<u8>::new(),
        0u64,
        None::<u64>,
    );
    s.call(
        "consent to the organization",
        consent,
        0,
        call_of("consent", "record", to_organization),
    );
    s.call(
        "decision, silence",
        consent,
        0,
        call_of("consent", "decision", (id("Charlie"), id("Bob"), 0u8, 2u8)),
    );
    s.sign_as("Bob");
    s.call(
        "access via the organization",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.sign_as("Ferdie");
    s.call(
        "model by a stranger",
        ehr,
        0,
        call_of("ehr_access", "register_model", model),
    );
    s.sign_as("Alice");
    s.call(
        "set oracle",
        ehr,
        0,
        call_of("ehr_access", "set_oracle", Some(id("Ferdie"))),
    );
    s.sign_as("Ferdie");
    s.call(
        "flag, unknown model",
        ehr,
        0,
        call_of("ehr_access", "flag_access", (0u64, 9_000u16, 5u32, model)),
    );
    s.call(
        "register model",
        ehr,
        0,
        call_of("ehr_access", "register_model", model),
    );
    s.call(
        "register model again",
        ehr,
        0,
        call_of("ehr_access", "register_model", model),
    );
    s.call(
        "flag, score too high",
        ehr,
        0,
        call_of("ehr_access", "flag_access", (0u64, 10_001u16, 5u32, model)),
    );
    s.call(
        "flag",
        ehr,
        0,
        call_of("ehr_access", "flag_access", (0u64, 9_000u16, 5u32, model)),
    );
    s.call(
        "flag again",
        ehr,
        0,
        call_of("ehr_access", "flag_access", (0u64, 9_000u16, 5u32, model)),
    );
    s.call(
        "open flags",
        ehr,
        0,
        call_of("ehr_access", "open_flags", id("Charlie")),
    );
    s.call(
        "close flag, not the officer",
        ehr,
        0,
        call_of("ehr_access", "close_flag", (0u64, true)),
    );
    s.sign_as("Dave");
    s.call(
        "close flag",
        ehr,
        0,
        call_of("ehr_access", "close_flag", (0u64, true)),
    );
    s.call(
        "close flag again",
        ehr,
        0,
        call_of("ehr_access", "close_flag", (0u64, false)),
    );
    s.call("flag record", ehr, 0, call_of("ehr_access", "flag", 0u64));
    s.call(
        "verification request",
        dscsa,
        0,
        call_of(
            "dscsa",
            "request_verification",
            (gtin, "SN1", "LOT1", expiry, id("Dave"), 3u8),
        ),
    );
    s.call(
        "verification request, never commissioned",
        dscsa,
        0,
        call_of(
            "dscsa",
            "request_verification",
            (gtin, "FAKE1", "LOT1", expiry, id("Dave"), 1u8),
        ),
    );
    s.sign_as("Ferdie");
    s.call(
        "verification request by a stranger",
        dscsa,
        0,
        call_of(
            "dscsa",
            "request_verification",
            (gtin, "SN1", "LOT1", expiry, id("Dave"), 3u8),
        ),
    );
    s.sign_as("Alice");
    s.call(
        "set oracle (dscsa)",
        dscsa,
        0,
        call_of("dscsa", "set_oracle", Some(id("Ferdie"))),
    );
    s.sign_as("Ferdie");
    s.call(
        "register model (dscsa)",
        dscsa,
        0,
        call_of("dscsa", "register_model", model),
    );
    s.call(
        "flag serial",
        dscsa,
        0,
        call_of(
            "dscsa",
            "flag_serial",
            (gtin, "SN3", 9_500u16, 1u32 << 17, model),
        ),
    );
    s.call(
        "flag serial again",
        dscsa,
        0,
        call_of(
            "dscsa",
            "flag_serial",
            (gtin, "SN3", 9_500u16, 1u32 << 17, model),
        ),
    );
    s.call(
        "flag counterfeit",
        dscsa,
        0,
        call_of(
            "dscsa",
            "flag_serial",
            (gtin, "FAKE1", 9_900u16, 1u32 << 16, model),
        ),
    );
    s.sign_as("Dave");
    s.call(
        "close serial flag, not owner",
        dscsa,
        0,
        call_of("dscsa", "close_serial_flag", (0u64, true)),
    );
    s.sign_as("Bob");
    s.call(
        "close own serial flag",
        dscsa,
        0,
        call_of("dscsa", "close_serial_flag", (0u64, true)),
    );
    s.sign_as("Alice");
    s.call(
        "close serial flag before quarantine",
        dscsa,
        0,
        call_of("dscsa", "close_serial_flag", (0u64, true)),
    );
    s.sign_as("Bob");
    s.call(
        "quarantine flagged",
        dscsa,
        0,
        call_of("dscsa", "quarantine", (gtin, "SN3", "sentinel flag")),
    );
    s.sign_as("Alice");
    s.call(
        "close serial flag",
        dscsa,
        0,
        call_of("dscsa", "close_serial_flag", (0u64, true)),
    );
    s.call(
        "serial flag record",
        dscsa,
        0,
        call_of("dscsa", "serial_flag", 1u64),
    );

    s.finish();
}
