//! A region's supply chain: a manufacturer, a wholesaler and pharmacies with their own
//! order cadence, and the cloned and counterfeit serials and diverted orders injected
//! into it.
//!
//! Every random choice is drawn from the generator's one stream in a fixed order, so
//! the phases below run in the order [`Generator::region`] calls them.

use rand::seq::SliceRandom;
use rand::Rng;

use super::ids::{company_prefix, gln, gtin, sscc};
use super::{Action, Generator, PartnerRole, RegionParties, SupplyKind, MINUTE};
use crate::events::{Timestamp, VerificationContext};
use crate::features::{DAY, HOUR};

/// A package at a pharmacy: (pharmacy index, GTIN, serial, lot).
type Package = (usize, String, String, String);

/// A region's trading partners and products.
struct Region {
    /// Region index.
    r: usize,
    /// The DSCSA contract's operator.
    operator: String,
    /// The manufacturer.
    maker: String,
    /// The wholesaler.
    wholesaler: String,
    /// The pharmacies.
    pharmacies: Vec<String>,
    /// The manufacturer's GS1 company prefix.
    prefix: String,
    /// Its products' GTINs.
    gtins: Vec<String>,
    /// Every package's expiry.
    expiry: Timestamp,
}

/// What the orders made so far left behind.
#[derive(Default)]
struct Stock {
    /// The next package serial number.
    next_serial: u64,
    /// The next container serial reference.
    next_sscc: u64,
    /// Packages pharmacies dispensed.
    dispensed: Vec<Package>,
    /// Packages pharmacies still hold.
    held: Vec<Package>,
}

/// One order: a container of `size` packages of one product, from the manufacturer
/// through the wholesaler to a pharmacy.
struct Order<'a> {
    /// The pharmacy's index.
    pi: usize,
    /// The pharmacy.
    pharmacy: &'a str,
    /// The day it is placed.
    day: u64,
    /// Packages in it.
    size: u64,
    /// Ground truth for the order.
    label: Option<SupplyKind>,
}

impl Generator {
    /// Generates region `r`: its partners and prefix, then the pharmacies' orders,
    /// then the abnormal verifications.
    pub(super) fn region(&mut self, r: usize) -> RegionParties {
        let name = format!("r{r}");
        let prefix = company_prefix(r);
        let region = Region {
            r,
            operator: format!("{name}/operator"),
            maker: format!("{name}/manufacturer"),
            wholesaler: format!("{name}/wholesaler"),
            pharmacies: (0..self.config.pharmacies)
                .map(|i| format!("{name}/pharmacy{i}"))
                .collect(),
            gtins: (0..3).map(|g| gtin(&prefix, 45 + g)).collect(),
            prefix,
            expiry: self.config.start + 400 * DAY,
        };
        self.partners(&region);
        let mut stock = Stock::default();
        for (pi, pharmacy) in region.pharmacies.iter().enumerate() {
            self.orders_of(&region, pi, pharmacy, &mut stock);
        }
        self.clones_and_counterfeits(&region, &stock);
        RegionParties {
            name,
            operator: region.operator,
        }
    }

    /// The operator registers the partners and assigns the manufacturer its prefix.
    fn partners(&mut self, region: &Region) {
        let r = region.r;
        let start = self.config.start;
        let parties = [
            (region.maker.clone(), PartnerRole::Manufacturer),
            (region.wholesaler.clone(), PartnerRole::Wholesaler),
        ]
        .into_iter()
        .chain(
            region
                .pharmacies
                .iter()
                .map(|p| (p.clone(), PartnerRole::Pharmacy)),
        );
        for (i, (partner, role)) in parties.enumerate() {
            self.push(
                start,
                &region.operator,
                Action::AddPartner {
                    region: r,
                    partner,
                    role,
                    gln: gln(r, i),
                },
            );
        }
        // The manufacturer's GS1 company prefix (7 digits, none a prefix of another
        // region's): its GTIN-14s are an indicator digit, the prefix, a 5-digit item
        // reference and the check digit; its SSCC-18s an extension digit, the prefix,
        // a 9-digit serial reference and the check digit.
        self.push(
            start,
            &region.operator,
            Action::AddPrefix {
                region: r,
                partner: region.maker.clone(),
                prefix: region.prefix.clone(),
            },
        );
    }

