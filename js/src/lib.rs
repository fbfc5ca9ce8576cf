//! Carechain for browsers and Node.js: the runtime's own proof verification, header
//! hashing, SS58, sr25519 signing and SCALE encoding, compiled to
//! `wasm32-unknown-unknown` and exported with `wasm-bindgen`, so a pharmacy portal or
//! a patient app verifies what a server tells it instead of trusting it, and signs
//! with a key that never leaves the device. Nothing here is a second implementation:
//! each function calls `carechain-runtime`.
//!
//! Inputs: bytes as `0x` hex or `Uint8Array`, integers as numbers, `BigInt`s or
//! decimal strings, accounts as SS58 or hex. Outputs: `0x` hex strings, `BigInt` for
//! 64- and 128-bit values. Bad input throws an `Error` naming the problem.

mod convert;

use carechain_runtime::{
    verify_encoded_proof, verify_header_chain, AccountId, Call, Header, ProofError, Receipt,
    Signature, Transaction, Weight,
};
use convert::{
    account, big, bytes, field, hash, hex, optional, signed_big, u128_of, u64_of, ObjectBuilder,
};
use js_sys::Array;
use parity_scale_codec::{DecodeAll, Encode};
use wasm_bindgen::prelude::*;

/// Whether `proof` (SCALE bytes, as the RPC and `carechain proof` give it) shows that
/// under `stateRoot` the key `key` holds `value`, or is absent when `value` is null.
/// A tampered root, key, value or proof node gives `false`; bytes that are not a
/// proof at all throw.
#[wasm_bindgen(js_name = verifyProof)]
pub fn verify_proof(
    state_root: JsValue,
    key: JsValue,
    value: JsValue,
    proof: JsValue,
) -> Result<bool, JsError> {
    let root = hash(&state_root, "stateRoot")?;
    let key = bytes(&key, "key")?;
    let value = if value.is_null() || value.is_undefined() {
        None
    } else {
        Some(bytes(&value, "value")?)
    };
    let proof = bytes(&proof, "proof")?;
    match verify_encoded_proof(&root, &key, value.as_deref(), &proof) {
        Ok(()) => Ok(true),
        Err(e @ ProofError::Malformed(_)) => Err(JsError::new(&e.to_string())),
        Err(_) => Ok(false),
    }
}

fn header_of(v: &JsValue, what: &str) -> Result<Header, JsError> {
    let get =
        |name: &str| field(v, name).map_err(|_| JsError::new(&format!("{what}: missing `{name}`")));
    let name = |n: &str| format!("{what}.{n}");
    Ok(Header {
        parent_hash: hash(&get("parentHash")?, &name("parentHash"))?,
        number: u64_of(&get("number")?, &name("number"))?,
        timestamp: u64_of(&get("timestamp")?, &name("timestamp"))?,
        state_root: hash(&get("stateRoot")?, &name("stateRoot"))?,
        extrinsics_root: hash(&get("extrinsicsRoot")?, &name("extrinsicsRoot"))?,
        receipts_root: hash(&get("receiptsRoot")?, &name("receiptsRoot"))?,
    })
}

/// The hash of a header (`{parentHash, number, timestamp, stateRoot, extrinsicsRoot,
/// receiptsRoot}`, as the RPC gives it): SHA-256 of its SCALE encoding.
#[wasm_bindgen(js_name = headerHash)]
pub fn header_hash(header: JsValue) -> Result<String, JsError> {
    Ok(hex(&header_of(&header, "header")?.hash().0))
}

