//! The EPCIS mapping against GS1's own artefacts (`../shared/data/epcis`, read in
//! place, never copied): every example document of the EPCIS 2.0 standard validates
//! against the standard's JSON schema and is read without error, each event either
//! mapped or reported with its line; an exported history validates too.
//!
//! And the `epcis` verbs on the real compiled DSCSA contract on the real host (a
//! state directory, as `--state` opens it): an import whose manufacturer holds no
//! GS1 company prefix is refused whole with what the operator must do, then goes
//! through in full once the prefix is assigned; packages move through the new CBV
//! steps and dispositions (void_shipping, returned, damaged, partially_dispensed,
//! repackaging) by import, and their histories export, to those the contract answers
//! only, as documents that validate against the schema.

use std::path::{Path, PathBuf};

use carechain_cli::{self as cli, Cli, Command, Format};
use carechain_epcis::export::{document, Action, Entry};
use carechain_epcis::import::{read, validate};
use carechain_epcis::{ids, rfc3339, Reason};
use carechain_rpc::Client;
use carechain_rpc::{Address, Bytes, DryRunCall, DryRunRequest};
use carechain_runtime::{code_hash, AccountId, Call, Keypair};
use carechain_tests::{dev, ink_artifact, selector, signed, workspace_root, GAS};
use parity_scale_codec::{Decode, Encode};
use serde_json::Value;

fn epcis_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/epcis");
    if dir.join("EPCIS-JSON-Schema.json").exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: GS1 EPCIS artefacts not found at {}",
            dir.display()
        );
        None
    }
}

fn schema(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("EPCIS-JSON-Schema.json")).expect("schema");
    serde_json::from_str(&text).expect("schema is JSON")
}

#[test]
fn every_gs1_example_validates_and_reads_each_event_mapped_or_reported_by_line() {
    let Some(dir) = epcis_dir() else { return };
    let schema = schema(&dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("examples"))
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the GS1 examples are there");
    let (mut mapped, mut unmapped) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let import =
            read(&text, Some(&schema)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for u in &import.unmapped {
            assert!(u.line > 1 && !u.reason.is_empty(), "{u:?}");
        }
        mapped += import.mapped.len();
        unmapped += import.unmapped.len();
        for m in &import.unmapped {
            println!(
                "{}:{}: {}: {}",
                file.file_name().unwrap_or_default().to_string_lossy(),
                m.line,
                m.what,
                m.reason
            );
        }
    }
    println!(
        "{} documents: {mapped} events mapped, {unmapped} reported",
        files.len()
    );
    assert!(
        unmapped > 0,
        "GS1's generic examples are mostly not DSCSA transactions"
    );
}

#[test]
fn a_document_that_breaks_the_schema_is_refused_with_the_schema_error() {
    let Some(dir) = epcis_dir() else { return };
    let schema = schema(&dir);
    let text = r#"{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "not a date",
        "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "SOMETIMES",
        "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "epcList": []}]}}"#;
    let error = read(text, Some(&schema)).expect_err("invalid");
    assert!(error.to_string().contains("schema"), "{error}");
}

