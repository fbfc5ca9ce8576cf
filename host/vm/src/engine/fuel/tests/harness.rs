//! Both engines behind one interface: wasmi 0.31.2 configured as pallet-contracts 31
//! configures it, and the code instrumented by [`inject`] on wasmtime (the consensus
//! configuration with wasmtime's own fuel off). Every host function is a stub that
//! does nothing and returns zeros; memories are created as imported.

use std::sync::OnceLock;

use wasmparser::{Validator, WasmFeatures};

use super::super::{inject, FuelError, FUEL_EXPORT, OUT_OF_FUEL_EXPORT, START_EXPORT};

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum End {
    /// Returned these values (i32 as i64).
    Returned(Vec<i64>),
    /// wasmi's `OutOfFuel`; ours: the flag set.
    OutOfFuel,
    /// Another trap, by its name (`UnreachableCodeReached`, `IntegerDivisionByZero`, ...).
    Trap(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    pub(super) consumed: u64,
    pub(super) end: End,
}

pub(super) const PLENTY: u64 = 10_000_000_000;

fn trap_name(debug: String) -> End {
    if debug == "OutOfFuel" {
        End::OutOfFuel
    } else {
        End::Trap(debug)
    }
}

/// wasmi 0.31.2 as pallet-contracts 31 sets it up (`prepare.rs`, `LoadedModule::new`,
/// with `Determinism::Enforced`).
pub(super) struct Wasmi {
    engine: wasmi::Engine,
    module: wasmi::Module,
}

impl Wasmi {
    pub(super) fn new(wasm: &[u8]) -> Self {
        let mut config = wasmi::Config::default();
        config
            .wasm_multi_value(false)
            .wasm_mutable_global(false)
            .wasm_sign_extension(true)
            .wasm_bulk_memory(false)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_saturating_float_to_int(false)
            .floats(false)
            .consume_fuel(true)
            .fuel_consumption_mode(wasmi::FuelConsumptionMode::Eager);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, wasm).expect("wasmi accepts the module");
        Wasmi { engine, module }
    }

    pub(super) fn run(&self, func: &str, args: &[i64], fuel: u64) -> Run {
        use wasmi::{Extern, ExternType, Func, Memory, Value};
        let mut store = wasmi::Store::new(&self.engine, ());
        let mut linker = wasmi::Linker::<()>::new(&self.engine);
        for import in self.module.imports() {
            let item: Extern = match import.ty() {
                ExternType::Func(ty) => {
                    let results = ty.results().to_vec();
                    Func::new(&mut store, ty.clone(), move |_, _, out| {
                        for (o, t) in out.iter_mut().zip(&results) {
                            *o = Value::default(*t);
                        }
                        Ok(())
                    })
                    .into()
                }
                ExternType::Memory(ty) => Memory::new(&mut store, *ty).expect("memory").into(),
                other => panic!("unexpected import {other:?}"),
            };
            linker
                .define(import.module(), import.name(), item)
                .expect("define");
        }
        let pre = linker
            .instantiate(&mut store, &self.module)
            .expect("instantiate");
        store.add_fuel(fuel).expect("fuel metering on");
        let consumed = |store: &wasmi::Store<()>| store.fuel_consumed().expect("fuel on");
        let ended = |e: wasmi::Error| match e {
            wasmi::Error::Trap(trap) => trap_name(format!(
                "{:?}",
                trap.trap_code()
                    .expect("a wasm trap, the host functions never fail")
            )),
            other => panic!("unexpected wasmi error {other:?}"),
        };
        let instance = match pre.start(&mut store) {
            Ok(instance) => instance,
            Err(e) => {
                return Run {
                    consumed: consumed(&store),
                    end: ended(e),
                }
            }
        };
        let f = instance.get_func(&store, func).expect("export");
        let ty = f.ty(&store);
        let params: Vec<Value> = ty
            .params()
            .iter()
            .zip(args.iter().chain(std::iter::repeat(&0)))
            .map(|(t, a)| match t {
                wasmi::core::ValueType::I32 => Value::I32(*a as i32),
                wasmi::core::ValueType::I64 => Value::I64(*a),
                other => panic!("param type {other:?}"),
            })
            .collect();
        let mut results: Vec<Value> = ty.results().iter().map(|t| Value::default(*t)).collect();
        let end = match f.call(&mut store, &params, &mut results) {
            Ok(()) => End::Returned(
                results
                    .iter()
                    .map(|v| match v {
                        Value::I32(x) => i64::from(*x),
                        Value::I64(x) => *x,
                        other => panic!("result {other:?}"),
                    })
                    .collect(),
            ),
            Err(e) => ended(e),
        };
        Run {
            consumed: consumed(&store),
            end,
        }
    }
}

/// The consensus wasmtime configuration with wasmtime's own fuel off.
fn engine() -> &'static wasmtime::Engine {
    static ENGINE: OnceLock<wasmtime::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = crate::engine::consensus_config();
        config.consume_fuel(false);
        wasmtime::Engine::new(&config).expect("engine")
    })
}

/// The instrumented module on wasmtime.
pub(super) struct Ours {
    module: wasmtime::Module,
}

impl Ours {
    pub(super) fn new(wasm: &[u8]) -> Self {
        Self::with(wasm, inject)
    }

