//! The sentinel's models, one file: an extended isolation forest (Hariri et al., 2019;
//! the `extended-isolation-forest` crate) that needs no labels, a logistic regression
//! (`smartcore`) trained on review outcomes once there are enough of them (as in
//! Boxwala et al., JAMIA 2011), and a second forest for supply-chain orders.
//!
//! The file is JSON; its SHA-256 is the model hash registered on chain before the
//! first flag, so a flag always names the exact bytes that raised it. Scoring with a
//! given file is deterministic. Training is not bit-reproducible: the forest crate
//! draws its samples from the thread's random generator and offers no seed, so two
//! trainings give two files with two hashes (and, with 200 trees, the same figures to
//! within a few thousandths).

use extended_isolation_forest::{Forest, ForestOptions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

use crate::features::{needs_scoring, ACCESS_FEATURES, ACCESS_FEATURE_NAMES};
use crate::supply::{ORDER_FEATURES, ORDER_FEATURE_NAMES};

/// The model file's format version.
pub const FORMAT: u32 = 1;
/// The flag threshold of a model trained without labels.
pub const DEFAULT_THRESHOLD: f64 = 0.5;
/// Labels of each class the supervised model needs before it is trained.
pub const MIN_LABELS_PER_CLASS: usize = 20;

/// Why a model could not be trained or read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not enough rows to grow a forest.
    #[error("{what}: {rows} rows, at least {needed} needed to train")]
    TooFewRows {
        /// Which model.
        what: &'static str,
        /// Rows given.
        rows: usize,
        /// Rows needed.
        needed: usize,
    },
    /// A learner failed.
    #[error("{0}")]
    Learner(String),
    /// The file is not a model of this format.
    #[error("model file: {0}")]
    File(String),
}

/// A forest with the calibration that maps its raw score to [0, 1].
#[derive(Serialize, Deserialize)]
struct CalibratedForest<const N: usize> {
    forest: Forest<f64, N>,
    /// Median raw score on the training rows (scores at or below it map to 0).
    low: f64,
    /// The 99.9th percentile raw score on the training rows (maps to 1).
    high: f64,
}

impl<const N: usize> CalibratedForest<N> {
    fn train(what: &'static str, rows: &[[f64; N]]) -> Result<Self, ModelError> {
        let sample_size = rows.len().min(256);
        if sample_size < 16 {
            return Err(ModelError::TooFewRows {
                what,
                rows: rows.len(),
                needed: 16,
            });
        }
        let options = ForestOptions {
            n_trees: 200,
            sample_size,
            max_tree_depth: None,
            extension_level: 1,
        };
        let forest = Forest::from_slice(rows, &options)
            .map_err(|e| ModelError::Learner(format!("{what}: {e:?}")))?;
        let mut scores: Vec<f64> = rows.iter().map(|r| forest.score(r)).collect();
        scores.sort_by(f64::total_cmp);
        let at = |q: f64| scores[((scores.len() - 1) as f64 * q) as usize];
        let (low, high) = (at(0.5), at(0.999));
        Ok(CalibratedForest {
            forest,
            low,
            high: if high > low { high } else { low + 1e-9 },
        })
    }

    fn score(&self, row: &[f64; N]) -> f64 {
        ((self.forest.score(row) - self.low) / (self.high - self.low)).clamp(0.0, 1.0)
    }
}

/// A logistic regression on standardized features.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Logistic {
    mean: Vec<f64>,
    scale: Vec<f64>,
    weights: Vec<f64>,
    intercept: f64,
}

impl Logistic {
    fn train(rows: &[Vec<f64>], labels: &[bool]) -> Result<Self, ModelError> {
        let width = rows.first().map_or(0, Vec::len);
        let n = rows.len() as f64;
        let mean: Vec<f64> = (0..width)
            .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let scale: Vec<f64> = (0..width)
            .map(|j| {
                let var = rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n;
                if var > 1e-12 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        let z: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| (0..width).map(|j| (r[j] - mean[j]) / scale[j]).collect())
            .collect();
        let x = DenseMatrix::from_2d_vec(&z).map_err(|e| ModelError::Learner(e.to_string()))?;
        let y: Vec<i32> = labels.iter().map(|l| i32::from(*l)).collect();
        let params = LogisticRegressionParameters::default().with_alpha(1.0);
        let fitted = LogisticRegression::fit(&x, &y, params)
            .map_err(|e| ModelError::Learner(format!("logistic regression: {e}")))?;
        let weights: Vec<f64> = (0..width)
            .map(|j| *fitted.coefficients().get((0, j)))
            .collect();
        let intercept = *fitted.intercept().get((0, 0));
        Ok(Logistic {
            mean,
            scale,
            weights,
            intercept,
        })
    }

    /// The probability of the positive class.
    fn probability(&self, row: &[f64]) -> f64 {
        let z: f64 = row
            .iter()
            .zip(&self.mean)
            .zip(&self.scale)
            .zip(&self.weights)
            .map(|(((x, m), s), w)| w * (x - m) / s)
            .sum::<f64>()
            + self.intercept;
        1.0 / (1.0 + (-z).exp())
    }
}

/// What a model was trained on.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrainingSummary {
    /// Access rows the forest saw.
    pub accesses: usize,
    /// Labelled abnormal accesses.
    pub positives: usize,
    /// Labelled normal accesses.
    pub negatives: usize,
    /// Orders the order forest saw.
    pub orders: usize,
    /// Free text: where the data came from.
    pub source: String,
}

