//! How long people are followed: durations read from the outcomes' time frames, said in their
//! natural unit.

use crate::facts::*;
use crate::lexicon::PhraseList;
use crate::normalize::time_unit;
use crate::trial::*;

/// How long people are followed: the longest time named in the outcomes' time frames, primary
/// or secondary. The main measure is often read early ("30 minutes after the dose") while
/// people stay in the trial for the later ones.
pub(super) fn follow_up(
    trial: &Trial,
    not_follow_up: &PhraseList,
    source: &mut impl FnMut(&str, &str),
) -> Option<Fact<Duration>> {
    let lists = [
        ("primaryOutcomes", &trial.primary_outcomes),
        ("secondaryOutcomes", &trial.secondary_outcomes),
    ];
    let mut best: Option<(Duration, String, String)> = None;
    let mut longest_decimal_hours: f64 = 0.0;
    for (list, outcomes) in lists {
        for (i, o) in outcomes.iter().enumerate() {
            let Some(tf) = &o.time_frame else { continue };
            // "Up to 9 months after the last subject enrolled" is no one's follow-up, and
            // "each cycle is 28 days" is a cycle's length.
            if not_follow_up.marks(&tf.to_lowercase()) {
                continue;
            }
            if let Some(h) = longest_decimal(tf) {
                longest_decimal_hours = longest_decimal_hours.max(h);
            }
            if let Some(d) = longest_duration(tf) {
                let longer = best.as_ref().is_none_or(|(b, _, _)| hours(d) > hours(*b));
                if longer {
                    best = Some((
                        d,
                        tf.clone(),
                        format!("protocolSection.outcomesModule.{list}[{i}].timeFrame"),
                    ));
                }
            }
        }
    }
    let (d, text, field) = best?;
    // A longer time written with a decimal ("up to 41.6 months") is not a figure the page can
    // give, and a shorter whole one is not the follow-up (NCT04047862 said "followed them
    // for 11 months"): nothing rather than too little.
    if longest_decimal_hours > hours(d) {
        return None;
    }
    // Under a day is how long a measure takes ("5 to 10 minutes" of a test, "1 hour" after an
    // injection), not how long people are followed: the page says nothing rather than that.
    if hours(d) < TimeUnit::Day.hours() {
        return None;
    }
    source(&text, &field);
    Some(Fact::new(natural_unit(d), field))
}

fn hours(d: Duration) -> f64 {
    f64::from(d.amount) * d.unit.hours()
}

/// The longest duration written in a time frame: "Up to 24 months", "Week 52",
/// "90 days, 12 months and 24 months", "2-year", "Weeks 2, 4, 8, and 12", "six hours".
pub fn longest_duration(text: &str) -> Option<Duration> {
    let lower = text.to_lowercase();
    let tokens = tokens(&lower);
    let mut best: Option<Duration> = None;
    let mut consider = |amount: u32, unit: TimeUnit| {
        let d = Duration { amount, unit };
        if amount > 0 && best.is_none_or(|b| hours(d) > hours(b)) {
            best = Some(d);
        }
    };
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            // "Day 42 (week 6)": a number after its unit word is that unit's, not the next one's.
            Token::Number(_)
                if i > 0
                    && matches!(tokens[i - 1], Token::Word(w) if w.len() > 2 && time_unit(w).is_some()) =>
                {}
            Token::Number(n) => {
                if let Some(Token::Word(w)) = tokens.get(i + 1) {
                    if let Some(unit) = time_unit(w) {
                        consider(*n, unit);
                    }
                }
            }
            Token::Word(w) => {
                // "Week 52", "Weeks 2, 4, 8, and 12", "Day 10": a unit word before its numbers.
                let Some(unit) = time_unit(w).filter(|_| w.len() > 2) else {
                    continue;
                };
                let mut j = i + 1;
                while let Some(t) = tokens.get(j) {
                    match t {
                        Token::Number(n) if !matches!(tokens.get(j + 1), Some(Token::Word(w)) if time_unit(w).is_some()) => {
                            consider(*n, unit)
                        }
                        Token::Word("and" | "or" | "to") | Token::Separator => {}
                        _ => break,
                    }
                    j += 1;
                }
            }
            Token::Decimal(_) | Token::Other | Token::Separator => {}
        }
    }
    best
}

