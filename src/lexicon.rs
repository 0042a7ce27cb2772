//! The lexicons: plain words as data, loaded once from `templates/lexicon/*.toml`.
//!
//! Conditions, outcome measures, treatments, routes, jargon, stop reasons, forbidden claims and
//! number words all live in TOML files that reviewers read like templates. Code only looks
//! phrases up; it never holds a word a patient reads.
//!
//! Each phrase list is compiled once, at load, into a [`PhraseSet`]: one Aho–Corasick automaton,
//! so finding which of hundreds of phrases a text holds is a single pass over the text.

use crate::error::SetupError;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use serde::Deserialize;
use std::collections::HashMap;

/// A phrase of a [`PhraseSet`] found in a text: which entry, which of its phrases, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub entry: usize,
    pub phrase: usize,
    /// Byte offset of the first whole-word occurrence.
    pub at: usize,
}

/// The phrases of a lexicon's entries in one automaton, matched as whole words.
#[derive(Debug)]
pub struct PhraseSet {
    automaton: Option<AhoCorasick>,
    /// Pattern number → (entry, phrase within the entry).
    ids: Vec<(usize, usize)>,
}

impl PhraseSet {
    /// `entries[i]` lists the phrases of entry `i` (lower case).
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a [String]>) -> Self {
        let mut ids = Vec::new();
        let mut patterns = Vec::new();
        for (entry, phrases) in entries.into_iter().enumerate() {
            for (phrase, text) in phrases.iter().enumerate() {
                if !text.is_empty() {
                    ids.push((entry, phrase));
                    patterns.push(text.as_str());
                }
            }
        }
        PhraseSet {
            // The patterns are plain text, so building cannot fail short of running out of
            // memory. An empty set matches nothing and has no automaton: there is no text
            // to read through for it.
            // A DFA: the fastest search, and lexicons are small enough for its memory.
            automaton: (!patterns.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .kind(Some(AhoCorasickKind::DFA))
                        .build(&patterns)
                        .ok()
                })
                .flatten(),
            ids,
        }
    }

    /// Every phrase that occurs in `text` (lower case) as whole words, once each at its first
    /// such place, ordered by entry then phrase.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut hits: Vec<Hit> = automaton
            .find_overlapping_iter(text)
            .filter(|m| whole_words(text, m.start(), m.end()))
            .map(|m| {
                let (entry, phrase) = self.ids[m.pattern().as_usize()];
                Hit {
                    entry,
                    phrase,
                    at: m.start(),
                }
            })
            .collect();
        hits.sort_unstable();
        hits.dedup_by_key(|h| (h.entry, h.phrase));
        hits
    }

    /// Whether any phrase occurs in `text` (lower case) as whole words: the search stops at
    /// the first, with nothing collected.
    pub fn any(&self, text: &str) -> bool {
        self.entry_spans(text).next().is_some()
    }

    /// The first entry (in file order) any of whose phrases occurs in `text`.
    pub fn first(&self, text: &str) -> Option<Hit> {
        self.hits(text).into_iter().next()
    }

    /// Every whole-word occurrence of any phrase in `text`, as byte ranges.
    pub fn spans(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.entry_spans(text).map(|(_, span)| span).collect()
    }

    /// Every whole-word occurrence with the entry of its phrase, found one at a time.
    fn entry_spans<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> + 't {
        self.automaton
            .iter()
            .flat_map(move |automaton| automaton.find_overlapping_iter(text))
            .filter(move |m| whole_words(text, m.start(), m.end()))
            .map(|m| (self.ids[m.pattern().as_usize()].0, m.start()..m.end()))
    }
}

/// Whether one of the six words before `at` negates what follows ("no", "not", "without"):
/// "not based on any safety concerns and/or regulatory interactions". "And" and "or" do not
/// count as words; a cause between them ends the negation's reach: "did not enroll enough
/// patients due to safety concerns" is a safety reason.
pub fn negated(text: &str, at: usize) -> bool {
    const NEGATIONS: [&str; 7] = ["no", "not", "without", "non", "never", "nor", "neither"];
    const CAUSES: [&str; 5] = ["due", "because", "owing", "since", "after"];
    let mut counted = 0;
    for w in text[..at]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
    {
        if NEGATIONS.contains(&w) {
            return true;
        }
        if CAUSES.contains(&w) || counted == 6 {
            return false;
        }
        if w != "and" && w != "or" {
            counted += 1;
        }
    }
    false
}

