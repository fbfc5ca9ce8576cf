//! The JSON shapes of the API: what the RPC server sends and receives, and what
//! `carechain ... --output json` prints. They are the stable, documented contract
//! with integrators (`docs/rpc.md`), so they change only additively.
//!
//! Conventions: bytes and hashes are `0x`-prefixed lowercase hex; accounts are SS58
//! (prefix 42) on output and SS58 or `0x` hex on input; balances (`u128`) are decimal
//! strings, because JavaScript numbers lose precision above 2^53; field names are
//! camelCase.

use std::fmt;

use carechain_runtime::{
    AccountId, BlockNumber, ContractError, DispatchError, DryRun, Event, EventRef, Hash, Header,
    Outcome, Receipt, StorageDeposit, Timestamp, TxLocation, Weight,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes as `0x` hex.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(&self.0))
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(bytes)
    }
}

/// Parses hex with or without `0x`.
///
/// # Errors
/// A message naming what is wrong with the text.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| format!("not hex ({e}): {text:.40}"))
}

impl std::str::FromStr for Bytes {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex(s).map(Bytes)
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_hex(&text)
            .map(Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// A 32-byte hash as `0x` hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct H256(pub Hash);

impl std::str::FromStr for H256 {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hash::from_hex(s)
            .map(H256)
            .map_err(|e| format!("a 32-byte 0x hash: {e}"))
    }
}

impl Serialize for H256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(self.0 .0)))
    }
}

impl<'de> Deserialize<'de> for H256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Hash::from_hex(&text)
            .map(H256)
            .map_err(|e| serde::de::Error::custom(format!("a 32-byte hash: {e}")))
    }
}

/// An account: SS58 on output; SS58 or 32-byte `0x` hex on input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Address(pub AccountId);

impl Address {
    /// Parses SS58 or `0x` hex.
    ///
    /// # Errors
    /// A message naming the problem (bad checksum, wrong length).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.starts_with("0x") {
            let hash = Hash::from_hex(text).map_err(|e| format!("account {text}: {e}"))?;
            return Ok(Address(AccountId(hash.0)));
        }
        AccountId::from_ss58(text)
            .map(Address)
            .map_err(|e| format!("account {text}: {e}"))
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_ss58())
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Address::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `u128` as a decimal string.
pub(crate) mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(u64),
        }
        match Either::deserialize(d)? {
            Either::Text(t) => t
                .parse()
                .map_err(|e| serde::de::Error::custom(format!("a balance: {e}"))),
            Either::Number(n) => Ok(u128::from(n)),
        }
    }
}

/// `Option<u128>` as an optional decimal string.
mod opt_u128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => super::u128_string::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super::u128_string")] u128);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(v)| v))
    }
}

/// Gas in both dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gas {
    /// Computation, picoseconds.
    pub ref_time: u64,
    /// State proof bytes.
    pub proof_size: u64,
}

impl From<Weight> for Gas {
    fn from(w: Weight) -> Self {
        Gas {
            ref_time: w.ref_time,
            proof_size: w.proof_size,
        }
    }
}

impl From<Gas> for Weight {
    fn from(g: Gas) -> Self {
        Weight::new(g.ref_time, g.proof_size)
    }
}

/// Chain identity and head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainInfo {
    /// Every transaction carries it.
    pub genesis_hash: H256,
    /// The best block.
    pub head: HeaderView,
    /// SS58 prefix of addresses.
    pub ss58_prefix: u16,
    /// The most gas one transaction may use.
    pub max_tx_gas: Gas,
    /// The node's version.
    pub version: String,
}

/// A block header and its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderView {
    /// SHA-256 of the SCALE-encoded header.
    pub hash: H256,
    /// The parent's hash.
    pub parent_hash: H256,
    /// Height.
    pub number: BlockNumber,
    /// Producer's time, ms since the Unix epoch.
    pub timestamp: Timestamp,
    /// State trie root after the block.
    pub state_root: H256,
    /// Root of the transactions.
    pub extrinsics_root: H256,
    /// Root of the receipts.
    pub receipts_root: H256,
}

