//! Step 5, check: [`Draft`] → [`Summary`].
//!
//! The guards every draft passes, whichever writer made it. This step adds the required
//! disclaimers (from `templates/disclaimers.toml`; nothing can switch them off), publishes sites
//! without contacts, and reports: forbidden claims, numbers the record does not hold, contact
//! details, missing or over-long sections, and what the page means ([`meaning`]: what is tested
//! and the condition named, tense agreeing with the status, no markup, no repeated section) (all
//! `error`: the page must not be published as is), long sentences, jargon and hard reading
//! (`warn`), with the readability of each section. [`results`] holds the rules of what the
//! trial found, [`contact`] tells contact details from codes.

mod contact;
mod meaning;
mod repeats;
mod results;

pub use contact::contact_details;
pub use meaning::MeaningWords;
pub use results::n_of_m;

use crate::derive::numbers_in;
use crate::facts::Facts;
use crate::lexicon::Lexicon;
use crate::readability::Readability;
use crate::summary::*;
use crate::trial::Trial;
use crate::write::Draft;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Longest sentence STYLE.md allows, in words.
pub const MAX_SENTENCE_WORDS: usize = 25;
/// A section whose grade is above this gets a `hard_to_read` warning.
pub const MAX_SECTION_GRADE: f64 = 10.0;

/// Word limits per section: over the limit is an `error` (the section no longer reads as a
/// summary).
pub fn max_words(section: &str) -> usize {
    match section {
        "headline" => 25,
        "summary" => 140,
        "what_this_could_lead_to" => 70,
        "what_could_go_wrong" => 100,
        "what_the_trial_found" => 320,
        _ => 60,
    }
}

/// The required disclaimers, loaded once from `templates/disclaimers.toml`.
#[derive(Debug, Deserialize)]
pub struct Disclaimers {
    disclaimer: Vec<Disclaimer>,
}

impl Disclaimers {
    pub fn load(text: &str) -> Result<Self, crate::error::SetupError> {
        let d: Disclaimers =
            toml::from_str(text).map_err(|e| crate::error::SetupError::Lexicon {
                file: "disclaimers.toml".into(),
                reason: e.to_string(),
            })?;
        let ids: Vec<&str> = d.disclaimer.iter().map(|x| x.id.as_str()).collect();
        if ids != ["informational", "summary_limits"] {
            return Err(crate::error::SetupError::Lexicon {
                file: "disclaimers.toml".into(),
                reason: format!("must hold the disclaimers informational and summary_limits, in that order; found {ids:?}"),
            });
        }
        Ok(d)
    }

    fn for_study(&self, url: &str) -> Vec<Disclaimer> {
        self.disclaimer
            .iter()
            .map(|d| Disclaimer {
                id: d.id.clone(),
                text: d.text.replace("{url}", url),
            })
            .collect()
    }
}

/// What the check step needs besides the draft.
pub struct Context<'a> {
    pub facts: &'a Facts,
    pub trial: &'a Trial,
    pub lexicon: &'a Lexicon,
    pub disclaimers: &'a Disclaimers,
    pub meaning: &'a MeaningWords,
    pub generator: Generator,
}

/// The registry page of a study.
pub fn study_url(nct_id: &str) -> String {
    format!("https://clinicaltrials.gov/study/{nct_id}")
}

