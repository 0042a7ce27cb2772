//! What is given in a trial and the role of each intervention in its design: tested, given to
//! everyone alike (background), an active comparison, a placebo, or only an assessment.
//!
//! The registry's lists cannot be taken at their word: arms typed `PLACEBO_COMPARATOR` may get
//! an active product, arms typed `ACTIVE_COMPARATOR` may be the experimental arm, a lab analysis
//! may sit in the experimental arm beside the drug. So each role is read in small steps, each a
//! named rule with its test:
//!
//! 1. [`nature`]: what the product is, from its own words (`roles.toml`): a placebo, an
//!    assessment, nothing at all, or something active.
//! 2. [`arms_of`]: which arms get it, from the intervention's arm labels and the arms' lists.
//! 3. [`sides`]: which arms test and which compare, from the arm types, corrected by what the
//!    arms get (an arm that gets only placebo compares, whatever its type).
//! 4. [`role_of`]: tested (in test arms only), comparator (in comparison arms only), background
//!    (in every arm, or on both sides); in a factorial design or without comparison arms, every
//!    active product is part of what is tested.
//! 5. [`usual_beside_tested`]: a product its description calls standard or given to all is
//!    background when something else is tested.
//! 6. [`title_decides`]: when every arm gets the same products one after the other (a
//!    crossover), the ones the title names are tested and the others are what they are
//!    compared with.
//! 7. [`shared_is_tested`]: when nothing else is tested, what every arm shares is the test
//!    itself, and the comparison arm gets a placebo version of it or nothing.
//! 8. [`comparison`]: what the tested treatment is compared with.

use super::ARMS;
use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::trial::*;

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
    /// The arms that test (indexes into `trial.arms`).
    pub test_arms: Vec<usize>,
    /// A test arm whose label names the approach tested, when a comparison arm is its
    /// negated twin ("MRD-guided treatment" beside "Non MRD-guided treatment").
    pub strategy_arm: Option<usize>,
}

impl Reading {
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = usize> + '_ {
        self.roles
            .iter()
            .filter(move |(_, r)| *r == role)
            .map(|(i, _)| *i)
    }
}

/// Reads the role of every intervention of a trial.
pub(super) fn read(trial: &Trial, lexicon: &Lexicon) -> Reading {
    let n = trial.interventions.len();
    let mut natures: Vec<Nature> = trial
        .interventions
        .iter()
        .map(|iv| nature(iv, lexicon))
        .collect();
    let active = natures.contains(&Nature::Active);
    let observational = trial.study_type == StudyType::Observational;
    for n in natures.iter_mut().filter(|n| **n == Nature::MaybeAssessment) {
        *n = if active || observational {
            Nature::Assessment
        } else {
            Nature::Active
        };
    }
    let arms: Vec<Vec<usize>> = trial
        .interventions
        .iter()
        .map(|iv| arms_of(trial, iv))
        .collect();
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
    let mut roles: Vec<(usize, Role)> = unique
        .iter()
        .map(|&i| {
            let role = match natures[i] {
                Nature::Placebo => Role::Placebo,
                Nature::Assessment => Role::Assessment,
                _ if !linked || arms[i].is_empty() || factorial => Role::Tested,
                _ => role_of(&arms[i], trial.arms.len(), &test_arms, &control_arms),
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
    }
    let placebo_named = trial.interventions.iter().any(|iv| names_a_placebo(iv, lexicon));
    let mut reading = Reading {
        roles,
        arms,
        comparison: None,
        placebo_given: false,
        sham: false,
        same_everywhere: false,
        test_arms: test_arms.clone(),
        strategy_arm,
    };
    let (comparison, sham_words) = comparison(trial, &reading, &control_arms, lexicon);
    reading.placebo_given = placebo_named
        || matches!(comparison, Some(Comparison::Placebo | Comparison::Sham));
    reading.sham = comparison == Some(Comparison::Sham) || sham_words;
    reading.comparison = comparison.map(|c| Fact::new(c, ARMS));
    let tested: Vec<usize> = reading.with_role(Role::Tested).collect();
    reading.same_everywhere = trial.arms.len() >= 2
        && !tested.is_empty()
        && tested
            .iter()
            .all(|&i| reading.arms[i].len() == trial.arms.len());
    reading
}

/// Rule 1: what a product is, from its name, other names and description.
pub(super) fn nature(iv: &Intervention, lexicon: &Lexicon) -> Nature {
    let roles = &lexicon.roles;
    let name = without_label(&iv.name, lexicon).to_lowercase();
    let description = iv.description.as_deref().unwrap_or("").to_lowercase();
    if is_uninformative(&iv.name) && lexicon.treatment(&iv.name).is_none()
        || roles.nothing.find(&name).is_some_and(|r| r.len() + 2 >= name.trim().len())
        || roles.nothing_described.marks(&description)
    {
        return Nature::Nothing;
    }
    // "Omalizumab or placebo" names both: the product is active and a placebo is in the design.
    if names_a_placebo(iv, lexicon) && !mixes_placebo(&name) {
        return Nature::Placebo;
    }
    let last_word = name
        .split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .unwrap_or("");
    if roles.assessment.marks(&name)
        || roles.assessment_described.marks(&description)
        || roles.assessment_ends.iter().any(|e| e == last_word)
        || lexicon.treatment(&iv.name).is_some_and(|t| t.test)
    {
        return Nature::Assessment;
    }
    if roles.assessment_weak.marks(&name) {
        return Nature::MaybeAssessment;
    }
    Nature::Active
}

/// A name without a "Label: " prefix whose label names a part of the study ("Cohort
/// expansion: COM902 monotherapy." → "COM902 monotherapy.").
fn without_label<'a>(name: &'a str, lexicon: &Lexicon) -> &'a str {
    match name.split_once(':') {
        Some((label, after))
            if !after.trim().is_empty()
                && lexicon
                    .roles
                    .names
                    .labels
                    .iter()
                    .any(|l| contains_phrase(&label.to_lowercase(), l)) =>
        {
            after.trim()
        }
        _ => name.trim(),
    }
}

