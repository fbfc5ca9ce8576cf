//! Random structured programs for the differential tests: valid MVP plus sign
//! extension, always terminating (every loop runs off a counter local that only its
//! own back-edges decrement; no recursion; a global budget bounds the calls), and
//! exercising every construct whose cost wasmi computes specially: blocks, loops,
//! ifs with and without else, `br`, `br_if` (also to the function label),
//! `br_table`, `return`, `unreachable`, dead code after each, calls, indirect calls
//! (good, bad signature, null, out of bounds), host calls, globals (mutable and
//! constant), memory loads, stores, `memory.size` and `memory.grow`, `select`, sign
//! extension, division traps, and a start function.

use std::fmt::Write;

/// splitmix64.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    I32,
    I64,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
        }
    }
}

#[derive(Clone)]
struct Sig {
    params: Vec<Ty>,
    result: Option<Ty>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `block`, `if` or the function body: a branch goes forward.
    Forward,
    /// A `loop`, with its counter local: a branch goes back, only after a decrement.
    Loop(u32),
}

struct Label {
    kind: Kind,
    result: Option<Ty>,
}

/// Functions 0 and 1 are `[i32] -> [i32]` and in the table at 0 and 1; function 2 is
/// `[i32 i32] -> [i32]` at 2 (a bad signature for `call_indirect (type $t_i)`); slot 3 is
/// null. Then random functions, an optional start function, and `main`.
const TABLE_FUNCS: usize = 3;

/// A random program (WAT) exporting `main: [i32 i32] -> [i32]`.
pub(super) fn program(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut sigs = vec![
        Sig {
            params: vec![Ty::I32],
            result: Some(Ty::I32),
        },
        Sig {
            params: vec![Ty::I32],
            result: Some(Ty::I32),
        },
        Sig {
            params: vec![Ty::I32, Ty::I32],
            result: Some(Ty::I32),
        },
    ];
    for _ in 0..rng.below(4) {
        let params = (0..rng.below(4)).map(|_| random_ty(&mut rng)).collect();
        let result = match rng.below(5) {
            0 => None,
            1 => Some(Ty::I64),
            _ => Some(Ty::I32),
        };
        sigs.push(Sig { params, result });
    }
    let start = rng.one_in(4).then(|| {
        sigs.push(Sig {
            params: vec![],
            result: None,
        });
        sigs.len() - 1
    });
    sigs.push(Sig {
        params: vec![Ty::I32, Ty::I32],
        result: Some(Ty::I32),
    });
    let main = sigs.len() - 1;

    let mut wat = String::from(
        r#"(module
  (import "env" "memory" (memory 1 16))
  (import "env" "host" (func $host))
  (import "env" "host_i" (func $host_i (param i32) (result i32)))
  (type $t_i (func (param i32) (result i32)))
  (global $g0 (mut i32) (i32.const 7))
  (global $g1 (mut i64) (i64.const -3))
  (global $gc i32 (i32.const 11))
  (global $gbig i64 (i64.const 0x1234567890))
  (global $budget (mut i32) (i32.const 40))
  (table 4 funcref)
  (elem (i32.const 0) $f0 $f1 $f2)
  (data (i32.const 8) "\01\02\03\04\ff\fe\fd\fc\80\00\00\00\7f")
"#,
    );
    for index in 0..sigs.len() {
        let body = FuncGen::new(
            &mut rng,
            &sigs,
            index,
            Some(index) != start && index != main,
        )
        .body();
        wat.push_str(&body);
    }
    if let Some(start) = start {
        let _ = writeln!(wat, "  (start $f{start})");
    }
    let _ = writeln!(wat, "  (export \"main\" (func $f{main}))\n)");
    wat
}

fn random_ty(rng: &mut Rng) -> Ty {
    if rng.one_in(3) {
        Ty::I64
    } else {
        Ty::I32
    }
}

struct FuncGen<'a> {
    rng: &'a mut Rng,
    sigs: &'a [Sig],
    index: usize,
    /// Types of params and declared locals, by local index.
    locals: Vec<Ty>,
    /// Locals the program may write (not loop counters).
    scratch: Vec<u32>,
    labels: Vec<Label>,
    /// Statements left to generate in this function.
    budget: usize,
    out: String,
    guarded: bool,
}

const MAX_DEPTH: usize = 4;

