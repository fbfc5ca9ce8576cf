//! Upload checks and instrumentation: accept exactly what pallet-contracts 31 accepts
//! under `Determinism::Enforced`, reject everything else with an error that names the
//! reason, and turn accepted code into what the engine runs.
//!
//! Checks, in pallet-contracts' order: size; WASM MVP plus sign-extension only (no
//! floats, bulk-memory instructions, reference types, multi-value, SIMD, threads, tail
//! calls; passive segments and the DataCount section pass, as in wasmi 0.31); only
//! `deploy` and `call` exported, as `() -> ()` or `() -> i32`; only known `seal<n>`
//! functions imported with their exact signatures (unstable ones only with the
//! unstable interface on, deprecated ones never, chain extensions only if enabled);
//! exactly one memory, imported as `env.memory`, with at most the schedule's pages;
//! active data and element segments within the memory and tables (what the pallet's
//! trial instantiation checks).
//!
//! The engine then runs a rewritten module: the memory import becomes a defined memory
//! with the same limits, exported under [`MEMORY_EXPORT`] (an imported memory belongs
//! to one store and would rule out sharing one pre-linked instance per code hash; the
//! contract cannot tell the difference), and a deterministic stack-height limiter
//! (paritytech's `wasm-instrument`) is injected so deep recursion always fails the same
//! way, long before the engine's native stack could. The code hash stays that of the
//! uploaded bytes.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use carechain_runtime::{ChainConfig, CodeShape, ContractError, DispatchError, RejectKind};

use parity_wasm::elements::{
    ExportEntry, External, Internal, MemorySection, MemoryType, Module, Section,
};
use wasmparser::{
    ExternalKind, FuncType, Operator, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

use crate::abi::{host_function, Stability, ValueType};

/// Name under which the rewritten module exports its memory to the host.
pub const MEMORY_EXPORT: &str = "__carechain_memory";

/// Limits and switches for upload checks. The limits come only from the chain's
/// configuration ([`PrepareConfig::of_chain`]); the switches are the embedder's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareConfig {
    /// Largest accepted code, bytes.
    pub max_code_len: u32,
    /// Most memory pages (64 KiB each) a contract may declare.
    pub memory_pages: u32,
    /// Accept `#[unstable]` host functions (`xcm_send`, `reentrance_count`, ...).
    pub unstable_interface: bool,
    /// Accept `call_chain_extension` (only where the embedder registers extensions).
    pub chain_extensions: bool,
    /// The injected stack-height limit, in `wasm-instrument`'s value units.
    pub stack_limit: u32,
    /// Inject the fuel counter ([`super::fuel`]); off only in benchmark VMs.
    pub meter_fuel: bool,
}

impl PrepareConfig {
    /// The checks `config`'s chain makes at upload, with the unstable interface and
    /// chain extensions off (pallet-contracts' defaults).
    pub fn of_chain(config: &ChainConfig) -> Self {
        let vm = &config.schedule.vm;
        PrepareConfig {
            max_code_len: config.schedule.limits.max_code_len,
            memory_pages: vm.memory_pages,
            stack_limit: vm.stack_limit,
            meter_fuel: true,
            unstable_interface: false,
            chain_extensions: false,
        }
    }
}

/// A contract's memory limits, in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimits {
    /// Pages at instantiation.
    pub initial: u32,
    /// Pages it may grow to.
    pub maximum: u32,
}

/// Accepted code, rewritten for the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedCode {
    /// The instrumented module with its memory defined and exported.
    pub code: Vec<u8>,
    /// The memory the contract declared.
    pub memory: MemoryLimits,
}

