//! The RPC edge: the node's answers, in runtime types, turned into the API's JSON
//! shapes. The server and the client's in-process mode both go through here, so a
//! node answers alike over a socket and in-process.

use carechain_node::{Node, NodeError};
use carechain_runtime::{Call, ContractCall, Hash, TxLocation};

use crate::storage::{StorageEntry, StorageRequest, StorageView};
use crate::types::{
    AccountView, Address, BlockId, BlockView, Bytes, ChainInfo, DryRunCall, DryRunRequest,
    DryRunView, EventFilter, EventView, HeaderView, ProofRequest, ProofView, ReceiptView,
    TransactionView, H256,
};

/// A node seen through the API.
pub(crate) struct Edge<'a>(pub(crate) &'a Node);

impl Edge<'_> {
    pub(crate) fn info(&self) -> ChainInfo {
        let info = self.0.info();
        ChainInfo {
            genesis_hash: H256(info.genesis_hash),
            head: HeaderView::from(&info.head),
            ss58_prefix: carechain_runtime::SS58_PREFIX,
            max_tx_gas: info.max_tx_gas.into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    pub(crate) fn submit(
        &self,
        tx: carechain_runtime::SignedTransaction,
    ) -> Result<ReceiptView, NodeError> {
        self.0.submit(tx).map(|i| receipt(&i))
    }

    pub(crate) fn submit_as(
        &self,
        tx: carechain_runtime::Transaction,
    ) -> Result<ReceiptView, NodeError> {
        self.0.dev_submit_as(tx).map(|i| receipt(&i))
    }

    pub(crate) fn submit_all(
        &self,
        txs: Vec<carechain_runtime::SignedTransaction>,
    ) -> Result<Vec<ReceiptView>, NodeError> {
        Ok(self.0.submit_all(txs)?.iter().map(receipt).collect())
    }

    pub(crate) fn dry_run(&self, request: &DryRunRequest) -> Result<DryRunView, NodeError> {
        if let DryRunCall::Instantiate {
            code_hash,
            value,
            data,
            salt,
            code: Some(code),
        } = &request.call
        {
            if carechain_runtime::code_hash(&code.0) != code_hash.0 {
                return Err(NodeError::BadRequest(format!(
                    "the code does not hash to {}",
                    code_hash.0
                )));
            }
            let dry = self.0.dry_run_with_code(
                &request.origin.0,
                request.gas_limit.map(Into::into),
                request.storage_deposit_limit,
                &code.0,
                (*value, &data.0, &salt.0),
            )?;
            return Ok(DryRunView::new(&dry));
        }
        let call = match &request.call {
            DryRunCall::Instantiate {
                code_hash,
                value,
                data,
                salt,
                ..
            } => ContractCall::Instantiate {
                code_hash: code_hash.0,
                value: *value,
                data: &data.0,
                salt: &salt.0,
            },
            DryRunCall::Call { dest, value, data } => ContractCall::Call {
                dest: dest.0,
                value: *value,
                data: &data.0,
            },
        };
        let gas_limit = request.gas_limit.map(Into::into);
        let dry = self.0.dry_run(
            &request.origin.0,
            gas_limit,
            request.storage_deposit_limit,
            call,
        )?;
        Ok(DryRunView::new(&dry))
    }

    pub(crate) fn block(&self, at: BlockId) -> Result<BlockView, NodeError> {
        let found = self.0.block(at.into())?;
        let hash = found.header.hash();
        let transactions = found
            .block
            .extrinsics
            .iter()
            .zip(&found.receipts)
            .enumerate()
            .map(|(i, (tx, r))| {
                let location = TxLocation {
                    block: found.header.number,
                    index: u32::try_from(i).unwrap_or(u32::MAX),
                };
                TransactionView {
                    signer: Address(tx.transaction.signer),
                    nonce: tx.transaction.nonce,
                    kind: call_kind(&tx.transaction.call).into(),
                    receipt: ReceiptView::new(hash, location, r),
                }
            })
            .collect();
        Ok(BlockView {
            header: HeaderView::from(&found.header),
            transactions,
        })
    }

    pub(crate) fn receipt(&self, tx_hash: &Hash) -> Result<Option<ReceiptView>, NodeError> {
        Ok(self.0.receipt(tx_hash)?.as_ref().map(receipt))
    }

    pub(crate) fn events(&self, filter: &EventFilter) -> Result<Vec<EventView>, NodeError> {
        Ok(self
            .0
            .events(&filter.query())?
            .iter()
            .map(|(at, e)| EventView::recorded(e, *at))
            .collect())
    }

    pub(crate) fn proof(&self, request: &ProofRequest) -> Result<ProofView, NodeError> {
        let at = request.at.unwrap_or(BlockId::Latest).into();
        let proven = self
            .0
            .proof(at, request.contract.map(|c| c.0), &request.key.0)?;
        Ok(ProofView {
            header: HeaderView::from(&proven.header),
            contract: request.contract,
            key: request.key.clone(),
            state_key: Bytes(proven.state_key),
            value: proven.value.map(Bytes),
            proof: Bytes(parity_scale_codec::Encode::encode(&proven.proof)),
        })
    }

    pub(crate) fn storage(&self, request: &StorageRequest) -> Result<StorageView, NodeError> {
        let at = request.at.unwrap_or(BlockId::Latest).into();
        let after = request.after.as_ref().map(|b| b.0.as_slice());
        let (header, page) = self
            .0
            .storage(at, &request.contract.0, after, request.limit)?;
        let entries = page.entries;
        Ok(StorageView {
            next: page.next.map(Bytes),
            header: HeaderView::from(&header),
            contract: request.contract,
            entries: entries
                .into_iter()
                .map(|(key, value)| StorageEntry {
                    key: Bytes(key),
                    value: Bytes(value),
                })
                .collect(),
        })
    }

    pub(crate) fn account(&self, who: &Address) -> Result<AccountView, NodeError> {
        let state = self.0.account(&who.0)?;
        Ok(AccountView {
            address: *who,
            public_key: H256(Hash(who.0 .0)),
            balance: state.info.balance,
            reserved: state.info.reserved,
            nonce: state.info.nonce,
            code_hash: state.code_hash.map(H256),
        })
    }
}

/// The view of an included receipt.
pub(crate) fn receipt(included: &carechain_node::Included) -> ReceiptView {
    ReceiptView::new(included.block_hash, included.location, &included.receipt)
}

/// The kind of a call, in one word.
fn call_kind(call: &Call) -> &'static str {
    match call {
        Call::UploadCode { .. } => "upload",
        Call::Instantiate { .. } => "instantiate",
        Call::Call { .. } => "call",
        Call::Transfer { .. } => "transfer",
        Call::RemoveCode { .. } => "removeCode",
    }
}