impl<'a> FuncGen<'a> {
    fn new(rng: &'a mut Rng, sigs: &'a [Sig], index: usize, guarded: bool) -> Self {
        let sig = &sigs[index];
        let mut locals = sig.params.clone();
        for _ in 0..rng.below(18) {
            locals.push(random_ty(rng));
        }
        let scratch = (0..locals.len() as u32).collect();
        let budget = 8 + rng.below(30);
        FuncGen {
            rng,
            sigs,
            index,
            locals,
            scratch,
            labels: vec![],
            budget,
            out: String::new(),
            guarded,
        }
    }

    fn body(mut self) -> String {
        let sig = self.sigs[self.index].clone();
        self.labels.push(Label {
            kind: Kind::Forward,
            result: sig.result,
        });
        if self.guarded {
            // Bound the calls: each call spends one of the budget.
            self.emit("global.get $budget i32.const 1 i32.sub global.set $budget");
            self.emit("global.get $budget i32.const 0 i32.lt_s if");
            if let Some(ty) = sig.result {
                self.emit(&format!("{}.const 0", ty.name()));
            }
            self.emit("return end");
        }
        self.stmts(4);
        if let Some(ty) = sig.result {
            self.expr(ty, 1);
        }
        let mut func = format!("  (func $f{}", self.index);
        for p in &sig.params {
            let _ = write!(func, " (param {})", p.name());
        }
        if let Some(r) = sig.result {
            let _ = write!(func, " (result {})", r.name());
        }
        let declared = &self.locals[sig.params.len()..];
        if !declared.is_empty() {
            func.push_str(" (local");
            for l in declared {
                let _ = write!(func, " {}", l.name());
            }
            func.push(')');
        }
        func.push_str(&self.out);
        func.push_str(")\n");
        func
    }

    fn emit(&mut self, text: &str) {
        self.out.push(' ');
        self.out.push_str(text);
    }

    fn depth(&self) -> usize {
        self.labels.len()
    }

    /// Relative depth of label `i` (index into `labels`).
    fn rel(&self, i: usize) -> usize {
        self.labels.len() - 1 - i
    }

    fn stmts(&mut self, max: usize) {
        let n = self.rng.below(max * 3 + 2);
        for _ in 0..n {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            self.stmt();
        }
    }

    fn local_of(&mut self, ty: Ty, writable: bool) -> Option<u32> {
        let candidates: Vec<u32> = if writable {
            self.scratch
                .iter()
                .copied()
                .filter(|&i| self.locals[i as usize] == ty)
                .collect()
        } else {
            (0..self.locals.len() as u32)
                .filter(|&i| self.locals[i as usize] == ty)
                .collect()
        };
        (!candidates.is_empty()).then(|| *self.rng.pick(&candidates))
    }

    fn cond(&mut self) {
        self.expr(Ty::I32, MAX_DEPTH - 1);
        match self.rng.below(3) {
            0 => self.emit("i32.const 1 i32.and"),
            1 => self.emit("i32.const 3 i32.and i32.eqz"),
            _ => {}
        }
    }

    fn stmt(&mut self) {
        let deep = self.depth() >= MAX_DEPTH;
        match self.rng.below(if deep { 12 } else { 22 }) {
            0 => {
                let ty = random_ty(self.rng);
                self.expr(ty, 1);
                self.emit("drop");
            }
            1 => {
                let ty = random_ty(self.rng);
                match self.local_of(ty, true) {
                    Some(l) => {
                        self.expr(ty, 1);
                        self.emit(&format!("local.set {l}"));
                    }
                    None => self.emit("nop"),
                }
            }
            2 => {
                let (ty, g) = if self.rng.one_in(2) {
                    (Ty::I32, "$g0")
                } else {
                    (Ty::I64, "$g1")
                };
                self.expr(ty, 1);
                self.emit(&format!("global.set {g}"));
            }
            3 => self.store(),
            4 => self.call_stmt(),
            5 => {
                if self.rng.one_in(2) {
                    self.emit("call $host");
                } else {
                    self.expr(Ty::I32, 2);
                    self.emit("call $host_i drop");
                }
            }
            6 => {
                self.grow();
                self.emit("drop");
            }
            7 => self.br_if(),
            8 => self.continue_loop(),
            9 => self.terminator(),
            10 if self.rng.one_in(2) => {
                // A trap on some paths only.
                self.cond();
                self.emit("if");
                self.labels.push(Label {
                    kind: Kind::Forward,
                    result: None,
                });
                if self.rng.one_in(3) {
                    self.emit("unreachable");
                } else {
                    self.expr(Ty::I32, 2);
                    self.emit("i32.const 0 i32.div_u drop");
                }
                self.labels.pop();
                self.emit("end");
            }
            10 | 11 => self.emit("nop"),
            12 | 13 => self.block(),
            14 | 15 => self.loop_(),
            16..=18 => self.if_(),
            19 => self.call_indirect_stmt(),
            _ => {
                let ty = random_ty(self.rng);
                self.expr(ty, 0);
                self.emit("drop");
            }
        }
    }

