//! The wording files: templates, lexicons and disclaimers, embedded at build time.
//!
//! Everything a reader sees is in `templates/` (and, for the LLM writer, `prompts/`). This
//! module compiles the templates once into a minijinja environment with the few filters they
//! use, and computes the generator version: a hash of every wording file, so a published page
//! can be traced to the exact words that made it.

use crate::error::SetupError;
use crate::lexicon::Lexicon;
use minijinja::{AutoEscape, Environment, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Every file under `templates/`, as `(path relative to templates/, contents)`.
pub fn template_files() -> &'static [(&'static str, &'static str)] {
    embedded::TEMPLATES
}

/// Every file under `prompts/`.
pub fn prompt_files() -> &'static [(&'static str, &'static str)] {
    embedded::PROMPTS
}

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load(lexicon: Arc<Lexicon>) -> Result<Self, SetupError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.contains(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_filter("count", move |n: i64| -> String {
            match usize::try_from(n)
                .ok()
                .and_then(|i| lexicon.number_words.get(i))
            {
                Some(word) => word.clone(),
                None => {
                    u64::try_from(n).map_or_else(|_| n.to_string(), crate::derive::with_separators)
                }
            }
        });
        env.add_filter("upper_first", |s: String| upper_first(&s));
        // A count as digits, with separators from 1,000: results keep their digits so that
        // each can be read back from its field.
        env.add_filter("digits", |n: u64| crate::derive::with_separators(n));
        // Word-free helpers that every page calls many times: as functions they cost a tenth of
        // a macro call. The words stay in the templates, passed as arguments.
        env.add_function("by_tense", by_tense);
        env.add_function("and_list", and_list);
        env.add_filter("values", values);
        env.add_filter("of_kind", of_kind);
        env.add_filter("md", |s: Value| markdown_escape(&s.to_string()));
        env.add_filter("date_parts", date_parts);
        for (name, source) in template_files().iter().chain(prompt_files()) {
            if name.ends_with(".j2") {
                env.add_template(name, source)
                    .map_err(|e| SetupError::Template {
                        name: (*name).to_owned(),
                        reason: format!("{e:#}"),
                    })?;
            }
        }
        Ok(Templates { env })
    }

    pub fn render(
        &self,
        name: &str,
        ctx: impl serde::Serialize,
    ) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }

    /// Runs a template for the values it sets rather than for its output: every top-level
    /// `{% set name %}…{% endset %}` comes back as `name → text`.
    pub fn evaluate(
        &self,
        name: &str,
        ctx: impl serde::Serialize,
    ) -> Result<std::collections::HashMap<String, String>, minijinja::Error> {
        let captured = self.env.get_template(name)?.render_captured(ctx)?;
        let state = captured.state();
        Ok(state
            .exports()
            .into_iter()
            .filter_map(|name| {
                let value = state.lookup(name)?;
                (value.kind() == minijinja::value::ValueKind::String)
                    .then(|| (name.to_owned(), value.to_string()))
            })
            .collect())
    }
}

