//! A dev node through the CLI: a consent that ends in an hour is tested by moving time
//! forward, empty blocks are sealed on request, and a snapshot puts back the state
//! root, the balances and the clock; an account nobody holds the key of sends
//! transactions (`--as`). A node started without `--dev` refuses it all.

use serde_json::Value;

mod common;

use common::{cli, instantiate, json, NodeProcess};

/// The head's header as `block -o json` prints it.
fn head(url: &str) -> Value {
    json(url, &["block"]).expect("block")["header"].clone()
}

fn number(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Whether the consent contract at `at` says Bob may read Alice's general data for
/// treatment, asked by Bob in a dry run.
fn bob_may_read(url: &str, at: &str) -> bool {
    let report = json(
        url,
        &[
            "call",
            at,
            "--message",
            "is_permitted",
            "--args",
            "//Alice",
            "//Bob",
            "Treatment",
            "General",
            "--suri",
            "//Bob",
        ],
    )
    .expect("is_permitted");
    let result = report["result"]
        .as_str()
        .expect("decoded result")
        .to_string();
    match result.as_str() {
        "Ok(true)" | "true" => true,
        "Ok(false)" | "false" => false,
        other => panic!("unexpected answer {other}"),
    }
}

#[test]
fn a_time_locked_consent_is_tested_by_moving_time_and_a_snapshot_undoes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = NodeProcess::start_with(&dir.path().join("chain"), &["--dev"]);
    let url = node.url();
    let at = instantiate(&url, "consent");

    // Alice permits Bob for one hour from now.
    let start = number(&head(&url)["timestamp"]);
    let end = start + 3_600_000;
    let end_arg = format!("Some({end})");
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "record",
            "--suri",
            "//Alice",
            "-x",
            "--args",
            "//Alice",
            "//Bob",
            "Permit",
            "[Treatment]",
            "[General]",
            "0",
            &end_arg,
        ],
    );
    assert!(ok, "{text}");
    assert!(bob_may_read(&url, &at));

    let before = head(&url);
    let alice_before = json(&url, &["account", "//Alice"]).expect("account")["balance"].clone();
    let snapshot = number(&json(&url, &["dev", "snapshot"]).expect("snapshot")["id"]);

    // Two hours later the permit has ended: a dry run already sees the next block's time.
    let next = json(&url, &["dev", "time", "advance", "2h"]).expect("advance");
    assert!(
        number(&next["nextTimestamp"]) >= start + 7_200_000,
        "{next}"
    );
    assert!(!bob_may_read(&url, &at), "the consent ended an hour ago");
    let sealed = json(&url, &["dev", "blocks", "3"]).expect("blocks");
    assert_eq!(number(&sealed["number"]), number(&before["number"]) + 3);
    assert!(number(&sealed["timestamp"]) >= end);
    assert!(!bob_may_read(&url, &at));
    // Something that costs Alice fees, to see them come back.
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Charlie",
            "--suri",
            "//Alice",
            "-x",
        ],
    );
    assert!(ok, "{text}");

    // Block time never goes back.
    let (ok, text) = cli(&url, &["dev", "time", "set", &start.to_string()]);
    assert!(!ok && text.contains("never goes back"), "{text}");

    // The snapshot puts back the head, its state root, balances and the clock.
    let reverted = json(&url, &["dev", "revert", &snapshot.to_string()]).expect("revert");
    assert_eq!(reverted["hash"], before["hash"]);
    assert_eq!(reverted["stateRoot"], before["stateRoot"]);
    assert_eq!(head(&url)["hash"], before["hash"]);
    let alice_after = json(&url, &["account", "//Alice"]).expect("account")["balance"].clone();
    assert_eq!(alice_after, alice_before);
    assert!(bob_may_read(&url, &at), "back before the end of the permit");
    // The chain goes on from the snapshot; a snapshot is used once.
    let (ok, text) = cli(&url, &["dev", "blocks", "1"]);
    assert!(ok, "{text}");
    let (ok, text) = cli(&url, &["dev", "revert", &snapshot.to_string()]);
    assert!(!ok && text.contains("no snapshot"), "{text}");

    // An exact timestamp, in RFC 3339.
    let set = json(&url, &["dev", "time", "set", "2100-01-01T00:00:00Z"]).expect("set");
    assert_eq!(number(&set["nextTimestamp"]), 4_102_444_800_000);
    let sealed = json(&url, &["dev", "blocks", "1"]).expect("blocks");
    assert_eq!(number(&sealed["timestamp"]), 4_102_444_800_000);
}

/// An endowed account whose key no one has.
fn keyless() -> String {
    format!("0x{}", "02".repeat(32))
}

#[test]
fn an_account_without_a_key_is_impersonated_on_a_dev_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whale = keyless();
    let endow = format!("{whale}=1000000000000000000000");
    let node = NodeProcess::start_with(&dir.path().join("chain"), &["--dev", "--endow", &endow]);
    let url = node.url();
    let at = instantiate(&url, "consent");

    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Dave",
            "--as",
            &whale,
            "-x",
        ],
    );
    assert!(ok, "{text}");
    // A dry run as any origin: the whale asks about its own delegate.
    let report = json(
        &url,
        &[
            "call",
            &at,
            "--message",
            "is_delegate",
            "--args",
            &whale,
            "//Dave",
            "--as",
            &whale,
        ],
    )
    .expect("is_delegate");
    assert_eq!(report["result"], "Ok(true)", "{report}");
    // The block records the whale as the transaction's signer, with its nonce.
    let block = json(&url, &["block"]).expect("block");
    let account = json(&url, &["account", &whale]).expect("account");
    assert_eq!(
        block["transactions"][0]["signer"], account["address"],
        "{block}"
    );
    assert_eq!(account["nonce"], 1);
}