    fn block(&mut self) {
        let result = self.rng.one_in(3).then(|| random_ty(self.rng));
        match result {
            Some(ty) => self.emit(&format!("block (result {})", ty.name())),
            None => self.emit("block"),
        }
        self.labels.push(Label {
            kind: Kind::Forward,
            result,
        });
        self.stmts(2);
        if let Some(ty) = result {
            self.expr(ty, 1);
        }
        self.labels.pop();
        self.emit("end");
        if result.is_some() {
            self.emit("drop");
        }
    }

    fn loop_(&mut self) {
        let counter = self.locals.len() as u32;
        self.locals.push(Ty::I32);
        // 1 to 4 iterations, from a constant or from the data.
        if self.rng.one_in(2) {
            let n = 1 + self.rng.below(4);
            self.emit(&format!("i32.const {n}"));
        } else {
            self.expr(Ty::I32, 2);
            self.emit("i32.const 3 i32.and i32.const 1 i32.add");
        }
        self.emit(&format!("local.set {counter}"));
        let result = self.rng.one_in(4).then(|| random_ty(self.rng));
        match result {
            Some(ty) => self.emit(&format!("loop (result {})", ty.name())),
            None => self.emit("loop"),
        }
        self.labels.push(Label {
            kind: Kind::Loop(counter),
            result,
        });
        self.stmts(2);
        self.emit(&format!(
            "local.get {counter} i32.const 1 i32.sub local.tee {counter} i32.const 0 i32.gt_s br_if 0"
        ));
        if let Some(ty) = result {
            self.expr(ty, 1);
        }
        self.labels.pop();
        self.emit("end");
        if result.is_some() {
            self.emit("drop");
        }
    }

    fn if_(&mut self) {
        let result = self.rng.one_in(3).then(|| random_ty(self.rng));
        let has_else = result.is_some() || self.rng.one_in(2);
        self.cond();
        match result {
            Some(ty) => self.emit(&format!("if (result {})", ty.name())),
            None => self.emit("if"),
        }
        self.labels.push(Label {
            kind: Kind::Forward,
            result,
        });
        self.stmts(2);
        if let Some(ty) = result {
            self.expr(ty, 1);
        }
        if has_else {
            self.emit("else");
            self.stmts(2);
            if let Some(ty) = result {
                self.expr(ty, 1);
            }
        }
        self.labels.pop();
        self.emit("end");
        if result.is_some() {
            self.emit("drop");
        }
    }

    /// A forward label, as (relative depth, result).
    fn forward_label(&mut self) -> (usize, Option<Ty>) {
        let forward: Vec<usize> = (0..self.labels.len())
            .filter(|&i| self.labels[i].kind == Kind::Forward)
            .collect();
        let i = *self.rng.pick(&forward);
        (self.rel(i), self.labels[i].result)
    }

    fn br_if(&mut self) {
        let (depth, result) = self.forward_label();
        if let Some(ty) = result {
            self.expr(ty, 2);
        }
        self.cond();
        self.emit(&format!("br_if {depth}"));
        if result.is_some() {
            self.emit("drop");
        }
    }

    fn continue_loop(&mut self) {
        let loops: Vec<usize> = (0..self.labels.len())
            .filter(|&i| matches!(self.labels[i].kind, Kind::Loop(_)))
            .collect();
        if loops.is_empty() {
            self.emit("nop");
            return;
        }
        let i = *self.rng.pick(&loops);
        let Kind::Loop(c) = self.labels[i].kind else {
            return;
        };
        let depth = self.rel(i);
        self.emit(&format!(
            "local.get {c} i32.const 1 i32.sub local.tee {c} i32.const 0 i32.gt_s br_if {depth}"
        ));
    }