/// Why uploaded code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// Over the size limit.
    #[error("code is {len} bytes; the limit is {max}")]
    TooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: u32,
    },
    /// Not valid WASM under the deterministic feature set.
    #[error("invalid or non-deterministic WASM at offset {offset:#x}: {reason}{}", instruction.as_ref().map(|i| format!(" (instruction {i})")).unwrap_or_default())]
    Invalid {
        /// The validator's reason.
        reason: String,
        /// Byte offset in the module.
        offset: usize,
        /// The offending instruction, in WASM text syntax, when there is one.
        instruction: Option<String>,
    },
    /// An export other than `deploy` and `call`, or a bad or missing entry point.
    #[error("export rejected: {0}")]
    Export(String),
    /// An import that is not a known host function with its signature, or a bad memory.
    #[error("import rejected: {0}")]
    Import(String),
    /// Rewriting or instrumenting failed (the module is outside what the tools handle).
    #[error("instrumentation failed: {0}")]
    Instrument(String),
    /// Instantiating it would fail: a data or element segment out of bounds.
    #[error("cannot be instantiated: {0}")]
    Instantiation(String),
    /// Over a limit of this engine that pallet-contracts does not have (a known
    /// deviation, see docs/architecture.md).
    #[error("over this engine's limits: {0}")]
    EngineLimit(String),
}

/// Elements a table may start with: the pooling allocator's slot size
/// (`consensus_config`). wasmi has no such limit; a larger table is refused by name.
pub const MAX_TABLE_ELEMENTS: usize = 20_000;

/// Targets one `br_table` may have: Cranelift compiles at most 65,520 (measured:
/// 65,521 fails to compile). wasmi has no such limit; more are refused by name.
pub const MAX_BR_TABLE_TARGETS: u32 = 65_520;

impl PrepareError {
    /// The error a receipt records: the rule broken and where, never the text (which
    /// comes from wasmparser and may change with it).
    pub fn dispatch_error(&self) -> DispatchError {
        let rejected = |kind, offset: Option<usize>| DispatchError::CodeRejected {
            kind,
            offset: offset.and_then(|at| u32::try_from(at).ok()),
        };
        match self {
            PrepareError::TooLarge { .. } => ContractError::CodeTooLarge.into(),
            PrepareError::Invalid { offset, .. } => {
                rejected(RejectKind::InvalidWasm, Some(*offset))
            }
            PrepareError::Export(_) => rejected(RejectKind::Export, None),
            PrepareError::Import(_) => rejected(RejectKind::Import, None),
            PrepareError::Instrument(_) => rejected(RejectKind::Instrument, None),
            PrepareError::Instantiation(_) => rejected(RejectKind::Instantiation, None),
            PrepareError::EngineLimit(_) => rejected(RejectKind::Engine, None),
        }
    }
}

fn features() -> WasmFeatures {
    // MVP types (GC_TYPES gates even funcref in wasmparser) plus sign extension: what
    // pallet-contracts' wasmi config allows with floats off. No mutable-global
    // imports or exports either: pallet-contracts forbids global imports and exports.
    // Bulk memory's *module* forms (passive segments, the DataCount section) pass
    // wasmi 0.31's parser; only its instructions are refused ([`refuse_bulk_ops`]).
    WasmFeatures::GC_TYPES | WasmFeatures::SIGN_EXTENSION | WasmFeatures::BULK_MEMORY
}

