//! The guards that check what a page means, whichever writer made it: drafts that read well
//! but say the wrong thing are errors. The cases are the shapes of what a real model wrote
//! (issue 16): a placeholder for a section, the title as the substance, a withdrawn study that
//! "will continue", a section repeating another.

use crate::helpers::*;
use laysum::summary::{Generator, WarningCode};
use laysum::write::Draft;
use std::path::Path;

/// The rules draft of a record, changed by `edit`, checked: the codes of its errors.
fn errors_of(record: &Path, edit: impl FnOnce(&mut Draft, &laysum::Trial)) -> Vec<WarningCode> {
    let p = pipeline();
    let trial = p.trial(&std::fs::read(record).unwrap()).unwrap();
    let facts = p.facts(&trial);
    let mut draft = p.draft_rules(&facts).unwrap();
    edit(&mut draft, &trial);
    let page = p.check(draft, &facts, &trial, Generator::rules(p.version()));
    page.quality.errors().map(|w| w.code).collect()
}

fn trial_file(id: &str) -> std::path::PathBuf {
    fixtures().join("trials").join(format!("{id}.json"))
}

#[test]
fn the_rules_drafts_of_these_records_pass_as_they_are() {
    for id in ["NCT01511679", "NCT03281889", "NCT06171568", "NCT02552212"] {
        assert_eq!(errors_of(&trial_file(id), |_, _| {}), [], "{id}");
    }
    assert_eq!(errors_of(&seed_record(), |_, _| {}), []);
}

#[test]
fn template_markup_tags_and_placeholders_are_errors() {
    for text in [
        "{{<template_draft>}}",
        "This study tests {{ drug }} in people after a stroke.",
        "See the <facts> for stem cells after a stroke.",
        "This study tests [DRUG NAME] in people after a stroke.",
        "TODO: stem cells after a stroke.",
    ] {
        let errors = errors_of(&seed_record(), |d, _| {
            d.what_this_could_lead_to = text.into()
        });
        assert!(errors.contains(&WarningCode::Markup), "{text}: {errors:?}");
    }
    // A comparison sign is not a tag.
    let errors = errors_of(&seed_record(), |d, _| {
        d.what_could_go_wrong
            .push_str(" Fewer than 5 < 10 people may feel unwell.")
    });
    assert!(!errors.contains(&WarningCode::Markup), "{errors:?}");
}

#[test]
fn a_withdrawn_study_described_as_going_on_is_an_error() {
    let withdrawn = trial_file("NCT01511679");
    let errors = errors_of(&withdrawn, |d, _| {
        d.what_this_could_lead_to = "The study will continue to follow these people.".into()
    });
    assert!(
        errors.contains(&WarningCode::StatusContradiction),
        "{errors:?}"
    );
    // Saying nothing of its never starting is an error too.
    let errors = errors_of(&withdrawn, |d, _| {
        d.summary = "This study follows people with alcohol problems.".into();
        d.what_this_could_lead_to = "It could help people with alcohol problems.".into();
    });
    assert!(
        errors.contains(&WarningCode::StatusContradiction),
        "{errors:?}"
    );
}

#[test]
fn a_recruiting_trial_that_speaks_in_the_past_is_an_error() {
    let errors = errors_of(&seed_record(), |d, _| {
        d.summary.push_str(" In the end, 24 people took part.")
    });
    assert!(
        errors.contains(&WarningCode::StatusContradiction),
        "{errors:?}"
    );
}

#[test]
fn a_section_that_repeats_another_is_an_error() {
    let errors = errors_of(&seed_record(), |d, _| {
        d.what_this_could_lead_to = d.what_could_go_wrong.clone()
    });
    assert!(errors.contains(&WarningCode::RepeatedSection), "{errors:?}");
}

#[test]
fn the_title_as_the_active_substance_is_an_error() {
    let errors = errors_of(&seed_record(), |d, t| {
        d.active_substance = Some(t.title.clone())
    });
    assert!(
        errors.contains(&WarningCode::TitleAsSubstance),
        "{errors:?}"
    );
}