/// The intervention's name or one of its other names is a placebo word.
fn names_a_placebo(iv: &Intervention, lexicon: &Lexicon) -> bool {
    std::iter::once(&iv.name)
        .chain(&iv.other_names)
        .any(|n| lexicon.roles.placebo.marks(&n.to_lowercase()))
}

/// "X or placebo", "placebo/X", "X versus placebo": one entry for the drug and its placebo.
fn mixes_placebo(name: &str) -> bool {
    ["or placebo", "placebo or", "and placebo", "/placebo", "placebo/", "vs placebo", "vs. placebo", "versus placebo", "+ placebo", "with placebo"]
        .iter()
        .any(|p| name.contains(p))
}

/// Names that do not say what is given: "ALL", "Group 40", "Arm A", "Cohort 2".
fn is_uninformative(name: &str) -> bool {
    let lower = name.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    name.trim().is_empty()
        || (letters <= 3
            && !name.chars().any(|c| c.is_ascii_digit())
            && name.chars().all(|c| !c.is_lowercase()))
        || (["group", "arm", "cohort", "intervention", "control"].contains(&first)
            && lower.split_whitespace().count() <= 2)
}

/// Rule 2: the arms that get an intervention: those its arm labels name, and those whose
/// intervention lists name it ("Drug: Verapamil").
pub(super) fn arms_of(trial: &Trial, iv: &Intervention) -> Vec<usize> {
    let name = iv.name.trim();
    trial
        .arms
        .iter()
        .enumerate()
        .filter(|(_, arm)| {
            iv.arm_labels
                .iter()
                .any(|l| l.trim().eq_ignore_ascii_case(arm.label.trim()))
                || arm.intervention_names.iter().any(|listed| {
                    let listed = listed.trim();
                    let bare = listed.split_once(": ").map_or(listed, |(_, n)| n).trim();
                    !name.is_empty()
                        && (bare.eq_ignore_ascii_case(name) || listed.ends_with(name))
                })
        })
        .map(|(a, _)| a)
        .collect()
}

