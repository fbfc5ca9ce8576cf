//! Storage deposits, as pallet-contracts 31's `storage::meter` takes them: whoever
//! makes a contract store bytes pays for them per item and per byte, the money is held
//! on the contract's account, and it is paid back pro rata when the storage shrinks or
//! the contract terminates.
//!
//! Each frame has a [`DepositMeter`]. Storage writes add to its [`Diff`] (value
//! lengths only: the key is not counted, as the pallet hashes it). When the frame ends
//! well its diff becomes a [`StorageDeposit`] on the contract's record (the four
//! counters of [`ContractInfo`], with the pallet's rounding) and is queued on the
//! caller's meter; nothing moves until the top-level call ends, when
//! [`DepositMeter::settle`] makes every refund and then every charge.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};

use crate::account::AccountInfo;
use crate::dispatch_error::{ContractError, DispatchError};
use crate::primitives::{AccountId, Balance};
use crate::schedule::ChainConfig;
use crate::state::{account_key, ContractInfo, StateError, StateExt};

/// A deposit taken from or paid back to the origin (pallet-contracts'
/// `StorageDeposit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen)]
pub enum StorageDeposit {
    /// Paid back to the origin.
    #[codec(index = 0)]
    Refund(Balance),
    /// Taken from the origin and held on the contract.
    #[codec(index = 1)]
    Charge(Balance),
}

impl Default for StorageDeposit {
    fn default() -> Self {
        StorageDeposit::Charge(0)
    }
}

impl StorageDeposit {
    /// The signed sum; equal amounts give `Charge(0)`.
    pub fn saturating_add(self, rhs: Self) -> Self {
        use StorageDeposit::{Charge, Refund};
        match (self, rhs) {
            (Charge(a), Charge(b)) => Charge(a.saturating_add(b)),
            (Refund(a), Refund(b)) => Refund(a.saturating_add(b)),
            (Charge(c), Refund(r)) | (Refund(r), Charge(c)) if c >= r => Charge(c - r),
            (Charge(c), Refund(r)) | (Refund(r), Charge(c)) => Refund(r - c),
        }
    }

    /// `self - rhs`, signed.
    pub fn saturating_sub(self, rhs: Self) -> Self {
        self.saturating_add(match rhs {
            StorageDeposit::Charge(a) => StorageDeposit::Refund(a),
            StorageDeposit::Refund(a) => StorageDeposit::Charge(a),
        })
    }

    /// The amount, whichever way it goes.
    pub const fn amount(self) -> Balance {
        match self {
            StorageDeposit::Charge(a) | StorageDeposit::Refund(a) => a,
        }
    }

    /// What is left of `limit` after this deposit (more after a refund).
    pub fn available(self, limit: Balance) -> Balance {
        match self {
            StorageDeposit::Charge(a) => limit.saturating_sub(a),
            StorageDeposit::Refund(a) => limit.saturating_add(a),
        }
    }

    /// The signed amount: a refund is negative (for views and reports).
    pub fn signed(self) -> i128 {
        match self {
            StorageDeposit::Charge(a) => i128::try_from(a).unwrap_or(i128::MAX),
            StorageDeposit::Refund(a) => i128::try_from(a).map_or(i128::MIN, |a| -a),
        }
    }
}

/// Storage a frame added and removed, by value length and item count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Diff {
    /// Bytes added.
    pub bytes_added: u32,
    /// Bytes removed.
    pub bytes_removed: u32,
    /// Items added.
    pub items_added: u32,
    /// Items removed.
    pub items_removed: u32,
}

impl Diff {
    /// The diff of writing a value of `new` bytes where one of `old` bytes was (`None`:
    /// no value).
    pub fn of_write(old: Option<u32>, new: Option<u32>) -> Self {
        let mut diff = Diff::default();
        match (old, new) {
            (Some(old), Some(new)) if new > old => diff.bytes_added = new - old,
            (Some(old), Some(new)) => diff.bytes_removed = old - new,
            (None, Some(new)) => {
                diff.bytes_added = new;
                diff.items_added = 1;
            }
            (Some(old), None) => {
                diff.bytes_removed = old;
                diff.items_removed = 1;
            }
            (None, None) => {}
        }
        diff
    }

