use super::decode::{exact, LABELS};
use super::*;
use parity_scale_codec::Encode;

/// Metadata naming every event the sentinel reads, topic `[i; 32]` for the i-th
/// label (from 1), and one it does not read.
fn decoder() -> Decoder {
    let mut d = Decoder::default();
    let mut events: Vec<String> = LABELS
        .iter()
        .zip(1u8..)
        .map(|(label, i)| {
            format!(
                r#"{{"label":"{label}","signature_topic":"0x{}"}}"#,
                hex::encode([i; 32])
            )
        })
        .collect();
    events.push(format!(
        r#"{{"label":"Unrelated","signature_topic":"0x{}"}}"#,
        hex::encode([0xee; 32])
    ));
    d.add_metadata(&format!(
        r#"{{"spec":{{"events":[{}]}}}}"#,
        events.join(",")
    ))
    .expect("metadata");
    d
}

fn topic(label: &str) -> u8 {
    LABELS
        .iter()
        .position(|l| *l == label)
        .and_then(|i| u8::try_from(i + 1).ok())
        .expect("a label the sentinel reads")
}

fn raw(topic: u8, data: Vec<u8>) -> RawEvent {
    RawEvent {
        block: 7,
        timestamp: 1,
        tx_index: 0,
        event_index: 0,
        contract: [9; 32],
        topics: vec![[topic; 32]],
        data,
    }
}

fn decode(label: &str, data: Vec<u8>) -> Event {
    decoder()
        .decode(&raw(topic(label), data))
        .expect("decodes")
        .expect("known")
        .event
}

fn access_data() -> Vec<u8> {
    (
        [1u8; 32],
        [2u8; 32],
        5u64,
        [3u8; 32],
        Purpose::Treatment,
        true,
        false,
        true,
        DataClass::Labs,
        Basis::OrganizationConsent,
    )
        .encode()
}

#[test]
fn decodes_known_events_and_ignores_others() {
    let d = decoder();
    assert_eq!(d.known(), LABELS.len());
    let event = d
        .decode(&raw(topic("AccessDecided"), access_data()))
        .expect("decodes")
        .expect("known");
    assert!(matches!(
        event.event,
        Event::AccessDecided {
            entry: 5,
            granted: true,
            via_organization: true,
            class: DataClass::Labs,
            basis: Basis::OrganizationConsent,
            ..
        }
    ));
    assert_eq!(d.decode(&raw(0xee, vec![])), Ok(None));
}

#[test]
fn the_hardened_contracts_layouts_decode_field_by_field() {
    let consent = (
        [1u8; 32],
        [2u8; 32],
        9u64,
        Provision::Permit,
        [3u8; 32],
        Purpose::Treatment.bit(),
        DataClass::Labs.bit() | DataClass::General.bit(),
        100u64,
        Some(200u64),
    )
        .encode();
    assert_eq!(
        decode("ConsentRecorded", consent),
        Event::ConsentRecorded {
            patient: [1; 32],
            grantee: [2; 32],
            id: 9,
            provision: Provision::Permit,
            by: [3; 32],
            purposes: 1,
            classes: 0b101,
            start: 100,
            end: Some(200),
        }
    );
    let registered = (
        [1u8; 32],
        [2u8; 32],
        [3u8; 32],
        DataClass::SubstanceUse,
        Some([4u8; 32]),
    );
    assert_eq!(
        decode("RecordRegistered", registered.encode()),
        Event::RecordRegistered {
            patient: [1; 32],
            custodian: [2; 32],
            record: [3; 32],
            class: DataClass::SubstanceUse,
            amends: Some([4; 32]),
        }
    );
    let verification = (
        [5u8; 32],
        [6u8; 32],
        *b"00300012345671",
        "SN9".to_string(),
        true,
        Some(Status::PartiallyDispensed),
        [7u8; 32],
        VerificationContext::SaleableReturn,
        false,
    );
    assert_eq!(
        decode("VerificationRequested", verification.encode()),
        Event::VerificationRequested {
            package: [5; 32],
            requester: [6; 32],
            gtin: *b"00300012345671",
            serial: "SN9".into(),
            verified: true,
            status: Some(Status::PartiallyDispensed),
            presenter: [7; 32],
            context: VerificationContext::SaleableReturn,
            requester_connected: false,
        }
    );
    assert_eq!(
        decode("ProviderAdded", ([1u8; 32], [2u8; 32]).encode()),
        Event::ProviderAdded {
            provider: [1; 32],
            by: [2; 32]
        }
    );
    assert_eq!(
        decode("ProviderRemoved", ([1u8; 32], [2u8; 32]).encode()),
        Event::ProviderRemoved {
            provider: [1; 32],
            by: [2; 32]
        }
    );
    assert_eq!(
        decode("BreakGlassEscalated", ([1u8; 32], 4u64, 9u32).encode()),
        Event::BreakGlassEscalated {
            accessor: [1; 32],
            entry: 4,
            unreviewed: 9
        }
    );
    assert_eq!(
        decode(
            "PartnerAdded",
            ([1u8; 32], PartnerKind::Repackager, *b"0614141000029").encode()
        ),
        Event::PartnerAdded {
            account: [1; 32],
            kind: PartnerKind::Repackager,
            gln: *b"0614141000029"
        }
    );
    assert_eq!(
        decode("PartnerStatusChanged", ([1u8; 32], false).encode()),
        Event::PartnerStatusChanged {
            account: [1; 32],
            active: false
        }
    );
    for label in ["PrefixAssigned", "PrefixRemoved"] {
        let event = decode(label, ([1u8; 32], "0300012".to_string()).encode());
        assert!(
            matches!(&event, Event::PrefixAssigned { prefix, .. } | Event::PrefixRemoved { prefix, .. } if prefix == "0300012"),
            "{event:?}"
        );
    }
}

