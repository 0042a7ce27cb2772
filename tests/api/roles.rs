//! What a trial tests, read from its design: over every real record, and on the records the
//! issue named.

use crate::helpers::*;
use laysum::facts::Role;
use laysum::Summary;

fn mentions(text: &str, name: &str) -> bool {
    laysum::lexicon::contains_phrase(&text.to_lowercase(), &name.trim().to_lowercase())
}

fn corpus() -> Vec<(String, Summary, serde_json::Value)> {
    pages_where(|_| true)
        .into_iter()
        .map(|(path, raw, page)| (path.display().to_string(), page, raw))
        .collect()
}

#[test]
fn no_headline_presents_an_assessment() {
    for (name, s, _) in corpus() {
        for i in s
            .interventions
            .iter()
            .filter(|i| i.role == Role::Assessment)
        {
            assert!(
                !mentions(&s.headline, &i.name) && !mentions(&s.headline, &i.plain),
                "{name}: “{}” in “{}”",
                i.name,
                s.headline
            );
        }
    }
}

#[test]
fn no_page_says_no_substance_while_a_drug_biological_or_supplement_is_tested() {
    for (name, s, _) in corpus() {
        let tested_substance = s.interventions.iter().any(|i| {
            i.role == Role::Tested
                && ["DRUG", "BIOLOGICAL", "DIETARY_SUPPLEMENT", "GENETIC"]
                    .contains(&i.kind.as_str())
        });
        if tested_substance {
            assert!(
                s.sections.active_substance.is_some(),
                "{name}: no active substance"
            );
        }
        // And no page speaks of a medicine's side effects when no medicine is tested.
        if s.sections.active_substance.is_none() {
            let text = page_text(&s).to_lowercase();
            assert!(!text.contains("of the medicine"), "{name}: {text}");
        }
    }
}

/// The headline names what a trial tests. When it names a product the record registers as a
/// medicine (by its name or one of its other names), the page must not say no medicine is
/// tested: read from the record, not from the page's own list of roles, which a misread
/// intervention never reaches ("CPM", other name "Chlorpheniramine").
#[test]
fn a_medicine_the_headline_names_is_the_active_substance() {
    for (name, s, raw) in corpus() {
        let ivs = raw["protocolSection"]["armsInterventionsModule"]["interventions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let medicine = |iv: &serde_json::Value| {
            matches!(
                iv["type"].as_str(),
                Some("DRUG" | "BIOLOGICAL" | "DIETARY_SUPPLEMENT" | "GENETIC")
            )
        };
        let names = ivs.iter().filter(|iv| medicine(iv)).flat_map(|iv| {
            std::iter::once(iv["name"].clone())
                .chain(iv["otherNames"].as_array().cloned().unwrap_or_default())
        });
        let named: Vec<String> = names
            .filter_map(|n| n.as_str().map(str::to_owned))
            .filter(|n| {
                let lower = n.to_lowercase();
                n.chars().filter(|c| c.is_alphabetic()).count() >= 4
                    && !["placebo", "saline", "vehicle", "sham"]
                        .iter()
                        .any(|w| lower.contains(w))
                    && mentions(&s.headline, n)
            })
            .collect();
        if !named.is_empty() {
            assert!(
                s.sections.active_substance.is_some(),
                "{name}: “{}” names {named:?} but the page says no medicine is tested",
                s.headline
            );
        }
    }
}

/// Whether the record itself speaks of an inactive look-alike: a product named so, an arm typed
/// placebo or sham comparator, or arm words for it.
fn record_has_a_placebo(raw: &serde_json::Value) -> bool {
    let module = &raw["protocolSection"]["armsInterventionsModule"];
    let words = [
        "placebo",
        "sham",
        "vehicle",
        "dummy",
        "saline",
        "look",
        "room air",
        "diluent",
        "starch",
        "sugar pill",
    ];
    let says = |v: &serde_json::Value| {
        let t = v.to_string().to_lowercase();
        words.iter().any(|w| t.contains(w))
    };
    let arms = module["armGroups"].as_array().cloned().unwrap_or_default();
    let ivs = module["interventions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    arms.iter().any(|a| {
        matches!(
            a["type"].as_str(),
            Some("PLACEBO_COMPARATOR" | "SHAM_COMPARATOR")
        ) || says(&a["label"])
            || says(&a["description"])
    }) || ivs
        .iter()
        .any(|i| says(&i["name"]) || says(&i["otherNames"]))
        // A record that lists no arms may say so only in its title ("Placebo-Controlled").
        || (arms.is_empty()
            && raw["protocolSection"]["identificationModule"]["officialTitle"]
                .as_str()
                .is_some_and(|t| t.to_lowercase().contains("placebo")))
}

