//! The contract build pipeline's output, checked against our own identity derivation:
//! cargo-contract records `blake2_256(wasm)` as the code hash, and ours must agree.

use carechain_runtime::code_hash;
use carechain_tests::ink_artifact;

fn json(path: &std::path::Path) -> serde_json::Value {
    let bytes = std::fs::read(path).expect("read artifact");
    serde_json::from_slice(&bytes).expect("artifact is JSON")
}

#[test]
fn flipper_artifacts_agree_with_our_code_hash() {
    let wasm = std::fs::read(ink_artifact("flipper", "wasm")).expect("read wasm");
    assert_eq!(&wasm[..8], b"\0asm\x01\0\0\0", "a WASM MVP module");
    let ours = code_hash(&wasm).to_string();

    let metadata = json(&ink_artifact("flipper", "json"));
    assert_eq!(metadata["source"]["hash"].as_str(), Some(ours.as_str()));
    assert_eq!(metadata["source"]["language"].as_str(), Some("ink! 5.1.1"));

    let bundle = json(&ink_artifact("flipper", "contract"));
    assert_eq!(bundle["source"]["hash"].as_str(), Some(ours.as_str()));
    let embedded = bundle["source"]["wasm"]
        .as_str()
        .expect("bundle embeds the wasm");
    assert_eq!(embedded, format!("0x{}", hex::encode(&wasm)));
    let labels: Vec<_> = bundle["spec"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["label"].as_str())
        .collect();
    assert_eq!(labels, ["flip", "get"]);
}

#[test]
fn flipper_passes_upload_checks_and_is_rewritten() {
    use carechain_vm::{prepare, PrepareConfig};
    let wasm = std::fs::read(ink_artifact("flipper", "wasm")).expect("read wasm");
    let prepared = prepare(&wasm, &PrepareConfig::of_chain(&Default::default()))
        .expect("cargo-contract output is accepted");
    assert!(prepared.memory.maximum <= 16);
    assert_ne!(
        prepared.code, wasm,
        "memory import rewritten and stack limiter injected"
    );
    // A truncated copy is a clear error, not a panic.
    let truncated = &wasm[..wasm.len() / 2];
    assert!(prepare(truncated, &PrepareConfig::of_chain(&Default::default())).is_err());
}
