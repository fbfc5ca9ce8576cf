//! A contract's storage cells decoded with its metadata's storage layout, as
//! `cargo contract storage` does: the root cell's packed fields one by one, each
//! Mapping entry with its key and value, each `Lazy` cell, in the layout's types.

use contract_transcode::ink_metadata::layout::{Layout, StructLayout};
use contract_transcode::Value;
use parity_scale_codec::Encode;
use scale_info::form::PortableForm;

use crate::Bundle;

/// One decoded storage cell (or one packed field of the root cell).
#[derive(Debug, Clone)]
pub struct StorageCell {
    /// The field's path in the storage struct (`consents`, `oracle.model`), or
    /// `None` for a key no field of the layout owns.
    pub field: Option<String>,
    /// A Mapping entry's key, decoded.
    pub key: Option<Value>,
    /// The value, decoded (`None`: it does not decode as the layout's type).
    pub value: Option<Value>,
    /// The contract's own key of the cell.
    pub raw_key: Vec<u8>,
    /// The field's bytes (for a packed field, its part of the root cell).
    pub raw_value: Vec<u8>,
}

/// Where a cell other than the root one lives: a Mapping or a Lazy.
struct Cell {
    root_key: Vec<u8>,
    path: String,
    key_ty: Option<u32>,
    value_ty: Option<u32>,
}

impl Bundle {
    /// Decodes `entries` (the contract's own keys and values, as the chain's
    /// storage listing gives them) with the storage layout, in key order.
    pub fn decode_storage(&self, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<StorageCell> {
        let project = self.project();
        let Layout::Root(root) = project.layout() else {
            return entries.iter().map(|(k, v)| unknown(k, v)).collect();
        };
        let root_key = root.root_key().key().encode();
        let mut cells = Vec::new();
        collect_cells(self, root.layout(), "", &mut cells);
        let mut out = Vec::new();
        for (key, value) in entries {
            if *key == root_key {
                let mut rest = &value[..];
                let mut fields = Vec::new();
                if self
                    .packed(root.layout(), "", &mut rest, &mut fields)
                    .is_some()
                {
                    for (path, left, decoded) in fields {
                        let bytes = value.len() - left.end..value.len() - left.start;
                        out.push(StorageCell {
                            field: Some(path),
                            key: None,
                            value: Some(decoded),
                            raw_key: key.clone(),
                            raw_value: value.get(bytes).unwrap_or_default().to_vec(),
                        });
                    }
                    continue;
                }
                out.push(StorageCell {
                    field: Some("(root)".into()),
                    ..unknown(key, value)
                });
                continue;
            }
            let cell = cells
                .iter()
                .filter(|c| key.starts_with(&c.root_key))
                .max_by_key(|c| c.root_key.len());
            let Some(cell) = cell else {
                out.push(unknown(key, value));
                continue;
            };
            let key_bytes = &key[cell.root_key.len()..];
            out.push(StorageCell {
                field: Some(cell.path.clone()),
                key: cell
                    .key_ty
                    .and_then(|ty| self.decode_exactly(ty, key_bytes)),
                value: cell.value_ty.and_then(|ty| self.decode_exactly(ty, value)),
                raw_key: key.clone(),
                raw_value: value.clone(),
            });
        }
        out
    }

    /// `bytes` decoded as type `ty`, all of them.
    fn decode_exactly(&self, ty: u32, bytes: &[u8]) -> Option<Value> {
        let mut rest = bytes;
        let value = self.transcoder.decode(ty, &mut rest).ok()?;
        rest.is_empty().then(|| self.present(ty, value))
    }

    /// Decodes the packed fields of `layout` from `input`, in order, recording each
    /// field's path, the bytes left after and before it (from the end), and its value. Cells under
    /// their own root key are not in the packed encoding and are skipped.
    fn packed(
        &self,
        layout: &Layout<PortableForm>,
        path: &str,
        input: &mut &[u8],
        out: &mut Vec<(String, std::ops::Range<usize>, Value)>,
    ) -> Option<()> {
        match layout {
            Layout::Leaf(leaf) => {
                let before = input.len();
                let value = self.present(
                    leaf.ty().id,
                    self.transcoder.decode(leaf.ty().id, input).ok()?,
                );
                // Counted from the end: how much was left before and after the field.
                out.push((path.to_string(), input.len()..before, value));
            }
            Layout::Root(_) | Layout::Hash(_) => {}
            Layout::Struct(fields) => self.packed_struct(fields, path, input, out)?,
            Layout::Array(array) => {
                for i in 0..array.len() {
                    self.packed(array.layout(), &format!("{path}[{i}]"), input, out)?;
                }
            }
            Layout::Enum(enumeration) => {
                let (&tag, rest) = input.split_first()?;
                *input = rest;
                let (_, variant) = enumeration
                    .variants()
                    .iter()
                    .find(|(d, _)| d.value() == usize::from(tag))?;
                let name = format!("{path}::{}", variant.name());
                self.packed_struct(variant, &name, input, out)?;
            }
        }
        Some(())
    }

    fn packed_struct(
        &self,
        fields: &StructLayout<PortableForm>,
        path: &str,
        input: &mut &[u8],
        out: &mut Vec<(String, std::ops::Range<usize>, Value)>,
    ) -> Option<()> {
        for field in fields.fields() {
            let inner = join(path, field.name());
            self.packed(field.layout(), &inner, input, out)?;
        }
        Some(())
    }
}

/// Every Mapping and Lazy cell under `layout`, with its root key and types.
fn collect_cells(bundle: &Bundle, layout: &Layout<PortableForm>, path: &str, out: &mut Vec<Cell>) {
    match layout {
        Layout::Root(root) => {
            let ty = bundle.project().registry().resolve(root.ty().id);
            let param = |name: &str| {
                ty.and_then(|t| t.type_params.iter().find(|p| p.name == name))
                    .and_then(|p| p.ty)
                    .map(|t| t.id)
            };
            let key_ty = param("K");
            let value_ty = param("V").or_else(|| match root.layout() {
                Layout::Leaf(leaf) => Some(leaf.ty().id),
                _ => None,
            });
            out.push(Cell {
                root_key: root.root_key().key().encode(),
                path: path.to_string(),
                key_ty,
                value_ty,
            });
            collect_cells(bundle, root.layout(), path, out);
        }
        Layout::Struct(fields) => {
            for field in fields.fields() {
                collect_cells(bundle, field.layout(), &join(path, field.name()), out);
            }
        }
        Layout::Enum(enumeration) => {
            for variant in enumeration.variants().values() {
                for field in variant.fields() {
                    collect_cells(bundle, field.layout(), &join(path, field.name()), out);
                }
            }
        }
        Layout::Array(array) => collect_cells(bundle, array.layout(), path, out),
        Layout::Leaf(_) | Layout::Hash(_) => {}
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn unknown(key: &[u8], value: &[u8]) -> StorageCell {
    StorageCell {
        field: None,
        key: None,
        value: None,
        raw_key: key.to_vec(),
        raw_value: value.to_vec(),
    }
}
