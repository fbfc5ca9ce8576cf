//! An in-process chain for a `#[test]`: deploy a contract from its `.contract`
//! bundle, call its messages by name with arguments written as text (transcoded from
//! the metadata by contract-transcode, as `cargo contract` does), move block time,
//! take snapshots and revert to them, act as any account, and read each call's
//! decoded result, events, gas and deposit. drink!'s session, on Carechain's runtime:
//! the same executive, VM and gas as a node, with no node, no port and no wall clock,
//! so a test gives the same figures on every run.
//!
//! ```no_run
//! use carechain_session::Session;
//!
//! let mut session = Session::new()?;
//! let flipper = session.deploy_bundle("target/ink/flipper/flipper.contract", "new", &["false"])?;
//! session.call(&flipper, "flip", &[])?;
//! assert_eq!(session.query(&flipper, "get", &[])?.value(), "Ok(true)");
//! # Ok::<(), carechain_session::SessionError>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

mod sequences;

pub use carechain_bundle::{Bundle, StorageCell};
use carechain_runtime::exec::{TraceFrame, TraceKind, TraceResult};
use carechain_runtime::{
    code_hash, AccountId, Balance, BlockNumber, Call, Chain, ChainError, ContractCall,
    DispatchError, Event, Genesis, Keypair, MemoryStore, Outcome, Signature, SignedTransaction,
    StorageDeposit, Timestamp, Transaction, TxError, Weight,
};
use carechain_vm::WasmtimeVm;
pub use sequences::{Failure, Sequences, Step};

pub use contract_transcode::Value;

/// Why a session step failed. A failed step changes nothing but, for a transaction
/// that was included, the signer's nonce and fee.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// A bundle, message name or argument was wrong (the message says which).
    #[error("{0}")]
    Input(String),
    /// The chain turned the transaction away (nonce, fee, gas limit, ...).
    #[error("transaction refused: {0}")]
    Refused(TxError),
    /// The contract reverted; `error` is its error, decoded from the metadata.
    #[error("`{message}` reverted: {error}")]
    Reverted {
        /// The message or constructor.
        message: String,
        /// The decoded return value (`Err(NotPatient)`, ...).
        error: String,
        /// The raw return data.
        data: Vec<u8>,
    },
    /// The call failed: a trap, out of gas, a missing contract, ...
    #[error("`{message}` failed: {}{}", error.described(), debug_suffix(debug))]
    Failed {
        /// The message or constructor.
        message: String,
        /// pallet-contracts' error.
        error: DispatchError,
        /// What the contract printed with `debug_message`.
        debug: String,
    },
    /// A snapshot id that is unknown or used.
    #[error("no snapshot {0} (each is used once; reverting also drops later ones)")]
    NoSnapshot(u64),
    /// The chain itself failed.
    #[error(transparent)]
    Chain(#[from] ChainError),
}

fn debug_suffix(debug: &str) -> String {
    if debug.is_empty() {
        String::new()
    } else {
        format!(" (debug: {debug})")
    }
}

/// How many storage keys one read of the index takes.
const STORAGE_PAGE: usize = 1_000;

/// Result of a session step.
pub type Result<T> = std::result::Result<T, SessionError>;

/// An event of a call, decoded with the emitting contract's bundle when the session
/// knows it.
#[derive(Debug, Clone)]
pub struct DecodedEvent {
    /// The contract that emitted it.
    pub emitter: AccountId,
    /// The event's fields (`None`: no known bundle decodes it).
    pub value: Option<Value>,
    /// The event as recorded.
    pub raw: Event,
}

impl DecodedEvent {
    /// The event's name (`ConsentRecorded`), when it was decoded.
    pub fn name(&self) -> Option<String> {
        match &self.value {
            Some(Value::Map(map)) => map.ident(),
            _ => None,
        }
    }
}

