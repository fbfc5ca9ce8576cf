//! A contract bundle (`.contract` from `cargo contract build`): its WASM, code hash
//! and metadata, with `contract-transcode` to write arguments as text and read
//! results and events back. Bundles are also found by code hash, so `call` and
//! `events` decode a contract's messages knowing only its address.
//!
//! This is the one loader of bundles: the verbs, the sentinel's simulator and the
//! tests all read selectors, call data and error names through it.

mod present;
mod storage;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use carechain_runtime::{code_hash, Hash};
use contract_metadata::ContractMetadata;
use contract_transcode::ink_metadata::layout::Layout;
use contract_transcode::ink_metadata::{InkProject, MessageParamSpec, Selector};
use contract_transcode::ContractMessageTranscoder;
use parity_scale_codec::{Compact, Encode};
use scale_info::form::PortableForm;

pub use contract_transcode::Value;
pub use present::to_json;
pub use storage::StorageCell;

/// A loaded bundle.
pub struct Bundle {
    /// Where it was read from.
    path: PathBuf,
    /// The contract's name.
    name: String,
    /// The WASM, if the bundle carries it (a `.json` metadata file does not).
    wasm: Option<Vec<u8>>,
    /// `blake2_256` of the WASM, as the chain computes it.
    code_hash: Hash,
    transcoder: ContractMessageTranscoder,
    /// The metadata as JSON, to derive key encoders from.
    abi: serde_json::Map<String, serde_json::Value>,
}

/// Label of the synthetic message through which a storage key is encoded.
const KEY_MESSAGE: &str = "__carechain_storage_key";

impl Bundle {
    /// Reads a `.contract` bundle.
    ///
    /// # Errors
    /// The file is missing or not a bundle, or its WASM does not match its hash.
    pub fn load(path: &Path) -> Result<Self> {
        let metadata = ContractMetadata::load(path)
            .with_context(|| format!("reading contract bundle {}", path.display()))?;
        let wasm = metadata.source.wasm.as_ref().map(|w| w.0.clone());
        let hash = Hash(metadata.source.hash.0);
        if let Some(wasm) = &wasm {
            if code_hash(wasm) != hash {
                bail!(
                    "{}: the WASM does not hash to the bundle's code hash {hash}",
                    path.display()
                );
            }
        }
        let abi = metadata.abi;
        let project: InkProject = serde_json::from_value(serde_json::Value::Object(abi.clone()))
            .with_context(|| format!("{}: not ink! 5 metadata", path.display()))?;
        Ok(Bundle {
            path: path.to_path_buf(),
            name: metadata.contract.name,
            wasm,
            code_hash: hash,
            transcoder: ContractMessageTranscoder::new(project),
            abi,
        })
    }

    /// Reads a bare `.wasm` file: no metadata, so upload only.
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn wasm_only(path: &Path) -> Result<Vec<u8>> {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    }

    fn project(&self) -> &InkProject {
        self.transcoder.metadata()
    }

    /// The contract's name, from its metadata.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the bundle was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `blake2_256` of the WASM, as the chain computes it.
    pub fn code_hash(&self) -> Hash {
        self.code_hash
    }

    /// The metadata's `abi` part as JSON text, as the sentinel's event decoder reads it.
    pub fn metadata_json(&self) -> String {
        serde_json::Value::Object(self.abi.clone()).to_string()
    }

    /// The selector of the constructor or message `label`.
    pub fn selector(&self, label: &str) -> Option<[u8; 4]> {
        let (_, selector) = self.entry(label)?;
        selector.to_bytes().try_into().ok()
    }