impl From<&Header> for HeaderView {
    fn from(h: &Header) -> Self {
        HeaderView {
            hash: H256(h.hash()),
            parent_hash: H256(h.parent_hash),
            number: h.number,
            timestamp: h.timestamp,
            state_root: H256(h.state_root),
            extrinsics_root: H256(h.extrinsics_root),
            receipts_root: H256(h.receipts_root),
        }
    }
}

impl HeaderView {
    /// The runtime header (whose hash a verifier recomputes).
    pub fn header(&self) -> Header {
        Header {
            parent_hash: self.parent_hash.0,
            number: self.number,
            timestamp: self.timestamp,
            state_root: self.state_root.0,
            extrinsics_root: self.extrinsics_root.0,
            receipts_root: self.receipts_root.0,
        }
    }
}

/// A block with its transactions' receipts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockView {
    /// The header.
    pub header: HeaderView,
    /// One per transaction, in order.
    pub transactions: Vec<TransactionView>,
}

/// A transaction in a block, with what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionView {
    /// Who signed it.
    pub signer: Address,
    /// Its nonce.
    pub nonce: u64,
    /// `upload`, `instantiate`, `call` or `transfer`.
    pub kind: String,
    /// The receipt.
    pub receipt: ReceiptView,
}

/// What a transaction did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    /// The transaction's hash.
    pub tx_hash: H256,
    /// The block that includes it.
    pub block_number: BlockNumber,
    /// That block's hash.
    pub block_hash: H256,
    /// Index in the block.
    pub index: u32,
    /// `success`, `reverted` or `failed`.
    pub outcome: OutcomeKind,
    /// For `failed`: why, the pallet's error name first (`OutOfGas: ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `failed`: the error's name alone, as pallet-contracts names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_name: Option<String>,
    /// The contract's gas used (pallet-contracts' `gas_consumed`).
    pub gas_used: Gas,
    /// All the transaction took from its block: base cost, dispatchable, gas used.
    pub weight: Gas,
    /// The fee the signer paid for the transaction's weight and length.
    #[serde(with = "u128_string", default)]
    pub fee: u128,
    /// The storage deposit taken from the signer or paid back.
    pub storage_deposit: StorageDepositView,
    /// Return data.
    pub output: Bytes,
    /// Events emitted.
    pub events: Vec<EventView>,
    /// A new contract's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instantiated: Option<Address>,
}

/// What became of a call, in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    /// Completed; its changes are in the state.
    Success,
    /// The contract reverted; its changes were rolled back.
    Reverted,
    /// Failed; its changes were rolled back.
    Failed,
}

impl OutcomeKind {
    /// The kind of `outcome`.
    pub fn of(outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Success => OutcomeKind::Success,
            Outcome::Reverted => OutcomeKind::Reverted,
            Outcome::Failed(_) => OutcomeKind::Failed,
        }
    }

    /// `success`, `reverted` or `failed`.
    pub fn word(self) -> &'static str {
        match self {
            OutcomeKind::Success => "success",
            OutcomeKind::Reverted => "reverted",
            OutcomeKind::Failed => "failed",
        }
    }
}

impl fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// The error's name and its description, for a view's `errorName` and `error`.
pub(crate) fn failure_fields(error: Option<&DispatchError>) -> (Option<String>, Option<String>) {
    (
        error.map(|e| e.name().to_string()),
        error.map(DispatchError::described),
    )
}

/// The pallet-contracts error a view's `errorName` names, if any.
fn named_contract_error(name: Option<&str>) -> Option<ContractError> {
    name.and_then(ContractError::from_name)
}

