//! A product's on-chain history as an EPCIS 2.0 document. Identifiers are written
//! as GS1 Digital Link URIs (they need no company-prefix length, which GTINs do not
//! carry); what EPCIS has no field for (the transaction-information hash, quarantine
//! reasons, the contract key of the other side of a repackaging, a saleable return's
//! verification) goes into `carechain:` extension fields, declared in the `@context`.
//! Business steps and dispositions are the CBV 2.0 words (see [`super`]).

use serde_json::{json, Map, Value};

use super::import::{PACKAGE_KEY, TRANSACTION_INFORMATION, VERIFICATION};
use super::{date, ids, rfc3339, Reason};

/// The JSON-LD namespace of Carechain's extension fields.
pub const NAMESPACE: &str = "https://carechain.dev/epcis/";

/// What happened to a package, as the contract records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Commissioned with this lot and expiry (ms).
    Commissioned {
        /// Lot.
        lot: String,
        /// Expiry, ms.
        expiry: u64,
    },
    /// Packed into the container with this SSCC.
    Packed(String),
    /// Unpacked from it.
    Unpacked(String),
    /// Shipped.
    Shipped {
        /// The recipient's GLN, if it is a known partner.
        to_gln: Option<String>,
        /// Hash of the transaction information.
        transaction_information: [u8; 32],
    },
    /// Received by the recipient.
    Received,
    /// Quarantined as suspect, with the reason.
    Quarantined(String),
    /// Cleared from quarantine.
    Cleared,
    /// Declared illegitimate, with the notification text.
    DeclaredIllegitimate(String),
    /// Its lot was recalled.
    Recalled,
    /// Dispensed to a patient.
    Dispensed,
    /// Decommissioned.
    Decommissioned(Reason),
    /// Repackaged into the package with this contract key (on the source).
    Repackaged([u8; 32]),
    /// Commissioned by repackaging the package with this contract key, with this lot
    /// and expiry (ms).
    CommissionedFrom {
        /// The source package's key.
        source: [u8; 32],
        /// Lot.
        lot: String,
        /// Expiry, ms.
        expiry: u64,
    },
    /// A returned package's saleable-return verification succeeded.
    ReturnVerified,
    /// Its shipment was voided.
    ShipmentVoided,
    /// Reported damaged.
    Damaged,
    /// Partly dispensed.
    PartiallyDispensed,
    /// Received back by a former owner or custodian (a saleable return).
    ReturnReceived,
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The actor's GLN, if it is a known partner.
    pub actor_gln: Option<String>,
    /// Block time, ms.
    pub at: u64,
    /// What.
    pub action: Action,
}

fn object_event(
    epc: &str,
    at: u64,
    action: &str,
    step: &str,
    disposition: Option<&str>,
) -> Map<String, Value> {
    let mut event = Map::new();
    event.insert("type".into(), json!("ObjectEvent"));
    event.insert("eventTime".into(), json!(rfc3339(at)));
    event.insert("eventTimeZoneOffset".into(), json!("+00:00"));
    event.insert("epcList".into(), json!([epc]));
    event.insert("action".into(), json!(action));
    event.insert("bizStep".into(), json!(step));
    if let Some(d) = disposition {
        event.insert("disposition".into(), json!(d));
    }
    event
}

fn aggregation_event(
    sscc: &str,
    epc: &str,
    at: u64,
    action: &str,
    step: &str,
) -> Map<String, Value> {
    let mut event = Map::new();
    event.insert("type".into(), json!("AggregationEvent"));
    event.insert("eventTime".into(), json!(rfc3339(at)));
    event.insert("eventTimeZoneOffset".into(), json!("+00:00"));
    event.insert("parentID".into(), json!(ids::sscc_uri(sscc)));
    event.insert("childEPCs".into(), json!([epc]));
    event.insert("action".into(), json!(action));
    event.insert("bizStep".into(), json!(step));
    event
}

