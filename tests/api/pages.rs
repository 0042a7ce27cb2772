//! What every page must hold, over every real record; what every odd record must not do.

use crate::helpers::*;
use laysum::check::contact_details;
use laysum::Format;

#[test]
fn every_real_record_gets_a_complete_page() {
    let records = all_real_records();
    assert!(records.len() >= 421, "the corpus is missing records");
    for path in records {
        let s = summarize(&path);
        let name = path.display();
        assert!(!s.headline.is_empty(), "{name}: no headline");
        assert!(!s.sections.summary.is_empty(), "{name}: no summary");
        assert!(
            !s.sections.what_this_could_lead_to.is_empty(),
            "{name}: no lead-to"
        );
        assert!(
            !s.sections.what_could_go_wrong.is_empty(),
            "{name}: no risks"
        );
        let ids: Vec<&str> = s.disclaimers.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["informational", "summary_limits"], "{name}");
        let errors: Vec<_> = s.quality.errors().collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(
            contact_details(&page_text(&s)).is_empty(),
            "{name}: contact detail in the page"
        );
    }
}

#[test]
fn median_grade_of_the_main_sections_is_at_most_eight() {
    let mut grades: Vec<f64> = Vec::new();
    for path in all_real_records() {
        let s = summarize(&path);
        for q in &s.quality.sections {
            grades.push(q.grade_level);
        }
    }
    grades.sort_by(f64::total_cmp);
    let median = grades[grades.len() / 2];
    assert!(median <= 8.0, "median grade {median}; grades {grades:?}");
}

#[test]
fn no_page_publishes_a_contact_of_the_record() {
    for path in all_real_records() {
        let bytes = std::fs::read(&path).unwrap();
        let (_, json) = pipeline().page(&bytes, Format::Json).unwrap();
        let raw: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let mut contacts = Vec::new();
        collect_contacts(&raw, &mut contacts);
        for c in contacts {
            assert!(!json.contains(&c), "{}: {c} leaked", path.display());
        }
    }
}

/// Every phone and e-mail value anywhere in a record.
fn collect_contacts(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "phone" || k == "email" {
                    if let Some(s) = v.as_str().filter(|s| s.len() > 4) {
                        out.push(s.to_owned());
                    }
                }
                collect_contacts(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_contacts(i, out)),
        _ => {}
    }
}

#[test]
fn every_edge_record_renders_or_fails_with_a_clear_message() {
    for path in edge_records() {
        let bytes = std::fs::read(&path).unwrap();
        match pipeline().page(&bytes, Format::Markdown) {
            Ok((s, md)) => {
                assert_eq!(s.disclaimers.len(), 2, "{}", path.display());
                assert!(md.contains("not medical advice"));
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn thin_record_lists_what_was_missing() {
    let s = summarize(&fixtures().join("trials/edge/NCT00465595.json"));
    assert!(s
        .quality
        .missing
        .iter()
        .any(|m| m == "protocolSection.designModule.enrollmentInfo.count"));
    assert!(s
        .sections
        .summary
        .contains("Psychopharmacology of Psilocybin in Cancer Patients"));
}

#[test]
fn completed_trial_speaks_in_past_tense_and_mentions_results() {
    // NCT02210780: completed, 194 people, results posted.
    let s = summarize(&fixtures().join("trials/NCT02210780.json"));
    assert!(
        s.sections.summary.contains("194 people took part"),
        "{}",
        s.sections.summary
    );
    assert!(
        s.sections.summary.contains("results"),
        "{}",
        s.sections.summary
    );
}

#[test]
fn withdrawn_trial_says_no_one_joined_and_why() {
    // NCT01511679: withdrawn, "The project was not funded."
    let s = summarize(&fixtures().join("trials/NCT01511679.json"));
    let text = page_text(&s).to_lowercase();
    assert!(text.contains("before anyone joined"), "{text}");
    assert!(text.contains("money") || text.contains("fund"), "{text}");
}

/// A site's status reads in words on a page ("recruiting"), not as the registry's code
/// ("NOT_YET_RECRUITING"); an unknown code is escaped like any registry text.
#[test]
fn site_statuses_read_in_words() {
    let record = br#"{"protocolSection": {"identificationModule": {"nctId": "NCT09999998",
        "briefTitle": "A trial"},
        "contactsLocationsModule": {"locations": [
            {"facility": "North Clinic", "status": "NOT_YET_RECRUITING", "city": "Oslo"},
            {"facility": "South Clinic", "status": "RECRUITING", "city": "Bergen"},
            {"facility": "East Clinic", "status": "<b>ODD_CODE</b>", "city": "Molde"}]}}}"#;
    let (_, md) = pipeline().page(record, Format::Markdown).unwrap();
    assert!(
        md.contains("North Clinic — not yet recruiting — Oslo"),
        "{md}"
    );
    assert!(md.contains("South Clinic — recruiting — Bergen"), "{md}");
    assert!(!md.contains("NOT_YET_RECRUITING"), "{md}");
    let (_, html) = pipeline().page(record, Format::Html).unwrap();
    assert!(html.contains(">not yet recruiting</span>"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
}

#[test]
fn html_escapes_registry_text() {
    let record = br#"{"protocolSection": {"identificationModule": {"nctId": "NCT09999999",
        "briefTitle": "<script>alert(1)</script> & <b>bold</b>"},
        "conditionsModule": {"conditions": ["<img src=x onerror=alert(1)>Asthma"]},
        "contactsLocationsModule": {"locations": [{"facility": "St <i>Mary</i> \"<script>\"", "city": "A&B"}]}}}"#;
    let (_, html) = pipeline().page(record, Format::Html).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
    assert!(html.contains("A&amp;B"), "{html}");
    let (_, md) = pipeline().page(record, Format::Markdown).unwrap();
    assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
}

