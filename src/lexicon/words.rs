//! The word tables of `adverse_events.toml`, `results.toml` and the non-illness tables of
//! `conditions.toml`.

use serde::Deserialize;
use std::collections::HashMap;

/// `adverse_events.toml`: MedDRA terms (lower case) → plain words.
#[derive(Debug, Deserialize)]
pub struct ProblemWords {
    pub terms: HashMap<String, String>,
    pub not_problems: NotProblems,
    pub uncounted: UncountedWords,
}

/// `adverse_events.toml` `[uncounted]`: words of an adverse-events module whose numbers count
/// nothing of the treatment.
#[derive(Debug, Deserialize)]
pub struct UncountedWords {
    /// Phrases (lower case) of its time frame or description that say no problems were
    /// collected.
    pub not_collected: Vec<String>,
    /// Time frames (lower case, without what is in brackets) that are only the screening
    /// before anyone was treated.
    pub screening: Vec<String>,
}

/// `adverse_events.toml` `[not_problems]`: reported terms that name no problem.
#[derive(Debug, Deserialize)]
pub struct NotProblems {
    pub terms: Vec<String>,
    pub endings: Vec<String>,
    /// Terms that name only a part of the body or an organ system: the problem is unknown.
    pub places: Vec<String>,
}

impl ProblemWords {
    /// Whether a reported term (lower case) names only where in the body, not what.
    pub fn names_a_place(&self, term: &str) -> bool {
        self.not_problems.places.iter().any(|t| t == term)
    }

    /// Whether a reported term (lower case) names no problem: a label or a catch-all.
    pub fn names_nothing(&self, term: &str) -> bool {
        let skip = &self.not_problems;
        skip.terms.iter().any(|t| t == term)
            || skip.endings.iter().any(|e| term.ends_with(e.as_str()))
    }
}

/// `results.toml`.
#[derive(Debug, Deserialize)]
pub struct ResultsWords {
    /// Why people left (lower case) → plain words.
    pub reasons: HashMap<String, String>,
    /// Units of measure (lower case) → plain words.
    pub units: HashMap<String, String>,
    /// Units (lower case) of a change that is a multiple of the starting level, and the
    /// plain words after the number ("Ratio" → "times the level at the start").
    pub change_units: ChangeUnitWords,
    /// Registered units that are no unit: the measure's words again, or cut short.
    pub no_unit: NoUnitWords,
    /// How a change of a percentage is said: in percentage points.
    pub percent_change: PercentChangeWords,
    pub groups: GroupWords,
    pub measures: MeasureTitleWords,
    pub left: LeftWords,
    pub periods: PeriodWords,
    pub baseline: BaselineWords,
    pub no_numbers: NoNumberWords,
    pub direction: DirectionWords,
}

/// `results.toml` `[change_units]`.
#[derive(Debug, Deserialize)]
pub struct ChangeUnitWords {
    /// What follows the number.
    pub words: String,
    /// Units that are such a multiple only in a title that says change.
    pub exact: Vec<String>,
    /// How units open that say so themselves.
    pub openings: Vec<String>,
}

