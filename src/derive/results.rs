//! What the trial found: [`Results`] → [`Findings`].
//!
//! Rules that read a results section the way the EU's lay-summary guidance asks: who started
//! and finished in each group, the primary outcomes with each group's value and its own
//! denominator, and the medical problems per group with the denominators of that group and that
//! kind. Values are matched to groups by the module's own group ids. Every number keeps its
//! exact field path; the only change a number may undergo is rounding a percentage to a whole
//! number, recorded as `shown` beside the registered value.

use super::interventions::Reading;
use super::{longest_duration, natural_unit};
use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::trial::*;

const FLOW: &str = "resultsSection.participantFlowModule";
const OUTCOMES: &str = "resultsSection.outcomeMeasuresModule.outcomeMeasures";
const EVENTS: &str = "resultsSection.adverseEventsModule";

/// Groups a page lists before it says the record has more: three read as one list.
const MOST_GROUPS: usize = 3;
/// Primary outcomes a page reports before it says the record has more.
const MOST_RESULTS: usize = 1;
/// Common problems a page names.
const MOST_PROBLEMS: usize = 3;

/// What the trial found, when the record has results.
pub(super) fn findings(
    trial: &Trial,
    reading: &Reading,
    lexicon: &Lexicon,
    source: &mut dyn FnMut(&str, &str),
) -> Option<Findings> {
    let results = trial.results.as_ref()?;
    let namer = Namer::new(trial, reading, lexicon);
    let mut found = Findings::default();
    took_part(results, &namer, &mut found, source);
    main_results(trial, results, &namer, &mut found, source);
    problems(results, &namer, &mut found, source);
    let flow_groups = results
        .flow_groups
        .iter()
        .flatten()
        .filter(|g| !namer.is_total(&g.title))
        .count();
    found.single_group =
        flow_groups == 1 || (flow_groups == 0 && trial.model == InterventionModel::SingleGroup);
    found.non_inferiority = results.outcomes.iter().flatten().any(|o| o.non_inferiority);
    // A stopped trial's reason is said in this section too ("the COVID-19 pandemic").
    if let Some(why) = trial
        .why_stopped
        .as_ref()
        .filter(|_| trial.status == Status::Terminated)
    {
        source(why, "protocolSection.statusModule.whyStopped");
        crate::derive::numbers_in(why, &mut found.numbers);
    }
    Some(found)
}

/// Names result groups in plain words.
struct Namer<'a> {
    lexicon: &'a Lexicon,
    /// Each tested or compared product: its names in lower case, and its short plain name
    /// ("tadalafil" for "5 mg Tadalafil"). Read once per trial, asked of every group.
    products: Vec<(Vec<String>, String)>,
    /// A group is "the placebo group" only in a trial that gives a placebo: "Received Placebo
    /// in GA39688" in an open extension got the drug.
    placebo_given: bool,
}

