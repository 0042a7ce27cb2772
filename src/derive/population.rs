//! What a trial is for and who takes part, when it is not "treatment" and "people": a page
//! must not tell a healthy volunteer study or a prevention trial in babies as a treatment for
//! people with the illness.

use super::texts::Texts;
use super::{ELIGIBILITY, TITLE};
use crate::facts::*;
use crate::lexicon::{contains_phrase, find_phrase, phrase_spans, Lexicon};
use crate::trial::*;

const PURPOSE: &str = "protocolSection.designModule.designInfo.primaryPurpose";

/// The trial's purpose, when it is one the pages word differently from treatment. A diagnostic
/// or screening label on a trial of medicines (`tested`: indexes into `trial.interventions`)
/// is believed only when the record's words say something finds or checks an illness; else
/// the trial studies what the medicine does.
pub(super) fn purpose(
    trial: &Trial,
    texts: &Texts,
    tested: &[usize],
    lexicon: &Lexicon,
) -> Option<Fact<Purpose>> {
    match trial.purpose {
        Purpose::Diagnostic | Purpose::Screening
            if mislabelled_diagnostic(trial, texts, tested, lexicon) =>
        {
            Some(Fact::new(Purpose::BasicScience, PURPOSE))
        }
        Purpose::Prevention if titled_treatment(texts, lexicon) => None,
        Purpose::Prevention | Purpose::Diagnostic | Purpose::Screening | Purpose::BasicScience => {
            Some(Fact::new(trial.purpose, PURPOSE))
        }
        _ => None,
    }
}

/// Whether a title says the trial treats ("for the Treatment of Cervical Radicular Pain") and
/// none says it prevents.
fn titled_treatment(texts: &Texts, lexicon: &Lexicon) -> bool {
    let roles = &lexicon.roles;
    texts.titles().any(|(t, _)| roles.treats_titled.marks(t))
        && !texts.titles().any(|(t, _)| roles.prevents_titled.marks(t))
}

/// Every tested product is a medicine, and no tested product's words nor the titles speak of
/// finding or checking anything (`roles.toml`, `[purpose]`).
fn mislabelled_diagnostic(
    trial: &Trial,
    texts: &Texts,
    tested: &[usize],
    lexicon: &Lexicon,
) -> bool {
    let medicines = !tested.is_empty()
        && tested.iter().all(|&i| {
            matches!(
                trial.interventions[i].kind,
                InterventionKind::Drug | InterventionKind::Biological | InterventionKind::Genetic
            )
        });
    if !medicines {
        return false;
    }
    let words = &lexicon.roles.diagnostic;
    let says = |text: &str| words.marks(&text.to_lowercase());
    let products_say = tested.iter().any(|&i| {
        let iv = &trial.interventions[i];
        says(&iv.name) || iv.description.as_deref().is_some_and(says)
    });
    let titles_say = texts.titles().any(|(t, _)| words.marks(t));
    !products_say && !titles_say
}

/// Whether a title or a registered condition says who may join had the illness treated before
/// ("Relapsed/Refractory CLL/SLL"), with the field that says so.
pub(super) fn previously_treated(
    trial: &Trial,
    texts: &Texts,
    lexicon: &Lexicon,
) -> Option<Fact<bool>> {
    let words = &lexicon.condition_words.previously_treated;
    let says = |lower: &str| words.iter().any(|w| contains_phrase(lower, w));
    if let Some((_, field)) = texts.titles().find(|(t, _)| says(t)) {
        return Some(Fact::new(true, field));
    }
    trial
        .conditions
        .iter()
        .position(|c| says(&c.to_lowercase()))
        .map(|i| {
            Fact::new(
                true,
                format!("protocolSection.conditionsModule.conditions[{i}]"),
            )
        })
}

