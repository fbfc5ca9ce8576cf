//! GS1 identifiers: the mod-10 check digit of GTINs, SSCCs and GLNs, the character
//! set of serials and lots (AI 21 / AI 10), and company prefixes.

/// The GS1 mod-10 check digit (ASCII) of `body` (ASCII digits, the identifier without
/// its check digit); `None` if `body` has a non-digit.
pub fn check_digit(body: &[u8]) -> Option<u8> {
    if !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Weights 3, 1, 3, ... from the digit next to the check digit leftwards.
    let sum = body.iter().rev().enumerate().fold(0u32, |sum, (i, d)| {
        let weight = if i % 2 == 0 { 3 } else { 1 };
        sum.wrapping_add(u32::from(d.wrapping_sub(b'0')).wrapping_mul(weight))
    });
    let digit = 10u32.wrapping_sub(sum % 10) % 10;
    // `digit` is below 10.
    u8::try_from(digit).ok().map(|d| b'0'.wrapping_add(d))
}

/// `digits` (ASCII) ends in the valid GS1 check digit of the digits before it.
pub fn check_digit_ok(digits: &[u8]) -> bool {
    match digits.split_last() {
        Some((check, body)) => check_digit(body) == Some(*check),
        None => false,
    }
}

/// A serial or lot: 1 to 20 characters of the GS1 AI encodable character set 82.
pub fn text_ok(text: &str) -> bool {
    const SPECIALS: &[u8] = b"!\"%&'()*+,-./:;<=>?_";
    (1..=20).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || SPECIALS.contains(&b))
}

/// Shortest GS1 company prefix, digits.
pub const MIN_PREFIX: usize = 4;
/// Longest GS1 company prefix, digits.
pub const MAX_PREFIX: usize = 12;

/// A GS1 company prefix: [`MIN_PREFIX`] to [`MAX_PREFIX`] ASCII digits.
pub fn prefix_ok(prefix: &str) -> bool {
    (MIN_PREFIX..=MAX_PREFIX).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_are_gs1_mod_10() {
        assert_eq!(check_digit(b"0031234567890"), Some(b'6'));
        assert_eq!(check_digit(b"0030001234567"), Some(b'1'));
        assert!(check_digit_ok(b"00312345678906"));
        assert!(!check_digit_ok(b"00312345678907"));
        assert!(!check_digit_ok(b""));
        assert_eq!(check_digit(b"12a"), None);
        assert!(!check_digit_ok(b"0031234567890x"));
    }

    #[test]
    fn serials_lots_and_prefixes() {
        assert!(text_ok("ABC-123/x"));
        assert!(!text_ok(""));
        assert!(!text_ok("has space"));
        assert!(!text_ok("123456789012345678901"));
        assert!(prefix_ok("0031"));
        assert!(!prefix_ok("003"));
        assert!(!prefix_ok("0031234567890"));
        assert!(!prefix_ok("00a1"));
    }
}
