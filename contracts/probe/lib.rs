//! Probe: one contract that reaches every pallet-contracts host function an ink! 5.1
//! contract can, so the differential suite can run the same `.wasm` on Carechain and
//! on pallet-contracts and compare outputs, events, addresses and storage.
//!
//! It calls other probes (and itself) to exercise cross-contract calls with every
//! flag, instantiation (succeeding, reverting and trapping constructors), delegate
//! calls, reentrancy and the call-depth limit. Raw-byte call helpers let a test call
//! any selector with any input and see the return code and output exactly.

#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod probe {
    use ink::env::call::{build_call, ExecutionInput, Selector};
    use ink::env::hash::{Blake2x128, Blake2x256, Keccak256, Sha2x256};
    use ink::env::{CallFlags, DefaultEnvironment};
    use ink::prelude::vec::Vec;
    use ink::scale::{Decode, Encode, Input, Output};
    use ink::storage::traits::ManualKey;
    use ink::storage::{Lazy, Mapping};
    use ink::ToAccountId;

    /// Mapping entries live under this fixed root key, so tests can name raw keys:
    /// `ENTRIES_KEY.to_le_bytes() ++ key.to_le_bytes()`.
    pub const ENTRIES_KEY: u32 = 0x454e_5452;
    /// The lazy note's fixed key.
    pub const NOTE_KEY: u32 = 0x4e4f_5445;

    /// The contract's storage: a packed root, a mapping and a lazy value.
    #[ink(storage)]
    pub struct Probe {
        value: u32,
        counter: u64,
        entries: Mapping<u32, Vec<u8>, ManualKey<ENTRIES_KEY>>,
        note: Lazy<Vec<u8>, ManualKey<NOTE_KEY>>,
    }

    /// A failure a message or constructor returns (and so reverts with).
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The constructor refused.
        Refused,
        /// The message wrote storage and then failed: the write must not survive.
        RolledBack,
    }

    /// What the contract can learn about its frame and block.
    #[derive(Debug, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct EnvInfo {
        caller: AccountId,
        own: AccountId,
        transferred: Balance,
        balance: Balance,
        block: BlockNumber,
        now: Timestamp,
        minimum_balance: Balance,
        caller_is_origin: bool,
        own_code_hash: Option<Hash>,
        caller_is_contract: bool,
        caller_code_hash: Option<Hash>,
    }

    /// A storage write.
    #[ink(event)]
    pub struct Stored {
        #[ink(topic)]
        key: u32,
        #[ink(topic)]
        by: AccountId,
        len: u32,
    }

    /// A hop of `relay`.
    #[ink(event)]
    pub struct Relayed {
        #[ink(topic)]
        at: AccountId,
        remaining: u32,
    }

    /// The most topics an event may carry (4, all from fields).
    #[ink(event, anonymous)]
    pub struct FourTopics {
        #[ink(topic)]
        a: Hash,
        #[ink(topic)]
        b: u64,
        #[ink(topic)]
        c: AccountId,
        #[ink(topic)]
        d: Vec<u8>,
        payload: Vec<u8>,
    }

    /// Bytes passed through as already-encoded arguments.
    struct RawInput(Vec<u8>);

    impl Encode for RawInput {
        fn size_hint(&self) -> usize {
            self.0.len()
        }
        fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
            dest.write(&self.0)
        }
    }

    /// All the bytes a callee returned after the `MessageResult` tag.
    struct RawOutput(Vec<u8>);

    impl Decode for RawOutput {
        fn decode<I: Input>(input: &mut I) -> Result<Self, ink::scale::Error> {
            let len = input.remaining_len()?.unwrap_or(0);
            let mut bytes = ink::prelude::vec![0u8; len];
            input.read(&mut bytes)?;
            Ok(RawOutput(bytes))
        }
    }

    /// Return code of a failed call, as the host gave it; 0 for success.
    fn code_of(error: ink::env::Error) -> u32 {
        match error {
            ink::env::Error::ReturnError(code) => code as u32,
            ink::env::Error::Decode(_) => 900,
            _ => 901,
        }
    }

    fn raw_result(
        result: Result<ink::MessageResult<RawOutput>, ink::env::Error>,
    ) -> (u32, Vec<u8>) {
        match result {
            Ok(Ok(RawOutput(bytes))) => (0, bytes),
            Ok(Err(lang)) => (800, lang.encode()),
            Err(e) => (code_of(e), Vec::new()),
        }
    }

    /// Genuine recursion: `black_box` keeps the compiler from turning it into a loop.
    #[inline(never)]
    fn descend(n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        let below = core::hint::black_box(descend(core::hint::black_box(n).wrapping_sub(1)));
        below.wrapping_mul(3).wrapping_add(n)
    }

    impl Probe {
        /// Starts with `value`; payable, so it can be endowed.
        #[ink(constructor, payable)]
        pub fn new(value: u32) -> Self {
            Probe {
                value,
                counter: 0,
                entries: Mapping::default(),
                note: Lazy::default(),
            }
        }

        /// Always refuses: the instantiation reverts.
        #[ink(constructor)]
        pub fn new_refusing(_value: u32) -> Result<Self, Error> {
            Err(Error::Refused)
        }

        /// Always traps.
        #[ink(constructor)]
        pub fn new_trapping(value: u32) -> Self {
            if value < u32::MAX {
                panic!("constructor trapped");
            }
            Self::new(value)
        }

        /// Terminates itself in its constructor, which pallet-contracts forbids.
        #[ink(constructor)]
        pub fn new_terminating(beneficiary: AccountId) -> Self {
            ink::env::terminate_contract::<DefaultEnvironment>(beneficiary)
        }

        /// The packed value.
        #[ink(message)]
        pub fn get(&self) -> u32 {
            self.value
        }

        /// Sets the packed value.
        #[ink(message)]
        pub fn set(&mut self, value: u32) {
            self.value = value;
        }

        /// Inserts into the mapping; returns the size of the value it replaced.
        #[ink(message)]
        pub fn put(&mut self, key: u32, data: Vec<u8>) -> Option<u32> {
            let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
            let old = self.entries.insert(key, &data);
            self.env().emit_event(Stored {
                key,
                by: self.env().caller(),
                len,
            });
            old
        }

        /// Inserts `len` bytes of `fill` (large values, up to the limits and past them).
        #[ink(message)]
        pub fn put_large(&mut self, key: u32, len: u32, fill: u8) -> Option<u32> {
            let data = ink::prelude::vec![fill; len as usize];
            self.entries.insert(key, &data)
        }

        /// Reads the mapping.
        #[ink(message)]
        pub fn fetch(&self, key: u32) -> Option<Vec<u8>> {
            self.entries.get(key)
        }

        /// Reads and removes.
        #[ink(message)]
        pub fn take(&mut self, key: u32) -> Option<Vec<u8>> {
            self.entries.take(key)
        }

        /// Removes; returns whether it was there and its size before.
        #[ink(message)]
        pub fn remove(&mut self, key: u32) -> (bool, Option<u32>) {
            let before = (self.entries.contains(key), self.entries.size(key));
            self.entries.remove(key);
            before
        }

        /// Writes the lazy note.
        #[ink(message)]
        pub fn set_note(&mut self, note: Vec<u8>) {
            self.note.set(&note);
        }

        /// Reads the lazy note.
        #[ink(message)]
        pub fn note(&self) -> Option<Vec<u8>> {
            self.note.get()
        }

        /// Everything about the frame and block; payable, to see the value.
        #[ink(message, payable)]
        pub fn env_info(&self) -> EnvInfo {
            let caller = self.env().caller();
            EnvInfo {
                caller,
                own: self.env().account_id(),
                transferred: self.env().transferred_value(),
                balance: self.env().balance(),
                block: self.env().block_number(),
                now: self.env().block_timestamp(),
                minimum_balance: self.env().minimum_balance(),
                caller_is_origin: self.env().caller_is_origin(),
                own_code_hash: self.env().own_code_hash().ok(),
                caller_is_contract: self.env().is_contract(&caller),
                caller_code_hash: self.env().code_hash(&caller).ok(),
            }
        }

        /// Gas left, as the contract sees it (values differ between hosts).
        #[ink(message)]
        pub fn gas_left(&self) -> u64 {
            self.env().gas_left()
        }

        /// `weight_to_fee` of `gas` (seal0).
        #[ink(message)]
        pub fn fee(&self, gas: u64) -> Balance {
            self.env().weight_to_fee(gas)
        }

        /// Every hash function on `data`: SHA2-256, BLAKE2-256, BLAKE2-128, Keccak-256.
        #[ink(message)]
        pub fn hashes(&self, data: Vec<u8>) -> ([u8; 32], [u8; 32], [u8; 16], [u8; 32]) {
            (
                self.env().hash_bytes::<Sha2x256>(&data),
                self.env().hash_bytes::<Blake2x256>(&data),
                self.env().hash_bytes::<Blake2x128>(&data),
                self.env().hash_bytes::<Keccak256>(&data),
            )
        }

        /// `sr25519_verify`.
        #[ink(message)]
        pub fn verify_sr25519(&self, signature: [u8; 64], message: Vec<u8>, key: [u8; 32]) -> bool {
            self.env()
                .sr25519_verify(&signature, &message, &key)
                .is_ok()
        }

        /// `ecdsa_recover`, then `ecdsa_to_eth_address` of the key.
        #[ink(message)]
        pub fn recover_ecdsa(
            &self,
            signature: [u8; 65],
            message_hash: [u8; 32],
        ) -> (Option<[u8; 33]>, Option<[u8; 20]>) {
            let key = self.env().ecdsa_recover(&signature, &message_hash).ok();
            let address = key.and_then(|k| self.env().ecdsa_to_eth_address(&k).ok());
            (key, address)
        }

        /// Emits an event with the most topics allowed.
        #[ink(message)]
        pub fn four_topics(&self, d: Vec<u8>, payload: Vec<u8>) {
            self.env().emit_event(FourTopics {
                a: Hash::from([7u8; 32]),
                b: 42,
                c: self.env().caller(),
                d,
                payload,
            });
        }

        /// Runs `rounds` iterations of arithmetic (`u64::MAX`: out of gas).
        #[ink(message)]
        pub fn spin(&self, rounds: u64) -> u64 {
            let mut acc = 0u64;
            let mut i = 0u64;
            while i < rounds {
                acc = core::hint::black_box(acc.wrapping_mul(31).wrapping_add(i));
                i = i.wrapping_add(1);
            }
            acc
        }

        /// Recurses `depth` frames deep (very deep: the stack-height limit traps).
        #[ink(message)]
        pub fn recurse(&self, depth: u32) -> u32 {
            descend(depth)
        }

        /// 0: returns the value; 1: writes, then fails (reverts); 2: writes, then traps.
        #[ink(message)]
        pub fn fail(&mut self, mode: u8) -> Result<u32, Error> {
            if mode > 0 {
                self.value = 999_999;
                self.entries.insert(0xdead, &Vec::from([1u8, 2, 3]));
            }
            match mode {
                0 => Ok(self.value),
                1 => Err(Error::RolledBack),
                _ => panic!("probe trapped on purpose"),
            }
        }

        /// Returns its input (to fill a caller's output buffer exactly).
        #[ink(message)]
        pub fn echo(&self, data: Vec<u8>) -> Vec<u8> {
            data
        }

        /// Returns `len` bytes (past ink!'s 16 KiB buffer, the callee itself traps).
        #[ink(message)]
        pub fn big_output(&self, len: u32) -> Vec<u8> {
            ink::prelude::vec![0xab; len as usize]
        }

        /// Calls `callee`'s `selector` with raw `input`, `value`, call `flags` and a
        /// ref_time limit (`gas`, 0 for all that is left), through `seal2::call`, or
        /// `seal1::call` when `v1`.
        /// Returns the return code (0 on success) and the raw output.
        #[ink(message, payable)]
        #[allow(clippy::too_many_arguments)]
        pub fn call_raw(
            &mut self,
            callee: AccountId,
            selector: [u8; 4],
            input: Vec<u8>,
            value: Balance,
            flags: u32,
            gas: u64,
            v1: bool,
        ) -> (u32, Vec<u8>) {
            let args = ExecutionInput::new(Selector::new(selector)).push_arg(RawInput(input));
            let flags = CallFlags::from_bits_truncate(flags);
            let result = if v1 {
                build_call::<DefaultEnvironment>()
                    .call_v1(callee)
                    .gas_limit(gas)
                    .transferred_value(value)
                    .call_flags(flags)
                    .exec_input(args)
                    .returns::<RawOutput>()
                    .try_invoke()
            } else {
                build_call::<DefaultEnvironment>()
                    .call(callee)
                    .ref_time_limit(gas)
                    .transferred_value(value)
                    .call_flags(flags)
                    .exec_input(args)
                    .returns::<RawOutput>()
                    .try_invoke()
            };
            self.counter = self.counter.wrapping_add(1);
            raw_result(result)
        }

        /// Runs `code_hash`'s `selector` in this contract's context (delegate call).
        #[ink(message, payable)]
        pub fn delegate_raw(
            &mut self,
            code_hash: Hash,
            selector: [u8; 4],
            input: Vec<u8>,
        ) -> (u32, Vec<u8>) {
            let result = build_call::<DefaultEnvironment>()
                .delegate(code_hash)
                .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(RawInput(input)))
                .returns::<RawOutput>()
                .try_invoke();
            raw_result(result)
        }

        /// Instantiates a probe from `code_hash` with constructor `ctor` (0 `new`,
        /// 1 `new_refusing`, 2 `new_trapping`, 3 `new_terminating`), through
        /// `seal2::instantiate`, or `seal1` when `v1`. Returns the return code and the
        /// new address.
        #[ink(message, payable)]
        pub fn create(
            &mut self,
            code_hash: Hash,
            ctor: u8,
            value: Balance,
            salt: Vec<u8>,
            v1: bool,
        ) -> (u32, Option<AccountId>) {
            let init = self.value;
            macro_rules! run {
                ($builder:expr) => {{
                    let b = $builder
                        .code_hash(code_hash)
                        .endowment(value)
                        .salt_bytes(&salt);
                    if v1 {
                        b.instantiate_v1().try_instantiate()
                    } else {
                        b.try_instantiate()
                    }
                }};
            }
            let plain = |r: Result<ink::ConstructorResult<ProbeRef>, ink::env::Error>| match r {
                Ok(Ok(created)) => (0, Some(created.to_account_id())),
                Ok(Err(_)) => (800, None),
                Err(e) => (code_of(e), None),
            };
            match ctor {
                0 => plain(run!(ProbeRef::new(init))),
                1 => match run!(ProbeRef::new_refusing(init)) {
                    Ok(Ok(Ok(created))) => (0, Some(created.to_account_id())),
                    Ok(Ok(Err(_))) => (700, None),
                    Ok(Err(_)) => (800, None),
                    Err(e) => (code_of(e), None),
                },
                2 => plain(run!(ProbeRef::new_trapping(init))),
                _ => plain(run!(ProbeRef::new_terminating(self.env().caller()))),
            }
        }

        /// Calls `relay` on `hops[0]` with the rest, each hop bumping its counter and
        /// emitting `Relayed`. Without `allow_reentry`, a probe met twice is refused.
        /// Returns the hops completed, or 2000 + the return code where a call failed.
        #[ink(message, payable)]
        pub fn relay(&mut self, hops: Vec<AccountId>, allow_reentry: bool) -> u32 {
            self.counter = self.counter.wrapping_add(1);
            self.env().emit_event(Relayed {
                at: self.env().account_id(),
                remaining: u32::try_from(hops.len()).unwrap_or(u32::MAX),
            });
            let Some((next, rest)) = hops.split_first() else {
                return 0;
            };
            let flags = if allow_reentry {
                CallFlags::ALLOW_REENTRY
            } else {
                CallFlags::empty()
            };
            let result = build_call::<DefaultEnvironment>()
                .call(*next)
                .call_flags(flags)
                .exec_input(
                    ExecutionInput::new(Selector::new(ink::selector_bytes!("relay")))
                        .push_arg(rest.to_vec())
                        .push_arg(allow_reentry),
                )
                .returns::<u32>()
                .try_invoke();
            match result {
                Ok(Ok(n)) => n.saturating_add(1),
                Ok(Err(_)) => 1000,
                Err(e) => code_of(e).saturating_add(2000),
            }
        }

        /// How many `call_raw` and `relay` calls completed here.
        #[ink(message)]
        pub fn counter(&self) -> u64 {
            self.counter
        }

        /// Transfers `value` to `dest`; false if the host refused.
        #[ink(message)]
        pub fn transfer_to(&mut self, dest: AccountId, value: Balance) -> bool {
            self.env().transfer(dest, value).is_ok()
        }

        /// Removes this contract, sending its balance to `beneficiary`.
        #[ink(message)]
        pub fn terminate_me(&mut self, beneficiary: AccountId) {
            self.env().terminate_contract(beneficiary)
        }

        /// `set_code_hash`: 0 on success, else the return code.
        #[ink(message)]
        pub fn upgrade(&mut self, code_hash: Hash) -> u32 {
            match self.env().set_code_hash(&code_hash) {
                Ok(()) => 0,
                Err(e) => code_of(e),
            }
        }

        /// Locks `code_hash` as a delegate dependency.
        #[ink(message)]
        pub fn lock(&mut self, code_hash: Hash) {
            self.env().lock_delegate_dependency(&code_hash)
        }

        /// Unlocks a delegate dependency.
        #[ink(message)]
        pub fn unlock(&mut self, code_hash: Hash) {
            self.env().unlock_delegate_dependency(&code_hash)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[ink::test]
        fn storage_round_trips_off_chain() {
            let mut probe = Probe::new(5);
            assert_eq!(probe.get(), 5);
            assert_eq!(probe.put(1, Vec::from([1u8, 2])), None);
            // The size of the value replaced, encoded: a length byte and two bytes.
            assert_eq!(probe.put(1, Vec::from([3u8])), Some(3));
            assert_eq!(probe.fetch(1), Some(Vec::from([3u8])));
            assert_eq!(probe.take(1), Some(Vec::from([3u8])));
            assert_eq!(probe.fetch(1), None);
            probe.set_note(Vec::from([9u8]));
            assert_eq!(probe.note(), Some(Vec::from([9u8])));
        }

        #[test]
        fn recursion_is_not_folded_into_a_closed_form() {
            assert_eq!(descend(0), 0);
            assert_eq!(descend(2), 3 + 2);
            assert_eq!(descend(3), 3 * 5 + 3);
        }
    }
}