#[test]
fn a_node_without_dev_refuses_time_travel_and_snapshots() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whale = keyless();
    let endow = format!("{whale}=1000000000000000000000");
    let node = NodeProcess::start_with(&dir.path().join("chain"), &["--endow", &endow]);
    let url = node.url();
    for verb in [
        &["dev", "time", "advance", "1h"][..],
        &["dev", "time", "set", "2100-01-01T00:00:00Z"],
        &["dev", "blocks", "1"],
        &["dev", "snapshot"],
        &["dev", "revert", "1"],
    ] {
        let (ok, text) = cli(&url, verb);
        assert!(!ok, "{verb:?}: {text}");
        assert!(
            text.contains("only available on a dev node"),
            "{verb:?}: {text}"
        );
    }
    // No impersonation either, though anyone may dry-run as any origin.
    let at = instantiate(&url, "consent");
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Dave",
            "--as",
            &whale,
            "-x",
        ],
    );
    assert!(
        !ok && text.contains("only available on a dev node"),
        "{text}"
    );
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "is_delegate",
            "--args",
            &whale,
            "//Dave",
            "--as",
            &whale,
        ],
    );
    assert!(ok && text.contains("false"), "{text}");
    let (ok, text) = cli(&url, &["dev", "time", "advance", "soon"]);
    assert!(!ok && text.contains("soon"), "{text}");

    // Nor is a node's state directory opened with --state a dev node.
    node.kill_9();
    let state = dir.path().join("chain");
    let state = state.to_str().expect("utf-8");
    for verb in [
        &["dev", "snapshot", "--state", state][..],
        &["dev", "time", "advance", "1h", "--state", state],
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Dave",
            "--as",
            &whale,
            "-x",
            "--state",
            state,
        ],
    ] {
        let (ok, text) = cli(&url, verb);
        assert!(
            !ok && text.contains("only available on a dev node"),
            "{verb:?}: {text}"
        );
    }
}

/// `--trace` on a dry run and on a submitted call: ehr_access asks consent, and both
/// frames carry their contract and message names.
#[test]
fn a_trace_names_the_nested_consent_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = NodeProcess::start(&dir.path().join("chain"));
    let url = node.url();
    let consent = instantiate(&url, "consent");
    let ehr = common::instantiate_with(&url, "ehr_access", &[&consent, "//Dave"]);
    let ok = |args: &[&str]| {
        let (ok, text) = cli(&url, args);
        assert!(ok, "{args:?}: {text}");
    };
    ok(&[
        "call",
        &consent,
        "--message",
        "add_reader",
        "--args",
        &ehr,
        "-x",
    ]);
    ok(&[
        "call",
        &ehr,
        "--message",
        "add_provider",
        "--args",
        "//Bob",
        "-x",
    ]);
    ok(&[
        "call",
        &ehr,
        "--message",
        "register_care_relation",
        "--args",
        "//Charlie",
        "//Bob",
        "0",
        "99999999999999",
        "-x",
    ]);
    let content = format!("0x{}", "11".repeat(32));
    let location = format!("0x{}", "22".repeat(32));
    let registered = json(
        &url,
        &[
            "call",
            &ehr,
            "--suri",
            "//Bob",
            "--message",
            "register_record",
            "--args",
            "//Charlie",
            "Labs",
            &content,
            &location,
            "-x",
        ],
    )
    .expect("register_record");
    let output = registered["receipt"]["output"].as_str().expect("output");
    let id = format!("0x{}", &output[6..70]);
    ok(&[
        "call",
        &consent,
        "--suri",
        "//Charlie",
        "--message",
        "record",
        "--args",
        "//Charlie",
        "//Bob",
        "Permit",
        "[Treatment]",
        "[Labs]",
        "0",
        "None",
        "-x",
    ]);
    let request = [
        "call",
        &ehr,
        "--suri",
        "//Bob",
        "--message",
        "request_access",
        "--args",
        &id,
        "Treatment",
        "--trace",
    ];
    for execute in [false, true] {
        let mut args = request.to_vec();
        if execute {
            args.push("-x");
        }
        let report = json(&url, &args).expect("request_access");
        let frames = report["trace"].as_array().expect("a trace").clone();
        let names: Vec<String> = frames
            .iter()
            .map(|f| {
                format!(
                    "{}::{}",
                    f["contractName"].as_str().unwrap_or("?"),
                    f["message"].as_str().unwrap_or("?")
                )
            })
            .collect();
        assert_eq!(names[0], "ehr_access::request_access", "{names:?}");
        let asked = frames
            .iter()
            .find(|f| f["message"] == "decision")
            .unwrap_or_else(|| panic!("no consent frame: {names:?}"));
        assert_eq!(asked["contractName"], "consent");
        assert_eq!(asked["depth"], 1);
        assert_eq!(asked["returned"], "Ok(Some(true))");
        assert!(asked["args"].as_str().expect("args").contains("Treatment"));
        assert!(!frames[0]["decodedEvents"]
            .as_array()
            .expect("events")
            .is_empty());
    }
    // For people: the tree, indented.
    let (ok, text) = cli(&url, &request);
    assert!(ok, "{text}");
    assert!(
        text.contains("trace:") && text.contains("call consent::decision"),
        "{text}"
    );
}
