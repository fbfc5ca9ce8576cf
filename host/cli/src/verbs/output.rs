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
