//! Guards that check what a page means, not only its words, for every writer: it names what is
//! tested (or, for a study that gives nothing, says so) and the condition; its tense agrees with
//! the trial's status (a withdrawn study says no one took part, a recruiting one does not speak
//! in the past, a finished one does not speak of people still to join); the active substance is not the
//! trial's title; no template markup, tags or placeholders; no section repeats another.
//!
//! The phrases are data, in `templates/lexicon/meaning.toml`; this module only finds them.

use super::results::unquoted;
use super::Context;
use crate::facts::{ConditionKind, Population, Progress, StudyKind};
use crate::lexicon::PhraseSet;
use crate::summary::{Severity, Warning, WarningCode};
use crate::write::Draft;
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Deserialize)]
struct File {
    withdrawn: Withdrawn,
    upcoming: Upcoming,
    finished: Upcoming,
    nothing_given: NothingGiven,
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
struct NothingGiven {
    says: Vec<String>,
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
    finished_never: PhraseSet,
    nothing_given: PhraseSet,
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
            finished_never: each(file.finished.never),
            nothing_given: each(file.nothing_given.says),
            empty: file.names.empty.into_iter().collect(),
            placeholders: each(file.placeholders.words),
        })
    }
}

pub(super) fn error(section: &str, code: WarningCode, excerpt: &str, message: String) -> Warning {
    Warning {
        severity: Severity::Error,
        code,
        section: section.to_owned(),
        excerpt: excerpt.to_owned(),
        message,
    }
}

/// A draft's sections in lower case, as the check step has them already.
pub struct Lowered<'a> {
    pub headline: &'a str,
    pub summary: &'a str,
    pub active_substance: &'a str,
    pub what_this_could_lead_to: &'a str,
    pub what_could_go_wrong: &'a str,
}

/// The meaning guards on a whole draft.
pub fn guard(draft: &Draft, lowered: &Lowered<'_>, cx: &Context<'_>, out: &mut Vec<Warning>) {
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
    // Lower case, for the phrase searches of both the markup and the status guards.
    let lower: [&str; 6] = [
        lowered.headline,
        lowered.summary,
        lowered.active_substance,
        lowered.what_this_could_lead_to,
        lowered.what_could_go_wrong,
        &found_own.to_lowercase(),
    ];
    for ((section, text), lower) in sections.iter().zip(lower) {
        if let Some(bit) = markup(text, lower, words) {
            out.push(error(
                section,
                WarningCode::Markup,
                &bit,
                "template markup, a tag or a placeholder; a page is plain text".into(),
            ));
        }
    }
    super::repeats::repeats(&sections[1..], &names_of(cx), out);
    substance(draft, cx, out);
    subject(draft, cx, out);
    status(&sections, &lower, cx, out);
}

/// Template markup (`{{ }}`, `{% %}`), a tag (`<facts>`, `</p>`), a bracketed placeholder
/// (`[DRUG NAME]`) or a placeholder word: the first found.
fn markup(text: &str, lower: &str, words: &MeaningWords) -> Option<String> {
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
    words.placeholders.hits(lower).first().map(|hit| {
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

/// The trial's names of two words or more, longest first.
fn names_of(cx: &Context<'_>) -> Vec<Vec<String>> {
    let facts = cx.facts;
    let mut names: Vec<Vec<String>> = facts
        .treatments
        .iter()
        .chain(&facts.comparators)
        .chain(&facts.background)
        .flat_map(|t| [t.value.name.as_str(), t.value.plain.as_str()])
        .chain(facts.active_substance.iter().map(|s| s.value.as_str()))
        .chain(
            facts
                .conditions
                .iter()
                .flat_map(|c| [c.value.plain.as_str(), c.value.registered.as_str()]),
        )
        .map(words_of)
        .filter(|w| w.len() >= 2)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    names
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
    // An observational study with nothing to name says that it gives nothing.
    let gives_nothing = facts.kind.value == StudyKind::Observational
        && facts.treatments.is_empty()
        && facts.active_substance.is_none();
    if gives_nothing
        && !cx
            .meaning
            .nothing_given
            .any(&format!("{} {}", draft.headline, draft.summary).to_lowercase())
    {
        out.push(error(
            "summary",
            WarningCode::MissingSubject,
            "",
            "an observational study that gives no treatment must say so".into(),
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
fn status(sections: &[(&str, &str)], lower: &[&str], cx: &Context<'_>, out: &mut Vec<Warning>) {
    let words = cx.meaning;
    let progress = cx.facts.status.value;
    let never = match progress {
        Progress::Withdrawn => &words.withdrawn_never,
        Progress::NotYetRecruiting | Progress::Recruiting | Progress::ByInvitation => {
            &words.upcoming_never
        }
        Progress::Completed | Progress::StoppedEarly => &words.finished_never,
        _ => return,
    };
    for ((section, _), lower) in sections.iter().zip(lower) {
        if let Some(hit) = never.hits(lower).first() {
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
        let page = lower.join(" ");
        if !words.withdrawn_says.any(&page) {
            out.push(error(
                "summary",
                WarningCode::StatusContradiction,
                "",
                "a withdrawn study must say that it never started and no one took part".into(),
            ));
        }
    }
}
