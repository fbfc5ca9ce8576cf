//! A small token with a bug planted on purpose, so that the message-sequence
//! property test (`carechain_session::Sequences`, docs/testing.md) has something to
//! find: `transfer` reads the receiver's balance before debiting the sender, so a
//! transfer to oneself mints `value` out of nothing and the balances no longer add
//! up to the supply. Everything else is as a token should be. Never deploy it.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod planted_bug {
    use ink::storage::Mapping;

    /// Balances and the supply they must add up to.
    #[ink(storage)]
    pub struct PlantedBug {
        balances: Mapping<AccountId, Balance>,
        total_supply: Balance,
    }

    /// Why a transfer or a burn was refused.
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller holds less than the amount.
        InsufficientBalance,
        /// The receiver's balance would overflow.
        Overflow,
    }

    impl PlantedBug {
        /// `supply` tokens, all the deployer's.
        #[ink(constructor)]
        pub fn new(supply: Balance) -> Self {
            let mut balances = Mapping::default();
            balances.insert(Self::env().caller(), &supply);
            PlantedBug {
                balances,
                total_supply: supply,
            }
        }

        /// The supply. Anyone may ask.
        #[ink(message)]
        pub fn total_supply(&self) -> Balance {
            self.total_supply
        }

        /// `who`'s balance. Anyone may ask.
        #[ink(message)]
        pub fn balance_of(&self, who: AccountId) -> Balance {
            self.balances.get(who).unwrap_or(0)
        }

        /// Moves `value` from the caller to `to`; only the holder moves its tokens.
        #[ink(message)]
        pub fn transfer(&mut self, to: AccountId, value: Balance) -> Result<(), Error> {
            let from = self.env().caller();
            let from_balance = self.balance_of(from);
            let left = from_balance
                .checked_sub(value)
                .ok_or(Error::InsufficientBalance)?;
            // The planted bug: read before the debit, so `to == from` gains `value`.
            let to_balance = self.balance_of(to);
            self.balances.insert(from, &left);
            let credited = to_balance.checked_add(value).ok_or(Error::Overflow)?;
            self.balances.insert(to, &credited);
            Ok(())
        }

        /// Destroys `value` of the caller's tokens, and as much of the supply.
        #[ink(message)]
        pub fn burn(&mut self, value: Balance) -> Result<(), Error> {
            let from = self.env().caller();
            let left = self
                .balance_of(from)
                .checked_sub(value)
                .ok_or(Error::InsufficientBalance)?;
            self.balances.insert(from, &left);
            self.total_supply = self.total_supply.saturating_sub(value);
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[ink::test]
        fn a_transfer_to_another_account_keeps_the_supply() {
            let accounts = ink::env::test::default_accounts::<ink::env::DefaultEnvironment>();
            let mut token = PlantedBug::new(100);
            assert_eq!(token.transfer(accounts.bob, 30), Ok(()));
            let held = token
                .balance_of(accounts.alice)
                .saturating_add(token.balance_of(accounts.bob));
            assert_eq!(held, 100);
            assert_eq!(
                token.transfer(accounts.bob, 71),
                Err(Error::InsufficientBalance)
            );
        }
    }
}
