//! Reading an EPCIS 2.0 JSON(-LD) document: every event either becomes DSCSA
//! operations or is reported, with its line, as not mapped and why. A document that
//! is not JSON, or (when the GS1 schema is given) does not validate, is refused as a
//! whole.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use std::collections::BTreeMap;

use super::{date_ms, ids, BizTransaction, Operation, Reason, Target};

/// A document that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON.
    #[error("line {line}, column {column}: not JSON: {message}")]
    Json {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// The parser's complaint.
        message: String,
    },
    /// Not an EPCIS document or query document.
    #[error("not an EPCIS 2.0 document: {0}")]
    NotEpcis(String),
    /// Does not validate against the GS1 EPCIS 2.0 JSON schema.
    #[error("does not validate against the EPCIS 2.0 JSON schema: {0}")]
    Schema(String),
}

/// An event that became operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// 1-based line where the event starts.
    pub line: usize,
    /// Its `eventID`, if any.
    pub event_id: Option<String>,
    /// `type` and business step, for messages.
    pub what: String,
    /// The operations, in order.
    pub operations: Vec<Operation>,
}

/// An event left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// 1-based line where the event starts.
    pub line: usize,
    /// `type` and business step.
    pub what: String,
    /// Why it has no DSCSA operation.
    pub reason: String,
}

/// A read document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Import {
    /// Events that map, in document order.
    pub mapped: Vec<Mapped>,
    /// Events that do not.
    pub unmapped: Vec<Unmapped>,
    /// The GS1 company prefix of each GTIN-14 and SSCC-18 of the mapped events, as
    /// their EPC URNs split it (Digital Link URIs do not say).
    pub company_prefixes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "epcisBody", borrow)]
    body: Option<Body<'a>>,
}

#[derive(Deserialize)]
struct Body<'a> {
    #[serde(rename = "eventList", borrow, default)]
    event_list: Option<Vec<&'a RawValue>>,
    #[serde(rename = "queryResults", borrow, default)]
    query_results: Option<QueryResults<'a>>,
}

#[derive(Deserialize)]
struct QueryResults<'a> {
    #[serde(rename = "resultsBody", borrow)]
    results_body: Box<Body<'a>>,
}

fn json_error(e: &serde_json::Error) -> DocumentError {
    DocumentError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Checks `document` against the GS1 EPCIS 2.0 JSON schema.
///
/// # Errors
/// [`DocumentError::Schema`] with up to five of the schema's errors and where they are.
pub fn validate(schema: &Value, document: &Value) -> Result<(), DocumentError> {
    let validator =
        jsonschema::validator_for(schema).map_err(|e| DocumentError::Schema(e.to_string()))?;
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(5)
        .map(|e| format!("at {}: {e}", e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DocumentError::Schema(errors.join("; ")))
    }
}

/// Reads `text`, validating it against `schema` when given.
///
/// # Errors
/// [`DocumentError`] if the document as a whole is unreadable.
pub fn read(text: &str, schema: Option<&Value>) -> Result<Import, DocumentError> {
    if let Some(schema) = schema {
        let whole: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
        validate(schema, &whole)?;
    }
    let document: Document<'_> = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    match document.kind.as_deref() {
        Some("EPCISDocument" | "EPCISQueryDocument") => {}
        other => {
            return Err(DocumentError::NotEpcis(format!(
                "its type is {other:?}, not EPCISDocument or EPCISQueryDocument"
            )))
        }
    }
    let body = document
        .body
        .ok_or_else(|| DocumentError::NotEpcis("no epcisBody".into()))?;
    let events = match (body.event_list, body.query_results) {
        (Some(list), _) => list,
        (None, Some(results)) => results.results_body.event_list.unwrap_or_default(),
        (None, None) => {
            return Err(DocumentError::NotEpcis(
                "epcisBody has no eventList or queryResults".into(),
            ))
        }
    };
    let mut import = Import::default();
    for raw in events {
        let line = line_of(text, raw.get());
        let event: Value = serde_json::from_str(raw.get()).map_err(|e| json_error(&e))?;
        let what = describe(&event);
        match map_event(&event) {
            Ok(operations) => {
                record_prefixes(&event, &mut import.company_prefixes);
                import.mapped.push(Mapped {
                    line,
                    event_id: event
                        .get("eventID")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    what,
                    operations,
                });
            }
            Err(reason) => import.unmapped.push(Unmapped { line, what, reason }),
        }
    }
    Ok(import)
}

