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

impl Purpose {
    /// This purpose as one bit of a purpose set (as `health_types::Purpose::bit`).
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The purposes a provision may name to speak about this one: itself and the
    /// purposes it specializes (`ETREAT` is a kind of `TREAT`), as
    /// `health_types::Purpose::covered_by`.
    pub const fn covered_by(self) -> u8 {
        match self {
            Purpose::EmergencyTreatment => self.bit() | Purpose::Treatment.bit(),
            _ => self.bit(),
        }
    }
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

impl DataClass {
    /// Mental health, 42 CFR Part 2 substance use and genomics: covered only by a
    /// grant that names them (as `health_types::DataClass::is_sensitive`).
    pub const fn is_sensitive(self) -> bool {
        matches!(
            self,
            DataClass::MentalHealth | DataClass::SubstanceUse | DataClass::Genomics
        )
    }

    /// This class as one bit of a class set.
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// On what ground an access was decided (mirrors `ehr_access::Basis`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub enum Basis {
    /// Granted by a consent naming the accessor.
    PersonalConsent,
    /// Granted by the organization's consent (the administrator's).
    OrganizationConsent,
    /// Granted as break-glass, pending review.
    BreakGlass,
    /// Denied by a consent.
    ConsentDenied,
    /// Denied: no consent speaks.
    NoConsent,
    /// Refused: the caller is not (or no longer) a registered provider.
    NotProvider,
    /// Refused: the Consent contract did not answer.
    ConsentUnavailable,
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
    /// Repackaged into a new package.
    Repackaged,
}

/// The GS1 Lightweight Messaging context of a verification request (mirrors
/// `dscsa::VerificationContext`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub enum VerificationContext {
    /// A returned package verified before resale.
    SaleableReturn,
    /// Investigation of suspect product.
    Suspect,
    /// Investigation of illegitimate product.
    Illegitimate,
    /// A dispenser checking a package before dispensing it.
    Dispensing,
}

/// A trading partner's role (mirrors `dscsa::PartnerKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub enum PartnerKind {
    /// Manufacturer.
    Manufacturer,
    /// Repackager.
    Repackager,
    /// Wholesale distributor.
    WholesaleDistributor,
    /// Dispenser (pharmacy).
    Dispenser,
    /// Third-party logistics provider.
    ThirdPartyLogistics,
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
    /// Repackaged into the package with this key (on the source).
    Repackaged(PackageKey),
    /// Commissioned by repackaging the package with this key (on the new one).
    CommissionedFrom(PackageKey),
    /// A returned package's `SaleableReturn` verification succeeded.
    ReturnVerified,
    /// Its shipment was voided (CBV void_shipping): back with its owner.
    ShipmentVoided,
    /// Reported damaged.
    Damaged,
    /// Partly dispensed.
    PartiallyDispensed,
    /// Received back by a former owner or custodian (a saleable return); the
    /// receiver is the new owner.
    ReturnReceived,
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
    /// A saleable return awaiting verification.
    Returned,
    /// Damaged.
    Damaged,
    /// Partly dispensed.
    PartiallyDispensed,
}

/// A package's own state (mirrors `dscsa::State`; no event carries it, the
/// package record does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum State {
    /// In the owner's hands.
    Active,
    /// Shipped, not yet received.
    InTransit,
    /// Quarantined.
    Quarantined,
    /// Declared illegitimate.
    Illegitimate,
    /// Dispensed (final).
    Dispensed,
    /// Decommissioned (final).
    Decommissioned(Decommission),
    /// A saleable return awaiting verification.
    Returned,
    /// Reported damaged.
    Damaged,
    /// Partly dispensed.
    PartiallyDispensed,
}

/// A break-glass access's justification and reviews (mirrors `ehr_access::BreakGlass`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct BreakGlass {
    /// Commitment to the written reason (salted SHA-256; the text stays off chain).
    pub justification: [u8; 32],
    /// The compliance review.
    pub review: Review,
    /// Who made the compliance review.
    pub reviewer: Option<AccountId>,
    /// The patient's (or a delegate's) review.
    pub patient_review: Review,
}

