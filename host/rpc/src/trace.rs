//! The JSON shape of a call trace: one entry per frame, in the order frames started,
//! each naming its parent, so a client draws the tree. Selectors and data stay raw
//! here; the CLI decodes them with the bundles it knows.

use carechain_runtime::exec::{TraceFrame, TraceKind, TraceResult};
use serde::{Deserialize, Serialize};

use crate::types::{
    failure_fields, u128_string, Address, Bytes, EventView, Gas, OutcomeKind, H256,
};

/// One frame of a call trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceFrameView {
    /// 0 for the top-level call.
    pub depth: u32,
    /// Index of the calling frame in the list (absent for the top-level call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// `call`, `instantiate` or `delegateCall`.
    pub kind: String,
    /// Who called.
    pub caller: Address,
    /// Whose account ran the code (absent if the callee was not found).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee: Option<Address>,
    /// The code that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_hash: Option<H256>,
    /// The value carried.
    #[serde(with = "u128_string")]
    pub value: u128,
    /// The input: the selector and SCALE arguments.
    pub input: Bytes,
    /// The return data.
    pub output: Bytes,
    /// `success`, `reverted` or `failed`.
    pub outcome: OutcomeKind,
    /// For `failed`: the pallet's error name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_name: Option<String>,
    /// For `failed`: the name and what it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Gas the frame took from its caller, its callees' included.
    pub gas_consumed: Gas,
    /// The events this frame emitted itself.
    pub events: Vec<EventView>,
    /// Its changes and events were undone: it, or a frame that called it, reverted
    /// or failed.
    pub rolled_back: bool,
}

impl From<&TraceFrame> for TraceFrameView {
    fn from(f: &TraceFrame) -> Self {
        let failed = match &f.result {
            TraceResult::Failed(e) => Some(e),
            TraceResult::Returned | TraceResult::Reverted => None,
        };
        let (error_name, error) = failure_fields(failed);
        TraceFrameView {
            depth: f.depth,
            parent: f.parent,
            kind: match f.kind {
                TraceKind::Call => "call",
                TraceKind::Instantiate => "instantiate",
                TraceKind::DelegateCall => "delegateCall",
            }
            .into(),
            caller: Address(f.caller),
            callee: f.callee.map(Address),
            code_hash: f.code_hash.map(H256),
            value: f.value,
            input: Bytes(f.input.clone()),
            output: Bytes(f.output.clone()),
            outcome: match f.result {
                TraceResult::Returned => OutcomeKind::Success,
                TraceResult::Reverted => OutcomeKind::Reverted,
                TraceResult::Failed(_) => OutcomeKind::Failed,
            },
            error_name,
            error,
            gas_consumed: f.gas_consumed.into(),
            events: f.events.iter().map(|e| EventView::new(e, None)).collect(),
            rolled_back: f.rolled_back,
        }
    }
}

/// The frames of a trace, as views.
pub fn trace_view(frames: &[TraceFrame]) -> Vec<TraceFrameView> {
    frames.iter().map(TraceFrameView::from).collect()
}
