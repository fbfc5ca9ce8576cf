//! The decoder: signature topics learnt from the contracts' metadata, and each
//! event's SCALE data decoded field by field, by contract.

use std::collections::BTreeMap;

use parity_scale_codec::Decode;

use super::{
    AccountId, Action, Basis, ChainEvent, DataClass, Event, FlagOutcome, PackageKey, PartnerKind,
    Provision, Purpose, RawEvent, RecordId, Review, Status, Timestamp, VerificationContext,
};

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

/// Decodes an `ehr_access` event (and `ModelRegistered`, which `dscsa` emits with the
/// same fields); `Ok(None)` for a label it does not emit.
fn ehr_access(label: &str, data: &[u8]) -> Result<Option<Event>, String> {
    type Access = (
        AccountId,
        AccountId,
        u64,
        RecordId,
        Purpose,
        bool,
        bool,
        bool,
        DataClass,
        Basis,
    );
    Ok(Some(match label {
        "RecordRegistered" => {
            let (patient, custodian, record, class, amends) =
                exact::<(AccountId, AccountId, RecordId, DataClass, Option<RecordId>)>(data)?;
            Event::RecordRegistered {
                patient,
                custodian,
                record,
                class,
                amends,
            }
        }
        "AccessDecided" => {
            let (
                patient,
                accessor,
                entry,
                record,
                purpose,
                granted,
                break_glass,
                via_org,
                class,
                basis,
            ) = exact::<Access>(data)?;
            Event::AccessDecided {
                patient,
                accessor,
                entry,
                record,
                purpose,
                granted,
                break_glass,
                via_organization: via_org,
                class,
                basis,
            }
        }
        "ProviderAdded" => {
            let (provider, by) = exact::<(AccountId, AccountId)>(data)?;
            Event::ProviderAdded { provider, by }
        }
        "ProviderRemoved" => {
            let (provider, by) = exact::<(AccountId, AccountId)>(data)?;
            Event::ProviderRemoved { provider, by }
        }
        "BreakGlassEscalated" => {
            let (accessor, entry, unreviewed) = exact::<(AccountId, u64, u32)>(data)?;
            Event::BreakGlassEscalated {
                accessor,
                entry,
                unreviewed,
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
        _ => return Ok(None),
    }))
}

/// Decodes a `consent` event; `Ok(None)` for a label it does not emit.
fn consent(label: &str, data: &[u8]) -> Result<Option<Event>, String> {
    type Consent = (
        AccountId,
        AccountId,
        u64,
        Provision,
        AccountId,
        u8,
        u8,
        Timestamp,
        Option<Timestamp>,
    );
    Ok(Some(match label {
        "ConsentRecorded" => {
            let (patient, grantee, id, provision, by, purposes, classes, start, end) =
                exact::<Consent>(data)?;
            Event::ConsentRecorded {
                patient,
                grantee,
                id,
                provision,
                by,
                purposes,
                classes,
                start,
                end,
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
        _ => return Ok(None),
    }))
}

/// Decodes a `dscsa` event; `Ok(None)` for a label it does not emit.
fn dscsa(label: &str, data: &[u8]) -> Result<Option<Event>, String> {
    type Verification = (
        PackageKey,
        AccountId,
        [u8; 14],
        String,
        bool,
        Option<Status>,
        AccountId,
        VerificationContext,
        bool,
    );
    Ok(Some(match label {
        "PackageEvent" => {
            let (package, actor, action) = exact::<(PackageKey, AccountId, Action)>(data)?;
            Event::Package {
                package,
                actor,
                action,
            }
        }
        "VerificationRequested" => {
            let (
                package,
                requester,
                gtin,
                serial,
                verified,
                status,
                presenter,
                context,
                requester_connected,
            ) = exact::<Verification>(data)?;
            Event::VerificationRequested {
                package,
                requester,
                gtin,
                serial,
                verified,
                status,
                presenter,
                context,
                requester_connected,
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
        "PartnerAdded" => {
            let (account, kind, gln) = exact::<(AccountId, PartnerKind, [u8; 13])>(data)?;
            Event::PartnerAdded { account, kind, gln }
        }
        "PartnerStatusChanged" => {
            let (account, active) = exact::<(AccountId, bool)>(data)?;
            Event::PartnerStatusChanged { account, active }
        }
        "PrefixAssigned" => {
            let (account, prefix) = exact::<(AccountId, String)>(data)?;
            Event::PrefixAssigned { account, prefix }
        }
        "PrefixRemoved" => {
            let (account, prefix) = exact::<(AccountId, String)>(data)?;
            Event::PrefixRemoved { account, prefix }
        }
        _ => return Ok(None),
    }))
}
