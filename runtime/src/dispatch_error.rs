//! Why a dispatched call failed, as receipts record it.
//!
//! Receipts are hashed into the block's receipts root, so nothing here carries text: a
//! dependency's message (wasmparser's, wasmtime's) could change with an upgrade and
//! two nodes built from different lock files would then disagree on a block. Every
//! failure is a named, SCALE-stable variant; its human explanation is produced on
//! demand ([`DispatchError::described`]) for dry runs, logs and the CLI only.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};

/// Declares [`ContractError`] with its pallet-contracts index, name and explanation.
macro_rules! contract_errors {
    ($($index:literal $name:ident $why:literal,)*) => {
        /// pallet-contracts 31's `Error`, variant for variant and in its order, so the
        /// SCALE index of each is the pallet's error index and its name is the pallet's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen)]
        #[repr(u8)]
        pub enum ContractError {
            $(
                #[doc = $why]
                $name = $index,
            )*
        }

        impl ContractError {
            /// Every variant, in index order.
            pub const ALL: &'static [ContractError] = &[$(ContractError::$name),*];

            /// The pallet's name for it (`ContractTrapped`).
            pub const fn name(self) -> &'static str {
                match self { $(ContractError::$name => stringify!($name),)* }
            }

            /// What it means, in the pallet's words.
            pub const fn explanation(self) -> &'static str {
                match self { $(ContractError::$name => $why,)* }
            }

            /// The variant the pallet calls `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($name) => Some(ContractError::$name),)* _ => None }
            }
        }
    };
}

contract_errors! {
    0 InvalidSchedule "invalid schedule supplied",
    1 InvalidCallFlags "invalid combination of flags supplied to seal_call or seal_delegate_call",
    2 OutOfGas "the executed contract exhausted its gas limit",
    3 OutputBufferTooSmall "the output buffer supplied to a contract API call was too small",
    4 TransferFailed "performing the requested transfer failed",
    5 MaxCallDepthReached "the calling depth reached the limit of the schedule",
    6 ContractNotFound "no contract was found at the specified address",
    7 CodeTooLarge "the code exceeds the limit specified in the schedule",
    8 CodeNotFound "no code could be found at the supplied code hash",
    9 CodeInfoNotFound "no code info could be found at the supplied code hash",
    10 OutOfBounds "a buffer outside of sandbox memory was passed to a contract API function",
    11 DecodingFailed "input passed to a contract API function failed to decode as expected type",
    12 ContractTrapped "contract trapped during execution",
    13 ValueTooLarge "the maximum value size was exceeded",
    14 TerminatedWhileReentrant "termination is not allowed while the contract is already on the call stack",
    15 InputForwarded "seal_call forwarded this contract's input; it is no longer available",
    16 RandomSubjectTooLong "the subject passed to seal_random exceeds the limit",
    17 TooManyTopics "the number of topics passed to seal_deposit_event exceeds the limit",
    18 NoChainExtension "the chain does not provide a chain extension",
    19 XCMDecodeFailed "failed to decode the XCM program",
    20 DuplicateContract "a contract with the same account id already exists",
    21 TerminatedInConstructor "a contract self destructed in its constructor",
    22 ReentranceDenied "a call tried to invoke a contract that is flagged as non-reentrant",
    23 StorageDepositNotEnoughFunds "origin doesn't have enough balance to pay the required storage deposits",
    24 StorageDepositLimitExhausted "more storage was created than allowed by the storage deposit limit",
    25 CodeInUse "code removal was denied because the code is still in use",
    26 ContractReverted "the contract ran to completion but decided to revert its storage changes",
    27 CodeRejected "the contract's code was found to be invalid during validation",
    28 Indeterministic "an indeterministic code was used in a context where this is not permitted",
    29 MigrationInProgress "a pending migration needs to complete first",
    30 NoMigrationPerformed "no migration was performed",
    31 MaxDelegateDependenciesReached "the contract has reached its maximum number of delegate dependencies",
    32 DelegateDependencyNotFound "the dependency was not found in the contract's delegate dependencies",
    33 DelegateDependencyAlreadyExists "the contract already depends on the given delegate dependency",
    34 CannotAddSelfAsDelegateDependency "can not add a delegate dependency to the code hash of the contract itself",
}

