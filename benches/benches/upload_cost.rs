//! What an upload costs the node against what it is charged: the cold validate,
//! instrument and compile of module families that stress the compiler (many empty
//! functions, many locals, one long body, a huge `br_table`) and of the real
//! contracts, each against the ref_time its upload transaction is charged, which is
//! the baseline of the ratio. After the criterion groups a table prints, per module,
//! the median of five cold compiles, the charged weight and compile / charged (the
//! target: at most 2 for every module up to the code-size limit; ../shared/TARGETS.md).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

use carechain_runtime::{ChainConfig, ContractVm};
use carechain_vm::WasmtimeVm;
use criterion::{criterion_group, criterion_main, Criterion};

const MEMORY: &str = r#"(import "env" "memory" (memory 1 1))"#;
const ENTRIES: &str = r#"(func (export "deploy")) (func (export "call"))"#;

fn module(body: &str) -> Vec<u8> {
    wat::parse_str(format!("(module {MEMORY} {ENTRIES} {body})")).expect("wat")
}

/// `functions` extra functions, each declaring `locals` i64 locals in one entry (a
/// handful of bytes each: the text format would spell every local out).
fn many_locals(functions: u32, locals: u32) -> Vec<u8> {
    use wasm_encoder::{
        CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
        ImportSection, Instruction, MemoryType, Module, TypeSection, ValType,
    };
    let mut types = TypeSection::new();
    types.ty().function([], []);
    let mut imports = ImportSection::new();
    let memory = MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    };
    imports.import("env", "memory", EntityType::Memory(memory));
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    for i in 0..functions + 2 {
        funcs.function(0);
        let mut body = Function::new(if i < 2 {
            vec![]
        } else {
            vec![(locals, ValType::I64)]
        });
        body.instruction(&Instruction::End);
        code.function(&body);
    }
    let mut exports = ExportSection::new();
    exports.export("deploy", ExportKind::Func, 0);
    exports.export("call", ExportKind::Func, 1);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&exports)
        .section(&code);
    module.finish()
}

/// The families, each near the code-size limit, then the real contracts.
fn modules() -> Vec<(String, Vec<u8>)> {
    let mut all = vec![
        (
            "1,000 empty functions".to_string(),
            module(&"(func)".repeat(1_000)),
        ),
        (
            "30,000 empty functions".to_string(),
            module(&"(func)".repeat(30_000)),
        ),
        (
            "500 functions of 50,000 locals".to_string(),
            many_locals(500, 50_000),
        ),
        (
            "one body of 40,000 constants".to_string(),
            module(&format!(
                "(func {})",
                "(drop (i32.const 0)) ".repeat(40_000)
            )),
        ),
        (
            "a br_table of 65,520 targets".to_string(),
            module(&format!(
                "(func (block (br_table {} 0 (i32.const 0))))",
                "0 ".repeat(65_520)
            )),
        ),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for name in ["flipper", "consent", "ehr_access", "dscsa"] {
        if let Ok(code) = std::fs::read(root.join(format!("target/ink/{name}/{name}.wasm"))) {
            all.push((format!("{name} (ink!)"), code));
        }
    }
    let limit = ChainConfig::default().schedule.limits.max_code_len as usize;
    all.retain(|(name, code)| {
        let fits = code.len() <= limit;
        if !fits {
            eprintln!(
                "upload_cost: {name} is {} bytes, over the limit; left out",
                code.len()
            );
        }
        fits
    });
    all
}

/// The ref_time the upload transaction of `code` is charged.
fn charged(code: &[u8], config: &ChainConfig, vm: &WasmtimeVm) -> u64 {
    let costs = &config.schedule.costs;
    let compile = config
        .schedule
        .compile
        .weight(&vm.code_shape(code))
        .ref_time;
    costs
        .transaction
        .saturating_add(costs.dispatch.upload_code(code.len() as u64))
        .ref_time
        .saturating_add(compile)
}

fn cold_compile(code: &[u8], config: &ChainConfig) -> Duration {
    let vm = WasmtimeVm::new().expect("vm");
    let start = Instant::now();
    let _ = vm.validate_code(code, config);
    start.elapsed()
}

fn upload_cost(c: &mut Criterion) {
    let config = ChainConfig::default();
    let all = modules();
    let mut group = c.benchmark_group("upload_cold_compile");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2));
    for (name, code) in &all {
        group.bench_function(name.as_str(), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| cold_compile(code, &config)).sum())
        });
    }
    group.finish();

    let vm = WasmtimeVm::new().expect("vm");
    println!(
        "\n{:<40} {:>8} {:>12} {:>12} {:>9}",
        "module", "bytes", "compile ms", "charged ms", "ratio"
    );
    for (name, code) in &all {
        let mut runs: Vec<Duration> = (0..5).map(|_| cold_compile(code, &config)).collect();
        runs.sort();
        let compile = runs[2];
        let charged_ps = charged(code, &config, &vm);
        let ratio = compile.as_secs_f64() * 1e12 / charged_ps as f64;
        println!(
            "{name:<40} {:>8} {:>12.2} {:>12.2} {:>9.2}",
            code.len(),
            compile.as_secs_f64() * 1e3,
            charged_ps as f64 / 1e9,
            ratio
        );
    }
}

criterion_group!(benches, upload_cost);
criterion_main!(benches);
