//! Plain names for the conditions a trial is about, in a patient's words.
//!
//! A registered term is looked up in the conditions lexicon; one it does not know is read in
//! small steps before the lexicon is asked again: a staging list folds into its disease ("Stage
//! IIIA Lung Cancer AJCC v8" → lung cancer), MeSH's inverted order turns round ("Rhinitis,
//! Allergic, Perennial" → perennial allergic rhinitis), shouting capitals and a trailing
//! abbreviation in brackets go. A procedure or healthy volunteers registered as the condition
//! are said as such; design words typed as conditions are dropped. Where a term is still
//! unknown, the MeSH terms the registry matched speak for it.

use super::interventions::plain_name;
use super::texts::Texts;
use super::TITLE;
use crate::facts::*;
use crate::lexicon::{contains_phrase, parts_of_longer, ConditionWords, Lexicon};
use crate::trial::*;

/// What one registered term reads as.
#[derive(Debug, PartialEq)]
pub(super) enum Term {
    Known(String, ConditionKind),
    /// No condition at all: a design word or a population.
    NotACondition,
    /// Unknown to the lexicon: the term as read, in lower case where it shouted.
    Unknown(String),
}

/// Plain names for the conditions: each registered term as [`read_term`] reads it; where a
/// term is unknown, the MeSH terms the registry matched to the record; else the term as read.
pub(super) fn conditions(
    trial: &Trial,
    texts: &Texts,
    lexicon: &Lexicon,
    source: &mut impl FnMut(&str, &str),
) -> Vec<Fact<Condition>> {
    let mut out: Vec<Fact<Condition>> = Vec::new();
    // `said` is the registry's text at `field`: the registered term, or the MeSH term matched.
    let mut push = |plain: String,
                    kind: ConditionKind,
                    registered: &str,
                    said: &str,
                    field: String,
                    out: &mut Vec<Fact<Condition>>| {
        if !out.iter().any(|c| c.value.plain == plain) {
            source(said, &field);
            out.push(Fact::new(
                Condition {
                    plain,
                    registered: registered.to_owned(),
                    kind,
                },
                field,
            ));
        }
    };
    let mesh_plain: Vec<(usize, String, ConditionKind)> = trial
        .mesh_terms
        .iter()
        .enumerate()
        .filter_map(|(i, m)| match read_term(m, lexicon) {
            Term::Known(p, kind) => Some((i, p, kind)),
            _ => None,
        })
        .collect();
    let mut unknown = Vec::new();
    for (i, c) in trial.conditions.iter().enumerate() {
        let field = format!("protocolSection.conditionsModule.conditions[{i}]");
        match read_term(c, lexicon) {
            Term::Known(plain, kind) => push(plain, kind, c, c, field, &mut out),
            Term::NotACondition => {}
            Term::Unknown(read) => unknown.push((read, c, field)),
        }
    }
    for (read, c, field) in unknown {
        // The MeSH terms the registry matched that speak of this term: sharing a word with it
        // and not merely broader ("Hypertension" for "Pulmonary Arterial Hypertension").
        let related: Vec<&(usize, String, ConditionKind)> = mesh_plain
            .iter()
            .filter(|(m, _, _)| narrows_to(c, &trial.mesh_terms[*m]))
            .collect();
        if related.is_empty() {
            push(
                eponyms(&plain_name(&read), lexicon),
                ConditionKind::Illness,
                c,
                c,
                field,
                &mut out,
            );
        }
        for (m, plain, kind) in related {
            let mesh_field = format!("derivedSection.conditionBrowseModule.meshes[{m}].term");
            push(
                plain.clone(),
                *kind,
                c,
                &trial.mesh_terms[*m],
                mesh_field,
                &mut out,
            );
        }
    }
    // Every term was a design word: the MeSH terms are all there is; without them, the
    // conditions the title names ("… in Infants at High Risk of Developing Allergy").
    if out.is_empty() && mesh_plain.is_empty() {
        let mut hits = lexicon.condition_phrases.hits(&texts.title);
        // The longest name first: "allergic asthma" rather than "asthma".
        hits.sort_by_key(|h| std::cmp::Reverse(lexicon.condition_terms[h.entry].len()));
        for (term, plain) in named_in_title(&hits, lexicon) {
            push(
                plain.clone(),
                ConditionKind::Illness,
                term,
                &trial.title,
                TITLE.to_owned(),
                &mut out,
            );
        }
    }
    // Healthy people in the conditions and people with an illness in the title ("… in Men
    // With Erectile Dysfunction" registered as "Healthy Subjects(Only Men)", NCT01479426,
    // whose criteria ask for a low erectile function score): the title says whom it is for.
    if !out.is_empty() && out.iter().all(|c| c.value.kind == ConditionKind::Healthy) {
        let title = &texts.title;
        let after_with = |at: usize| title[..at].trim_end().ends_with(" with");
        let mut hits = lexicon.condition_phrases.hits(title);
        hits.retain(|h| after_with(h.at));
        let mut ill = Vec::new();
        for (term, plain) in named_in_title(&hits, lexicon) {
            push(
                plain.clone(),
                ConditionKind::Illness,
                term,
                &trial.title,
                TITLE.to_owned(),
                &mut ill,
            );
        }
        if !ill.is_empty() {
            out = ill;
        }
    }
    if out.is_empty() {
        for (m, plain, kind) in &mesh_plain {
            let mesh_field = format!("derivedSection.conditionBrowseModule.meshes[{m}].term");
            push(
                plain.clone(),
                *kind,
                &trial.mesh_terms[*m],
                &trial.mesh_terms[*m],
                mesh_field,
                &mut out,
            );
        }
    }
    kinds_from_titles(texts, lexicon, &mut out, source);
    drop_broader(&mut out);
    // A condition that covers many illnesses ("advanced solid tumors") comes first: the
    // headline names the first, and one of the cancers it covers would leave out the others.
    let covering = &lexicon.condition_words.covering;
    out.sort_by_key(|c| {
        let plain = c.value.plain.to_lowercase();
        !covering.iter().any(|w| contains_phrase(&plain, w))
    });
    out
}

