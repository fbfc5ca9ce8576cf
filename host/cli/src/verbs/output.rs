//! Printing: text for people, or one JSON document per command for scripts.

use serde::Serialize;

use super::Format;

/// Where results go.
pub(super) struct Out {
    format: Format,
}

impl Out {
    pub(super) fn new(format: Format) -> Self {
        Out { format }
    }

    /// Prints `value` as JSON, or runs `text` to print it for people.
    pub(super) fn emit<T: Serialize>(&self, value: &T, text: impl FnOnce()) -> anyhow::Result<()> {
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(value)?),
            Format::Text => text(),
        }
        Ok(())
    }

    /// A progress line for people (stderr in JSON mode, so stdout stays one document).
    pub(super) fn note(&self, line: &str) {
        match self.format {
            Format::Json => eprintln!("{line}"),
            Format::Text => println!("{line}"),
        }
    }
}

/// A gas figure for people: `ref_time 1.23 ms, proof_size 4 KiB` style.
pub(super) fn gas(g: &carechain_rpc::Gas) -> String {
    format!(
        "ref_time {} ps, proof_size {} bytes",
        g.ref_time, g.proof_size
    )
}

/// A call or constructor that did not succeed in its dry run. The verb has printed
/// its report (in JSON, that is the one document on stdout); this error sets the exit
/// status and names the outcome.
#[derive(Debug, thiserror::Error)]
#[error("{text}")]
pub(crate) struct DryRunFailed {
    /// What happened, in words.
    pub(crate) text: String,
    /// `reverted` or `failed`.
    pub(crate) outcome: &'static str,
    /// pallet-contracts' name of the error, for `failed`.
    pub(crate) error_name: Option<String>,
}

/// CLI-side codes, beside the node's JSON-RPC codes (`docs/rpc.md`).
pub mod cli_codes {
    /// A bad argument, bundle, file or flag: nothing reached the chain.
    pub const INPUT: i32 = 2000;
    /// The node could not be reached.
    pub const UNREACHABLE: i32 = 2001;
    /// The dry run reverted or failed, so nothing was submitted.
    pub const DRY_RUN_FAILED: i32 = 2002;
}

/// The word for an error code, stable as the code is.
fn kind(code: i32) -> &'static str {
    use carechain_rpc::codes;
    match code {
        codes::INVALID_PARAMS => "invalidParams",
        -32601 => "noSuchMethod",
        codes::INVALID_TRANSACTION => "invalidTransaction",
        codes::BATCH_FAILED => "batchFailed",
        codes::UNKNOWN_BLOCK => "unknownBlock",
        codes::CHAIN => "chain",
        codes::STOPPING => "stopping",
        codes::NOT_DEV => "notDev",
        cli_codes::UNREACHABLE => "unreachable",
        cli_codes::DRY_RUN_FAILED => "dryRunFailed",
        cli_codes::INPUT => "input",
        _ => "rpc",
    }
}

/// `e` as the JSON document `--output json` prints for a failed command:
/// `{"error": {"code", "kind", "message", "data"?}}`, with the node's code when the
/// node refused, a CLI code otherwise.
pub fn error_document(e: &anyhow::Error) -> serde_json::Value {
    use carechain_rpc::ClientError;
    let mut data = None;
    let code = e
        .chain()
        .find_map(|cause| {
            if let Some(client) = cause.downcast_ref::<ClientError>() {
                return Some(match client {
                    ClientError::Rpc { code, data: d, .. } => {
                        data.clone_from(d);
                        *code
                    }
                    ClientError::Node(node) => carechain_rpc::error_object(node.clone()).code(),
                    ClientError::Transport(_) => cli_codes::UNREACHABLE,
                });
            }
            if let Some(failed) = cause.downcast_ref::<DryRunFailed>() {
                data = Some(serde_json::json!({
                    "outcome": failed.outcome,
                    "errorName": failed.error_name,
                }));
                return Some(cli_codes::DRY_RUN_FAILED);
            }
            None
        })
        .unwrap_or(cli_codes::INPUT);
    let mut error = serde_json::json!({
        "code": code,
        "kind": kind(code),
        "message": format!("{e:#}"),
    });
    if let (Some(data), Some(map)) = (data, error.as_object_mut()) {
        map.insert("data".into(), data);
    }
    serde_json::json!({ "error": error })
}

/// Whether the verb already printed its JSON report before failing (a dry run that
/// did not succeed), so the error must not be a second document on stdout.
pub fn reported(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| cause.is::<DryRunFailed>())
}