    fn saturating_add(self, rhs: Self) -> Self {
        Diff {
            bytes_added: self.bytes_added.saturating_add(rhs.bytes_added),
            bytes_removed: self.bytes_removed.saturating_add(rhs.bytes_removed),
            items_added: self.items_added.saturating_add(rhs.items_added),
            items_removed: self.items_removed.saturating_add(rhs.items_removed),
        }
    }

    /// The deposit of this diff, and `info`'s counters moved by it (pallet-contracts'
    /// `Diff::update_contract`). Net growth is charged at the configured prices;
    /// net shrinkage refunds the same share of what the contract holds for bytes (and
    /// for items), rounded down twice as `FixedU128` rounds, so a contract may keep a
    /// little more than its bytes cost.
    pub fn update_contract(
        &self,
        info: Option<&mut ContractInfo>,
        config: &ChainConfig,
    ) -> StorageDeposit {
        let bytes_added = self.bytes_added.saturating_sub(self.bytes_removed);
        let items_added = self.items_added.saturating_sub(self.items_removed);
        let charge_bytes =
            StorageDeposit::Charge(config.deposit_per_byte.saturating_mul(bytes_added.into()));
        let charge_items =
            StorageDeposit::Charge(config.deposit_per_item.saturating_mul(items_added.into()));
        let Some(info) = info else {
            return charge_bytes.saturating_add(charge_items);
        };
        let bytes_removed = self.bytes_removed.saturating_sub(self.bytes_added);
        let items_removed = self.items_removed.saturating_sub(self.items_added);
        let bytes = charge_bytes.saturating_add(StorageDeposit::Refund(share(
            bytes_removed,
            info.storage_bytes,
            info.storage_byte_deposit,
        )));
        let items = charge_items.saturating_add(StorageDeposit::Refund(share(
            items_removed,
            info.storage_items,
            info.storage_item_deposit,
        )));
        info.storage_bytes = info
            .storage_bytes
            .saturating_add(bytes_added)
            .saturating_sub(bytes_removed);
        info.storage_items = info
            .storage_items
            .saturating_add(items_added)
            .saturating_sub(items_removed);
        apply(&mut info.storage_byte_deposit, bytes);
        apply(&mut info.storage_item_deposit, items);
        bytes.saturating_add(items)
    }
}

fn apply(held: &mut Balance, deposit: StorageDeposit) {
    *held = match deposit {
        StorageDeposit::Charge(a) => held.saturating_add(a),
        StorageDeposit::Refund(a) => held.saturating_sub(a),
    };
}

/// `FixedU128`'s precision: 18 decimal places.
const FIXED_ONE: u128 = 1_000_000_000_000_000_000;

/// `min(1, part / whole) · amount` as pallet-contracts computes it with `FixedU128`:
/// the ratio rounded down to 18 places (zero when `whole` is zero), then the product
/// rounded down.
fn share(part: u32, whole: u32, amount: Balance) -> Balance {
    if whole == 0 {
        return 0;
    }
    // part < 2^32, so part · 10^18 < 2^92: no overflow.
    let ratio = (u128::from(part) * FIXED_ONE / u128::from(whole)).min(FIXED_ONE);
    // amount · ratio / 10^18 without overflow: split amount at 10^18 (ratio ≤ 10^18).
    let (high, low) = (amount / FIXED_ONE, amount % FIXED_ONE);
    high.saturating_mul(ratio)
        .saturating_add(low * ratio / FIXED_ONE)
}

/// The length pallet-contracts' `ContractInfo` encodes to with `dependencies` locked
/// delegate dependencies: trie id (compact length + 32), code hash 32, two u32
/// counters, three u128 deposits, and the map (compact length + 48 per entry). Its
/// base deposit is priced by this length, not by Carechain's own record.
fn pallet_contract_info_len(dependencies: usize) -> u32 {
    let entries = u32::try_from(dependencies).unwrap_or(u32::MAX);
    let map_len = if entries < 64 { 1 } else { 2 };
    (33 + 32 + 4 + 4 + 48 + map_len as u32).saturating_add(entries.saturating_mul(48))
}