/// The illnesses of the first two title hits the lexicon knows: each term with its plain name.
fn named_in_title<'l>(
    hits: &[crate::lexicon::Hit],
    lexicon: &'l Lexicon,
) -> Vec<(&'l String, &'l String)> {
    hits.iter()
        .take(2)
        .filter_map(|hit| {
            let term = &lexicon.condition_terms[hit.entry];
            lexicon.conditions.get(term).map(|plain| (term, plain))
        })
        .collect()
}

/// An illness whose plain name is part of another's is the broader word for it: "cancer"
/// beside "multiple myeloma (a blood cancer)" (NCT00066638, from the MeSH term "Neoplasms,
/// Plasma Cell"), "diabetes" beside "type 1 diabetes". Pages said "people with multiple
/// myeloma (a blood cancer) and cancer"; the narrower name says it all.
fn drop_broader(conditions: &mut Vec<Fact<Condition>>) {
    // Only illnesses are compared: an empty name is no part of anything.
    let names: Vec<String> = conditions
        .iter()
        .map(|c| match c.value.kind {
            ConditionKind::Illness => c.value.plain.to_lowercase(),
            _ => String::new(),
        })
        .collect();
    let mut parts = parts_of_longer(&names).into_iter();
    conditions.retain(|_| !parts.next().unwrap_or(false));
}

/// A kind of an illness the title puts right before its plain name ("Non-Allergic Asthma")
/// is kept in the name: the trial is for that kind only.
fn kinds_from_titles(
    texts: &Texts,
    lexicon: &Lexicon,
    out: &mut [Fact<Condition>],
    source: &mut impl FnMut(&str, &str),
) {
    let words = &lexicon.condition_words;
    // Most titles name no kind: no name to try then.
    let named = |title: &str| words.kinds.iter().any(|k| title.contains(k.as_str()));
    if !texts.titles().any(|(title, _)| named(title)) {
        return;
    }
    for condition in out.iter_mut() {
        let plain = &condition.value.plain;
        let found = texts.titles().find_map(|(title, field)| {
            words.kinds.iter().find_map(|kind| {
                let named = format!("{kind} {plain}");
                contains_phrase(title, &named).then_some((named, field))
            })
        });
        if let Some((named, field)) = found {
            source(texts.as_written(field), field);
            condition.value.plain = named;
        }
    }
}

