//! A product's on-chain history as an EPCIS 2.0 document. Identifiers are written
//! as GS1 Digital Link URIs (they need no company-prefix length, which GTINs do not
//! carry); what EPCIS has no field for (the transaction-information hash, quarantine
//! reasons) goes into `carechain:` extension fields, declared in the `@context`.

use serde_json::{json, Map, Value};

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

/// The EPCIS event of one history entry of package (`gtin`, `serial`).
pub fn event(gtin: &str, serial: &str, entry: &Entry) -> Value {
    let epc = ids::sgtin_uri(gtin, serial);
    let at = entry.at;
    let mut event = match &entry.action {
        Action::Commissioned { lot, expiry } => {
            let mut e = object_event(&epc, at, "ADD", "commissioning", Some("active"));
            e.insert(
                "ilmd".into(),
                json!({ "cbvmda:lotNumber": lot, "cbvmda:itemExpirationDate": date(*expiry) }),
            );
            e
        }
        Action::Packed(sscc) => aggregation_event(sscc, &epc, at, "ADD", "packing"),
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
                "carechain:transactionInformation".into(),
                json!(format!("0x{}", hex::encode(transaction_information))),
            );
            e
        }
        Action::Received => object_event(&epc, at, "OBSERVE", "receiving", Some("in_progress")),
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
            let disposition = match reason {
                Reason::Destroyed => "destroyed",
                Reason::Sample => "sampled",
                Reason::Expired => "expired",
                Reason::Stolen => "stolen",
            };
            object_event(&epc, at, "DELETE", "decommissioning", Some(disposition))
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

    #[test]
    fn exported_history_reads_back_as_the_same_operations() {
        let gtin = "10614141073464";
        let serial = "SN/1";
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
            entry(Action::Shipped {
                to_gln: Some("0614141007776".into()),
                transaction_information: [7; 32],
            }),
            entry(Action::Quarantined("suspect".into())),
            entry(Action::Dispensed),
        ];
        let doc = document(gtin, serial, &history, 1_767_225_600_000, Map::new());
        let text = serde_json::to_string_pretty(&doc).expect("json");
        let import = read(&text, None).expect("reads back");
        let ops: Vec<Operation> = import
            .mapped
            .into_iter()
            .flat_map(|m| m.operations)
            .collect();
        assert_eq!(
            ops,
            vec![
                Operation::Commission {
                    gtin: gtin.into(),
                    serial: serial.into(),
                    lot: "L1".into(),
                    expiry: 1_806_451_200_000
                },
                Operation::Pack {
                    sscc: "106141412345678908".into(),
                    items: vec![(gtin.into(), serial.into())]
                },
                Operation::Ship {
                    target: Target::Package(gtin.into(), serial.into()),
                    to_gln: "0614141007776".into(),
                    transaction_information: [7; 32]
                },
                Operation::Dispense {
                    gtin: gtin.into(),
                    serial: serial.into()
                },
            ]
        );
        assert_eq!(import.unmapped.len(), 1, "quarantine has no EPCIS import");
    }
}
