//! The contract call stack, engine-independent: pallet-contracts' `exec.rs` rules
//! (resolving the callee, the address and instantiation nonce, existential deposit
//! and value transfer, per-frame checkpoint and rollback, the contract's record,
//! call depth and reentrancy) in [`run_frame`] and [`CallStack`]. An [`Engine`] only
//! loads code and runs one frame's export; nested calls come back here from its host
//! functions, so a second engine reuses every rule.

mod ext;
mod frame;
mod stack;
mod trace;

pub use ext::{ExtError, FrameExt, MAX_DELEGATE_DEPENDENCIES};
pub use frame::{
    run_frame, EngineRun, Entry, Frame, FrameError, FrameKind, FrameOutcome, FrameRequest, FrameRun,
};
pub use stack::{CallStack, StackEntry};
pub use trace::{Trace, TraceFrame, TraceKind, TraceResult};

use crate::deposit::{DepositMeter, StorageDeposit};
use crate::dispatch_error::DispatchError;
#[cfg(doc)]
use crate::executive::ContractVm;
use crate::executive::{ContractCall, ExecContext, ExecOutcome};
use crate::gas::{GasMeter, Weight};
use crate::primitives::{AccountId, Balance, CodeHash};
use crate::schedule::ChainConfig;
use crate::state::StateAccess;

/// What runs contract code: compiles or fetches it, and runs one frame's export.
pub trait Engine {
    /// Code ready to run.
    type Code;

    /// The code of `code_hash`, ready to run, and its length in bytes (what loading
    /// it is charged by).
    ///
    /// # Errors
    /// `CodeNotFound`, a rejection, or `StateUnreadable`.
    fn load(
        &self,
        code_hash: CodeHash,
        state: &dyn StateAccess,
        config: &ChainConfig,
    ) -> Result<(Self::Code, usize), DispatchError>;

    /// Runs `run.entry` of `code` with at most `run.fuel`. The frame is already on
    /// `stack` with its gas meter; at every host function call the engine syncs the
    /// fuel it burnt into that meter ([`crate::GasMeter::sync_from_executor`]) and
    /// takes back what the host charged ([`crate::GasMeter::sync_to_executor`]), as
    /// pallet-contracts does with wasmi. Host functions may push nested frames through
    /// [`FrameExt::run_nested`] and must leave `stack` and `state`'s checkpoints as
    /// they found them.
    fn run(
        &self,
        stack: &mut CallStack,
        state: &mut dyn StateAccess,
        code: &Self::Code,
        run: FrameRun,
    ) -> EngineRun;
}

