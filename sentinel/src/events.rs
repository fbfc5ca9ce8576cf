//! The chain events the sentinel reads, decoded from the raw ink! events a node serves.
//!
//! An ink! 5 event's first topic is its signature topic and its data is the SCALE
//! encoding of all its fields in order. The signature topics are read from the
//! contracts' metadata ([`Decoder::from_metadata`]), so nothing here guesses how ink!
//! spells a type; the field layouts below mirror the contracts' event structs, and a
//! test decodes real events emitted by the real contracts.

use std::collections::BTreeMap;

use parity_scale_codec::{Decode, Encode};

/// A 32-byte account id.
pub type AccountId = [u8; 32];
/// A registered record's id.
pub type RecordId = [u8; 32];
/// A DSCSA package key: BLAKE2-256 of SCALE((GTIN, serial)).
pub type PackageKey = [u8; 32];
/// Milliseconds since the Unix epoch (block time).
pub type Timestamp = u64;

/// An event as a node serves it, with its block's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
    /// Block number.
    pub block: u64,
    /// The block's timestamp.
    pub timestamp: Timestamp,
    /// Position of the transaction in the block.
    pub tx_index: u32,
    /// Position of the event in the transaction's receipt.
    pub event_index: u32,
    /// The emitting contract.
    pub contract: AccountId,
    /// Topics; the first is the signature topic.
    pub topics: Vec<[u8; 32]>,
    /// SCALE data.
    pub data: Vec<u8>,
}

/// HL7 v3 purpose of use (mirrors `health_types::Purpose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub enum Purpose {
    /// TREAT.
    Treatment,
    /// ETREAT.
    EmergencyTreatment,
    /// HPAYMT.
    Payment,
    /// HOPERAT.
    Operations,
    /// HRESCH.
    Research,
    /// PUBHLTH.
    PublicHealth,
}

/// A record's data class (mirrors `health_types::DataClass`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub enum DataClass {
    /// General.
    General,
    /// Medications.
    Medications,
    /// Laboratory results.
    Labs,
    /// Imaging.
    Imaging,
    /// Mental health.
    MentalHealth,
    /// 42 CFR Part 2 substance-use treatment.
    SubstanceUse,
    /// Genomics.
    Genomics,
}

/// A break-glass review's result (mirrors `ehr_access::Review`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Review {
    /// Not reviewed.
    Pending,
    /// Justified.
    Accepted,
    /// Reported as a possible violation.
    Reported,
}

/// Where an AI flag stands (mirrors `health_types::FlagOutcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum FlagOutcome {
    /// Awaiting review.
    Open,
    /// Found inappropriate or suspect.
    Confirmed,
    /// Found legitimate.
    Dismissed,
}

/// A consent provision's type (mirrors `consent::Provision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Provision {
    /// Permit.
    Permit,
    /// Deny.
    Deny,
}

/// Why a package was decommissioned (mirrors `dscsa::Decommission`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Decommission {
    /// Destroyed.
    Destroyed,
    /// Used as a sample.
    Sample,
    /// Expired.
    Expired,
    /// Stolen.
    Stolen,
}

/// A change of ownership under way (mirrors `dscsa::Shipment`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Shipment {
    /// The recipient.
    pub to: AccountId,
    /// The 3PL carrying it, if any.
    pub carrier: Option<AccountId>,
    /// SHA-256 of the transaction information.
    pub transaction_information: [u8; 32],
}

/// What happened to a package (mirrors `dscsa::Action`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Action {
    /// Commissioned.
    Commissioned,
    /// Packed into a container.
    Packed([u8; 18]),
    /// Unpacked from a container.
    Unpacked([u8; 18]),
    /// Shipped.
    Shipped(Shipment),
    /// Received.
    Received,
    /// Quarantined, with the reason.
    Quarantined(String),
    /// Cleared.
    Cleared,
    /// Declared illegitimate.
    DeclaredIllegitimate(String),
    /// Recalled.
    Recalled,
    /// Dispensed.
    Dispensed,
    /// Decommissioned.
    Decommissioned(Decommission),
}

/// A package's status as verification reports it (mirrors `dscsa::Status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Status {
    /// Active.
    Active,
    /// On a shipment.
    InTransit,
    /// Quarantined.
    Quarantined,
    /// Illegitimate.
    Illegitimate,
    /// Dispensed.
    Dispensed,
    /// Decommissioned.
    Decommissioned,
    /// Recalled.
    Recalled,
    /// Expired.
    Expired,
}

