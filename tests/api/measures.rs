//! What a page says a study measures and for how long, read against the records: safety
//! first only when measured first, the plain meaning of a main measure, and which time frames
//! are a follow-up.

use crate::helpers::*;

const PRIMARY_OUTCOMES: &str = "/protocolSection/outcomesModule/primaryOutcomes";
const OVERALL_STATUS: &str = "/protocolSection/statusModule/overallStatus";
const STUDY_TYPE: &str = "/protocolSection/designModule/studyType";

/// The first primary outcome of a record's results, where the main result is read from.
fn first_primary(record: &serde_json::Value) -> Option<&serde_json::Value> {
    items_at(
        record,
        "/resultsSection/outcomeMeasuresModule/outcomeMeasures",
    )
    .iter()
    .find(|o| o["type"] == "PRIMARY")
}

/// A trial whose first main measure is not about safety is never said to look "mainly at
/// safety", however many main measures follow (NCT06388018 lists adverse events twelfth of
/// thirteen, after the time to pelvic recurrence); one whose first main measure is about
/// safety says safety.
#[test]
fn safety_is_main_only_when_it_is_measured_first() {
    let safety = [
        "adverse",
        "safety",
        "toxicit",
        "tolerab",
        "maximum tolerated",
        "side effect",
        "dose-limiting",
        "dose limiting",
    ];
    let about_safety = |m: &str| {
        let m = m.to_lowercase();
        safety.iter().any(|w| m.contains(w))
    };
    let mut seen = [0, 0];
    // A withdrawn trial tells what it planned to give, not what it would look at.
    let interventional = |record: &serde_json::Value| {
        text_at(record, STUDY_TYPE) == Some("INTERVENTIONAL")
            && text_at(record, OVERALL_STATUS) != Some("WITHDRAWN")
    };
    for (path, record, page) in pages_where(interventional) {
        let measures: Vec<&str> = items_at(&record, PRIMARY_OUTCOMES)
            .iter()
            .filter_map(|o| o["measure"].as_str())
            .collect();
        let Some(first) = measures.first() else {
            continue;
        };
        let summary = &page.sections.summary;
        if about_safety(first) {
            seen[0] += 1;
            assert!(
                summary.contains("safety"),
                "{}: first measured {first:?}: {summary}",
                path.display()
            );
        } else if measures[1..].iter().any(|m| about_safety(m)) {
            seen[1] += 1;
            assert_says_none(
                &path,
                summary,
                &["mainly at safety", "mainly at side effects"],
            );
        }
    }
    assert!(seen[0] >= 20 && seen[1] >= 5, "{seen:?}");
}

/// An allergic reaction is not an antibody level (read by hand: NCT05670756 asks parents in a
/// survey about "True Allergy (Consistent With an IgE-mediated Reaction)" and draws no blood;
/// its page said "antibody levels in the blood").
#[test]
fn an_ige_mediated_reaction_is_not_a_blood_test() {
    let path = fixtures().join("trials/corpus/NCT05670756.json");
    let page = summarize(&path);
    assert_says_none(&path, &page_text(&page), &["antibody levels"]);
    assert!(
        page.sections.summary.contains("allergic reactions"),
        "{}",
        page.sections.summary
    );
}

/// A page that says a trial looks at asthma attacks has a main measure of attacks
/// (exacerbations); the Asthma Control Test asks about symptoms, rescue medicine and daily
/// life, and a trial measured by it looks at how well asthma is controlled (NCT00870584).
#[test]
fn asthma_attacks_are_said_only_when_attacks_are_measured() {
    let mut seen = 0;
    for (path, record, page) in pages_where(|_| true) {
        let measures: Vec<String> = items_at(&record, PRIMARY_OUTCOMES)
            .iter()
            .filter_map(|o| o["measure"].as_str().map(str::to_lowercase))
            .collect();
        let attacks = measures
            .iter()
            .any(|m| m.contains("exacerbation") || m.contains("attack"));
        if !attacks {
            assert_says_none(&path, &page.sections.summary, &["asthma attacks"]);
        }
        if measures.iter().any(|m| m.contains("asthma control")) {
            seen += 1;
            assert!(
                page.sections
                    .summary
                    .contains("how well asthma is controlled"),
                "{}: {}",
                path.display(),
                page.sections.summary
            );
        }
    }
    assert!(seen >= 2, "only {seen} records measured by asthma control");
}

