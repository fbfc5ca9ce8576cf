//! `--trace`: a call's frame tree, each frame decoded with the bundle of the code
//! that ran (found by code hash): the contract and message names, the arguments, the
//! return value, the value sent, the gas the frame took and its events.

use std::collections::BTreeMap;
use std::rc::Rc;

use carechain_bundle::Bundle;
use carechain_runtime::Hash;
use serde::Serialize;

use super::decode::{DecodedEvent, Decoder};
use super::BundleDirs;
use carechain_rpc::{OutcomeKind, TraceFrameView};

/// A trace frame with what the bundles make of it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DecodedFrame {
    #[serde(flatten)]
    frame: TraceFrameView,
    /// The contract's name, from the bundle of its code.
    contract_name: Option<String>,
    /// The constructor or message its selector names.
    message: Option<String>,
    /// The input decoded: `name { arg: value, .. }`.
    args: Option<String>,
    /// The return value decoded.
    returned: Option<String>,
    /// The frame's events, decoded where the emitter is known.
    decoded_events: Vec<DecodedEvent>,
}

/// Bundles by code hash, looked up once each.
struct ByCode<'a> {
    dirs: &'a BundleDirs,
    known: BTreeMap<Hash, Option<Rc<Bundle>>>,
}

impl ByCode<'_> {
    fn get(&mut self, hash: Hash) -> Option<Rc<Bundle>> {
        self.known
            .entry(hash)
            .or_insert_with(|| self.dirs.find(&hash).map(Rc::new))
            .clone()
    }
}

/// Decodes `frames`; `extra` are bundles known without a search (the one the verb
/// was given).
pub(super) fn decode(
    frames: &[TraceFrameView],
    dirs: &BundleDirs,
    extra: &[Rc<Bundle>],
    events: &mut Decoder<'_>,
) -> Vec<DecodedFrame> {
    let mut by_code = ByCode {
        dirs,
        known: extra
            .iter()
            .map(|b| (b.code_hash(), Some(Rc::clone(b))))
            .collect(),
    };
    frames
        .iter()
        .map(|frame| {
            let bundle = frame.code_hash.and_then(|h| by_code.get(h.0));
            let constructor = frame.kind == "instantiate";
            let entry = bundle
                .as_ref()
                .and_then(|b| b.decode_input(&frame.input.0, constructor));
            let returned = bundle
                .as_ref()
                .zip(entry.as_ref())
                .and_then(|(b, (label, _))| {
                    if frame.outcome == OutcomeKind::Failed {
                        return None;
                    }
                    let decoded = if constructor {
                        b.decode_constructor_return(label, &frame.output.0)
                    } else {
                        b.decode_return(label, &frame.output.0)
                    };
                    decoded.ok().map(|v| v.to_string())
                });
            DecodedFrame {
                contract_name: bundle.as_ref().map(|b| b.name().to_string()),
                message: entry.as_ref().map(|(label, _)| label.clone()),
                args: entry.and_then(|(_, v)| v).map(|v| v.to_string()),
                returned,
                decoded_events: events.events(&frame.events),
                frame: frame.clone(),
            }
        })
        .collect()
}

/// Prints the tree for people, one line per frame, indented by depth.
pub(super) fn print(frames: &[DecodedFrame]) {
    println!("  trace:");
    for f in frames {
        let pad = "  ".repeat(usize::try_from(f.frame.depth).unwrap_or(0) + 2);
        let callee = f
            .frame
            .callee
            .map_or_else(|| "?".to_string(), |a| a.0.to_string());
        let what = match (&f.contract_name, &f.message) {
            (Some(c), Some(m)) => format!("{c}::{m}"),
            (Some(c), None) => format!("{c}::<selector {}>", selector(&f.frame)),
            (None, _) => format!("<selector {}>", selector(&f.frame)),
        };
        let outcome = match (&f.frame.outcome, &f.frame.error_name) {
            (OutcomeKind::Failed, Some(e)) => format!("failed: {e}"),
            (kind, _) => kind.word().to_string(),
        };
        println!(
            "{pad}{} {what} at {callee}{}",
            f.frame.kind,
            if f.frame.value > 0 {
                format!(" with value {}", f.frame.value)
            } else {
                String::new()
            }
        );
        if let Some(args) = &f.args {
            println!("{pad}  input    {args}");
        }
        println!(
            "{pad}  {outcome}{}, gas ref_time {} ps, proof_size {} bytes",
            f.returned
                .as_ref()
                .map(|r| format!(" → {r}"))
                .unwrap_or_default(),
            f.frame.gas_consumed.ref_time,
            f.frame.gas_consumed.proof_size
        );
        let undone = if f.frame.rolled_back {
            " (rolled back)"
        } else {
            ""
        };
        for e in &f.decoded_events {
            match &e.decoded {
                Some(text) => println!("{pad}  event    {text}{undone}"),
                None => println!(
                    "{pad}  event    from {} data {}{undone}",
                    e.event.contract.0, e.event.data
                ),
            }
        }
    }
}

fn selector(frame: &TraceFrameView) -> String {
    frame
        .input
        .0
        .get(..4)
        .map_or_else(|| "none".to_string(), |s| format!("0x{}", hex::encode(s)))
}
