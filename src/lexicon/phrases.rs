//! Finding phrases in text as whole words: one automaton for many phrases ([`PhraseSet`]), a
//! phrase list with its exceptions ([`PhraseList`]), negation, and single-phrase search.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// A phrase of a [`PhraseSet`] found in a text: which entry, which of its phrases, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub entry: usize,
    pub phrase: usize,
    /// Byte offset of the first whole-word occurrence.
    pub at: usize,
}

/// The phrases of a lexicon's entries in one automaton, matched as whole words.
#[derive(Debug)]
pub struct PhraseSet {
    automaton: Option<AhoCorasick>,
    /// Pattern number → (entry, phrase within the entry).
    ids: Vec<(usize, usize)>,
}

impl PhraseSet {
    /// `entries[i]` lists the phrases of entry `i` (lower case).
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a [String]>) -> Self {
        let mut ids = Vec::new();
        let mut patterns = Vec::new();
        for (entry, phrases) in entries.into_iter().enumerate() {
            for (phrase, text) in phrases.iter().enumerate() {
                if !text.is_empty() {
                    ids.push((entry, phrase));
                    patterns.push(text.as_str());
                }
            }
        }
        PhraseSet {
            // The patterns are plain text, so building cannot fail short of running out of
            // memory. An empty set matches nothing and has no automaton: there is no text
            // to read through for it.
            // A DFA: the fastest search, and lexicons are small enough for its memory.
            automaton: (!patterns.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .kind(Some(AhoCorasickKind::DFA))
                        .build(&patterns)
                        .ok()
                })
                .flatten(),
            ids,
        }
    }

    /// Every phrase that occurs in `text` (lower case) as whole words, once each at its first
    /// such place, ordered by entry then phrase.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut hits: Vec<Hit> = automaton
            .find_overlapping_iter(text)
            .filter(|m| whole_words(text, m.start(), m.end()))
            .map(|m| {
                let (entry, phrase) = self.ids[m.pattern().as_usize()];
                Hit {
                    entry,
                    phrase,
                    at: m.start(),
                }
            })
            .collect();
        hits.sort_unstable();
        hits.dedup_by_key(|h| (h.entry, h.phrase));
        hits
    }

    /// Whether any phrase occurs in `text` (lower case) as whole words: the search stops at
    /// the first, with nothing collected.
    pub fn any(&self, text: &str) -> bool {
        self.entry_spans(text).next().is_some()
    }

    /// The first entry (in file order) any of whose phrases occurs in `text`.
    pub fn first(&self, text: &str) -> Option<Hit> {
        self.hits(text).into_iter().next()
    }

    /// Every whole-word occurrence of any phrase in `text`, as byte ranges.
    pub fn spans(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.entry_spans(text).map(|(_, span)| span).collect()
    }

    /// The entry of every whole-word occurrence, in text order: "sc injection" said twelve
    /// times counts twelve.
    pub fn occurrences<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
        self.entry_spans(text).map(|(entry, _)| entry)
    }

    /// Every whole-word occurrence with the entry of its phrase, found one at a time.
    fn entry_spans<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> + 't {
        self.automaton
            .iter()
            .flat_map(move |automaton| automaton.find_overlapping_iter(text))
            .filter(move |m| whole_words(text, m.start(), m.end()))
            .map(|m| (self.ids[m.pattern().as_usize()].0, m.start()..m.end()))
    }
}

/// Whether one of the six words before `at` negates what follows ("no", "not", "without"):
/// "not based on any safety concerns and/or regulatory interactions". "And" and "or" do not
/// count as words; a cause between them ends the negation's reach: "did not enroll enough
/// patients due to safety concerns" is a safety reason.
pub fn negated(text: &str, at: usize) -> bool {
    const NEGATIONS: [&str; 7] = ["no", "not", "without", "non", "never", "nor", "neither"];
    const CAUSES: [&str; 5] = ["due", "because", "owing", "since", "after"];
    let mut counted = 0;
    for w in text[..at]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
    {
        if NEGATIONS.contains(&w) {
            return true;
        }
        if CAUSES.contains(&w) || counted == 6 {
            return false;
        }
        if w != "and" && w != "or" {
            counted += 1;
        }
    }
    false
}

fn whole_words(text: &str, start: usize, end: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric();
    text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word(c))
        && text[end..].chars().next().is_none_or(|c| !is_word(c))
}

/// Phrases that mark a text, with phrases that cancel the mark ("hypertonic saline" is no
/// placebo although it says "saline"). Both are in one automaton, the phrases as entry 0 and
/// the exceptions as entry [`EXCEPTION`], so a text is read once whatever is asked of it.
#[derive(Debug)]
pub struct PhraseList {
    set: PhraseSet,
}

const EXCEPTION: usize = 1;

