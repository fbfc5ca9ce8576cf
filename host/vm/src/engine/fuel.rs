//! wasmi-0.31-exact fuel metering for wasmtime: [`inject`] rewrites validated code so
//! that it charges, in an exported global, exactly the fuel that pallet-contracts 31
//! charges running the same code on wasmi 0.31.2 (`FuelConsumptionMode::Eager`,
//! default `FuelCosts`, multi-value off, sign extension on, floats off).
//!
//! wasmi charges whole *fuel frames* upfront: one `ConsumeFuel(n)` at function entry,
//! one as the first instruction of every `loop` (so again on every back-branch), one
//! at the start of every `if` arm and of every `else` arm. `block` opens no frame of
//! its own. Every instruction the translator considers reachable adds its cost to the
//! innermost frame, including code that a `br_if`, `br_table` or `return` may skip.
//! The pass walks each body the way wasmi's translator does (same reachability, same
//! costs, same frames), then inserts a charge of the frame's total at the same places.
//! The charge compares first and subtracts only if the whole amount fits; otherwise it
//! sets the out-of-fuel flag and traps, leaving the fuel untouched (wasmi's
//! `OutOfFuel` consumes nothing of the failing frame).
//!
//! `memory.grow` becomes a call to an appended shim that adds wasmi's dynamic cost
//! (1024 per page, charged before growing, kept if the grow fails; nothing for more
//! than 32768 pages, as on the wasm32 runtime pallet-contracts runs on).
//!
//! Nothing is renumbered: the two globals and the shim are appended after the existing
//! ones. A start function is no longer started by the module (the host could not set
//! the fuel before it runs); it is exported as [`START_EXPORT`] instead, for the host
//! to call after setting the fuel and before the entry point, as wasmi's
//! `InstancePre::start` runs it after `add_fuel`.

use std::ops::Range;

use wasm_encoder::{
    BlockType, ConstExpr, Encode, ExportKind, GlobalType, InstructionSink, ValType,
};
use wasmparser::{
    BinaryReader, CodeSectionReader, ExportSectionReader, FunctionBody, FunctionSectionReader,
    GlobalSectionReader, ImportSectionReader, MemorySectionReader, Operator, TypeRef,
    TypeSectionReader, Validator, WasmFeatures,
};

/// Exported mutable i64 global: fuel left (wasmi's "remaining"); the host sets it
/// before running.
pub(crate) const FUEL_EXPORT: &str = "__carechain_fuel";
/// Exported mutable i32 global: set to 1 by the injected code when a charge did not
/// fit (then it traps with `unreachable`).
pub(crate) const OUT_OF_FUEL_EXPORT: &str = "__carechain_out_of_fuel";
/// The module's start function, if it has one, exported under this name (and no longer
/// a start function): the host calls it after setting [`FUEL_EXPORT`], before the entry
/// point, and treats a trap in it as a trap of the call.
pub(crate) const START_EXPORT: &str = "__carechain_start";

/// Fuel wasmi charges per page that `memory.grow` asks for (`64 KiB / 64`).
const FUEL_PER_PAGE: i64 = 1024;
/// The largest grow that is charged. wasmi computes the fuel from the byte size as a
/// `usize`; on wasm32 (the runtime pallet-contracts runs in) that overflows above
/// 32768 pages and is charged 0. (A 64-bit native wasmi charges up to 65536.)
const MAX_CHARGED_GROW_PAGES: u32 = 32_768;

/// Why code cannot be instrumented (the caller rejects the upload).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FuelError {
    /// Not valid WASM MVP plus sign extension.
    #[error("invalid WASM at offset {offset:#x}: {reason}")]
    Invalid {
        /// The validator's or parser's reason.
        reason: String,
        /// Byte offset in the module.
        offset: usize,
    },
    /// A fuel frame costs more than wasmi's `u32` `ConsumeFuel` can hold (wasmi
    /// rejects the module at translation with `BlockFuelOutOfBounds`).
    #[error("a fuel frame of function {func} costs more than u32::MAX (BlockFuelOutOfBounds)")]
    BlockFuelOutOfBounds {
        /// Index of the function (imports included).
        func: u32,
    },
    /// An operator this pass does not cost (outside the pallet's feature set).
    #[error("unsupported operator at offset {offset:#x}: {operator}")]
    UnsupportedOperator {
        /// The operator, as wasmparser names it.
        operator: String,
        /// Byte offset in the module.
        offset: usize,
    },
    /// The module already exports a name the pass needs.
    #[error("the module already exports `{0}`")]
    ReservedExport(&'static str),
}