/// The condition a title says the trial tries to prevent ("Tadalafil in Preventing Erectile
/// Dysfunction in Patients With Prostate Cancer"), by its plain name: one of the conditions
/// whose plain or registered name follows a word of prevention within a few words, beside
/// another illness the people have.
pub(super) fn prevented(
    texts: &Texts,
    conditions: &[Fact<Condition>],
    lexicon: &Lexicon,
) -> Option<Fact<String>> {
    // How far after the word of prevention the condition may begin ("preventing the onset
    // of …").
    const NEAR: usize = 24;
    let words = &lexicon.condition_words.prevented;
    texts.titles().find_map(|(lower, field)| {
        // Where each word of prevention ends, as whole words.
        let after: Vec<usize> = words
            .iter()
            .flat_map(|w| phrase_spans(lower, w).map(|span| span.end))
            .collect();
        if after.is_empty() {
            return None;
        }
        conditions.iter().find_map(|c| {
            let names = names_lower(c);
            let near = after.iter().any(|&from| {
                let rest = &lower[from..];
                names
                    .iter()
                    .any(|n| find_phrase(rest, n).is_some_and(|at| at <= NEAR))
            });
            // Without another illness the people have, "prevention" is of attacks of the
            // one they have ("Fremanezumab for the Prevention of Episodic Cluster
            // Headache"), not of the illness itself.
            let another = conditions
                .iter()
                .any(|o| o.value.kind == ConditionKind::Illness && o.value.plain != c.value.plain);
            (near && another && c.value.kind == ConditionKind::Illness)
                .then(|| Fact::new(c.value.plain.clone(), field))
        })
    })
}

/// In a prevention trial, the illnesses the inclusion criteria say people have (by plain
/// name): what the trial tries to prevent is its other illnesses, or, when people have them
/// all, their attacks or harm. NCT05929300 takes men with "a biopsy-proven diagnosis of
/// localized prostate cancer" scheduled for surgery, and its yoga is to spare them erectile
/// dysfunction and incontinence, not prostate cancer; NCT00410098's bikram yoga is for people
/// with "controlled asthma". An item says so with words of a diagnosis; one that names a risk
/// or a relative ("a first-degree relative with type 1 diabetes") does not.
pub(super) fn diagnosed(
    trial: &Trial,
    purpose: Option<&Fact<Purpose>>,
    conditions: &[Fact<Condition>],
    lexicon: &Lexicon,
) -> Option<Fact<Vec<String>>> {
    if purpose.map(|p| p.value) != Some(Purpose::Prevention) {
        return None;
    }
    let lower = trial.eligibility.criteria.as_deref()?.to_lowercase();
    let words = &lexicon.condition_words;
    let says = |item: &str, phrases: &[String]| phrases.iter().any(|w| contains_phrase(item, w));
    let items: Vec<&str> = inclusion_items(&lower)
        .filter(|item| says(item, &words.diagnosed) && !says(item, &words.not_diagnosed))
        .collect();
    let named = |c: &Fact<Condition>| {
        let names = names_lower(c);
        items
            .iter()
            .any(|item| names.iter().any(|n| contains_phrase(item, n)))
    };
    let had: Vec<String> = conditions
        .iter()
        .filter(|c| c.value.kind == ConditionKind::Illness && named(c))
        .map(|c| c.value.plain.clone())
        .collect();
    (!had.is_empty()).then(|| Fact::new(had, format!("{ELIGIBILITY}.eligibilityCriteria")))
}

/// Marks as side effects the conditions the titles or the brief summary say the tested
/// treatment may cause: they are what the trial looks for, not an illness people have.
/// NCT01067391 registers Hypotension beside spinal cord injury, and its "hypothesis is that
/// tadalafil will cause significant hypotension in people with tetraplegia"; the page said
/// "men with hypotension".
pub(super) fn mark_caused(
    texts: &Texts,
    treatments: &[Fact<Treatment>],
    conditions: &mut [Fact<Condition>],
    lexicon: &Lexicon,
) {
    // How far before the word of causing the treatment's name may end, and after it the
    // condition may begin ("tadalafil will cause significant hypotension").
    const BEFORE: usize = 24;
    const AFTER: usize = 24;
    if treatments.is_empty()
        || !conditions
            .iter()
            .any(|c| c.value.kind == ConditionKind::Illness)
    {
        return;
    }
    let names: Vec<String> = treatments
        .iter()
        .flat_map(|t| [t.value.name.to_lowercase(), t.value.plain.to_lowercase()])
        .collect();
    let texts = texts
        .titles()
        .map(|(t, _)| t)
        .chain(texts.brief_summary.as_deref());
    let spans = texts.flat_map(|text| {
        let words = &lexicon.condition_words.caused;
        words
            .iter()
            .flat_map(move |w| phrase_spans(text, w).map(move |span| (text, span)))
    });
    for (text, span) in spans {
        let mut start = span.start.saturating_sub(BEFORE);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        if !names
            .iter()
            .any(|n| contains_phrase(&text[start..span.start], n))
        {
            continue;
        }
        let after = &text[span.end..];
        for c in conditions.iter_mut() {
            let named = names_lower(c)
                .iter()
                .any(|n| find_phrase(after, n).is_some_and(|at| at <= AFTER));
            if named && c.value.kind == ConditionKind::Illness {
                c.value.kind = ConditionKind::SideEffects;
            }
        }
    }
}