/// A trial stopped early tells how long it planned to follow people, never that it followed
/// them that long (NCT03670628 planned a year; its last visit held was at three months).
#[test]
fn a_stopped_trial_says_how_long_it_planned_to_follow() {
    let stopped =
        |record: &serde_json::Value| text_at(record, OVERALL_STATUS) == Some("TERMINATED");
    let mut seen = 0;
    for (path, _, page) in pages_where(stopped) {
        let summary = &page.sections.summary;
        assert_says_none(&path, summary, &["Researchers followed them"]);
        seen += usize::from(summary.contains("Researchers planned to follow them for"));
    }
    assert!(seen >= 10, "only {seen} stopped trials give a follow-up");
}

/// A time frame that counts from the last dose is not how long people are followed: a
/// treatment's length differs from person to person (read by hand: NCT04732494's only
/// parsable span was "until 30 days after last dose", and the page said "followed them for 30
/// days" of a trial whose follow-up was a median of 7.4 months).
/// Nor is a time before the first dose (NCT01348880: "1 and 2 weeks prior to the Day 1
/// dosing" of an 8-hour study said "followed them for two weeks").
#[test]
fn days_after_the_last_dose_are_not_the_follow_up() {
    let page = corpus_summary("NCT04732494");
    let summary = &page.sections.summary;
    assert!(!summary.contains("for 30 days"), "{summary}");
    assert!(
        summary.contains("mainly at how many people's disease shrinks"),
        "{summary}"
    );
    let page = corpus_summary("NCT01348880");
    let summary = &page.sections.summary;
    assert!(!summary.contains("two weeks"), "{summary}");
}

/// A main result that counts the people who reached a set change (read by hand: NCT02552212's
/// "Percentage of Subjects With Ankylosing Spondylitis Disease Activity Score Major Improvement
/// (ASDAS-MI) Response Criteria Response at Week 52", 7.0 and 47.2 percent) is said as how many
/// people had it, never as the level of disease activity that 7% and 47% would then be.
#[test]
fn a_share_of_people_who_reached_a_change_is_no_level() {
    let found = summarize(&fixtures().join("trials/NCT02552212.json"))
        .sections
        .what_the_trial_found
        .expect("the trial has posted results");
    assert!(
        found.contains(
            "how many people had “Ankylosing Spondylitis Disease Activity Score Major Improvement \
             (ASDAS-MI) Response Criteria Response”"
        ),
        "{found}"
    );
    assert!(
        found.contains("It is a measure of how active the disease is."),
        "{found}"
    );
    assert!(
        !found.contains("measured was how active the disease is"),
        "{found}"
    );
}

/// An area under a curve is not always a medicine in the blood (read by hand: NCT02443155
/// measures "… (AUC) 0-4h of Mixed Meal Tolerance Test (MMTT) Stimulated C-peptide", the
/// body's own insulin; NCT00949078 "a Decrease in Pn-BHR Area Under the Curve (AUC)", its
/// basophils' histamine release to peanut): neither page says it looks at how the body takes up
/// and clears the medicine.
#[test]
fn an_area_under_a_curve_is_not_always_the_medicine() {
    let pk = "how the body takes up and clears the medicine";
    let corpus = fixtures().join("trials/corpus");
    for (id, says) in [
        ("NCT02443155", "how much insulin the body makes"),
        ("NCT00949078", "how allergy cells in the blood react"),
    ] {
        let s = summarize(&corpus.join(format!("{id}.json")));
        let text = page_text(&s);
        assert!(!text.contains(pk), "{id}: {text}");
        assert!(
            s.sections.summary.contains(says),
            "{id}: {}",
            s.sections.summary
        );
    }
}

/// A main result that counts the people who had side effects says so (read by hand:
/// NCT04402008, "Phase 1: Number of Participants With Dose Limiting Toxicities (DLTs)", 0 of
/// 3, 0 of 3 and 3 of 3): "side effects and safety" at 0 of 3 read as if no one had any, beside
/// "3 of 3 had other problems".
#[test]
fn a_count_of_people_with_side_effects_says_what_they_had() {
    let found = corpus_summary("NCT04402008")
        .sections
        .what_the_trial_found
        .expect("the trial has posted results");
    assert!(
        found.contains("how many people had side effects serious enough to limit the dose"),
        "{found}"
    );
    assert!(
        !found.contains("measured was side effects and safety"),
        "{found}"
    );
}

