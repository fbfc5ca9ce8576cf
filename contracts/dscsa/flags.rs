//! The oracle's serial flags: raising and closing them.

use crate::dscsa::{Dscsa, SerialFlagReviewed, SerialFlagged};
use crate::errors::Error;
use crate::gs1::{fixed, gs1_text_ok};
use crate::types::*;
use health_types::FlagOutcome;
use ink::codegen::Env as _;
use ink::prelude::string::String;

impl Dscsa {
    /// [`Dscsa::flag_serial`]'s checks and effects.
    pub(crate) fn do_flag_serial(
        &mut self,
        gtin: String,
        serial: String,
        score: u16,
        reasons: u32,
        model: [u8; 32],
    ) -> Result<u64, Error> {
        self.registry
            .check_flag(self.env().caller(), score, model)?;
        let gtin = fixed::<14>(&gtin, Error::InvalidGtin)?;
        if !gs1_text_ok(&serial) {
            return Err(Error::InvalidSerial);
        }
        let package = self.key(&gtin, &serial);
        if self.open_flag.contains(package) {
            return Err(Error::AlreadyFlagged);
        }
        let existing = self.packages.get(package);
        let owner = existing.as_ref().map(|p| p.owner);
        let quarantined = existing.is_some_and(|p| p.state == State::Quarantined);
        let id = self.flag_len;
        self.flag_len = id.saturating_add(1);
        self.flags.insert(
            id,
            &SerialFlag {
                package,
                gtin,
                serial,
                owner,
                score,
                reasons,
                model,
                raised_at: self.env().block_timestamp(),
                outcome: FlagOutcome::Open,
                quarantined,
            },
        );
        self.open_flag.insert(package, &id);
        self.env().emit_event(SerialFlagged {
            package,
            flag: id,
            owner,
            score,
            reasons,
            model,
        });
        Ok(id)
    }

    /// [`Dscsa::close_serial_flag`]'s checks and effects.
    pub(crate) fn do_close_serial_flag(&mut self, flag: u64, confirmed: bool) -> Result<(), Error> {
        let caller = self.env().caller();
        let mut record = self.flags.get(flag).ok_or(Error::FlagNotFound)?;
        let package = self.packages.get(record.package);
        let operator = caller == self.operator;
        if record.owner == Some(caller) {
            return Err(Error::SelfReview);
        }
        if !operator {
            let Some(current) = package.as_ref().filter(|p| p.owner == caller) else {
                return Err(Error::NotOwnerOrOperator);
            };
            // Not any later owner: the flagged owner could ship to a friend.
            if self.owner_of_identifier(&current.gtin) != Some(caller) {
                return Err(Error::NotBrandOwner);
            }
            self.active_partner(caller)?;
        }
        if record.outcome != FlagOutcome::Open {
            return Err(Error::FlagClosed);
        }
        if let Some(package) = &package {
            let beyond_quarantine = matches!(
                package.state,
                State::Dispensed
                    | State::PartiallyDispensed
                    | State::Damaged
                    | State::Decommissioned(_)
                    | State::Illegitimate
            );
            let may_skip = operator && beyond_quarantine;
            if !record.quarantined && !may_skip {
                return Err(Error::NotQuarantined);
            }
        }
        record.outcome = if confirmed {
            FlagOutcome::Confirmed
        } else {
            FlagOutcome::Dismissed
        };
        self.flags.insert(flag, &record);
        self.open_flag.remove(record.package);
        self.env().emit_event(SerialFlagReviewed {
            package: record.package,
            flag,
            outcome: record.outcome,
        });
        Ok(())
    }
}
