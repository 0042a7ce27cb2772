//! What the trial found: the section is there exactly when the record has results, every number
//! in it is read back from its field in the record, and its words report, never judge.

use crate::helpers::*;
use laysum::summary::WarningCode;
use serde_json::Value;
use std::collections::BTreeSet;

/// The value at a field path such as
/// `resultsSection.adverseEventsModule.eventGroups[1].seriousNumAffected`.
pub(crate) fn resolve<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    let mut here = record;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        here = here.get(key)?;
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            here = here.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(here)
}

/// The numbers a page writes in a text, as the number guard reads them.
fn numbers(text: &str) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    laysum::derive::numbers_in(text, &mut set);
    set
}

/// A participant-flow count: the record writes `numSubjects` as text, some tools as a number.
pub(crate) fn num_subjects(count: &Value) -> Option<u64> {
    match &count["numSubjects"] {
        Value::String(n) => n.trim().parse().ok(),
        n => n.as_u64(),
    }
}

pub(crate) fn results_records() -> Vec<(std::path::PathBuf, Value)> {
    all_real_records_read()
        .into_iter()
        .filter(|(_, raw)| raw.get("resultsSection").is_some())
        .collect()
}

#[test]
fn the_section_is_there_exactly_when_the_record_has_results() {
    let mut with = 0;
    for path in all_real_records() {
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let s = summarize(&path);
        let has = raw.get("resultsSection").is_some();
        assert_eq!(
            s.sections.what_the_trial_found.is_some(),
            has,
            "{}",
            path.display()
        );
        with += usize::from(has);
    }
    assert!(with >= 120, "only {with} records with results");
    // The JSON page says null, not nothing, for a record without results.
    let (_, json) = pipeline()
        .page(&std::fs::read(seed_record()).unwrap(), laysum::Format::Json)
        .unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v["sections"]["what_the_trial_found"].is_null());
}

