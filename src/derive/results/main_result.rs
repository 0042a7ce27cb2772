//! The main result: the primary outcomes, named in plain words or quoted, with each group's
//! value as the record gives it (a percentage rounded to a whole number) and its own
//! denominator.

use super::*;

/// The primary outcomes with each group's value.
pub(super) fn main_results(
    trial: &Trial,
    results: &Results,
    namer: &Namer<'_>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) {
    let mut primary: Vec<(usize, &OutcomeResult)> = results
        .outcomes
        .iter()
        .enumerate()
        .filter_map(|(o, x)| x.as_ref().map(|x| (o, x)))
        .filter(|(_, x)| x.kind == OutcomeKind::Primary)
        .collect();
    // A measure taken only before treatment is where people started: later ones come first.
    let baseline = &namer.lexicon.results.baseline.time_frames;
    primary.sort_by_key(|(_, x)| {
        x.time_frame.as_deref().is_some_and(|tf| {
            let tf = tf.trim().trim_end_matches(['.', ';', ':']).to_lowercase();
            baseline.contains(&tf)
        })
    });
    found.more_main_results = primary.len() > MOST_RESULTS;
    for (o, outcome) in primary.into_iter().take(MOST_RESULTS) {
        let base = format!("{OUTCOMES}[{o}]");
        source(&outcome.title, &format!("{base}.title"));
        let entry = namer.lexicon.measure(&outcome.title);
        let (core, counts) = measure_core(&outcome.title, namer.lexicon);
        let counts_people = counts == Counts::PeopleWith;
        // A title that counts the people who reached a set change is a share of people, not a
        // level of what the lexicon names: its own words are quoted, and the lexicon's say
        // what it is a measure of.
        let lower = outcome.title.to_lowercase();
        let words = &namer.lexicon.results.measures;
        let reached = counts_people && words.reached.iter().any(|w| contains_phrase(&lower, w));
        // A time until something happened is not a level of what the lexicon names.
        let time_to = words.times.iter().any(|w| lower.starts_with(w.as_str()));
        // The lexicon's words say what people had, never what they did not have: a count of
        // those without is quoted, and the plain words say what it is a measure of.
        let without = counts == Counts::PeopleWithout;
        let reached = reached || time_to || without;
        let (measure, quoted, people_with, measure_of) = match entry {
            Some(e) if !reached => match (&e.had, counts_people) {
                (Some(had), true) => (had.clone(), false, true, None),
                _ => (e.means.clone(), false, false, None),
            },
            entry => {
                quote(core, found);
                let of = entry.map(|e| e.means.clone());
                (core.to_owned(), true, counts_people, of)
            }
        };
        let after = outcome.time_frame.as_deref().and_then(|tf| {
            let d = natural_unit(longest_duration(tf)?);
            source(tf, &format!("{base}.timeFrame"));
            shown(&d.amount.to_string(), found);
            Some(Fact::new(d, format!("{base}.timeFrame")))
        });
        let says_change = |text: &str| {
            ["change", "changes", "difference"]
                .iter()
                .any(|w| contains_phrase(text, w))
        };
        // A unit that says it ("% change", "Fold change in …") says it once: the page does not
        // add "a change of" before it. A unit that is no unit is not printed, so says nothing.
        let unit = outcome.unit.as_deref().unwrap_or("").trim().to_lowercase();
        let results_words = &namer.lexicon.results;
        // The time frame may say it where the title does not: NCT05551195's "Change from
        // Baseline to Post-treatment at Week 8" made 0 points a change, not a score.
        let title_change = says_change(&outcome.title.to_lowercase())
            || outcome.time_frame.as_deref().is_some_and(|tf| {
                let tf = tf.to_lowercase();
                words
                    .change_time_frames
                    .iter()
                    .any(|w| tf.contains(w.as_str()))
            });
        // "Ratio" is a multiple of the start only in a title that says change; "Fold change in
        // basophil Syk expression" (NCT02023151) says so itself.
        let times = results_words
            .change_units
            .fits(&unit, title_change)
            .then_some(&results_words.change_units.words);
        let unit_says =
            (says_change(&unit) && !results_words.no_unit.says_nothing(&unit)) || times.is_some();
        let relative = results_words
            .percent_change
            .relative
            .iter()
            .any(|w| lower.contains(w.as_str()));
        let change = title_change && !unit_says;
        let mut line = MainResult {
            measure: Fact::new(measure, format!("{base}.title")),
            change,
            quoted,
            people_with,
            people_without: without,
            measure_of,
            after,
            values: Vec::new(),
            in_parts: false,
            more_groups: false,
            // Only a record with no value in any cell: one whose values the page cannot
            // attach to a group still has numbers.
            no_numbers: outcome
                .classes
                .iter()
                .flatten()
                .flat_map(|c| c.categories.iter().flatten())
                .flat_map(|c| c.measurements.iter().flatten())
                .all(|m| {
                    m.value
                        .as_deref()
                        .is_none_or(|v| !v.bytes().any(|b| b.is_ascii_digit()))
                }),
            not_reached: false,
            higher_worse: direction(outcome, namer.lexicon)
                .map(|worse| Fact::new(worse, format!("{base}.description"))),
        };
        line.not_reached = line.no_numbers && {
            let words = &namer.lexicon.results.no_numbers.not_reached;
            outcome
                .classes
                .iter()
                .flatten()
                .flat_map(|c| c.categories.iter().flatten())
                .flat_map(|c| c.measurements.iter().flatten())
                .filter_map(|m| m.comment.as_deref())
                .any(|c| {
                    let c = c.to_lowercase();
                    words.iter().any(|w| contains_phrase(&c, w))
                })
        };
        let cells: Vec<(usize, usize, &Category)> = outcome
            .classes
            .iter()
            .enumerate()
            .filter_map(|(c, x)| x.as_ref().map(|x| (c, x)))
            .flat_map(|(c, class)| {
                class
                    .categories
                    .iter()
                    .enumerate()
                    .filter_map(move |(k, x)| x.as_ref().map(|x| (c, k, x)))
            })
            .collect();
        if cells.len() != 1 {
            // Several classes or categories: the measure is named, the values are in the record.
            line.in_parts = !cells.is_empty();
            found.main_results.push(line);
            continue;
        }
        let (c, k, category) = cells[0];
        let groups: Vec<(usize, &Group)> = real_groups(&outcome.groups, namer).collect();
        let names = name_groups(namer, groups.iter().map(|(_, g)| *g), found);
        line.more_groups = groups.len() > MOST_GROUPS;
        for i in listed(&names) {
            let ((g, group), name) = (&groups[i], names[i].clone());
            source(&group.title, &format!("{base}.groups[{g}].title"));
            let Some((m, value)) = category.measurements.iter().enumerate().find_map(|(m, x)| {
                x.as_ref()
                    .filter(|x| x.group_id == group.id)
                    .map(|x| (m, x.value.clone()))
            }) else {
                continue;
            };
            let field = format!("{base}.classes[{c}].categories[{k}].measurements[{m}].value");
            let of = denominator(outcome, &group.id, &base);
            let value = value.unwrap_or_default();
            source(&value, &field);
            if let Some(d) = &of {
                source(&d.value.to_string(), &d.field);
            }
            // A group where no one was measured has no result, whatever the cell says.
            let (kind, shown, unit) = match &of {
                Some(d) if d.value == 0 => (ValueKind::NoData, String::new(), None),
                _ => reading_of(outcome, &value, namer.lexicon),
            };
            let unit = match (times, kind) {
                (Some(times), ValueKind::Mean | ValueKind::Median | ValueKind::Number) => {
                    Some(times.clone())
                }
                // A change of a percentage is in percentage points, unless the title says it
                // is a change relative to the start.
                (None, ValueKind::Mean | ValueKind::Median) if change && !relative => {
                    unit.map(|u| {
                        let words = &results_words.percent_change;
                        match u.strip_prefix('%').map(str::trim) {
                            Some("") => words.points.clone(),
                            Some(rest) => match rest.strip_prefix("of ") {
                                Some(of) => format!("{} {of}", words.share_of),
                                None => format!("{} {rest}", words.points),
                            },
                            None => u,
                        }
                    })
                }
                _ => unit,
            };
            if kind != ValueKind::NoData {
                crate::derive::numbers_in(&shown, &mut found.numbers);
                if let Some(d) = &of {
                    crate::derive::numbers_in(&d.value.to_string(), &mut found.numbers);
                    if kind == ValueKind::Count {
                        found
                            .pairs
                            .insert((shown.replace(',', ""), d.value.to_string()));
                    }
                }
            }
            line.values.push(GroupValue {
                group: name,
                kind,
                shown,
                value: Fact::new(value, field),
                of,
                unit,
            });
        }
        found.main_results.push(line);
    }
    let _ = trial;
}