/// One audit entry as `ehr_access::audit_entry` answers it (mirrors
/// `ehr_access::AuditEntry`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AuditEntry {
    /// Who asked.
    pub accessor: AccountId,
    /// Whose record.
    pub patient: AccountId,
    /// Which record.
    pub record: RecordId,
    /// For what.
    pub purpose: Purpose,
    /// Granted or not.
    pub granted: bool,
    /// Block time of the decision.
    pub at: Timestamp,
    /// Block of the decision.
    pub block: u32,
    /// Set for a break-glass access.
    pub break_glass: Option<BreakGlass>,
    /// The record's data class.
    pub class: DataClass,
    /// Why it was granted or refused.
    pub basis: Basis,
}

/// An AI flag on an audit entry as `ehr_access::flag` answers it (mirrors
/// `ehr_access::AccessFlag`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AccessFlag {
    /// The audit entry flagged.
    pub entry: u64,
    /// Whose record was accessed.
    pub patient: AccountId,
    /// Score, basis points.
    pub score: u16,
    /// Reason codes.
    pub reasons: u32,
    /// The model's hash.
    pub model: [u8; 32],
    /// Block time it was raised.
    pub raised_at: Timestamp,
    /// Where its review stands.
    pub outcome: FlagOutcome,
    /// The audit entry's accessor, who may not close it.
    pub accessor: AccountId,
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
        /// The record it amends (corrects), if it is an amendment.
        amends: Option<RecordId>,
    },
    /// EHR: an access was decided (or an attempt refused).
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
        /// The record's data class.
        class: DataClass,
        /// Why it was granted or refused.
        basis: Basis,
    },
    /// EHR: the administrator registered a provider.
    ProviderAdded {
        /// The provider.
        provider: AccountId,
        /// The administrator.
        by: AccountId,
    },
    /// EHR: the administrator removed a provider.
    ProviderRemoved {
        /// The provider.
        provider: AccountId,
        /// The administrator.
        by: AccountId,
    },
    /// EHR: an accessor holds more unreviewed break-glass entries than the contract
    /// lets pass without escalating to the privacy officer.
    BreakGlassEscalated {
        /// The accessor.
        accessor: AccountId,
        /// The entry that escalated.
        entry: u64,
        /// Its unreviewed break-glass entries.
        unreviewed: u32,
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
        /// The patient or the delegate who recorded it.
        by: AccountId,
        /// Purposes of use, one bit per [`Purpose`].
        purposes: u8,
        /// Data classes, one bit per [`DataClass`]; none: every class that is not
        /// sensitive for a permit, everything for a deny.
        classes: u8,
        /// Valid from (block time).
        start: Timestamp,
        /// Valid until (exclusive), if it ends.
        end: Option<Timestamp>,
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
        /// Its status, only when verified.
        status: Option<Status>,
        /// Who presented the product to the requester (as the requester says).
        presenter: AccountId,
        /// Why the requester asks.
        context: VerificationContext,
        /// The requester is or was the package's owner or custodian, or is the
        /// recipient or carrier of its shipment under way (the contract's answer).
        requester_connected: bool,
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
    /// DSCSA: the operator registered a trading partner.
    PartnerAdded {
        /// The partner.
        account: AccountId,
        /// Its role.
        kind: PartnerKind,
        /// Its GLN, 13 ASCII digits.
        gln: [u8; 13],
    },
    /// DSCSA: the operator suspended or reinstated a partner.
    PartnerStatusChanged {
        /// The partner.
        account: AccountId,
        /// Active now.
        active: bool,
    },
    /// DSCSA: the operator assigned a GS1 company prefix.
    PrefixAssigned {
        /// The partner.
        account: AccountId,
        /// The prefix's digits.
        prefix: String,
    },
    /// DSCSA: the operator removed a GS1 company prefix.
    PrefixRemoved {
        /// The partner that held it.
        account: AccountId,
        /// The prefix's digits.
        prefix: String,
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
const LABELS: [&str; 20] = [
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
        DataClass,
        Basis,
    );
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
    Ok(match label {
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
        other => return Err(format!("no decoder for {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            accessor: [1; 32],
            patient: [2; 32],
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
            patient: [2; 32],
            score: 9_000,
            reasons: 3,
            model: [5; 32],
            raised_at: 11,
            outcome: FlagOutcome::Open,
            accessor: [6; 32],
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
}
