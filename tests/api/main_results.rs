//! How the main result names what was measured and gives its numbers, read against the
//! records' outcome titles and units: who was counted, what a unit says, what a score means.

use crate::helpers::*;

const OUTCOMES: &str = "/resultsSection/outcomeMeasuresModule/outcomeMeasures";

/// The primary outcomes of a record's results, in record order.
fn primaries(record: &serde_json::Value) -> Vec<&serde_json::Value> {
    items_at(record, OUTCOMES)
        .iter()
        .filter(|o| o["type"] == "PRIMARY")
        .collect()
}

fn found(page: &laysum::Summary) -> &str {
    page.sections.what_the_trial_found.as_deref().unwrap_or("")
}

/// A title that counts the people without something ("Number of Participants Without
/// Respiratory Reaction During Aspirin Desensitization") is said as such: 5 of 7 people in
/// NCT00555971 had no reaction, and the page said they could eat "the food".
#[test]
fn a_count_of_people_without_something_says_they_did_not_have_it() {
    let without = |o: &serde_json::Value| {
        let title = o["title"].as_str().unwrap_or("").to_lowercase();
        [
            "participants without",
            "patients without",
            "subjects without",
        ]
        .iter()
        .any(|p| title.contains(p))
    };
    let mut seen = 0;
    for (path, _, page) in pages_where(|r| primaries(r).first().is_some_and(|o| without(o))) {
        seen += 1;
        let found = found(&page);
        assert!(
            found.contains("The main thing measured was how many people did not have “"),
            "{}: {found}",
            path.display()
        );
    }
    assert!(
        seen >= 2,
        "only {seen} records count people without something"
    );
}

/// The page speaks of food only where the record does: "desensitization" alone is no food
/// challenge (NCT00555971 gave aspirin in rising doses).
#[test]
fn food_is_named_only_where_the_record_names_a_food() {
    let foods = [
        "food", "peanut", "milk", "egg", "nut", "wheat", "fish", "shrimp", "sesame", "soy",
        "cashew", "walnut", "hazelnut", "formula", "allergen",
    ];
    let mut seen = 0;
    for (path, record, page) in pages_where(|_| true) {
        let text = page_text(&page);
        if !text.contains("of the food") && !text.contains("take the food") {
            continue;
        }
        seen += 1;
        let record_text = record.to_string().to_lowercase();
        assert!(
            foods.iter().any(|f| record_text.contains(f)),
            "{}: {text}",
            path.display()
        );
        assert!(
            !record_text.contains("aspirin desensiti"),
            "{}: {text}",
            path.display()
        );
    }
    assert!(seen >= 5, "only {seen} pages speak of food");
}

/// A registered unit that is the measure's title again ("Change of percentage in body
/// involvement", NCT00557284) or the title cut short ("Change in number of courses of oral c",
/// NCT04158050) is not printed after every number.
#[test]
fn a_unit_that_repeats_the_title_is_not_printed() {
    let mut seen = 0;
    for (path, record, page) in pages_where(|r| !primaries(r).is_empty()) {
        let Some(first) = primaries(&record).first().copied() else {
            continue;
        };
        let unit = first["unitOfMeasure"].as_str().unwrap_or("").trim();
        let lower = unit.to_lowercase();
        if !(lower.starts_with("change in ") || lower.starts_with("change of ")) {
            continue;
        }
        seen += 1;
        let found = found(&page);
        assert!(!found.contains(unit), "{}: {found}", path.display());
    }
    assert!(seen >= 2, "only {seen} records have such units");
}

/// A change given as a ratio of after to before is a multiple of where people started, not "a
/// change of 2.0 Ratio" (NCT01380327).
#[test]
fn a_change_given_as_a_ratio_is_a_multiple_of_the_start() {
    let summary = corpus_summary("NCT01380327");
    let found = found(&summary);
    assert!(
        found.contains("on average 2.0 times the level at the start (30 people)"),
        "{found}"
    );
    assert!(!found.contains("Ratio ("), "{found}");
}

/// A survival rate at a set time counts people: it is not "how long the disease stays under
/// control" (NCT00777179's 28 of 63 people at 3 months).
#[test]
fn a_rate_that_counts_people_is_no_length_of_time() {
    let mut seen = 0;
    let rate = |r: &serde_json::Value| {
        primaries(r).first().is_some_and(|o| {
            let title = o["title"].as_str().unwrap_or("").to_lowercase();
            title.contains("survival") && title.contains("rate")
        })
    };
    for (path, _, page) in pages_where(rate) {
        seen += 1;
        let found = found(&page);
        assert!(
            !found.contains("The main thing measured was how long"),
            "{}: {found}",
            path.display()
        );
    }
    assert!(seen >= 1, "no record measures a survival rate first");
}

/// A score reached is quoted with what it means and its scale: "how many people had “a Score
/// of ≤2”" (NCT02593396) tells a reader nothing.
#[test]
fn a_score_reached_is_quoted_with_its_meaning() {
    let summary = corpus_summary("NCT02593396");
    let found = found(&summary);
    assert!(
        found.contains(
            "how many people had “a Score of ≤2 (Much/Very Much Improved) on the Clinical \
             Global Impression Scale Adapted for Sexual Function”"
        ),
        "{found}"
    );
}