impl<'a> Namer<'a> {
    fn new(trial: &Trial, reading: &Reading, lexicon: &'a Lexicon) -> Self {
        let products = reading
            .roles
            .iter()
            .filter(|(_, role)| matches!(role, Role::Tested | Role::Comparator))
            .map(|&(i, _)| {
                let iv = &trial.interventions[i];
                let names = std::iter::once(&iv.name)
                    .chain(&iv.other_names)
                    .map(|n| n.to_lowercase())
                    .filter(|n| n.len() >= 3)
                    .collect();
                let short = super::interventions::components(&iv.name, lexicon)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| iv.name.clone());
                let plain = super::interventions::plain(
                    &Intervention {
                        name: short,
                        ..iv.clone()
                    },
                    lexicon,
                );
                (names, plain)
            })
            .collect();
        Namer {
            lexicon,
            products,
            placebo_given: reading.placebo_given,
        }
    }

    /// A group that sums up the others ("Total").
    fn is_total(&self, title: &str) -> bool {
        let t = title.trim().to_lowercase();
        self.lexicon.results.groups.total.contains(&t)
    }

    /// The group's title without an analysis-set label in brackets: "Placebo (FAS)" → "Placebo".
    fn bare<'t>(&self, title: &'t str) -> &'t str {
        let t = title.trim();
        if let Some((before, label)) = t.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
            let label = label.trim().to_lowercase();
            if self.lexicon.results.groups.sets.contains(&label) && !before.trim().is_empty() {
                return before.trim();
            }
        }
        t
    }

    /// The plain names a text speaks of: "placebo", and each tested or compared product it
    /// names by its name or another name.
    fn named_in(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        let mut named: Vec<String> = Vec::new();
        if self.placebo_given && self.lexicon.roles.placebo.marks(&lower) {
            named.push("placebo".to_owned());
        }
        for (names, plain) in &self.products {
            let hit = names.iter().any(|n| contains_phrase(&lower, n));
            if hit && !named.contains(plain) {
                named.push(plain.clone());
            }
        }
        named
    }

    /// A group's name: the one product its title names ("placebo", "certolizumab pegol"), or
    /// failing that the one its description names; else its title as registered, quoted
    /// ("Placebo->OL CZP" names two).
    fn name(&self, title: &str, description: Option<&str>) -> GroupLabel {
        let bare = self.bare(title);
        // Everyone gets the one product (cohorts, doses): its name tells no group apart.
        if self.products.len() <= 1 && !self.placebo_given {
            return GroupLabel::quoted(bare);
        }
        let by_title = self.named_in(bare);
        let named = if by_title.is_empty() {
            description.map(|d| self.named_in(d)).unwrap_or_default()
        } else {
            by_title
        };
        match named.as_slice() {
            [one] => GroupLabel::plain(one),
            _ => GroupLabel::quoted(bare),
        }
    }

    /// Names for a module's groups `(title, description)`; two groups with one plain name (two
    /// doses of one drug) keep their registered titles.
    fn names(&self, groups: &[(&str, Option<&str>)]) -> Vec<GroupLabel> {
        let first: Vec<GroupLabel> = groups.iter().map(|(t, d)| self.name(t, *d)).collect();
        first
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let twin = first
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.name == name.name);
                // Of two groups with one name, the one titled just so keeps it ("Placebo" beside
                // "Placebo->OL CZP").
                let titled_so = self.bare(groups[i].0).eq_ignore_ascii_case(&name.name);
                let rival_titled_so = first.iter().enumerate().any(|(j, other)| {
                    j != i
                        && other.name == name.name
                        && self.bare(groups[j].0).eq_ignore_ascii_case(&other.name)
                });
                if twin && !name.quoted && (!titled_so || rival_titled_so) {
                    GroupLabel::quoted(self.bare(groups[i].0))
                } else {
                    name.clone()
                }
            })
            .collect::<Vec<_>>()
            .into_iter()
            .enumerate()
            .map(|(i, name)| self.shorter(i, name, groups))
            .collect()
    }

    /// A long quoted title said by its head when the head alone tells the groups apart:
    /// “RDV, Cohort 2” for "RDV, Cohort 2: Age ≥ 28 Days to < 18 Years and Weight ≥ 20 kg".
    fn shorter(&self, i: usize, name: GroupLabel, groups: &[(&str, Option<&str>)]) -> GroupLabel {
        let head = |title: &'_ str| -> Option<String> {
            let bare = self.bare(title);
            let cut = bare.find(": ").or_else(|| bare.find(" - "))?;
            let head = bare[..cut].trim();
            (bare.split_whitespace().count() > 6 && head.len() >= 3).then(|| head.to_owned())
        };
        if !name.quoted {
            return name;
        }
        let Some(mine) = head(groups[i].0) else {
            return name;
        };
        let unique = groups
            .iter()
            .enumerate()
            .all(|(j, (t, _))| j == i || self.bare(t) != mine && head(t).as_deref() != Some(&mine));
        if unique {
            GroupLabel::quoted(&mine)
        } else {
            name
        }
    }
}

