//! What the trial found: [`Results`] → [`Findings`].
//!
//! Rules that read a results section the way the EU's lay-summary guidance asks: who started
//! and finished in each group, the primary outcomes with each group's value and its own
//! denominator, and the medical problems per group with the denominators of that group and that
//! kind. Values are matched to groups by the module's own group ids. Every number keeps its
//! exact field path; the only change a number may undergo is rounding a percentage to a whole
//! number, recorded as `shown` beside the registered value.
//!
//! In parts: [`flow`] (who started and finished, why people left), [`main_result`] (the
//! primary outcomes and each group's value), [`problems`] (medical problems per group and the
//! most common ones), and [`groups`] (how groups are named).

mod flow;
mod groups;
mod main_result;
mod problems;

use super::{longest_duration, natural_unit};
use crate::derive::interventions::Reading;
use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::trial::*;
use flow::took_part;
use groups::{listed, name_groups, real_groups, Namer};
use main_result::main_results;
use problems::problems;

const FLOW: &str = "resultsSection.participantFlowModule";
const OUTCOMES: &str = "resultsSection.outcomeMeasuresModule.outcomeMeasures";
const EVENTS: &str = "resultsSection.adverseEventsModule";

/// Groups a page lists before it says the record has more: three read as one list.
const MOST_GROUPS: usize = 3;
/// Primary outcomes a page reports before it says the record has more.
const MOST_RESULTS: usize = 1;
/// Common problems a page names.
const MOST_PROBLEMS: usize = 3;
/// Reasons people left a page names.
const MOST_REASONS: usize = 2;

/// How an item of a most-common list reads.
enum Named {
    /// In these plain words.
    As(String),
    /// Not at all, and it is passed over: a label that names nothing.
    Skip,
    /// Not at all, and the list ends before it: those after it are not the most common ones.
    End,
}

/// The most common items of `ranked` (most first, each with its count), up to `most`, in the
/// words `name` gives them, each plain name once. Items tied with one left out are not among
/// the most common either (NCT03064438 named "vomiting", one person, beside eight other
/// problems of one person each), so the list may be shorter.
fn most_common<T>(
    ranked: impl IntoIterator<Item = (u64, T)>,
    most: usize,
    mut name: impl FnMut(&T) -> Named,
) -> Vec<(T, String)> {
    let mut ranked = ranked.into_iter();
    let mut picked: Vec<(u64, T, String)> = Vec::new();
    // The count of the item the list stopped before, if any.
    let mut next: Option<u64> = None;
    while let Some((count, item)) = ranked.next() {
        match name(&item) {
            Named::Skip => continue,
            Named::End => {
                next = Some(count);
                break;
            }
            Named::As(plain) => {
                if !picked.iter().any(|p| p.2 == plain) {
                    picked.push((count, item, plain));
                }
                if picked.len() == most {
                    next = ranked.find_map(|(count, item)| {
                        (!matches!(name(&item), Named::Skip)).then_some(count)
                    });
                    break;
                }
            }
        }
    }
    if let Some(next) = next {
        picked.retain(|p| p.0 > next);
    }
    picked
        .into_iter()
        .map(|(_, item, plain)| (item, plain))
        .collect()
}

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
    // A completed record may count no one as completed while its people are "Still on
    // Study" (NCT03563716): only a stopped trial's zero says no one finished.
    let stopped = trial.status == Status::Terminated;
    let joined = trial
        .enrollment
        .as_ref()
        .filter(|e| !e.estimated)
        .map(|e| e.count);
    let started = took_part(results, &namer, stopped, joined, &mut found, source);
    if let Some(joined) = joined {
        found.fewer_started = started > 0 && started < joined;
    }
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

/// A registry title the section quotes: its words are the registry's, and so are its numbers.
pub(super) fn quote(title: &str, found: &mut Findings) {
    crate::derive::numbers_in(title, &mut found.numbers);
    found.titles.insert(title.to_owned());
}

/// Group names: a quoted title is the registry's words; a plain name's numbers ("SOM230")
/// are the intervention name's.
pub(super) fn quote_names(names: &[GroupLabel], found: &mut Findings) {
    for name in names {
        if name.quoted {
            quote(&name.name, found);
        } else {
            crate::derive::numbers_in(&name.name, &mut found.numbers);
        }
    }
}

/// A number the section writes, in the form the number guard reads ("-4.08" is 4.08).
pub(super) fn shown(text: &str, found: &mut Findings) {
    crate::derive::numbers_in(text, &mut found.numbers);
}
