//! The three healthcare contracts on the dev chain: consent and EHR access (access
//! decided across contracts, revoked, break-glass), and a DSCSA package from its
//! manufacturer to a patient. Arguments are SCALE-encoded by hand here; the CLI will
//! encode them from the metadata with `contract-transcode`.

use carechain_host::{RedbStore, WasmtimeVm};
use carechain_runtime::{
    code_hash, contract_address, AccountId, Call, Chain, Keypair, Outcome, Receipt, Transaction,
};
use parity_scale_codec::{Decode, Encode};

use super::{selector, Error, CONTRACT_GAS};

/// Submits one transaction per block and reports it.
struct Driver<'a> {
    chain: &'a mut Chain<RedbStore>,
    vm: &'a WasmtimeVm,
}

impl Driver<'_> {
    fn submit(&mut self, who: &Keypair, call: Call) -> Result<Receipt, Error> {
        let nonce = self.chain.account(&who.account_id())?.nonce;
        let tx = Transaction {
            genesis_hash: self.chain.genesis_hash(),
            signer: who.account_id(),
            nonce,
            gas_limit: CONTRACT_GAS,
            call,
        }
        .sign(who);
        let ts = self.chain.head().timestamp + 6_000;
        let mut produced = self.chain.produce_block(vec![tx], ts, self.vm)?;
        if let Some(rejected) = produced.rejected.first() {
            return Err(format!("transaction rejected: {}", rejected.error).into());
        }
        Ok(produced.receipts.remove(0))
    }

    fn deploy(&mut self, who: &Keypair, name: &str, args: impl Encode) -> Result<AccountId, Error> {
        let code = std::fs::read(format!("target/ink/{name}/{name}.wasm"))?;
        let hash = code_hash(&code);
        self.submit(who, Call::UploadCode { code })?;
        let mut data = selector(name, "constructors", "new")?.to_vec();
        args.encode_to(&mut data);
        let address = contract_address(&who.account_id(), &hash, &data, &[]);
        let r = self.submit(
            who,
            Call::Instantiate {
                code_hash: hash,
                value: 0,
                data,
                salt: vec![],
            },
        )?;
        if r.outcome != Outcome::Success {
            return Err(format!("{name}: instantiation failed: {:?}", r.outcome).into());
        }
        println!("{name}: deployed at {address}");
        Ok(address)
    }

    /// Calls `message` and prints what came back; returns the raw output.
    fn call(
        &mut self,
        who: &Keypair,
        name: &str,
        at: AccountId,
        message: &str,
        args: impl Encode,
        note: &str,
    ) -> Result<Vec<u8>, Error> {
        let mut data = selector(name, "messages", message)?.to_vec();
        args.encode_to(&mut data);
        let r = self.submit(
            who,
            Call::Call {
                dest: at,
                value: 0,
                data,
            },
        )?;
        println!(
            "  {name}.{message:<22} {note:<44} -> {:?} 0x{} (ref_time {}, proof {}, {} event(s))",
            r.outcome,
            hex::encode(&r.output),
            r.gas_used.ref_time,
            r.gas_used.proof_size,
            r.events.len()
        );
        Ok(r.output)
    }
}

/// ink!'s `Ok(Ok(true))` for a `Result<bool, Error>` message.
const GRANTED: [u8; 3] = [0, 0, 1];