/// The longest duration in a time frame given with a decimal ("up to 41.6 months"), in hours.
fn longest_decimal(text: &str) -> Option<f64> {
    let lower = text.to_lowercase();
    let tokens = tokens(&lower);
    tokens
        .windows(2)
        .filter_map(|pair| match pair {
            [Token::Decimal(n), Token::Word(w)] => time_unit(w).map(|u| n * u.hours()),
            _ => None,
        })
        .reduce(f64::max)
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Number(u32),
    Word(&'a str),
    /// A decimal ("35.7 months"): no duration a page writes, but one that may be longer than
    /// every whole one.
    Decimal(f64),
    /// An over-long number or a code: not a duration, and it pairs with nothing.
    Other,
    /// A comma or semicolon: what follows is a time of its own ("1 month, 3 months"), not
    /// the number of the unit before it ("Day 42").
    Separator,
}

/// Splits lower-cased text into words and numbers; "2-year" and "12months" are two tokens each.
/// A number glued to letters before it is part of a code ("TPN171H", "MK3475"), not a time.
fn tokens<'a>(lower: &'a str) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    let mut code = false;
    // The token being read is `lower[start..]` up to the current char; `last` is its last char.
    let mut start: Option<usize> = None;
    let mut last: Option<char> = None;
    let flush = |out: &mut Vec<Token<'a>>,
                 start: &mut Option<usize>,
                 last: &mut Option<char>,
                 code: &mut bool,
                 end: usize| {
        *last = None;
        let Some(from) = start.take() else { return };
        let current = &lower[from..end];
        let tok = if std::mem::take(code) {
            Token::Other
        } else if current.bytes().all(|b| b.is_ascii_digit()) {
            current.parse().map_or(Token::Other, Token::Number)
        } else if current.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            current.parse().map_or(Token::Other, Token::Decimal)
        } else if current.bytes().any(|b| b.is_ascii_digit()) {
            Token::Other
        } else {
            number_word(current).map_or(Token::Word(current), Token::Number)
        };
        out.push(tok);
    };
    let mut chars = lower.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let decimal_point = c == '.'
            && last.is_some_and(|p| p.is_ascii_digit())
            && chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
        let boundary = (c.is_ascii_digit() && last.is_some_and(char::is_alphabetic))
            || (c.is_alphabetic() && last.is_some_and(|p| p.is_ascii_digit()));
        if boundary {
            let glued = c.is_ascii_digit();
            flush(&mut out, &mut start, &mut last, &mut code, i);
            code = glued;
        }
        if c.is_alphanumeric() || decimal_point {
            start.get_or_insert(i);
            last = Some(c);
        } else {
            flush(&mut out, &mut start, &mut last, &mut code, i);
            if matches!(c, ',' | ';') {
                out.push(Token::Separator);
            }
        }
    }
    flush(&mut out, &mut start, &mut last, &mut code, lower.len());
    out
}

/// Numbers the registry writes out in time frames ("six hour", "one year").
fn number_word(w: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS.iter().position(|x| *x == w).map(|p| p as u32)
}