/// Problems the doctors judged the treatment caused are said so: NCT03462030's 11 of 15 sat
/// beside "14 of 15 had other problems", counted whatever their cause.
#[test]
fn treatment_related_problems_are_not_every_problem() {
    let mut seen = 0;
    let related = |r: &serde_json::Value| {
        primaries(r).first().is_some_and(|o| {
            let title = o["title"].as_str().unwrap_or("").to_lowercase();
            title.starts_with("number of participants with treatment-related adverse events")
        })
    };
    for (path, _, page) in pages_where(related) {
        seen += 1;
        let found = found(&page);
        assert!(
            found.contains(
                "how many people had side effects the doctors judged the treatment caused"
            ),
            "{}: {found}",
            path.display()
        );
    }
    assert!(
        seen >= 2,
        "only {seen} records count treatment-related problems first"
    );
}

/// A quoted measure is never cut at brackets the measure goes on after: NCT01379651's "Number
/// of Children That Achieved Total (40 ml) or Partial (…) Tolerance to Raw Egg" was quoted as
/// "Number of Children That Achieved Total", NCT02945046's "(CH) Attacks" as "Number of Cluster
/// Headache". No quote ends on a word that needs more after it.
#[test]
fn a_quoted_measure_is_not_cut_inside_its_words() {
    let dangling = [
        "of", "the", "and", "or", "a", "an", "in", "with", "to", "total", "partial", "number",
    ];
    for (path, _, page) in pages_where(|r| !primaries(r).is_empty()) {
        let found = found(&page);
        let measures = found
            .split('“')
            .zip(found.split('“').skip(1))
            .filter_map(|(before, q)| {
                [
                    "measured was ",
                    "measure was ",
                    "people had ",
                    "did not have ",
                ]
                .iter()
                .any(|w| before.ends_with(w))
                .then(|| q.split_once('”'))
                .flatten()
            });
        for quote in measures {
            let last = quote
                .0
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_lowercase();
            assert!(
                !dangling.contains(&last.as_str()),
                "{}: “{}”",
                path.display(),
                quote.0
            );
        }
    }
    let egg = found_of("NCT01379651");
    assert!(egg.contains("Tolerance to Raw Egg”"), "{egg}");
    let attacks = found_of("NCT02945046");
    assert!(
        attacks.contains("“Weekly Average Number of Cluster Headache (CH) Attacks”"),
        "{attacks}"
    );
}

fn found_of(id: &str) -> String {
    let page = corpus_summary(id);
    found(&page).to_owned()
}

/// How a blood cancer answers treatment is not "antibody levels in the blood" because the
/// product is an antibody (NCT04856215: "Disease response after [90Y]-labelled anti-CD66
/// monoclonal antibody").
#[test]
fn a_disease_response_is_not_read_from_the_products_name() {
    let page = corpus_summary("NCT04856215");
    let summary = &page.sections.summary;
    assert!(!summary.contains("antibody levels"), "{summary}");
    assert!(
        summary.contains("how well the disease responds to treatment"),
        "{summary}"
    );
}

/// Values a time frame calls a change from baseline are changes, whatever the title says:
/// NCT05551195's "Change from Baseline to Post-treatment at Week 8" gave 0 points of a
/// depression score, which read as no depression. One person's value is no average.
#[test]
fn a_change_the_time_frame_names_is_a_change() {
    let changed = |r: &serde_json::Value| {
        primaries(r).first().is_some_and(|o| {
            let tf = o["timeFrame"].as_str().unwrap_or("").to_lowercase();
            let mean = o["paramType"] == "MEAN" || o["paramType"] == "LEAST_SQUARES_MEAN";
            tf.contains("change from baseline") && mean
        })
    };
    let mut seen = 0;
    for (path, _, page) in pages_where(changed) {
        let found = found(&page);
        if found.contains("several parts") || !found.contains("points") {
            continue;
        }
        seen += 1;
        assert!(found.contains("a change of"), "{}: {found}", path.display());
    }
    assert!(
        seen >= 1,
        "no record calls its values changes in the time frame only"
    );
    for (path, _, page) in pages_where(|r| !primaries(r).is_empty()) {
        assert_says_none(
            &path,
            found(&page),
            &["on average a change of 0 points (1 person)"],
        );
        assert!(!found(&page).contains("on average 0 points (1 person)"));
    }
}

/// A change of a percentage is in percentage points: NCT00853606's mean change in successful
/// intercourse, in "percentage of sexual attempts", read "a change of 55% of sexual attempts".
/// A title that says its change is a percent of the start keeps "%" (NCT01524536's "Mean
/// Percent Change in Eosinophil Count").
#[test]
fn a_change_of_a_percentage_is_in_percentage_points() {
    let points = found_of("NCT00853606");
    assert!(
        points.contains("a change of 55 percentage points in the share of sexual attempts"),
        "{points}"
    );
    let relative = found_of("NCT01524536");
    assert!(
        relative.contains("a change of -70% of eosinophil count"),
        "{relative}"
    );
}
