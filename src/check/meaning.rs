//! Guards that check what a page means, not only its words, for every writer: it names what is
//! tested and the condition; its tense agrees with the trial's status (a withdrawn study says no
//! one took part, a recruiting one does not speak in the past); the active substance is not the
//! trial's title; no template markup, tags or placeholders; no section repeats another.
//!
//! The phrases are data, in `templates/lexicon/meaning.toml`; this module only finds them.

use super::results::unquoted;
use super::Context;
use crate::facts::{ConditionKind, Population, Progress};
use crate::lexicon::PhraseSet;
use crate::summary::{Severity, Warning, WarningCode};
use crate::write::Draft;
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};

/// A run of this many words found in two sections is one section repeating the other.
const SHINGLE: usize = 6;
/// The share of a section's word runs found in another that makes it a repeat.
const REPEAT_SHARE: f64 = 0.5;

#[derive(Deserialize)]
struct File {
    withdrawn: Withdrawn,
    upcoming: Upcoming,
    names: Names,
    placeholders: Placeholders,
}
#[derive(Deserialize)]
struct Withdrawn {
    says: Vec<String>,
    never: Vec<String>,
}
#[derive(Deserialize)]
struct Upcoming {
    never: Vec<String>,
}
#[derive(Deserialize)]
struct Names {
    empty: Vec<String>,
}
#[derive(Deserialize)]
struct Placeholders {
    words: Vec<String>,
}

/// `lexicon/meaning.toml`, compiled.
pub struct MeaningWords {
    withdrawn_says: PhraseSet,
    withdrawn_never: PhraseSet,
    upcoming_never: PhraseSet,
    empty: HashSet<String>,
    placeholders: PhraseSet,
}

impl MeaningWords {
    pub fn load(text: &str) -> Result<Self, crate::error::SetupError> {
        let file: File = toml::from_str(text).map_err(|e| crate::error::SetupError::Lexicon {
            file: "meaning.toml".into(),
            reason: e.to_string(),
        })?;
        let each = |v: Vec<String>| {
            let v: Vec<Vec<String>> = v.into_iter().map(|p| vec![p.to_lowercase()]).collect();
            PhraseSet::new(v.iter().map(|p| &p[..]))
        };
        Ok(MeaningWords {
            withdrawn_says: each(file.withdrawn.says),
            withdrawn_never: each(file.withdrawn.never),
            upcoming_never: each(file.upcoming.never),
            empty: file.names.empty.into_iter().collect(),
            placeholders: each(file.placeholders.words),
        })
    }
}

fn error(section: &str, code: WarningCode, excerpt: &str, message: String) -> Warning {
    Warning {
        severity: Severity::Error,
        code,
        section: section.to_owned(),
        excerpt: excerpt.to_owned(),
        message,
    }
}

/// The meaning guards on a whole draft.
pub fn guard(draft: &Draft, cx: &Context<'_>, out: &mut Vec<Warning>) {
    let words = cx.meaning;
    let found = draft.what_the_trial_found.as_deref().unwrap_or("");
    // The results section quotes registry titles (“…”): their words are the registry's.
    let titles = cx.facts.findings.as_ref().map(|f| &f.titles);
    let found_own = titles.map_or_else(|| found.to_owned(), |t| unquoted(found, t));
    let sections: [(&str, &str); 6] = [
        ("headline", &draft.headline),
        ("summary", &draft.summary),
        (
            "active_substance",
            draft.active_substance.as_deref().unwrap_or(""),
        ),
        ("what_this_could_lead_to", &draft.what_this_could_lead_to),
        ("what_could_go_wrong", &draft.what_could_go_wrong),
        ("what_the_trial_found", &found_own),
    ];
    for (section, text) in sections {
        if let Some(bit) = markup(text, words) {
            out.push(error(
                section,
                WarningCode::Markup,
                &bit,
                "template markup, a tag or a placeholder; a page is plain text".into(),
            ));
        }
    }
    repeats(&sections[1..], out);
    substance(draft, cx, out);
    subject(draft, cx, out);
    status(&sections, cx, out);
}

/// Template markup (`{{ }}`, `{% %}`), a tag (`<facts>`, `</p>`), a bracketed placeholder
/// (`[DRUG NAME]`) or a placeholder word: the first found.
fn markup(text: &str, words: &MeaningWords) -> Option<String> {
    if let Some(at) = text.find(['{', '}']) {
        return Some(text[at..].chars().take(20).collect());
    }
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let name = after.strip_prefix('/').unwrap_or(after);
        let len = name
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(name.len());
        if len > 0
            && name[..1].chars().all(|c| c.is_ascii_alphabetic())
            && name[len..].starts_with('>')
        {
            let end = open + 1 + (after.len() - name.len()) + len + 1;
            return Some(rest[open..end].to_owned());
        }
        rest = after;
    }
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inside = &after[..close];
        let letters = inside.chars().filter(char::is_ascii_alphabetic).count();
        if letters >= 2
            && inside
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c == ' ' || c.is_ascii_digit())
        {
            return Some(format!("[{inside}]"));
        }
        rest = after;
    }
    let lower = text.to_lowercase();
    words.placeholders.hits(&lower).first().map(|hit| {
        lower[hit.at..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned()
    })
}

