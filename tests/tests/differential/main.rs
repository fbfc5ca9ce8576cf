//! The differential suite: the same compiled `.wasm` and the same calls on Carechain
//! and on the real pallet-contracts (31.0, through `ink_sandbox` 5.1.1), compared
//! step by step: return data and flags, failure names, events (emitter, topics,
//! data), contract addresses, code hashes and final contract storage. Gas is
//! reported side by side, not asserted: the two schedules price work differently.
//!
//! Both chains start alike: existential deposit 1 (ink_sandbox's), the same origin
//! (`//Alice`) funded with the same amount, one block per step with the same number
//! and timestamp.

mod chains;
mod healthcare;
mod modules;
mod probe;
mod suite;
