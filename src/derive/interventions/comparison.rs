//! Rule 8: what the tested treatment is compared with.

use super::Reading;
use crate::facts::*;
use crate::lexicon::Lexicon;
use crate::trial::*;

/// Rule 8: what the tested treatment is compared with, and whether the comparison arms'
/// words speak of a sham. The comparison arms' products decide first (a placebo product, an
/// active comparator); then their type and words (usual care, no treatment, placebo, sham).
pub(crate) fn comparison(
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
                InterventionKind::Device
                    | InterventionKind::Procedure
                    | InterventionKind::Radiation
            )
        });
    let placebo_products: Vec<usize> = reading.with_role(Role::Placebo).collect();
    let sham_words = placebo_products.iter().any(|&i| {
        let iv = &trial.interventions[i];
        words.sham.marks(&iv.name.to_lowercase())
    }) || control_arms
        .iter()
        .any(|&a| words.sham_described.affirms(&arm_text(a)));
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
                    && words
                        .usual_care
                        .marks(&trial.interventions[i].name.to_lowercase())
            });
            Some(if usual {
                Comparison::UsualCare
            } else {
                Comparison::OtherTreatment
            })
        } else if gets(a, Role::Placebo) {
            Some(placebo_kind)
        } else if words.wait_list.affirms(&text) {
            Some(Comparison::Later)
        } else if words.sham_described.affirms(&text) {
            Some(Comparison::Sham)
        } else if words.placebo_described.affirms(&text)
            || (arm.kind == ArmKind::PlaceboComparator && blinded)
        {
            // A placebo arm that lists no placebo product: its product is the look-alike the
            // words or the blinding speak of.
            Some(placebo_kind)
        } else if background_only(a) {
            Some(Comparison::BackgroundAlone)
        } else if words.usual_care.affirms(&text) {
            Some(Comparison::UsualCare)
        } else if arm.kind == ArmKind::NoIntervention
            || words.no_treatment.affirms(&text)
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
    // No arm is a comparison arm (a crossover whose sequences are all typed experimental), yet
    // a product is read as the comparator: the reference of a bioequivalence study.
    if found.is_none()
        && trial.model == InterventionModel::Crossover
        && reading.with_role(Role::Comparator).next().is_some()
    {
        found = Some(Comparison::OtherTreatment);
    }
    (found, sham_words)
}