/// Runs one top-level call on `engine`: the whole of [`ContractVm::execute`] for any
/// engine (the stack of the call, its first frame, the storage deposits it makes, the
/// events of frames that were not rolled back, the debug buffer of a dry run).
pub fn execute<E: Engine + ?Sized>(
    engine: &E,
    ctx: &ExecContext<'_>,
    state: &mut dyn StateAccess,
    origin: &AccountId,
    gas_limit: Weight,
    deposit_limit: Option<Balance>,
    call: ContractCall<'_>,
) -> ExecOutcome {
    let mut stack = CallStack {
        config: ctx.config.clone(),
        block_number: ctx.block_number,
        timestamp: ctx.timestamp,
        origin: *origin,
        frames: Vec::new(),
        events: Vec::new(),
        debug: ctx.debug.then(String::new),
        trace: ctx.trace.then(Trace::default),
    };
    let (kind, value, input) = match call {
        ContractCall::Instantiate {
            code_hash,
            value,
            data,
            salt,
        } => (
            FrameKind::Instantiate {
                code_hash,
                deployer: *origin,
                salt,
            },
            value,
            data,
        ),
        ContractCall::Call { dest, value, data } => (FrameKind::Call { dest }, value, data),
    };
    let mut meter = GasMeter::new(gas_limit);
    let refused = |meter: &GasMeter, error: DispatchError| ExecOutcome {
        result: Err(error),
        gas_consumed: meter.gas_consumed(),
        gas_required: meter.gas_required(),
        storage_deposit: StorageDeposit::default(),
        events: Vec::new(),
        debug_message: String::new(),
        trace: Vec::new(),
    };
    let mut deposits = match DepositMeter::root(&*state, origin, deposit_limit, value, ctx.config) {
        Ok(d) => d,
        Err(e) => {
            if let FrameKind::Instantiate { code_hash, .. } = &kind {
                // pallet-contracts loads the code before it meters deposits.
                if let Err(e) = charge_code_load(engine, state, ctx.config, &mut meter, *code_hash)
                {
                    return refused(&meter, e);
                }
            }
            return refused(&meter, e.into_dispatch());
        }
    };
    let request = FrameRequest {
        kind,
        caller: *origin,
        value,
        input: input.to_vec(),
        gas: Weight::ZERO,
        deposit_limit: 0,
    };
    let out = run_frame(
        engine,
        &mut stack,
        state,
        &mut meter,
        &mut deposits,
        request,
    );
    let mut result = out.result.map_err(|e| e.error);
    let storage_deposit = match deposits.settle(state, origin, ctx.config) {
        Ok(total) if result.is_ok() => total,
        Ok(_) => StorageDeposit::default(),
        Err(e) => {
            result = Err(e.into_dispatch());
            StorageDeposit::default()
        }
    };
    let kept = matches!(&result, Ok(ret) if !ret.reverted);
    ExecOutcome {
        result,
        gas_consumed: meter.gas_consumed(),
        gas_required: meter.gas_required(),
        storage_deposit,
        events: if kept { stack.events } else { Vec::new() },
        debug_message: stack.debug.unwrap_or_default(),
        trace: stack.trace.map(Trace::into_frames).unwrap_or_default(),
    }
}

