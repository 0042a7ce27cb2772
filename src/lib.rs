//! laysum turns a ClinicalTrials.gov study record into a plain-language page a patient can
//! read: a headline, a summary, the active substance, what the trial could lead to and what
//! could go wrong, the conditions and sites, always with the required disclaimers.
//!
//! # Layout
//!
//! The pipeline runs in one direction; each step is a pure function, I/O stays at the ends:
//!
//! - [`parse`] — bytes → [`ctgov::Study`], the registry's format, read leniently.
//! - [`normalize`] — `Study` → [`Trial`], the one domain type.
//! - [`derive`] — `Trial` → [`Facts`], plain-language facts, each with its source field.
//! - [`write`] — `Facts` → [`write::Draft`], the section texts, from `templates/`; or
//!   [`llm`], the same from a model prompted with `prompts/`, checked and with a fallback.
//! - [`check`] — `Draft` → [`Summary`]: guards, readability, disclaimers.
//! - [`render`] — `Summary` → JSON, Markdown or HTML.
//!
//! Beside them: [`lexicon`] and [`templates`] load the wording files once; [`batch`] renders
//! every study of a folder or a registry download (array, API page, JSON Lines, zip) in
//! parallel, streaming; [`ctgov::fetch`] downloads a query's studies page by page;
//! [`server`] is the HTTP service over the pipeline, with [`ctgov::client`] fetching records
//! from the registry and [`llm::client`] talking to a model, all retrying by [`retry`];
//! [`error`] holds the error types of each boundary.
//! [`Pipeline`] ties the steps together and is what the CLI calls.

pub mod batch;
pub mod check;
pub mod ctgov;
pub mod derive;
pub mod error;
pub mod facts;
pub mod gold;
pub mod lexicon;
pub mod llm;
pub mod normalize;
pub mod parse;
pub mod readability;
pub mod render;
pub mod retry;
pub mod review;
pub mod server;
pub mod store;
pub mod summary;
pub mod sync;
pub mod templates;
pub mod trial;
pub mod write;

pub use error::{PageError, ParseError, SetupError};
pub use facts::Facts;
pub use render::Format;
pub use summary::Summary;
pub use trial::Trial;

use check::Disclaimers;
use lexicon::Lexicon;
use std::sync::Arc;
use summary::Generator;
use templates::Templates;

/// Which writer writes the sections of a page.
#[derive(Clone, Copy)]
pub enum Writer<'a> {
    /// Templates and lexicons: deterministic, the default and the publish path.
    Rules,
    /// A model, guarded, with the rules draft as fallback.
    Llm(&'a llm::LlmWriter),
}

/// The pipeline with its wording loaded: build one at start-up and share it.
pub struct Pipeline {
    lexicon: Arc<Lexicon>,
    templates: Templates,
    disclaimers: Disclaimers,
    meaning: check::MeaningWords,
    version: String,
}

impl Pipeline {
    /// Loads the lexicons, templates and disclaimers built into the binary.
    pub fn new() -> Result<Self, SetupError> {
        let files = templates::template_files();
        let lexicon = Arc::new(Lexicon::load(files)?);
        let disclaimers =
            Disclaimers::load(templates::file("disclaimers.toml").unwrap_or_default())?;
        let meaning =
            check::MeaningWords::load(templates::file("lexicon/meaning.toml").unwrap_or_default())?;
        Ok(Pipeline {
            templates: Templates::load(lexicon.clone())?,
            lexicon,
            disclaimers,
            meaning,
            version: templates::version(),
        })
    }

    /// Hash of the wording files this pipeline writes with.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Parses and normalizes a record.
    pub fn trial(&self, bytes: &[u8]) -> Result<Trial, ParseError> {
        parse::parse(bytes).map(normalize::normalize)
    }

    /// Derives the facts of a trial.
    pub fn facts(&self, trial: &Trial) -> Facts {
        derive::derive(trial, &self.lexicon)
    }

    /// The rules writer's draft.
    pub fn draft_rules(&self, facts: &Facts) -> Result<write::Draft, PageError> {
        Ok(write::write_rules(facts, &self.templates)?)
    }

    /// A record → its checked page, written by the rules writer.
    pub fn summarize(&self, bytes: &[u8]) -> Result<Summary, PageError> {
        let trial = self.trial(bytes)?;
        let facts = self.facts(&trial);
        let draft = self.draft_rules(&facts)?;
        Ok(self.check(draft, &facts, &trial, Generator::rules(&self.version)))
    }

    /// A record → its checked page, written by the given writer.
    pub async fn summarize_with(
        &self,
        bytes: &[u8],
        writer: Writer<'_>,
    ) -> Result<Summary, PageError> {
        match writer {
            Writer::Rules => self.summarize(bytes),
            Writer::Llm(llm) => {
                let trial = self.trial(bytes)?;
                let facts = self.facts(&trial);
                llm.summarize(self, &trial, &facts).await
            }
        }
    }

    /// Runs the guards on a draft, whichever writer made it, and makes the page.
    pub fn check(
        &self,
        draft: write::Draft,
        facts: &Facts,
        trial: &Trial,
        generator: Generator,
    ) -> Summary {
        check::check(
            draft,
            check::Context {
                facts,
                trial,
                lexicon: &self.lexicon,
                disclaimers: &self.disclaimers,
                meaning: &self.meaning,
                generator,
            },
        )
    }

    pub(crate) fn templates(&self) -> &Templates {
        &self.templates
    }

    pub(crate) fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// A page in the given format.
    pub fn render(&self, summary: &Summary, format: Format) -> Result<String, PageError> {
        Ok(render::render(summary, format, &self.templates)?)
    }

    /// A record → its page in the given format, written by the given writer.
    pub async fn page_with(
        &self,
        bytes: &[u8],
        format: Format,
        writer: Writer<'_>,
    ) -> Result<(Summary, String), PageError> {
        let summary = self.summarize_with(bytes, writer).await?;
        let text = self.render(&summary, format)?;
        Ok((summary, text))
    }

    /// A record → its page in the given format.
    pub fn page(&self, bytes: &[u8], format: Format) -> Result<(Summary, String), PageError> {
        let summary = self.summarize(bytes)?;
        let text = self.render(&summary, format)?;
        Ok((summary, text))
    }
}
