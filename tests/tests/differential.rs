//! The differential suite: the same compiled `.wasm` and the same calls on Carechain
//! and on the real pallet-contracts (31.0, through `ink_sandbox` 5.1.1), compared
//! step by step: return data and flags, failure names, events (emitter, topics,
//! data), contract addresses, code hashes and final contract storage. Gas is
//! reported side by side, not asserted: the two schedules price work differently.
//!
//! Both chains start alike: existential deposit 1 (ink_sandbox's), the same origin
//! (`//Alice`) funded with the same amount, one block per step with the same number
//! and timestamp.

use carechain_host::WasmtimeVm;
use carechain_runtime::{
    code_hash as carechain_code_hash, contract_storage_key, Call, Chain, ChainConfig, Genesis,
    MemoryStore, Outcome, StateDb, StateExt, Weight,
};
use carechain_tests::{dev, ink_artifact, selector, signed};
use ink_sandbox::api::balance_api::BalanceAPI;
use ink_sandbox::api::contracts_api::ContractAPI;
use ink_sandbox::api::system_api::SystemAPI;
use ink_sandbox::api::timestamp_api::TimestampAPI;
use ink_sandbox::macros::{DefaultSandboxRuntime, RuntimeEvent};
use ink_sandbox::pallet_contracts::{self, Determinism};
use ink_sandbox::{AccountId32, DefaultSandbox, DispatchError, Sandbox};
use parity_scale_codec::Encode;

type Account = [u8; 32];

const ENDOWMENT: u128 = 1_000_000_000_000_000;
const START_TIME: u64 = 1_700_000_000_000;
const BLOCK_TIME: u64 = 6_000;
/// The sandbox's default limit; Carechain's transactions carry this plus their base cost.
const GAS: Weight = Weight::new(100_000_000_000, 3 * 1024 * 1024);

/// One contract event: emitter, topics, data.
type Ev = (Account, Vec<[u8; 32]>, Vec<u8>);

/// What one step did, in terms both chains share.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    /// `(reverted, data)`, or the failure's pallet-contracts name.
    result: Result<(bool, Vec<u8>), String>,
    events: Vec<Ev>,
    /// For an instantiation that succeeded.
    address: Option<Account>,
}

/// A chain the suite can drive.
trait Backend {
    fn upload(&mut self, code: &[u8]) -> Result<Account, String>;
    fn instantiate(
        &mut self,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> (Step, Weight);
    fn call(&mut self, dest: Account, value: u128, data: Vec<u8>) -> (Step, Weight);
    fn storage(&mut self, contract: Account, key: &[u8]) -> Option<Vec<u8>>;
    fn free_balance(&mut self, who: Account) -> u128;
}

struct Carechain {
    chain: Chain<MemoryStore>,
    vm: WasmtimeVm,
    /// Who signs the next transactions (a dev account name).
    signer: &'static str,
}

impl Carechain {
    fn new() -> Self {
        let genesis = Genesis {
            config: ChainConfig {
                existential_deposit: 1,
                ..ChainConfig::default()
            },
            endowed: SIGNERS
                .iter()
                .map(|name| (dev(name).account_id(), ENDOWMENT))
                .collect(),
            timestamp: START_TIME - BLOCK_TIME,
        };
        let chain = Chain::open(MemoryStore::default(), &genesis).expect("genesis");
        Carechain {
            chain,
            vm: WasmtimeVm::new().expect("vm"),
            signer: "Alice",
        }
    }

    fn submit(&mut self, call: Call) -> carechain_runtime::Receipt {
        let key = dev(self.signer);
        let base = self.chain.config().schedule.costs.transaction;
        let nonce = self.chain.account(&key.account_id()).expect("state").nonce;
        let tx = signed(
            &key,
            self.chain.genesis_hash(),
            nonce,
            GAS.saturating_add(base),
            call,
        );
        let timestamp = START_TIME + BLOCK_TIME * self.chain.head().number;
        let mut produced = self
            .chain
            .produce_block(vec![tx], timestamp, &self.vm)
            .expect("block");
        assert!(
            produced.rejected.is_empty(),
            "rejected: {:?}",
            produced.rejected
        );
        produced.receipts.remove(0)
    }

