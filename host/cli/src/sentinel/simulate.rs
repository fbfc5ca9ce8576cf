//! Runs a generated world ([`carechain_sentinel::generate`]) through the real
//! contracts on a real chain: every step is a signed transaction executed by the
//! wasmtime VM, so the sentinel later reads the same events a production chain has.
//!
//! Parties are keys derived from their names (a seed of SHA-256 of the name); steps
//! are grouped into blocks of ten minutes of activity (at most [`MAX_BLOCK_TXS`]
//! transactions), each block stamped with its last step's time.
//!
//! The contracts assign record ids: the id of each registered record is read from its
//! `RecordRegistered` event and stands in for the generator's handle in later steps
//! (a step using a record registered in the block being filled closes the block
//! first). Location references and break-glass justifications go on chain as salted
//! SHA-256 commitments ([`commitment`]), as a hospital's system would send them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use carechain_runtime::{
    contract_address, sha256, AccountId, Call, Chain, ChainStore, ContractVm, Keypair, Outcome,
    SignedTransaction, Transaction, Weight,
};
use carechain_sentinel::events::{
    ChainEvent, DataClass, Decoder, Event, PackageKey, PartnerKind, Provision, Purpose, RawEvent,
    RecordId,
};
use carechain_sentinel::generate::{
    AccessKind, Action, PartnerRole, RecordHandle, Step, SupplyKind, World,
};

use crate::Bundle;

/// Most transactions in one simulated block.
pub const MAX_BLOCK_TXS: usize = 60;
/// Activity grouped into one block, ms.
const BLOCK_SPAN: u64 = 10 * 60_000;
/// Gas limit of each simulated transaction.
const GAS: Weight = Weight::new(400_000_000_000, 4 * 1024 * 1024);

/// The three healthcare contracts' bundles.
pub struct Artifacts {
    /// Consent.
    pub consent: Bundle,
    /// EHR access.
    pub ehr_access: Bundle,
    /// DSCSA.
    pub dscsa: Bundle,
}

impl Artifacts {
    /// Reads them from `dir` (usually `target/ink`).
    ///
    /// # Errors
    /// A bundle is missing or malformed.
    pub fn load(dir: &Path) -> Result<Self> {
        let load = |name: &str| {
            let path = dir.join(name).join(format!("{name}.contract"));
            let bundle =
                Bundle::load(&path).context("build the contracts: ./scripts/build-contracts.sh")?;
            bundle.wasm()?;
            Ok::<_, anyhow::Error>(bundle)
        };
        Ok(Artifacts {
            consent: load("consent")?,
            ehr_access: load("ehr_access")?,
            dscsa: load("dscsa")?,
        })
    }

    /// The code hashes of consent, ehr_access and dscsa: whose events the sentinel
    /// believes.
    pub fn code_hashes(&self) -> [[u8; 32]; 3] {
        [&self.consent, &self.ehr_access, &self.dscsa].map(|a| a.code_hash().0)
    }

    /// The event decoder for the three contracts' events.
    ///
    /// # Errors
    /// Metadata without events.
    pub fn decoder(&self) -> Result<Decoder> {
        let mut decoder = Decoder::default();
        for artifact in [&self.consent, &self.ehr_access, &self.dscsa] {
            decoder.add_metadata(&artifact.metadata_json())?;
        }
        Ok(decoder)
    }
}

/// A salted SHA-256 commitment to text kept off chain, as ehr_access stores location
/// references and justifications: SHA-256(salt || text), the salt (here derived from
/// the text, so that a simulation is reproducible) kept with the text.
pub fn commitment(text: &str) -> [u8; 32] {
    let salt = sha256(format!("carechain-sim-salt:{text}").as_bytes()).0;
    let mut salted = salt.to_vec();
    salted.extend_from_slice(text.as_bytes());
    sha256(&salted).0
}

/// What //Alice gives each party of a simulated world before it acts.
const PARTY_FUNDING: u128 = 1 << 44;
/// What the uploader gets: code deposits are the largest.
const DEPLOYER_FUNDING: u128 = 1 << 50;

