//! Gold facts: what a person wrote about a record by reading it, and the checks that hold a
//! page to them.
//!
//! A gold file (`NCT….toml`, keys described in `tests/fixtures/gold/README.md`) says what a
//! trial tests, what every arm gets alike, what only measures, what it is compared with, whether
//! a substance or a placebo is given, which condition words a page may use, the enrolment and
//! the stage. [`agreement`] lists each way a page departs from them; a page agrees when the
//! list is empty. The test suite runs it over every gold file of the repo, and `laysum batch`
//! runs it over any folder of records with gold files beside them.

use crate::derive::with_separators;
use crate::facts::Role;
use crate::lexicon::contains_phrase;
use crate::readability::sentences;
use crate::summary::Summary;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The facts a person wrote about one record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gold {
    pub nct_id: String,
    /// One list of names (generic, brand, code, plain words) per tested intervention.
    pub tested: Vec<Vec<String>>,
    #[serde(default)]
    pub background: Vec<String>,
    #[serde(default)]
    pub assessments: Vec<String>,
    /// placebo | sham | active | usual care | no treatment | none | not applicable
    pub comparator: String,
    pub substance_under_test: bool,
    pub placebo: bool,
    pub conditions_plain: Vec<String>,
    pub enrollment: Option<u64>,
    /// early | mid | late | after approval; absent when the trial has no phase.
    pub stage: Option<String>,
    pub why: String,
}

/// A gold file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a gold file: {reason}")]
    Format { path: PathBuf, reason: String },
}

impl Gold {
    pub fn load(path: &Path) -> Result<Gold, GoldError> {
        let text = std::fs::read_to_string(path).map_err(|source| GoldError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| GoldError::Format {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }
}

/// One way a page departs from its gold facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// Which check: `tested_named`, `tested_role`, `background`, `assessment`,
    /// `assessment_in_headline`, `substance`, `placebo`, `comparator`, `conditions`,
    /// `enrollment`, `stage`.
    pub check: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.check, self.detail)
    }
}

