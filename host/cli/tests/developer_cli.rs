//! The CLI's rough edges, as a developer meets them on a dev node: dev URIs where an
//! account is expected, argument errors that show the one signature with full types
//! and the enum variants, failed dry runs that exit non-zero, value refused by a
//! non-payable message, a mistyped `--state`, `verify-proof` saying what it did not
//! check, completions and man pages, and logs without colour codes in a file.

use serde_json::Value;

mod common;

use common::{carechain, cli, instantiate, NodeProcess, BIN};

fn consent(url: &str) -> String {
    instantiate(url, "consent")
}

#[test]
fn a_developer_meets_clear_answers_on_a_dev_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("chain");
    let node = NodeProcess::start(&base);
    let url = node.url();
    let at = consent(&url);

    // A dev URI stands for its account, in arguments and in storage keys.
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Bob",
            "--suri",
            "//Alice",
        ],
    );
    assert!(ok, "{text}");
    assert!(text.contains("dry run: success"), "{text}");
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Bob",
            "--suri",
            "//Alice",
            "-x",
        ],
    );
    assert!(ok, "{text}");
    let (ok, text) = cli(
        &url,
        &[
            "proof",
            &at,
            "--field",
            "delegates",
            "--key",
            "(//Alice, //Bob)",
        ],
    );
    assert!(ok && text.contains("value 0x"), "{text}");

    // A bad argument: the one signature with full types, the enums' variants, and
    // neither the parser's dump nor every other message.
    let args = [
        "//Alice",
        "//Bob",
        "Maybe",
        "[Treatment]",
        "[]",
        "0",
        "None",
    ];
    let mut call = vec![
        "call",
        &at,
        "--message",
        "record",
        "--suri",
        "//Alice",
        "--args",
    ];
    call.extend(args);
    let (ok, text) = cli(&url, &call);
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "record(patient: AccountId, grantee: AccountId, provision: Provision, \
             purposes: Vec<Purpose>, classes: Vec<DataClass>, start: Timestamp, end: Option<u64>)"
        ),
        "{text}"
    );
    assert!(text.contains("Provision: Permit | Deny"), "{text}");
    assert!(text.contains("DataClass: General | Medications"), "{text}");
    assert!(
        !text.contains("consents_of"),
        "only the message concerned: {text}"
    );
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "(",
            "--suri",
            "//Alice",
        ],
    );
    assert!(!ok && !text.contains("Stack {"), "no parser dump: {text}");

    // A dry run that reverts, or value to a message that is not payable, exits non-zero.
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "revoke",
            "--args",
            "99",
            "--suri",
            "//Alice",
        ],
    );
    assert!(!ok, "{text}");
    assert!(text.contains("ConsentNotFound"), "{text}");
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Bob",
            "--suri",
            "//Alice",
            "--value",
            "5",
        ],
    );
    assert!(!ok && text.contains("not payable"), "{text}");

    // A state directory that holds no chain is an error, and creates nothing.
    let missing = dir.path().join("typo");
    let (ok, text) = cli(
        &url,
        &[
            "account",
            "//Alice",
            "--state",
            missing.to_str().expect("utf-8"),
        ],
    );
    assert!(!ok && text.contains("no chain here"), "{text}");
    assert!(!missing.exists());

    // verify-proof says when it checked only the proof against its own header.
    let proof = dir.path().join("proof.json");
    let out = carechain(
        &url,
        &[
            "proof",
            &at,
            "--field",
            "delegates",
            "--key",
            "(//Alice, //Bob)",
            "-o",
            "json",
        ],
    );
    std::fs::write(&proof, &out.stdout).expect("write proof");
    let proof_path = proof.to_str().expect("utf-8");
    let (ok, text) = cli(&url, &["verify-proof", proof_path]);
    assert!(ok && text.contains("checked only"), "{text}");
    let printed: Value = serde_json::from_slice(&out.stdout).expect("proof JSON");
    let hash = printed["header"]["hash"].as_str().expect("header hash");
    let (ok, text) = cli(&url, &["verify-proof", proof_path, "--block-hash", hash]);
    assert!(ok && !text.contains("checked only"), "{text}");

    // The node's log file has no colour codes.
    drop(node);
    let log = std::fs::read_to_string(base.with_extension("log")).expect("node log");
    assert!(!log.contains('\u{1b}'), "ANSI codes in a file: {log}");
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_itself() {
    for shell in ["bash", "zsh", "fish"] {
        let out = std::process::Command::new(BIN)
            .args(["completions", shell])
            .output()
            .expect("runs");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{shell}");
        assert!(
            script.contains("verify-proof") && script.contains("gas-report"),
            "{shell}: every verb completes"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(BIN)
        .arg("man")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(out.status.success());
    for page in ["carechain.1", "carechain-call.1", "carechain-epcis.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).expect(page);
        assert!(text.contains(".TH"), "{page} is a man page");
    }
}

/// `storage`: the consent contract's fields and Mapping entries, decoded from its
/// storage layout, each with a proof checked against the block's state root.
#[test]
fn the_consent_storage_lists_decoded_with_proofs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = NodeProcess::start(&dir.path().join("chain"));
    let url = node.url();
    let at = consent(&url);
    for args in [
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "//Bob",
            "-x",
        ][..],
        &[
            "call",
            &at,
            "--message",
            "record",
            "-x",
            "--args",
            "//Alice",
            "//Charlie",
            "Permit",
            "[Treatment]",
            "[Labs]",
            "0",
            "None",
        ],
    ] {
        let (ok, text) = cli(&url, args);
        assert!(ok, "{args:?}: {text}");
    }
    let listing = common::json(&url, &["storage", &at, "--proof"]).expect("storage");
    assert_eq!(listing["contractName"], "consent");
    assert_eq!(listing["proofsVerified"], true);
    let cells = listing["cells"].as_array().expect("cells");
    let field =
        |name: &str| -> Vec<&Value> { cells.iter().filter(|c| c["field"] == name).collect() };
    assert_eq!(field("next_id")[0]["value"], "1", "{listing}");
    let alice = common::json(&url, &["account", "//Alice"]).expect("account")["address"]
        .as_str()
        .expect("address")
        .to_string();
    assert_eq!(field("admin")[0]["value"], alice.as_str());
    let delegates = field("delegates");
    assert_eq!(delegates.len(), 1, "{listing}");
    let bob = common::json(&url, &["account", "//Bob"]).expect("account")["address"]
        .as_str()
        .expect("address")
        .to_string();
    let key = delegates[0]["key"].as_str().expect("decoded key");
    assert!(key.contains(&alice) && key.contains(&bob), "{key}");
    let consents = field("consents");
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0]["key"], "0");
    let record = consents[0]["value"].as_str().expect("decoded record");
    assert!(record.contains("Permit"), "{record}");
    assert!(cells
        .iter()
        .all(|c| c["proof"].as_str().is_some_and(|p| p.len() > 2)));

    // Pages: one key at a time, then on from `next`; a page of 0 is refused.
    let first = common::json(&url, &["storage", &at, "--limit", "1"]).expect("page");
    let next = first["next"].as_str().expect("more follow").to_string();
    let second =
        common::json(&url, &["storage", &at, "--limit", "1", "--after", &next]).expect("page");
    assert_ne!(first["cells"][0]["rawKey"], second["cells"][0]["rawKey"]);
    let (ok, text) = cli(&url, &["storage", &at, "--limit", "0"]);
    assert!(!ok && text.contains("0 keys"), "{text}");

    // For people.
    let (ok, text) = cli(&url, &["storage", &at]);
    assert!(ok, "{text}");
    assert!(
        text.contains("storage of") && text.contains("delegates["),
        "{text}"
    );
}

