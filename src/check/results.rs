//! The rules of "what the trial found": report, never judge; no statistics in the text; every
//! "N of M" a count with its own group's denominator.

use super::Context;
use crate::summary::{Severity, Warning, WarningCode};
use std::collections::BTreeSet;

/// The rules of "what the trial found": report, never judge (no judging words outside a quoted
/// registry title), no statistics in the text, and every "N of M" a count with the denominator
/// of its own group and kind.
pub(super) fn results_guard(text: &str, cx: &Context<'_>, out: &mut Vec<Warning>) {
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
            // By the letter p, never by a char's byte offset: `i + 1` must be a boundary.
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

/// A trial with results is judged nowhere on its page: "what this could lead to" and "what
/// could go wrong" (and the headline and summary) must not say it "was effective" or "did not
/// work" any more than the results section may. (A model's draft that passed every other guard
/// in the live check said "was not effective".)
pub(super) fn judged_elsewhere(
    draft: &crate::write::Draft,
    cx: &Context<'_>,
    out: &mut Vec<Warning>,
) {
    if cx.facts.findings.is_none() {
        return;
    }
    let sections = [
        ("headline", draft.headline.as_str()),
        ("summary", draft.summary.as_str()),
        (
            "what_this_could_lead_to",
            draft.what_this_could_lead_to.as_str(),
        ),
        ("what_could_go_wrong", draft.what_could_go_wrong.as_str()),
    ];
    for (section, text) in sections {
        let lower = text.to_lowercase();
        if let Some(span) = cx.lexicon.judging.spans_in(&lower).into_iter().next() {
            let word = &lower[span];
            out.push(Warning {
                severity: Severity::Error,
                code: WarningCode::JudgingWord,
                section: section.into(),
                excerpt: word.to_owned(),
                message: format!(
                    "“{word}” judges the trial's result; the page reports, never judges"
                ),
            });
        }
    }
}

/// The text without the registry titles it quotes (“…”): their words are the registry's.
pub(super) fn unquoted(text: &str, titles: &BTreeSet<String>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