/// One frame of a call's trace, decoded with the bundles the session deployed.
#[derive(Debug, Clone)]
pub struct TracedFrame {
    /// The frame as the runtime recorded it (caller, callee, value, raw input and
    /// output, gas, result, events).
    pub frame: TraceFrame,
    /// The contract's name, when the session knows its code.
    pub contract: Option<String>,
    /// The constructor or message its selector names.
    pub message: Option<String>,
    /// The input decoded (`decision { patient: .., .. }`).
    pub args: Option<Value>,
    /// The return value decoded.
    pub returned: Option<Value>,
}

impl TracedFrame {
    /// `contract::message`, or what is known of it.
    pub fn name(&self) -> String {
        format!(
            "{}::{}",
            self.contract.as_deref().unwrap_or("?"),
            self.message.as_deref().unwrap_or("?")
        )
    }
}

/// What a call or an instantiation did.
#[derive(Debug, Clone)]
pub struct Called {
    /// The decoded return value (`Ok(true)`, `Ok(Ok(3))`).
    pub value: Value,
    /// The raw return data.
    pub data: Vec<u8>,
    /// For an instantiation, the new contract.
    pub contract: Option<AccountId>,
    /// The events, in order.
    pub events: Vec<DecodedEvent>,
    /// Gas used (pallet-contracts' `gas_consumed`).
    pub gas_consumed: Weight,
    /// The least gas limit that does the same (pallet-contracts' `gas_required`).
    pub gas_required: Weight,
    /// The storage deposit taken or paid back.
    pub storage_deposit: StorageDeposit,
    /// The fee the signer paid (0 for a query).
    pub fee: Balance,
    /// What the contract printed with `debug_message` (dry runs and queries only).
    pub debug_message: String,
    /// The block that includes the transaction (for a query: the head).
    pub block: BlockNumber,
    /// The frames the call ran, in the order they started, each naming its parent
    /// (recorded in the dry run, which ran on the same state at the same block).
    pub trace: Vec<TracedFrame>,
}

impl Called {
    /// The return value as text, as `cargo contract` prints it.
    pub fn value(&self) -> String {
        self.value.to_string()
    }

    /// The names of the decoded events, in order.
    pub fn event_names(&self) -> Vec<String> {
        self.events.iter().filter_map(DecodedEvent::name).collect()
    }

    /// The trace as `contract::message` per frame, indented by depth.
    pub fn trace_names(&self) -> Vec<String> {
        self.trace
            .iter()
            .map(|f| format!("{}{}", "  ".repeat(f.frame.depth as usize), f.name()))
            .collect()
    }
}

/// Who sends the session's transactions.
#[derive(Clone)]
enum Actor {
    Key(Box<Keypair>),
    /// Taken without a signature, as a dev node's impersonation.
    As(AccountId),
}

impl Actor {
    fn account(&self) -> AccountId {
        match self {
            Actor::Key(key) => key.account_id(),
            Actor::As(account) => *account,
        }
    }
}

/// An in-memory chain with the dev accounts (`//Alice` .. `//Ferdie`) endowed, and
/// the contracts deployed on it.
pub struct Session {
    chain: Chain<MemoryStore>,
    vm: WasmtimeVm,
    actor: Actor,
    /// The next block's timestamp; moves only when asked to.
    time: Timestamp,
    bundles: BTreeMap<AccountId, Rc<Bundle>>,
    /// Every bundle deployed, by code hash (to decode traces, delegate calls too).
    codes: BTreeMap<carechain_runtime::CodeHash, Rc<Bundle>>,
    snapshots: Vec<(u64, BlockNumber, Timestamp)>,
    next_snapshot: u64,
}

impl Session {
    /// A fresh chain from the dev genesis; `//Alice` acts; block time starts at the
    /// genesis timestamp (0) and moves only with [`Session::advance_time`] or
    /// [`Session::set_time`].
    ///
    /// # Errors
    /// The VM cannot start.
    pub fn new() -> Result<Self> {
        let genesis = Genesis::dev().map_err(|e| SessionError::Input(e.to_string()))?;
        Self::with_genesis(&genesis)
    }

