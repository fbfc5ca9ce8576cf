//! Raw modules at the VM's edges, on both chains: sections and segments the pallet
//! accepts or refuses at upload, entry points of the wrong type, and host functions
//! given lengths, flags and pointers at their limits. Each case is uploaded, then
//! (where both chains accepted it) instantiated and called, every step compared.

use carechain_vm::{ValueType, HOST_FUNCTIONS};

use crate::chains::Backend;
use crate::suite::Suite;

/// A contract: its host imports, one page of `env.memory`, then `body`.
fn module(imports: &str, body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {imports} (import "env" "memory" (memory 1 1)) {body})"#
    ))
    .unwrap_or_else(|e| panic!("wat: {e}"))
}

/// `code` with a section (`id`, `payload`) inserted before the first section whose id
/// is `before` (or at the end).
fn with_section(code: &[u8], id: u8, payload: &[u8], before: Option<u8>) -> Vec<u8> {
    let mut at = 8;
    while at < code.len() && Some(code[at]) != before {
        let (size, len) = leb(&code[at + 1..]);
        at += 1 + len + size;
    }
    let mut out = code[..at].to_vec();
    out.push(id);
    out.extend(uleb(payload.len()));
    out.extend(payload);
    out.extend(&code[at..]);
    out
}

fn leb(bytes: &[u8]) -> (usize, usize) {
    let (mut value, mut shift) = (0usize, 0);
    for (i, b) in bytes.iter().enumerate() {
        value |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return (value, i + 1);
        }
        shift += 7;
    }
    panic!("unterminated LEB128")
}

