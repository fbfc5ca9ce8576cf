//! GS1 numbers and the generator's record handles.

use super::RecordHandle;

/// Record handles of a patient: (general, labs).
pub(super) fn records_of(hospital: usize, patient: usize) -> [RecordHandle; 2] {
    let mut general = [0u8; 32];
    general[..4].copy_from_slice(b"REC0");
    general[4..12].copy_from_slice(&(hospital as u64).to_be_bytes());
    general[12..20].copy_from_slice(&(patient as u64).to_be_bytes());
    let mut labs = general;
    labs[3] = b'1';
    [general, labs]
}

/// Region `r`'s manufacturer's GS1 company prefix: 7 digits, none a prefix of another.
pub fn company_prefix(r: usize) -> String {
    format!("03{:05}", 100 + r)
}

/// A GS1 number with its mod-10 check digit appended to `body` (digits; the rule is
/// `health_types::gs1`'s, the one the DSCSA contract checks).
pub fn with_check_digit(body: &str) -> String {
    let digit = health_types::gs1::check_digit(body.as_bytes()).map_or('?', char::from);
    format!("{body}{digit}")
}

/// Region `r`'s `i`-th trading partner's GLN (13 digits).
pub(super) fn gln(r: usize, i: usize) -> String {
    with_check_digit(&format!("03{r:02}{:08}", 1000 + i))
}

/// The GTIN-14 of `item` under `prefix`: an indicator digit, the prefix, a 5-digit
/// item reference and the check digit.
pub(super) fn gtin(prefix: &str, item: u64) -> String {
    with_check_digit(&format!("0{prefix}{item:05}"))
}

/// The SSCC-18 of container `serial` under `prefix`: an extension digit, the prefix,
/// a 9-digit serial reference and the check digit.
pub(super) fn sscc(prefix: &str, serial: u64) -> String {
    with_check_digit(&format!("0{prefix}{serial:09}"))
}