/// The line on which `part` (a slice of `text`) starts.
fn line_of(text: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn field<'v>(event: &'v Value, name: &str) -> Option<&'v str> {
    event.get(name).and_then(Value::as_str)
}

/// A CBV vocabulary word without its URN or URI prefix.
fn cbv_word(value: Option<&str>) -> Option<&str> {
    let v = value?;
    for prefix in [
        "urn:epcglobal:cbv:bizstep:",
        "urn:epcglobal:cbv:disp:",
        "https://ref.gs1.org/cbv/BizStep-",
        "https://ref.gs1.org/cbv/Disp-",
    ] {
        if let Some(word) = v.strip_prefix(prefix) {
            return Some(word);
        }
    }
    Some(v)
}

fn describe(event: &Value) -> String {
    let kind = field(event, "type").unwrap_or("event without type");
    let action = field(event, "action")
        .map(|a| format!(" {a}"))
        .unwrap_or_default();
    let step = cbv_word(field(event, "bizStep"))
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    format!("{kind}{action}{step}")
}

fn strings<'v>(event: &'v Value, name: &str) -> Vec<&'v str> {
    event
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn target(epc: &str) -> Result<Target, String> {
    if let Some((gtin, serial)) = ids::sgtin(epc) {
        return Ok(Target::Package(gtin, serial));
    }
    ids::sscc(epc)
        .map(Target::Container)
        .ok_or_else(|| format!("{epc} is neither an SGTIN nor an SSCC"))
}

fn packages(epcs: &[&str]) -> Result<Vec<(String, String)>, String> {
    epcs.iter()
        .map(|epc| {
            ids::sgtin(epc).ok_or_else(|| format!("{epc} is not a serialized product (SGTIN)"))
        })
        .collect()
}

fn serialized<'v>(event: &'v Value, key: &str) -> Result<Vec<&'v str>, String> {
    let epcs = strings(event, key);
    if epcs.is_empty() {
        return Err(
            if event.get("quantityList").is_some() || event.get("childQuantityList").is_some() {
                "only quantities of a product class: DSCSA needs serialized products".into()
            } else {
                format!("no {key}")
            },
        );
    }
    Ok(epcs)
}

/// An ILMD field by its CBV master-data name, with or without the `cbvmda:` prefix.
fn ilmd<'v>(event: &'v Value, name: &str) -> Option<&'v str> {
    let ilmd = event.get("ilmd")?.as_object()?;
    ilmd.iter()
        .find(|(k, _)| *k == name || k.strip_prefix("cbvmda:") == Some(name))
        .and_then(|(_, v)| v.as_str())
}

