//! Step 6, render: [`Summary`] → JSON, Markdown or an HTML fragment.
//!
//! JSON is the API's format (DESIGN.md, Output). Markdown (editors, snapshots) and HTML (a
//! fragment the website embeds) come from `templates/page.md.j2` and `templates/page.html.j2`;
//! the HTML template escapes every value, the Markdown one neutralises tags and links.

use crate::summary::{Severity, Summary};
use crate::templates::Templates;
use std::fmt::Write as _;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Markdown,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "unknown format {other:?}: use json, markdown or html"
            )),
        }
    }
}

pub fn render(
    summary: &Summary,
    format: Format,
    templates: &Templates,
) -> Result<String, minijinja::Error> {
    match format {
        // Compact: the API and batch files are read by programs. `laysum render` pretty-prints.
        Format::Json => Ok(serde_json::to_string(summary).expect("a Summary always serializes")),
        Format::Markdown => templates.render("page.md.j2", summary),
        Format::Html => templates.render("page.html.j2", summary),
    }
}

/// A stored page (the JSON a [`Summary`] gave, perhaps with a `history`) in the given format.
pub fn render_value(
    page: &serde_json::Value,
    format: Format,
    templates: &Templates,
) -> Result<String, minijinja::Error> {
    match format {
        Format::Json => Ok(page.to_string()),
        Format::Markdown => templates.render("page.md.j2", page),
        Format::Html => templates.render("page.html.j2", page),
    }
}

/// The quality report in a few lines, for snapshots and the terminal: grades, then each
/// warning with its place.
pub fn quality_text(summary: &Summary) -> String {
    let q = &summary.quality;
    let errors = q.errors().count();
    let mut out = format!(
        "quality: grade {:.1} · reading ease {:.1} · {} errors · {} warnings",
        q.grade_level,
        q.reading_ease,
        errors,
        q.warnings.len() - errors
    );
    for s in &q.sections {
        let _ = write!(
            out,
            "\n  {}: grade {:.1}, {} words",
            s.section, s.grade_level, s.words
        );
    }
    for w in &q.warnings {
        let severity = if w.severity == Severity::Error {
            "error"
        } else {
            "warn"
        };
        let code = serde_json::to_value(w.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = write!(
            out,
            "\n  {severity} {code} in {}: {} «{}»",
            w.section, w.message, w.excerpt
        );
    }
    if !q.missing.is_empty() {
        let _ = write!(out, "\n  missing: {}", q.missing.join(", "));
    }
    out
}