#[test]
fn json_page_has_the_documented_shape() {
    let bytes = std::fs::read(seed_record()).unwrap();
    let (_, json) = pipeline().page(&bytes, Format::Json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in [
        "nct_id",
        "headline",
        "sections",
        "interventions",
        "disclaimers",
        "conditions",
        "sites",
        "source",
        "generator",
        "quality",
    ] {
        assert!(v.get(key).is_some(), "no {key}");
    }
    for key in [
        "summary",
        "active_substance",
        "what_this_could_lead_to",
        "what_could_go_wrong",
    ] {
        assert!(v["sections"].get(key).is_some(), "no sections.{key}");
    }
    assert_eq!(v["generator"]["writer"], "rules");
    assert_eq!(v["generator"]["version"], pipeline().version());
    assert_eq!(
        v["source"]["url"],
        "https://clinicaltrials.gov/study/NCT07635758"
    );
    assert_eq!(v["source"]["last_update"], "2026-06-27");
    let site = &v["sites"][0];
    let keys: Vec<&str> = site
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["city", "country", "facility", "status"]);
}

/// A site the record names only by its city is still listed (read by hand: NCT00661115 lists
/// six locations in India, Bangalore twice, Belagum, Mumbai twice and Madurai, none with a
/// facility name): the page said "No sites are listed".
#[test]
fn a_site_named_only_by_its_city_is_listed() {
    let bytes = std::fs::read(fixtures().join("trials/corpus/NCT00661115.json")).unwrap();
    let (s, markdown) = pipeline().page(&bytes, Format::Markdown).unwrap();
    let cities: Vec<&str> = s.sites.iter().filter_map(|x| x.city.as_deref()).collect();
    assert_eq!(
        cities,
        [
            "Bangalore",
            "Bangalore",
            "Belagum",
            "Mumbai",
            "Mumbai",
            "Madurai"
        ]
    );
    assert!(s.sites.iter().all(|x| x.facility.is_none()));
    assert!(markdown.contains("- Belagum, India"), "{markdown}");
    assert!(!markdown.contains("No sites are listed"), "{markdown}");
}

/// A trial withdrawn before anyone joined tested nothing: its first sentence says what it "was
/// to test" (NCT04790487 said it "tests" beside "was stopped before anyone joined").
#[test]
fn a_withdrawn_trial_says_what_it_was_to_test() {
    let pages = pages_where(|r| {
        text_at(r, "/protocolSection/statusModule/overallStatus") == Some("WITHDRAWN")
            && text_at(r, "/protocolSection/designModule/studyType") == Some("INTERVENTIONAL")
    });
    for (path, _, s) in &pages {
        let first = s.sections.summary.split(". ").next().unwrap_or_default();
        assert!(
            first.contains(" was to test ") || first.contains(" was to study "),
            "{}: {first}",
            path.display()
        );
    }
    assert!(pages.len() >= 5, "only {} withdrawn trials", pages.len());
}

/// Why a trial stopped says who stopped it when the record does (read by hand: NCT04353505,
/// "PI closed the study before any enrollment", said "because not enough people joined";
/// NCT00584051, "investigator closed study", said nothing).
#[test]
fn a_trial_the_researcher_closed_says_so() {
    for id in ["NCT04353505", "NCT00584051"] {
        let summary = corpus_summary(id).sections.summary;
        assert!(
            summary.contains("because the lead researcher closed it"),
            "{id}: {summary}"
        );
        assert!(!summary.contains("not enough people"), "{id}: {summary}");
    }
}

