//! What is given in a trial and the role of each intervention in its design: tested, given to
//! everyone alike (background), an active comparison, a placebo, or only an assessment.
//!
//! The registry's lists cannot be taken at their word: arms typed `PLACEBO_COMPARATOR` may get
//! an active product, arms typed `ACTIVE_COMPARATOR` may be the experimental arm, a lab analysis
//! may sit in the experimental arm beside the drug. So each role is read in small steps, each a
//! named rule with its test:
//!
//! The rules, in order, each in a file of its own with its tests:
//!
//! 1. [`nature::nature`]: what the product is, from its own words (`roles.toml`): a placebo, an
//!    assessment, nothing at all, or something active.
//! 2. [`arms::arms_of`]: which arms get it, from the intervention's arm labels and the arms' lists.
//! 3. [`arms::sides`]: which arms test and which compare, from the arm types, corrected by what the
//!    arms get (an arm that gets only placebo compares, whatever its type).
//! 4. [`rules::role_of`]: tested (in test arms only), comparator (in comparison arms only), background
//!    (in every arm, or on both sides); in a factorial design or without comparison arms, every
//!    active product is part of what is tested.
//! 5. [`rules::usual_beside_tested`]: a product its description calls standard or given to all is
//!    background when something else is tested.
//! 6. [`rules::title_decides`]: when every arm gets the same products one after the other (a
//!    crossover), the ones the title names are tested and the others are what they are
//!    compared with.
//! 7. [`rules::shared_is_tested`]: when nothing else is tested, what every arm shares is the test
//!    itself, and the comparison arm gets a placebo version of it or nothing.
//! 8. [`comparison::comparison`]: what the tested treatment is compared with.

mod arms;
mod comparison;
mod names;
mod nature;
mod rules;

pub(super) use comparison::comparators_together;
pub use names::plain_name;
pub(super) use names::{
    components, is_substance, plain, spelled_out, title_share, treatment_kind, type_code,
};
pub(super) use nature::active_parts;
pub(super) use rules::{challenge, named_by_arm};

use super::{ARMS, OFFICIAL_TITLE};
use crate::facts::*;
use crate::lexicon::Lexicon;
use crate::trial::*;
use arms::{arms_of, sides};
use comparison::comparison;
use nature::{names_a_placebo, nature};
use rules::*;

/// What an intervention's own words say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Nature {
    Active,
    Placebo,
    Assessment,
    /// Named with a general word ("evaluation of …"): an assessment beside an active product,
    /// else the registrant's name for what is tested.
    MaybeAssessment,
    /// "No intervention", "Arm A": names that say nothing is given.
    Nothing,
}

/// The interventions of a trial read for their roles.
#[derive(Debug, Default)]
pub(super) struct Reading {
    /// Index into `trial.interventions` and role, for each intervention that gives something.
    pub roles: Vec<(usize, Role)>,
    /// For each intervention index, the arms (indexes) that get it.
    pub arms: Vec<Vec<usize>>,
    pub comparison: Option<Fact<Comparison>>,
    /// Some participants get an inactive look-alike, sham or vehicle.
    pub placebo_given: bool,
    /// That look-alike is a sham procedure or device.
    pub sham: bool,
    /// Several arms, each getting every tested product: they differ in dose or schedule.
    pub same_everywhere: bool,
    /// Every arm lists every tested product and every placebo too: each person gets both,
    /// one after the other, or either at random within an arm ("CM326 or matched placebo").
    pub placebo_everywhere: bool,
    /// The arms that test (indexes into `trial.arms`).
    pub test_arms: Vec<usize>,
    /// A test arm whose label names the approach tested, and the comparison arm that is its
    /// negated twin ("MRD-guided treatment" beside "Non MRD-guided treatment").
    pub strategy_arm: Option<(usize, usize)>,
}

impl Reading {
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = usize> + '_ {
        self.roles
            .iter()
            .filter(move |(_, r)| *r == role)
            .map(|(i, _)| *i)
    }
}

/// An arm typed placebo comparator whose short name is a placebo word ("Placebo", "Saline
/// group"): what it gives is the placebo. A longer name ("Placebo + sildenafil") may name a
/// drug beside the placebo, and is not read so.
fn placebo_arm(arm: &Arm, lexicon: &Lexicon) -> bool {
    let label = arm.label.to_lowercase();
    arm.kind == ArmKind::PlaceboComparator
        && label.split_whitespace().count() <= 2
        && !label.contains(['+', '&', '/'])
        && lexicon.roles.placebo.marks(&label)
}