#[test]
fn an_exported_history_validates_against_the_schema() {
    let Some(dir) = epcis_dir() else { return };
    let schema = schema(&dir);
    let entry = |action| Entry {
        actor_gln: Some("0614141073467".into()),
        at: 1_767_225_600_000,
        action,
    };
    let history = [
        entry(Action::CommissionedFrom {
            source: [1; 32],
            lot: "L1".into(),
            expiry: 1_806_451_200_000,
        }),
        entry(Action::Commissioned {
            lot: "L1".into(),
            expiry: 1_806_451_200_000,
        }),
        entry(Action::Packed("106141412345678908".into())),
        entry(Action::Unpacked("106141412345678908".into())),
        entry(Action::Shipped {
            to_gln: Some("0614141007776".into()),
            transaction_information: [7; 32],
        }),
        entry(Action::ShipmentVoided),
        entry(Action::Received),
        entry(Action::ReturnReceived),
        entry(Action::ReturnVerified),
        entry(Action::Quarantined("suspect".into())),
        entry(Action::Cleared),
        entry(Action::DeclaredIllegitimate("counterfeit".into())),
        entry(Action::Recalled),
        entry(Action::Damaged),
        entry(Action::PartiallyDispensed),
        entry(Action::Dispensed),
        entry(Action::Decommissioned(Reason::Stolen)),
        entry(Action::Decommissioned(Reason::Sample)),
        entry(Action::Decommissioned(Reason::Repackaged)),
        entry(Action::Repackaged([2; 32])),
    ];
    let mut extensions = serde_json::Map::new();
    extensions.insert(
        "contract".into(),
        serde_json::json!("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
    );
    let doc = document(
        "10614141073464",
        "SN1",
        &history,
        1_767_225_600_000,
        extensions,
    );
    validate(&schema, &doc).unwrap_or_else(|e| panic!("{e}\n{doc:#}"));
}

// ---- The verbs on the real contract -------------------------------------------------

/// The manufacturer's GS1 company prefix and GTIN (item reference 67890).
const PHARMACO_PREFIX: &str = "0312345";
const GTIN: &str = "00312345678906";
/// The case SN1 to SN4 are packed into, under the manufacturer's prefix.
const SSCC: &str = "003123450000001230";
/// The repackager's prefix; its GTIN (item reference 34567).
const REPACKAGER_PREFIX: &str = "0300012";
const REPACKAGED_GTIN: &str = "00300012345671";
const LOT: &str = "LOT2611A";
const EXPIRY: &str = "2028-06-30";

/// A chain in a state directory with the DSCSA contract deployed by //Alice (the
/// operator) and its trading partners registered.
struct World {
    dir: tempfile::TempDir,
    contract: AccountId,
}

fn gln(pgln: &str) -> String {
    ids::gln(pgln).expect("a PGLN")
}

fn account(name: &str) -> AccountId {
    dev(name).account_id()
}

fn client(dir: &Path) -> Client {
    Client::local(dir).unwrap_or_else(|e| panic!("opens the state directory: {e}"))
}

fn message(label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector("dscsa", label).to_vec();
    args.encode_to(&mut data);
    data
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let wasm = std::fs::read(ink_artifact("dscsa", "wasm")).expect("dscsa.wasm");
        let alice = dev("Alice");
        let contract = {
            let client = client(dir.path());
            let receipt = submit(&client, &alice, Call::UploadCode { code: wasm.clone() });
            assert_eq!(
                receipt.outcome,
                carechain_rpc::OutcomeKind::Success,
                "{receipt:?}"
            );
            let ctor = selector("dscsa", "new").to_vec();
            let receipt = submit(
                &client,
                &alice,
                Call::Instantiate {
                    code_hash: code_hash(&wasm),
                    value: 0,
                    data: ctor,
                    salt: vec![],
                },
            );
            receipt.instantiated.expect("instantiated").0
        };
        let world = World { dir, contract };
        // PartnerKind: Manufacturer 0, Repackager 1, WholesaleDistributor 2, Dispenser 3.
        for (name, kind, pgln) in [
            ("PharmaCo", 0u8, PHARMACO),
            ("Repackager", 1, REPACKAGER),
            ("Wholesaler", 2, WHOLESALER),
            ("Pharmacy", 3, PHARMACY),
        ] {
            let args = (account(name), kind, gln(pgln), "NJ-1".to_string());
            world.call("Alice", "add_partner", args);
            // A partner pays the storage deposit of what its events store.
            let funding = Call::Transfer {
                dest: account(name),
                value: 1 << 50,
            };
            submit(&world.client(), &alice, funding);
        }
        world
    }

    fn client(&self) -> Client {
        client(self.dir.path())
    }

    /// Signs and submits a contract call; panics unless it succeeds.
    fn call(&self, who: &str, label: &str, args: impl Encode) {
        let client = self.client();
        let receipt = submit(
            &client,
            &dev(who),
            Call::Call {
                dest: self.contract,
                value: 0,
                data: message(label, args),
            },
        );
        assert_eq!(
            receipt.outcome,
            carechain_rpc::OutcomeKind::Success,
            "{who} {label}: {receipt:?}"
        );
    }

    fn assign_prefix(&self, who: &str, prefix: &str) {
        self.call("Alice", "add_prefix", (account(who), prefix.to_string()));
    }

    /// A read-only message as `origin`: `Result<T, LangError>` decoded.
    fn query<T: Decode>(&self, origin: &str, label: &str, args: impl Encode) -> T {
        let run = self
            .client()
            .dry_run(&DryRunRequest {
                origin: Address(account(origin)),
                gas_limit: None,
                storage_deposit_limit: None,
                call: DryRunCall::Call {
                    dest: Address(self.contract),
                    value: 0,
                    data: Bytes(message(label, args)),
                },
            })
            .expect("dry run");
        match <Result<T, u8>>::decode(&mut &run.data.0[..]) {
            Ok(Ok(v)) => v,
            other => panic!("{label}: {run:?} ({:?})", other.is_ok()),
        }
    }

    /// `verify(GTIN, serial, lot, expiry)`: (verified, status index).
    fn verify(&self, gtin: &str, serial: &str, expiry: &str) -> (bool, Option<u8>) {
        let expiry = carechain_epcis::date_ms(expiry).expect("date");
        let args = (
            gtin.to_string(),
            serial.to_string(),
            LOT.to_string(),
            expiry,
        );
        self.query("Eve", "verify", args)
    }

    fn head(&self) -> (u64, String) {
        let info = self.client().info().expect("info");
        (info.head.number, info.head.state_root.0.to_string())
    }

    /// Runs `carechain epcis <words> --contract C --state DIR --bundle-dir target/ink`.
    fn epcis(&self, words: &[&str]) -> Result<(), String> {
        let mut line: Vec<String> = words.iter().map(ToString::to_string).collect();
        line.extend([
            "--contract".into(),
            self.contract.to_ss58(),
            "--state".into(),
            self.dir.path().display().to_string(),
            "--bundle-dir".into(),
            workspace_root().join("target/ink").display().to_string(),
        ]);
        if words.first() == Some(&"import") {
            if let Some(dir) = epcis_dir() {
                line.extend([
                    "--schema".into(),
                    dir.join("EPCIS-JSON-Schema.json").display().to_string(),
                ]);
            }
        }
        let command = Command::Epcis(line.try_into().map_err(|e| format!("{e}"))?);
        cli::run(Cli {
            output: Format::Text,
            command,
        })
        .map_err(|e| format!("{e:#}"))
    }

    /// Imports `events` as `who`.
    fn import(&self, who: &str, name: &str, events: &[String]) -> Result<(), String> {
        let path = self.dir.path().join(format!("{name}.jsonld"));
        std::fs::write(&path, epcis_document(events)).expect("write");
        let path = path.display().to_string();
        self.epcis(&["import", &path, "--suri", &format!("//{who}")])
    }

    /// Exports (GTIN, serial)'s history as `who`.
    fn export(&self, who: &str, gtin: &str, serial: &str) -> Result<Value, String> {
        let out = self.dir.path().join(format!("{serial}-{who}.json"));
        let out_text = out.display().to_string();
        let id = format!("{gtin}/{serial}");
        self.epcis(&[
            "export",
            "--serial",
            &id,
            "--suri",
            &format!("//{who}"),
            "--out",
            &out_text,
        ])?;
        let text = std::fs::read_to_string(&out).expect("exported");
        Ok(serde_json::from_str(&text).expect("JSON"))
    }
}

