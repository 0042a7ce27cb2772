//! [`Results`]: a trial's posted results in domain terms.
//!
//! The shape follows the registry's modules closely, because every number a page quotes from
//! them names its exact field path: lists keep each item at its record index (`None` where the
//! record's item was malformed), and groups keep the module's own ids, so values are matched to
//! groups by id, never by position across modules. Text is cleaned like the rest of a [`Trial`].
//!
//! [`Trial`]: super::Trial

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    /// `participantFlowModule.preAssignmentDetails`: what happened before the groups were
    /// made, often how they were made ("assigned … in a 2:1 ratio").
    pub pre_assignment: Option<String>,
    pub flow_groups: Vec<Option<Group>>,
    pub periods: Vec<Option<Period>>,
    pub outcomes: Vec<Option<OutcomeResult>>,
    pub adverse: Option<AdverseEvents>,
    /// `moreInfoModule.limitationsAndCaveats.description`.
    pub limitations: Option<String>,
}

/// A group of one results module, by the module's own id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Period {
    pub title: Option<String>,
    pub milestones: Vec<Option<Milestone>>,
    pub drop_withdraws: Vec<Option<Milestone>>,
}

/// A milestone ("STARTED", "COMPLETED") or a reason people left, with a count per group.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Milestone {
    pub kind: String,
    /// `(group id, number of people)`, at the record's indexes.
    pub counts: Vec<Option<(String, Option<u64>)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Primary,
    Secondary,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeResult {
    pub kind: OutcomeKind,
    pub title: String,
    /// NUMBER, MEAN, MEDIAN, COUNT_OF_PARTICIPANTS, LEAST_SQUARES_MEAN, GEOMETRIC_MEAN…
    pub param_type: Option<String>,
    pub unit: Option<String>,
    pub time_frame: Option<String>,
    /// What the measure is and which way its scale runs, as written.
    pub description: Option<String>,
    pub groups: Vec<Option<Group>>,
    pub denoms: Vec<Option<Denom>>,
    pub classes: Vec<Option<MeasureClass>>,
    /// The analyses ask whether one group is not worse than another by more than a margin.
    pub non_inferiority: bool,
    /// The analyses' p-values, as written: for the JSON facts, never for the page's text.
    pub p_values: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Denom {
    pub units: Option<String>,
    pub counts: Vec<Option<(String, Option<u64>)>>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MeasureClass {
    pub title: Option<String>,
    pub categories: Vec<Option<Category>>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Category {
    pub title: Option<String>,
    pub measurements: Vec<Option<Measurement>>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Measurement {
    pub group_id: String,
    /// As written: "47.2", "NA".
    pub value: Option<String>,
    /// Why a value is missing, where the record says.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AdverseEvents {
    /// The frequency (percent) above which "other" events were reported, as written.
    pub threshold: Option<String>,
    pub time_frame: Option<String>,
    pub description: Option<String>,
    pub groups: Vec<Option<EventGroup>>,
    pub other: Vec<Option<AdverseEvent>>,
}

/// Counts per kind of event in one group: people affected and people at risk, each `None`
/// when the record does not give it (never zero).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventGroup {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub deaths: (Option<u64>, Option<u64>),
    pub serious: (Option<u64>, Option<u64>),
    pub other: (Option<u64>, Option<u64>),
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AdverseEvent {
    pub term: String,
    pub stats: Vec<Option<EventStat>>,
}

/// How many people in one group had an event, of how many at risk.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventStat {
    pub group_id: String,
    pub affected: Option<u64>,
    pub at_risk: Option<u64>,
}
