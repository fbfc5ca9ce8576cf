//! The `carechain` command line: `node` runs a dev chain with its RPC server; the
//! client verbs talk to a running node (`--url`) or open a state directory directly
//! (`--state`), with arguments transcoded from the contract's metadata as
//! `cargo contract` does; `epcis` maps GS1 EPCIS documents to the DSCSA contract;
//! `sentinel` runs the sentinel against the chain (its glue to the chain is here, the
//! learners are in `carechain-sentinel`).

mod sentinel;
mod verbs;

pub use carechain_bundle::{find_by_code_hash, Bundle};
pub use sentinel::{
    evaluate, observe_all, ranked, read_events, run_simulation, simulate, train_on_simulation,
    training_set, Evaluated, SimulatedRun, TrustedEmitters,
};
pub use verbs::{check_proof, cli_codes, error_document, reported, run, Cli, Command, Format};