#[test]
fn no_page_mentions_a_placebo_unless_the_record_gives_one() {
    for (name, s, raw) in corpus() {
        let text = page_text(&s).to_lowercase();
        let mentions_placebo = ["placebo", "sham", "look-alike"]
            .iter()
            .any(|w| text.contains(w));
        if mentions_placebo {
            assert!(record_has_a_placebo(&raw), "{name}: {text}");
        }
    }
}

#[test]
fn numbers_of_a_thousand_or_more_carry_separators() {
    for (name, s, _) in corpus() {
        let text = page_text(&s);
        for word in text.split(|c: char| c.is_whitespace() || "(),;:".contains(c)) {
            // A decimal's whole part is its number: "-0.1946" is 0, "1234.5" is 1234.
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            let bare = word.split('.').next().unwrap_or("");
            let standalone_number = !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit());
            assert!(
                !(standalone_number && bare.len() >= 4),
                "{name}: {bare} without separators in “{text}”"
            );
        }
    }
}

#[test]
fn lab_analysis_is_an_assessment_not_the_treatment() {
    // NCT00244972: tipifarnib and sorafenib, with a laboratory biomarker analysis.
    let s = corpus_summary("NCT00244972");
    assert!(
        !mentions(&s.headline, "laboratory biomarker analysis"),
        "{}",
        s.headline
    );
    assert!(
        mentions(&s.headline, "tipifarnib") && mentions(&s.headline, "sorafenib tosylate"),
        "{}",
        s.headline
    );
    let lab = s
        .interventions
        .iter()
        .find(|i| i.name == "Laboratory Biomarker Analysis")
        .unwrap();
    assert_eq!(lab.role, Role::Assessment);
}

#[test]
fn what_every_arm_gets_is_said_as_background() {
    // NCT00804895: cortivazol injections or saline, on top of verapamil in both arms.
    let s = corpus_summary("NCT00804895");
    assert!(!mentions(&s.headline, "verapamil"), "{}", s.headline);
    assert!(
        s.sections.summary.contains("added to verapamil"),
        "{}",
        s.sections.summary
    );
    let role = |n: &str| {
        s.interventions
            .iter()
            .find(|i| i.name.starts_with(n))
            .unwrap()
            .role
    };
    assert_eq!(role("Verapamil"), Role::Background);
    assert_eq!(role("ALTIM"), Role::Tested);
    assert_eq!(role("PROAMP"), Role::Placebo);
    assert!(
        s.sections.summary.contains("placebo"),
        "{}",
        s.sections.summary
    );
}

#[test]
fn a_tested_supplement_is_the_active_substance() {
    // NCT01222273: vitamin D3 (a dietary supplement) in one open-label group.
    let s = corpus_summary("NCT01222273");
    assert_eq!(
        s.sections.active_substance.as_deref(),
        Some("cholecalciferol (Vitamin D3)")
    );
    // NCT00836368: gamma-tocopherol, a supplement, in one group; no medicine is given.
    let s = corpus_summary("NCT00836368");
    assert_eq!(
        s.sections.active_substance.as_deref(),
        Some("gamma-tocopherol")
    );
    let text = page_text(&s);
    assert!(text.contains("side effects of the supplement"), "{text}");
    assert!(!text.contains("medicine"), "{text}");
}

#[test]
fn an_active_product_in_a_placebo_typed_arm_is_not_called_a_placebo() {
    // NCT06252636: the arm typed placebo comparator drinks ordinary A1/A2 milk.
    let s = corpus_summary("NCT06252636");
    let text = page_text(&s).to_lowercase();
    assert!(
        !text.contains("placebo") && !text.contains("look-alike"),
        "{text}"
    );
    assert!(text.contains("a1/a2 milk"), "{text}");
}

#[test]
fn large_counts_read_with_separators() {
    // NCT00831909: 3513 people.
    let s = corpus_summary("NCT00831909");
    assert!(
        s.sections.summary.contains("3,513 people"),
        "{}",
        s.sections.summary
    );
}