    /// A fresh chain from `genesis` (to endow more accounts, or ink_sandbox's prices
    /// with [`carechain_runtime::ChainConfig::sandbox_compatible`]).
    ///
    /// # Errors
    /// The VM cannot start.
    pub fn with_genesis(genesis: &Genesis) -> Result<Self> {
        let chain = Chain::open(MemoryStore::default(), genesis)?;
        let vm = WasmtimeVm::new().map_err(|e| SessionError::Input(format!("VM: {e}")))?;
        let actor = Actor::Key(Box::new(dev_key("//Alice")?));
        Ok(Session {
            time: chain.head().timestamp,
            chain,
            vm,
            actor,
            bundles: BTreeMap::new(),
            codes: BTreeMap::new(),
            snapshots: Vec::new(),
            next_snapshot: 0,
        })
    }

    /// The underlying chain, for reads (state root, accounts, storage, proofs).
    pub fn chain(&self) -> &Chain<MemoryStore> {
        &self.chain
    }

    /// Acts as the key of `suri` (`//Bob`, a mnemonic, `ecdsa://Alice`) from now on.
    ///
    /// # Errors
    /// The URI does not derive a key.
    pub fn set_actor(&mut self, suri: &str) -> Result<&mut Self> {
        self.actor = Actor::Key(Box::new(dev_key(suri)?));
        Ok(self)
    }

    /// Acts as `account` without its key from now on (it pays its own fees).
    pub fn impersonate(&mut self, account: AccountId) -> &mut Self {
        self.actor = Actor::As(account);
        self
    }

    /// The acting account.
    pub fn actor(&self) -> AccountId {
        self.actor.account()
    }

