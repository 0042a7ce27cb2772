//! Rules 2 and 3: which arms get each product, and which arms test and which compare.

use super::Nature;
use crate::lexicon::Lexicon;
use crate::trial::*;

/// Rule 2: the arms that get an intervention: those its arm labels name, those whose
/// intervention lists name it ("Drug: Verapamil"), and those whose description adds something
/// to it by name: NCT04043611's ELDOA arm lists only ELDOA and is described as "Conservative
/// physical therapy management + ELDOA positions". An arm whose label joins it to something
/// else gets it too: NCT01067261's "TMNS and pelvic floor muscle training" lists only TMNS,
/// beside the arm of "Pelvic floor muscle training only".
pub(crate) fn arms_of(trial: &Trial, iv: &Intervention, lexicon: &Lexicon) -> Vec<usize> {
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
                    // The end of a listed name is the name only after a space or colon:
                    // "A1/A2 Milk" is not "A2 Milk" (NCT06252636).
                    let ends_with_name = listed.strip_suffix(name).is_some_and(|head| {
                        head.ends_with(|c: char| c.is_whitespace() || c == ':')
                    });
                    !name.is_empty() && (bare.eq_ignore_ascii_case(name) || ends_with_name)
                })
                || arm
                    .description
                    .as_deref()
                    .is_some_and(|d| adds_to(d, name, lexicon))
                || joined_in_label(&arm.label, name, lexicon)
        })
        .map(|(a, _)| a)
        .collect()
}

/// Whether an arm's description gives `name` with something added to it: "Conservative
/// physical therapy management + ELDOA positions", "the mobile app in addition to treatment as
/// usual" (NCT06000007). A name of one or two words may be a part of another product's name
/// ("favezelimab + pembrolizumab", one coformulation), and is not read so.
fn adds_to(description: &str, name: &str, lexicon: &Lexicon) -> bool {
    if name.split_whitespace().count() < 3 {
        return false;
    }
    let forms = &lexicon.roles.names.adds;
    // Asked for every arm and product: most descriptions add nothing, and are passed over
    // before anything is lower-cased.
    let has = |words: &str| {
        let words = words.trim().as_bytes();
        !words.is_empty()
            && description
                .as_bytes()
                .windows(words.len())
                .any(|w| w.eq_ignore_ascii_case(words))
    };
    if !forms.iter().any(|form| has(&form.replace("{}", ""))) {
        return false;
    }
    let description = description.to_lowercase();
    let name = name.to_lowercase();
    forms
        .iter()
        .any(|form| description.contains(&form.replace("{}", &name)))
}

/// Whether an arm's label gives `name` joined to something else ("TMNS and pelvic floor
/// muscle training"): one of the parts between the joining words is the name.
fn joined_in_label(label: &str, name: &str, lexicon: &Lexicon) -> bool {
    let joins = &lexicon.roles.names.together;
    let label = label.to_lowercase();
    if name.is_empty() || !joins.iter().any(|j| label.contains(j.as_str())) {
        return false;
    }
    let name = name.to_lowercase();
    let mut parts = vec![label.as_str()];
    for join in joins {
        parts = parts.iter().flat_map(|p| p.split(join.as_str())).collect();
    }
    parts.iter().any(|p| p.trim() == name)
}