/// Uploads pay for their compile as gas.
fn gas_for(call: &Call) -> carechain_runtime::Weight {
    match call {
        Call::UploadCode { .. } => carechain_tests::UPLOAD_GAS,
        _ => GAS,
    }
}

fn submit(client: &Client, key: &Keypair, call: Call) -> carechain_rpc::ReceiptView {
    let genesis = client.info().expect("info").genesis_hash.0;
    let nonce = client
        .account(Address(key.account_id()))
        .expect("account")
        .nonce;
    client
        .submit(&signed(key, genesis, nonce, gas_for(&call), call))
        .unwrap_or_else(|e| panic!("submit: {e}"))
}

fn epcis_document(events: &[String]) -> String {
    format!(
        r#"{{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
               {{ "cbvmda": "urn:epcglobal:cbv:mda:", "carechain": "https://carechain.dev/epcis/" }}],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-20T16:05:00.000Z",
  "epcisBody": {{ "eventList": [
{}
  ]}}
}}"#,
        events.join(",\n")
    )
}

fn sgtin(serial: &str) -> String {
    format!("urn:epc:id:sgtin:0312345.067890.{serial}")
}

const SSCC_URN: &str = "urn:epc:id:sscc:0312345.0000000123";

fn event(body: &str) -> String {
    format!(
        r#"    {{ "eventTime": "2026-11-20T08:15:00.000Z", "eventTimeZoneOffset": "-05:00", {body} }}"#
    )
}

