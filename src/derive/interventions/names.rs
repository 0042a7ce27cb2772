//! How products are named on a page: the products a registered name speaks of, plain names,
//! the registry's type codes, and whether a product is taken into the body.

use super::nature::{active_parts, is_uninformative, without_label};
use crate::facts::*;
use crate::lexicon::Lexicon;
use crate::trial::*;

/// Whether a product is taken into the body: by its registry type, or for an `OTHER`,
/// procedure or device, by its name ("A2 milk", "oxygen", "allergen extracts").
pub(crate) fn is_substance(iv: &Intervention, lexicon: &Lexicon) -> bool {
    match iv.kind {
        InterventionKind::Drug
        | InterventionKind::Biological
        | InterventionKind::Genetic
        | InterventionKind::DietarySupplement => true,
        // A drug with its device, unless the name says it is a device or an app.
        InterventionKind::CombinationProduct => {
            !lexicon.roles.substance.excepts(&iv.name.to_lowercase())
        }
        // A radioactive medicine is registered as radiation: NCT01300572's "Yttrium Y 90
        // Anti-CD45 Monoclonal Antibody BC8", given through a central line.
        InterventionKind::Other
        | InterventionKind::Procedure
        | InterventionKind::Device
        | InterventionKind::Radiation => {
            lexicon.roles.substance.marks(&iv.name.to_lowercase())
                // An OTHER often names a study step, and a device may be the kit that prepares
                // what is given ("GID SVF-2", NCT03886402: "the subjects own cells"); the
                // description says what is given.
                || (matches!(iv.kind, InterventionKind::Other | InterventionKind::Device)
                    && iv.description.as_deref().is_some_and(|d| {
                        lexicon.roles.substance_described.marks(&d.to_lowercase())
                    }))
        }
        _ => false,
    }
}

