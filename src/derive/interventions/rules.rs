//! Rules 4 to 7: the role of each active product from the arms that get it, and the
//! corrections the records need (usual treatment, crossovers, reference products, factorial
//! and strategy designs, a shared product that is the test).

use super::nature::is_uninformative;
use super::{Nature, Reading};
use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::trial::*;

/// Rule 4: the role of an active product from the arms that get it: tested in test arms only,
/// background in every arm, comparator otherwise.
pub(crate) fn role_of(given_to: &[usize], all: usize, test: &[usize], control: &[usize]) -> Role {
    let in_test = given_to.iter().any(|a| test.contains(a));
    let in_control = given_to.iter().any(|a| control.contains(a));
    let everywhere = all >= 2 && given_to.len() >= all;
    match (in_test, in_control) {
        // Cohorts or doses with no comparison arm: every product is part of what is tested.
        _ if control.is_empty() => Role::Tested,
        _ if everywhere => Role::Background,
        (true, false) => Role::Tested,
        // Given in a comparison arm, and not to every arm alike: part of the comparison
        // ("tadalafil alone" beside "LY2452473 with tadalafil" and "LY2452473 alone").
        _ => Role::Comparator,
    }
}

/// Rule 5: a product whose description calls it the standard treatment, or says every
/// participant gets it ("all subjects will receive omalizumab", "in accordance with local
/// guidelines", an experimental challenge virus), is background beside another tested product.
pub(crate) fn usual_beside_tested(trial: &Trial, roles: &mut [(usize, Role)], lexicon: &Lexicon) {
    let usual = |i: usize| {
        trial.interventions[i]
            .description
            .as_deref()
            .is_some_and(|d| {
                lexicon
                    .roles
                    .background_described
                    .affirms(&d.to_lowercase())
            })
    };
    let other_tested = roles.iter().any(|&(i, r)| r == Role::Tested && !usual(i));
    if other_tested {
        for (i, role) in roles.iter_mut() {
            if *role == Role::Tested && usual(*i) {
                *role = Role::Background;
            }
        }
    }
}

/// Rule 6: when every arm gets the same products (a crossover: the same treatments in
/// another order), the arms cannot tell what is tested; the title can. Products it names stay
/// tested, the others are comparators, as long as it names some and not all.
pub(crate) fn title_decides(trial: &Trial, roles: &mut [(usize, Role)], arms: &[Vec<usize>]) {
    let tested: Vec<usize> = roles
        .iter()
        .filter(|(_, r)| *r == Role::Tested)
        .map(|(i, _)| *i)
        .collect();
    let everyone_gets_all = trial.arms.len() >= 2
        && tested.len() >= 2
        && tested.iter().all(|&i| arms[i].len() == trial.arms.len());
    if !everyone_gets_all {
        return;
    }
    let title = trial.title.to_lowercase();
    let in_title = |i: usize| {
        let iv = &trial.interventions[i];
        std::iter::once(&iv.name)
            .chain(&iv.other_names)
            .flat_map(|n| {
                let n = n.to_lowercase();
                let core = n
                    .split(['(', '[', ','])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                let first = core.split_whitespace().next().unwrap_or("").to_owned();
                [n, core, first]
            })
            .any(|n| n.len() >= 4 && contains_phrase(&title, &n))
    };
    let named = tested.iter().filter(|&&i| in_title(i)).count();
    if named == 0 || named == tested.len() {
        return;
    }
    for (i, role) in roles.iter_mut() {
        if *role == Role::Tested && !in_title(*i) {
            *role = Role::Comparator;
        }
    }
}

