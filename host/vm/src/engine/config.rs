//! The one consensus `wasmtime::Config`: every post-MVP proposal off (upload checks
//! already reject them; the engine refusing them too is a second line), fuel counted by
//! the injected code rather than the engine, no epoch or wall-clock interruption, NaN canonicalization on.

use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, WasmFeatures,
};

/// Native stack the engine may use for WASM. The injected stack-height limit trips
/// long before this, so the engine's own (machine-dependent) limit is never what
/// stops a contract.
pub const MAX_WASM_STACK: usize = 1024 * 1024;

/// Linear memory, in bytes, that a contract may reach: 16 pages of 64 KiB (the
/// schedule's `memory_pages` may be lower, never higher).
pub(super) const MAX_MEMORY_BYTES: usize = 16 * 65_536;

/// Instances the pooling allocator keeps slots for (one per frame in flight).
const POOLED_INSTANCES: u32 = 256;

/// The consensus configuration.
pub fn consensus_config() -> Config {
    // Pre-reserved instance slots: instantiating is then a slot reuse, not an mmap,
    // and the first pages of memory stay resident between calls.
    let mut pooling = PoolingAllocationConfig::default();
    pooling
        .total_core_instances(POOLED_INSTANCES)
        .total_memories(POOLED_INSTANCES)
        .total_tables(POOLED_INSTANCES)
        .max_memory_size(MAX_MEMORY_BYTES)
        .table_elements(super::prepare::MAX_TABLE_ELEMENTS)
        .linear_memory_keep_resident(2 * 65_536)
        .table_keep_resident(4096);
    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling))
        // Fuel is counted by the code itself, as wasmi 0.31 counts it (see `fuel`).
        .consume_fuel(false)
        .epoch_interruption(false)
        .cranelift_opt_level(OptLevel::Speed)
        .cranelift_nan_canonicalization(true)
        .max_wasm_stack(MAX_WASM_STACK)
        .wasm_bulk_memory(false)
        .wasm_multi_value(false)
        .wasm_multi_memory(false)
        .wasm_memory64(false)
        .wasm_simd(false)
        .wasm_relaxed_simd(false)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_custom_page_sizes(false)
        .wasm_wide_arithmetic(false)
        .wasm_gc(false)
        .wasm_stack_switching(false)
        // Proposals whose setters exist only with wasmtime features we leave out.
        .wasm_features(
            WasmFeatures::REFERENCE_TYPES
                | WasmFeatures::FUNCTION_REFERENCES
                | WasmFeatures::THREADS
                | WasmFeatures::EXCEPTIONS,
            false,
        );
    config
}

/// An engine with [`consensus_config`].
///
/// # Errors
/// If wasmtime rejects the configuration on this machine.
pub(super) fn engine() -> wasmtime::Result<Engine> {
    Engine::new(&consensus_config())
}
