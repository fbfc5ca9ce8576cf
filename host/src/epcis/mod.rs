//! GS1 EPCIS 2.0 for DSCSA: which EPCIS events are which DSCSA contract operations
//! ([`import`]), and a product's on-chain history written back as an EPCIS document
//! ([`export`]). Pure functions over JSON: the CLI's `epcis` verbs do the chain work.
//!
//! Mapping (CBV 2.0 business steps): ObjectEvent ADD `commissioning` with
//! `cbvmda:lotNumber` and `cbvmda:itemExpirationDate` -> `commission`;
//! AggregationEvent ADD `packing` -> `pack`, DELETE `unpacking` -> `unpack`;
//! ObjectEvent OBSERVE `shipping` with an `owning_party` destination and business
//! transactions -> `ship`; `receiving` -> `receive`; `dispensing` -> `dispense`;
//! ObjectEvent DELETE `decommissioning` with disposition `destroyed`, `stolen` or
//! `expired` -> `decommission`. Everything else is reported, by line, as not mapped.

pub mod export;
pub mod ids;
pub mod import;

/// What a movement names: one package or a container (the contract's `Target`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// GTIN-14 and serial.
    Package(String, String),
    /// SSCC-18.
    Container(String),
}

/// Why a package was decommissioned (the contract's `Decommission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// CBV disposition `destroyed`.
    Destroyed,
    /// Sample (no CBV disposition; exported as `sampled`).
    Sample,
    /// CBV disposition `expired`.
    Expired,
    /// CBV disposition `stolen`.
    Stolen,
}

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
