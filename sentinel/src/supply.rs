//! Supply-chain checks: deterministic rules first, then a diversion score per order.
//!
//! Rules (each is certain given the trail, so it needs no model): a verification
//! request for a serial never commissioned (a counterfeit identifier); a serial
//! presented for verification, to a partner connected to the package, after it left
//! the supply chain (dispensed or decommissioned) or while another partner holds it
//! (a clone); a shipment received faster than goods can travel; a receipt by someone
//! other than the addressee (the DSCSA contract refuses this, so on a Carechain chain
//! it can only come from a faulty or foreign trail).
//!
//! Only a requester the contract says is connected to the package (it owns or holds
//! it, owned or held it before, or is the recipient or carrier of its shipment) is a
//! witness against the package's holder. A partner that never held or ordered the
//! product knows its serial only from a label, and its requests, however many (the
//! contract rate-limits them per requester), are no evidence of a clone: otherwise a
//! competitor could have a genuine holder's serial flagged at will. A serial never
//! commissioned has no holder to frame, so anyone's request for one is reported.
//!
//! Orders (a shipment to a buyer, counted in packages) are scored for diversion on
//! the signals US DEA rules name for suspicious orders: unusual size, frequency and
//! pattern, each against the buyer's own history and against its peers.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::events::{AccountId, Action, Event, PackageKey, Timestamp};
use crate::features::{reason, DAY, HOUR};

/// The fastest a shipment between two partners can be received, by default. A dev
/// chain that plays days of trade in seconds sets it to 0 ([`SupplyMonitor::new`]).
pub const MIN_TRANSIT: Timestamp = HOUR;

/// How many features an order has.
pub const ORDER_FEATURES: usize = 4;
/// The order features' names.
pub const ORDER_FEATURE_NAMES: [&str; ORDER_FEATURES] = [
    "size_vs_own_ln",
    "size_vs_peers_ln",
    "orders_7d_vs_own_ln",
    "gap_hours_ln",
];

/// A rule finding on one serial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialFinding {
    /// The DSCSA contract.
    pub contract: AccountId,
    /// The package key.
    pub package: PackageKey,
    /// GTIN and serial, when the trail names them (verification requests do).
    pub identifier: Option<([u8; 14], String)>,
    /// Who presented or received it.
    pub party: AccountId,
    /// When.
    pub at: Timestamp,
    /// Block.
    pub block: u64,
    /// Reason codes (supply-chain bits of [`reason`]).
    pub reasons: u32,
    /// In plain words.
    pub words: String,
}

/// An order (one shipment to one buyer) and its features.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// The DSCSA contract.
    pub contract: AccountId,
    /// Seller.
    pub seller: AccountId,
    /// Buyer.
    pub buyer: AccountId,
    /// Block and transaction of the shipment.
    pub place: (u64, u32),
    /// When.
    pub at: Timestamp,
    /// Packages shipped.
    pub packages: usize,
    /// Some of the packages (for flagging: a shipped serial key).
    pub first_package: PackageKey,
    /// The features.
    pub values: [f64; ORDER_FEATURES],
    /// The buyer's usual order size (median), for words.
    pub usual_size: f64,
    /// Orders by the buyer in the last 7 days, this one included.
    pub orders_7d: usize,
    /// The buyer's usual orders per 7 days.
    pub usual_7d: f64,
}

impl Order {
    /// Reasons in plain words.
    pub fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if self.values[0] >= 0.9 {
            words.push(format!(
                "an order of {} packages, {:.0} times this buyer's usual {:.0}",
                self.packages,
                (self.packages as f64 / self.usual_size.max(1.0)),
                self.usual_size
            ));
        }
        if self.values[1] >= 0.9 {
            words.push("far larger than its peers' orders".into());
        }
        if self.values[2] >= 0.7 {
            words.push(format!(
                "{} orders in 7 days against a usual {:.1}",
                self.orders_7d, self.usual_7d
            ));
        }
        words
    }
}