    /// `br`, `br_table`, `return` or `unreachable`, followed by dead code.
    fn terminator(&mut self) {
        match self.rng.below(10) {
            0..=3 => {
                let (depth, result) = self.forward_label();
                if let Some(ty) = result {
                    self.expr(ty, 2);
                }
                self.emit(&format!("br {depth}"));
            }
            4..=6 => {
                let (default, result) = self.forward_label();
                let same: Vec<usize> = (0..self.labels.len())
                    .filter(|&i| {
                        self.labels[i].kind == Kind::Forward && self.labels[i].result == result
                    })
                    .map(|i| self.rel(i))
                    .collect();
                if let Some(ty) = result {
                    self.expr(ty, 2);
                }
                self.expr(Ty::I32, 2);
                if self.rng.one_in(2) {
                    self.emit("i32.const 3 i32.and");
                }
                let mut text = String::from("br_table");
                for _ in 0..self.rng.below(4) {
                    let _ = write!(text, " {}", self.rng.pick(&same));
                }
                let _ = write!(text, " {default}");
                self.emit(&text);
            }
            7 | 8 => {
                if let Some(ty) = self.labels[0].result {
                    self.expr(ty, 2);
                }
                self.emit("return");
            }
            _ => {
                if self.rng.one_in(3) {
                    self.emit("unreachable");
                } else {
                    self.emit("nop");
                }
            }
        }
        // Dead code: costs nothing in wasmi.
        if self.rng.one_in(2) {
            let ty = random_ty(self.rng);
            self.expr(ty, 2);
            self.emit("drop");
        }
    }

    fn args(&mut self, params: &[Ty]) {
        for &p in params {
            self.expr(p, 2);
        }
    }

    fn call_stmt(&mut self) {
        if self.index == 0 {
            self.emit("nop");
            return;
        }
        let callee = self.rng.below(self.index);
        let sig = self.sigs[callee].clone();
        self.args(&sig.params);
        self.emit(&format!("call $f{callee}"));
        if sig.result.is_some() {
            self.emit("drop");
        }
    }

    fn call_indirect_stmt(&mut self) {
        if self.index < TABLE_FUNCS {
            self.emit("nop");
            return;
        }
        self.expr(Ty::I32, 2);
        match self.rng.below(4) {
            0 => self.emit("i32.const 0"),
            1 => self.emit("i32.const 1"),
            2 => {
                self.expr(Ty::I32, 2);
                self.emit("i32.const 3 i32.and");
            }
            _ => self.expr(Ty::I32, 2),
        }
        self.emit("call_indirect (type $t_i) drop");
    }

    fn address(&mut self) {
        if self.rng.one_in(8) {
            self.expr(Ty::I32, 2);
        } else {
            self.expr(Ty::I32, 2);
            self.emit("i32.const 0xfff0 i32.and");
        }
    }

    fn store(&mut self) {
        let ty = random_ty(self.rng);
        self.address();
        self.expr(ty, 2);
        let op = match ty {
            Ty::I32 => *self.rng.pick(&["i32.store", "i32.store8", "i32.store16"]),
            Ty::I64 => *self
                .rng
                .pick(&["i64.store", "i64.store8", "i64.store16", "i64.store32"]),
        };
        let offset = self.rng.below(9);
        self.emit(&format!("{op} offset={offset}"));
    }

    fn grow(&mut self) {
        match self.rng.below(8) {
            0 => self.emit("i32.const 0"),
            1 => self.emit("i32.const 1"),
            2 => self.emit("i32.const 20"),
            3 => self.emit("i32.const 70000"),
            4 => self.emit("i32.const -1"),
            _ => {
                self.expr(Ty::I32, 2);
                self.emit("i32.const 3 i32.and");
            }
        }
        self.emit("memory.grow");
    }