/// `--output json` when a command fails: one document on stdout with a stable code
/// (the node's JSON-RPC code, or the CLI's 2000 input, 2001 unreachable, 2002 dry
/// run failed); bare text where a string is expected; bundles remembered by code
/// hash; `node -o json`.
#[test]
fn failures_in_json_strings_without_quotes_and_remembered_bundles() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let error_of = |out: std::process::Output| -> Value {
        assert!(!out.status.success());
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        doc
    };
    // Nothing listens on port 1.
    let doc = error_of(carechain(
        "ws://127.0.0.1:1",
        &["account", "//Alice", "-o", "json"],
    ));
    assert_eq!(doc["error"]["code"], 2001, "{doc}");
    assert_eq!(doc["error"]["kind"], "unreachable");

    let dir = tempfile::tempdir().expect("tempdir");
    let node = NodeProcess::start(&dir.path().join("chain"));
    let url = node.url();
    let at = consent(&url);
    let doc = error_of(carechain(
        &url,
        &[
            "call",
            &at,
            "--message",
            "add_delegate",
            "--args",
            "(",
            "-o",
            "json",
        ],
    ));
    assert_eq!(doc["error"]["code"], 2000, "{doc}");
    assert_eq!(doc["error"]["kind"], "input");
    let doc = error_of(carechain(&url, &["dev", "snapshot", "-o", "json"]));
    assert_eq!(doc["error"]["code"], 1006, "{doc}");
    assert_eq!(doc["error"]["kind"], "notDev");
    // A dry run that reverts: stdout is its report, the only document.
    let doc = error_of(carechain(
        &url,
        &[
            "call",
            &at,
            "--message",
            "revoke",
            "--args",
            "99",
            "-o",
            "json",
        ],
    ));
    assert_eq!(doc["dryRun"]["outcome"], "reverted", "{doc}");

    // A string argument needs no quotes where the type says string.
    let dscsa = common::instantiate(&url, "dscsa");
    let (ok, text) = cli(
        &url,
        &[
            "call",
            &dscsa,
            "--message",
            "add_partner",
            "--args",
            "//Bob",
            "Manufacturer",
            "0312345000011",
            "NJ-WDP-0001",
            "-x",
        ],
    );
    assert!(ok, "{text}");
    // Byte arrays of ASCII (a GLN) read as text, in the text and in structured JSON.
    let partner = common::json(
        &url,
        &["call", &dscsa, "--message", "partner", "--args", "//Bob"],
    )
    .expect("partner");
    let result = partner["result"].as_str().expect("result");
    assert!(
        result.contains("0312345000011") && !result.contains("48, 51"),
        "{result}"
    );
    let gln = &partner["value"]["Ok"]["Some"]["Partner"]["gln"];
    assert_eq!(gln, "0312345000011", "{partner}");

    // An upload's dry run carries its verdict.
    let bundle = common::ink_dir().join("flipper/flipper.contract");
    let upload = common::json(&url, &["upload", bundle.to_str().expect("utf-8")]).expect("upload");
    assert_eq!(upload["verdict"]["accepted"], true, "{upload}");
    assert!(upload["verdict"]["compileGas"]["refTime"]
        .as_u64()
        .is_some_and(|t| t > 0));
    let junk = dir.path().join("junk.wasm");
    std::fs::write(&junk, b"\0asm\x01\0\0\0garbage").expect("write");
    let out = carechain(
        &url,
        &["upload", junk.to_str().expect("utf-8"), "-o", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one document");
    assert_eq!(report["verdict"]["accepted"], false, "{report}");
    assert!(report["verdict"]["error"].as_str().is_some());

    // A bundle used at instantiate is found again by its code hash, from anywhere.
    let cache = dir.path().join("bundle-cache");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let copy = elsewhere.join("renamed.contract");
    std::fs::copy(common::ink_dir().join("flipper/flipper.contract"), &copy).expect("copy");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("CARECHAIN_URL", &url)
            .env("CARECHAIN_BUNDLE_CACHE", &cache)
            .env("CARECHAIN_BUNDLES", dir.path().join("no-bundles-here"))
            .output()
            .expect("runs")
    };
    let out = run(&[
        "instantiate",
        copy.to_str().expect("utf-8"),
        "--args",
        "false",
        "-x",
        "-o",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&copy).expect("rm");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let flipper = report["contract"].as_str().expect("address");
    let out = run(&["call", flipper, "--message", "get", "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["result"], "Ok(false)", "{report}");
    assert_eq!(
        report["value"],
        serde_json::json!({"Ok": false}),
        "{report}"
    );

    // `node -o json`: JSON Lines, `started` first.
    let mut child = Command::new(BIN)
        .args([
            "node",
            "--tmp",
            "--dev",
            "--rpc-addr",
            "127.0.0.1:0",
            "-o",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    let _ = child.kill();
    let _ = child.wait();
    let started: Value = serde_json::from_str(&line).expect("JSON");
    assert!(started["started"]["rpc"]
        .as_str()
        .is_some_and(|r| r.starts_with("ws://127.0.0.1:")));
    assert_eq!(started["started"]["dev"], true);
    assert_eq!(started["started"]["head"]["number"], 0);
}

/// An instantiate dry run of code not on chain yet runs with the code (stored in the
/// dry run's state first): the address, gas and deposit the upload and the
/// instantiation then take.
#[test]
fn an_instantiate_dry_run_of_new_code_runs_with_the_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Elsewhere checking code for free is refused: the dry run says CodeNotFound.
    let plain = NodeProcess::start(&dir.path().join("plain"));
    let bundle_path = common::ink_dir().join("flipper/flipper.contract");
    let dry = common::json(
        &plain.url(),
        &[
            "instantiate",
            bundle_path.to_str().expect("utf-8"),
            "--args",
            "false",
        ],
    )
    .expect("dry run");
    assert_eq!(dry["dryRun"]["errorName"], "CodeNotFound", "{dry}");
    let node = NodeProcess::start_with(&dir.path().join("chain"), &["--dev"]);
    let url = node.url();
    let bundle = common::ink_dir().join("flipper/flipper.contract");
    let bundle = bundle.to_str().expect("utf-8");
    let amount = |v: &Value| -> u128 {
        assert_eq!(v["kind"], "charge", "{v}");
        v["amount"]
            .as_str()
            .expect("amount")
            .parse()
            .expect("number")
    };
    let dry = common::json(&url, &["instantiate", bundle, "--args", "false"]).expect("dry run");
    assert_eq!(dry["dryRun"]["outcome"], "success", "{dry}");
    let address = dry["contract"].as_str().expect("address").to_string();
    let dry_deposit = amount(&dry["dryRun"]["storageDeposit"]);

    let upload = common::json(&url, &["upload", bundle, "-x"]).expect("upload");
    let created =
        common::json(&url, &["instantiate", bundle, "--args", "false", "-x"]).expect("instantiate");
    assert_eq!(created["contract"], address.as_str());
    let paid = amount(&upload["receipt"]["storageDeposit"])
        + amount(&created["receipt"]["storageDeposit"]);
    assert_eq!(dry_deposit, paid, "the code deposit and the contract's");
    assert_eq!(
        dry["dryRun"]["gasConsumed"], created["receipt"]["gasUsed"],
        "the instantiation's gas"
    );
}
