//! The off-chain side decodes contract data with `health_types`, the very crate the
//! contracts are built from; this checks that claim against the built bundles: each
//! contract's metadata lists exactly the `health_types` events meant for it, under
//! the signature topics the Rust types compute, so the sentinel, the EPCIS export
//! and the CLI cannot drift from what the chain emits.

use std::collections::BTreeMap;

use carechain_tests::bundle;
use health_types::{consent, dscsa, ehr, oracle};
use ink::env::Event;

/// An event's label (its type's name) and signature topic, from the Rust type.
fn topic<E: Event>() -> (String, [u8; 32]) {
    let name = std::any::type_name::<E>();
    let label = name.rsplit("::").next().unwrap_or(name).to_string();
    let topic = E::SIGNATURE_TOPIC.unwrap_or_else(|| panic!("{label} is anonymous"));
    (label, topic)
}

/// Every event in `contract`'s metadata, by label.
fn metadata_topics(contract: &str) -> BTreeMap<String, [u8; 32]> {
    let bundle = bundle(contract);
    let json: serde_json::Value =
        serde_json::from_str(&bundle.metadata_json()).expect("metadata is JSON");
    let events = json["spec"]["events"].as_array().expect("spec.events");
    events
        .iter()
        .map(|e| {
            let label = e["label"].as_str().expect("label").to_string();
            let topic = bundle.event_topic(&label).expect("signature topic").0;
            (label, topic)
        })
        .collect()
}

fn oracle_events() -> Vec<(String, [u8; 32])> {
    vec![
        topic::<oracle::OracleSet>(),
        topic::<oracle::ModelRegistered>(),
    ]
}

#[test]
fn consent_emits_exactly_the_health_types_consent_events() {
    let expected = vec![
        topic::<consent::ConsentRecorded>(),
        topic::<consent::ConsentRevoked>(),
        topic::<consent::DelegateAdded>(),
        topic::<consent::DelegateRemoved>(),
        topic::<consent::ReaderAdded>(),
        topic::<consent::ReaderRemoved>(),
    ];
    assert_eq!(
        metadata_topics("consent"),
        expected.into_iter().collect::<BTreeMap<_, _>>()
    );
}

#[test]
fn dscsa_emits_exactly_the_health_types_dscsa_and_oracle_events() {
    let mut expected = vec![
        topic::<dscsa::PackageEvent>(),
        topic::<dscsa::IllegitimateProduct>(),
        topic::<dscsa::VerificationRequested>(),
        topic::<dscsa::SerialFlagged>(),
        topic::<dscsa::SerialFlagReviewed>(),
        topic::<dscsa::LotRecalled>(),
        topic::<dscsa::PartnerAdded>(),
        topic::<dscsa::PartnerStatusChanged>(),
        topic::<dscsa::PrefixAssigned>(),
        topic::<dscsa::PrefixRemoved>(),
    ];
    expected.extend(oracle_events());
    assert_eq!(
        metadata_topics("dscsa"),
        expected.into_iter().collect::<BTreeMap<_, _>>()
    );
}

#[test]
fn ehr_access_emits_exactly_the_health_types_ehr_and_oracle_events() {
    let mut expected = vec![
        topic::<ehr::RecordRegistered>(),
        topic::<ehr::AccessDecided>(),
        topic::<ehr::CareRelationRegistered>(),
        topic::<ehr::ProviderAdded>(),
        topic::<ehr::ProviderRemoved>(),
        topic::<ehr::AccessFlagged>(),
        topic::<ehr::FlagReviewed>(),
        topic::<ehr::BreakGlassReviewed>(),
        topic::<ehr::BreakGlassEscalated>(),
    ];
    expected.extend(oracle_events());
    assert_eq!(
        metadata_topics("ehr_access"),
        expected.into_iter().collect::<BTreeMap<_, _>>()
    );
}