impl PhraseList {
    pub(super) fn new(phrases: Vec<String>, exceptions: Vec<String>) -> Self {
        let lower =
            |v: Vec<String>| -> Vec<String> { v.into_iter().map(|p| p.to_lowercase()).collect() };
        let (phrases, exceptions) = (lower(phrases), lower(exceptions));
        PhraseList {
            set: PhraseSet::new([&phrases[..], &exceptions[..]]),
        }
    }

    /// The phrases found in `text` (lower case), as byte ranges; `None` when an exception is
    /// found too. `stop` ends the reading early once it returns true for a phrase.
    fn phrases_unless_excepted(
        &self,
        text: &str,
        mut stop: impl FnMut(&std::ops::Range<usize>) -> bool,
    ) -> Option<Vec<std::ops::Range<usize>>> {
        let mut found = Vec::new();
        let mut stopped = false;
        for (entry, span) in self.set.entry_spans(text) {
            if entry == EXCEPTION {
                return None;
            }
            if !stopped {
                stopped = stop(&span);
                found.push(span);
            }
        }
        Some(found)
    }

    /// Whether `text` (lower case) holds one of the phrases and none of the exceptions.
    pub fn marks(&self, text: &str) -> bool {
        self.phrases_unless_excepted(text, |_| true)
            .is_some_and(|found| !found.is_empty())
    }

    /// Whether `text` (lower case) holds one of the phrases not negated just before it: "no
    /// suitable placebo exists" and "not based on any safety concerns" do not count.
    pub fn affirms(&self, text: &str) -> bool {
        let mut affirmed = false;
        self.phrases_unless_excepted(text, |span| {
            affirmed = !negated(text, span.start);
            affirmed
        })
        .is_some()
            && affirmed
    }

    /// Every occurrence of a phrase in `text` (lower case), exceptions aside.
    pub fn spans_in(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.phrases_unless_excepted(text, |_| false)
            .unwrap_or_default()
    }

    /// Whether `text` (lower case) holds one of the exceptions.
    pub fn excepts(&self, text: &str) -> bool {
        self.set
            .entry_spans(text)
            .any(|(entry, _)| entry == EXCEPTION)
    }

    /// Byte offset and length of the first phrase found in `text` (lower case), exceptions aside.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.phrases_unless_excepted(text, |_| false)?
            .into_iter()
            .min_by_key(|r| r.start)
    }
}

/// Whether `phrase` occurs in `text` as whole words: "mrs" is found in "(mrs) score" but not
/// in "mrsa". Both are expected in lower case.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    find_phrase(text, phrase).is_some()
}

/// Byte offset of the first whole-word occurrence of `phrase` in `text`.
pub fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric();
    let (hay, needle) = (text.as_bytes(), phrase.as_bytes());
    let mut from = 0;
    // The texts are names and short descriptions, searched for many phrases each: a jump to
    // the phrase's first byte costs less than setting up a substring searcher every time.
    // A phrase's first byte starts a character, so a match starts on a character boundary.
    while let Some(pos) = memchr::memchr(needle[0], &hay[from..]) {
        let start = from + pos;
        if !hay[start..].starts_with(needle) {
            from = start + 1;
            continue;
        }
        let end = start + phrase.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word(c));
        let after_ok = text[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Every whole-word occurrence of `phrase` in `text`, as byte ranges, left to right.
pub fn phrase_spans<'a>(
    text: &'a str,
    phrase: &'a str,
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + find_phrase(text.get(from..)?, phrase)?;
        from = at + phrase.len();
        Some(at..from)
    })
}

/// For each name (lower case), whether it is a whole-word part of a longer name of the list:
/// "cancer" beside "multiple myeloma (a blood cancer)", "testosterone" beside "testosterone
/// gel". The longer, narrower name says it all.
pub fn parts_of_longer(names: &[String]) -> Vec<bool> {
    names
        .iter()
        .map(|me| {
            names
                .iter()
                .any(|other| other.len() > me.len() && contains_phrase(other, me))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_every_whole_word_occurrence() {
        let spans: Vec<_> = phrase_spans("cause causes cause", "cause").collect();
        assert_eq!(spans, [0..5, 13..18]);
        let names = ["cancer", "multiple myeloma (a blood cancer)", "diabetes"].map(String::from);
        assert_eq!(parts_of_longer(&names), [true, false, false]);
    }

    #[test]
    fn a_negation_reaches_over_a_list_but_not_past_a_cause() {
        let text =
            "the decision was not based on any safety concerns and/or regulatory interactions";
        assert!(negated(text, text.find("regulatory").unwrap()));
        assert!(negated(text, text.find("safety").unwrap()));
        let text = "the study did not enroll enough patients due to safety concerns";
        assert!(!negated(text, text.find("safety").unwrap()));
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("change in (mrs) score", "mrs"));
        assert!(!contains_phrase("mrsa infection", "mrs"));
        assert!(!contains_phrase("secure storage", "cure"));
        assert!(contains_phrase("this may cure it", "cure"));
        assert!(contains_phrase("intravenous", "intravenous"));
        assert!(!contains_phrase("", "x"));
    }
}
