//! Groups, read against the records: which a results page lists (where there are more groups
//! than it lists, the placebo group is among them in every part), and how arms that list the
//! same products are told apart.

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
