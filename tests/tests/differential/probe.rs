//! The probe contract (every host function ink! reaches) and flipper on both chains.

use carechain_tests::{dev, ink_artifact, selector};
use parity_scale_codec::Encode;

use crate::chains::{Account, ENDOWMENT};
use crate::suite::{Suite, KNOWN_DIFFERENCES};

fn msg(label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector("probe", label).to_vec();
    args.encode_to(&mut data);
    data
}

fn ctor(label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector("probe", label).to_vec();
    args.encode_to(&mut data);
    data
}

/// Raw storage keys of a probe: the packed root, mapping entries, the lazy note.
fn probe_keys() -> Vec<Vec<u8>> {
    const ENTRIES_KEY: u32 = 0x454e_5452;
    const NOTE_KEY: u32 = 0x4e4f_5445;
    let mut keys = vec![0u32.to_le_bytes().to_vec(), NOTE_KEY.to_le_bytes().to_vec()];
    for k in [0u32, 1, 2, 3, 4, 5, 0xdead] {
        let mut key = ENTRIES_KEY.to_le_bytes().to_vec();
        key.extend(k.to_le_bytes());
        keys.push(key);
    }
    keys
}

fn sel(label: &str) -> [u8; 4] {
    selector("probe", label)
}

/// `call_raw` arguments, forwarding all gas.
fn call_raw(
    callee: Account,
    label: &str,
    input: Vec<u8>,
    value: u128,
    flags: u32,
    v1: bool,
) -> Vec<u8> {
    msg(
        "call_raw",
        (callee, sel(label), input, value, flags, 0u64, v1),
    )
}

