//! What a page names as tested and how it is given, read against the arms and interventions
//! of the records: an arm's label that names people is no treatment, the product every arm
//! of a drug interaction study gets comes first, a label joining two products gives both, and
//! a device used at home is not given in a procedure.

use crate::helpers::*;

const ARMS: &str = "/protocolSection/armsInterventionsModule/armGroups";
const INTERVENTIONS: &str = "/protocolSection/armsInterventionsModule/interventions";

/// An arm called "All Enrollees" names who is in it: NCT03128268 was headlined "Testing all
/// enrollees to find or check cardiac disease".
#[test]
fn an_arm_label_that_names_people_is_not_what_is_tested() {
    let people = [
        "all enrollees",
        "all participants",
        "all patients",
        "all subjects",
    ];
    let mut seen = 0;
    let labelled = |r: &serde_json::Value| {
        items_at(r, ARMS).iter().any(|a| {
            let label = a["label"].as_str().unwrap_or("").to_lowercase();
            people.contains(&label.as_str())
        })
    };
    for (path, _, page) in pages_where(labelled) {
        seen += 1;
        let said = format!("{} {}", page.headline, page.sections.summary).to_lowercase();
        assert_says_none(&path, &said, &people);
    }
    assert!(seen >= 1, "no record has an arm named for its people");
}

/// In a drug interaction study the product every group gets is the one whose handling is
/// studied, and comes first: NCT00770042 gives avanafil in each of three groups beside one of
/// three drugs that slow its breakdown.
#[test]
fn the_product_every_arm_gets_comes_first_in_an_interaction_study() {
    let summary = corpus_summary("NCT00770042");
    assert!(
        summary.headline.starts_with("Testing avanafil, "),
        "{}",
        summary.headline
    );
    assert!(
        summary
            .sections
            .summary
            .contains("It looks at what happens when medicines are taken together"),
        "{}",
        summary.sections.summary
    );
}

/// An arm whose label joins a product to the comparison arm's ("TMNS and pelvic floor muscle
/// training" beside "Pelvic floor muscle training only") gets both: the comparison is not "who
/// got the treatment and who got pelvic floor muscle training" (NCT01067261).
#[test]
fn a_label_that_joins_the_comparison_to_more_gives_both() {
    let mut seen = 0;
    for (path, record, page) in pages_where(|_| true) {
        let arms = items_at(&record, ARMS);
        for iv in items_at(&record, INTERVENTIONS) {
            let name = iv["name"].as_str().unwrap_or("").to_lowercase();
            let own = iv["armGroupLabels"].as_array().cloned().unwrap_or_default();
            let joined_elsewhere = arms.iter().any(|a| {
                let label = a["label"].as_str().unwrap_or("").to_lowercase();
                a["type"] == "EXPERIMENTAL"
                    && !own.contains(&a["label"])
                    && label
                        .split(" and ")
                        .any(|part| part.trim() == name && label.contains(" and "))
            });
            // Given in the comparison only, by the lists.
            let compares = !own.is_empty()
                && arms
                    .iter()
                    .filter(|a| own.contains(&a["label"]))
                    .all(|a| a["type"] != "EXPERIMENTAL");
            if name.is_empty() || !joined_elsewhere || !compares {
                continue;
            }
            seen += 1;
            let summary = page.sections.summary.to_lowercase();
            assert!(
                summary.contains(&format!("added to {name}"))
                    || summary.contains(&format!("{name} alone")),
                "{}: {summary}",
                path.display()
            );
        }
    }
    assert!(
        seen >= 1,
        "no record joins a product in another arm's label"
    );
}

/// A device people use at home is not "given as part of a procedure", with a procedure's
/// bleeding and infection (NCT01067261's vibrator, used "daily by the patients in their own
/// homes" before and after a prostatectomy).
#[test]
fn a_device_used_at_home_is_not_given_in_a_procedure() {
    let summary = corpus_summary("NCT01067261");
    let text = page_text(&summary);
    assert_says_none(
        std::path::Path::new("NCT01067261"),
        &text,
        &[
            "as part of a procedure",
            "bleeding or infection from the procedure",
        ],
    );
    assert!(text.contains("with a device people use at home"), "{text}");
}