/// A registry title the section quotes: its words are the registry's, and so are its numbers.
fn quote(title: &str, found: &mut Findings) {
    crate::derive::numbers_in(title, &mut found.numbers);
    found.titles.insert(title.to_owned());
}

/// Group names: a quoted title is the registry's words; a plain name's numbers ("SOM230")
/// are the intervention name's.
fn quote_names(names: &[GroupLabel], found: &mut Findings) {
    for name in names {
        if name.quoted {
            quote(&name.name, found);
        } else {
            crate::derive::numbers_in(&name.name, &mut found.numbers);
        }
    }
}

/// A group of a results module, as its groups are named: by title and description.
trait Titled {
    fn title(&self) -> &str;
    fn description(&self) -> Option<&str>;
}

impl Titled for Group {
    fn title(&self) -> &str {
        &self.title
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

impl Titled for EventGroup {
    fn title(&self) -> &str {
        &self.title
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// A module's groups with their indexes in the record, less any that sums up the others.
fn real_groups<'g, G: Titled>(
    groups: &'g [Option<G>],
    namer: &'g Namer<'_>,
) -> impl Iterator<Item = (usize, &'g G)> + 'g {
    groups
        .iter()
        .enumerate()
        .filter_map(|(g, x)| x.as_ref().map(|x| (g, x)))
        .filter(move |(_, g)| !namer.is_total(g.title()))
}

/// The names of groups, their quoted titles and numbers recorded for the number guard.
fn name_groups<'t, G: Titled + 't>(
    namer: &Namer<'_>,
    groups: impl Iterator<Item = &'t G>,
    found: &mut Findings,
) -> Vec<GroupLabel> {
    let titles: Vec<(&str, Option<&str>)> = groups.map(|g| (g.title(), g.description())).collect();
    let names = namer.names(&titles);
    quote_names(&names, found);
    names
}

/// A number the section writes, in the form the number guard reads ("-4.08" is 4.08).
fn shown(text: &str, found: &mut Findings) {
    crate::derive::numbers_in(text, &mut found.numbers);
}

/// The part of an outcome's title that says what was measured, still in its own words, and
/// whether the words cut before it counted the people who had it:
/// "Number of Participants With Peanut Allergy at 60 Months of Age" → ("Peanut Allergy", true).
fn measure_core<'t>(title: &'t str, lexicon: &Lexicon) -> (&'t str, bool) {
    let words = &lexicon.results.measures;
    let lower = title.to_lowercase();
    let prefix = words
        .prefixes
        .iter()
        // A whole word: "number of participants with" is no prefix of "… without …".
        .filter(|p| {
            lower.starts_with(p.as_str())
                && !lower[p.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
        .max_by_key(|p| p.len());
    let start = prefix.map_or(0, |p| p.len());
    let rest = &lower[start..];
    let end = words
        .ends
        .iter()
        .filter_map(|e| rest.find(e.as_str()))
        .filter(|&at| at >= 3)
        .min()
        .map_or(lower.len(), |at| start + at);
    let core = title[start..end].trim();
    // "Objective (a) the Effect on …": one word is no measure; the whole title says it.
    if core.split_whitespace().count() < 2 {
        (title, false)
    } else {
        (core, prefix.is_some_and(|p| words.people_with.contains(p)))
    }
}

/// Who started and finished: the first period's STARTED and COMPLETED milestones, per group
/// that started; and why people left, the most common reasons first.
fn took_part(
    results: &Results,
    namer: &Namer<'_>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) {
    let periods: Vec<(usize, &Period)> = results
        .periods
        .iter()
        .enumerate()
        .filter_map(|(p, period)| period.as_ref().map(|x| (p, x)))
        .collect();
    // How many groups have people starting a period.
    let starting = |period: &Period| {
        period
            .milestones
            .iter()
            .flatten()
            .find(|m| m.kind.eq_ignore_ascii_case("STARTED"))
            .map_or(0, |m| {
                m.counts
                    .iter()
                    .flatten()
                    .filter(|(_, n)| n.is_some_and(|n| n > 0))
                    .count()
            })
    };
    // Everyone starts a screening or lead-in period in one group, then the trial's groups
    // start a later one: who took part, and why they left, are read from that later period
    // ("894 people started" of 410 randomised, the rest never entering the trial proper).
    let Some(&first) = periods.first() else {
        return;
    };
    let (p, period) = if starting(first.1) == 1 {
        periods
            .iter()
            .copied()
            .find(|(_, x)| starting(x) > 1)
            .unwrap_or(first)
    } else {
        first
    };
    let milestone = |kind: &str| {
        period.milestones.iter().enumerate().find_map(|(m, x)| {
            x.as_ref()
                .filter(|x| x.kind.eq_ignore_ascii_case(kind))
                .map(|x| (m, x))
        })
    };
    let Some((m_started, started)) = milestone("STARTED") else {
        return;
    };
    let completed = milestone("COMPLETED");
    let count_of = |group: &Group, m: usize, milestone: &Milestone| {
        milestone
            .counts
            .iter()
            .enumerate()
            .find_map(|(a, c)| {
                let (id, n) = c.as_ref()?;
                (*id == group.id).then_some((a, (*n)?))
            })
            .map(|(a, n)| {
                Fact::new(
                    n,
                    format!("{FLOW}.periods[{p}].milestones[{m}].achievements[{a}].numSubjects"),
                )
            })
    };
    // The groups that started this period: one that did not is no part of who took part.
    let mut groups: Vec<(usize, &Group, Fact<u64>)> = real_groups(&results.flow_groups, namer)
        .filter_map(|(g, group)| {
            let start = count_of(group, m_started, started).filter(|s| s.value > 0)?;
            Some((g, group, start))
        })
        .collect();
    found.more_flow_groups = groups.len() > MOST_GROUPS;
    groups.truncate(MOST_GROUPS);
    let names = name_groups(namer, groups.iter().map(|(_, g, _)| *g), found);
    for ((g, group, start), name) in groups.into_iter().zip(names) {
        // "0 finished" of a trial still following its people says nothing: it is left out.
        let finished = completed
            .and_then(|(m, c)| count_of(group, m, c))
            .filter(|f| f.value > 0);
        source(&group.title, &format!("{FLOW}.groups[{g}].title"));
        for n in std::iter::once(&start).chain(&finished) {
            source(&n.value.to_string(), &n.field);
            shown(&n.value.to_string(), found);
        }
        found.took_part.push(FlowLine {
            group: name,
            started: start,
            finished,
        });
    }
    // Reasons people left, ranked by how many left for each over this period and the ones
    // after it (the ranking is not shown): a trial in two parts lists its reasons in each.
    let mut reasons: Vec<(u64, usize, usize, &str)> = Vec::new();
    for &(q, later) in periods.iter().filter(|(q, _)| *q >= p) {
        for (d, x) in later.drop_withdraws.iter().enumerate() {
            let Some(x) = x else { continue };
            let total: u64 = x.counts.iter().flatten().filter_map(|(_, n)| *n).sum();
            if total == 0 {
                continue;
            }
            match reasons
                .iter_mut()
                .find(|r| r.3.eq_ignore_ascii_case(&x.kind))
            {
                Some(r) => r.0 += total,
                None => reasons.push((total, q, d, x.kind.as_str())),
            }
        }
    }
    reasons.sort_by_key(|&(total, q, d, _)| (std::cmp::Reverse(total), q, d));
    for (_, q, d, kind) in reasons {
        // A reason the lexicon cannot say ends the list: those after it are not the most
        // common ones.
        let Some(plain) = namer.lexicon.results.reasons.get(&kind.to_lowercase()) else {
            break;
        };
        if !found.reasons_left.iter().any(|r| r.value == *plain) {
            let field = format!("{FLOW}.periods[{q}].dropWithdraws[{d}].type");
            source(kind, &field);
            shown(plain, found);
            found.reasons_left.push(Fact::new(plain.clone(), field));
        }
        if found.reasons_left.len() == 2 {
            break;
        }
    }
}

/// The primary outcomes with each group's value.
fn main_results(
    trial: &Trial,
    results: &Results,
    namer: &Namer<'_>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) {
    let primary: Vec<(usize, &OutcomeResult)> = results
        .outcomes
        .iter()
        .enumerate()
        .filter_map(|(o, x)| x.as_ref().map(|x| (o, x)))
        .filter(|(_, x)| x.kind == OutcomeKind::Primary)
        .collect();
    found.more_main_results = primary.len() > MOST_RESULTS;
    for (o, outcome) in primary.into_iter().take(MOST_RESULTS) {
        let base = format!("{OUTCOMES}[{o}]");
        source(&outcome.title, &format!("{base}.title"));
        let plain = namer
            .lexicon
            .measure(&outcome.title)
            .map(|m| m.means.clone());
        let quoted = plain.is_none();
        let mut people_with = false;
        let measure = plain.unwrap_or_else(|| {
            let (core, counts_people) = measure_core(&outcome.title, namer.lexicon);
            people_with = counts_people;
            quote(core, found);
            core.to_owned()
        });
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
        // add "a change of" before it.
        let unit_says = outcome
            .unit
            .as_deref()
            .is_some_and(|u| says_change(&u.to_lowercase()));
        let change = says_change(&outcome.title.to_lowercase()) && !unit_says;
        let mut line = MainResult {
            measure: Fact::new(measure, format!("{base}.title")),
            change,
            quoted,
            people_with,
            after,
            values: Vec::new(),
            in_parts: false,
            more_groups: false,
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
        for ((g, group), name) in groups.iter().zip(names).take(MOST_GROUPS) {
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
    let people_unit = [
        "participants",
        "participant",
        "subjects",
        "patients",
        "people",
    ]
    .contains(&unit.as_str());
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
    let plain_unit = (!unit.is_empty()).then(|| {
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

/// Medical problems per group, the most common other problems, and the reporting threshold.
fn problems(
    results: &Results,
    namer: &Namer<'_>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) {
    let Some(events) = &results.adverse else {
        return;
    };
    let groups: Vec<(usize, &EventGroup)> = real_groups(&events.groups, namer).collect();
    let names = name_groups(namer, groups.iter().map(|(_, g)| *g), found);
    found.more_problem_groups = groups.len() > MOST_GROUPS;
    // The groups a reader most needs come first: the tested, compared and placebo groups
    // named plainly, then those the registry names.
    let mut listed: Vec<((usize, &EventGroup), GroupLabel)> =
        groups.iter().copied().zip(names).collect();
    listed.sort_by_key(|(_, name)| name.quoted);
    for ((g, group), name) in listed.into_iter().take(MOST_GROUPS) {
        let base = format!("{EVENTS}.eventGroups[{g}]");
        source(&group.title, &format!("{base}.title"));
        let mut count = |(affected, at_risk): (Option<u64>, Option<u64>), kind: &str| {
            // None of none at risk: nobody was watched for it, so it was not reported.
            if at_risk == Some(0) {
                return None;
            }
            let affected = Fact::new(affected?, format!("{base}.{kind}NumAffected"));
            let at_risk = at_risk.map(|n| Fact::new(n, format!("{base}.{kind}NumAtRisk")));
            source(&affected.value.to_string(), &affected.field);
            shown(&affected.value.to_string(), found);
            if let Some(r) = &at_risk {
                source(&r.value.to_string(), &r.field);
                shown(&r.value.to_string(), found);
                found
                    .pairs
                    .insert((affected.value.to_string(), r.value.to_string()));
            }
            Some(Count { affected, at_risk })
        };
        let serious = count(group.serious, "serious");
        let other = count(group.other, "other");
        let deaths = count(group.deaths, "deaths");
        found.problems.push(ProblemLine {
            group: name,
            serious,
            other,
            deaths,
        });
    }
    // The other problems most people had, counted over all groups (the ranking is not shown):
    // the largest count in any one group would rank a problem of the biggest group above one
    // that more people had across the trial.
    let mut common: Vec<(u64, usize, &AdverseEvent)> = events
        .other
        .iter()
        .enumerate()
        .filter_map(|(e, x)| {
            let x = x.as_ref()?;
            let total: u64 = x.stats.iter().flatten().filter_map(|s| s.affected).sum();
            (total > 0).then_some((total, e, x))
        })
        .collect();
    common.sort_by_key(|(most, e, _)| (std::cmp::Reverse(*most), *e));
    for (_, e, event) in common {
        let words = &namer.lexicon.problems;
        // The lexicon's plain words; else the reported term itself, in lower case, when it is
        // short enough to read. A long unknown term is not named by its organ system either
        // ("general disorders and administration site conditions" would say something else).
        let lower = event.term.to_lowercase();
        // MedDRA's "not elsewhere classified" and "not otherwise specified" mean nothing to a
        // reader: "Headaches NEC" is headaches.
        let term = lower
            .trim_end_matches(" nec")
            .trim_end_matches(" nos")
            .trim()
            .to_owned();
        // A term with a comma ("pruritus, rash") is several, read wrongly in a list of three.
        // A label or catch-all ("Non Serious AE") is no problem at all and is passed over; a
        // problem that cannot be named ends the list, since those after it are not the most
        // common ones ("palmar-plantar erythrodysaesthesia syndrome" had more people than the
        // rash named after it).
        if !words.terms.contains_key(&term) && words.names_nothing(&term) {
            continue;
        }
        let plain = words.terms.get(&term).cloned().or_else(|| {
            (term.split_whitespace().count() <= 3 && term.len() <= 30 && !term.contains(','))
                .then(|| term.clone())
        });
        let Some(plain) = plain else {
            break;
        };
        if !found.common_problems.iter().any(|p| p.value == plain) {
            let field = format!("{EVENTS}.otherEvents[{e}].term");
            source(&event.term, &field);
            shown(&plain, found);
            found.common_problems.push(Fact::new(plain, field));
        }
        if found.common_problems.len() == MOST_PROBLEMS {
            break;
        }
    }
    if let Some(t) = &events.threshold {
        // "5.0" is written 5: a whole number is its own rounding.
        let shown = t
            .parse::<f64>()
            .ok()
            .filter(|n| n.fract() == 0.0 && *n > 0.0)
            .map(|n| format!("{}", n as i64));
        if let Some(shown) = shown {
            let field = format!("{EVENTS}.frequencyThreshold");
            source(t, &field);
            crate::derive::numbers_in(&shown, &mut found.numbers);
            found.threshold = Some(Fact::new(shown, field));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::measure_core;
    use crate::derive::test_support::lexicon;

    #[test]
    fn a_title_that_counts_people_says_so() {
        let lexicon = lexicon();
        assert_eq!(
            measure_core(
                "Number of Participants With Peanut Allergy at 60 Months of Age",
                &lexicon
            ),
            ("Peanut Allergy", true)
        );
        assert_eq!(
            measure_core("Change From Baseline in Total Symptom Score", &lexicon),
            ("Total Symptom Score", false)
        );
        assert_eq!(
            measure_core(
                "Number of Participants Without Exacerbations of the Underlying Disease",
                &lexicon
            ),
            (
                "Number of Participants Without Exacerbations of the Underlying Disease",
                false
            )
        );
        // One word left is no measure: the whole title, which counts nothing of its own.
        assert_eq!(
            measure_core("Number of Participants With Relapse", &lexicon),
            ("Number of Participants With Relapse", false)
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
