//! Step 5, check: [`Draft`] → [`Summary`].
//!
//! The guards every draft passes, whichever writer made it. This step adds the required
//! disclaimers (from `templates/disclaimers.toml`; nothing can switch them off), publishes sites
//! without contacts, and reports: forbidden claims, numbers the record does not hold, contact
//! details, missing or over-long sections (all `error`: the page must not be published as is),
//! long sentences, jargon and hard reading (`warn`), with the readability of each section.

use crate::derive::numbers_in;
use crate::facts::Facts;
use crate::lexicon::Lexicon;
use crate::readability::{sentences, words_of, Readability};
use crate::summary::*;
use crate::trial::Trial;
use crate::write::Draft;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Longest sentence STYLE.md allows, in words.
pub const MAX_SENTENCE_WORDS: usize = 25;
/// A section whose grade is above this gets a `hard_to_read` warning.
pub const MAX_SECTION_GRADE: f64 = 10.0;

/// Word limits per section: over the limit is an `error` (the section no longer reads as a
/// summary).
pub fn max_words(section: &str) -> usize {
    match section {
        "headline" => 25,
        "summary" => 140,
        "what_this_could_lead_to" => 70,
        "what_could_go_wrong" => 100,
        "what_the_trial_found" => 320,
        _ => 60,
    }
}

/// The required disclaimers, loaded once from `templates/disclaimers.toml`.
#[derive(Debug, Deserialize)]
pub struct Disclaimers {
    disclaimer: Vec<Disclaimer>,
}

impl Disclaimers {
    pub fn load(text: &str) -> Result<Self, crate::error::SetupError> {
        let d: Disclaimers =
            toml::from_str(text).map_err(|e| crate::error::SetupError::Lexicon {
                file: "disclaimers.toml".into(),
                reason: e.to_string(),
            })?;
        let ids: Vec<&str> = d.disclaimer.iter().map(|x| x.id.as_str()).collect();
        if ids != ["informational", "summary_limits"] {
            return Err(crate::error::SetupError::Lexicon {
                file: "disclaimers.toml".into(),
                reason: format!("must hold the disclaimers informational and summary_limits, in that order; found {ids:?}"),
            });
        }
        Ok(d)
    }

    fn for_study(&self, url: &str) -> Vec<Disclaimer> {
        self.disclaimer
            .iter()
            .map(|d| Disclaimer {
                id: d.id.clone(),
                text: d.text.replace("{url}", url),
            })
            .collect()
    }
}

/// What the check step needs besides the draft.
pub struct Context<'a> {
    pub facts: &'a Facts,
    pub trial: &'a Trial,
    pub lexicon: &'a Lexicon,
    pub disclaimers: &'a Disclaimers,
    pub generator: Generator,
}

/// The registry page of a study.
pub fn study_url(nct_id: &str) -> String {
    format!("https://clinicaltrials.gov/study/{nct_id}")
}

