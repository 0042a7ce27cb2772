//! What is given in a trial: which interventions are the treatment being tested, and their
//! names in plain words.

use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::trial::*;

/// Placebo, sham and look-alike "vehicle" products are what a treatment is compared with, not
/// what is tested.
fn is_dummy(name: &str) -> bool {
    let n = name.to_lowercase();
    ["placebo", "sham", "vehicle", "saline", "dummy"]
        .iter()
        .any(|w| contains_phrase(&n, w))
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

/// Indexes of the interventions being tested: those given in experimental arms, or all of them
/// when the record does not link arms and interventions; never placebos.
pub(super) fn experimental_interventions(trial: &Trial, lexicon: &Lexicon) -> Vec<usize> {
    let experimental_labels: Vec<&str> = trial
        .arms
        .iter()
        .filter(|a| a.kind == ArmKind::Experimental)
        .map(|a| a.label.as_str())
        .collect();
    let in_experimental_arm = |iv: &Intervention| {
        iv.arm_labels
            .iter()
            .any(|l| experimental_labels.contains(&l.as_str()))
            || trial
                .arms
                .iter()
                .filter(|a| a.kind == ArmKind::Experimental)
                .any(|a| a.intervention_names.iter().any(|n| n.ends_with(&iv.name)))
    };
    let mut seen: Vec<String> = Vec::new();
    let candidates: Vec<usize> = (0..trial.interventions.len())
        .filter(|&i| {
            let name = &trial.interventions[i].name;
            let fresh = !seen.contains(&name.to_lowercase());
            seen.push(name.to_lowercase());
            // A short acronym the lexicon knows ("CBT") says what it is; a scan is not a treatment.
            let known = lexicon.treatment(name);
            fresh
                && !is_dummy(name)
                && known.is_none_or(|t| !t.test)
                && (known.is_some() || !is_uninformative(name))
        })
        .collect();
    let linked: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| in_experimental_arm(&trial.interventions[i]))
        .collect();
    if linked.is_empty() {
        candidates
    } else {
        linked
    }
}

pub(super) fn treatment_kind(kind: &InterventionKind) -> TreatmentKind {
    match kind {
        InterventionKind::Drug
        | InterventionKind::Biological
        | InterventionKind::Genetic
        | InterventionKind::CombinationProduct => TreatmentKind::Medicine,
        InterventionKind::DietarySupplement => TreatmentKind::Diet,
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