/// A shipment under way, as the trail tells it.
#[derive(Clone, Copy, Debug)]
struct InTransit {
    to: AccountId,
    carrier: Option<AccountId>,
    at: Timestamp,
}

/// Why a package is out of the supply chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Retired {
    Dispensed,
    Decommissioned,
}

#[derive(Clone, Debug, Default)]
struct PackageTrail {
    owner: Option<AccountId>,
    shipped: Option<InTransit>,
    retired: Option<Retired>,
}

#[derive(Clone, Debug, Default)]
struct BuyerHistory {
    sizes: VecDeque<usize>,
    times: VecDeque<Timestamp>,
    first: Option<Timestamp>,
    count: usize,
}

/// Follows DSCSA events in chain order.
#[derive(Clone, Debug)]
pub struct SupplyMonitor {
    min_transit: Timestamp,
    packages: BTreeMap<(AccountId, PackageKey), PackageTrail>,
    buyers: BTreeMap<(AccountId, AccountId), BuyerHistory>,
    /// Recent order sizes of every buyer (peers), last 200.
    peer_sizes: VecDeque<usize>,
    open_order: Option<Order>,
    reported: BTreeSet<(AccountId, PackageKey, u32, AccountId)>,
}

fn median(values: impl Iterator<Item = usize>) -> Option<f64> {
    let mut v: Vec<usize> = values.collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2] as f64)
}

/// What one event produced.
#[derive(Clone, Debug, Default)]
pub struct SupplyOutput {
    /// Rule findings.
    pub findings: Vec<SerialFinding>,
    /// Orders completed (the previous shipment, once the next transaction starts).
    pub orders: Vec<Order>,
}

impl Default for SupplyMonitor {
    fn default() -> Self {
        SupplyMonitor::new(MIN_TRANSIT)
    }
}

impl SupplyMonitor {
    /// A monitor for which a receipt sooner than `min_transit` after the shipment is
    /// impossible.
    pub fn new(min_transit: Timestamp) -> Self {
        SupplyMonitor {
            min_transit,
            packages: BTreeMap::new(),
            buyers: BTreeMap::new(),
            peer_sizes: VecDeque::new(),
            open_order: None,
            reported: BTreeSet::new(),
        }
    }

