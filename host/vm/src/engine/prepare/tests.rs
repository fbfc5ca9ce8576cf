//! Tests of the upload checks: what is refused, by name, and what passes rewritten.

use super::*;

const MEMORY: &str = r#"(import "env" "memory" (memory 1 16))"#;
const ENTRIES: &str = r#"(func (export "deploy")) (func (export "call"))"#;

fn module(body: &str) -> Vec<u8> {
    match wat::parse_str(format!("(module {body})")) {
        Ok(bytes) => bytes,
        Err(e) => panic!("test WAT does not parse: {e}"),
    }
}

fn check(body: &str) -> Result<PreparedCode, PrepareError> {
    prepare(
        &module(body),
        &PrepareConfig::of_chain(&ChainConfig::default()),
    )
}

fn rejected(body: &str) -> String {
    match check(body) {
        Ok(_) => panic!("accepted, but must be rejected: {body}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bulk_memory_module_forms_pass_and_its_instructions_do_not() {
    let passive = format!(r#"{MEMORY} {ENTRIES} (data "inert") (data (i32.const 0) "x")"#);
    let prepared = check(&passive).expect("passive data passes, as on wasmi 0.31");
    // What runs keeps the active segment only, and is valid without bulk memory.
    validate_with(
        &prepared.code,
        WasmFeatures::GC_TYPES | WasmFeatures::MUTABLE_GLOBAL | WasmFeatures::SIGN_EXTENSION,
    )
    .expect("no DataCount or passive segment left");
    let copy = rejected(&format!(
        r#"{MEMORY} (func (export "deploy")) (func (export "call")
          (memory.copy (i32.const 0) (i32.const 1) (i32.const 1)))"#
    ));
    assert!(
        copy.contains("bulk memory") && copy.contains("memory.copy"),
        "{copy}"
    );
    let elem = rejected(&format!(
        r#"{MEMORY} {ENTRIES} (table 1 funcref) (func $f) (elem func $f)"#
    ));
    assert!(elem.contains("element segments"), "{elem}");
}

#[test]
fn engine_limits_the_pallet_lacks_are_refused_by_name() {
    let table = |n: usize| format!("{MEMORY} {ENTRIES} (table {n} funcref)");
    check(&table(MAX_TABLE_ELEMENTS)).expect("a table at the limit");
    let big = rejected(&table(MAX_TABLE_ELEMENTS + 1));
    assert!(
        big.starts_with("over this engine's limits: a table of 20001"),
        "{big}"
    );
    let br = |n: u32| {
        format!(
            r#"{MEMORY} (func (export "deploy")) (func (export "call")
              (block (br_table {} 0 (i32.const 0))))"#,
            "0 ".repeat(n as usize)
        )
    };
    let many = rejected(&br(MAX_BR_TABLE_TARGETS + 1));
    assert!(many.contains("a br_table of 65521 targets"), "{many}");
    assert!(matches!(
        check(&br(MAX_BR_TABLE_TARGETS + 1)).map_err(|e| e.dispatch_error()),
        Err(DispatchError::CodeRejected {
            kind: RejectKind::Engine,
            ..
        })
    ));
}

#[test]
fn segments_that_do_not_fit_are_refused_at_upload() {
    let data = rejected(&format!(
        r#"{MEMORY} {ENTRIES} (data (i32.const 65535) "ab")"#
    ));
    assert!(
        data.starts_with("cannot be instantiated: a data segment"),
        "{data}"
    );
    let elem = rejected(&format!(
        r#"{MEMORY} {ENTRIES} (table 1 funcref) (func $f) (elem (i32.const 1) $f)"#
    ));
    assert!(elem.contains("an element segment"), "{elem}");
    check(&format!(
        r#"{MEMORY} {ENTRIES} (data (i32.const 65535) "a") (data (i32.const 65536) "")"#
    ))
    .expect("segments up to the end fit");
}

#[test]
fn a_minimal_contract_is_accepted_and_rewritten() {
    let prepared = check(&format!(
        r#"(import "seal0" "seal_input" (func (param i32 i32)))
           (import "seal1" "get_storage" (func (param i32 i32 i32 i32) (result i32)))
           {MEMORY} {ENTRIES}"#
    ))
    .expect("accepted");
    assert_eq!(
        prepared.memory,
        MemoryLimits {
            initial: 1,
            maximum: 16
        }
    );
    // The rewritten module defines and exports its memory and imports no memory.
    let mut exported_memory = false;
    for payload in Parser::new(0).parse_all(&prepared.code) {
        match payload.expect("valid") {
            Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    assert!(!matches!(i.expect("import").ty, TypeRef::Memory(_)));
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.expect("export");
                    exported_memory |= e.name == MEMORY_EXPORT && e.kind == ExternalKind::Memory;
                }
            }
            _ => {}
        }
    }
    assert!(exported_memory);
}

