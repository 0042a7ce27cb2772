//! Rule 1: what a product is, from its own words: a placebo, an assessment, nothing, or
//! something active; and whether it is taken into the body.

use super::names::{described_treatment, spelled_out};
use super::Nature;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::trial::*;

/// Rule 1: what a product is, from its name, other names and description.
pub(crate) fn nature(iv: &Intervention, lexicon: &Lexicon) -> Nature {
    let roles = &lexicon.roles;
    let name = without_label(&iv.name, lexicon).to_lowercase();
    let description = iv.description.as_deref().unwrap_or("").to_lowercase();
    if described_treatment(iv, lexicon).is_some() {
        return Nature::Active;
    }
    if is_uninformative(&iv.name)
        && spelled_out(iv).is_none()
        && lexicon.treatment(&iv.name).is_none()
        || roles
            .nothing
            .find(&name)
            .is_some_and(|r| r.len() + 2 >= name.trim().len())
        || roles.nothing_described.marks(&description)
    {
        return Nature::Nothing;
    }
    // "Sildenafil and questionnaire", "Placebo QHS and sildenafil": a medicine's name that
    // joins the product with a measure or a look-alike gives the product.
    if active_parts(iv, lexicon).is_some() {
        return Nature::Active;
    }
    // "Omalizumab or placebo" names both: the product is active and a placebo is in the design.
    if names_a_placebo(iv, lexicon) && !mixes_placebo(&name) && !named_beside_placebo(iv, lexicon) {
        return Nature::Placebo;
    }
    let last_word = name
        .split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .unwrap_or("");
    if roles.assessment.marks(&without_codes(&name, |w| {
        roles.assessment.find(w).is_some_and(|r| r.len() == w.len())
    })) || roles.assessment_described.marks(&description)
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

/// A name without its product codes: "ct-101-m" is a smoking-cessation app (NCT03694327), not
/// a CT scan. A code is a word of letters joined by a hyphen to a number, unless it is itself
/// a listed phrase (`keep`: "in-111", a tracer).
fn without_codes(name: &str, keep: impl Fn(&str) -> bool) -> std::borrow::Cow<'_, str> {
    let is_code = |word: &str| {
        word.split_once('-').is_some_and(|(letters, rest)| {
            !letters.is_empty()
                && letters.chars().all(char::is_alphabetic)
                && rest.starts_with(|c: char| c.is_ascii_digit())
        }) && !keep(word)
    };
    if !name.split_whitespace().any(is_code) {
        return name.into();
    }
    name.split_whitespace()
        .filter(|w| !is_code(w))
        .collect::<Vec<_>>()
        .join(" ")
        .into()
}

/// The active part of a medicine's name that joins it with measures or look-alikes, as the
/// registry words it: "Placebo QHS and sildenafil and questionnaires" gives "sildenafil" (from
/// the first active part to the last). `None` for a name of one thing, for other types, and
/// where no part (or every part) is active.
pub(crate) fn active_parts<'a>(iv: &'a Intervention, lexicon: &Lexicon) -> Option<&'a str> {
    let medicine = matches!(
        iv.kind,
        InterventionKind::Drug
            | InterventionKind::Biological
            | InterventionKind::Genetic
            | InterventionKind::DietarySupplement
            | InterventionKind::CombinationProduct
    );
    if !medicine {
        return None;
    }
    let parts = joined_parts(&iv.name, &lexicon.roles.names.parts);
    if parts.len() < 2 {
        return None;
    }
    let active: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|part| {
            let one = Intervention {
                name: (*part).to_owned(),
                description: None,
                other_names: Vec::new(),
                ..iv.clone()
            };
            nature(&one, lexicon) == Nature::Active
        })
        .collect();
    let (first, last) = (active.first()?, active.last()?);
    if active.len() == parts.len() {
        return None;
    }
    // The parts are slices of the name: the span between them is the registry's own words.
    let start = first.as_ptr() as usize - iv.name.as_ptr() as usize;
    let end = last.as_ptr() as usize - iv.name.as_ptr() as usize + last.len();
    iv.name.get(start..end)
}