fn whole_words(text: &str, start: usize, end: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric();
    text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word(c))
        && text[end..].chars().next().is_none_or(|c| !is_word(c))
}

#[derive(Debug)]
pub struct Lexicon {
    /// Whole registered or MeSH term (lower case) → plain name.
    pub conditions: HashMap<String, String>,
    /// How terms that are not illnesses are read: procedures, healthy volunteers, side effects.
    pub condition_words: ConditionWords,
    /// The condition terms (keys of `conditions`, sorted), to find them in free text.
    pub condition_terms: Vec<String>,
    pub condition_phrases: PhraseSet,
    pub outcomes: Vec<MeasureEntry>,
    /// Words of a time frame that does not tell how long each person is followed.
    pub not_follow_up: PhraseList,
    pub treatments: Vec<TreatmentEntry>,
    pub routes: Vec<RouteEntry>,
    /// Jargon (lower case) → everyday words, in file order.
    pub jargon: Vec<(String, String)>,
    pub why_stopped: Vec<ReasonEntry>,
    pub forbidden: Vec<String>,
    /// Number words, "zero" to "nine", used for counts under ten.
    pub number_words: Vec<String>,
    pub outcome_phrases: PhraseSet,
    pub treatment_phrases: PhraseSet,
    pub route_phrases: PhraseSet,
    pub reason_phrases: PhraseSet,
    /// One entry per jargon term, in file order.
    pub jargon_phrases: PhraseSet,
    /// One entry per forbidden claim, in file order.
    pub forbidden_phrases: PhraseSet,
    /// Words that judge a result and statistics: never in "what the trial found".
    pub judging: PhraseList,
    pub statistics: PhraseList,
    /// What an intervention is, whatever its arm says: `roles.toml`.
    pub roles: Roles,
    /// Plain words for reported medical problems: `adverse_events.toml`.
    pub problems: ProblemWords,
    /// The words the results section is read by: `results.toml`.
    pub results: ResultsWords,
}

/// `adverse_events.toml`: MedDRA terms (lower case) → plain words.
#[derive(Debug, Deserialize)]
pub struct ProblemWords {
    pub terms: HashMap<String, String>,
    pub not_problems: NotProblems,
}

/// `adverse_events.toml` `[not_problems]`: reported terms that name no problem.
#[derive(Debug, Deserialize)]
pub struct NotProblems {
    pub terms: Vec<String>,
    pub endings: Vec<String>,
}

impl ProblemWords {
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
    pub groups: GroupWords,
    pub measures: MeasureTitleWords,
}

#[derive(Debug, Deserialize)]
pub struct MeasureTitleWords {
    pub prefixes: Vec<String>,
    pub ends: Vec<String>,
    /// The prefixes that count the people who had what follows ("number of participants
    /// with"): the page says "how many people had" before the quoted rest.
    pub people_with: Vec<String>,
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
    /// Words of a title of a study of how the body handles a medicine.
    pub healthy_studies: Vec<String>,
    pub safety: Vec<String>,
    pub not_conditions: Vec<String>,
    pub staging: Vec<String>,
    pub modifiers: Vec<String>,
    /// Names from people that keep their capital in a condition's name.
    pub eponyms: Vec<String>,
}

#[derive(Deserialize)]
struct ConditionsFile {
    #[serde(default)]
    procedures: HashMap<String, String>,
    healthy: HealthyTerms,
    safety: TermList,
    not_conditions: TermList,
    reading: ConditionReading,
}
#[derive(Deserialize)]
struct TermList {
    terms: Vec<String>,
}
#[derive(Deserialize)]
struct HealthyTerms {
    terms: Vec<String>,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    studies: Vec<String>,
}
#[derive(Deserialize)]
struct ConditionReading {
    staging: Vec<String>,
    modifiers: Vec<String>,
    #[serde(default)]
    eponyms: Vec<String>,
}

