//! Events and debug messages.

use carechain_runtime::{ContractError, RuntimeCosts};
use carechain_runtime::{Event, Hash};
use parity_scale_codec::Decode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::HostState;
use crate::engine::memory::{charge_cost, charge_host_call, read, supervisor, Ctx};

/// The debug buffer's bound (pallet-contracts' `MaxDebugBufferLen` on its dev runtimes).
const MAX_DEBUG_BUFFER: u32 = 2 * 1024 * 1024;

/// Registers `deposit_event` and `debug_message`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "deposit_event",
        |mut c: Ctx<'_>, tp: u32, tl: u32, dp: u32, dl: u32| {
            let schedule = c.data().schedule.clone();
            if dl > schedule.payload_len {
                return Err(supervisor(ContractError::ValueTooLarge));
            }
            let topics_bytes = read(&mut c, tp, tl)?;
            let topics = Vec::<Hash>::decode(&mut topics_bytes.as_slice())
                .map_err(|_| supervisor(ContractError::DecodingFailed))?;
            if topics.len() > schedule.event_topics as usize {
                return Err(supervisor(ContractError::TooManyTopics));
            }
            let topics_len = topics.len() as u64;
            charge_cost(&mut c, RuntimeCosts::DepositEvent { topics: topics_len })?;
            let data = read(&mut c, dp, dl)?;
            let emitter = c.data().frame.address;
            c.data_mut().stack()?.events.push(Event {
                emitter,
                topics,
                data,
            });
            Ok(())
        },
    )?;
    def(
        linker,
        0,
        "debug_message",
        |mut c: Ctx<'_>, ptr: u32, len: u32| {
            // As pallet-contracts: the length is capped at the buffer's bound; without a
            // debug buffer (any transaction) the answer is LoggingDisabled and the message
            // is not read; text that is not UTF-8 is dropped.
            let len = len.min(MAX_DEBUG_BUFFER);
            charge_host_call(&mut c)?;
            if c.data_mut().stack()?.debug.is_none() {
                return Ok(ReturnCode::LoggingDisabled as u32);
            }
            let message = read(&mut c, ptr, len)?;
            if let (Ok(text), Some(buffer)) = (
                std::str::from_utf8(&message),
                c.data_mut().stack()?.debug.as_mut(),
            ) {
                let room = (MAX_DEBUG_BUFFER as usize).saturating_sub(buffer.len());
                if text.len() <= room {
                    buffer.push_str(text);
                }
            }
            Ok(ReturnCode::Success as u32)
        },
    )?;
    Ok(())
}