/// The products a registered name speaks of: "Cohort expansion: Triplet combination of
/// COM902 + COM701 + Pembrolizumab." is COM902, COM701 and Pembrolizumab; "Dose escalation:
/// COM902 monotherapy." is COM902. Most names are one product and come back whole.
pub(crate) fn components(name: &str, lexicon: &Lexicon) -> Vec<String> {
    let words = &lexicon.roles.names;
    let mut rest = without_label(name, lexicon).trim_end_matches('.').trim();
    let lower = rest.to_lowercase();
    if words.about.iter().any(|a| lower.starts_with(a.as_str())) {
        if let Some(at) = lower.rfind(" of ") {
            rest = rest[at + 4..].trim();
        }
    }
    let mut parts = vec![rest.to_owned()];
    for join in &words.joins {
        parts = parts
            .iter()
            .flat_map(|p| {
                let lower = p.to_lowercase();
                let mut out = Vec::new();
                let mut from = 0;
                while let Some(at) = lower[from..].find(join.as_str()) {
                    out.push(p[from..from + at].to_owned());
                    from += at + join.len();
                }
                out.push(p[from..].to_owned());
                out
            })
            .collect();
    }
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let mut part = part.trim().to_owned();
        for d in &words.drop {
            let lower = part.to_lowercase();
            if let Some(at) = crate::lexicon::find_phrase(&lower, d) {
                part.replace_range(at..at + d.len(), "");
                part = part.split_whitespace().collect::<Vec<_>>().join(" ");
            }
        }
        // "Using Indocyanine Green" is indocyanine green; "Peanut Consumption Group" is peanut
        // consumption.
        if part.to_lowercase().starts_with("using ") {
            part = part[6..].to_owned();
        }
        for word in [" group", " arm", " cohort"] {
            if part.to_lowercase().ends_with(word) && part.len() > word.len() {
                part.truncate(part.len() - word.len());
            }
        }
        // A dose before the name goes: "5 mg Tadalafil" is tadalafil.
        let lead: Vec<&str> = part.splitn(3, ' ').collect();
        if lead.len() == 3
            && lead[0]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            && ["mg", "g", "mcg", "µg", "ml", "iu", "units", "%"]
                .contains(&lead[1].to_lowercase().as_str())
        {
            part = lead[2].to_owned();
        }
        // Schedules and delivery details end the name, when a name is left before them.
        let lower = part.to_lowercase();
        if let Some(at) = words
            .cut
            .iter()
            .filter_map(|c| crate::lexicon::find_phrase(&lower, c))
            .filter(|&at| {
                at > 0
                    && lower[..at]
                        .trim()
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .count()
                        >= 3
            })
            .min()
        {
            part.truncate(at);
        }
        // A bracketed abbreviation of the schedule ("[T(OaD)]") goes with it.
        if let Some(open) = part.find('[') {
            if open > 0 {
                part.truncate(open);
            }
        }
        // A parenthesis left open by the split, or one that only holds a code or a dose note
        // ("COM902 (RDFE)", "COM701 (both at the RDFE)"), goes; "(Vitamin D3)" stays.
        if let Some(open) = part.find('(') {
            let inside = part[open + 1..].trim_end_matches(')');
            // In a name all in capitals, a bracketed word is a brand, not a code.
            let shouted = shouts(&part[..open])
                && inside.chars().all(char::is_alphabetic)
                && inside.len() >= 4;
            let code = !inside.contains(' ')
                && inside.chars().all(|c| !c.is_lowercase())
                && open > 0
                && !shouted;
            // "(Papavarine 30mg/mL Phentholamine 1mg/mL …)": the doses of what the name holds.
            let doses = {
                let lower = inside.to_lowercase();
                ["mg", "mcg", "µg", "ml", "units", "iu"].iter().any(|unit| {
                    lower.match_indices(unit).any(|(at, _)| {
                        lower[..at]
                            .trim_end()
                            .ends_with(|c: char| c.is_ascii_digit())
                    })
                })
            };
            if !part[open..].contains(')')
                || code
                || doses
                || inside.to_lowercase().starts_with("both")
            {
                part.truncate(open);
            }
        }
        // Marks of trade go, and what a cut left dangling: "omalizumab at a", "(SLIT) -",
        // "galcanezumab 300".
        let mut part = part.replace(['®', '™'], "");
        loop {
            let trimmed = part
                .trim()
                .trim_end_matches(['.', ',', '-', ':', ';', '('])
                .trim();
            let last = trimmed.rsplit(' ').next().unwrap_or("");
            let dangling = [
                "at", "a", "an", "of", "in", "with", "the", "and", "or", "as", "to", "for", "by",
            ]
            .contains(&last.to_lowercase().as_str())
                || (last.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && trimmed.contains(' ')
                    && !is_code_number(&trimmed[..trimmed.len() - last.len()], last));
            if dangling && trimmed.contains(' ') {
                part = trimmed[..trimmed.len() - last.len()].to_owned();
            } else {
                part = trimmed.to_owned();
                break;
            }
        }
        if !part.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&part)) {
            out.push(part);
        }
    }
    if out.is_empty() {
        vec![name.to_owned()]
    } else {
        out
    }
}

/// "T 614" is a code: a letter or two and a whole number, which is part of the name, where
/// "galcanezumab 300" and "K-877 0.2" end in a dose.
fn is_code_number(before: &str, number: &str) -> bool {
    let before = before.trim();
    !number.contains('.')
        && !before.is_empty()
        && before.len() <= 2
        && before.chars().all(|c| c.is_ascii_uppercase())
}

/// How much of a name the title holds, in percent of its words: "Yttrium Y 90 Anti-CD45
/// Monoclonal Antibody BC8" is mostly in "Yttrium-90 Anti-CD45 Monoclonal Antibody BC8 Followed
/// by Donor Stem Cell Transplant".
pub(crate) fn title_share(name: &str, title: &str) -> u32 {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 2)
            .map(str::to_owned)
            .collect()
    };
    let title = words(title);
    let name = words(name);
    if name.is_empty() {
        return 0;
    }
    let shared = name.iter().filter(|w| title.contains(w)).count();
    u32::try_from(shared * 100 / name.len()).unwrap_or(0)
}

/// An intervention's name in plain words: the lexicon's, else the registered name in lower
/// case. Device names are brands: they keep the maker's spelling.
pub(crate) fn plain(iv: &Intervention, lexicon: &Lexicon) -> String {
    let name = match (active_parts(iv, lexicon), spelled_out(iv)) {
        (Some(part), _) => part,
        (None, Some((_, words))) => words,
        (None, None) => iv.name.as_str(),
    };
    described_treatment(iv, lexicon)
        .or_else(|| lexicon.treatment(name))
        .map_or_else(
            || {
                if iv.kind == InterventionKind::Device {
                    name.to_owned()
                } else {
                    plain_name(&brand_last(name))
                }
            },
            |t| t.plain.clone(),
        )
}

