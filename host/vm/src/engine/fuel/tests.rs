//! Differential tests: the same code on wasmi 0.31.2 configured as pallet-contracts 31
//! configures it, and instrumented by [`inject`] on wasmtime without wasmtime's own
//! fuel, must consume the same fuel, end the same way, and run out of fuel at the same
//! limits with the same fuel consumed.

mod gen;
mod harness;

use proptest::prelude::*;

use super::*;
use harness::{same, same_at_every_limit, wasm, End, Ours, Run, Wasmi, PLENTY};

/// The probes of the notes (§1.4) run as `f`, with an imported memory and host function.
fn probe(body: &str) -> String {
    format!(
        r#"(module (import "env" "memory" (memory 1 16)) (import "env" "host" (func $host))
            (func $g (result i32) i32.const 1)
            (func (export "f") (param i32) (result i32) {body}))"#
    )
}

fn probe_fuel(body: &str, arg: i64) -> u64 {
    let run = same(&wasm(&probe(body)), "f", &[arg]);
    run.consumed
}

/// (name, body of `f`, [(argument, fuel)]).
type Probe = (&'static str, &'static str, &'static [(i64, u64)]);

#[test]
fn the_measured_examples_of_the_notes() {
    let cases: &[Probe] = &[
        ("t1", "local.get 0", &[(5, 3)]),
        (
            "t2",
            "block local.get 0 br_if 0 i32.const 1 drop i32.const 1 drop end i32.const 7",
            &[(0, 9), (1, 9)],
        ),
        (
            "t3",
            "local.get 0 if (result i32) i32.const 1 else i32.const 2 drop i32.const 3 end",
            &[(1, 7), (0, 9)],
        ),
        ("t4", "i32.const 5 local.get 0 br_if 0 drop i32.const 6", &[(0, 6), (1, 6)]),
        (
            "t5",
            "loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end i32.const 0",
            &[(3, 21), (1, 9)],
        ),
        ("t6", "(local i32 i32 i32 i32 i32 i32 i32) local.get 0", &[(0, 4)]),
        (
            "t7",
            "local.get 0 if i32.const 1 return else i32.const 2 return end i32.const 3 i32.const 4 drop",
            &[(0, 10), (1, 10)],
        ),
        ("t8", "call $g", &[(0, 6)]),
        ("t9", "local.get 0 memory.grow", &[(1, 1028), (100, 102_404), (70_000, 4)]),
        ("t11", "unreachable i32.const 1", &[(0, 2)]),
        ("t12", "local.get 0 if i32.const 1 drop end i32.const 0", &[(0, 5), (1, 8)]),
        ("t13", "call $host i32.const 0", &[(0, 4)]),
        ("t14", "block (result i32) i32.const 9 local.get 0 br_table 0 1 end", &[(0, 5), (1, 5)]),
        ("t15", "block br 0 i32.const 1 drop end i32.const 9", &[(0, 4)]),
        ("t16", "i32.const 3 br 0", &[(0, 3)]),
        ("t17", "loop br 0 end i32.const 3", &[]),
        // Frames opened in dead code stay dead after their `end` (wasmi's
        // UnreachableControlFrame), whatever they contain.
        ("dead block", "block br 0 block nop end i32.const 1 drop end i32.const 9", &[(0, 4)]),
        (
            "dead frames",
            "i32.const 1 return loop i32.const 2 drop end i32.const 0 if nop else nop end i32.const 3",
            &[(0, 3)],
        ),
        // The `else` of a dead `if` opens nothing.
        ("dead if", "block br 0 i32.const 1 if nop else nop end end i32.const 5", &[(0, 4)]),
        // After a live `if` whose arms both branch away, the code is charged again.
        (
            "both arms branch",
            "block local.get 0 if br 1 else br 1 end i32.const 7 drop end i32.const 0",
            &[(0, 9), (1, 9)],
        ),
    ];
    for (name, body, expectations) in cases {
        for &(arg, fuel) in *expectations {
            assert_eq!(probe_fuel(body, arg), fuel, "{name}({arg})");
        }
    }
    // t11 traps; t9 beyond the maximum returns -1 and keeps the charge.
    let t11 = same(&wasm(&probe("unreachable i32.const 1")), "f", &[0]);
    assert_eq!(t11.end, End::Trap("UnreachableCodeReached".into()));
    let t9 = same(&wasm(&probe("local.get 0 memory.grow")), "f", &[100]);
    assert_eq!(t9.end, End::Returned(vec![-1]));
    // t17 never ends: it runs out of fuel after the function frame (3) and one loop
    // frame (2) per iteration.
    let t17 = wasm(&probe("loop br 0 end i32.const 3"));
    for limit in [0, 2, 3, 4, 5, 6, 1000, 1001] {
        let expected = Wasmi::new(&t17).run("f", &[0], limit);
        assert_eq!(expected.end, End::OutOfFuel);
        let consumed = if limit < 3 {
            0
        } else {
            3 + (limit - 3) / 2 * 2
        };
        assert_eq!(expected.consumed, consumed, "limit {limit}");
        assert_eq!(
            Ours::new(&t17).run("f", &[0], limit),
            expected,
            "limit {limit}"
        );
    }
}

/// Control flow of every kind, calls, globals, memory, traps: each exported function
/// with a spread of arguments, on both engines.
const STRUCTURED: &str = r#"
(module
  (import "env" "memory" (memory 1 16))
  (import "env" "host" (func $host))
  (import "env" "host_i" (func $host_i (param i32) (result i32)))
  (type $t_i (func (param i32) (result i32)))
  (global $g (mut i32) (i32.const 5))
  (global $h (mut i64) (i64.const -7))
  (global $c i32 (i32.const 11))
  (global $big i64 (i64.const 0x123456789))
  (table 4 funcref)
  (elem (i32.const 0) $sq $inc $two)
  (func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  (func $inc (param i32) (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    local.get 0 i32.const 1 i32.add)
  (func $two (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)

  ;; nested blocks, br / br_if / br_table to several depths, dead code
  (func (export "nest") (param i32) (result i32) (local i32)
    block $out
      block $a
        block $b
          local.get 0
          br_table $b $a $out $b
          i32.const 99 drop   ;; dead
        end
        i32.const 1 local.set 1
        local.get 0 i32.const 5 i32.gt_u
        br_if $out
        i32.const 2 local.set 1
        br $out
        i32.const 3 drop      ;; dead
      end
      i32.const 10 local.set 1
      local.get 0 br_if 0
      i32.const 20 local.set 1
    end
    local.get 1)

  ;; if/else nesting, reachability after both arms return, else-Br charged to the parent
  (func (export "ifs") (param i32) (result i32)
    local.get 0 i32.const 1 i32.and
    if (result i32)
      local.get 0 i32.const 2 i32.and
      if (result i32) i32.const 1 else i32.const 2 end
    else
      local.get 0 i32.const 4 i32.and
      if i32.const 3 return end
      block (result i32)
        local.get 0 i32.const 8 i32.and
        if (result i32) i32.const 4 return else i32.const 5 return end
        drop i32.const 6
      end
    end
    local.get 0 i32.const 16 i32.and
    if i32.const 7 return else nop end
    i32.const 100 i32.add)

  ;; loops: counted, nested, early exit, continue; br_if to the function label
  (func (export "loops") (param i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
    local.get 0 i32.const 7 i32.and local.set $i
    block $done
      loop $outer
        local.get $i i32.eqz br_if $done
        i32.const 3 local.set $j
        loop $inner
          local.get $acc local.get $j i32.add local.set $acc
          local.get $acc i32.const 40 i32.gt_u
          if local.get $acc return end
          local.get $acc local.get $acc i32.const 17 i32.eq br_if 3 drop
          local.get $j i32.const 1 i32.sub local.tee $j
          br_if $inner
        end
        local.get $i i32.const 1 i32.sub local.set $i
        br $outer
      end
      unreachable
    end
    local.get $acc)

  ;; calls, call_indirect (ok, bad signature, null, out of bounds), host calls
  (func (export "calls") (param i32) (result i32)
    local.get 0 call $sq
    local.get 0 local.get 0 i32.const 3 i32.and call_indirect (type $t_i)
    i32.add
    call $host
    local.get 0 call $host_i i32.add)

  ;; globals, select, memory, sign extension, traps on division
  (func (export "misc") (param i32) (result i32) (local i64)
    global.get $g local.get 0 i32.add global.set $g
    global.get $h i64.const 3 i64.mul global.set $h
    global.get $big local.set 1
    i32.const 16 local.get 0 i32.store offset=4
    i32.const 16 i64.load offset=4 i64.extend32_s
    local.get 1 i64.add local.set 1
    i32.const 100 global.get $c local.get 0 select
    i32.extend8_s
    local.get 1 i32.wrap_i64
    i32.const 1000 local.get 0 i32.div_s
    i32.add i32.add
    memory.size i32.add
    i32.const 65533 i32.load16_s i32.add)

  ;; memory.grow in a loop until it fails, sizes kept
  (func (export "grow") (param i32) (result i32) (local $n i32)
    block $full
      loop $more
        local.get 0 memory.grow
        i32.const -1 i32.eq br_if $full
        local.get $n i32.const 1 i32.add local.tee $n
        i32.const 40 i32.lt_u br_if $more
      end
    end
    local.get $n memory.size i32.add)

  ;; returns from deep inside, unreachable after a call
  (func (export "deep") (param i32) (result i32)
    block (result i32)
      block (result i32)
        loop (result i32)
          local.get 0
          if (result i32)
            i32.const 1
            local.get 0 i32.const 3 i32.gt_u br_if 3
            br 2
          else
            i32.const 2 return
          end
        end
      end
    end
    local.get 0 i32.const 9 i32.eq
    if unreachable end
    call $sq)
)
"#;

#[test]
fn structured_code_costs_the_same() {
    let code = wasm(STRUCTURED);
    let wasmi = Wasmi::new(&code);
    let ours = Ours::new(&code);
    let args: Vec<i64> = vec![
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        12,
        15,
        16,
        17,
        31,
        100,
        -1,
        i64::from(i32::MIN),
        i64::from(i32::MAX),
    ];
    let mut traps = 0;
    for func in ["nest", "ifs", "loops", "calls", "misc", "grow", "deep"] {
        for &arg in &args {
            let expected = wasmi.run(func, &[arg], PLENTY);
            assert_eq!(ours.run(func, &[arg], PLENTY), expected, "{func}({arg})");
            traps += usize::from(matches!(expected.end, End::Trap(_)));
        }
    }
    // The traps exercised: division by zero and overflow, bad signature, null and out
    // of bounds indirect calls, memory out of bounds, unreachable.
    assert!(traps >= 8, "{traps} traps");
    for (func, arg, trap) in [
        ("misc", 0, "IntegerDivisionByZero"),
        ("calls", 2, "BadSignature"),
        ("calls", 3, "IndirectCallToNull"),
        ("deep", 9, "UnreachableCodeReached"),
    ] {
        assert_eq!(
            ours.run(func, &[arg], PLENTY).end,
            End::Trap(trap.into()),
            "{func}({arg})"
        );
    }
}

#[test]
fn out_of_fuel_at_every_limit() {
    let code = wasm(STRUCTURED);
    for (func, arg) in [
        ("nest", 1),
        ("ifs", 6),
        ("loops", 5),
        ("calls", 1),
        ("misc", 3),
        ("deep", 2),
        ("deep", 9),
    ] {
        same_at_every_limit(&code, func, &[arg]);
    }
    // memory.grow: the dynamic charge does not fit although the frame did.
    let grow = wasm(&probe("local.get 0 memory.grow"));
    same_at_every_limit(&grow, "f", &[2]);
    // Limits around the charge of a grow that then fails (beyond the maximum).
    let wasmi = Wasmi::new(&grow);
    let ours = Ours::new(&grow);
    for limit in [0, 3, 4, 102_402, 102_403, 102_404, 102_405] {
        let expected = wasmi.run("f", &[100], limit);
        assert_eq!(ours.run("f", &[100], limit), expected, "limit {limit}");
    }
    assert_eq!(ours.run("f", &[100], 102_403).end, End::OutOfFuel);
}

#[test]
fn start_function_runs_on_the_fuel_the_host_set() {
    let code = wasm(
        r#"(module (import "env" "memory" (memory 1 16))
            (global $g (mut i32) (i32.const 0))
            (func $s (local i32) i32.const 3 local.set 0
              loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end
              i32.const 42 global.set $g)
            (start $s)
            (func (export "f") (param i32) (result i32) global.get $g local.get 0 i32.add))"#,
    );
    let run = same(&code, "f", &[1]);
    assert_eq!(run.end, End::Returned(vec![43]));
    same_at_every_limit(&code, "f", &[1]);
    // The start section is gone and the function exported.
    let out = inject(&code).expect("inject");
    for payload in wasmparser::Parser::new(0).parse_all(&out) {
        assert!(!matches!(
            payload.expect("parses"),
            wasmparser::Payload::StartSection { .. }
        ));
    }
}

/// Grows of more than 32768 pages: nothing charged (wasmi on wasm32, `inject`); a
/// 64-bit wasmi charges 1024 per page up to 65536 pages, as `inject_with(.., 65536)`.
#[test]
fn huge_grows_follow_the_wasm32_runtime() {
    let code = wasm(&probe("local.get 0 memory.grow"));
    let wasm32 = Ours::new(&code);
    let wide = Ours::with(&code, |c| inject_with(c, 65_536));
    let wasmi = Wasmi::new(&code);
    for pages in [32_768, 32_769, 40_000, 65_536, 65_537, -1] {
        let expected = wasmi.run("f", &[pages], PLENTY);
        assert_eq!(wide.run("f", &[pages], PLENTY), expected, "{pages}");
        let ours = wasm32.run("f", &[pages], PLENTY);
        assert_eq!(ours.end, End::Returned(vec![-1]));
        let charged = if (0..=32_768).contains(&pages) {
            pages as u64 * 1024
        } else {
            0
        };
        assert_eq!(ours.consumed, 4 + charged, "{pages}");
    }
}

#[test]
fn sections_are_kept_in_order() {
    // A module with no types, functions, globals or exports but a memory, data with a
    // data count section (by hand: bulk memory is off), and custom sections around.
    let mut module = wasm_encoder::Module::new();
    module.section(&wasm_encoder::CustomSection {
        name: "first".into(),
        data: b"a".as_slice().into(),
    });
    let mut memories = wasm_encoder::MemorySection::new();
    memories.memory(wasm_encoder::MemoryType {
        minimum: 1,
        maximum: Some(2),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    module.section(&wasm_encoder::CustomSection {
        name: "middle".into(),
        data: b"b".as_slice().into(),
    });
    let mut data = wasm_encoder::DataSection::new();
    data.active(0, &ConstExpr::i32_const(0), b"xyz".iter().copied());
    module.section(&wasm_encoder::DataCountSection { count: 1 });
    module.section(&data);
    module.section(&wasm_encoder::CustomSection {
        name: "last".into(),
        data: b"c".as_slice().into(),
    });
    let code = module.finish();
    let out = inject(&code).expect("inject");
    Validator::new_with_features(
        WasmFeatures::GC_TYPES | WasmFeatures::SIGN_EXTENSION | WasmFeatures::MUTABLE_GLOBAL,
    )
    .validate_all(&out)
    .expect("valid");
    let ids: Vec<u8> = split_sections(&out)
        .expect("sections")
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, vec![0, 1, 3, 5, 0, 6, 7, 12, 10, 11, 0]);
}

fn arg() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0i64),
        Just(1),
        Just(-1),
        0i64..16,
        any::<i32>().prop_map(i64::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random structured programs, random arguments: the same end, the same fuel.
    #[test]
    fn random_programs_cost_the_same(seed in any::<u64>(), a in arg(), b in arg()) {
        let wat = gen::program(seed);
        let code = wasm(&wat);
        let expected = Wasmi::new(&code).run("main", &[a, b], PLENTY);
        let ours = Ours::new(&code).run("main", &[a, b], PLENTY);
        prop_assert_eq!(ours, expected, "seed {} args {} {}\n{}", seed, a, b, wat);
    }
}

/// Random programs again, each at every fuel limit up to its cost (the cheap ones).
#[test]
fn random_programs_run_out_of_fuel_alike() {
    let mut checked = 0;
    let mut seed = 0u64;
    while checked < 12 {
        seed += 1;
        let code = wasm(&gen::program(seed));
        let full = Wasmi::new(&code).run("main", &[3, 5], PLENTY);
        if full.consumed > 600 || full.consumed < 20 {
            continue;
        }
        same_at_every_limit(&code, "main", &[3, 5]);
        checked += 1;
    }
}

/// A deterministic sweep over more seeds, reporting how the runs ended.
#[test]
fn seeded_programs_cost_the_same() {
    let mut ends = std::collections::BTreeMap::<String, usize>::new();
    let mut total = 0u64;
    for seed in 0..150u64 {
        let code = wasm(&gen::program(seed ^ 0x5eed));
        let wasmi = Wasmi::new(&code);
        let ours = Ours::new(&code);
        for args in [[0, 0], [1, 2], [-1, 7], [i64::from(i32::MIN), 3]] {
            let expected = wasmi.run("main", &args, PLENTY);
            assert_eq!(
                ours.run("main", &args, PLENTY),
                expected,
                "seed {seed} args {args:?}"
            );
            let end = match &expected.end {
                End::Returned(_) => "returned".to_string(),
                other => format!("{other:?}"),
            };
            *ends.entry(end).or_default() += 1;
            total += expected.consumed;
        }
    }
    println!("ends: {ends:?}; fuel in all: {total}");
    assert!(ends.get("returned").copied().unwrap_or(0) > 100, "{ends:?}");
}

/// A real ink! contract, if one was built (`cargo contract build` in `contracts/`),
/// with every host function stubbed (does nothing, returns 0) and a memory.
#[test]
fn ink_contracts_cost_the_same() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut found: Vec<std::path::PathBuf> = vec![root.join("target/ink/flipper/flipper.wasm")];
    // More contracts, from elsewhere: `CARECHAIN_FUEL_INK_WASM=a.wasm:b.wasm`.
    if let Some(paths) = std::env::var_os("CARECHAIN_FUEL_INK_WASM") {
        found.extend(std::env::split_paths(&paths));
    }
    for dir in ["contracts/target/ink", "target/ink"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                found.push(
                    entry
                        .path()
                        .join(format!("{}.wasm", name.to_string_lossy())),
                );
            }
        }
    }
    found.retain(|p| p.is_file());
    found.sort();
    found.dedup();
    if found.is_empty() {
        println!("note: no built ink! contract under target/ink or contracts/target/ink; skipped");
    }
    for path in &found {
        let code = std::fs::read(path).expect("read");
        same_for_entries(&code, &path.display().to_string());
    }
}

fn same_for_entries(code: &[u8], what: &str) {
    let wasmi = Wasmi::new(code);
    let ours = Ours::new(code);
    for entry in ["deploy", "call"] {
        let expected = wasmi.run(entry, &[], PLENTY);
        assert_eq!(ours.run(entry, &[], PLENTY), expected, "{what} {entry}");
        println!("{what} {entry}: {expected:?}");
        // And out of fuel half way and just before the end.
        for limit in [expected.consumed / 2, expected.consumed.saturating_sub(1)] {
            assert_eq!(
                ours.run(entry, &[], limit),
                wasmi.run(entry, &[], limit),
                "{what} {entry} at {limit}"
            );
        }
    }
}

/// What an ink! contract looks like to the pass: `seal*` imports, an imported memory,
/// `deploy` and `call`, storage through host calls, a `seal_return` that diverges.
#[test]
fn contract_shaped_module_costs_the_same() {
    let code = wasm(
        r#"(module
          (import "seal0" "seal_input" (func $input (param i32 i32)))
          (import "seal1" "get_storage" (func $get (param i32 i32 i32 i32) (result i32)))
          (import "seal2" "set_storage" (func $set (param i32 i32 i32 i32) (result i32)))
          (import "seal0" "seal_return" (func $ret (param i32 i32 i32)))
          (import "env" "memory" (memory 2 16))
          (global $sp (mut i32) (i32.const 65536))
          (func $alloc (param i32) (result i32)
            global.get $sp local.get 0 i32.sub local.tee 0 global.set $sp local.get 0)
          (func $flip (local $p i32)
            i32.const 16 call $alloc local.set $p
            i32.const 0 i32.const 32 local.get $p i32.const 4 call $get
            if unreachable end
            local.get $p local.get $p i32.load8_u i32.eqz i32.store8
            i32.const 0 i32.const 32 local.get $p i32.const 1 call $set drop)
          (func (export "deploy")
            i32.const 0 i32.const 4 call $input
            call $flip)
          (func (export "call") (local i32)
            i32.const 0 i32.const 4 call $input
            i32.const 0 i32.load local.tee 0
            i32.const 0x633aa551 i32.eq
            if call $flip else
              local.get 0 i32.eqz
              if i32.const 0 i32.const 8 i32.const 1 call $ret unreachable end
            end
            i32.const 0 i32.const 0 i32.const 0 call $ret
            unreachable))"#,
    );
    same_for_entries(&code, "contract-shaped");
    same_at_every_limit(&code, "deploy", &[]);
}