/// Rule 6b: a bioequivalence record names its test and reference products in the arm
/// descriptions ("T : HCP1303 R : HGP1201 + HIP1402"); the reference products are compared with.
pub(crate) fn reference_compares(trial: &Trial, roles: &mut [(usize, Role)]) {
    let mut reference = String::new();
    for arm in &trial.arms {
        let Some(d) = &arm.description else { continue };
        let lower = d.to_lowercase();
        for marker in [
            "r :",
            "r:",
            "reference:",
            "reference product:",
            "reference drug:",
        ] {
            let mut from = 0;
            while let Some(at) = lower[from..].find(marker) {
                let start = from + at;
                let word_start = start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphanumeric();
                let after = start + marker.len();
                if word_start {
                    let end = ["t :", "t:", ";", "\n"]
                        .iter()
                        .filter_map(|m| lower[after..].find(m))
                        .min()
                        .map_or(lower.len(), |e| after + e);
                    reference.push_str(&lower[after..end]);
                    reference.push(' ');
                }
                from = after;
            }
        }
    }
    if reference.trim().is_empty() {
        return;
    }
    let named = |i: usize| contains_phrase(&reference, &trial.interventions[i].name.to_lowercase());
    let remaining = roles.iter().any(|&(i, r)| r == Role::Tested && !named(i));
    if remaining {
        for (i, role) in roles.iter_mut() {
            if *role == Role::Tested && named(*i) {
                *role = Role::Comparator;
            }
        }
    }
}

/// Rule 7: nothing else is tested, so what every arm shares is the test itself, and the
/// comparison arm gets a placebo version of it or nothing (shockwaves through a filter, diet
/// counselling alone, antibiotics only).
/// A shared product its description calls standard or given to all (a challenge virus, "all
/// subjects will receive omalizumab") stays background while another shared product can be
/// the test.
pub(crate) fn shared_is_tested(trial: &Trial, roles: &mut [(usize, Role)], lexicon: &Lexicon) {
    if roles.iter().any(|(_, r)| *r == Role::Tested) {
        return;
    }
    let usual = |i: usize| {
        trial.interventions[i]
            .description
            .as_deref()
            .is_some_and(|d| {
                lexicon
                    .roles
                    .background_described
                    .affirms(&d.to_lowercase())
            })
    };
    let some_unusual = roles
        .iter()
        .any(|&(i, r)| r == Role::Background && !usual(i));
    for (i, role) in roles.iter_mut() {
        if *role == Role::Background && !(some_unusual && usual(*i)) {
            *role = Role::Tested;
        }
    }
}

/// Rule 4b: a factorial design shown by its arms, whatever the model says: two products and
/// four arms getting both, one, the other and neither. Both products are tested.
pub(crate) fn crossed(trial: &Trial, natures: &[Nature], arms: &[Vec<usize>]) -> bool {
    if trial.arms.len() != 4 {
        return false;
    }
    let active: Vec<usize> = (0..arms.len())
        .filter(|&i| natures[i] == Nature::Active && !arms[i].is_empty())
        .collect();
    if active.len() != 2 {
        return false;
    }
    let mut seen = [false; 4];
    for a in 0..4 {
        let has = |i: usize| arms[i].contains(&a);
        let cell = usize::from(has(active[0])) * 2 + usize::from(has(active[1]));
        seen[cell] = true;
    }
    seen.iter().all(|s| *s)
}

/// Rule 7c: an experimental arm gets what is tested. When every product it gets is also in a
/// comparison arm (a combination arm typed active comparator beside it), the ones it gets are
/// tested and those only the comparison arms get are compared with.
pub(crate) fn experimental_gets_the_test(
    roles: &mut [(usize, Role)],
    arms: &[Vec<usize>],
    test: &[usize],
) {
    if roles.iter().any(|(_, r)| *r == Role::Tested) {
        return;
    }
    for (i, role) in roles.iter_mut() {
        if *role == Role::Comparator && arms[*i].iter().any(|a| test.contains(a)) {
            *role = Role::Tested;
        }
    }
}