/// The DSCSA operations of one event, or why there are none.
fn map_event(event: &Value) -> Result<Vec<Operation>, String> {
    if event.get("errorDeclaration").is_some() {
        return Err("an error declaration retracts an earlier event; not applied".into());
    }
    let kind = field(event, "type").unwrap_or_default();
    let action = field(event, "action").unwrap_or_default();
    let step = cbv_word(field(event, "bizStep")).unwrap_or_default();
    let disposition = cbv_word(field(event, "disposition")).unwrap_or_default();
    match (kind, action, step) {
        ("ObjectEvent", "ADD", "commissioning") => {
            let (lot, expiry) = lot_and_expiry(event, "commissioning")?;
            Ok(packages(&serialized(event, "epcList")?)?
                .into_iter()
                .map(|(gtin, serial)| Operation::Commission {
                    gtin,
                    serial,
                    lot: lot.clone(),
                    expiry,
                })
                .collect())
        }
        ("TransformationEvent", _, "repackaging") => repackaging(event),
        ("AggregationEvent", "ADD", "packing") => {
            let parent = field(event, "parentID").ok_or("packing without parentID")?;
            let sscc =
                ids::sscc(parent).ok_or_else(|| format!("parent {parent} is not an SSCC"))?;
            let items = packages(&serialized(event, "childEPCs")?)?;
            Ok(vec![Operation::Pack { sscc, items }])
        }
        ("AggregationEvent", "DELETE", "unpacking") => {
            let parent = field(event, "parentID").ok_or("unpacking without parentID")?;
            let sscc =
                ids::sscc(parent).ok_or_else(|| format!("parent {parent} is not an SSCC"))?;
            Ok(vec![Operation::Unpack { sscc }])
        }
        ("ObjectEvent", "OBSERVE", "shipping") => {
            let to_gln = destination(event)?;
            let transaction_information = transaction_information(event)?;
            serialized(event, "epcList")?
                .into_iter()
                .map(|epc| {
                    Ok(Operation::Ship {
                        target: target(epc)?,
                        to_gln: to_gln.clone(),
                        transaction_information,
                    })
                })
                .collect()
        }
        ("ObjectEvent", "OBSERVE", "void_shipping") => serialized(event, "epcList")?
            .into_iter()
            .map(|epc| {
                Ok(Operation::VoidShipment {
                    target: target(epc)?,
                })
            })
            .collect(),
        ("ObjectEvent", "OBSERVE", "receiving") => {
            // Whether a receipt is a return (disposition `returned`) is the contract's
            // to decide: a receiver that owned or held the package before.
            let mut operations = Vec::new();
            for epc in serialized(event, "epcList")? {
                let target = target(epc)?;
                let damaged = match (&target, disposition) {
                    (Target::Package(gtin, serial), "damaged") => Some(Operation::ReportDamaged {
                        gtin: gtin.clone(),
                        serial: serial.clone(),
                    }),
                    (Target::Container(sscc), "damaged") => {
                        return Err(format!(
                            "container {sscc} received damaged: damage is reported per package (unpack it, then report each package damaged)"
                        ))
                    }
                    _ => None,
                };
                operations.push(Operation::Receive { target });
                operations.extend(damaged);
            }
            Ok(operations)
        }
        ("ObjectEvent", "OBSERVE", "dispensing") => {
            let partial = match disposition {
                "" | "dispensed" => false,
                "partially_dispensed" => true,
                other => {
                    return Err(format!(
                        "dispensing needs disposition dispensed or partially_dispensed, not {other}"
                    ))
                }
            };
            Ok(packages(&serialized(event, "epcList")?)?
                .into_iter()
                .map(|(gtin, serial)| {
                    if partial {
                        Operation::DispensePartial { gtin, serial }
                    } else {
                        Operation::Dispense { gtin, serial }
                    }
                })
                .collect())
        }
        ("ObjectEvent", "DELETE", "decommissioning" | "sampling") => {
            let reason = match (step, disposition) {
                ("sampling", _) | (_, "sampled") => Reason::Sample,
                (_, "destroyed") => Reason::Destroyed,
                (_, "stolen") => Reason::Stolen,
                (_, "expired") => Reason::Expired,
                (_, other) => {
                    return Err(format!(
                        "decommissioning needs disposition destroyed, stolen or expired (or bizStep sampling), not {other:?}"
                    ))
                }
            };
            Ok(packages(&serialized(event, "epcList")?)?
                .into_iter()
                .map(|(gtin, serial)| Operation::Decommission {
                    gtin,
                    serial,
                    reason,
                })
                .collect())
        }
        ("ObjectEvent", "OBSERVE", _) if disposition == "damaged" => {
            Ok(packages(&serialized(event, "epcList")?)?
                .into_iter()
                .map(|(gtin, serial)| Operation::ReportDamaged { gtin, serial })
                .collect())
        }
        ("ObjectEvent", "OBSERVE", "inspecting") if event.get(VERIFICATION).is_some() => Err(
            "a saleable return's verification is a verification request \
             (request_verification(.., SaleableReturn) by its owner), not an EPCIS event; not applied"
                .into(),
        ),
        ("ObjectEvent" | "AggregationEvent", _, "") => {
            Err("no bizStep: cannot tell which DSCSA transaction this is".into())
        }
        ("TransformationEvent", _, _) => Err(format!(
            "TransformationEvent{} has no DSCSA counterpart (bizStep repackaging maps to repackage)",
            if step.is_empty() {
                String::new()
            } else {
                format!(" {step}")
            }
        )),
        ("ObjectEvent" | "AggregationEvent", _, _) => Err(format!(
            "{} is not a DSCSA transaction this contract records",
            [kind, action, step]
                .iter()
                .filter(|w| !w.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        )),
        ("", _, _) => Err("event without a type".into()),
        _ => Err(format!("{kind} has no DSCSA counterpart")),
    }
}

/// The extension field an exported `ReturnVerified` entry carries.
pub(super) const VERIFICATION: &str = "carechain:verification";

/// The lot and expiry (ms) of the ILMD of a commissioning or repackaging event.
fn lot_and_expiry(event: &Value, what: &str) -> Result<(String, u64), String> {
    let lot = ilmd(event, "lotNumber").ok_or_else(|| {
        format!("{what} without ilmd cbvmda:lotNumber (DSCSA product identifier)")
    })?;
    let expiry = ilmd(event, "itemExpirationDate")
        .ok_or_else(|| format!("{what} without ilmd cbvmda:itemExpirationDate"))?;
    let expiry = date_ms(expiry).ok_or_else(|| format!("expiry date {expiry} is not a date"))?;
    Ok((lot.to_string(), expiry))
}

/// A repackaging TransformationEvent: one source package in, one new package out.
fn repackaging(event: &Value) -> Result<Vec<Operation>, String> {
    let inputs = strings(event, "inputEPCList");
    let outputs = strings(event, "outputEPCList");
    let ([input], [output]) = (&inputs[..], &outputs[..]) else {
        return Err(format!(
            "repackaging maps to repackage with one input and one output SGTIN, not {} and {}{}",
            inputs.len(),
            outputs.len(),
            if event.get(PACKAGE_KEY).is_some() {
                " (an exported history names the other package by its key only)"
            } else {
                ""
            }
        ));
    };
    let (source_gtin, source_serial) =
        ids::sgtin(input).ok_or_else(|| format!("{input} is not a serialized product (SGTIN)"))?;
    let (gtin, serial) = ids::sgtin(output)
        .ok_or_else(|| format!("{output} is not a serialized product (SGTIN)"))?;
    let (lot, expiry) = lot_and_expiry(event, "repackaging")?;
    Ok(vec![Operation::Repackage {
        source_gtin,
        source_serial,
        gtin,
        serial,
        lot,
        expiry,
    }])
}

/// The extension field naming, by its contract key, the other side of a repackaging.
pub(super) const PACKAGE_KEY: &str = "carechain:packageKey";

/// The GS1 company prefixes the EPC URNs of an event name, by identifier.
fn record_prefixes(event: &Value, prefixes: &mut BTreeMap<String, String>) {
    let parent = field(event, "parentID").into_iter();
    let lists = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"]
        .into_iter()
        .flat_map(|k| strings(event, k));
    for epc in parent.chain(lists) {
        let Some(prefix) = ids::company_prefix(epc) else {
            continue;
        };
        let id = ids::sgtin(epc)
            .map(|(gtin, _)| gtin)
            .or_else(|| ids::sscc(epc));
        if let Some(id) = id {
            prefixes.entry(id).or_insert(prefix);
        }
    }
}

/// The GLN of the new owner (`owning_party` destination).
fn destination(event: &Value) -> Result<String, String> {
    let list = event
        .get("destinationList")
        .and_then(Value::as_array)
        .ok_or("shipping without destinationList: DSCSA needs the new owner")?;
    let owner = list
        .iter()
        .find(|d| cbv_word(field(d, "type")).is_some_and(|t| t.ends_with("owning_party")))
        .and_then(|d| field(d, "destination"))
        .ok_or("shipping without an owning_party destination")?;
    ids::gln(owner).ok_or_else(|| format!("destination {owner} is not a GLN"))
}

/// The business transactions of an event's `bizTransactionList`.
fn biz_transactions(event: &Value) -> Result<Vec<BizTransaction>, String> {
    let Some(list) = event.get("bizTransactionList") else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("bizTransactionList is not a list")?;
    list.iter()
        .map(|t| {
            let id = field(t, "bizTransaction")
                .ok_or("a bizTransactionList entry without bizTransaction")?;
            let kind = field(t, "type").map_or("", |k| {
                k.strip_prefix("urn:epcglobal:cbv:btt:")
                    .or_else(|| k.strip_prefix("https://ref.gs1.org/cbv/BTT-"))
                    .unwrap_or(k)
            });
            Ok(BizTransaction {
                kind: kind.to_string(),
                id: id.to_string(),
            })
        })
        .collect()
}

/// The hash of the business transactions (the DSCSA transaction information stays
/// off chain; the chain keeps its SHA-256, as [`super::transaction_information`]
/// derives it). An exported document carries the hash itself as
/// `carechain:transactionInformation`, which is used as it is.
fn transaction_information(event: &Value) -> Result<[u8; 32], String> {
    if let Some(hex) = field(event, TRANSACTION_INFORMATION) {
        let digits = hex.strip_prefix("0x").unwrap_or(hex);
        let bytes = ::hex::decode(digits)
            .map_err(|e| format!("{TRANSACTION_INFORMATION} is not hex: {e}"))?;
        let hash: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("{TRANSACTION_INFORMATION} is not 32 bytes"))?;
        if hash == [0; 32] {
            return Err(format!(
                "{TRANSACTION_INFORMATION} is all zeros: DSCSA needs the transaction information"
            ));
        }
        return Ok(hash);
    }
    super::transaction_information(&biz_transactions(event)?).ok_or_else(|| {
        "shipping without bizTransactionList: DSCSA needs the transaction information \
         (its SHA-256 goes on chain), so name the purchase order, despatch advice or \
         invoice the shipment belongs to"
            .to_string()
    })
}