    fn step(receipt: carechain_runtime::Receipt) -> (Step, Weight) {
        let result = match &receipt.outcome {
            Outcome::Success => Ok((false, receipt.output.clone())),
            Outcome::Reverted => Ok((true, receipt.output.clone())),
            Outcome::Failed(e) => Err(carechain_error_name(e)),
        };
        let events = receipt
            .events
            .iter()
            .map(|e| {
                (
                    e.emitter.0,
                    e.topics.iter().map(|t| t.0).collect(),
                    e.data.clone(),
                )
            })
            .collect();
        let step = Step {
            result,
            events,
            address: receipt.instantiated.map(|a| a.0),
        };
        (step, receipt.gas_used)
    }
}

fn carechain_error_name(e: &carechain_runtime::DispatchError) -> String {
    use carechain_runtime::DispatchError as E;
    match e {
        E::Module(name) => name.clone(),
        E::OutOfGas => "OutOfGas".into(),
        E::TransferFailed => "TransferFailed".into(),
        E::ContractNotFound => "ContractNotFound".into(),
        E::CodeNotFound => "CodeNotFound".into(),
        E::DuplicateContract => "DuplicateContract".into(),
        E::MaxCallDepthReached => "MaxCallDepthReached".into(),
        other => format!("{other:?}"),
    }
}

impl Backend for Carechain {
    fn upload(&mut self, code: &[u8]) -> Result<Account, String> {
        let receipt = self.submit(Call::UploadCode {
            code: code.to_vec(),
        });
        match receipt.outcome {
            Outcome::Success => Ok(carechain_code_hash(code).0),
            other => Err(format!("{other:?}")),
        }
    }

    fn instantiate(
        &mut self,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> (Step, Weight) {
        let receipt = self.submit(Call::Instantiate {
            code_hash: carechain_runtime::Hash(code),
            value,
            data,
            salt,
        });
        Self::step(receipt)
    }

    fn call(&mut self, dest: Account, value: u128, data: Vec<u8>) -> (Step, Weight) {
        let receipt = self.submit(Call::Call {
            dest: carechain_runtime::AccountId(dest),
            value,
            data,
        });
        Self::step(receipt)
    }

    fn storage(&mut self, contract: Account, key: &[u8]) -> Option<Vec<u8>> {
        let root = self.chain.head().state_root;
        let state = StateDb::new(self.chain.store(), root);
        let info = state
            .contract_info(&carechain_runtime::AccountId(contract))
            .expect("state")?;
        self.chain
            .storage_at(&root, &contract_storage_key(&info.trie_id, key))
            .expect("state")
    }

    fn free_balance(&mut self, who: Account) -> u128 {
        self.chain
            .account(&carechain_runtime::AccountId(who))
            .expect("state")
            .balance
    }
}

struct Pallet {
    sandbox: DefaultSandbox,
    block: u64,
    origin: AccountId32,
}

impl Pallet {
    fn new() -> Self {
        let mut sandbox = DefaultSandbox::default();
        for name in SIGNERS {
            sandbox
                .mint_into(&account32(name), ENDOWMENT)
                .expect("mint");
        }
        let mut pallet = Pallet {
            sandbox,
            block: 1,
            origin: account32("Alice"),
        };
        pallet.sandbox.set_timestamp(START_TIME);
        pallet
    }

