//! GS1 identifiers as EPCIS writes them (EPC URNs of the GS1 EPC Tag Data Standard,
//! and GS1 Digital Link URIs) and as the DSCSA contract keeps them: GTIN-14,
//! SSCC-18 and GLN-13 digit strings with their check digits.
//!
//! An EPC URN splits the GS1 company prefix from the item, serial or location
//! reference (`urn:epc:id:sgtin:0614141.107346.2017`); the GTIN moves the
//! reference's first digit (the indicator) to the front and appends the check digit.

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `body` (digits) with its GS1 check digit appended (the rule is `health_types::gs1`'s,
/// the one the DSCSA contract checks); `None` if `body` has a non-digit.
fn with_check_digit(body: String) -> Option<String> {
    let digit = health_types::gs1::check_digit(body.as_bytes())?;
    let mut out = body;
    out.push(char::from(digit));
    Some(out)
}

/// Decodes `%xx` escapes, which EPC URNs use for reserved characters in serials.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The value after GS1 application identifier `ai` in a Digital Link path.
fn digital_link(uri: &str, ai: &str) -> Option<String> {
    let path = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let mut segments = path.split('/').skip(1);
    while let Some(segment) = segments.next() {
        let value = segments.next()?;
        if segment == ai {
            return percent_decode(value);
        }
    }
    None
}

/// Splits `urn:epc:id:<scheme>:a.b[.c]` into its dot-separated parts.
fn urn_parts<'a>(urn: &'a str, scheme: &str) -> Option<Vec<&'a str>> {
    let rest = urn.strip_prefix("urn:epc:id:")?.strip_prefix(scheme)?;
    Some(rest.strip_prefix(':')?.split('.').collect())
}

/// A serialized product: GTIN-14 and serial.
pub fn sgtin(epc: &str) -> Option<(String, String)> {
    if let Some(parts) = urn_parts(epc, "sgtin") {
        let [prefix, item, serial] = parts[..] else {
            return None;
        };
        if !all_digits(prefix) || !all_digits(item) || prefix.len() + item.len() != 13 {
            return None;
        }
        let (indicator, reference) = item.split_at(1);
        let gtin = with_check_digit(format!("{indicator}{prefix}{reference}"))?;
        return Some((gtin, percent_decode(serial)?));
    }
    let gtin = digital_link(epc, "01")?;
    let serial = digital_link(epc, "21")?;
    (all_digits(&gtin) && gtin.len() <= 14 && !serial.is_empty())
        .then(|| (format!("{gtin:0>14}"), serial))
}

/// A logistic unit: SSCC-18.
pub fn sscc(epc: &str) -> Option<String> {
    if let Some(parts) = urn_parts(epc, "sscc") {
        let [prefix, serial] = parts[..] else {
            return None;
        };
        if !all_digits(prefix) || !all_digits(serial) || prefix.len() + serial.len() != 17 {
            return None;
        }
        let (extension, reference) = serial.split_at(1);
        return with_check_digit(format!("{extension}{prefix}{reference}"));
    }
    let sscc = digital_link(epc, "00")?;
    (all_digits(&sscc) && sscc.len() == 18).then_some(sscc)
}

/// A party or location: GLN-13 (from an SGLN or PGLN URN, or Digital Link 414/417).
pub fn gln(id: &str) -> Option<String> {
    let parts = urn_parts(id, "sgln").or_else(|| urn_parts(id, "pgln"));
    if let Some(parts) = parts {
        let (prefix, reference) = (parts.first()?, parts.get(1)?);
        if !all_digits(prefix) || prefix.len() + reference.len() != 12 {
            return None;
        }
        if !reference.is_empty() && !all_digits(reference) {
            return None;
        }
        return with_check_digit(format!("{prefix}{reference}"));
    }
    let gln = digital_link(id, "417").or_else(|| digital_link(id, "414"))?;
    (all_digits(&gln) && gln.len() == 13).then_some(gln)
}

