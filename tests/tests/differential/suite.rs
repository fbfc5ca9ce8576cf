//! [`Suite`]: runs each step on both chains and collects every difference.

use crate::chains::{account32, Account, Backend, Carechain, Gas, Pallet, Step};

/// Runs every step on both chains, collecting differences rather than stopping at
/// the first, and the gas table.
pub(crate) struct Suite {
    pub(crate) carechain: Carechain,
    pub(crate) pallet: Pallet,
    pub(crate) mismatches: Vec<String>,
    /// Step name, what happened (on Carechain), both gas figures.
    pub(crate) gas: Vec<(String, String, Gas, Gas)>,
    /// Steps where Carechain is known to differ, with the reason; each must differ.
    pub(crate) known: Vec<(&'static str, &'static str)>,
}

impl Suite {
    pub(crate) fn new() -> Self {
        Suite {
            carechain: Carechain::new(),
            pallet: Pallet::new(),
            mismatches: Vec::new(),
            gas: Vec::new(),
            known: Vec::new(),
        }
    }

    pub(crate) fn compare(&mut self, name: &str, ours: (Step, Gas), theirs: (Step, Gas)) -> Step {
        self.compare_gas(name, &ours.1, &theirs.1);
        let known = self.known.iter().position(|(step, _)| *step == name);
        match (ours.0 == theirs.0, known) {
            (true, None) => {}
            (false, Some(i)) => {
                let (_, why) = self.known.remove(i);
                println!("known difference at `{name}` ({why}):\n    carechain: {:?}\n    pallet:    {:?}", ours.0, theirs.0);
            }
            (true, Some(_)) => self.mismatches.push(format!(
                "{name}: listed as a known difference but now agrees; drop it"
            )),
            (false, None) => self.mismatches.push(format!(
                "{name}:\n    carechain: {:?}\n    pallet:    {:?}",
                ours.0, theirs.0
            )),
        }
        self.gas
            .push((name.to_string(), summary(&ours.0), ours.1, theirs.1));
        ours.0
    }

    /// Gas consumed and required, both dimensions, must be the pallet's. Until the
    /// VM counts instructions as wasmi does, ref_time is only reported.
    fn compare_gas(&mut self, name: &str, ours: &Gas, theirs: &Gas) {
        let figures = [
            ("consumed", ours.consumed, theirs.consumed),
            ("required", ours.required, theirs.required),
        ];
        let bound = GAS_BOUNDS.iter().find(|(step, _, _)| *step == name);
        for (what, a, b) in figures {
            let ref_time_differs = match bound {
                // A stated bound instead of equality: the ratio must stay within it.
                Some((_, percent, _)) => {
                    let (a, b) = (a.ref_time as f64, b.ref_time as f64);
                    (a - b).abs() > b * f64::from(*percent) / 100.0
                }
                None => EXACT_REF_TIME && a.ref_time != b.ref_time,
            };
            if a.proof_size != b.proof_size || ref_time_differs {
                self.mismatches
                    .push(format!("{name}: gas {what} carechain {a:?}, pallet {b:?}"));
            }
        }
    }

    /// Uploads on both chains: the same code hash and deposit, and the uploader's
    /// balances after.
    pub(crate) fn upload(&mut self, code: &[u8]) -> Account {
        let ours = self.carechain.upload(code).expect("carechain upload");
        let theirs = self.pallet.upload(code).expect("pallet upload");
        assert_eq!(ours.0, theirs.0, "code hashes differ");
        if ours.1 != theirs.1 {
            self.mismatches.push(format!(
                "upload deposit: carechain {}, pallet {}",
                ours.1, theirs.1
            ));
        }
        self.balances_after("upload", &[]);
        ours.0
    }

    /// Prints the gas of every step side by side, then fails the test if any step
    /// differed or a listed known difference was never run.
    pub(crate) fn finish(mut self) {
        println!(
            "{:<56} {:<22} {:>14} {:>9} | {:>14} {:>9}",
            "step", "result", "carechain ref", "proof", "pallet ref", "proof"
        );
        for (name, result, ours, theirs) in &self.gas {
            println!(
                "{name:<56} {result:<22} {:>14} {:>9} | {:>14} {:>9}",
                ours.consumed.ref_time,
                ours.consumed.proof_size,
                theirs.consumed.ref_time,
                theirs.consumed.proof_size
            );
        }
        for (step, _) in &self.known {
            self.mismatches
                .push(format!("known difference `{step}` was never run"));
        }
        assert!(
            self.mismatches.is_empty(),
            "{} step(s) differ from pallet-contracts:\n{}",
            self.mismatches.len(),
            self.mismatches.join("\n")
        );
    }

