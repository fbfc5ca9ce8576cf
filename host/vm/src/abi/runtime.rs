//! Reaching outside the contract world: chain extensions (through the embedder's
//! registry), and the runtime-call, XCM and fee functions, which Carechain answers
//! as a pallet-contracts chain without those facilities does.

use carechain_runtime::{ContractError, DispatchError, RuntimeCosts, Weight};
use parity_scale_codec::Encode;
use wasmtime::Linker;

use super::{def, ReturnCode};
use crate::engine::host_state::{HostState, TrapReason};
use crate::engine::memory::{charge, read, supervisor, write_output, Ctx};
use crate::extension::ExtensionEnv;

/// The fee of `ref_time`: ink_sandbox's `WeightPrice` converts one unit of ref_time
/// into one unit of balance, and so does Carechain.
fn fee(c: &mut Ctx<'_>, ref_time: u64, out: u32, out_len: u32) -> wasmtime::Result<()> {
    charge(c, RuntimeCosts::WeightToFee)?;
    write_output(c, out, out_len, &u128::from(ref_time).encode(), false, None)
}

/// Registers `call_chain_extension`, `call_runtime`, `xcm_*` and `weight_to_fee`.
pub(crate) fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    def(
        linker,
        0,
        "call_chain_extension",
        |mut c: Ctx<'_>, id: u32, input: u32, input_len: u32, out: u32, out_len: u32| {
            // The extension prices its own work, as pallet-contracts' do.
            let (ext_id, func_id) = ((id >> 16) as u16, (id & 0xffff) as u16);
            let Some(extension) = c.data().core.extensions.get(ext_id).cloned() else {
                tracing::debug!(ext_id, "call to an unregistered chain extension");
                return Err(supervisor(ContractError::NoChainExtension));
            };
            let input = read(&mut c, input, input_len)?;
            let frame = &c.data().frame;
            let env = ExtensionEnv {
                contract: frame.address,
                block_number: frame.block_number,
                timestamp: frame.timestamp,
            };
            let answer = extension.call(func_id, &input, &env).map_err(|message| {
                tracing::debug!(ext_id, func_id, %message, "chain extension failed");
                wasmtime::Error::new(TrapReason::Failed(DispatchError::ChainExtensionFailed))
            })?;
            charge(&mut c, RuntimeCosts::Dispatched(answer.weight))?;
            write_output(&mut c, out, out_len, &answer.output, true, None)?;
            Ok(answer.ret_val)
        },
    )?;
    def(
        linker,
        0,
        "call_runtime",
        |mut c: Ctx<'_>, ptr: u32, len: u32| {
            // The call is read (a bad pointer traps, as on pallet-contracts; nothing at
            // all decodes as no call on any runtime), but no runtime call is
            // dispatchable from contracts on Carechain.
            charge(&mut c, RuntimeCosts::CopyFromContract(len))?;
            read(&mut c, ptr, len)?;
            if len == 0 {
                return Err(supervisor(ContractError::DecodingFailed));
            }
            Ok(ReturnCode::CallRuntimeFailed as u32)
        },
    )?;
    def(
        linker,
        0,
        "xcm_execute",
        |mut c: Ctx<'_>, ptr: u32, len: u32| {
            charge(&mut c, RuntimeCosts::CopyFromContract(len))?;
            read(&mut c, ptr, len)?;
            Ok(ReturnCode::XcmExecutionFailed as u32)
        },
    )?;
    def(
        linker,
        0,
        "xcm_send",
        |mut c: Ctx<'_>, _dest: u32, msg: u32, len: u32, _out: u32| {
            charge(&mut c, RuntimeCosts::CopyFromContract(len))?;
            read(&mut c, msg, len)?;
            Ok(ReturnCode::XcmSendFailed as u32)
        },
    )?;
    def(
        linker,
        0,
        "weight_to_fee",
        |mut c: Ctx<'_>, gas: u64, out: u32, out_len: u32| fee(&mut c, gas, out, out_len),
    )?;
    def(
        linker,
        1,
        "weight_to_fee",
        |mut c: Ctx<'_>, ref_time: u64, _proof_size: u64, out: u32, out_len: u32| {
            fee(&mut c, Weight::new(ref_time, 0).ref_time, out, out_len)
        },
    )?;
    Ok(())
}
