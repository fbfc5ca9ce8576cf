//! [`CallStack`]: what every frame of one top-level call shares (the origin, the block,
//! the frames below, the events so far, the debug buffer), and the rules that read
//! it: call depth, reentrancy, recursion, as pallet-contracts' `exec::Stack` has them.

use carechain_runtime::{AccountId, BlockNumber, ChainConfig, ContractInfo, Event, Timestamp};

/// One frame on the stack, as far as the rules about other frames need it.
#[derive(Debug, Clone)]
pub(crate) struct StackEntry {
    pub(crate) account: AccountId,
    /// Cleared while this frame makes a call without `ALLOW_REENTRY`.
    pub(crate) allows_reentry: bool,
    /// A delegate call runs in the caller's account: it does not count as a reentry.
    pub(crate) delegated: bool,
    /// For a constructor: the contract's record, written to state only once the
    /// constructor succeeds (so nobody can call a half-built contract).
    pub(crate) pending_info: Option<ContractInfo>,
    /// `terminate` ran in this frame.
    pub(crate) terminated: bool,
}

/// The shared part of one top-level call.
#[derive(Default)]
pub(crate) struct CallStack {
    pub(crate) config: ChainConfig,
    pub(crate) block_number: BlockNumber,
    pub(crate) timestamp: Timestamp,
    /// The transaction's signer.
    pub(crate) origin: AccountId,
    /// Bottom (the first frame) to top (the running one).
    pub(crate) frames: Vec<StackEntry>,
    /// Events of frames that have not been rolled back.
    pub(crate) events: Vec<Event>,
    /// The debug buffer, present only in dry runs.
    pub(crate) debug: Option<String>,
}

impl CallStack {
    /// Whether pushing one more frame stays within the schedule's call depth (frames
    /// above the first).
    pub(crate) fn has_room(&self) -> bool {
        self.frames.len() <= self.config.schedule.vm.call_depth as usize
    }

    /// pallet-contracts' `allows_reentry`: no frame of `account` has forbidden it.
    pub(crate) fn allows_reentry(&self, account: &AccountId) -> bool {
        !self
            .frames
            .iter()
            .any(|f| &f.account == account && !f.allows_reentry)
    }

    /// Frames of `account` that are not delegate calls (pallet-contracts'
    /// `account_reentrance_count`).
    pub(crate) fn frames_of(&self, account: &AccountId) -> u32 {
        let n = self
            .frames
            .iter()
            .filter(|f| !f.delegated && &f.account == account)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Whether the running frame's account is also further down the stack.
    pub(crate) fn top_is_recursive(&self) -> bool {
        match self.frames.split_last() {
            Some((top, below)) => below.iter().any(|f| f.account == top.account),
            None => false,
        }
    }

    /// The running frame.
    pub(crate) fn top_mut(&mut self) -> Option<&mut StackEntry> {
        self.frames.last_mut()
    }
}
