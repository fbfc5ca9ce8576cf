//! `carechain dev`: a dev node's clock, blocks and snapshots (anvil's `evm_*`
//! methods), to test contracts that depend on block time and to give every test the
//! same starting state. A node started without `--dev` refuses them all.

use anyhow::{anyhow, Context, Result};
use clap::{Args, Subcommand};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::output::Out;
use super::Connection;
use carechain_rpc::HeaderView;

/// `dev` verbs.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Block time: give the next block a timestamp, or move time forward.
    #[command(subcommand)]
    Time(TimeCommand),
    /// Seal empty blocks (`dev blocks 100`).
    Blocks(BlocksArgs),
    /// Remember the chain's head, state and clock; prints the snapshot's id.
    Snapshot(SnapshotArgs),
    /// Put the whole chain back as it was at a snapshot (the snapshot and every later
    /// one are used up).
    Revert(RevertArgs),
}

/// `dev time` verbs.
#[derive(Debug, Subcommand)]
pub enum TimeCommand {
    /// The next block's timestamp: milliseconds since the Unix epoch, or RFC 3339
    /// (`2027-01-01T00:00:00Z`). Never before the head's.
    Set(TimeSetArgs),
    /// Move time forward by a duration (`90s`, `2h`, `30days`, `1500ms`, `1h 30m`).
    Advance(TimeAdvanceArgs),
}

/// `dev time set` arguments.
#[derive(Debug, Args)]
pub struct TimeSetArgs {
    /// Milliseconds since the Unix epoch, or an RFC 3339 date and time.
    #[arg(value_parser = parse_timestamp)]
    pub at: u64,
    #[command(flatten)]
    conn: Connection,
}

/// `dev time advance` arguments.
#[derive(Debug, Args)]
pub struct TimeAdvanceArgs {
    /// How far: `90s`, `2h`, `30days`, `1500ms`.
    pub by: humantime::Duration,
    #[command(flatten)]
    conn: Connection,
}

/// `dev blocks` arguments.
#[derive(Debug, Args)]
pub struct BlocksArgs {
    /// How many empty blocks (1 to 10,000).
    pub count: u32,
    #[command(flatten)]
    conn: Connection,
}

/// `dev snapshot` arguments.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    conn: Connection,
}

/// `dev revert` arguments.
#[derive(Debug, Args)]
pub struct RevertArgs {
    /// The id `dev snapshot` printed.
    pub id: u64,
    #[command(flatten)]
    conn: Connection,
}

/// Milliseconds since the epoch, from a number or an RFC 3339 date.
fn parse_timestamp(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(ms) = text.replace('_', "").parse::<u64>() {
        return Ok(ms);
    }
    let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
        format!("`{text}`: neither milliseconds since the Unix epoch nor RFC 3339 ({e}); e.g. 2027-01-01T00:00:00Z")
    })?;
    u64::try_from(at.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| format!("`{text}` is before the Unix epoch"))
}

/// A block timestamp for people: RFC 3339 in UTC.
fn date(ms: u64) -> String {
    i128::from(ms)
        .checked_mul(1_000_000)
        .and_then(|ns| OffsetDateTime::from_unix_timestamp_nanos(ns).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("{ms} ms"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NextBlock {
    next_timestamp: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    id: u64,
}

/// Runs a `dev` verb.
///
/// # Errors
/// The node refuses (not a dev node, time before the head, unknown snapshot) or
/// cannot be reached.
pub(super) fn run(cmd: DevCommand, out: &Out) -> Result<()> {
    match cmd {
        DevCommand::Time(TimeCommand::Set(args)) => {
            let client = args.conn.connect()?;
            let at = client.dev_set_next_timestamp(args.at)?;
            out.emit(&NextBlock { next_timestamp: at }, || {
                println!("next block at {} ({at} ms)", date(at));
            })
        }
        DevCommand::Time(TimeCommand::Advance(args)) => {
            let client = args.conn.connect()?;
            let by =
                u64::try_from(args.by.as_millis()).map_err(|_| anyhow!("{}: too far", args.by))?;
            let at = client.dev_advance_time(by)?;
            out.emit(&NextBlock { next_timestamp: at }, || {
                println!(
                    "time moved {} forward: next block at {} ({at} ms)",
                    args.by,
                    date(at)
                );
            })
        }
        DevCommand::Blocks(args) => {
            let client = args.conn.connect()?;
            let head: HeaderView = client
                .dev_produce_blocks(args.count)
                .with_context(|| format!("sealing {} blocks", args.count))?;
            out.emit(&head, || {
                println!(
                    "sealed {} empty block(s): head #{} {} at {}",
                    args.count,
                    head.number,
                    head.hash.0,
                    date(head.timestamp)
                );
            })
        }
        DevCommand::Snapshot(args) => {
            let client = args.conn.connect()?;
            let id = client.dev_snapshot()?;
            out.emit(&Snapshot { id }, || println!("{id}"))
        }
        DevCommand::Revert(args) => {
            let client = args.conn.connect()?;
            let head = client.dev_revert(args.id)?;
            out.emit(&head, || {
                println!(
                    "reverted to snapshot {}: head #{} {} (state root {})",
                    args.id, head.number, head.hash.0, head.state_root.0
                );
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_milliseconds_or_rfc3339() {
        assert_eq!(parse_timestamp("1700000000000"), Ok(1_700_000_000_000));
        assert_eq!(
            parse_timestamp("2027-01-01T00:00:00Z"),
            Ok(1_798_761_600_000)
        );
        assert_eq!(
            parse_timestamp("2027-01-01T01:00:00+01:00"),
            Ok(1_798_761_600_000)
        );
        let err = parse_timestamp("next tuesday").expect_err("not a time");
        assert!(err.contains("RFC 3339"), "{err}");
        assert!(parse_timestamp("1969-12-31T23:59:59Z").is_err());
        assert_eq!(date(1_798_761_600_000), "2027-01-01T00:00:00Z");
    }
}