fn uleb(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

const EMPTY_DEPLOY: &str = r#"(func (export "deploy"))"#;
const RETURN: &str = r#"(import "seal0" "seal_return" (func $return (param i32 i32 i32)))"#;

/// Uploads `code`; if both chains take it, instantiates and calls it once.
fn run(s: &mut Suite, name: &str, code: &[u8], salt: u8) {
    let Some(hash) = s.upload_verdict(name, code) else {
        return;
    };
    if let Some(contract) = s.instantiate(&format!("{name}: deploy"), hash, 0, Vec::new(), &[salt])
    {
        s.call(&format!("{name}: call"), contract, 0, Vec::new());
    }
}

#[test]
fn raw_modules_at_the_edges_behave_as_on_pallet_contracts() {
    let mut s = Suite::new();
    let returns_hi = format!(
        r#"{EMPTY_DEPLOY} (func (export "call") (call $return (i32.const 0) (i32.const 0) (i32.const 2)))"#
    );

    // Sections and segments.
    let active = module(
        RETURN,
        &format!(r#"{returns_hi} (data (i32.const 0) "hi")"#),
    );
    run(&mut s, "plain active data", &active, 1);
    run(
        &mut s,
        "a DataCount section",
        &with_section(&active, 12, &[1], Some(10)),
        2,
    );
    let passive = module(RETURN, &format!(r#"{returns_hi} (data "hi")"#));
    run(&mut s, "a passive data segment", &passive, 3);
    let oob_data = module(
        RETURN,
        &format!(r#"{returns_hi} (data (i32.const 65535) "hi")"#),
    );
    run(&mut s, "a data segment past the memory", &oob_data, 4);
    let oob_elem = module(
        RETURN,
        &format!(r#"{returns_hi} (table 1 funcref) (func $f) (elem (i32.const 1) $f)"#),
    );
    run(&mut s, "an element segment past the table", &oob_elem, 5);
    let edge_data = module(
        RETURN,
        &format!(r#"{returns_hi} (data (i32.const 65534) "hi") (data (i32.const 65536) "")"#),
    );
    run(
        &mut s,
        "data segments ending at the memory's end",
        &edge_data,
        40,
    );
    let passive_elem = module(
        RETURN,
        &format!(r#"{returns_hi} (table 1 funcref) (func $f) (elem func $f)"#),
    );
    run(&mut s, "a passive element segment", &passive_elem, 41);
    let fill = module(
        "",
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call")
              (memory.fill (i32.const 0) (i32.const 1) (i32.const 8)))"#
        ),
    );
    run(&mut s, "memory.fill", &fill, 42);
    let mut custom = b"\x01x".to_vec();
    custom.extend(vec![0u8; 130 * 1024]);
    run(
        &mut s,
        "code over the size limit",
        &with_section(&active, 0, &custom, None),
        6,
    );

    // Entry points.
    let typed_call = module(
        "",
        &format!(r#"{EMPTY_DEPLOY} (func (export "call") (result i32) (i32.const 0))"#),
    );
    run(&mut s, "call typed () -> i32", &typed_call, 7);
    let start = module(
        r#"(import "seal0" "hash_sha2_256" (func $hash (param i32 i32 i32)))"#,
        &format!(
            r#"(start $s) (func $s (call $hash (i32.const 0) (i32.const 4) (i32.const 100)))
            {EMPTY_DEPLOY} (func (export "call"))"#
        ),
    );
    run(&mut s, "a start function that hashes", &start, 8);

    // Host functions at their limits.
    for (i, flags) in [2u32, 0x8000_0000].into_iter().enumerate() {
        let bad_flags = module(
            RETURN,
            &format!(
                r#"{EMPTY_DEPLOY} (func (export "call")
                  (call $return (i32.const {}) (i32.const 0) (i32.const 0)))"#,
                flags as i32
            ),
        );
        run(
            &mut s,
            &format!("seal_return flags {flags:#x}"),
            &bad_flags,
            10 + i as u8,
        );
    }
    let event = r#"(import "seal0" "deposit_event" (func $event (param i32 i32 i32 i32)))"#;
    let no_topics = module(
        event,
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call")
              (call $event (i32.const -16) (i32.const 0) (i32.const 0) (i32.const 2)))"#
        ),
    );
    run(
        &mut s,
        "deposit_event, no topics, wild pointer",
        &no_topics,
        12,
    );
    // Compact(1) topic and one byte more.
    let trailing = module(
        event,
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call")
              (i32.store8 (i32.const 100) (i32.const 4))
              (call $event (i32.const 100) (i32.const 34) (i32.const 0) (i32.const 2)))"#
        ),
    );
    run(
        &mut s,
        "deposit_event, topics with a trailing byte",
        &trailing,
        13,
    );
    let huge_event = module(
        event,
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call")
              (call $event (i32.const 0) (i32.const 0) (i32.const 0) (i32.const -1)))"#
        ),
    );
    run(&mut s, "deposit_event of 0xffffffff bytes", &huge_event, 14);
    let huge_value = module(
        r#"(import "seal2" "set_storage" (func $set (param i32 i32 i32 i32) (result i32)))"#,
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call")
              (drop (call $set (i32.const 0) (i32.const 4) (i32.const 0) (i32.const -1))))"#
        ),
    );
    run(&mut s, "set_storage of 0xffffffff bytes", &huge_value, 15);
    let runtime_call = module(
        r#"(import "seal0" "call_runtime" (func $rt (param i32 i32) (result i32)))"#,
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call") (drop (call $rt (i32.const 0) (i32.const 0))))"#
        ),
    );
    run(&mut s, "call_runtime of nothing", &runtime_call, 16);
    for (i, (import, call)) in [
        (
            r#"(import "seal0" "transfer" (func $f (param i32 i32 i32 i32) (result i32)))"#,
            "(drop (call $f (i32.const 65530) (i32.const 32) (i32.const 0) (i32.const 16)))",
        ),
        (
            r#"(import "seal0" "is_contract" (func $f (param i32) (result i32)))"#,
            "(drop (call $f (i32.const 65530)))",
        ),
        (
            r#"(import "seal0" "transfer" (func $f (param i32 i32 i32 i32) (result i32)))"#,
            "(drop (call $f (i32.const 0) (i32.const 32) (i32.const 65530) (i32.const 16)))",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let straddling = module(
            import,
            &format!(r#"{EMPTY_DEPLOY} (func (export "call") {call})"#),
        );
        run(
            &mut s,
            &format!("a fixed-size read across the end of memory #{i}"),
            &straddling,
            20 + i as u8,
        );
    }
    // A 32-byte key written through seal0 (fixed) and read through seal1 (variable).
    let keys = module(
        r#"(import "seal0" "set_storage" (func $set (param i32 i32 i32)))
           (import "seal1" "get_storage" (func $get (param i32 i32 i32 i32) (result i32)))
           (import "seal0" "seal_return" (func $return (param i32 i32 i32)))"#,
        &format!(
            r#"{EMPTY_DEPLOY} (func (export "call")
              (call $set (i32.const 0) (i32.const 0) (i32.const 4))
              (i32.store (i32.const 104) (i32.const 16))
              (i32.store (i32.const 200) (call $get (i32.const 0) (i32.const 32) (i32.const 300) (i32.const 104)))
              (call $return (i32.const 0) (i32.const 200) (i32.const 4)))"#
        ),
    );
    run(&mut s, "a seal0 key read as a seal1 key", &keys, 30);

    s.finish();
}

