//! Reading an EPCIS 2.0 JSON(-LD) document: every event either becomes DSCSA
//! operations or is reported, with its line, as not mapped and why. A document that
//! is not JSON, or (when the GS1 schema is given) does not validate, is refused as a
//! whole.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{date_ms, ids, Operation, Reason, Target};

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
            Ok(operations) => import.mapped.push(Mapped {
                line,
                event_id: event
                    .get("eventID")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                what,
                operations,
            }),
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
    match (kind, action, step) {
        ("ObjectEvent", "ADD", "commissioning") => {
            let lot = ilmd(event, "lotNumber")
                .ok_or("commissioning without ilmd cbvmda:lotNumber (DSCSA product identifier)")?;
            let expiry = ilmd(event, "itemExpirationDate")
                .ok_or("commissioning without ilmd cbvmda:itemExpirationDate")?;
            let expiry =
                date_ms(expiry).ok_or_else(|| format!("expiry date {expiry} is not a date"))?;
            Ok(packages(&serialized(event, "epcList")?)?
                .into_iter()
                .map(|(gtin, serial)| Operation::Commission {
                    gtin,
                    serial,
                    lot: lot.to_string(),
                    expiry,
                })
                .collect())
        }
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
        ("ObjectEvent", "OBSERVE", "receiving") => serialized(event, "epcList")?
            .into_iter()
            .map(|epc| {
                Ok(Operation::Receive {
                    target: target(epc)?,
                })
            })
            .collect(),
        ("ObjectEvent", "OBSERVE", "dispensing") => Ok(packages(&serialized(event, "epcList")?)?
            .into_iter()
            .map(|(gtin, serial)| Operation::Dispense { gtin, serial })
            .collect()),
        ("ObjectEvent", "DELETE", "decommissioning") => {
            let reason = match cbv_word(field(event, "disposition")) {
                Some("destroyed") => Reason::Destroyed,
                Some("stolen") => Reason::Stolen,
                Some("expired") => Reason::Expired,
                Some("sampled") => Reason::Sample,
                other => {
                    return Err(format!(
                        "decommissioning needs disposition destroyed, stolen, expired or sampled, not {other:?}"
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
        ("ObjectEvent" | "AggregationEvent", _, "") => {
            Err("no bizStep: cannot tell which DSCSA transaction this is".into())
        }
        ("ObjectEvent" | "AggregationEvent", _, _) => Err(format!(
            "{kind} {action} {step} is not a DSCSA transaction this contract records"
        )),
        ("", _, _) => Err("event without a type".into()),
        _ => Err(format!("{kind} has no DSCSA counterpart")),
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

/// The hash of the business transactions (the DSCSA transaction information stays
/// off chain; the chain keeps its SHA-256). An exported document carries the hash
/// itself as `carechain:transactionInformation`.
fn transaction_information(event: &Value) -> Result<[u8; 32], String> {
    if let Some(hex) = field(event, "carechain:transactionInformation") {
        let bytes = crate::api::types::parse_hex(hex)?;
        return bytes
            .try_into()
            .map_err(|_| "carechain:transactionInformation is not 32 bytes".to_string());
    }
    let list = event
        .get("bizTransactionList")
        .filter(|l| l.as_array().is_some_and(|a| !a.is_empty()))
        .ok_or("shipping without bizTransactionList: DSCSA needs transaction information")?;
    // serde_json keeps object keys sorted, so equal lists hash equally.
    let canonical = serde_json::to_vec(list).map_err(|e| e.to_string())?;
    Ok(Sha256::digest(canonical).into())
}

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
