//! [`ModuleCache`]: compiled code by code hash, in memory (linked, ready to
//! instantiate) and optionally on disk (serialized by wasmtime), so a restarted node
//! does not compile again.
//!
//! A cache can only save work: entries are keyed by everything that shapes the
//! compiled module (code hash, schedule version, extension switch, engine
//! configuration and version), so a hit is the module a compile would produce and no
//! result or gas figure can depend on it.

use std::collections::HashMap;
use std::hash::{Hash as _, Hasher};
use std::path::PathBuf;
use std::sync::Mutex;

use carechain_runtime::CodeHash;
use wasmtime::{Engine, InstancePre, Module};

use super::host_state::HostState;

type Key = (CodeHash, u32);

/// The VM's module caches.
pub(crate) struct ModuleCache {
    engine: Engine,
    /// Looked up, never iterated.
    memory: Mutex<HashMap<Key, (InstancePre<HostState>, usize)>>,
    dir: Option<PathBuf>,
    /// Fingerprint of the engine configuration, wasmtime version and VM switches.
    fingerprint: u64,
}

impl ModuleCache {
    pub(crate) fn new(engine: &Engine, dir: Option<PathBuf>, switches: u64) -> Self {
        // A fixed-key SipHash: stable across runs, which is all a file name needs.
        let mut hasher = std::hash::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        switches.hash(&mut hasher);
        if let Some(dir) = &dir {
            if let Err(e) = std::fs::create_dir_all(dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "module cache directory unusable");
            }
        }
        ModuleCache {
            engine: engine.clone(),
            memory: Mutex::new(HashMap::new()),
            dir,
            fingerprint: hasher.finish(),
        }
    }

    /// The linked module and its code length, if compiled before in this process.
    pub(crate) fn get(
        &self,
        hash: &CodeHash,
        version: u32,
    ) -> Option<(InstancePre<HostState>, usize)> {
        self.memory.lock().ok()?.get(&(*hash, version)).cloned()
    }

    pub(crate) fn insert(
        &self,
        hash: CodeHash,
        version: u32,
        pre: InstancePre<HostState>,
        len: usize,
    ) {
        if let Ok(mut memory) = self.memory.lock() {
            memory.insert((hash, version), (pre, len));
        }
    }

    /// Drops every compiled module held in memory (the disk copy stays).
    pub(crate) fn clear_memory(&self) {
        if let Ok(mut memory) = self.memory.lock() {
            memory.clear();
        }
    }

    fn path(&self, hash: &CodeHash, version: u32) -> Option<PathBuf> {
        let name = format!("{}-s{version}-{:016x}.cwasm", hash, self.fingerprint);
        self.dir.as_ref().map(|d| d.join(name))
    }

    /// The module from disk, if a previous run stored it.
    pub(crate) fn load(&self, hash: &CodeHash, version: u32) -> Option<Module> {
        let path = self.path(hash, version)?;
        // Read into memory rather than mapped: a file changed under a mapping would
        // take the process down (SIGBUS); a copy cannot.
        let bytes = std::fs::read(&path).ok()?;
        // SAFETY: wasmtime checks the header (engine configuration and version) and
        // refuses anything else; the bytes are a copy this cache wrote, by name of the
        // engine fingerprint, into the node's own directory.
        match unsafe { Module::deserialize(&self.engine, &bytes) } {
            Ok(module) => Some(module),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring unusable cached module");
                None
            }
        }
    }

    /// Writes the module to disk (atomically: temporary file, then rename).
    pub(crate) fn store(&self, hash: &CodeHash, version: u32, module: &Module) {
        let Some(path) = self.path(hash, version) else {
            return;
        };
        let written = module.serialize().and_then(|bytes| {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)?;
            Ok(())
        });
        if let Err(e) = written {
            tracing::warn!(path = %path.display(), error = %e, "could not cache module on disk");
        }
    }
}