fn epc_list(serials: &[&str]) -> String {
    let epcs: Vec<String> = serials
        .iter()
        .map(|s| format!("\"{}\"", sgtin(s)))
        .collect();
    epcs.join(", ")
}

fn commissioning(serials: &[&str], expiry: &str) -> String {
    event(&format!(
        r#""type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning", "disposition": "active",
        "epcList": [{}], "ilmd": {{ "cbvmda:lotNumber": "{LOT}", "cbvmda:itemExpirationDate": "{expiry}" }}"#,
        epc_list(serials)
    ))
}

fn packing(serials: &[&str]) -> String {
    event(&format!(
        r#""type": "AggregationEvent", "action": "ADD", "bizStep": "packing", "disposition": "container_closed",
        "parentID": "{SSCC_URN}", "childEPCs": [{}]"#,
        epc_list(serials)
    ))
}

fn shipping(epcs: &str, to_pgln: &str, po: &str) -> String {
    event(&format!(
        r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
        "epcList": [{epcs}],
        "bizTransactionList": [{{ "type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000029:{po}" }}],
        "destinationList": [{{ "type": "owning_party", "destination": "{to_pgln}" }}]"#
    ))
}

fn observe(epcs: &str, step: &str, disposition: &str) -> String {
    event(&format!(
        r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "{step}", "disposition": "{disposition}",
        "epcList": [{epcs}]"#
    ))
}

const WHOLESALER: &str = "urn:epc:id:pgln:0614141.00002";
const PHARMACY: &str = "urn:epc:id:pgln:0987654.00003";
const PHARMACO: &str = "urn:epc:id:pgln:0312345.00001";
const REPACKAGER: &str = "urn:epc:id:pgln:0300012.00001";

/// The manufacturer's document: SN1 to SN4 commissioned, packed, shipped.
fn manufacturer_document() -> Vec<String> {
    let serials = ["SN1", "SN2", "SN3", "SN4"];
    vec![
        commissioning(&serials, EXPIRY),
        packing(&serials),
        shipping(&format!("\"{SSCC_URN}\""), WHOLESALER, "PO-1"),
    ]
}

fn error_text(result: Result<(), String>) -> String {
    result.expect_err("refused")
}

