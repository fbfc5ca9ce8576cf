//! Signed transactions: what a user asks the chain to do, and who asks.

use parity_scale_codec::{Decode, Encode};

use crate::crypto::{sha256, verify, Signature};
use crate::gas::Weight;
use crate::keys::Keypair;
use crate::primitives::{AccountId, Balance, CodeHash, Hash, Nonce};

/// Prefix of every signing payload, so a Carechain signature never verifies as a
/// signature over anything another protocol would accept under `b"substrate"`.
pub const TX_DOMAIN: &[u8] = b"carechain/tx/v1";

/// What a transaction does.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Call {
    /// Store contract code under `blake2_256(code)` after the VM has validated it.
    UploadCode {
        /// The contract's WASM.
        code: Vec<u8>,
    },
    /// Create a contract from uploaded code by running its constructor.
    Instantiate {
        /// Which uploaded code.
        code_hash: CodeHash,
        /// Endowment moved from the signer to the new contract.
        value: Balance,
        /// Constructor selector and SCALE-encoded arguments.
        data: Vec<u8>,
        /// Distinguishes instances of the same code, constructor and arguments.
        salt: Vec<u8>,
    },
    /// Call a contract's message.
    Call {
        /// The contract.
        dest: AccountId,
        /// Value moved from the signer to the contract.
        value: Balance,
        /// Message selector and SCALE-encoded arguments.
        data: Vec<u8>,
    },
    /// Remove uploaded code no contract uses, paying its deposit back to the uploader
    /// (pallet-contracts' `remove_code`: only the uploader may).
    RemoveCode {
        /// Which code.
        code_hash: CodeHash,
    },
    /// Move balance between accounts; needs no VM.
    Transfer {
        /// The recipient.
        dest: AccountId,
        /// How much.
        value: Balance,
    },
}

/// An unsigned transaction.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Transaction {
    /// The chain this is meant for; prevents replay on another chain.
    pub genesis_hash: Hash,
    /// Who signs and pays.
    pub signer: AccountId,
    /// Must equal the signer's current nonce; prevents replay on this chain.
    pub nonce: Nonce,
    /// The most gas the call may use.
    pub gas_limit: Weight,
    /// The most storage deposit an upload, instantiation or call may take from the
    /// signer (pallet-contracts' `storage_deposit_limit`); `None`: as much as the signer
    /// can pay, up to the chain's default limit. Transfers ignore it.
    pub storage_deposit_limit: Option<Balance>,
    /// What to do.
    pub call: Call,
}

impl Transaction {
    /// The exact bytes signed: [`TX_DOMAIN`] followed by the SCALE encoding.
    pub fn signing_payload(&self) -> Vec<u8> {
        let mut payload = TX_DOMAIN.to_vec();
        self.encode_to(&mut payload);
        payload
    }

    /// Signs with `key`. The key should be the signer's; otherwise the result fails
    /// verification, as it must.
    pub fn sign(self, key: &Keypair) -> SignedTransaction {
        let signature = key.sign(&self.signing_payload());
        SignedTransaction {
            transaction: self,
            signature,
        }
    }
}

/// A transaction with the signer's signature over its signing payload, in any of
/// `MultiSignature`'s schemes (the signer's account must be the key's, as
/// `MultiSigner::into_account` maps it).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct SignedTransaction {
    /// The transaction.
    pub transaction: Transaction,
    /// Signature over [`Transaction::signing_payload`].
    pub signature: Signature,
}

impl SignedTransaction {
    /// The transaction's id: SHA-256 of its SCALE encoding.
    pub fn hash(&self) -> Hash {
        sha256(&self.encode())
    }

    /// Whether the signature is the signer's over this transaction.
    pub fn signature_is_valid(&self) -> bool {
        verify(
            &self.transaction.signer,
            &self.transaction.signing_payload(),
            &self.signature,
        )
    }
}
