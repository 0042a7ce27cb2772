//! Groups, read against the records: which a results page lists (where there are more groups
//! than it lists, the placebo group is among them in every part), how arms that list the same
//! products are told apart, and what results without a number in any group can say.

use super::results::results_records;
use serde_json::Value;

/// The titles of a module's groups (`/resultsSection/…/groups`).
fn titles(groups: &Value) -> Vec<String> {
    groups
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["title"].as_str().map(str::to_lowercase))
        .collect()
}

/// A trial with more than three groups, one of them titled just "Placebo" ("Placebo
/// (Placebo)"), lists the placebo
/// group among who took part, the main result and the medical problems (NCT02443155 put it
/// fourth, and the page gave the main result of three active groups with nothing to compare
/// them with).
#[test]
fn the_placebo_group_is_listed_wherever_groups_are_left_out() {
    let mut seen = 0;
    for (path, raw) in results_records() {
        let results = &raw["resultsSection"];
        let flow = titles(&results["participantFlowModule"]["groups"]);
        let placebo_fourth = flow.len() > 3
            && flow
                .iter()
                .position(|t| t == "placebo" || t == "placebo (placebo)")
                .is_some_and(|p| p >= 3);
        if !placebo_fourth {
            continue;
        }
        seen += 1;
        let text = crate::helpers::summarize(&path)
            .sections
            .what_the_trial_found
            .unwrap();
        let started = text
            .split(". ")
            .filter(|s| s.contains("started"))
            .collect::<Vec<_>>();
        let results_said = text
            .split(". ")
            .filter(|s| s.starts_with("The results were"))
            .collect::<Vec<_>>();
        let problems = text
            .split(". ")
            .filter(|s| s.contains("had serious problems"))
            .collect::<Vec<_>>();
        for (part, sentences) in [
            ("who took part", started),
            ("the main result", results_said),
            ("the problems", problems),
        ] {
            assert!(
                sentences.is_empty() || sentences.iter().any(|s| s.contains("the placebo group")),
                "{}: {part} leaves out the placebo group: {text}",
                path.display()
            );
        }
    }
    assert!(
        seen >= 1,
        "no record with the placebo group fourth or later"
    );
}

/// Arms that all list the same products differ in how they give them, not in what: the page
/// never says some get the treatment "and others another treatment" (NCT01742767's two
/// cisplatin schedules, each with pemetrexed).
#[test]
fn arms_that_list_the_same_products_are_not_another_treatment() {
    let mut seen = 0;
    for path in crate::helpers::all_real_records() {
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let arms =
            crate::helpers::items_at(&raw, "/protocolSection/armsInterventionsModule/armGroups");
        let listed: Vec<Vec<String>> = arms
            .iter()
            .map(|a| {
                let mut names: Vec<String> = a["interventionNames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_lowercase))
                    .collect();
                names.sort();
                names
            })
            .collect();
        let alike = listed.len() >= 2
            && !listed[0].is_empty()
            && listed.iter().all(|names| *names == listed[0]);
        if !alike {
            continue;
        }
        seen += 1;
        let summary = crate::helpers::summarize(&path).sections.summary;
        assert!(
            !summary.contains("others another treatment"),
            "{}: {summary}",
            path.display()
        );
    }
    assert!(
        seen >= 5,
        "only {seen} records whose arms list the same products"
    );
}

/// Results posted without a single number (no one counted as starting, no value for any main
/// measure, no counts of medical problems) add nothing a reader can weigh: "what this could
/// lead to" says so, never "These results add to what is known" (NCT01996852, whose data "are
/// not accessible to the study team").
#[test]
fn results_without_a_number_are_not_said_to_add_to_what_is_known() {
    let numbers_in = |v: &Value, keys: &[&str]| -> bool {
        let mut found = false;
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(map) => {
                    for (k, x) in map {
                        let counted = keys.contains(&k.as_str())
                            && match x {
                                Value::String(s) => {
                                    s.bytes().any(|b| b.is_ascii_digit() && b != b'0')
                                }
                                Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
                                _ => false,
                            };
                        found |= counted;
                        stack.push(x);
                    }
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        found
    };
    let mut seen = 0;
    for (path, raw) in results_records() {
        let results = &raw["resultsSection"];
        let primary: Vec<&Value> = results["outcomeMeasuresModule"]["outcomeMeasures"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["type"] == "PRIMARY")
            .collect();
        let any_number = numbers_in(&results["participantFlowModule"], &["numSubjects"])
            || numbers_in(
                &results["adverseEventsModule"]["eventGroups"],
                &[
                    "seriousNumAffected",
                    "otherNumAffected",
                    "deathsNumAffected",
                ],
            )
            || primary
                .iter()
                .any(|o| numbers_in(&o["classes"], &["value"]));
        if any_number {
            continue;
        }
        seen += 1;
        let lead_to = crate::helpers::summarize(&path)
            .sections
            .what_this_could_lead_to;
        assert!(
            lead_to.starts_with("The record gives no numbers"),
            "{}: {lead_to}",
            path.display()
        );
    }
    assert!(seen >= 2, "only {seen} results records without a number");
}