#[test]
fn entry_points_may_return_i32() {
    check(&format!(
        r#"{MEMORY} (func (export "deploy") (result i32) i32.const 0) (func (export "call"))"#
    ))
    .expect("accepted");
}

#[test]
fn non_deterministic_and_post_mvp_instructions_are_named() {
    let cases = [
        ("(func f64.const 1 f64.const 2 f64.add drop)", "f64.const"),
        (
            "(func i32.const 7 f64.convert_i32_s drop)",
            "f64.convert_i32_s",
        ),
        (
            "(func i32.const 7 f32.reinterpret_i32 drop)",
            "f32.reinterpret_i32",
        ),
        (
            "(func i32.const 0 i32.const 0 i32.const 0 memory.copy)",
            "memory.copy",
        ),
        (
            "(func i32.const 0 i32.const 0 i32.const 0 memory.fill)",
            "memory.fill",
        ),
    ];
    for (func, name) in cases {
        let err = rejected(&format!("{MEMORY} {ENTRIES} {func}"));
        assert!(
            err.contains(&format!("(instruction {name})")),
            "{name}: {err}"
        );
        assert!(err.contains("at offset 0x"), "{err}");
    }
}

#[test]
fn post_mvp_features_are_rejected() {
    let err = rejected(&format!("{MEMORY} {ENTRIES} (func (param f32))"));
    assert!(err.contains("floating-point"), "{err}");
    for feature in [
        "(func (result i32 i32) i32.const 0 i32.const 0)",
        "(func (result v128) v128.const i64x2 0 0)",
        "(table 1 funcref) (func (result funcref) ref.null func)",
        "(func return_call 0)",
        "(global f32 (f32.const 0))",
    ] {
        rejected(&format!("{MEMORY} {ENTRIES} {feature}"));
    }
}

#[test]
fn sign_extension_is_accepted() {
    check(&format!(
        "{MEMORY} {ENTRIES} (func (param i32) (result i32) local.get 0 i32.extend8_s)"
    ))
    .expect("accepted");
}