    pub(super) fn with(wasm: &[u8], pass: impl Fn(&[u8]) -> Result<Vec<u8>, FuelError>) -> Self {
        let instrumented = pass(wasm).expect("inject");
        Validator::new_with_features(
            WasmFeatures::GC_TYPES | WasmFeatures::SIGN_EXTENSION | WasmFeatures::MUTABLE_GLOBAL,
        )
        .validate_all(&instrumented)
        .expect("instrumented code validates");
        let module = wasmtime::Module::new(engine(), &instrumented).expect("wasmtime accepts");
        Ours { module }
    }

    pub(super) fn run(&self, func: &str, args: &[i64], fuel: u64) -> Run {
        use wasmtime::{Extern, ExternType, Func, Memory, Val};
        let mut store = wasmtime::Store::new(engine(), ());
        let mut linker = wasmtime::Linker::<()>::new(engine());
        for import in self.module.imports() {
            let item: Extern = match import.ty() {
                ExternType::Func(ty) => {
                    let results: Vec<_> = ty.results().collect();
                    Func::new(&mut store, ty, move |_, _, out| {
                        for (o, t) in out.iter_mut().zip(&results) {
                            *o = Val::default_for_ty(t).expect("default");
                        }
                        Ok(())
                    })
                    .into()
                }
                ExternType::Memory(ty) => Memory::new(&mut store, ty).expect("memory").into(),
                other => panic!("unexpected import {other:?}"),
            };
            linker
                .define(&store, import.module(), import.name(), item)
                .expect("define");
        }
        let instance = linker
            .instantiate(&mut store, &self.module)
            .expect("instantiate");
        let fuel_global = instance
            .get_global(&mut store, FUEL_EXPORT)
            .expect("fuel export");
        let oog_global = instance
            .get_global(&mut store, OUT_OF_FUEL_EXPORT)
            .expect("flag export");
        fuel_global
            .set(&mut store, Val::I64(fuel as i64))
            .expect("set fuel");
        let call = |store: &mut wasmtime::Store<()>, f: Func, args: &[i64]| {
            let ty = f.ty(&*store);
            let params: Vec<Val> = ty
                .params()
                .zip(args.iter().chain(std::iter::repeat(&0)))
                .map(|(t, a)| match t {
                    wasmtime::ValType::I32 => Val::I32(*a as i32),
                    wasmtime::ValType::I64 => Val::I64(*a),
                    other => panic!("param type {other:?}"),
                })
                .collect();
            let mut results: Vec<Val> = ty
                .results()
                .map(|t| Val::default_for_ty(&t).expect("default"))
                .collect();
            match f.call(&mut *store, &params, &mut results) {
                Ok(()) => Ok(results
                    .iter()
                    .map(|v| match v {
                        Val::I32(x) => i64::from(*x),
                        Val::I64(x) => *x,
                        other => panic!("result {other:?}"),
                    })
                    .collect()),
                Err(e) => Err(format!(
                    "{:?}",
                    e.downcast_ref::<wasmtime::Trap>().expect("a wasm trap")
                )),
            }
        };
        let mut outcome = Ok(Vec::new());
        if let Some(start) = instance.get_func(&mut store, START_EXPORT) {
            outcome = call(&mut store, start, &[]);
        }
        if outcome.is_ok() {
            let f = instance.get_func(&mut store, func).expect("export");
            outcome = call(&mut store, f, args);
        }
        let left = fuel_global.get(&mut store).i64().expect("i64") as u64;
        let oog = oog_global.get(&mut store).i32().expect("i32");
        let end = match outcome {
            Ok(values) => {
                assert_eq!(oog, 0, "flag set without a trap");
                End::Returned(values)
            }
            Err(trap) if oog == 1 => {
                assert_eq!(trap, "UnreachableCodeReached");
                End::OutOfFuel
            }
            Err(trap) => {
                assert_eq!(oog, 0);
                End::Trap(trap)
            }
        };
        Run {
            consumed: fuel.checked_sub(left).expect("fuel never grows"),
            end,
        }
    }
}

pub(super) fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).unwrap_or_else(|e| panic!("{e}\n{wat}"))
}

/// Runs `func(args)` on both engines with plenty of fuel, asserts the same outcome,
/// and returns it.
pub(super) fn same(wasm: &[u8], func: &str, args: &[i64]) -> Run {
    let expected = Wasmi::new(wasm).run(func, args, PLENTY);
    let ours = Ours::new(wasm).run(func, args, PLENTY);
    assert_eq!(ours, expected, "args {args:?}");
    ours
}

/// With every fuel limit from 0 to the full cost (plus one), both engines end the
/// same way having consumed the same fuel.
pub(super) fn same_at_every_limit(wasm: &[u8], func: &str, args: &[i64]) {
    let wasmi = Wasmi::new(wasm);
    let ours = Ours::new(wasm);
    let full = wasmi.run(func, args, PLENTY);
    assert_eq!(ours.run(func, args, PLENTY), full);
    let mut failed = 0;
    for limit in 0..=full.consumed + 1 {
        let expected = wasmi.run(func, args, limit);
        assert_eq!(ours.run(func, args, limit), expected, "limit {limit}");
        if expected.end == End::OutOfFuel {
            failed += 1;
            assert!(expected.consumed <= limit);
        } else {
            assert_eq!(expected, full, "limit {limit}");
        }
    }
    if full.consumed > 0 && full.end != End::OutOfFuel {
        assert!(failed > 0, "some limit runs out of fuel");
    }
}