/// Checks a draft and makes the page.
pub fn check(draft: Draft, cx: Context<'_>) -> Summary {
    let mut warnings = Vec::new();
    let texts: [(&str, &str); 4] = [
        ("headline", &draft.headline),
        ("summary", &draft.summary),
        ("what_this_could_lead_to", &draft.what_this_could_lead_to),
        ("what_could_go_wrong", &draft.what_could_go_wrong),
    ];
    let mut section_quality = Vec::new();
    // Each section lower-cased once, for every phrase search of this step.
    let lower = texts.map(|(_, t)| t.to_lowercase());
    let substance_lower = draft.active_substance.as_deref().map(str::to_lowercase);
    let page_lower = lower.join(" ");
    // The page's readability is the sum of its three main sections' counts.
    let mut page = Readability {
        words: 0,
        sentences: 0,
        syllables: 0,
    };
    for ((section, text), lower) in texts.into_iter().zip(&lower) {
        let r = guard(section, text, lower, &page_lower, &cx, &mut warnings);
        if section != "headline" {
            page.words += r.words;
            page.sentences += r.sentences;
            page.syllables += r.syllables;
            if r.grade() > MAX_SECTION_GRADE {
                warnings.push(Warning {
                    severity: Severity::Warn,
                    code: WarningCode::HardToRead,
                    section: section.into(),
                    excerpt: String::new(),
                    message: format!("reads at grade {}; aim for 6 to 8", r.grade()),
                });
            }
            section_quality.push(SectionQuality {
                section: section.into(),
                grade_level: r.grade(),
                reading_ease: r.ease(),
                words: r.words,
                sentences: r.sentences,
            });
        }
    }
    if cx.facts.findings.is_some() && draft.what_the_trial_found.is_none() {
        warnings.push(Warning {
            severity: Severity::Error,
            code: WarningCode::MissingSection,
            section: "what_the_trial_found".into(),
            excerpt: String::new(),
            message: "the record has results; the page must say what the trial found".into(),
        });
    }
    if cx.facts.findings.is_none() && draft.what_the_trial_found.is_some() {
        warnings.push(Warning {
            severity: Severity::Error,
            code: WarningCode::FindingsWithoutResults,
            section: "what_the_trial_found".into(),
            excerpt: String::new(),
            message: "the record has no results; the page must not say what the trial found".into(),
        });
    }
    if let Some(found) = &draft.what_the_trial_found {
        let r = guard(
            "what_the_trial_found",
            found,
            &found.to_lowercase(),
            &page_lower,
            &cx,
            &mut warnings,
        );
        if r.grade() > MAX_SECTION_GRADE {
            warnings.push(Warning {
                severity: Severity::Warn,
                code: WarningCode::HardToRead,
                section: "what_the_trial_found".into(),
                excerpt: String::new(),
                message: format!("reads at grade {}; aim for 6 to 8", r.grade()),
            });
        }
        section_quality.push(SectionQuality {
            section: "what_the_trial_found".into(),
            grade_level: r.grade(),
            reading_ease: r.ease(),
            words: r.words,
            sentences: r.sentences,
        });
        results::results_guard(found, &cx, &mut warnings);
    }
    results::judged_elsewhere(&draft, &cx, &mut warnings);
    if let (Some(substance), Some(substance_lower)) = (&draft.active_substance, &substance_lower) {
        guard(
            "active_substance",
            substance,
            substance_lower,
            &page_lower,
            &cx,
            &mut warnings,
        );
    }

    let [headline, summary, lead_to, go_wrong] = &lower;
    let lower = meaning::Lowered {
        headline,
        summary,
        active_substance: substance_lower.as_deref().unwrap_or(""),
        what_this_could_lead_to: lead_to,
        what_could_go_wrong: go_wrong,
    };
    meaning::guard(&draft, &lower, &cx, &mut warnings);

    let trial = cx.trial;
    let url = study_url(&trial.nct_id);
    let as_registered: Vec<String> = cx
        .facts
        .conditions
        .iter()
        .map(|c| c.value.registered.clone())
        .collect();
    // Each registered term once, whatever the record repeats, in the registrant's order ("as
    // listed by the trial registrant"), then any term the facts read from elsewhere.
    let mut registered: Vec<String> = Vec::new();
    for c in trial.conditions.iter().chain(&as_registered) {
        if !registered.iter().any(|r| r.eq_ignore_ascii_case(c)) {
            registered.push(c.clone());
        }
    }
    Summary {
        nct_id: trial.nct_id.clone(),
        headline: draft.headline,
        sections: Sections {
            summary: draft.summary,
            active_substance: draft.active_substance,
            what_this_could_lead_to: draft.what_this_could_lead_to,
            what_could_go_wrong: draft.what_could_go_wrong,
            what_the_trial_found: draft.what_the_trial_found,
        },
        interventions: cx
            .facts
            .interventions
            .iter()
            .map(|i| Intervention {
                name: i.value.name.clone(),
                plain: i.value.plain.clone(),
                kind: i.value.kind.clone(),
                role: i.value.role,
                arms: i.value.arms.clone(),
                field: i.field.clone(),
            })
            .collect(),
        disclaimers: cx.disclaimers.for_study(&url),
        conditions: Conditions {
            plain: cx
                .facts
                .conditions
                .iter()
                .map(|c| c.value.plain.clone())
                .collect(),
            as_registered: registered,
        },
        sites: trial
            .sites
            .iter()
            .map(|s| Site {
                facility: s.facility.clone(),
                // A trial whose status is unknown has not been checked for two years or more:
                // its sites' "recruiting" is as old (NCT03102398, last updated in 2017, listed
                // its site as recruiting). A site that withdrew stays withdrawn: NCT04479553
                // listed three among its sites with no word that they never took part.
                status: s.status.clone().filter(|code| {
                    trial.status != crate::trial::Status::Unknown || code == "WITHDRAWN"
                }),
                city: s.city.clone(),
                country: s.country.clone(),
            })
            .collect(),
        source: SourceInfo {
            url,
            last_update: trial.last_update.clone(),
        },
        generator: cx.generator,
        quality: Quality {
            grade_level: page.grade(),
            reading_ease: page.ease(),
            warnings,
            facts: cx.facts.sources.clone(),
            sections: section_quality,
            missing: trial.missing.iter().map(|m| (*m).to_owned()).collect(),
        },
    }
}

