//! The ClinicalTrials.gov API v2 study format, as far as laysum reads it.
//!
//! Only the fields the pipeline uses are modelled; every other field is skipped by the parser
//! without being built. The results section ([`results`]) is read only where a page uses it.
//! Enum-like fields stay text here: values outside the registry's documented list appear in
//! real records, and [`crate::normalize`] decides what each one means. Contacts are not
//! modelled at all, so no phone number or e-mail can reach a page.

pub mod client;
pub mod fetch;
pub mod lenient;
pub mod results;

use serde::Deserialize;

/// One study record: what `GET /api/v2/studies/{nctId}` returns.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Study {
    #[serde(default, deserialize_with = "lenient::object")]
    pub protocol_section: Option<ProtocolSection>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub derived_section: Option<DerivedSection>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub has_results: Option<bool>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub results_section: Option<results::ResultsSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtocolSection {
    #[serde(default, deserialize_with = "lenient::object")]
    pub identification_module: Option<IdentificationModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub status_module: Option<StatusModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub sponsor_collaborators_module: Option<SponsorCollaboratorsModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub description_module: Option<DescriptionModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub conditions_module: Option<ConditionsModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub design_module: Option<DesignModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub arms_interventions_module: Option<ArmsInterventionsModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub outcomes_module: Option<OutcomesModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub eligibility_module: Option<EligibilityModule>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub contacts_locations_module: Option<ContactsLocationsModule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentificationModule {
    #[serde(default, deserialize_with = "lenient::string")]
    pub nct_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub brief_title: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub official_title: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub acronym: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusModule {
    #[serde(default, deserialize_with = "lenient::string")]
    pub overall_status: Option<String>,
    /// The status before it became UNKNOWN (not updated for two years).
    #[serde(default, deserialize_with = "lenient::string")]
    pub last_known_status: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub why_stopped: Option<String>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub start_date_struct: Option<DateStruct>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub completion_date_struct: Option<DateStruct>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub study_first_post_date_struct: Option<DateStruct>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub last_update_post_date_struct: Option<DateStruct>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateStruct {
    #[serde(default, deserialize_with = "lenient::string")]
    pub date: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorCollaboratorsModule {
    #[serde(default, deserialize_with = "lenient::object")]
    pub lead_sponsor: Option<Sponsor>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sponsor {
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescriptionModule {
    #[serde(default, deserialize_with = "lenient::string")]
    pub brief_summary: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub detailed_description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionsModule {
    #[serde(default, deserialize_with = "lenient::strings")]
    pub conditions: Vec<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub keywords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesignModule {
    #[serde(default, deserialize_with = "lenient::string")]
    pub study_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub phases: Vec<String>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub design_info: Option<DesignInfo>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub enrollment_info: Option<EnrollmentInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesignInfo {
    #[serde(default, deserialize_with = "lenient::string")]
    pub allocation: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub intervention_model: Option<String>,
    /// The design in the registrant's words ("3+3 dose escalation").
    #[serde(default, deserialize_with = "lenient::string")]
    pub intervention_model_description: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub primary_purpose: Option<String>,
    #[serde(default, deserialize_with = "lenient::object")]
    pub masking_info: Option<MaskingInfo>,
    /// Observational studies: RETROSPECTIVE, PROSPECTIVE, CROSS_SECTIONAL, OTHER.
    #[serde(default, deserialize_with = "lenient::string")]
    pub time_perspective: Option<String>,
    /// Observational studies: COHORT, CASE_CONTROL, CASE_ONLY, …
    #[serde(default, deserialize_with = "lenient::string")]
    pub observational_model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaskingInfo {
    #[serde(default, deserialize_with = "lenient::string")]
    pub masking: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentInfo {
    #[serde(default, deserialize_with = "lenient::count")]
    pub count: Option<u64>,
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmsInterventionsModule {
    #[serde(default, deserialize_with = "lenient::objects")]
    pub arm_groups: Vec<ArmGroup>,
    #[serde(default, deserialize_with = "lenient::objects")]
    pub interventions: Vec<Intervention>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmGroup {
    #[serde(default, deserialize_with = "lenient::string")]
    pub label: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub intervention_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intervention {
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub arm_group_labels: Vec<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    pub other_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomesModule {
    #[serde(default, deserialize_with = "lenient::objects")]
    pub primary_outcomes: Vec<Outcome>,
    #[serde(default, deserialize_with = "lenient::objects")]
    pub secondary_outcomes: Vec<Outcome>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    #[serde(default, deserialize_with = "lenient::string")]
    pub measure: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub time_frame: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityModule {
    #[serde(default, deserialize_with = "lenient::flag")]
    pub healthy_volunteers: Option<bool>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub sex: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub minimum_age: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub maximum_age: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub eligibility_criteria: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactsLocationsModule {
    #[serde(default, deserialize_with = "lenient::objects")]
    pub locations: Vec<Location>,
}

/// A trial site. Its contacts are deliberately not read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(default, deserialize_with = "lenient::string")]
    pub facility: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub country: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DerivedSection {
    #[serde(default, deserialize_with = "lenient::object")]
    pub condition_browse_module: Option<BrowseModule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowseModule {
    #[serde(default, deserialize_with = "lenient::objects")]
    pub meshes: Vec<MeshTerm>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeshTerm {
    #[serde(default, deserialize_with = "lenient::string")]
    pub term: Option<String>,
}
