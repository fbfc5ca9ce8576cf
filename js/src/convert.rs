//! JS values in and out: bytes as `0x` hex strings or `Uint8Array`s, integers as
//! numbers, `BigInt`s or decimal strings, accounts as SS58 or hex. Every malformed
//! input becomes a `JsError` that names the argument and the problem.

use carechain_runtime::{AccountId, Hash};
use js_sys::{BigInt, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsError, JsValue};

/// `0x`-prefixed lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Bytes from a hex string (with or without `0x`) or a `Uint8Array`.
pub(crate) fn bytes(v: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    if let Some(text) = v.as_string() {
        let digits = text.strip_prefix("0x").unwrap_or(&text);
        return hex::decode(digits).map_err(|e| JsError::new(&format!("{what}: not hex ({e})")));
    }
    if let Some(array) = v.dyn_ref::<Uint8Array>() {
        return Ok(array.to_vec());
    }
    Err(JsError::new(&format!(
        "{what}: expected a hex string or a Uint8Array"
    )))
}

/// Exactly 32 bytes.
pub(crate) fn hash(v: &JsValue, what: &str) -> Result<Hash, JsError> {
    let b = bytes(v, what)?;
    let array: [u8; 32] = b
        .try_into()
        .map_err(|b: Vec<u8>| JsError::new(&format!("{what}: {} bytes, not 32", b.len())))?;
    Ok(Hash(array))
}

/// An account from SS58 (prefix 42, checksum checked) or 32 bytes.
pub(crate) fn account(v: &JsValue, what: &str) -> Result<AccountId, JsError> {
    if let Some(text) = v.as_string() {
        if !text.starts_with("0x") {
            return AccountId::from_ss58(&text)
                .map_err(|e| JsError::new(&format!("{what}: not an SS58 address: {e}")));
        }
    }
    Ok(AccountId(hash(v, what)?.0))
}

/// A non-negative integer from a safe-integer number, a `BigInt` or a decimal string.
pub(crate) fn u128_of(v: &JsValue, what: &str) -> Result<u128, JsError> {
    let text = if let Some(n) = v.as_f64() {
        if n < 0.0 || n.fract() != 0.0 || n > 9_007_199_254_740_991.0 {
            return Err(JsError::new(&format!(
                "{what}: a negative, fractional or unsafe number (use a BigInt or a string)"
            )));
        }
        // A safe integer converts exactly; integer formatting keeps the float
        // formatter (about 15 KiB) out of the package.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = n as u64;
        whole.to_string()
    } else if let Some(b) = v.dyn_ref::<BigInt>() {
        String::from(
            b.to_string(10)
                .map_err(|_| JsError::new(&format!("{what}: unreadable BigInt")))?,
        )
    } else if let Some(s) = v.as_string() {
        s
    } else {
        return Err(JsError::new(&format!(
            "{what}: expected a number, a BigInt or a decimal string"
        )));
    };
    text.parse().map_err(|e| {
        JsError::new(&format!(
            "{what}: `{text}` is not a non-negative integer ({e})"
        ))
    })
}

/// As [`u128_of`], at most `u64::MAX`.
pub(crate) fn u64_of(v: &JsValue, what: &str) -> Result<u64, JsError> {
    u64::try_from(u128_of(v, what)?).map_err(|_| JsError::new(&format!("{what}: above 2^64 - 1")))
}

/// A `BigInt` of `n`.
pub(crate) fn big(n: u128) -> JsValue {
    BigInt::from(n).into()
}

/// A signed JS BigInt.
pub(crate) fn signed_big(n: i128) -> JsValue {
    BigInt::from(n).into()
}

/// A field that must be there.
pub(crate) fn field(obj: &JsValue, name: &str) -> Result<JsValue, JsError> {
    if !obj.is_object() {
        return Err(JsError::new(&format!("expected an object with `{name}`")));
    }
    let v = Reflect::get(obj, &JsValue::from_str(name))
        .map_err(|_| JsError::new(&format!("cannot read `{name}`")))?;
    if v.is_undefined() {
        return Err(JsError::new(&format!("missing field `{name}`")));
    }
    Ok(v)
}

/// A field that may be absent or null.
pub(crate) fn optional(obj: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(obj, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A plain object built field by field.
pub(crate) struct ObjectBuilder(Object);

impl ObjectBuilder {
    pub(crate) fn new() -> Self {
        ObjectBuilder(Object::new())
    }

    pub(crate) fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    pub(crate) fn build(self) -> JsValue {
        self.0.into()
    }
}
