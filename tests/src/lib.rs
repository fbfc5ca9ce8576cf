//! Shared helpers for the integration tests: dev keys, transaction building, the
//! compiled contract artifacts, and [`ScriptVm`], a test-only VM.
//!
//! `ScriptVm` exists so the executive's contract path (checkpoints, revert, failure,
//! events, gas) can be tested before and independently of the wasmtime VM. Its "code"
//! is a SCALE-encoded list of [`Op`]s; it never runs in the product.

use std::path::PathBuf;
use std::rc::Rc;

pub use carechain_cli::Bundle;

use carechain_runtime::exec::{CallStack, Engine, EngineRun, FrameExt, FrameRun};
use carechain_runtime::{
    code_hash, code_key, contract_address, AccountId, Balance, Call, Chain, ChainConfig,
    ChainStore, ContractCall, ContractError, ContractVm, DispatchError, Event, ExecContext,
    ExecOutcome, ExecReturn, Genesis, Hash, Keypair, MemoryStore, Outcome, RejectKind,
    SignedTransaction, StateAccess, StateExt, Transaction, Weight,
};
use parity_scale_codec::{Decode, Encode};

/// A dev account's key (`//Alice`, `//Bob`, ...).
pub fn dev(name: &str) -> Keypair {
    match Keypair::from_uri(&format!("//{name}")) {
        Ok(key) => key,
        Err(e) => panic!("dev URI //{name} must derive: {e}"),
    }
}

/// A fresh in-memory chain with the dev accounts endowed.
pub fn dev_chain() -> Chain<MemoryStore> {
    dev_chain_endowing(&[])
}

/// A fresh in-memory chain with the dev accounts and the dev accounts `//NAME` of
/// `names` endowed as richly (whoever stores data pays its storage deposit).
pub fn dev_chain_endowing(names: &[&str]) -> Chain<MemoryStore> {
    let mut genesis = Genesis::dev().unwrap_or_else(|e| panic!("dev genesis: {e}"));
    for name in names {
        genesis.endowed.push((dev(name).account_id(), 1 << 60));
    }
    Chain::open(MemoryStore::default(), &genesis).unwrap_or_else(|e| panic!("open chain: {e}"))
}

/// Uploads `code` and instantiates it from `//Alice` with constructor input `ctor`,
/// endowment `value` and no salt, in one block; returns the contract's address.
/// Panics unless both succeed.
pub fn deploy<S: ChainStore>(
    chain: &mut Chain<S>,
    vm: &dyn ContractVm,
    code: Vec<u8>,
    ctor: Vec<u8>,
    value: u128,
) -> AccountId {
    let alice = dev("Alice");
    let g = chain.genesis_hash();
    let nonce = chain
        .account(&alice.account_id())
        .unwrap_or_else(|e| panic!("{e}"))
        .nonce;
    let hash = code_hash(&code);
    let address = contract_address(&alice.account_id(), &hash, &ctor, &[]);
    let txs = vec![
        signed(&alice, g, nonce, UPLOAD_GAS, Call::UploadCode { code }),
        signed(
            &alice,
            g,
            nonce + 1,
            GAS,
            Call::Instantiate {
                code_hash: hash,
                value,
                data: ctor,
                salt: vec![],
            },
        ),
    ];
    let ts = chain.head().timestamp + 1;
    let produced = chain
        .produce_block(txs, ts, vm)
        .unwrap_or_else(|e| panic!("deploy block: {e}"));
    for receipt in &produced.receipts {
        assert_eq!(receipt.outcome, Outcome::Success, "deploy: {receipt:?}");
    }
    assert_eq!(
        produced.receipts.len(),
        2,
        "deploy rejected: {:?}",
        produced.rejected
    );
    address
}

/// A generous gas limit for tests.
pub const GAS: Weight = Weight::new(10_000_000_000, 1_000_000);

/// A gas limit for uploads: their compile is charged as gas (the schedule's
/// `CompileWeights`), up to half a second of it for the largest contracts.
pub const UPLOAD_GAS: Weight = Weight::new(500_000_000_000, 1_000_000);

/// Builds and signs a transaction.
pub fn signed(
    key: &Keypair,
    genesis_hash: Hash,
    nonce: u64,
    gas_limit: Weight,
    call: Call,
) -> SignedTransaction {
    Transaction {
        genesis_hash,
        signer: key.account_id(),
        nonce,
        gas_limit,
        storage_deposit_limit: None,
        call,
    }
    .sign(key)
}

/// The workspace root (parent of this crate).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map_or(here.clone(), PathBuf::from)
}

/// Path of a contract artifact built by `scripts/build-contracts.sh`:
/// `target/ink/<name>/<name>.<ext>`. Panics with the fix if it is missing.
pub fn ink_artifact(name: &str, ext: &str) -> PathBuf {
    let path = workspace_root()
        .join("target/ink")
        .join(name)
        .join(format!("{name}.{ext}"));
    assert!(
        path.exists(),
        "{} is missing: run ./scripts/build-contracts.sh (./scripts/test.sh does it for you)",
        path.display()
    );
    path
}

