//! The registry's `resultsSection`, as far as laysum reads it: who took part and finished, the
//! outcome measures with each group's value, and the adverse events.
//!
//! Lists keep every item at its place ([`lenient::objects_at`]): a page quotes each number
//! with its exact field path (`resultsSection.adverseEventsModule.eventGroups[1]…`), so an
//! index must stay the record's index even when an item is malformed. The `moreInfoModule`'s
//! point of contact is deliberately not modelled.

use super::lenient;
use serde::Deserialize;

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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeMeasure {
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub param_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub unit_of_measure: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub time_frame: Option<String>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub groups: Vec<Option<Group>>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub denoms: Vec<Option<Denom>>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub classes: Vec<Option<MeasureClass>>,
    #[serde(default, deserialize_with = "lenient::objects_at")]
    pub analyses: Vec<Option<Analysis>>,
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
    #[serde(default, deserialize_with = "lenient::string")]
    pub organ_system: Option<String>,
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