    /// What call data `input` asks for: the label of the constructor (if
    /// `constructor`) or message its selector names, and the whole input decoded
    /// (`read_record { patient: 5Grw.., .. }`, as `cargo contract decode` prints it).
    /// `None` if no entry has its selector; the value is `None` if the arguments do
    /// not decode.
    pub fn decode_input(&self, input: &[u8], constructor: bool) -> Option<(String, Option<Value>)> {
        let selector = input.get(..4)?;
        let spec = self.project().spec();
        let label = if constructor {
            spec.constructors()
                .iter()
                .find(|c| c.selector().to_bytes() == selector)
                .map(|c| c.label().clone())
        } else {
            spec.messages()
                .iter()
                .find(|m| m.selector().to_bytes() == selector)
                .map(|m| m.label().clone())
        }?;
        let decoded = if constructor {
            self.transcoder.decode_contract_constructor(&mut &input[..])
        } else {
            self.transcoder.decode_contract_message(&mut &input[..])
        };
        let args = self.entry(&label).map(|(args, _)| {
            args.iter()
                .map(|a| (a.label().clone(), a.ty().ty().id))
                .collect::<Vec<_>>()
        });
        let decoded = decoded.ok().map(|v| match &args {
            Some(fields) => self.present_fields(fields, v),
            None => v,
        });
        Some((label, decoded))
    }

    /// Call data from typed arguments: the selector of `label`, then `args` in SCALE
    /// (a tuple for several arguments, `()` for none).
    ///
    /// # Errors
    /// No constructor or message has that label.
    pub fn call_data(&self, label: &str, args: impl Encode) -> Result<Vec<u8>> {
        let selector = self
            .selector(label)
            .ok_or_else(|| anyhow!("{} has no constructor or message `{label}`", self.name))?;
        let mut data = selector.to_vec();
        args.encode_to(&mut data);
        Ok(data)
    }

    /// The name of variant `index` of the contract's own `Error` enum, as a message's
    /// `Err` encodes it: how tests and tools name a revert without hard-coding
    /// variant indices.
    pub fn error_name(&self, index: u8) -> Option<String> {
        self.variant_name("Error", index)
    }

    /// The name of variant `index` of the enum `type_name` defined in the contract's
    /// own crate (the last segment of its type path).
    pub fn variant_name(&self, type_name: &str, index: u8) -> Option<String> {
        use scale_info::TypeDef;
        let crate_name = self.name.replace('-', "_");
        self.project().registry().types.iter().find_map(|ty| {
            let path = &ty.ty.path.segments;
            let own = path.first().is_some_and(|s| *s == crate_name)
                && path.last().is_some_and(|s| s == type_name);
            match &ty.ty.type_def {
                TypeDef::Variant(def) if own => def
                    .variants
                    .iter()
                    .find(|v| v.index == index)
                    .map(|v| v.name.clone()),
                _ => None,
            }
        })
    }

    /// The WASM, or an error saying the bundle has none.
    ///
    /// # Errors
    /// A metadata-only file.
    pub fn wasm(&self) -> Result<&[u8]> {
        self.wasm.as_deref().ok_or_else(|| {
            anyhow!(
                "{} has metadata but no WASM: use the .contract bundle",
                self.path.display()
            )
        })
    }

    /// Selector and SCALE arguments of a constructor or message, from text.
    ///
    /// Where an argument's type holds an `AccountId`, a dev URI (`//Alice`,
    /// `//Alice//stash`) stands for that account's address.
    ///
    /// # Errors
    /// An unknown name (with the list of known ones) or an argument that does not
    /// parse as its type (with the message's signature and the variants of its enums).
    pub fn encode(&self, name: &str, args: &[String]) -> Result<Vec<u8>> {
        let Some(types) = self.arg_types(name) else {
            return self.transcoder.encode(name, args).map_err(|e| {
                anyhow!(
                    "{e:#}
{} has: {}",
                    self.name,
                    self.entry_names().join(", ")
                )
            });
        };
        let args = args
            .iter()
            .enumerate()
            .map(|(i, text)| match types.get(i) {
                Some(ty) if self.mentions(*ty, "AccountId", 0) => dev_uris_as_addresses(text),
                Some(ty) if self.is_string(*ty) => Ok(quoted(text)),
                _ => Ok(text.clone()),
            })
            .collect::<Result<Vec<String>>>()?;
        self.transcoder.encode(name, &args).map_err(|e| {
            let mut text = format!(
                "{}\n  expected: {}",
                concise(&e),
                self.signature(name).unwrap_or_default()
            );
            let mut hints = Vec::new();
            for ty in &types {
                self.enum_hints(*ty, 0, &mut hints);
            }
            for hint in hints {
                text.push_str(&format!("\n  {hint}"));
            }
            anyhow!(text)
        })
    }