/// Every way `page` departs from `gold`; empty when they agree.
pub fn agreement(page: &Summary, gold: &Gold) -> Vec<Disagreement> {
    let mut out = Vec::new();
    let mut differ = |check: &'static str, detail: String| out.push(Disagreement { check, detail });
    let headline = page.headline.to_lowercase();
    let summary = page.sections.summary.to_lowercase();
    let first_sentence = sentences(&summary)
        .first()
        .copied()
        .unwrap_or("")
        .to_owned();
    let text = [
        page.headline.as_str(),
        &page.sections.summary,
        page.sections.active_substance.as_deref().unwrap_or(""),
        &page.sections.what_this_could_lead_to,
        &page.sections.what_could_go_wrong,
    ]
    .join(" ")
    .to_lowercase();
    let named = |aliases: &[String], within: &str| aliases.iter().any(|a| mentions(within, a));

    // What is tested is named up front: each tested intervention when there are up to three,
    // at least two of a longer list (the rest are "other treatments").
    if !gold.tested.is_empty() {
        let opening = format!("{headline} {first_sentence}");
        let said = gold
            .tested
            .iter()
            .filter(|aliases| named(aliases, &opening))
            .count();
        let wanted = if gold.tested.len() <= 3 {
            gold.tested.len()
        } else {
            2
        };
        if said < wanted {
            differ(
                "tested_named",
                format!(
                    "the headline and first sentence name {said} of the {} tested interventions ({}): “{}” / “{}”",
                    gold.tested.len(),
                    firsts(&gold.tested),
                    page.headline,
                    first_sentence
                ),
            );
        }
    }
    // The page's roles: nothing tested that the gold does not test, the gold's tested ones
    // tested where the record lists them, background and assessments never tested.
    for i in page.interventions.iter().filter(|i| i.role == Role::Tested) {
        let known = gold
            .tested
            .iter()
            .any(|aliases| aliases.iter().any(|a| same_thing(&i.name, &i.plain, a)));
        if !known {
            differ(
                "tested_role",
                format!(
                    "“{}” is read as tested; the gold tests {}",
                    i.name,
                    firsts(&gold.tested)
                ),
            );
        }
    }
    for b in &gold.background {
        let listed = page
            .interventions
            .iter()
            .find(|i| same_thing(&i.name, &i.plain, b));
        if let Some(i) = listed.filter(|i| i.role != Role::Background) {
            differ(
                "background",
                format!(
                    "“{}” is given to every arm alike; the page reads it as {:?}",
                    i.name, i.role
                ),
            );
        }
    }
    for a in &gold.assessments {
        let listed = page
            .interventions
            .iter()
            .find(|i| same_thing(&i.name, &i.plain, a));
        if let Some(i) = listed.filter(|i| i.role != Role::Assessment) {
            differ(
                "assessment",
                format!(
                    "“{}” only measures; the page reads it as {:?}",
                    i.name, i.role
                ),
            );
        }
        if mentions(&headline, a) {
            differ(
                "assessment_in_headline",
                format!("“{a}” in “{}”", page.headline),
            );
        }
    }
    for i in page
        .interventions
        .iter()
        .filter(|i| i.role == Role::Assessment)
    {
        if mentions(&headline, &i.plain) || mentions(&headline, &i.name) {
            differ(
                "assessment_in_headline",
                format!("“{}” in “{}”", i.name, page.headline),
            );
        }
    }

    if page.sections.active_substance.is_some() != gold.substance_under_test {
        differ(
            "substance",
            format!(
                "a substance is {}tested; the page's active substance is {:?}",
                if gold.substance_under_test {
                    ""
                } else {
                    "not "
                },
                page.sections.active_substance
            ),
        );
    }
    let speaks_of_placebo = ["placebo", "sham", "look-alike"]
        .iter()
        .any(|w| contains_phrase(&text, w));
    if speaks_of_placebo != gold.placebo {
        differ(
            "placebo",
            format!(
                "some participants {} an inactive look-alike; the page {} one",
                if gold.placebo { "get" } else { "do not get" },
                if speaks_of_placebo {
                    "mentions"
                } else {
                    "does not mention"
                }
            ),
        );
    }
    if let Some(problem) = comparator_words(&gold.comparator, &text, page) {
        differ("comparator", problem);
    }

    let plain: Vec<String> = page
        .conditions
        .plain
        .iter()
        .map(|c| c.to_lowercase())
        .collect();
    let condition_said = gold.conditions_plain.iter().any(|c| {
        plain.iter().any(|p| p == c || contains_phrase(p, c))
            || mentions(&headline, c)
            || mentions(&summary, c)
    });
    if !condition_said {
        differ(
            "conditions",
            format!(
                "none of {:?} in the page's conditions {:?}",
                gold.conditions_plain, page.conditions.plain
            ),
        );
    }

    if let Some(n) = gold.enrollment.filter(|&n| n > 0) {
        // Counts under ten are words (STYLE.md rule 4).
        const WORDS: [&str; 10] = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ];
        let written = usize::try_from(n)
            .ok()
            .and_then(|i| WORDS.get(i))
            .map_or_else(|| with_separators(n), |w| (*w).to_owned());
        if !contains_phrase(&text, &written) {
            differ(
                "enrollment",
                format!("the page does not say {written} people"),
            );
        }
        if n >= 1000 && contains_phrase(&text, &n.to_string()) {
            differ("enrollment", format!("{n} written without separators"));
        }
    }

    let stage_words = [
        ("early", "early-stage"),
        ("mid", "mid-stage"),
        ("late", "late-stage"),
        ("after approval", "approved"),
    ];
    let said: Vec<&str> = stage_words
        .iter()
        .filter(|(_, w)| contains_phrase(&summary, w) || contains_phrase(&text, w))
        .map(|(s, _)| *s)
        .collect();
    let right = match gold.stage.as_deref() {
        // "early- to mid-stage" is a mid-stage trial that starts with safety.
        Some("mid") => said.contains(&"mid") && !said.contains(&"late"),
        Some("late") => said.contains(&"late"),
        Some("early") => said == ["early"],
        Some(s) => said.contains(&s),
        None => said.iter().all(|s| *s == "after approval"),
    };
    if !right {
        differ(
            "stage",
            format!("gold stage {:?}; the page speaks of {said:?}", gold.stage),
        );
    }
    out
}

/// The first name of each tested intervention, for messages.
fn firsts(tested: &[Vec<String>]) -> String {
    let names: Vec<&str> = tested
        .iter()
        .filter_map(|a| a.first().map(String::as_str))
        .collect();
    format!("{names:?}")
}

/// Whether lower-case `text` names `alias` as whole words.
fn mentions(text: &str, alias: &str) -> bool {
    let alias = alias.trim().to_lowercase();
    !alias.is_empty() && contains_phrase(text, &alias)
}

