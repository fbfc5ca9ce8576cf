//! The chain on redb: blocks survive a reopen and a SIGKILL mid-write.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use carechain_node::RedbStore;
use carechain_runtime::{
    Call, Chain, ChainError, ChainStore, Genesis, Hash, NoVm, StateDb, StateExt, Trie,
};
use carechain_tests::{dev, signed, Op, ScriptVm, GAS};

fn genesis() -> Genesis {
    Genesis::dev().expect("dev genesis")
}

fn open(path: &Path) -> Chain<RedbStore> {
    Chain::open(RedbStore::open(path).expect("open redb"), &genesis()).expect("open chain")
}

/// Produces `blocks` blocks of `per_block` transfers from Alice to Bob on `chain`.
fn transfers<S: ChainStore>(chain: &mut Chain<S>, blocks: u64, per_block: u64) {
    let alice = dev("Alice");
    let bob = dev("Bob").account_id();
    let g = chain.genesis_hash();
    for _ in 0..blocks {
        let nonce = chain.account(&alice.account_id()).expect("read").nonce;
        let txs = (0..per_block)
            .map(|i| {
                signed(
                    &alice,
                    g,
                    nonce + i,
                    GAS,
                    Call::Transfer {
                        dest: bob,
                        value: 1_000_000_000,
                    },
                )
            })
            .collect();
        let ts = chain.head().timestamp + 6_000;
        let produced = chain.produce_block(txs, ts, &NoVm).expect("block");
        assert!(produced.rejected.is_empty());
    }
}

#[test]
fn blocks_written_to_redb_read_back_the_same_after_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("chain.redb");
    let alice = dev("Alice");
    let bob = dev("Bob").account_id();
    let topic = Hash([0x42; 32]);

    let (head, first_root, receipts) = {
        let mut chain = open(&path);
        transfers(&mut chain, 1, 3);
        let first_root = chain.head().state_root;
        let g = chain.genesis_hash();
        let code = ScriptVm::code(&[
            Op::Set(b"k".to_vec(), b"v".to_vec()),
            Op::Emit(vec![topic], b"e".to_vec()),
        ]);
        let code_hash = carechain_runtime::code_hash(&code);
        let txs = vec![
            signed(
                &alice,
                g,
                3,
                carechain_tests::UPLOAD_GAS,
                Call::UploadCode { code },
            ),
            signed(
                &alice,
                g,
                4,
                GAS,
                Call::Instantiate {
                    code_hash,
                    value: 0,
                    data: vec![],
                    salt: vec![1],
                },
            ),
        ];
        let produced = chain.produce_block(txs, 20_000, &ScriptVm).expect("block");
        transfers(&mut chain, 2, 5);
        (chain.head().clone(), first_root, produced.receipts)
    };

    let chain = open(&path);
    assert_eq!(chain.head(), &head);
    assert_eq!(chain.head().number, 4);
    let store = chain.store();
    // Values at the head and at an older, retained root.
    assert_eq!(chain.account(&alice.account_id()).expect("read").nonce, 15);
    assert_eq!(
        chain.account(&bob).expect("read").balance,
        (1 << 60) + 13 * 1_000_000_000
    );
    let old = StateDb::new(store, first_root).account(&bob).expect("read");
    assert_eq!(old.balance, (1 << 60) + 3 * 1_000_000_000);
    // Blocks, receipts and the topic index.
    let block2 = store.block_hash(2).expect("read").expect("block 2");
    assert_eq!(store.receipts(&block2).expect("read"), Some(receipts));
    let hashes: Vec<Hash> = (0..=4)
        .map(|n| store.block_hash(n).expect("read").expect("hash"))
        .collect();
    let headers: Vec<_> = hashes
        .iter()
        .map(|h| store.header(h).expect("read").expect("header"))
        .collect();
    assert_eq!(carechain_runtime::verify_header_chain(&headers), Ok(()));
    let events = store.events_by_topic(&topic).expect("read");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].block, 2);
    // A proof from the reopened store verifies against the header's root.
    let key = carechain_runtime::account_key(&bob);
    let proof = Trie::new(store)
        .prove(&head.state_root, &key)
        .expect("prove");
    let value = chain
        .storage_at(&head.state_root, &key)
        .expect("read")
        .expect("present");
    assert_eq!(
        carechain_runtime::verify_proof(&head.state_root, &key, Some(&value), &proof),
        Ok(())
    );
}

#[test]
fn a_store_of_another_chain_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("chain.redb");
    drop(open(&path));
    let mut other = genesis();
    other.timestamp = 1;
    let store = RedbStore::open(&path).expect("open redb");
    assert!(matches!(
        Chain::open(store, &other),
        Err(ChainError::GenesisMismatch { .. })
    ));
}

const CHILD_ENV: &str = "CARECHAIN_CRASH_CHILD_DB";

/// Runs only as the child of `a_sigkill_mid_write_leaves_the_last_committed_block_intact`:
/// writes blocks until it is killed.
#[test]
fn crash_child_writes_until_killed() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut chain = open(Path::new(&path));
    loop {
        transfers(&mut chain, 1, 50);
        // The parent counts these lines to know blocks are being committed.
        println!("committed {}", chain.head().number);
    }
}