/// `CodeInfo::max_encoded_len()` in pallet-contracts 31 (owner 32, deposit 16,
/// refcount 8, determinism 1, code length 4): part of what a code upload is charged.
const PALLET_CODE_INFO_LEN: u32 = 61;

/// The deposit for storing `code_len` bytes of code (pallet-contracts'
/// `CodeInfo::new`): the code and its info, two items.
pub fn code_deposit(code_len: u32, config: &ChainConfig) -> Balance {
    let diff = Diff {
        bytes_added: code_len.saturating_add(PALLET_CODE_INFO_LEN),
        items_added: 2,
        ..Diff::default()
    };
    diff.update_contract(None, config).amount()
}

/// A contract's base deposit (pallet-contracts' `update_base_deposit`): its record,
/// priced as one item of the pallet's record length, plus the existential deposit that
/// keeps its account alive (the code-lockup share is 0%, as on ink_sandbox).
pub fn base_deposit(info: &ContractInfo, config: &ChainConfig) -> Balance {
    let diff = Diff {
        bytes_added: pallet_contract_info_len(info.delegate_dependencies.len()),
        items_added: 1,
        ..Diff::default()
    };
    diff.update_contract(None, config)
        .amount()
        .saturating_add(config.existential_deposit)
}

/// What a frame contributes itself, besides what its callees contributed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Contribution {
    /// Still running: its storage diff.
    #[default]
    Alive,
    /// Its limit was checked: the deposit is fixed.
    Checked(StorageDeposit),
    /// It terminated: its deposit is paid back and its balance goes to `beneficiary`.
    Terminated {
        deposit: StorageDeposit,
        beneficiary: AccountId,
    },
}

/// One deposit to make when the call ends.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Charge {
    contract: AccountId,
    amount: StorageDeposit,
    /// The contract terminated: after the deposit, its balance goes here.
    beneficiary: Option<AccountId>,
}

/// The storage deposit meter of one frame, or of the whole call (the root): its limit,
/// what its callees' frames deposited, its own diff, and the deposits to make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepositMeter {
    limit: Balance,
    total: StorageDeposit,
    own: Contribution,
    diff: Diff,
    charges: Vec<Charge>,
    /// The frame was given a limit of its own, checked when it returns.
    own_limit: bool,
}

impl DepositMeter {
    /// The meter of a top-level call by `origin` carrying `value` (pallet-contracts'
    /// `StorageMeter::new`): `limit`, or by default all the origin can spend and stay
    /// alive after the value, but at most the chain's default limit.
    ///
    /// # Errors
    /// `StorageDepositNotEnoughFunds` when the origin cannot pay `limit`.
    pub fn root<S: StateExt + ?Sized>(
        state: &S,
        origin: &AccountId,
        limit: Option<Balance>,
        value: Balance,
        config: &ChainConfig,
    ) -> Result<Self, DepositError> {
        let ed = config.existential_deposit;
        let free = state.account(origin)?.balance;
        let max = free
            .saturating_sub(ed)
            .saturating_sub(value)
            .saturating_sub(ed);
        let limit = limit.unwrap_or(max.min(config.default_deposit_limit));
        if limit > max {
            return Err(ContractError::StorageDepositNotEnoughFunds.into());
        }
        Ok(DepositMeter {
            limit,
            ..DepositMeter::default()
        })
    }

    /// The meter of a frame this one calls, with at most `limit` (zero: all this one has
    /// left, checked only with the whole call's).
    pub fn nested(&self, limit: Balance) -> Self {
        let available = self.total.available(self.limit);
        let limit = available.min(limit);
        if limit == 0 {
            DepositMeter {
                limit: available,
                ..DepositMeter::default()
            }
        } else {
            DepositMeter {
                limit,
                own_limit: true,
                ..DepositMeter::default()
            }
        }
    }

    /// Whether the frame was given a limit of its own.
    pub fn has_own_limit(&self) -> bool {
        self.own_limit
    }