    /// Ends the block the step ran in and starts the next, at Carechain's timestamp.
    fn next_block(&mut self) {
        self.sandbox.build_block();
        self.block += 1;
        self.sandbox
            .set_timestamp(START_TIME + BLOCK_TIME * (self.block - 1));
    }
}

/// The dev accounts both chains fund alike.
const SIGNERS: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

fn account32(name: &str) -> AccountId32 {
    AccountId32::new(dev(name).account_id().0)
}

fn pallet_error_name(e: &DispatchError) -> String {
    match e {
        DispatchError::Module(m) => m.message.unwrap_or("unnamed module error").to_string(),
        other => format!("{other:?}"),
    }
}

fn pallet_events(
    records: Option<Vec<ink_sandbox::frame_system::EventRecord<RuntimeEvent, ink_sandbox::H256>>>,
) -> Vec<Ev> {
    records
        .unwrap_or_default()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::Contracts(pallet_contracts::Event::ContractEmitted {
                contract,
                data,
            }) => Some((
                *contract.as_ref(),
                record.topics.iter().map(|t| t.0).collect(),
                data,
            )),
            _ => None,
        })
        .collect()
}

impl Backend for Pallet {
    fn upload(&mut self, code: &[u8]) -> Result<Account, String> {
        let out = self
            .sandbox
            .upload_contract(
                code.to_vec(),
                self.origin.clone(),
                None,
                Determinism::Enforced,
            )
            .map(|r| r.code_hash.0)
            .map_err(|e| pallet_error_name(&e));
        self.next_block();
        out
    }

    fn instantiate(
        &mut self,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> (Step, Weight) {
        let out = self.sandbox.instantiate_contract(
            code.to_vec(),
            value,
            data,
            salt,
            self.origin.clone(),
            DefaultSandbox::default_gas_limit(),
            None,
        );
        self.next_block();
        let gas = Weight::new(out.gas_consumed.ref_time(), out.gas_consumed.proof_size());
        let (result, address) = match out.result {
            Ok(r) => {
                let reverted = r.result.did_revert();
                let address = (!reverted).then(|| *r.account_id.as_ref());
                (Ok((reverted, r.result.data)), address)
            }
            Err(e) => (Err(pallet_error_name(&e)), None),
        };
        let events = pallet_events(out.events);
        (
            Step {
                result,
                events,
                address,
            },
            gas,
        )
    }

    fn call(&mut self, dest: Account, value: u128, data: Vec<u8>) -> (Step, Weight) {
        let out = self.sandbox.call_contract(
            AccountId32::new(dest),
            value,
            data,
            self.origin.clone(),
            DefaultSandbox::default_gas_limit(),
            None,
            Determinism::Enforced,
        );
        self.next_block();
        let gas = Weight::new(out.gas_consumed.ref_time(), out.gas_consumed.proof_size());
        let result = match out.result {
            Ok(r) => Ok((r.did_revert(), r.data)),
            Err(e) => Err(pallet_error_name(&e)),
        };
        let events = pallet_events(out.events);
        (
            Step {
                result,
                events,
                address: None,
            },
            gas,
        )
    }

    fn storage(&mut self, contract: Account, key: &[u8]) -> Option<Vec<u8>> {
        let key = key.to_vec();
        self.sandbox.execute_with(|| {
            pallet_contracts::Pallet::<DefaultSandboxRuntime>::get_storage(
                AccountId32::new(contract),
                key,
            )
            .ok()
            .flatten()
        })
    }

    fn free_balance(&mut self, who: Account) -> u128 {
        self.sandbox.free_balance(&AccountId32::new(who))
    }
}

/// Runs every step on both chains, collecting differences rather than stopping at
/// the first, and the gas table.
struct Suite {
    carechain: Carechain,
    pallet: Pallet,
    mismatches: Vec<String>,
    /// Step name, what happened (on Carechain), both gas figures.
    gas: Vec<(String, String, Weight, Weight)>,
    /// Steps where Carechain is known to differ, with the reason; each must differ.
    known: Vec<(&'static str, &'static str)>,
}

fn msg(label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector("probe", "messages", label).to_vec();
    args.encode_to(&mut data);
    data
}

fn ctor(label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector("probe", "constructors", label).to_vec();
    args.encode_to(&mut data);
    data
}

impl Suite {
    fn new() -> Self {
        Suite {
            carechain: Carechain::new(),
            pallet: Pallet::new(),
            mismatches: Vec::new(),
            gas: Vec::new(),
            known: Vec::new(),
        }
    }

