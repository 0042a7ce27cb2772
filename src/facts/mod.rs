//! [`Facts`]: what a lay reader needs to know about a trial, each with its source field.
//!
//! Facts hold meanings, not sentences: a stage is `early`, a tense is `future`, a follow-up is
//! `{amount: 2, unit: year}`. The templates turn them into words. Every fact names the registry
//! field it came from ([`Fact::field`]) so that a reviewer can ask "why does it say 24?" and
//! get an answer; the quality report lists them.

mod findings;

pub use findings::*;

pub use crate::trial::Purpose;
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
    /// An observational study of records made before it began: it asks nothing of anyone
    /// and follows no one. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looks_back: Option<Fact<bool>>,
    /// An observational study that looks at people once (cross-sectional): it follows no one.
    pub once: Option<Fact<bool>>,
    /// An observational study that compares people who have the condition with people who do
    /// not (case-control).
    pub case_control: Option<Fact<bool>>,
    /// The plain reason a trial stopped, from the lexicon; `None` when none matched.
    pub why_stopped: Option<Fact<String>>,
    /// The registry's own words for why it stopped, shown when the lexicon has no plain reason.
    pub why_stopped_as_registered: Option<Fact<String>>,
    /// A study whose status is unknown had not started taking people at its last update
    /// (`lastKnownStatus` NOT_YET_RECRUITING): it may never have begun, not "may have ended".
    pub never_started_known: Option<Fact<bool>>,
    pub size: Option<Fact<Size>>,
    pub design: Design,
    /// What the trial is for, when the record says and it is not treatment.
    pub purpose: Option<Fact<Purpose>>,
    /// Who takes part, when it is not simply "people": babies, children, healthy volunteers.
    pub population: Option<Fact<Population>>,
    /// Who may join had the illness treated before, and it came back or did not get better:
    /// a title or condition says "relapsed", "refractory" (NCT05147467).
    pub previously_treated: Option<Fact<bool>>,
    /// The condition the title says the trial tries to prevent, by its plain name: not one
    /// the people taking part have (NCT00931528 prevents erectile dysfunction in men having
    /// radiotherapy for prostate cancer).
    pub prevented: Option<Fact<String>>,
    /// In a prevention trial, the illnesses the inclusion criteria say people have: the trial
    /// tries to prevent its other illnesses (NCT05929300: yoga to spare men having prostate
    /// cancer surgery erectile dysfunction and incontinence), or, with none other, their
    /// attacks or harm.
    pub diagnosed: Option<Fact<Vec<String>>>,
    /// A study of medicines taken together: whether one changes how the body handles the
    /// other, or how safe it is (a drug interaction study).
    pub interaction: Option<Fact<bool>>,
    /// A trial of whether what it tests changes how the body responds to vaccines, not of
    /// whether it helps (NCT02210780: vaccines given to adults with eczema on dupilumab).
    pub vaccine_response: Option<Fact<bool>>,
    /// Every intervention of the record with its role, in the record's order.
    pub interventions: Vec<Fact<InterventionRole>>,
    /// What is tested: what the experimental arms get and the comparison arms do not.
    pub treatments: Vec<Fact<Treatment>>,
    /// Given to every arm alike: the tested treatment is added on top of it.
    pub background: Vec<Fact<Treatment>>,
    /// Given to everyone on purpose, to study the response to it: a virus or allergen
    /// challenge, not a treatment (NCT02388997's rhinovirus).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<Fact<Treatment>>,
    /// Active treatments given only in a comparison arm.
    pub comparators: Vec<Fact<Treatment>>,
    /// The comparators are given together, in the same comparison arms ("metoclopramide and
    /// diphenhydramine"), not each in an arm of its own ("… or …").
    pub comparators_together: bool,
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
    /// What the trial found: `None` without a results section.
    pub findings: Option<Findings>,
    /// Every number the record holds in the fields a page may quote (as written, digits only):
    /// a number in a page that is not here was invented.
    #[serde(skip)]
    pub record_numbers: BTreeSet<String>,
    /// The record's own words behind each fact, for the quality report.
    #[serde(skip)]
    pub sources: Vec<Source>,
}

