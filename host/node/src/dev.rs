//! What only a dev node does: its block clock can be set and moved forward, it
//! produces empty blocks on request, and it takes snapshots of the chain to revert to
//! (anvil's `evm_setNextBlockTimestamp`, `evm_increaseTime`, `anvil_mine`,
//! `evm_snapshot` and `evm_revert`). A node that is not a dev node refuses all of it
//! ([`crate::NodeError::NotDev`]), so a shared chain's history cannot be rewritten.

use carechain_runtime::{BlockNumber, Hash, Header, Timestamp};

/// Most blocks one request produces (each is a durable commit).
pub const MAX_DEV_BLOCKS: u32 = 10_000;

/// The block producer's clock: the wall clock, moved forward by what a developer
/// asked for, never before the parent block.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Clock {
    /// Added to the wall clock (negative after a time set before it).
    offset: i128,
    /// The exact timestamp of the next block, once.
    next: Option<Timestamp>,
}

impl Clock {
    /// The timestamp the next block gets, without using it up.
    pub(crate) fn peek(&self, wall: Timestamp, parent: &Header) -> Timestamp {
        self.next
            .unwrap_or_else(|| {
                let moved = i128::from(wall).saturating_add(self.offset);
                u64::try_from(moved.max(0)).unwrap_or(u64::MAX)
            })
            .max(parent.timestamp)
    }

    /// A block with the set timestamp was committed: it is used up.
    pub(crate) fn sealed(&mut self) {
        self.next = None;
    }

    /// The timestamp for the block being sealed now, used up at once (tests).
    #[cfg(test)]
    fn take(&mut self, wall: Timestamp, parent: &Header) -> Timestamp {
        let ts = self.peek(wall, parent);
        self.sealed();
        ts
    }

    /// The next block gets exactly `at`, and later blocks count on from it.
    ///
    /// # Errors
    /// `at` is before the parent's timestamp (block time never goes back).
    pub(crate) fn set_next(
        &mut self,
        at: Timestamp,
        wall: Timestamp,
        parent: &Header,
    ) -> Result<(), String> {
        if at < parent.timestamp {
            return Err(format!(
                "{at} is before block #{}'s timestamp {}: block time never goes back",
                parent.number, parent.timestamp
            ));
        }
        self.next = Some(at);
        self.offset = i128::from(at) - i128::from(wall);
        Ok(())
    }

    /// Moves time forward by `by` milliseconds; returns the next block's timestamp.
    pub(crate) fn advance(&mut self, by: u64, wall: Timestamp, parent: &Header) -> Timestamp {
        let from = self.peek(wall, parent);
        let to = from.saturating_add(by);
        self.next = Some(to);
        self.offset = i128::from(to) - i128::from(wall);
        to
    }
}

/// A remembered head to revert to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) id: u64,
    pub(crate) number: BlockNumber,
    pub(crate) hash: Hash,
    pub(crate) clock: Clock,
}

/// The snapshots taken, oldest first; reverting to one drops it and every later one.
#[derive(Debug, Default)]
pub(crate) struct Snapshots {
    taken: Vec<Snapshot>,
    next_id: u64,
}

impl Snapshots {
    /// Remembers `head` (and the clock); returns the snapshot's id.
    pub(crate) fn take(&mut self, head: &Header, clock: &Clock) -> u64 {
        self.next_id = self.next_id.saturating_add(1);
        self.taken.push(Snapshot {
            id: self.next_id,
            number: head.number,
            hash: head.hash(),
            clock: clock.clone(),
        });
        self.next_id
    }

    /// The snapshot `id`, if it is still there.
    pub(crate) fn get(&self, id: u64) -> Option<Snapshot> {
        self.taken.iter().find(|s| s.id == id).cloned()
    }

    /// The snapshot `id`, removed with every later one (as anvil's `evm_revert`).
    pub(crate) fn remove(&mut self, id: u64) -> Option<Snapshot> {
        let at = self.taken.iter().position(|s| s.id == id)?;
        self.taken.drain(at..).next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parent(timestamp: Timestamp) -> Header {
        Header {
            parent_hash: Hash([0; 32]),
            number: 7,
            timestamp,
            state_root: Hash([0; 32]),
            extrinsics_root: Hash([0; 32]),
            receipts_root: Hash([0; 32]),
        }
    }

    #[test]
    fn the_clock_follows_the_wall_and_never_goes_before_the_parent() {
        let mut clock = Clock::default();
        assert_eq!(clock.take(1_000, &parent(500)), 1_000);
        assert_eq!(clock.take(1_000, &parent(2_000)), 2_000);
    }

    #[test]
    fn a_set_timestamp_is_used_once_and_time_counts_on_from_it() {
        let mut clock = Clock::default();
        clock.set_next(10_000, 1_000, &parent(0)).expect("set");
        assert_eq!(clock.peek(1_500, &parent(0)), 10_000);
        assert_eq!(clock.take(1_500, &parent(0)), 10_000);
        // 500 ms of wall time later the clock reads 10_000 + 500.
        assert_eq!(clock.take(1_500, &parent(10_000)), 10_500);
    }

    #[test]
    fn a_time_before_the_wall_clock_counts_on_from_itself() {
        let mut clock = Clock::default();
        clock.set_next(500, 10_000, &parent(0)).expect("set");
        assert_eq!(clock.take(10_000, &parent(0)), 500);
        assert_eq!(clock.take(10_100, &parent(500)), 600, "100 ms later");
    }

    #[test]
    fn time_cannot_be_set_before_the_parent() {
        let mut clock = Clock::default();
        let err = clock
            .set_next(99, 1_000, &parent(100))
            .expect_err("back in time");
        assert!(err.contains("never goes back"), "{err}");
        assert_eq!(clock, Clock::default());
    }

    #[test]
    fn advancing_moves_the_next_block_and_every_later_one() {
        let mut clock = Clock::default();
        let day = 86_400_000;
        assert_eq!(clock.advance(day, 1_000, &parent(0)), 1_000 + day);
        assert_eq!(clock.take(1_000, &parent(0)), 1_000 + day);
        assert_eq!(clock.take(2_000, &parent(1_000 + day)), 2_000 + day);
        // Advancing twice adds up, from the pending timestamp.
        assert_eq!(clock.advance(5, 2_000, &parent(0)), 2_005 + day);
        assert_eq!(clock.advance(5, 2_000, &parent(0)), 2_010 + day);
    }

    #[test]
    fn reverting_drops_the_snapshot_and_every_later_one() {
        let mut snapshots = Snapshots::default();
        let clock = Clock::default();
        let a = snapshots.take(&parent(1), &clock);
        let b = snapshots.take(&parent(2), &clock);
        let c = snapshots.take(&parent(3), &clock);
        assert_eq!(snapshots.remove(b).map(|s| s.id), Some(b));
        assert!(snapshots.remove(c).is_none(), "later snapshots go with it");
        assert!(snapshots.remove(b).is_none(), "a snapshot is used once");
        assert_eq!(snapshots.remove(a).map(|s| s.id), Some(a));
    }
}
