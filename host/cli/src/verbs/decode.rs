//! Decoding what the chain returns with the metadata of the contract that produced
//! it, found by its code hash among the known bundles.

use std::collections::BTreeMap;
use std::rc::Rc;

use carechain_runtime::AccountId;
use serde::Serialize;

use super::BundleDirs;
use carechain_bundle::Bundle;
use carechain_rpc::Client;
use carechain_rpc::{Address, EventView};

/// Bundles by contract address, looked up once each.
pub(super) struct Decoder<'a> {
    client: &'a Client,
    dirs: &'a BundleDirs,
    known: BTreeMap<AccountId, Option<Rc<Bundle>>>,
}

/// An event with its decoded form, when the contract is known.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DecodedEvent {
    #[serde(flatten)]
    pub(super) event: EventView,
    /// The event as text (`Name { field: value, ... }`), or null if unknown.
    pub(super) decoded: Option<String>,
    /// The same as JSON (`{"Name": {"field": value}}`), or null if unknown.
    pub(super) value: Option<serde_json::Value>,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(client: &'a Client, dirs: &'a BundleDirs) -> Self {
        Decoder {
            client,
            dirs,
            known: BTreeMap::new(),
        }
    }

    /// Registers a bundle for an address (for example, one just instantiated).
    pub(super) fn insert(&mut self, address: AccountId, bundle: Rc<Bundle>) {
        self.known.insert(address, Some(bundle));
    }

    /// The bundle of the contract at `address`, if one with its code hash is known.
    pub(super) fn bundle(&mut self, address: AccountId) -> Option<Rc<Bundle>> {
        if let Some(found) = self.known.get(&address) {
            return found.clone();
        }
        let found = self
            .client
            .account(Address(address))
            .ok()
            .and_then(|a| a.code_hash)
            .and_then(|h| self.dirs.find(&h.0))
            .map(Rc::new);
        self.known.insert(address, found.clone());
        found
    }

    /// Decodes events whose contract is known.
    pub(super) fn events(&mut self, events: &[EventView]) -> Vec<DecodedEvent> {
        events
            .iter()
            .map(|e| {
                let value = e.topics.first().and_then(|topic| {
                    let bundle = self.bundle(e.contract.0)?;
                    bundle.decode_event(&topic.0, &e.data.0).ok()
                });
                DecodedEvent {
                    event: e.clone(),
                    decoded: value.as_ref().map(ToString::to_string),
                    value: value.as_ref().map(carechain_bundle::to_json),
                }
            })
            .collect()
    }
}

/// Prints decoded events for people.
pub(super) fn print_events(events: &[DecodedEvent]) {
    for e in events {
        let place = e
            .event
            .at
            .map(|p| format!("#{}.{}.{} ", p.block_number, p.tx_index, p.event_index))
            .unwrap_or_default();
        match &e.decoded {
            Some(text) => println!("  event {place}{text}"),
            None => println!(
                "  event {place}from {} topics {:?} data {}",
                e.event.contract.0,
                e.event.topics.iter().map(|t| t.0).collect::<Vec<_>>(),
                e.event.data
            ),
        }
    }
}
