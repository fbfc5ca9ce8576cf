//! Chain extensions: functions an embedder offers contracts beyond the standard ABI,
//! reached through `seal0::call_chain_extension`. pallet-contracts routes by the upper
//! 16 bits of the id (the extension) and hands the lower 16 (the function) to it; so
//! does [`ChainExtensions`].

use std::collections::BTreeMap;
use std::sync::Arc;

use carechain_runtime::{AccountId, BlockNumber, Timestamp, Weight};

/// What an extension learns about the calling frame.
#[derive(Debug, Clone)]
pub struct ExtensionEnv {
    /// The contract calling the extension.
    pub contract: AccountId,
    /// The block being built.
    pub block_number: BlockNumber,
    /// The block's timestamp.
    pub timestamp: Timestamp,
}

/// An extension's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionOutput {
    /// The `u32` the host function returns to the contract.
    pub ret_val: u32,
    /// Bytes written to the contract's output buffer.
    pub output: Vec<u8>,
    /// Gas the call costs, charged before the output is written.
    pub weight: Weight,
}

/// One chain extension. It must be deterministic: same input, same output and weight.
pub trait ChainExtension: Send + Sync {
    /// Runs function `func_id` on `input`.
    ///
    /// # Errors
    /// A message that traps the calling contract.
    fn call(
        &self,
        func_id: u16,
        input: &[u8],
        env: &ExtensionEnv,
    ) -> Result<ExtensionOutput, String>;
}

/// The registry the embedder fills before building the VM.
#[derive(Clone, Default)]
pub struct ChainExtensions {
    by_id: BTreeMap<u16, Arc<dyn ChainExtension>>,
}

impl ChainExtensions {
    /// Registers `extension` under `id`, replacing any before it.
    pub fn register(&mut self, id: u16, extension: impl ChainExtension + 'static) -> &mut Self {
        self.by_id.insert(id, Arc::new(extension));
        self
    }

    /// Whether no extension is registered (contracts may then not import the call).
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The extension registered under `id`.
    pub fn get(&self, id: u16) -> Option<&Arc<dyn ChainExtension>> {
        self.by_id.get(&id)
    }
}
