//! The registry's `resultsSection`, as far as laysum reads it: who took part and finished, the
//! outcome measures with each group's value, and the adverse events.
//!
//! Lists keep every item at its place ([`lenient::objects_at`]): a page quotes each number
//! with its exact field path (`resultsSection.adverseEventsModule.eventGroups[1]…`), so an
//! index must stay the record's index even when an item is malformed. The `moreInfoModule`'s
//! point of contact is deliberately not modelled.

use super::lenient;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultsSection {
    #[serde(default, deserialize_with = "lenient::object")]
    pub participant_flow_module: Option<FlowModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub outcome_measures_module: Option<OutcomeMeasuresModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub adverse_events_module: Option<AdverseEventsModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub more_info_module: Option<MoreInfoModule>,
}

/// A group of a results module: its own id, title and description.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowModule {
    #[serde(default, deserialize_with = "lenient::string")]
    pub pre_assignment_details: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub groups: Vec<Option<Group>>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub periods: Vec<Option<Period>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub milestones: Vec<Option<Milestone>>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub drop_withdraws: Vec<Option<DropWithdraw>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Milestone {
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub achievements: Vec<Option<GroupCount>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DropWithdraw {
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub reasons: Vec<Option<GroupCount>>,
}

/// A number of people in one group (`numSubjects` in the flow, `value` in denominators).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupCount {
    #[serde(default, deserialize_with = "lenient::string")]
    pub group_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub num_subjects: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub value: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeMeasuresModule {
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub outcome_measures: Vec<Option<OutcomeMeasure>>,
}

/// One outcome measure. Only primary outcomes reach a page, and the other outcomes' data (most
/// of a results section's bytes) is skipped unread when their `type` comes first, as it does in
/// the registry's JSON: see [`OutcomeMeasure`]'s `Deserialize`.
#[derive(Debug, Default)]
pub struct OutcomeMeasure {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub param_type: Option<String>,
    pub unit_of_measure: Option<String>,
    pub time_frame: Option<String>,
    /// What the measure is and which way its scale runs; read for primary outcomes only.
    pub description: Option<String>,
    pub groups: Vec<Option<Group>>,
    pub denoms: Vec<Option<Denom>>,
    pub classes: Vec<Option<MeasureClass>>,
    pub analyses: Vec<Option<Analysis>>,
}

impl OutcomeMeasure {
    /// Whether the outcome is known not to be primary (an outcome of unknown type is read).
    fn other_than_primary(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| !k.eq_ignore_ascii_case("primary"))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
#[derive(PartialEq, Eq)]
enum OutcomeField {
    Type,
    Title,
    ParamType,
    UnitOfMeasure,
    TimeFrame,
    Description,
    Groups,
    Denoms,
    Classes,
    Analyses,
    #[serde(other)]
    Unread,
}

impl<'de> Deserialize<'de> for OutcomeMeasure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(OutcomeVisitor)
    }
}

struct OutcomeVisitor;