#[test]
fn enum_variants_keep_the_contracts_indices() {
    // The SCALE index of a variant is its position: these mirror the contracts'
    // declaration order, new variants appended where the contracts put them.
    assert_eq!(Basis::ConsentUnavailable.encode(), [6]);
    assert_eq!(Decommission::Repackaged.encode(), [4]);
    assert_eq!(Status::PartiallyDispensed.encode(), [10]);
    assert_eq!(State::PartiallyDispensed.encode(), [8]);
    assert_eq!(State::Decommissioned(Decommission::Stolen).encode(), [5, 3]);
    assert_eq!(VerificationContext::Dispensing.encode(), [3]);
    assert_eq!(
        Action::Decommissioned(Decommission::Sample).encode(),
        [10, 1]
    );
    assert_eq!(Action::Repackaged([0; 32]).encode()[0], 11);
    assert_eq!(Action::ShipmentVoided.encode(), [14]);
    assert_eq!(Action::ReturnReceived.encode(), [17]);
    assert_eq!(Purpose::EmergencyTreatment.covered_by(), 0b11);
    assert_eq!(Purpose::Treatment.covered_by(), 0b01);
    assert!(DataClass::Genomics.is_sensitive() && !DataClass::Imaging.is_sensitive());
}

#[test]
fn audit_entries_and_flags_read_back_with_their_new_fields() {
    let entry = AuditEntry {
        accessor: [1; 32].into(),
        patient: [2; 32].into(),
        record: [3; 32],
        purpose: Purpose::EmergencyTreatment,
        granted: true,
        at: 10,
        block: 2,
        break_glass: Some(BreakGlass {
            justification: [4; 32],
            review: Review::Pending,
            reviewer: None,
            patient_review: Review::Accepted,
        }),
        class: DataClass::MentalHealth,
        basis: Basis::BreakGlass,
    };
    assert_eq!(exact::<AuditEntry>(&entry.encode()), Ok(entry));
    let flag = AccessFlag {
        entry: 1,
        patient: [2; 32].into(),
        score: 9_000,
        reasons: 3,
        model: [5; 32],
        raised_at: 11,
        outcome: FlagOutcome::Open,
        accessor: [6; 32].into(),
    };
    let bytes = flag.encode();
    assert_eq!(bytes.len(), 8 + 32 + 2 + 4 + 32 + 8 + 1 + 32);
    assert_eq!(exact::<AccessFlag>(&bytes), Ok(flag));
}

#[test]
fn truncated_or_padded_data_is_an_error_not_a_panic() {
    let d = decoder();
    let data = access_data();
    let t = topic("AccessDecided");
    for cut in [0, 1, 40, data.len() - 2, data.len() - 1] {
        assert!(
            d.decode(&raw(t, data[..cut].to_vec())).is_err(),
            "cut {cut}"
        );
    }
    let mut padded = data.clone();
    padded.push(0);
    assert!(d.decode(&raw(t, padded)).is_err());
    let mut bad_enum = data.clone();
    bad_enum[104] = 200;
    assert!(d.decode(&raw(t, bad_enum)).is_err());
    // The layout before issue 14 (no class, no basis) is refused, not misread.
    assert!(d.decode(&raw(t, data[..data.len() - 2].to_vec())).is_err());
    let mut bad_basis = data;
    let last = bad_basis.len() - 1;
    bad_basis[last] = 7;
    assert!(d.decode(&raw(t, bad_basis)).is_err());
}

#[test]
fn metadata_that_is_not_ink_metadata_is_refused() {
    let mut d = Decoder::default();
    assert!(d.add_metadata("not json").is_err());
    assert!(d.add_metadata("{}").is_err());
}
