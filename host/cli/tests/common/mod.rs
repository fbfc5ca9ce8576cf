//! What the process tests share: a `carechain node` child process on a free port,
//! and the CLI run against it with the contracts' bundles.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The `carechain` binary cargo built for these tests.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_carechain");

/// A running `carechain node` on `base`, killed when dropped; its stderr goes to
/// `base.log`.
pub(crate) struct NodeProcess {
    child: Child,
    addr: String,
}

impl NodeProcess {
    /// Starts the node and waits until it prints its RPC address.
    pub(crate) fn start(base: &Path) -> Self {
        Self::start_with(base, &[])
    }

    /// A node with more `carechain node` flags (`--endow //Heidi=...`).
    pub(crate) fn start_with(base: &Path, flags: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["node", "--rpc-addr", "127.0.0.1:0", "--base-path"])
            .arg(base)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(base.with_extension("log")).expect("log file"),
            ))
            .spawn()
            .expect("the node starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the node prints its RPC address before anything fails")
                .expect("readable");
            if let Some(rest) = line.trim().strip_prefix("rpc      ws://") {
                break rest.split_whitespace().next().expect("address").to_string();
            }
        };
        // Keep draining stdout so the node never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        NodeProcess { child, addr }
    }

    /// `host:port` of its RPC server.
    pub(crate) fn addr(&self) -> &str {
        &self.addr
    }

    /// Its WebSocket URL.
    pub(crate) fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// SIGKILL: no chance to flush or close anything.
    pub(crate) fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where `build-contracts.sh` put the bundles.
pub(crate) fn ink_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/ink")
}

/// The CLI, run against the node at `url` with the contracts' bundles.
pub(crate) fn carechain(url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("CARECHAIN_URL", url)
        .env("CARECHAIN_BUNDLES", ink_dir())
        .output()
        .expect("the CLI runs")
}

/// The CLI against `url`: whether it succeeded, and everything it printed.
pub(crate) fn cli(url: &str, args: &[&str]) -> (bool, String) {
    let out = carechain(url, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Instantiates contract `name`'s bundle (its default constructor) from //Alice;
/// returns its address.
pub(crate) fn instantiate(url: &str, name: &str) -> String {
    instantiate_with(url, name, &[])
}

/// As [`instantiate`], with constructor arguments.
pub(crate) fn instantiate_with(url: &str, name: &str, args: &[&str]) -> String {
    let bundle = ink_dir().join(format!("{name}/{name}.contract"));
    let mut all = vec![
        "instantiate",
        bundle.to_str().expect("utf-8 path"),
        "--suri",
        "//Alice",
        "-x",
        "-o",
        "json",
    ];
    if !args.is_empty() {
        all.push("--args");
        all.extend(args);
    }
    let out = carechain(url, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    report["contract"].as_str().expect("address").to_string()
}

/// The CLI with `-o json` against `url`: its JSON document, or what it printed.
pub(crate) fn json(url: &str, args: &[&str]) -> Result<serde_json::Value, String> {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let out = carechain(url, &all);
    let text = || {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    if !out.status.success() {
        return Err(text());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{e}: {}", text()))
}