/// A trial that tries to prevent eczema looks at whether people get it (read by hand:
/// NCT05003804, "Part B: Primary Efficacy Endpoint: Incidence of physician-diagnosed atopic
/// dermatitis at 336 days", in babies at risk), not at how clear their skin is.
#[test]
fn a_trial_that_prevents_eczema_looks_at_whether_people_get_it() {
    let summary = corpus_summary("NCT05003804").sections.summary;
    assert!(summary.contains("whether people get eczema"), "{summary}");
    assert!(!summary.contains("how clear the skin is"), "{summary}");
}

/// Immune measures are not all antibodies in the blood (read by hand: NCT01599637 counts "IgE
/// Positive Skin Cells: Dermis, Lesional and Non Lesional Skin" in biopsies; NCT02547519
/// measures "a CD4+ T cell immune response against insulin").
#[test]
fn cells_in_the_skin_and_t_cells_are_not_antibodies_in_the_blood() {
    let corpus = fixtures().join("trials/corpus");
    for (id, says) in [
        ("NCT01599637", "immune cells in samples of skin"),
        ("NCT02547519", "how the immune system's T cells respond"),
    ] {
        let summary = summarize(&corpus.join(format!("{id}.json")))
            .sections
            .summary;
        assert!(summary.contains(says), "{id}: {summary}");
        assert!(
            !summary.contains("antibody levels in the blood"),
            "{id}: {summary}"
        );
    }
}

/// A count of the people who tolerate a food is whether they can take it, not how much of it
/// they can eat (read by hand: NCT02149134, "Number of subjects tolerants to a new
/// hypoallergenic formula demonstrated by oral food challenge", in infants).
#[test]
fn a_count_of_people_who_tolerate_a_food_is_whether_they_can() {
    let summary = corpus_summary("NCT02149134").sections.summary;
    assert!(
        summary.contains("whether people can take the food without a reaction"),
        "{summary}"
    );
    assert!(!summary.contains("how much of the food"), "{summary}");
}

/// Event-free survival is how long the cancer stays away or under control, not living longer
/// (read by hand: NCT05879653, "Bladder Intact Event-Free Survival (BI-EFS) rate"; NCT02724163,
/// "Event Free Survival (EFS)").
#[test]
fn event_free_survival_is_not_living_longer() {
    let corpus = fixtures().join("trials/corpus");
    for id in ["NCT05879653", "NCT02724163"] {
        let summary = summarize(&corpus.join(format!("{id}.json")))
            .sections
            .summary;
        assert!(
            summary.contains("how long the cancer stays away or under control"),
            "{id}: {summary}"
        );
        assert!(!summary.contains("living longer"), "{id}: {summary}");
    }
}

/// A main result whose measure is the time until something happened ("Time to 50% Decline in
/// Clinical Symptoms …", in days) is quoted in its own words, never said as a level of what
/// it measures (NCT03111628 said "how bad the hives are" beside "on average 23 days").
#[test]
fn a_time_until_something_happened_is_quoted() {
    let mut seen = 0;
    for (path, raw) in super::results::results_records() {
        let first = first_primary(&raw)
            .and_then(|o| o["title"].as_str())
            .unwrap_or_default();
        if !first.to_lowercase().starts_with("time to ") {
            continue;
        }
        seen += 1;
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        assert!(
            text.contains("The main thing measured was “Time to"),
            "{}: {text}",
            path.display()
        );
    }
    assert!(
        seen >= 1,
        "no main result measures a time until something happened"
    );
}