/// Rule 3: which arms test and which compare. Experimental arms test and all others compare;
/// without an experimental arm, placebo, sham and no-intervention arms compare and the rest
/// test (an arm typed active comparator beside a placebo arm is the one being tested); an arm
/// that gets nothing but placebo compares whatever its type.
pub(super) fn sides(
    trial: &Trial,
    natures: &[Nature],
    arms: &[Vec<usize>],
    lexicon: &Lexicon,
) -> (Vec<usize>, Vec<usize>) {
    let linked = arms.iter().any(|a| !a.is_empty());
    let active_somewhere = (0..arms.len()).any(|i| natures[i] == Nature::Active && !arms[i].is_empty());
    // An arm that gets no active product (a placebo, a symptom score, nothing) compares.
    let nothing_active = |a: usize| {
        linked
            && active_somewhere
            && !(0..arms.len()).any(|i| natures[i] == Nature::Active && arms[i].contains(&a))
    };
    // An arm whose own words say placebo, room air or a wait compares, whatever its type.
    let words = &lexicon.roles;
    // Arms typed experimental are all alike in a record that types every arm so; only a
    // wait says which one compares.
    let all_experimental = trial.arms.iter().all(|x| x.kind == ArmKind::Experimental);
    let says_control = |arm: &Arm| {
        let text =
            format!("{} {}", arm.label, arm.description.as_deref().unwrap_or("")).to_lowercase();
        trial.arms.len() >= 2
            && (words.wait_list.marks(&text)
                || (arm.kind != ArmKind::Experimental
                    && (words.placebo_described.marks(&text)
                        || words.sham_described.marks(&text))))
            && (arm.kind != ArmKind::Experimental || all_experimental)
    };
    let any_experimental = trial.arms.iter().any(|a| a.kind == ArmKind::Experimental);
    let compares = |a: usize, arm: &Arm| {
        nothing_active(a)
            || says_control(arm)
            || if any_experimental {
                arm.kind != ArmKind::Experimental
            } else {
                matches!(
                    arm.kind,
                    ArmKind::PlaceboComparator | ArmKind::ShamComparator | ArmKind::NoIntervention
                )
            }
    };
    let (control, test): (Vec<usize>, Vec<usize>) =
        (0..trial.arms.len()).partition(|&a| compares(a, &trial.arms[a]));
    if test.is_empty() {
        // Every arm compares (two placebo arms?): nothing to tell them apart by.
        ((0..trial.arms.len()).collect(), Vec::new())
    } else {
        (test, control)
    }
}

