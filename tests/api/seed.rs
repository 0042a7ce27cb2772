//! The seed record must give the page of `../shared/seed/example-page.txt`, fact for fact.

use crate::helpers::*;
use laysum::Format;

#[test]
fn seed_page_carries_every_fact_of_the_example() {
    let s = summarize(&seed_record());
    let summary = s.sections.summary.to_lowercase();
    let wrong = s.sections.what_could_go_wrong.to_lowercase();
    let all = page_text(&s).to_lowercase();
    for (fact, text) in [
        ("early-stage", &summary),
        ("stem cells from the placenta", &summary),
        ("through an iv", &summary),
        ("about 24 people", &summary),
        ("placebo", &summary),
        ("two years", &summary),
        ("independence", &summary),
        ("safety", &summary),
        ("allergic reactions", &wrong),
        ("infection", &wrong),
        ("stroke", &all),
    ] {
        assert!(text.contains(fact), "missing {fact:?} in {text:?}");
    }
    assert_eq!(
        s.sections.active_substance.as_deref(),
        Some("human placental-derived mesenchymal stem cells")
    );
    assert_eq!(s.conditions.plain, vec!["ischemic stroke"]);
    assert_eq!(s.conditions.as_registered, vec!["Acute Ischemic Stroke"]);
}

#[test]
fn seed_page_promises_nothing() {
    let s = summarize(&seed_record());
    let lead = s.sections.what_this_could_lead_to.to_lowercase();
    assert!(
        lead.contains("could") || lead.contains("might") || lead.contains("may"),
        "{lead}"
    );
    assert_eq!(s.quality.errors().count(), 0, "{:#?}", s.quality.warnings);
}

#[test]
fn recruiting_trial_speaks_in_future_tense() {
    let s = summarize(&seed_record());
    assert!(
        s.sections.summary.contains("will take part"),
        "{}",
        s.sections.summary
    );
}

#[test]
fn seed_markdown_has_both_disclaimers_the_beijing_site_and_no_contacts() {
    let bytes = std::fs::read(seed_record()).unwrap();
    let (s, md) = pipeline().page(&bytes, Format::Markdown).unwrap();
    for d in &s.disclaimers {
        assert!(md.contains(&d.text), "disclaimer {} missing", d.id);
    }
    assert!(md.contains("not medical advice"));
    assert!(md.contains("https://clinicaltrials.gov/study/NCT07635758"));
    assert!(md.contains("Chinese People's Liberation Army General Hospital, First Medical Center"));
    assert!(md.contains("Beijing, China"));
    for contact in ["5550", "@example.org", "stroke-trial", "Study Coordinator"] {
        assert!(!md.contains(contact), "contact detail {contact:?} leaked");
    }
}

#[test]
fn every_number_in_the_seed_page_is_traced_to_its_field() {
    let s = summarize(&seed_record());
    let count = s
        .quality
        .facts
        .iter()
        .find(|f| f.text == "24")
        .expect("the count is a fact");
    assert_eq!(
        count.field,
        "protocolSection.designModule.enrollmentInfo.count"
    );
    let follow_up = s
        .quality
        .facts
        .iter()
        .find(|f| f.field.ends_with("timeFrame"))
        .expect("follow-up is a fact");
    assert!(follow_up.text.contains("24 months"), "{follow_up:?}");
}