impl From<wasmparser::BinaryReaderError> for FuelError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        FuelError::Invalid {
            reason: e.message().to_string(),
            offset: e.offset(),
        }
    }
}

/// What the pass accepts: WASM MVP (without floats) plus sign extension, and
/// mutable-global imports and exports (which its own output needs).
fn features() -> WasmFeatures {
    WasmFeatures::GC_TYPES | WasmFeatures::SIGN_EXTENSION | WasmFeatures::MUTABLE_GLOBAL
}

/// Injects wasmi-0.31-exact fuel charging into validated MVP(+sign-ext) code.
///
/// # Errors
/// [`FuelError`] if the code is invalid, uses an operator outside the pallet's feature
/// set, has a fuel frame wasmi would reject, or already uses one of the export names.
pub(crate) fn inject(code: &[u8]) -> Result<Vec<u8>, FuelError> {
    inject_with(code, MAX_CHARGED_GROW_PAGES)
}

/// [`inject`] with the largest charged `memory.grow` as a parameter (tests compare
/// with a 64-bit wasmi, which charges up to 65536 pages).
fn inject_with(code: &[u8], max_charged_grow: u32) -> Result<Vec<u8>, FuelError> {
    Validator::new_with_features(features()).validate_all(code)?;
    rewrite(code, max_charged_grow)
}

/// The rewriting of [`inject_with`], on code already validated.
fn rewrite(code: &[u8], max_charged_grow: u32) -> Result<Vec<u8>, FuelError> {
    let sections = split_sections(code)?;
    let module = ModuleInfo::read(code, &sections)?;
    let added = Added::for_module(&module);
    for name in added.export_names() {
        if module.export_names.iter().any(|n| n == name) {
            return Err(FuelError::ReservedExport(name));
        }
    }
    let mut out = code.get(..8).ok_or_else(malformed(0))?.to_vec();
    // Sections this pass adds entries to, by id; each is created if missing.
    let mut wanted: Vec<u8> = vec![GLOBAL, EXPORT];
    if added.grow.is_some() {
        wanted.extend([TYPE, FUNCTION, CODE]);
    }
    wanted.sort_by_key(|&id| rank(id));
    let mut pending = wanted
        .iter()
        .copied()
        .filter(|id| !sections.iter().any(|s| s.id == *id));
    let mut next_missing = pending.next();
    let emit = |out: &mut Vec<u8>, id: u8, original: Option<&Section>| {
        let content = added_section(id, original, code, &module, &added, max_charged_grow)?;
        out.push(id);
        content.encode(out);
        Ok::<(), FuelError>(())
    };
    for section in &sections {
        if section.id != CUSTOM {
            while let Some(id) = next_missing.filter(|&id| rank(id) < rank(section.id)) {
                emit(&mut out, id, None)?;
                next_missing = pending.next();
            }
        }
        match section.id {
            // The start function is exported instead (see the module docs).
            START => {}
            TYPE | FUNCTION | GLOBAL | EXPORT | CODE => emit(&mut out, section.id, Some(section))?,
            _ => {
                let bytes = code.get(section.whole.clone());
                out.extend_from_slice(bytes.ok_or_else(malformed(section.whole.start))?);
            }
        }
    }
    while let Some(id) = next_missing {
        emit(&mut out, id, None)?;
        next_missing = pending.next();
    }
    Ok(out)
}

const CUSTOM: u8 = 0;
const TYPE: u8 = 1;
const FUNCTION: u8 = 3;
const GLOBAL: u8 = 6;
const EXPORT: u8 = 7;
const START: u8 = 8;
const CODE: u8 = 10;