    fn compare(&mut self, name: &str, ours: (Step, Weight), theirs: (Step, Weight)) -> Step {
        let known = self.known.iter().position(|(step, _)| *step == name);
        match (ours.0 == theirs.0, known) {
            (true, None) => {}
            (false, Some(i)) => {
                let (_, why) = self.known.remove(i);
                println!("known difference at `{name}` ({why}):\n    carechain: {:?}\n    pallet:    {:?}", ours.0, theirs.0);
            }
            (true, Some(_)) => self.mismatches.push(format!(
                "{name}: listed as a known difference but now agrees; drop it"
            )),
            (false, None) => self.mismatches.push(format!(
                "{name}:\n    carechain: {:?}\n    pallet:    {:?}",
                ours.0, theirs.0
            )),
        }
        self.gas
            .push((name.to_string(), summary(&ours.0), ours.1, theirs.1));
        ours.0
    }

    fn upload(&mut self, code: &[u8]) -> Account {
        let ours = self.carechain.upload(code).expect("carechain upload");
        let theirs = self.pallet.upload(code).expect("pallet upload");
        assert_eq!(ours, theirs, "code hashes differ");
        ours
    }

    fn instantiate(
        &mut self,
        name: &str,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: &[u8],
    ) -> Option<Account> {
        let ours = self
            .carechain
            .instantiate(code, value, data.clone(), salt.to_vec());
        let theirs = self.pallet.instantiate(code, value, data, salt.to_vec());
        self.compare(name, ours, theirs).address
    }

    fn call(&mut self, name: &str, dest: Account, value: u128, data: Vec<u8>) -> Step {
        let ours = self.carechain.call(dest, value, data.clone());
        let theirs = self.pallet.call(dest, value, data);
        self.compare(name, ours, theirs)
    }

    /// Signs what follows on both chains as dev account `name`.
    fn sign_as(&mut self, name: &'static str) {
        self.carechain.signer = name;
        self.pallet.origin = account32(name);
    }

    fn storage(&mut self, name: &str, contract: Account, key: &[u8]) {
        let ours = self.carechain.storage(contract, key);
        let theirs = self.pallet.storage(contract, key);
        if ours != theirs {
            self.mismatches.push(format!(
                "storage {name} key {}:\n    carechain: {ours:?}\n    pallet:    {theirs:?}",
                hex::encode(key)
            ));
        }
    }

    fn balance(&mut self, name: &str, who: Account) {
        let ours = self.carechain.free_balance(who);
        let theirs = self.pallet.free_balance(who);
        if ours != theirs {
            self.mismatches.push(format!(
                "balance of {name}: carechain {ours}, pallet {theirs}"
            ));
        }
    }
}

/// Where Carechain deliberately differs from pallet-contracts, and why. The suite
/// checks these steps still differ, so the list cannot go stale.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "endowment beyond funds",
    "Carechain charges no storage deposit, so it fails on the transfer where \
     pallet-contracts fails on the deposit limit first",
)];