/// The rules every section obeys; gives the section's readability. `lower` is the section in
/// lower case, `page` the whole page: a term explained once on the page needs no second
/// explanation.
fn guard(
    section: &str,
    text: &str,
    lower: &str,
    page: &str,
    cx: &Context<'_>,
    out: &mut Vec<Warning>,
) -> Readability {
    let (facts, lexicon) = (cx.facts, cx.lexicon);
    let mut warn = |severity, code, excerpt: &str, message: String| {
        out.push(Warning {
            severity,
            code,
            section: section.to_owned(),
            excerpt: excerpt.to_owned(),
            message,
        })
    };
    if text.trim().is_empty() {
        warn(
            Severity::Error,
            WarningCode::MissingSection,
            "",
            "the section is empty".into(),
        );
        return Readability::of(text);
    }
    for hit in lexicon.forbidden_phrases.hits(lower) {
        let claim = &lexicon.forbidden[hit.entry];
        // Lower-casing may move byte offsets in odd scripts; fall back to the claim itself.
        let excerpt = text.get(hit.at..hit.at + claim.len()).unwrap_or(claim);
        warn(
            Severity::Error,
            WarningCode::ForbiddenClaim,
            excerpt,
            format!("“{excerpt}” promises what no trial can"),
        );
    }
    let mut numbers = BTreeSet::new();
    numbers_in(text, &mut numbers);
    // The results section writes results values only, each traced to its field.
    let allowed = match (section, &facts.findings) {
        ("what_the_trial_found", Some(found)) => &found.numbers,
        _ => &facts.record_numbers,
    };
    for n in numbers.difference(allowed) {
        // A results section's number may be in the record yet be no result it may give: who
        // finished the first of two periods is not who finished the trial.
        let message = match section {
            "what_the_trial_found" => {
                format!("the number {n} is not one of the results the record gives")
            }
            _ => format!("the number {n} is not in the record"),
        };
        warn(Severity::Error, WarningCode::UntracedNumber, n, message);
    }
    // A registry title the results section quotes ("… 700- 2000 mg …") is the registry's words.
    let own_text: std::borrow::Cow<str> = match (section, &facts.findings) {
        ("what_the_trial_found", Some(found)) => results::unquoted(text, &found.titles).into(),
        _ => text.into(),
    };
    for contact in contact_details(&own_text)
        .into_iter()
        .filter(|c| !contact::names_a_code(c, cx.trial))
    {
        warn(
            Severity::Error,
            WarningCode::ContactDetail,
            contact,
            "a phone number or e-mail address; pages carry none".into(),
        );
    }
    let (readability, counted) = crate::readability::read(text);
    let words = readability.words;
    if words > max_words(section) {
        warn(
            Severity::Error,
            WarningCode::SectionTooLong,
            "",
            format!("{words} words; at most {} here", max_words(section)),
        );
    }
    for (sentence, n) in counted {
        if n > MAX_SENTENCE_WORDS {
            warn(
                Severity::Warn,
                WarningCode::LongSentence,
                sentence,
                format!("{n} words; keep sentences under {MAX_SENTENCE_WORDS}"),
            );
        }
    }
    for hit in lexicon.jargon_phrases.hits(lower) {
        let (term, everyday) = &lexicon.jargon[hit.entry];
        // A term explained on the page ("a placebo, a look-alike…") is fine, in the lexicon's
        // words or in words of its own set beside it ("a placebo, a look-alike with nothing
        // active in it", where no medicine is tested).
        let beside = format!("{term}, a ");
        if !page.contains(&everyday.to_lowercase()) && !page.contains(&beside) {
            let excerpt = text.get(hit.at..hit.at + term.len()).unwrap_or(term);
            warn(
                Severity::Warn,
                WarningCode::Jargon,
                excerpt,
                format!("say “{everyday}”"),
            );
        }
    }
    readability
}
