//! The sentinel: the AI half of Carechain. It reads the chain's audit trail (EHR access
//! decisions, consent changes, care relations, break-glass reviews, DSCSA events),
//! explains every access by evidence on the chain, scores what is left with maintained
//! learners, checks the supply chain by rule and scores orders for diversion, and
//! evaluates itself on generated hospitals run through the real contracts.
//!
//! A flag only starts a review or an investigation: the host's `carechain sentinel
//! watch` writes flags on chain with the hash of the model that raised them, and people
//! close them; nothing here denies access or moves product.
//!
//! - [`events`]: raw ink! events to typed events, by the metadata's signature topics.
//! - [`explain`]: the evidence (care relations, custody, consents, colleagues).
//! - [`features`]: the one feature function, and reason codes and words.
//! - [`supply`]: DSCSA rules and order features.
//! - [`model`]: the isolation forests and logistic regression, as one hashed file.
//! - [`scan`]: the pipeline from events to ranked findings.
//! - [`generate`]: a seeded hospital and supply-chain world with labelled abnormal
//!   activity, as steps for the host to run through the contracts.
//! - [`evaluate`]: ROC AUC, precision in the top 20 a day, explained share, baselines.
//! - [`report`]: the HTML report with ROC and precision-recall curves.

pub mod evaluate;
pub mod events;
pub mod explain;
pub mod features;
pub mod generate;
pub mod model;
pub mod report;
pub mod scan;
pub mod supply;