impl ReceiptView {
    /// Builds the view of `receipt`, included at `location` in block `block_hash`.
    pub fn new(block_hash: Hash, location: TxLocation, receipt: &Receipt) -> Self {
        let index = location.index;
        let error = match &receipt.outcome {
            Outcome::Failed(e) => Some(e),
            Outcome::Success | Outcome::Reverted => None,
        };
        let (error_name, error) = failure_fields(error);
        ReceiptView {
            tx_hash: H256(receipt.tx_hash),
            block_number: location.block,
            block_hash: H256(block_hash),
            index,
            outcome: OutcomeKind::of(&receipt.outcome),
            error,
            error_name,
            gas_used: receipt.gas_used.into(),
            weight: receipt.weight.into(),
            fee: receipt.fee,
            storage_deposit: receipt.storage_deposit.into(),
            output: Bytes(receipt.output.clone()),
            events: receipt
                .events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let at = EventRef {
                        block: location.block,
                        tx_index: index,
                        event_index: u32::try_from(i).unwrap_or(u32::MAX),
                    };
                    EventView::recorded(e, at)
                })
                .collect(),
            instantiated: receipt.instantiated.map(Address),
        }
    }

    /// The pallet-contracts error it failed with, if any.
    pub fn contract_error(&self) -> Option<ContractError> {
        named_contract_error(self.error_name.as_deref())
    }
}

/// Where an event was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPlace {
    /// Block.
    pub block_number: BlockNumber,
    /// Transaction index in the block.
    pub tx_index: u32,
    /// Event index in the receipt.
    pub event_index: u32,
}

/// A contract event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// Where, for a recorded event (absent in a dry run).
    #[serde(default, skip_serializing_if = "Option::is_none", flatten)]
    pub at: Option<EventPlace>,
    /// The contract that emitted it.
    pub contract: Address,
    /// Its topics; in ink! 5 the first is the event's signature topic.
    pub topics: Vec<H256>,
    /// SCALE-encoded event data.
    pub data: Bytes,
}

impl From<EventRef> for EventPlace {
    fn from(at: EventRef) -> Self {
        EventPlace {
            block_number: at.block,
            tx_index: at.tx_index,
            event_index: at.event_index,
        }
    }
}

impl EventView {
    /// The view of a recorded event.
    pub fn recorded(event: &Event, at: EventRef) -> Self {
        Self::new(event, Some(at.into()))
    }

    /// The view of `event`.
    pub fn new(event: &Event, at: Option<EventPlace>) -> Self {
        EventView {
            at,
            contract: Address(event.emitter),
            topics: event.topics.iter().copied().map(H256).collect(),
            data: Bytes(event.data.clone()),
        }
    }
}

/// Which events to return.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventFilter {
    /// Only this contract's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Address>,
    /// Only events carrying this topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<H256>,
    /// From this block on (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_block: Option<BlockNumber>,
    /// At most this many, oldest first (default and maximum 10 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl EventFilter {
    /// The node's query for this filter.
    pub fn query(&self) -> carechain_node::EventQuery {
        carechain_node::EventQuery {
            contract: self.contract.map(|c| c.0),
            topic: self.topic.map(|t| t.0),
            from_block: self.from_block,
            limit: self.limit,
        }
    }
}

/// A block by number, by hash, or the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockId {
    /// The best block.
    Latest,
    /// By height.
    Number(BlockNumber),
    /// By hash.
    Hash(Hash),
}

impl From<BlockId> for carechain_node::BlockAt {
    fn from(id: BlockId) -> Self {
        match id {
            BlockId::Latest => carechain_node::BlockAt::Latest,
            BlockId::Number(n) => carechain_node::BlockAt::Number(n),
            BlockId::Hash(h) => carechain_node::BlockAt::Hash(h),
        }
    }
}

impl std::str::FromStr for BlockId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s == "latest" || s == "head" {
            return Ok(BlockId::Latest);
        }
        if s.starts_with("0x") {
            return Hash::from_hex(s)
                .map(BlockId::Hash)
                .map_err(|e| format!("block hash {s}: {e}"));
        }
        s.parse()
            .map(BlockId::Number)
            .map_err(|_| format!("`{s}` is not a block: give a number, a 0x hash or `latest`"))
    }
}