    /// A pharmacy's orders: its usual size every few days, and, for half of them, a
    /// stretch of orders far larger (diverted) in the second half.
    fn orders_of(&mut self, region: &Region, pi: usize, pharmacy: &str, stock: &mut Stock) {
        let days = self.config.days;
        let usual: u64 = self.rng.gen_range(4..=12);
        let cadence: u64 = self.rng.gen_range(2..=4);
        let diverted_day = if self.rng.gen_bool(0.5) {
            Some(self.rng.gen_range(days / 2..days))
        } else {
            None
        };
        let mut day = self.rng.gen_range(0..cadence);
        while day < days {
            let diverted = diverted_day.is_some_and(|d| day >= d && day < d + cadence);
            let size = if diverted {
                usual * self.rng.gen_range(5..=8)
            } else {
                (usual as i64 + self.rng.gen_range(-2..=2)).max(1) as u64
            };
            let order = Order {
                pi,
                pharmacy,
                day,
                size,
                label: diverted.then_some(SupplyKind::DivertedOrder),
            };
            self.order(region, &order, stock);
            day += cadence;
        }
    }

    /// The manufacturer commissions and packs the order, it is shipped through the
    /// wholesaler, and the pharmacy verifies, dispenses or holds its packages.
    fn order(&mut self, region: &Region, order: &Order<'_>, stock: &mut Stock) {
        let r = region.r;
        let t = self.config.start
            + DAY
            + order.day * DAY
            + self.rng.gen_range(8 * 60..16 * 60) * MINUTE;
        let gtin = region.gtins[self.rng.gen_range(0..region.gtins.len())].clone();
        let lot = format!("L{r}W{}", order.day / 7);
        let mut items = Vec::new();
        for _ in 0..order.size {
            let serial = format!("R{r}S{}", stock.next_serial);
            stock.next_serial += 1;
            self.push(
                t,
                &region.maker,
                Action::Commission {
                    region: r,
                    gtin: gtin.clone(),
                    serial: serial.clone(),
                    lot: lot.clone(),
                    expiry: region.expiry,
                },
            );
            items.push((gtin.clone(), serial));
        }
        let sscc = sscc(&region.prefix, stock.next_sscc);
        stock.next_sscc += 1;
        self.push(
            t + MINUTE,
            &region.maker,
            Action::Pack {
                region: r,
                sscc: sscc.clone(),
                items: items.clone(),
            },
        );
        self.ship(region, order, t, sscc);
        self.shelve(region, order, t, &lot, &items, stock);
    }

    /// Container `sscc`, packed at `t`, goes from the manufacturer to the wholesaler
    /// and on to the pharmacy, which unpacks it.
    fn ship(&mut self, region: &Region, order: &Order<'_>, t: Timestamp, sscc: String) {
        let r = region.r;
        self.push(
            t + 2 * MINUTE,
            &region.maker,
            Action::Ship {
                region: r,
                sscc: sscc.clone(),
                to: region.wholesaler.clone(),
                label: order.label,
            },
        );
        self.push(
            t + 6 * HOUR,
            &region.wholesaler,
            Action::Receive {
                region: r,
                sscc: sscc.clone(),
            },
        );
        self.push(
            t + 7 * HOUR,
            &region.wholesaler,
            Action::Ship {
                region: r,
                sscc: sscc.clone(),
                to: order.pharmacy.to_string(),
                label: order.label,
            },
        );
        self.push(
            t + 20 * HOUR,
            order.pharmacy,
            Action::Receive {
                region: r,
                sscc: sscc.clone(),
            },
        );
        self.push(
            t + 20 * HOUR + MINUTE,
            order.pharmacy,
            Action::Unpack { region: r, sscc },
        );
    }

