//! GS1 EPCIS 2.0 for DSCSA: which EPCIS events are which DSCSA contract operations
//! ([`import`]), and a product's on-chain history written back as an EPCIS document
//! ([`export`]). Pure functions over JSON: the CLI's `epcis` verbs do the chain work.
//!
//! Mapping (CBV 2.0 business steps and dispositions; on import each may be written as
//! the bare word of the EPCIS 2.0 JSON-LD context, as a `urn:epcglobal:cbv:bizstep:`
//! / `urn:epcglobal:cbv:disp:` URN or as a `https://ref.gs1.org/cbv/` URI; exports
//! write the bare words, the only form the EPCIS 2.0 JSON schema admits for CBV
//! values, which the context expands to the CBV URIs):
//!
//! | EPCIS event | contract call | history (`Action`) |
//! |---|---|---|
//! | ObjectEvent ADD `commissioning`, ilmd `cbvmda:lotNumber`, `cbvmda:itemExpirationDate` | `commission` | `Commissioned` (disposition `active`) |
//! | TransformationEvent `repackaging`, one input and one output SGTIN, ilmd lot and expiry | `repackage` | `Repackaged` (input side), `CommissionedFrom` (output side) |
//! | AggregationEvent ADD `packing` | `pack` | `Packed` (disposition `container_closed`) |
//! | AggregationEvent DELETE `unpacking` | `unpack` | `Unpacked` |
//! | ObjectEvent OBSERVE `shipping`, `owning_party` destination, `bizTransactionList` | `ship` | `Shipped` (`in_transit`) |
//! | ObjectEvent OBSERVE `void_shipping` | `void_shipment` | `ShipmentVoided` (`active`) |
//! | ObjectEvent OBSERVE `receiving` (disposition `returned` or any) | `receive` | `Received` (`in_progress`), `ReturnReceived` (`returned`) |
//! | ObjectEvent OBSERVE `dispensing`, disposition `dispensed` or none | `dispense` | `Dispensed` |
//! | ObjectEvent OBSERVE `dispensing`, disposition `partially_dispensed` | `dispense_partial` | `PartiallyDispensed` |
//! | ObjectEvent OBSERVE, disposition `damaged` (other than the steps above) | `report_damaged` | `Damaged` (`inspecting`) |
//! | ObjectEvent DELETE `decommissioning`, disposition `destroyed`, `stolen` or `expired` | `decommission` | `Decommissioned` |
//! | ObjectEvent DELETE `sampling` | `decommission(.., Sample)` | `Decommissioned(Sample)` |
//! | (a verification request, not an EPCIS event) | `request_verification(.., SaleableReturn)` | `ReturnVerified` (`inspecting`, `active`) |
//! | (quarantine, clearing, illegitimacy, recall: export only) | | `holding` |
//!
//! Everything else is reported, by line, as not mapped and why.
//!
//! Rules the contract enforces and an import must follow: a GTIN is commissioned and
//! an SSCC packed only by the partner holding its GS1 company prefix (assigned by the
//! operator with `add_prefix`); a shipment carries the SHA-256 of its transaction
//! information, which an import derives from the event's `bizTransactionList`
//! ([`transaction_information`]) and never leaves all zero; expired product is
//! neither commissioned nor shipped nor received.

pub mod export;
pub mod ids;
pub mod import;

use sha2::{Digest, Sha256};

/// What a movement names: one package or a container (the contract's `Target`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// GTIN-14 and serial.
    Package(String, String),
    /// SSCC-18.
    Container(String),
}

/// Why a package was decommissioned: the contract's own `Decommission`.
pub use health_types::dscsa::Decommission as Reason;

/// One DSCSA contract operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// `commission(gtin, serial, lot, expiry)`.
    Commission {
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
        /// Lot.
        lot: String,
        /// Expiry, ms since the Unix epoch (start of the expiry date, UTC).
        expiry: u64,
    },
    /// `pack(sscc, items)`.
    Pack {
        /// The container.
        sscc: String,
        /// (GTIN, serial) of each package.
        items: Vec<(String, String)>,
    },
    /// `repackage(source_gtin, source_serial, gtin, serial, lot, expiry)`.
    Repackage {
        /// The source package's GTIN-14.
        source_gtin: String,
        /// The source package's serial.
        source_serial: String,
        /// The new package's GTIN-14 (under the repackager's own prefix).
        gtin: String,
        /// The new package's serial.
        serial: String,
        /// The new package's lot.
        lot: String,
        /// Its expiry, ms (no later than the source's).
        expiry: u64,
    },
    /// `unpack(sscc)`.
    Unpack {
        /// The container.
        sscc: String,
    },
    /// `ship(target, to, None, transaction_information, true)`.
    Ship {
        /// What.
        target: Target,
        /// The new owner's GLN (resolved to an account on chain).
        to_gln: String,
        /// SHA-256 of the business transactions (kept off chain).
        transaction_information: [u8; 32],
    },
    /// `void_shipment(target)`.
    VoidShipment {
        /// What.
        target: Target,
    },
    /// `receive(target)`.
    Receive {
        /// What.
        target: Target,
    },
    /// `dispense(gtin, serial)`.
    Dispense {
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
    },
    /// `dispense_partial(gtin, serial)`.
    DispensePartial {
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
    },
    /// `report_damaged(gtin, serial)`.
    ReportDamaged {
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
    },
    /// `decommission(gtin, serial, reason)`.
    Decommission {
        /// GTIN-14.
        gtin: String,
        /// Serial.
        serial: String,
        /// Why.
        reason: Reason,
    },
}