/// A duration in the unit a person would use: 24 months are two years, 14 days two weeks.
/// Only conversions that land on a whole number under ten are made, so every figure a page
/// writes in digits is one the record holds.
pub fn natural_unit(d: Duration) -> Duration {
    let (factor, bigger) = match d.unit {
        TimeUnit::Minute => (60, TimeUnit::Hour),
        TimeUnit::Hour => (24, TimeUnit::Day),
        TimeUnit::Day if d.amount.is_multiple_of(365) && d.amount / 365 < 10 => {
            (365, TimeUnit::Year)
        }
        TimeUnit::Day if d.amount.is_multiple_of(7) => (7, TimeUnit::Week),
        TimeUnit::Day => return d,
        TimeUnit::Week => (52, TimeUnit::Year),
        TimeUnit::Month => (12, TimeUnit::Year),
        TimeUnit::Year => return d,
    };
    if d.amount.is_multiple_of(factor) && d.amount / factor < 10 {
        natural_unit(Duration {
            amount: d.amount / factor,
            unit: bigger,
        })
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(amount: u32, unit: TimeUnit) -> Option<Duration> {
        Some(Duration { amount, unit })
    }

    #[test]
    fn a_follow_up_under_a_day_is_not_said() {
        let with = |frames: &[&str]| Trial {
            primary_outcomes: frames
                .iter()
                .map(|f| Outcome {
                    measure: "Score".into(),
                    description: None,
                    time_frame: Some((*f).into()),
                })
                .collect(),
            ..Trial::default()
        };
        let lexicon = crate::lexicon::Lexicon::load(crate::templates::template_files()).unwrap();
        let follow = |frames: &[&str]| {
            follow_up(&with(frames), &lexicon.not_follow_up, &mut |_, _| {}).map(|f| f.value)
        };
        // How long one test takes is not how long people are followed.
        assert_eq!(follow(&["5 to 10 minutes"]), None);
        assert_eq!(follow(&["1 hour"]), None);
        assert_eq!(follow(&["24 hours"]), d(1, TimeUnit::Day));
        assert_eq!(follow(&["10 minutes", "6 months"]), d(6, TimeUnit::Month));
        // A window that ends with the whole study is no one's follow-up (NCT05147467).
        assert_eq!(
            follow(&["Up to 9 months after the last subject enrolled."]),
            None
        );
        assert_eq!(
            follow(&["Up to 9 months after the last subject enrolled.", "Week 12"]),
            d(12, TimeUnit::Week)
        );
        assert_eq!(follow(&["Up to 4 cycles (each cycle is 28 days)."]), None);
    }

    #[test]
    fn time_frames_in_registry_spellings() {
        use TimeUnit::*;
        for (text, want) in [
            ("Up to 24 months after infusion", d(24, Month)),
            ("Week 52", d(52, Week)),
            ("90 days, 12 months and 24 months after infusion", d(24, Month)),
            ("2 year/end of study", d(2, Year)),
            ("2-year", d(2, Year)),
            ("Baseline; Weeks 2, 4, 8, and 12", d(12, Week)),
            ("Annually for 5 years", d(5, Year)),
            ("up to 56 days", d(56, Day)),
            ("Day 10", d(10, Day)),
            ("first 2~7 days after surgery", d(7, Day)),
            ("From half hour prior to till six hour after administration", d(6, Hour)),
            ("Follow-up Visit (up to Week 60)", d(60, Week)),
            ("Baseline (Week 0)", None),
            ("Baseline (single timepoint only)", None),
            ("After 5 doses of medication", None),
            ("1.5 years", None),
            ("assessed up to 2 years", d(2, Year)),
            ("From first dose date (Day 1) up to follow-up assessment (maximum duration: 30 days)", d(30, Day)),
            ("6wks", d(6, Week)),
            ("day 42 (week 6)", d(6, Week)),
            // Each time after a comma is one of its own (NCT04544683 was said to follow people
            // for one month).
            ("1 month, 3 months, 6 months, 12 months", d(12, Month)),
            ("4-8 weeks, 3 months, 6 months", d(6, Month)),
            ("Day 1, Day 15 and Day 29", d(29, Day)),
            ("Plasma levels of TPN171H over 24 hours", d(24, Hour)),
            ("MK3475 exposure", None),
        ] {
            assert_eq!(longest_duration(text), want, "{text}");
        }
    }

    #[test]
    fn durations_take_their_natural_unit() {
        use TimeUnit::*;
        let n = |a, u| natural_unit(Duration { amount: a, unit: u });
        assert_eq!(
            n(24, Month),
            Duration {
                amount: 2,
                unit: Year
            }
        );
        assert_eq!(
            n(52, Week),
            Duration {
                amount: 1,
                unit: Year
            }
        );
        assert_eq!(
            n(56, Day),
            Duration {
                amount: 8,
                unit: Week
            }
        );
        assert_eq!(
            n(90, Day),
            Duration {
                amount: 90,
                unit: Day
            }
        );
        assert_eq!(
            n(9, Month),
            Duration {
                amount: 9,
                unit: Month
            }
        );
        assert_eq!(
            n(48, Hour),
            Duration {
                amount: 2,
                unit: Day
            }
        );
        // 140 days would be 20 weeks: a figure the record never wrote, so it stays in days.
        assert_eq!(
            n(140, Day),
            Duration {
                amount: 140,
                unit: Day
            }
        );
    }
}