    /// The arguments and selector of constructor or message `label` (constructors
    /// first, as the transcoder looks them up).
    fn entry(&self, label: &str) -> Option<(&[MessageParamSpec<PortableForm>], &Selector)> {
        let spec = self.project().spec();
        spec.constructors()
            .iter()
            .find(|c| c.label() == label)
            .map(|c| (c.args(), c.selector()))
            .or_else(|| {
                spec.messages()
                    .iter()
                    .find(|m| m.label() == label)
                    .map(|m| (m.args(), m.selector()))
            })
    }

    /// The type ids of the arguments of constructor or message `name`, in the
    /// metadata's [`Bundle::registry`].
    pub fn argument_types(&self, name: &str) -> Option<Vec<u32>> {
        self.arg_types(name)
    }

    /// The metadata's type registry.
    pub fn registry(&self) -> &scale_info::PortableRegistry {
        self.project().registry()
    }

    /// The messages that change state (`&mut self`), in metadata order.
    pub fn mutating_messages(&self) -> Vec<String> {
        self.project()
            .spec()
            .messages()
            .iter()
            .filter(|m| m.mutates())
            .map(|m| m.label().clone())
            .collect()
    }

    /// The type ids of the arguments of constructor or message `name`.
    fn arg_types(&self, name: &str) -> Option<Vec<u32>> {
        let (args, _) = self.entry(name)?;
        Some(args.iter().map(|a| a.ty().ty().id).collect())
    }

    /// Every constructor and message name.
    fn entry_names(&self) -> Vec<String> {
        let spec = self.project().spec();
        spec.constructors()
            .iter()
            .map(|c| c.label().clone())
            .chain(spec.messages().iter().map(|m| m.label().clone()))
            .collect()
    }