    /// Contract `contract`'s storage at the head, decoded with its bundle's storage
    /// layout: the root cell's fields, each Mapping entry, each Lazy cell.
    ///
    /// # Errors
    /// Not a contract this session deployed, or the chain fails.
    pub fn storage(&self, contract: &AccountId) -> Result<Vec<StorageCell>> {
        let bundle = self.bundle(contract)?;
        let root = self.chain.head().state_root;
        let mut entries = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        loop {
            let page = self
                .chain
                .contract_storage(&root, contract, after.as_deref(), STORAGE_PAGE)?
                .unwrap_or_default();
            entries.extend(page.entries);
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(bundle.decode_storage(&entries))
    }

    /// An account's free balance.
    ///
    /// # Errors
    /// A state read failure.
    pub fn balance(&self, who: &AccountId) -> Result<Balance> {
        Ok(self.chain.account(who)?.balance)
    }

    /// The timestamp the next block gets.
    pub fn time(&self) -> Timestamp {
        self.time
    }

    /// Moves block time forward by `milliseconds`.
    pub fn advance_time(&mut self, milliseconds: u64) -> &mut Self {
        self.time = self.time.saturating_add(milliseconds);
        self
    }

    /// Sets the next block's timestamp.
    ///
    /// # Errors
    /// It is before the head's: block time never goes back.
    pub fn set_time(&mut self, timestamp: Timestamp) -> Result<&mut Self> {
        let head = self.chain.head().timestamp;
        if timestamp < head {
            return Err(SessionError::Input(format!(
                "{timestamp} is before the head's timestamp {head}: block time never goes back"
            )));
        }
        self.time = timestamp;
        Ok(self)
    }

    /// Seals `count` empty blocks; returns the head's number.
    ///
    /// # Errors
    /// The chain fails.
    pub fn produce_blocks(&mut self, count: u32) -> Result<BlockNumber> {
        for _ in 0..count {
            self.chain.produce_block(Vec::new(), self.time, &self.vm)?;
        }
        Ok(self.chain.head().number)
    }

    /// Remembers the head (so the whole state) and the clock; returns an id for
    /// [`Session::revert`]. O(1).
    pub fn snapshot(&mut self) -> u64 {
        self.next_snapshot = self.next_snapshot.saturating_add(1);
        self.snapshots
            .push((self.next_snapshot, self.chain.head().number, self.time));
        self.next_snapshot
    }

    /// Puts the chain back at snapshot `id`: state, balances, blocks and clock. The
    /// snapshot and every later one are used up.
    ///
    /// # Errors
    /// [`SessionError::NoSnapshot`].
    pub fn revert(&mut self, id: u64) -> Result<()> {
        let at = self
            .snapshots
            .iter()
            .position(|(i, _, _)| *i == id)
            .ok_or(SessionError::NoSnapshot(id))?;
        let (_, number, time) = self.snapshots[at];
        self.chain.revert_to(number)?;
        self.snapshots.truncate(at);
        self.time = time;
        Ok(())
    }

    /// Loads the bundle at `path` and deploys it (see [`Session::deploy`]).
    ///
    /// # Errors
    /// As [`Session::deploy`], and a bundle that does not load.
    pub fn deploy_bundle(
        &mut self,
        path: impl AsRef<Path>,
        constructor: &str,
        args: &[&str],
    ) -> Result<AccountId> {
        let bundle = Bundle::load(path.as_ref()).map_err(input)?;
        self.deploy(bundle, constructor, args, &[])
    }

    /// Uploads the bundle's code if the chain lacks it, then instantiates it with
    /// `constructor(args)` and `salt`; returns the contract's address. The session
    /// then decodes its results and events.
    ///
    /// # Errors
    /// Bad arguments, a constructor that reverts or fails, a refused transaction.
    pub fn deploy(
        &mut self,
        bundle: impl Into<Rc<Bundle>>,
        constructor: &str,
        args: &[&str],
        salt: &[u8],
    ) -> Result<AccountId> {
        let called = self.instantiate(bundle, constructor, args, salt, 0)?;
        called
            .contract
            .ok_or_else(|| SessionError::Input("the instantiation made no contract".into()))
    }

    /// As [`Session::deploy`], with an endowment, answering everything the
    /// instantiation did.
    ///
    /// # Errors
    /// As [`Session::deploy`].
    pub fn instantiate(
        &mut self,
        bundle: impl Into<Rc<Bundle>>,
        constructor: &str,
        args: &[&str],
        salt: &[u8],
        value: Balance,
    ) -> Result<Called> {
        let bundle: Rc<Bundle> = bundle.into();
        let data = bundle.encode(constructor, &texts(args)).map_err(input)?;
        let wasm = bundle.wasm().map_err(input)?.to_vec();
        let hash = code_hash(&wasm);
        self.codes.insert(hash, Rc::clone(&bundle));
        if !self.code_exists(&hash)? {
            let limit = self.chain.config().schedule.limits.max_tx_gas;
            let receipt = self.submit(Call::UploadCode { code: wasm }, limit)?;
            if let Outcome::Failed(error) = receipt.outcome {
                return Err(SessionError::Failed {
                    message: format!("upload of {}", bundle.name()),
                    error,
                    debug: String::new(),
                });
            }
        }
        let call = ContractCall::Instantiate {
            code_hash: hash,
            value,
            data: &data,
            salt,
        };
        let decode = |d: &[u8]| bundle.decode_constructor_return(constructor, d);
        let run = self.dry(constructor, call, decode)?;
        let contract = run.contract;
        if let Some(address) = contract {
            self.bundles.insert(address, Rc::clone(&bundle));
        }
        let tx_call = Call::Instantiate {
            code_hash: hash,
            value,
            data,
            salt: salt.to_vec(),
        };
        self.execute(constructor, tx_call, run, decode)
    }

    /// Sends message `message(args)` to `contract` in a transaction in a new block
    /// (after a dry run, whose gas it uses as its limit).
    ///
    /// # Errors
    /// Bad arguments, a message that reverts or fails (nothing is submitted), a
    /// refused transaction.
    pub fn call(&mut self, contract: &AccountId, message: &str, args: &[&str]) -> Result<Called> {
        self.call_with_value(contract, message, args, 0)
    }

    /// As [`Session::call`], sending `value` with it.
    ///
    /// # Errors
    /// As [`Session::call`].
    pub fn call_with_value(
        &mut self,
        contract: &AccountId,
        message: &str,
        args: &[&str],
        value: Balance,
    ) -> Result<Called> {
        let bundle = self.bundle(contract)?;
        let data = bundle.encode(message, &texts(args)).map_err(input)?;
        let call = ContractCall::Call {
            dest: *contract,
            value,
            data: &data,
        };
        let decode = |d: &[u8]| bundle.decode_return(message, d);
        let run = self.dry(message, call, decode)?;
        let tx_call = Call::Call {
            dest: *contract,
            value,
            data,
        };
        self.execute(message, tx_call, run, decode)
    }

    /// Runs `message(args)` on the head's state as the actor and commits nothing (a
    /// dry run, as `cargo contract call` without `-x`).
    ///
    /// # Errors
    /// Bad arguments, a message that reverts or fails.
    pub fn query(&self, contract: &AccountId, message: &str, args: &[&str]) -> Result<Called> {
        let bundle = self.bundle(contract)?;
        let data = bundle.encode(message, &texts(args)).map_err(input)?;
        let call = ContractCall::Call {
            dest: *contract,
            value: 0,
            data: &data,
        };
        self.dry(message, call, |d| bundle.decode_return(message, d))
    }

    fn bundle(&self, contract: &AccountId) -> Result<Rc<Bundle>> {
        self.bundles.get(contract).cloned().ok_or_else(|| {
            SessionError::Input(format!(
                "no contract deployed by this session at {contract}"
            ))
        })
    }

    fn code_exists(&self, hash: &carechain_runtime::CodeHash) -> Result<bool> {
        let key = carechain_runtime::code_key(hash);
        Ok(self
            .chain
            .storage_at(&self.chain.head().state_root, &key)?
            .is_some())
    }

    /// A dry run at the next block's time, as the actor.
    fn dry(
        &self,
        name: &str,
        call: ContractCall<'_>,
        decode: impl Fn(&[u8]) -> anyhow::Result<Value>,
    ) -> Result<Called> {
        let limit = self.chain.config().schedule.limits.max_tx_gas;
        let run = self
            .chain
            .dry_run_at(self.time, &self.actor(), limit, None, call, &self.vm);
        let outcome = run.outcome;
        let ret = match outcome.result {
            Ok(ret) => ret,
            Err(error) => {
                return Err(SessionError::Failed {
                    message: name.to_string(),
                    error,
                    debug: outcome.debug_message,
                })
            }
        };
        let value = decode(&ret.data).map_err(input)?;
        if ret.reverted {
            return Err(SessionError::Reverted {
                message: name.to_string(),
                error: value.to_string(),
                data: ret.data,
            });
        }
        Ok(Called {
            trace: self.decode_trace(&outcome.trace),
            value,
            data: ret.data,
            contract: ret.instantiated,
            events: self.decode_events(&outcome.events),
            gas_consumed: outcome.gas_consumed,
            gas_required: run.gas_required,
            storage_deposit: outcome.storage_deposit,
            fee: 0,
            debug_message: outcome.debug_message,
            block: self.chain.head().number,
        })
    }

    /// Submits `call` with the dry run's gas as its limit; the receipt's figures
    /// replace the dry run's.
    fn execute(
        &mut self,
        name: &str,
        call: Call,
        dry: Called,
        decode: impl Fn(&[u8]) -> anyhow::Result<Value>,
    ) -> Result<Called> {
        let receipt = self.submit(call, dry.gas_required)?;
        match receipt.outcome {
            Outcome::Success => {}
            Outcome::Reverted => {
                return Err(SessionError::Reverted {
                    message: name.to_string(),
                    error: decode(&receipt.output)
                        .map_or_else(|e| e.to_string(), |v| v.to_string()),
                    data: receipt.output,
                })
            }
            Outcome::Failed(error) => {
                return Err(SessionError::Failed {
                    message: name.to_string(),
                    error,
                    debug: String::new(),
                })
            }
        }
        Ok(Called {
            value: decode(&receipt.output).map_err(input)?,
            data: receipt.output,
            contract: receipt.instantiated.or(dry.contract),
            events: self.decode_events(&receipt.events),
            gas_consumed: receipt.gas_used,
            gas_required: dry.gas_required,
            storage_deposit: receipt.storage_deposit,
            fee: receipt.fee,
            debug_message: dry.debug_message,
            block: self.chain.head().number,
            trace: dry.trace,
        })
    }

    /// Includes one transaction from the actor in a new block; its receipt.
    fn submit(&mut self, call: Call, gas_limit: Weight) -> Result<carechain_runtime::Receipt> {
        let signer = self.actor();
        let tx = Transaction {
            genesis_hash: self.chain.genesis_hash(),
            signer,
            nonce: self.chain.account(&signer)?.nonce,
            gas_limit,
            storage_deposit_limit: None,
            call,
        };
        let (tx, impersonated) = match &self.actor {
            Actor::Key(key) => (tx.sign(key), Vec::new()),
            Actor::As(_) => {
                let tx = SignedTransaction {
                    transaction: tx,
                    signature: Signature::Sr25519([0; 64]),
                };
                let hash = tx.hash();
                (tx, vec![hash])
            }
        };
        let proposal =
            self.chain
                .propose_block_impersonating(vec![tx], self.time, &self.vm, &impersonated)?;
        let mut produced = self.chain.commit_proposal(proposal)?;
        if let Some(rejected) = produced.rejected.pop() {
            return Err(SessionError::Refused(rejected.error));
        }
        produced
            .receipts
            .pop()
            .ok_or_else(|| SessionError::Input("the block has no receipt".into()))
    }

    /// The bundle whose code is `hash`, among the session's.
    fn bundle_of_code(&self, hash: &carechain_runtime::CodeHash) -> Option<&Rc<Bundle>> {
        self.codes.get(hash)
    }

    fn decode_trace(&self, frames: &[TraceFrame]) -> Vec<TracedFrame> {
        frames
            .iter()
            .map(|frame| {
                let bundle = frame
                    .code_hash
                    .as_ref()
                    .and_then(|h| self.bundle_of_code(h));
                let constructor = frame.kind == TraceKind::Instantiate;
                let entry = bundle.and_then(|b| b.decode_input(&frame.input, constructor));
                let returned = bundle.zip(entry.as_ref()).and_then(|(b, (label, _))| {
                    if matches!(frame.result, TraceResult::Failed(_)) {
                        return None;
                    }
                    if constructor {
                        b.decode_constructor_return(label, &frame.output).ok()
                    } else {
                        b.decode_return(label, &frame.output).ok()
                    }
                });
                TracedFrame {
                    contract: bundle.map(|b| b.name().to_string()),
                    message: entry.as_ref().map(|(label, _)| label.clone()),
                    args: entry.and_then(|(_, v)| v),
                    returned,
                    frame: frame.clone(),
                }
            })
            .collect()
    }

    fn decode_events(&self, events: &[Event]) -> Vec<DecodedEvent> {
        events
            .iter()
            .map(|event| DecodedEvent {
                emitter: event.emitter,
                value: self.bundles.get(&event.emitter).and_then(|bundle| {
                    let topic = event.topics.first()?;
                    bundle.decode_event(topic, &event.data).ok()
                }),
                raw: event.clone(),
            })
            .collect()
    }
}

/// The dev key of `suri`.
fn dev_key(suri: &str) -> Result<Keypair> {
    Keypair::from_suri(suri).map_err(|e| SessionError::Input(format!("{suri}: {e}")))
}

/// The account of a dev URI (`//Bob`), for arguments and balances.
///
/// # Errors
/// The URI does not derive.
pub fn account(suri: &str) -> Result<AccountId> {
    Ok(dev_key(suri)?.account_id())
}

fn texts(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_string()).collect()
}

fn input(e: anyhow::Error) -> SessionError {
    SessionError::Input(format!("{e:#}"))
}
