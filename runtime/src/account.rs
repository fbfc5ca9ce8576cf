//! Accounts and the balance-transfer rules.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};

use crate::dispatch_error::{ContractError, DispatchError};
use crate::primitives::{AccountId, Balance, Nonce};
use crate::state::{StateError, StateExt};

/// An account's nonce, free balance and held balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen)]
pub struct AccountInfo {
    /// The nonce the account's next transaction must carry.
    pub nonce: Nonce,
    /// Free balance: what transfers and fees use.
    pub balance: Balance,
    /// Held balance (pallet-balances' `reserved`): storage deposits held on a contract,
    /// code upload deposits held on the uploader. Not spendable.
    pub reserved: Balance,
}

/// A transfer failed for a reason the sender can fix, or state could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    /// A rule of the transfer failed.
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    /// State could not be read.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Moves `value` from `from` to `to`, following Substrate's rules: the sender may not
/// be left with a dust balance (above zero, below `existential_deposit`), and a new
/// recipient must receive at least `existential_deposit`. Accounts are never reaped:
/// their nonce must survive to keep old transactions from replaying.
///
/// # Errors
/// [`TransferError`]; nothing is written on error.
pub fn transfer<S: StateExt + ?Sized>(
    state: &mut S,
    from: &AccountId,
    to: &AccountId,
    value: Balance,
    existential_deposit: Balance,
) -> Result<(), TransferError> {
    if from == to || value == 0 {
        return Ok(());
    }
    let mut sender = state.account(from)?;
    let mut recipient = state.account(to)?;
    let remaining = sender
        .balance
        .checked_sub(value)
        .ok_or(DispatchError::InsufficientBalance)?;
    if remaining != 0 && remaining < existential_deposit {
        return Err(DispatchError::WouldLeaveDust.into());
    }
    let received = recipient
        .balance
        .checked_add(value)
        .ok_or(DispatchError::Overflow)?;
    if received < existential_deposit {
        return Err(DispatchError::BelowExistentialDeposit.into());
    }
    sender.balance = remaining;
    recipient.balance = received;
    state.put_account(from, &sender);
    state.put_account(to, &recipient);
    Ok(())
}

/// A transfer that must leave the payer alive (Substrate's `Preservation::Preserve`),
/// as every transfer made by or into a contract is: the payer keeps at least
/// `existential_deposit`. A zero value, or a payer paying itself, moves nothing.
///
/// # Errors
/// [`TransferError`]; nothing is written on error.
pub fn transfer_keep_alive<S: StateExt + ?Sized>(
    state: &mut S,
    from: &AccountId,
    to: &AccountId,
    value: Balance,
    existential_deposit: Balance,
) -> Result<(), TransferError> {
    if from == to || value == 0 {
        return Ok(());
    }
    let balance = state.account(from)?.balance;
    if balance
        .checked_sub(value)
        .is_none_or(|left| left < existential_deposit)
    {
        return Err(DispatchError::Module(ContractError::TransferFailed).into());
    }
    transfer(state, from, to, value, existential_deposit)
}