/// Which way an outcome's scale runs, where its description says so in one of the lexicon's
/// phrases and not both ways: `Some(true)` when a higher number is worse.
fn direction(outcome: &OutcomeResult, lexicon: &Lexicon) -> Option<bool> {
    let text = outcome.description.as_deref()?.to_lowercase();
    let mut said = [false; 2];
    for entry in lexicon.direction_phrases.occurrences(&text) {
        said[entry] = true;
    }
    match said {
        [true, false] => Some(true),
        [false, true] => Some(false),
        _ => None,
    }
}

/// This group's denominator for an outcome: the first denominator row that counts people.
fn denominator(outcome: &OutcomeResult, group: &str, base: &str) -> Option<Fact<u64>> {
    outcome.denoms.iter().enumerate().find_map(|(d, denom)| {
        let denom = denom.as_ref()?;
        let people = denom.units.as_deref().is_none_or(|u| {
            let u = u.to_lowercase();
            u.contains("participant") || u.contains("subject") || u.contains("patient")
        });
        if !people {
            return None;
        }
        denom.counts.iter().enumerate().find_map(|(k, c)| {
            let (id, n) = c.as_ref()?;
            (id == group).then_some(Fact::new(
                (*n)?,
                format!("{base}.denoms[{d}].counts[{k}].value"),
            ))
        })
    })
}

