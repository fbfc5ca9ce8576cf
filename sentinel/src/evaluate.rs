//! How well the sentinel does, measured the way the published work measures it: ROC AUC
//! per kind of abnormal activity against the normal accesses, precision in the top 20
//! flags a privacy officer reviews each day, and the share of normal accesses the data
//! explains; beside two baselines scored on the same items in the same run (rules
//! only: off-hours or break-glass; explanations only: unexplained).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::generate::{AccessKind, SupplyKind};

/// One scored access of the test set.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredAccess {
    /// Hospital index.
    pub hospital: usize,
    /// Day index.
    pub day: u64,
    /// Ground truth.
    pub kind: Option<AccessKind>,
    /// Whether the data explains it.
    pub explained: bool,
    /// The sentinel's score.
    pub sentinel: f64,
    /// Rules only: off-hours or break-glass.
    pub rules: f64,
    /// Explanations only: unexplained.
    pub explanations: f64,
}

/// The three scorers compared.
pub const SCORERS: [&str; 3] = ["sentinel", "rules only", "explanations only"];

impl ScoredAccess {
    fn score(&self, scorer: usize) -> f64 {
        match scorer {
            0 => self.sentinel,
            1 => self.rules,
            _ => self.explanations,
        }
    }
}

/// ROC AUC of `positives` against `negatives` (Mann-Whitney; a tie counts half).
pub fn roc_auc(positives: &[f64], negatives: &[f64]) -> f64 {
    if positives.is_empty() || negatives.is_empty() {
        return f64::NAN;
    }
    let mut all: Vec<(f64, bool)> = positives
        .iter()
        .map(|s| (*s, true))
        .chain(negatives.iter().map(|s| (*s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Average ranks over ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let average_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += all[i..j].iter().filter(|x| x.1).count() as f64 * average_rank;
        i = j;
    }
    let p = positives.len() as f64;
    let n = negatives.len() as f64;
    (rank_sum - p * (p + 1.0) / 2.0) / (p * n)
}

/// Points of the ROC curve (false-positive rate, true-positive rate), one per
/// distinct score, from (0, 0) to (1, 1).
pub fn roc_curve(positives: &[f64], negatives: &[f64]) -> Vec<(f64, f64)> {
    curve(positives, negatives, |tp, fp, p, n| (fp / n, tp / p))
}

/// Points of the precision-recall curve (recall, precision), one per distinct score.
pub fn pr_curve(positives: &[f64], negatives: &[f64]) -> Vec<(f64, f64)> {
    curve(positives, negatives, |tp, fp, p, _| {
        (tp / p, if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 })
    })
}

fn curve(
    positives: &[f64],
    negatives: &[f64],
    point: impl Fn(f64, f64, f64, f64) -> (f64, f64),
) -> Vec<(f64, f64)> {
    let (p, n) = (positives.len() as f64, negatives.len() as f64);
    if p == 0.0 || n == 0.0 {
        return Vec::new();
    }
    let mut all: Vec<(f64, bool)> = positives
        .iter()
        .map(|s| (*s, true))
        .chain(negatives.iter().map(|s| (*s, false)))
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut points = vec![point(0.0, 0.0, p, n)];
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let score = all[i].0;
        while i < all.len() && all[i].0 == score {
            if all[i].1 {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        points.push(point(tp, fp, p, n));
    }
    points
}

/// Precision in the top `k` of each day, for the items `relevant` selects as
/// positives, over the days that have one: (mean hits / k, mean hits / min(k,
/// positives that day)). Ties keep the items' order (chronological), so a scorer
/// that gives many items the same score gets no help from the labels.
pub fn top_k_per_day(
    items: &[&ScoredAccess],
    scorer: usize,
    k: usize,
    relevant: impl Fn(&ScoredAccess) -> bool,
) -> (f64, f64) {
    let mut days: BTreeMap<(usize, u64), Vec<&ScoredAccess>> = BTreeMap::new();
    for item in items {
        days.entry((item.hospital, item.day))
            .or_default()
            .push(item);
    }
    let (mut precision, mut found, mut counted) = (0.0, 0.0, 0usize);
    for list in days.values_mut() {
        let positives = list.iter().filter(|i| relevant(i)).count();
        if positives == 0 {
            continue;
        }
        list.sort_by(|a, b| b.score(scorer).total_cmp(&a.score(scorer)));
        let hits = list.iter().take(k).filter(|i| relevant(i)).count() as f64;
        precision += hits / k as f64;
        found += hits / positives.min(k) as f64;
        counted += 1;
    }
    if counted == 0 {
        return (f64::NAN, f64::NAN);
    }
    (precision / counted as f64, found / counted as f64)
}

/// One kind's results.
#[derive(Clone, Debug, PartialEq)]
pub struct KindResult {
    /// The kind.
    pub kind: AccessKind,
    /// Whether the training data had none of it.
    pub held_out: bool,
    /// Labelled accesses of it in the test set.
    pub positives: usize,
    /// ROC AUC per scorer.
    pub auc: [f64; 3],
    /// Precision in the top 20 a day per scorer (hits / 20).
    pub precision_20: [f64; 3],
    /// Share of the day's positives found in the top 20 per scorer.
    pub found_20: [f64; 3],
}

/// Evaluates the test set per kind, with normal accesses as the negatives.
pub fn by_kind(items: &[ScoredAccess], held_out: &[AccessKind]) -> Vec<KindResult> {
    AccessKind::ALL
        .iter()
        .filter_map(|kind| {
            let selected: Vec<&ScoredAccess> = items
                .iter()
                .filter(|i| i.kind.is_none() || i.kind == Some(*kind))
                .collect();
            let positives = selected.iter().filter(|i| i.kind.is_some()).count();
            if positives == 0 {
                return None;
            }
            let mut result = KindResult {
                kind: *kind,
                held_out: held_out.contains(kind),
                positives,
                auc: [0.0; 3],
                precision_20: [0.0; 3],
                found_20: [0.0; 3],
            };
            for scorer in 0..3 {
                let pos: Vec<f64> = selected
                    .iter()
                    .filter(|i| i.kind.is_some())
                    .map(|i| i.score(scorer))
                    .collect();
                let neg: Vec<f64> = selected
                    .iter()
                    .filter(|i| i.kind.is_none())
                    .map(|i| i.score(scorer))
                    .collect();
                result.auc[scorer] = roc_auc(&pos, &neg);
                let (p, f) = top_k_per_day(&selected, scorer, 20, |i| i.kind.is_some());
                result.precision_20[scorer] = p;
                result.found_20[scorer] = f;
            }
            Some(result)
        })
        .collect()
}

/// The supply-chain results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SupplyResult {
    /// (kind, labelled cases, found by the rules).
    pub rules: Vec<(SupplyKind, usize, usize)>,
    /// Rule findings on unlabelled activity (false alarms).
    pub false_findings: usize,
    /// Orders in the test region, of which diverted.
    pub orders: (usize, usize),
    /// ROC AUC of the diversion score.
    pub diversion_auc: f64,
}

/// The whole evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    /// Per kind of EHR abnormal activity.
    pub kinds: Vec<KindResult>,
    /// All kinds together: AUC per scorer.
    pub overall_auc: [f64; 3],
    /// All kinds together: precision in the top 20 a day per scorer.
    pub overall_precision_20: [f64; 3],
    /// Normal test accesses, and the share of them the data explains.
    pub normal: (usize, f64),
    /// The supply chain.
    pub supply: SupplyResult,
    /// Whether the model had a supervised part.
    pub supervised: bool,
    /// Scoring throughput, events per second (features and model, no chain).
    pub events_per_second: f64,
    /// The model's flag threshold, and precision and recall at it on the test set.
    pub threshold: (f64, f64, f64),
}