/// Position of a (non-custom) section id in the binary format's section order.
fn rank(id: u8) -> u8 {
    match id {
        1..=5 => id,
        13 => 6, // tag, between memory and global
        6..=9 => id + 1,
        12 => 11, // data count, between element and code
        10 | 11 => id + 2,
        _ => u8::MAX,
    }
}

fn malformed(offset: usize) -> impl FnOnce() -> FuelError {
    move || FuelError::Invalid {
        reason: "malformed module".to_string(),
        offset,
    }
}

/// One top-level section: its id, its bytes with header, and its content.
struct Section {
    id: u8,
    whole: Range<usize>,
    content: Range<usize>,
}

fn split_sections(code: &[u8]) -> Result<Vec<Section>, FuelError> {
    let body = code.get(8..).ok_or_else(malformed(0))?;
    let mut reader = BinaryReader::new(body, 8);
    let mut sections = Vec::new();
    while !reader.eof() {
        let start = reader.original_position();
        let id = reader.read_u8()?;
        let len = reader.read_var_u32()? as usize;
        let content_start = reader.original_position();
        reader.read_bytes(len)?;
        let end = reader.original_position();
        sections.push(Section {
            id,
            whole: start..end,
            content: content_start..end,
        });
    }
    Ok(sections)
}

fn reader_of<'a>(code: &'a [u8], section: &Section) -> Result<BinaryReader<'a>, FuelError> {
    let bytes = code
        .get(section.content.clone())
        .ok_or_else(malformed(section.content.start))?;
    Ok(BinaryReader::new(bytes, section.content.start))
}

/// What the pass needs to know about the input module.
#[derive(Default)]
struct ModuleInfo {
    /// Parameter count of each type.
    type_params: Vec<u32>,
    imported_funcs: u32,
    imported_globals: u32,
    /// Type index of each defined function.
    func_types: Vec<u32>,
    defined_globals: u32,
    has_memory: bool,
    export_names: Vec<String>,
    start: Option<u32>,
}

impl ModuleInfo {
    fn read(code: &[u8], sections: &[Section]) -> Result<Self, FuelError> {
        let mut info = ModuleInfo::default();
        for section in sections {
            let reader = reader_of(code, section)?;
            match section.id {
                TYPE => {
                    for ty in TypeSectionReader::new(reader)?.into_iter_err_on_gc_types() {
                        let params = ty?.params().len();
                        info.type_params.push(
                            u32::try_from(params)
                                .map_err(|_| malformed(section.content.start)())?,
                        );
                    }
                }
                2 => {
                    for import in ImportSectionReader::new(reader)?.into_imports() {
                        match import?.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => info.imported_funcs += 1,
                            TypeRef::Global(_) => info.imported_globals += 1,
                            TypeRef::Memory(_) => info.has_memory = true,
                            TypeRef::Table(_) | TypeRef::Tag(_) => {}
                        }
                    }
                }
                FUNCTION => {
                    for ty in FunctionSectionReader::new(reader)? {
                        info.func_types.push(ty?);
                    }
                }
                5 => info.has_memory |= MemorySectionReader::new(reader)?.count() > 0,
                GLOBAL => info.defined_globals = GlobalSectionReader::new(reader)?.count(),
                EXPORT => {
                    for export in ExportSectionReader::new(reader)? {
                        info.export_names.push(export?.name.to_string());
                    }
                }
                START => {
                    let mut reader = reader;
                    info.start = Some(reader.read_var_u32()?);
                }
                _ => {}
            }
        }
        Ok(info)
    }

    fn funcs(&self) -> u32 {
        self.imported_funcs + self.func_types.len() as u32
    }

    fn globals(&self) -> u32 {
        self.imported_globals + self.defined_globals
    }
}

/// Indices of what the pass appends.
struct Added {
    fuel: u32,
    oog: u32,
    /// The `memory.grow` shim (function index, type index), if there is a memory.
    grow: Option<(u32, u32)>,
    start: Option<u32>,
}