/// The events the sentinel uses, by contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// EHR: a record was registered.
    RecordRegistered {
        /// Whose.
        patient: AccountId,
        /// Who registered it.
        custodian: AccountId,
        /// Its id.
        record: RecordId,
        /// Its class.
        class: DataClass,
    },
    /// EHR: an access was decided.
    AccessDecided {
        /// Whose record.
        patient: AccountId,
        /// Who asked.
        accessor: AccountId,
        /// The audit entry.
        entry: u64,
        /// Which record.
        record: RecordId,
        /// For what.
        purpose: Purpose,
        /// Granted or not.
        granted: bool,
        /// Break-glass.
        break_glass: bool,
        /// Granted under the organization's consent.
        via_organization: bool,
    },
    /// EHR: a break-glass access was reviewed (a label).
    BreakGlassReviewed {
        /// Whose record.
        patient: AccountId,
        /// Who reviewed.
        reviewer: AccountId,
        /// The audit entry.
        entry: u64,
        /// Accepted or reported.
        review: Review,
    },
    /// EHR: the organization registered a care relation.
    CareRelationRegistered {
        /// The patient.
        patient: AccountId,
        /// The treating practitioner.
        provider: AccountId,
        /// From.
        start: Timestamp,
        /// Until.
        end: Timestamp,
    },
    /// EHR or DSCSA: the oracle registered a model.
    ModelRegistered {
        /// SHA-256 of the model file.
        model: [u8; 32],
        /// The oracle.
        oracle: AccountId,
    },
    /// EHR: the oracle flagged an access.
    AccessFlagged {
        /// Whose record.
        patient: AccountId,
        /// Who accessed.
        accessor: AccountId,
        /// The flag's id.
        flag: u64,
        /// The audit entry.
        entry: u64,
        /// Score, basis points.
        score: u16,
        /// Reason codes.
        reasons: u32,
        /// The model's hash.
        model: [u8; 32],
    },
    /// EHR: the privacy officer closed a flag (a label).
    FlagReviewed {
        /// Whose record.
        patient: AccountId,
        /// The flag.
        flag: u64,
        /// The audit entry.
        entry: u64,
        /// The outcome.
        outcome: FlagOutcome,
    },
    /// Consent: a provision was recorded.
    ConsentRecorded {
        /// The patient.
        patient: AccountId,
        /// The grantee.
        grantee: AccountId,
        /// The consent's id.
        id: u64,
        /// Permit or deny.
        provision: Provision,
    },
    /// Consent: a provision was revoked.
    ConsentRevoked {
        /// The patient.
        patient: AccountId,
        /// The grantee.
        grantee: AccountId,
        /// The consent's id.
        id: u64,
    },
    /// DSCSA: something happened to a package.
    Package {
        /// The package.
        package: PackageKey,
        /// Who did it.
        actor: AccountId,
        /// What.
        action: Action,
    },
    /// DSCSA: a partner asked to verify a product identifier.
    VerificationRequested {
        /// The package key of (GTIN, serial).
        package: PackageKey,
        /// Who asked.
        requester: AccountId,
        /// The GTIN.
        gtin: [u8; 14],
        /// The serial.
        serial: String,
        /// Exists and matches.
        verified: bool,
        /// Its status, if it exists.
        status: Option<Status>,
    },
    /// DSCSA: the oracle flagged a serial.
    SerialFlagged {
        /// The package key.
        package: PackageKey,
        /// The flag's id.
        flag: u64,
        /// The owner when flagged.
        owner: Option<AccountId>,
        /// Score, basis points.
        score: u16,
        /// Reason codes.
        reasons: u32,
        /// The model's hash.
        model: [u8; 32],
    },
    /// DSCSA: a serial's flag was closed (a label).
    SerialFlagReviewed {
        /// The package key.
        package: PackageKey,
        /// The flag.
        flag: u64,
        /// The outcome.
        outcome: FlagOutcome,
    },
}

/// A decoded event with where and when it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEvent {
    /// Block number.
    pub block: u64,
    /// Block time.
    pub timestamp: Timestamp,
    /// Transaction index in the block.
    pub tx_index: u32,
    /// Event index in the receipt.
    pub event_index: u32,
    /// The emitting contract.
    pub contract: AccountId,
    /// What happened.
    pub event: Event,
}

/// Why a raw event could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Its data does not decode as the event its signature topic names.
    #[error("event {label} at block {block}: malformed data ({reason})")]
    Malformed {
        /// The event's label.
        label: &'static str,
        /// Block.
        block: u64,
        /// The codec's message.
        reason: String,
    },
    /// Metadata is not ink! 5 metadata.
    #[error("contract metadata: {0}")]
    Metadata(String),
}