/// A main result counted in "Participants who …" is a count of people, said "N of M people",
/// never with the registered unit after the number (NCT00636506: "The result was 63
/// Participants who easily located pumpbulb").
#[test]
fn a_unit_of_people_who_did_something_counts_people() {
    let mut seen = 0;
    for (path, raw) in super::results::results_records() {
        let Some(first) = first_primary(&raw) else {
            continue;
        };
        let unit = first["unitOfMeasure"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        if !(unit.starts_with("participants who ") || unit.starts_with("participants with ")) {
            continue;
        }
        seen += 1;
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        let registered = first["unitOfMeasure"].as_str().unwrap();
        assert!(!text.contains(registered), "{}: {text}", path.display());
        assert!(text.contains(" people"), "{}: {text}", path.display());
    }
    assert!(
        seen >= 1,
        "no main result counted in participants who did something"
    );
}

/// A title that counts the people who had something, in any of the registry's ways of saying
/// so ("Frequency of Subjects With Adverse Drug Reactions", read by hand in NCT01454531, whose
/// result is 133 of 192 people), says "how many people had" it: the count is of people.
#[test]
fn a_frequency_of_subjects_with_counts_people() {
    let text = corpus_summary("NCT01454531")
        .sections
        .what_the_trial_found
        .unwrap();
    assert!(
        text.contains("The main thing measured was how many people had side effects"),
        "{text}"
    );
}

/// Which way a main measure's scale runs is said as the record says it, and never the wrong
/// way: read from the first primary outcome's description, sentence by sentence ("higher …
/// worse / more severe", "negative change … improvement" or "improvement … decrease" make a
/// higher number worse;
/// "higher … better" or "positive change … improvement" a lower one). NCT01367860 gave
/// 2.63 and 4.53 points of pain with no word of which is worse.
#[test]
fn the_way_a_scale_runs_is_said_as_the_record_says() {
    let mut said = 0;
    for (path, raw) in super::results::results_records() {
        let Some(first) = first_primary(&raw) else {
            continue;
        };
        let description = first["description"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        let mut higher_worse = false;
        let mut higher_better = false;
        for sentence in description.split(['.', ';']) {
            let has = |w: &str| sentence.contains(w);
            higher_worse |= (has("higher")
                && (has("worse") || has("more severe") || has("greater severity")))
                || (has("negative change") && has("improvement"))
                || (has("improvement") && has("decrease"));
            higher_better |= (has("higher") && has("better") && !has("worse"))
                || (has("positive change") && has("improvement"));
        }
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        let says_higher = text.contains("a higher number is worse");
        let says_lower = text.contains("a lower number is worse");
        assert!(
            !(says_higher && higher_better),
            "{}: {text}",
            path.display()
        );
        assert!(!(says_lower && higher_worse), "{}: {text}", path.display());
        assert!(
            !says_higher || higher_worse,
            "{}: {description}",
            path.display()
        );
        assert!(
            !says_lower || higher_better,
            "{}: {description}",
            path.display()
        );
        said += usize::from(says_higher || says_lower);
    }
    assert!(said >= 8, "only {said} pages say which way a scale runs");
}

/// A follow-up is never shorter than a time a time frame gives with a decimal ("up to 41.6
/// months"): NCT04047862 said "followed them for 11 months", the only whole number left.
#[test]
fn a_follow_up_is_not_shorter_than_a_decimal_time_frame() {
    let hours = |n: f64, unit: &str| -> Option<f64> {
        let unit = unit.trim_end_matches('s');
        Some(
            n * match unit {
                "day" => 24.0,
                "week" => 168.0,
                "month" => 730.0,
                "year" => 8766.0,
                _ => return None,
            },
        )
    };
    let decimal = |text: &str| -> Option<f64> {
        let words: Vec<&str> = text.split_whitespace().collect();
        words
            .windows(2)
            .filter_map(|w| {
                let n: f64 = w[0].parse().ok().filter(|_| w[0].contains('.'))?;
                hours(n, w[1].trim_matches(|c: char| !c.is_alphabetic()))
            })
            .reduce(f64::max)
    };
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let mut seen = 0;
    for (path, record, page) in pages_where(|_| true) {
        let longest = ["primaryOutcomes", "secondaryOutcomes"]
            .iter()
            .flat_map(|l| items_at(&record, &format!("/protocolSection/outcomesModule/{l}")))
            .filter_map(|o| o["timeFrame"].as_str())
            .filter(|tf| !tf.to_lowercase().contains("last dose"))
            .filter_map(|tf| decimal(&tf.to_lowercase()))
            .reduce(f64::max);
        let Some(longest) = longest else { continue };
        seen += 1;
        let summary = &page.sections.summary;
        let Some(at) = summary
            .find("follow them for ")
            .or(summary.find("followed them for "))
        else {
            continue;
        };
        let said: Vec<&str> = summary[at..].split_whitespace().skip(3).take(2).collect();
        let amount = said[0].parse::<f64>().ok().or_else(|| {
            words
                .iter()
                .position(|w| *w == said[0])
                .map(|p| p as f64 + 1.0)
        });
        let given = amount.and_then(|n| hours(n, said[1].trim_end_matches([',', '.'])));
        assert!(
            given.is_none_or(|g| g >= longest),
            "{}: {summary}",
            path.display()
        );
    }
    assert!(seen >= 3, "only {seen} records give a decimal time");
}
