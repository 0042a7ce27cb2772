//! The repeat guard: a section whose word runs are mostly another's, that says a sentence of
//! another word for word, or that says one of its own sentences twice.
//!
//! Words are compared as numbers: each distinct lower-case word, and each of the trial's names
//! masked as one word, gets an id once per draft. The guard runs on every page the rules
//! writer makes, so it must cost little beside writing the page: runs of ids are compared
//! without allocating, and the run sets are hashed (the first version compared every run of
//! one section with every run of another as lists of strings, and took a third of a page's
//! time).

use super::meaning::error;
use crate::summary::{Warning, WarningCode};
// Fx hashing: the keys are our own short words and id runs, not attacker-chosen data that
// could flood one bucket, and SipHash was most of the guard's time.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A run of this many words found in two sections is one section repeating the other.
const SHINGLE: usize = 6;
/// The share of a section's word runs found in another that makes it a repeat.
const REPEAT_SHARE: f64 = 0.5;
const FOUND: &str = "what_the_trial_found";
/// A run of this many words (a name counted as one) found in two sections is a repeated clause,
/// even where neither says it as a whole sentence.
const LONG_RUN: usize = 10;

/// Words as ids (and back, for an excerpt).
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
    /// Where a word with capitals is lower-cased, reused from word to word.
    scratch: String,
}

impl Vocabulary {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(word.to_owned(), id);
        id
    }

    /// One word of a text (letters and digits), lower case, as an id.
    fn word(&mut self, word: &str) -> u32 {
        if word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return self.id(word);
        }
        if !word.is_ascii() {
            return self.id(&word.to_lowercase());
        }
        let mut lower = std::mem::take(&mut self.scratch);
        lower.clear();
        lower.push_str(word);
        lower.make_ascii_lowercase();
        let id = self.id(&lower);
        self.scratch = lower;
        id
    }

    /// The words of a run of ids; only an excerpt of a warning needs them.
    fn say(&self, run: &[u32]) -> String {
        let mut words = vec![""; self.ids.len()];
        for (word, &id) in &self.ids {
            words[id as usize] = word;
        }
        run.iter()
            .map(|&id| words[id as usize])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A name of the trial as ids, and the one id it is masked as.
struct Name {
    words: Vec<u32>,
    mask: u32,
}

/// Words with every name of the trial (what is tested, the conditions) made one word: a page
/// names its treatment in every section, and a long name is not a repeated sentence.
fn masked(words: &[u32], names: &[Name]) -> Vec<u32> {
    if names.is_empty() {
        return words.to_vec();
    }
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for name in names {
            if name.words.first() == Some(&words[i]) && words[i..].starts_with(&name.words) {
                out.push(name.mask);
                i += name.words.len();
                continue 'words;
            }
        }
        out.push(words[i]);
        i += 1;
    }
    out
}

/// A text's words with each name masked, and its sentences (ended by a stop and a space, so
/// "Claudin18.2" is one word) likewise, each masked on its own; the text is read once.
fn read(text: &str, names: &[Name], vocabulary: &mut Vocabulary) -> (Vec<u32>, Vec<Vec<u32>>) {
    let mut ids = Vec::new();
    let mut sentences = Vec::new();
    // The first word of the sentence being read, and where the word being read starts.
    let mut first = 0;
    let mut word_start = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            ids.push(vocabulary.word(&text[start..i]));
        }
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        if matches!(c, '.' | '!' | '?' | ';') && next_is_space {
            sentences.push(masked(&ids[first..], names));
            first = ids.len();
        }
    }
    if let Some(start) = word_start {
        ids.push(vocabulary.word(&text[start..]));
    }
    sentences.push(masked(&ids[first..], names));
    (masked(&ids, names), sentences)
}

/// Whether `run` occurs in `words`, word for word.
fn contains(words: &[u32], run: &[u32]) -> bool {
    let Some(&head) = run.first() else {
        return false;
    };
    words.windows(run.len()).any(|w| w[0] == head && w == run)
}

/// One section, read for repeats.
struct Said<'a> {
    name: &'a str,
    words: Vec<u32>,
    sentences: Vec<Vec<u32>>,
}