/// Every party of `world` that signs anything, in name order.
fn parties(world: &World) -> BTreeSet<&str> {
    let mut names: BTreeSet<&str> = world.steps.iter().map(|s| s.actor.as_str()).collect();
    for h in &world.hospitals {
        names.insert(&h.organization);
        names.insert(&h.privacy_officer);
    }
    names.extend(world.regions.iter().map(|r| r.operator.as_str()));
    names
}

/// Who uploads the code.
const DEPLOYER: &str = "//deployer";

/// A party's key: the seed is SHA-256 of its name (a `//Name` is the dev key).
///
/// # Errors
/// The name does not derive a key.
pub fn party_key(name: &str) -> Result<Keypair> {
    if name.starts_with("//") {
        return Keypair::from_uri(name).map_err(|e| anyhow!("key {name}: {e}"));
    }
    let seed = sha256(format!("carechain-sim:{name}").as_bytes());
    Keypair::from_uri(&format!("0x{}", hex::encode(seed.0)))
        .map_err(|e| anyhow!("key for {name}: {e}"))
}

/// Where the contracts of a simulation live.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// Consent.
    pub consent: AccountId,
    /// One EHR contract per hospital.
    pub hospitals: Vec<AccountId>,
    /// One DSCSA contract per region.
    pub regions: Vec<AccountId>,
}

/// Ground truth, keyed as the chain's events name things.
#[derive(Clone, Debug, Default)]
pub struct Truth {
    /// (EHR contract, audit entry) -> kind.
    pub accesses: BTreeMap<([u8; 32], u64), AccessKind>,
    /// (DSCSA contract, block, transaction index) of a labelled shipment -> kind.
    pub orders: BTreeMap<([u8; 32], u64, u32), SupplyKind>,
    /// (DSCSA contract, package key, presenting party) -> kind.
    pub serials: BTreeMap<([u8; 32], PackageKey, [u8; 32]), SupplyKind>,
}

/// What a simulation did.
#[derive(Clone, Debug, Default)]
pub struct Simulation {
    /// The contracts.
    pub deployment: Deployment,
    /// Ground truth.
    pub truth: Truth,
    /// Every event, in chain order.
    pub events: Vec<RawEvent>,
    /// Steps run.
    pub steps: usize,
    /// Steps whose transaction failed (a contract error; a generated world means none).
    pub failed: usize,
    /// The first failure, described.
    pub first_failure: Option<String>,
    /// Blocks produced.
    pub blocks: u64,
}

struct Driver<'a, S: ChainStore> {
    chain: &'a mut Chain<S>,
    vm: &'a dyn ContractVm,
    artifacts: &'a Artifacts,
    decoder: Decoder,
    keys: BTreeMap<String, Keypair>,
    nonces: BTreeMap<AccountId, u64>,
    sim: Simulation,
    /// Break-glass tag -> (contract, entry).
    tags: BTreeMap<u64, ([u8; 32], u64)>,
    /// The generator's record handles -> the ids the contracts assigned.
    records: BTreeMap<RecordHandle, RecordId>,
}

/// What each transaction in a block is for (to record the ground truth).
enum Intent {
    Plain,
    Access(Option<AccessKind>, Option<u64>),
    Order(SupplyKind),
    Verify(SupplyKind),
    Register(RecordHandle),
}