#[test]
fn an_import_whose_manufacturer_holds_no_prefix_is_refused_whole_then_applies_in_full() {
    let world = World::new();
    let before = world.head();
    let error = error_text(world.import("PharmaCo", "no-prefix", &manufacturer_document()));
    println!("{error}");
    assert!(
        error.contains(&format!("GS1 company prefix {PHARMACO_PREFIX}")),
        "{error}"
    );
    assert!(error.contains("add_prefix"), "{error}");
    assert!(error.contains(&account("PharmaCo").to_ss58()), "{error}");
    assert!(error.contains(&format!("SSCC {SSCC}")), "{error}");
    assert!(
        error.contains("nothing of the document was submitted"),
        "{error}"
    );
    assert_eq!(world.head(), before, "no block, no state change");
    assert_eq!(world.verify(GTIN, "SN1", EXPIRY), (false, None));

    // Another partner's prefix does not do either.
    world.assign_prefix("Repackager", "0312");
    let error = error_text(world.import("PharmaCo", "other-prefix", &manufacturer_document()));
    assert!(error.contains("held by"), "{error}");
    assert!(error.contains("NotBrandOwner"), "{error}");
    world.call("Alice", "remove_prefix", "0312".to_string());

    // Once the operator assigns the prefix, the very same document applies in full.
    world.assign_prefix("PharmaCo", PHARMACO_PREFIX);
    world
        .import("PharmaCo", "with-prefix", &manufacturer_document())
        .expect("applies");
    for serial in ["SN1", "SN2", "SN3", "SN4"] {
        // Status InTransit (1): commissioned, packed and shipped.
        assert_eq!(
            world.verify(GTIN, serial, EXPIRY),
            (true, Some(1)),
            "{serial}"
        );
    }
    // The same document again: duplicate serials, refused in the block, nothing applied.
    let before = world.head();
    let error = error_text(world.import("PharmaCo", "again", &manufacturer_document()));
    assert!(error.contains("DuplicateSerial"), "{error}");
    assert!(
        error.contains("nothing of the document was applied"),
        "{error}"
    );
    assert_eq!(world.head().1, before.1, "same state");
}

#[test]
fn a_shipment_without_transaction_information_or_to_oneself_is_refused_before_submitting() {
    let world = World::new();
    world.assign_prefix("PharmaCo", PHARMACO_PREFIX);
    let without = event(&format!(
        r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping",
        "epcList": ["{}"], "destinationList": [{{ "type": "owning_party", "destination": "{WHOLESALER}" }}]"#,
        sgtin("SN1")
    ));
    let before = world.head();
    // The shipment is reported as not mapped; the commissioning alone applies.
    world
        .import(
            "PharmaCo",
            "no-bt",
            &[commissioning(&["SN1"], EXPIRY), without],
        )
        .expect("the commissioning applies");
    assert_eq!(world.verify(GTIN, "SN1", EXPIRY), (true, Some(0)), "Active");
    assert_ne!(world.head(), before);

    let before = world.head();
    let to_self = shipping(&format!("\"{}\"", sgtin("SN1")), PHARMACO, "PO-2");
    let error = error_text(world.import("PharmaCo", "self", &[to_self]));
    assert!(error.contains("does not ship to itself"), "{error}");
    assert_eq!(world.head(), before);
}