/// The parts of a name that joins several things at one of `joins` (any case): "Placebo QHS
/// and sildenafil and questionnaires" is three. A name of one thing gives none, unallocated:
/// most names join nothing.
fn joined_parts<'a>(name: &'a str, joins: &[String]) -> Vec<&'a str> {
    let bytes = name.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        let join = joins.iter().find(|j| {
            bytes[at..]
                .get(..j.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(j.as_bytes()))
        });
        match join {
            // A join word starts and ends with ASCII: both ends are character boundaries.
            Some(j) => {
                parts.push(&name[start..at]);
                at += j.len();
                start = at;
            }
            None => at += 1,
        }
    }
    if parts.is_empty() {
        return parts;
    }
    parts.push(&name[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A name without a "Label: " prefix whose label names a part of the study ("Cohort
/// expansion: COM902 monotherapy." → "COM902 monotherapy.").
pub(crate) fn without_label<'a>(name: &'a str, lexicon: &Lexicon) -> &'a str {
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
pub(crate) fn names_a_placebo(iv: &Intervention, lexicon: &Lexicon) -> bool {
    std::iter::once(&iv.name)
        .chain(&iv.other_names)
        .any(|n| lexicon.roles.placebo.marks(&n.to_lowercase()))
}

/// A product whose own name is no placebo, listed with a placebo among other names that also
/// name the product: "Oral L-Arginine", other names "ArginMax" and "Placebo", is the arginine
/// of an arm that takes it with placebo capsules (NCT01105130), not a placebo.
fn named_beside_placebo(iv: &Intervention, lexicon: &Lexicon) -> bool {
    let placebo = |n: &str| lexicon.roles.placebo.marks(&n.to_lowercase());
    !placebo(&iv.name) && iv.other_names.iter().any(|n| !placebo(n))
}

/// "X or placebo", "placebo/X", "X versus placebo": one entry for the drug and its placebo.
pub(crate) fn mixes_placebo(name: &str) -> bool {
    [
        "or placebo",
        "placebo or",
        "and placebo",
        "/placebo",
        "placebo/",
        "vs placebo",
        "vs. placebo",
        "versus placebo",
        "+ placebo",
        "with placebo",
    ]
    .iter()
    .any(|p| name.contains(p))
}

/// Names that do not say what is given: "ALL", "Group 40", "Arm A", "Cohort 2".
pub(crate) fn is_uninformative(name: &str) -> bool {
    let lower = name.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    letters == 0
        || (letters <= 3
            && !name.chars().any(|c| c.is_ascii_digit())
            && name.chars().all(|c| !c.is_lowercase()))
        || (["group", "arm", "cohort", "intervention", "control"].contains(&first)
            && lower.split_whitespace().count() <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::test_support::*;

    fn nature_of(kind: InterventionKind, name: &str, description: &str) -> Nature {
        nature(
            &trial_with(&[(kind, name, description)]).interventions[0],
            &lexicon(),
        )
    }

    #[test]
    fn a_medicine_named_with_a_measure_or_a_placebo_is_the_medicine() {
        use InterventionKind::*;
        let lex = lexicon();
        let parts = |kind, name: &str| {
            let trial = trial_with(&[(kind, name, "")]);
            active_parts(&trial.interventions[0], &lex).map(str::to_owned)
        };
        assert_eq!(
            parts(Drug, "Placebo QHS and sildenafil and questionnaires").as_deref(),
            Some("sildenafil")
        );
        assert_eq!(
            nature_of(Drug, "Sildenafil and questionnaire", ""),
            Nature::Active
        );
        // One product, or a study step that is no medicine, is left as it is.
        assert_eq!(parts(Drug, "Tislelizumab and chemotherapy"), None);
        assert_eq!(parts(Other, "Case identification and recruitment"), None);
    }

    #[test]
    fn a_placebo_is_known_by_its_name_whatever_its_type() {
        use InterventionKind::*;
        for name in [
            "Placebo",
            "Sugar Pill",
            "ALK diluent 0,3% human albumin",
            "PROAMP, subcutaneous serum physiological saline",
            "Vehicle cream",
        ] {
            assert_eq!(nature_of(Drug, name, ""), Nature::Placebo, "{name}");
        }
        // Active products that hold a placebo word, and one entry for a drug and its placebo.
        assert_eq!(nature_of(Drug, "Hypertonic saline", ""), Nature::Active);
        assert_eq!(nature_of(Drug, "Omalizumab or placebo", ""), Nature::Active);
    }

    #[test]
    fn what_only_measures_is_an_assessment() {
        use InterventionKind::*;
        for (kind, name, description) in [
            (
                Other,
                "Laboratory Biomarker Analysis",
                "Correlative studies",
            ),
            (Other, "Biospecimen Collection", ""),
            (Other, "Quality-of-Life Assessment", ""),
            (DiagnosticTest, "Basophil Activation Test", ""),
            (DiagnosticTest, "SNOT22 score", ""),
            (Other, "CT radioraphic assessment", ""),
            (Radiation, "In-111 ibritumomab tiuxetan", ""),
            (
                Biological,
                "Indium In 111 Anti-CD45 Monoclonal Antibody BC8",
                "Given IV (dosimetric dose)",
            ),
        ] {
            assert_eq!(
                nature_of(kind, name, description),
                Nature::Assessment,
                "{name}"
            );
        }
        assert_eq!(nature_of(Drug, "Tipifarnib", "Given PO"), Nature::Active);
        // A product code is not a scan: CT-101-M is an app (NCT03694327).
        assert_eq!(
            nature_of(Device, "CT-101-M", "Mobile Application"),
            Nature::Active
        );
    }

    #[test]
    fn a_general_word_may_only_be_how_a_trial_names_its_drug() {
        use InterventionKind::*;
        assert_eq!(
            nature_of(
                Other,
                "Evaluation of headache inducing capabilities of PACAP38",
                ""
            ),
            Nature::MaybeAssessment
        );
        // A label before the colon does not make the product an assessment.
        assert_eq!(
            nature_of(
                CombinationProduct,
                "Evaluation of safety/tolerability: COM902 in combination with COM701",
                ""
            ),
            Nature::Active
        );
    }

    #[test]
    fn names_that_say_nothing_is_given_are_nothing() {
        use InterventionKind::*;
        assert_eq!(nature_of(Other, "No intervention", ""), Nature::Nothing);
        assert_eq!(nature_of(Other, "Arm A", ""), Nature::Nothing);
        // A placebo the description says nobody gets (an open-label extension).
        assert_eq!(
            nature_of(
                Drug,
                "Placebo",
                "Participants will not be receiving placebo in this OLE study."
            ),
            Nature::Nothing
        );
    }

    #[test]
    fn names_that_say_nothing_are_uninformative() {
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
}