/// The GS1 company prefix an EPC URN names (`urn:epc:id:sgtin:0614141.107346.2017`
/// names `0614141`; SSCC URNs too). None for a Digital Link URI, which does not
/// mark where the prefix ends, or a malformed identifier.
pub fn company_prefix(epc: &str) -> Option<String> {
    let parts = urn_parts(epc, "sgtin").or_else(|| urn_parts(epc, "sscc"))?;
    let prefix = parts.first()?;
    (sgtin(epc).is_some() || sscc(epc).is_some()).then(|| (*prefix).to_string())
}

/// The DSCSA contract's key of package (GTIN-14, serial): BLAKE2-256 of
/// SCALE((GTIN as 14 ASCII digits, serial)). None unless the GTIN is 14 bytes.
pub fn package_key(gtin: &str, serial: &str) -> Option<[u8; 32]> {
    use parity_scale_codec::Encode;
    let gtin: [u8; 14] = gtin.as_bytes().try_into().ok()?;
    Some(carechain_runtime::blake2_256(&(gtin, serial).encode()))
}

/// A serialized product as a GS1 Digital Link URI (needs no company-prefix length).
pub fn sgtin_uri(gtin: &str, serial: &str) -> String {
    let mut escaped = String::new();
    for b in serial.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            escaped.push(char::from(b));
        } else {
            escaped.push_str(&format!("%{b:02X}"));
        }
    }
    format!("https://id.gs1.org/01/{gtin}/21/{escaped}")
}

/// A logistic unit as a GS1 Digital Link URI.
pub fn sscc_uri(sscc: &str) -> String {
    format!("https://id.gs1.org/00/{sscc}")
}

/// A party as a GS1 Digital Link URI.
pub fn party_uri(gln: &str) -> String {
    format!("https://id.gs1.org/417/{gln}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_and_digital_links_give_the_same_identifiers() {
        // GS1's own example: company prefix 0614141, item reference 107346.
        let (gtin, serial) = sgtin("urn:epc:id:sgtin:0614141.107346.2017").expect("sgtin");
        assert_eq!(gtin, "10614141073464");
        assert_eq!(serial, "2017");
        assert_eq!(
            sgtin("https://id.gs1.org/01/10614141073464/21/2017"),
            Some((gtin.clone(), serial.clone()))
        );
        assert_eq!(
            sgtin(&sgtin_uri(&gtin, "A/1 b")).map(|g| g.1),
            Some("A/1 b".into())
        );
        assert_eq!(
            sgtin("urn:epc:id:sgtin:0614141.107346.A%2F1").map(|g| g.1),
            Some("A/1".into())
        );
        let sscc_id = sscc("urn:epc:id:sscc:0614141.1234567890").expect("sscc");
        assert_eq!(sscc_id, "106141412345678908");
        assert_eq!(sscc(&sscc_uri(&sscc_id)), Some(sscc_id));
        assert_eq!(
            gln("urn:epc:id:sgln:0614141.07346.1234"),
            Some("0614141073467".into())
        );
        assert_eq!(
            gln("urn:epc:id:pgln:0614141.00777"),
            Some("0614141007776".to_string())
        );
    }

    #[test]
    fn company_prefixes_come_from_urns_only() {
        assert_eq!(
            company_prefix("urn:epc:id:sgtin:0312345.067890.SN1001").as_deref(),
            Some("0312345")
        );
        assert_eq!(
            company_prefix("urn:epc:id:sscc:0312345.0000000123").as_deref(),
            Some("0312345")
        );
        assert_eq!(
            company_prefix("https://id.gs1.org/01/00312345678906/21/SN1001"),
            None
        );
        assert_eq!(company_prefix("urn:epc:id:sgtin:031234.067890.SN1"), None);
    }

    #[test]
    fn malformed_identifiers_are_none() {
        for bad in [
            "urn:epc:id:sgtin:0614141.107346",
            "urn:epc:id:sgtin:061414.107346.1",
            "urn:epc:id:sgtin:0614141.10734X.1",
            "urn:epc:id:sgtin:0614141.107346.%ZZ",
            "urn:epc:class:lgtin:4012345.012345.998877",
            "https://id.gs1.org/01/70614141123451/10/998877",
        ] {
            assert_eq!(sgtin(bad), None, "{bad}");
        }
        assert_eq!(sscc("urn:epc:id:sscc:0614141.123"), None);
        assert_eq!(gln("urn:epc:id:sgln:0614141.0734.1"), None);
    }
}
