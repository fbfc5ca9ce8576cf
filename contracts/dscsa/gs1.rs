//! Checks of GS1 identifiers (the rules are `health_types::gs1`'s, shared with the
//! EPCIS mapping and the sentinel) and of free text.

use crate::errors::Error;
use crate::types::MAX_TEXT;
pub use health_types::gs1::{prefix_ok as gs1_prefix_ok, text_ok as gs1_text_ok};

pub(crate) fn fixed<const N: usize>(text: &str, error: Error) -> Result<[u8; N], Error> {
    let bytes: [u8; N] = text.as_bytes().try_into().map_err(|_| error)?;
    if health_types::gs1::check_digit_ok(&bytes) {
        Ok(bytes)
    } else {
        Err(error)
    }
}

pub(crate) fn text_ok(text: &str) -> Result<(), Error> {
    if text.trim().is_empty() || text.len() > MAX_TEXT {
        Err(Error::InvalidText)
    } else {
        Ok(())
    }
}
