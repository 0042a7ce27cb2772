//! The lexicons: plain words as data, loaded once from `templates/lexicon/*.toml`.
//!
//! Conditions, outcome measures, treatments, routes, jargon, stop reasons, forbidden claims and
//! number words all live in TOML files that reviewers read like templates. Code only looks
//! phrases up; it never holds a word a patient reads.
//!
//! Each phrase list is compiled once, at load, into a [`PhraseSet`]: one Aho–Corasick automaton,
//! so finding which of hundreds of phrases a text holds is a single pass over the text.

use crate::error::SetupError;
use serde::Deserialize;
use std::collections::HashMap;

mod phrases;
mod roles;
mod words;

pub use phrases::{
    contains_phrase, find_phrase, negated, parts_of_longer, phrase_spans, Hit, PhraseList,
    PhraseSet,
};
pub use roles::{NameWords, Roles};
pub use words::{
    ConditionWords, GroupWords, MeasureTitleWords, NotProblems, ProblemWords, ResultsWords,
};

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
    /// Which way a measure's scale runs: entry 0 says a higher number is worse, entry 1 that
    /// it is the good way (`results.toml [direction]`).
    pub direction_phrases: PhraseSet,
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

#[derive(Debug, Deserialize)]
pub struct MeasureEntry {
    #[serde(rename = "match")]
    pub phrases: Vec<String>,
    pub means: String,
    #[serde(default)]
    pub safety: bool,
    /// What people had, to follow "how many people had" when the title counts people
    /// ("Number of Participants With Dose Limiting Toxicities"): "side effects and safety"
    /// at 0 of 3 and 3 of 3 reads as if no one had a side effect (NCT04402008).
    #[serde(default)]
    pub had: Option<String>,
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
    /// Routes of one way into the body share it ("as a pill", "by mouth"); else the id is.
    #[serde(default)]
    pub way: Option<String>,
    /// Registry intervention types whose products are never given this way, whatever their
    /// texts say: a yoga programme "after surgery" is no procedure.
    #[serde(default)]
    pub not_types: Vec<String>,
}

impl RouteEntry {
    /// The way into the body this route is one of.
    pub fn way(&self) -> &str {
        self.way.as_deref().unwrap_or(&self.id)
    }
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
            direction_phrases: PhraseSet::new([]),
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
            direction_phrases: PhraseSet::new([
                &lexicon.results.direction.higher_worse[..],
                &lexicon.results.direction.higher_better[..],
            ]),
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
