//! Who took part, read against each record's participant flow: who started (after screening,
//! and never more than started the groups), who finished (the last period of the chain that
//! every group goes on through), and the reasons people left.

use super::results::{num_subjects, resolve, results_records};
use crate::helpers::*;
use serde_json::Value;

const PERIODS: &str = "/resultsSection/participantFlowModule/periods";

/// A participant-flow period's counts of one milestone ("STARTED", "COMPLETED"), by group id.
fn milestone_counts(period: &Value, kind: &str) -> Vec<(String, u64)> {
    items_at(period, "/milestones")
        .iter()
        .filter(|m| m["type"] == kind)
        .flat_map(|m| items_at(m, "/achievements"))
        .filter_map(|a| Some((a["groupId"].as_str()?.to_owned(), num_subjects(a)?)))
        .collect()
}

/// A summary never says everyone the record counts as joined took part when fewer started the
/// trial's groups (NCT00763412: 31 enrolled, 8 and 8 started, and the page said "31 people took
/// part"). Who started is read from the participant flow: the first period whose STARTED counts
/// more than one group, totals aside, and the groups that start only later when they make up
/// the rest of who joined.
#[test]
fn the_summary_does_not_count_as_taking_part_those_who_never_started() {
    let (mut seen, mut parts) = (0, 0);
    for (path, raw) in results_records() {
        let Some(joined) = raw
            .pointer("/protocolSection/designModule/enrollmentInfo/count")
            .and_then(Value::as_u64)
        else {
            continue;
        };
        let flow = &raw["resultsSection"]["participantFlowModule"];
        let totals: Vec<&str> = flow["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|g| {
                g["title"]
                    .as_str()
                    .is_some_and(|t| t.to_lowercase().contains("total"))
            })
            .filter_map(|g| g["id"].as_str())
            .collect();
        let started_per_group = |period: &Value| -> Vec<u64> {
            period["milestones"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|m| m["type"].as_str() == Some("STARTED"))
                .and_then(|m| m["achievements"].as_array())
                .into_iter()
                .flatten()
                .filter(|a| !a["groupId"].as_str().is_some_and(|id| totals.contains(&id)))
                .filter_map(|a| a["numSubjects"].as_str()?.parse().ok())
                .filter(|n| *n > 0)
                .collect()
        };
        let periods = flow["periods"].as_array().cloned().unwrap_or_default();
        let trial_period = periods
            .iter()
            .position(|p| started_per_group(p).len() > 1)
            .unwrap_or(0);
        let Some(started) = periods
            .get(trial_period)
            .map(started_per_group)
            .map(|groups| groups.iter().sum::<u64>())
        else {
            continue;
        };
        if started == 0 || started >= joined {
            continue;
        }
        let summary = summarize(&path).sections.summary;
        let joined_words = format!("{} people", laysum::derive::with_separators(joined));
        // Groups that start only in a later period, each counted where it starts: parts run one
        // after the other when they make up, with the first, everyone who joined
        // (NCT04585815's sub-study B).
        let first_ids: Vec<String> = milestone_counts(&periods[trial_period], "STARTED")
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(id, _)| id)
            .collect();
        let mut later: Vec<(String, u64)> = Vec::new();
        for period in &periods[trial_period + 1..] {
            for (id, n) in milestone_counts(period, "STARTED") {
                let new = !first_ids.contains(&id) && !later.iter().any(|(l, _)| *l == id);
                if n > 0 && new && !totals.contains(&id.as_str()) {
                    later.push((id, n));
                }
            }
        }
        if started + later.iter().map(|(_, n)| n).sum::<u64>() == joined {
            assert!(
                summary.contains(&format!("{joined_words} took part")),
                "{}: {started} started first and the rest later, of {joined}: {summary}",
                path.display()
            );
            parts += 1;
            continue;
        }
        seen += 1;
        assert!(
            !summary.contains(&format!("{joined_words} took part"))
                && !summary.contains(&format!("{joined_words} have joined")),
            "{}: {started} started of {joined}: {summary}",
            path.display()
        );
        assert!(
            summary.contains("not all of them"),
            "{}: {summary}",
            path.display()
        );
    }
    assert!(
        seen >= 5,
        "only {seen} records where fewer started than joined"
    );
    assert!(
        parts >= 1,
        "no record in parts that start one after the other"
    );
}