/// A trial whose status is unknown has not been checked for years: no site of it is said to
/// be recruiting (NCT03102398, last updated in 2017, listed its site "— recruiting —"). A
/// site that withdrew is still said to have withdrawn (NCT04479553 listed three with no word).
#[test]
fn sites_of_a_trial_of_unknown_status_carry_no_status_but_withdrawn() {
    let pages = pages_where(|r| {
        text_at(r, "/protocolSection/statusModule/overallStatus") == Some("UNKNOWN")
            && items_at(r, "/protocolSection/contactsLocationsModule/locations")
                .iter()
                .any(|l| l["status"].is_string())
    });
    let mut withdrawn = 0;
    for (path, record, s) in &pages {
        let listed = items_at(record, "/protocolSection/contactsLocationsModule/locations");
        for (site, listed) in s.sites.iter().zip(listed) {
            // A site that withdrew never took part, however old the record.
            if listed["status"] == "WITHDRAWN" {
                withdrawn += 1;
                assert_eq!(
                    site.status.as_deref(),
                    Some("WITHDRAWN"),
                    "{}",
                    path.display()
                );
            } else {
                assert!(site.status.is_none(), "{}", path.display());
            }
        }
        let (_, page) = pipeline()
            .page(&std::fs::read(path).unwrap(), Format::Markdown)
            .unwrap();
        assert!(!page.contains("— recruiting —"), "{}", path.display());
    }
    assert!(pages.len() >= 5, "only {} such records", pages.len());
    assert!(withdrawn >= 3, "only {withdrawn} withdrawn sites");
}

/// A reported "problem" that names only a part of the body ("Skin", "Gastrointestinal": read
/// by hand in NCT02304991's other events) is no problem a reader can picture, and is never
/// named as one of the most common.
#[test]
fn a_part_of_the_body_is_not_named_as_a_problem() {
    let text = corpus_summary("NCT02304991")
        .sections
        .what_the_trial_found
        .unwrap();
    let common = text
        .split(". ")
        .find(|s| s.starts_with("The most common other problem"))
        .unwrap_or_default();
    for place in ["skin", "gastrointestinal"] {
        assert!(!common.split([' ', ',']).any(|w| w == place), "{common}");
    }
}

/// A sentence is never left with its subject's slot empty: an observational study of safety
/// terms (NCT04479553) said "could help doctors understand better".
#[test]
fn what_a_study_could_lead_to_never_leaves_a_slot_empty() {
    for (path, _, page) in pages_where(|_| true) {
        assert_says_none(
            &path,
            &page.sections.what_this_could_lead_to,
            &["understand better", "understand  better"],
        );
    }
}

/// A late stage alone is no limit of a trial: "This is a late-stage trial." stood alone under
/// what could go wrong (NCT06301854, and 41 more). It is said beside a small size.
#[test]
fn a_late_stage_alone_is_not_said_as_a_limit() {
    for (path, _, page) in pages_where(|_| true) {
        assert_says_none(
            &path,
            &page.sections.what_could_go_wrong,
            &[
                "This is a late-stage trial.",
                "This is a mid- to late-stage trial.",
            ],
        );
    }
}

/// A trial that has not started taking people, or takes no more, says so: "People aged 18 and
/// over can join" read as open today (NCT05809050, not yet recruiting), and "The trial is for
/// men aged 18 and over" as open to them (NCT02923180, active, not recruiting).
#[test]
fn whether_a_trial_takes_people_now_is_said() {
    let mut seen = [0, 0];
    for (path, record, page) in pages_where(|_| true) {
        let summary = &page.sections.summary;
        match text_at(&record, "/protocolSection/statusModule/overallStatus") {
            Some("NOT_YET_RECRUITING") => {
                seen[0] += 1;
                assert!(
                    summary.contains("It has not started taking people yet."),
                    "{}: {summary}",
                    path.display()
                );
                assert_says_none(&path, summary, &["can join"]);
            }
            Some("ACTIVE_NOT_RECRUITING") => {
                seen[1] += 1;
                assert!(
                    summary.contains("It is no longer taking new people."),
                    "{}: {summary}",
                    path.display()
                );
                assert_says_none(&path, summary, &["can join"]);
            }
            _ => assert_says_none(
                &path,
                summary,
                &[
                    "It has not started taking people yet.",
                    "It is no longer taking new people.",
                ],
            ),
        }
    }
    assert!(
        seen[0] >= 10 && seen[1] >= 10,
        "records of each status: {seen:?}"
    );
}