    /// `name(arg: Type, ...)` for a constructor or message, with full types
    /// (`Vec<Purpose>`, `Option<Timestamp>`, `[u8; 32]`).
    pub fn signature(&self, name: &str) -> Option<String> {
        let (args, _) = self.entry(name)?;
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                let alias = a.ty().display_name().segments.join("::");
                format!("{}: {}", a.label(), self.type_text(a.ty().ty().id, &alias))
            })
            .collect();
        Some(format!("{name}({})", args.join(", ")))
    }

    /// A type as Rust spells it. `alias` (the metadata's display name, such as
    /// `Timestamp`) is kept for a type without parameters.
    fn type_text(&self, id: u32, alias: &str) -> String {
        use scale_info::TypeDef;
        let Some(ty) = self.project().registry().resolve(id) else {
            return alias.to_string();
        };
        let generic = !ty.type_params.is_empty()
            || matches!(
                ty.type_def,
                TypeDef::Sequence(_) | TypeDef::Array(_) | TypeDef::Tuple(_)
            );
        if !alias.is_empty() && !generic {
            return alias.to_string();
        }
        self.full_type_text(id, 0)
    }

    fn full_type_text(&self, id: u32, depth: usize) -> String {
        use scale_info::{TypeDef, TypeDefPrimitive as P};
        let Some(ty) = self.project().registry().resolve(id) else {
            return format!("#{id}");
        };
        if depth > 8 {
            return "..".into();
        }
        let inner = |id: u32| self.full_type_text(id, depth + 1);
        match &ty.type_def {
            TypeDef::Sequence(s) => format!("Vec<{}>", inner(s.type_param.id)),
            TypeDef::Array(a) => format!("[{}; {}]", inner(a.type_param.id), a.len),
            TypeDef::Tuple(t) => {
                let fields: Vec<String> = t.fields.iter().map(|f| inner(f.id)).collect();
                format!("({})", fields.join(", "))
            }
            TypeDef::Compact(c) => format!("Compact<{}>", inner(c.type_param.id)),
            TypeDef::BitSequence(_) => "BitVec".into(),
            TypeDef::Primitive(p) => match p {
                P::Bool => "bool",
                P::Char => "char",
                P::Str => "String",
                P::U8 => "u8",
                P::U16 => "u16",
                P::U32 => "u32",
                P::U64 => "u64",
                P::U128 => "u128",
                P::U256 => "u256",
                P::I8 => "i8",
                P::I16 => "i16",
                P::I32 => "i32",
                P::I64 => "i64",
                P::I128 => "i128",
                P::I256 => "i256",
            }
            .into(),
            TypeDef::Composite(_) | TypeDef::Variant(_) => {
                let name = ty.path.segments.last().cloned().unwrap_or_default();
                let params: Vec<String> = ty
                    .type_params
                    .iter()
                    .filter_map(|p| p.ty.map(|t| inner(t.id)))
                    .collect();
                if params.is_empty() {
                    name
                } else {
                    format!("{name}<{}>", params.join(", "))
                }
            }
        }
    }

    /// Whether type `id` is or holds a type whose path ends in `name`.
    /// Whether type `id` is a string (`String`, `str`).
    fn is_string(&self, id: u32) -> bool {
        self.project().registry().resolve(id).is_some_and(|t| {
            matches!(
                t.type_def,
                scale_info::TypeDef::Primitive(scale_info::TypeDefPrimitive::Str)
            )
        })
    }

    fn mentions(&self, id: u32, name: &str, depth: usize) -> bool {
        use scale_info::TypeDef;
        let Some(ty) = self.project().registry().resolve(id) else {
            return false;
        };
        if ty.path.segments.last().is_some_and(|s| s == name) {
            return true;
        }
        if depth > 8 {
            return false;
        }
        let children: Vec<u32> = match &ty.type_def {
            TypeDef::Composite(c) => c.fields.iter().map(|f| f.ty.id).collect(),
            TypeDef::Variant(v) => v
                .variants
                .iter()
                .flat_map(|v| v.fields.iter().map(|f| f.ty.id))
                .collect(),
            TypeDef::Sequence(s) => vec![s.type_param.id],
            TypeDef::Array(a) => vec![a.type_param.id],
            TypeDef::Tuple(t) => t.fields.iter().map(|f| f.id).collect(),
            TypeDef::Compact(c) => vec![c.type_param.id],
            TypeDef::Primitive(_) | TypeDef::BitSequence(_) => Vec::new(),
        };
        children
            .into_iter()
            .any(|child| self.mentions(child, name, depth + 1))
    }

    /// `Name: A | B(u8) | ...` for every enum type `id` is or holds (inside `Vec`,
    /// `Option`, arrays and tuples), once each.
    fn enum_hints(&self, id: u32, depth: usize, out: &mut Vec<String>) {
        use scale_info::TypeDef;
        let Some(ty) = self.project().registry().resolve(id) else {
            return;
        };
        if depth > 8 {
            return;
        }
        let name = ty.path.segments.last().cloned().unwrap_or_default();
        match &ty.type_def {
            TypeDef::Variant(v) if name != "Option" && name != "Result" => {
                let variants: Vec<String> = v
                    .variants
                    .iter()
                    .map(|variant| {
                        if variant.fields.is_empty() {
                            variant.name.clone()
                        } else {
                            let fields: Vec<String> = variant
                                .fields
                                .iter()
                                .map(|f| self.full_type_text(f.ty.id, 0))
                                .collect();
                            format!("{}({})", variant.name, fields.join(", "))
                        }
                    })
                    .collect();
                let hint = format!("{name}: {}", variants.join(" | "));
                if !out.contains(&hint) {
                    out.push(hint);
                }
            }
            TypeDef::Variant(_) => {
                for p in ty.type_params.iter().filter_map(|p| p.ty) {
                    self.enum_hints(p.id, depth + 1, out);
                }
            }
            TypeDef::Sequence(s) => self.enum_hints(s.type_param.id, depth + 1, out),
            TypeDef::Array(a) => self.enum_hints(a.type_param.id, depth + 1, out),
            TypeDef::Tuple(t) => {
                for f in &t.fields {
                    self.enum_hints(f.id, depth + 1, out);
                }
            }
            _ => {}
        }
    }

    /// Whether `name` is a message that changes state.
    pub fn is_mutating(&self, name: &str) -> Option<bool> {
        self.project()
            .spec()
            .messages()
            .iter()
            .find(|m| m.label() == name)
            .map(|m| m.mutates())
    }

    /// Whether message `name` accepts value (`#[ink(payable)]`).
    pub fn is_payable(&self, name: &str) -> Option<bool> {
        self.project()
            .spec()
            .messages()
            .iter()
            .find(|m| m.label() == name)
            .map(|m| m.payable())
    }

    /// Decodes a message's return data (`Result<T, LangError>`).
    ///
    /// # Errors
    /// The data does not decode as the message's return type.
    pub fn decode_return(&self, message: &str, data: &[u8]) -> Result<Value> {
        let value = self
            .transcoder
            .decode_message_return(message, &mut &data[..])?;
        let ty = self
            .project()
            .spec()
            .messages()
            .iter()
            .find(|m| m.label() == message)
            .map(|m| m.return_type().ret_type().ty().id);
        Ok(match ty {
            Some(ty) => self.present(ty, value),
            None => value,
        })
    }

    /// Decodes a constructor's return data.
    ///
    /// # Errors
    /// The data does not decode.
    pub fn decode_constructor_return(&self, constructor: &str, data: &[u8]) -> Result<Value> {
        let value = self
            .transcoder
            .decode_constructor_return(constructor, &mut &data[..])?;
        let ty = self
            .project()
            .spec()
            .constructors()
            .iter()
            .find(|c| c.label() == constructor)
            .map(|c| c.return_type().ret_type().ty().id);
        Ok(match ty {
            Some(ty) => self.present(ty, value),
            None => value,
        })
    }

    /// Decodes an event from its first topic (the ink! 5 signature topic) and data.
    ///
    /// # Errors
    /// No event of this contract has that signature topic, or the data does not decode.
    pub fn decode_event(&self, signature_topic: &Hash, data: &[u8]) -> Result<Value> {
        // The transcoder expects the data as pallet-contracts stores it: a `Vec<u8>`.
        let mut framed = Compact(u32::try_from(data.len()).unwrap_or(u32::MAX)).encode();
        framed.extend_from_slice(data);
        let value = self
            .transcoder
            .decode_contract_event(signature_topic, &mut &framed[..])?;
        let events = self.project().spec().events();
        let event = events.iter().find(|e| {
            e.signature_topic()
                .is_some_and(|t| t.as_bytes() == signature_topic.0.as_slice())
        });
        Ok(match event {
            Some(event) => {
                let fields: Vec<(String, u32)> = event
                    .args()
                    .iter()
                    .map(|a| (a.label().clone(), a.ty().ty().id))
                    .collect();
                self.present_fields(&fields, value)
            }
            None => value,
        })
    }

    /// A `Name { field: value, .. }` value (an event, a call's input) with each field
    /// presented in its type.
    fn present_fields(&self, fields: &[(String, u32)], value: Value) -> Value {
        let Value::Map(map) = value else {
            return value;
        };
        let entries = map.iter().map(|(key, v)| {
            let ty = match key {
                Value::String(name) | Value::Literal(name) => fields
                    .iter()
                    .find(|(label, _)| label == name)
                    .map(|(_, ty)| *ty),
                _ => None,
            };
            let v = match ty {
                Some(ty) => self.present(ty, v.clone()),
                None => v.clone(),
            };
            (key.clone(), v)
        });
        Value::Map(contract_transcode::Map::new(
            map.ident().as_deref(),
            entries.collect(),
        ))
    }

    /// The signature topic of the event named `name`.
    ///
    /// # Errors
    /// No such event (the known ones are listed), or it is anonymous.
    pub fn event_topic(&self, name: &str) -> Result<Hash> {
        let events = self.project().spec().events();
        let event = events.iter().find(|e| e.label() == name).ok_or_else(|| {
            let known: Vec<&str> = events.iter().map(|e| e.label().as_str()).collect();
            anyhow!(
                "{} has no event `{name}`; its events are: {}",
                self.name,
                known.join(", ")
            )
        })?;
        let topic = event
            .signature_topic()
            .ok_or_else(|| anyhow!("event `{name}` is anonymous: it has no signature topic"))?;
        let bytes: [u8; 32] = topic
            .as_bytes()
            .try_into()
            .map_err(|_| anyhow!("event `{name}`: signature topic is not 32 bytes"))?;
        Ok(Hash(bytes))
    }

    /// The raw storage key of `field`'s entry for `key` (written as text): ink! 5
    /// stores `Mapping` entries under the field's 4-byte root key followed by the
    /// SCALE-encoded key; a plain field lives under the contract's root key.
    ///
    /// # Errors
    /// No such field (the fields are listed), or the key does not parse as the
    /// mapping's key type.
    pub fn storage_key(&self, field: &str, key: Option<&str>) -> Result<Vec<u8>> {
        let project = self.project();
        let Layout::Root(root) = project.layout() else {
            bail!("{}: the storage layout has no root", self.name);
        };
        let Layout::Struct(fields) = root.layout() else {
            bail!("{}: the storage root is not a struct", self.name);
        };
        let found = fields.fields().iter().find(|f| f.name() == field);
        let Some(found) = found else {
            let names: Vec<&str> = fields.fields().iter().map(|f| f.name().as_str()).collect();
            bail!(
                "{} has no storage field `{field}`; its fields are: {}",
                self.name,
                names.join(", ")
            );
        };
        match (found.layout(), key) {
            (Layout::Root(mapping), Some(text)) => {
                let mut out = mapping.root_key().key().encode();
                let ty = project
                    .registry()
                    .resolve(mapping.ty().id)
                    .ok_or_else(|| anyhow!("{field}: its type is missing from the metadata"))?;
                let key_ty = ty
                    .type_params
                    .iter()
                    .find(|p| p.name == "K")
                    .and_then(|p| p.ty)
                    .ok_or_else(|| anyhow!("`{field}` is not a Mapping (no key type)"))?;
                let text = if self.mentions(key_ty.id, "AccountId", 0) {
                    dev_uris_as_addresses(text)?
                } else {
                    text.to_string()
                };
                let encoded = self
                    .key_encoder(key_ty.id)?
                    .encode(KEY_MESSAGE, [&text])
                    .map_err(|e| {
                        anyhow!(
                            "key `{text}` for `{field}`: {}; the key's type is {}",
                            concise(&e),
                            self.full_type_text(key_ty.id, 0)
                        )
                    })?;
                out.extend_from_slice(encoded.get(4..).unwrap_or_default());
                Ok(out)
            }
            (Layout::Root(_), None) => bail!("`{field}` is a Mapping: give --key"),
            (_, Some(_)) => bail!("`{field}` is not a Mapping: leave out --key"),
            (_, None) => Ok(root.root_key().key().encode()),
        }
    }
}

