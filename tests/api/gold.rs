//! Pages checked against gold facts: what a person wrote about a record by reading it, never
//! what the program printed (`tests/fixtures/gold/`, one file per record of the corpus).

use crate::helpers::*;
use laysum::gold::{agreement, gold_for, Gold};

#[test]
fn every_gold_record_page_agrees_with_its_gold_facts() {
    let gold_dir = fixtures().join("gold");
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in corpus_records() {
        let Some(gold_path) = gold_for(&path, Some(&gold_dir)) else {
            continue;
        };
        let gold = Gold::load(&gold_path).unwrap();
        let page = summarize(&path);
        assert_eq!(page.nct_id, gold.nct_id, "{}", gold_path.display());
        checked += 1;
        for d in agreement(&page, &gold) {
            failures.push(format!("{}: {d}", gold.nct_id));
        }
    }
    assert!(checked >= 80, "only {checked} gold records");
    assert!(
        failures.is_empty(),
        "{} disagreements over {checked} gold records:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
