//! [`WasmtimeVm`]: runs ink! contracts on wasmtime, implementing the runtime's
//! [`ContractVm`].
//!
//! One `Engine` and one `Linker` for the VM's life; one `InstancePre` per code hash
//! (compiled once, from the code in state, prepared the same way every time, and kept
//! in memory and optionally on disk); a fresh `Store` per frame, metered with fuel.
//! Frames nest: a contract's `call`, `instantiate` or `delegate_call` runs the callee
//! in its own store from inside the host function (see [`exec`]).

mod cache;
mod config;
pub(crate) mod exec;
mod fuel;
pub(crate) mod host_state;
pub(crate) mod memory;
pub(crate) mod prepare;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use carechain_runtime::{
    code_hash, AccountId, Balance, ChainConfig, CodeHash, ContractCall, ContractError, ContractVm,
    DispatchError, ExecContext, ExecOutcome, RejectKind, StateAccess, Weight,
};
use wasmtime::{Engine, InstancePre, Linker, Module};

use crate::extension::ChainExtensions;
pub use config::{consensus_config, MAX_WASM_STACK};
use exec::Wasm;
use host_state::HostState;
use prepare::{prepare, PrepareConfig};

/// The wasmtime contract VM. Cheap to share: clones use the same engine and caches.
#[derive(Clone)]
pub struct WasmtimeVm {
    core: Arc<VmCore>,
}

/// What all frames of all calls share.
pub(crate) struct VmCore {
    pub(crate) engine: Engine,
    linker: Linker<HostState>,
    cache: cache::ModuleCache,
    pub(crate) extensions: ChainExtensions,
    /// Instruction metering on (always, except in benchmarks).
    pub(crate) metered: bool,
    /// Code may import `#[unstable]` host functions (pallet-contracts'
    /// `UnsafeUnstableInterface`; off on production chains and in ink_sandbox).
    unstable_interface: bool,
    compilations: AtomicU64,
    /// Calls stopped by the engine's native stack limit instead of the injected,
    /// deterministic one. Always zero unless the schedule's `stack_limit` is too high
    /// for [`MAX_WASM_STACK`]; tests assert that it stays zero.
    native_stack_overflows: AtomicU64,
}

impl WasmtimeVm {
    /// A VM with the consensus engine configuration, every host function, no chain
    /// extension and no on-disk cache.
    ///
    /// # Errors
    /// If wasmtime cannot be configured on this machine.
    pub fn new() -> wasmtime::Result<Self> {
        Self::builder().build()
    }

    /// A VM with chain extensions or an on-disk module cache.
    pub fn builder() -> WasmtimeVmBuilder {
        WasmtimeVmBuilder::default()
    }

    /// How many calls hit the engine's native stack limit (see the field's docs).
    pub fn native_stack_overflows(&self) -> u64 {
        self.core.native_stack_overflows.load(Ordering::Relaxed)
    }

    /// Forgets every compiled module held in memory (to bound memory, or to measure
    /// the cold path); the next call of each code compiles again (or reads the disk
    /// cache).
    pub fn forget_compiled(&self) {
        self.core.cache.clear_memory();
    }

    /// Modules compiled since this VM started (cache misses in memory and on disk).
    pub fn compilations(&self) -> u64 {
        self.core.compilations.load(Ordering::Relaxed)
    }
}

/// Builds a [`WasmtimeVm`].
pub struct WasmtimeVmBuilder {
    extensions: ChainExtensions,
    cache_dir: Option<PathBuf>,
    metered: bool,
    unstable_interface: bool,
}

impl Default for WasmtimeVmBuilder {
    fn default() -> Self {
        WasmtimeVmBuilder {
            extensions: ChainExtensions::default(),
            cache_dir: None,
            metered: true,
            unstable_interface: false,
        }
    }
}

impl WasmtimeVmBuilder {
    /// Contracts may call these extensions (and only then may import
    /// `call_chain_extension`).
    pub fn chain_extensions(mut self, extensions: ChainExtensions) -> Self {
        self.extensions = extensions;
        self
    }

    /// Lets code import pallet-contracts' `#[unstable]` host functions (`xcm_*`,
    /// `reentrance_count`, `account_reentrance_count`, `weight_to_fee` v1), as a
    /// chain with `UnsafeUnstableInterface` does. Off by default, as on production
    /// chains and in ink_sandbox.
    pub fn unstable_interface(mut self, on: bool) -> Self {
        self.unstable_interface = on;
        self
    }

    /// Keep compiled modules in `dir`, keyed by code hash, schedule and engine.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Turns instruction metering off, to measure what metering costs. Host functions
    /// still charge, but instructions are free and `gas_left` is meaningless: a
    /// contract that loops forever never stops. Never use it to run a chain.
    pub fn unmetered_for_benchmarks(mut self) -> Self {
        self.metered = false;
        self
    }

