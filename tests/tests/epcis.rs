//! The EPCIS mapping against GS1's own artefacts (`../shared/data/epcis`, read in
//! place, never copied): every example document of the EPCIS 2.0 standard validates
//! against the standard's JSON schema and is read without error, each event either
//! mapped or reported with its line; an exported history validates too.

use std::path::PathBuf;

use carechain_host::epcis::export::{document, Action, Entry};
use carechain_host::epcis::import::{read, validate};
use carechain_host::epcis::Reason;

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
        entry(Action::Received),
        entry(Action::Quarantined("suspect".into())),
        entry(Action::Cleared),
        entry(Action::Recalled),
        entry(Action::Dispensed),
        entry(Action::Decommissioned(Reason::Stolen)),
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
