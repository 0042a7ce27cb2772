//! Step 4, write: [`Facts`] → [`Draft`], the section texts.
//!
//! The `rules` writer fills the templates of `templates/sections/` with the facts and nothing
//! else; it is deterministic and the publish path. Whatever wrote a draft, it goes through
//! [`crate::check`] next.

use crate::facts::Facts;
use crate::templates::Templates;
use serde::Serialize;

/// The texts a writer produces. Disclaimers are not among them: code adds those.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Draft {
    pub headline: String,
    pub summary: String,
    pub active_substance: Option<String>,
    pub what_this_could_lead_to: String,
    pub what_could_go_wrong: String,
    /// What a trial with posted results found; `None` without results.
    pub what_the_trial_found: Option<String>,
}

/// Writes the sections from the facts with the templates, all in one pass of
/// `sections/_all.j2`: each section is a value set there, read back by its name.
pub fn write_rules(facts: &Facts, templates: &Templates) -> Result<Draft, minijinja::Error> {
    let sections = templates.evaluate("sections/_all.j2", facts)?;
    let section = |name: &str| -> Result<String, minijinja::Error> {
        match sections.get(name) {
            Some(text) => Ok(tidy(text)),
            None => Err(minijinja::Error::new(
                minijinja::ErrorKind::UndefinedError,
                format!("sections/_all.j2 sets no section {name:?}"),
            )),
        }
    };
    let active_substance = section("active_substance")?;
    Ok(Draft {
        headline: section("headline")?,
        summary: section("summary")?,
        active_substance: (!active_substance.is_empty()).then_some(active_substance),
        what_this_could_lead_to: section("what_this_could_lead_to")?,
        what_could_go_wrong: section("what_could_go_wrong")?,
        what_the_trial_found: match facts.findings.is_some() {
            true => Some(section("what_the_trial_found")?),
            false => None,
        },
    })
}

/// Templates are laid out for people to read; the text they make is folded to single spaces,
/// with no space before punctuation.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        // Punctuation that stands alone joins the word before it; ",," and ",." collapse.
        let joins = matches!(word.as_bytes()[0], b',' | b'.');
        if !out.is_empty() && !joins {
            out.push(' ');
        }
        if !word.bytes().any(|b| b == b',' || b == b'.') {
            out.push_str(word);
            continue;
        }
        for c in word.chars() {
            if c == '.' && out.ends_with(',') {
                out.pop();
            } else if c == ',' && out.ends_with(',') {
                continue;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_layout_folds_to_clean_text() {
        assert_eq!(
            tidy("  This trial\n   tests it .  It is ,  small. "),
            "This trial tests it. It is, small."
        );
    }
}