/// Counts what compiling `code` takes (functions, locals, body bytes, `br_table`
/// targets) with a parse and no compile, so an upload is priced before it is compiled.
/// Code that does not parse counts as far as it parses; `prepare` then refuses it.
pub fn code_shape(code: &[u8]) -> CodeShape {
    let mut shape = CodeShape::default();
    for payload in Parser::new(0).parse_all(code) {
        let Ok(payload) = payload else {
            break;
        };
        let Payload::CodeSectionEntry(body) = payload else {
            continue;
        };
        shape.functions += 1;
        shape.body_bytes += body.range().len() as u64;
        if let Ok(locals) = body.get_locals_reader() {
            for local in locals {
                match local {
                    Ok((count, _)) => shape.locals += u64::from(count),
                    Err(_) => break,
                }
            }
        }
        let Ok(mut ops) = body.get_operators_reader() else {
            continue;
        };
        while !ops.eof() {
            match ops.read() {
                Ok(Operator::BrTable { targets }) => {
                    shape.br_table_targets += u64::from(targets.len());
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    shape
}

/// Refuses the bulk-memory instructions, which wasmi 0.31 rejects with bulk memory off
/// even where the module's passive segments and DataCount section pass, and a
/// `br_table` over [`MAX_BR_TABLE_TARGETS`].
fn refuse_bulk_ops(code: &[u8]) -> Result<(), PrepareError> {
    let refused = each_operator(code, |op, offset| {
        if let Operator::BrTable { targets } = op {
            if targets.len() > MAX_BR_TABLE_TARGETS {
                return ControlFlow::Break(PrepareError::EngineLimit(format!(
                    "a br_table of {} targets at offset {offset:#x}; Cranelift compiles at most {MAX_BR_TABLE_TARGETS}",
                    targets.len()
                )));
            }
        }
        if matches!(
            op,
            Operator::MemoryInit { .. }
                | Operator::DataDrop { .. }
                | Operator::MemoryCopy { .. }
                | Operator::MemoryFill { .. }
                | Operator::TableInit { .. }
                | Operator::ElemDrop { .. }
                | Operator::TableCopy { .. }
        ) {
            return ControlFlow::Break(PrepareError::Invalid {
                reason: "bulk memory operations are not enabled".into(),
                offset,
                instruction: Some(text_name(op)),
            });
        }
        ControlFlow::Continue(())
    });
    refused.map_or(Ok(()), Err)
}

/// Visits every operator of every function body with its offset until `visit` breaks,
/// and returns what it broke with. A body that does not parse ends its own walk (the
/// validator reports it).
fn each_operator<T>(
    code: &[u8],
    mut visit: impl FnMut(&Operator<'_>, usize) -> ControlFlow<T>,
) -> Option<T> {
    for payload in Parser::new(0).parse_all(code) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        let Ok(mut ops) = body.get_operators_reader() else {
            continue;
        };
        while !ops.eof() {
            let Ok((op, offset)) = ops.read_with_offset() else {
                break;
            };
            if let ControlFlow::Break(found) = visit(&op, offset) {
                return Some(found);
            }
        }
    }
    None
}

/// The module without what no accepted code can use: passive data segments are
/// reachable only through the bulk-memory instructions refused above, so they and the
/// DataCount section are dropped before the rewrite (parity-wasm, under the stack
/// limiter, reads neither). The code hash stays the uploaded bytes'.
fn without_inert_segments(code: &[u8]) -> Result<Vec<u8>, PrepareError> {
    use wasm_encoder::{DataSection, RawSection};
    let malformed = |e: wasmparser::BinaryReaderError| PrepareError::Invalid {
        reason: e.message().to_string(),
        offset: e.offset(),
        instruction: None,
    };
    let mut inert = false;
    let mut module = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(code) {
        let payload = payload.map_err(malformed)?;
        match &payload {
            Payload::DataCountSection { .. } => inert = true,
            Payload::DataSection(reader) => {
                let mut section = DataSection::new();
                for data in reader.clone() {
                    let data = data.map_err(malformed)?;
                    match data.kind {
                        wasmparser::DataKind::Active { .. } => {
                            section.raw(&code[data.range.clone()]);
                        }
                        wasmparser::DataKind::Passive => inert = true,
                    }
                }
                module.section(&section);
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection {
                        id,
                        data: &code[range],
                    });
                }
            }
        }
    }
    Ok(if inert {
        module.finish()
    } else {
        code.to_vec()
    })
}

/// What instantiating the module would check first: every active data segment fits
/// in the initial memory and every active element segment in its table, as the
/// pallet's trial instantiation at upload checks ("New code rejected on wasmi
/// instantiation"). Offsets are constants: MVP offsets can only name imported
/// globals, and contracts import none.
fn check_segments(code: &[u8], memory: MemoryLimits) -> Result<(), PrepareError> {
    let memory_bytes = u64::from(memory.initial) * 65_536;
    let mut tables: Vec<u64> = Vec::new();
    let malformed = |e: wasmparser::BinaryReaderError| PrepareError::Invalid {
        reason: e.message().to_string(),
        offset: e.offset(),
        instruction: None,
    };
    let offset_of = |expr: &wasmparser::ConstExpr<'_>| -> Option<u64> {
        let mut ops = expr.get_operators_reader();
        match ops.read().ok()? {
            Operator::I32Const { value } => Some(u64::from(value as u32)),
            _ => None,
        }
    };
    let out_of_bounds = |what: &str| {
        Err(PrepareError::Instantiation(format!(
            "{what} does not fit: the module cannot be instantiated"
        )))
    };
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(malformed)? {
            Payload::TableSection(reader) => {
                for table in reader {
                    let initial = table.map_err(malformed)?.ty.initial;
                    if initial > MAX_TABLE_ELEMENTS as u64 {
                        return Err(PrepareError::EngineLimit(format!(
                            "a table of {initial} elements; this engine's instance slots hold {MAX_TABLE_ELEMENTS}"
                        )));
                    }
                    tables.push(initial);
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(malformed)?;
                    let wasmparser::ElementKind::Active {
                        table_index,
                        offset_expr,
                    } = &element.kind
                    else {
                        // wasmi 0.31 takes passive data segments but not passive or
                        // declared element segments.
                        return Err(PrepareError::Invalid {
                            reason: "passive and declared element segments are not enabled".into(),
                            offset: element.range.start,
                            instruction: None,
                        });
                    };
                    {
                        let size = tables.get(table_index.unwrap_or(0) as usize).copied();
                        let count = u64::from(match &element.items {
                            wasmparser::ElementItems::Functions(r) => r.count(),
                            wasmparser::ElementItems::Expressions(_, r) => r.count(),
                        });
                        match (offset_of(offset_expr), size) {
                            (Some(at), Some(size)) if at + count <= size => {}
                            _ => return out_of_bounds("an element segment"),
                        }
                    }
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(malformed)?;
                    if let wasmparser::DataKind::Active { offset_expr, .. } = &data.kind {
                        let len = data.data.len() as u64;
                        match offset_of(offset_expr) {
                            Some(at) if at + len <= memory_bytes => {}
                            _ => return out_of_bounds("a data segment"),
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks `code` and returns what the engine should run.
///
/// # Errors
/// [`PrepareError`] naming the first rule the code breaks.
pub fn prepare(code: &[u8], config: &PrepareConfig) -> Result<PreparedCode, PrepareError> {
    if code.len() > config.max_code_len as usize {
        return Err(PrepareError::TooLarge {
            len: code.len(),
            max: config.max_code_len,
        });
    }
    validate(code)?;
    refuse_bulk_ops(code)?;
    let memory = scan(code, config)?;
    check_segments(code, memory)?;
    let code = &without_inert_segments(code)?;
    // Fuel first, on the contract's own instructions only, so that the count is wasmi's.
    let metered = if config.meter_fuel {
        super::fuel::inject(code).map_err(|e| PrepareError::Instrument(e.to_string()))?
    } else {
        code.to_vec()
    };
    let code = rewrite(&metered, memory, config.stack_limit)?;
    // Instrumented code must still be valid MVP WASM (with the counter's exported
    // globals); anything else is our bug, caught here.
    validate_with(&code, features() | WasmFeatures::MUTABLE_GLOBAL)?;
    Ok(PreparedCode { code, memory })
}

fn validate(code: &[u8]) -> Result<(), PrepareError> {
    validate_with(code, features())
}

fn validate_with(code: &[u8], features: WasmFeatures) -> Result<(), PrepareError> {
    Validator::new_with_features(features)
        .validate_all(code)
        .map(|_| ())
        .map_err(|e| PrepareError::Invalid {
            reason: e.message().to_string(),
            offset: e.offset(),
            instruction: instruction_at(code, e.offset()),
        })
}

/// The instruction starting at `offset`, in WASM text syntax (`f64.add`), if any.
fn instruction_at(code: &[u8], offset: usize) -> Option<String> {
    each_operator(code, |op, at| {
        if at == offset {
            ControlFlow::Break(text_name(op))
        } else {
            ControlFlow::Continue(())
        }
    })
}

/// `F64Add` -> `f64.add`, `I32TruncF32S` -> `i32.trunc_f32_s`, `MemoryCopy` -> `memory.copy`.
fn text_name(op: &Operator<'_>) -> String {
    let debug = format!("{op:?}");
    let variant = debug.split([' ', '{', '(']).next().unwrap_or_default();
    let mut words: Vec<String> = Vec::new();
    for c in variant.chars() {
        let starts_word = c.is_ascii_uppercase()
            && !words
                .last()
                .is_some_and(|w| w.len() == 1 && w.starts_with(['i', 'f', 'v']));
        if starts_word || words.is_empty() {
            words.push(c.to_ascii_lowercase().to_string());
        } else if let Some(w) = words.last_mut() {
            w.push(c.to_ascii_lowercase());
        }
    }
    match words.split_first() {
        Some((first, rest)) if !rest.is_empty() => format!("{first}.{}", rest.join("_")),
        _ => words.concat(),
    }
}

fn describe(ty: &FuncType) -> String {
    let list = |types: &[ValType]| {
        types
            .iter()
            .map(|t| format!("{t}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(ty.params()), list(ty.results()))
}

fn matches_spec(ty: &FuncType, params: &[ValueType], result: Option<ValueType>) -> bool {
    let wasm = |v: &ValueType| match v {
        ValueType::I32 => ValType::I32,
        ValueType::I64 => ValType::I64,
    };
    ty.params().iter().copied().eq(params.iter().map(wasm))
        && ty.results().iter().copied().eq(result.iter().map(wasm))
}

/// Checks imports and exports; returns the declared memory.
fn scan(code: &[u8], config: &PrepareConfig) -> Result<MemoryLimits, PrepareError> {
    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut exports: BTreeMap<String, u32> = BTreeMap::new();
    let mut memory = None;
    let malformed = |e: wasmparser::BinaryReaderError| PrepareError::Invalid {
        reason: e.message().to_string(),
        offset: e.offset(),
        instruction: None,
    };
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(malformed)? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty.map_err(malformed)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(malformed)?;
                    match import.ty {
                        TypeRef::Func(index) => {
                            let ty = types.get(index as usize).ok_or_else(|| {
                                PrepareError::Import(format!(
                                    "{}.{} has no type",
                                    import.module, import.name
                                ))
                            })?;
                            check_function_import(import.module, import.name, ty, config)?;
                            func_types.push(index);
                        }
                        TypeRef::Memory(mt) => {
                            if import.module != "env" {
                                return Err(PrepareError::Import(format!(
                                    "memory must be imported from module `env`, not `{}`",
                                    import.module
                                )));
                            }
                            if import.name != "memory" {
                                return Err(PrepareError::Import(format!(
                                    "memory import must be named `memory`, not `{}`",
                                    import.name
                                )));
                            }
                            let initial = u32::try_from(mt.initial).unwrap_or(u32::MAX);
                            let maximum = mt.maximum.map_or(config.memory_pages, |m| {
                                u32::try_from(m).unwrap_or(u32::MAX)
                            });
                            if initial > maximum {
                                return Err(PrepareError::Import(format!(
                                    "memory declares {initial} initial pages but a maximum of {maximum}"
                                )));
                            }
                            if maximum > config.memory_pages {
                                return Err(PrepareError::Import(format!(
                                    "memory maximum of {maximum} pages exceeds the schedule's {}",
                                    config.memory_pages
                                )));
                            }
                            memory = Some(MemoryLimits { initial, maximum });
                        }
                        TypeRef::Table(_) => {
                            return Err(PrepareError::Import("tables cannot be imported".into()))
                        }
                        TypeRef::Global(_) => {
                            return Err(PrepareError::Import("globals cannot be imported".into()))
                        }
                        TypeRef::Tag(_) | TypeRef::FuncExact(_) => {
                            return Err(PrepareError::Import(format!(
                                "{}.{} is not a function or memory",
                                import.module, import.name
                            )))
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for index in reader {
                    func_types.push(index.map_err(malformed)?);
                }
            }
            Payload::MemorySection(reader) if reader.count() > 0 => {
                return Err(PrepareError::Import(
                    "memory must be imported as env.memory, not defined by the module".into(),
                ));
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(malformed)?;
                    match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            if export.name != "call" && export.name != "deploy" {
                                return Err(PrepareError::Export(format!(
                                    "unknown function export `{}`: only `deploy` and `call` may be exported",
                                    export.name
                                )));
                            }
                            exports.insert(export.name.to_string(), export.index);
                        }
                        ExternalKind::Memory => {
                            return Err(PrepareError::Export("memory export is forbidden".into()))
                        }
                        ExternalKind::Global => {
                            return Err(PrepareError::Export("global export is forbidden".into()))
                        }
                        ExternalKind::Table => {
                            return Err(PrepareError::Export("table export is forbidden".into()))
                        }
                        ExternalKind::Tag => {
                            return Err(PrepareError::Export("tag export is forbidden".into()))
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for entry in ["deploy", "call"] {
        let index = exports
            .get(entry)
            .ok_or_else(|| PrepareError::Export(format!("`{entry}` function isn't exported")))?;
        let ty = func_types
            .get(*index as usize)
            .and_then(|t| types.get(*t as usize))
            .ok_or_else(|| PrepareError::Export(format!("`{entry}` has no type")))?;
        let ok =
            ty.params().is_empty() && (ty.results().is_empty() || ty.results() == [ValType::I32]);
        if !ok {
            return Err(PrepareError::Export(format!(
                "entry point `{entry}` has signature {}; expected () -> () or () -> (i32)",
                describe(ty)
            )));
        }
    }
    memory.ok_or_else(|| PrepareError::Import("no memory import found: expected env.memory".into()))
}

fn check_function_import(
    module: &str,
    name: &str,
    ty: &FuncType,
    config: &PrepareConfig,
) -> Result<(), PrepareError> {
    let spec = host_function(module, name)
        .ok_or_else(|| PrepareError::Import(format!("unknown import {module}.{name}")))?;
    match spec.stability {
        Stability::Stable => {}
        Stability::Unstable if config.unstable_interface => {}
        Stability::Unstable => {
            return Err(PrepareError::Import(format!(
                "{module}.{name} is unstable and the unstable interface is off"
            )))
        }
        Stability::Deprecated => {
            return Err(PrepareError::Import(format!(
                "{module}.{name} is deprecated and not available to new code"
            )))
        }
    }
    if spec.name == "call_chain_extension" && !config.chain_extensions {
        return Err(PrepareError::Import(format!(
            "{module}.{name}: the module uses chain extensions but none are enabled"
        )));
    }
    if !matches_spec(ty, spec.params, spec.result) {
        return Err(PrepareError::Import(format!(
            "{module}.{name} has the wrong signature {}",
            describe(ty)
        )));
    }
    Ok(())
}

/// Defines and exports the imported memory, then injects the stack-height limiter.
fn rewrite(code: &[u8], memory: MemoryLimits, stack_limit: u32) -> Result<Vec<u8>, PrepareError> {
    let fail = |e: &dyn std::fmt::Display| PrepareError::Instrument(e.to_string());
    let mut module: Module = parity_wasm::deserialize_buffer(code).map_err(|e| fail(&e))?;
    if let Some(imports) = module.import_section_mut() {
        imports
            .entries_mut()
            .retain(|entry| !matches!(entry.external(), External::Memory(_)));
    }
    let limits = MemoryType::new(memory.initial, Some(memory.maximum));
    module
        .insert_section(Section::Memory(MemorySection::with_entries(vec![limits])))
        .map_err(|e| fail(&e))?;
    let exports = module
        .export_section_mut()
        .ok_or_else(|| PrepareError::Instrument("module has no export section".into()))?;
    exports
        .entries_mut()
        .push(ExportEntry::new(MEMORY_EXPORT.into(), Internal::Memory(0)));
    let module = wasm_instrument::inject_stack_limiter(module, stack_limit)
        .map_err(|e| PrepareError::Instrument(format!("stack limiter: {e}")))?;
    parity_wasm::serialize(module).map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests;
