//! Call traces: the tree of frames one top-level call ran (who called whom, with what
//! input and value, what came back, the gas each frame took and the events it
//! emitted), recorded by [`super::run_frame`] when asked for ([`crate::ExecContext`]'s
//! `trace`). A trace is for people and tools only: it never reaches a receipt or any
//! hashed structure, and recording it changes no gas.

use crate::dispatch_error::DispatchError;
use crate::gas::Weight;
use crate::primitives::{AccountId, Balance, CodeHash};
use crate::receipt::Event;

/// What a frame was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceKind {
    /// A message of the contract at `callee`.
    Call,
    /// A constructor, creating `callee`.
    Instantiate,
    /// Code run in the caller's own account.
    DelegateCall,
}

/// How a frame ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceResult {
    /// Returned; its changes stand unless a caller rolls back.
    Returned,
    /// Returned with REVERT: its changes (and its events) were rolled back.
    Reverted,
    /// Trapped, ran out of gas, or was refused before its code ran.
    Failed(DispatchError),
}

/// One frame of a trace, in the order frames started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFrame {
    /// 0 for the top-level call, 1 for what it called, ...
    pub depth: u32,
    /// Index of the calling frame in the trace (`None` for the top-level call).
    pub parent: Option<usize>,
    /// Call, instantiation or delegate call.
    pub kind: TraceKind,
    /// Who called.
    pub caller: AccountId,
    /// The contract whose account ran the code (`None` if the callee was not found).
    pub callee: Option<AccountId>,
    /// The code that ran, when it was found.
    pub code_hash: Option<CodeHash>,
    /// The value the call carried.
    pub value: Balance,
    /// The input (selector and SCALE arguments).
    pub input: Vec<u8>,
    /// The return data.
    pub output: Vec<u8>,
    /// How it ended.
    pub result: TraceResult,
    /// The gas the frame took from its caller, its callees' included (and the load of
    /// its code, which pallet-contracts charges the caller).
    pub gas_consumed: Weight,
    /// The events this frame emitted itself (also those a revert rolled back).
    pub events: Vec<Event>,
    /// Its changes and events were undone: it, or a frame that called it, reverted
    /// or failed.
    pub rolled_back: bool,
}

/// A trace being recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// The frames, in the order they started.
    pub frames: Vec<TraceFrame>,
    /// Indices of the frames still running, innermost last.
    open: Vec<usize>,
}

impl Trace {
    /// Opens a frame; returns its index.
    pub(crate) fn open(&mut self, mut frame: TraceFrame) -> usize {
        frame.depth = u32::try_from(self.open.len()).unwrap_or(u32::MAX);
        frame.parent = self.open.last().copied();
        let index = self.frames.len();
        self.frames.push(frame);
        self.open.push(index);
        index
    }

    /// Records an event of the innermost running frame.
    pub(crate) fn event(&mut self, event: &Event) {
        if let Some(frame) = self.open.last().and_then(|&i| self.frames.get_mut(i)) {
            frame.events.push(event.clone());
        }
    }

    /// Closes the innermost frame, `index`.
    pub(crate) fn close(
        &mut self,
        index: usize,
        callee: Option<(AccountId, CodeHash)>,
        output: &[u8],
        result: TraceResult,
        gas_consumed: Weight,
    ) {
        if self.open.last() == Some(&index) {
            self.open.pop();
        }
        if let Some(frame) = self.frames.get_mut(index) {
            if let Some((account, code_hash)) = callee {
                frame.callee = Some(account);
                frame.code_hash = Some(code_hash);
            }
            frame.output = output.to_vec();
            frame.result = result;
            frame.gas_consumed = gas_consumed;
        }
    }

    /// The finished frames, each marked rolled back when it or a caller did not
    /// return.
    pub fn into_frames(mut self) -> Vec<TraceFrame> {
        for i in 0..self.frames.len() {
            let parent_undone = self.frames[i]
                .parent
                .and_then(|p| self.frames.get(p))
                .is_some_and(|p| p.rolled_back);
            let frame = &mut self.frames[i];
            frame.rolled_back = parent_undone || frame.result != TraceResult::Returned;
        }
        self.frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: TraceKind) -> TraceFrame {
        TraceFrame {
            depth: 0,
            parent: None,
            kind,
            caller: AccountId([1; 32]),
            callee: None,
            code_hash: None,
            value: 0,
            input: vec![1],
            output: Vec::new(),
            result: TraceResult::Returned,
            gas_consumed: Weight::ZERO,
            events: Vec::new(),
            rolled_back: false,
        }
    }

    #[test]
    fn what_a_reverted_caller_called_is_rolled_back() {
        let mut trace = Trace::default();
        let top = trace.open(frame(TraceKind::Call));
        let child = trace.open(frame(TraceKind::Call));
        trace.close(child, None, b"", TraceResult::Returned, Weight::ZERO);
        trace.close(top, None, b"", TraceResult::Reverted, Weight::ZERO);
        let frames = trace.into_frames();
        assert!(frames[0].rolled_back && frames[1].rolled_back);
        let mut kept = Trace::default();
        let top = kept.open(frame(TraceKind::Call));
        let child = kept.open(frame(TraceKind::Call));
        kept.close(child, None, b"", TraceResult::Reverted, Weight::ZERO);
        kept.close(top, None, b"", TraceResult::Returned, Weight::ZERO);
        let frames = kept.into_frames();
        assert!(!frames[0].rolled_back && frames[1].rolled_back);
    }

    #[test]
    fn frames_nest_and_events_go_to_the_innermost_running_frame() {
        let event = |n: u8| Event {
            emitter: AccountId([n; 32]),
            topics: Vec::new(),
            data: vec![n],
        };
        let mut trace = Trace::default();
        let top = trace.open(frame(TraceKind::Call));
        trace.event(&event(1));
        let child = trace.open(frame(TraceKind::DelegateCall));
        trace.event(&event(2));
        trace.close(child, None, b"ok", TraceResult::Reverted, Weight::new(5, 1));
        trace.event(&event(3));
        trace.close(top, None, b"", TraceResult::Returned, Weight::new(9, 2));
        let frames = trace.into_frames();
        assert_eq!(frames.len(), 2);
        assert_eq!((frames[0].depth, frames[0].parent), (0, None));
        assert_eq!((frames[1].depth, frames[1].parent), (1, Some(0)));
        assert_eq!(frames[0].events, vec![event(1), event(3)]);
        assert_eq!(frames[1].events, vec![event(2)]);
        assert_eq!(frames[1].result, TraceResult::Reverted);
        assert_eq!(frames[1].output, b"ok");
    }
}