/// Every host function of the table, called once with every `i32` argument set to
/// one pattern: zero (pointer 0, length 0), a pointer 6 bytes before the end of the
/// page (fixed-size reads straddle it), and a wild `0xfffffff0`. The upload verdict
/// (unstable, deprecated and extension functions included), the outcome, the return
/// code and the gas must all be the pallet's.
#[test]
fn every_host_function_at_its_argument_edges_behaves_as_on_pallet_contracts() {
    let mut s = Suite::new();
    let ty = |t: &ValueType| match t {
        ValueType::I32 => "i32",
        ValueType::I64 => "i64",
    };
    let mut salt = 0u32;
    for spec in HOST_FUNCTIONS {
        for (pattern, arg) in [("zero", 0i64), ("at the end", 65_530), ("wild", -16)] {
            let params: Vec<&str> = spec.params.iter().map(ty).collect();
            let result = spec
                .result
                .map(|r| format!("(result {})", ty(&r)))
                .unwrap_or_default();
            let args: Vec<String> = spec
                .params
                .iter()
                .map(|p| match p {
                    ValueType::I32 => format!("(i32.const {arg})"),
                    ValueType::I64 => "(i64.const 0)".to_string(),
                })
                .collect();
            let call = format!("(call $f {})", args.join(" "));
            let body = match spec.result {
                Some(ValueType::I32) => format!(
                    "(i32.store (i32.const 0) {call}) (call $ret (i32.const 0) (i32.const 0) (i32.const 4))"
                ),
                Some(ValueType::I64) => format!(
                    "(i64.store (i32.const 0) {call}) (call $ret (i32.const 0) (i32.const 0) (i32.const 8))"
                ),
                None => call,
            };
            let imports = format!(
                r#"(import "seal{}" "{}" (func $f (param {}) {result}))
                   (import "seal0" "seal_return" (func $ret (param i32 i32 i32)))"#,
                spec.version,
                spec.name,
                params.join(" ")
            );
            let code = module(
                &imports,
                &format!(r#"{EMPTY_DEPLOY} (func (export "call") {body})"#),
            );
            salt += 1;
            let name = format!("seal{}::{} ({pattern})", spec.version, spec.name);
            let Some(hash) = s.upload_verdict(&name, &code) else {
                continue;
            };
            let Some(contract) = s.instantiate(
                &format!("{name}: deploy"),
                hash,
                0,
                Vec::new(),
                &salt.to_le_bytes(),
            ) else {
                continue;
            };
            if spec.name == "debug_message" {
                // ink_sandbox runs every call with a debug buffer, where the message is
                // read (and a bad pointer traps); a Carechain transaction has none, as
                // a pallet transaction has none. Compare with Carechain's dry run, which
                // has one.
                let (ours, our_gas) = s.carechain.dry_call(contract, &[]);
                let (theirs, their_gas) = s.pallet.call(contract, 0, Vec::new());
                if ours != theirs.result || our_gas != their_gas.consumed {
                    s.mismatches.push(format!(
                        "{name}: dry run {ours:?} {our_gas:?}, pallet {:?} {:?}",
                        theirs.result, their_gas.consumed
                    ));
                }
                continue;
            }
            s.call(&format!("{name}: call"), contract, 0, Vec::new());
        }
    }
    s.finish();
}