#[test]
fn every_number_of_every_results_page_is_read_back_from_its_field() {
    let mut checked = 0;
    for (path, raw) in results_records() {
        let s = summarize(&path);
        let text = s.sections.what_the_trial_found.clone().unwrap();
        // Every field the page quotes, with what the record holds there.
        let held: Vec<(String, String)> = s
            .quality
            .facts
            .iter()
            .filter_map(|f| {
                let v = resolve(&raw, &f.field)?;
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                Some((f.field.clone(), v))
            })
            .collect();
        for n in numbers(&text) {
            let found = held.iter().any(|(_, v)| {
                numbers(v).contains(&n)
                    || v.trim()
                        .parse::<f64>()
                        .is_ok_and(|x| format!("{}", x.abs().round() as i64) == n)
            });
            assert!(
                found,
                "{}: {n} is in no field the page quotes: {text}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} numbers checked");
}

#[test]
fn results_pages_report_and_never_judge() {
    let judging = [
        "worked",
        "effective",
        "improved",
        "better",
        "proved",
        "significant",
        "safe",
    ];
    let mut grades = Vec::new();
    for (path, _) in results_records() {
        let s = summarize(&path);
        let text = s.sections.what_the_trial_found.clone().unwrap();
        assert!(
            text.contains("One trial alone does not show whether a treatment works."),
            "{}: no caution",
            path.display()
        );
        // Registry titles in quotes are the registry's words; ours must not judge.
        let ours: String = text
            .split('“')
            .map(|p| p.split_once('”').map_or(p, |(_, after)| after))
            .collect();
        for word in judging {
            assert!(
                !laysum::lexicon::contains_phrase(&ours.to_lowercase(), word),
                "{}: “{word}” in {text}",
                path.display()
            );
        }
        assert!(
            !ours.contains("p=")
                && !ours.contains("p <")
                && !ours.to_lowercase().contains("confidence interval")
        );
        let errors: Vec<_> = s.quality.errors().collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        grades.extend(
            s.quality
                .sections
                .iter()
                .filter(|q| q.section == "what_the_trial_found")
                .map(|q| q.grade_level),
        );
    }
    grades.sort_by(f64::total_cmp);
    let median = grades[grades.len() / 2];
    assert!(median <= 8.0, "median grade {median}");
}

#[test]
fn a_results_page_says_what_the_record_reports() {
    // NCT02552212: a major improvement in 47.2% on certolizumab pegol and 7.0% on placebo at
    // week 52; serious problems in 8 of 159 and 4 of 158.
    let s = summarize(&fixtures().join("trials/NCT02552212.json"));
    let text = s.sections.what_the_trial_found.unwrap();
    for said in [
        "47% of 159 people in the certolizumab pegol group",
        "7% of 158 people in the placebo group",
        "8 of 159 people had serious problems",
        "4 of 158 people had serious problems",
        "whether or not the treatment caused them",
    ] {
        assert!(text.contains(said), "“{said}” not in {text}");
    }
    // The page no longer predicts what the trial could lead to.
    assert!(!s.sections.what_this_could_lead_to.contains("If it works"));
}

/// "a change of -9% change": a unit that says change ("% change", "Fold change in …") is not
/// led by "a change of" too.
#[test]
fn no_result_says_change_twice() {
    for (path, _) in results_records() {
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        for (at, _) in text.match_indices("a change of ") {
            let value: String = text[at + "a change of ".len()..]
                .chars()
                .take_while(|&c| c != '(' && c != ',' && c != ';')
                .collect();
            let lower = value.to_lowercase();
            assert!(
                !lower.contains("change") && !lower.contains("difference"),
                "{}: “a change of {value}”",
                path.display()
            );
        }
    }
}

/// Whether a term speaks of death.
fn says_died(term: &str) -> bool {
    let t = term.to_lowercase();
    ["death", "dead", "died"].iter().any(|w| t.contains(w))
}

/// Whether the participant flow has people who left the trial because they died.
fn left_by_dying(raw: &Value) -> bool {
    raw["resultsSection"]["participantFlowModule"]["periods"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["dropWithdraws"].as_array().into_iter().flatten())
        .any(|d| {
            d["type"].as_str().is_some_and(says_died)
                && d["reasons"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| num_subjects(r).unwrap_or(0) > 0)
        })
}

/// Whether the record tells of a death anywhere: a group's count of deaths, a serious event
/// called death, or people who left the trial because they died.
fn record_tells_of_deaths(raw: &Value) -> bool {
    let results = &raw["resultsSection"];
    let died = says_died;
    let serious = results["adverseEventsModule"]["seriousEvents"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| {
            e["term"].as_str().is_some_and(died)
                && e["stats"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|st| st["numAffected"].as_u64().unwrap_or(0) > 0)
        });
    // A group's count of deaths, listed on the page or not (NCT02443155's liraglutide group,
    // fourth of four, had the one death).
    let counted = results["adverseEventsModule"]["eventGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|g| g["deathsNumAffected"].as_u64().unwrap_or(0) > 0);
    serious || counted || left_by_dying(raw)
}

/// A record that tells of deaths, even where it gives no count of them, never gets a page
/// that reads as though no one died.
#[test]
fn deaths_the_record_tells_of_are_never_denied() {
    let mut seen = 0;
    for (path, raw) in results_records() {
        if !record_tells_of_deaths(&raw) {
            continue;
        }
        seen += 1;
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        for denial in [
            "No one died",
            "Deaths were not reported",
            "no one died",
            "count no deaths",
        ] {
            assert!(!text.contains(denial), "{}: “{denial}”", path.display());
        }
    }
    assert!(seen >= 3, "only {seen} records tell of deaths");
}

/// A record whose adverse events count no deaths but whose participant flow has people who
/// left because they died says so (NCT01160289: one "Death" in the flow, and the page said
/// only "The record gives no count of deaths").
#[test]
fn a_death_among_the_reasons_people_left_is_said() {
    let mut seen = 0;
    for (path, raw) in results_records() {
        if !left_by_dying(&raw) {
            continue;
        }
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        if text.contains("died") {
            continue; // the problems count the deaths, group by group
        }
        seen += 1;
        assert!(
            text.contains("death is one of the reasons people left"),
            "{}: {text}",
            path.display()
        );
    }
    assert!(
        seen >= 3,
        "only {seen} records tell of deaths only in the flow"
    );
}

/// A main measure the record posts no number for is said to have none, and one with numbers
/// never is: read from the first primary outcome's measurements in the record. Where the
/// cells' comments say a middle value was "not reached" (NCT05665595's recurrence-free
/// survival), the page says too few people had it happen.
#[test]
fn a_main_measure_without_numbers_says_so() {
    let (mut without, mut reached) = (0, 0);
    for (path, raw) in results_records() {
        let outcomes = raw["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(first) = outcomes.iter().find(|o| o["type"] == "PRIMARY") else {
            continue;
        };
        let measurements: Vec<serde_json::Value> = first["classes"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["categories"].as_array().cloned().unwrap_or_default())
            .flat_map(|c| c["measurements"].as_array().cloned().unwrap_or_default())
            .collect();
        let has_numbers = measurements.iter().any(|m| {
            m["value"]
                .as_str()
                .is_some_and(|v| v.bytes().any(|b| b.is_ascii_digit()))
        });
        let not_reached = measurements.iter().any(|m| {
            m["comment"]
                .as_str()
                .is_some_and(|c| c.to_lowercase().contains("not reached"))
        });
        let text = summarize(&path).sections.what_the_trial_found.unwrap();
        let none_at_all = text.contains("The record gives no numbers for it.");
        let too_few = text.contains("too few people had this happen");
        if has_numbers {
            assert!(!none_at_all && !too_few, "{}: {text}", path.display());
        } else if text.contains("The main thing measured was") {
            // Not "The results were no number given in … and no number given in …".
            assert!(
                none_at_all && !text.contains("no number given"),
                "{}: says nothing of the missing numbers: {text}",
                path.display()
            );
            assert_eq!(too_few, not_reached, "{}: {text}", path.display());
            reached += usize::from(not_reached);
        }
        without += usize::from(!has_numbers);
    }
    assert!(without >= 3, "only {without} records without numbers");
    assert!(reached >= 1, "no record whose middle value was not reached");
}

/// The most common other problems a page names are the most common the record reports,
/// counted over all groups: no problem left unsaid had as many people as one that is said (a tie
/// is no ranking), except labels that name no problem and terms whose plain words are already said.
#[test]
fn the_most_common_problems_are_the_most_common_ones() {
    let lexicon = laysum::lexicon::Lexicon::load(laysum::templates::template_files()).unwrap();
    let words = &lexicon.problems;
    let mut checked = 0;
    for (path, raw) in results_records() {
        let s = summarize(&path);
        let cited: Vec<usize> = s
            .quality
            .facts
            .iter()
            .filter_map(|f| {
                f.field
                    .strip_prefix("resultsSection.adverseEventsModule.otherEvents[")?
                    .strip_suffix("].term")?
                    .parse()
                    .ok()
            })
            .collect();
        if cited.is_empty() {
            continue;
        }
        let events = raw["resultsSection"]["adverseEventsModule"]["otherEvents"]
            .as_array()
            .unwrap();
        let total = |e: &Value| -> u64 {
            e["stats"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["numAffected"].as_u64())
                .sum()
        };
        let term = |e: &Value| {
            let t = e["term"].as_str().unwrap_or("").to_lowercase();
            t.trim_end_matches(" nec")
                .trim_end_matches(" nos")
                .trim()
                .to_owned()
        };
        let plain_of = |t: &str| words.terms.get(t).cloned().unwrap_or_else(|| t.to_owned());
        let said: Vec<String> = cited.iter().map(|&e| plain_of(&term(&events[e]))).collect();
        let least = cited.iter().map(|&e| total(&events[e])).min().unwrap();
        for (e, event) in events.iter().enumerate() {
            let t = term(event);
            let no_problem = !words.terms.contains_key(&t) && words.names_nothing(&t);
            if cited.contains(&e) || no_problem || said.contains(&plain_of(&t)) {
                continue;
            }
            // As many as a named one is a tie: neither is more common than the other.
            assert!(
                total(event) < least,
                "{}: “{t}” ({} people) is left unsaid, as many or more than a named one ({least}): {said:?}",
                path.display(),
                total(event)
            );
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} pages name problems");
}

#[test]
fn a_single_group_or_stopped_trial_says_what_that_means() {
    // NCT01222273: one open-label group.
    let s = corpus_summary("NCT01222273");
    assert!(s
        .sections
        .what_the_trial_found
        .unwrap()
        .contains("There was no comparison group"));
    // NCT03670628: stopped early by the COVID-19 pandemic.
    let s = corpus_summary("NCT03670628");
    assert!(s.sections.what_the_trial_found.unwrap().contains(
        "stopped early, because of the COVID-19 pandemic, so its results may not be reliable"
    ));
}

#[test]
fn a_draft_that_judges_or_miscounts_is_refused() {
    let bytes = std::fs::read(fixtures().join("trials/NCT02552212.json")).unwrap();
    let p = pipeline();
    let trial = p.trial(&bytes).unwrap();
    let facts = p.facts(&trial);
    let mut draft = p.draft_rules(&facts).unwrap();
    let good = draft.what_the_trial_found.clone().unwrap();
    draft.what_the_trial_found = Some(format!(
        "{good} Certolizumab pegol worked better (p<0.001). 8 of 158 people had serious problems."
    ));
    let s = p.check(
        draft.clone(),
        &facts,
        &trial,
        laysum::summary::Generator::rules("test"),
    );
    let codes: Vec<WarningCode> = s.quality.errors().map(|w| w.code).collect();
    assert!(codes.contains(&WarningCode::JudgingWord), "{codes:?}");
    assert!(codes.contains(&WarningCode::Statistic), "{codes:?}");
    assert!(codes.contains(&WarningCode::WrongDenominator), "{codes:?}");
    // A results record whose draft leaves the section out is refused too.
    draft.what_the_trial_found = None;
    let s = p.check(
        draft,
        &facts,
        &trial,
        laysum::summary::Generator::rules("test"),
    );
    assert!(s
        .quality
        .errors()
        .any(|w| w.code == WarningCode::MissingSection && w.section == "what_the_trial_found"));
}

#[test]
fn a_draft_in_any_script_is_checked_without_failing() {
    // Dashes, curly apostrophes and units such as "µg" in a model's draft: the check reads them
    // as text (it once sliced inside a character looking for a glued "p>").
    let bytes = std::fs::read(fixtures().join("trials/NCT02552212.json")).unwrap();
    let p = pipeline();
    let trial = p.trial(&bytes).unwrap();
    let facts = p.facts(&trial);
    let codes_for = |extra: &str| -> Vec<WarningCode> {
        let mut draft = p.draft_rules(&facts).unwrap();
        let good = draft.what_the_trial_found.clone().unwrap();
        draft.what_the_trial_found = Some(format!("{good} {extra}"));
        let s = p.check(
            draft,
            &facts,
            &trial,
            laysum::summary::Generator::rules("test"),
        );
        s.quality.errors().map(|w| w.code).collect()
    };
    let plain = codes_for("The dose — 400 µg — was the trial’s own.");
    assert!(!plain.contains(&WarningCode::Statistic), "{plain:?}");
    assert!(
        plain.contains(&WarningCode::UntracedNumber),
        "400 is no results value: {plain:?}"
    );
    let glued = codes_for("The dose — the trial’s own — made a difference (p>0.05).");
    assert!(glued.contains(&WarningCode::Statistic), "{glued:?}");
}

/// A trial with results is judged nowhere on its page, not only in its results section: a
/// model's draft that passed every other guard in the live check said the treatment "was not
/// effective" in "what this could lead to".
#[test]
fn a_trial_with_results_is_judged_in_no_section() {
    let bytes = std::fs::read(fixtures().join("trials/NCT02552212.json")).unwrap();
    let p = pipeline();
    let trial = p.trial(&bytes).unwrap();
    let facts = p.facts(&trial);
    let judged = |draft: laysum::write::Draft| -> Vec<String> {
        let s = p.check(
            draft,
            &facts,
            &trial,
            laysum::summary::Generator::rules("test"),
        );
        s.quality
            .errors()
            .filter(|w| w.code == WarningCode::JudgingWord)
            .map(|w| w.section.clone())
            .collect()
    };
    let draft = p.draft_rules(&facts).unwrap();
    assert!(judged(draft.clone()).is_empty());
    let mut said = draft;
    said.what_this_could_lead_to = format!(
        "{} The treatment was not effective.",
        said.what_this_could_lead_to
    );
    assert_eq!(judged(said), ["what_this_could_lead_to"]);
}

/// A record whose adverse-events module counts no one in any group (none at risk, or no
/// numbers: "Adverse events were not monitored", data lost) says the record gives no counts,
/// once; it never says group by group that problems "were not reported", which reads as if
/// people were watched and nothing was found. A record that counts anyone never says it.
#[test]
fn a_record_that_counted_no_problems_says_so() {
    let counts = |group: &Value, kind: &str| {
        let at_risk = group[format!("{kind}NumAtRisk")].as_u64();
        group[format!("{kind}NumAffected")].as_u64().is_some() && at_risk != Some(0)
    };
    let mut uncounted = 0;
    for (path, raw) in results_records() {
        let Some(groups) = raw
            .pointer("/resultsSection/adverseEventsModule/eventGroups")
            .and_then(Value::as_array)
            .filter(|groups| !groups.is_empty())
        else {
            continue;
        };
        // A module that says its numbers count nothing of the treatment says so instead.
        if crate::problems::counts_nothing(&raw) {
            continue;
        }
        let counted = groups
            .iter()
            .any(|g| ["serious", "other", "deaths"].iter().any(|k| counts(g, k)));
        let page = summarize(&path);
        let found = page.sections.what_the_trial_found.unwrap();
        let says = found.contains("The record gives no counts of medical problems or deaths.");
        assert_eq!(says, !counted, "{}: {found}", path.display());
        if !counted {
            uncounted += 1;
            assert_says_none(
                &path,
                &found,
                &["were not reported", "Medical problems were counted"],
            );
            assert_says_none(
                &path,
                &page.sections.what_could_go_wrong,
                &["problems reported during the trial"],
            );
        }
    }
    assert!(uncounted >= 3, "only {uncounted} records that counted none");
}

/// A primary outcome measured only before treatment is where people started, not what the
/// trial found (read by hand: NCT03101033's first primary outcome is pain "before treatment",
/// 5.63 and 5.92 points; the next ones are one, three and six months after).
#[test]
fn a_measure_taken_before_treatment_is_not_the_result() {
    let path = fixtures().join("trials/corpus/NCT03101033.json");
    let text = summarize(&path).sections.what_the_trial_found.unwrap();
    assert_says_none(&path, &text, &["5.63", "5.92"]);
    assert!(text.contains("after one month"), "{text}");
}