impl ConditionWords {
    fn from_file(file: ConditionsFile) -> Self {
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
            safety: lower(file.safety.terms),
            not_conditions: lower(file.not_conditions.terms),
            staging: lower(file.reading.staging),
            modifiers: lower(file.reading.modifiers),
            eponyms: lower(file.reading.eponyms),
        }
    }
}

/// The phrase lists of `roles.toml`, each compiled to one automaton.
#[derive(Debug)]
pub struct Roles {
    pub placebo: PhraseList,
    pub sham: PhraseList,
    pub assessment: PhraseList,
    pub assessment_described: PhraseList,
    pub assessment_weak: PhraseList,
    /// Last words of a name that measures.
    pub assessment_ends: Vec<String>,
    pub nothing: PhraseList,
    pub nothing_described: PhraseList,
    pub background_described: PhraseList,
    pub substance: PhraseList,
    pub substance_described: PhraseList,
    pub usual_care: PhraseList,
    pub no_treatment: PhraseList,
    pub placebo_described: PhraseList,
    pub sham_described: PhraseList,
    pub wait_list: PhraseList,
    /// A title that says the design is placebo-controlled.
    pub placebo_titled: PhraseList,
    /// Words that show a trial labelled diagnostic tests a way to find or check an illness.
    pub diagnostic: PhraseList,
    /// Words that make a ratio beside them the share of people each group gets.
    pub allocation_ratio: PhraseList,
    pub names: NameWords,
}

/// How registered names split into the products they name (`roles.toml`, `[names]`).
#[derive(Debug, Deserialize)]
pub struct NameWords {
    pub labels: Vec<String>,
    pub joins: Vec<String>,
    pub drop: Vec<String>,
    pub cut: Vec<String>,
    #[serde(default)]
    pub about: Vec<String>,
    /// Names that say only that something is given ("Treatment", "Active drug"): the
    /// description says what.
    #[serde(default)]
    pub generic: Vec<String>,
}

/// Phrases that mark a text, with phrases that cancel the mark ("hypertonic saline" is no
/// placebo although it says "saline"). Both are in one automaton, the phrases as entry 0 and
/// the exceptions as entry [`EXCEPTION`], so a text is read once whatever is asked of it.
#[derive(Debug)]
pub struct PhraseList {
    set: PhraseSet,
}

const EXCEPTION: usize = 1;

impl PhraseList {
    fn new(phrases: Vec<String>, exceptions: Vec<String>) -> Self {
        let lower =
            |v: Vec<String>| -> Vec<String> { v.into_iter().map(|p| p.to_lowercase()).collect() };
        let (phrases, exceptions) = (lower(phrases), lower(exceptions));
        PhraseList {
            set: PhraseSet::new([&phrases[..], &exceptions[..]]),
        }
    }

    /// The phrases found in `text` (lower case), as byte ranges; `None` when an exception is
    /// found too. `stop` ends the reading early once it returns true for a phrase.
    fn phrases_unless_excepted(
        &self,
        text: &str,
        mut stop: impl FnMut(&std::ops::Range<usize>) -> bool,
    ) -> Option<Vec<std::ops::Range<usize>>> {
        let mut found = Vec::new();
        let mut stopped = false;
        for (entry, span) in self.set.entry_spans(text) {
            if entry == EXCEPTION {
                return None;
            }
            if !stopped {
                stopped = stop(&span);
                found.push(span);
            }
        }
        Some(found)
    }

    /// Whether `text` (lower case) holds one of the phrases and none of the exceptions.
    pub fn marks(&self, text: &str) -> bool {
        self.phrases_unless_excepted(text, |_| true)
            .is_some_and(|found| !found.is_empty())
    }

    /// Whether `text` (lower case) holds one of the phrases not negated just before it: "no
    /// suitable placebo exists" and "not based on any safety concerns" do not count.
    pub fn affirms(&self, text: &str) -> bool {
        let mut affirmed = false;
        self.phrases_unless_excepted(text, |span| {
            affirmed = !negated(text, span.start);
            affirmed
        })
        .is_some()
            && affirmed
    }

    /// Every occurrence of a phrase in `text` (lower case), exceptions aside.
    pub fn spans_in(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.phrases_unless_excepted(text, |_| false)
            .unwrap_or_default()
    }