    /// Uploads code either chain may refuse: the same verdict (code hash, or the
    /// error's name) and deposit on both; the hash when both accept it.
    pub(crate) fn upload_verdict(&mut self, name: &str, code: &[u8]) -> Option<Account> {
        let ours = self.carechain.upload(code);
        let theirs = self.pallet.upload(code);
        if ours != theirs {
            self.mismatches.push(format!(
                "upload {name}:\n    carechain: {ours:?}\n    pallet:    {theirs:?}"
            ));
        }
        self.balances_after(&format!("upload {name}"), &[]);
        ours.ok().map(|(hash, _)| hash)
    }

    /// Free and held balances of the signer and `accounts` must be equal after a step.
    fn balances_after(&mut self, name: &str, accounts: &[Account]) {
        let signer = *self.pallet.origin.as_ref();
        for who in std::iter::once(signer).chain(accounts.iter().copied()) {
            self.balance(&format!("{} after {name}", hex::encode(&who[..4])), who);
        }
    }

    pub(crate) fn instantiate(
        &mut self,
        name: &str,
        code: Account,
        value: u128,
        data: Vec<u8>,
        salt: &[u8],
    ) -> Option<Account> {
        let ours = self
            .carechain
            .instantiate(code, value, data.clone(), salt.to_vec());
        let theirs = self.pallet.instantiate(code, value, data, salt.to_vec());
        let address = self.compare(name, ours, theirs).address;
        self.balances_after(name, address.as_slice());
        address
    }

    pub(crate) fn call(&mut self, name: &str, dest: Account, value: u128, data: Vec<u8>) -> Step {
        let ours = self.carechain.call(dest, value, data.clone());
        let theirs = self.pallet.call(dest, value, data);
        let step = self.compare(name, ours, theirs);
        self.balances_after(name, &[dest]);
        step
    }

    /// The storage deposit limit of what follows on both chains.
    pub(crate) fn deposit_limit(&mut self, limit: Option<u128>) {
        self.carechain.deposit_limit = limit;
        self.pallet.deposit_limit = limit;
    }

    /// Removes code on both chains: the same result and refund, and balances after.
    pub(crate) fn remove_code(&mut self, name: &str, code: Account) {
        let ours = self.carechain.remove_code(code);
        let theirs = self.pallet.remove_code(code);
        if ours != theirs {
            self.mismatches.push(format!(
                "{name}:\n    carechain: {ours:?}\n    pallet:    {theirs:?}"
            ));
        }
        self.balances_after(name, &[]);
    }

    /// Signs what follows on both chains as dev account `name`.
    pub(crate) fn sign_as(&mut self, name: &'static str) {
        self.carechain.signer = name;
        self.pallet.origin = account32(name);
    }

    pub(crate) fn storage(&mut self, name: &str, contract: Account, key: &[u8]) {
        let ours = self.carechain.storage(contract, key);
        let theirs = self.pallet.storage(contract, key);
        if ours != theirs {
            self.mismatches.push(format!(
                "storage {name} key {}:\n    carechain: {ours:?}\n    pallet:    {theirs:?}",
                hex::encode(key)
            ));
        }
    }

    pub(crate) fn balance(&mut self, name: &str, who: Account) {
        let ours = self.carechain.balances(who);
        let theirs = self.pallet.balances(who);
        if ours != theirs {
            self.mismatches.push(format!(
                "balances (free, held) of {name}: carechain {ours:?}, pallet {theirs:?}"
            ));
        }
    }
}

/// Whether ref_time must equal the pallet's on every step.
const EXACT_REF_TIME: bool = true;

/// Steps whose ref_time may differ from the pallet's, by at most this many percent,
/// and why. Everything else, and proof_size everywhere, must be equal.
pub(crate) const GAS_BOUNDS: &[(&str, u32, &str)] = &[(
    "recurse 1M",
    15,
    "unbounded recursion stops at the stack limit, which Carechain sets with \
     wasm-instrument's stack-height counter and wasmi with its 1,024 frames and \
     value stack: the frames charged before the trap differ",
)];

/// Where Carechain deliberately differs from pallet-contracts, and why. The suite
/// checks these steps still differ, so the list cannot go stale.
pub(crate) const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// One line about a step's result: how it ended, output length, events.
fn summary(step: &Step) -> String {
    let how = match &step.result {
        Ok((false, data)) => format!("ok {}B", data.len()),
        Ok((true, data)) => format!("revert {}B", data.len()),
        Err(name) => name.clone(),
    };
    format!("{how} {}ev deposit {}", step.events.len(), step.deposit)
}
