//! The storage deposit pallet-contracts would charge for a call's storage writes,
//! so a dry run here tells a team what the same call costs on a Substrate chain.
//!
//! pallet-contracts 31 (`storage::meter::Diff`) counts, per written item: a new item
//! adds its value length plus its key length and one item; a changed item adds or
//! removes the difference in value length; a removed item gives back its value and
//! key length and one item. Prices are ink_sandbox's (1 per byte, 1 per item); a
//! chain's own runtime sets others. The deposits for the contract's and the code's
//! own records are not counted.

use carechain_runtime::{contract_key_of, StateAccess, StateError};

/// The deposit pallet-contracts would take or give back for a call's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageDeposit {
    /// Taken from the caller.
    Charge(u128),
    /// Given back to the caller.
    Refund(u128),
}

/// Price of one stored byte (ink_sandbox's `DepositPerByte`).
pub(super) const DEPOSIT_PER_BYTE: u128 = 1;
/// Price of one stored item (ink_sandbox's `DepositPerItem`).
pub(super) const DEPOSIT_PER_ITEM: u128 = 1;

/// The net deposit of `changes` (state key, new value or `None` for removal)
/// against the values in `before`.
///
/// # Errors
/// [`StateError`] if a previous value cannot be read.
pub(super) fn storage_deposit(
    before: &dyn StateAccess,
    changes: &[(Vec<u8>, Option<Vec<u8>>)],
) -> Result<StorageDeposit, StateError> {
    let (mut charge, mut refund) = (0u128, 0u128);
    for (state_key, new) in changes {
        let Some(key) = contract_key_of(state_key) else {
            continue;
        };
        let key_len = len_u128(key.len());
        let old = before.get(state_key)?.map(|v| len_u128(v.len()));
        let new = new.as_ref().map(|v| len_u128(v.len()));
        match (old, new) {
            (None, Some(n)) => {
                charge += DEPOSIT_PER_ITEM + (n + key_len) * DEPOSIT_PER_BYTE;
            }
            (Some(o), None) => {
                refund += DEPOSIT_PER_ITEM + (o + key_len) * DEPOSIT_PER_BYTE;
            }
            (Some(o), Some(n)) if n >= o => charge += (n - o) * DEPOSIT_PER_BYTE,
            (Some(o), Some(n)) => refund += (o - n) * DEPOSIT_PER_BYTE,
            (None, None) => {}
        }
    }
    Ok(if charge >= refund {
        StorageDeposit::Charge(charge - refund)
    } else {
        StorageDeposit::Refund(refund - charge)
    })
}

fn len_u128(len: usize) -> u128 {
    u128::try_from(len).unwrap_or(u128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use carechain_runtime::{contract_storage_key, Hash, MemoryStore, StateDb, EMPTY_ROOT};

    #[test]
    fn new_changed_and_removed_items_as_the_pallet_counts_them() {
        let store = MemoryStore::default();
        let mut state = StateDb::new(&store, EMPTY_ROOT);
        let trie = Hash([7; 32]);
        let old_key = contract_storage_key(&trie, &[1, 0, 0, 0]);
        carechain_runtime::StateAccess::set(&mut state, old_key.clone(), vec![0; 10]);
        // A new 4-byte key with 6 bytes: 1 item + 10 bytes.
        let new = vec![(contract_storage_key(&trie, &[2, 0, 0, 0]), Some(vec![0; 6]))];
        assert_eq!(
            storage_deposit(&state, &new),
            Ok(StorageDeposit::Charge(11))
        );
        // Growing the 10-byte value to 15: 5 bytes.
        let grow = vec![(old_key.clone(), Some(vec![0; 15]))];
        assert_eq!(
            storage_deposit(&state, &grow),
            Ok(StorageDeposit::Charge(5))
        );
        // Removing it: 1 item + 10 + 4 bytes back.
        let remove = vec![(old_key, None)];
        assert_eq!(
            storage_deposit(&state, &remove),
            Ok(StorageDeposit::Refund(15))
        );
        // Accounts and other runtime keys cost nothing.
        let other = vec![(b"acct-anything".to_vec(), Some(vec![0; 40]))];
        assert_eq!(
            storage_deposit(&state, &other),
            Ok(StorageDeposit::Charge(0))
        );
    }
}