impl<S: ChainStore> Driver<'_, S> {
    fn key(&mut self, name: &str) -> Result<Keypair> {
        if let Some(key) = self.keys.get(name) {
            return Ok(key.clone());
        }
        let key = party_key(name)?;
        self.keys.insert(name.to_string(), key.clone());
        Ok(key)
    }

    fn account(&mut self, name: &str) -> Result<AccountId> {
        Ok(self.key(name)?.account_id())
    }

    fn sign(&mut self, signer: &str, call: Call) -> Result<SignedTransaction> {
        let key = self.key(signer)?;
        let who = key.account_id();
        let nonce = match self.nonces.get(&who) {
            Some(n) => *n,
            None => self.chain.account(&who)?.nonce,
        };
        self.nonces.insert(who, nonce + 1);
        Ok(Transaction {
            genesis_hash: self.chain.genesis_hash(),
            signer: who,
            nonce,
            gas_limit: GAS,
            storage_deposit_limit: None,
            call,
        }
        .sign(&key))
    }

    /// Produces one block; every transaction must be included.
    fn block(&mut self, at: u64, txs: Vec<(SignedTransaction, Intent)>) -> Result<()> {
        let at = at.max(self.chain.head().timestamp);
        let (signed, purposes): (Vec<_>, Vec<_>) = txs.into_iter().unzip();
        let produced = self.chain.produce_block(signed, at, self.vm)?;
        if let Some(rejected) = produced.rejected.first() {
            bail!(
                "simulated transaction rejected at {at}: {:?}",
                rejected.error
            );
        }
        let number = produced.block.header.number;
        self.sim.blocks += 1;
        for (tx_index, (receipt, purpose)) in produced.receipts.iter().zip(purposes).enumerate() {
            let tx_index = tx_index as u32;
            if receipt.outcome != Outcome::Success {
                self.sim.failed += 1;
                if self.sim.first_failure.is_none() {
                    self.sim.first_failure = Some(format!(
                        "block {number} transaction {tx_index}: {}",
                        receipt
                            .outcome
                            .failure()
                            .unwrap_or_else(|| receipt.outcome.word().to_string())
                    ));
                }
            }
            let mut decoded = Vec::new();
            for (event_index, event) in receipt.events.iter().enumerate() {
                let raw = RawEvent {
                    block: number,
                    timestamp: at,
                    tx_index,
                    event_index: event_index as u32,
                    contract: event.emitter.0,
                    topics: event.topics.iter().map(|t| t.0).collect(),
                    data: event.data.clone(),
                };
                if let Ok(Some(e)) = self.decoder.decode(&raw) {
                    decoded.push(e);
                }
                self.sim.events.push(raw);
            }
            self.record_truth(number, tx_index, purpose, &decoded);
        }
        Ok(())
    }

    fn record_truth(&mut self, block: u64, tx_index: u32, purpose: Intent, events: &[ChainEvent]) {
        match purpose {
            Intent::Plain => {}
            Intent::Register(handle) => {
                for e in events {
                    if let Event::RecordRegistered { record, .. } = e.event {
                        self.records.insert(handle, record);
                    }
                }
            }
            Intent::Access(kind, tag) => {
                for e in events {
                    if let Event::AccessDecided { entry, .. } = e.event {
                        if let Some(kind) = kind {
                            self.sim.truth.accesses.insert((e.contract, entry), kind);
                        }
                        if let Some(tag) = tag {
                            self.tags.insert(tag, (e.contract, entry));
                        }
                    }
                }
            }
            Intent::Order(kind) => {
                if let Some(e) = events.first() {
                    self.sim
                        .truth
                        .orders
                        .insert((e.contract, block, tx_index), kind);
                }
            }
            Intent::Verify(kind) => {
                for e in events {
                    if let Event::VerificationRequested {
                        package, requester, ..
                    } = e.event
                    {
                        self.sim
                            .truth
                            .serials
                            .insert((e.contract, package, requester), kind);
                    }
                }
            }
        }
    }

    fn call(&mut self, signer: &str, dest: AccountId, data: Vec<u8>) -> Result<SignedTransaction> {
        self.sign(
            signer,
            Call::Call {
                dest,
                value: 0,
                data,
            },
        )
    }

    fn deploy(&mut self, world: &World) -> Result<()> {
        let a = self.artifacts;
        // Whoever stores data pays its storage deposit: //Alice (endowed at genesis)
        // funds the uploader and every party first.
        let uploader = DEPLOYER;
        let mut txs = Vec::new();
        let funded = std::iter::once((uploader, DEPLOYER_FUNDING))
            .chain(parties(world).into_iter().map(|p| (p, PARTY_FUNDING)));
        for (party, value) in funded {
            let dest = self.account(party)?;
            let funding = self.sign("//Alice", Call::Transfer { dest, value })?;
            txs.push((funding, Intent::Plain));
        }
        for bundle in [&a.consent, &a.ehr_access, &a.dscsa] {
            let code = bundle.wasm()?.to_vec();
            txs.push((
                self.sign(uploader, Call::UploadCode { code })?,
                Intent::Plain,
            ));
        }
        let deploy = |d: &mut Self,
                      who: &str,
                      artifact: &Bundle,
                      data: Vec<u8>|
         -> Result<(SignedTransaction, AccountId)> {
            let hash = artifact.code_hash();
            let deployer = d.account(who)?;
            let address = contract_address(&deployer, &hash, &data, &[]);
            let tx = d.sign(
                who,
                Call::Instantiate {
                    code_hash: hash,
                    value: 0,
                    data,
                    salt: vec![],
                },
            )?;
            Ok((tx, address))
        };
        let (tx, consent) = deploy(self, uploader, &a.consent, a.consent.call_data("new", ())?)?;
        txs.push((tx, Intent::Plain));
        self.sim.deployment.consent = consent;
        for hospital in &world.hospitals {
            let officer = self.account(&hospital.privacy_officer)?;
            let data = a.ehr_access.call_data("new", (consent, officer))?;
            let (tx, address) = deploy(self, &hospital.organization, &a.ehr_access, data)?;
            txs.push((tx, Intent::Plain));
            self.sim.deployment.hospitals.push(address);
            // Consent answers `decision` only to reader contracts its deployer
            // registered: each hospital's EHR contract is one.
            let data = a.consent.call_data("add_reader", address)?;
            txs.push((self.call(uploader, consent, data)?, Intent::Plain));
        }
        for region in &world.regions {
            let data = a.dscsa.call_data("new", ())?;
            let (tx, address) = deploy(self, &region.operator, &a.dscsa, data)?;
            txs.push((tx, Intent::Plain));
            self.sim.deployment.regions.push(address);
        }
        let at = world.steps.first().map_or(0, |s| s.at);
        self.block(at, txs)
    }

    /// The id the contract gave the record with `handle` (all zeros, which no record
    /// has, if its registration failed: the step then fails and is counted).
    fn record_id(&self, handle: &RecordHandle) -> RecordId {
        self.records.get(handle).copied().unwrap_or([0; 32])
    }

    /// The signed transaction of one generated step, and what it stands for.
    fn transaction(&mut self, step: &Step) -> Result<(SignedTransaction, Intent)> {
        let (dest, data, intent) = match &step.action {
            Action::AddPartner { .. }
            | Action::AddPrefix { .. }
            | Action::Commission { .. }
            | Action::Pack { .. }
            | Action::Ship { .. }
            | Action::Receive { .. }
            | Action::Unpack { .. }
            | Action::Verify { .. }
            | Action::Dispense { .. } => self.supply_chain_call(step)?,
            _ => self.care_call(step)?,
        };
        Ok((self.call(&step.actor, dest, data)?, intent))
    }

    /// A hospital's or a patient's step: the consent or ehr_access contract called,
    /// its call data and intent.
    fn care_call(&mut self, step: &Step) -> Result<(AccountId, Vec<u8>, Intent)> {
        let a = self.artifacts;
        let d = &self.sim.deployment.clone();
        let hospital = |i: usize| {
            d.hospitals
                .get(i)
                .copied()
                .ok_or_else(|| anyhow!("hospital {i}"))
        };
        let actor = step.actor.as_str();
        Ok(match &step.action {
            Action::AddProvider {
                hospital: h,
                provider,
            } => {
                let provider = self.account(provider)?;
                let data = a.ehr_access.call_data("add_provider", provider)?;
                (hospital(*h)?, data, Intent::Plain)
            }
            Action::ConsentToHospital { hospital: h } => {
                let patient = self.account(actor)?;
                let organization = self.account(&format!("h{h}/organization"))?;
                let args = (
                    patient,
                    organization,
                    Provision::Permit,
                    vec![Purpose::Treatment],
                    Vec::<DataClass>::new(),
                    0u64,
                    None::<u64>,
                );
                let data = a.consent.call_data("record", args)?;
                (d.consent, data, Intent::Plain)
            }
            Action::RegisterRecord {
                hospital: h,
                patient,
                record,
                class,
            } => {
                let patient = self.account(patient)?;
                let location = format!("fhir://h{h}/{}", hex::encode(&record[..20]));
                let args = (patient, *class, sha256(record).0, commitment(&location));
                let data = a.ehr_access.call_data("register_record", args)?;
                (hospital(*h)?, data, Intent::Register(*record))
            }
            Action::CareRelation {
                hospital: h,
                patient,
                provider,
                start,
                end,
            } => {
                let args = (
                    self.account(patient)?,
                    self.account(provider)?,
                    *start,
                    *end,
                );
                let data = a.ehr_access.call_data("register_care_relation", args)?;
                (hospital(*h)?, data, Intent::Plain)
            }
            Action::RequestAccess {
                hospital: h,
                record,
                label,
            } => {
                let data = a.ehr_access.call_data(
                    "request_access",
                    (self.record_id(record), Purpose::Treatment),
                )?;
                (hospital(*h)?, data, Intent::Access(*label, None))
            }
            Action::BreakGlass {
                hospital: h,
                record,
                tag,
                label,
            } => {
                let justification = commitment(&format!(
                    "emergency: patient unresponsive (tag {tag}, {})",
                    step.at
                ));
                let data = a
                    .ehr_access
                    .call_data("break_glass", (self.record_id(record), justification))?;
                (hospital(*h)?, data, Intent::Access(*label, Some(*tag)))
            }
            Action::ReviewBreakGlass {
                hospital: h,
                tag,
                accept,
            } => {
                let entry = self.tags.get(tag).map_or(u64::MAX, |(_, e)| *e);
                let data = a.ehr_access.call_data("review", (entry, *accept))?;
                (hospital(*h)?, data, Intent::Plain)
            }
            other => bail!("not a care step: {other:?}"),
        })
    }

    /// A trading partner's or a regional operator's step: the dscsa contract called,
    /// its call data and intent.
    fn supply_chain_call(&mut self, step: &Step) -> Result<(AccountId, Vec<u8>, Intent)> {
        let a = self.artifacts;
        let d = &self.sim.deployment.clone();
        let region = |i: usize| {
            d.regions
                .get(i)
                .copied()
                .ok_or_else(|| anyhow!("region {i}"))
        };
        // `dscsa::Target::Container`, the first variant after `Package`.
        let container = |sscc: &String| (1u8, sscc.clone());
        Ok(match &step.action {
            Action::AddPartner {
                region: r,
                partner,
                role,
                gln,
            } => {
                let kind = match role {
                    PartnerRole::Manufacturer => PartnerKind::Manufacturer,
                    PartnerRole::Wholesaler => PartnerKind::WholesaleDistributor,
                    PartnerRole::Pharmacy => PartnerKind::Dispenser,
                };
                let args = (
                    self.account(partner)?,
                    kind,
                    gln.clone(),
                    "LICENSE-SIM".to_string(),
                );
                let data = a.dscsa.call_data("add_partner", args)?;
                (region(*r)?, data, Intent::Plain)
            }
            Action::AddPrefix {
                region: r,
                partner,
                prefix,
            } => {
                let data = a
                    .dscsa
                    .call_data("add_prefix", (self.account(partner)?, prefix.clone()))?;
                (region(*r)?, data, Intent::Plain)
            }
            Action::Commission {
                region: r,
                gtin,
                serial,
                lot,
                expiry,
            } => {
                let data = a
                    .dscsa
                    .call_data("commission", (gtin, serial, lot, *expiry))?;
                (region(*r)?, data, Intent::Plain)
            }
            Action::Pack {
                region: r,
                sscc,
                items,
            } => {
                let data = a.dscsa.call_data("pack", (sscc, items))?;
                (region(*r)?, data, Intent::Plain)
            }
            Action::Ship {
                region: r,
                sscc,
                to,
                label,
            } => {
                let args = (
                    container(sscc),
                    self.account(to)?,
                    None::<AccountId>,
                    sha256(sscc.as_bytes()).0,
                    true,
                );
                let data = a.dscsa.call_data("ship", args)?;
                let purpose = label.map_or(Intent::Plain, Intent::Order);
                (region(*r)?, data, purpose)
            }
            Action::Receive { region: r, sscc } => {
                let data = a.dscsa.call_data("receive", container(sscc))?;
                (region(*r)?, data, Intent::Plain)
            }
            Action::Unpack { region: r, sscc } => {
                let data = a.dscsa.call_data("unpack", sscc)?;
                (region(*r)?, data, Intent::Plain)
            }
            Action::Verify {
                region: r,
                gtin,
                serial,
                lot,
                expiry,
                presenter,
                context,
                label,
            } => {
                let presenter = self.account(presenter)?;
                let data = a.dscsa.call_data(
                    "request_verification",
                    (gtin, serial, lot, *expiry, presenter, *context),
                )?;
                let purpose = label.map_or(Intent::Plain, Intent::Verify);
                (region(*r)?, data, purpose)
            }
            Action::Dispense {
                region: r,
                gtin,
                serial,
            } => {
                let data = a.dscsa.call_data("dispense", (gtin, serial))?;
                (region(*r)?, data, Intent::Plain)
            }
            other => bail!("not a supply-chain step: {other:?}"),
        })
    }
}