impl Serialize for BlockId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            BlockId::Latest => s.serialize_str("latest"),
            BlockId::Number(n) => s.serialize_u64(*n),
            BlockId::Hash(h) => H256(*h).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for BlockId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(BlockId::Number(n)),
            Either::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// What to dry-run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DryRunCall {
    /// Run a constructor of uploaded code.
    #[serde(rename_all = "camelCase")]
    Instantiate {
        /// The code.
        code_hash: H256,
        /// Endowment.
        #[serde(with = "u128_string", default)]
        value: u128,
        /// Selector and arguments.
        data: Bytes,
        /// Address salt.
        #[serde(default)]
        salt: Bytes,
        /// The code itself, when it is not on chain yet: the dry run stores it first
        /// (pallet-contracts' `Code::Upload`); it must hash to `codeHash`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<Bytes>,
    },
    /// Call a message.
    #[serde(rename_all = "camelCase")]
    Call {
        /// The contract.
        dest: Address,
        /// Value sent.
        #[serde(with = "u128_string", default)]
        value: u128,
        /// Selector and arguments.
        data: Bytes,
    },
}

/// A dry-run request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunRequest {
    /// Who calls.
    pub origin: Address,
    /// Gas limit (default: the most a transaction may use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas_limit: Option<Gas>,
    /// Storage deposit limit, a decimal string (default: what the origin can pay, up
    /// to the chain's default limit).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_u128_string"
    )]
    pub storage_deposit_limit: Option<u128>,
    /// What to run.
    pub call: DryRunCall,
}

/// The storage deposit a call took from its origin or paid back (pallet-contracts'
/// `StorageDeposit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "amount")]
pub enum StorageDepositView {
    /// Taken from the caller.
    Charge(#[serde(with = "u128_string")] u128),
    /// Given back to the caller.
    Refund(#[serde(with = "u128_string")] u128),
}

impl From<StorageDeposit> for StorageDepositView {
    fn from(d: StorageDeposit) -> Self {
        match d {
            StorageDeposit::Charge(n) => StorageDepositView::Charge(n),
            StorageDeposit::Refund(n) => StorageDepositView::Refund(n),
        }
    }
}

/// What a dry run found. Nothing was committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunView {
    /// `success`, `reverted` or `failed`.
    pub outcome: OutcomeKind,
    /// For `failed`: why, the pallet's error name first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `failed`: the error's name alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_name: Option<String>,
    /// Return data (for ink!: SCALE `Result<Result<T, E>, LangError>`).
    pub data: Bytes,
    /// Gas the call used (pallet-contracts' `gas_consumed`).
    pub gas_consumed: Gas,
    /// Gas the call needs (pallet-contracts' `gas_required`): a transaction with at
    /// least this gas limit runs the same way (in the same state).
    pub gas_required: Gas,
    /// The storage deposit it would take or pay back, as pallet-contracts' dry run
    /// reports it (at the chain's prices).
    pub storage_deposit: StorageDepositView,
    /// The fee a transaction making the call with `gasRequired` as its limit pays.
    #[serde(with = "u128_string", default)]
    pub fee: u128,
    /// Events it would emit.
    pub events: Vec<EventView>,
    /// `debug_message` output.
    pub debug_message: String,
    /// A constructor's new contract address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instantiated: Option<Address>,
    /// State keys it would write.
    pub storage_changes: u32,
    /// The frames the call ran (`docs/rpc.md`: the trace).
    #[serde(default)]
    pub trace: Vec<crate::trace::TraceFrameView>,
}

impl DryRunView {
    /// The view of a node's dry run.
    pub fn new(dry: &DryRun) -> Self {
        let result = &dry.outcome.result;
        let (outcome, data, instantiated) = match result {
            Ok(ret) if ret.reverted => (OutcomeKind::Reverted, ret.data.clone(), None),
            Ok(ret) => (OutcomeKind::Success, ret.data.clone(), ret.instantiated),
            Err(_) => (OutcomeKind::Failed, Vec::new(), None),
        };
        let (error_name, error) = failure_fields(result.as_ref().err());
        DryRunView {
            outcome,
            error,
            error_name,
            data: Bytes(data),
            gas_consumed: dry.outcome.gas_consumed.into(),
            gas_required: dry.gas_required.into(),
            storage_deposit: dry.outcome.storage_deposit.into(),
            fee: dry.fee,
            events: dry
                .outcome
                .events
                .iter()
                .map(|e| EventView::new(e, None))
                .collect(),
            debug_message: dry.outcome.debug_message.clone(),
            instantiated: instantiated.map(Address),
            storage_changes: u32::try_from(dry.storage_changes.len()).unwrap_or(u32::MAX),
            trace: crate::trace::trace_view(&dry.outcome.trace),
        }
    }

