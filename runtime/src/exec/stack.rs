//! [`CallStack`]: what every frame of one top-level call shares (the origin, the block,
//! the frames below, the events so far, the debug buffer), and the rules that read
//! it: call depth, reentrancy, recursion, as pallet-contracts' `exec::Stack` has them.

use crate::deposit::DepositMeter;
use crate::gas::GasMeter;
use crate::primitives::{AccountId, BlockNumber, Timestamp};
use crate::receipt::Event;
use crate::schedule::ChainConfig;
use crate::state::ContractInfo;

use super::trace::Trace;

/// One frame on the stack, as far as the rules about other frames need it.
#[derive(Debug, Clone)]
pub struct StackEntry {
    /// The account the frame runs in.
    pub account: AccountId,
    /// Cleared while this frame makes a call without `ALLOW_REENTRY`.
    pub allows_reentry: bool,
    /// A delegate call runs in the caller's account: it does not count as a reentry.
    pub delegated: bool,
    /// For a constructor: the contract's record, written to state only once the
    /// constructor succeeds (so nobody can call a half-built contract).
    pub pending_info: Option<ContractInfo>,
    /// `terminate` ran in this frame.
    pub terminated: bool,
    /// The frame's own gas meter, taken out of its caller's.
    pub gas: GasMeter,
    /// The frame's storage deposit meter, nested in its caller's.
    pub deposits: DepositMeter,
}

/// The shared part of one top-level call.
#[derive(Default)]
pub struct CallStack {
    /// The chain's parameters and schedule.
    pub config: ChainConfig,
    /// The block being built.
    pub block_number: BlockNumber,
    /// Its timestamp.
    pub timestamp: Timestamp,
    /// The transaction's signer.
    pub origin: AccountId,
    /// Bottom (the first frame) to top (the running one).
    pub frames: Vec<StackEntry>,
    /// Events of frames that have not been rolled back.
    pub events: Vec<Event>,
    /// The debug buffer, present only in dry runs.
    pub debug: Option<String>,
    /// The call trace, when one is recorded.
    pub trace: Option<Trace>,
}

impl CallStack {
    /// Records an event of the running frame (`deposit_event`).
    pub fn emit(&mut self, event: Event) {
        if let Some(trace) = self.trace.as_mut() {
            trace.event(&event);
        }
        self.events.push(event);
    }

    /// Whether pushing one more frame stays within the schedule's call depth (frames
    /// above the first).
    pub fn has_room(&self) -> bool {
        self.frames.len() <= self.config.schedule.vm.call_depth as usize
    }

    /// pallet-contracts' `allows_reentry`: no frame of `account` has forbidden it.
    pub fn allows_reentry(&self, account: &AccountId) -> bool {
        !self
            .frames
            .iter()
            .any(|f| &f.account == account && !f.allows_reentry)
    }

    /// Frames of `account` that are not delegate calls (pallet-contracts'
    /// `account_reentrance_count`).
    pub fn frames_of(&self, account: &AccountId) -> u32 {
        let n = self
            .frames
            .iter()
            .filter(|f| !f.delegated && &f.account == account)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Whether the running frame's account is also further down the stack.
    pub fn top_is_recursive(&self) -> bool {
        match self.frames.split_last() {
            Some((top, below)) => below.iter().any(|f| f.account == top.account),
            None => false,
        }
    }

    /// The running frame.
    pub fn top_mut(&mut self) -> Option<&mut StackEntry> {
        self.frames.last_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(account: u8, allows_reentry: bool, delegated: bool) -> StackEntry {
        StackEntry {
            account: AccountId([account; 32]),
            allows_reentry,
            delegated,
            pending_info: None,
            terminated: false,
            gas: GasMeter::default(),
            deposits: DepositMeter::default(),
        }
    }

    #[test]
    fn reentry_depth_and_recursion_follow_the_frames() {
        let mut stack = CallStack::default();
        assert!(stack.has_room());
        assert!(!stack.top_is_recursive());
        stack.frames.push(entry(1, false, false));
        stack.frames.push(entry(2, true, false));
        // A frame of 1 made a call without ALLOW_REENTRY: 1 may not be entered again.
        assert!(!stack.allows_reentry(&AccountId([1; 32])));
        assert!(stack.allows_reentry(&AccountId([2; 32])));
        // A delegate call runs in 2's account but is not a reentry of 2.
        stack.frames.push(entry(2, true, true));
        assert_eq!(stack.frames_of(&AccountId([2; 32])), 1);
        assert!(stack.top_is_recursive());
        // The schedule's depth: frames above the first.
        let depth = stack.config.schedule.vm.call_depth as usize;
        while stack.frames.len() <= depth {
            stack.frames.push(entry(3, true, false));
        }
        assert!(!stack.has_room());
    }
}
