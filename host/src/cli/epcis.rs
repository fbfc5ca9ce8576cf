//! EPCIS (placeholder until import/export land).
use clap::Subcommand;

/// `epcis` verbs.
#[derive(Debug, Subcommand)]
pub enum EpcisCommand {}

pub(super) fn run(cmd: EpcisCommand, _out: &super::output::Out) -> anyhow::Result<()> {
    match cmd {}
}