    /// What the frame has deposited so far, its own diff not included.
    pub fn total(&self) -> StorageDeposit {
        self.total
    }

    /// Adds a storage write to the frame's diff.
    pub fn charge(&mut self, diff: Diff) {
        if self.own == Contribution::Alive {
            self.diff = self.diff.saturating_add(diff);
        }
    }

    /// Queues a deposit for `contract` outside the storage diff (base deposits).
    pub fn charge_deposit(&mut self, contract: AccountId, amount: StorageDeposit) {
        self.total = self.total.saturating_add(amount);
        self.charges.push(Charge {
            contract,
            amount,
            beneficiary: None,
        });
    }

    /// A constructor's start (pallet-contracts' `charge_instantiate`): the base
    /// deposit must fit the frame's limit; the existential deposit moves from the
    /// origin to the new account now, the rest of the base deposit when the call ends.
    /// Sets `info`'s base deposit.
    ///
    /// # Errors
    /// `StorageDepositLimitExhausted`; `TransferFailed` when the origin cannot pay
    /// the existential deposit.
    pub fn charge_instantiate<S: StateExt + ?Sized>(
        &mut self,
        state: &mut S,
        origin: &AccountId,
        contract: &AccountId,
        info: &mut ContractInfo,
        config: &ChainConfig,
    ) -> Result<(), DepositError> {
        let ed = config.existential_deposit;
        let base = base_deposit(info, config);
        info.storage_base_deposit = base;
        if base > self.limit {
            return Err(ContractError::StorageDepositLimitExhausted.into());
        }
        self.total = StorageDeposit::Charge(ed);
        crate::account::transfer_keep_alive(state, origin, contract, ed, ed).map_err(
            |e| match e {
                crate::account::TransferError::State(e) => DepositError::State(e),
                crate::account::TransferError::Dispatch(_) => {
                    DepositError::Refused(ContractError::TransferFailed.into())
                }
            },
        )?;
        self.charge_deposit(*contract, StorageDeposit::Charge(base.saturating_sub(ed)));
        Ok(())
    }

    /// The frame's contract terminated: whatever it stored no longer counts; its whole
    /// deposit is paid back and its balance goes to `beneficiary` when the call ends.
    pub fn terminate(&mut self, info: &ContractInfo, beneficiary: AccountId, ed: Balance) {
        self.own = Contribution::Terminated {
            deposit: StorageDeposit::Refund(info.total_deposit(ed)),
            beneficiary,
        };
    }

    fn own_deposit(&self, info: Option<&mut ContractInfo>, config: &ChainConfig) -> StorageDeposit {
        match &self.own {
            Contribution::Alive => self.diff.update_contract(info, config),
            Contribution::Checked(d) | Contribution::Terminated { deposit: d, .. } => *d,
        }
    }

    fn beneficiary(&self) -> Option<AccountId> {
        match &self.own {
            Contribution::Terminated { beneficiary, .. } => Some(*beneficiary),
            _ => None,
        }
    }

    /// Takes in the meter of a callee frame of `contract` that ended well, moving its
    /// diff onto `info` (the callee's record; `None` if it terminated).
    pub fn absorb(
        &mut self,
        callee: DepositMeter,
        contract: &AccountId,
        info: Option<&mut ContractInfo>,
        config: &ChainConfig,
    ) {
        let own = callee.own_deposit(info, config);
        self.total = self.total.saturating_add(callee.total).saturating_add(own);
        self.charges.extend(callee.charges.iter().cloned());
        if own.amount() != 0 {
            self.charges.push(Charge {
                contract: *contract,
                amount: own,
                beneficiary: callee.beneficiary(),
            });
        }
    }