/// Rule 7b: a strategy trial, where both sides get the same products and the arms differ in
/// how they are used: the comparison arm's label is the test arm's with "non", "no" or
/// "without" before it. The test arm's label names what is tested, and what both get is
/// background.
/// Gives the test arm and its twin.
pub(crate) fn negated_twin(
    trial: &Trial,
    test: &[usize],
    control: &[usize],
) -> Option<(usize, usize)> {
    let norm = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '+')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    test.iter().find_map(|&t| {
        let label = norm(&trial.arms[t].label);
        control.iter().copied().find_map(|c| {
            let other = norm(&trial.arms[c].label);
            ["non ", "no ", "without ", "not "]
                .iter()
                .any(|neg| other.strip_prefix(neg) == Some(label.as_str()))
                .then_some((t, c))
        })
    })
}

/// Whether a product given to every arm is a challenge given on purpose, to study the
/// response to it, and not a treatment the tested one is added to: its name or description
/// speaks of one, or an arm's description says people are challenged with it (NCT02388997's
/// "experimental challenge with rhinovirus" read "omalizumab, added to rhinovirus (strain
/// 16)").
pub(crate) fn challenge(trial: &Trial, reading: &Reading, i: usize, lexicon: &Lexicon) -> bool {
    let iv = &trial.interventions[i];
    let roles = &lexicon.roles;
    let name = iv.name.to_lowercase();
    let head = name.split_whitespace().next().unwrap_or("");
    roles.challenge.marks(&name)
        || iv
            .description
            .as_deref()
            .is_some_and(|d| roles.challenge.marks(&d.to_lowercase()))
        || (head.len() > 3
            && reading.arms[i].iter().any(|&a| {
                trial.arms[a].description.as_deref().is_some_and(|d| {
                    let d = d.to_lowercase();
                    roles
                        .challenge_with
                        .iter()
                        .any(|w| contains_phrase(&d, &format!("{w} {head}")))
                })
            }))
}