impl Evaluation {
    /// Fills in the overall figures from the test items.
    pub fn overall(&mut self, items: &[ScoredAccess]) {
        let all: Vec<&ScoredAccess> = items.iter().collect();
        for scorer in 0..3 {
            let pos: Vec<f64> = items
                .iter()
                .filter(|i| i.kind.is_some())
                .map(|i| i.score(scorer))
                .collect();
            let neg: Vec<f64> = items
                .iter()
                .filter(|i| i.kind.is_none())
                .map(|i| i.score(scorer))
                .collect();
            self.overall_auc[scorer] = roc_auc(&pos, &neg);
            self.overall_precision_20[scorer] =
                top_k_per_day(&all, scorer, 20, |i| i.kind.is_some()).0;
        }
        let flagged: Vec<&ScoredAccess> = items
            .iter()
            .filter(|i| i.sentinel >= self.threshold.0 && i.sentinel > 0.0)
            .collect();
        let hits = flagged.iter().filter(|i| i.kind.is_some()).count() as f64;
        let positives = items.iter().filter(|i| i.kind.is_some()).count() as f64;
        self.threshold.1 = if flagged.is_empty() {
            f64::NAN
        } else {
            hits / flagged.len() as f64
        };
        self.threshold.2 = if positives == 0.0 {
            f64::NAN
        } else {
            hits / positives
        };
        let normal: Vec<&ScoredAccess> = items.iter().filter(|i| i.kind.is_none()).collect();
        let explained = normal.iter().filter(|i| i.explained).count();
        self.normal = (
            normal.len(),
            if normal.is_empty() {
                f64::NAN
            } else {
                explained as f64 / normal.len() as f64
            },
        );
    }