/// The events the sentinel decodes, by label.
const LABELS: [&str; 13] = [
    "RecordRegistered",
    "AccessDecided",
    "BreakGlassReviewed",
    "CareRelationRegistered",
    "ModelRegistered",
    "AccessFlagged",
    "FlagReviewed",
    "ConsentRecorded",
    "ConsentRevoked",
    "PackageEvent",
    "VerificationRequested",
    "SerialFlagged",
    "SerialFlagReviewed",
];

/// Decodes raw events into [`Event`]s by signature topic.
#[derive(Clone, Debug, Default)]
pub struct Decoder {
    by_topic: BTreeMap<[u8; 32], &'static str>,
}

impl Decoder {
    /// Learns the signature topics of the events it knows from a contract's ink!
    /// metadata (a `.json` or `.contract` file's text). Call once per contract kind.
    pub fn add_metadata(&mut self, metadata: &str) -> Result<(), DecodeError> {
        let json: serde_json::Value =
            serde_json::from_str(metadata).map_err(|e| DecodeError::Metadata(e.to_string()))?;
        let events = json
            .pointer("/spec/events")
            .and_then(|e| e.as_array())
            .ok_or_else(|| DecodeError::Metadata("no spec.events".into()))?;
        for event in events {
            let label = event.get("label").and_then(|l| l.as_str()).unwrap_or("");
            let Some(known) = LABELS.iter().find(|l| **l == label) else {
                continue;
            };
            let Some(topic) = event.get("signature_topic").and_then(|t| t.as_str()) else {
                continue;
            };
            let bytes = hex::decode(topic.trim_start_matches("0x"))
                .map_err(|e| DecodeError::Metadata(format!("{label}: {e}")))?;
            let topic: [u8; 32] = bytes
                .try_into()
                .map_err(|_| DecodeError::Metadata(format!("{label}: topic is not 32 bytes")))?;
            self.by_topic.insert(topic, known);
        }
        Ok(())
    }

    /// How many signature topics it knows.
    pub fn known(&self) -> usize {
        self.by_topic.len()
    }

    /// Whether `raw` carries the signature topic of an event the sentinel reads
    /// (whoever emitted it: the caller decides whom to believe).
    pub fn knows(&self, raw: &RawEvent) -> bool {
        raw.topics
            .first()
            .is_some_and(|t| self.by_topic.contains_key(t))
    }

    /// Decodes `raw`: `Ok(None)` for an event the sentinel does not use.
    pub fn decode(&self, raw: &RawEvent) -> Result<Option<ChainEvent>, DecodeError> {
        let Some(label) = raw.topics.first().and_then(|t| self.by_topic.get(t)) else {
            return Ok(None);
        };
        let event = decode_data(label, &raw.data).map_err(|reason| DecodeError::Malformed {
            label,
            block: raw.block,
            reason,
        })?;
        Ok(Some(ChainEvent {
            block: raw.block,
            timestamp: raw.timestamp,
            tx_index: raw.tx_index,
            event_index: raw.event_index,
            contract: raw.contract,
            event,
        }))
    }
}

/// Decodes a whole value: trailing bytes are an error, as the contract wrote none.
fn exact<T: Decode>(mut data: &[u8]) -> Result<T, String> {
    let value = T::decode(&mut data).map_err(|e| e.to_string())?;
    if data.is_empty() {
        Ok(value)
    } else {
        Err(format!("{} trailing bytes", data.len()))
    }
}