    /// Takes in one DSCSA event.
    pub fn observe(
        &mut self,
        contract: &AccountId,
        block: u64,
        tx_index: u32,
        at: Timestamp,
        event: &Event,
    ) -> SupplyOutput {
        let mut out = SupplyOutput::default();
        if self
            .open_order
            .as_ref()
            .is_some_and(|o| o.place != (block, tx_index) || o.contract != *contract)
        {
            out.orders.extend(self.close_order());
        }
        match event {
            Event::Package {
                package,
                actor,
                action,
            } => self.package_event(
                contract, block, tx_index, at, package, actor, action, &mut out,
            ),
            Event::VerificationRequested {
                package,
                requester,
                gtin,
                serial,
                requester_connected,
                ..
            } => {
                let trail = self.packages.get(&(*contract, *package));
                let identifier = Some((*gtin, serial.clone()));
                let finding = |reasons: u32, words: String| SerialFinding {
                    contract: *contract,
                    package: *package,
                    identifier: identifier.clone(),
                    party: *requester,
                    at,
                    block,
                    reasons,
                    words,
                };
                let shown = String::from_utf8_lossy(gtin).into_owned();
                match trail {
                    None => out.findings.push(finding(
                        reason::NEVER_COMMISSIONED,
                        format!("serial {serial} of GTIN {shown} was never commissioned: a counterfeit identifier"),
                    )),
                    // A stranger to the package is no witness against its holder.
                    Some(_) if !requester_connected => {}
                    Some(t) if t.retired.is_some() => {
                        let left = match t.retired {
                            Some(Retired::Decommissioned) => "decommissioned",
                            _ => "dispensed",
                        };
                        out.findings.push(finding(
                            reason::CLONED_SERIAL,
                            format!("serial {serial} presented for verification to a partner that held it, after it was {left}: a clone"),
                        ))
                    }
                    Some(t)
                        if t.owner != Some(*requester)
                            && t.shipped.is_none_or(|s| {
                                s.to != *requester && s.carrier != Some(*requester)
                            }) =>
                    {
                        out.findings.push(finding(
                            reason::CLONED_SERIAL,
                            format!("serial {serial} presented to a former holder while another partner holds it (it neither owns it nor is it shipped to it): a clone"),
                        ))
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
        out.findings.retain(|f| {
            self.reported
                .insert((f.contract, f.package, f.reasons, f.party))
        });
        out
    }

    /// Completes the shipment under way (call at the end of the events).
    pub fn finish(&mut self) -> Vec<Order> {
        self.close_order().into_iter().collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn package_event(
        &mut self,
        contract: &AccountId,
        block: u64,
        tx_index: u32,
        at: Timestamp,
        package: &PackageKey,
        actor: &AccountId,
        action: &Action,
        out: &mut SupplyOutput,
    ) {
        let trail = self.packages.entry((*contract, *package)).or_default();
        match action {
            Action::Commissioned | Action::CommissionedFrom(_) => trail.owner = Some(*actor),
            Action::Shipped(shipment) => {
                trail.shipped = Some(InTransit {
                    to: shipment.to.0,
                    carrier: shipment.carrier.map(|c| c.0),
                    at,
                });
                let order = self.open_order.get_or_insert(Order {
                    contract: *contract,
                    seller: *actor,
                    buyer: shipment.to.0,
                    place: (block, tx_index),
                    at,
                    packages: 0,
                    first_package: *package,
                    values: [0.0; ORDER_FEATURES],
                    usual_size: 0.0,
                    orders_7d: 0,
                    usual_7d: 0.0,
                });
                order.packages += 1;
            }
            Action::Received | Action::ReturnReceived => {
                if let Some(InTransit {
                    to, at: shipped_at, ..
                }) = trail.shipped.take()
                {
                    let finding = |reasons, words| SerialFinding {
                        contract: *contract,
                        package: *package,
                        identifier: None,
                        party: *actor,
                        at,
                        block,
                        reasons,
                        words,
                    };
                    if to != *actor {
                        out.findings.push(finding(
                            reason::WRONG_RECEIVER,
                            "received by a partner other than the one it was shipped to".into(),
                        ));
                    }
                    if at.saturating_sub(shipped_at) < self.min_transit {
                        out.findings.push(finding(
                            reason::IMPOSSIBLE_TRANSIT,
                            format!(
                                "received {} minutes after it was shipped, faster than possible",
                                at.saturating_sub(shipped_at) / 60_000
                            ),
                        ));
                    }
                }
                trail.owner = Some(*actor);
            }
            Action::ShipmentVoided => trail.shipped = None,
            Action::Dispensed => trail.retired = Some(Retired::Dispensed),
            Action::Decommissioned(_) | Action::Repackaged(_) => {
                trail.retired = Some(Retired::Decommissioned);
            }
            _ => {}
        }
    }

    fn close_order(&mut self) -> Option<Order> {
        let mut order = self.open_order.take()?;
        let history = self
            .buyers
            .entry((order.contract, order.buyer))
            .or_default();
        while history
            .times
            .front()
            .is_some_and(|t| t.saturating_add(7 * DAY) <= order.at)
        {
            history.times.pop_front();
        }
        let own = median(history.sizes.iter().copied());
        let peers = median(self.peer_sizes.iter().copied());
        let size = order.packages as f64;
        let ratio = |usual: Option<f64>| usual.map_or(0.0, |u| ((1.0 + size) / (1.0 + u)).ln());
        let weeks = history.first.map_or(1.0, |first| {
            (order.at.saturating_sub(first) as f64 / (7 * DAY) as f64).max(1.0)
        });
        let usual_7d = if history.count == 0 {
            1.0
        } else {
            history.count as f64 / weeks
        };
        let orders_7d = history.times.len() + 1;
        let gap_hours = history.times.back().map_or(24.0 * 30.0, |t| {
            order.at.saturating_sub(*t) as f64 / HOUR as f64
        });
        order.values = [
            ratio(own),
            ratio(peers),
            ((orders_7d as f64) / usual_7d.max(1.0)).ln(),
            gap_hours.ln_1p(),
        ];
        order.usual_size = own.unwrap_or(size);
        order.orders_7d = orders_7d;
        order.usual_7d = usual_7d;
        history.sizes.push_back(order.packages);
        if history.sizes.len() > 52 {
            history.sizes.pop_front();
        }
        history.times.push_back(order.at);
        history.first.get_or_insert(order.at);
        history.count += 1;
        self.peer_sizes.push_back(order.packages);
        if self.peer_sizes.len() > 200 {
            self.peer_sizes.pop_front();
        }
        Some(order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Shipment, VerificationContext};

    const DSCSA: AccountId = [1; 32];
    const MAKER: AccountId = [2; 32];
    const PHARMACY: AccountId = [3; 32];
    const OTHER: AccountId = [4; 32];

    fn pkg(
        m: &mut SupplyMonitor,
        key: u8,
        actor: AccountId,
        action: Action,
        at: u64,
        tx: u32,
    ) -> SupplyOutput {
        m.observe(
            &DSCSA,
            1,
            tx,
            at,
            &Event::Package {
                package: [key; 32],
                actor,
                action,
            },
        )
    }

    /// A verification request by `who`, connected to the package or not (the
    /// contract says which).
    fn request(
        m: &mut SupplyMonitor,
        key: u8,
        who: AccountId,
        connected: bool,
        at: u64,
    ) -> SupplyOutput {
        m.observe(
            &DSCSA,
            2,
            99,
            at,
            &Event::VerificationRequested {
                package: [key; 32],
                requester: who,
                gtin: *b"00312345678906",
                serial: format!("SN{key}"),
                verified: true,
                status: None,
                presenter: OTHER,
                context: VerificationContext::Suspect,
                requester_connected: connected,
            },
        )
    }

    fn verify(m: &mut SupplyMonitor, key: u8, who: AccountId, at: u64) -> SupplyOutput {
        request(m, key, who, true, at)
    }

    fn ship(to: AccountId) -> Action {
        Action::Shipped(Shipment {
            to: to.into(),
            carrier: None,
            transaction_information: [7; 32],
        })
    }

    #[test]
    fn counterfeits_clones_and_impossible_transit_are_found() {
        let mut m = SupplyMonitor::default();
        // A serial never commissioned has no holder to frame: anyone's request counts.
        assert_eq!(
            request(&mut m, 9, OTHER, false, 0).findings[0].reasons,
            reason::NEVER_COMMISSIONED
        );
        pkg(&mut m, 1, MAKER, Action::Commissioned, 0, 0);
        pkg(&mut m, 1, MAKER, ship(PHARMACY), 0, 1);
        // The addressee may verify what is shipped to it.
        assert!(verify(&mut m, 1, PHARMACY, 10).findings.is_empty());
        let received = pkg(&mut m, 1, PHARMACY, Action::Received, 5 * 60_000, 2);
        assert_eq!(received.findings[0].reasons, reason::IMPOSSIBLE_TRANSIT);
        // The manufacturer held it before: a copy presented to it while the
        // pharmacy owns the package is a clone.
        let copy = verify(&mut m, 1, MAKER, HOUR);
        assert_eq!(copy.findings[0].reasons, reason::CLONED_SERIAL);
        assert!(copy.findings[0].words.contains("former holder"));
        pkg(&mut m, 1, PHARMACY, Action::Dispensed, DAY, 3);
        let after = verify(&mut m, 1, PHARMACY, 2 * DAY);
        assert_eq!(after.findings[0].reasons, reason::CLONED_SERIAL);
        assert!(after.findings[0].words.contains("after it was dispensed"));
        // A second receipt by another party than the addressee.
        pkg(&mut m, 2, MAKER, Action::Commissioned, 0, 4);
        pkg(&mut m, 2, MAKER, ship(PHARMACY), 0, 5);
        let wrong = pkg(&mut m, 2, OTHER, Action::Received, DAY, 6);
        assert_eq!(wrong.findings[0].reasons, reason::WRONG_RECEIVER);
    }

    #[test]
    fn repeated_requests_by_an_unconnected_requester_do_not_flag_the_holder() {
        let mut m = SupplyMonitor::default();
        pkg(&mut m, 1, MAKER, Action::Commissioned, 0, 0);
        pkg(&mut m, 1, MAKER, ship(PHARMACY), 0, 1);
        pkg(&mut m, 1, PHARMACY, Action::Received, DAY, 2);
        // A competitor that never held or ordered the package asks, again and
        // again (as often as the contract's rate limit lets it), in every context.
        for i in 0..40u64 {
            let out = request(&mut m, 1, OTHER, false, DAY + i * HOUR);
            assert!(out.findings.is_empty(), "request {i}: {:?}", out.findings);
        }
        // Not even once the package is dispensed: there is nothing to witness.
        pkg(&mut m, 1, PHARMACY, Action::Dispensed, 3 * DAY, 3);
        assert!(request(&mut m, 1, OTHER, false, 4 * DAY)
            .findings
            .is_empty());
        // A partner that held it is a witness: presented to the manufacturer now,
        // it is a copy.
        assert_eq!(verify(&mut m, 1, MAKER, 4 * DAY).findings.len(), 1);
    }

    #[test]
    fn a_voided_shipment_and_a_carrier_are_no_clone() {
        let mut m = SupplyMonitor::default();
        const CARRIER: AccountId = [5; 32];
        pkg(&mut m, 1, MAKER, Action::Commissioned, 0, 0);
        let carried = Action::Shipped(Shipment {
            to: PHARMACY.into(),
            carrier: Some(CARRIER.into()),
            transaction_information: [7; 32],
        });
        pkg(&mut m, 1, MAKER, carried, 0, 1);
        assert!(verify(&mut m, 1, CARRIER, 10).findings.is_empty());
        pkg(&mut m, 1, MAKER, Action::ShipmentVoided, 20, 2);
        // Back with its owner, who may verify it; the would-be recipient is no
        // longer connected (the contract says so) and its request is no witness.
        assert!(verify(&mut m, 1, MAKER, 30).findings.is_empty());
        assert!(request(&mut m, 1, PHARMACY, false, 40).findings.is_empty());
        // The carrier held it: presented to it now, it is a copy.
        assert_eq!(
            verify(&mut m, 1, CARRIER, 50).findings[0].reasons,
            reason::CLONED_SERIAL
        );
    }

    #[test]
    fn an_order_far_larger_than_the_buyers_usual_stands_out() {
        let mut m = SupplyMonitor::default();
        let mut orders = Vec::new();
        for week in 0..8u32 {
            let n = if week == 7 { 60 } else { 10 };
            let at = u64::from(week) * 7 * DAY;
            for k in 0..n {
                orders.extend(pkg(&mut m, k as u8, MAKER, ship(PHARMACY), at, week).orders);
            }
        }
        orders.extend(m.finish());
        assert_eq!(orders.len(), 8);
        let last = &orders[7];
        assert_eq!((last.packages, last.usual_size), (60, 10.0));
        assert!(last.values[0] > 1.5 && orders[6].values[0].abs() < 1e-9);
        assert!(last.words()[0].starts_with("an order of 60 packages, 6 times"));
    }
}