    /// The VM.
    ///
    /// # Errors
    /// If wasmtime cannot be configured on this machine.
    pub fn build(self) -> wasmtime::Result<WasmtimeVm> {
        let engine = config::engine()?;
        let mut linker = Linker::new(&engine);
        crate::abi::define(&mut linker)?;
        let switches =
            u64::from(!self.extensions.is_empty()) | u64::from(self.unstable_interface) << 1;
        let cache = cache::ModuleCache::new(&engine, self.cache_dir, switches);
        Ok(WasmtimeVm {
            core: Arc::new(VmCore {
                engine,
                linker,
                cache,
                extensions: self.extensions,
                metered: self.metered,
                unstable_interface: self.unstable_interface,
                compilations: AtomicU64::new(0),
                native_stack_overflows: AtomicU64::new(0),
            }),
        })
    }
}

impl VmCore {
    pub(crate) fn note_native_stack_overflow(&self) {
        self.native_stack_overflows.fetch_add(1, Ordering::Relaxed);
        tracing::error!("native stack limit reached before the injected one");
    }

    fn prepare_config(&self, config: &ChainConfig) -> PrepareConfig {
        PrepareConfig {
            chain_extensions: !self.extensions.is_empty(),
            unstable_interface: self.unstable_interface,
            meter_fuel: self.metered,
            ..PrepareConfig::of_chain(config)
        }
    }

    /// Prepares and compiles `code`; a rejection carries the validator's or engine's
    /// words beside the typed error, for logs and the CLI only.
    fn compile(&self, code: &[u8], config: &ChainConfig) -> Result<Module, Rejection> {
        let prepared = prepare(code, &self.prepare_config(config)).map_err(|e| Rejection {
            error: e.dispatch_error(),
            detail: e.to_string(),
        })?;
        self.compilations.fetch_add(1, Ordering::Relaxed);
        Module::new(&self.engine, &prepared.code).map_err(|e| Rejection {
            error: DispatchError::CodeRejected {
                kind: RejectKind::Engine,
                offset: None,
            },
            detail: format!("the engine rejected the prepared module: {e:#}"),
        })
    }

    fn link(&self, module: &Module) -> Result<InstancePre<HostState>, Rejection> {
        self.linker.instantiate_pre(module).map_err(|e| Rejection {
            error: DispatchError::CodeRejected {
                kind: RejectKind::Link,
                offset: None,
            },
            detail: format!("{e}: this host does not provide that function"),
        })
    }

    /// The linked code of `hash` and its length, from the caches or compiled from state.
    pub(crate) fn instance_pre(
        &self,
        hash: CodeHash,
        state: &dyn StateAccess,
        config: &ChainConfig,
    ) -> Result<(InstancePre<HostState>, usize), DispatchError> {
        let version = config.schedule.version;
        if let Some(hit) = self.cache.get(&hash, version) {
            return Ok(hit);
        }
        let code = state
            .get(&carechain_runtime::code_key(&hash))
            .map_err(|e| {
                tracing::error!("state unreadable: {e}");
                DispatchError::StateUnreadable
            })?
            .ok_or(DispatchError::Module(ContractError::CodeNotFound))?;
        let module = match self.cache.load(&hash, version) {
            Some(module) => module,
            None => {
                let module = self.compile(&code, config).map_err(Rejection::logged)?;
                self.cache.store(&hash, version, &module);
                module
            }
        };
        let pre = self.link(&module).map_err(Rejection::logged)?;
        self.cache.insert(hash, version, pre.clone(), code.len());
        Ok((pre, code.len()))
    }
}

/// Why code was refused: the typed error a receipt records, and the words of the
/// validator or engine, which are never consensus data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// What a receipt records.
    pub error: DispatchError,
    /// The validator's or engine's words, for logs, the CLI and dry runs.
    pub detail: String,
}

impl Rejection {
    fn logged(self) -> DispatchError {
        tracing::debug!("code rejected: {}", self.detail);
        self.error
    }
}

impl WasmtimeVm {
    /// Checks `code` as an upload does and keeps it compiled, as
    /// [`ContractVm::validate_code`]; a refusal also says why in words.
    ///
    /// # Errors
    /// The [`Rejection`].
    pub fn check_code(&self, code: &[u8], config: &ChainConfig) -> Result<(), Rejection> {
        let core = &self.core;
        let module = core.compile(code, config)?;
        let pre = core.link(&module)?;
        let (hash, version) = (code_hash(code), config.schedule.version);
        core.cache.store(&hash, version, &module);
        core.cache.insert(hash, version, pre, code.len());
        Ok(())
    }
}

impl ContractVm for WasmtimeVm {
    fn validate_code(&self, code: &[u8], config: &ChainConfig) -> Result<(), DispatchError> {
        self.check_code(code, config).map_err(Rejection::logged)
    }

    fn code_shape(&self, code: &[u8]) -> carechain_runtime::CodeShape {
        prepare::code_shape(code)
    }

    fn execute(
        &self,
        ctx: &ExecContext<'_>,
        state: &mut dyn StateAccess,
        origin: &AccountId,
        gas_limit: Weight,
        deposit_limit: Option<Balance>,
        call: ContractCall<'_>,
    ) -> ExecOutcome {
        carechain_runtime::exec::execute(
            &Wasm(self.core.clone()),
            ctx,
            state,
            origin,
            gas_limit,
            deposit_limit,
            call,
        )
    }
}
