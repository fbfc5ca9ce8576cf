//! The two chains the suite drives, behind one [`Backend`] trait: Carechain (a
//! `Chain` on the wasmtime VM, signed transactions) and pallet-contracts (ink_sandbox).

use carechain_runtime::{
    code_hash as carechain_code_hash, contract_storage_key, Call, Chain, ChainConfig, ContractCall,
    Genesis, MemoryStore, Outcome, StateDb, StateExt, Weight,
};
use carechain_tests::{dev, signed};
use carechain_vm::WasmtimeVm;
use ink_sandbox::api::balance_api::BalanceAPI;
use ink_sandbox::api::contracts_api::ContractAPI;
use ink_sandbox::api::system_api::SystemAPI;
use ink_sandbox::api::timestamp_api::TimestampAPI;
use ink_sandbox::macros::{DefaultSandboxRuntime, RuntimeEvent};
use ink_sandbox::pallet_contracts::{self, Determinism};
use ink_sandbox::{AccountId32, DefaultSandbox, DispatchError, Sandbox};

pub(crate) type Account = [u8; 32];

pub(crate) const ENDOWMENT: u128 = 1_000_000_000_000_000;
const START_TIME: u64 = 1_700_000_000_000;
const BLOCK_TIME: u64 = 6_000;
/// The sandbox's default limit; Carechain's transactions carry this plus their base cost.
const GAS: Weight = Weight::new(100_000_000_000, 3 * 1024 * 1024);

/// What a step cost, in pallet-contracts' terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gas {
    /// `gas_consumed`.
    pub(crate) consumed: Weight,
    /// `gas_required`: the dry run's answer to "what limit does this need".
    pub(crate) required: Weight,
}

/// One contract event: emitter, topics, data.
pub(crate) type Ev = (Account, Vec<[u8; 32]>, Vec<u8>);

/// What one step did, in terms both chains share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// `(reverted, data)`, or the failure's pallet-contracts name.
    pub(crate) result: Result<(bool, Vec<u8>), String>,
    pub(crate) events: Vec<Ev>,
    /// For an instantiation that succeeded.
    pub(crate) address: Option<Account>,
    /// The storage deposit taken (positive) or paid back (negative).
    pub(crate) deposit: i128,
}

/// A chain the suite can drive.
pub(crate) trait Backend {
    /// The code hash and the deposit taken.
    fn upload(&mut self, code: &[u8]) -> Result<(Account, i128), String>;
    fn instantiate(
        &mut self,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> (Step, Gas);
    fn call(&mut self, dest: Account, value: u128, data: Vec<u8>) -> (Step, Gas);
    /// Removes uploaded code, its deposit back to the uploader.
    fn remove_code(&mut self, code: Account) -> Result<i128, String>;
    fn storage(&mut self, contract: Account, key: &[u8]) -> Option<Vec<u8>>;
    /// Free and held (reserved) balance.
    fn balances(&mut self, who: Account) -> (u128, u128);
}

pub(crate) struct Carechain {
    chain: Chain<MemoryStore>,
    vm: WasmtimeVm,
    /// Who signs the next transactions (a dev account name).
    pub(crate) signer: &'static str,
    /// The storage deposit limit of the next calls.
    pub(crate) deposit_limit: Option<u128>,
}

impl Carechain {
    pub(crate) fn new() -> Self {
        let genesis = Genesis {
            config: ChainConfig::sandbox_compatible(),
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
            deposit_limit: None,
        }
    }

    fn submit(&mut self, call: Call) -> carechain_runtime::Receipt {
        let key = dev(self.signer);
        let nonce = self.chain.account(&key.account_id()).expect("state").nonce;
        // An upload pays for its compile as gas (a Carechain charge the pallet lacks,
        // see docs/architecture.md); the suite compares its deposit and balances.
        let gas = match call {
            Call::UploadCode { .. } => carechain_tests::UPLOAD_GAS,
            _ => GAS,
        };
        let mut tx = signed(&key, self.chain.genesis_hash(), nonce, gas, call).transaction;
        tx.storage_deposit_limit = self.deposit_limit;
        let tx = tx.sign(&key);
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

    /// The gas a dry run of `call` says it needs, as the pallet's dry run reports it.
    fn gas_required(&self, call: ContractCall<'_>) -> Weight {
        let origin = dev(self.signer).account_id();
        self.chain
            .dry_run(&origin, GAS, self.deposit_limit, call, &self.vm)
            .gas_required
    }

    /// `data` to `dest` as a dry run, which has a debug buffer as every ink_sandbox
    /// call has (a transaction has none): its result and gas consumed.
    pub(crate) fn dry_call(
        &self,
        dest: Account,
        data: &[u8],
    ) -> (Result<(bool, Vec<u8>), String>, Weight) {
        let origin = dev(self.signer).account_id();
        let call = ContractCall::Call {
            dest: carechain_runtime::AccountId(dest),
            value: 0,
            data,
        };
        let run = self
            .chain
            .dry_run(&origin, GAS, self.deposit_limit, call, &self.vm);
        let result = run
            .outcome
            .result
            .map(|r| (r.reverted, r.data))
            .map_err(|e| carechain_error_name(&e));
        (result, run.outcome.gas_consumed)
    }

    fn step(receipt: carechain_runtime::Receipt, required: Weight) -> (Step, Gas) {
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
            deposit: receipt.storage_deposit.signed(),
        };
        let gas = Gas {
            consumed: receipt.gas_used,
            required,
        };
        (step, gas)
    }
}

/// The pallet's name for the error (both chains name errors the same way).
fn carechain_error_name(e: &carechain_runtime::DispatchError) -> String {
    e.name().to_string()
}

impl Backend for Carechain {
    fn upload(&mut self, code: &[u8]) -> Result<(Account, i128), String> {
        let receipt = self.submit(Call::UploadCode {
            code: code.to_vec(),
        });
        match receipt.outcome {
            Outcome::Success => Ok((
                carechain_code_hash(code).0,
                receipt.storage_deposit.signed(),
            )),
            Outcome::Failed(e) => Err(carechain_error_name(&e)),
            other => Err(format!("{other:?}")),
        }
    }