/// One line about a step's result: how it ended, output length, events.
fn summary(step: &Step) -> String {
    let how = match &step.result {
        Ok((false, data)) => format!("ok {}B", data.len()),
        Ok((true, data)) => format!("revert {}B", data.len()),
        Err(name) => name.clone(),
    };
    format!("{how} {}ev", step.events.len())
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
    selector("probe", "messages", label)
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
    let signature = alice.sign(b"consent").0;
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
    let mut new_false = selector("flipper", "constructors", "new").to_vec();
    new_false.push(0);
    let f = s
        .instantiate("flipper new", flipper_hash, 0, new_false, b"")
        .expect("flipper");
    s.call(
        "flipper flip",
        f,
        0,
        selector("flipper", "messages", "flip").to_vec(),
    );
    s.call(
        "flipper get",
        f,
        0,
        selector("flipper", "messages", "get").to_vec(),
    );
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
        selector("flipper", "messages", "get").to_vec(),
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

    // Final contract storage and balances.
    for (name, contract) in [("A", a), ("B", b), ("C", c)] {
        for key in probe_keys() {
            s.storage(name, contract, &key);
        }
        s.balance(name, contract);
    }
    s.balance("Bob", bob);

    println!(
        "{:<40} {:<22} {:>14} {:>9} | {:>14} {:>9}",
        "step", "result", "carechain ref", "proof", "pallet ref", "proof"
    );
    for (name, result, ours, theirs) in &s.gas {
        println!(
            "{name:<40} {result:<22} {:>14} {:>9} | {:>14} {:>9}",
            ours.ref_time, ours.proof_size, theirs.ref_time, theirs.proof_size
        );
    }
    for (step, _) in &s.known {
        s.mismatches
            .push(format!("known difference `{step}` was never run"));
    }
    assert!(
        s.mismatches.is_empty(),
        "{} step(s) differ from pallet-contracts:\n{}",
        s.mismatches.len(),
        s.mismatches.join("\n")
    );
}

/// Message `label` of contract `name` with `args`.
fn call_of(name: &str, label: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector(name, "messages", label).to_vec();
    args.encode_to(&mut data);
    data
}

/// Constructor `new` of contract `name` with `args`.
fn new_of(name: &str, args: impl Encode) -> Vec<u8> {
    let mut data = selector(name, "constructors", "new").to_vec();
    args.encode_to(&mut data);
    data
}