    /// Whether `text` (lower case) holds one of the exceptions.
    pub fn excepts(&self, text: &str) -> bool {
        self.set
            .entry_spans(text)
            .any(|(entry, _)| entry == EXCEPTION)
    }

    /// Byte offset and length of the first phrase found in `text` (lower case), exceptions aside.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.phrases_unless_excepted(text, |_| false)?
            .into_iter()
            .min_by_key(|r| r.start)
    }
}

#[derive(Debug, Deserialize)]
pub struct MeasureEntry {
    #[serde(rename = "match")]
    pub phrases: Vec<String>,
    pub means: String,
    #[serde(default)]
    pub safety: bool,
}

#[derive(Debug, Deserialize)]
pub struct TreatmentEntry {
    #[serde(rename = "match")]
    pub phrases: Vec<String>,
    pub plain: String,
    /// A test or scan that measures rather than treats.
    #[serde(default)]
    pub test: bool,
}

#[derive(Debug, Deserialize)]
pub struct RouteEntry {
    pub id: String,
    #[serde(rename = "match", default)]
    pub phrases: Vec<String>,
    /// Registry intervention types that imply this route when no phrase matches.
    #[serde(default)]
    pub types: Vec<String>,
    /// How the treatment is given, to follow "given ..." ("through an IV, into a vein").
    pub how: String,
    /// The risks that come with it, to follow "there are risks like ...".
    pub risks: String,
    /// A way a medicine is given: read only when a substance is tested.
    #[serde(default)]
    pub substance: bool,
}

#[derive(Debug, Deserialize)]
pub struct ReasonEntry {
    #[serde(rename = "match")]
    pub phrases: Vec<String>,
    pub plain: String,
}

#[derive(Deserialize)]
struct TermsFile {
    terms: toml::Table,
}
#[derive(Deserialize)]
struct MeasuresFile {
    time_frames: TimeFrameWords,
    measure: Vec<MeasureEntry>,
}
#[derive(Deserialize)]
struct TimeFrameWords {
    not_follow_up: Vec<String>,
}
#[derive(Deserialize)]
struct TreatmentsFile {
    treatment: Vec<TreatmentEntry>,
}
#[derive(Deserialize)]
struct RoutesFile {
    route: Vec<RouteEntry>,
}
#[derive(Deserialize)]
struct ReasonsFile {
    reason: Vec<ReasonEntry>,
}
#[derive(Deserialize)]
struct ClaimsFile {
    claims: Vec<String>,
    #[serde(default)]
    judging: Vec<String>,
    #[serde(default)]
    statistics: Vec<String>,
}
#[derive(Deserialize)]
struct NumbersFile {
    words: Vec<String>,
}
#[derive(Deserialize, Clone)]
struct ListEntry {
    #[serde(rename = "match", default)]
    phrases: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
    #[serde(default)]
    described: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    ends: Vec<String>,
}
#[derive(Deserialize)]
struct ComparisonWords {
    usual_care: Vec<String>,
    no_treatment: Vec<String>,
    placebo: Vec<String>,
    sham: Vec<String>,
    wait_list: Vec<String>,
    placebo_titled: Vec<String>,
}
#[derive(Deserialize)]
struct RolesFile {
    placebo: ListEntry,
    sham: ListEntry,
    assessment: ListEntry,
    nothing: ListEntry,
    background: ListEntry,
    substance: ListEntry,
    comparison: ComparisonWords,
    purpose: PurposeWords,
    allocation: AllocationWords,
    names: NameWords,
}
#[derive(Deserialize)]
struct AllocationWords {
    ratio: Vec<String>,
}
#[derive(Deserialize)]
struct PurposeWords {
    diagnostic: Vec<String>,
}