#[test]
fn probe_behaves_as_on_pallet_contracts() {
    let probe = std::fs::read(ink_artifact("probe", "wasm")).expect("probe.wasm");
    let flipper = std::fs::read(ink_artifact("flipper", "wasm")).expect("flipper.wasm");
    let mut s = Suite::new();
    s.known = KNOWN_DIFFERENCES.to_vec();
    let bob = dev("Bob").account_id().0;
    let alice_id = dev("Alice").account_id().0;

    // Upload: the same code hashes.
    let probe_hash = s.upload(&probe);
    let flipper_hash = s.upload(&flipper);

    // Instantiate: the same addresses; failing constructors fail alike.
    let a = s
        .instantiate("new A", probe_hash, 10_000, ctor("new", 7u32), b"a")
        .expect("A");
    let b = s
        .instantiate("new B", probe_hash, 10_000, ctor("new", 8u32), b"b")
        .expect("B");
    let c = s
        .instantiate("new C", probe_hash, 0, ctor("new", 9u32), b"c")
        .expect("C");
    s.instantiate("duplicate A", probe_hash, 0, ctor("new", 7u32), b"a");
    s.instantiate(
        "refusing ctor",
        probe_hash,
        0,
        ctor("new_refusing", 1u32),
        b"r",
    );
    s.instantiate(
        "trapping ctor",
        probe_hash,
        0,
        ctor("new_trapping", 1u32),
        b"t",
    );
    s.instantiate(
        "terminating ctor",
        probe_hash,
        0,
        ctor("new_terminating", bob),
        b"x",
    );
    s.instantiate("unknown code", [9; 32], 0, ctor("new", 1u32), b"u");
    s.instantiate(
        "endowment beyond funds",
        probe_hash,
        ENDOWMENT * 2,
        ctor("new", 1u32),
        b"f",
    );
    s.instantiate("unknown selector", probe_hash, 0, vec![1, 2, 3, 4], b"s");

    // Storage of every kind.
    s.call("get", a, 0, msg("get", ()));
    s.call("set", a, 0, msg("set", 5u32));
    s.call("put new", a, 0, msg("put", (1u32, vec![1u8, 2, 3])));
    s.call("put replace", a, 0, msg("put", (1u32, vec![4u8; 40])));
    s.call("fetch present", a, 0, msg("fetch", 1u32));
    s.call("fetch missing", a, 0, msg("fetch", 2u32));
    s.call("take present", a, 0, msg("take", 1u32));
    s.call("take missing", a, 0, msg("take", 1u32));
    s.call("put for remove", a, 0, msg("put", (2u32, vec![7u8; 5])));
    s.call("remove present", a, 0, msg("remove", 2u32));
    s.call("remove missing", a, 0, msg("remove", 2u32));
    s.call(
        "put large 16000",
        a,
        0,
        msg("put_large", (3u32, 16_000u32, 0x11u8)),
    );
    s.call(
        "put large 16380",
        a,
        0,
        msg("put_large", (4u32, 16_380u32, 0x22u8)),
    );
    s.call(
        "put large 17000 (past the buffer)",
        a,
        0,
        msg("put_large", (5u32, 17_000u32, 0x33u8)),
    );
    s.call("note missing", a, 0, msg("note", ()));
    s.call("set note", a, 0, msg("set_note", vec![9u8; 100]));
    s.call("note present", a, 0, msg("note", ()));
    s.call("input too short", a, 0, sel("put").to_vec());
    s.call("unknown message", a, 0, vec![0xde, 0xad, 0xbe, 0xef]);
    s.call("value to non-payable", a, 5, msg("get", ()));

    // Frame and block facts, hashing, signatures, events.
    s.call("env_info", a, 123, msg("env_info", ()));
    s.call("hashes empty", a, 0, msg("hashes", Vec::<u8>::new()));
    s.call("hashes", a, 0, msg("hashes", b"carechain".to_vec()));
    let alice = dev("Alice");
    let carechain_runtime::Signature::Sr25519(signature) = alice.sign(b"consent") else {
        unreachable!("a dev key signs sr25519")
    };
    s.call(
        "sr25519 valid",
        a,
        0,
        msg("verify_sr25519", (signature, b"consent".to_vec(), alice_id)),
    );
    s.call(
        "sr25519 invalid",
        a,
        0,
        msg("verify_sr25519", (signature, b"other".to_vec(), alice_id)),
    );
    let secp = secp256k1::Secp256k1::new();
    let secret = secp256k1::SecretKey::from_slice(&[0x42; 32]).expect("key");
    let digest = [0x5a; 32];
    let (id, compact) = secp
        .sign_ecdsa_recoverable(&secp256k1::Message::from_digest(digest), &secret)
        .serialize_compact();
    let mut ecdsa = [0u8; 65];
    ecdsa[..64].copy_from_slice(&compact);
    ecdsa[64] = i32::from(id) as u8;
    s.call("ecdsa recover", a, 0, msg("recover_ecdsa", (ecdsa, digest)));
    ecdsa[64] += 27;
    s.call(
        "ecdsa recover v+27",
        a,
        0,
        msg("recover_ecdsa", (ecdsa, digest)),
    );
    s.call(
        "ecdsa bad",
        a,
        0,
        msg("recover_ecdsa", ([0xffu8; 65], digest)),
    );
    s.call(
        "four topics, short",
        a,
        0,
        msg("four_topics", (vec![1u8; 3], vec![2u8; 10])),
    );
    s.call(
        "four topics, long (hashed)",
        a,
        0,
        msg("four_topics", (vec![1u8; 100], Vec::<u8>::new())),
    );

    s.call("weight_to_fee", a, 0, msg("fee", 123_456u64));

    // Flipper, ink!'s own example: its event carries the signature topic.
    let mut new_false = selector("flipper", "new").to_vec();
    new_false.push(0);
    let f = s
        .instantiate("flipper new", flipper_hash, 0, new_false, b"")
        .expect("flipper");
    s.call("flipper flip", f, 0, selector("flipper", "flip").to_vec());
    s.call("flipper get", f, 0, selector("flipper", "get").to_vec());
    s.storage("flipper", f, &0u32.to_le_bytes());

    // Failure: revert and trap roll back exactly; out of gas; deep recursion.
    s.call("fail ok", a, 0, msg("fail", 0u8));
    s.call("fail revert", a, 0, msg("fail", 1u8));
    s.call("fail trap", a, 0, msg("fail", 2u8));
    s.call("spin", a, 0, msg("spin", 1_000u64));
    s.call("spin forever", a, 0, msg("spin", u64::MAX));
    s.call("recurse 100", a, 0, msg("recurse", 100u32));
    s.call("recurse 1M", a, 0, msg("recurse", 1_000_000u32));
    s.call("big output 15000", a, 0, msg("big_output", 15_000u32));
    s.call("big output 20000", a, 0, msg("big_output", 20_000u32));

    // Cross-contract calls, every version and flag.
    for v1 in [false, true] {
        let tag = if v1 { "v1" } else { "v2" };
        s.call(
            &format!("call get {tag}"),
            a,
            0,
            call_raw(b, "get", vec![], 0, 0, v1),
        );
        s.call(
            &format!("call set {tag}"),
            a,
            0,
            call_raw(b, "set", 55u32.encode(), 0, 0, v1),
        );
        s.call(
            &format!("call with value {tag}"),
            a,
            0,
            call_raw(b, "env_info", vec![], 77, 0, v1),
        );
        s.call(
            &format!("call value beyond balance {tag}"),
            a,
            0,
            call_raw(b, "env_info", vec![], 1 << 100, 0, v1),
        );
        s.call(
            &format!("call non-contract {tag}"),
            a,
            0,
            call_raw(bob, "get", vec![], 0, 0, v1),
        );
        s.call(
            &format!("call reverting {tag}"),
            a,
            0,
            call_raw(b, "fail", 1u8.encode(), 0, 0, v1),
        );
        s.call(
            &format!("call trapping {tag}"),
            a,
            0,
            call_raw(b, "fail", 2u8.encode(), 0, 0, v1),
        );
        s.call(
            &format!("call out of gas {tag}"),
            a,
            0,
            // A limit keeps gas for the caller: how much is left after a callee
            // forwarded *all* gas runs out depends on each engine's fuel granularity.
            msg(
                "call_raw",
                (
                    b,
                    sel("spin"),
                    u64::MAX.encode(),
                    0u128,
                    0u32,
                    2_000_000_000u64,
                    v1,
                ),
            ),
        );
        s.call(
            &format!("call self {tag}"),
            a,
            0,
            call_raw(a, "get", vec![], 0, 0, v1),
        );
        s.call(
            &format!("call self reentrant {tag}"),
            a,
            0,
            call_raw(a, "get", vec![], 0, 8, v1),
        );
    }
    s.call("clone input", a, 0, call_raw(b, "get", vec![], 0, 2, false));
    s.call(
        "forward input",
        a,
        0,
        call_raw(b, "get", vec![], 0, 1, false),
    );
    s.call(
        "forward+clone input",
        a,
        0,
        call_raw(b, "get", vec![], 0, 3, false),
    );
    s.call("tail call", a, 0, call_raw(b, "get", vec![], 0, 4, false));
    s.call(
        "tail call reverting",
        a,
        0,
        call_raw(b, "fail", 1u8.encode(), 0, 4, false),
    );
    s.call(
        "unknown flag bits (ink! drops them)",
        a,
        0,
        call_raw(b, "get", vec![], 0, 16, false),
    );
    s.call(
        "output fits",
        a,
        0,
        call_raw(b, "echo", vec![1u8; 5_000].encode(), 0, 0, false),
    );
    s.call(
        "output buffer too small",
        a,
        0,
        call_raw(b, "echo", vec![1u8; 9_000].encode(), 0, 0, false),
    );
    s.call(
        "callee output past its buffer",
        a,
        0,
        call_raw(b, "big_output", 20_000u32.encode(), 0, 0, false),
    );

    // Reentrancy and depth.
    s.call("relay A->B->C", a, 0, msg("relay", (vec![b, c], false)));
    s.call(
        "relay A->B->A denied",
        a,
        0,
        msg("relay", (vec![b, a], false)),
    );
    s.call(
        "relay A->B->A allowed",
        a,
        0,
        msg("relay", (vec![b, a], true)),
    );
    s.call("relay A->A denied", a, 0, msg("relay", (vec![a], false)));
    s.call(
        "relay 5 deep",
        a,
        0,
        msg("relay", (vec![b, c, b, c, b], true)),
    );
    s.call(
        "relay 6 deep (past the limit)",
        a,
        0,
        msg("relay", (vec![b, c, b, c, b, c], true)),
    );

    // Instantiation from a contract.
    for v1 in [false, true] {
        let tag = if v1 { "v1" } else { "v2" };
        let salt = tag.as_bytes().to_vec();
        s.call(
            &format!("create {tag}"),
            a,
            0,
            msg("create", (probe_hash, 0u8, 50u128, salt.clone(), v1)),
        );
        s.call(
            &format!("create duplicate {tag}"),
            a,
            0,
            msg("create", (probe_hash, 0u8, 0u128, salt, v1)),
        );
        s.call(
            &format!("create refusing {tag}"),
            a,
            0,
            msg("create", (probe_hash, 1u8, 0u128, b"r".to_vec(), v1)),
        );
        s.call(
            &format!("create trapping {tag}"),
            a,
            0,
            msg("create", (probe_hash, 2u8, 0u128, b"t".to_vec(), v1)),
        );
        s.call(
            &format!("create terminating {tag}"),
            a,
            0,
            msg("create", (probe_hash, 3u8, 0u128, b"x".to_vec(), v1)),
        );
        s.call(
            &format!("create unknown code {tag}"),
            a,
            0,
            msg("create", ([7u8; 32], 0u8, 0u128, b"u".to_vec(), v1)),
        );
        s.call(
            &format!("create beyond balance {tag}"),
            a,
            0,
            msg("create", (probe_hash, 0u8, 1u128 << 100, b"b".to_vec(), v1)),
        );
    }

    // Delegate call: the callee's code on the caller's storage.
    s.call(
        "delegate set",
        a,
        0,
        msg("delegate_raw", (probe_hash, sel("set"), 77u32.encode())),
    );
    s.call("get after delegate", a, 0, msg("get", ()));
    s.call(
        "delegate env_info",
        a,
        0,
        msg(
            "delegate_raw",
            (probe_hash, sel("env_info"), Vec::<u8>::new()),
        ),
    );
    s.call(
        "delegate unknown code",
        a,
        0,
        msg("delegate_raw", ([3u8; 32], sel("get"), Vec::<u8>::new())),
    );
    s.call(
        "delegate to flipper",
        a,
        0,
        msg("delegate_raw", (flipper_hash, [0u8; 4], Vec::<u8>::new())),
    );

    // Balances.
    s.call("transfer", a, 0, msg("transfer_to", (bob, 100u128)));
    s.call(
        "transfer beyond balance",
        a,
        0,
        msg("transfer_to", (bob, 1u128 << 100)),
    );
    s.call(
        "transfer everything",
        a,
        0,
        msg("transfer_to", (bob, 9_900u128)),
    );
    s.call("env_info after transfers", a, 0, msg("env_info", ()));

    // Delegate dependencies.
    s.call("lock", a, 0, msg("lock", flipper_hash));
    s.call("lock again", a, 0, msg("lock", flipper_hash));
    s.call("lock own code", a, 0, msg("lock", probe_hash));
    s.call("lock unknown code", a, 0, msg("lock", [5u8; 32]));
    s.call("unlock", a, 0, msg("unlock", flipper_hash));
    s.call("unlock again", a, 0, msg("unlock", flipper_hash));

    // set_code_hash and terminate.
    s.call("upgrade to unknown", c, 0, msg("upgrade", [6u8; 32]));
    s.call("upgrade to flipper", c, 0, msg("upgrade", flipper_hash));
    s.call(
        "flipper get on upgraded C",
        c,
        0,
        selector("flipper", "get").to_vec(),
    );
    s.call("terminate B", b, 0, msg("terminate_me", bob));
    s.call("call terminated B", b, 0, msg("get", ()));
    s.call(
        "call terminated B from A",
        a,
        0,
        call_raw(b, "get", vec![], 0, 0, false),
    );
    s.instantiate(
        "re-create B at its address",
        probe_hash,
        0,
        ctor("new", 8u32),
        b"b",
    );
    s.call("re-created B starts empty", b, 0, msg("fetch", 1u32));

    // Storage deposit limits: the pallet's errors at the pallet's points.
    s.deposit_limit(Some(3));
    s.call(
        "put beyond the deposit limit",
        a,
        0,
        msg("put", (9u32, vec![1u8; 10])),
    );
    s.call(
        "put within the deposit limit",
        a,
        0,
        msg("put", (9u32, vec![1u8; 1])),
    );
    s.deposit_limit(Some(100));
    s.instantiate(
        "base deposit beyond the limit",
        probe_hash,
        0,
        ctor("new", 1u32),
        b"l",
    );
    s.deposit_limit(Some(125));
    s.instantiate(
        "constructor storage beyond the limit",
        probe_hash,
        0,
        ctor("new", 1u32),
        b"l",
    );
    s.deposit_limit(Some(10_000));
    s.instantiate("within the limit", probe_hash, 0, ctor("new", 1u32), b"l");
    s.deposit_limit(Some(u128::MAX / 2));
    s.call("a limit beyond the funds", a, 0, msg("get", ()));
    s.deposit_limit(None);

    // Code removal: only unused code, only by its uploader, its deposit released.
    let spare = wat::parse_str(
        r#"(module (import "seal0" "seal_return" (func (param i32 i32 i32)))
            (import "env" "memory" (memory 1 1))
            (func (export "deploy")) (func (export "call")))"#,
    )
    .expect("wat");
    let spare_hash = s.upload(&spare);
    s.upload(&spare);
    s.remove_code("remove code in use", flipper_hash);
    s.sign_as("Bob");
    s.remove_code("remove someone else's code", spare_hash);
    s.sign_as("Alice");
    s.remove_code("remove unused code", spare_hash);
    s.remove_code("remove removed code", spare_hash);

    // A delegate call that changes the caller's code: the caller's `own_code_hash`
    // (and so its own-code checks) must follow the record, as on the pallet.
    let upgrader = wat::parse_str(
        r#"(module (import "seal0" "input" (func $input (param i32 i32)))
            (import "seal0" "set_code_hash" (func $set (param i32) (result i32)))
            (import "env" "memory" (memory 1 1))
            (func (export "deploy"))
            (func (export "call")
              (i32.store (i32.const 100) (i32.const 32))
              (call $input (i32.const 0) (i32.const 100))
              (drop (call $set (i32.const 0)))))"#,
    )
    .expect("wat");
    let asker = wat::parse_str(
        r#"(module (import "seal0" "input" (func $input (param i32 i32)))
            (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
            (import "seal0" "delegate_call" (func $delegate (param i32 i32 i32 i32 i32 i32) (result i32)))
            (import "seal0" "own_code_hash" (func $own (param i32 i32)))
            (import "env" "memory" (memory 1 1))
            (func (export "deploy"))
            ;; input: the code to delegate to, then the code it sets; returns the
            ;; delegate call's return code and own_code_hash after it.
            (func (export "call")
              (i32.store (i32.const 100) (i32.const 64))
              (call $input (i32.const 0) (i32.const 100))
              (i32.store (i32.const 196)
                (call $delegate (i32.const 0) (i32.const 0) (i32.const 32) (i32.const 32)
                  (i32.const -1) (i32.const 0)))
              (i32.store (i32.const 104) (i32.const 32))
              (call $own (i32.const 200) (i32.const 104))
              (call $return (i32.const 0) (i32.const 196) (i32.const 36))))"#,
    )
    .expect("wat");
    let upgrader_hash = s.upload(&upgrader);
    let asker_hash = s.upload(&asker);
    if let Some(asking) = s.instantiate("raw asker", asker_hash, 0, Vec::new(), b"q") {
        let input = [upgrader_hash.as_slice(), probe_hash.as_slice()].concat();
        s.call(
            "own code hash after a delegated set_code_hash",
            asking,
            0,
            input,
        );
    }

    // A constructor that delegates: the delegated code works on the record being built
    // (its storage write and its dependency lock count in the new contract's deposit).
    let builder_part = wat::parse_str(
        r#"(module (import "seal0" "input" (func $input (param i32 i32)))
            (import "seal2" "set_storage" (func $set (param i32 i32 i32 i32) (result i32)))
            (import "seal0" "lock_delegate_dependency" (func $lock (param i32)))
            (import "env" "memory" (memory 1 1))
            (data (i32.const 300) "written by the delegate, forty bytes....")
            (func (export "deploy"))
            (func (export "call")
              (i32.store (i32.const 100) (i32.const 32))
              (call $input (i32.const 0) (i32.const 100))
              (call $lock (i32.const 0))
              (drop (call $set (i32.const 200) (i32.const 4) (i32.const 300) (i32.const 40)))))"#,
    )
    .expect("wat");
    let builder = wat::parse_str(
        r#"(module (import "seal0" "input" (func $input (param i32 i32)))
            (import "seal0" "delegate_call" (func $delegate (param i32 i32 i32 i32 i32 i32) (result i32)))
            (import "seal1" "get_storage" (func $get (param i32 i32 i32 i32) (result i32)))
            (import "seal0" "seal_return" (func $return (param i32 i32 i32)))
            (import "env" "memory" (memory 1 1))
            ;; input: the code to delegate to, then the code it locks.
            (func (export "deploy")
              (i32.store (i32.const 100) (i32.const 64))
              (call $input (i32.const 0) (i32.const 100))
              (drop (call $delegate (i32.const 0) (i32.const 0) (i32.const 32) (i32.const 32)
                (i32.const -1) (i32.const 0))))
            ;; returns get_storage's code and the value the delegate wrote.
            (func (export "call")
              (i32.store (i32.const 104) (i32.const 64))
              (i32.store (i32.const 500)
                (call $get (i32.const 200) (i32.const 4) (i32.const 504) (i32.const 104)))
              (call $return (i32.const 0) (i32.const 500) (i32.const 44))))"#,
    )
    .expect("wat");
    let part_hash = s.upload(&builder_part);
    let builder_hash = s.upload(&builder);
    let init = [part_hash.as_slice(), flipper_hash.as_slice()].concat();
    if let Some(built) = s.instantiate("constructor delegating", builder_hash, 0, init, b"d") {
        s.call(
            "what the constructor's delegate wrote",
            built,
            0,
            Vec::new(),
        );
    }
    s.remove_code(
        "remove code locked by a constructor's delegate",
        flipper_hash,
    );

    // Final contract storage and balances.
    for (name, contract) in [("A", a), ("B", b), ("C", c)] {
        for key in probe_keys() {
            s.storage(name, contract, &key);
        }
        s.balance(name, contract);
    }
    s.balance("Bob", bob);

    s.finish();
}
