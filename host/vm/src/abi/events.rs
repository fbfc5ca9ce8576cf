//! Events and debug messages.

use carechain_runtime::{ContractError, RuntimeCosts};
use carechain_runtime::{Event, Hash};
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::HostState;
use crate::engine::memory::{charge, read, read_as_unbounded, supervisor, Ctx};

/// The debug buffer's bound (pallet-contracts' `MaxDebugBufferLen` on its dev runtimes).
const MAX_DEBUG_BUFFER: u32 = 2 * 1024 * 1024;

/// Bytes of one topic.
const TOPIC_LEN: u32 = 32;

/// Registers `deposit_event` and `debug_message`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "deposit_event",
        |mut c: Ctx<'_>, tp: u32, tl: u32, dp: u32, dl: u32| {
            // As pallet-contracts: charged by the topics the length claims and the data
            // length before anything is read, so an absurd length runs out of gas.
            let num_topic = tl / TOPIC_LEN;
            charge(&mut c, RuntimeCosts::DepositEvent { num_topic, len: dl })?;
            let schedule = c.data().schedule.clone();
            if dl > schedule.payload_len {
                return Err(supervisor(ContractError::ValueTooLarge));
            }
            // No topics means memory is not read; otherwise exactly a `Vec<Hash>`.
            let topics: Vec<Hash> = match tl {
                0 => Vec::new(),
                _ => read_as_unbounded(&mut c, tp, tl)?,
            };
            if topics.len() > schedule.event_topics as usize {
                return Err(supervisor(ContractError::TooManyTopics));
            }
            let data = read(&mut c, dp, dl)?;
            let emitter = c.data().frame.address;
            c.data_mut().stack()?.emit(Event {
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
            // As pallet-contracts 31: the length is capped at the buffer's bound and
            // charged; without a debug buffer (any transaction) the message is not read;
            // text that is not UTF-8 is dropped; the answer is always Success.
            let len = len.min(MAX_DEBUG_BUFFER);
            charge(&mut c, RuntimeCosts::DebugMessage(len))?;
            if c.data_mut().stack()?.debug.is_none() {
                return Ok(ReturnCode::Success as u32);
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
