//! Flesch–Kincaid grade and Flesch reading ease, with the sentence and word splitting the
//! check step also uses for its long-sentence rule.

/// Counts of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl Readability {
    pub fn of(text: &str) -> Self {
        read(text).0
    }

    /// Flesch–Kincaid grade level: years of school needed to read the text.
    pub fn grade(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        round1(0.39 * self.words_per_sentence() + 11.8 * self.syllables_per_word() - 15.59)
    }

    /// Flesch reading ease: 0 (hard) to 100 (easy); 60–70 is plain English.
    pub fn ease(&self) -> f64 {
        if self.words == 0 {
            return 100.0;
        }
        round1(206.835 - 1.015 * self.words_per_sentence() - 84.6 * self.syllables_per_word())
    }

    fn words_per_sentence(&self) -> f64 {
        self.words as f64 / self.sentences as f64
    }

    fn syllables_per_word(&self) -> f64 {
        self.syllables as f64 / self.words as f64
    }
}

/// A text's counts and its sentences, each with its number of words, in one reading: the
/// check step needs both, and a sentence ends before white space, so every word of the text
/// is in one of its sentences.
pub fn read(text: &str) -> (Readability, Vec<(&str, usize)>) {
    let mut counts = Readability {
        words: 0,
        sentences: 0,
        syllables: 0,
    };
    let counted: Vec<(&str, usize)> = sentences(text)
        .into_iter()
        .map(|sentence| {
            let mut words = 0;
            for w in words_of(sentence) {
                words += 1;
                counts.syllables += syllables_in(w);
            }
            counts.words += words;
            (sentence, words)
        })
        .collect();
    counts.sentences = counted.len().max(1);
    (counts, counted)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The sentences of a text: a sentence ends at '.', '!' or '?' followed by white space or the
/// end, unless the stop ends a short abbreviation ("e.g.", "Dr.").
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'!' | b'?') {
            continue;
        }
        let at_end = i + 1 == bytes.len();
        let before_space = bytes.get(i + 1).is_some_and(|n| n.is_ascii_whitespace());
        if !(at_end || before_space) {
            continue;
        }
        let last_word = text[start..i].rsplit(' ').next().unwrap_or("");
        if b == b'.' && !at_end && is_abbreviation(last_word) {
            continue;
        }
        let s = text[start..=i].trim();
        if !s.is_empty() {
            out.push(s);
        }
        start = i + 1;
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn is_abbreviation(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "e.g" | "i.e" | "dr" | "vs" | "no" | "st" | "mr" | "mrs" | "ms" | "etc"
    )
}

/// The words of a text: runs between white space that hold a letter or digit.
pub fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Syllables in an English word, by the usual vowel-group count.
pub fn syllables_in(word: &str) -> usize {
    // Most words are short and ASCII: their letters are gathered on the stack, not the heap.
    let mut buf = [0u8; 32];
    let owned: String;
    let letters: &str = if word.is_ascii() && word.len() <= buf.len() {
        let mut n = 0;
        for b in word.bytes().filter(u8::is_ascii_alphabetic) {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
        std::str::from_utf8(&buf[..n]).unwrap_or_default()
    } else {
        owned = word
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        &owned
    };
    if letters.is_empty() {
        // A figure: "24" is read "twenty-four".
        let digits = word.chars().filter(char::is_ascii_digit).count();
        return digits.clamp(1, 3);
    }
    // Hyphenated words count each part: "early-stage" is early + stage.
    if word.contains('-') {
        return word
            .split('-')
            .filter(|p| !p.is_empty())
            .map(syllables_in)
            .sum::<usize>()
            .max(1);
    }
    if letters.len() <= 3 {
        return 1;
    }
    let mut w = letters;
    for suffix in ["es", "ed"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            if !stem.ends_with('t') && !stem.ends_with('d') && stem.len() > 2 {
                w = stem;
            }
        }
    }
    if w.ends_with('e') && !w.ends_with("le") && w.len() > 3 {
        w = &w[..w.len() - 1];
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    let mut prev_vowel = false;
    for c in w.chars() {
        let v = is_vowel(c);
        if v && !prev_vowel {
            count += 1;
        }
        prev_vowel = v;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_common_words() {
        for (w, n) in [
            ("the", 1),
            ("trial", 1),
            ("people", 2),
            ("placebo", 3),
            ("early-stage", 3),
            ("recovered", 3),
            ("independence", 4),
            ("24", 2),
        ] {
            assert_eq!(syllables_in(w), n, "{w}");
        }
    }

    #[test]
    fn sentences_split_on_stops_but_not_abbreviations() {
        let s = sentences("About 24 people will take part. They get e.g. pills! Is it safe? Yes");
        assert_eq!(
            s,
            vec![
                "About 24 people will take part.",
                "They get e.g. pills!",
                "Is it safe?",
                "Yes"
            ]
        );
    }

    #[test]
    fn plain_text_scores_as_plain() {
        let r = Readability::of("The cat sat on the mat. It was a warm day.");
        assert!(r.grade() < 3.0, "{}", r.grade());
        assert!(r.ease() > 90.0, "{}", r.ease());
        let hard = Readability::of(
            "Investigational pharmacokinetic characterization necessitates comprehensive longitudinal evaluation methodologies.",
        );
        assert!(hard.grade() > 16.0, "{}", hard.grade());
    }
}
