//! Contact details: a page carries no phone number or e-mail address. Digits that belong to a
//! code the record names itself by (an NCT id, a drug code) are not a phone number.

use crate::trial::Trial;

/// Whether digits shaped like a phone number are a code the record names itself by: one
/// unbroken run of digits in its NCT id or an intervention's name or other name ("BI 1015550").
/// Digits with separators ("+1 (555) 010-2030") are a phone number wherever they stand.
pub(super) fn names_a_code(found: &str, trial: &Trial) -> bool {
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
        if bytes[i] == b'+' || bytes[i].is_ascii_digit() {
            let start = i;
            let glued = start > 0 && bytes[start - 1].is_ascii_alphabetic();
            let after_prefix = start > 0
                && b"-#: ".contains(&bytes[start - 1])
                && code_prefix(&bytes[..start - 1]);
            let mut digits = 0;
            let mut end = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-(). ".contains(&bytes[i])) {
                if bytes[i].is_ascii_digit() {
                    digits += 1;
                    end = i + 1;
                }
                i += 1;
            }
            // Letters written apart make a code only of one unbroken run of digits ("NCT
            // 07635758"); "TEL 555 0100 123" is a phone number.
            let code =
                glued || (after_prefix && text[start..end].bytes().all(|b| b.is_ascii_digit()));
            if digits >= 7 && !code {
                found.push(text[start..end].trim());
            }
        }
        i += 1;
    }
    found
}

/// Whether a text ends in a code's letters, written apart from its digits: "NCT 07635758",
/// "BI 1015550", "ID#": two to five capitals, or the letters just before a hyphen ("PF-").
fn code_prefix(before: &[u8]) -> bool {
    let letters = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let word = &before[before.len() - letters..];
    let starts_word =
        letters == before.len() || !before[before.len() - letters - 1].is_ascii_alphanumeric();
    starts_word && (2..=5).contains(&letters) && word.iter().all(|b| b.is_ascii_uppercase())
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
    fn drug_codes_and_registry_ids_are_not_phone_numbers() {
        for code in [
            "Testing LY2452473 and tadalafil",
            "NNC0519-0130 once weekly",
            "PF-00446687 tablets",
            "GSK4428859A",
            "see NCT01234567",
            // As a model writes them: spaced, in brackets, after a sign.
            "The trial NCT 07635758 tests cells.",
            "(NCT07635758)",
            "registered as NCT-07635758.",
            "Study ID: NCT#07635758",
            "Testing BI 1015550 in adults",
            "LY 2452473 tablets",
        ] {
            assert!(contact_details(code).is_empty(), "{code}");
        }
        // Digits standing on their own are still a phone number, and so are digits after a
        // word that is not a code.
        assert_eq!(contact_details("call 555 0100 123"), vec!["555 0100 123"]);
        assert_eq!(contact_details("Call 5550100123"), vec!["5550100123"]);
        assert_eq!(contact_details("Tel: 555 0100 123"), vec!["555 0100 123"]);
        assert_eq!(contact_details("TEL 555 0100 123"), vec!["555 0100 123"]);
        assert_eq!(contact_details("FAX: 5550100123"), vec!["5550100123"]);
    }
}
