//! The rule of what may depend on what (docs/architecture.md), checked on the real
//! dependency graph: `cargo tree` of each crate's normal dependencies, transitively.
//! A forbidden edge (the runtime on wasmtime, the node on clap, the VM on redb, ...)
//! fails here, not in review.

use std::collections::BTreeSet;
use std::process::Command;

/// Every package `krate` depends on for its build (normal edges only), itself included.
fn dependencies(krate: &str) -> BTreeSet<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO"))
        .args([
            "tree", "-p", krate, "-e", "normal", "--prefix", "none", "--locked",
        ])
        .args(["--manifest-path", &format!("{root}/../Cargo.toml")])
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree -p {krate}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Carechain's own crates, bottom to top.
const OURS: &[&str] = &[
    "carechain-runtime",
    "carechain-vm",
    "carechain-bundle",
    "carechain-session",
    "carechain-node",
    "carechain-rpc",
    "carechain-epcis",
    "carechain-sentinel",
    "carechain-cli",
];

/// For each crate: the Carechain crates it may use, and outside crates it must never
/// reach, even through another dependency.
const RULES: &[(&str, &[&str], &[&str])] = &[
    (
        "carechain-runtime",
        &[],
        &[
            "wasmtime",
            "redb",
            "jsonrpsee",
            "tokio",
            "clap",
            "serde_json",
            "tracing",
        ],
    ),
    (
        "carechain-vm",
        &["carechain-runtime"],
        &["redb", "jsonrpsee", "tokio", "clap", "serde_json"],
    ),
    (
        "carechain-bundle",
        &["carechain-runtime"],
        &["wasmtime", "redb", "jsonrpsee", "tokio", "clap"],
    ),
    (
        "carechain-session",
        &["carechain-runtime", "carechain-vm", "carechain-bundle"],
        &["redb", "jsonrpsee", "tokio", "clap"],
    ),
    (
        "carechain-node",
        &["carechain-runtime", "carechain-vm"],
        &["jsonrpsee", "clap", "serde_json", "contract-transcode"],
    ),
    (
        "carechain-rpc",
        &["carechain-runtime", "carechain-vm", "carechain-node"],
        &["clap", "contract-transcode", "indicatif"],
    ),
    (
        "carechain-epcis",
        &["carechain-runtime"],
        &["wasmtime", "redb", "jsonrpsee", "tokio", "clap"],
    ),
    (
        "carechain-sentinel",
        &[],
        &["wasmtime", "redb", "jsonrpsee", "tokio", "clap"],
    ),
];

#[test]
fn crates_depend_only_downward() {
    let mut broken = Vec::new();
    for (krate, allowed, forbidden) in RULES {
        let deps = dependencies(krate);
        for ours in OURS.iter().filter(|o| *o != krate && deps.contains(**o)) {
            if !allowed.contains(ours) {
                broken.push(format!("{krate} -> {ours}"));
            }
        }
        for outside in forbidden.iter().filter(|f| deps.contains(**f)) {
            broken.push(format!("{krate} -> {outside}"));
        }
    }
    assert!(broken.is_empty(), "forbidden dependency edges: {broken:?}");
}

#[test]
fn the_rule_sees_real_edges() {
    // The check above would pass vacuously if `cargo tree` listed nothing.
    let cli = dependencies("carechain-cli");
    let below_cli = OURS.iter().filter(|o| **o != "carechain-session");
    for expected in below_cli.chain(&["wasmtime", "redb", "clap"]) {
        assert!(
            cli.contains(*expected),
            "carechain-cli should reach {expected}"
        );
    }
    let session = dependencies("carechain-session");
    for expected in ["carechain-bundle", "carechain-vm", "wasmtime"] {
        assert!(
            session.contains(expected),
            "carechain-session should reach {expected}"
        );
    }
}