/// Rule 4: the role of an active product from the arms that get it: tested in test arms only,
/// background in every arm, comparator otherwise.
pub(super) fn role_of(given_to: &[usize], all: usize, test: &[usize], control: &[usize]) -> Role {
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
pub(super) fn usual_beside_tested(trial: &Trial, roles: &mut [(usize, Role)], lexicon: &Lexicon) {
    let usual = |i: usize| {
        trial.interventions[i]
            .description
            .as_deref()
            .is_some_and(|d| lexicon.roles.background_described.marks(&d.to_lowercase()))
    };
    let other_tested = roles
        .iter()
        .any(|&(i, r)| r == Role::Tested && !usual(i));
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
pub(super) fn title_decides(trial: &Trial, roles: &mut [(usize, Role)], arms: &[Vec<usize>]) {
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
                let core = n.split(['(', '[', ',']).next().unwrap_or("").trim().to_owned();
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

/// Rule 7: nothing else is tested, so what every arm shares is the test itself, and the
/// comparison arm gets a placebo version of it or nothing (shockwaves through a filter, diet
/// counselling alone, antibiotics only).
/// A shared product its description calls standard or given to all (a challenge virus, "all
/// subjects will receive omalizumab") stays background while another shared product can be
/// the test.
pub(super) fn shared_is_tested(trial: &Trial, roles: &mut [(usize, Role)], lexicon: &Lexicon) {
    if roles.iter().any(|(_, r)| *r == Role::Tested) {
        return;
    }
    let usual = |i: usize| {
        trial.interventions[i]
            .description
            .as_deref()
            .is_some_and(|d| lexicon.roles.background_described.marks(&d.to_lowercase()))
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

/// Rule 7b: a strategy trial, where both sides get the same products and the arms differ in
/// how they are used: the comparison arm's label is the test arm's with "non", "no" or
/// "without" before it. The test arm's label names what is tested, and what both get is
/// background.
pub(super) fn negated_twin(trial: &Trial, test: &[usize], control: &[usize]) -> Option<usize> {
    let norm = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '+')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    test.iter().copied().find(|&t| {
        let label = norm(&trial.arms[t].label);
        control.iter().any(|&c| {
            let other = norm(&trial.arms[c].label);
            ["non ", "no ", "without ", "not "]
                .iter()
                .any(|neg| other.strip_prefix(neg) == Some(label.as_str()))
        })
    })
}

/// Rule 4b: a factorial design shown by its arms, whatever the model says: two products and
/// four arms getting both, one, the other and neither. Both products are tested.
pub(super) fn crossed(trial: &Trial, natures: &[Nature], arms: &[Vec<usize>]) -> bool {
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

/// Rule 6b: a bioequivalence record names its test and reference products in the arm
/// descriptions ("T : HCP1303 R : HGP1201 + HIP1402"); the reference products are compared with.
pub(super) fn reference_compares(trial: &Trial, roles: &mut [(usize, Role)]) {
    let mut reference = String::new();
    for arm in &trial.arms {
        let Some(d) = &arm.description else { continue };
        let lower = d.to_lowercase();
        for marker in ["r :", "r:", "reference:", "reference product:", "reference drug:"] {
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
    let remaining = roles
        .iter()
        .any(|&(i, r)| r == Role::Tested && !named(i));
    if remaining {
        for (i, role) in roles.iter_mut() {
            if *role == Role::Tested && named(*i) {
                *role = Role::Comparator;
            }
        }
    }
}

/// Rule 8: what the tested treatment is compared with, and whether the comparison arms'
/// words speak of a sham. The comparison arms' products decide first (a placebo product, an
/// active comparator); then their type and words (usual care, no treatment, placebo, sham).
fn comparison(
    trial: &Trial,
    reading: &Reading,
    control_arms: &[usize],
    lexicon: &Lexicon,
) -> (Option<Comparison>, bool) {
    let words = &lexicon.roles;
    let arm_text = |a: usize| {
        let arm = &trial.arms[a];
        format!("{} {}", arm.label, arm.description.as_deref().unwrap_or("")).to_lowercase()
    };
    let tested_kinds: Vec<&InterventionKind> = reading
        .with_role(Role::Tested)
        .map(|i| &trial.interventions[i].kind)
        .collect();
    // A look-alike of a device or a procedure is a sham.
    let physical = !tested_kinds.is_empty()
        && tested_kinds.iter().all(|k| {
            matches!(
                k,
                InterventionKind::Device | InterventionKind::Procedure | InterventionKind::Radiation
            )
        });
    let placebo_products: Vec<usize> = reading.with_role(Role::Placebo).collect();
    let sham_words = placebo_products.iter().any(|&i| {
        let iv = &trial.interventions[i];
        words.sham.marks(&iv.name.to_lowercase())
    }) || control_arms.iter().any(|&a| words.sham_described.marks(&arm_text(a)));
    let placebo_kind = if physical || sham_words {
        Comparison::Sham
    } else {
        Comparison::Placebo
    };
    let gets = |a: usize, role: Role| {
        reading
            .roles
            .iter()
            .any(|&(i, r)| r == role && reading.arms[i].contains(&a))
    };
    let blinded = trial.masking != Masking::None && trial.masking != Masking::NotGiven;
    let background_only = |a: usize| {
        reading
            .roles
            .iter()
            .filter(|(i, _)| reading.arms[*i].contains(&a))
            .all(|(_, r)| matches!(r, Role::Background | Role::Assessment))
            && reading.with_role(Role::Background).next().is_some()
    };
    let gets_active = |a: usize| {
        reading.roles.iter().any(|&(i, r)| {
            matches!(r, Role::Tested | Role::Comparator | Role::Background)
                && reading.arms[i].contains(&a)
        })
    };
    let mut found = None;
    for &a in control_arms {
        let arm = &trial.arms[a];
        let text = arm_text(a);
        let this = if arm.kind == ArmKind::ShamComparator {
            Some(Comparison::Sham)
        } else if gets(a, Role::Comparator) {
            // An active comparator with a placebo beside it: the placebo only hides which
            // treatment is which (a double dummy).
            let usual = reading.with_role(Role::Comparator).any(|i| {
                reading.arms[i].contains(&a)
                    && words.usual_care.marks(&trial.interventions[i].name.to_lowercase())
            });
            Some(if usual { Comparison::UsualCare } else { Comparison::OtherTreatment })
        } else if gets(a, Role::Placebo) {
            Some(placebo_kind)
        } else if words.wait_list.marks(&text) {
            Some(Comparison::Later)
        } else if words.sham_described.marks(&text) {
            Some(Comparison::Sham)
        } else if words.placebo_described.marks(&text)
            || (arm.kind == ArmKind::PlaceboComparator && blinded)
        {
            // A placebo arm that lists no placebo product: its product is the look-alike the
            // words or the blinding speak of.
            Some(placebo_kind)
        } else if background_only(a) {
            Some(Comparison::BackgroundAlone)
        } else if words.usual_care.marks(&text) {
            Some(Comparison::UsualCare)
        } else if arm.kind == ArmKind::NoIntervention
            || words.no_treatment.marks(&text)
            || arm.kind == ArmKind::PlaceboComparator
            || !gets_active(a)
        {
            Some(Comparison::NoTreatment)
        } else if arm.kind == ArmKind::ActiveComparator {
            // Typed an active comparison but listed with the tested product only: the record's
            // links are loose, the type is what it says.
            Some(Comparison::OtherTreatment)
        } else {
            None
        };
        // The strongest comparison wins: a placebo arm over an active one over usual care.
        found = match (found, this) {
            (None, t) => t,
            (f, None) => f,
            (Some(f), Some(t)) => Some(if rank(t) < rank(f) { t } else { f }),
        };
    }
    if found.is_none() && !placebo_products.is_empty() {
        found = Some(placebo_kind);
    }
    (found, sham_words)
}

fn rank(c: Comparison) -> u8 {
    match c {
        Comparison::Placebo => 0,
        Comparison::Sham => 1,
        Comparison::OtherTreatment => 2,
        Comparison::BackgroundAlone => 3,
        Comparison::UsualCare => 4,
        Comparison::Later => 5,
        Comparison::NoTreatment => 6,
    }
}

/// Whether a product is taken into the body: by its registry type, or for an `OTHER`,
/// procedure or device, by its name ("A2 milk", "oxygen", "allergen extracts").
pub(super) fn is_substance(iv: &Intervention, lexicon: &Lexicon) -> bool {
    match iv.kind {
        InterventionKind::Drug
        | InterventionKind::Biological
        | InterventionKind::Genetic
        | InterventionKind::CombinationProduct
        | InterventionKind::DietarySupplement => true,
        InterventionKind::Other | InterventionKind::Procedure | InterventionKind::Device => {
            lexicon.roles.substance.marks(&iv.name.to_lowercase())
                // An OTHER often names a study step; its description says what is given.
                || (iv.kind == InterventionKind::Other
                    && iv.description.as_deref().is_some_and(|d| {
                        lexicon.roles.substance.marks(&d.to_lowercase())
                    }))
        }
        _ => false,
    }
}

/// The products a registered name speaks of: "Cohort expansion: Triplet combination of COM902
/// + COM701 + Pembrolizumab." is COM902, COM701 and Pembrolizumab; "Dose escalation: COM902
/// monotherapy." is COM902. Most names are one product and come back whole.
pub(super) fn components(name: &str, lexicon: &Lexicon) -> Vec<String> {
    let words = &lexicon.roles.names;
    let rest = without_label(name, lexicon).trim_end_matches('.').trim();
    let mut parts = vec![rest.to_owned()];
    for join in &words.joins {
        parts = parts
            .iter()
            .flat_map(|p| {
                let lower = p.to_lowercase();
                let mut out = Vec::new();
                let mut from = 0;
                while let Some(at) = lower[from..].find(join.as_str()) {
                    out.push(p[from..from + at].to_owned());
                    from += at + join.len();
                }
                out.push(p[from..].to_owned());
                out
            })
            .collect();
    }
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let mut part = part.trim().to_owned();
        for d in &words.drop {
            let lower = part.to_lowercase();
            if let Some(at) = crate::lexicon::find_phrase(&lower, d) {
                part.replace_range(at..at + d.len(), "");
                part = part.split_whitespace().collect::<Vec<_>>().join(" ");
            }
        }
        // A parenthesis left open by the split, or one that only holds a code or a dose note
        // ("COM902 (RDFE)", "COM701 (both at the RDFE)"), goes; "(Vitamin D3)" stays.
        if let Some(open) = part.find('(') {
            let inside = part[open + 1..].trim_end_matches(')');
            let code = !inside.contains(' ')
                && inside.chars().all(|c| !c.is_lowercase())
                && open > 0;
            if !part[open..].contains(')') || code || inside.to_lowercase().starts_with("both") {
                part.truncate(open);
            }
        }
        let part = part.trim().trim_end_matches(['.', ',']).trim().to_owned();
        if !part.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&part)) {
            out.push(part);
        }
    }
    if out.is_empty() {
        vec![name.to_owned()]
    } else {
        out
    }
}

/// What is tested when no registered intervention is: a strategy arm's label, or what an
/// experimental arm with nothing but assessments says it gets: "i-Factor Arm", described "will
/// be treated with i-FACTOR", tests i-FACTOR. The label's words for an arm go; the rest must
/// appear in the arm's description.
pub(super) fn named_by_arm(trial: &Trial, reading: &Reading) -> Option<(usize, String)> {
    if let Some(a) = reading.strategy_arm {
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
        (described && !is_uninformative(&name)).then_some((a, name))
    })
}

/// How much of a name the title holds, in percent of its words: "Yttrium Y 90 Anti-CD45
/// Monoclonal Antibody BC8" is mostly in "Yttrium-90 Anti-CD45 Monoclonal Antibody BC8 Followed
/// by Donor Stem Cell Transplant".
pub(super) fn title_share(name: &str, title: &str) -> u32 {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 2)
            .map(str::to_owned)
            .collect()
    };
    let title = words(title);
    let name = words(name);
    if name.is_empty() {
        return 0;
    }
    let shared = name.iter().filter(|w| title.contains(w)).count();
    u32::try_from(shared * 100 / name.len()).unwrap_or(0)
}

/// An intervention's name in plain words: the lexicon's, else the registered name in lower
/// case. Device names are brands: they keep the maker's spelling.
pub(super) fn plain(iv: &Intervention, lexicon: &Lexicon) -> String {
    lexicon.treatment(&iv.name).map_or_else(
        || {
            if iv.kind == InterventionKind::Device {
                iv.name.clone()
            } else {
                plain_name(&iv.name)
            }
        },
        |t| t.plain.clone(),
    )
}

/// The registry's spelling of an intervention type.
pub(super) fn type_code(kind: &InterventionKind) -> &'static str {
    match kind {
        InterventionKind::Drug => "DRUG",
        InterventionKind::Biological => "BIOLOGICAL",
        InterventionKind::Device => "DEVICE",
        InterventionKind::Procedure => "PROCEDURE",
        InterventionKind::Radiation => "RADIATION",
        InterventionKind::Behavioral => "BEHAVIORAL",
        InterventionKind::Genetic => "GENETIC",
        InterventionKind::DietarySupplement => "DIETARY_SUPPLEMENT",
        InterventionKind::CombinationProduct => "COMBINATION_PRODUCT",
        InterventionKind::DiagnosticTest => "DIAGNOSTIC_TEST",
        InterventionKind::Other => "OTHER",
    }
}