/// The text of a wording file.
pub fn file(name: &str) -> Option<&'static str> {
    template_files()
        .iter()
        .chain(prompt_files())
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// A short hash of every wording file, names included. The editors' page (`editor/`) makes no
/// page text, so a change to it does not change the version of every page.
pub fn version() -> String {
    let mut hash = Sha256::new();
    let wording = template_files()
        .iter()
        .chain(prompt_files())
        .filter(|(name, _)| !name.starts_with("editor/"));
    for (name, text) in wording {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(text.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// The wording, of four given, for a tense: `future`, `present`, `past`, anything else planned.
fn by_tense(tense: &str, future: Value, present: Value, past: Value, planned: Value) -> Value {
    match tense {
        "future" => future,
        "present" => present,
        "past" => past,
        _ => planned,
    }
}

/// "a", "a and b", "a, b and c"; four or more become "a, b and `more`".
fn and_list(items: Vec<String>, and: &str, more: &str) -> String {
    match items.as_slice() {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} {and} {b}"),
        [a, b, c] => format!("{a}, {b} {and} {c}"),
        [a, b, ..] => format!("{a}, {b} {and} {more}"),
    }
}

/// `facts|values("plain")`: the `value.plain` of each fact of a list (`value` itself without
/// an attribute name). A helper for lists of [`crate::facts::Fact`]s.
fn values(facts: Value, attr: Option<&str>) -> Result<Value, minijinja::Error> {
    let mut out = Vec::new();
    for fact in facts.try_iter()? {
        let value = fact.get_attr("value")?;
        out.push(match attr {
            Some(attr) => value.get_attr(attr)?,
            None => value,
        });
    }
    Ok(Value::from(out))
}

/// `facts|of_kind("illness")`: the facts of a list whose `value.kind` is the kind given.
fn of_kind(facts: Value, kind: &str) -> Result<Value, minijinja::Error> {
    let mut out = Vec::new();
    for fact in facts.try_iter()? {
        if fact.get_attr("value")?.get_attr("kind")?.as_str() == Some(kind) {
            out.push(fact);
        }
    }
    Ok(Value::from(out))
}

/// `"2026-06-25"` or `"2026-06-25T14:03:07Z"` → `[2026, 6, 25]`, for a template to say the date in
/// its own words; `none` for anything else.
fn date_parts(text: &str) -> Option<Vec<u32>> {
    let date = text.get(..10)?;
    let mut parts = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| vec![y, m, d])
}

pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Registry text made inert in Markdown: no HTML tags, no links, no escapes of its own.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_list_names_three_then_sums_up_the_rest() {
        let list = |items: &[&str]| {
            and_list(
                items.iter().map(|s| s.to_string()).collect(),
                "and",
                "other treatments",
            )
        };
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a pill"]), "a pill");
        assert_eq!(list(&["a pill", "a shot"]), "a pill and a shot");
        assert_eq!(
            list(&["a pill", "a shot", "a drip"]),
            "a pill, a shot and a drip"
        );
        assert_eq!(
            list(&["a pill", "a shot", "a drip", "a cream"]),
            "a pill, a shot and other treatments"
        );
    }

    #[test]
    fn fact_lists_give_their_values_and_keep_a_kind() {
        let facts = Value::from_serialize(serde_json::json!([
            {"value": {"plain": "asthma", "kind": "illness"}, "field": "a"},
            {"value": {"plain": "surgery", "kind": "procedure"}, "field": "b"},
            {"value": {"plain": "eczema", "kind": "illness"}, "field": "c"},
        ]));
        let plain = values(facts.clone(), Some("plain")).unwrap();
        assert_eq!(plain.to_string(), r#"["asthma", "surgery", "eczema"]"#);
        let ill = of_kind(facts.clone(), "illness").unwrap();
        assert_eq!(
            values(ill, Some("plain")).unwrap().to_string(),
            r#"["asthma", "eczema"]"#
        );
        assert_eq!(of_kind(facts, "healthy").unwrap().len(), Some(0));
        assert!(values(Value::from(3), None).is_err(), "a number is no list");
    }

    #[test]
    fn dates_split_into_their_parts() {
        assert_eq!(date_parts("2026-06-25T14:03:07Z"), Some(vec![2026, 6, 25]));
        assert_eq!(date_parts("2026-06-27"), Some(vec![2026, 6, 27]));
        assert_eq!(date_parts("2026-06"), None);
        assert_eq!(date_parts("2026-13-01"), None);
    }

    #[test]
    fn by_tense_picks_the_wording_of_the_tense() {
        let pick = |tense| {
            by_tense(
                tense,
                "will".into(),
                "is".into(),
                "was".into(),
                "was to be".into(),
            )
            .to_string()
        };
        assert_eq!(pick("future"), "will");
        assert_eq!(pick("present"), "is");
        assert_eq!(pick("past"), "was");
        assert_eq!(pick("planned"), "was to be");
    }
}