/// Whether a MeSH term can speak for a registered term: it shares a word of substance with it
/// and is not only broader (all its words among the registered term's).
fn narrows_to(registered: &str, mesh: &str) -> bool {
    const GENERIC: [&str; 9] = [
        "disease",
        "diseases",
        "disorder",
        "disorders",
        "syndrome",
        "syndromes",
        "chronic",
        "acute",
        "type",
    ];
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4 && !GENERIC.contains(w))
            .map(str::to_owned)
            .collect()
    };
    let registered = words(registered);
    let mesh = words(mesh);
    let shared = mesh.iter().any(|w| registered.contains(w));
    let broader = mesh.iter().all(|w| registered.contains(w));
    shared && !broader
}

/// Names from people keep their capital: "still's disease" → "Still's disease", "ewing
/// sarcoma" → "Ewing sarcoma".
fn eponyms(plain: &str, lexicon: &Lexicon) -> String {
    plain
        .split(' ')
        .map(|w| {
            let bare = w.trim_end_matches("'s").trim_end_matches('’');
            if lexicon.condition_words.eponyms.iter().any(|e| e == bare) {
                crate::templates::upper_first(w)
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads one registered term: the lexicon's plain name, a procedure, healthy volunteers, side
/// effects, no condition, or the term cleaned and turned round when the lexicon does not know
/// it as it stands.
pub(super) fn read_term(term: &str, lexicon: &Lexicon) -> Term {
    // "- Egg Hypersensitivity": a list mark the registrant typed into the term.
    let term = term
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim();
    let lower = term.to_lowercase();
    if let Some(known) = lookup(&lower, lexicon) {
        return known;
    }
    let words = &lexicon.condition_words;
    let cleaned = unstage(&drop_bracketed_abbreviation(&lower), words);
    if let Some(known) = lookup(&cleaned, lexicon) {
        return known;
    }
    let turned = turn_round(&cleaned, words);
    if let Some(known) = lookup(&turned, lexicon) {
        return known;
    }
    // The first part of an inverted term may be known on its own ("Chronic Migraine, Headache").
    if let Some((first, _)) = cleaned.split_once(',') {
        if let Some(known) = lookup(first.trim(), lexicon) {
            return known;
        }
    }
    if turned.is_empty() {
        return Term::NotACondition;
    }
    Term::Unknown(unshout(term, &turned))
}

fn lookup(lower: &str, lexicon: &Lexicon) -> Option<Term> {
    let words = &lexicon.condition_words;
    if let Some(plain) = lexicon.conditions.get(lower) {
        return Some(Term::Known(plain.clone(), ConditionKind::Illness));
    }
    if let Some(plain) = words.procedures.get(lower) {
        return Some(Term::Known(plain.clone(), ConditionKind::Procedure));
    }
    if words.healthy.iter().any(|h| h == lower) {
        return Some(Term::Known(lower.to_owned(), ConditionKind::Healthy));
    }
    if words.safety.iter().any(|h| h == lower) {
        return Some(Term::Known(lower.to_owned(), ConditionKind::SideEffects));
    }
    if words.not_conditions.iter().any(|h| h == lower) {
        return Some(Term::NotACondition);
    }
    None
}

/// "Chronic Spontaneous Urticaria (CSU)" → "chronic spontaneous urticaria".
fn drop_bracketed_abbreviation(lower: &str) -> String {
    match lower
        .trim_end()
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
    {
        Some((before, inside))
            if !before.trim().is_empty() && inside.len() <= 6 && !inside.contains(' ') =>
        {
            before.trim().to_owned()
        }
        _ => lower.trim().to_owned(),
    }
}

/// A term that speaks of a stage loses its staging words: "stage iiia lung cancer ajcc v8" →
/// "lung cancer"; "nonsmall cell lung cancer, stage iiib" → "nonsmall cell lung cancer".
pub(super) fn unstage(lower: &str, words: &ConditionWords) -> String {
    let staged = ["stage", "ajcc", "ctcae"]
        .iter()
        .any(|w| contains_phrase(lower, w));
    if !staged {
        return lower.to_owned();
    }
    let kept: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            !words.staging.iter().any(|s| s == bare)
        })
        .collect();
    kept.join(" ")
        .trim_matches(|c: char| c == ',' || c.is_whitespace())
        .replace(" ,", ",")
}

/// MeSH's inverted order turned round when every part after the first modifies it:
/// "rhinitis, allergic, perennial" → "perennial allergic rhinitis", "allergy, peanut" →
/// "peanut allergy". A term whose parts are not modifiers stays as it is.
pub(super) fn turn_round(lower: &str, words: &ConditionWords) -> String {
    let parts: Vec<&str> = lower
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return parts.first().map_or_else(String::new, |p| (*p).to_owned());
    }
    let modifies = |p: &str| {
        words.modifiers.iter().any(|m| m == p)
            || (p.split_whitespace().count() == 1
                && [
                    "ic", "al", "ed", "ous", "ive", "ary", "onset", "induced", "related",
                ]
                .iter()
                .any(|s| p.ends_with(s)))
    };
    if !parts[1..].iter().all(|p| modifies(p)) {
        return lower.trim().to_owned();
    }
    let mut turned: Vec<&str> = parts[1..].iter().rev().copied().collect();
    turned.push(parts[0]);
    turned.join(" ")
}

/// The read term in the registry's spelling, except words the registry shouted in capitals
/// ("ALLERGIC ASTHMA"), which read in lower case; short capital words stay (acronyms: "DIPG").
fn unshout(registered: &str, read: &str) -> String {
    let shouted: Vec<String> = registered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 5 && w.chars().all(|c| !c.is_lowercase()))
        .map(str::to_lowercase)
        .collect();
    // `read` is lower case; give back the registry's capitals for words it did not shout, so
    // plain_name keeps acronyms.
    let mut out = Vec::new();
    for word in read.split(' ') {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let original = registered
            .split(|c: char| c.is_whitespace() || c == ',')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .find(|w| w.to_lowercase() == core && !shouted.contains(&w.to_lowercase()));
        out.push(match original {
            Some(o) if !core.is_empty() => word.replacen(core, o, 1),
            _ => word.to_owned(),
        });
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::trial::*;

    #[test]
    fn plain_condition_names_from_registered_and_mesh_terms() {
        let lex = lexicon();
        let plain = |conditions: &[&str], mesh: &[&str]| -> Vec<String> {
            let trial = Trial {
                conditions: conditions.iter().map(|c| (*c).into()).collect(),
                mesh_terms: mesh.iter().map(|c| (*c).into()).collect(),
                ..Trial::default()
            };
            derive(&trial, &lex)
                .conditions
                .into_iter()
                .map(|c| c.value.plain)
                .collect()
        };
        assert_eq!(plain(&["Myocardial Infarction"], &[]), ["heart attack"]);
        assert_eq!(plain(&["Neoplasms"], &[]), ["cancer"]);
        assert_eq!(plain(&["Cerebrovascular Accident"], &[]), ["stroke"]);
        assert_eq!(plain(&["COVID-19"], &[]), ["COVID-19"]);
        assert_eq!(plain(&["HIV Infections"], &[]), ["HIV"]);
        // No plain name for the registered term: the MeSH term the registry matched speaks.
        assert_eq!(
            plain(&["Stage II Breast Carcinoma NOS"], &["Breast Neoplasms"]),
            ["breast cancer"]
        );
        // Neither: the registered term, in lower case, acronyms kept.
        assert_eq!(
            plain(&["Fabry Disease Type ABC"], &[]),
            ["Fabry disease type ABC"]
        );
        // Two terms with one plain name say it once.
        assert_eq!(plain(&["Atopic Dermatitis", "Eczema"], &[]), ["eczema"]);
    }

    fn read(term: &str) -> super::Term {
        super::read_term(term, &lexicon())
    }

    fn known(plain: &str, kind: crate::facts::ConditionKind) -> super::Term {
        super::Term::Known(plain.to_owned(), kind)
    }

    #[test]
    fn staging_lists_fold_into_their_disease() {
        use crate::facts::ConditionKind::Illness;
        assert_eq!(
            read("Stage IIIA Lung Cancer AJCC v8"),
            known("lung cancer", Illness)
        );
        assert_eq!(
            read("Nonsmall Cell Lung Cancer, Stage IIIB"),
            known("lung cancer", Illness)
        );
        assert_eq!(
            read("Stage II Uterine Corpus Endometrial Stromal Sarcoma AJCC v8"),
            known("a rare cancer of the womb", Illness)
        );
    }

    #[test]
    fn inverted_terms_turn_round() {
        use crate::facts::ConditionKind::Illness;
        assert_eq!(
            read("Hypersensitivity, Food"),
            known("food allergy", Illness)
        );
        assert_eq!(read("Allergy, Peanut"), known("peanut allergy", Illness));
        assert_eq!(
            read("Rhinitis, Allergic, Seasonal"),
            known("hay fever", Illness)
        );
        // Unknown to the lexicon, turned round all the same.
        assert_eq!(
            read("Sarcoma, Synovial"),
            super::Term::Unknown("Synovial Sarcoma".into())
        );
        // Parts that do not modify stay as they are.
        assert_eq!(
            read("Chronic Fatigue, Sleep"),
            super::Term::Unknown("Chronic Fatigue, Sleep".into())
        );
    }

    #[test]
    fn capitals_and_bracketed_abbreviations_are_read_plainly() {
        use crate::facts::ConditionKind::Illness;
        assert_eq!(
            read("Chronic Spontaneous Urticaria (CSU)"),
            known("long-lasting hives", Illness)
        );
        assert_eq!(read("NSCLC"), known("lung cancer", Illness));
        assert_eq!(
            read("PTSD"),
            known("post-traumatic stress disorder (PTSD)", Illness)
        );
        assert_eq!(read("ALLERGIC ASTHMA"), known("allergic asthma", Illness));
        assert_eq!(
            read("DIPG Brain Tumor"),
            super::Term::Unknown("DIPG Brain Tumor".into())
        );
    }

    #[test]
    fn procedures_healthy_volunteers_and_design_words() {
        use crate::facts::ConditionKind::*;
        assert_eq!(
            read("Laparoscopic Cholecystectomy"),
            known("gallbladder surgery", Procedure)
        );
        assert_eq!(
            read("Healthy Volunteers"),
            known("healthy volunteers", Healthy)
        );
        assert_eq!(
            read("Safety Surveillance"),
            known("safety surveillance", SideEffects)
        );
        assert_eq!(read("Single-blind"), super::Term::NotACondition);
    }

    #[test]
    fn pages_say_who_takes_part() {
        let lex = lexicon();
        let who = |conditions: &[&str]| {
            let trial = Trial {
                conditions: conditions.iter().map(|c| (*c).into()).collect(),
                ..designed(&[], &[(InterventionKind::Drug, "Tadalafil", &[])])
            };
            let facts = derive(&trial, &lex);
            crate::write::write_rules(
                &facts,
                &crate::templates::Templates::load(std::sync::Arc::new(lexicon())).unwrap(),
            )
            .unwrap()
            .headline
        };
        assert_eq!(
            who(&["Laparoscopic Cholecystectomy"]),
            "Testing tadalafil for people having gallbladder surgery"
        );
        assert_eq!(who(&["Healthy"]), "Testing tadalafil in healthy volunteers");
        assert_eq!(who(&["Single-blind"]), "Testing tadalafil");
    }

    #[test]
    fn with_no_condition_registered_the_title_names_one() {
        let trial = Trial {
            title: "Infant Formula in Infants at High Risk of Developing Allergy".into(),
            conditions: vec!["Immunity".into()],
            ..Trial::default()
        };
        let plain: Vec<String> = derive(&trial, &lexicon())
            .conditions
            .into_iter()
            .map(|c| c.value.plain)
            .collect();
        assert_eq!(plain, ["allergy"]);
    }
}
