//! What a reviewer is shown for a page in review: the published text and the new text of each
//! section with the words that changed, and the registry fields that changed between the two
//! record versions. Pure functions over the stored JSON; the store and the server call them.

use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

/// The sections a reader sees, in page order, headline first.
pub const SECTIONS: &[&str] = &[
    "headline",
    "summary",
    "what_the_trial_found",
    "active_substance",
    "what_this_could_lead_to",
    "what_could_go_wrong",
];

/// One section's words: runs of `equal`, `delete` and `insert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SectionDiff {
    pub section: String,
    /// `[["equal" | "delete" | "insert", "words…"], …]`; joined, the equal and delete runs give
    /// the old text and the equal and insert runs the new.
    #[schema(value_type = Vec<Vec<String>>)]
    pub ops: Vec<(&'static str, String)>,
}

/// A registry field that differs between two record versions.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChangedField {
    /// e.g. `protocolSection.statusModule.overallStatus`.
    pub field: String,
    pub old: Value,
    pub new: Value,
}

fn section_text<'a>(page: &'a Value, section: &str) -> &'a str {
    let value = if section == "headline" {
        &page["headline"]
    } else {
        &page["sections"][section]
    };
    value.as_str().unwrap_or("")
}

/// The word-level changes of every section between two pages; a page with nothing published
/// before shows all its words inserted. Sections that are empty on both sides are left out.
pub fn diff_pages(old: Option<&Value>, new: &Value) -> Vec<SectionDiff> {
    SECTIONS
        .iter()
        .filter_map(|section| {
            let before = old.map_or("", |o| section_text(o, section));
            let after = section_text(new, section);
            (!before.is_empty() || !after.is_empty()).then(|| SectionDiff {
                section: (*section).to_owned(),
                ops: diff_words(before, after),
            })
        })
        .collect()
}

/// Word-level changes between two texts, with the whitespace kept in the runs so that the runs
/// put together give the texts back exactly.
pub fn diff_words(old: &str, new: &str) -> Vec<(&'static str, String)> {
    let diff = TextDiff::from_words(old, new);
    let mut ops: Vec<(&'static str, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        match ops.last_mut() {
            Some((last, text)) if *last == tag => text.push_str(change.value()),
            _ => ops.push((tag, change.value().to_owned())),
        }
    }
    ops
}

/// The parts of a record a reviewer looks at when it changes. Each is compared leaf by leaf;
/// lists the registry keeps long (sites, results) are compared by their length, and a results
/// section by whether it is there.
const FIELDS: &[&str] = &[
    "protocolSection.identificationModule.briefTitle",
    "protocolSection.identificationModule.officialTitle",
    "protocolSection.statusModule",
    "protocolSection.designModule",
    "protocolSection.conditionsModule",
    "protocolSection.armsInterventionsModule",
    "protocolSection.eligibilityModule",
    "protocolSection.outcomesModule",
    "protocolSection.sponsorCollaboratorsModule.leadSponsor",
    "hasResults",
];

/// Lists compared by how many entries they hold.
const COUNTED: &[&str] = &[
    "protocolSection.contactsLocationsModule.locations",
    "resultsSection.outcomeMeasuresModule.outcomeMeasures",
    "resultsSection.adverseEventsModule.eventGroups",
];

/// At most this many fields are listed: a record rewritten whole says so in the first ones.
const MAX_FIELDS: usize = 60;

fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(value, |v, key| &v[key])
}

/// The registry fields that differ between two records (the old one absent for a new study:
/// then nothing is listed, there being nothing to compare with).
pub fn changed_fields(old: Option<&Value>, new: &Value) -> Vec<ChangedField> {
    let Some(old) = old else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for path in FIELDS {
        leaves(path, at(old, path), at(new, path), &mut out);
    }
    for path in COUNTED {
        let count = |v: &Value| v.as_array().map_or(0, Vec::len);
        let (a, b) = (count(at(old, path)), count(at(new, path)));
        if a != b {
            out.push(ChangedField {
                field: format!("{path}.length"),
                old: a.into(),
                new: b.into(),
            });
        }
    }
    let has = |v: &Value| !at(v, "resultsSection").is_null();
    if has(old) != has(new) {
        out.push(ChangedField {
            field: "resultsSection".into(),
            old: if has(old) { "present" } else { "absent" }.into(),
            new: if has(new) { "present" } else { "absent" }.into(),
        });
    }
    out.truncate(MAX_FIELDS);
    out
}

/// Every leaf under `path` that differs; a list of plain values (phases, conditions) is one
/// leaf, so "PHASE1 → PHASE1, PHASE2" reads as one change.
fn leaves(path: &str, old: &Value, new: &Value, out: &mut Vec<ChangedField>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (x, y) = (&a.get(key), &b.get(key));
                leaves(
                    &format!("{path}.{key}"),
                    x.unwrap_or(&Value::Null),
                    y.unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b))
            if a.len() == b.len() && a.iter().chain(b).any(Value::is_object) =>
        {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                leaves(&format!("{path}[{i}]"), x, y, out);
            }
        }
        _ => out.push(ChangedField {
            field: path.to_owned(),
            old: old.clone(),
            new: new.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_words_are_marked_and_the_runs_give_both_texts_back() {
        let old = "About 24 people will get the cells.";
        let new = "About 30 people got the cells.";
        let ops = diff_words(old, new);
        let side = |keep: &str| -> String {
            ops.iter()
                .filter(|(t, _)| *t == "equal" || *t == keep)
                .map(|(_, s)| s.as_str())
                .collect()
        };
        assert_eq!(side("delete"), old);
        assert_eq!(side("insert"), new);
        assert!(ops.contains(&("delete", "24".into())), "{ops:?}");
        assert!(ops.contains(&("insert", "30".into())), "{ops:?}");
    }

    #[test]
    fn status_and_enrolment_changes_are_named_by_field() {
        let old = json!({"protocolSection": {
            "statusModule": {"overallStatus": "RECRUITING", "lastUpdatePostDateStruct": {"date": "2026-06-27"}},
            "designModule": {"phases": ["PHASE1"], "enrollmentInfo": {"count": 24, "type": "ESTIMATED"}},
            "contactsLocationsModule": {"locations": [{"city": "Beijing"}]}}});
        let mut new = old.clone();
        new["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED".into();
        new["protocolSection"]["designModule"]["enrollmentInfo"] =
            json!({"count": 30, "type": "ACTUAL"});
        new["protocolSection"]["designModule"]["phases"] = json!(["PHASE1", "PHASE2"]);
        new["resultsSection"] = json!({});
        let fields = changed_fields(Some(&old), &new);
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "protocolSection.statusModule.overallStatus",
                "protocolSection.designModule.enrollmentInfo.count",
                "protocolSection.designModule.enrollmentInfo.type",
                "protocolSection.designModule.phases",
                "resultsSection",
            ]
        );
        assert_eq!(fields[1].old, json!(24));
        assert_eq!(fields[1].new, json!(30));
        assert!(changed_fields(None, &new).is_empty());
    }

    #[test]
    fn a_first_page_is_all_inserted() {
        let page = json!({"headline": "A trial", "sections": {"summary": "Words here."}});
        let diff = diff_pages(None, &page);
        assert_eq!(diff.len(), 2);
        assert!(diff
            .iter()
            .all(|d| d.ops.iter().all(|(t, _)| *t == "insert")));
    }
}