/// Checks a list of headers, oldest first: each one's `hash` (when given) is its
/// real hash, each links to the one before by parent hash and number. Returns the
/// index of the first header that breaks the chain, or `undefined` if none does.
#[wasm_bindgen(js_name = verifyHeaderChain)]
pub fn verify_header_chain_js(headers: Array) -> Result<Option<u32>, JsError> {
    let mut parsed = Vec::with_capacity(headers.length() as usize);
    for (i, h) in headers.iter().enumerate() {
        let what = format!("headers[{i}]");
        let header = header_of(&h, &what)?;
        if let Some(claimed) = optional(&h, "hash") {
            if hash(&claimed, &format!("{what}.hash"))? != header.hash() {
                return Ok(Some(u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        parsed.push(header);
    }
    Ok(verify_header_chain(&parsed)
        .err()
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX)))
}

/// Checks a proof as `carechain proof --output json` or the `carechain_proof` RPC
/// method gives it: the header hashes to `header.hash` (and to `trustedBlockHash`,
/// if given), and the proof leads from its state root to `stateKey` and `value`.
/// Returns `{verified, reason?, blockNumber, blockHash, stateRoot, present}`.
#[wasm_bindgen(js_name = verifyProofView)]
pub fn verify_proof_view(view: JsValue, trusted_block_hash: JsValue) -> Result<JsValue, JsError> {
    let header_value = field(&view, "header")?;
    let header = header_of(&header_value, "header")?;
    let computed = header.hash();
    let claimed = hash(&field(&header_value, "hash")?, "header.hash")?;
    let state_key = bytes(&field(&view, "stateKey")?, "stateKey")?;
    let value = optional(&view, "value")
        .map(|v| bytes(&v, "value"))
        .transpose()?;
    let proof = bytes(&field(&view, "proof")?, "proof")?;
    let trusted = if trusted_block_hash.is_undefined() || trusted_block_hash.is_null() {
        None
    } else {
        Some(hash(&trusted_block_hash, "trustedBlockHash")?)
    };
    let reason = if computed != claimed {
        Some(format!(
            "the header hashes to {}, not {}",
            hex(&computed.0),
            hex(&claimed.0)
        ))
    } else if trusted.is_some_and(|t| t != computed) {
        Some("the proof is for another block than the trusted one".to_string())
    } else {
        match verify_encoded_proof(&header.state_root, &state_key, value.as_deref(), &proof) {
            Ok(()) => None,
            Err(e @ ProofError::Malformed(_)) => return Err(JsError::new(&e.to_string())),
            Err(e) => Some(e.to_string()),
        }
    };
    let mut out = ObjectBuilder::new()
        .set("verified", reason.is_none())
        .set("blockNumber", big(u128::from(header.number)))
        .set("blockHash", hex(&computed.0))
        .set("stateRoot", hex(&header.state_root.0))
        .set("present", value.is_some());
    if let Some(r) = reason {
        out = out.set("reason", r);
    }
    Ok(out.build())
}

/// The SS58 address (prefix 42) of a 32-byte public key.
#[wasm_bindgen(js_name = ss58Encode)]
pub fn ss58_encode(public_key: JsValue) -> Result<String, JsError> {
    Ok(AccountId(hash(&public_key, "publicKey")?.0).to_ss58())
}

/// The public key (hex) of an SS58 address; throws on a bad checksum or prefix.
#[wasm_bindgen(js_name = ss58Decode)]
pub fn ss58_decode(address: String) -> Result<String, JsError> {
    AccountId::from_ss58(&address)
        .map(|a| hex(&a.0))
        .map_err(|e| JsError::new(&format!("{address}: {e}")))
}

/// An sr25519 key pair. The secret stays inside the WASM instance; JavaScript only
/// sees the public key and signatures.
#[wasm_bindgen]
pub struct Keypair {
    inner: carechain_runtime::Keypair,
}

#[wasm_bindgen]
impl Keypair {
    /// From a secret URI: a dev URI (`//Alice`), a mnemonic with optional
    /// derivation path, or a `0x` seed, derived exactly as Substrate does; sr25519,
    /// or the scheme it names first (`ecdsa://Alice`, `ed25519:...`).
    #[wasm_bindgen(js_name = fromUri)]
    pub fn from_uri(uri: &str) -> Result<Keypair, JsError> {
        carechain_runtime::Keypair::from_suri(uri)
            .map(|inner| Keypair { inner })
            .map_err(|e| JsError::new(&format!("secret URI: {e}")))
    }

    /// The public key, hex (33 bytes for ecdsa).
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        hex(&self.inner.public_key())
    }

    /// The SS58 address.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.inner.account_id().to_ss58()
    }

    /// Signs `message` under the chain's signing context; the signature, hex.
    pub fn sign(&self, message: JsValue) -> Result<String, JsError> {
        Ok(hex(self
            .inner
            .sign(&bytes(&message, "message")?)
            .as_bytes()))
    }
}

/// Whether `signature` is `signer`'s sr25519 signature of `message` under the
/// chain's signing context.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    signer: JsValue,
    message: JsValue,
    signature: JsValue,
) -> Result<bool, JsError> {
    let signer = account(&signer, "signer")?;
    let message = bytes(&message, "message")?;
    let sig: [u8; 64] = bytes(&signature, "signature")?
        .try_into()
        .map_err(|_| JsError::new("signature: not 64 bytes"))?;
    Ok(carechain_runtime::verify(
        &signer,
        &message,
        &Signature::Sr25519(sig),
    ))
}