/// Lower-case words of a text, letters and digits only.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A section whose word runs are mostly another's: the reader learns nothing new from it.
fn repeats(sections: &[(&str, &str)], out: &mut Vec<Warning>) {
    let runs: Vec<(&str, BTreeSet<Vec<String>>)> = sections
        .iter()
        .filter(|(name, _)| *name != "active_substance")
        .map(|(name, text)| {
            let w = words_of(text);
            (*name, w.windows(SHINGLE).map(<[String]>::to_vec).collect())
        })
        .collect();
    for (i, (later, mine)) in runs.iter().enumerate() {
        for (earlier, theirs) in &runs[..i] {
            let shared = mine.intersection(theirs).count();
            let fewer = mine.len().min(theirs.len());
            if fewer > 0 && shared as f64 >= REPEAT_SHARE * fewer as f64 {
                let excerpt = mine
                    .intersection(theirs)
                    .next()
                    .map(|w| w.join(" "))
                    .unwrap_or_default();
                out.push(error(
                    later,
                    WarningCode::RepeatedSection,
                    &excerpt,
                    format!("repeats {earlier}; each section says something of its own"),
                ));
            }
        }
    }
}

/// The active substance is what is given, never the trial's title.
fn substance(draft: &Draft, cx: &Context<'_>, out: &mut Vec<Warning>) {
    let Some(substance) = &draft.active_substance else {
        return;
    };
    let mine = words_of(substance);
    let trial = cx.trial;
    let is_title = [Some(&trial.title), trial.official_title.as_ref()]
        .into_iter()
        .flatten()
        .any(|title| {
            // The title, or most of it word for word: "a run of names" is not a title's share.
            let title = words_of(title);
            mine.len() * 4 >= title.len() * 3 && title.windows(mine.len()).any(|run| run == mine)
        });
    if is_title {
        out.push(error(
            "active_substance",
            WarningCode::TitleAsSubstance,
            substance,
            "the trial's title is not what it gives; say the substance".into(),
        ));
    }
}

/// Words of names that tell what a thing is: four letters or more, not an empty word.
fn telling<'a>(names: impl IntoIterator<Item = &'a str>, empty: &HashSet<String>) -> Vec<String> {
    names
        .into_iter()
        .flat_map(words_of)
        .filter(|w| w.chars().count() >= 4 && !empty.contains(w))
        .collect()
}

/// Whether a text names one of the telling words, or a word of the same stem ("vaccine",
/// "vaccines"; "asthma", "asthmatic").
fn names_any(text_words: &[String], telling: &[String]) -> bool {
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    let stems: HashSet<String> = telling.iter().map(|w| stem(w)).collect();
    text_words.iter().any(|w| stems.contains(&stem(w)))
}

/// The headline and summary name what is tested and the condition.
fn subject(draft: &Draft, cx: &Context<'_>, out: &mut Vec<Warning>) {
    let facts = cx.facts;
    let empty = &cx.meaning.empty;
    let text = words_of(&format!("{} {}", draft.headline, draft.summary));
    let tested = telling(
        facts
            .treatments
            .iter()
            .flat_map(|t| [t.value.name.as_str(), t.value.plain.as_str()])
            .chain(facts.active_substance.iter().map(|s| s.value.as_str())),
        empty,
    );
    if !tested.is_empty() && !names_any(&text, &tested) {
        out.push(error(
            "summary",
            WarningCode::MissingSubject,
            "",
            format!("names nothing of what is tested ({})", tested.join(", ")),
        ));
    }
    // An illness is named; a study of healthy volunteers, of a procedure or of side effects
    // names those instead, in words of its own.
    let healthy = matches!(
        facts.population.as_ref().map(|p| p.value),
        Some(Population::HealthyVolunteers)
    );
    let condition = telling(
        facts
            .conditions
            .iter()
            .filter(|c| c.value.kind == ConditionKind::Illness && !healthy)
            .flat_map(|c| [c.value.plain.as_str(), c.value.registered.as_str()]),
        empty,
    );
    if !condition.is_empty() && !names_any(&text, &condition) {
        out.push(error(
            "summary",
            WarningCode::MissingCondition,
            "",
            format!("names no condition of the trial ({})", condition.join(", ")),
        ));
    }
}

/// The page speaks as the trial's status allows.
fn status(sections: &[(&str, &str)], cx: &Context<'_>, out: &mut Vec<Warning>) {
    let words = cx.meaning;
    let progress = cx.facts.status.value;
    let never = match progress {
        Progress::Withdrawn => &words.withdrawn_never,
        Progress::NotYetRecruiting | Progress::Recruiting | Progress::ByInvitation => {
            &words.upcoming_never
        }
        _ => return,
    };
    for (section, text) in sections {
        let lower = text.to_lowercase();
        if let Some(hit) = never.hits(&lower).first() {
            let phrase: String = lower[hit.at..].chars().take(30).collect();
            out.push(error(
                section,
                WarningCode::StatusContradiction,
                phrase.trim(),
                format!("does not fit a trial whose status is {progress:?}"),
            ));
        }
    }
    if progress == Progress::Withdrawn {
        let page = sections
            .iter()
            .map(|(_, t)| t.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        if words.withdrawn_says.hits(&page).is_empty() {
            out.push(error(
                "summary",
                WarningCode::StatusContradiction,
                "",
                "a withdrawn study must say that it never started and no one took part".into(),
            ));
        }
    }
}