/// One business transaction reference of an event's `bizTransactionList`: its type
/// (a CBV word such as `po` or `desadv`, or a URI; empty when absent) and its URI.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BizTransaction {
    /// The CBV business transaction type, without its URN or URI prefix.
    pub kind: String,
    /// The transaction's identifier.
    pub id: String,
}

/// The transaction-information hash a shipment carries on chain (the DSCSA
/// transaction information itself stays off chain): SHA-256 of the UTF-8 text made
/// of one line `<type>\t<bizTransaction>\n` for each distinct business transaction,
/// sorted, so that the same set of references gives the same hash whatever their
/// order or duplication in the document. None for an empty list (the contract
/// refuses an all-zero hash and DSCSA needs the transaction information).
pub fn transaction_information(list: &[BizTransaction]) -> Option<[u8; 32]> {
    let mut sorted: Vec<&BizTransaction> = list.iter().collect();
    sorted.sort();
    sorted.dedup();
    if sorted.is_empty() {
        return None;
    }
    let mut hasher = Sha256::new();
    for t in sorted {
        hasher.update(t.kind.as_bytes());
        hasher.update(b"\t");
        hasher.update(t.id.as_bytes());
        hasher.update(b"\n");
    }
    Some(hasher.finalize().into())
}

/// Milliseconds since the epoch of the start (UTC) of an ISO 8601 date or
/// date-time (`2027-03-31`, `2027-03-31T00:00:00Z`).
pub fn date_ms(text: &str) -> Option<u64> {
    use time::format_description::well_known::Rfc3339;
    let at = if text.len() == 10 {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text, &format)
            .ok()?
            .midnight()
            .assume_utc()
    } else {
        time::OffsetDateTime::parse(text, &Rfc3339).ok()?
    };
    u64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// RFC 3339 UTC time of `ms` since the epoch, with milliseconds.
pub fn rfc3339(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    at.format(&format).unwrap_or_default()
}

/// The date (`YYYY-MM-DD`, UTC) of `ms` since the epoch.
pub fn date(ms: u64) -> String {
    rfc3339(ms).chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_information_is_the_hash_of_the_sorted_distinct_references() {
        let t = |kind: &str, id: &str| BizTransaction {
            kind: kind.into(),
            id: id.into(),
        };
        let po = t("po", "urn:epcglobal:cbv:bt:0614141000029:PO-88213");
        let asn = t("desadv", "urn:epcglobal:cbv:bt:0312345000011:ASN-2611-0042");
        let hash = transaction_information(&[po.clone(), asn.clone()]).expect("hash");
        assert_eq!(
            transaction_information(&[asn.clone(), po.clone(), asn.clone()]),
            Some(hash)
        );
        let text = "desadv\turn:epcglobal:cbv:bt:0312345000011:ASN-2611-0042\n\
                    po\turn:epcglobal:cbv:bt:0614141000029:PO-88213\n";
        let expected: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        assert_eq!(hash, expected, "the documented rule");
        assert_ne!(hash, [0; 32]);
        assert_ne!(transaction_information(&[po]), Some(hash));
        assert_eq!(transaction_information(&[]), None);
    }

    #[test]
    fn dates_round_trip() {
        let ms = date_ms("2027-03-31").expect("date");
        assert_eq!(ms, 1_806_451_200_000);
        assert_eq!(date(ms), "2027-03-31");
        assert_eq!(rfc3339(ms + 1_234), "2027-03-31T00:00:01.234Z");
        assert_eq!(date_ms("2027-03-31T00:00:01.234Z"), Some(ms + 1_234));
        assert_eq!(
            date_ms("2005-04-03T20:33:31.116000-06:00"),
            Some(1_112_582_011_116)
        );
        assert_eq!(date_ms("31/03/2027"), None);
    }
}