/// How a value reads: its kind, the number as the page writes it (a percentage rounded to a
/// whole number, anything else as registered) and its unit in plain words.
fn reading_of(
    outcome: &OutcomeResult,
    value: &str,
    lexicon: &Lexicon,
) -> (ValueKind, String, Option<String>) {
    let number = value.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    let Some(number) = number else {
        return (ValueKind::NoData, String::new(), None);
    };
    let unit = outcome.unit.as_deref().unwrap_or("").trim().to_lowercase();
    let param = outcome.param_type.as_deref().unwrap_or("");
    // People, or people who did or had something: "Participants who easily located pumpbulb"
    // (NCT00636506) counts people as much as "Participants" does.
    let people_unit = [
        "participants",
        "participant",
        "subjects",
        "patients",
        "people",
    ]
    .iter()
    .any(|people| {
        unit.strip_prefix(people).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(" who ") || rest.starts_with(" with ")
        })
    });
    let percent_unit =
        unit.starts_with("percentage") || unit.starts_with("percent") || unit.starts_with('%');
    if percent_unit {
        let rest = unit
            .trim_start_matches("percentage")
            .trim_start_matches("percent")
            .trim_start_matches('%')
            .trim();
        // "%" alone, "% of sexual attempts", "% change": the sign goes with the number.
        let rest = match rest.trim_start_matches("of ").trim() {
            "participants" | "subjects" | "patients" | "people" | "" => "%".to_owned(),
            _ => format!("% {rest}"),
        };
        let kind = match param {
            "MEAN" | "LEAST_SQUARES_MEAN" | "GEOMETRIC_MEAN" => ValueKind::Mean,
            "MEDIAN" => ValueKind::Median,
            _ => ValueKind::Percent,
        };
        return (kind, format!("{}", number.round() as i64), Some(rest));
    }
    let usable = !unit.is_empty() && !lexicon.results.no_unit.says_nothing(&unit);
    let plain_unit = usable.then(|| {
        lexicon
            .results
            .units
            .get(&unit)
            .cloned()
            .unwrap_or_else(|| {
                // "number of chewing cycles" after a number is "chewing cycles".
                let registered = outcome.unit.as_deref().unwrap_or_default().trim();
                match registered.get(..10) {
                    Some(head) if head.eq_ignore_ascii_case("number of ") => {
                        registered[10..].trim().to_owned()
                    }
                    _ => registered.to_owned(),
                }
            })
    });
    let kind = match param {
        "COUNT_OF_PARTICIPANTS" => ValueKind::Count,
        "NUMBER" if people_unit => ValueKind::Count,
        "MEAN" | "LEAST_SQUARES_MEAN" | "GEOMETRIC_MEAN" => ValueKind::Mean,
        "MEDIAN" => ValueKind::Median,
        _ => ValueKind::Number,
    };
    // A whole number of 1,000 or more is written as people write it.
    let written = value
        .trim()
        .parse::<u64>()
        .map_or_else(|_| value.trim().to_owned(), crate::derive::with_separators);
    (kind, written, plain_unit)
}