#[test]
fn healthcare_contracts_behave_as_on_pallet_contracts() {
    let code = |name: &str| std::fs::read(ink_artifact(name, "wasm")).expect("wasm");
    let id = |name: &str| dev(name).account_id().0;
    let mut s = Suite::new();
    let consent_hash = s.upload(&code("consent"));
    let ehr_hash = s.upload(&code("ehr_access"));
    let dscsa_hash = s.upload(&code("dscsa"));

    // Consent and EHR access, with the EHR contract asking Consent across contracts.
    let consent = s
        .instantiate("consent new", consent_hash, 0, new_of("consent", ()), b"")
        .expect("consent");
    let ehr = s
        .instantiate(
            "ehr new",
            ehr_hash,
            0,
            new_of("ehr_access", (consent, id("Dave"))),
            b"",
        )
        .expect("ehr");
    let ehr_call = |label: &str, args: &dyn Fn(&mut Vec<u8>)| {
        let mut data = selector("ehr_access", "messages", label).to_vec();
        args(&mut data);
        data
    };
    s.call(
        "add provider",
        ehr,
        0,
        call_of("ehr_access", "add_provider", id("Bob")),
    );
    s.call(
        "add provider twice",
        ehr,
        0,
        call_of("ehr_access", "add_provider", id("Bob")),
    );
    s.sign_as("Bob");
    let (labs, psych) = ([1u8; 32], [2u8; 32]);
    for (record, class) in [(labs, 2u8), (psych, 4u8)] {
        s.call(
            "register record",
            ehr,
            0,
            call_of(
                "ehr_access",
                "register_record",
                (
                    record,
                    id("Charlie"),
                    class,
                    [5u8; 32],
                    "fhir://x".to_string(),
                ),
            ),
        );
    }
    s.call(
        "register record again",
        ehr,
        0,
        call_of(
            "ehr_access",
            "register_record",
            (labs, id("Charlie"), 2u8, [5u8; 32], "fhir://x".to_string()),
        ),
    );
    s.call(
        "verify record",
        ehr,
        0,
        call_of("ehr_access", "verify_record", (labs, [5u8; 32])),
    );
    s.call(
        "access without consent",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.sign_as("Charlie");
    let grant = (
        id("Charlie"),
        id("Bob"),
        0u8,
        vec![0u8],
        Vec::<u8>::new(),
        0u64,
        None::<u64>,
    );
    s.call(
        "grant",
        consent,
        0,
        call_of("consent", "record", grant.clone()),
    );
    s.call(
        "add delegate",
        consent,
        0,
        call_of("consent", "add_delegate", id("Eve")),
    );
    s.sign_as("Bob");
    s.call(
        "access with consent",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.call(
        "sensitive class",
        ehr,
        0,
        call_of("ehr_access", "request_access", (psych, 0u8)),
    );
    s.call(
        "other purpose",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 4u8)),
    );
    s.sign_as("Ferdie");
    s.call(
        "not a provider",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.call(
        "grant for someone else",
        consent,
        0,
        call_of("consent", "record", grant.clone()),
    );
    s.sign_as("Charlie");
    s.call("revoke", consent, 0, call_of("consent", "revoke", 0u64));
    s.call(
        "revoke again",
        consent,
        0,
        call_of("consent", "revoke", 0u64),
    );
    s.sign_as("Bob");
    s.call(
        "access after revocation",
        ehr,
        0,
        call_of("ehr_access", "request_access", (labs, 0u8)),
    );
    s.call(
        "break glass",
        ehr,
        0,
        ehr_call("break_glass", &|d| {
            (psych, "ED, unresponsive".to_string()).encode_to(d)
        }),
    );
    s.call(
        "break glass, no reason",
        ehr,
        0,
        ehr_call("break_glass", &|d| (psych, " ".to_string()).encode_to(d)),
    );
    s.sign_as("Charlie");
    s.call(
        "review",
        ehr,
        0,
        call_of("ehr_access", "review", (5u64, false)),
    );
    s.call(
        "review again",
        ehr,
        0,
        call_of("ehr_access", "review", (5u64, true)),
    );
    let window = (id("Charlie"), 0u64, u64::MAX, 0u32, 50u32);
    s.sign_as("Eve");
    s.call(
        "accounting by delegate",
        ehr,
        0,
        call_of("ehr_access", "accounting_of_disclosures", window),
    );
    s.sign_as("Ferdie");
    s.call(
        "accounting by stranger",
        ehr,
        0,
        call_of("ehr_access", "accounting_of_disclosures", window),
    );
    s.call(
        "history",
        consent,
        0,
        call_of("consent", "consents_of", (id("Charlie"), 0u32, 10u32)),
    );

    // DSCSA from commissioning to dispensing, with refusals on the way.
    s.sign_as("Alice");
    let dscsa = s
        .instantiate("dscsa new", dscsa_hash, 0, new_of("dscsa", ()), b"")
        .expect("dscsa");
    for (who, kind, gln) in [
        ("Bob", 0u8, "0300012000006"),
        ("Charlie", 2u8, "0614141000005"),
        ("Dave", 3u8, "0614141000012"),
        ("Eve", 4u8, "0614141000029"),
    ] {
        s.call(
            "add partner",
            dscsa,
            0,
            call_of(
                "dscsa",
                "add_partner",
                (id(who), kind, gln.to_string(), "L-1".to_string()),
            ),
        );
    }
    s.call(
        "bad GLN",
        dscsa,
        0,
        call_of(
            "dscsa",
            "add_partner",
            (
                id("Ferdie"),
                3u8,
                "0614141000013".to_string(),
                "L".to_string(),
            ),
        ),
    );
    let (gtin, sscc, expiry) = ("00300012345671", "003000120000000013", 4_102_444_800_000u64);
    s.sign_as("Bob");
    for serial in ["SN1", "SN2", "SN3"] {
        s.call(
            "commission",
            dscsa,
            0,
            call_of("dscsa", "commission", (gtin, serial, "LOT1", expiry)),
        );
    }
    s.call(
        "duplicate serial",
        dscsa,
        0,
        call_of("dscsa", "commission", (gtin, "SN1", "LOT1", expiry)),
    );
    s.call(
        "bad GTIN",
        dscsa,
        0,
        call_of(
            "dscsa",
            "commission",
            ("00300012345672", "SN4", "LOT1", expiry),
        ),
    );
    s.call(
        "pack",
        dscsa,
        0,
        call_of("dscsa", "pack", (sscc, vec![(gtin, "SN1"), (gtin, "SN2")])),
    );
    let package = |serial: &str| (0u8, gtin.to_string(), serial.to_string());
    let container = (1u8, sscc.to_string());
    s.call(
        "ship packed package",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                package("SN1"),
                id("Charlie"),
                None::<Account>,
                [1u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "ship without statement",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Charlie"),
                None::<Account>,
                [1u8; 32],
                false,
            ),
        ),
    );
    s.call(
        "ship case via 3PL",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                container.clone(),
                id("Charlie"),
                Some(id("Eve")),
                [1u8; 32],
                true,
            ),
        ),
    );
    s.call(
        "verify in transit",
        dscsa,
        0,
        call_of("dscsa", "verify", (gtin, "SN1", "LOT1", expiry)),
    );
    s.sign_as("Dave");
    s.call(
        "receive by someone else",
        dscsa,
        0,
        call_of("dscsa", "receive", container.clone()),
    );
    s.sign_as("Charlie");
    s.call("receive", dscsa, 0, call_of("dscsa", "receive", container));
    s.call("unpack", dscsa, 0, call_of("dscsa", "unpack", sscc));
    s.call(
        "ship to dispenser",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (package("SN1"), id("Dave"), None::<Account>, [2u8; 32], true),
        ),
    );
    s.call(
        "quarantine",
        dscsa,
        0,
        call_of("dscsa", "quarantine", (gtin, "SN2", "damaged")),
    );
    s.call(
        "ship quarantined",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (package("SN2"), id("Dave"), None::<Account>, [2u8; 32], true),
        ),
    );
    s.call(
        "declare illegitimate",
        dscsa,
        0,
        call_of(
            "dscsa",
            "declare_illegitimate",
            (gtin, "SN2", "counterfeit"),
        ),
    );
    s.sign_as("Dave");
    s.call(
        "receive at pharmacy",
        dscsa,
        0,
        call_of("dscsa", "receive", package("SN1")),
    );
    s.call(
        "dispense",
        dscsa,
        0,
        call_of("dscsa", "dispense", (gtin, "SN1")),
    );
    s.call(
        "dispense again",
        dscsa,
        0,
        call_of("dscsa", "dispense", (gtin, "SN1")),
    );
    s.sign_as("Bob");
    s.call(
        "recall",
        dscsa,
        0,
        call_of("dscsa", "recall", (gtin, "LOT1")),
    );
    s.call(
        "ship recalled",
        dscsa,
        0,
        call_of(
            "dscsa",
            "ship",
            (
                package("SN3"),
                id("Charlie"),
                None::<Account>,
                [3u8; 32],
                true,
            ),
        ),
    );
    for serial in ["SN1", "SN2", "SN3"] {
        s.call(
            "verify",
            dscsa,
            0,
            call_of("dscsa", "verify", (gtin, serial, "LOT1", expiry)),
        );
    }
    s.call(
        "history",
        dscsa,
        0,
        call_of("dscsa", "history", (gtin, "SN1", 0u32, 50u32)),
    );

    for (name, result, ours, theirs) in &s.gas {
        println!(
            "{name:<32} {result:<14} {:>12} {:>7} | {:>12} {:>7}",
            ours.ref_time, ours.proof_size, theirs.ref_time, theirs.proof_size
        );
    }
    assert!(
        s.mismatches.is_empty(),
        "{} step(s) differ from pallet-contracts:\n{}",
        s.mismatches.len(),
        s.mismatches.join("\n")
    );
}