#[test]
fn expired_product_is_refused_at_commissioning_and_does_not_ship() {
    let world = World::new();
    world.assign_prefix("PharmaCo", PHARMACO_PREFIX);
    let before = world.head();
    let error = error_text(world.import(
        "PharmaCo",
        "expired",
        &[commissioning(&["SN1"], "2020-01-31")],
    ));
    assert!(
        error.contains("expired product is not commissioned"),
        "{error}"
    );
    assert_eq!(world.head(), before);

    // A package that expires after its commissioning does not ship any more.
    let now = world.client().info().expect("info").head.timestamp;
    let expiry = now.max(wall_clock()) + 5_000;
    world
        .import(
            "PharmaCo",
            "soon",
            &[commissioning(&["SN2"], &rfc3339(expiry))],
        )
        .expect("commissioned");
    while wall_clock() <= expiry + 100 {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let ship = shipping(&format!("\"{}\"", sgtin("SN2")), WHOLESALER, "PO-3");
    let error = error_text(world.import("PharmaCo", "ship-expired", &[ship]));
    assert!(error.contains("Expired"), "{error}");
    assert!(error.contains("can only be decommissioned"), "{error}");
}

fn wall_clock() -> u64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// The (bizStep, disposition) of each event of an exported document, with its type.
fn steps(doc: &Value) -> Vec<String> {
    doc["epcisBody"]["eventList"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["type"].as_str().unwrap_or_default(),
                e["bizStep"].as_str().unwrap_or_default(),
                e["disposition"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn packages_move_through_the_new_cbv_steps_by_import_and_export_to_their_parties_only() {
    let world = World::new();
    world.assign_prefix("PharmaCo", PHARMACO_PREFIX);
    world.assign_prefix("Repackager", REPACKAGER_PREFIX);
    world
        .import("PharmaCo", "manufacturer", &manufacturer_document())
        .expect("manufacturer");

    // The wholesaler: receives and unpacks the case; ships SN1 to the pharmacy, voids
    // that shipment and ships again; reports SN2 damaged; returns SN3 to PharmaCo;
    // sells SN4 to the repackager.
    let one = |serial: &str| format!("\"{}\"", sgtin(serial));
    let sscc = format!("\"{SSCC_URN}\"");
    let unpacking = event(&format!(
        r#""type": "AggregationEvent", "action": "DELETE", "bizStep": "unpacking", "parentID": "{SSCC_URN}""#
    ));
    world
        .import(
            "Wholesaler",
            "wholesaler",
            &[
                observe(&sscc, "receiving", "in_progress"),
                unpacking,
                shipping(&one("SN1"), PHARMACY, "PO-10"),
                observe(&one("SN1"), "void_shipping", "active"),
                shipping(&one("SN1"), PHARMACY, "PO-11"),
                observe(&one("SN2"), "inspecting", "damaged"),
                shipping(&one("SN3"), PHARMACO, "RMA-1"),
                shipping(&one("SN4"), REPACKAGER, "PO-12"),
            ],
        )
        .expect("wholesaler");

    // The pharmacy receives SN1, dispenses part of it, then the rest.
    world
        .import(
            "Pharmacy",
            "pharmacy",
            &[
                observe(&one("SN1"), "receiving", "in_progress"),
                observe(&one("SN1"), "dispensing", "partially_dispensed"),
                observe(&one("SN1"), "dispensing", "dispensed"),
            ],
        )
        .expect("pharmacy");

    // PharmaCo receives SN3 back: a saleable return, Returned (8) until verified.
    world
        .import(
            "PharmaCo",
            "return",
            &[observe(&one("SN3"), "receiving", "returned")],
        )
        .expect("return");
    assert_eq!(world.verify(GTIN, "SN3", EXPIRY), (true, Some(8)));
    // Its saleable-return verification (context SaleableReturn 0, presented by the
    // wholesaler that returned it) makes it saleable again.
    let expiry = carechain_epcis::date_ms(EXPIRY).expect("date");
    world.call(
        "PharmaCo",
        "request_verification",
        (
            GTIN.to_string(),
            "SN3".to_string(),
            LOT.to_string(),
            expiry,
            account("Wholesaler"),
            0u8,
        ),
    );
    assert_eq!(world.verify(GTIN, "SN3", EXPIRY), (true, Some(0)));

    // The repackager receives SN4 and repackages it under its own prefix.
    let repackaging = event(&format!(
        r#""type": "TransformationEvent", "bizStep": "repackaging", "disposition": "active",
        "inputEPCList": [{}], "outputEPCList": ["urn:epc:id:sgtin:0300012.034567.R1"],
        "ilmd": {{ "cbvmda:lotNumber": "{LOT}", "cbvmda:itemExpirationDate": "2028-01-31" }}"#,
        one("SN4")
    ));
    world
        .import(
            "Repackager",
            "repackager",
            &[
                observe(&one("SN4"), "receiving", "in_progress"),
                repackaging,
            ],
        )
        .expect("repackager");
    assert_eq!(
        world.verify(REPACKAGED_GTIN, "R1", "2028-01-31"),
        (true, Some(0))
    );
    assert_eq!(
        world.verify(GTIN, "SN4", EXPIRY),
        (true, Some(5)),
        "Decommissioned"
    );
    assert_eq!(
        ids::sgtin("urn:epc:id:sgtin:0300012.034567.R1").map(|g| g.0),
        Some(REPACKAGED_GTIN.to_string())
    );

    // Exports, by the parties the contract answers.
    let schema = epcis_dir().map(|d| schema(&d));
    let check = |doc: &Value| {
        if let Some(schema) = &schema {
            validate(schema, doc).unwrap_or_else(|e| panic!("{e}\n{doc:#}"));
        }
    };
    let sn1 = world
        .export("Pharmacy", GTIN, "SN1")
        .expect("the owner reads");
    check(&sn1);
    assert_eq!(
        steps(&sn1),
        [
            "ObjectEvent commissioning active",
            "AggregationEvent packing container_closed",
            "ObjectEvent shipping in_transit",
            "ObjectEvent receiving in_progress",
            "AggregationEvent unpacking ",
            "ObjectEvent shipping in_transit",
            "ObjectEvent void_shipping active",
            "ObjectEvent shipping in_transit",
            "ObjectEvent receiving in_progress",
            "ObjectEvent dispensing partially_dispensed",
            "ObjectEvent dispensing dispensed",
        ]
    );
    assert!(sn1["carechain:stateProof"].is_object());
    let sn2 = world
        .export("Wholesaler", GTIN, "SN2")
        .expect("the owner reads");
    check(&sn2);
    assert_eq!(
        steps(&sn2).last().map(String::as_str),
        Some("ObjectEvent inspecting damaged")
    );
    let sn3 = world
        .export("PharmaCo", GTIN, "SN3")
        .expect("the owner reads");
    check(&sn3);
    let sn3_steps = steps(&sn3);
    assert_eq!(
        sn3_steps[sn3_steps.len() - 2..],
        [
            "ObjectEvent receiving returned".to_string(),
            "ObjectEvent inspecting active".to_string()
        ]
    );
    let sn4 = world
        .export("Repackager", GTIN, "SN4")
        .expect("the owner reads");
    check(&sn4);
    assert_eq!(
        steps(&sn4).last().map(String::as_str),
        Some("TransformationEvent repackaging inactive")
    );
    let r1 = world
        .export("Repackager", REPACKAGED_GTIN, "R1")
        .expect("the owner reads");
    check(&r1);
    assert_eq!(steps(&r1), ["TransformationEvent repackaging active"]);
    assert_eq!(
        r1["epcisBody"]["eventList"][0]["ilmd"]["cbvmda:itemExpirationDate"],
        "2028-01-31"
    );
    // The operator reads everything.
    world
        .export("Alice", GTIN, "SN2")
        .expect("the operator reads");

    // Nobody else: a stranger and a former owner are refused, with what to do.
    for who in ["Eve", "PharmaCo"] {
        let error = world.export(who, GTIN, "SN1").expect_err("refused");
        assert!(error.contains("NotAuthorized"), "{who}: {error}");
        assert!(error.contains("--suri"), "{who}: {error}");
    }
    // An unknown serial looks the same to a stranger, and is unknown to the operator.
    let error = world.export("Eve", GTIN, "NOPE").expect_err("no");
    assert!(error.contains("NotAuthorized"), "{error}");
    let error = world.export("Alice", GTIN, "NOPE").expect_err("no");
    assert!(error.contains("no package"), "{error}");
}

#[test]
fn a_container_is_packed_only_under_the_packers_own_prefix() {
    let world = World::new();
    world.assign_prefix("PharmaCo", PHARMACO_PREFIX);
    world
        .import("PharmaCo", "commission", &[commissioning(&["SN1"], EXPIRY)])
        .expect("commissioned");
    // A case under the wholesaler's prefix (not assigned to PharmaCo).
    world.assign_prefix("Wholesaler", "0614141");
    let foreign = event(&format!(
        r#""type": "AggregationEvent", "action": "ADD", "bizStep": "packing",
        "parentID": "urn:epc:id:sscc:0614141.0000000777", "childEPCs": ["{}"]"#,
        sgtin("SN1")
    ));
    let before = world.head();
    let error = error_text(world.import("PharmaCo", "foreign-sscc", &[foreign]));
    assert!(error.contains("prefix 0614141, held by"), "{error}");
    assert!(
        error.contains(&format!("(GLN {})", gln(WHOLESALER))),
        "{error}"
    );
    assert_eq!(world.head(), before);
}