/// A trial only men (or only women) may join says so where it says who takes part: "men with
/// erectile dysfunction", "healthy women", never "people with …" or "healthy volunteers".
#[test]
fn a_one_sex_trial_says_men_or_women() {
    let mut checked = 0;
    for (name, s, raw) in corpus() {
        let sex = raw["protocolSection"]["eligibilityModule"]["sex"].as_str();
        let (one, other) = match sex {
            Some("MALE") => ("men", "women"),
            Some("FEMALE") => ("women", "men"),
            _ => continue,
        };
        let text = format!("{} {}", s.headline, s.sections.summary);
        for wrong in ["people with", "people having", "healthy volunteers"] {
            assert!(
                !text.contains(wrong),
                "{name}: {sex:?} but “{wrong}”: {text}"
            );
        }
        assert!(
            !mentions(&text, &format!("{other} with")),
            "{name}: {sex:?}: {text}"
        );
        if mentions(&text, &format!("{one} with")) || text.contains(&format!("healthy {one}")) {
            checked += 1;
        }
    }
    assert!(
        checked > 50,
        "only {checked} one-sex pages name who takes part"
    );
}

/// One product listed twice, by its substance and by its form, is named once (read by hand:
/// NCT00244023 lists "testosterone" and "Testosterone gel", both "one sachet of 50 mg" in the
/// same arm; the page said "testosterone and testosterone gel").
#[test]
fn one_product_listed_by_substance_and_form_is_named_once() {
    let path = fixtures().join("trials/corpus/NCT00244023.json");
    let page = summarize(&path);
    assert!(
        page.headline.starts_with("Testing testosterone gel for"),
        "{}",
        page.headline
    );
    assert_says_none(
        &path,
        &page_text(&page),
        &["testosterone and testosterone gel"],
    );
}

/// What both active arms get is background even beside an arm of usual care that lists
/// nothing (read by hand: NCT01996852 gives sildenafil or a pump in "Standard ED Care" and in
/// "Standard ED Care + Cognitive-Behavioral Intervention", and nothing listed in "Usual Care";
/// the page said chance decided who got the meetings and who got sildenafil).
#[test]
fn what_both_active_arms_get_is_background_beside_usual_care() {
    let path = fixtures().join("trials/corpus/NCT01996852.json");
    let page = summarize(&path);
    let role = |name: &str| {
        page.interventions
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.role)
    };
    assert_eq!(role("sildenafil citrate"), Some(Role::Background));
    assert_eq!(role("Cognitive-behavioral Meetings"), Some(Role::Tested));
    assert!(
        page.sections
            .summary
            .contains("added to sildenafil citrate"),
        "{}",
        page.sections.summary
    );
}

/// How a treatment is given, read by hand from each record: NCT05929300's yoga ("8 weeks of
/// post-surgery yoga", BEHAVIORAL) is a programme, not a procedure; NCT03830164's atorvastatin
/// and vitamin E are "Given PO", by mouth, not "through food"; NCT05003804 gives "one capsule
/// … mixed with breastmilk, formula or a milk product" to babies, no pill; NCT00712335's
/// fluticasone and salmeterol come by "DPI" (a dry powder inhaler), montelukast "PO";
/// NCT03107052's fremanezumab by "SC injection" in this study; NCT06000007's programme through
/// "a mobile app".
#[test]
fn the_way_a_treatment_is_given_is_read_from_its_own_words() {
    let corpus = fixtures().join("trials/corpus");
    for (id, given, not) in [
        (
            "NCT05929300",
            "given as a programme of sessions",
            "procedure",
        ),
        ("NCT03830164", "given by mouth", "through food"),
        (
            "NCT05003804",
            "given by mouth, mixed into food or milk",
            "pill",
        ),
        (
            "NCT00712335",
            "given as a medicine to breathe in and by mouth",
            "pill",
        ),
        // Only its arms say how: each recalls the "900 mg intravenous (IV) infusion" of an
        // earlier study, then what each "will receive", SC injections, a dozen times.
        (
            "NCT03107052",
            "given as a shot under the skin",
            "through an IV",
        ),
        // A pain self-management programme "delivered via a mobile app", registered as a
        // device: no skin to irritate.
        (
            "NCT06000007",
            "given through an app on a phone or tablet",
            "skin irritation",
        ),
    ] {
        let s = summarize(&corpus.join(format!("{id}.json")));
        assert!(
            s.sections.summary.contains(given),
            "{id}: {}",
            s.sections.summary
        );
        assert!(!page_text(&s).contains(not), "{id}: {}", page_text(&s));
    }
}

