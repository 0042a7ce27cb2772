//! The errors of each boundary, one enum per boundary.

use thiserror::Error;

/// Why bytes are not a study record.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ParseError {
    #[error("not JSON at line {line} column {column}: {reason}")]
    NotJson {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("not a study: the record is {found}, not a JSON object")]
    NotAnObject { found: &'static str },
    #[error("not a study: no protocolSection")]
    NoProtocolSection,
    #[error("no NCT id at {field}")]
    NoNctId { field: &'static str },
    #[error("not a study: {0}")]
    Shape(String),
}

impl ParseError {
    pub(crate) fn from_json(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => {
                // serde_json appends " at line L column C" to its own message; we say it first.
                let reason = e.to_string();
                let reason = reason
                    .rsplit_once(" at line ")
                    .map_or(reason.as_str(), |(r, _)| r)
                    .to_owned();
                ParseError::NotJson {
                    line: e.line(),
                    column: e.column(),
                    reason,
                }
            }
            Category::Data => ParseError::Shape(e.to_string()),
        }
    }
}

/// Why a page could not be made from a study that parsed.
#[derive(Debug, Error)]
pub enum PageError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A template or lexicon is broken: a bug of ours, never of the record.
    #[error("template {name} failed: {reason}")]
    Template { name: String, reason: String },
}

impl From<minijinja::Error> for PageError {
    fn from(e: minijinja::Error) -> Self {
        PageError::Template {
            name: e.name().unwrap_or("?").to_owned(),
            reason: format!("{e:#}"),
        }
    }
}

/// Why the templates or lexicons could not be loaded at start-up.
#[derive(Debug, Error)]
pub enum SetupError {
    #[error("lexicon {file} is not valid: {reason}")]
    Lexicon { file: String, reason: String },
    #[error("template {name} does not compile: {reason}")]
    Template { name: String, reason: String },
}
