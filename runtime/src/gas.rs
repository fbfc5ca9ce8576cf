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

/// What a charge that did not fit leaves: nothing charged, `OutOfGas` to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfGas;

/// An amount charged up front, to be [`GasMeter::adjust`]ed once the real cost is known
/// (pallet-contracts' `ChargedAmount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Charged(Weight);

impl Charged {
    /// The amount charged.
    pub fn amount(&self) -> Weight {
        self.0
    }
}

/// One frame's gas, as pallet-contracts 31's `GasMeter`: a limit, what is left, and the
/// lowest it has been (so that `gas_required` covers charges later adjusted down and
/// what nested frames needed at their peak). Every rule here is the pallet's, because
/// a dry run's `gas_required` is what users pass as the limit on a real chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GasMeter {
    gas_limit: Weight,
    gas_left: Weight,
    gas_left_lowest: Weight,
    /// Engine fuel already accounted for in `gas_left` (the pallet's `executor_consumed`).
    executor_consumed: u64,
}

impl GasMeter {
    /// A meter with `gas_limit` to spend.
    pub const fn new(gas_limit: Weight) -> Self {
        GasMeter {
            gas_limit,
            gas_left: gas_limit,
            gas_left_lowest: gas_limit,
            executor_consumed: 0,
        }
    }

    /// Takes a nested frame's meter out of this one: `amount`, where a zero component
    /// means "all that is left", never more than is left.
    pub fn nested(&mut self, amount: Weight) -> GasMeter {
        let pick = |asked: u64, left: u64| if asked == 0 { left } else { asked.min(left) };
        let amount = Weight::new(
            pick(amount.ref_time, self.gas_left.ref_time),
            pick(amount.proof_size, self.gas_left.proof_size),
        );
        self.gas_left = self.gas_left.saturating_sub(amount);
        GasMeter::new(amount)
    }

    /// Takes back what a nested meter left, remembering what it needed at its peak.
    pub fn absorb_nested(&mut self, nested: GasMeter) {
        self.gas_left_lowest = self
            .gas_left
            .saturating_add(nested.gas_limit)
            .saturating_sub(nested.gas_required())
            .min(self.gas_left_lowest);
        self.gas_left = self.gas_left.saturating_add(nested.gas_left);
    }

    /// Charges `amount`; when either dimension does not fit, charges nothing.
    ///
    /// # Errors
    /// [`OutOfGas`].
    pub fn charge(&mut self, amount: Weight) -> Result<Charged, OutOfGas> {
        self.gas_left = checked_sub(self.gas_left, amount).ok_or(OutOfGas)?;
        Ok(Charged(amount))
    }

    /// Refunds what `charged` exceeded `actual` by. With `lowers_required` (every cost
    /// but XCM's), the peak before the refund counts toward `gas_required`.
    pub fn adjust(&mut self, charged: Charged, actual: Weight, lowers_required: bool) {
        if lowers_required {
            self.gas_left_lowest = self.gas_left_lowest();
        }
        let refund = charged.0.saturating_sub(actual);
        self.gas_left = min(self.gas_left.saturating_add(refund), self.gas_limit);
    }

    /// Charges the engine fuel burnt since the last sync, `executor_total` being all the
    /// fuel the frame's engine has consumed so far, at `per_fuel` ref_time each.
    /// Returns the ref_time left, which [`GasMeter::sync_to_executor`] takes back.
    ///
    /// # Errors
    /// [`OutOfGas`]; the fuel then counts as synced but nothing is charged, as on the
    /// pallet.
    pub fn sync_from_executor(
        &mut self,
        executor_total: u64,
        per_fuel: u64,
    ) -> Result<u64, OutOfGas> {
        let chargeable = executor_total
            .saturating_sub(self.executor_consumed)
            .saturating_mul(per_fuel);
        self.executor_consumed = executor_total;
        self.gas_left = checked_sub(self.gas_left, Weight::new(chargeable, 0)).ok_or(OutOfGas)?;
        Ok(self.gas_left.ref_time)
    }