impl ChangeUnitWords {
    /// Whether a unit (lower case) is a multiple of the start, in a title that says change or
    /// not.
    pub fn fits(&self, unit: &str, title_change: bool) -> bool {
        (title_change && self.exact.iter().any(|u| u == unit))
            || self.openings.iter().any(|o| {
                unit.strip_prefix(o.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
            })
    }
}

/// `results.toml` `[percent_change]`.
#[derive(Debug, Deserialize)]
pub struct PercentChangeWords {
    /// For "%" alone.
    pub points: String,
    /// Before what the percentage is of ("% of sexual attempts").
    pub share_of: String,
    /// Title phrases (lower case) of a change relative to the start, which stays in "%".
    pub relative: Vec<String>,
}

/// Registered units that say nothing a reader can use (`results.toml`, `[no_unit]`).
#[derive(Debug, Deserialize)]
pub struct NoUnitWords {
    /// How such a unit opens (lower case): "Change of percentage in body involvement" is the
    /// measure's title again.
    pub openings: Vec<String>,
    /// More words than this are a title, not a unit.
    pub most_words: usize,
}

impl NoUnitWords {
    /// Whether a registered unit (lower case) is no unit to print after a number.
    pub fn says_nothing(&self, unit: &str) -> bool {
        unit.split_whitespace().count() > self.most_words
            || self.openings.iter().any(|o| unit.starts_with(o.as_str()))
    }
}

/// Which way a measure's scale runs, in its description's words.
#[derive(Debug, Deserialize)]
pub struct DirectionWords {
    /// Phrases (lower case) that say a higher number is worse ("higher scores indicate more
    /// severe", "negative change … indicates improvement").
    pub higher_worse: Vec<String>,
    /// Phrases that say a higher number is the good way ("higher scores indicate better").
    pub higher_better: Vec<String>,
}

/// Why a result has no numbers, in the comments of its empty cells.
#[derive(Debug, Deserialize)]
pub struct NoNumberWords {
    /// Words (lower case) that say a middle value was not reached: too few people had what was
    /// measured happen by the time of counting.
    pub not_reached: Vec<String>,
}

/// The participant flow's periods.
#[derive(Debug, Deserialize)]
pub struct PeriodWords {
    /// Words of a first period's title that make it screening: who took part is read from
    /// the period after it.
    pub screening: Vec<String>,
    /// Words of a later period's title that make it an open extension: who finished and why
    /// people left are read before it.
    pub extension: Vec<String>,
}

/// Time frames that are only the start, before any treatment.
#[derive(Debug, Deserialize)]
pub struct BaselineWords {
    /// Whole time frames (lower case, without end punctuation) that are the baseline.
    pub time_frames: Vec<String>,
}

/// Reasons people left that say something of them beyond leaving.
#[derive(Debug, Deserialize)]
pub struct LeftWords {
    /// Reasons (lower case) that say the person died.
    pub died: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct MeasureTitleWords {
    pub prefixes: Vec<String>,
    pub ends: Vec<String>,
    /// The prefixes that count the people who had what follows ("number of participants
    /// with"): the page says "how many people had" before the quoted rest.
    pub people_with: Vec<String>,
    /// The prefixes that count the people who did not have what follows ("number of
    /// participants without"): the page says "how many people did not have".
    pub people_without: Vec<String>,
    /// How the rest of a title opens when it counts a score reached ("a score of"): its
    /// brackets say what the score means, and are kept.
    pub scores: Vec<String>,
    /// Words that make a title that counts people a count of those who reached a set change
    /// ("… Major Improvement … Response"): quoted, with the plain words of what changed.
    pub reached: Vec<String>,
    /// Phrases (lower case) of a time frame that make the values changes from the start,
    /// whatever the title says ("change from baseline").
    pub change_time_frames: Vec<String>,
    /// How a title opens that measures the time until something happened ("time to "):
    /// quoted, with the plain words of what it is a measure of.
    pub times: Vec<String>,
    /// Words of a label before a title's colon ("Phase 1: Number of Participants With …"):
    /// the title counts people after it all the same.
    pub labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct GroupWords {
    /// Analysis-set labels dropped from group titles.
    pub sets: Vec<String>,
    /// Titles of a group that sums up the others.
    pub total: Vec<String>,
}

/// The other tables of `conditions.toml`: terms that are not an illness, and how unknown terms
/// are read.
#[derive(Debug)]
pub struct ConditionWords {
    /// Registered term (lower case) → the operation people are having.
    pub procedures: HashMap<String, String>,
    pub healthy: Vec<String>,
    /// Words of a title that names healthy volunteers ("… in Healthy Male Volunteers").
    pub healthy_title: Vec<String>,
    /// Words after a title's healthy volunteers that say it takes patients too.
    pub healthy_mixed: Vec<String>,
    /// How a first inclusion criterion that takes healthy people opens ("Healthy adults").
    pub healthy_criteria: Vec<String>,
    /// Words of a title of a study of how the body handles a medicine.
    pub healthy_studies: Vec<String>,
    pub safety: Vec<String>,
    pub not_conditions: Vec<String>,
    pub staging: Vec<String>,
    pub modifiers: Vec<String>,
    /// Names from people that keep their capital in a condition's name.
    pub eponyms: Vec<String>,
    /// Words of a condition that covers many illnesses ("solid tumors"): named first.
    pub covering: Vec<String>,
    /// Words of a title that say which kind of an illness a trial is for ("non-allergic").
    pub kinds: Vec<String>,
    /// Words that say who may join had the illness treated before ("relapsed", "refractory").
    pub previously_treated: Vec<String>,
    /// Words after which a condition is what the tested treatment may cause ("will cause").
    pub caused: Vec<String>,
    /// Words of a title after which a condition is what the trial tries to prevent.
    pub prevented: Vec<String>,
    /// Words of an inclusion criterion that say people have an illness it names ("diagnosis
    /// of"), and words that say otherwise ("risk of", "relative").
    pub diagnosed: Vec<String>,
    pub not_diagnosed: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct ConditionsFile {
    #[serde(default)]
    procedures: HashMap<String, String>,
    healthy: HealthyTerms,
    safety: TermList,
    not_conditions: TermList,
    previously_treated: TermList,
    prevented: TermList,
    caused: TermList,
    diagnosed: DiagnosedTerms,
    reading: ConditionReading,
}
#[derive(Deserialize)]
struct TermList {
    terms: Vec<String>,
}
#[derive(Deserialize)]
struct DiagnosedTerms {
    terms: Vec<String>,
    unless: Vec<String>,
}
#[derive(Deserialize)]
struct HealthyTerms {
    terms: Vec<String>,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    studies: Vec<String>,
    #[serde(default)]
    criteria: Vec<String>,
    #[serde(default)]
    mixed: Vec<String>,
}
#[derive(Deserialize)]
struct ConditionReading {
    staging: Vec<String>,
    modifiers: Vec<String>,
    #[serde(default)]
    eponyms: Vec<String>,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    covering: Vec<String>,
}

impl ConditionWords {
    pub(super) fn from_file(file: ConditionsFile) -> Self {
        let lower = |v: Vec<String>| v.into_iter().map(|t| t.to_lowercase()).collect();
        ConditionWords {
            procedures: file
                .procedures
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            healthy: lower(file.healthy.terms),
            healthy_title: lower(file.healthy.title),
            healthy_studies: lower(file.healthy.studies),
            healthy_criteria: lower(file.healthy.criteria),
            healthy_mixed: lower(file.healthy.mixed),
            safety: lower(file.safety.terms),
            not_conditions: lower(file.not_conditions.terms),
            staging: lower(file.reading.staging),
            modifiers: lower(file.reading.modifiers),
            eponyms: lower(file.reading.eponyms),
            kinds: lower(file.reading.kinds),
            covering: lower(file.reading.covering),
            previously_treated: lower(file.previously_treated.terms),
            prevented: lower(file.prevented.terms),
            caused: lower(file.caused.terms),
            diagnosed: lower(file.diagnosed.terms),
            not_diagnosed: lower(file.diagnosed.unless),
        }
    }
}