/// A condition's plain and registered names, in lower case, for phrase searches.
fn names_lower(c: &Fact<Condition>) -> [String; 2] {
    [
        c.value.plain.to_lowercase(),
        c.value.registered.to_lowercase(),
    ]
}

/// The headings of the registry's eligibility criteria, in lower case.
const INCLUSION: &str = "inclusion criteria";
const EXCLUSION: &str = "exclusion criteria";

/// The items of the inclusion criteria (given in lower case), up to the exclusion criteria,
/// without their bullets or numbers and the punctuation they end with; none without the
/// heading.
fn inclusion_items(lower: &str) -> impl Iterator<Item = &str> {
    let start = lower
        .find(INCLUSION)
        .map_or(lower.len(), |at| at + INCLUSION.len());
    let section = &lower[start..];
    let section = &section[..section.find(EXCLUSION).unwrap_or(section.len())];
    section
        .trim_start_matches([':', ' '])
        .lines()
        .map(|line| {
            line.trim()
                .trim_start_matches(|c: char| {
                    c.is_ascii_digit() || matches!(c, '*' | '-' | '•' | '.' | ')' | '\\')
                })
                .trim()
                .trim_end_matches(['.', ';', ',', ':'])
        })
        .filter(|line| !line.is_empty())
}

/// The first item of the inclusion criteria, in lower case: "healthy adults under age 60".
fn first_inclusion(criteria: Option<&str>) -> Option<String> {
    let criteria = criteria?;
    // The heading and the first item are near the top; a long list is not lowered whole.
    let end = (0..=criteria.len().min(4096))
        .rev()
        .find(|&i| criteria.is_char_boundary(i))?;
    let lower = criteria[..end].to_lowercase();
    let first = inclusion_items(&lower).next().map(str::to_owned);
    first
}