impl Bundle {
    /// A transcoder whose one extra message takes a single argument of type `ty`, so
    /// contract-transcode itself parses and encodes a key written as text (it has no
    /// public entry point for encoding a bare type from text).
    fn key_encoder(&self, ty: u32) -> Result<ContractMessageTranscoder> {
        let mut abi = self.abi.clone();
        let message = serde_json::json!({
            "label": KEY_MESSAGE,
            "selector": "0x00000000",
            "args": [{ "label": "key", "type": { "type": ty, "displayName": [] } }],
            "returnType": { "type": ty, "displayName": [] },
            "mutates": false,
            "payable": false,
            "default": false,
            "docs": []
        });
        abi.get_mut("spec")
            .and_then(|spec| spec.get_mut("messages"))
            .and_then(serde_json::Value::as_array_mut)
            .ok_or_else(|| anyhow!("{}: metadata has no message list", self.name))?
            .push(message);
        let project: InkProject = serde_json::from_value(serde_json::Value::Object(abi))
            .context("metadata with the key message")?;
        Ok(ContractMessageTranscoder::new(project))
    }
}

/// A string argument as contract-transcode parses it: text already in quotes stays
/// as it is; bare text (`--args hello`, unambiguous where a string is expected) is
/// quoted, with its quotes and backslashes escaped.
fn quoted(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
        return trimmed.to_string();
    }
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// contract-transcode's error without its parser's internal dump: a failed parse
/// names the text that did not parse.
fn concise(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    if !text.contains("Parsing Error: Stack") {
        return text;
    }
    let culprit = text
        .rsplit_once("contexts: [(\"")
        .and_then(|(_, rest)| rest.split_once("\", Context"))
        .map(|(value, _)| value.replace("\\\"", "\""));
    match culprit {
        Some(value) => format!("`{value}` does not parse as a value"),
        None => "an argument does not parse as a value".to_string(),
    }
}

