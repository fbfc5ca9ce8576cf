use super::*;
use crate::features::HOUR;

#[test]
fn the_same_seed_gives_the_same_world_and_another_seed_another() {
    let a = generate(&Config::small(7));
    assert_eq!(a, generate(&Config::small(7)));
    assert_ne!(a.steps, generate(&Config::small(8)).steps);
    assert!(a.steps.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn every_kind_is_injected_and_labelled() {
    let world = generate(&Config::small(1));
    for kind in AccessKind::ALL {
        assert!(
            world.steps.iter().any(|s| matches!(&s.action,
                Action::RequestAccess { label: Some(k), .. } | Action::BreakGlass { label: Some(k), .. } if *k == kind)),
            "{kind:?}"
        );
    }
    for kind in [SupplyKind::ClonedSerial, SupplyKind::CounterfeitSerial] {
        assert!(world
            .steps
            .iter()
            .any(|s| matches!(&s.action, Action::Verify { label: Some(k), .. } if *k == kind)));
    }
    let normal = world
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::RequestAccess { label: None, .. }))
        .count();
    assert!(normal > 200, "{normal} normal accesses");
}

#[test]
fn gs1_numbers_carry_valid_check_digits() {
    assert_eq!(with_check_digit("0031234567890"), "00312345678906");
    assert_eq!(with_check_digit("0030001234567"), "00300012345671");
}

#[test]
fn every_gtin_and_sscc_is_under_its_manufacturers_prefix_assigned_first() {
    let world = generate(&Config::small(3));
    let prefix = company_prefix(0);
    let assigned = world
        .steps
        .iter()
        .position(|s| matches!(&s.action, Action::AddPrefix { prefix: p, .. } if *p == prefix))
        .expect("the prefix is assigned");
    for (i, step) in world.steps.iter().enumerate() {
        match &step.action {
            Action::Commission { gtin, .. } => {
                assert!(i > assigned);
                assert_eq!(gtin.len(), 14);
                assert_eq!(&gtin[1..8], prefix);
                assert_eq!(with_check_digit(&gtin[..13]), *gtin);
            }
            Action::Pack { sscc, .. } => {
                assert_eq!(sscc.len(), 18);
                assert_eq!(&sscc[1..8], prefix);
                assert_eq!(with_check_digit(&sscc[..17]), *sscc);
            }
            _ => {}
        }
    }
    assert_ne!(company_prefix(0), company_prefix(1));
    assert!(!company_prefix(1).starts_with(&company_prefix(0)));
}

#[test]
fn no_requester_asks_more_often_than_the_contract_allows() {
    // dscsa: at most 20 requests per requester per fixed hour.
    let world = generate(&Config::evaluation(7));
    let mut counts = std::collections::BTreeMap::new();
    for step in &world.steps {
        if let Action::Verify { region, .. } = step.action {
            *counts
                .entry((region, step.actor.clone(), step.at / HOUR))
                .or_insert(0u32) += 1;
        }
    }
    assert!(
        counts.values().all(|n| *n <= 20),
        "{:?}",
        counts.values().max()
    );
}
