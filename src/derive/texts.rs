//! The record's titles, brief summary and description in lower case, with their fields. Many
//! readings look for phrases in them (blinding, clusters, dose levels, interactions, relapsed
//! illness, prevention, the kind of an illness, healthy volunteers): each text is lowered once
//! a page, and the description, the longest, only when a reading asks for it.

use super::{BRIEF_SUMMARY, DESCRIPTION, MODEL_DESCRIPTION, OFFICIAL_TITLE, TITLE};
use crate::facts::Fact;
use crate::lexicon::PhraseList;
use crate::trial::Trial;
use std::cell::OnceCell;

pub(super) struct Texts<'a> {
    pub title: String,
    pub official_title: Option<String>,
    pub brief_summary: Option<String>,
    description: OnceCell<Option<String>>,
    model_description: OnceCell<Option<String>>,
    trial: &'a Trial,
}

/// How far a reading looks: the titles, the brief summary too, or the description as well.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    Summary,
    Description,
}

impl<'a> Texts<'a> {
    pub fn of(trial: &'a Trial) -> Self {
        Texts {
            title: trial.title.to_lowercase(),
            official_title: trial.official_title.as_deref().map(str::to_lowercase),
            brief_summary: trial.brief_summary.as_deref().map(str::to_lowercase),
            description: OnceCell::new(),
            model_description: OnceCell::new(),
            trial,
        }
    }

    /// The brief and the official title, with their fields.
    pub fn titles(&self) -> impl Iterator<Item = (&str, &'static str)> {
        std::iter::once((self.title.as_str(), TITLE))
            .chain(self.official_title.as_deref().map(|t| (t, OFFICIAL_TITLE)))
    }

    /// The record's own text, as written, at the field of one of these texts: a fact's
    /// source quotes the registry, not its lower case.
    pub fn as_written(&self, field: &str) -> &'a str {
        let trial = self.trial;
        match field {
            TITLE => &trial.title,
            OFFICIAL_TITLE => trial.official_title.as_deref().unwrap_or(""),
            BRIEF_SUMMARY => trial.brief_summary.as_deref().unwrap_or(""),
            MODEL_DESCRIPTION => trial.model_description.as_deref().unwrap_or(""),
            _ => trial.description.as_deref().unwrap_or(""),
        }
    }

    fn description(&self) -> Option<&str> {
        self.description
            .get_or_init(|| self.trial.description.as_deref().map(str::to_lowercase))
            .as_deref()
    }

    fn model_description(&self) -> Option<&str> {
        self.model_description
            .get_or_init(|| {
                self.trial
                    .model_description
                    .as_deref()
                    .map(str::to_lowercase)
            })
            .as_deref()
    }

    /// The first of the titles, the brief summary and (with [`Reach::Description`]) the
    /// description and the design's own description that holds one of the phrases, as a fact
    /// with its field.
    pub fn first_marked(&self, phrases: &PhraseList, reach: Reach) -> Option<Fact<bool>> {
        let marked = |text: &str| phrases.marks(text);
        self.titles()
            .chain(self.brief_summary.as_deref().map(|t| (t, BRIEF_SUMMARY)))
            .find(|(text, _)| marked(text))
            .or_else(|| {
                (reach == Reach::Description)
                    .then(|| {
                        let description = self.description().map(|t| (t, DESCRIPTION));
                        let model = || self.model_description().map(|t| (t, MODEL_DESCRIPTION));
                        description
                            .filter(|(text, _)| marked(text))
                            .or_else(|| model().filter(|(text, _)| marked(text)))
                    })
                    .flatten()
            })
            .map(|(_, field)| Fact::new(true, field))
    }
}