/// `text` with each dev URI (`//Alice`, `//Alice//stash`: a token that starts with
/// `//` where a value may start) replaced by its sr25519 account's SS58 address.
/// Quoted text is left alone.
///
/// # Errors
/// A token that starts with `//` but does not derive.
fn dev_uris_as_addresses(text: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let starts_value = out
            .chars()
            .last()
            .is_none_or(|p| matches!(p, '(' | '[' | '{' | ',' | ' '));
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && starts_value && rest.starts_with("//") {
            let end = rest.find([')', ']', '}', ',', ' ']).unwrap_or(rest.len());
            let (uri, tail) = rest.split_at(end);
            let key = carechain_runtime::Keypair::from_uri(uri)
                .map_err(|e| anyhow!("`{uri}` is not a dev URI: {e}"))?;
            out.push_str(&key.account_id().to_ss58());
            rest = tail;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// Finds the bundle whose code hash is `hash` among the `*.contract` files under
/// `dirs`, searched recursively (`target/ink/<name>/<name>.contract`, a project's
/// `contracts/*/target/ink/...`).
pub fn find_by_code_hash(dirs: &[PathBuf], hash: &Hash) -> Option<Bundle> {
    bundle_files(dirs)
        .into_iter()
        .filter_map(|path| Bundle::load(&path).ok())
        .find(|b| &b.code_hash == hash)
}

/// How deep under a `--bundle-dir` bundles are looked for.
const MAX_SEARCH_DEPTH: usize = 8;

/// Directories never searched: hidden ones and cargo's build internals, which hold
/// thousands of files and no bundle.
fn skipped(dir: &Path) -> bool {
    dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.starts_with('.') || matches!(n, "deps" | "build" | "incremental" | "node_modules")
    })
}