    fn expr(&mut self, ty: Ty, depth: usize) {
        let leaf = depth >= MAX_DEPTH || self.budget == 0;
        let t = ty.name();
        match self.rng.below(if leaf { 3 } else { 16 }) {
            0 => {
                let v: i64 = match self.rng.below(6) {
                    0 => 0,
                    1 => 1,
                    2 => -1,
                    3 => self.rng.below(100) as i64,
                    4 => {
                        if ty == Ty::I32 {
                            i64::from(i32::MIN)
                        } else {
                            i64::MIN
                        }
                    }
                    _ => self.rng.next() as i64,
                };
                let v = if ty == Ty::I32 {
                    i64::from(v as i32)
                } else {
                    v
                };
                self.emit(&format!("{t}.const {v}"));
            }
            1 => match self.local_of(ty, false) {
                Some(l) => self.emit(&format!("local.get {l}")),
                None => self.emit(&format!("{t}.const 5")),
            },
            2 => {
                let g = match (ty, self.rng.one_in(2)) {
                    (Ty::I32, true) => "$g0",
                    (Ty::I32, false) => "$gc",
                    (Ty::I64, true) => "$g1",
                    (Ty::I64, false) => "$gbig",
                };
                self.emit(&format!("global.get {g}"));
            }
            3 => {
                self.expr(ty, depth + 1);
                let ops: &[&str] = match ty {
                    Ty::I32 => &[
                        "i32.eqz",
                        "i32.clz",
                        "i32.ctz",
                        "i32.popcnt",
                        "i32.extend8_s",
                        "i32.extend16_s",
                    ],
                    Ty::I64 => &[
                        "i64.clz",
                        "i64.ctz",
                        "i64.popcnt",
                        "i64.extend8_s",
                        "i64.extend16_s",
                        "i64.extend32_s",
                    ],
                };
                let op = *self.rng.pick(ops);
                self.emit(op);
            }
            4 | 5 => {
                self.expr(ty, depth + 1);
                let op = *self.rng.pick(&[
                    "add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl",
                    "rotr", "div_s", "div_u", "rem_s", "rem_u",
                ]);
                self.expr(ty, depth + 1);
                if (op.starts_with("div") || op.starts_with("rem")) && !self.rng.one_in(6) {
                    // Mostly a nonzero divisor.
                    self.emit(&format!("{t}.const 1 {t}.or"));
                }
                self.emit(&format!("{t}.{op}"));
            }
            6 => {
                let input = random_ty(self.rng);
                let i = input.name();
                self.expr(input, depth + 1);
                if self.rng.one_in(5) {
                    self.emit(&format!("{i}.eqz"));
                } else {
                    self.expr(input, depth + 1);
                    let op = *self.rng.pick(&[
                        "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
                    ]);
                    self.emit(&format!("{i}.{op}"));
                }
                if ty == Ty::I64 {
                    self.emit("i64.extend_i32_u");
                }
            }
            7 => match ty {
                Ty::I32 => {
                    self.expr(Ty::I64, depth + 1);
                    self.emit("i32.wrap_i64");
                }
                Ty::I64 => {
                    self.expr(Ty::I32, depth + 1);
                    let op = *self.rng.pick(&["i64.extend_i32_s", "i64.extend_i32_u"]);
                    self.emit(op);
                }
            },
            8 => {
                self.address();
                let op = match ty {
                    Ty::I32 => *self.rng.pick(&[
                        "i32.load",
                        "i32.load8_s",
                        "i32.load8_u",
                        "i32.load16_s",
                        "i32.load16_u",
                    ]),
                    Ty::I64 => *self.rng.pick(&[
                        "i64.load",
                        "i64.load8_s",
                        "i64.load8_u",
                        "i64.load16_s",
                        "i64.load16_u",
                        "i64.load32_s",
                        "i64.load32_u",
                    ]),
                };
                let offset = self.rng.below(9);
                self.emit(&format!("{op} offset={offset}"));
            }
            9 => {
                self.expr(ty, depth + 1);
                self.expr(ty, depth + 1);
                self.cond();
                self.emit("select");
            }
            10 => match self.local_of(ty, true) {
                Some(l) => {
                    self.expr(ty, depth + 1);
                    self.emit(&format!("local.tee {l}"));
                }
                None => self.emit(&format!("{t}.const 9")),
            },
            11 => {
                self.emit(&format!("block (result {t})"));
                self.labels.push(Label {
                    kind: Kind::Forward,
                    result: Some(ty),
                });
                self.stmts(1);
                self.expr(ty, depth + 1);
                self.labels.pop();
                self.emit("end");
            }
            12 => {
                self.cond();
                self.emit(&format!("if (result {t})"));
                self.labels.push(Label {
                    kind: Kind::Forward,
                    result: Some(ty),
                });
                self.stmts(1);
                self.expr(ty, depth + 1);
                self.emit("else");
                self.stmts(1);
                self.expr(ty, depth + 1);
                self.labels.pop();
                self.emit("end");
            }
            13 => {
                let callees: Vec<usize> = (0..self.index)
                    .filter(|&j| self.sigs[j].result == Some(ty))
                    .collect();
                if callees.is_empty() {
                    self.emit(&format!("{t}.const 13"));
                } else {
                    let callee = *self.rng.pick(&callees);
                    let params = self.sigs[callee].params.clone();
                    self.args(&params);
                    self.emit(&format!("call $f{callee}"));
                }
            }
            14 => {
                if self.rng.one_in(2) {
                    self.emit("memory.size");
                } else {
                    self.grow();
                }
                if ty == Ty::I64 {
                    self.emit("i64.extend_i32_s");
                }
            }
            _ => {
                self.expr(Ty::I32, depth + 1);
                self.emit("call $host_i");
                if ty == Ty::I64 {
                    self.emit("i64.extend_i32_u");
                }
            }
        }
    }
}
