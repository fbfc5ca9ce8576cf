//! Events and debug messages.

use carechain_runtime::{Event, Hash, Weight};
use parity_scale_codec::Decode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::vm::host_state::HostState;
use crate::vm::memory::{charge, read, supervisor, Ctx};

/// Registers `deposit_event` and `debug_message`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "deposit_event",
        |mut c: Ctx<'_>, tp: u32, tl: u32, dp: u32, dl: u32| {
            let schedule = c.data().schedule.clone();
            if dl > schedule.payload_len {
                return Err(supervisor("ValueTooLarge"));
            }
            let topics_bytes = read(&mut c, tp, tl)?;
            let topics = Vec::<Hash>::decode(&mut topics_bytes.as_slice())
                .map_err(|_| supervisor("DecodingFailed"))?;
            if topics.len() > schedule.event_topics as usize {
                return Err(supervisor("TooManyTopics"));
            }
            let per_topic = schedule.event_per_topic.saturating_mul(topics.len() as u64);
            charge(&mut c, schedule.event.saturating_add(per_topic))?;
            let data = read(&mut c, dp, dl)?;
            let emitter = c.data().frame.address;
            c.data_mut().events.push(Event {
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
        |mut c: Ctx<'_>, _ptr: u32, _len: u32| {
            // Outside a dry run there is no debug buffer: pallet-contracts answers
            // LoggingDisabled without reading the message.
            let cost = c.data().schedule.host_call;
            charge(&mut c, cost.saturating_add(Weight::ZERO))?;
            Ok(ReturnCode::LoggingDisabled as u32)
        },
    )?;
    Ok(())
}
