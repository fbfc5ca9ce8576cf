//! The block producer: one thread that drains the pool into blocks, either as soon
//! as something arrives (instant sealing, as substrate-contracts-node does by
//! default) or on a fixed interval, and answers every submitter with its receipt.

use std::collections::VecDeque;
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use carechain_runtime::{Chain, Header, Outcome, Produced, SignedTransaction, Timestamp};

use super::{Included, NodeError, SealedBlock, Shared};
use crate::RedbStore;

/// When blocks are sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// A block as soon as transactions arrive (those that arrive together share one).
    Instant,
    /// A block every interval, empty or not.
    Interval(Duration),
}

type Reply = SyncSender<Result<Vec<Included>, NodeError>>;

/// Transactions from one submitter and where to send their receipts.
pub(super) struct Entry {
    pub(super) txs: Vec<SignedTransaction>,
    /// All in one block, all successful, or none.
    pub(super) atomic: bool,
    /// Taken without a valid signature (a dev node's impersonation).
    pub(super) impersonated: bool,
    pub(super) reply: Reply,
}

/// Waiting submissions.
#[derive(Default)]
pub(super) struct Pool {
    pub(super) entries: VecDeque<Entry>,
    pub(super) stopping: bool,
}

/// The producer loop; returns once the node stops and the pool is sealed.
pub(super) fn run(shared: &Shared, sealing: Sealing) {
    let mut next_tick = match sealing {
        Sealing::Instant => None,
        Sealing::Interval(d) => Some(Instant::now() + d),
    };
    loop {
        let (entries, stopping) = {
            let mut pool = shared.pool.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if pool.stopping {
                    break;
                }
                match (sealing, next_tick) {
                    (Sealing::Interval(d), Some(tick)) => {
                        let now = Instant::now();
                        if now >= tick {
                            next_tick = Some(now + d);
                            break;
                        }
                        pool = shared
                            .wake
                            .wait_timeout(pool, tick - now)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0;
                    }
                    _ if !pool.entries.is_empty() => break,
                    _ => {
                        pool = shared
                            .wake
                            .wait(pool)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                }
            }
            (pool.entries.drain(..).collect::<Vec<_>>(), pool.stopping)
        };
        let empty_blocks = matches!(sealing, Sealing::Interval(_)) && !stopping;
        seal(shared, entries, empty_blocks);
        if stopping {
            return;
        }
    }
}

/// Seals `entries` in order: runs of ordinary submissions share a block; each
/// all-or-nothing batch gets a block of its own.
fn seal(shared: &Shared, entries: Vec<Entry>, empty_blocks: bool) {
    let mut chain = shared.chain.write().unwrap_or_else(PoisonError::into_inner);
    let mut singles = Vec::new();
    let mut sealed_any = false;
    for entry in entries {
        if entry.atomic {
            if !singles.is_empty() {
                sealed_any |= seal_singles(shared, &mut chain, std::mem::take(&mut singles));
            }
            sealed_any |= seal_batch(shared, &mut chain, entry);
        } else {
            singles.push(entry);
        }
    }
    if !singles.is_empty() || (empty_blocks && !sealed_any) {
        seal_singles(shared, &mut chain, singles);
    }
}