/// Runs `world` on `chain`: deploys the contracts, then every step, calling
/// `progress` with the number of steps done.
///
/// # Errors
/// A transaction is rejected (invalid, which the simulation never means to send),
/// or the chain fails.
pub fn run<S: ChainStore>(
    chain: &mut Chain<S>,
    vm: &dyn ContractVm,
    artifacts: &Artifacts,
    world: &World,
    mut progress: impl FnMut(usize),
) -> Result<Simulation> {
    let mut driver = Driver {
        chain,
        vm,
        artifacts,
        decoder: artifacts.decoder()?,
        keys: BTreeMap::new(),
        nonces: BTreeMap::new(),
        sim: Simulation::default(),
        tags: BTreeMap::new(),
        records: BTreeMap::new(),
    };
    driver.deploy(world)?;
    let mut i = 0;
    while i < world.steps.len() {
        let window = world.steps[i].at - world.steps[i].at % BLOCK_SPAN;
        let mut txs = Vec::new();
        let mut at = window;
        // Records registered in this block: their ids are known once it is produced.
        let mut registering: Vec<RecordHandle> = Vec::new();
        while i < world.steps.len()
            && world.steps[i].at < window + BLOCK_SPAN
            && txs.len() < MAX_BLOCK_TXS
        {
            let step = &world.steps[i];
            // A review must see its break-glass entry: close the block first.
            if matches!(step.action, Action::ReviewBreakGlass { .. }) && !txs.is_empty() {
                break;
            }
            // An access must name the id its record's registration was given.
            match &step.action {
                Action::RequestAccess { record, .. } | Action::BreakGlass { record, .. }
                    if registering.contains(record) =>
                {
                    break;
                }
                Action::RegisterRecord { record, .. } => registering.push(*record),
                _ => {}
            }
            txs.push(driver.transaction(step)?);
            at = at.max(step.at);
            i += 1;
        }
        driver.block(at, txs)?;
        progress(i);
    }
    driver.sim.steps = world.steps.len();
    Ok(driver.sim)
}