/// Checks a draft and makes the page.
pub fn check(draft: Draft, cx: Context<'_>) -> Summary {
    let mut warnings = Vec::new();
    let texts: [(&str, &str); 4] = [
        ("headline", &draft.headline),
        ("summary", &draft.summary),
        ("what_this_could_lead_to", &draft.what_this_could_lead_to),
        ("what_could_go_wrong", &draft.what_could_go_wrong),
    ];
    let mut section_quality = Vec::new();
    let page_lower = texts
        .iter()
        .map(|(_, t)| t.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    // The page's readability is the sum of its three main sections' counts.
    let mut page = Readability {
        words: 0,
        sentences: 0,
        syllables: 0,
    };
    for (section, text) in texts {
        guard(section, text, &page_lower, &cx, &mut warnings);
        if section != "headline" {
            let r = Readability::of(text);
            page.words += r.words;
            page.sentences += r.sentences;
            page.syllables += r.syllables;
            if r.grade() > MAX_SECTION_GRADE {
                warnings.push(Warning {
                    severity: Severity::Warn,
                    code: WarningCode::HardToRead,
                    section: section.into(),
                    excerpt: String::new(),
                    message: format!("reads at grade {}; aim for 6 to 8", r.grade()),
                });
            }
            section_quality.push(SectionQuality {
                section: section.into(),
                grade_level: r.grade(),
                reading_ease: r.ease(),
                words: r.words,
                sentences: r.sentences,
            });
        }
    }
    if cx.facts.findings.is_some() && draft.what_the_trial_found.is_none() {
        warnings.push(Warning {
            severity: Severity::Error,
            code: WarningCode::MissingSection,
            section: "what_the_trial_found".into(),
            excerpt: String::new(),
            message: "the record has results; the page must say what the trial found".into(),
        });
    }
    if let Some(found) = &draft.what_the_trial_found {
        guard(
            "what_the_trial_found",
            found,
            &page_lower,
            &cx,
            &mut warnings,
        );
        let r = Readability::of(found);
        if r.grade() > MAX_SECTION_GRADE {
            warnings.push(Warning {
                severity: Severity::Warn,
                code: WarningCode::HardToRead,
                section: "what_the_trial_found".into(),
                excerpt: String::new(),
                message: format!("reads at grade {}; aim for 6 to 8", r.grade()),
            });
        }
        section_quality.push(SectionQuality {
            section: "what_the_trial_found".into(),
            grade_level: r.grade(),
            reading_ease: r.ease(),
            words: r.words,
            sentences: r.sentences,
        });
        results_guard(found, &cx, &mut warnings);
    }
    if let Some(substance) = &draft.active_substance {
        guard(
            "active_substance",
            substance,
            &page_lower,
            &cx,
            &mut warnings,
        );
    }

    let trial = cx.trial;
    let url = study_url(&trial.nct_id);
    let as_registered: Vec<String> = cx
        .facts
        .conditions
        .iter()
        .map(|c| c.value.registered.clone())
        .collect();
    // Each registered term once, whatever the record repeats.
    let mut registered: Vec<String> = Vec::new();
    for c in as_registered.iter().chain(&trial.conditions) {
        if !registered.iter().any(|r| r.eq_ignore_ascii_case(c)) {
            registered.push(c.clone());
        }
    }
    Summary {
        nct_id: trial.nct_id.clone(),
        headline: draft.headline,
        sections: Sections {
            summary: draft.summary,
            active_substance: draft.active_substance,
            what_this_could_lead_to: draft.what_this_could_lead_to,
            what_could_go_wrong: draft.what_could_go_wrong,
            what_the_trial_found: draft.what_the_trial_found,
        },
        interventions: cx
            .facts
            .interventions
            .iter()
            .map(|i| Intervention {
                name: i.value.name.clone(),
                plain: i.value.plain.clone(),
                kind: i.value.kind.clone(),
                role: i.value.role,
                arms: i.value.arms.clone(),
                field: i.field.clone(),
            })
            .collect(),
        disclaimers: cx.disclaimers.for_study(&url),
        conditions: Conditions {
            plain: cx
                .facts
                .conditions
                .iter()
                .map(|c| c.value.plain.clone())
                .collect(),
            as_registered: registered,
        },
        sites: trial
            .sites
            .iter()
            .map(|s| Site {
                facility: s.facility.clone(),
                status: s.status.clone(),
                city: s.city.clone(),
                country: s.country.clone(),
            })
            .collect(),
        source: SourceInfo {
            url,
            last_update: trial.last_update.clone(),
        },
        generator: cx.generator,
        quality: Quality {
            grade_level: page.grade(),
            reading_ease: page.ease(),
            warnings,
            facts: cx.facts.sources.clone(),
            sections: section_quality,
            missing: trial.missing.iter().map(|m| (*m).to_owned()).collect(),
        },
    }
}

/// The rules every section obeys. `page` is the whole page in lower case: a term explained once
/// on the page needs no second explanation.
fn guard(section: &str, text: &str, page: &str, cx: &Context<'_>, out: &mut Vec<Warning>) {
    let (facts, lexicon) = (cx.facts, cx.lexicon);
    let mut warn = |severity, code, excerpt: &str, message: String| {
        out.push(Warning {
            severity,
            code,
            section: section.to_owned(),
            excerpt: excerpt.to_owned(),
            message,
        })
    };
    if text.trim().is_empty() {
        warn(
            Severity::Error,
            WarningCode::MissingSection,
            "",
            "the section is empty".into(),
        );
        return;
    }
    let lower = text.to_lowercase();
    for hit in lexicon.forbidden_phrases.hits(&lower) {
        let claim = &lexicon.forbidden[hit.entry];
        // Lower-casing may move byte offsets in odd scripts; fall back to the claim itself.
        let excerpt = text.get(hit.at..hit.at + claim.len()).unwrap_or(claim);
        warn(
            Severity::Error,
            WarningCode::ForbiddenClaim,
            excerpt,
            format!("“{excerpt}” promises what no trial can"),
        );
    }
    let mut numbers = BTreeSet::new();
    numbers_in(text, &mut numbers);
    // The results section writes results values only, each traced to its field.
    let allowed = match (section, &facts.findings) {
        ("what_the_trial_found", Some(found)) => &found.numbers,
        _ => &facts.record_numbers,
    };
    for n in numbers.difference(allowed) {
        warn(
            Severity::Error,
            WarningCode::UntracedNumber,
            n,
            format!("the number {n} is not in the record"),
        );
    }
    // A registry title the results section quotes ("… 700- 2000 mg …") is the registry's words.
    let own_text: std::borrow::Cow<str> = match (section, &facts.findings) {
        ("what_the_trial_found", Some(found)) => unquoted(text, &found.titles).into(),
        _ => text.into(),
    };
    for contact in contact_details(&own_text)
        .into_iter()
        .filter(|c| !names_a_code(c, cx.trial))
    {
        warn(
            Severity::Error,
            WarningCode::ContactDetail,
            contact,
            "a phone number or e-mail address; pages carry none".into(),
        );
    }
    let words = words_of(text).count();
    if words > max_words(section) {
        warn(
            Severity::Error,
            WarningCode::SectionTooLong,
            "",
            format!("{words} words; at most {} here", max_words(section)),
        );
    }
    for sentence in sentences(text) {
        let n = words_of(sentence).count();
        if n > MAX_SENTENCE_WORDS {
            warn(
                Severity::Warn,
                WarningCode::LongSentence,
                sentence,
                format!("{n} words; keep sentences under {MAX_SENTENCE_WORDS}"),
            );
        }
    }
    for hit in lexicon.jargon_phrases.hits(&lower) {
        let (term, everyday) = &lexicon.jargon[hit.entry];
        // A term explained on the page ("a placebo, a look-alike…") is fine.
        if !page.contains(&everyday.to_lowercase()) {
            let excerpt = text.get(hit.at..hit.at + term.len()).unwrap_or(term);
            warn(
                Severity::Warn,
                WarningCode::Jargon,
                excerpt,
                format!("say “{everyday}”"),
            );
        }
    }
}

/// The rules of "what the trial found": report, never judge (no judging words outside a quoted
/// registry title), no statistics in the text, and every "N of M" a count with the denominator
/// of its own group and kind.
fn results_guard(text: &str, cx: &Context<'_>, out: &mut Vec<Warning>) {
    let Some(found) = &cx.facts.findings else {
        return;
    };
    let mut warn = |code, excerpt: &str, message: String| {
        out.push(Warning {
            severity: Severity::Error,
            code,
            section: "what_the_trial_found".into(),
            excerpt: excerpt.to_owned(),
            message,
        })
    };
    let ours = unquoted(text, &found.titles).to_lowercase();
    for span in cx.lexicon.judging.spans_in(&ours) {
        let word = &ours[span];
        warn(
            WarningCode::JudgingWord,
            word,
            format!("“{word}” judges the result; say what was measured"),
        );
    }
    let statistic = cx
        .lexicon
        .statistics
        .spans_in(&ours)
        .into_iter()
        .next()
        .or_else(|| {
            // "p=0.03", "p<0.001": an operator glued to its number.
            ours.match_indices('p').find_map(|(i, _)| {
                let after = ours[i + 1..].trim_start();
                (!ours[..i].ends_with(|b: char| b.is_alphanumeric())
                    && after.starts_with(['=', '<', '>']))
                .then_some(i..i + 1 + (ours[i + 1..].len() - after.len()) + 1)
            })
        });
    if let Some(span) = statistic {
        let excerpt = &ours[span];
        warn(
            WarningCode::Statistic,
            excerpt,
            "statistics stay in the JSON facts, out of the text".into(),
        );
    }
    for (count, of) in n_of_m(text) {
        if !found.pairs.contains(&(count.clone(), of.clone())) {
            warn(
                WarningCode::WrongDenominator,
                &format!("{count} of {of}"),
                format!("{count} of {of}: the record gives no such count with that denominator"),
            );
        }
    }
}

/// The text without the registry titles it quotes (“…”): their words are the registry's.
fn unquoted(text: &str, titles: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('“') {
        let after = &rest[open + '“'.len_utf8()..];
        let Some(close) = after.find('”') else {
            break;
        };
        let quoted = &after[..close];
        out.push_str(&rest[..open]);
        if !titles.contains(quoted) {
            out.push_str(quoted);
        }
        rest = &after[close + '”'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Every "N of M" in a text, as written (separators dropped): "8 of 159", "1,210 of 2,400".
pub fn n_of_m(text: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let number = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_digit());
        (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == ','))
            .then(|| w.replace(',', ""))
    };
    words
        .windows(3)
        .filter(|w| w[1] == "of" && !w[0].ends_with('%'))
        .filter_map(|w| Some((number(w[0])?, number(w[2])?)))
        .collect()
}

/// Whether digits shaped like a phone number are a code the record names itself by: one
/// unbroken run of digits in its NCT id or an intervention's name or other name ("BI 1015550").
/// Digits with separators ("+1 (555) 010-2030") are a phone number wherever they stand.
fn names_a_code(found: &str, trial: &Trial) -> bool {
    // A code has letters beside its digits; a name of digits alone is only a number.
    let is_code = |name: &&String| name.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    found.bytes().all(|b| b.is_ascii_digit())
        && std::iter::once(&trial.nct_id)
            .chain(
                trial
                    .interventions
                    .iter()
                    .flat_map(|i| std::iter::once(&i.name).chain(&i.other_names)),
            )
            .filter(is_code)
            .any(|name| name.contains(found))
}

/// Phone numbers and e-mail addresses in a text. Digits glued to letters ("LY2452473",
/// "NCT01234567", "NNC0519-0130", "PF-00446687") are a code, not a phone number.
pub fn contact_details(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    // An e-mail address needs an '@'; most texts have none, and are not split into words.
    let words = text.contains('@').then(|| text.split_whitespace());
    for word in words.into_iter().flatten() {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        if let Some((user, domain)) = w.split_once('@') {
            if !user.is_empty() && domain.contains('.') {
                found.push(w);
            }
        }
    }
    // A phone number: seven or more digits with only separators between them.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let glued = |at: usize| {
            at > 0
                && (bytes[at - 1].is_ascii_alphabetic()
                    || (bytes[at - 1] == b'-' && at > 1 && bytes[at - 2].is_ascii_alphabetic()))
        };
        if bytes[i] == b'+' || bytes[i].is_ascii_digit() {
            let start = i;
            let code = glued(start);
            let mut digits = 0;
            let mut end = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-(). ".contains(&bytes[i])) {
                if bytes[i].is_ascii_digit() {
                    digits += 1;
                    end = i + 1;
                }
                i += 1;
            }
            if digits >= 7 && !code {
                found.push(text[start..end].trim());
            }
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phones_and_emails() {
        assert_eq!(
            contact_details("Call +86 10 5550 0100 now"),
            vec!["+86 10 5550 0100"]
        );
        assert_eq!(
            contact_details("write to stroke-trial@example.org."),
            vec!["stroke-trial@example.org"]
        );
        assert!(contact_details("About 24 people over two years, 1,000 mg").is_empty());
    }

    #[test]
    fn counts_are_read_with_their_denominators() {
        assert_eq!(
            n_of_m("Serious problems in 8 of 159 people; other problems in 1,210 of 2,400 people."),
            [("8".into(), "159".into()), ("1210".into(), "2400".into())]
        );
        // A percentage of a group is not a count.
        assert!(n_of_m("47% of 159 people").is_empty());
    }

    #[test]
    fn quoted_registry_titles_are_left_out_of_the_judging_check() {
        let titles: BTreeSet<String> = ["ASDAS Major Improvement".to_owned()].into();
        assert_eq!(
            unquoted(
                "The main measure was “ASDAS Major Improvement”. It worked.",
                &titles
            ),
            "The main measure was . It worked."
        );
        // A quote that is not a registry title is checked like any text.
        assert!(unquoted("“It worked”", &titles).contains("worked"));
    }

    #[test]
    fn drug_codes_and_registry_ids_are_not_phone_numbers() {
        for code in [
            "Testing LY2452473 and tadalafil",
            "NNC0519-0130 once weekly",
            "PF-00446687 tablets",
            "GSK4428859A",
            "see NCT01234567",
        ] {
            assert!(contact_details(code).is_empty(), "{code}");
        }
        // Digits standing on their own are still a phone number.
        assert_eq!(contact_details("call 555 0100 123"), vec!["555 0100 123"]);
    }
}