#[test]
fn a_sigkill_mid_write_leaves_the_last_committed_block_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("chain.redb");
    let exe = std::env::current_exe().expect("test binary");
    let mut last_head = 0;
    for round in 0..4 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_writes_until_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        // Let it commit a few blocks, then kill it at a varying point inside the next.
        let stdout = child.stdout.take().expect("piped stdout");
        let committed = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter(|line| line.starts_with("committed"))
            .take(2)
            .count();
        assert_eq!(committed, 2, "the writer died before committing");
        std::thread::sleep(Duration::from_millis(7 + 23 * round));
        child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix.
        child.wait().expect("reap");

        let mut chain = open(&path);
        let head = chain.head().clone();
        assert!(
            head.number > last_head,
            "the writer made no progress in round {round}: head {}",
            head.number
        );
        // Every block up to the head is there and linked, and the head's state is whole:
        // all trie nodes of the accounts the writer touched are present.
        let store = chain.store();
        let headers: Vec<_> = (0..=head.number)
            .map(|n| {
                store
                    .header(&store.block_hash(n).expect("read").expect("hash"))
                    .expect("read")
                    .expect("header")
            })
            .collect();
        assert_eq!(carechain_runtime::verify_header_chain(&headers), Ok(()));
        let alice = chain
            .account(&dev("Alice").account_id())
            .expect("head state readable");
        assert_eq!(alice.nonce, head.number * 50);
        // And the chain goes on from there.
        transfers(&mut chain, 1, 50);
        last_head = chain.head().number;
    }
}

/// A dev node's revert: the head goes back, later blocks leave every index, the store
/// reopens at the reverted head, and the chain grows again from there.
#[test]
fn reverting_forgets_later_blocks_in_redb_and_in_memory() {
    fn check<S: ChainStore>(mut chain: Chain<S>, reopen: impl FnOnce(S) -> Chain<S>) {
        let topic = Hash([0x42; 32]);
        transfers(&mut chain, 1, 1);
        let kept = chain.head().clone();
        let g = chain.genesis_hash();
        let alice = dev("Alice");
        let code = ScriptVm::code(&[Op::Emit(vec![topic], b"e".to_vec())]);
        let code_hash = carechain_runtime::code_hash(&code);
        let nonce = chain.account(&alice.account_id()).expect("read").nonce;
        let upload = signed(
            &alice,
            g,
            nonce,
            carechain_tests::UPLOAD_GAS,
            Call::UploadCode { code },
        );
        let instantiate = signed(
            &alice,
            g,
            nonce + 1,
            GAS,
            Call::Instantiate {
                code_hash,
                value: 0,
                data: vec![],
                salt: vec![1],
            },
        );
        let later = vec![upload, instantiate];
        let ts = kept.timestamp + 6_000;
        chain
            .produce_block(later.clone(), ts, &ScriptVm)
            .expect("block");
        transfers(&mut chain, 2, 1);
        assert_eq!(
            chain.store().events_by_topic(&topic).expect("read").len(),
            1
        );

        chain.revert_to(kept.number).expect("revert");
        assert_eq!(chain.head(), &kept);
        let store = chain.store();
        assert_eq!(store.head().expect("read"), Some(kept.hash()));
        assert_eq!(store.block_hash(kept.number + 1).expect("read"), None);
        assert!(store.events_by_topic(&topic).expect("read").is_empty());
        assert_eq!(store.transaction(&later[0].hash()).expect("read"), None);
        assert_eq!(
            chain.account(&alice.account_id()).expect("read").nonce,
            nonce
        );
        assert!(matches!(
            chain.revert_to(kept.number + 1),
            Err(ChainError::Store(
                carechain_runtime::StoreError::NoSuchBlock { .. }
            ))
        ));

        let mut chain = reopen(chain.into_store());
        assert_eq!(chain.head(), &kept);
        // The same transactions are valid again on the reverted head.
        let produced = chain.produce_block(later, ts, &ScriptVm).expect("block");
        assert!(produced.rejected.is_empty(), "{:?}", produced.rejected);
        assert_eq!(
            chain.store().events_by_topic(&topic).expect("read").len(),
            1
        );
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("chain.redb");
    check(open(&path), |store| {
        drop(store);
        open(&path)
    });
    let memory = Chain::open(carechain_runtime::MemoryStore::default(), &genesis()).expect("open");
    check(memory, |store| {
        Chain::open(store, &genesis()).expect("reopen")
    });
}

/// The storage listing reads the key index a page at a time, in key order, in redb
/// and in memory alike.
#[test]
fn contract_storage_is_listed_a_page_at_a_time() {
    fn check<S: ChainStore>(mut chain: Chain<S>) {
        let alice = dev("Alice");
        let g = chain.genesis_hash();
        let ops: Vec<Op> = (0u8..5).map(|i| Op::Set(vec![b'k', i], vec![i])).collect();
        let code = ScriptVm::code(&ops);
        let code_hash = carechain_runtime::code_hash(&code);
        let txs = vec![
            signed(
                &alice,
                g,
                0,
                carechain_tests::UPLOAD_GAS,
                Call::UploadCode { code },
            ),
            signed(
                &alice,
                g,
                1,
                GAS,
                Call::Instantiate {
                    code_hash,
                    value: 0,
                    data: vec![],
                    salt: vec![],
                },
            ),
        ];
        let produced = chain.produce_block(txs, 6_000, &ScriptVm).expect("block");
        let contract = produced.receipts[1].instantiated.expect("instantiated");
        let root = chain.head().state_root;
        let first = chain
            .contract_storage(&root, &contract, None, 3)
            .expect("read")
            .expect("a contract");
        let keys: Vec<Vec<u8>> = first.entries.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(
            keys,
            [b"k\0".to_vec(), b"k\x01".to_vec(), b"k\x02".to_vec()]
        );
        let rest = chain
            .contract_storage(&root, &contract, first.next.as_deref(), 3)
            .expect("read")
            .expect("a contract");
        assert_eq!(rest.entries.len(), 2);
        assert_eq!(rest.entries[1], (b"k\x04".to_vec(), vec![4]));
        assert!(rest.next.is_none(), "the last page");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    check(open(&dir.path().join("chain.redb")));
    check(Chain::open(carechain_runtime::MemoryStore::default(), &genesis()).expect("open"));
}