fn decode_data(label: &str, data: &[u8]) -> Result<Event, String> {
    type Access = (
        AccountId,
        AccountId,
        u64,
        RecordId,
        Purpose,
        bool,
        bool,
        bool,
    );
    Ok(match label {
        "RecordRegistered" => {
            let (patient, custodian, record, class) =
                exact::<(AccountId, AccountId, RecordId, DataClass)>(data)?;
            Event::RecordRegistered {
                patient,
                custodian,
                record,
                class,
            }
        }
        "AccessDecided" => {
            let (patient, accessor, entry, record, purpose, granted, break_glass, via_org) =
                exact::<Access>(data)?;
            Event::AccessDecided {
                patient,
                accessor,
                entry,
                record,
                purpose,
                granted,
                break_glass,
                via_organization: via_org,
            }
        }
        "BreakGlassReviewed" => {
            let (patient, reviewer, entry, review) =
                exact::<(AccountId, AccountId, u64, Review)>(data)?;
            Event::BreakGlassReviewed {
                patient,
                reviewer,
                entry,
                review,
            }
        }
        "CareRelationRegistered" => {
            let (patient, provider, start, end) =
                exact::<(AccountId, AccountId, Timestamp, Timestamp)>(data)?;
            Event::CareRelationRegistered {
                patient,
                provider,
                start,
                end,
            }
        }
        "ModelRegistered" => {
            let (model, oracle) = exact::<([u8; 32], AccountId)>(data)?;
            Event::ModelRegistered { model, oracle }
        }
        "AccessFlagged" => {
            let (patient, accessor, flag, entry, score, reasons, model) =
                exact::<(AccountId, AccountId, u64, u64, u16, u32, [u8; 32])>(data)?;
            Event::AccessFlagged {
                patient,
                accessor,
                flag,
                entry,
                score,
                reasons,
                model,
            }
        }
        "FlagReviewed" => {
            let (patient, flag, entry, outcome) =
                exact::<(AccountId, u64, u64, FlagOutcome)>(data)?;
            Event::FlagReviewed {
                patient,
                flag,
                entry,
                outcome,
            }
        }
        "ConsentRecorded" => {
            let (patient, grantee, id, provision, _by) =
                exact::<(AccountId, AccountId, u64, Provision, AccountId)>(data)?;
            Event::ConsentRecorded {
                patient,
                grantee,
                id,
                provision,
            }
        }
        "ConsentRevoked" => {
            let (patient, grantee, id, _by) =
                exact::<(AccountId, AccountId, u64, AccountId)>(data)?;
            Event::ConsentRevoked {
                patient,
                grantee,
                id,
            }
        }
        "PackageEvent" => {
            let (package, actor, action) = exact::<(PackageKey, AccountId, Action)>(data)?;
            Event::Package {
                package,
                actor,
                action,
            }
        }
        "VerificationRequested" => {
            let (package, requester, gtin, serial, verified, status) = exact::<(
                PackageKey,
                AccountId,
                [u8; 14],
                String,
                bool,
                Option<Status>,
            )>(data)?;
            Event::VerificationRequested {
                package,
                requester,
                gtin,
                serial,
                verified,
                status,
            }
        }
        "SerialFlagged" => {
            let (package, flag, owner, score, reasons, model) =
                exact::<(PackageKey, u64, Option<AccountId>, u16, u32, [u8; 32])>(data)?;
            Event::SerialFlagged {
                package,
                flag,
                owner,
                score,
                reasons,
                model,
            }
        }
        "SerialFlagReviewed" => {
            let (package, flag, outcome) = exact::<(PackageKey, u64, FlagOutcome)>(data)?;
            Event::SerialFlagReviewed {
                package,
                flag,
                outcome,
            }
        }
        other => return Err(format!("no decoder for {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder() -> Decoder {
        let mut d = Decoder::default();
        let meta = r#"{"spec":{"events":[
            {"label":"AccessDecided","signature_topic":"0x0101010101010101010101010101010101010101010101010101010101010101"},
            {"label":"Unrelated","signature_topic":"0x0202020202020202020202020202020202020202020202020202020202020202"}]}}"#;
        d.add_metadata(meta).expect("metadata");
        d
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

    #[test]
    fn decodes_known_events_and_ignores_others() {
        let d = decoder();
        assert_eq!(d.known(), 1);
        let data = (
            [1u8; 32],
            [2u8; 32],
            5u64,
            [3u8; 32],
            Purpose::Treatment,
            true,
            false,
            true,
        )
            .encode();
        let event = d.decode(&raw(1, data)).expect("decodes").expect("known");
        assert!(matches!(
            event.event,
            Event::AccessDecided {
                entry: 5,
                granted: true,
                via_organization: true,
                ..
            }
        ));
        assert_eq!(d.decode(&raw(2, vec![])), Ok(None));
    }

    #[test]
    fn truncated_or_padded_data_is_an_error_not_a_panic() {
        let d = decoder();
        let data = (
            [1u8; 32],
            [2u8; 32],
            5u64,
            [3u8; 32],
            Purpose::Treatment,
            true,
            false,
            true,
        )
            .encode();
        for cut in [0, 1, 40, data.len() - 1] {
            assert!(
                d.decode(&raw(1, data[..cut].to_vec())).is_err(),
                "cut {cut}"
            );
        }
        let mut padded = data.clone();
        padded.push(0);
        assert!(d.decode(&raw(1, padded)).is_err());
        let mut bad_enum = data;
        bad_enum[104] = 200;
        assert!(d.decode(&raw(1, bad_enum)).is_err());
    }

    #[test]
    fn metadata_that_is_not_ink_metadata_is_refused() {
        let mut d = Decoder::default();
        assert!(d.add_metadata("not json").is_err());
        assert!(d.add_metadata("{}").is_err());
    }
}
