//! [`Findings`]: what a trial with posted results found, as facts for the "what the trial
//! found" section.
//!
//! Every number here is a registry value with its exact field path, or that value rounded to
//! a whole number (`shown`): never a sum, a difference or a percentage the record does not
//! hold. Groups are named in plain words from the results module's own group, matched by id.

use super::Fact;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    /// Who started and who finished, per group of the participant flow.
    pub took_part: Vec<FlowLine>,
    /// More groups started than the page lists.
    pub more_flow_groups: bool,
    /// Fewer people started the trial's groups than the record says joined (NCT00763412: 31
    /// enrolled, 8 and 8 started): the summary must not say all of them took part.
    pub fewer_started: bool,
    /// Plain reasons people left, the most common first (names only, no counts).
    pub reasons_left: Vec<Fact<String>>,
    /// One person left, for the one reason given: "the most common reason" would say more.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub one_left: bool,
    /// Someone left the trial because they died: a reason of the participant flow, whatever
    /// the adverse-events module counts.
    pub died_leaving: Option<Fact<bool>>,
    /// The primary outcomes.
    pub main_results: Vec<MainResult>,
    /// More primary outcomes than the page says.
    pub more_main_results: bool,
    /// Medical problems per group of the adverse-events module.
    pub problems: Vec<ProblemLine>,
    /// More groups than the page lists.
    pub more_problem_groups: bool,
    /// A group the page does not list counts deaths: the listed groups' zeros do not make "no
    /// one died".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deaths_unlisted: bool,
    /// The adverse-events module counts no one in any group (none at risk, or no numbers):
    /// "Adverse events were not monitored" (NCT02299791), data lost (NCT01298921).
    pub problems_uncounted: Option<Fact<bool>>,
    /// The adverse-events module says no problems were collected, whatever its numbers
    /// (NCT03500406: "we were unable to collect data").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems_not_collected: Option<Fact<bool>>,
    /// The adverse-events module counts only the screening, before anyone was treated
    /// (NCT03739710: "Screening (-28 to 0 days)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems_at_screening: Option<Fact<bool>>,
    /// The most common "other" problems in plain words.
    pub common_problems: Vec<Fact<String>>,
    /// The frequency (percent) above which "other" problems were reported, as written.
    pub threshold: Option<Fact<String>>,
    /// One group only: nothing to compare with.
    pub single_group: bool,
    /// The trial asked whether the treatment was not worse than another by more than a margin.
    pub non_inferiority: bool,
    /// Every number the section may write, as it is written there.
    #[serde(skip)]
    pub numbers: BTreeSet<String>,
    /// Every "N of M" the section may write: a count and the denominator of its own group
    /// and kind.
    #[serde(skip)]
    pub pairs: BTreeSet<(String, String)>,
    /// The registry titles (outcome measures, groups) the section may quote.
    #[serde(skip)]
    pub titles: BTreeSet<String>,
}

/// A group's name on the page: a plain name ("placebo", "certolizumab pegol") said as "the …
/// group", or the registry's title, quoted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupLabel {
    pub name: String,
    pub quoted: bool,
}

impl GroupLabel {
    pub fn plain(name: &str) -> Self {
        GroupLabel {
            name: name.to_owned(),
            quoted: false,
        }
    }

    pub fn quoted(title: &str) -> Self {
        GroupLabel {
            name: title.to_owned(),
            quoted: true,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FlowLine {
    pub group: GroupLabel,
    pub started: Fact<u64>,
    pub finished: Option<Fact<u64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MainResult {
    /// What was measured, in plain words.
    pub measure: Fact<String>,
    /// `measure` is the registry's title, quoted: the lexicon has no plain words for it.
    pub quoted: bool,
    /// The title counted the people who had `measure` ("Number of Participants With …").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub people_with: bool,
    /// The title counted the people who did not have `measure` ("Number of Participants
    /// Without …"): 5 of 7 is how many had none of it (NCT00555971).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub people_without: bool,
    /// What a quoted measure that counts people is a measure of, in plain words: the
    /// lexicon's meaning of the whole title. "Percentage of Subjects With … Major Improvement
    /// (ASDAS-MI) Response" is not "how active the disease is" at 7% and 47% (NCT02552212).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure_of: Option<String>,
    /// When, as a duration ("52 weeks") when the time frame gives one.
    pub after: Option<Fact<super::Duration>>,
    pub values: Vec<GroupValue>,
    /// The record gives the result in several parts (categories): the page names the measure
    /// and points to the record.
    pub in_parts: bool,
    /// More groups than the page lists.
    pub more_groups: bool,
    /// The values are changes from the start, not levels ("a change of -5.2 points").
    pub change: bool,
    /// The record gives no number at all for this measure (no data were posted).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_numbers: bool,
    /// No numbers because a middle value was not reached: too few people had what was
    /// measured happen by the time of counting (the empty cells' comments say so).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_reached: bool,
    /// Which way the scale runs, where the measure's description says so plainly: `true`
    /// when a higher number is worse, `false` when a lower one is.
    pub higher_worse: Option<Fact<bool>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// "N of M people".
    Count,
    /// "47% of 159 people" or "65% of sexual attempts".
    Percent,
    /// "on average".
    Mean,
    /// "the middle value".
    Median,
    Number,
    /// The record gives no value for this group.
    NoData,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupValue {
    pub group: GroupLabel,
    pub kind: ValueKind,
    /// The value as the page writes it: as registered, or rounded to a whole number.
    pub shown: String,
    /// The value as registered, with its field.
    pub value: Fact<String>,
    /// This group's denominator for this measure.
    pub of: Option<Fact<u64>>,
    /// What the value counts, in plain words ("people", "points", "of sexual attempts").
    pub unit: Option<String>,
}

/// One group's medical problems: each count with the at-risk number of its own kind; `None`
/// when the record does not give it ("not reported", never zero).
#[derive(Debug, Clone, Serialize)]
pub struct ProblemLine {
    pub group: GroupLabel,
    pub serious: Option<Count>,
    pub other: Option<Count>,
    pub deaths: Option<Count>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub affected: Fact<u64>,
    pub at_risk: Option<Fact<u64>>,
}