#[test]
fn rejects_what_it_cannot_meter() {
    // Floats (off under Determinism::Enforced).
    let floats = wasm("(module (func (result f32) f32.const 1))");
    assert!(matches!(inject(&floats), Err(FuelError::Invalid { .. })));
    // Multi-value, bulk memory: outside the pallet's features.
    let multi = wasm("(module (func (result i32 i32) i32.const 1 i32.const 2))");
    assert!(matches!(inject(&multi), Err(FuelError::Invalid { .. })));
    let bulk = wasm("(module (memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.fill))");
    assert!(matches!(inject(&bulk), Err(FuelError::Invalid { .. })));
    // Names the pass needs.
    let taken = wasm(r#"(module (global (export "__carechain_fuel") i32 (i32.const 0)))"#);
    assert_eq!(inject(&taken), Err(FuelError::ReservedExport(FUEL_EXPORT)));
    assert!(matches!(
        inject(b"\0asm\x01\0\0\0\x01"),
        Err(FuelError::Invalid { .. })
    ));
}

#[test]
fn charges_are_not_charged_and_indices_are_kept() {
    // No memory: no shim; the globals come after the module's own; the charging code
    // is not itself metered (the total is exactly wasmi's).
    let code = wasm(
        r#"(module (global $a (mut i32) (i32.const 1))
            (func (export "f") (param i32) (result i32) global.get $a local.get 0 i32.add))"#,
    );
    let run = same(&code, "f", &[2]);
    assert_eq!(
        run,
        Run {
            consumed: 5,
            end: End::Returned(vec![3])
        }
    );
    let out = inject(&code).expect("inject");
    let exports: Vec<(String, u32)> = wasmparser::Parser::new(0)
        .parse_all(&out)
        .filter_map(|p| match p.expect("parses") {
            wasmparser::Payload::ExportSection(r) => Some(
                r.into_iter()
                    .map(|e| e.expect("export"))
                    .map(|e| (e.name.to_string(), e.index))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(
        exports,
        vec![
            ("f".to_string(), 0),
            (FUEL_EXPORT.to_string(), 1),
            (OUT_OF_FUEL_EXPORT.to_string(), 2)
        ]
    );
}