/// Whom the words cut before a title's core count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counts {
    Nothing,
    /// "Number of Participants With …".
    PeopleWith,
    /// "Number of Participants Without …".
    PeopleWithout,
}

/// The part of an outcome's title that says what was measured, still in its own words, and
/// whom the words cut before it counted: "Number of Participants With Peanut Allergy at 60
/// Months of Age" → ("Peanut Allergy", PeopleWith).
pub(super) fn measure_core<'t>(title: &'t str, lexicon: &Lexicon) -> (&'t str, Counts) {
    let words = &lexicon.results.measures;
    let lower = title.to_lowercase();
    // "Phase 1: Number of Participants With …": the label goes with the prefix.
    let label = lower
        .find(": ")
        .filter(|&colon| {
            let first = lower[..colon].split_whitespace().next().unwrap_or("");
            colon <= 30 && words.labels.iter().any(|l| l == first)
        })
        .map_or(0, |colon| colon + 2);
    let prefix = words
        .prefixes
        .iter()
        // A whole word: "number of participants with" is no prefix of "… without …".
        .filter(|p| {
            lower[label..].starts_with(p.as_str())
                && !lower[label + p.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
        .max_by_key(|p| p.len());
    let start = prefix.map_or(0, |p| label + p.len());
    let rest = &lower[start..];
    // A score is nothing without what it means and its scale: "a Score of ≤2 (Much/Very Much
    // Improved) on the Clinical Global Impression Scale …" is not cut at its brackets
    // (NCT02593396 said "how many people had “a Score of ≤2”").
    let from = if words
        .scores
        .iter()
        .any(|w| rest.trim_start().starts_with(w.as_str()))
    {
        rest.find(')').map_or(0, |close| close + 1)
    } else {
        0
    };
    // Brackets end what was measured only where the words after them do too: "Total (40 ml)
    // or Partial (…) Tolerance to Raw Egg" is one measure (NCT01379651 quoted "Number of
    // Children That Achieved Total").
    let ends_after = |close: usize| {
        let after = &rest[close + 1..];
        after.trim().is_empty()
            || after.starts_with(['.', ';', ','])
            || words
                .ends
                .iter()
                .any(|e| e != " (" && after.starts_with(e.as_str()))
    };
    let end = words
        .ends
        .iter()
        .filter_map(|e| {
            rest[from..]
                .match_indices(e.as_str())
                .map(|(at, _)| from + at)
                // Not inside brackets: "(Less Than 40 ml But at Least 10 ml)".
                .filter(|&at| {
                    let before = &rest[..at];
                    before.matches('(').count() <= before.matches(')').count()
                })
                .find(|&at| {
                    e != " ("
                        || rest[at..]
                            .find(')')
                            .is_some_and(|close| ends_after(at + close))
                })
        })
        .filter(|&at| at >= 3)
        .min()
        .map_or(lower.len(), |at| start + at);
    // A title written as a sentence ends with its stop, and one cut after an aim's words may
    // open with "the": neither is part of what was measured.
    let mut core = title[start..end]
        .trim()
        .trim_end_matches(['.', ';'])
        .trim_end();
    if prefix.is_some() {
        if let Some(head) = core.get(..4).filter(|h| h.eq_ignore_ascii_case("the ")) {
            core = &core[head.len()..];
        }
    }
    // "Objective (a) the Effect on …": one word is no measure; the whole title says it.
    let counts = match prefix {
        Some(p) if words.people_with.contains(p) => Counts::PeopleWith,
        Some(p) if words.people_without.contains(p) => Counts::PeopleWithout,
        _ => Counts::Nothing,
    };
    if core.split_whitespace().count() < 2 {
        (title, Counts::Nothing)
    } else {
        (core, counts)
    }
}

#[cfg(test)]
mod tests {
    use super::{measure_core, Counts};
    use crate::derive::test_support::lexicon;

    #[test]
    fn a_title_written_as_an_aim_is_quoted_as_what_it_measures() {
        let lexicon = lexicon();
        // NCT00731666.
        assert_eq!(
            measure_core(
                "The Study's Primary Objective Will Assess the Change in Penile Length.",
                &lexicon
            ),
            ("Change in Penile Length", Counts::Nothing)
        );
    }

    #[test]
    fn a_title_that_counts_people_says_so() {
        let lexicon = lexicon();
        assert_eq!(
            measure_core(
                "Number of Participants With Peanut Allergy at 60 Months of Age",
                &lexicon
            ),
            ("Peanut Allergy", Counts::PeopleWith)
        );
        // NCT02593396: the score's meaning and scale stay.
        assert_eq!(
            measure_core(
                "Number of Participants With a Score of ≤2 (Much/Very Much Improved) on the \
                 Clinical Global Impression Scale Adapted for Sexual Function (CGI-SF) at Week 6",
                &lexicon
            ),
            (
                "a Score of ≤2 (Much/Very Much Improved) on the Clinical Global Impression \
                 Scale Adapted for Sexual Function",
                Counts::PeopleWith
            )
        );
        assert_eq!(
            measure_core("Change From Baseline in Total Symptom Score", &lexicon),
            ("Total Symptom Score", Counts::Nothing)
        );
        assert_eq!(
            measure_core(
                "Number of Participants Without Exacerbations of the Underlying Disease",
                &lexicon
            ),
            (
                "Exacerbations of the Underlying Disease",
                Counts::PeopleWithout
            )
        );
        // One word left is no measure: the whole title, which counts nothing of its own.
        assert_eq!(
            measure_core("Number of Participants With Relapse", &lexicon),
            ("Number of Participants With Relapse", Counts::Nothing)
        );
        // A label before a colon goes with the prefix; a colon of another kind stays.
        assert_eq!(
            measure_core(
                "Phase 1: Number of Participants With Dose Limiting Toxicities (DLTs)",
                &lexicon
            ),
            ("Dose Limiting Toxicities", Counts::PeopleWith)
        );
        assert_eq!(
            measure_core(
                "Efficacy: Number of Participants With Peanut Allergy",
                &lexicon
            ),
            (
                "Efficacy: Number of Participants With Peanut Allergy",
                Counts::Nothing
            )
        );
    }

    #[test]
    fn a_label_or_catch_all_is_no_problem_to_name() {
        let words = lexicon().problems;
        for term in [
            "non serious ae",
            "other",
            "pain - other",
            "gastrointestinal disorders - other",
        ] {
            assert!(words.names_nothing(term), "{term}");
        }
        for term in ["headache", "other than headache", "catheter site haematoma"] {
            assert!(!words.names_nothing(term), "{term}");
        }
    }
}