/// A repackaging, of which a package's history holds one side: the source's
/// (`inputEPCList`) or the new package's (`outputEPCList`). Both sides carry the same
/// `transformationID`, named after the source's contract key (a package is
/// repackaged once), and the other side's key as `carechain:packageKey`.
fn transformation_event(
    at: u64,
    side: &str,
    epc: &str,
    source: &[u8; 32],
    other: &[u8; 32],
    disposition: &str,
) -> Map<String, Value> {
    let mut event = Map::new();
    event.insert("type".into(), json!("TransformationEvent"));
    event.insert("eventTime".into(), json!(rfc3339(at)));
    event.insert("eventTimeZoneOffset".into(), json!("+00:00"));
    event.insert(side.into(), json!([epc]));
    event.insert(
        "transformationID".into(),
        json!(format!("{NAMESPACE}repackaging/0x{}", hex::encode(source))),
    );
    event.insert("bizStep".into(), json!("repackaging"));
    event.insert("disposition".into(), json!(disposition));
    event.insert(
        PACKAGE_KEY.into(),
        json!(format!("0x{}", hex::encode(other))),
    );
    event
}

/// The EPCIS event of one history entry of package (`gtin`, `serial`).
pub fn event(gtin: &str, serial: &str, entry: &Entry) -> Value {
    let epc = ids::sgtin_uri(gtin, serial);
    let at = entry.at;
    let mut event = match &entry.action {
        Action::Commissioned { lot, expiry } => {
            let mut e = object_event(&epc, at, "ADD", "commissioning", Some("active"));
            e.insert("ilmd".into(), ilmd(lot, *expiry));
            e
        }
        Action::CommissionedFrom {
            source,
            lot,
            expiry,
        } => {
            let mut e = transformation_event(at, "outputEPCList", &epc, source, source, "active");
            e.insert("ilmd".into(), ilmd(lot, *expiry));
            e
        }
        Action::Repackaged(new) => {
            let own = ids::package_key(gtin, serial).unwrap_or_default();
            transformation_event(at, "inputEPCList", &epc, &own, new, "inactive")
        }
        Action::Packed(sscc) => {
            let mut e = aggregation_event(sscc, &epc, at, "ADD", "packing");
            e.insert("disposition".into(), json!("container_closed"));
            e
        }
        Action::Unpacked(sscc) => aggregation_event(sscc, &epc, at, "DELETE", "unpacking"),
        Action::Shipped {
            to_gln,
            transaction_information,
        } => {
            let mut e = object_event(&epc, at, "OBSERVE", "shipping", Some("in_transit"));
            if let Some(gln) = to_gln {
                e.insert(
                    "destinationList".into(),
                    json!([{ "type": "owning_party", "destination": ids::party_uri(gln) }]),
                );
            }
            e.insert(
                TRANSACTION_INFORMATION.into(),
                json!(format!("0x{}", hex::encode(transaction_information))),
            );
            e
        }
        Action::Received => object_event(&epc, at, "OBSERVE", "receiving", Some("in_progress")),
        Action::ReturnReceived => object_event(&epc, at, "OBSERVE", "receiving", Some("returned")),
        Action::ReturnVerified => {
            let mut e = object_event(&epc, at, "OBSERVE", "inspecting", Some("active"));
            e.insert(VERIFICATION.into(), json!("saleableReturn"));
            e
        }
        Action::ShipmentVoided => {
            object_event(&epc, at, "OBSERVE", "void_shipping", Some("active"))
        }
        Action::Damaged => object_event(&epc, at, "OBSERVE", "inspecting", Some("damaged")),
        Action::PartiallyDispensed => object_event(
            &epc,
            at,
            "OBSERVE",
            "dispensing",
            Some("partially_dispensed"),
        ),
        Action::Quarantined(reason) => {
            let mut e = object_event(&epc, at, "OBSERVE", "holding", Some("non_sellable_other"));
            e.insert("carechain:reason".into(), json!(reason));
            e
        }
        Action::Cleared => object_event(&epc, at, "OBSERVE", "holding", Some("active")),
        Action::DeclaredIllegitimate(text) => {
            let mut e = object_event(&epc, at, "OBSERVE", "holding", Some("non_sellable_other"));
            e.insert("carechain:illegitimate".into(), json!(text));
            e
        }
        Action::Recalled => object_event(&epc, at, "OBSERVE", "holding", Some("recalled")),
        Action::Dispensed => object_event(&epc, at, "OBSERVE", "dispensing", Some("dispensed")),
        Action::Decommissioned(reason) => {
            let (step, disposition) = match reason {
                Reason::Destroyed => ("decommissioning", "destroyed"),
                // CBV 2.0 has a sampling step, no "sampled" disposition.
                Reason::Sample => ("sampling", "inactive"),
                Reason::Expired => ("decommissioning", "expired"),
                Reason::Stolen => ("decommissioning", "stolen"),
                Reason::Repackaged => ("repackaging", "inactive"),
            };
            object_event(&epc, at, "DELETE", step, Some(disposition))
        }
    };
    if let Some(gln) = &entry.actor_gln {
        event.insert(
            "bizLocation".into(),
            json!({ "id": format!("https://id.gs1.org/414/{gln}") }),
        );
    }
    Value::Object(event)
}

