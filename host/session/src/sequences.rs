//! Property testing of message sequences: random sequences of a contract's messages,
//! each from a random dev account with arguments drawn from the message's types in
//! the metadata (proptest), a user's invariant checked after every step, and a
//! failure shrunk to a shortest sequence with the smallest arguments, printed as the
//! `carechain` commands that replay it on a dev node.
//!
//! Each case starts from the same deployed contract: a snapshot taken once and
//! reverted to before every case, so a case costs its calls only. The runner's seed
//! is fixed: the same contract and invariant find the same sequence on every run.

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use carechain_runtime::AccountId;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Strategy};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use scale_info::form::PortableForm;
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};

use crate::{Bundle, Result, Session, SessionError};

/// One call of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Who calls (a dev URI).
    pub actor: String,
    /// The message.
    pub message: String,
    /// Its arguments, as text (as `carechain call --args` takes them).
    pub args: Vec<String>,
}

/// A sequence after which the invariant failed, shrunk.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The calls, the last one being where the invariant first failed.
    pub steps: Vec<Step>,
    /// What the invariant said.
    pub reason: String,
    /// The shell commands that deploy the contract and replay the steps.
    pub commands: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invariant broken after {} call(s): {}",
            self.steps.len(),
            self.reason
        )?;
        writeln!(f, "replay on a dev node (carechain node --dev):")?;
        write!(f, "{}", self.commands)
    }
}

/// A property test of a contract's message sequences.
pub struct Sequences {
    bundle: Rc<Bundle>,
    bundle_path: PathBuf,
    constructor: String,
    constructor_args: Vec<String>,
    messages: Vec<String>,
    actors: Vec<String>,
    max_len: usize,
    cases: u32,
}

/// How deep argument types nest before the generator stops (a recursive type).
const MAX_TYPE_DEPTH: u32 = 6;

impl Sequences {
    /// Sequences of every state-changing message of the bundle at `path`, deployed
    /// by `//Alice` with `constructor(args)`; called by `//Alice`, `//Bob` and
    /// `//Charlie`, up to 8 calls long, 64 cases.
    ///
    /// # Errors
    /// The bundle does not load.
    pub fn new(path: impl AsRef<Path>, constructor: &str, args: &[&str]) -> Result<Self> {
        let path = path.as_ref();
        let bundle = Bundle::load(path).map_err(|e| SessionError::Input(format!("{e:#}")))?;
        let messages = bundle.mutating_messages();
        Ok(Sequences {
            bundle: Rc::new(bundle),
            bundle_path: path.to_path_buf(),
            constructor: constructor.to_string(),
            constructor_args: args.iter().map(|a| (*a).to_string()).collect(),
            messages,
            actors: ["//Alice", "//Bob", "//Charlie"].map(String::from).to_vec(),
            max_len: 8,
            cases: 64,
        })
    }

    /// Draws only these messages.
    pub fn messages(mut self, names: &[&str]) -> Self {
        self.messages = names.iter().map(|n| (*n).to_string()).collect();
        self
    }

    /// Calls from these dev accounts (also the accounts arguments are drawn from).
    pub fn actors(mut self, uris: &[&str]) -> Self {
        self.actors = uris.iter().map(|u| (*u).to_string()).collect();
        self
    }

    /// At most this many calls per sequence.
    pub fn max_len(mut self, calls: usize) -> Self {
        self.max_len = calls.max(1);
        self
    }

    /// This many random sequences.
    pub fn cases(mut self, cases: u32) -> Self {
        self.cases = cases.max(1);
        self
    }

