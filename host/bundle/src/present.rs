//! Decoded values for people and scripts. contract-transcode shows a byte array as a
//! list of numbers (`[254, 112, ...]`); here, with the value's type from the
//! metadata, byte arrays and vectors become hex (`0xfe70...`), or text when every
//! byte is printable ASCII (GTINs, serials, lot numbers, licences). [`to_json`] then
//! gives any decoded value a JSON shape.

use std::str::FromStr;

use contract_transcode::{Hex, Map, Tuple, Value};
use scale_info::form::PortableForm;
use scale_info::{Field, TypeDef, TypeDefPrimitive};

use crate::Bundle;

/// How deep a value is followed through its type (a recursive type stops here).
const MAX_DEPTH: u32 = 32;

impl Bundle {
    /// `value`, decoded as type `ty`, with its byte arrays as hex or text.
    pub fn present(&self, ty: u32, value: Value) -> Value {
        self.present_at(ty, value, 0)
    }

    fn present_at(&self, ty: u32, value: Value, depth: u32) -> Value {
        let Some(t) = self.registry().resolve(ty) else {
            return value;
        };
        if depth > MAX_DEPTH {
            return value;
        }
        match (&t.type_def, value) {
            (TypeDef::Sequence(s), Value::Seq(seq)) => {
                self.items(s.type_param.id, seq.elems(), depth)
            }
            (TypeDef::Array(a), Value::Seq(seq)) => self.items(a.type_param.id, seq.elems(), depth),
            (TypeDef::Compact(c), value) => self.present_at(c.type_param.id, value, depth + 1),
            (TypeDef::Tuple(tuple), Value::Tuple(values)) => {
                let ids: Vec<u32> = tuple.fields.iter().map(|f| f.id).collect();
                self.tuple(&ids, &values, depth)
            }
            (TypeDef::Composite(c), value) => self.fields(&c.fields, value, depth),
            (TypeDef::Variant(v), value) => {
                let name = match &value {
                    Value::Map(m) => m.ident(),
                    Value::Tuple(t) => t.ident(),
                    _ => None,
                };
                match name.and_then(|n| v.variants.iter().find(|variant| variant.name == n)) {
                    Some(variant) => self.fields(&variant.fields, value, depth),
                    None => value,
                }
            }
            (_, value) => value,
        }
    }

    /// A sequence's items; bytes become hex or text.
    fn items(&self, item: u32, elems: &[Value], depth: u32) -> Value {
        let is_byte = self
            .registry()
            .resolve(item)
            .is_some_and(|t| matches!(t.type_def, TypeDef::Primitive(TypeDefPrimitive::U8)));
        if is_byte {
            let bytes: Option<Vec<u8>> = elems
                .iter()
                .map(|v| match v {
                    Value::UInt(n) => u8::try_from(*n).ok(),
                    _ => None,
                })
                .collect();
            if let Some(bytes) = bytes {
                return bytes_value(&bytes);
            }
        }
        let presented: Vec<Value> = elems
            .iter()
            .map(|v| self.present_at(item, v.clone(), depth + 1))
            .collect();
        Value::Seq(presented.into())
    }

    fn tuple(&self, ids: &[u32], values: &Tuple, depth: u32) -> Value {
        let presented: Vec<Value> = values
            .values()
            .zip(ids.iter().chain(std::iter::repeat(&u32::MAX)))
            .map(|(v, id)| self.present_at(*id, v.clone(), depth + 1))
            .collect();
        Value::Tuple(Tuple::new(values.ident().as_deref(), presented))
    }

    /// A struct's or a variant's fields, by name or by position.
    fn fields(&self, fields: &[Field<PortableForm>], value: Value, depth: u32) -> Value {
        match value {
            Value::Map(map) => {
                let entries = map.iter().map(|(key, v)| {
                    let name = match key {
                        Value::String(s) | Value::Literal(s) => Some(s.as_str()),
                        _ => None,
                    };
                    let field = fields
                        .iter()
                        .find(|f| f.name.as_deref().is_some_and(|n| Some(n) == name));
                    let v = match field {
                        Some(f) => self.present_at(f.ty.id, v.clone(), depth + 1),
                        None => v.clone(),
                    };
                    (key.clone(), v)
                });
                Value::Map(Map::new(map.ident().as_deref(), entries.collect()))
            }
            Value::Tuple(tuple) => {
                let ids: Vec<u32> = fields.iter().map(|f| f.ty.id).collect();
                self.tuple(&ids, &tuple, depth)
            }
            // A one-field wrapper may decode as its field alone.
            value => match fields {
                [only] => self.present_at(only.ty.id, value, depth + 1),
                _ => value,
            },
        }
    }
}