impl Added {
    fn for_module(module: &ModuleInfo) -> Self {
        Added {
            fuel: module.globals(),
            oog: module.globals() + 1,
            grow: module
                .has_memory
                .then(|| (module.funcs(), module.type_params.len() as u32)),
            start: module.start,
        }
    }

    fn export_names(&self) -> Vec<&'static str> {
        let mut names = vec![FUEL_EXPORT, OUT_OF_FUEL_EXPORT];
        if self.start.is_some() {
            names.push(START_EXPORT);
        }
        names
    }
}

/// The content of section `id`: the original entries (if the section exists) with this
/// pass's entries appended, the count updated, and for code the bodies instrumented.
fn added_section(
    id: u8,
    original: Option<&Section>,
    code: &[u8],
    module: &ModuleInfo,
    added: &Added,
    max_charged_grow: u32,
) -> Result<Vec<u8>, FuelError> {
    let (count, entries) = match original {
        Some(section) => {
            let mut reader = reader_of(code, section)?;
            let count = reader.read_var_u32()?;
            let start = reader.original_position();
            (count, start..section.content.end)
        }
        None => (0, 0..0),
    };
    let mut new = Vec::new();
    let mut new_count = 0u32;
    let mut copy_entries = true;
    match id {
        TYPE => {
            if added.grow.is_some() {
                // (func (param i32) (result i32))
                new.extend([0x60, 1, 0x7f, 1, 0x7f]);
                new_count += 1;
            }
        }
        FUNCTION => {
            if let Some((_, ty)) = added.grow {
                ty.encode(&mut new);
                new_count += 1;
            }
        }
        GLOBAL => {
            for ty in [ValType::I64, ValType::I32] {
                GlobalType {
                    val_type: ty,
                    mutable: true,
                    shared: false,
                }
                .encode(&mut new);
                let init = if ty == ValType::I64 {
                    ConstExpr::i64_const(0)
                } else {
                    ConstExpr::i32_const(0)
                };
                init.encode(&mut new);
                new_count += 1;
            }
        }
        EXPORT => {
            let mut export = |name: &str, kind: ExportKind, index: u32| {
                name.encode(&mut new);
                kind.encode(&mut new);
                index.encode(&mut new);
                new_count += 1;
            };
            export(FUEL_EXPORT, ExportKind::Global, added.fuel);
            export(OUT_OF_FUEL_EXPORT, ExportKind::Global, added.oog);
            if let Some(start) = added.start {
                export(START_EXPORT, ExportKind::Func, start);
            }
        }
        CODE => {
            copy_entries = false;
            if let Some(section) = original {
                let bodies = CodeSectionReader::new(reader_of(code, section)?)?;
                for (i, body) in bodies.into_iter().enumerate() {
                    let i = i as u32;
                    let ty = module
                        .func_types
                        .get(i as usize)
                        .ok_or_else(malformed(section.content.start))?;
                    let params = *module
                        .type_params
                        .get(*ty as usize)
                        .ok_or_else(malformed(section.content.start))?;
                    let body = instrument(code, &body?, params, added, module.imported_funcs + i)?;
                    body.as_slice().encode(&mut new);
                }
            }
            if added.grow.is_some() {
                grow_shim(added, max_charged_grow)
                    .as_slice()
                    .encode(&mut new);
                new_count += 1;
            }
        }
        _ => return Err(malformed(0)()),
    }
    let mut content = Vec::new();
    (count + new_count).encode(&mut content);
    if copy_entries {
        content.extend_from_slice(
            code.get(entries.clone())
                .ok_or_else(malformed(entries.start))?,
        );
    }
    content.extend_from_slice(&new);
    Ok(content)
}

/// `CHARGE(amount)`: stack-neutral, balanced; decrements the fuel global only if the
/// whole amount fits, else sets the flag and traps.
fn charge(sink: &mut Vec<u8>, added: &Added, amount: i64) {
    emit_charge(&mut InstructionSink::new(sink), added, |ins| {
        ins.i64_const(amount);
    });
}