fn ilmd(lot: &str, expiry: u64) -> Value {
    json!({ "cbvmda:lotNumber": lot, "cbvmda:itemExpirationDate": date(expiry) })
}

/// An EPCIS 2.0 document of a package's history, created at `created` (ms), with
/// `extensions` (for example the proof of its current state) under `carechain:` keys.
pub fn document(
    gtin: &str,
    serial: &str,
    history: &[Entry],
    created: u64,
    extensions: Map<String, Value>,
) -> Value {
    let mut doc = Map::new();
    doc.insert(
        "@context".into(),
        json!([
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            { "carechain": NAMESPACE }
        ]),
    );
    doc.insert("type".into(), json!("EPCISDocument"));
    doc.insert("schemaVersion".into(), json!("2.0"));
    doc.insert("creationDate".into(), json!(rfc3339(created)));
    doc.insert(
        "epcisBody".into(),
        json!({ "eventList": history.iter().map(|e| event(gtin, serial, e)).collect::<Vec<_>>() }),
    );
    for (k, v) in extensions {
        doc.insert(format!("carechain:{k}"), v);
    }
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::super::import::read;
    use super::super::{Operation, Target};
    use super::*;

    const GTIN: &str = "10614141073464";
    const SERIAL: &str = "SN/1";

    fn entry(action: Action) -> Entry {
        Entry {
            actor_gln: Some("0614141073467".into()),
            at: 1_767_225_600_000,
            action,
        }
    }

    fn read_back(history: &[Entry]) -> (Vec<Operation>, Vec<String>) {
        let doc = document(GTIN, SERIAL, history, 1_767_225_600_000, Map::new());
        let text = serde_json::to_string_pretty(&doc).expect("json");
        let import = read(&text, None).expect("reads back");
        let ops = import
            .mapped
            .into_iter()
            .flat_map(|m| m.operations)
            .collect();
        (ops, import.unmapped.into_iter().map(|u| u.reason).collect())
    }

    fn package() -> Target {
        Target::Package(GTIN.into(), SERIAL.into())
    }

    #[test]
    fn exported_history_reads_back_as_the_same_operations() {
        let history = [
            entry(Action::Commissioned {
                lot: "L1".into(),
                expiry: 1_806_451_200_000,
            }),
            entry(Action::Packed("106141412345678908".into())),
            entry(Action::Shipped {
                to_gln: Some("0614141007776".into()),
                transaction_information: [7; 32],
            }),
            entry(Action::Quarantined("suspect".into())),
            entry(Action::Dispensed),
        ];
        let (ops, unmapped) = read_back(&history);
        assert_eq!(
            ops,
            vec![
                Operation::Commission {
                    gtin: GTIN.into(),
                    serial: SERIAL.into(),
                    lot: "L1".into(),
                    expiry: 1_806_451_200_000
                },
                Operation::Pack {
                    sscc: "106141412345678908".into(),
                    items: vec![(GTIN.into(), SERIAL.into())]
                },
                Operation::Ship {
                    target: package(),
                    to_gln: "0614141007776".into(),
                    transaction_information: [7; 32]
                },
                Operation::Dispense {
                    gtin: GTIN.into(),
                    serial: SERIAL.into()
                },
            ]
        );
        assert_eq!(unmapped.len(), 1, "quarantine has no EPCIS import");
    }

    #[test]
    fn new_actions_export_with_their_cbv_words_and_read_back_where_they_map() {
        let history = [
            entry(Action::Shipped {
                to_gln: Some("0614141007776".into()),
                transaction_information: [7; 32],
            }),
            entry(Action::ShipmentVoided),
            entry(Action::ReturnReceived),
            entry(Action::ReturnVerified),
            entry(Action::Damaged),
            entry(Action::PartiallyDispensed),
            entry(Action::Decommissioned(Reason::Sample)),
        ];
        let doc = document(GTIN, SERIAL, &history, 1_767_225_600_000, Map::new());
        let events = doc["epcisBody"]["eventList"].as_array().expect("events");
        let words: Vec<(String, String)> = events
            .iter()
            .map(|e| {
                (
                    e["bizStep"].as_str().unwrap_or_default().to_string(),
                    e["disposition"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let expected = [
            ("shipping", "in_transit"),
            ("void_shipping", "active"),
            ("receiving", "returned"),
            ("inspecting", "active"),
            ("inspecting", "damaged"),
            ("dispensing", "partially_dispensed"),
            ("sampling", "inactive"),
        ];
        assert_eq!(
            words,
            expected
                .map(|(s, d)| (s.to_string(), d.to_string()))
                .to_vec()
        );
        assert_eq!(events[3][VERIFICATION], "saleableReturn");
        let (ops, unmapped) = read_back(&history);
        assert_eq!(
            ops,
            vec![
                Operation::Ship {
                    target: package(),
                    to_gln: "0614141007776".into(),
                    transaction_information: [7; 32]
                },
                Operation::VoidShipment { target: package() },
                Operation::Receive { target: package() },
                Operation::ReportDamaged {
                    gtin: GTIN.into(),
                    serial: SERIAL.into()
                },
                Operation::DispensePartial {
                    gtin: GTIN.into(),
                    serial: SERIAL.into()
                },
                Operation::Decommission {
                    gtin: GTIN.into(),
                    serial: SERIAL.into(),
                    reason: Reason::Sample
                },
            ]
        );
        assert_eq!(unmapped.len(), 1, "{unmapped:?}");
        assert!(unmapped[0].contains("request_verification"));
    }

    #[test]
    fn repackaging_exports_as_transformation_events_naming_the_other_package_by_key() {
        let history = [
            entry(Action::CommissionedFrom {
                source: [1; 32],
                lot: "R1".into(),
                expiry: 1_806_451_200_000,
            }),
            entry(Action::Repackaged([2; 32])),
        ];
        let doc = document(GTIN, SERIAL, &history, 1_767_225_600_000, Map::new());
        let events = doc["epcisBody"]["eventList"].as_array().expect("events");
        let epc = ids::sgtin_uri(GTIN, SERIAL);
        assert_eq!(events[0]["type"], "TransformationEvent");
        assert_eq!(events[0]["bizStep"], "repackaging");
        assert_eq!(events[0]["outputEPCList"], json!([epc]));
        assert_eq!(events[0]["ilmd"]["cbvmda:lotNumber"], "R1");
        assert_eq!(
            events[0][PACKAGE_KEY],
            json!(format!("0x{}", "01".repeat(32)))
        );
        assert_eq!(events[1]["inputEPCList"], json!([epc]));
        let own = ids::package_key(GTIN, SERIAL).expect("key");
        assert_eq!(
            events[1]["transformationID"],
            json!(format!("{NAMESPACE}repackaging/0x{}", hex::encode(own)))
        );
        assert_eq!(events[1]["disposition"], "inactive");
        let (ops, unmapped) = read_back(&history);
        assert!(ops.is_empty(), "{ops:?}");
        assert_eq!(unmapped.len(), 2);
        assert!(
            unmapped.iter().all(|u| u.contains("by its key")),
            "{unmapped:?}"
        );
    }
}
