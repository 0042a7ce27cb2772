//! [`Trial`]: the one normalized domain type.
//!
//! Everything the later steps know about a study is here, in domain terms: enums instead of
//! registry codes (with the unknown code kept as text), clean text instead of markup, and a
//! list of the fields the record did not give. Each list keeps the registry's order, so an
//! item's index is its index in the record and a fact can name the field it came from.

mod results;

pub use results::*;

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Trial {
    pub nct_id: String,
    pub title: String,
    pub official_title: Option<String>,
    pub study_type: StudyType,
    pub phases: Vec<Phase>,
    pub status: Status,
    /// What the status was at the last update, when it is now unknown.
    pub last_known_status: Option<Status>,
    pub why_stopped: Option<String>,
    pub enrollment: Option<Enrollment>,
    pub allocation: Allocation,
    pub model: InterventionModel,
    pub purpose: Purpose,
    pub masking: Masking,
    /// An observational study that reads records made before it began
    /// (`timePerspective` RETROSPECTIVE): no one takes part in anything.
    pub looks_back: bool,
    /// Its time perspective is given as PROSPECTIVE: it follows people from now on.
    pub prospective: bool,
    /// A cross-sectional study: people are looked at once, at one point in time.
    pub once: bool,
    /// A case-control study: people with the condition are compared with people without it.
    pub case_control: bool,
    pub arms: Vec<Arm>,
    pub interventions: Vec<Intervention>,
    pub conditions: Vec<String>,
    pub mesh_terms: Vec<String>,
    pub keywords: Vec<String>,
    pub primary_outcomes: Vec<Outcome>,
    pub secondary_outcomes: Vec<Outcome>,
    pub eligibility: Eligibility,
    pub sponsor: Option<String>,
    pub brief_summary: Option<String>,
    pub description: Option<String>,
    /// The design in the registrant's words (`interventionModelDescription`): NCT06221553's
    /// "3+3 dose escalation" is said nowhere else.
    pub model_description: Option<String>,
    pub start_date: Option<String>,
    pub completion_date: Option<String>,
    pub first_posted: Option<String>,
    pub last_update: Option<String>,
    pub sites: Vec<Site>,
    pub has_results: bool,
    /// The posted results, when the record has a `resultsSection`.
    pub results: Option<Results>,
    /// Registry fields this record lacks that a page would use.
    pub missing: Vec<&'static str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub enum StudyType {
    Interventional,
    Observational,
    ExpandedAccess,
    #[default]
    Unknown,
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Phase {
    EarlyPhase1,
    Phase1,
    Phase2,
    Phase3,
    Phase4,
    NotApplicable,
}

impl Phase {
    /// The registry's code for the phase.
    pub fn code(self) -> &'static str {
        match self {
            Phase::EarlyPhase1 => "EARLY_PHASE1",
            Phase::Phase1 => "PHASE1",
            Phase::Phase2 => "PHASE2",
            Phase::Phase3 => "PHASE3",
            Phase::Phase4 => "PHASE4",
            Phase::NotApplicable => "NA",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub enum Status {
    NotYetRecruiting,
    Recruiting,
    EnrollingByInvitation,
    ActiveNotRecruiting,
    Completed,
    Suspended,
    Terminated,
    Withdrawn,
    Available,
    NoLongerAvailable,
    TemporarilyNotAvailable,
    ApprovedForMarketing,
    Withheld,
    /// The registry's own "UNKNOWN": not verified for a long time.
    #[default]
    Unknown,
    /// The record gives no status at all.
    NotGiven,
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Enrollment {
    pub count: u64,
    /// An estimate (the plan) rather than the number who actually joined.
    pub estimated: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Allocation {
    Randomized,
    NonRandomized,
    #[default]
    NotGiven,
}

/// What a trial is for (`designInfo.primaryPurpose`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Treatment,
    Prevention,
    Diagnostic,
    Screening,
    SupportiveCare,
    BasicScience,
    HealthServicesResearch,
    Other,
    #[default]
    NotGiven,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum InterventionModel {
    SingleGroup,
    Parallel,
    Crossover,
    Factorial,
    Sequential,
    #[default]
    NotGiven,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Masking {
    /// Open label: everyone knows who gets what.
    None,
    Single,
    Double,
    Triple,
    Quadruple,
    #[default]
    NotGiven,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ArmKind {
    Experimental,
    ActiveComparator,
    PlaceboComparator,
    ShamComparator,
    NoIntervention,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Arm {
    pub label: String,
    pub kind: ArmKind,
    pub description: Option<String>,
    pub intervention_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum InterventionKind {
    Drug,
    Biological,
    Device,
    Procedure,
    Radiation,
    Behavioral,
    Genetic,
    DietarySupplement,
    CombinationProduct,
    DiagnosticTest,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Intervention {
    pub kind: InterventionKind,
    pub name: String,
    pub description: Option<String>,
    pub arm_labels: Vec<String>,
    /// Generic, brand and code names the registry lists beside the name.
    pub other_names: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub measure: String,
    pub description: Option<String>,
    pub time_frame: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Eligibility {
    pub min_age: Option<Age>,
    pub max_age: Option<Age>,
    pub sex: Sex,
    pub healthy_volunteers: Option<bool>,
    /// The criteria as the registry writes them: "Inclusion Criteria: * Healthy adults …".
    pub criteria: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Age {
    pub amount: u32,
    pub unit: TimeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    /// Rough length in hours, for comparing durations written in different units.
    pub fn hours(self) -> f64 {
        match self {
            TimeUnit::Minute => 1.0 / 60.0,
            TimeUnit::Hour => 1.0,
            TimeUnit::Day => 24.0,
            TimeUnit::Week => 24.0 * 7.0,
            TimeUnit::Month => 24.0 * 30.44,
            TimeUnit::Year => 24.0 * 365.25,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    #[default]
    All,
    Female,
    Male,
}

/// A trial site: where it is, never who to call.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// `None` when the record gives only where it is (NCT00661115 lists six sites in India by
    /// city alone).
    pub facility: Option<String>,
    pub status: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}