/// A screening or lead-in period that everyone starts in one group, before the trial's groups:
/// the page counts who started the trial proper, not everyone screened.
#[test]
fn who_took_part_is_counted_after_screening() {
    let started = |period: &Value| -> Vec<u64> {
        milestone_counts(period, "STARTED")
            .into_iter()
            .map(|(_, n)| n)
            .filter(|&n| n > 0)
            .collect()
    };
    let mut seen = 0;
    for (path, raw) in results_records() {
        let periods = items_at(&raw, PERIODS);
        let Some(first) = periods.first() else {
            continue;
        };
        let screened = started(first);
        if screened.len() != 1 || !periods[1..].iter().any(|p| started(p).len() > 1) {
            continue;
        }
        seen += 1;
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        let all = laysum::derive::with_separators(screened[0]);
        assert!(
            !text.contains(&format!("{all} people started")),
            "{}: counts the {all} screened as taking part",
            path.display()
        );
    }
    assert!(seen >= 1, "no record with a screening period");
}

/// The periods of the trial proper: those before a later period whose title says it is an
/// open extension ("Open-Label Extension Phase"), unless the first says so too (NCT00833638's
/// two-week blinded trial, then its open-label extension).
fn trial_periods(periods: &[Value]) -> &[Value] {
    let open = |p: &Value| {
        let title = p["title"].as_str().unwrap_or_default().to_lowercase();
        ["open-label", "open label", "extension"]
            .iter()
            .any(|w| title.contains(w))
    };
    if periods.first().is_some_and(open) {
        return periods;
    }
    let end = periods
        .iter()
        .skip(1)
        .position(open)
        .map_or(periods.len(), |i| i + 1);
    &periods[..end]
}