    /// The fuel the engine must give up for what the host charged since `before` (the
    /// ref_time [`GasMeter::sync_from_executor`] returned), rounded down.
    pub fn sync_to_executor(&mut self, before: u64, per_fuel: u64) -> u64 {
        let fuel = before.saturating_sub(self.gas_left.ref_time) / per_fuel.max(1);
        self.executor_consumed = self.executor_consumed.saturating_add(fuel);
        fuel
    }

    /// The limit a caller must give for this run to succeed: the peak use.
    pub fn gas_required(&self) -> Weight {
        self.gas_limit.saturating_sub(self.gas_left_lowest())
    }

    /// What was used.
    pub fn gas_consumed(&self) -> Weight {
        self.gas_limit.saturating_sub(self.gas_left)
    }

    /// What is left.
    pub fn gas_left(&self) -> Weight {
        self.gas_left
    }

    /// The limit.
    pub fn gas_limit(&self) -> Weight {
        self.gas_limit
    }

    fn gas_left_lowest(&self) -> Weight {
        min(self.gas_left_lowest, self.gas_left)
    }
}

/// Component-wise minimum (Substrate's `Weight::min`).
fn min(a: Weight, b: Weight) -> Weight {
    Weight::new(a.ref_time.min(b.ref_time), a.proof_size.min(b.proof_size))
}

fn checked_sub(a: Weight, b: Weight) -> Option<Weight> {
    Some(Weight::new(
        a.ref_time.checked_sub(b.ref_time)?,
        a.proof_size.checked_sub(b.proof_size)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_charge_that_does_not_fit_charges_nothing() {
        let mut m = GasMeter::new(Weight::new(200, 10));
        assert_eq!(m.charge(Weight::new(300, 1)), Err(OutOfGas));
        assert_eq!(m.charge(Weight::new(1, 11)), Err(OutOfGas));
        assert!(m.charge(Weight::new(200, 10)).is_ok());
        assert_eq!(m.gas_left(), Weight::ZERO);
    }

    #[test]
    fn adjusting_down_keeps_the_peak_in_gas_required() {
        let mut m = GasMeter::new(Weight::new(1_000, 100));
        let c = m.charge(Weight::new(600, 50)).expect("fits");
        m.adjust(c, Weight::new(100, 10), true);
        assert_eq!(m.gas_consumed(), Weight::new(100, 10));
        assert_eq!(m.gas_required(), Weight::new(600, 50));
    }

    #[test]
    fn nested_meters_take_at_most_what_is_left_and_report_their_peak() {
        let mut m = GasMeter::new(Weight::new(1_000, 100));
        let mut n = m.nested(Weight::new(0, 30));
        assert_eq!(n.gas_limit(), Weight::new(1_000, 30));
        let c = n.charge(Weight::new(500, 20)).expect("fits");
        n.adjust(c, Weight::new(100, 5), true);
        m.absorb_nested(n);
        assert_eq!(m.gas_consumed(), Weight::new(100, 5));
        assert_eq!(m.gas_required(), Weight::new(500, 20));
        assert_eq!(
            m.nested(Weight::new(5_000, 0)).gas_limit(),
            Weight::new(900, 95)
        );
    }

    #[test]
    fn engine_fuel_is_charged_once_at_its_price() {
        let mut m = GasMeter::new(Weight::new(10_000, 0));
        let before = m.sync_from_executor(3, 100).expect("fits");
        assert_eq!(before, 9_700);
        let _ = m.charge(Weight::new(250, 0)).expect("fits");
        // The engine gives up the host's 250 rounded down: 2 fuel.
        assert_eq!(m.sync_to_executor(before, 100), 2);
        // 3 + 2 synced; 4 more burnt by the engine.
        m.sync_from_executor(9, 100).expect("fits");
        assert_eq!(m.gas_consumed().ref_time, 300 + 250 + 400);
        assert_eq!(m.sync_from_executor(1_000, 100), Err(OutOfGas));
        assert_eq!(m.gas_consumed().ref_time, 950, "nothing charged on failure");
    }
}