/// Every `.contract` file under `dirs`, sorted. Symbolic links to directories are
/// not followed, so a link loop cannot trap the search.
fn bundle_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending: Vec<(PathBuf, usize)> = dirs.iter().map(|d| (d.clone(), 0)).collect();
    while let Some((dir, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if depth < MAX_SEARCH_DEPTH && !skipped(&path) {
                    pending.push((path, depth + 1));
                }
            } else if is_bundle(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn is_bundle(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "contract")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_text_is_quoted_where_a_string_is_expected() {
        assert_eq!(quoted("hello"), "\"hello\"");
        assert_eq!(quoted("\"already\""), "\"already\"");
        assert_eq!(quoted("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quoted("NJ-WDP-0001"), "\"NJ-WDP-0001\"");
    }

    #[test]
    fn bundles_are_found_at_any_depth_but_not_in_hidden_or_build_directories() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for path in [
            "a.contract",
            "ink/flipper/flipper.contract",
            "project/contracts/token/target/ink/token.contract",
            ".shared/hidden.contract",
            "target/debug/deps/dep.contract",
            "ink/flipper/flipper.json",
        ] {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(&file, b"{}").expect("write");
        }
        let found: Vec<PathBuf> = bundle_files(&[root.to_path_buf()])
            .into_iter()
            .map(|p| p.strip_prefix(root).expect("under root").to_path_buf())
            .collect();
        assert_eq!(
            found,
            [
                "a.contract",
                "ink/flipper/flipper.contract",
                "project/contracts/token/target/ink/token.contract"
            ]
            .map(PathBuf::from)
        );
    }
}
