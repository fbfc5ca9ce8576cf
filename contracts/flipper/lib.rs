//! Flipper: one `bool` in storage, flipped by a message that also emits an event.
//!
//! It exercises the smallest complete path through the host ABI (input, storage read
//! and write, event, return), which is why the build pipeline and the VM benchmarks
//! use it.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod flipper {
    /// The contract's storage.
    #[ink(storage)]
    pub struct Flipper {
        value: bool,
    }

    /// Emitted on every flip.
    #[ink(event)]
    pub struct Flipped {
        /// Who flipped it.
        #[ink(topic)]
        by: AccountId,
        /// The value after the flip.
        new_value: bool,
    }

    impl Flipper {
        /// Starts with `init_value`.
        #[ink(constructor)]
        pub fn new(init_value: bool) -> Self {
            Self { value: init_value }
        }

        /// Starts with `false`.
        #[ink(constructor)]
        pub fn default() -> Self {
            Self::new(false)
        }

        /// Negates the value and emits [`Flipped`].
        #[ink(message)]
        pub fn flip(&mut self) {
            self.value = !self.value;
            self.env().emit_event(Flipped {
                by: self.env().caller(),
                new_value: self.value,
            });
        }

        /// The current value.
        #[ink(message)]
        pub fn get(&self) -> bool {
            self.value
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[ink::test]
        fn default_works() {
            assert!(!Flipper::default().get());
        }

        #[ink::test]
        fn flip_works_and_emits_an_event() {
            let accounts = ink::env::test::default_accounts::<ink::env::DefaultEnvironment>();
            ink::env::test::set_caller::<ink::env::DefaultEnvironment>(accounts.bob);
            let mut flipper = Flipper::new(false);
            flipper.flip();
            assert!(flipper.get());
            flipper.flip();
            assert!(!flipper.get());
            let events = ink::env::test::recorded_events().collect::<Vec<_>>();
            assert_eq!(events.len(), 2);
            // Topic 0 is the event signature; topic 1 is the `by` field.
            assert_eq!(events[0].topics.len(), 2);
        }
    }
}