/// The charge sequence, with the `i64` amount pushed by `amount` (a constant, or the
/// grow shim's local).
fn emit_charge(
    ins: &mut InstructionSink<'_>,
    added: &Added,
    amount: impl Fn(&mut InstructionSink<'_>),
) {
    ins.global_get(added.fuel);
    amount(ins);
    ins.i64_lt_u()
        .if_(BlockType::Empty)
        .i32_const(1)
        .global_set(added.oog)
        .unreachable()
        .end()
        .global_get(added.fuel);
    amount(ins);
    ins.i64_sub().global_set(added.fuel);
}

/// `(func $grow (param $d i32) (result i32) (local $f i64) ...)`: charges the pages
/// wasmi charges for `memory.grow $d`, then grows.
fn grow_shim(added: &Added, max_charged_grow: u32) -> Vec<u8> {
    let mut body = Vec::new();
    // One local declaration: 1 x i64.
    body.extend([1, 1, 0x7e]);
    let mut ins = InstructionSink::new(&mut body);
    ins.local_get(0)
        .i32_const(max_charged_grow as i32)
        .i32_le_u()
        .if_(BlockType::Empty)
        .local_get(0)
        .i64_extend_i32_u()
        .i64_const(FUEL_PER_PAGE)
        .i64_mul()
        .local_set(1);
    emit_charge(&mut ins, added, |ins| {
        ins.local_get(1);
    });
    ins.end().local_get(0).memory_grow(0).end();
    body
}

/// A control frame of wasmi's translator.
struct Ctl {
    /// Opened while reachable (else wasmi's `UnreachableControlFrame`).
    live: bool,
    /// Index of the fuel frame its instructions are charged to (a `block` shares its
    /// parent's; meaningless when not live).
    fuel: usize,
}

/// An edit of a body: a charge inserted at a position, or the bytes of a
/// `memory.grow` replaced with a call to the shim.
enum Edit {
    Charge { at: usize, frame: usize },
    Grow { range: Range<usize> },
}

/// The instrumented body (locals and code, without the size prefix) of defined
/// function `func` with `params` parameters.
fn instrument(
    code: &[u8],
    body: &FunctionBody<'_>,
    params: u32,
    added: &Added,
    func: u32,
) -> Result<Vec<u8>, FuelError> {
    let mut locals_reader = body.get_locals_reader()?;
    let mut locals = u64::from(params);
    for _ in 0..locals_reader.get_count() {
        let (count, _) = locals_reader.read()?;
        locals += u64::from(count);
    }
    let ops_start = locals_reader.original_position();

    // Pass 1: wasmi's translator, as far as fuel goes.
    let mut frames: Vec<u64> = vec![1 + locals / 8];
    let mut edits = vec![Edit::Charge {
        at: ops_start,
        frame: 0,
    }];
    let mut ctl = vec![Ctl {
        live: true,
        fuel: 0,
    }];
    let mut reach = true;
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let (op, start) = ops.read_with_offset()?;
        let end = ops.original_position();
        let top = ctl.last().map(|c| c.fuel).ok_or_else(malformed(start))?;
        // The cost of a plain instruction, charged to the innermost frame if reachable.
        let mut cost = 0u64;
        match op {
            Operator::Block { .. } => ctl.push(Ctl {
                live: reach,
                fuel: top,
            }),
            Operator::Loop { .. } => {
                let fuel = if reach {
                    open(&mut frames, &mut edits, end)
                } else {
                    0
                };
                ctl.push(Ctl { live: reach, fuel });
            }
            Operator::If { .. } => {
                let fuel = if reach {
                    add(&mut frames, top, 1);
                    open(&mut frames, &mut edits, end)
                } else {
                    0
                };
                ctl.push(Ctl { live: reach, fuel });
            }
            Operator::Else => {
                let mut frame = ctl.pop().ok_or_else(malformed(start))?;
                if frame.live {
                    // The `br` wasmi emits at the end of a reachable `then`: charged to
                    // the enclosing frame (the `if` frame is popped at this point).
                    if reach {
                        let parent = ctl.last().map(|c| c.fuel).ok_or_else(malformed(start))?;
                        add(&mut frames, parent, 1);
                    }
                    frame.fuel = open(&mut frames, &mut edits, end);
                    reach = true;
                }
                ctl.push(frame);
            }
            Operator::End => {
                let frame = ctl.pop().ok_or_else(malformed(start))?;
                if ctl.is_empty() {
                    // The implicit return at the end of the body.
                    if reach {
                        add(&mut frames, frame.fuel, 1);
                    }
                } else {
                    reach = frame.live;
                }
            }
            Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::Unreachable => {
                if reach {
                    add(&mut frames, top, 1);
                    reach = false;
                }
            }
            // A `br_if` to the function's label becomes `ReturnIfNez`, which costs nothing.
            Operator::BrIf { relative_depth } => {
                if relative_depth as usize + 1 != ctl.len() {
                    cost = 1;
                }
            }
            Operator::Nop => {}
            Operator::MemoryGrow { mem: 0 } => {
                cost = 1;
                edits.push(Edit::Grow { range: start..end });
            }
            ref op if costs_one(op) => cost = 1,
            op => {
                return Err(FuelError::UnsupportedOperator {
                    operator: format!("{op:?}"),
                    offset: start,
                })
            }
        }
        if reach && cost > 0 {
            add(&mut frames, top, cost);
        }
    }
    if frames.iter().any(|&f| f > u64::from(u32::MAX)) {
        return Err(FuelError::BlockFuelOutOfBounds { func });
    }

    // Pass 2: splice.
    let range = body.range();
    let mut out = Vec::with_capacity(range.len() + edits.len() * 24);
    let mut cursor = range.start;
    for edit in &edits {
        let at = match edit {
            Edit::Charge { at, .. } => *at,
            Edit::Grow { range } => range.start,
        };
        out.extend_from_slice(code.get(cursor..at).ok_or_else(malformed(cursor))?);
        match edit {
            Edit::Charge { at, frame } => {
                let amount = frames.get(*frame).copied().ok_or_else(malformed(*at))?;
                charge(&mut out, added, amount as i64);
                cursor = *at;
            }
            Edit::Grow { range } => {
                let (grow, _) = added.grow.ok_or_else(malformed(range.start))?;
                InstructionSink::new(&mut out).call(grow);
                cursor = range.end;
            }
        }
    }
    out.extend_from_slice(code.get(cursor..range.end).ok_or_else(malformed(cursor))?);
    Ok(out)
}