/// Deploys and exercises consent, ehr_access and dscsa.
pub(crate) fn run(chain: &mut Chain<RedbStore>, vm: &WasmtimeVm) -> Result<(), Error> {
    if !std::path::Path::new("target/ink/dscsa/dscsa.wasm").exists() {
        println!("healthcare: contracts not built (run ./scripts/build-contracts.sh)");
        return Ok(());
    }
    let [operator, doctor, patient, officer, pharmacy] =
        ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve"]
            .map(|u| Keypair::from_uri(u).expect("dev URI"));
    let mut d = Driver { chain, vm };

    // Consent and EHR access: TREAT = 0, ETREAT = 1; data class Labs = 2.
    let consent = d.deploy(&operator, "consent", ())?;
    let ehr = d.deploy(&operator, "ehr_access", (consent, officer.account_id()))?;
    d.call(
        &operator,
        "ehr_access",
        ehr,
        "add_provider",
        doctor.account_id(),
        "Bob is a physician",
    )?;
    let record = [7u8; 32];
    let content = carechain_runtime::sha256(b"HbA1c 6.1% (2026-11-20)").0;
    d.call(
        &doctor,
        "ehr_access",
        ehr,
        "register_record",
        (
            record,
            patient.account_id(),
            2u8,
            content,
            "fhir://example.org/Observation/a1c".to_string(),
        ),
        "Bob registers Charlie's lab result",
    )?;
    let ask = |d: &mut Driver<'_>, note: &str| {
        d.call(
            &doctor,
            "ehr_access",
            ehr,
            "request_access",
            (record, 0u8),
            note,
        )
    };
    let before = ask(&mut d, "Bob asks, no consent yet")?;
    d.call(
        &patient,
        "consent",
        consent,
        "record",
        (
            patient.account_id(),
            doctor.account_id(),
            0u8,
            vec![0u8],
            Vec::<u8>::new(),
            0u64,
            None::<u64>,
        ),
        "Charlie permits Bob treatment access",
    )?;
    let during = ask(&mut d, "Bob asks again (consent checked across)")?;
    d.call(
        &patient,
        "consent",
        consent,
        "revoke",
        0u64,
        "Charlie revokes",
    )?;
    let after = ask(&mut d, "Bob asks after the revocation")?;
    let glass = d.call(
        &doctor,
        "ehr_access",
        ehr,
        "break_glass",
        (
            record,
            "unconscious in the ED, diabetic history".to_string(),
        ),
        "Bob breaks the glass",
    )?;
    // Ok(Ok(entry)): two tag bytes, then the audit entry's id.
    let entry = <Result<Result<u64, u8>, u8>>::decode(&mut glass.as_slice())
        .ok()
        .and_then(|r| r.ok()?.ok())
        .ok_or("break-glass was not granted")?;
    d.call(
        &patient,
        "ehr_access",
        ehr,
        "review",
        (entry, true),
        "Charlie accepts the break-glass",
    )?;
    println!(
        "ehr: access granted before consent {}, with consent {}, after revocation {}",
        before == GRANTED,
        during == GRANTED,
        after == GRANTED
    );

    // DSCSA: Alice operates, Bob manufactures, Eve dispenses. Partner kinds:
    // Manufacturer 0, Dispenser 3.
    let dscsa = d.deploy(&operator, "dscsa", ())?;
    for (who, kind, gln, note) in [
        (
            &doctor,
            0u8,
            "0300012000006",
            "register Bob as a manufacturer",
        ),
        (
            &pharmacy,
            3u8,
            "0614141000012",
            "register Eve as a dispenser",
        ),
    ] {
        d.call(
            &operator,
            "dscsa",
            dscsa,
            "add_partner",
            (who.account_id(), kind, gln.to_string(), "NJ-1".to_string()),
            note,
        )?;
    }
    let (gtin, serial, lot, expiry) = ("00300012345671", "SN1001", "LOT42", 4_102_444_800_000u64);
    d.call(
        &doctor,
        "dscsa",
        dscsa,
        "commission",
        (gtin, serial, lot, expiry),
        "Bob commissions a package",
    )?;
    d.call(
        &doctor,
        "dscsa",
        dscsa,
        "commission",
        (gtin, serial, lot, expiry),
        "the same serial again",
    )?;
    // Target::Package is variant 0.
    let package = (0u8, gtin.to_string(), serial.to_string());
    d.call(
        &doctor,
        "dscsa",
        dscsa,
        "ship",
        (
            package.clone(),
            pharmacy.account_id(),
            None::<AccountId>,
            [9u8; 32],
            true,
        ),
        "Bob ships to Eve",
    )?;
    d.call(
        &pharmacy,
        "dscsa",
        dscsa,
        "receive",
        package,
        "Eve receives",
    )?;
    let verified = d.call(
        &officer,
        "dscsa",
        dscsa,
        "verify",
        (gtin, serial, lot, expiry),
        "verify (exists, matches, Active)",
    )?;
    d.call(
        &pharmacy,
        "dscsa",
        dscsa,
        "dispense",
        (gtin, serial),
        "Eve dispenses",
    )?;
    let final_status = d.call(
        &officer,
        "dscsa",
        dscsa,
        "verify",
        (gtin, serial, lot, expiry),
        "verify (Dispensed)",
    )?;
    println!(
        "dscsa: verified active before dispensing {}, dispensed after {}",
        verified == [0, 1, 1, 1, 0],
        final_status == [0, 1, 1, 1, 4]
    );
    Ok(())
}