/// Reads the role of every intervention of a trial.
pub(super) fn read(trial: &Trial, lexicon: &Lexicon) -> Reading {
    let n = trial.interventions.len();
    let mut natures: Vec<Nature> = trial
        .interventions
        .iter()
        .map(|iv| {
            // An "intervention" named after the trial's own condition is what is studied, not
            // given: a survey of erectile dysfunction lists "Erectile Dysfunction".
            let names_condition = trial
                .conditions
                .iter()
                .any(|c| c.trim().eq_ignore_ascii_case(iv.name.trim()));
            if names_condition {
                Nature::Nothing
            } else {
                nature(iv, lexicon)
            }
        })
        .collect();
    let active = natures.contains(&Nature::Active);
    let observational = trial.study_type == StudyType::Observational;
    for n in natures
        .iter_mut()
        .filter(|n| **n == Nature::MaybeAssessment)
    {
        *n = if active || observational {
            Nature::Assessment
        } else {
            Nature::Active
        };
    }
    let arms: Vec<Vec<usize>> = trial
        .interventions
        .iter()
        .map(|iv| arms_of(trial, iv, lexicon))
        .collect();
    // "Sodium Chloride" given only in the arm called "Placebo": the arm's name says what it is.
    for (i, n) in natures.iter_mut().enumerate() {
        if *n == Nature::Active
            && !arms[i].is_empty()
            && arms[i]
                .iter()
                .all(|&a| placebo_arm(&trial.arms[a], lexicon))
        {
            *n = Nature::Placebo;
        }
    }
    // One entry per name: records list the same product twice under two types.
    let mut seen: Vec<String> = Vec::new();
    let unique: Vec<usize> = (0..n)
        .filter(|&i| {
            let key = trial.interventions[i].name.to_lowercase();
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh && natures[i] != Nature::Nothing
        })
        .collect();
    let (test_arms, control_arms) = sides(trial, &natures, &arms, lexicon);
    let linked = arms.iter().any(|a| !a.is_empty());
    let factorial = trial.model == InterventionModel::Factorial || crossed(trial, &natures, &arms);
    // "Every arm" is every arm given something: an arm of usual care that lists nothing
    // (NO_INTERVENTION) does not make what both other arms get a comparator (NCT01996852:
    // sildenafil or a pump in both active arms, meetings added in one).
    let given_something = (0..trial.arms.len())
        .filter(|a| arms.iter().any(|given| given.contains(a)))
        .count();
    let mut roles: Vec<(usize, Role)> = unique
        .iter()
        .map(|&i| {
            let role = match natures[i] {
                Nature::Placebo => Role::Placebo,
                Nature::Assessment => Role::Assessment,
                _ if !linked || arms[i].is_empty() || factorial => Role::Tested,
                _ => role_of(&arms[i], given_something, &test_arms, &control_arms),
            };
            (i, role)
        })
        .collect();
    usual_beside_tested(trial, &mut roles, lexicon);
    title_decides(trial, &mut roles, &arms);
    reference_compares(trial, &mut roles);
    let strategy_arm = negated_twin(trial, &test_arms, &control_arms);
    if strategy_arm.is_none() {
        shared_is_tested(trial, &mut roles, lexicon);
        experimental_gets_the_test(&mut roles, &arms, &test_arms);
    }
    let placebo_named = trial
        .interventions
        .iter()
        .any(|iv| names_a_placebo(iv, lexicon));
    let mut reading = Reading {
        roles,
        arms,
        comparison: None,
        placebo_given: false,
        sham: false,
        same_everywhere: false,
        placebo_everywhere: false,
        test_arms: test_arms.clone(),
        strategy_arm,
    };
    let (comparison, sham_words) = comparison(trial, &reading, &control_arms, lexicon);
    // A record without arms may still say in its title that a placebo is the comparison.
    let titled = |t: &Option<String>| {
        t.as_deref()
            .is_some_and(|t| lexicon.roles.placebo_titled.affirms(&t.to_lowercase()))
    };
    let (comparison, field) = match comparison {
        None if trial.arms.is_empty()
            && trial.allocation == Allocation::Randomized
            && titled(&trial.official_title) =>
        {
            (Some(Comparison::Placebo), OFFICIAL_TITLE)
        }
        c => (c, ARMS),
    };
    reading.placebo_given =
        placebo_named || matches!(comparison, Some(Comparison::Placebo | Comparison::Sham));
    reading.sham = comparison == Some(Comparison::Sham) || sham_words;
    reading.comparison = comparison.map(|c| Fact::new(c, field));
    let tested: Vec<usize> = reading.with_role(Role::Tested).collect();
    reading.same_everywhere = trial.arms.len() >= 2
        && !tested.is_empty()
        && tested
            .iter()
            .all(|&i| reading.arms[i].len() == trial.arms.len());
    let placebos: Vec<usize> = reading.with_role(Role::Placebo).collect();
    reading.placebo_everywhere = reading.same_everywhere
        && !placebos.is_empty()
        && placebos
            .iter()
            .all(|&i| reading.arms[i].len() == trial.arms.len());
    reading
}

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::facts::*;
    use crate::trial::*;

    #[test]
    fn placebo_is_not_what_is_tested() {
        use InterventionKind::*;
        let trial = trial_with(&[
            (Drug, "Placebo", "sugar pill"),
            (Drug, "Vehicle", ""),
            (Drug, "Repaglinide", ""),
        ]);
        let facts = derive(&trial, &lexicon());
        let names: Vec<&str> = facts
            .treatments
            .iter()
            .map(|t| t.value.name.as_str())
            .collect();
        assert_eq!(names, ["Repaglinide"]);
        assert_eq!(facts.active_substance.unwrap().value, "Repaglinide");
        assert_eq!(facts.comparison.unwrap().value, Comparison::Placebo);
    }

    #[test]
    fn a_drug_registered_by_its_initials_is_tested_under_its_name() {
        use InterventionKind::*;
        let mut trial = designed(
            &[
                (ArmKind::Experimental, "Chlorpheniramine", ""),
                (ArmKind::PlaceboComparator, "Control", ""),
            ],
            &[
                (Drug, "CPM", &["Chlorpheniramine"]),
                (Drug, "Placebo", &["Control"]),
            ],
        );
        trial.interventions[0].other_names = vec!["Chlorpheniramine".to_owned()];
        let facts = derive(&trial, &lexicon());
        assert_eq!(facts.treatments[0].value.plain, "chlorpheniramine");
        let substance = facts.active_substance.unwrap();
        assert_eq!(substance.value, "Chlorpheniramine");
        assert_eq!(
            substance.field,
            "protocolSection.armsInterventionsModule.interventions[0].otherNames[0]"
        );
    }

    #[test]
    fn a_lab_analysis_beside_the_drugs_is_an_assessment() {
        use InterventionKind::*;
        let trial = designed(
            &[(ArmKind::Experimental, "Treatment", "")],
            &[
                (Other, "Laboratory Biomarker Analysis", &["Treatment"]),
                (Drug, "Sorafenib Tosylate", &["Treatment"]),
                (Drug, "Tipifarnib", &["Treatment"]),
            ],
        );
        assert_eq!(
            roles_of(&trial),
            [
                ("Laboratory Biomarker Analysis".to_owned(), Role::Assessment),
                ("Sorafenib Tosylate".to_owned(), Role::Tested),
                ("Tipifarnib".to_owned(), Role::Tested),
            ]
        );
    }

    #[test]
    fn the_drug_both_arms_get_is_background_and_the_saline_a_placebo() {
        use InterventionKind::*;
        let trial = designed(
            &[
                (ArmKind::Experimental, "1", ""),
                (ArmKind::PlaceboComparator, "2", ""),
            ],
            &[
                (Drug, "ALTIM, cortivazol injections", &["1"]),
                (
                    Drug,
                    "PROAMP, subcutaneous serum physiological saline",
                    &["2"],
                ),
                (Drug, "Verapamil", &["1", "2"]),
            ],
        );
        let facts = derive(&trial, &lexicon());
        let roles: Vec<Role> = facts.interventions.iter().map(|i| i.value.role).collect();
        assert_eq!(roles, [Role::Tested, Role::Placebo, Role::Background]);
        assert_eq!(facts.background[0].value.plain, "verapamil");
        assert_eq!(facts.comparison.unwrap().value, Comparison::Placebo);
    }
}
