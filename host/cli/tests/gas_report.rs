//! `carechain gas-report` as a user runs it: a scenario on a fresh in-process chain,
//! its figures equal to pallet-contracts' (flipper's `flip`: the differential suite's
//! 522,570,444 ps / 8,225 bytes), a snapshot, and `--check` failing when a figure moves.

use std::path::PathBuf;

use serde_json::Value;

mod common;

use common::{carechain, ink_dir};

fn flipper() -> String {
    ink_dir()
        .join("flipper/flipper.contract")
        .to_string_lossy()
        .into_owned()
}

fn scenario() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/gas-report/flipper.toml")
        .to_string_lossy()
        .into_owned()
}

fn row<'a>(report: &'a Value, message: &str) -> &'a Value {
    report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|r| r["message"] == message)
        .unwrap_or_else(|| panic!("no row for {message}: {report}"))
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = carechain("ws://127.0.0.1:1", args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_scenario_reports_per_message_spreads_and_check_catches_a_moved_figure() {
    let dir = tempfile::tempdir().expect("tmp");
    let snapshot = dir.path().join("gas.json");
    let snapshot = snapshot.to_str().expect("utf-8 path");
    let (flipper, scenario) = (flipper(), scenario());
    let base = [
        "gas-report",
        flipper.as_str(),
        "--scenario",
        scenario.as_str(),
        "--sandbox-compatible",
    ];

    let (ok, stdout, stderr) = run(&[&base[..], &["-o", "json", "--snapshot", snapshot]].concat());
    assert!(ok, "{stdout}{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("one JSON document");
    let flip = row(&report, "flip");
    assert_eq!(flip["calls"], 3);
    assert_eq!(flip["ref_time"]["median"], 522_570_444, "{flip}");
    assert_eq!(flip["proof_size"]["max"], 8_225, "{flip}");
    assert_eq!(flip["deposit"]["min"], 0);
    // ink_sandbox's charge for a new flipper: the base deposit (the 122-byte record,
    // one item, the existential deposit) and the one-byte `value` as one item.
    let new = row(&report, "new");
    assert_eq!(new["deposit"]["median"], 126, "{new}");
    assert_eq!(row(&report, "get")["calls"], 1);

    // The same scenario again matches its snapshot exactly.
    let (ok, stdout, stderr) = run(&[&base[..], &["--snapshot", snapshot, "--check"]].concat());
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("| flipper | `flip` | 3 | 522570444 / 522570444 / 522570444 |"),
        "{stdout}"
    );

    // A snapshot in which `flip` was 2% cheaper fails at 1% and passes at 5%.
    let mut moved = report.clone();
    let cheaper = 522_570_444u64 * 98 / 100;
    moved["messages"]
        .as_array_mut()
        .expect("messages")
        .iter_mut()
        .filter(|r| r["message"] == "flip")
        .for_each(|r| r["ref_time"]["median"] = cheaper.into());
    std::fs::write(snapshot, moved.to_string()).expect("write");
    let check = |tolerance: &str| {
        run(&[
            &base[..],
            &["--snapshot", snapshot, "--check", "--tolerance", tolerance],
        ]
        .concat())
    };
    let (ok, _, stderr) = check("1");
    assert!(!ok, "a 2% move passed a 1% check");
    assert!(
        stderr.contains(&format!(
            "flipper::flip: ref_time median {cheaper} -> 522570444"
        )),
        "{stderr}"
    );
    let (ok, stdout, stderr) = check("5");
    assert!(ok, "{stdout}{stderr}");
}

#[test]
fn a_step_with_an_unexpected_outcome_stops_the_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[deploy]]\nname = \"f\"\nargs = [\"false\"]\n\n[[step]]\ncontract = \"f\"\nmessage = \"flip\"\nexpect = \"reverted\"\n",
    )
    .expect("write");
    let flipper = flipper();
    let (ok, _, stderr) = run(&[
        "gas-report",
        &flipper,
        "--scenario",
        bad.to_str().expect("utf-8"),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("step 1 (`f::flip`)") && stderr.contains("expected Reverted, got success"),
        "{stderr}"
    );
}
