//! The `carechain` binary as people run it: a real node process on a free loopback
//! port, driven through the CLI and over raw JSON-RPC by several concurrent clients,
//! killed with SIGKILL mid-stream and restarted. Every acknowledged transaction must
//! still be there, in the same block, under the same state root; hostile requests
//! get JSON-RPC errors and never take the node down.

use std::io::{Read, Write};
use std::net::TcpStream;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carechain_rpc::CarechainApiClient;
use carechain_rpc::{Address, BlockId, ReceiptView};
use carechain_runtime::{Call, Hash, Keypair, Transaction, Weight};
use jsonrpsee::ws_client::WsClientBuilder;
use parity_scale_codec::Encode;
use serde_json::{json, Value};

mod common;

use common::{carechain, cli, ink_dir, NodeProcess};

/// Only what the CLI printed on stdout (for `--output json`).
fn cli_json(url: &str, args: &[&str]) -> Value {
    let out = carechain(url, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

/// A raw HTTP JSON-RPC call; returns the HTTP status line and the body.
fn http(addr: &str, body: &[u8]) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    // The server may refuse an oversized body before reading all of it.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

fn rpc(addr: &str, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (_, body) = http(addr, request.to_string().as_bytes());
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{method}: {e}: {body}"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected an error: {response}"))
}

fn transfer(key: &Keypair, genesis: Hash, nonce: u64, to: &Keypair) -> Vec<u8> {
    Transaction {
        genesis_hash: genesis,
        signer: key.account_id(),
        nonce,
        gas_limit: Weight::new(1_000_000_000, 10_000),
        storage_deposit_limit: None,
        call: Call::Transfer {
            dest: to.account_id(),
            value: 10_000_000_000,
        },
    }
    .sign(key)
    .encode()
}