/// A crossover of two products given in turn compares them with each other: nothing else is
/// given (NCT01352507 said "tadalafil and sildenafil and another treatment").
#[test]
fn a_crossover_of_two_products_invents_no_third() {
    let page = corpus_summary("NCT01352507");
    let summary = &page.sections.summary;
    assert!(!summary.contains("another treatment"), "{summary}");
    assert!(
        summary.contains("Each person got tadalafil and sildenafil, one after the other."),
        "{summary}"
    );
}

/// A page that names several tested products says when no group gets them all ("tests
/// gocatamig, I-DXd and durvalumab" reads as one mix; NCT06780137's groups get them alone or
/// two at a time), and never says so of a record where one arm lists every intervention.
#[test]
fn products_no_group_gets_together_are_said_apart() {
    let page = corpus_summary("NCT06780137");
    assert!(
        page.sections
            .summary
            .contains("No group will get all of these treatments."),
        "{}",
        page.sections.summary
    );
    let mut said = 0;
    for (path, record, page) in pages_where(|_| true) {
        if !page.sections.summary.contains("No group ") {
            continue;
        }
        said += 1;
        let arms = items_at(&record, ARMS);
        let names: Vec<&str> = items_at(&record, INTERVENTIONS)
            .iter()
            .filter_map(|i| i["name"].as_str())
            .collect();
        let lists_all = |arm: &serde_json::Value| {
            let listed: Vec<&str> = arm["interventionNames"]
                .as_array()
                .map(|l| l.iter().filter_map(|n| n.as_str()).collect())
                .unwrap_or_default();
            names
                .iter()
                .all(|n| listed.iter().any(|l| l.ends_with(&format!(": {n}"))))
        };
        assert!(arms.len() >= 2, "{}", path.display());
        assert!(!arms.iter().any(lists_all), "{}", path.display());
    }
    assert!(said >= 10, "only {said} pages");
}

/// A virus given to everyone on purpose is a challenge, said as such, not a treatment the
/// tested one is "added to" (NCT02388997: "omalizumab, added to rhinovirus (strain 16)", whose
/// arms get omalizumab or placebo "before … an experimental challenge with rhinovirus").
#[test]
fn a_challenge_given_on_purpose_is_no_treatment() {
    let page = corpus_summary("NCT02388997");
    let summary = &page.sections.summary;
    assert!(!summary.contains("added to rhinovirus"), "{summary}");
    assert!(
        summary.contains("Everyone was also given rhinovirus (strain 16) on purpose"),
        "{summary}"
    );
}

/// A person's own cells put back is a substance given by injection, whatever the registry
/// type: NCT03886402's "GID SVF-2", a device "with the subjects own cells", given as "a
/// single injection of autologous adipose-derived stromal vascular fraction", was "given with
/// a device", with "No medicine or other substance" and the risks of skin irritation.
#[test]
fn a_persons_own_cells_are_given_as_a_shot_not_with_a_device() {
    let page = corpus_summary("NCT03886402");
    let text = page_text(&page);
    assert_says_none(
        std::path::Path::new("NCT03886402"),
        &text,
        &[
            "with a device",
            "No medicine or other substance",
            "from the device",
        ],
    );
    assert!(
        text.contains("as a shot of cells taken from the person's own body"),
        "{text}"
    );
}

/// An arm whose label says it is the control compares, when no arm is typed experimental:
/// NCT05551195 typed both arms "other", and its "Educational Control (ED001)" was tested
/// beside the app WB001 it was the control for ("tests whether WB001 and ED001 might help").
#[test]
fn an_arm_labelled_control_is_the_comparison() {
    let page = corpus_summary("NCT05551195");
    let summary = &page.sections.summary;
    assert!(
        page.headline.starts_with("Testing WB001 for"),
        "{}",
        page.headline
    );
    assert!(
        summary.contains("decided who got WB001 and who got ED001"),
        "{summary}"
    );
}

/// Two arms typed experimental, one of them a placebo in place of the other's product, both
/// with the same base: the placebo arm compares and the base is what both get. NCT03682770's
/// "placebo matching dupilumab + AR101" beside "dupilumab + AR101" read "tests whether
/// dupilumab and AR101 might help … who got the medicine and who got a placebo", as if the
/// placebo group got nothing.
#[test]
fn a_placebo_arm_typed_experimental_compares_on_the_same_base() {
    let page = corpus_summary("NCT03682770");
    let summary = &page.sections.summary;
    assert!(summary.contains("dupilumab, added to AR101,"), "{summary}");
    assert!(
        summary.contains("decided who got dupilumab and who got a placebo"),
        "{summary}"
    );
}