impl<'de> Visitor<'de> for OutcomeVisitor {
    type Value = OutcomeMeasure;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an outcome measure")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use lenient::{ListAt, Text};
        let mut m = OutcomeMeasure::default();
        while let Some(field) = map.next_key::<OutcomeField>()? {
            let data = matches!(
                field,
                OutcomeField::Description
                    | OutcomeField::Groups
                    | OutcomeField::Denoms
                    | OutcomeField::Classes
                    | OutcomeField::Analyses
            );
            if field == OutcomeField::Unread || (data && m.other_than_primary()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            match field {
                OutcomeField::Type => m.kind = map.next_value::<Text>()?.0,
                OutcomeField::Title => m.title = map.next_value::<Text>()?.0,
                OutcomeField::ParamType => m.param_type = map.next_value::<Text>()?.0,
                OutcomeField::UnitOfMeasure => m.unit_of_measure = map.next_value::<Text>()?.0,
                OutcomeField::TimeFrame => m.time_frame = map.next_value::<Text>()?.0,
                OutcomeField::Description => m.description = map.next_value::<Text>()?.0,
                OutcomeField::Groups => m.groups = map.next_value::<ListAt<_>>()?.0,
                OutcomeField::Denoms => m.denoms = map.next_value::<ListAt<_>>()?.0,
                OutcomeField::Classes => m.classes = map.next_value::<ListAt<_>>()?.0,
                OutcomeField::Analyses => m.analyses = map.next_value::<ListAt<_>>()?.0,
                OutcomeField::Unread => unreachable!("skipped above"),
            }
        }
        Ok(m)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Denom {
    #[serde(default, deserialize_with = "lenient::string")]
    pub units: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub counts: Vec<Option<GroupCount>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasureClass {
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub categories: Vec<Option<Category>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub measurements: Vec<Option<Measurement>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    #[serde(default, deserialize_with = "lenient::string")]
    pub group_id: Option<String>,
    /// As written: "47.2", "NA" (no data), "158".
    #[serde(default, deserialize_with = "lenient::string")]
    pub value: Option<String>,
    /// Why a value is missing, where the record says ("Median … not reached at the time of
    /// data cut-off").
    #[serde(default, deserialize_with = "lenient::string")]
    pub comment: Option<String>,
}

/// A statistical analysis: read only for what it asks (non-inferiority) and kept out of the
/// page's text (p-values stay in the JSON facts).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    #[serde(default, deserialize_with = "lenient::string")]
    pub non_inferiority_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub p_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdverseEventsModule {
    #[serde(default, deserialize_with = "lenient::string")]
    pub frequency_threshold: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub time_frame: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub event_groups: Vec<Option<EventGroup>>,
    /// The serious events one by one are not read: a page gives their count per group
    /// (`eventGroups`) and names only the most common other problems.
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub other_events: Vec<Option<AdverseEvent>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventGroup {
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub deaths_num_affected: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub deaths_num_at_risk: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub serious_num_affected: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub serious_num_at_risk: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub other_num_affected: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub other_num_at_risk: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdverseEvent {
    #[serde(default, deserialize_with = "lenient::string")]
    pub term: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub stats: Vec<Option<EventStats>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventStats {
    #[serde(default, deserialize_with = "lenient::string")]
    pub group_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub num_affected: Option<u64>,
    #[serde(default, deserialize_with = "lenient::count")]
    pub num_at_risk: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoreInfoModule {
    #[serde(default, deserialize_with = "lenient::object")]
    pub limitations_and_caveats: Option<Limitations>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limitations {
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(json: &str) -> OutcomeMeasure {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_secondary_outcome_keeps_its_title_but_not_its_data() {
        let data = r#""groups":[{"id":"OG000"}],"denoms":[{"units":"Participants"}],
            "classes":[{"categories":[{"measurements":[{"groupId":"OG000","value":"4"}]}]}]"#;
        let secondary = outcome(&format!(r#"{{"type":"SECONDARY","title":"Pain",{data}}}"#));
        assert_eq!(secondary.title.as_deref(), Some("Pain"));
        assert!(secondary.groups.is_empty() && secondary.classes.is_empty());

        let primary = outcome(&format!(r#"{{"type":"PRIMARY","title":"Pain",{data}}}"#));
        assert_eq!(primary.groups.len(), 1);
        assert_eq!(primary.denoms.len(), 1);
        assert_eq!(primary.classes.len(), 1);

        // A type that comes late, or none, cannot skip anything: the data is read.
        let late = outcome(&format!(r#"{{"title":"Pain",{data},"type":"SECONDARY"}}"#));
        assert_eq!(late.classes.len(), 1);
    }

    #[test]
    fn an_outcome_of_odd_shapes_is_read_leniently() {
        let odd = outcome(r#"{"type":7,"title":["x"],"classes":"none","extra":{"a":1}}"#);
        assert_eq!(odd.kind.as_deref(), Some("7"));
        assert_eq!(odd.title, None);
        assert!(odd.classes.is_empty());
    }
}
