//! What a page says of the medical problems a record counts, where the record says its counts
//! count nothing of the treatment: no problems collected, or only those of the screening.

use crate::helpers::*;

/// Words of an adverse-events module, read by hand in the records, that say no problems were
/// collected (NCT03500406: "we were unable to collect data"; NCT02299791: "Adverse events were
/// not monitored").
const NOT_COLLECTED: [&str; 3] = ["unable to collect", "not collected", "not monitored"];

fn module_words(record: &serde_json::Value) -> (String, String) {
    let at = |field: &str| {
        text_at(
            record,
            &format!("/resultsSection/adverseEventsModule/{field}"),
        )
        .unwrap_or("")
        .to_lowercase()
    };
    (at("timeFrame"), at("description"))
}

/// Whether a record's adverse-events module says its numbers count nothing of the treatment.
pub fn counts_nothing(record: &serde_json::Value) -> bool {
    let (time_frame, description) = module_words(record);
    NOT_COLLECTED
        .iter()
        .any(|w| time_frame.contains(w) || description.contains(w))
        || time_frame.starts_with("screening (")
}

/// Zeros of problems no one collected, or counted only at screening, are not "0 of 20 had
/// problems" and "No one died during the trial": NCT03739710 said so of an immunotherapy trial
/// for advanced cancer whose module covers "Screening (-28 to 0 days)".
#[test]
fn problems_no_one_collected_are_not_given_as_none() {
    let mut seen = [0, 0];
    for (path, record, page) in pages_where(|r| r.pointer("/resultsSection").is_some()) {
        if !counts_nothing(&record) {
            continue;
        }
        let found = page.sections.what_the_trial_found.unwrap_or_default();
        assert_says_none(
            &path,
            &found,
            &[
                "had serious problems",
                "had other problems",
                "No one died",
                " died",
            ],
        );
        let (time_frame, _) = module_words(&record);
        if time_frame.starts_with("screening (") {
            seen[1] += 1;
            assert!(
                found.contains("The record counts medical problems only during screening"),
                "{}: {found}",
                path.display()
            );
        } else {
            seen[0] += 1;
            assert!(
                found.contains("The record says medical problems were not collected"),
                "{}: {found}",
                path.display()
            );
        }
    }
    assert!(
        seen[0] >= 3 && seen[1] >= 1,
        "records of each kind: {seen:?}"
    );
}

/// A problem MedDRA writes with its kind after it ("Rhinitis allergic") is said the way people
/// say it: NCT01454531's most common problems ended "hives and rhinitis allergic".
#[test]
fn no_problem_is_named_the_wrong_way_round() {
    let kinds = ["allergic", "viral", "bacterial", "chronic", "acute"];
    for (path, _, page) in pages_where(|r| r.pointer("/resultsSection").is_some()) {
        let found = page.sections.what_the_trial_found.unwrap_or_default();
        let Some(at) = found.find("The most common other problem") else {
            continue;
        };
        let list = found[at..].split('.').next().unwrap_or("");
        for kind in kinds {
            for (i, _) in list.match_indices(&format!(" {kind}")) {
                let after = &list[i + kind.len() + 1..];
                // The kind word ends a term: the list ends, or goes on with "," or "and".
                let ends_term =
                    after.is_empty() || after.starts_with(',') || after.starts_with(" and");
                assert!(!ends_term, "{}: {list}", path.display());
            }
        }
    }
}

/// Where only problems above a share of a group were counted, the page says so before the
/// counts: "1 of 100 had other problems" read as every problem NCT00895011's placebo group had,
/// where only those of more than 5% of a group were listed.
#[test]
fn a_reporting_threshold_comes_before_the_counts() {
    let mut seen = 0;
    for (path, _, page) in pages_where(|r| {
        r.pointer("/resultsSection/adverseEventsModule/frequencyThreshold")
            .is_some()
    }) {
        let found = page.sections.what_the_trial_found.unwrap_or_default();
        let (Some(threshold), Some(counts)) = (
            found.find("Other problems were counted only when"),
            found.find("had other problems"),
        ) else {
            continue;
        };
        seen += 1;
        assert!(threshold < counts, "{}: {found}", path.display());
    }
    assert!(seen >= 20, "only {seen} pages with a threshold");
}
