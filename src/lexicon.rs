//! The lexicons: plain words as data, loaded once from `templates/lexicon/*.toml`.
//!
//! Conditions, outcome measures, treatments, routes, jargon, stop reasons, forbidden claims and
//! number words all live in TOML files that reviewers read like templates. Code only looks
//! phrases up; it never holds a word a patient reads.

use crate::error::SetupError;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug)]
pub struct Lexicon {
    /// Whole registered or MeSH term (lower case) → plain name.
    pub conditions: HashMap<String, String>,
    pub outcomes: Vec<MeasureEntry>,
    pub treatments: Vec<TreatmentEntry>,
    pub routes: Vec<RouteEntry>,
    /// Jargon (lower case) → everyday words, in file order.
    pub jargon: Vec<(String, String)>,
    pub why_stopped: Vec<ReasonEntry>,
    pub forbidden: Vec<String>,
    /// Number words, "zero" to "nine", used for counts under ten.
    pub number_words: Vec<String>,
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
    measure: Vec<MeasureEntry>,
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
        Ok(Lexicon {
            conditions: table("conditions.toml")?.into_iter().collect(),
            outcomes: read::<MeasuresFile>("outcomes.toml", get("outcomes.toml")?)?
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
            forbidden: lower(read::<ClaimsFile>("forbidden.toml", get("forbidden.toml")?)?.claims),
            number_words: numbers.words,
        })
    }

    pub fn condition(&self, term: &str) -> Option<&str> {
        self.conditions
            .get(&term.to_lowercase())
            .map(String::as_str)
    }

    pub fn measure(&self, text: &str) -> Option<&MeasureEntry> {
        let text = text.to_lowercase();
        self.outcomes
            .iter()
            .find(|m| m.phrases.iter().any(|p| contains_phrase(&text, p)))
    }

    pub fn treatment(&self, name: &str) -> Option<&TreatmentEntry> {
        let name = name.to_lowercase();
        self.treatments
            .iter()
            .find(|t| t.phrases.iter().any(|p| contains_phrase(&name, p)))
    }

    pub fn why_stopped(&self, text: &str) -> Option<&str> {
        let text = text.to_lowercase();
        self.why_stopped
            .iter()
            .find(|r| r.phrases.iter().any(|p| contains_phrase(&text, p)))
            .map(|r| r.plain.as_str())
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
    let mut from = 0;
    while let Some(pos) = text[from..].find(phrase) {
        let start = from + pos;
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
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("change in (mrs) score", "mrs"));
        assert!(!contains_phrase("mrsa infection", "mrs"));
        assert!(!contains_phrase("secure storage", "cure"));
        assert!(contains_phrase("this may cure it", "cure"));
        assert!(contains_phrase("intravenous", "intravenous"));
        assert!(!contains_phrase("", "x"));
    }
}