    fn instantiate(
        &mut self,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: Vec<u8>,
    ) -> (Step, Gas) {
        let required = self.gas_required(ContractCall::Instantiate {
            code_hash: carechain_runtime::Hash(code),
            value,
            data: &data,
            salt: &salt,
        });
        let receipt = self.submit(Call::Instantiate {
            code_hash: carechain_runtime::Hash(code),
            value,
            data,
            salt,
        });
        Self::step(receipt, required)
    }

    fn call(&mut self, dest: Account, value: u128, data: Vec<u8>) -> (Step, Gas) {
        let required = self.gas_required(ContractCall::Call {
            dest: carechain_runtime::AccountId(dest),
            value,
            data: &data,
        });
        let receipt = self.submit(Call::Call {
            dest: carechain_runtime::AccountId(dest),
            value,
            data,
        });
        Self::step(receipt, required)
    }

    fn remove_code(&mut self, code: Account) -> Result<i128, String> {
        let receipt = self.submit(Call::RemoveCode {
            code_hash: carechain_runtime::Hash(code),
        });
        match receipt.outcome {
            Outcome::Success => Ok(receipt.storage_deposit.signed()),
            Outcome::Failed(e) => Err(carechain_error_name(&e)),
            other => Err(format!("{other:?}")),
        }
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

    fn balances(&mut self, who: Account) -> (u128, u128) {
        let info = self
            .chain
            .account(&carechain_runtime::AccountId(who))
            .expect("state");
        (info.balance, info.reserved)
    }
}

pub(crate) struct Pallet {
    sandbox: DefaultSandbox,
    block: u64,
    pub(crate) origin: AccountId32,
    pub(crate) deposit_limit: Option<u128>,
}

impl Pallet {
    pub(crate) fn new() -> Self {
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
            deposit_limit: None,
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
pub(crate) const SIGNERS: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

pub(crate) fn account32(name: &str) -> AccountId32 {
    AccountId32::new(dev(name).account_id().0)
}

fn pallet_gas(consumed: &ink_sandbox::Weight, required: &ink_sandbox::Weight) -> Gas {
    Gas {
        consumed: Weight::new(consumed.ref_time(), consumed.proof_size()),
        required: Weight::new(required.ref_time(), required.proof_size()),
    }
}

/// pallet-contracts' deposit, signed: a refund is negative.
fn signed_deposit(d: &pallet_contracts::StorageDeposit<u128>) -> i128 {
    match d {
        pallet_contracts::StorageDeposit::Charge(n) => *n as i128,
        pallet_contracts::StorageDeposit::Refund(n) => -(*n as i128),
    }
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
    fn upload(&mut self, code: &[u8]) -> Result<(Account, i128), String> {
        let out = self
            .sandbox
            .upload_contract(
                code.to_vec(),
                self.origin.clone(),
                self.deposit_limit,
                Determinism::Enforced,
            )
            .map(|r| (r.code_hash.0, r.deposit as i128))
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
    ) -> (Step, Gas) {
        let out = self.sandbox.instantiate_contract(
            code.to_vec(),
            value,
            data,
            salt,
            self.origin.clone(),
            DefaultSandbox::default_gas_limit(),
            self.deposit_limit,
        );
        self.next_block();
        let gas = pallet_gas(&out.gas_consumed, &out.gas_required);
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
                deposit: signed_deposit(&out.storage_deposit),
            },
            gas,
        )
    }

    fn call(&mut self, dest: Account, value: u128, data: Vec<u8>) -> (Step, Gas) {
        let out = self.sandbox.call_contract(
            AccountId32::new(dest),
            value,
            data,
            self.origin.clone(),
            DefaultSandbox::default_gas_limit(),
            self.deposit_limit,
            Determinism::Enforced,
        );
        self.next_block();
        let gas = pallet_gas(&out.gas_consumed, &out.gas_required);
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
                deposit: signed_deposit(&out.storage_deposit),
            },
            gas,
        )
    }

    fn remove_code(&mut self, code: Account) -> Result<i128, String> {
        let origin = self.origin.clone();
        let before = self.balances(*origin.as_ref());
        let out = self.sandbox.execute_with(|| {
            pallet_contracts::Pallet::<DefaultSandboxRuntime>::remove_code(
                ink_sandbox::frame_system::RawOrigin::Signed(origin.clone()).into(),
                ink_sandbox::H256(code),
            )
        });
        self.next_block();
        let after = self.balances(*origin.as_ref());
        out.map(|_| -((before.1 - after.1) as i128))
            .map_err(|e| pallet_error_name(&e.error))
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

    fn balances(&mut self, who: Account) -> (u128, u128) {
        let who = AccountId32::new(who);
        let free = self.sandbox.free_balance(&who);
        let reserved = self.sandbox.execute_with(|| {
            ink_sandbox::pallet_balances::Pallet::<DefaultSandboxRuntime>::reserved_balance(&who)
        });
        (free, reserved)
    }
}
