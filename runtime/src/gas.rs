//! Two-dimensional gas, as pallet-contracts' Weight v2: computation and proof size.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};

/// An amount of gas: `ref_time` (picoseconds of reference computation) and
/// `proof_size` (bytes of state witness).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct Weight {
    /// Computation, in picoseconds on the reference machine.
    pub ref_time: u64,
    /// Bytes of state proof the work needs.
    pub proof_size: u64,
}

impl Weight {
    /// No gas.
    pub const ZERO: Weight = Weight {
        ref_time: 0,
        proof_size: 0,
    };

    /// A weight from both components.
    pub const fn new(ref_time: u64, proof_size: u64) -> Self {
        Weight {
            ref_time,
            proof_size,
        }
    }

    /// Component-wise sum, saturating at `u64::MAX`.
    pub const fn saturating_add(self, other: Weight) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_add(other.ref_time),
            proof_size: self.proof_size.saturating_add(other.proof_size),
        }
    }

    /// Component-wise difference, saturating at zero.
    pub const fn saturating_sub(self, other: Weight) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_sub(other.ref_time),
            proof_size: self.proof_size.saturating_sub(other.proof_size),
        }
    }

    /// Component-wise product with a scalar, saturating.
    pub const fn saturating_mul(self, n: u64) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_mul(n),
            proof_size: self.proof_size.saturating_mul(n),
        }
    }

    /// Whether either component exceeds `limit`'s.
    pub const fn any_gt(self, limit: Weight) -> bool {
        self.ref_time > limit.ref_time || self.proof_size > limit.proof_size
    }
}