    /// Runs the sequences, calling `invariant(session, contract)` after every call
    /// (a call that reverts changes nothing and is kept in the sequence). Returns the
    /// shrunk failing sequence, if any.
    ///
    /// # Errors
    /// The contract does not deploy, or a message's types cannot be generated.
    pub fn check<F>(&self, invariant: F) -> Result<Option<Failure>>
    where
        F: Fn(&mut Session, &AccountId) -> std::result::Result<(), String>,
    {
        let mut session = Session::new()?;
        let args: Vec<&str> = self.constructor_args.iter().map(String::as_str).collect();
        let contract = session.deploy(Rc::clone(&self.bundle), &self.constructor, &args, &[])?;
        let start = session.snapshot();
        let strategy = self.steps()?;
        let state = RefCell::new((session, start));
        let config = Config {
            cases: self.cases,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let outcome = runner.run(&strategy, |steps| {
            let mut guard = state.borrow_mut();
            let (session, snapshot) = &mut *guard;
            session
                .revert(*snapshot)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            *snapshot = session.snapshot();
            for (i, step) in steps.iter().enumerate() {
                session
                    .set_actor(&step.actor)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
                match session.call(&contract, &step.message, &args) {
                    Ok(_) | Err(SessionError::Reverted { .. } | SessionError::Failed { .. }) => {}
                    Err(other) => return Err(TestCaseError::fail(format!("call {i}: {other}"))),
                }
                if let Err(reason) = invariant(session, &contract) {
                    return Err(TestCaseError::fail(format!(
                        "after call {}: {reason}",
                        i + 1
                    )));
                }
            }
            Ok(())
        });
        match outcome {
            Ok(()) => Ok(None),
            Err(TestError::Fail(reason, steps)) => {
                let reason = reason.to_string();
                let failing = failing_prefix(&reason, steps);
                Ok(Some(Failure {
                    commands: self.commands(&failing),
                    steps: failing,
                    reason,
                }))
            }
            Err(TestError::Abort(why)) => Err(SessionError::Input(format!("proptest: {why}"))),
        }
    }

    /// The strategy of one sequence.
    fn steps(&self) -> Result<BoxedStrategy<Vec<Step>>> {
        if self.messages.is_empty() || self.actors.is_empty() {
            return Err(SessionError::Input(
                "no messages or no actors to draw from".into(),
            ));
        }
        let registry = self.bundle.registry();
        let mut per_message = Vec::new();
        for name in &self.messages {
            let types = self.bundle.argument_types(name).ok_or_else(|| {
                SessionError::Input(format!("{} has no message `{name}`", self.bundle.name()))
            })?;
            let args: Vec<BoxedStrategy<String>> = types
                .iter()
                .map(|ty| value_of(registry, *ty, &self.actors, 0))
                .collect::<Result<_>>()?;
            let name = name.clone();
            let actors = self.actors.clone();
            per_message.push(
                (proptest::sample::select(actors), args)
                    .prop_map(move |(actor, args)| Step {
                        actor,
                        message: name.clone(),
                        args,
                    })
                    .boxed(),
            );
        }
        let step = proptest::strategy::Union::new(per_message);
        Ok(proptest::collection::vec(step, 1..=self.max_len).boxed())
    }

    /// `carechain` commands that deploy the contract and replay `steps`.
    fn commands(&self, steps: &[Step]) -> String {
        let mut out = format!(
            "CONTRACT=$(carechain instantiate {} --constructor {}{} --suri //Alice -x -o json | jq -r .contract)\n",
            shell_word(&self.bundle_path.display().to_string()),
            self.constructor,
            args_flag(&self.constructor_args)
        );
        for step in steps {
            out.push_str(&format!(
                "carechain call \"$CONTRACT\" --message {}{} --suri {} -x\n",
                step.message,
                args_flag(&step.args),
                step.actor
            ));
        }
        out
    }
}

/// The steps up to the one after which the invariant failed (the runner's minimal
/// input may hold calls after it).
fn failing_prefix(reason: &str, mut steps: Vec<Step>) -> Vec<Step> {
    let after = reason
        .split("after call ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse::<usize>().ok());
    if let Some(n) = after {
        steps.truncate(n);
    }
    steps
}

fn args_flag(args: &[String]) -> String {
    if args.is_empty() {
        return String::new();
    }
    let words: Vec<String> = args.iter().map(|a| shell_word(a)).collect();
    format!(" --args {}", words.join(" "))
}

/// `text` quoted for a POSIX shell when it needs to be.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-.:,=+@".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Values of type `ty`, as text contract-transcode parses: small numbers (edge cases
/// live there), the actors' dev URIs for an `AccountId`, every enum variant.
fn value_of(
    registry: &PortableRegistry,
    ty: u32,
    actors: &[String],
    depth: u32,
) -> Result<BoxedStrategy<String>> {
    let unsupported =
        |what: &str| SessionError::Input(format!("cannot generate {what} (type {ty})"));
    if depth > MAX_TYPE_DEPTH {
        return Err(unsupported("a type nested this deep"));
    }
    let t = registry
        .resolve(ty)
        .ok_or_else(|| unsupported("an unknown type"))?;
    let path = t.path.segments.join("::");
    if path.ends_with("AccountId") {
        return Ok(proptest::sample::select(actors.to_vec()).boxed());
    }
    Ok(match &t.type_def {
        TypeDef::Primitive(p) => primitive(p).ok_or_else(|| unsupported("this primitive"))?,
        TypeDef::Compact(c) => value_of(registry, c.type_param.id, actors, depth + 1)?,
        TypeDef::Array(a) => {
            let inner = registry.resolve(a.type_param.id);
            let bytes = inner
                .is_some_and(|i| matches!(i.type_def, TypeDef::Primitive(TypeDefPrimitive::U8)));
            if bytes {
                proptest::collection::vec(any::<u8>(), a.len as usize)
                    .prop_map(|b| format!("0x{}", hex(&b)))
                    .boxed()
            } else {
                let item = value_of(registry, a.type_param.id, actors, depth + 1)?;
                proptest::collection::vec(item, a.len as usize)
                    .prop_map(|items| format!("[{}]", items.join(", ")))
                    .boxed()
            }
        }
        TypeDef::Sequence(s) => {
            let item = value_of(registry, s.type_param.id, actors, depth + 1)?;
            proptest::collection::vec(item, 0..3)
                .prop_map(|items| format!("[{}]", items.join(", ")))
                .boxed()
        }
        TypeDef::Tuple(tuple) => {
            let items: Vec<BoxedStrategy<String>> = tuple
                .fields
                .iter()
                .map(|f| value_of(registry, f.id, actors, depth + 1))
                .collect::<Result<_>>()?;
            items
                .prop_map(|items| format!("({})", items.join(", ")))
                .boxed()
        }
        TypeDef::Composite(c) => {
            let name = t.path.segments.last().cloned().unwrap_or_default();
            fields(registry, &c.fields, &name, actors, depth)?
        }
        TypeDef::Variant(v) => {
            let mut variants = Vec::new();
            for variant in &v.variants {
                variants.push(fields(
                    registry,
                    &variant.fields,
                    &variant.name,
                    actors,
                    depth,
                )?);
            }
            if variants.is_empty() {
                return Err(unsupported("an enum without variants"));
            }
            proptest::strategy::Union::new(variants).boxed()
        }
        TypeDef::BitSequence(_) => return Err(unsupported("a bit sequence")),
    })
}

/// `Name`, `Name(a, b)` or `Name { x: a }`.
fn fields(
    registry: &PortableRegistry,
    fields: &[scale_info::Field<PortableForm>],
    name: &str,
    actors: &[String],
    depth: u32,
) -> Result<BoxedStrategy<String>> {
    let name = name.to_string();
    if fields.is_empty() {
        return Ok(Just(name).boxed());
    }
    let values: Vec<BoxedStrategy<String>> = fields
        .iter()
        .map(|f| value_of(registry, f.ty.id, actors, depth + 1))
        .collect::<Result<_>>()?;
    let labels: Vec<Option<String>> = fields.iter().map(|f| f.name.clone()).collect();
    Ok(values
        .prop_map(move |values| {
            if labels.iter().all(Option::is_some) {
                let inner: Vec<String> = labels
                    .iter()
                    .zip(values)
                    .map(|(label, v)| format!("{}: {v}", label.as_deref().unwrap_or_default()))
                    .collect();
                format!("{name} {{ {} }}", inner.join(", "))
            } else {
                format!("{name}({})", values.join(", "))
            }
        })
        .boxed())
}

fn primitive(p: &TypeDefPrimitive) -> Option<BoxedStrategy<String>> {
    let number = |max: u64| (0..=max).prop_map(|n| n.to_string()).boxed();
    Some(match p {
        TypeDefPrimitive::Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        TypeDefPrimitive::U8 => number(u64::from(u8::MAX)),
        TypeDefPrimitive::U16 | TypeDefPrimitive::U32 | TypeDefPrimitive::U64 => number(1_000),
        TypeDefPrimitive::U128 => number(1_000),
        TypeDefPrimitive::I8
        | TypeDefPrimitive::I16
        | TypeDefPrimitive::I32
        | TypeDefPrimitive::I64
        | TypeDefPrimitive::I128 => (-1_000i64..=1_000).prop_map(|n| n.to_string()).boxed(),
        TypeDefPrimitive::Str => "[a-z0-9]{0,8}".prop_map(|s| format!("\"{s}\"")).boxed(),
        TypeDefPrimitive::Char | TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => return None,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("//Alice"), "//Alice");
        assert_eq!(shell_word("[Treatment, Labs]"), "'[Treatment, Labs]'");
        assert_eq!(shell_word("\"it's\""), "'\"it'\\''s\"'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn the_failing_prefix_ends_at_the_step_that_broke_the_invariant() {
        let step = |m: &str| Step {
            actor: "//Alice".into(),
            message: m.into(),
            args: Vec::new(),
        };
        let steps = vec![step("a"), step("b"), step("c")];
        let kept = failing_prefix("after call 2: supply 101 != balances 100", steps);
        assert_eq!(
            kept.iter().map(|s| s.message.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }
}