    /// The table the evaluation command prints.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "EHR access, test hospitals (never seen in training); AUC / precision in top 20 a day / share of the day's cases in its top 20"
        );
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>9}  {:>24}  {:>24}  {:>24}",
            "kind", "cases", "training", SCORERS[0], SCORERS[1], SCORERS[2]
        );
        let cell = |a: f64, p: f64, f: f64| format!("{a:.3} / {p:.2} / {f:.2}");
        for k in &self.kinds {
            let _ = writeln!(
                out,
                "{:<20} {:>5} {:>9}  {:>24}  {:>24}  {:>24}",
                k.kind.name(),
                k.positives,
                if k.held_out { "held out" } else { "seen" },
                cell(k.auc[0], k.precision_20[0], k.found_20[0]),
                cell(k.auc[1], k.precision_20[1], k.found_20[1]),
                cell(k.auc[2], k.precision_20[2], k.found_20[2]),
            );
        }
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>9}  {:>24}  {:>24}  {:>24}",
            "all kinds",
            self.kinds.iter().map(|k| k.positives).sum::<usize>(),
            "",
            format!(
                "{:.3} / {:.2}",
                self.overall_auc[0], self.overall_precision_20[0]
            ),
            format!(
                "{:.3} / {:.2}",
                self.overall_auc[1], self.overall_precision_20[1]
            ),
            format!(
                "{:.3} / {:.2}",
                self.overall_auc[2], self.overall_precision_20[2]
            ),
        );
        let held: Vec<&KindResult> = self.kinds.iter().filter(|k| k.held_out).collect();
        if !held.is_empty() {
            let min = held.iter().map(|k| k.auc[0]).fold(f64::INFINITY, f64::min);
            let _ = writeln!(
                out,
                "lowest sentinel AUC on a held-out kind: {min:.3} (goal >= 0.95)"
            );
        }
        let _ = writeln!(
            out,
            "normal accesses explained by the data: {:.1}% of {} (goal >= 94%)",
            self.normal.1 * 100.0,
            self.normal.0
        );
        let _ = writeln!(
            out,
            "flags at the model's threshold {:.3}: precision {:.2}, recall {:.2} (all kinds)",
            self.threshold.0, self.threshold.1, self.threshold.2
        );
        let _ = writeln!(
            out,
            "supervised model: {}",
            if self.supervised {
                "trained on the training hospitals' review outcomes"
            } else {
                "not enough labels; forest only"
            }
        );
        let _ = writeln!(out, "supply chain, test region:");
        for (kind, cases, found) in &self.supply.rules {
            let _ = writeln!(
                out,
                "  {:<20} {found} of {cases} found by the rules",
                kind.name()
            );
        }
        let _ = writeln!(
            out,
            "  rule findings on normal activity: {}",
            self.supply.false_findings
        );
        let _ = writeln!(
            out,
            "  diverted orders: {} of {} orders, diversion score AUC {:.3}",
            self.supply.orders.1, self.supply.orders.0, self.supply.diversion_auc
        );
        let _ = writeln!(
            out,
            "scoring throughput: {:.0} events/s",
            self.events_per_second
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_is_one_for_a_perfect_ranking_a_half_for_ties_and_symmetric() {
        assert_eq!(roc_auc(&[0.9, 0.8], &[0.1, 0.2, 0.3]), 1.0);
        assert_eq!(roc_auc(&[0.1], &[0.9]), 0.0);
        assert_eq!(roc_auc(&[1.0, 1.0], &[1.0, 1.0]), 0.5);
        assert!((roc_auc(&[0.5, 0.9], &[0.5, 0.1]) - 0.875).abs() < 1e-12);
        assert!(roc_auc(&[], &[0.1]).is_nan());
        let roc = roc_curve(&[0.9, 0.5], &[0.5, 0.1]);
        assert_eq!(roc.first(), Some(&(0.0, 0.0)));
        assert_eq!(roc.last(), Some(&(1.0, 1.0)));
        let pr = pr_curve(&[0.9, 0.5], &[0.5, 0.1]);
        assert_eq!(pr[1], (0.5, 1.0));
    }

    proptest::proptest! {
        /// Swapping the classes mirrors the AUC, and a strictly increasing transform
        /// of the scores leaves it unchanged (it depends on the ranking only).
        #[test]
        fn auc_depends_on_the_ranking_only(
            pos in proptest::collection::vec(0u8..20, 1..40),
            neg in proptest::collection::vec(0u8..20, 1..40),
        ) {
            let p: Vec<f64> = pos.iter().map(|x| f64::from(*x)).collect();
            let n: Vec<f64> = neg.iter().map(|x| f64::from(*x)).collect();
            let auc = roc_auc(&p, &n);
            proptest::prop_assert!((0.0..=1.0).contains(&auc));
            proptest::prop_assert!((auc + roc_auc(&n, &p) - 1.0).abs() < 1e-9);
            let squash = |v: &[f64]| v.iter().map(|x| (x / 7.0).exp()).collect::<Vec<_>>();
            proptest::prop_assert!((roc_auc(&squash(&p), &squash(&n)) - auc).abs() < 1e-9);
            let roc = roc_curve(&p, &n);
            proptest::prop_assert!(roc.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
        }
    }

    fn item(day: u64, kind: Option<AccessKind>, sentinel: f64) -> ScoredAccess {
        ScoredAccess {
            hospital: 0,
            day,
            kind,
            explained: kind.is_none(),
            sentinel,
            rules: 0.0,
            explanations: if kind.is_some() { 1.0 } else { 0.0 },
        }
    }

    #[test]
    fn precision_in_the_top_k_counts_per_day() {
        let mut items: Vec<ScoredAccess> = (0..30)
            .map(|i| item(0, None, f64::from(i) / 100.0))
            .collect();
        items.push(item(0, Some(AccessKind::Probing), 0.95));
        items.push(item(0, Some(AccessKind::Probing), 0.05));
        items.push(item(1, None, 0.5));
        let refs: Vec<&ScoredAccess> = items.iter().collect();
        let (p, f) = top_k_per_day(&refs, 0, 20, |i| i.kind.is_some());
        assert_eq!((p, f), (1.0 / 20.0, 0.5));
        let results = by_kind(&items, &[AccessKind::Probing]);
        assert_eq!(results.len(), 1);
        assert!(results[0].held_out);
        assert_eq!(results[0].auc[2], 1.0);
    }
}