/// The sentinel's model file.
#[derive(Serialize, Deserialize)]
pub struct Model {
    format: u32,
    access_features: Vec<String>,
    order_features: Vec<String>,
    access_forest: CalibratedForest<ACCESS_FEATURES>,
    supervised: Option<Logistic>,
    order_forest: Option<CalibratedForest<ORDER_FEATURES>>,
    /// The score from which an access is flagged: the best F1 on the labelled
    /// training rows, or [`DEFAULT_THRESHOLD`] with no labels.
    pub threshold: f64,
    /// What it was trained on.
    pub summary: TrainingSummary,
}

/// Training data: access feature rows with optional labels (review outcomes), and
/// order feature rows.
#[derive(Clone, Debug, Default)]
pub struct TrainingSet {
    /// Every access's features.
    pub accesses: Vec<[f64; ACCESS_FEATURES]>,
    /// (row index, abnormal) for the labelled ones.
    pub labels: Vec<(usize, bool)>,
    /// Every order's features.
    pub orders: Vec<[f64; ORDER_FEATURES]>,
    /// Where the data came from.
    pub source: String,
}

impl Model {
    /// Trains the forests, and the supervised model when there are at least
    /// [`MIN_LABELS_PER_CLASS`] labels of each class.
    pub fn train(set: &TrainingSet) -> Result<Model, ModelError> {
        let access_forest = CalibratedForest::train("access forest", &set.accesses)?;
        let positives = set.labels.iter().filter(|(_, l)| *l).count();
        let negatives = set.labels.len() - positives;
        let supervised = if positives >= MIN_LABELS_PER_CLASS && negatives >= MIN_LABELS_PER_CLASS {
            let rows: Vec<Vec<f64>> = set
                .labels
                .iter()
                .filter_map(|(i, _)| set.accesses.get(*i).map(|r| r.to_vec()))
                .collect();
            let labels: Vec<bool> = set.labels.iter().map(|(_, l)| *l).collect();
            Some(Logistic::train(&rows, &labels)?)
        } else {
            None
        };
        let order_forest = if set.orders.len() >= 16 {
            Some(CalibratedForest::train("order forest", &set.orders)?)
        } else {
            None
        };
        let mut model = Model {
            format: FORMAT,
            access_features: ACCESS_FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            order_features: ORDER_FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            access_forest,
            supervised,
            order_forest,
            summary: TrainingSummary {
                accesses: set.accesses.len(),
                positives,
                negatives,
                orders: set.orders.len(),
                source: set.source.clone(),
            },
            threshold: DEFAULT_THRESHOLD,
        };
        model.threshold = model.best_threshold(set);
        Ok(model)
    }

    /// The threshold with the best F1 on the labelled rows (scored as the scanner
    /// scores them: strongly explained accesses get none).
    fn best_threshold(&self, set: &TrainingSet) -> f64 {
        let mut scored: Vec<(f64, bool)> = set
            .labels
            .iter()
            .filter_map(|(i, label)| {
                let row = set.accesses.get(*i)?;
                Some((
                    if needs_scoring(row) {
                        self.score_access(row)
                    } else {
                        0.0
                    },
                    *label,
                ))
            })
            .collect();
        let positives = scored.iter().filter(|(_, l)| *l).count();
        if positives == 0 || positives == scored.len() {
            return DEFAULT_THRESHOLD;
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut best, mut best_f1, mut tp, mut fp) = (DEFAULT_THRESHOLD, 0.0, 0usize, 0usize);
        let mut i = 0;
        while i < scored.len() {
            let score = scored[i].0;
            while i < scored.len() && scored[i].0 == score {
                if scored[i].1 {
                    tp += 1;
                } else {
                    fp += 1;
                }
                i += 1;
            }
            let precision = tp as f64 / (tp + fp) as f64;
            let recall = tp as f64 / positives as f64;
            let f1 = 2.0 * precision * recall / (precision + recall).max(1e-12);
            if f1 > best_f1 && score > 0.0 {
                best_f1 = f1;
                best = score;
            }
        }
        best
    }

