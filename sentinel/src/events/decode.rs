//! The decoder: signature topics learnt from the contracts' metadata, and each
//! event's SCALE data decoded as the contract's own event type (`health_types`).

use std::collections::BTreeMap;

use parity_scale_codec::Decode;

use super::{ChainEvent, Event, RawEvent};

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
pub(super) const LABELS: [&str; 20] = [
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
    "ProviderAdded",
    "ProviderRemoved",
    "BreakGlassEscalated",
    "PartnerAdded",
    "PartnerStatusChanged",
    "PrefixAssigned",
    "PrefixRemoved",
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
pub(super) fn exact<T: Decode>(mut data: &[u8]) -> Result<T, String> {
    let value = T::decode(&mut data).map_err(|e| e.to_string())?;
    if data.is_empty() {
        Ok(value)
    } else {
        Err(format!("{} trailing bytes", data.len()))
    }
}

/// Decodes the data of the event `label` names, by the contract that emits it.
fn decode_data(label: &str, data: &[u8]) -> Result<Event, String> {
    if let Some(event) = ehr_access(label, data)? {
        return Ok(event);
    }
    if let Some(event) = consent(label, data)? {
        return Ok(event);
    }
    if let Some(event) = dscsa(label, data)? {
        return Ok(event);
    }
    Err(format!("no decoder for {label}"))
}

/// Decodes an `ehr_access` event (and `ModelRegistered`, which `dscsa` emits too:
/// both hold the shared oracle registry); `Ok(None)` for a label it does not emit.
fn ehr_access(label: &str, data: &[u8]) -> Result<Option<Event>, String> {
    use health_types::ehr as e;
    Ok(Some(match label {
        "RecordRegistered" => {
            let e: e::RecordRegistered = exact(data)?;
            Event::RecordRegistered {
                patient: e.patient.0,
                custodian: e.custodian.0,
                record: e.record,
                class: e.class,
                amends: e.amends,
            }
        }
        "AccessDecided" => {
            let e: e::AccessDecided = exact(data)?;
            Event::AccessDecided {
                patient: e.patient.0,
                accessor: e.accessor.0,
                entry: e.entry,
                record: e.record,
                purpose: e.purpose,
                granted: e.granted,
                break_glass: e.break_glass,
                via_organization: e.via_organization,
                class: e.class,
                basis: e.basis,
            }
        }
        "ProviderAdded" => {
            let e: e::ProviderAdded = exact(data)?;
            Event::ProviderAdded {
                provider: e.provider.0,
                by: e.by.0,
            }
        }
        "ProviderRemoved" => {
            let e: e::ProviderRemoved = exact(data)?;
            Event::ProviderRemoved {
                provider: e.provider.0,
                by: e.by.0,
            }
        }
        "BreakGlassEscalated" => {
            let e: e::BreakGlassEscalated = exact(data)?;
            Event::BreakGlassEscalated {
                accessor: e.accessor.0,
                entry: e.entry,
                unreviewed: e.unreviewed,
            }
        }
        "BreakGlassReviewed" => {
            let e: e::BreakGlassReviewed = exact(data)?;
            Event::BreakGlassReviewed {
                patient: e.patient.0,
                reviewer: e.reviewer.0,
                entry: e.entry,
                review: e.review,
            }
        }
        "CareRelationRegistered" => {
            let e: e::CareRelationRegistered = exact(data)?;
            Event::CareRelationRegistered {
                patient: e.patient.0,
                provider: e.provider.0,
                start: e.start,
                end: e.end,
            }
        }
        "ModelRegistered" => {
            let e: health_types::oracle::ModelRegistered = exact(data)?;
            Event::ModelRegistered {
                model: e.model,
                oracle: e.oracle.0,
            }
        }
        "AccessFlagged" => {
            let e: e::AccessFlagged = exact(data)?;
            Event::AccessFlagged {
                patient: e.patient.0,
                accessor: e.accessor.0,
                flag: e.flag,
                entry: e.entry,
                score: e.score,
                reasons: e.reasons,
                model: e.model,
            }
        }
        "FlagReviewed" => {
            let e: e::FlagReviewed = exact(data)?;
            Event::FlagReviewed {
                patient: e.patient.0,
                flag: e.flag,
                entry: e.entry,
                outcome: e.outcome,
            }
        }
        _ => return Ok(None),
    }))
}

/// Decodes a `consent` event; `Ok(None)` for a label it does not emit.
fn consent(label: &str, data: &[u8]) -> Result<Option<Event>, String> {
    use health_types::consent as c;
    Ok(Some(match label {
        "ConsentRecorded" => {
            let e: c::ConsentRecorded = exact(data)?;
            Event::ConsentRecorded {
                patient: e.patient.0,
                grantee: e.grantee.0,
                id: e.id,
                provision: e.provision,
                by: e.by.0,
                purposes: e.purposes,
                classes: e.classes,
                start: e.start,
                end: e.end,
            }
        }
        "ConsentRevoked" => {
            let e: c::ConsentRevoked = exact(data)?;
            Event::ConsentRevoked {
                patient: e.patient.0,
                grantee: e.grantee.0,
                id: e.id,
            }
        }
        _ => return Ok(None),
    }))
}

/// Decodes a `dscsa` event; `Ok(None)` for a label it does not emit.
fn dscsa(label: &str, data: &[u8]) -> Result<Option<Event>, String> {
    use health_types::dscsa as d;
    Ok(Some(match label {
        "PackageEvent" => {
            let e: d::PackageEvent = exact(data)?;
            Event::Package {
                package: e.package,
                actor: e.actor.0,
                action: e.action,
            }
        }
        "VerificationRequested" => {
            let e: d::VerificationRequested = exact(data)?;
            Event::VerificationRequested {
                package: e.package,
                requester: e.requester.0,
                gtin: e.gtin,
                serial: e.serial,
                verified: e.verified,
                status: e.status,
                presenter: e.presenter.0,
                context: e.context,
                requester_connected: e.requester_connected,
            }
        }
        "SerialFlagged" => {
            let e: d::SerialFlagged = exact(data)?;
            Event::SerialFlagged {
                package: e.package,
                flag: e.flag,
                owner: e.owner.map(|o| o.0),
                score: e.score,
                reasons: e.reasons,
                model: e.model,
            }
        }
        "SerialFlagReviewed" => {
            let e: d::SerialFlagReviewed = exact(data)?;
            Event::SerialFlagReviewed {
                package: e.package,
                flag: e.flag,
                outcome: e.outcome,
            }
        }
        "PartnerAdded" => {
            let e: d::PartnerAdded = exact(data)?;
            Event::PartnerAdded {
                account: e.account.0,
                kind: e.kind,
                gln: e.gln,
            }
        }
        "PartnerStatusChanged" => {
            let e: d::PartnerStatusChanged = exact(data)?;
            Event::PartnerStatusChanged {
                account: e.account.0,
                active: e.active,
            }
        }
        "PrefixAssigned" => {
            let e: d::PrefixAssigned = exact(data)?;
            Event::PrefixAssigned {
                account: e.account.0,
                prefix: e.prefix,
            }
        }
        "PrefixRemoved" => {
            let e: d::PrefixRemoved = exact(data)?;
            Event::PrefixRemoved {
                account: e.account.0,
                prefix: e.prefix,
            }
        }
        _ => return Ok(None),
    }))
}