pub(crate) fn rank(c: Comparison) -> u8 {
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

/// Whether the comparators are given together: every one in the same comparison arms, whose
/// labels join them ("Metoclopramide + Diphenhydramine"). "Treatment of physician's choice"
/// lists three drugs, one of which each person gets: no combination.
pub(crate) fn comparators_together(trial: &Trial, reading: &Reading, lexicon: &Lexicon) -> bool {
    let together = &lexicon.roles.names.together;
    let arms: Vec<&Vec<usize>> = reading
        .with_role(Role::Comparator)
        .map(|i| &reading.arms[i])
        .collect();
    arms.first().is_some_and(|a| {
        !a.is_empty()
            && arms.iter().all(|b| b == a)
            && a.iter().all(|&arm| {
                let label = trial.arms[arm].label.to_lowercase();
                together.iter().any(|join| label.contains(join.as_str()))
            })
    })
}

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::facts::*;
    use crate::trial::*;
    use InterventionKind::*;

    fn compared(trial: &Trial) -> Option<Comparison> {
        derive(trial, &lexicon()).comparison.map(|c| c.value)
    }

    #[test]
    fn comparators_an_arm_joins_are_given_together() {
        let together = |label: &str| {
            let trial = designed(
                &[
                    (ArmKind::Experimental, "Droperidol", ""),
                    (ArmKind::ActiveComparator, label, ""),
                ],
                &[
                    (Drug, "Droperidol", &["Droperidol"]),
                    (Drug, "Metoclopramide", &[label]),
                    (Drug, "Diphenhydramine", &[label]),
                ],
            );
            derive(&trial, &lexicon()).comparators_together
        };
        assert!(together("Metoclopramide + Diphenhydramine"));
        // A physician's choice of one of them is no combination.
        assert!(!together("Treatment of physician's choice"));
    }

    #[test]
    fn a_reference_product_in_every_sequence_is_the_comparison() {
        // NCT02715401: T → R and R → T, both typed experimental; R is the reference.
        let mut trial = designed(
            &[
                (
                    ArmKind::Experimental,
                    "Sequence 1",
                    "T : HCP1303 R : HGP1201 + HIP1402",
                ),
                (
                    ArmKind::Experimental,
                    "Sequence 2",
                    "T : HCP1303 R : HGP1201 + HIP1402",
                ),
            ],
            &[
                (Drug, "HCP1303", &["Sequence 1", "Sequence 2"]),
                (Drug, "HGP1201", &["Sequence 1", "Sequence 2"]),
                (Drug, "HIP1402", &["Sequence 1", "Sequence 2"]),
            ],
        );
        trial.official_title = Some(
            "A Crossover Study to Compare HCP1303 Capsule and Co-administration of HGP1201 \
             Tablet, HIP1402 Capsule"
                .into(),
        );
        trial.model = InterventionModel::Crossover;
        let facts = derive(&trial, &lexicon());
        let roles: Vec<(&str, Role)> = facts
            .interventions
            .iter()
            .map(|i| (i.value.name.as_str(), i.value.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("HCP1303", Role::Tested),
                ("HGP1201", Role::Comparator),
                ("HIP1402", Role::Comparator)
            ]
        );
        assert_eq!(compared(&trial), Some(Comparison::OtherTreatment));
    }

    #[test]
    fn saline_in_the_arm_called_placebo_is_the_placebo() {
        let trial = designed(
            &[
                (ArmKind::ActiveComparator, "Civamide", ""),
                (ArmKind::PlaceboComparator, "Placebo", ""),
            ],
            &[
                (Drug, "Civamide", &["Civamide"]),
                (Drug, "Sodium Chloride", &["Placebo"]),
            ],
        );
        let facts = derive(&trial, &lexicon());
        assert_eq!(facts.comparison.map(|c| c.value), Some(Comparison::Placebo));
        assert!(facts.comparators.is_empty(), "{:?}", facts.comparators);
        // A longer arm name may hold a real drug beside the placebo.
        let trial = designed(
            &[
                (ArmKind::Experimental, "Drug", ""),
                (ArmKind::PlaceboComparator, "Placebo + metformin", ""),
            ],
            &[
                (Drug, "Drug", &["Drug"]),
                (Drug, "Metformin", &["Placebo + metformin"]),
            ],
        );
        assert_ne!(compared(&trial), Some(Comparison::Placebo));
    }

    #[test]
    fn a_record_without_arms_is_placebo_controlled_when_its_title_says_so() {
        let mut trial = trial_with(&[(Drug, "Civamide", "")]);
        trial.allocation = Allocation::Randomized;
        trial.official_title = Some("A Double-Blind, Randomized, Placebo-Controlled Study".into());
        let facts = derive(&trial, &lexicon());
        let comparison = facts.comparison.unwrap();
        assert_eq!(comparison.value, Comparison::Placebo);
        assert!(comparison.field.ends_with("officialTitle"));
        trial.official_title = Some("A Randomized Study, Not Placebo-Controlled".into());
        assert_eq!(compared(&trial), None);
    }

    #[test]
    fn a_placebo_product_or_a_blinded_placebo_arm_is_a_placebo() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "Drug", ""),
                (ArmKind::PlaceboComparator, "Control", ""),
            ],
            &[
                (Drug, "Nebivolol", &["Drug"]),
                (Drug, "Sugar Pill", &["Control"]),
            ],
        );
        assert_eq!(compared(&trial), Some(Comparison::Placebo));
        // The placebo arm lists the drug by mistake; the blinding says it is a look-alike.
        let mut trial = designed(
            &[
                (ArmKind::Experimental, "Treatment", ""),
                (
                    ArmKind::PlaceboComparator,
                    "Placebo Group",
                    "Antibiotics only",
                ),
            ],
            &[(Drug, "IgM-enriched IVIG", &["Treatment", "Placebo Group"])],
        );
        trial.masking = Masking::Triple;
        assert_eq!(compared(&trial), Some(Comparison::Placebo));
    }

    #[test]
    fn a_look_alike_of_a_device_is_a_sham() {
        let mut trial = designed(
            &[
                (ArmKind::ActiveComparator, "100% oxygen", ""),
                (ArmKind::PlaceboComparator, "ordinary room oxygen", ""),
            ],
            &[(
                Device,
                "hyperbaric oxygen therapy",
                &["100% oxygen", "ordinary room oxygen"],
            )],
        );
        trial.masking = Masking::Triple;
        assert_eq!(compared(&trial), Some(Comparison::Sham));
    }

    #[test]
    fn an_active_product_in_the_placebo_typed_arm_is_another_treatment() {
        let trial = designed(
            &[
                (ArmKind::ActiveComparator, "A2 Milk", ""),
                (ArmKind::PlaceboComparator, "A1/A2 Milk", ""),
            ],
            &[
                (Other, "A2 Milk", &["A2 Milk"]),
                (Other, "A1/A2 Milk", &["A1/A2 Milk"]),
            ],
        );
        assert_eq!(compared(&trial), Some(Comparison::OtherTreatment));
    }

    #[test]
    fn what_everyone_gets_on_its_own_is_the_background_alone() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "Combination", ""),
                (ArmKind::ActiveComparator, "Furmonertinib", ""),
            ],
            &[
                (Drug, "IN10018", &["Combination"]),
                (Drug, "Furmonertinib", &["Combination", "Furmonertinib"]),
            ],
        );
        assert_eq!(compared(&trial), Some(Comparison::BackgroundAlone));
    }

    #[test]
    fn a_double_dummy_compares_with_the_active_drug() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "New", ""),
                (ArmKind::ActiveComparator, "Old", ""),
            ],
            &[
                (Drug, "LY2452473", &["New"]),
                (Drug, "Tadalafil", &["Old"]),
                (Drug, "Placebo (LY2452473)", &["Old"]),
                (Drug, "Placebo (tadalafil)", &["New"]),
            ],
        );
        let facts = derive(&trial, &lexicon());
        assert_eq!(facts.comparison.unwrap().value, Comparison::OtherTreatment);
        assert!(
            facts.design.placebo.is_some(),
            "the placebos are still given"
        );
    }

    #[test]
    fn a_wait_list_and_usual_care_are_said_as_such() {
        let trial = designed(
            &[
                (ArmKind::Experimental, "Now", ""),
                (ArmKind::Experimental, "Later", "Waitlist control"),
            ],
            &[(Device, "EndeavorOTC", &["Now", "Later"])],
        );
        assert_eq!(compared(&trial), Some(Comparison::Later));
        let trial = designed(
            &[
                (ArmKind::Experimental, "Yoga", ""),
                (ArmKind::ActiveComparator, "Control", "Usual care"),
            ],
            &[(Behavioral, "Yoga", &["Yoga"])],
        );
        assert_eq!(compared(&trial), Some(Comparison::UsualCare));
    }
}