    /// The pharmacy verifies the first two packages, dispenses every other one over
    /// the next two days and holds the rest.
    fn shelve(
        &mut self,
        region: &Region,
        order: &Order<'_>,
        t: Timestamp,
        lot: &str,
        items: &[(String, String)],
        stock: &mut Stock,
    ) {
        let r = region.r;
        for (k, (gtin, serial)) in items.iter().enumerate() {
            if k < 2 {
                self.push(
                    t + 21 * HOUR,
                    order.pharmacy,
                    Action::Verify {
                        region: r,
                        gtin: gtin.clone(),
                        serial: serial.clone(),
                        lot: lot.to_string(),
                        expiry: region.expiry,
                        presenter: region.wholesaler.clone(),
                        context: VerificationContext::Dispensing,
                        label: None,
                    },
                );
            }
            let package = (order.pi, gtin.clone(), serial.clone(), lot.to_string());
            if k % 2 == 0 {
                let at = t + DAY + self.rng.gen_range(0..2 * 24 * 60) * MINUTE;
                self.push(
                    at,
                    order.pharmacy,
                    Action::Dispense {
                        region: r,
                        gtin: gtin.clone(),
                        serial: serial.clone(),
                    },
                );
                stock.dispensed.push(package);
            } else {
                stock.held.push(package);
            }
        }
    }

    /// Clones are caught by partners that held the package: the wholesaler is
    /// offered a copy of a serial some pharmacy holds, as a return from another
    /// pharmacy; a pharmacy is presented a copy of a serial it has dispensed.
    /// Counterfeits: a serial that was never commissioned. And a competitor's
    /// requests for a serial another pharmacy holds (it never held or ordered it):
    /// no evidence against the holder, so nothing the sentinel may report.
    fn clones_and_counterfeits(&mut self, region: &Region, stock: &Stock) {
        let end = self.config.start + (self.config.days + 3) * DAY;
        for e in 0..self.config.episodes.max(2) {
            let at = end + e as u64 * HOUR;
            if let Some(package) = stock.held.choose(&mut self.rng).cloned() {
                self.cloned_return(region, e, at, package);
            }
            if let Some(package) = stock.dispensed.choose(&mut self.rng).cloned() {
                self.cloned_dispensed(region, at + MINUTE, package);
            }
            self.counterfeit(region, e, at + 2 * MINUTE);
        }
    }

    /// The wholesaler is offered a copy of a serial `owner` holds, as a return from
    /// another pharmacy, which then asks about it again and again (unconnected to it).
    fn cloned_return(&mut self, region: &Region, e: usize, at: Timestamp, package: Package) {
        let r = region.r;
        let pharmacies = &region.pharmacies;
        let (owner, gtin, serial, lot) = package;
        let others = pharmacies.len().saturating_sub(1).max(1);
        let other = &pharmacies[(owner + 1 + e % others) % pharmacies.len()];
        self.push(
            at,
            &region.wholesaler,
            Action::Verify {
                region: r,
                gtin: gtin.clone(),
                serial: serial.clone(),
                lot: lot.clone(),
                expiry: region.expiry,
                presenter: other.clone(),
                context: VerificationContext::SaleableReturn,
                label: Some(SupplyKind::ClonedSerial),
            },
        );
        for i in 0..5u64 {
            self.push(
                at + (10 + 3 * i) * MINUTE,
                other,
                Action::Verify {
                    region: r,
                    gtin: gtin.clone(),
                    serial: serial.clone(),
                    lot: lot.clone(),
                    expiry: region.expiry,
                    presenter: pharmacies[owner].clone(),
                    context: VerificationContext::Suspect,
                    label: None,
                },
            );
        }
    }

    /// The pharmacy that dispensed a package is presented a copy of it.
    fn cloned_dispensed(&mut self, region: &Region, at: Timestamp, package: Package) {
        let (dispenser, gtin, serial, lot) = package;
        self.push(
            at,
            &region.pharmacies[dispenser],
            Action::Verify {
                region: region.r,
                gtin,
                serial,
                lot,
                expiry: region.expiry,
                presenter: region.wholesaler.clone(),
                context: VerificationContext::Dispensing,
                label: Some(SupplyKind::ClonedSerial),
            },
        );
    }

    /// A pharmacy is presented a serial that was never commissioned.
    fn counterfeit(&mut self, region: &Region, e: usize, at: Timestamp) {
        let r = region.r;
        let who = region.pharmacies[(e + 2) % region.pharmacies.len()].clone();
        let gtin = region.gtins[e % region.gtins.len()].clone();
        self.push(
            at,
            &who,
            Action::Verify {
                region: r,
                gtin,
                serial: format!("FAKE{r}X{e}"),
                lot: "L0W0".into(),
                expiry: region.expiry,
                presenter: region.wholesaler.clone(),
                context: VerificationContext::Suspect,
                label: Some(SupplyKind::CounterfeitSerial),
            },
        );
    }
}