/// The treatment a generic name's description names: "Treatment", described "Low intensity
/// shockwave treatment …", is shockwave therapy (`roles.toml` `[names] generic`, and the
/// treatments lexicon).
pub(crate) fn described_treatment<'l>(
    iv: &Intervention,
    lexicon: &'l Lexicon,
) -> Option<&'l crate::lexicon::TreatmentEntry> {
    let generic = lexicon
        .roles
        .names
        .generic
        .iter()
        .any(|g| g.eq_ignore_ascii_case(iv.name.trim()));
    if !generic {
        return None;
    }
    lexicon
        .treatment(iv.description.as_deref()?)
        .filter(|t| !t.test)
}

/// A name that is only a short code ("CPM") whose other names spell it out
/// ("Chlorpheniramine"): the page names the product by the words, not the letters.
/// Gives the index of that other name and the name.
pub(crate) fn spelled_out(iv: &Intervention) -> Option<(usize, &str)> {
    let code = iv.name.trim();
    let only_capitals =
        !code.is_empty() && code.len() <= 5 && code.chars().all(|c| c.is_ascii_uppercase());
    if !only_capitals {
        return None;
    }
    iv.other_names
        .iter()
        .map(|n| n.trim())
        .enumerate()
        .find(|(_, n)| n.chars().any(char::is_lowercase) && !is_uninformative(n))
}

/// "ALTIM, cortivazol injections" reads as "cortivazol injections (ALTIM)": a brand in
/// capitals before a comma goes after the words that say what it is.
fn brand_last(name: &str) -> std::borrow::Cow<'_, str> {
    match name.split_once(", ") {
        Some((brand, what))
            if !brand.contains(' ')
                && brand.len() >= 3
                && brand.chars().all(|c| !c.is_lowercase())
                && what.chars().any(char::is_lowercase) =>
        {
            format!("{what} ({brand})").into()
        }
        _ => name.into(),
    }
}

/// The registry's spelling of an intervention type.
pub(crate) fn type_code(kind: &InterventionKind) -> &'static str {
    match kind {
        InterventionKind::Drug => "DRUG",
        InterventionKind::Biological => "BIOLOGICAL",
        InterventionKind::Device => "DEVICE",
        InterventionKind::Procedure => "PROCEDURE",
        InterventionKind::Radiation => "RADIATION",
        InterventionKind::Behavioral => "BEHAVIORAL",
        InterventionKind::Genetic => "GENETIC",
        InterventionKind::DietarySupplement => "DIETARY_SUPPLEMENT",
        InterventionKind::CombinationProduct => "COMBINATION_PRODUCT",
        InterventionKind::DiagnosticTest => "DIAGNOSTIC_TEST",
        InterventionKind::Other => "OTHER",
    }
}

pub(crate) fn treatment_kind(kind: &InterventionKind) -> TreatmentKind {
    match kind {
        InterventionKind::Drug
        | InterventionKind::Biological
        | InterventionKind::Genetic
        | InterventionKind::CombinationProduct => TreatmentKind::Medicine,
        InterventionKind::DietarySupplement => TreatmentKind::Supplement,
        InterventionKind::Device => TreatmentKind::Device,
        InterventionKind::Procedure => TreatmentKind::Procedure,
        InterventionKind::Radiation => TreatmentKind::Radiation,
        InterventionKind::Behavioral => TreatmentKind::Behavioral,
        InterventionKind::DiagnosticTest => TreatmentKind::Test,
        InterventionKind::Other => TreatmentKind::Other,
    }
}

