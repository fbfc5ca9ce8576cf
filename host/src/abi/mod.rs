//! The pallet-contracts host ABI that ink! 5.1 contracts import.

mod table;

pub use table::{host_function, HostFnSpec, Stability, ValueType, HOST_FUNCTIONS};
