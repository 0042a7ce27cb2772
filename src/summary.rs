//! [`Summary`]: the finished page, as the JSON API returns it (DESIGN.md, Output).
//!
//! A `Summary` only comes out of [`crate::check`], which adds the disclaimers; so a value of
//! this type always carries them.

use crate::facts::{Role, Source};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub nct_id: String,
    pub headline: String,
    pub sections: Sections,
    /// Every intervention of the record with its role: what is tested, what everyone gets,
    /// what it is compared with, and what only measures.
    pub interventions: Vec<Intervention>,
    pub disclaimers: Vec<Disclaimer>,
    pub conditions: Conditions,
    pub sites: Vec<Site>,
    pub source: SourceInfo,
    pub generator: Generator,
    pub quality: Quality,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sections {
    pub summary: String,
    /// `None` when nothing is given to participants.
    pub active_substance: Option<String>,
    pub what_this_could_lead_to: String,
    pub what_could_go_wrong: String,
    /// What a trial with posted results found: who took part, the main result by group, the
    /// medical problems. `None` when the record has no results section.
    pub what_the_trial_found: Option<String>,
}

/// An intervention as the page reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Intervention {
    /// As registered.
    pub name: String,
    /// In plain words.
    pub plain: String,
    /// The registry's type: DRUG, DEVICE, DIETARY_SUPPLEMENT…
    #[serde(rename = "type")]
    pub kind: String,
    pub role: Role,
    /// The labels of the arms that get it.
    pub arms: Vec<String>,
    /// The registry field it was read from.
    pub field: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Disclaimer {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conditions {
    pub plain: Vec<String>,
    pub as_registered: Vec<String>,
}

/// A site as published: never a contact name, phone or e-mail.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Site {
    /// `null` when the record names only the city or country.
    pub facility: Option<String>,
    pub status: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceInfo {
    pub url: String,
    pub last_update: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Generator {
    pub writer: String,
    /// Hash of the templates, lexicons and prompts that wrote the page.
    pub version: String,
    pub model: Option<String>,
    /// The writer that was asked first, when its draft could not stand (e.g. `llm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_from: Option<String>,
    /// Why that writer's draft was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Generator {
    pub fn rules(version: &str) -> Self {
        Generator {
            writer: "rules".into(),
            version: version.to_owned(),
            model: None,
            fallback_from: None,
            reason: None,
        }
    }

    pub fn llm(version: &str, model: &str) -> Self {
        Generator {
            writer: "llm".into(),
            model: Some(model.to_owned()),
            ..Generator::rules(version)
        }
    }

    /// A rules page made because `from`'s draft could not stand.
    pub fn fallback(version: &str, from: &str, reason: String) -> Self {
        Generator {
            fallback_from: Some(from.to_owned()),
            reason: Some(reason),
            ..Generator::rules(version)
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Quality {
    /// Flesch–Kincaid grade of the three main sections together.
    pub grade_level: f64,
    /// Flesch reading ease of the three main sections together.
    pub reading_ease: f64,
    pub warnings: Vec<Warning>,
    pub facts: Vec<Source>,
    pub sections: Vec<SectionQuality>,
    /// Registry fields the record lacks that a page would use.
    pub missing: Vec<String>,
}

impl Quality {
    pub fn errors(&self) -> impl Iterator<Item = &Warning> {
        self.warnings
            .iter()
            .filter(|w| w.severity == Severity::Error)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionQuality {
    pub section: String,
    pub grade_level: f64,
    pub reading_ease: f64,
    pub words: usize,
    pub sentences: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A hard rule is broken: the page must not be published as it is.
    Error,
    Warn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    MissingSection,
    /// A "what the trial found" for a record that has no results: nothing can stand behind it.
    FindingsWithoutResults,
    ForbiddenClaim,
    UntracedNumber,
    ContactDetail,
    SectionTooLong,
    LongSentence,
    Jargon,
    HardToRead,
    /// "What the trial found" judges a result ("worked", "effective", "better").
    JudgingWord,
    /// A p-value, confidence interval or ratio in the text of "what the trial found".
    Statistic,
    /// "N of M" where M is not the denominator of N's own group and kind.
    WrongDenominator,
    /// Template markup, a tag or a placeholder left in the text.
    Markup,
    /// A section that mostly repeats another.
    RepeatedSection,
    /// The trial's title given as the active substance.
    TitleAsSubstance,
    /// The headline and summary name nothing of what is tested.
    MissingSubject,
    /// The headline and summary name no condition of the trial.
    MissingCondition,
    /// Words that contradict the trial's status: a withdrawn study going on, a recruiting one
    /// speaking of results.
    StatusContradiction,
}

/// One finding of the check step, with the place it concerns.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Warning {
    pub severity: Severity,
    pub code: WarningCode,
    /// `headline`, `summary`, `what_this_could_lead_to`, `what_could_go_wrong`.
    pub section: String,
    /// The words concerned, as they stand in the section.
    pub excerpt: String,
    pub message: String,
}