pub(super) fn treatment_kind(kind: &InterventionKind) -> TreatmentKind {
    match kind {
        InterventionKind::Drug
        | InterventionKind::Biological
        | InterventionKind::Genetic
        | InterventionKind::CombinationProduct => TreatmentKind::Medicine,
        InterventionKind::DietarySupplement => TreatmentKind::Supplement,
        InterventionKind::Device => TreatmentKind::Device,
        InterventionKind::Procedure => TreatmentKind::Procedure,
        InterventionKind::Radiation => TreatmentKind::Radiation,
        InterventionKind::Behavioral => TreatmentKind::Behavioral,
        InterventionKind::DiagnosticTest => TreatmentKind::Test,
        InterventionKind::Other => TreatmentKind::Other,
    }
}

/// A registered name as it reads in a sentence: lower case, except words that are acronyms or
/// codes ("APG-2575", "CT", "tVNS") and names with capitals inside, which keep their spelling.
pub fn plain_name(name: &str) -> String {
    name.split(' ')
        .map(|w| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            let keep = w.chars().any(|c| c.is_ascii_digit())
                || letters.iter().skip(1).any(|c| c.is_uppercase())
                || letters.len() == 1;
            if keep {
                w.to_owned()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::derive::test_support::*;

    #[test]
    fn names_that_say_nothing_are_not_treatments() {
        for name in [
            "ALL", "Group 40", "group 50", "Arm A", "Cohort 2", "Control", "",
        ] {
            assert!(is_uninformative(name), "{name}");
        }
        for name in [
            "Dupilumab",
            "GET73",
            "APG-2575",
            "Group therapy sessions",
            "Diet",
        ] {
            assert!(!is_uninformative(name), "{name}");
        }
    }

    #[test]
    fn registered_names_read_in_lower_case_but_keep_codes() {
        assert_eq!(
            plain_name("Human Placental Stem Cells"),
            "human placental stem cells"
        );
        assert_eq!(plain_name("APG-2575"), "APG-2575");
        assert_eq!(plain_name("tVNS Program"), "tVNS program");
        assert_eq!(plain_name("Dupilumab"), "dupilumab");
        assert_eq!(plain_name("COVID-19"), "COVID-19");
    }

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
}