/// What is tested when no registered intervention is: a strategy arm's label, or what an
/// experimental arm with nothing but assessments says it gets: "i-Factor Arm", described "will
/// be treated with i-FACTOR", tests i-FACTOR. The label's words for an arm go; the rest must
/// appear in the arm's description, and must not be only who is in the arm ("All Enrollees")
/// or that something is given ("Treatment").
pub(crate) fn named_by_arm(
    trial: &Trial,
    reading: &Reading,
    lexicon: &Lexicon,
) -> Option<(usize, String)> {
    if let Some((a, _)) = reading.strategy_arm {
        return Some((a, trial.arms[a].label.clone()));
    }
    reading.test_arms.iter().find_map(|&a| {
        let arm = &trial.arms[a];
        if arm.kind != ArmKind::Experimental {
            return None;
        }
        let name: Vec<&str> = arm
            .label
            .split_whitespace()
            .filter(|w| !["arm", "group", "cohort"].contains(&w.to_lowercase().as_str()))
            .collect();
        let name = name.join(" ");
        let described = arm
            .description
            .as_deref()
            .is_some_and(|d| contains_phrase(&d.to_lowercase(), &name.to_lowercase()));
        let words = &lexicon.roles.names;
        let lower = name.to_lowercase();
        let says_nothing = is_uninformative(&name)
            || words.people.contains(&lower)
            || words.generic.contains(&lower);
        (described && !says_nothing).then_some((a, name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::test_support::*;
    use InterventionKind::*;

    fn role(trial: &Trial, name: &str) -> Role {
        roles_of(trial)
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
    }

    #[test]
    fn role_of_follows_the_sides_of_the_arms() {
        // Arms 0 and 1 test, 2 compares.
        assert_eq!(role_of(&[0], 3, &[0, 1], &[2]), Role::Tested);
        assert_eq!(role_of(&[2], 3, &[0, 1], &[2]), Role::Comparator);
        assert_eq!(role_of(&[0, 1, 2], 3, &[0, 1], &[2]), Role::Background);
        // Not every arm: part of the comparison ("tadalafil alone").
        assert_eq!(role_of(&[1, 2], 3, &[0, 1], &[2]), Role::Comparator);
        // Cohorts with no comparison arm: everything given is tested.
        assert_eq!(role_of(&[0, 1], 2, &[0, 1], &[]), Role::Tested);
    }

    #[test]
    fn the_usual_treatment_beside_a_tested_drug_is_background() {
        let mut trial = designed(
            &[
                (ArmKind::Experimental, "Cohort 1", ""),
                (ArmKind::Experimental, "Cohort 2", ""),
            ],
            &[
                (Drug, "Ociperlimab", &["Cohort 1", "Cohort 2"]),
                (Drug, "Carboplatin", &["Cohort 2"]),
            ],
        );
        trial.interventions[1].description =
            Some("Administered in accordance with local guidelines".into());
        assert_eq!(role(&trial, "Ociperlimab"), Role::Tested);
        assert_eq!(role(&trial, "Carboplatin"), Role::Background);
    }

    #[test]
    fn in_a_crossover_the_title_names_what_is_tested() {
        let mut trial = designed(
            &[
                (ArmKind::Experimental, "T/S", ""),
                (ArmKind::Experimental, "S/T", ""),
            ],
            &[
                (Drug, "tadalafil once a day", &["T/S", "S/T"]),
                (Drug, "sildenafil as needed", &["T/S", "S/T"]),
            ],
        );
        trial.title = "Whether Tadalafil Taken Once a Day Can Better Improve Outcomes".into();
        assert_eq!(role(&trial, "tadalafil once a day"), Role::Tested);
        assert_eq!(role(&trial, "sildenafil as needed"), Role::Comparator);
    }

    #[test]
    fn reference_products_of_a_bioequivalence_study_are_compared_with() {
        let trial = designed(
            &[
                (
                    ArmKind::Experimental,
                    "Sequence 1",
                    "T → R T : HCP1303 R : HGP1201 + HIP1402",
                ),
                (
                    ArmKind::Experimental,
                    "Sequence 2",
                    "R → T T : HCP1303 R : HGP1201 + HIP1402",
                ),
            ],
            &[
                (Drug, "HCP1303", &["Sequence 1", "Sequence 2"]),
                (Drug, "HGP1201", &["Sequence 1", "Sequence 2"]),
                (Drug, "HIP1402", &["Sequence 1", "Sequence 2"]),
            ],
        );
        assert_eq!(role(&trial, "HCP1303"), Role::Tested);
        assert_eq!(role(&trial, "HGP1201"), Role::Comparator);
        assert_eq!(role(&trial, "HIP1402"), Role::Comparator);
    }

    #[test]
    fn a_product_both_sides_share_is_the_test_when_nothing_else_is() {
        // Diet counselling alone in an arm typed placebo that lists the supplement by mistake.
        let trial = designed(
            &[
                (ArmKind::Experimental, "Biomass", ""),
                (ArmKind::PlaceboComparator, "Diet alone", ""),
            ],
            &[(
                DietarySupplement,
                "Green banana biomass",
                &["Biomass", "Diet alone"],
            )],
        );
        assert_eq!(role(&trial, "Green banana biomass"), Role::Tested);
        // A challenge virus every arm gets stays background beside the drug it tests.
        let mut trial = designed(
            &[
                (ArmKind::ActiveComparator, "Omalizumab", ""),
                (ArmKind::PlaceboComparator, "Placebo", ""),
            ],
            &[
                (Drug, "omalizumab", &["Omalizumab", "Placebo"]),
                (Biological, "Rhinovirus", &["Omalizumab", "Placebo"]),
            ],
        );
        trial.interventions[1].description =
            Some("approved for use in experimental challenges".into());
        assert_eq!(role(&trial, "omalizumab"), Role::Tested);
        assert_eq!(role(&trial, "Rhinovirus"), Role::Background);
    }

    #[test]
    fn the_experimental_arm_always_gets_what_is_tested() {
        // BZ371A with an oral placebo; tadalafil with a topical placebo; both (typed active).
        let trial = designed(
            &[
                (ArmKind::ActiveComparator, "Tadalafil", ""),
                (ArmKind::Experimental, "BZ371A", ""),
                (ArmKind::ActiveComparator, "Both", ""),
            ],
            &[
                (Drug, "Tadalafil 5mg", &["Tadalafil", "Both"]),
                (Drug, "BZ371A", &["BZ371A", "Both"]),
                (Drug, "Oral Placebo", &["BZ371A"]),
            ],
        );
        assert_eq!(role(&trial, "BZ371A"), Role::Tested);
        assert_eq!(role(&trial, "Tadalafil 5mg"), Role::Comparator);
    }

    #[test]
    fn an_intervention_named_after_the_condition_gives_nothing() {
        let mut trial = designed(
            &[(ArmKind::Experimental, "Survey", "")],
            &[(Behavioral, "Erectile Dysfunction", &["Survey"])],
        );
        trial.conditions = vec!["Erectile Dysfunction".into()];
        assert!(roles_of(&trial).is_empty());
    }

    #[test]
    fn a_factorial_design_tests_both_products() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "Both", ""),
                (ArmKind::ActiveComparator, "Supplement", ""),
                (ArmKind::Experimental, "Training", ""),
                (ArmKind::NoIntervention, "Neither", ""),
            ],
            &[
                (Other, "Concurrent training", &["Both", "Training"]),
                (
                    DietarySupplement,
                    "Eurycoma longifolia",
                    &["Both", "Supplement"],
                ),
            ],
        );
        assert_eq!(role(&trial, "Concurrent training"), Role::Tested);
        assert_eq!(role(&trial, "Eurycoma longifolia"), Role::Tested);
    }

    #[test]
    fn a_strategy_arm_names_what_is_tested() {
        let mut trial = designed(
            &[
                (ArmKind::Experimental, "MRD-guided adjuvant treatment", ""),
                (
                    ArmKind::ActiveComparator,
                    "Non MRD-guided adjuvant treatment",
                    "",
                ),
            ],
            &[(
                Drug,
                "Tislelizumab and chemotherapy",
                &[
                    "MRD-guided adjuvant treatment",
                    "Non MRD-guided adjuvant treatment",
                ],
            )],
        );
        trial.interventions[0].kind = Drug;
        let facts = crate::derive::derive(&trial, &lexicon());
        assert_eq!(
            facts.treatments[0].value.name,
            "MRD-guided adjuvant treatment"
        );
        assert_eq!(facts.interventions[0].value.role, Role::Background);
        // The comparison is the twin arm, not a product the record lists for it.
        assert_eq!(facts.comparison.unwrap().value, Comparison::OtherTreatment);
        assert_eq!(
            facts.comparators[0].value.name,
            "Non MRD-guided adjuvant treatment"
        );
        assert_eq!(
            facts.comparators[0].field,
            "protocolSection.armsInterventionsModule.armGroups[1].label"
        );
    }

    #[test]
    fn what_the_tested_name_says_is_not_added_to_it() {
        let trial = designed(
            &[
                (
                    ArmKind::Experimental,
                    "MRD-guided tislelizumab and chemotherapy",
                    "",
                ),
                (
                    ArmKind::ActiveComparator,
                    "Non MRD-guided tislelizumab and chemotherapy",
                    "",
                ),
            ],
            &[(
                Drug,
                "Chemotherapy",
                &[
                    "MRD-guided tislelizumab and chemotherapy",
                    "Non MRD-guided tislelizumab and chemotherapy",
                ],
            )],
        );
        let facts = crate::derive::derive(&trial, &lexicon());
        assert_eq!(facts.interventions[0].value.role, Role::Background);
        assert!(facts.background.is_empty(), "{:?}", facts.background);
    }

    #[test]
    fn an_arm_with_only_assessments_names_its_product() {
        let trial = designed(
            &[(
                ArmKind::Experimental,
                "i-Factor Arm",
                "All patients will be treated with i-FACTOR",
            )],
            &[(Other, "CT radiographic assessment", &["i-Factor Arm"])],
        );
        let facts = crate::derive::derive(&trial, &lexicon());
        assert_eq!(facts.treatments[0].value.name, "i-Factor");
        assert_eq!(facts.interventions[0].value.role, Role::Assessment);
    }
}