#[test]
fn a_page_must_name_what_is_tested_and_the_condition() {
    let errors = errors_of(&seed_record(), |d, _| {
        d.headline = "A new study".into();
        d.summary = "This early study looks at a new idea in 24 people.".into();
    });
    assert!(errors.contains(&WarningCode::MissingSubject), "{errors:?}");
    assert!(
        errors.contains(&WarningCode::MissingCondition),
        "{errors:?}"
    );
}

#[test]
fn a_finished_trial_that_speaks_of_people_still_to_join_is_an_error() {
    let completed = trial_file("NCT00517179");
    assert_eq!(errors_of(&completed, |_, _| {}), []);
    let errors = errors_of(&completed, |d, _| {
        d.summary
            .push_str(" More people will receive it next year.")
    });
    assert!(
        errors.contains(&WarningCode::StatusContradiction),
        "{errors:?}"
    );
}

#[test]
fn an_observational_study_that_gives_nothing_must_say_so() {
    // Withdrawn, observational, no intervention: the rules draft says it gives no treatment.
    let observational = trial_file("NCT01511679");
    let errors = errors_of(&observational, |d, _| {
        d.summary = "This study looks at people with alcohol problems. It was withdrawn before \
                     anyone joined."
            .into();
    });
    assert!(errors.contains(&WarningCode::MissingSubject), "{errors:?}");
}

#[test]
fn what_the_trial_found_for_a_record_without_results_is_an_error() {
    // The seed has no results section; a small model wrote one anyway in the live check.
    let errors = errors_of(&seed_record(), |d, _| {
        d.what_the_trial_found =
            Some("This trial found that the cells might help people after a stroke.".into())
    });
    assert!(
        errors.contains(&WarningCode::FindingsWithoutResults),
        "{errors:?}"
    );
}

#[test]
fn drafts_a_real_model_wrote_are_held_to_what_they_mean() {
    let p = pipeline();
    for case in live_drafts() {
        let bytes = std::fs::read(fixtures().join(&case.record)).unwrap();
        let trial = p.trial(&bytes).unwrap();
        let facts = p.facts(&trial);
        let draft = laysum::llm::prompt::parse_reply(&case.reply).unwrap();
        let page = p.check(draft, &facts, &trial, Generator::rules(p.version()));
        let codes: Vec<String> = page
            .quality
            .errors()
            .map(|w| {
                serde_json::to_value(w.code)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        for expected in &case.errors {
            assert!(
                codes.contains(expected),
                "{}: {expected} not in {codes:?}",
                case.from
            );
        }
    }
}

#[test]
fn a_sentence_said_twice_or_a_long_clause_said_again_is_a_repeat() {
    let twice = errors_of(&seed_record(), |d, _| {
        d.what_this_could_lead_to
            .push_str(" It would take years to know if it helps.")
    });
    assert!(twice.contains(&WarningCode::RepeatedSection), "{twice:?}");
    let clause = errors_of(&seed_record(), |d, _| {
        d.what_could_go_wrong.push_str(
            " Here chance, like a coin toss, will decide who gets stem cells from the placenta \
             and who gets a worse deal.",
        )
    });
    assert!(clause.contains(&WarningCode::RepeatedSection), "{clause:?}");
    // Naming the treatment and the condition in every section is no repeat.
    assert_eq!(errors_of(&seed_record(), |_, _| {}), []);
}

/// A term the page explains beside itself in its own words is no jargon: "a placebo, a
/// look-alike with nothing active in it" (where no medicine is tested) explains the placebo as
/// well as the lexicon's "a look-alike with no medicine in it" does.
#[test]
fn a_term_explained_beside_itself_is_no_jargon() {
    let mut seen = 0;
    for path in all_real_records() {
        let s = summarize(&path);
        let text = page_text(&s).to_lowercase();
        if !text.contains("placebo, a look-alike with nothing active in it") {
            continue;
        }
        seen += 1;
        let flagged: Vec<&str> = s
            .quality
            .warnings
            .iter()
            .filter(|w| w.code == WarningCode::Jargon && w.excerpt.eq_ignore_ascii_case("placebo"))
            .map(|w| w.section.as_str())
            .collect();
        assert!(flagged.is_empty(), "{}: {flagged:?}", path.display());
    }
    assert!(seen >= 3, "only {seen} pages explain a placebo so");
}