thread_local! {
    /// Bundles loaded so far on this thread: a bundle's transcoder is built once.
    static BUNDLES: std::cell::RefCell<std::collections::BTreeMap<String, Rc<Bundle>>> =
        const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

/// The `.contract` bundle of contract `name` that `build-contracts.sh` wrote, read
/// through the CLI's one bundle loader. Panics with the fix if it is missing.
pub fn bundle(name: &str) -> Rc<Bundle> {
    if let Some(found) = BUNDLES.with(|b| b.borrow().get(name).cloned()) {
        return found;
    }
    let path = ink_artifact(name, "contract");
    let loaded = Rc::new(Bundle::load(&path).unwrap_or_else(|e| panic!("{e:#}")));
    BUNDLES.with(|b| b.borrow_mut().insert(name.to_string(), Rc::clone(&loaded)));
    loaded
}

/// The selector of constructor or message `label` of contract `name`. Panics naming
/// what is missing.
pub fn selector(name: &str, label: &str) -> [u8; 4] {
    bundle(name)
        .selector(label)
        .unwrap_or_else(|| panic!("{name} has no constructor or message `{label}`"))
}

/// The name of variant `index` of contract `name`'s `Error`, from its metadata.
/// Panics if the metadata has no such variant.
pub fn error_name(name: &str, index: u8) -> String {
    bundle(name)
        .error_name(index)
        .unwrap_or_else(|| panic!("{name}'s Error has no variant {index}"))
}

/// One step of a [`ScriptVm`] program.
#[derive(Debug, Clone, Encode, Decode)]
pub enum Op {
    /// Write a contract storage entry.
    Set(Vec<u8>, Vec<u8>),
    /// Emit an event with these topics and data.
    Emit(Vec<Hash>, Vec<u8>),
    /// Use this much gas; running past the limit fails with `OutOfGas`.
    Burn(Weight),
    /// Stop and return this data with the REVERT flag.
    Revert(Vec<u8>),
    /// Stop with a trap.
    Trap,
    /// Stop and return this data.
    Return(Vec<u8>),
    /// Terminate the contract in favour of this account, and stop.
    Terminate(AccountId),
}

/// The test VM: code is `Vec<Op>` SCALE-encoded; a contract's input picks nothing, it
/// simply runs its code's ops. It is only an [`Engine`]: the call stack, transfers,
/// checkpoints and the contract's record are the runtime's, as for the wasmtime VM.
#[derive(Debug, Default, Clone, Copy)]
pub struct ScriptVm;

impl ScriptVm {
    /// Encodes a program as uploadable code.
    pub fn code(ops: &[Op]) -> Vec<u8> {
        ops.to_vec().encode()
    }
}

impl Engine for ScriptVm {
    type Code = Vec<Op>;

    fn load(
        &self,
        code_hash: Hash,
        state: &dyn StateAccess,
        _config: &ChainConfig,
    ) -> Result<(Vec<Op>, usize), DispatchError> {
        match state.get(&code_key(&code_hash)) {
            Ok(Some(code)) => Vec::<Op>::decode(&mut &code[..])
                .map(|ops| (ops, code.len()))
                .map_err(|_| DispatchError::Module(ContractError::CodeRejected)),
            Ok(None) => Err(DispatchError::Module(ContractError::CodeNotFound)),
            Err(_) => Err(DispatchError::StateUnreadable),
        }
    }

    fn run(
        &self,
        stack: &mut CallStack,
        state: &mut dyn StateAccess,
        ops: &Vec<Op>,
        mut run: FrameRun,
    ) -> EngineRun {
        let emitter = run.frame.address;
        let mut ret = ExecReturn::default();
        let end = |result| EngineRun {
            result,
            fuel_consumed: 0,
        };
        for op in ops {
            match op {
                Op::Set(k, v) => {
                    let mut ext = FrameExt::new(stack, state, &mut run.frame);
                    if ext.write_storage(k, Some(v.clone())).is_err() {
                        return end(Err(DispatchError::StateUnreadable));
                    }
                }
                Op::Emit(topics, data) => stack.events.push(Event {
                    emitter,
                    topics: topics.clone(),
                    data: data.clone(),
                }),
                Op::Burn(w) => {
                    // As a host function charges: straight to the frame's meter.
                    let mut ext = FrameExt::new(stack, state, &mut run.frame);
                    let charged = ext.gas().map(|gas| gas.charge(*w).is_ok());
                    if charged != Ok(true) {
                        return end(Err(DispatchError::Module(ContractError::OutOfGas)));
                    }
                }
                Op::Revert(data) => {
                    ret.reverted = true;
                    ret.data = data.clone();
                    break;
                }
                Op::Trap => return end(Err(DispatchError::Module(ContractError::ContractTrapped))),
                Op::Return(data) => {
                    ret.data = data.clone();
                    break;
                }
                Op::Terminate(beneficiary) => {
                    let mut ext = FrameExt::new(stack, state, &mut run.frame);
                    return match ext.terminate(beneficiary) {
                        Ok(()) => end(Ok(ret)),
                        Err(_) => end(Err(DispatchError::Module(ContractError::ContractTrapped))),
                    };
                }
            }
        }
        end(Ok(ret))
    }
}

impl ContractVm for ScriptVm {
    fn validate_code(&self, code: &[u8], _config: &ChainConfig) -> Result<(), DispatchError> {
        Vec::<Op>::decode(&mut &code[..])
            .map(|_| ())
            .map_err(|_| DispatchError::CodeRejected {
                kind: RejectKind::InvalidWasm,
                offset: None,
            })
    }

    fn execute(
        &self,
        ctx: &ExecContext<'_>,
        state: &mut dyn StateAccess,
        origin: &AccountId,
        gas_limit: Weight,
        deposit_limit: Option<Balance>,
        call: ContractCall<'_>,
    ) -> ExecOutcome {
        carechain_runtime::exec::execute(self, ctx, state, origin, gas_limit, deposit_limit, call)
    }
}

/// The storage namespace the runtime gave the contract at `address`.
pub fn trie_id_of(chain: &Chain<MemoryStore>, address: &AccountId) -> carechain_runtime::Hash {
    carechain_runtime::StateDb::new(chain.store(), chain.head().state_root)
        .contract_info(address)
        .ok()
        .flatten()
        .map(|info| info.trie_id)
        .unwrap_or_default()
}