/// Who takes part: healthy volunteers when the title, the first inclusion criterion or the
/// conditions say so, or an early
/// study of how the body handles a medicine takes them; babies or
/// children when the oldest who may join is under two or under eighteen, children and
/// teenagers when the oldest is 18 or 19, teenagers when the youngest is twelve or older too.
pub(super) fn population(
    trial: &Trial,
    texts: &Texts,
    conditions: &[Fact<Condition>],
    lexicon: &Lexicon,
) -> Option<Fact<Population>> {
    let title = &texts.title;
    let words = &lexicon.condition_words;
    // "… in Healthy Volunteers and Erectile Dysfunction Patients" (NCT03102398) takes patients
    // too: the title names healthy volunteers only when no patients follow them.
    let healthy_title = words.healthy_title.iter().any(|w| {
        find_phrase(title, w).is_some_and(|at| {
            let after = &title[at + w.len()..];
            !words
                .healthy_mixed
                .iter()
                .any(|m| contains_phrase(after, m))
        })
    });
    let healthy_conditions = !conditions.is_empty()
        && conditions
            .iter()
            .all(|c| c.value.kind == ConditionKind::Healthy);
    // An early study of how the body handles a medicine, open to healthy volunteers.
    let handling_study = trial.eligibility.healthy_volunteers == Some(true)
        && trial
            .phases
            .iter()
            .any(|p| matches!(p, Phase::EarlyPhase1 | Phase::Phase1))
        && words
            .healthy_studies
            .iter()
            .any(|w| contains_phrase(title, w))
        && !words
            .healthy_mixed
            .iter()
            .any(|m| contains_phrase(title, m));
    if healthy_title || handling_study {
        return Some(Fact::new(Population::HealthyVolunteers, TITLE));
    }
    if trial.eligibility.healthy_volunteers == Some(true)
        && first_inclusion(trial.eligibility.criteria.as_deref()).is_some_and(|first| {
            words.healthy.contains(&first)
                || words.healthy_criteria.iter().any(|w| {
                    first.strip_prefix(w.as_str()).is_some_and(|rest| {
                        rest.starts_with(|c: char| !c.is_alphanumeric() && c != '-')
                    })
                })
        })
    {
        return Some(Fact::new(
            Population::HealthyVolunteers,
            format!("{ELIGIBILITY}.eligibilityCriteria"),
        ));
    }
    if healthy_conditions {
        return Some(Fact::new(
            Population::HealthyVolunteers,
            conditions[0].field.clone(),
        ));
    }
    let max = trial.eligibility.max_age?;
    let hours = f64::from(max.amount) * max.unit.hours();
    let year = TimeUnit::Year.hours();
    let field = format!("{ELIGIBILITY}.maximumAge");
    let min_hours = trial
        .eligibility
        .min_age
        .map_or(0.0, |min| f64::from(min.amount) * min.unit.hours());
    if hours <= 2.0 * year {
        Some(Fact::new(Population::Babies, field))
    } else if hours < 20.0 * year && min_hours >= 12.0 * year {
        Some(Fact::new(Population::Teenagers, field))
    } else if hours < 18.0 * year {
        Some(Fact::new(Population::Children, field))
    } else if hours < 20.0 * year {
        Some(Fact::new(Population::ChildrenAndTeenagers, field))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::facts::*;
    use crate::trial::*;

    fn population_of(trial: &Trial) -> Option<Population> {
        derive(trial, &lexicon()).population.map(|p| p.value)
    }

    #[test]
    fn healthy_volunteers_by_title_or_conditions() {
        let trial = Trial {
            title: "PK and Safety of HCP1303 in Healthy Male Volunteers".into(),
            conditions: vec!["Erectile Dysfunction".into()],
            ..Trial::default()
        };
        assert_eq!(population_of(&trial), Some(Population::HealthyVolunteers));
        let trial = Trial {
            conditions: vec!["Healthy".into()],
            ..Trial::default()
        };
        assert_eq!(population_of(&trial), Some(Population::HealthyVolunteers));
    }

    #[test]
    fn a_diagnostic_label_is_believed_only_when_something_finds_or_checks() {
        use InterventionKind::*;
        let purpose_of = |kind, name: &str, title: &str| {
            let trial = Trial {
                title: title.into(),
                purpose: Purpose::Diagnostic,
                ..trial_with(&[(kind, name, "")])
            };
            derive(&trial, &lexicon()).purpose.map(|p| p.value)
        };
        // Sildenafil's effect on sight, registered as diagnostic: a study of the medicine.
        assert_eq!(
            purpose_of(Drug, "sildenafil", "Visual Time Constants After Sildenafil"),
            Some(Purpose::BasicScience)
        );
        // A contrast agent, a skin test, a device: they find or check.
        assert_eq!(
            purpose_of(Drug, "Gadoquatrane", "Gadoquatrane for MRI of the Body"),
            Some(Purpose::Diagnostic)
        );
        assert_eq!(
            purpose_of(Biological, "Skin Test Reagent", "Hookworm Infection"),
            Some(Purpose::Diagnostic)
        );
        assert_eq!(
            purpose_of(Device, "Handheld reader", "A New Reader"),
            Some(Purpose::Diagnostic)
        );
    }

    #[test]
    fn babies_and_children_by_the_oldest_who_may_join() {
        let with_max = |amount, unit| Trial {
            eligibility: Eligibility {
                max_age: Some(Age { amount, unit }),
                ..Eligibility::default()
            },
            ..Trial::default()
        };
        assert_eq!(
            population_of(&with_max(10, TimeUnit::Month)),
            Some(Population::Babies)
        );
        assert_eq!(
            population_of(&with_max(17, TimeUnit::Year)),
            Some(Population::Children)
        );
        assert_eq!(
            population_of(&with_max(18, TimeUnit::Year)),
            Some(Population::ChildrenAndTeenagers)
        );
        assert_eq!(
            population_of(&with_max(19, TimeUnit::Year)),
            Some(Population::ChildrenAndTeenagers)
        );
        assert_eq!(population_of(&with_max(20, TimeUnit::Year)), None);
    }

    #[test]
    fn teenagers_when_the_youngest_who_may_join_is_twelve() {
        let aged = |min, max| Trial {
            eligibility: Eligibility {
                min_age: Some(Age {
                    amount: min,
                    unit: TimeUnit::Year,
                }),
                max_age: Some(Age {
                    amount: max,
                    unit: TimeUnit::Year,
                }),
                ..Eligibility::default()
            },
            ..Trial::default()
        };
        assert_eq!(population_of(&aged(13, 17)), Some(Population::Teenagers));
        assert_eq!(population_of(&aged(12, 17)), Some(Population::Teenagers));
        assert_eq!(population_of(&aged(11, 17)), Some(Population::Children));
        assert_eq!(population_of(&aged(12, 18)), Some(Population::Teenagers));
        assert_eq!(population_of(&aged(13, 21)), None);
    }
}