/// Bytes as text when all are printable ASCII, else as hex.
fn bytes_value(bytes: &[u8]) -> Value {
    if !bytes.is_empty() && bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return Value::String(String::from_utf8_lossy(bytes).into_owned());
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Hex::from_str(&format!("0x{hex}"))
        .map_or_else(|_| Value::String(format!("0x{hex}")), Value::Hex)
}

/// A decoded value as JSON: numbers (as strings beyond 2^53, where JSON numbers stop
/// being exact), strings, arrays, `null` for `()`, and for a named struct, variant
/// or tuple `{"Name": inner}` (`Ok(Some(true))` is `{"Ok": {"Some": true}}`; a unit
/// variant is its name).
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    const EXACT: u128 = 1 << 53;
    let named = |ident: Option<String>, inner: J| match ident {
        Some(name) => serde_json::json!({ name: inner }),
        None => inner,
    };
    match value {
        Value::Bool(b) => J::Bool(*b),
        Value::Char(c) => J::String(c.to_string()),
        Value::UInt(n) if *n <= EXACT => J::from(u64::try_from(*n).unwrap_or(u64::MAX)),
        Value::UInt(n) => J::String(n.to_string()),
        Value::Int(n) if n.unsigned_abs() <= EXACT => J::from(i64::try_from(*n).unwrap_or(0)),
        Value::Int(n) => J::String(n.to_string()),
        Value::String(s) | Value::Literal(s) => J::String(s.clone()),
        Value::Hex(h) => J::String(format!("0x{}", h.as_str().trim_start_matches("0x"))),
        Value::Unit => J::Null,
        Value::Seq(seq) => J::Array(seq.elems().iter().map(to_json).collect()),
        Value::Tuple(tuple) => {
            let items: Vec<J> = tuple.values().map(to_json).collect();
            let inner = match items.len() {
                0 => J::Null,
                1 if tuple.ident().is_some() => items.into_iter().next().unwrap_or(J::Null),
                _ => J::Array(items),
            };
            match (tuple.ident(), &inner) {
                // A unit variant: its name.
                (Some(name), J::Null) if tuple.values().next().is_none() => J::String(name),
                (ident, _) => named(ident, inner),
            }
        }
        Value::Map(map) => {
            let fields: serde_json::Map<String, J> = map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(s) | Value::Literal(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect();
            if fields.is_empty() {
                return map.ident().map_or(J::Null, J::String);
            }
            named(map.ident(), J::Object(fields))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_text_when_printable_and_hex_otherwise() {
        assert_eq!(bytes_value(b"00312345678906").to_string(), "00312345678906");
        assert_eq!(bytes_value(&[0xfe, 0x70]).to_string(), "0xfe70");
        assert_eq!(bytes_value(&[]).to_string(), "0x");
    }

    #[test]
    fn json_keeps_names_and_exact_numbers() {
        let ok = Value::Tuple(Tuple::new(
            Some("Ok"),
            vec![Value::Tuple(Tuple::new(
                Some("Some"),
                vec![Value::Bool(true)],
            ))],
        ));
        assert_eq!(to_json(&ok), serde_json::json!({"Ok": {"Some": true}}));
        let unit = Value::Tuple(Tuple::new(Some("None"), Vec::new()));
        assert_eq!(to_json(&unit), serde_json::json!("None"));
        assert_eq!(
            to_json(&Value::UInt(u128::MAX)),
            serde_json::json!(u128::MAX.to_string())
        );
        assert_eq!(to_json(&Value::UInt(7)), serde_json::json!(7));
    }
}