    /// The pallet-contracts error it failed with, if any.
    pub fn contract_error(&self) -> Option<ContractError> {
        named_contract_error(self.error_name.as_deref())
    }
}

/// What to prove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofRequest {
    /// A key of this contract's storage; absent: `key` is a raw state key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Address>,
    /// The key.
    pub key: Bytes,
    /// At which block (default: latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<BlockId>,
}

/// A storage proof with the header that anchors it: a verifier checks that the
/// header hashes to `header.hash` and that the proof leads to its state root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofView {
    /// The block whose state is proven.
    pub header: HeaderView,
    /// The contract, for a contract storage key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Address>,
    /// The key as asked.
    pub key: Bytes,
    /// The state trie key proven (for a contract: its namespaced key).
    pub state_key: Bytes,
    /// The value, or null for a proof of absence.
    pub value: Option<Bytes>,
    /// The SCALE-encoded proof.
    pub proof: Bytes,
}

/// An account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// SS58.
    pub address: Address,
    /// The raw 32 bytes.
    pub public_key: H256,
    /// Free balance.
    #[serde(with = "u128_string")]
    pub balance: u128,
    /// Held balance: storage deposits on a contract, code deposits on an uploader.
    #[serde(with = "u128_string", default)]
    pub reserved: u128,
    /// The next transaction's nonce.
    pub nonce: u64,
    /// For a contract: its code hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_hash: Option<H256>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balances_are_strings_and_round_trip() {
        let a = AccountView {
            address: Address(AccountId([1; 32])),
            public_key: H256(Hash([1; 32])),
            balance: u128::MAX,
            reserved: 7,
            nonce: 3,
            code_hash: None,
        };
        let json = serde_json::to_string(&a).expect("serializes");
        assert!(
            json.contains(&format!("\"balance\":\"{}\"", u128::MAX)),
            "{json}"
        );
        let back: AccountView = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, a);
    }

    #[test]
    fn block_ids_parse() {
        assert_eq!("latest".parse(), Ok(BlockId::Latest));
        assert_eq!("7".parse(), Ok(BlockId::Number(7)));
        assert!("0x12".parse::<BlockId>().is_err());
        assert!("seven".parse::<BlockId>().is_err());
        let id: BlockId = serde_json::from_str("5").expect("number");
        assert_eq!(id, BlockId::Number(5));
    }

    #[test]
    fn bad_hex_and_addresses_are_errors() {
        assert!(serde_json::from_str::<Bytes>("\"0xzz\"").is_err());
        assert!(serde_json::from_str::<H256>("\"0x00\"").is_err());
        assert!(serde_json::from_str::<Address>("\"5Grwva\"").is_err());
        let alice: Address =
            serde_json::from_str("\"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\"")
                .expect("Alice");
        assert_eq!(hex::encode(alice.0 .0)[..8], *"d43593c7");
    }
}