#[test]
fn acknowledged_transactions_survive_sigkill_and_bad_requests_get_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("chain");
    let node = NodeProcess::start(&base);
    let url = node.url();

    // Through the CLI: deploy flipper and flip it.
    let flipper = ink_dir().join("flipper/flipper.contract");
    assert!(flipper.exists(), "run ./scripts/build-contracts.sh first");
    let flipper = flipper.to_string_lossy().into_owned();
    let report = cli_json(
        &url,
        &[
            "instantiate",
            &flipper,
            "--args",
            "false",
            "-x",
            "-o",
            "json",
        ],
    );
    let contract = report["contract"].as_str().expect("address").to_string();
    let (ok, out) = cli(&url, &["call", &contract, "--message", "flip", "-x"]);
    assert!(ok && out.contains("Flipped"), "{out}");
    let (ok, out) = cli(&url, &["call", &contract, "--message", "get"]);
    assert!(ok && out.contains("Ok(true)"), "{out}");
    let (ok, out) = cli(&url, &["call", &contract, "--message", "flop"]);
    assert!(
        !ok && out.contains("Did you mean 'flip'") && out.contains("has: new, default, flip, get"),
        "an unknown message lists the constructors and messages: {out}"
    );

    // Hostile input over raw JSON-RPC: errors, not crashes.
    let addr = node.addr().to_string();
    let (_, body) = http(&addr, b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
    assert!(body.contains("-32700"), "parse error: {body}");
    assert_eq!(
        error_code(&rpc(&addr, "carechain_submit", json!(["0xzz"]))),
        -32602
    );
    assert_eq!(
        error_code(&rpc(&addr, "carechain_submit", json!(["0x0102"]))),
        -32602,
        "truncated SCALE"
    );
    let info = rpc(&addr, "carechain_info", json!([]));
    let genesis =
        Hash::from_hex(info["result"]["genesisHash"].as_str().expect("genesis")).expect("hash");
    let [alice, eve] = ["//Alice", "//Eve"].map(|u| Keypair::from_uri(u).expect("dev"));
    let mut forged = transfer(&alice, genesis, 0, &eve);
    let last = forged.len() - 1;
    forged[last] ^= 1; // one bit of the signature
    let forged = rpc(
        &addr,
        "carechain_submit",
        json!([format!("0x{}", hex::encode(&forged))]),
    );
    assert_eq!(error_code(&forged), 1001, "{forged}");
    assert!(forged["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("signature"));
    let nonce_alice = rpc(
        &addr,
        "carechain_account",
        json!([Address(alice.account_id())]),
    )["result"]["nonce"]
        .as_u64()
        .expect("nonce");
    let replay = transfer(&alice, genesis, 0, &eve);
    let replayed = rpc(
        &addr,
        "carechain_submit",
        json!([format!("0x{}", hex::encode(replay))]),
    );
    assert!(
        nonce_alice > 0 && error_code(&replayed) == 1001,
        "a used nonce: {replayed}"
    );
    assert_eq!(
        error_code(&rpc(&addr, "carechain_block", json!([123_456]))),
        1003
    );
    assert_eq!(
        error_code(&rpc(&addr, "carechain_nonsense", json!([]))),
        -32601
    );
    let huge = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"carechain_submit\",\"params\":[\"0x{}\"]}}",
        "00".repeat(3 * 1024 * 1024)
    );
    let (status, body) = http(&addr, huge.as_bytes());
    assert!(
        status.contains("413") || body.contains("-32007") || body.contains("too"),
        "oversized: {status} {body}"
    );
    assert!(
        rpc(&addr, "carechain_info", json!([]))["result"].is_object(),
        "still serving"
    );

    // Concurrent clients: four signers submit transfers as fast as the node takes
    // them, over WebSocket, while a fifth watches new heads; the node is killed.
    let acked: Arc<Mutex<Vec<ReceiptView>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    // Everyone connects before the clock starts, so the kill lands mid-stream.
    let ready = Arc::new(std::sync::Barrier::new(6));
    let mut workers = Vec::new();
    for uri in ["//Bob", "//Charlie", "//Dave", "//Eve"] {
        let (acked, stop, url) = (Arc::clone(&acked), Arc::clone(&stop), url.clone());
        let ready = Arc::clone(&ready);
        let key = Keypair::from_uri(uri).expect("dev");
        let to = Keypair::from_uri("//Ferdie").expect("dev");
        workers.push(std::thread::spawn(move || {
            runtime().block_on(async {
                let client = WsClientBuilder::default()
                    .build(&url)
                    .await
                    .expect("connect");
                let start = client
                    .account(Address(key.account_id()))
                    .await
                    .expect("account")
                    .nonce;
                ready.wait();
                for nonce in start.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let tx = transfer(&key, genesis, nonce, &to);
                    match client.submit(carechain_rpc::Bytes(tx)).await {
                        Ok(receipt) => acked.lock().expect("lock").push(receipt),
                        Err(_) => break, // the node is gone
                    }
                }
            });
        }));
    }
    let heads = {
        let url = url.clone();
        let ready = Arc::clone(&ready);
        std::thread::spawn(move || {
            runtime().block_on(async {
                let client = WsClientBuilder::default()
                    .build(&url)
                    .await
                    .expect("connect");
                let mut sub = client.subscribe_new_heads().await.expect("subscribe");
                ready.wait();
                let mut seen = 0;
                while let Some(Ok(_)) = sub.next().await {
                    seen += 1;
                }
                seen
            })
        })
    };
    ready.wait();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(60);
    while acked.lock().expect("lock").len() < 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    node.kill_9();
    let elapsed = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().expect("worker");
    }
    let seen_heads = heads.join().expect("subscriber");
    let acked = acked.lock().expect("lock").clone();
    println!(
        "{} transfers acknowledged by 4 concurrent clients in {} ms before SIGKILL",
        acked.len(),
        elapsed.as_millis()
    );
    assert!(
        acked.len() >= 200,
        "only {} acknowledged before the deadline",
        acked.len()
    );
    assert!(seen_heads > 0, "the subscription saw new heads");

    // Restarted on the same directory: every acknowledged transaction is there.
    let node = NodeProcess::start(&base);
    let url = node.url();
    runtime().block_on(async {
        let client = WsClientBuilder::default()
            .build(&url)
            .await
            .expect("reconnect");
        for r in &acked {
            let stored = client
                .receipt(r.tx_hash)
                .await
                .expect("receipt query")
                .unwrap_or_else(|| panic!("acknowledged {:?} lost", r.tx_hash));
            assert_eq!(&stored, r, "the same receipt in the same block");
            let block = client
                .block(Some(BlockId::Number(r.block_number)))
                .await
                .expect("block");
            assert_eq!(block.header.hash, r.block_hash, "the same block");
        }
        let highest = acked
            .iter()
            .map(|r| r.block_number)
            .max()
            .unwrap_or_default();
        let head = client.info().await.expect("info").head;
        assert!(head.number >= highest);
        // The state root of the highest acknowledged block is the one it had.
        let view = cli_json(&url, &["block", &highest.to_string(), "-o", "json"]);
        let at = client
            .block(Some(BlockId::Number(highest)))
            .await
            .expect("block");
        assert_eq!(
            view["header"]["stateRoot"].as_str(),
            Some(format!("0x{}", hex::encode(at.header.state_root.0 .0)).as_str())
        );
        // And the chain goes on from there.
        let ferdie = Keypair::from_uri("//Ferdie").expect("dev");
        let nonce = client
            .account(Address(ferdie.account_id()))
            .await
            .expect("account")
            .nonce;
        let tx = transfer(&ferdie, genesis, nonce, &alice);
        let receipt = client
            .submit(carechain_rpc::Bytes(tx))
            .await
            .expect("a new transaction after the restart");
        assert!(receipt.block_number > head.number);
    });
    // Without a node: the CLI opens the state directory itself, and refuses to while
    // a node holds it.
    let (ok, out) = cli(
        &url,
        &["account", "//Ferdie", "--state", &base.to_string_lossy()],
    );
    assert!(
        !ok && out.contains("--url"),
        "the database is held by the node: {out}"
    );
    drop(node);
    let (ok, out) = cli(
        "ws://127.0.0.1:1",
        &["account", "//Ferdie", "--state", &base.to_string_lossy()],
    );
    assert!(ok && out.contains("nonce      1"), "{out}");
}