fn call_of(v: &JsValue) -> Result<Call, JsError> {
    let kind = field(v, "kind")?
        .as_string()
        .ok_or_else(|| JsError::new("call.kind: expected a string"))?;
    let value = || -> Result<u128, JsError> {
        optional(v, "value").map_or(Ok(0), |x| u128_of(&x, "call.value"))
    };
    Ok(match kind.as_str() {
        "transfer" => Call::Transfer {
            dest: account(&field(v, "dest")?, "call.dest")?,
            value: value()?,
        },
        "call" => Call::Call {
            dest: account(&field(v, "dest")?, "call.dest")?,
            value: value()?,
            data: bytes(&field(v, "data")?, "call.data")?,
        },
        "instantiate" => Call::Instantiate {
            code_hash: hash(&field(v, "codeHash")?, "call.codeHash")?,
            value: value()?,
            data: bytes(&field(v, "data")?, "call.data")?,
            salt: optional(v, "salt").map_or(Ok(Vec::new()), |s| bytes(&s, "call.salt"))?,
        },
        "upload" => Call::UploadCode {
            code: bytes(&field(v, "code")?, "call.code")?,
        },
        "removeCode" => Call::RemoveCode {
            code_hash: hash(&field(v, "codeHash")?, "call.codeHash")?,
        },
        other => {
            return Err(JsError::new(&format!(
                "call.kind: `{other}` is not transfer, call, instantiate, upload or removeCode"
            )))
        }
    })
}

/// Builds, signs and SCALE-encodes a transaction from `{genesisHash, nonce,
/// gasLimit: {refTime, proofSize}, storageDepositLimit?, call: {kind, ...}}`. Returns
/// `{transaction, hash}`, hex: `transaction` is what `carechain_submit` takes.
#[wasm_bindgen(js_name = buildTransaction)]
pub fn build_transaction(signer: &Keypair, fields: JsValue) -> Result<JsValue, JsError> {
    let gas = field(&fields, "gasLimit")?;
    let transaction = Transaction {
        genesis_hash: hash(&field(&fields, "genesisHash")?, "genesisHash")?,
        signer: signer.inner.account_id(),
        nonce: u64_of(&field(&fields, "nonce")?, "nonce")?,
        gas_limit: Weight::new(
            u64_of(&field(&gas, "refTime")?, "gasLimit.refTime")?,
            u64_of(&field(&gas, "proofSize")?, "gasLimit.proofSize")?,
        ),
        storage_deposit_limit: optional(&fields, "storageDepositLimit")
            .map(|l| u128_of(&l, "storageDepositLimit"))
            .transpose()?,
        call: call_of(&field(&fields, "call")?)?,
    };
    let signed = transaction.sign(&signer.inner);
    Ok(ObjectBuilder::new()
        .set("transaction", hex(&signed.encode()))
        .set("hash", hex(&signed.hash().0))
        .build())
}

/// Decodes a SCALE-encoded receipt: `{txHash, outcome, error?, gasUsed: {refTime,
/// proofSize}, weight: {refTime, proofSize}, output, events: [{contract, topics,
/// data}], instantiated?, fee, storageDeposit}`. `gasUsed` is the contract's gas
/// (pallet-contracts' `gas_consumed`); `weight` is all the transaction took from its
/// block; `storageDeposit` is a BigInt, negative for a refund.
#[wasm_bindgen(js_name = decodeReceipt)]
pub fn decode_receipt(encoded: JsValue) -> Result<JsValue, JsError> {
    let raw = bytes(&encoded, "receipt")?;
    let r = Receipt::decode_all(&mut &raw[..])
        .map_err(|e| JsError::new(&format!("receipt: not a SCALE receipt ({e})")))?;
    let events = Array::new();
    for e in &r.events {
        let topics = Array::new();
        for t in &e.topics {
            topics.push(&JsValue::from(hex(&t.0)));
        }
        events.push(
            &ObjectBuilder::new()
                .set("contract", e.emitter.to_ss58())
                .set("topics", topics)
                .set("data", hex(&e.data))
                .build(),
        );
    }
    let (outcome, error) = (r.outcome.word(), r.outcome.failure());
    let weight = |w: Weight| {
        ObjectBuilder::new()
            .set("refTime", big(u128::from(w.ref_time)))
            .set("proofSize", big(u128::from(w.proof_size)))
            .build()
    };
    let mut out = ObjectBuilder::new()
        .set("txHash", hex(&r.tx_hash.0))
        .set("outcome", outcome)
        .set("gasUsed", weight(r.gas_used))
        .set("weight", weight(r.weight))
        .set("fee", big(r.fee))
        .set("storageDeposit", signed_big(r.storage_deposit.signed()))
        .set("output", hex(&r.output))
        .set("events", events);
    if let Some(e) = error {
        out = out.set("error", e);
    }
    if let Some(a) = r.instantiated {
        out = out.set("instantiated", a.to_ss58());
    }
    Ok(out.build())
}

/// The SHA-256 content hash the EHR contract registers for a record: of the bytes
/// of a `Uint8Array`, or of the UTF-8 bytes of a string (the document's text, not hex).
#[wasm_bindgen(js_name = contentHash)]
pub fn content_hash(content: JsValue) -> Result<String, JsError> {
    let data = if let Some(text) = content.as_string() {
        text.into_bytes()
    } else {
        bytes(&content, "content")?
    };
    Ok(hex(&carechain_runtime::sha256(&data).0))
}
