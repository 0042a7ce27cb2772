//! Every number a record holds in the fields a page may quote: the number guard's reference.

use crate::trial::*;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Every number written in the fields a page may draw on.
pub(super) fn record_numbers(trial: &Trial) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let mut add = |text: &str| numbers_in(text, &mut set);
    add(&trial.title);
    trial.official_title.as_deref().map(&mut add);
    trial.why_stopped.as_deref().map(&mut add);
    trial.brief_summary.as_deref().map(&mut add);
    trial.description.as_deref().map(&mut add);
    for text in trial
        .conditions
        .iter()
        .chain(&trial.mesh_terms)
        .chain(&trial.keywords)
    {
        add(text);
    }
    for iv in &trial.interventions {
        add(&iv.name);
        iv.description.as_deref().map(&mut add);
    }
    for arm in &trial.arms {
        add(&arm.label);
        arm.description.as_deref().map(&mut add);
    }
    for o in trial
        .primary_outcomes
        .iter()
        .chain(&trial.secondary_outcomes)
    {
        add(&o.measure);
        o.time_frame.as_deref().map(&mut add);
        o.description.as_deref().map(&mut add);
    }
    for site in &trial.sites {
        site.facility.as_deref().map(&mut add);
    }
    if let Some(e) = trial.enrollment {
        set.insert(e.count.to_string());
    }
    let from_criteria = super::who::criteria_max_age(trial);
    for age in [
        trial.eligibility.min_age,
        trial.eligibility.max_age,
        from_criteria,
    ]
    .into_iter()
    .flatten()
    {
        set.insert(age.amount.to_string());
    }
    set.insert(trial.sites.len().to_string());
    set
}

/// Collects the numbers in a text as written, digits only ("1.5" stays "1.5"; "024" is "24").
pub fn numbers_in(text: &str, set: &mut BTreeSet<String>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        i = next_digit_word(bytes, i);
        if i < bytes.len() && bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || ((bytes[i] == b'.' || bytes[i] == b',')
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            {
                i += 1;
            }
            let written = &text[start..i];
            // Most numbers repeat and carry no comma: look them up before allocating.
            let n: Cow<str> = if written.contains(',') {
                Cow::Owned(written.replace(',', ""))
            } else {
                Cow::Borrowed(written)
            };
            let trimmed = n.trim_start_matches('0');
            let key = if trimmed.is_empty() || trimmed.starts_with('.') {
                &n
            } else {
                trimmed
            };
            if !set.contains(key) {
                set.insert(key.to_owned());
            }
        } else {
            i += 1;
        }
    }
}

/// The start of the first run of eight bytes from `at` that may hold a digit (or the last few
/// bytes): most of a record's text has none, and is passed over eight bytes a step. A byte
/// `b` is a digit when `b ^ b'0'` is below 10; the test below flags every word that holds
/// such a byte (bytes from 0x80, which UTF-8 letters are made of, never count).
fn next_digit_word(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes")) ^ (ONES * 0x30);
        if x.wrapping_sub(ONES * 10) & !x & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    at
}

/// "1,210", "150,000": a count as people write it.
pub fn with_separators(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && n >= 1000 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_with_separators() {
        assert_eq!(with_separators(7), "7");
        assert_eq!(with_separators(999), "999");
        assert_eq!(with_separators(1210), "1,210");
        assert_eq!(with_separators(150000), "150,000");
        assert_eq!(with_separators(1234567), "1,234,567");
    }

    #[test]
    fn a_number_is_found_wherever_it_stands() {
        // Every place in and around the eight-byte steps, among ASCII and UTF-8 letters.
        for filler in ["abcdefghijklmnopq", "éèêëàâäôöûü", "////::::~~~~"] {
            for at in 0..filler.len() {
                if !filler.is_char_boundary(at) {
                    continue;
                }
                let text = format!("{}7{}", &filler[..at], &filler[at..]);
                let mut set = BTreeSet::new();
                numbers_in(&text, &mut set);
                assert_eq!(set, BTreeSet::from(["7".to_owned()]), "{text:?}");
            }
        }
    }

    #[test]
    fn numbers_are_collected_as_written() {
        let mut set = BTreeSet::new();
        numbers_in("24 patients, 1.5 mg, week 052 and 1,000 people", &mut set);
        let got: Vec<&str> = set.iter().map(String::as_str).collect();
        assert_eq!(got, vec!["1.5", "1000", "24", "52"]);
    }
}
