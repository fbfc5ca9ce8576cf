//! What only a dev node does: its block clock can be set and moved forward, it
//! produces empty blocks on request, and it takes snapshots of the chain to revert to
//! (anvil's `evm_setNextBlockTimestamp`, `evm_increaseTime`, `anvil_mine`,
//! `evm_snapshot` and `evm_revert`). A node that is not a dev node refuses all of it
//! ([`crate::NodeError::NotDev`]), so a shared chain's history cannot be rewritten.

use std::sync::atomic::Ordering;
use std::sync::PoisonError;

use carechain_runtime::{
    BlockNumber, Hash, Header, Signature, SignedTransaction, Timestamp, Transaction,
};

use crate::{lock, Included, Node, NodeError};

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

/// A node's dev requests; each refuses with [`NodeError::NotDev`] unless
/// [`Node::enable_dev`] was called.
impl Node {
    /// Dev nodes only: submits `tx` as its signer without the signer's key (anvil's
    /// impersonation); every check but the signature's applies. Waits as
    /// [`Node::submit`] does.
    ///
    /// # Errors
    /// [`NodeError::NotDev`], or as [`Node::submit`].
    pub fn dev_submit_as(&self, tx: Transaction) -> Result<Included, NodeError> {
        self.require_dev("submitting as an account without its key")?;
        let unsigned = SignedTransaction {
            transaction: tx,
            // Never checked: the block producer is told this one is impersonated.
            signature: Signature::Sr25519([0; 64]),
        };
        let mut receipts = self.enqueue(vec![unsigned], false, true)?;
        receipts
            .pop()
            .ok_or_else(|| NodeError::Chain("the producer returned no receipt".into()))
    }

    /// Makes this a dev node: its clock can be moved, blocks produced on request and
    /// the chain reverted to snapshots. For a chain of one's own only.
    pub fn enable_dev(&self) {
        self.shared.dev.store(true, Ordering::SeqCst);
    }

    /// Whether this is a dev node.
    pub fn is_dev(&self) -> bool {
        self.shared.dev.load(Ordering::SeqCst)
    }

    pub(crate) fn require_dev(&self, what: &'static str) -> Result<(), NodeError> {
        if self.is_dev() {
            Ok(())
        } else {
            Err(NodeError::NotDev(what))
        }
    }

    /// The next block gets exactly `timestamp` (ms since the Unix epoch); later
    /// blocks count on from it.
    ///
    /// # Errors
    /// [`NodeError::NotDev`]; [`NodeError::BadRequest`] if it is before the head's.
    pub fn dev_set_next_timestamp(&self, timestamp: Timestamp) -> Result<(), NodeError> {
        self.require_dev("setting the block time")?;
        let chain = self.chain();
        lock(&self.shared.clock)
            .set_next(timestamp, crate::producer::wall_clock(), chain.head())
            .map_err(NodeError::BadRequest)
    }

    /// Moves block time forward by `milliseconds`; returns the next block's timestamp.
    ///
    /// # Errors
    /// [`NodeError::NotDev`].
    pub fn dev_advance_time(&self, milliseconds: u64) -> Result<Timestamp, NodeError> {
        self.require_dev("advancing the block time")?;
        let chain = self.chain();
        Ok(lock(&self.shared.clock).advance(
            milliseconds,
            crate::producer::wall_clock(),
            chain.head(),
        ))
    }

    /// Seals `count` empty blocks (at most [`MAX_DEV_BLOCKS`]); returns the new head.
    ///
    /// # Errors
    /// [`NodeError::NotDev`], [`NodeError::BadRequest`] for a count of 0 or too many.
    pub fn dev_produce_blocks(&self, count: u32) -> Result<Header, NodeError> {
        self.require_dev("producing blocks on request")?;
        if count == 0 || count > MAX_DEV_BLOCKS {
            return Err(NodeError::BadRequest(format!(
                "{count} blocks: between 1 and {MAX_DEV_BLOCKS} per request"
            )));
        }
        crate::producer::empty_blocks(&self.shared, count)
    }

    /// Remembers the head (and the clock) to revert to; returns the snapshot's id.
    ///
    /// # Errors
    /// [`NodeError::NotDev`].
    pub fn dev_snapshot(&self) -> Result<u64, NodeError> {
        self.require_dev("taking a snapshot")?;
        let chain = self.chain();
        let clock = lock(&self.shared.clock);
        Ok(lock(&self.shared.snapshots).take(chain.head(), &clock))
    }

    /// Reverts the whole chain to snapshot `id`: its head, state, blocks, events and
    /// clock. The snapshot and every later one are used up; returns the head.
    ///
    /// # Errors
    /// [`NodeError::NotDev`]; [`NodeError::BadRequest`] for an unknown (or used) id.
    pub fn dev_revert(&self, id: u64) -> Result<Header, NodeError> {
        self.require_dev("reverting to a snapshot")?;
        let mut chain = self
            .shared
            .chain
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let snapshot = lock(&self.shared.snapshots).get(id).ok_or_else(|| {
            NodeError::BadRequest(format!(
                "no snapshot {id} (a snapshot is used once, and reverting drops later ones)"
            ))
        })?;
        chain.revert_to(snapshot.number)?;
        lock(&self.shared.snapshots).remove(id);
        if chain.head().hash() != snapshot.hash {
            return Err(NodeError::Chain(format!(
                "block #{} is not the snapshot's block {}",
                snapshot.number, snapshot.hash
            )));
        }
        *lock(&self.shared.clock) = snapshot.clock;
        tracing::info!(number = snapshot.number, id, "reverted to snapshot");
        Ok(chain.head().clone())
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