/// A registered name as it reads in a sentence: lower case, except words that are acronyms or
/// codes ("APG-2575", "CT", "tVNS") and names with capitals inside, which keep their spelling.
pub fn plain_name(name: &str) -> String {
    // A name all in capitals ("ANTI-IGE THERAPY (XOLAIR)") shouts: its capitals say nothing
    // about which words are acronyms, so its long words read in lower case and a brand in
    // brackets gets one capital ("ANTI-IGE therapy (Xolair)").
    if shouts(name) {
        return name.split(' ').map(unshout).collect::<Vec<_>>().join(" ");
    }
    name.split(' ')
        .map(|w| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            let keep = w.chars().any(|c| c.is_ascii_digit())
                || letters.iter().skip(1).any(|c| c.is_uppercase())
                || letters.len() == 1;
            if keep {
                w.to_owned()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name in capitals with two long words of letters only ("THERAPY", "XOLAIR"): "ELDOA",
/// "COVID 19", "3D-CRT/IMRT" and "COM902 (RDFE)" are acronyms and codes.
fn shouts(name: &str) -> bool {
    !name.chars().any(char::is_lowercase)
        && name
            .split([' ', '(', ')'])
            .filter(|w| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 5
                    && w.chars().all(|c| c.is_alphabetic() || c == '-')
            })
            .count()
            >= 2
}

/// One word of a name in capitals: parts of five letters or more and small joining words in
/// lower case, other short ones kept as acronyms; a bracketed word with one capital.
fn unshout(word: &str) -> String {
    let bracketed = word.starts_with('(');
    let mut out = String::with_capacity(word.len());
    for (i, part) in word.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        let letters = part.chars().filter(|c| c.is_alphabetic()).count();
        let small = ["AND", "OR", "OF", "WITH", "THE", "FOR", "IN", "PLUS"].contains(&part);
        if small {
            out.push_str(&part.to_lowercase());
        } else if letters < 5 || !part.chars().all(|c| c.is_alphabetic() || "()".contains(c)) {
            out.push_str(part);
        } else if bracketed && i == 0 {
            let mut first = true;
            for c in part.chars() {
                if first && c.is_alphabetic() {
                    out.push(c);
                    first = false;
                } else {
                    out.extend(c.to_lowercase());
                }
            }
        } else {
            out.push_str(&part.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::test_support::*;

    fn parts(name: &str) -> Vec<String> {
        components(name, &lexicon())
    }

    #[test]
    fn a_name_of_several_products_names_each_once() {
        assert_eq!(
            parts("Cohort expansion: Triplet combination of COM902 + COM701 + Pembrolizumab."),
            ["COM902", "COM701", "Pembrolizumab"]
        );
        assert_eq!(parts("Dose escalation: COM902 monotherapy."), ["COM902"]);
        assert_eq!(
            parts("Evaluation of headache inducing capabilities of PACAP38"),
            ["PACAP38"]
        );
        assert_eq!(
            parts("Cohort expansion: COM902 (RDFE) monotherapy."),
            ["COM902"]
        );
        assert_eq!(
            parts("ANTI-IGE THERAPY (XOLAIR)"),
            ["ANTI-IGE THERAPY (XOLAIR)"]
        );
    }

    #[test]
    fn doses_and_schedules_are_not_part_of_a_name() {
        assert_eq!(parts("Poziotinib Once Daily Dosing"), ["Poziotinib"]);
        assert_eq!(parts("5 mg Tadalafil"), ["Tadalafil"]);
        assert_eq!(parts("Galcanezumab 300"), ["Galcanezumab"]);
        assert_eq!(parts("K-877 0.2"), ["K-877"]);
        // A letter and a number is a code, not a name and a dose.
        assert_eq!(parts("T 614"), ["T 614"]);
        assert_eq!(parts("Omalizumab at a dose of 300 mg"), ["Omalizumab"]);
        assert_eq!(parts("EndeavorOTC®"), ["EndeavorOTC"]);
        assert_eq!(parts("tadalafil once a day [T(OaD)]"), ["tadalafil"]);
        assert_eq!(
            parts("Medtronic Infinity System using the O-arm Imaging System"),
            ["Medtronic Infinity System"]
        );
        assert_eq!(
            parts("Trimix combination (Papavarine 30mg/mL Phentholamine 1mg/mL)"),
            ["Trimix combination"]
        );
        // A plain name in brackets stays: it is what most readers know.
        assert_eq!(
            parts("cholecalciferol (Vitamin D3)"),
            ["cholecalciferol (Vitamin D3)"]
        );
    }

    #[test]
    fn substances_by_type_or_by_name() {
        use InterventionKind::*;
        let lex = lexicon();
        let is = |kind, name| is_substance(&trial_with(&[(kind, name, "")]).interventions[0], &lex);
        assert!(is(DietarySupplement, "Vitamin D3"));
        assert!(is(Other, "A2 Milk"));
        assert!(is(Device, "hyperbaric oxygen therapy"));
        assert!(!is(Device, "oxygen mask"));
        assert!(!is(Behavioral, "Yoga"));
        // NCT01300572: a radioactive antibody registered as radiation is still a medicine.
        assert!(is(
            Radiation,
            "Yttrium Y 90 Anti-CD45 Monoclonal Antibody BC8"
        ));
        assert!(!is(Radiation, "Total-Body Irradiation"));
    }

    #[test]
    fn the_title_share_ranks_what_the_title_names() {
        let title =
            "Yttrium-90 Anti-CD45 Monoclonal Antibody BC8 Followed by Donor Stem Cell Transplant";
        assert!(
            title_share("Yttrium Y 90 Anti-CD45 Monoclonal Antibody BC8", title)
                > title_share("Allogeneic Bone Marrow Transplantation", title)
        );
    }

    #[test]
    fn a_brand_before_a_comma_goes_after_what_it_is() {
        let iv = &trial_with(&[(InterventionKind::Drug, "ALTIM, cortivazol injections", "")])
            .interventions[0];
        assert_eq!(plain(iv, &lexicon()), "cortivazol injections (ALTIM)");
    }

    #[test]
    fn a_code_spelled_out_by_its_other_name_reads_as_the_words() {
        let mut trial = trial_with(&[(InterventionKind::Drug, "CPM", "1.25 mg per nostril")]);
        trial.interventions[0].other_names = vec!["Chlorpheniramine".to_owned()];
        let iv = &trial.interventions[0];
        assert_eq!(spelled_out(iv), Some((0, "Chlorpheniramine")));
        assert_eq!(plain(iv, &lexicon()), "chlorpheniramine");
        // Other names that are codes too, or names that are words already, are left alone.
        let mut trial = trial_with(&[(InterventionKind::Drug, "PPI", "")]);
        trial.interventions[0].other_names = vec!["PLB".to_owned()];
        assert_eq!(spelled_out(&trial.interventions[0]), None);
        let mut trial = trial_with(&[(InterventionKind::Drug, "Placebo", "")]);
        trial.interventions[0].other_names = vec!["Sugar pill".to_owned()];
        assert_eq!(spelled_out(&trial.interventions[0]), None);
    }

    #[test]
    fn a_generic_name_reads_as_what_its_description_names() {
        let lex = lexicon();
        let trial = trial_with(&[(
            InterventionKind::Device,
            "Treatment",
            "Low intensity shockwave treatment using an electromagnetic emitter",
        )]);
        assert_eq!(plain(&trial.interventions[0], &lex), "shockwave therapy");
        // A description the lexicon does not know leaves the generic name to what it was.
        let trial = trial_with(&[(InterventionKind::Device, "Treatment", "a new device")]);
        assert!(described_treatment(&trial.interventions[0], &lex).is_none());
    }

    #[test]
    fn registered_names_read_in_lower_case_but_keep_codes() {
        assert_eq!(
            plain_name("Human Placental Stem Cells"),
            "human placental stem cells"
        );
        assert_eq!(plain_name("APG-2575"), "APG-2575");
        assert_eq!(plain_name("tVNS Program"), "tVNS program");
        assert_eq!(plain_name("Dupilumab"), "dupilumab");
        assert_eq!(plain_name("COVID-19"), "COVID-19");
        assert_eq!(
            plain_name("ANTI-IGE THERAPY (XOLAIR)"),
            "ANTI-IGE therapy (Xolair)"
        );
        assert_eq!(plain_name("HPV INFLUENZA VACCINE"), "HPV influenza vaccine");
        assert_eq!(plain_name("ELDOA"), "ELDOA");
        assert_eq!(plain_name("COVID 19"), "COVID 19");
        assert_eq!(plain_name("VITAMIN D AND CALCIUM"), "vitamin D and calcium");
        assert_eq!(plain_name("3D-CRT/IMRT"), "3D-CRT/IMRT");
    }
}