/// Whether a listed intervention is the one a gold alias names: equal names, or one name
/// holding the other as whole words ("sorafenib" in "sorafenib tosylate").
fn same_thing(name: &str, plain: &str, alias: &str) -> bool {
    let alias = alias.trim().to_lowercase();
    [name.to_lowercase(), plain.to_lowercase()]
        .iter()
        .any(|n| *n == alias || contains_phrase(n, &alias) || contains_phrase(&alias, n))
}

/// Whether the page names the comparison the gold says; a problem when it does not.
fn comparator_words(comparator: &str, text: &str, page: &Summary) -> Option<String> {
    let has = |words: &[&str]| words.iter().any(|w| contains_phrase(text, w));
    // "who gets furmonertinib alone": compared with what everyone gets, on its own.
    let background_alone = page
        .interventions
        .iter()
        .filter(|i| i.role == Role::Background)
        .any(|i| contains_phrase(text, &format!("{} alone", i.plain.to_lowercase())));
    let ok = match comparator {
        "placebo" | "sham" => has(&["placebo", "sham", "look-alike"]),
        "usual care" => {
            has(&["usual care", "usual treatment", "standard care"]) || background_alone
        }
        "no treatment" => has(&[
            "no treatment",
            "no extra treatment",
            "nothing extra",
            "no added treatment",
            "later, after a wait",
        ]),
        "active" => {
            // A registered name may carry its schedule ("sildenafil citrate as needed
            // [S(PRN)]"); the page names the product, whose first word is enough.
            page.interventions
                .iter()
                .filter(|i| i.role == Role::Comparator)
                .any(|i| {
                    let first = i.plain.split_whitespace().next().unwrap_or("");
                    mentions(text, &i.plain)
                        || (first.len() >= 5
                            && first.chars().all(char::is_alphabetic)
                            && mentions(text, first))
                })
                || background_alone
                || has(&[
                    "another treatment",
                    "a different treatment",
                    "compared with",
                    // One product in two schedules: the comparison is the other schedule.
                    "in a different dose or schedule",
                ])
        }
        "none" => !has(&["placebo", "sham", "look-alike", "usual care"]),
        _ => true,
    };
    (!ok).then(|| format!("the comparison is {comparator}; the page does not say so"))
}

/// What checking a folder of records against their gold files found.
#[derive(Debug, Default)]
pub struct Report {
    /// Records with a gold file.
    pub checked: usize,
    /// Of those, records whose page agrees with every gold fact.
    pub agreeing: usize,
    /// `(NCT id, disagreement)` for every departure, and gold files that could not be read.
    pub disagreements: Vec<(String, String)>,
}

/// Renders each record that has a gold file (in `gold_dir`, or beside it) with the rules
/// writer and holds its page to the gold facts.
pub fn check_records(
    pipeline: &crate::Pipeline,
    records: &[PathBuf],
    gold_dir: Option<&Path>,
) -> Report {
    let mut report = Report::default();
    for record in records {
        let Some(gold_path) = gold_for(record, gold_dir) else {
            continue;
        };
        report.checked += 1;
        let name = record.display().to_string();
        let gold = match Gold::load(&gold_path) {
            Ok(g) => g,
            Err(e) => {
                report.disagreements.push((name, e.to_string()));
                continue;
            }
        };
        let page = std::fs::read(record)
            .map_err(|e| e.to_string())
            .and_then(|bytes| pipeline.summarize(&bytes).map_err(|e| e.to_string()));
        match page {
            Ok(page) => {
                let found = agreement(&page, &gold);
                if found.is_empty() {
                    report.agreeing += 1;
                }
                report.disagreements.extend(
                    found
                        .into_iter()
                        .map(|d| (gold.nct_id.clone(), d.to_string())),
                );
            }
            Err(e) => report.disagreements.push((name, e)),
        }
    }
    report
}

/// The gold file for a record: `NCT….toml` in `gold_dir`, or beside the record.
pub fn gold_for(record: &Path, gold_dir: Option<&Path>) -> Option<PathBuf> {
    let stem = record.file_stem()?;
    let name = format!("{}.toml", stem.to_string_lossy());
    let beside = record.with_file_name(&name);
    gold_dir
        .map(|d| d.join(&name))
        .filter(|p| p.is_file())
        .or_else(|| beside.is_file().then_some(beside))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_matches_its_longer_registered_form() {
        assert!(same_thing(
            "Sorafenib Tosylate",
            "sorafenib tosylate",
            "sorafenib"
        ));
        assert!(same_thing("Verapamil", "verapamil", "verapamil"));
        assert!(!same_thing("Verapamil", "verapamil", "cortivazol"));
    }
}