impl Roles {
    fn from_file(file: RolesFile) -> Self {
        let plain = |v: Vec<String>| PhraseList::new(v, Vec::new());
        Roles {
            placebo: PhraseList::new(file.placebo.phrases, file.placebo.not),
            sham: PhraseList::new(file.sham.phrases, file.sham.not),
            assessment_described: plain(file.assessment.described),
            assessment_weak: plain(file.assessment.weak),
            assessment_ends: file.assessment.ends,
            assessment: PhraseList::new(file.assessment.phrases, file.assessment.not),
            nothing: PhraseList::new(file.nothing.phrases, file.nothing.not),
            nothing_described: plain(file.nothing.described),
            background_described: plain(file.background.described),
            substance_described: plain(file.substance.described.clone()),
            substance: PhraseList::new(file.substance.phrases, file.substance.not),
            usual_care: plain(file.comparison.usual_care),
            no_treatment: plain(file.comparison.no_treatment),
            placebo_described: plain(file.comparison.placebo),
            sham_described: plain(file.comparison.sham),
            wait_list: plain(file.comparison.wait_list),
            placebo_titled: plain(file.comparison.placebo_titled),
            diagnostic: plain(file.purpose.diagnostic),
            allocation_ratio: plain(file.allocation.ratio),
            names: file.names,
        }
    }
}

impl Lexicon {
    /// Loads the lexicons from `(file name, contents)` pairs, as embedded from `templates/`.
    pub fn load(files: &[(&str, &str)]) -> Result<Self, SetupError> {
        let get = |name: &str| {
            files
                .iter()
                .find(|(n, _)| *n == format!("lexicon/{name}"))
                .map(|(_, text)| *text)
                .ok_or_else(|| SetupError::Lexicon {
                    file: name.to_owned(),
                    reason: "file is missing".to_owned(),
                })
        };
        fn read<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T, SetupError> {
            toml::from_str(text).map_err(|e| SetupError::Lexicon {
                file: name.to_owned(),
                reason: e.to_string(),
            })
        }
        let table = |name: &str| -> Result<Vec<(String, String)>, SetupError> {
            let file: TermsFile = read(name, get(name)?)?;
            file.terms
                .into_iter()
                .map(|(k, v)| match v {
                    toml::Value::String(s) => Ok((k.to_lowercase(), s)),
                    other => Err(SetupError::Lexicon {
                        file: name.to_owned(),
                        reason: format!("term {k:?} must map to text, not {}", other.type_str()),
                    }),
                })
                .collect()
        };
        let numbers: NumbersFile = read("numbers.toml", get("numbers.toml")?)?;
        if numbers.words.len() != 10 {
            return Err(SetupError::Lexicon {
                file: "numbers.toml".to_owned(),
                reason: "words must list zero to nine".to_owned(),
            });
        }
        let lower = |v: Vec<String>| v.into_iter().map(|p| p.to_lowercase()).collect::<Vec<_>>();
        let claims: ClaimsFile = read("forbidden.toml", get("forbidden.toml")?)?;
        let measures: MeasuresFile = read("outcomes.toml", get("outcomes.toml")?)?;
        let lexicon = Lexicon {
            conditions: table("conditions.toml")?.into_iter().collect(),
            condition_words: ConditionWords::from_file(read(
                "conditions.toml",
                get("conditions.toml")?,
            )?),
            not_follow_up: PhraseList::new(measures.time_frames.not_follow_up, Vec::new()),
            outcomes: measures
                .measure
                .into_iter()
                .map(|m| MeasureEntry {
                    phrases: lower(m.phrases),
                    ..m
                })
                .collect(),
            treatments: read::<TreatmentsFile>("treatments.toml", get("treatments.toml")?)?
                .treatment
                .into_iter()
                .map(|t| TreatmentEntry {
                    phrases: lower(t.phrases),
                    ..t
                })
                .collect(),
            routes: read::<RoutesFile>("routes.toml", get("routes.toml")?)?
                .route
                .into_iter()
                .map(|r| RouteEntry {
                    phrases: lower(r.phrases),
                    ..r
                })
                .collect(),
            jargon: table("jargon.toml")?,
            why_stopped: read::<ReasonsFile>("why_stopped.toml", get("why_stopped.toml")?)?
                .reason
                .into_iter()
                .map(|r| ReasonEntry {
                    phrases: lower(r.phrases),
                    ..r
                })
                .collect(),
            forbidden: lower(claims.claims.clone()),
            judging: PhraseList::new(claims.judging.clone(), Vec::new()),
            statistics: PhraseList::new(claims.statistics.clone(), Vec::new()),
            condition_terms: Vec::new(),
            condition_phrases: PhraseSet::new([]),
            number_words: numbers.words,
            roles: Roles::from_file(read("roles.toml", get("roles.toml")?)?),
            problems: read("adverse_events.toml", get("adverse_events.toml")?)?,
            results: read("results.toml", get("results.toml")?)?,
            outcome_phrases: PhraseSet::new([]),
            treatment_phrases: PhraseSet::new([]),
            route_phrases: PhraseSet::new([]),
            reason_phrases: PhraseSet::new([]),
            jargon_phrases: PhraseSet::new([]),
            forbidden_phrases: PhraseSet::new([]),
        };
        let mut condition_terms: Vec<String> = lexicon.conditions.keys().cloned().collect();
        condition_terms.sort();
        Ok(Lexicon {
            condition_phrases: PhraseSet::new(condition_terms.iter().map(std::slice::from_ref)),
            condition_terms,
            outcome_phrases: PhraseSet::new(lexicon.outcomes.iter().map(|m| &m.phrases[..])),
            treatment_phrases: PhraseSet::new(lexicon.treatments.iter().map(|t| &t.phrases[..])),
            route_phrases: PhraseSet::new(lexicon.routes.iter().map(|r| &r.phrases[..])),
            reason_phrases: PhraseSet::new(lexicon.why_stopped.iter().map(|r| &r.phrases[..])),
            jargon_phrases: PhraseSet::new(
                lexicon
                    .jargon
                    .iter()
                    .map(|(term, _)| std::slice::from_ref(term)),
            ),
            forbidden_phrases: PhraseSet::new(lexicon.forbidden.iter().map(std::slice::from_ref)),
            ..lexicon
        })
    }