/// Who takes part, in the words a page uses for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    Babies,
    Children,
    /// Only people of 12 to 17 may join: "children" would tell a 16-year-old it is not for them.
    Teenagers,
    /// The oldest who may join is 18 or 19, the youngest under 12 (NCT03281889: 3 to 18, "for
    /// Children"): every such record is a trial for the young, and an 18-year-old is still a
    /// teenager. "People" would invite adults.
    ChildrenAndTeenagers,
    HealthyVolunteers,
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
    /// Early phase 1, phase 1: mainly about safety.
    Early,
    /// Phase 1/2: safety first, then whether it works.
    EarlyMid,
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
    /// Every arm gets the same tested products, in other doses or schedules.
    pub same_everywhere: Option<Fact<bool>>,
    /// Every arm gets the same products and describes them in the same words: the groups
    /// differ in who is in them, not in dose or schedule (NCT04100759: "Subjects administer
    /// one tablet of sildenafil 50 mg" for non-smokers, cigarette and cannabis smokers).
    pub same_way: Option<Fact<bool>>,
    /// Every arm lists the placebo too: no group gets only the placebo (NCT02619617 gave
    /// everyone a placebo for one attack and SOM230 for the next).
    pub placebo_everywhere: Option<Fact<bool>>,
    /// Every arm gets the one tested product and its label names it: the arms differ in how
    /// it is given ("Sildenafil ODT tablet 50 mg, Fasted" and "…, Fed", NCT01254396).
    pub one_product: Option<Fact<bool>>,
    /// The record puts people into groups by an uneven ratio ("randomized 2:1"): chance
    /// decides, but not as a coin toss would.
    pub uneven: Option<Fact<bool>>,
    /// Whole groups of people (clinics, schools) were put into the arms at random, not each
    /// person: "cluster-randomized".
    pub cluster: Option<Fact<bool>>,
    /// Each person gets the treatment on one side of the body, the side chosen at random, and
    /// the other side is the comparison (NCT05013879's taped and untaped legs): chance decides
    /// the side, not who gets the treatment.
    pub sides: Option<Fact<bool>>,
    /// A single group whose people get the treatment at several doses ("dose escalation").
    pub dose_levels: Option<Fact<bool>>,
    /// How many arms a record registered as one group lists, when more than one: cohorts by
    /// age and weight, devices at different times (NCT04207047's four), with or without
    /// chemotherapy. Not everyone gets the same.
    pub groups: Option<Fact<usize>>,
    /// Every arm gets the same products, and the arm labels give their order
    /// ("Osimertinib->Dacomitinib", "Dacomitinib->Osimertinib"): the groups differ in order.
    pub in_order: Option<Fact<bool>>,
    /// Two or more products are tested, with nothing to compare them with, and no group gets
    /// them all: NCT06780137's groups get gocatamig, I-DXd or durvalumab alone or two at a
    /// time, never the three its summary names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apart: Option<Fact<bool>>,
}

/// What the new treatment is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Placebo,
    Sham,
    UsualCare,
    OtherTreatment,
    /// The comparison arm gets only what every arm gets: "furmonertinib alone".
    BackgroundAlone,
    /// The comparison arm gets the same treatment later, after a wait.
    Later,
    NoTreatment,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Treatment {
    /// As registered.
    pub name: String,
    /// In plain words (from the lexicon), or the registered name when it has none.
    pub plain: String,
    pub kind: TreatmentKind,
    /// Taken into the body: a medicine, supplement, food, gas, cells.
    pub substance: bool,
}

/// What an intervention is in the trial's design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// What the experimental arms get and the comparison arms do not; in one group, its treatment.
    Tested,
    /// Given to every arm alike.
    Background,
    /// An active treatment given only in a comparison arm.
    Comparator,
    /// An inactive look-alike, sham, vehicle or dummy.
    Placebo,
    /// Only measures: samples, lab analyses, questionnaires, scans. Never a treatment.
    Assessment,
}

/// One intervention of the record and the role the derive step read for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionRole {
    /// As registered.
    pub name: String,
    pub plain: String,
    /// The registry's type: DRUG, DEVICE, DIETARY_SUPPLEMENT…
    #[serde(rename = "type")]
    pub kind: String,
    pub role: Role,
    /// The labels of the arms that get it.
    pub arms: Vec<String>,
    pub substance: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentKind {
    Medicine,
    Supplement,
    Device,
    Procedure,
    Radiation,
    Behavioral,
    Test,
    Other,
}

/// How a treatment is given, with the words for it from the routes lexicon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub id: String,
    pub how: String,
    pub risks: String,
    /// Another tested product is given another way ("by mouth" beside "through an IV"): its
    /// words, to follow "and".
    pub also: Option<String>,
    /// Yet more ways than these two.
    pub more: bool,
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
    pub kind: ConditionKind,
}

/// What a registered condition term names: pages say "people with an illness", "people having
/// an operation", "healthy volunteers", and a study of side effects looks at them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionKind {
    Illness,
    Procedure,
    Healthy,
    SideEffects,
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
    /// The title or description says the trial runs at several places, whatever the list of
    /// locations holds so far (NCT03799601 lists one, "conducted at 8 centers"). Read only
    /// when one location is listed.
    pub several_said: bool,
}

/// A line of the quality report: a piece of text in the page and the field it came from.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Source {
    pub text: String,
    pub field: String,
}