/// Which rule of upload validation code broke (pallet-contracts' `CodeRejected`, with
/// the part that failed; the node's log and a dry run give the validator's words).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
#[repr(u8)]
pub enum RejectKind {
    /// Not valid WASM under the deterministic feature set (floats, threads, SIMD, ...).
    InvalidWasm = 0,
    /// An export other than `deploy` and `call`, or a missing or mistyped entry point.
    Export = 1,
    /// An import that is not a host function with its signature, or a bad memory import.
    Import = 2,
    /// The stack-height or memory rewrite could not handle the module.
    Instrument = 3,
    /// The engine refused the prepared module.
    Engine = 4,
    /// An imported host function this node does not provide.
    Link = 5,
    /// A data or element segment does not fit: the module cannot be instantiated.
    Instantiation = 6,
}

impl RejectKind {
    /// A few words on the rule.
    pub const fn explanation(self) -> &'static str {
        match self {
            RejectKind::InvalidWasm => "invalid or non-deterministic WASM",
            RejectKind::Export => "export rejected",
            RejectKind::Import => "import rejected",
            RejectKind::Instrument => "instrumentation failed",
            RejectKind::Engine => "the engine rejected the module",
            RejectKind::Link => "a host function this node does not provide",
            RejectKind::Instantiation => "a data or element segment does not fit",
        }
    }
}

/// Why a dispatched call failed. Its state changes were rolled back; the nonce stays used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen)]
pub enum DispatchError {
    /// The sender's free balance is below what the call moves.
    #[codec(index = 0)]
    InsufficientBalance,
    /// The transfer would leave the sender with a dust balance (above 0, below the minimum).
    #[codec(index = 1)]
    WouldLeaveDust,
    /// A new account would receive less than the existential deposit.
    #[codec(index = 2)]
    BelowExistentialDeposit,
    /// A balance would overflow `u128`.
    #[codec(index = 3)]
    Overflow,
    /// This node runs without a contract VM.
    #[codec(index = 4)]
    NoVm,
    /// The node could not read its own state: a fault of the node, never a verdict on
    /// the call (a node that sees it should not be trusted with the block).
    #[codec(index = 5)]
    StateUnreadable,
    /// Code was rejected at upload or first use.
    #[codec(index = 6)]
    CodeRejected {
        /// The rule it broke.
        kind: RejectKind,
        /// The byte offset in the module where it broke it, when the validator names one.
        offset: Option<u32>,
    },
    /// A pallet-contracts error.
    #[codec(index = 7)]
    Module(ContractError),
    /// A chain extension refused the call (on a Substrate chain, the extension's own
    /// error; the extension's message goes to the node's log).
    #[codec(index = 8)]
    ChainExtensionFailed,
    /// The signer may not do this (Substrate's `BadOrigin`: removing code someone else
    /// uploaded).
    #[codec(index = 9)]
    BadOrigin,
}

impl From<ContractError> for DispatchError {
    fn from(e: ContractError) -> Self {
        DispatchError::Module(e)
    }
}