    pub fn condition(&self, term: &str) -> Option<&str> {
        self.conditions
            .get(&term.to_lowercase())
            .map(String::as_str)
    }

    /// The first measure (in file order) whose phrases occur in `text`.
    pub fn measure(&self, text: &str) -> Option<&MeasureEntry> {
        let hit = self.outcome_phrases.first(&text.to_lowercase())?;
        Some(&self.outcomes[hit.entry])
    }

    pub fn treatment(&self, name: &str) -> Option<&TreatmentEntry> {
        let hit = self.treatment_phrases.first(&name.to_lowercase())?;
        Some(&self.treatments[hit.entry])
    }

    /// The plain reason a trial stopped: the first reason whose phrase the text affirms ("not
    /// based on any safety concerns" is no safety reason).
    pub fn why_stopped(&self, text: &str) -> Option<&str> {
        let lower = text.to_lowercase();
        let hit = self
            .reason_phrases
            .hits(&lower)
            .into_iter()
            .find(|h| !negated(&lower, h.at))?;
        Some(&self.why_stopped[hit.entry].plain)
    }
}

/// Whether `phrase` occurs in `text` as whole words: "mrs" is found in "(mrs) score" but not
/// in "mrsa". Both are expected in lower case.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    find_phrase(text, phrase).is_some()
}

/// Byte offset of the first whole-word occurrence of `phrase` in `text`.
pub fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric();
    let (hay, needle) = (text.as_bytes(), phrase.as_bytes());
    let mut from = 0;
    // The texts are names and short descriptions, searched for many phrases each: a jump to
    // the phrase's first byte costs less than setting up a substring searcher every time.
    // A phrase's first byte starts a character, so a match starts on a character boundary.
    while let Some(pos) = memchr::memchr(needle[0], &hay[from..]) {
        let start = from + pos;
        if !hay[start..].starts_with(needle) {
            from = start + 1;
            continue;
        }
        let end = start + phrase.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word(c));
        let after_ok = text[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negation_reaches_over_a_list_but_not_past_a_cause() {
        let text =
            "the decision was not based on any safety concerns and/or regulatory interactions";
        assert!(negated(text, text.find("regulatory").unwrap()));
        assert!(negated(text, text.find("safety").unwrap()));
        let text = "the study did not enroll enough patients due to safety concerns";
        assert!(!negated(text, text.find("safety").unwrap()));
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("change in (mrs) score", "mrs"));
        assert!(!contains_phrase("mrsa infection", "mrs"));
        assert!(!contains_phrase("secure storage", "cure"));
        assert!(contains_phrase("this may cure it", "cure"));
        assert!(contains_phrase("intravenous", "intravenous"));
        assert!(!contains_phrase("", "x"));
    }
}