/// Loads `code_hash` only to charge its load, as an instantiation refused for its
/// deposit limit is charged on pallet-contracts.
fn charge_code_load<E: Engine + ?Sized>(
    engine: &E,
    state: &dyn StateAccess,
    config: &ChainConfig,
    meter: &mut GasMeter,
    code_hash: CodeHash,
) -> Result<(), DispatchError> {
    let (_, len) = engine.load(code_hash, state, config)?;
    let cost = config.schedule.costs.dispatch.code_load(len as u64);
    meter
        .charge(cost)
        .map(|_| ())
        .map_err(|_| crate::dispatch_error::ContractError::OutOfGas.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::code_hash;
    use crate::dispatch_error::ContractError;
    use crate::executive::ExecReturn;
    use crate::gas::Weight;
    use crate::genesis::Genesis;
    use crate::primitives::AccountId;
    use crate::primitives::Hash;
    use crate::state::{code_key, ContractInfo, StateDb, StateExt};
    use crate::store::MemoryStore;
    use crate::Chain;
    use parity_scale_codec::Encode;

    /// An engine whose "code" is one byte: 0 returns, 1 reverts, 2 traps; every run
    /// writes one storage key first and burns 10 fuel.
    struct Toy;

    impl Engine for Toy {
        type Code = u8;

        fn load(
            &self,
            code_hash: CodeHash,
            state: &dyn StateAccess,
            _config: &ChainConfig,
        ) -> Result<(u8, usize), DispatchError> {
            match state.get(&code_key(&code_hash)) {
                Ok(Some(code)) => Ok((code.first().copied().unwrap_or(0), code.len())),
                Ok(None) => Err(ContractError::CodeNotFound.into()),
                Err(_) => Err(DispatchError::StateUnreadable),
            }
        }

        fn run(
            &self,
            _stack: &mut CallStack,
            state: &mut dyn StateAccess,
            code: &u8,
            run: FrameRun,
        ) -> EngineRun {
            state.set(b"written".to_vec(), run.frame.address.0.to_vec());
            let result = match code {
                0 => Ok(ExecReturn::default()),
                1 => Ok(ExecReturn {
                    reverted: true,
                    ..ExecReturn::default()
                }),
                _ => Err(ContractError::ContractTrapped.into()),
            };
            EngineRun {
                result,
                fuel_consumed: run.fuel.min(10),
            }
        }
    }

    fn instantiate(behaviour: u8, value: u128) -> (FrameOutcome, Vec<u8>, u128, Weight) {
        let genesis = Genesis::dev().expect("genesis");
        let chain = Chain::open(MemoryStore::default(), &genesis).expect("chain");
        let mut state = StateDb::new(chain.store(), chain.head().state_root);
        let code = vec![behaviour];
        let hash = code_hash(&code);
        state.set(code_key(&hash), code);
        let origin = genesis.endowed[0].0;
        let info = crate::state::CodeInfo {
            owner: origin,
            deposit: 0,
            refcount: 0,
        };
        state.set(crate::state::code_info_key(&hash), info.encode());
        let mut stack = CallStack {
            config: chain.config().clone(),
            origin,
            ..CallStack::default()
        };
        let before = state.account(&origin).expect("origin").balance;
        let mut meter = GasMeter::new(Weight::new(1_000_000_000, 100_000));
        let config = chain.config().clone();
        let mut deposits =
            DepositMeter::root(&state, &origin, None, value, &config).unwrap_or_default();
        let out = run_frame(
            &Toy,
            &mut stack,
            &mut state,
            &mut meter,
            &mut deposits,
            FrameRequest {
                kind: FrameKind::Instantiate {
                    code_hash: hash,
                    deployer: origin,
                    salt: &[],
                },
                caller: origin,
                value,
                input: Vec::new(),
                gas: Weight::ZERO,
                deposit_limit: 0,
            },
        );
        deposits
            .settle(&mut state, &origin, &config)
            .expect("settled");
        let consumed = meter.gas_consumed();
        let written = state.get(b"written").expect("read").unwrap_or_default();
        let after = state.account(&origin).expect("origin").balance;
        (out, written, before - after, consumed)
    }

    #[test]
    fn a_constructor_that_returns_creates_the_contract_and_moves_its_deposit_and_value() {
        let config = crate::ChainConfig::default();
        let (out, written, paid, consumed) = instantiate(0, 5);
        let ret = out.result.expect("instantiated");
        let address: AccountId = ret.instantiated.expect("an address");
        assert_eq!(written, address.0.to_vec());
        let info = ContractInfo::new(Hash([0; 32]), address, Hash([0; 32]));
        let base = crate::deposit::base_deposit(&info, &config);
        assert_eq!(
            paid,
            base + 5,
            "the base deposit (with the ED) and the value"
        );
        let schedule = crate::Schedule::default();
        let load = schedule.costs.dispatch.code_load_per_byte;
        assert_eq!(
            consumed,
            Weight::new(10 * schedule.vm.ref_time_per_fuel, 0).saturating_add(load),
            "the code load (one byte) and the fuel at its price"
        );
    }

    #[test]
    fn a_revert_or_a_trap_rolls_back_the_frame_with_its_transfers() {
        for behaviour in [1, 2] {
            let (out, written, paid, _) = instantiate(behaviour, 5);
            assert!(
                written.is_empty(),
                "behaviour {behaviour}: writes rolled back"
            );
            assert_eq!(paid, 0, "behaviour {behaviour}: transfers rolled back");
            match (behaviour, out.result) {
                (1, Ok(ret)) => assert!(ret.reverted && ret.instantiated.is_none()),
                (2, Err(e)) => assert!(e.in_callee),
                (_, other) => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn value_the_origin_cannot_pay_fails_before_the_code_runs() {
        // As on pallet-contracts: the default deposit limit is what the origin has
        // left after the value, nothing here, so the base deposit fails first.
        let (out, written, paid, _) = instantiate(0, u128::MAX / 2);
        let err = out.result.expect_err("cannot pay");
        assert_eq!(
            err.error,
            ContractError::StorageDepositLimitExhausted.into()
        );
        assert!(!err.in_callee);
        assert!(written.is_empty());
        assert_eq!(paid, 0);
    }
}