/// Milliseconds since the Unix epoch by the machine's clock: a block's timestamp is
/// the producer's word (as in Substrate's timestamp inherent), never read in execution.
pub(super) fn wall_clock() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The timestamp of the block being sealed on `parent` (a set one is used up only
/// when the block is committed: [`publish`]).
fn timestamp(shared: &Shared, parent: &Header) -> Timestamp {
    super::lock(&shared.clock).peek(wall_clock(), parent)
}

/// Seals `count` empty blocks one after another (a dev node's request); returns the
/// new head.
pub(super) fn empty_blocks(shared: &Shared, count: u32) -> Result<Header, NodeError> {
    let mut chain = shared.chain.write().unwrap_or_else(PoisonError::into_inner);
    for _ in 0..count {
        let ts = timestamp(shared, chain.head());
        let produced = chain.produce_block(Vec::new(), ts, &shared.vm)?;
        publish(shared, &produced);
    }
    Ok(chain.head().clone())
}

fn publish(shared: &Shared, produced: &Produced) {
    super::lock(&shared.clock).sealed();
    tracing::info!(
        number = produced.block.header.number,
        hash = %produced.block.header.hash(),
        transactions = produced.receipts.len(),
        rejected = produced.rejected.len(),
        "sealed block"
    );
    // No subscribers is not an error.
    let _ = shared.blocks.send(Arc::new(SealedBlock {
        header: produced.block.header.clone(),
        receipts: produced.receipts.clone(),
    }));
}

/// One block from ordinary submissions; each submitter gets its receipts or the
/// reason its transaction was left out. Returns whether a block was committed.
fn seal_singles(shared: &Shared, chain: &mut Chain<RedbStore>, entries: Vec<Entry>) -> bool {
    let txs: Vec<SignedTransaction> = entries.iter().flat_map(|e| e.txs.clone()).collect();
    let impersonated = impersonated(&entries);
    let ts = timestamp(shared, chain.head());
    let produced = match chain
        .propose_block_impersonating(txs, ts, &shared.vm, &impersonated)
        .and_then(|proposal| chain.commit_proposal(proposal))
    {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "block production failed; nothing committed");
            for entry in entries {
                let _ = entry.reply.send(Err(e.clone().into()));
            }
            return false;
        }
    };
    publish(shared, &produced);
    let header = &produced.block.header;
    // Included transactions keep their submission order, so walking the submissions
    // pairs each with its receipt or its rejection (a replayed copy has the same
    // hash as the original, hence the "first unused" rule for rejections).
    let mut included = produced.block.extrinsics.iter().zip(&produced.receipts);
    let mut next = included.next();
    let mut position = 0u32;
    let mut rejected: Vec<Option<_>> = produced.rejected.iter().map(Some).collect();
    for entry in entries {
        let mut answer = Ok(Vec::with_capacity(entry.txs.len()));
        for tx in &entry.txs {
            let hash = tx.hash();
            if let Some((included_tx, receipt)) = next.filter(|(t, _)| t.hash() == hash) {
                debug_assert_eq!(included_tx.hash(), hash);
                if let Ok(views) = &mut answer {
                    views.push(included_at(header, position, receipt));
                }
                position += 1;
                next = included.next();
            } else {
                let why = rejected
                    .iter_mut()
                    .find(|r| r.is_some_and(|r| r.tx_hash == hash))
                    .and_then(Option::take);
                let error = why.map_or_else(
                    || NodeError::Chain("transaction lost by the producer".into()),
                    |r| NodeError::InvalidTransaction(r.error.clone()),
                );
                if answer.is_ok() {
                    answer = Err(error);
                }
            }
        }
        let _ = entry.reply.send(answer);
    }
    true
}

/// One all-or-nothing batch: committed only if every transaction succeeded.
fn seal_batch(shared: &Shared, chain: &mut Chain<RedbStore>, entry: Entry) -> bool {
    let ts = timestamp(shared, chain.head());
    let impersonated = impersonated(std::slice::from_ref(&entry));
    let result = chain
        .propose_block_impersonating(entry.txs.clone(), ts, &shared.vm, &impersonated)
        .map_err(NodeError::from)
        .and_then(|proposal| {
            let produced = &proposal.produced;
            if let Some(first) = produced.rejected.first() {
                let index = entry
                    .txs
                    .iter()
                    .position(|t| t.hash() == first.tx_hash)
                    .unwrap_or_default();
                return Err(NodeError::BatchFailed {
                    index,
                    outcome: format!("is invalid ({})", first.error),
                    applied: None,
                    output: Vec::new(),
                });
            }
            if let Some((index, receipt)) = produced
                .receipts
                .iter()
                .enumerate()
                .find(|(_, r)| r.outcome != Outcome::Success)
            {
                let outcome = receipt.outcome.failure().map_or_else(
                    || receipt.outcome.word().to_string(),
                    |e| format!("failed: {e}"),
                );
                return Err(NodeError::BatchFailed {
                    index,
                    outcome,
                    applied: Some(receipt.outcome.clone()),
                    output: receipt.output.clone(),
                });
            }
            Ok(chain.commit_proposal(proposal)?)
        });
    let committed = result.is_ok();
    let answer = result.map(|produced| {
        publish(shared, &produced);
        let header = &produced.block.header;
        produced
            .receipts
            .iter()
            .enumerate()
            .map(|(i, r)| included_at(header, u32::try_from(i).unwrap_or(u32::MAX), r))
            .collect()
    });
    let _ = entry.reply.send(answer);
    committed
}

/// The hashes of the impersonated submissions' transactions.
fn impersonated(entries: &[Entry]) -> Vec<carechain_runtime::Hash> {
    entries
        .iter()
        .filter(|e| e.impersonated)
        .flat_map(|e| e.txs.iter().map(SignedTransaction::hash))
        .collect()
}

fn included_at(header: &Header, index: u32, receipt: &carechain_runtime::Receipt) -> Included {
    Included {
        block_hash: header.hash(),
        location: carechain_runtime::TxLocation {
            block: header.number,
            index,
        },
        receipt: receipt.clone(),
    }
}