/// The extension field carrying a shipment's transaction-information hash.
pub(super) const TRANSACTION_INFORMATION: &str = "carechain:transactionInformation";

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
  "epcisBody": { "eventList": [
    { "type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning",
      "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
      "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
      "ilmd": { "cbvmda:lotNumber": "L1", "cbvmda:itemExpirationDate": "2027-03-31" } },
    { "type": "ObjectEvent", "action": "OBSERVE", "bizStep": "urn:epcglobal:cbv:bizstep:shipping",
      "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
      "epcList": ["urn:epc:id:sscc:0614141.1234567890"],
      "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00777"}],
      "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:1"}] },
    { "type": "TransformationEvent", "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00" },
    { "type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving",
      "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00",
      "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 2}] }
  ]}
}"#;

    #[test]
    fn events_map_to_operations_or_are_reported_by_line() {
        let import = read(DOC, None).expect("reads");
        assert_eq!(import.mapped.len(), 2);
        assert_eq!(import.mapped[0].line, 5);
        assert_eq!(
            import.mapped[0].operations,
            vec![Operation::Commission {
                gtin: "10614141073464".into(),
                serial: "2017".into(),
                lot: "L1".into(),
                expiry: 1_806_451_200_000,
            }]
        );
        let Operation::Ship { target, to_gln, .. } = &import.mapped[1].operations[0] else {
            panic!("a shipment");
        };
        assert_eq!(target, &Target::Container("106141412345678908".into()));
        assert_eq!(to_gln, "0614141007776");
        assert_eq!(import.unmapped.len(), 2);
        assert_eq!(import.unmapped[0].line, 14);
        assert!(import.unmapped[0].reason.contains("no DSCSA counterpart"));
        assert!(
            import.unmapped[1].reason.contains("serialized"),
            "{:?}",
            import.unmapped[1]
        );
    }

    /// A document of `events` (JSON objects, without the common fields).
    fn document(events: &[&str]) -> String {
        let events: Vec<String> = events
            .iter()
            .map(|e| {
                format!(
                    r#"{{ "eventTime": "2026-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", {e} }}"#
                )
            })
            .collect();
        format!(
            r#"{{ "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
  "epcisBody": {{ "eventList": [
{}
  ]}} }}"#,
            events.join(",\n")
        )
    }

    fn ops(import: &Import) -> Vec<Operation> {
        import
            .mapped
            .iter()
            .flat_map(|m| m.operations.clone())
            .collect()
    }

    const SN1: &str = "urn:epc:id:sgtin:0312345.067890.SN1";
    const GTIN: &str = "00312345678906";

    fn package(serial: &str) -> (String, String) {
        (GTIN.to_string(), serial.to_string())
    }

    #[test]
    fn new_cbv_steps_and_dispositions_map_in_every_spelling() {
        let text = document(&[
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "urn:epcglobal:cbv:bizstep:void_shipping",
               "disposition": "urn:epcglobal:cbv:disp:active", "epcList": ["urn:epc:id:sscc:0312345.0000000123"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "https://ref.gs1.org/cbv/BizStep-dispensing",
               "disposition": "https://ref.gs1.org/cbv/Disp-partially_dispensed", "epcList": ["urn:epc:id:sgtin:0312345.067890.SN1"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "dispensing", "disposition": "dispensed",
               "epcList": ["urn:epc:id:sgtin:0312345.067890.SN1"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "inspecting",
               "disposition": "urn:epcglobal:cbv:disp:damaged", "epcList": ["urn:epc:id:sgtin:0312345.067890.SN2"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving", "disposition": "returned",
               "epcList": ["urn:epc:id:sgtin:0312345.067890.SN3"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving", "disposition": "damaged",
               "epcList": ["urn:epc:id:sgtin:0312345.067890.SN4"]"#,
            r#""type": "AggregationEvent", "action": "ADD", "bizStep": "packing", "disposition": "container_closed",
               "parentID": "urn:epc:id:sscc:0312345.0000000123", "childEPCs": ["urn:epc:id:sgtin:0312345.067890.SN5"]"#,
            r#""type": "ObjectEvent", "action": "DELETE", "bizStep": "sampling", "disposition": "inactive",
               "epcList": ["urn:epc:id:sgtin:0312345.067890.SN6"]"#,
            r#""type": "ObjectEvent", "action": "DELETE", "bizStep": "urn:epcglobal:cbv:bizstep:decommissioning",
               "disposition": "urn:epcglobal:cbv:disp:destroyed", "epcList": ["urn:epc:id:sgtin:0312345.067890.SN7"]"#,
        ]);
        let import = read(&text, None).expect("reads");
        assert!(import.unmapped.is_empty(), "{:?}", import.unmapped);
        let sscc = "003123450000001230".to_string();
        assert_eq!(
            ops(&import),
            vec![
                Operation::VoidShipment {
                    target: Target::Container(sscc.clone())
                },
                Operation::DispensePartial {
                    gtin: GTIN.into(),
                    serial: "SN1".into()
                },
                Operation::Dispense {
                    gtin: GTIN.into(),
                    serial: "SN1".into()
                },
                Operation::ReportDamaged {
                    gtin: GTIN.into(),
                    serial: "SN2".into()
                },
                Operation::Receive {
                    target: Target::Package(GTIN.into(), "SN3".into())
                },
                Operation::Receive {
                    target: Target::Package(GTIN.into(), "SN4".into())
                },
                Operation::ReportDamaged {
                    gtin: GTIN.into(),
                    serial: "SN4".into()
                },
                Operation::Pack {
                    sscc: sscc.clone(),
                    items: vec![package("SN5")]
                },
                Operation::Decommission {
                    gtin: GTIN.into(),
                    serial: "SN6".into(),
                    reason: Reason::Sample
                },
                Operation::Decommission {
                    gtin: GTIN.into(),
                    serial: "SN7".into(),
                    reason: Reason::Destroyed
                },
            ]
        );
        assert_eq!(
            import.company_prefixes.get(GTIN).map(String::as_str),
            Some("0312345")
        );
        assert_eq!(
            import.company_prefixes.get(&sscc).map(String::as_str),
            Some("0312345")
        );
    }

    #[test]
    fn repackaging_is_one_source_into_one_new_package_under_the_repackagers_prefix() {
        let text = document(&[
            r#""type": "TransformationEvent", "bizStep": "repackaging",
               "inputEPCList": ["urn:epc:id:sgtin:0312345.067890.SN1"],
               "outputEPCList": ["urn:epc:id:sgtin:0300012.034567.R1"],
               "ilmd": { "cbvmda:lotNumber": "RL1", "cbvmda:itemExpirationDate": "2027-03-31" }"#,
            r#""type": "TransformationEvent", "bizStep": "repackaging",
               "inputEPCList": ["urn:epc:id:sgtin:0312345.067890.SN1", "urn:epc:id:sgtin:0312345.067890.SN2"],
               "outputEPCList": ["urn:epc:id:sgtin:0300012.034567.R2"],
               "ilmd": { "cbvmda:lotNumber": "RL1", "cbvmda:itemExpirationDate": "2027-03-31" }"#,
            r#""type": "TransformationEvent", "bizStep": "repackaging",
               "inputEPCList": ["urn:epc:id:sgtin:0312345.067890.SN3"],
               "outputEPCList": ["urn:epc:id:sgtin:0300012.034567.R3"]"#,
        ]);
        let import = read(&text, None).expect("reads");
        let new_gtin = ids::sgtin("urn:epc:id:sgtin:0300012.034567.R1")
            .expect("sgtin")
            .0;
        assert_eq!(
            ops(&import),
            vec![Operation::Repackage {
                source_gtin: GTIN.into(),
                source_serial: "SN1".into(),
                gtin: new_gtin.clone(),
                serial: "R1".into(),
                lot: "RL1".into(),
                expiry: 1_806_451_200_000,
            }]
        );
        assert_eq!(
            import.company_prefixes.get(&new_gtin).map(String::as_str),
            Some("0300012")
        );
        assert_eq!(import.unmapped.len(), 2);
        assert!(import.unmapped[0]
            .reason
            .contains("one input and one output"));
        assert!(import.unmapped[1].reason.contains("lotNumber"));
    }

    #[test]
    fn a_shipment_needs_its_transaction_information() {
        let ship = |extra: &str| {
            format!(
                r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping", "epcList": ["{SN1}"],
                   "destinationList": [{{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00002"}}]{extra}"#
            )
        };
        let none = ship("");
        let empty = ship(r#", "bizTransactionList": []"#);
        let zero = ship(&format!(
            r#", "carechain:transactionInformation": "0x{}""#,
            "00".repeat(32)
        ));
        let reordered = ship(
            r#", "bizTransactionList": [{"type": "urn:epcglobal:cbv:btt:desadv", "bizTransaction": "urn:epcglobal:cbv:bt:0312345000011:A"},
                                        {"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000029:P"}]"#,
        );
        let listed = ship(
            r#", "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000029:P"},
                                        {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:0312345000011:A"}]"#,
        );
        let text = document(&[&none, &empty, &zero, &reordered, &listed]);
        let import = read(&text, None).expect("reads");
        assert_eq!(import.unmapped.len(), 3, "{:?}", import.unmapped);
        assert!(import.unmapped[0]
            .reason
            .contains("transaction information"));
        assert!(import.unmapped[1]
            .reason
            .contains("transaction information"));
        assert!(import.unmapped[2].reason.contains("all zeros"));
        let hashes: Vec<[u8; 32]> = ops(&import)
            .into_iter()
            .filter_map(|op| match op {
                Operation::Ship {
                    transaction_information,
                    ..
                } => Some(transaction_information),
                _ => None,
            })
            .collect();
        let expected = super::super::transaction_information(&[
            BizTransaction {
                kind: "po".into(),
                id: "urn:epcglobal:cbv:bt:0614141000029:P".into(),
            },
            BizTransaction {
                kind: "desadv".into(),
                id: "urn:epcglobal:cbv:bt:0312345000011:A".into(),
            },
        ]);
        assert_eq!(hashes.len(), 2);
        assert_eq!(
            Some(hashes[0]),
            expected,
            "type URNs and order do not matter"
        );
        assert_eq!(hashes[0], hashes[1]);
    }

    #[test]
    fn dispositions_that_do_not_fit_are_reported() {
        let text = document(&[
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "dispensing", "disposition": "returned",
               "epcList": ["urn:epc:id:sgtin:0312345.067890.SN1"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving", "disposition": "damaged",
               "epcList": ["urn:epc:id:sscc:0312345.0000000123"]"#,
            r#""type": "ObjectEvent", "action": "DELETE", "bizStep": "decommissioning", "disposition": "returned",
               "epcList": ["urn:epc:id:sgtin:0312345.067890.SN1"]"#,
            r#""type": "ObjectEvent", "action": "OBSERVE", "bizStep": "inspecting", "disposition": "active",
               "carechain:verification": "saleableReturn", "epcList": ["urn:epc:id:sgtin:0312345.067890.SN1"]"#,
        ]);
        let import = read(&text, None).expect("reads");
        assert!(import.mapped.is_empty(), "{:?}", import.mapped);
        let reasons: Vec<&str> = import.unmapped.iter().map(|u| u.reason.as_str()).collect();
        assert!(reasons[0].contains("partially_dispensed"), "{reasons:?}");
        assert!(reasons[1].contains("per package"), "{reasons:?}");
        assert!(
            reasons[2].contains("destroyed, stolen or expired"),
            "{reasons:?}"
        );
        assert!(reasons[3].contains("request_verification"), "{reasons:?}");
    }

    #[test]
    fn unreadable_documents_are_refused_whole() {
        assert!(matches!(
            read("{\"type\": ", None),
            Err(DocumentError::Json { line: 1, .. })
        ));
        assert!(matches!(
            read("{\"type\": \"Other\"}", None),
            Err(DocumentError::NotEpcis(_))
        ));
        assert!(matches!(
            read("{\"type\": \"EPCISDocument\"}", None),
            Err(DocumentError::NotEpcis(_))
        ));
    }
}