/// "The most common reasons people left were …" names the reasons most people left for: no
/// reason the page leaves out had more people than one it names.
#[test]
fn the_reasons_people_left_are_the_most_common_ones() {
    let mut checked = 0;
    for (path, raw) in results_records() {
        let s = summarize(&path);
        let text = s.sections.what_the_trial_found.clone().unwrap();
        if !text.contains("people left") {
            continue;
        }
        let total = |reason: &Value| -> u64 {
            reason["reasons"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(num_subjects)
                .sum()
        };
        let named: Vec<&str> = s
            .quality
            .facts
            .iter()
            .map(|f| f.field.as_str())
            .filter(|f| f.contains(".dropWithdraws[") && f.ends_with("].type"))
            .collect();
        assert!(!named.is_empty(), "{}: {text}", path.display());
        // Reasons are counted by type over the period the page reads and the ones after it, up
        // to an open extension.
        let first_period: usize = named
            .iter()
            .map(|f| {
                let at = f.find(".periods[").unwrap() + ".periods[".len();
                f[at..at + f[at..].find(']').unwrap()]
                    .parse::<usize>()
                    .unwrap()
            })
            .min()
            .unwrap();
        let periods = trial_periods(
            raw["resultsSection"]["participantFlowModule"]["periods"]
                .as_array()
                .unwrap(),
        );
        let mut totals: Vec<(String, u64)> = Vec::new();
        for period in &periods[first_period..] {
            for reason in period["dropWithdraws"].as_array().into_iter().flatten() {
                let kind = reason["type"].as_str().unwrap_or("").to_lowercase();
                match totals.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += total(reason),
                    None => totals.push((kind, total(reason))),
                }
            }
        }
        let named_kinds: Vec<String> = named
            .iter()
            .map(|f| {
                resolve(&raw, f)
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_lowercase()
            })
            .collect();
        let count_of = |kind: &str| totals.iter().find(|(k, _)| k == kind).unwrap().1;
        let least_named = named_kinds.iter().map(|k| count_of(k)).min().unwrap();
        for (kind, n) in &totals {
            if !named_kinds.contains(kind) {
                // As many as for a named one is a tie: neither is more common.
                assert!(
                    *n < least_named,
                    "{}: {n} left for “{kind}”, as many or more than for a reason named: {text}",
                    path.display(),
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} pages name reasons");
}

/// Who finished is who completed the last period of the trial, not the first: where each
/// period after the first starts with just those who completed the one before (NCT03670628:
/// a baseline visit all 13 completed, then weekly sessions 5 completed, then a wait 1
/// completed), the page's "finished" counts are the last period's COMPLETED ones; an open
/// extension after the trial is not one of its periods.
#[test]
fn who_finished_is_who_completed_the_last_period() {
    let digits = laysum::derive::with_separators;
    let people = |n: u64| match n {
        1 => "1 person".to_owned(),
        n => format!("{} people", digits(n)),
    };
    let mut seen = 0;
    for (path, raw) in results_records() {
        let periods = trial_periods(items_at(&raw, PERIODS));
        let first_started = periods
            .first()
            .map(|p| milestone_counts(p, "STARTED"))
            .unwrap_or_default();
        let starting = first_started.iter().filter(|(_, n)| *n > 0).count();
        if periods.len() < 2 || !(2..=3).contains(&starting) {
            continue;
        }
        let chained = periods.windows(2).all(|w| {
            let mut done = milestone_counts(&w[0], "COMPLETED");
            let mut next = milestone_counts(&w[1], "STARTED");
            done.sort();
            next.sort();
            !done.is_empty() && done == next
        });
        if !chained {
            continue;
        }
        seen += 1;
        let last = milestone_counts(periods.last().unwrap(), "COMPLETED");
        let found = summarize(&path).sections.what_the_trial_found.unwrap();
        for (group, started) in first_started.iter().filter(|(_, n)| *n > 0) {
            let finished = last.iter().find(|(g, _)| g == group).map_or(0, |(_, n)| *n);
            let says = match finished {
                0 => format!("{} started.", people(*started)),
                n => format!("{} started and {} finished", people(*started), digits(n)),
            };
            assert!(
                found.contains(&says),
                "{}: “{says}” in {found}",
                path.display()
            );
        }
    }
    assert!(seen >= 5, "only {seen} records with periods in a chain");
}

/// A first period of the participant flow that is screening is not the trial (read by hand:
/// NCT01133288's "Eligibility Assessment" started 7 and passed 2; "Intervention Allocation"
/// started 2; the glove trial itself never began). The page said "7 people started" and that
/// seven took part.
#[test]
fn a_screening_period_is_not_who_started_the_trial() {
    let page = corpus_summary("NCT01133288");
    let found = page.sections.what_the_trial_found.unwrap();
    assert!(found.starts_with("2 people started"), "{found}");
    assert!(
        page.sections.summary.contains("not all of them started"),
        "{}",
        page.sections.summary
    );
}

/// Every group finishes at the same period. NCT00301262 (read by hand) had a blinded phase,
/// 84 of 94 on Viagra and 69 of 82 on placebo completing it, then an open-label phase on Viagra
/// that 83 and 69 started: the page counted the Viagra group to the blinded phase's end and the
/// placebo group to the open-label phase's (67), as if both had been compared alike.
#[test]
fn every_group_finishes_at_the_same_period() {
    let found = corpus_summary("NCT00301262")
        .sections
        .what_the_trial_found
        .expect("the trial has posted results");
    assert!(
        found.contains("94 people started and 84 finished"),
        "{found}"
    );
    assert!(
        found.contains("82 people started and 69 finished"),
        "{found}"
    );
}

/// One group of people may go on as another group of the next period (read by hand:
/// NCT02619617's 28 got a placebo for one attack, group "Placebo s.c.", then SOM230 for the
/// next, group "SOM230 1.5 mg s.c.", which 24 completed): they finished as 24, not as the 28
/// who completed the placebo period.
#[test]
fn a_group_that_goes_on_under_another_name_finishes_there() {
    let found = corpus_summary("NCT02619617")
        .sections
        .what_the_trial_found
        .expect("the trial has posted results");
    assert!(
        found.contains("28 people started and 24 finished"),
        "{found}"
    );
}

/// A trial stopped early says when no one finished (read by hand: NCT01133288, terminated,
/// "Intervention Allocation": 2 started, 0 completed; "no participants received the yulex glove
/// intervention"); a completed record whose people are "Still on Study" (NCT03563716, 0
/// completed) does not say that no one finished.
#[test]
fn a_stopped_trial_says_when_no_one_finished() {
    let corpus = fixtures().join("trials/corpus");
    let found = |id: &str| {
        summarize(&corpus.join(format!("{id}.json")))
            .sections
            .what_the_trial_found
            .expect("the trial has posted results")
    };
    let glove = found("NCT01133288");
    assert!(
        glove.contains("2 people started and 0 finished."),
        "{glove}"
    );
    let still_on_study = found("NCT03563716");
    assert!(!still_on_study.contains("0 finished"), "{still_on_study}");
}

/// Where one person left, the page says so, never "the most common reason" (NCT04270942: one
/// death; read from the flow's reasons, summed over the trial's periods).
#[test]
fn one_person_who_left_is_not_a_most_common_reason() {
    let mut seen = 0;
    for (path, raw) in results_records() {
        let left: u64 = trial_periods(items_at(&raw, PERIODS))
            .iter()
            .flat_map(|p| p["dropWithdraws"].as_array().into_iter().flatten())
            .flat_map(|d| d["reasons"].as_array().into_iter().flatten())
            .filter_map(num_subjects)
            .sum();
        if left != 1 {
            continue;
        }
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        assert!(
            !text.contains("most common reason"),
            "{}: {text}",
            path.display()
        );
        seen += usize::from(text.contains("One person left the"));
    }
    assert!(seen >= 2, "only {seen} pages where one person left");
}
