//! [`Facts`]: what a lay reader needs to know about a trial, each with its source field.
//!
//! Facts hold meanings, not sentences: a stage is `early`, a tense is `future`, a follow-up is
//! `{amount: 2, unit: year}`. The templates turn them into words. Every fact names the registry
//! field it came from ([`Fact::field`]) so that a reviewer can ask "why does it say 24?" and
//! get an answer; the quality report lists them.

use crate::trial::{Sex, TimeUnit};
use serde::Serialize;
use std::collections::BTreeSet;

/// A value and the registry field (JSON path) it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact<T> {
    pub value: T,
    pub field: String,
}

impl<T> Fact<T> {
    pub fn new(value: T, field: impl Into<String>) -> Self {
        Fact {
            value,
            field: field.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub nct_id: String,
    pub title: Fact<String>,
    pub kind: Fact<StudyKind>,
    /// `None` for trials without phases (behavioural, device, observational studies).
    pub stage: Option<Fact<Stage>>,
    pub status: Fact<Progress>,
    pub tense: Tense,
    pub has_results: Fact<bool>,
    /// The plain reason a trial stopped, from the lexicon; `None` when none matched.
    pub why_stopped: Option<Fact<String>>,
    /// The registry's own words for why it stopped, shown when the lexicon has no plain reason.
    pub why_stopped_as_registered: Option<Fact<String>>,
    pub size: Option<Fact<Size>>,
    pub design: Design,
    pub treatments: Vec<Fact<Treatment>>,
    pub comparison: Option<Fact<Comparison>>,
    pub active_substance: Option<Fact<String>>,
    pub route: Option<Fact<Route>>,
    pub follow_up: Option<Fact<Duration>>,
    /// What the main outcome means for a patient ("regaining independence").
    pub focus: Option<Fact<String>>,
    /// The primary outcomes are about side effects and safety.
    pub safety_first: Option<Fact<bool>>,
    pub conditions: Vec<Fact<Condition>>,
    pub who: Who,
    pub sites: Option<Fact<Sites>>,
    pub last_update: Option<Fact<String>>,
    /// Every number the record holds in the fields a page may quote (as written, digits only):
    /// a number in a page that is not here was invented.
    #[serde(skip)]
    pub record_numbers: BTreeSet<String>,
    /// The record's own words behind each fact, for the quality report.
    #[serde(skip)]
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StudyKind {
    Interventional,
    Observational,
    ExpandedAccess,
    Unknown,
}

/// How far along the road to approval a trial is, in reader terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Early phase 1, phase 1, phase 1/2: mainly about safety.
    Early,
    /// Phase 2: whether it works and at what dose.
    Mid,
    /// Phase 2/3.
    MidLate,
    /// Phase 3: compared with usual care in many people.
    Late,
    /// Phase 4: the treatment is already approved.
    Approved,
}

/// Where a trial stands, in reader terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    NotYetRecruiting,
    Recruiting,
    ByInvitation,
    UnderWay,
    Completed,
    StoppedEarly,
    Paused,
    Withdrawn,
    Available,
    NotAvailable,
    /// The registry has not been told how the trial is doing for a long time.
    Unclear,
    /// The record does not say.
    NotStated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tense {
    Future,
    Present,
    Past,
    /// The status is not up to date: say what was planned.
    Planned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Size {
    pub count: u64,
    pub estimated: bool,
    pub class: SizeClass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    VerySmall,
    Small,
    Medium,
    Large,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Design {
    pub randomized: Option<Fact<bool>>,
    pub placebo: Option<Fact<bool>>,
    pub sham: Option<Fact<bool>>,
    /// `Some(false)` means open label: everyone knows what they get.
    pub blinded: Option<Fact<bool>>,
    pub single_group: Option<Fact<bool>>,
    pub crossover: Option<Fact<bool>>,
}

/// What the new treatment is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Placebo,
    Sham,
    UsualCare,
    OtherTreatment,
    NoTreatment,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Treatment {
    /// As registered.
    pub name: String,
    /// In plain words (from the lexicon), or the registered name when it has none.
    pub plain: String,
    pub kind: TreatmentKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentKind {
    Medicine,
    Device,
    Procedure,
    Radiation,
    Behavioral,
    Diet,
    Test,
    Other,
}

/// How a treatment is given, with the words for it from the routes lexicon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub id: String,
    pub how: String,
    pub risks: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: TimeUnit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub plain: String,
    pub registered: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Who {
    pub min_age: Option<Fact<Duration>>,
    pub max_age: Option<Fact<Duration>>,
    pub sex: Option<Fact<Sex>>,
    pub healthy_volunteers: Option<Fact<bool>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sites {
    pub count: usize,
    pub countries: Vec<String>,
}

/// A line of the quality report: a piece of text in the page and the field it came from.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Source {
    pub text: String,
    pub field: String,
}