impl DispatchError {
    /// The pallet's name for the failure (`OutOfGas`, `CodeRejected`), or this runtime's
    /// for the balance transfer and node errors, which the pallet does not have.
    pub const fn name(&self) -> &'static str {
        match self {
            DispatchError::InsufficientBalance => "InsufficientBalance",
            DispatchError::WouldLeaveDust => "WouldLeaveDust",
            DispatchError::BelowExistentialDeposit => "BelowExistentialDeposit",
            DispatchError::Overflow => "Overflow",
            DispatchError::NoVm => "NoVm",
            DispatchError::StateUnreadable => "StateUnreadable",
            DispatchError::ChainExtensionFailed => "ChainExtensionFailed",
            DispatchError::BadOrigin => "BadOrigin",
            DispatchError::CodeRejected { .. } => ContractError::CodeRejected.name(),
            DispatchError::Module(e) => e.name(),
        }
    }

    /// The pallet-contracts error this is, if it is one.
    pub const fn contract_error(&self) -> Option<ContractError> {
        match self {
            DispatchError::CodeRejected { .. } => Some(ContractError::CodeRejected),
            DispatchError::Module(e) => Some(*e),
            _ => None,
        }
    }

    /// The name first, then what it means (`OutOfGas: the executed contract exhausted
    /// its gas limit`), as clients show a failure. Not consensus data.
    pub fn described(&self) -> String {
        let why = match self {
            DispatchError::InsufficientBalance => "insufficient balance",
            DispatchError::WouldLeaveDust => {
                "transfer would leave the sender below the existential deposit"
            }
            DispatchError::BelowExistentialDeposit => {
                "transfer to a new account is below the existential deposit"
            }
            DispatchError::Overflow => "balance overflow",
            DispatchError::NoVm => "contract calls need a VM and this node has none",
            DispatchError::StateUnreadable => "the node could not read its state",
            DispatchError::ChainExtensionFailed => "a chain extension refused the call",
            DispatchError::BadOrigin => "the signer may not do this",
            DispatchError::CodeRejected { kind, offset } => {
                return match offset {
                    Some(at) => format!("CodeRejected: {} at offset {at:#x}", kind.explanation()),
                    None => format!("CodeRejected: {}", kind.explanation()),
                };
            }
            DispatchError::Module(e) => e.explanation(),
        };
        format!("{}: {why}", self.name())
    }
}

impl core::fmt::Display for DispatchError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.described())
    }
}

impl std::error::Error for DispatchError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Receipts are hashed: the encoding of every error is part of consensus. A change
    /// here is a change of the chain's format and must be deliberate.
    #[test]
    fn every_error_encodes_as_pinned() {
        for (index, e) in ContractError::ALL.iter().enumerate() {
            assert_eq!(e.encode(), vec![index as u8], "{e:?}");
            assert_eq!(DispatchError::Module(*e).encode(), vec![7, index as u8]);
            assert_eq!(ContractError::from_name(e.name()), Some(*e));
        }
        assert_eq!(ContractError::ALL.len(), 35);
        assert_eq!(ContractError::CannotAddSelfAsDelegateDependency as u8, 34);
        let fixed = [
            (DispatchError::InsufficientBalance, vec![0]),
            (DispatchError::WouldLeaveDust, vec![1]),
            (DispatchError::BelowExistentialDeposit, vec![2]),
            (DispatchError::Overflow, vec![3]),
            (DispatchError::NoVm, vec![4]),
            (DispatchError::StateUnreadable, vec![5]),
            (DispatchError::ChainExtensionFailed, vec![8]),
            (DispatchError::BadOrigin, vec![9]),
            (
                DispatchError::CodeRejected {
                    kind: RejectKind::InvalidWasm,
                    offset: None,
                },
                vec![6, 0, 0],
            ),
            (
                DispatchError::CodeRejected {
                    kind: RejectKind::Link,
                    offset: Some(0x0102_0304),
                },
                vec![6, 5, 1, 4, 3, 2, 1],
            ),
        ];
        for (e, bytes) in fixed {
            assert_eq!(e.encode(), bytes, "{e:?}");
            assert_eq!(DispatchError::decode(&mut &bytes[..]).ok(), Some(e));
        }
        for (index, kind) in [
            RejectKind::InvalidWasm,
            RejectKind::Export,
            RejectKind::Import,
            RejectKind::Instrument,
            RejectKind::Engine,
            RejectKind::Link,
            RejectKind::Instantiation,
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(kind.encode(), vec![index as u8]);
        }
    }

    #[test]
    fn a_failure_reads_with_its_name_first_once() {
        assert_eq!(
            DispatchError::Module(ContractError::ContractTrapped).described(),
            "ContractTrapped: contract trapped during execution"
        );
        let rejected = DispatchError::CodeRejected {
            kind: RejectKind::InvalidWasm,
            offset: Some(0x2a),
        };
        assert_eq!(
            rejected.to_string(),
            "CodeRejected: invalid or non-deterministic WASM at offset 0x2a"
        );
    }
}