/// Opens a fuel frame (base cost 1) whose charge goes at `at`.
fn open(frames: &mut Vec<u64>, edits: &mut Vec<Edit>, at: usize) -> usize {
    frames.push(1);
    let frame = frames.len() - 1;
    edits.push(Edit::Charge { at, frame });
    frame
}

fn add(frames: &mut [u64], frame: usize, cost: u64) {
    if let Some(f) = frames.get_mut(frame) {
        *f = f.saturating_add(cost);
    }
}

/// The operators (besides control flow, `nop` and `memory.grow`) that wasmi costs 1:
/// base, load, store, call and entity costs are all 1 by default.
fn costs_one(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        Call { .. }
            | CallIndirect { .. }
            | Drop
            | Select
            | LocalGet { .. }
            | LocalSet { .. }
            | LocalTee { .. }
            | GlobalGet { .. }
            | GlobalSet { .. }
            | I32Load { .. }
            | I64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32Store { .. }
            | I64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. }
            | MemorySize { mem: 0 }
            | I32Const { .. }
            | I64Const { .. }
            | I32Eqz
            | I32Eq
            | I32Ne
            | I32LtS
            | I32LtU
            | I32GtS
            | I32GtU
            | I32LeS
            | I32LeU
            | I32GeS
            | I32GeU
            | I64Eqz
            | I64Eq
            | I64Ne
            | I64LtS
            | I64LtU
            | I64GtS
            | I64GtU
            | I64LeS
            | I64LeU
            | I64GeS
            | I64GeU
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I32Add
            | I32Sub
            | I32Mul
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | I64Add
            | I64Sub
            | I64Mul
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
            | I32Extend8S
            | I32Extend16S
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
    )
}

#[cfg(test)]
mod tests;
