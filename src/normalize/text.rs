//! Registry free text and quantities made safe to reuse: markup, entities and control
//! characters cleaned, ages and time units read.

use crate::trial::*;

/// "18 Years", "6 Months", "28 days" → an [`Age`]; anything else (e.g. "N/A") → `None`.
pub fn age(raw: &str) -> Option<Age> {
    let mut words = raw.split_whitespace();
    let amount: u32 = words.next()?.parse().ok()?;
    let unit = time_unit(words.next()?)?;
    Some(Age { amount, unit })
}

/// The unit a registry word names, in any of its spellings.
pub fn time_unit(word: &str) -> Option<TimeUnit> {
    let w = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_ascii_lowercase();
    Some(match w.as_str() {
        "minute" | "minutes" | "min" | "mins" => TimeUnit::Minute,
        "hour" | "hours" | "hr" | "hrs" | "h" => TimeUnit::Hour,
        "day" | "days" | "d" => TimeUnit::Day,
        "week" | "weeks" | "wk" | "wks" | "w" => TimeUnit::Week,
        "month" | "months" | "mo" | "mos" | "m" => TimeUnit::Month,
        "year" | "years" | "yr" | "yrs" | "y" => TimeUnit::Year,
        _ => return None,
    })
}

/// The bytes `clean` copies as they are: printable ASCII but for the starts of tags and
/// entities. A table, as it is asked of every byte of every text of a record.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_graphic() && byte != b'<' && byte != b'&';
        b += 1;
    }
    table
};

/// Registry free text made safe to reuse: tags dropped, the common entities decoded, control
/// characters removed, white space collapsed. `None` when nothing is left.
pub fn clean(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    // One pass: drop tags, decode the common entities, fold every run of whitespace and control
    // characters to one space. Decoded text is pushed as text, so "&lt;b&gt;" stays "<b>".
    // Runs of plain ASCII, most of any record, are copied whole.
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    let push = |out: &mut String, space: &mut bool, text: &str| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push_str(text);
    };
    let plain = |b: u8| PLAIN[usize::from(b)];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' {
            space = true;
            i += 1;
            continue;
        }
        if plain(b) {
            // A run of words with single spaces between them is copied as it stands.
            let start = i;
            loop {
                while i < bytes.len() && plain(bytes[i]) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(|&n| plain(n)) {
                    i += 1;
                    continue;
                }
                break;
            }
            push(&mut out, &mut space, &raw[start..i]);
            continue;
        }
        let rest = &raw[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let mut step = c.len_utf8();
        match c {
            // A '<' that opens a tag (a letter or '/' follows) starts markup to drop; a lone
            // '<' as in "< 18 years" is text.
            '<' if bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/' || *n == b'!') =>
            {
                step = rest.find('>').map_or(rest.len(), |end| end + 1);
                space = true;
            }
            '&' => match entity(rest) {
                Some((' ', len)) => {
                    step = len;
                    space = true;
                }
                Some((decoded, len)) => {
                    step = len;
                    push(&mut out, &mut space, decoded.encode_utf8(&mut [0; 4]));
                }
                None => push(&mut out, &mut space, "&"),
            },
            c if c.is_whitespace() || c.is_control() => space = true,
            // Zero-width and bidi controls hide text from the reader; they carry no meaning.
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}' => {}
            _ => push(&mut out, &mut space, &rest[..step]),
        }
        i += step;
    }
    (!out.is_empty()).then_some(out)
}

/// The character an HTML entity at the start of `text` stands for, and the entity's length.
fn entity(text: &str) -> Option<(char, usize)> {
    const ENTITIES: [(&str, char); 6] = [
        ("&nbsp;", ' '),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    ENTITIES
        .iter()
        .find(|(name, _)| text.starts_with(name))
        .map(|(name, c)| (*c, name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_in_registry_spellings() {
        assert_eq!(
            age("18 Years"),
            Some(Age {
                amount: 18,
                unit: TimeUnit::Year
            })
        );
        assert_eq!(
            age("6 Months"),
            Some(Age {
                amount: 6,
                unit: TimeUnit::Month
            })
        );
        assert_eq!(
            age("28 days"),
            Some(Age {
                amount: 28,
                unit: TimeUnit::Day
            })
        );
        assert_eq!(age("N/A"), None);
    }

    #[test]
    fn markup_and_control_characters_are_cleaned() {
        assert_eq!(
            clean(Some(
                "<b>Stem</b>\u{0007} cells\n\n&amp; <script>x</script> saline\u{200B}"
            ))
            .as_deref(),
            Some("Stem cells & x saline")
        );
        assert_eq!(
            clean(Some("age < 18 years")).as_deref(),
            Some("age < 18 years")
        );
        assert_eq!(clean(Some("  \n ")), None);
    }

    #[test]
    fn spaces_fold_to_one_wherever_they_are() {
        for (raw, want) in [
            ("a b  c", "a b c"),
            (" lead and trail ", "lead and trail"),
            ("x <b>y</b> z", "x y z"),
            ("a &amp; b", "a & b"),
            ("one,\ttwo\u{00A0}three", "one, two three"),
            ("é and  ü", "é and ü"),
        ] {
            assert_eq!(clean(Some(raw)).as_deref(), Some(want), "{raw:?}");
        }
    }
}