    /// Checks the frame's deposits against its limit, fixing its own diff onto `info`
    /// (pallet-contracts' `enforce_limit`).
    ///
    /// # Errors
    /// `StorageDepositLimitExhausted`.
    pub fn enforce_limit(
        &mut self,
        info: Option<&mut ContractInfo>,
        config: &ChainConfig,
    ) -> Result<(), DispatchError> {
        let own = self.own_deposit(info, config);
        if self.own == Contribution::Alive {
            self.own = Contribution::Checked(own);
        }
        match self.total.saturating_add(own) {
            StorageDeposit::Charge(amount) if amount > self.limit => {
                Err(ContractError::StorageDepositLimitExhausted.into())
            }
            _ => Ok(()),
        }
    }

    /// [`DepositMeter::enforce_limit`] for a frame given a limit of its own; nothing
    /// for one that shares its caller's.
    ///
    /// # Errors
    /// `StorageDepositLimitExhausted`.
    pub fn enforce_subcall_limit(
        &mut self,
        info: Option<&mut ContractInfo>,
        config: &ChainConfig,
    ) -> Result<(), DispatchError> {
        if self.own_limit {
            self.enforce_limit(info, config)
        } else {
            Ok(())
        }
    }

    /// Makes the call's deposits (pallet-contracts' `try_into_deposit`): every refund
    /// first, then every charge, each between `origin` and the contract's held
    /// balance; a terminated contract's remaining balance then goes to its beneficiary.
    /// Returns the call's total deposit.
    ///
    /// # Errors
    /// `StorageDepositNotEnoughFunds` when the origin cannot pay a charge.
    pub fn settle<S: StateExt + ?Sized>(
        self,
        state: &mut S,
        origin: &AccountId,
        config: &ChainConfig,
    ) -> Result<StorageDeposit, DepositError> {
        let refunds = self
            .charges
            .iter()
            .filter(|c| matches!(c.amount, StorageDeposit::Refund(_)));
        let charges = self
            .charges
            .iter()
            .filter(|c| matches!(c.amount, StorageDeposit::Charge(_)));
        for charge in refunds.chain(charges) {
            settle_one(state, origin, charge, config.existential_deposit)?;
        }
        Ok(self.total)
    }
}

fn settle_one<S: StateExt + ?Sized>(
    state: &mut S,
    origin: &AccountId,
    charge: &Charge,
    ed: Balance,
) -> Result<(), DepositError> {
    let contract = &charge.contract;
    match charge.amount {
        StorageDeposit::Charge(0) | StorageDeposit::Refund(0) => return Ok(()),
        StorageDeposit::Charge(amount) => {
            // transfer_and_hold, Preserve: the origin stays alive.
            let mut payer = state.account(origin)?;
            payer.balance = payer
                .balance
                .checked_sub(amount)
                .filter(|left| *left >= ed)
                .ok_or(ContractError::StorageDepositNotEnoughFunds)?;
            state.put_account(origin, &payer);
            let mut held = state.account(contract)?;
            held.reserved = held.reserved.saturating_add(amount);
            state.put_account(contract, &held);
        }
        StorageDeposit::Refund(amount) => {
            // transfer_on_hold, best effort: what the contract holds, at most.
            let mut held = state.account(contract)?;
            let paid = amount.min(held.reserved);
            held.reserved -= paid;
            state.put_account(contract, &held);
            let mut payee = state.account(origin)?;
            payee.balance = payee.balance.saturating_add(paid);
            state.put_account(origin, &payee);
        }
    }
    if let Some(beneficiary) = &charge.beneficiary {
        sweep(state, contract, beneficiary)?;
    }
    Ok(())
}

/// A terminated contract's whole free balance to `beneficiary`; an account left with
/// nothing is removed (reaped), as pallet-balances does.
fn sweep<S: StateExt + ?Sized>(
    state: &mut S,
    contract: &AccountId,
    beneficiary: &AccountId,
) -> Result<(), StateError> {
    if contract == beneficiary {
        return Ok(());
    }
    let mut account = state.account(contract)?;
    let mut heir = state.account(beneficiary)?;
    heir.balance = heir.balance.saturating_add(account.balance);
    account.balance = 0;
    state.put_account(beneficiary, &heir);
    if account == AccountInfo::default() {
        state.remove(account_key(contract));
    } else {
        state.put_account(contract, &account);
    }
    Ok(())
}

