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

/// Writes the sections from the facts with the templates.
pub fn write_rules(facts: &Facts, templates: &Templates) -> Result<Draft, minijinja::Error> {
    // The facts become a template value once, not once per section.
    let facts = minijinja::Value::from_serialize(facts);
    let section = |template: &str| -> Result<String, minijinja::Error> {
        Ok(tidy(&templates.render(template, &facts)?))
    };
    let active_substance = section("sections/active_substance.j2")?;
    Ok(Draft {
        headline: section("sections/headline.j2")?,
        summary: section("sections/summary.j2")?,
        active_substance: (!active_substance.is_empty()).then_some(active_substance),
        what_this_could_lead_to: section("sections/what_this_could_lead_to.j2")?,
        what_could_go_wrong: section("sections/what_could_go_wrong.j2")?,
        what_the_trial_found: match facts.get_attr("findings")?.is_none() {
            true => None,
            false => Some(section("sections/what_the_trial_found.j2")?),
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