/// The repeat guard over the narrative sections (`names`: the trial's names of two words or
/// more, as lower-case words, longest first).
pub fn repeats(sections: &[(&str, &str)], names: &[Vec<String>], out: &mut Vec<Warning>) {
    let mut vocabulary = Vocabulary::default();
    let names: Vec<Name> = names
        .iter()
        .map(|words| Name {
            words: words.iter().map(|w| vocabulary.id(w)).collect(),
            mask: vocabulary.id(&format!("«{}»", words.join(" "))),
        })
        .collect();
    let said: Vec<Said> = sections
        .iter()
        .filter(|(name, _)| *name != "active_substance")
        .map(|(name, text)| {
            let (words, mut sentences) = read(text, &names, &mut vocabulary);
            sentences.retain(|s| s.len() >= SHINGLE);
            Said {
                name,
                words,
                sentences,
            }
        })
        .collect();
    let runs: Vec<HashSet<&[u32]>> = said
        .iter()
        .map(|s| s.words.windows(SHINGLE).collect())
        .collect();
    // A sentence of `a` found word for word in `b` (whose runs are `b_runs`): a sentence (of
    // `SHINGLE` words or more) that `b` says begins with one of `b`'s runs, which is asked
    // first.
    let sentence_of = |a: &Said, b: &Said, b_runs: &HashSet<&[u32]>| {
        a.sentences
            .iter()
            .find(|s| b_runs.contains(&s[..SHINGLE]) && contains(&b.words, s))
            .map(|s| vocabulary.say(s))
    };
    for (i, later) in said.iter().enumerate() {
        // One section saying a sentence twice; the results section says one per group, and
        // the groups' names are left out of the words checked here.
        let inside = |j: usize, s: &[u32]| {
            later
                .sentences
                .iter()
                .enumerate()
                .any(|(k, other)| k != j && contains(other, s))
        };
        if later.name != FOUND {
            if let Some((_, twice)) = later
                .sentences
                .iter()
                .enumerate()
                .find(|(j, s)| inside(*j, s))
            {
                out.push(error(
                    later.name,
                    WarningCode::RepeatedSection,
                    &vocabulary.say(twice),
                    "says the same sentence twice".into(),
                ));
            }
        }
        for (e, earlier) in said[..i].iter().enumerate() {
            let shared = runs[i].intersection(&runs[e]).count();
            let fewer = runs[i].len().min(runs[e].len());
            let mostly = fewer > 0 && shared as f64 >= REPEAT_SHARE * fewer as f64;
            // The results section may restate what was measured and why the trial stopped.
            let clause = if later.name == FOUND || earlier.name == FOUND {
                None
            } else {
                later
                    .words
                    .windows(LONG_RUN)
                    .find(|run| runs[e].contains(&run[..SHINGLE]) && contains(&earlier.words, run))
                    .map(|run| vocabulary.say(run))
            };
            let sentence = sentence_of(later, earlier, &runs[e])
                .or_else(|| sentence_of(earlier, later, &runs[i]))
                .or(clause);
            if mostly || sentence.is_some() {
                // The first run the two share, in the later section's order.
                let excerpt = sentence
                    .or_else(|| {
                        later
                            .words
                            .windows(SHINGLE)
                            .find(|run| runs[e].contains(run))
                            .map(|run| vocabulary.say(run))
                    })
                    .unwrap_or_default();
                out.push(error(
                    later.name,
                    WarningCode::RepeatedSection,
                    &excerpt,
                    format!(
                        "repeats {}; each section says something of its own",
                        earlier.name
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(sections: &[(&str, &str)], names: &[&str]) -> Vec<String> {
        let names: Vec<Vec<String>> = names
            .iter()
            .map(|n| n.split(' ').map(str::to_owned).collect())
            .collect();
        let mut out = Vec::new();
        repeats(sections, &names, &mut out);
        out.into_iter()
            .map(|w| format!("{}: {}", w.section, w.excerpt))
            .collect()
    }

    #[test]
    fn a_sentence_said_again_in_another_section_is_a_repeat() {
        let found = codes(
            &[
                (
                    "summary",
                    "This trial tests a new pill for people with asthma. It is small.",
                ),
                (
                    "what_could_go_wrong",
                    "The pill may not help. This trial tests a new pill for people with asthma.",
                ),
            ],
            &[],
        );
        assert_eq!(
            found,
            ["what_could_go_wrong: this trial tests a new pill for people with asthma"]
        );
    }

    #[test]
    fn a_sentence_said_twice_in_one_section_is_a_repeat() {
        let text =
            "Researchers will follow them for a year. Researchers will follow them for a year.";
        assert_eq!(
            codes(&[("summary", text)], &[]),
            ["summary: researchers will follow them for a year"]
        );
    }

    #[test]
    fn a_long_name_in_every_section_is_no_repeat() {
        let name = "certolizumab pegol and methotrexate and folic acid tablets";
        let found = codes(
            &[
                (
                    "summary",
                    &format!("This trial tests {name} in adults. Half get a placebo instead."),
                ),
                (
                    "what_could_go_wrong",
                    &format!("Side effects of {name} in adults are possible for some people."),
                ),
            ],
            &[name],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_results_section_may_say_one_sentence_per_group() {
        let text = "In the first group, 3 of 10 people had serious problems and 4 of 10 had other \
                    problems. In the second group, 3 of 10 people had serious problems and 4 of 10 \
                    had other problems.";
        assert!(codes(&[(FOUND, text)], &[]).is_empty());
    }
}