/// Rule 3: which arms test and which compare. Experimental arms test and all others compare;
/// without an experimental arm, placebo, sham and no-intervention arms compare and the rest
/// test (an arm typed active comparator beside a placebo arm is the one being tested), except
/// an arm that gets less than another; an arm that gets nothing but placebo compares whatever
/// its type.
pub(crate) fn sides(
    trial: &Trial,
    natures: &[Nature],
    arms: &[Vec<usize>],
    lexicon: &Lexicon,
) -> (Vec<usize>, Vec<usize>) {
    let linked = arms.iter().any(|a| !a.is_empty());
    let active_somewhere =
        (0..arms.len()).any(|i| natures[i] == Nature::Active && !arms[i].is_empty());
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
    // Words count only for an arm with no product of its own: one whose products every arm
    // gets ("15 l/min room air" listed with the oxygen all arms list). An arm that gets its own
    // drug and a placebo for another one is a double dummy, not a comparison.
    let own_product = |a: usize| {
        (0..arms.len()).any(|i| {
            natures[i] == Nature::Active && arms[i].contains(&a) && arms[i].len() < trial.arms.len()
        })
    };
    let says_control = |a: usize, arm: &Arm| {
        let text =
            format!("{} {}", arm.label, arm.description.as_deref().unwrap_or("")).to_lowercase();
        trial.arms.len() >= 2
            && !own_product(a)
            && (words.wait_list.affirms(&text)
                || (arm.kind != ArmKind::Experimental
                    && (words.placebo_described.affirms(&text)
                        || words.sham_described.affirms(&text))))
            && (arm.kind != ArmKind::Experimental || all_experimental)
    };
    let any_experimental = trial.arms.iter().any(|a| a.kind == ArmKind::Experimental);
    // An arm that gets what another arm gets, and that one something active besides, is the
    // other's "alone" (NCT06000007: treatment as usual, beside the app in addition to it).
    let gets =
        |a: usize| -> Vec<usize> { (0..arms.len()).filter(|&i| arms[i].contains(&a)).collect() };
    let gets_less = |a: usize| {
        let mine = gets(a);
        !mine.is_empty()
            && (0..trial.arms.len()).any(|b| {
                let theirs = gets(b);
                b != a
                    && mine.iter().all(|i| theirs.contains(i))
                    && theirs
                        .iter()
                        .any(|&i| !mine.contains(&i) && natures[i] == Nature::Active)
            })
    };
    // Every arm typed experimental, one of them getting a placebo in place of another's
    // product (NCT03682770: "dupilumab + AR101" and "placebo matching dupilumab + AR101"):
    // the placebo arm compares, and what both get is the background.
    let placebo_for_less = |a: usize| {
        let active = |x: usize| -> Vec<usize> {
            gets(x)
                .into_iter()
                .filter(|&i| natures[i] == Nature::Active)
                .collect()
        };
        let mine = active(a);
        all_experimental
            && (0..arms.len()).any(|i| natures[i] == Nature::Placebo && arms[i].contains(&a))
            && (0..trial.arms.len()).any(|b| {
                let theirs = active(b);
                b != a
                    && mine.iter().all(|i| theirs.contains(i))
                    && theirs.iter().any(|i| !mine.contains(i))
            })
    };
    let compares = |a: usize, arm: &Arm| {
        nothing_active(a)
            || says_control(a, arm)
            || placebo_for_less(a)
            || if any_experimental {
                arm.kind != ArmKind::Experimental
            } else {
                matches!(
                    arm.kind,
                    ArmKind::PlaceboComparator | ArmKind::ShamComparator | ArmKind::NoIntervention
                ) || gets_less(a)
                    // Only where arms are assigned: an observational study's control group
                    // is people compared, not given less.
                    || (trial.study_type == StudyType::Interventional
                        && words.control_labels.marks(&arm.label.to_lowercase()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::test_support::*;
    use InterventionKind::*;

    fn sides_of(trial: &Trial) -> (Vec<usize>, Vec<usize>) {
        let lexicon = lexicon();
        let natures: Vec<Nature> = trial
            .interventions
            .iter()
            .map(|iv| super::super::nature(iv, &lexicon))
            .collect();
        let arms: Vec<Vec<usize>> = trial
            .interventions
            .iter()
            .map(|iv| arms_of(trial, iv, &lexicon))
            .collect();
        sides(trial, &natures, &arms, &lexicon)
    }

    #[test]
    fn arms_are_found_by_label_and_by_their_lists() {
        let mut trial = designed(
            &[
                (ArmKind::Experimental, "A", ""),
                (ArmKind::ActiveComparator, "B", ""),
            ],
            &[(Drug, "Verapamil", &["a "])],
        );
        trial.arms[1].intervention_names = vec!["Drug: Verapamil".into()];
        assert_eq!(arms_of(&trial, &trial.interventions[0], &lexicon()), [0, 1]);
    }

    #[test]
    fn an_arm_gets_what_its_description_adds_to_and_no_name_that_ends_another() {
        // NCT04043611: the ELDOA arm lists only ELDOA.
        let mut trial = designed(
            &[
                (ArmKind::ActiveComparator, "Therapy", ""),
                (
                    ArmKind::Experimental,
                    "ELDOA",
                    "Conservative physical therapy management + ELDOA positions",
                ),
            ],
            &[
                (
                    Other,
                    "Conservative physical therapy management",
                    &["Therapy"],
                ),
                (Other, "ELDOA", &["ELDOA"]),
                (Other, "A2 Milk", &[]),
            ],
        );
        assert_eq!(arms_of(&trial, &trial.interventions[0], &lexicon()), [0, 1]);
        // NCT06252636: "Other: A1/A2 Milk" is not a listing of "A2 Milk".
        trial.arms[0].intervention_names = vec!["Other: A1/A2 Milk".into()];
        trial.arms[1].intervention_names = vec!["Other: A2 Milk".into()];
        assert_eq!(arms_of(&trial, &trial.interventions[2], &lexicon()), [1]);
    }

    #[test]
    fn without_an_experimental_arm_the_arm_that_gets_less_compares() {
        // NCT06000007: both arms typed active comparator; one gets the app in addition to
        // treatment as usual.
        let trial = designed(
            &[
                (ArmKind::ActiveComparator, "Treatment as usual", ""),
                (
                    ArmKind::ActiveComparator,
                    "Intervention arm",
                    "Access to the mobile app in addition to treatment as usual",
                ),
            ],
            &[
                (Device, "Chronic pain mobile app", &["Intervention arm"]),
                (Other, "Treatment as usual", &["Treatment as usual"]),
            ],
        );
        assert_eq!(sides_of(&trial), (vec![1], vec![0]));
    }

    #[test]
    fn experimental_arms_test_and_the_others_compare() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "New", ""),
                (ArmKind::ActiveComparator, "Old", ""),
            ],
            &[
                (Drug, "Xanomeline", &["New"]),
                (Drug, "Yohimbine", &["Old"]),
            ],
        );
        assert_eq!(sides_of(&trial), (vec![0], vec![1]));
    }

    #[test]
    fn without_an_experimental_arm_the_placebo_arm_compares() {
        // An arm typed active comparator beside a placebo arm is the one being tested.
        let trial = designed(
            &[
                (ArmKind::ActiveComparator, "ESWT", ""),
                (ArmKind::PlaceboComparator, "Placebo", ""),
            ],
            &[(Procedure, "Shockwave therapy", &["ESWT", "Placebo"])],
        );
        assert_eq!(sides_of(&trial), (vec![0], vec![1]));
    }

    #[test]
    fn an_arm_that_gets_only_a_placebo_compares_whatever_its_type() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "Drug", ""),
                (ArmKind::Experimental, "Dummy", ""),
            ],
            &[
                (Drug, "Xanomeline", &["Drug"]),
                (Drug, "Placebo", &["Dummy"]),
            ],
        );
        assert_eq!(sides_of(&trial), (vec![0], vec![1]));
    }

    #[test]
    fn a_wait_list_arm_compares_though_typed_experimental() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "Group 1", "Immediate access."),
                (
                    ArmKind::Experimental,
                    "Group 2",
                    "Access 6 weeks after Group 1.",
                ),
            ],
            &[(Device, "EndeavorOTC", &["Group 1", "Group 2"])],
        );
        assert_eq!(sides_of(&trial), (vec![0], vec![1]));
    }
}