/// A shot is not under the skin because a product's label says so, and a device put in during
/// an operation is no device on the skin (read by hand: NCT03682965 gives "injections … into a
/// superficial inguinal lymph node"; NCT00804895 a "greater occipital nerve injection";
/// NCT04544683 "a cervical transforaminal epidural injection";
/// NCT04188236's "Hernia Blocking System device [is] implanted during a lumbar discectomy
/// procedure").
#[test]
fn shots_and_implants_go_where_the_record_says() {
    let corpus = fixtures().join("trials/corpus");
    for (id, given, risk) in [
        ("NCT03682965", "given as a shot into a lymph node", None),
        (
            "NCT00804895",
            "given as a shot near a nerve (a nerve block)",
            None,
        ),
        // "a cervical transforaminal epidural injection" (lidocaine numbs the skin first).
        (
            "NCT04544683",
            "given as a shot into the spine beside the nerves",
            None,
        ),
        (
            "NCT04188236",
            "given as an implant, put in during a procedure",
            Some("pain, bleeding or infection from the procedure"),
        ),
    ] {
        let s = summarize(&corpus.join(format!("{id}.json")));
        assert!(
            s.sections.summary.contains(given),
            "{id}: {}",
            s.sections.summary
        );
        assert!(
            !s.sections
                .summary
                .contains("given as a shot under the skin"),
            "{id}"
        );
        if let Some(risk) = risk {
            let wrong = &s.sections.what_could_go_wrong;
            assert!(wrong.contains(risk), "{id}: {wrong}");
            assert!(!wrong.contains("skin irritation"), "{id}: {wrong}");
        }
    }
}

/// A study of how a medicine works may still give it for months (read by hand: NCT00283504,
/// purpose DIAGNOSTIC, "all patients received Xolair", shots for 32 weeks): its page says its
/// aim is to learn how it works, never that it is "not meant to treat anyone".
#[test]
fn a_study_of_how_a_medicine_works_does_not_deny_treating() {
    let summary = corpus_summary("NCT00283504").sections.summary;
    assert!(
        summary.contains("Its main aim is to learn how it works"),
        "{summary}"
    );
    assert!(!summary.contains("not meant to treat"), "{summary}");
}

/// A placebo-controlled trial with a third group on another medicine names that medicine
/// among what the tested one is compared with (NCT01937871's tamsulosin, NCT04833855's
/// omalizumab were met first in the results). Read from the arms: a drug or biological that
/// only an active-comparator (or other) arm lists, beside a placebo-comparator arm.
#[test]
fn a_medicine_compared_beside_a_placebo_is_named() {
    let arms_at = "/protocolSection/armsInterventionsModule/armGroups";
    let drugs = |arm: &serde_json::Value| -> Vec<String> {
        arm["interventionNames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| {
                let n = n.as_str()?;
                let name = n
                    .strip_prefix("Drug: ")
                    .or(n.strip_prefix("Biological: "))?;
                Some(name.to_lowercase())
            })
            .collect()
    };
    let mut seen = 0;
    for (path, record) in all_real_records_read() {
        let arms = items_at(&record, arms_at);
        let of = |kind: &'static str| arms.iter().filter(move |a| a["type"] == kind);
        let tested: Vec<String> = of("EXPERIMENTAL").flat_map(drugs).collect();
        if of("PLACEBO_COMPARATOR").count() == 0 || tested.is_empty() {
            continue;
        }
        let others: Vec<String> = of("ACTIVE_COMPARATOR")
            .chain(of("OTHER"))
            .flat_map(drugs)
            .filter(|d| !tested.contains(d) && !d.contains("placebo"))
            .collect();
        let Some(other) = others.first() else {
            continue;
        };
        // The drug's own word: "0.2 mg tamsulosin" is "tamsulosin".
        let word = other
            .split_whitespace()
            .filter(|w| w.chars().all(char::is_alphabetic))
            .max_by_key(|w| w.len())
            .unwrap_or(other);
        if tested.iter().any(|t| t.contains(word)) {
            continue;
        }
        seen += 1;
        let summary = summarize(&path).sections.summary.to_lowercase();
        assert!(
            summary.contains(word),
            "{}: {word} not named: {summary}",
            path.display()
        );
    }
    assert!(
        seen >= 2,
        "only {seen} placebo trials with another medicine"
    );
}