#[test]
fn exports_other_than_deploy_and_call_are_rejected() {
    assert!(
        rejected(&format!(r#"{MEMORY} {ENTRIES} (func (export "foo"))"#))
            .contains("unknown function export `foo`")
    );
    assert!(rejected(&format!(
        r#"{MEMORY} {ENTRIES} (global (export "g") i32 (i32.const 0))"#
    ))
    .contains("global export"));
    assert!(rejected(&format!(r#"(memory (export "m") 1) {ENTRIES}"#)).contains("memory"));
    assert!(rejected(&format!(r#"{MEMORY} (func (export "call"))"#))
        .contains("`deploy` function isn't exported"));
    assert!(rejected(&format!(r#"{MEMORY} (func (export "deploy"))"#))
        .contains("`call` function isn't exported"));
    let err = rejected(&format!(
        r#"{MEMORY} (func (export "deploy") (param i32)) (func (export "call"))"#
    ));
    assert!(
        err.contains("entry point `deploy` has signature (i32) -> ()"),
        "{err}"
    );
}

#[test]
fn imports_must_be_known_host_functions_with_their_signatures() {
    let err = rejected(&format!(
        r#"(import "seal0" "foo" (func)) {MEMORY} {ENTRIES}"#
    ));
    assert_eq!(err, "import rejected: unknown import seal0.foo");
    let err = rejected(&format!(
        r#"(import "seal1" "get_storage" (func (param i32 i32 i32) (result i32))) {MEMORY} {ENTRIES}"#
    ));
    assert!(
        err.contains("seal1.get_storage has the wrong signature (i32, i32, i32) -> (i32)"),
        "{err}"
    );
    let err = rejected(&format!(
        r#"(import "seal2" "seal_call" (func)) {MEMORY} {ENTRIES}"#
    ));
    assert!(err.contains("unknown import seal2.seal_call"), "{err}");
    let err = rejected(&format!(
        r#"(import "seal0" "seal_random" (func (param i32 i32 i32 i32))) {MEMORY} {ENTRIES}"#
    ));
    assert!(err.contains("deprecated"), "{err}");
    let err = rejected(&format!(
        r#"(import "seal0" "call_chain_extension" (func (param i32 i32 i32 i32 i32) (result i32))) {MEMORY} {ENTRIES}"#
    ));
    assert!(err.contains("chain extensions"), "{err}");
    assert!(rejected(&format!(
        r#"(import "env" "t" (table 1 funcref)) {MEMORY} {ENTRIES}"#
    ))
    .contains("tables"));
    assert!(rejected(&format!(
        r#"(import "env" "g" (global i32)) {MEMORY} {ENTRIES}"#
    ))
    .contains("globals"));
}

#[test]
fn unstable_functions_need_the_unstable_interface() {
    let code = module(&format!(
        r#"(import "seal0" "xcm_send" (func (param i32 i32 i32 i32) (result i32))) {MEMORY} {ENTRIES}"#
    ));
    let err = prepare(&code, &PrepareConfig::of_chain(&ChainConfig::default()))
        .expect_err("unstable is off by default");
    assert!(
        err.to_string().contains("unstable interface is off"),
        "{err}"
    );
    let config = PrepareConfig {
        unstable_interface: true,
        ..PrepareConfig::of_chain(&ChainConfig::default())
    };
    prepare(&code, &config).expect("accepted with the unstable interface on");
}

#[test]
fn memory_must_be_one_env_memory_within_the_schedule() {
    assert!(rejected(ENTRIES).contains("no memory import"));
    assert!(
        rejected(&format!(r#"(import "foo" "memory" (memory 1)) {ENTRIES}"#))
            .contains("module `env`")
    );
    assert!(
        rejected(&format!(r#"(import "env" "mem" (memory 1)) {ENTRIES}"#))
            .contains("named `memory`")
    );
    assert!(rejected(&format!(
        r#"(import "env" "memory" (memory 1 17)) {ENTRIES}"#
    ))
    .contains("exceeds the schedule's 16"));
    assert!(
        rejected(&format!(r#"(import "env" "memory" (memory 17)) {ENTRIES}"#))
            .contains("17 initial pages")
    );
    assert!(rejected(&format!(r#"(memory 1) {ENTRIES}"#)).contains("imported as env.memory"));
    // No maximum means the schedule's maximum, as in pallet-contracts.
    let prepared =
        check(&format!(r#"(import "env" "memory" (memory 2)) {ENTRIES}"#)).expect("accepted");
    assert_eq!(
        prepared.memory,
        MemoryLimits {
            initial: 2,
            maximum: 16
        }
    );
}

#[test]
fn size_and_garbage_are_clear_errors() {
    let config = PrepareConfig {
        max_code_len: 10,
        ..PrepareConfig::of_chain(&ChainConfig::default())
    };
    let err = prepare(&module(&format!("{MEMORY} {ENTRIES}")), &config).expect_err("too large");
    assert!(matches!(err, PrepareError::TooLarge { max: 10, .. }));
    for garbage in [
        &b""[..],
        b"\0asm",
        b"\0asm\x01\0\0\0\x01\xff",
        b"not wasm at all",
    ] {
        let err = prepare(garbage, &PrepareConfig::of_chain(&ChainConfig::default()))
            .expect_err("garbage");
        assert!(matches!(err, PrepareError::Invalid { .. }), "{err}");
    }
}