/// Why a deposit could not be made: a pallet rule, or unreadable state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositError {
    /// A rule refused it.
    #[error("{}", .0.name())]
    Refused(DispatchError),
    /// The state could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}

impl DepositError {
    /// The call's failure: the rule's error, or `StateUnreadable`.
    pub fn into_dispatch(self) -> DispatchError {
        match self {
            DepositError::Refused(e) => e,
            DepositError::State(_) => DispatchError::StateUnreadable,
        }
    }
}

impl From<ContractError> for DepositError {
    fn from(e: ContractError) -> Self {
        DepositError::Refused(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox() -> ChainConfig {
        ChainConfig::sandbox_compatible()
    }

    fn info() -> ContractInfo {
        ContractInfo::new(
            crate::Hash([0; 32]),
            AccountId([0; 32]),
            crate::Hash([0; 32]),
        )
    }

    #[test]
    fn deposits_add_signed() {
        use StorageDeposit::{Charge, Refund};
        assert_eq!(Charge(5).saturating_add(Refund(5)), Charge(0));
        assert_eq!(Charge(2).saturating_add(Refund(5)), Refund(3));
        assert_eq!(Refund(2).saturating_sub(Refund(5)), Charge(3));
        assert_eq!(Refund(4).available(10), 14);
        assert_eq!(Charge(14).available(10), 0);
    }

    #[test]
    fn the_pallets_base_and_code_deposits() {
        // ink_sandbox: 122-byte record + 1 item + ED 1 = 124; code of 389 bytes: 452.
        assert_eq!(base_deposit(&info(), &sandbox()), 124);
        assert_eq!(code_deposit(389, &sandbox()), 452);
    }

    #[test]
    fn shrinking_refunds_a_share_rounded_down_as_fixed_u128() {
        // 11 bytes in 2 items; one 1-byte item cleared: 1/11 of 11 rounds to 0 bytes,
        // 1/2 of 2 is 1 item: Refund(1), as measured on pallet-contracts.
        let mut info = info();
        let config = sandbox();
        let grown = Diff {
            bytes_added: 11,
            items_added: 2,
            ..Diff::default()
        };
        assert_eq!(
            grown.update_contract(Some(&mut info), &config),
            StorageDeposit::Charge(13)
        );
        let cleared = Diff::of_write(Some(1), None);
        assert_eq!(
            cleared.update_contract(Some(&mut info), &config),
            StorageDeposit::Refund(1)
        );
        assert_eq!(
            (info.storage_bytes, info.storage_byte_deposit),
            (10, 11),
            "the byte deposit keeps its rounding"
        );
        assert_eq!((info.storage_items, info.storage_item_deposit), (1, 1));
    }

    #[test]
    fn share_never_overflows_and_caps_at_the_whole() {
        assert_eq!(share(5, 0, 100), 0);
        assert_eq!(share(7, 5, 100), 100);
        assert_eq!(share(1, 2, u128::MAX), u128::MAX / 2);
        assert_eq!(share(1, 3, 10), 3);
    }

    #[test]
    fn a_nested_meter_takes_what_is_left_or_its_own_limit() {
        let mut root = DepositMeter {
            limit: 100,
            ..DepositMeter::default()
        };
        root.charge_deposit(AccountId([1; 32]), StorageDeposit::Charge(30));
        let shared = root.nested(0);
        assert_eq!((shared.limit, shared.own_limit), (70, false));
        let own = root.nested(20);
        assert_eq!((own.limit, own.own_limit), (20, true));
        let capped = root.nested(500);
        assert_eq!(capped.limit, 70);
    }

    #[test]
    fn the_limit_counts_earlier_refunds() {
        let config = sandbox();
        let mut frame = DepositMeter {
            limit: 10,
            ..DepositMeter::default()
        };
        frame.charge(Diff {
            bytes_added: 11,
            items_added: 1,
            ..Diff::default()
        });
        assert!(frame.clone().enforce_limit(None, &config).is_err());
        frame.total = StorageDeposit::Refund(2);
        assert!(frame.enforce_limit(None, &config).is_ok());
    }
}