    /// Whether the supervised model is part of this file.
    pub fn is_supervised(&self) -> bool {
        self.supervised.is_some()
    }

    /// An access's score in [0, 1]: the forest's calibrated score, averaged with the
    /// supervised probability when there is a supervised model.
    pub fn score_access(&self, row: &[f64; ACCESS_FEATURES]) -> f64 {
        let unsupervised = self.access_forest.score(row);
        match &self.supervised {
            Some(model) => 0.5 * unsupervised + 0.5 * model.probability(row),
            None => unsupervised,
        }
    }

    /// The unsupervised part alone (for the evaluation's comparison).
    pub fn score_access_unsupervised(&self, row: &[f64; ACCESS_FEATURES]) -> f64 {
        self.access_forest.score(row)
    }

    /// An order's score in [0, 1], if the model has an order forest.
    pub fn score_order(&self, row: &[f64; ORDER_FEATURES]) -> Option<f64> {
        self.order_forest.as_ref().map(|f| f.score(row))
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        serde_json::to_vec(self).map_err(|e| ModelError::File(e.to_string()))
    }

    /// Reads a model file, checking its format and features.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let model: Model =
            serde_json::from_slice(bytes).map_err(|e| ModelError::File(e.to_string()))?;
        if model.format != FORMAT {
            return Err(ModelError::File(format!(
                "format {} (this sentinel reads {FORMAT})",
                model.format
            )));
        }
        if model.access_features != ACCESS_FEATURE_NAMES
            || model.order_features != ORDER_FEATURE_NAMES
        {
            return Err(ModelError::File(
                "trained on other features: train it again with this sentinel".into(),
            ));
        }
        Ok(model)
    }
}

/// The SHA-256 of a model file: the hash registered on chain.
pub fn model_hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A score in [0, 1] as the basis points a flag carries on chain (no float reaches
/// contract state).
pub fn basis_points(score: f64) -> u16 {
    (score.clamp(0.0, 1.0) * 10_000.0).round() as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> TrainingSet {
        let mut set = TrainingSet::default();
        for i in 0..400usize {
            let mut row = [0.0; ACCESS_FEATURES];
            row[0] = 1.0;
            row[4] = (i % 10) as f64 / 20.0;
            set.accesses.push(row);
            set.labels.push((i, false));
        }
        for i in 0..30usize {
            let mut row = [0.0; ACCESS_FEATURES];
            row[8] = 1.0;
            row[6] = 2.0 + (i % 3) as f64;
            set.labels.push((set.accesses.len(), true));
            set.accesses.push(row);
        }
        set
    }

    #[test]
    fn abnormal_rows_score_above_normal_ones_and_the_file_round_trips() {
        let model = Model::train(&set()).expect("trains");
        assert!(model.is_supervised());
        let mut normal = [0.0; ACCESS_FEATURES];
        normal[0] = 1.0;
        let mut odd = [0.0; ACCESS_FEATURES];
        odd[8] = 1.0;
        odd[6] = 3.0;
        assert!(model.score_access(&odd) > model.score_access(&normal) + 0.3);
        let bytes = model.to_bytes().expect("bytes");
        let again = Model::from_bytes(&bytes).expect("reads");
        assert_eq!(again.score_access(&odd), model.score_access(&odd));
        assert_eq!(again.to_bytes().expect("bytes"), bytes);
        assert_eq!(model_hash(&bytes), model_hash(&bytes));
    }

    #[test]
    fn few_labels_train_no_supervised_model_and_bad_files_are_refused() {
        let mut s = set();
        s.labels.retain(|(_, l)| !*l);
        let model = Model::train(&s).expect("trains");
        assert!(!model.is_supervised());
        assert!(Model::from_bytes(b"{}").is_err());
        assert!(Model::from_bytes(b"\xff").is_err());
        assert!(Model::train(&TrainingSet::default()).is_err());
        assert_eq!(basis_points(0.5), 5_000);
        assert_eq!(basis_points(7.0), 10_000);
        assert_eq!(basis_points(f64::NAN), 0);
    }
}
