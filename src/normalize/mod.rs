//! Step 2, normalize: [`Study`] → [`Trial`].
//!
//! Registry codes become domain enums (unknown codes are kept as text, never an error), free
//! text is cleaned of markup, control characters and runs of white space, and every field a page
//! would use but the record lacks is listed in [`Trial::missing`] for the quality report.

mod results;
mod text;

pub use text::{age, clean, time_unit};

use crate::ctgov::{self, Study};
use crate::trial::*;
use results::results;

/// Turns a parsed study into the domain type. Never fails: [`crate::parse::parse`] has already
/// made sure the record is a study with an NCT id.
pub fn normalize(study: Study) -> Trial {
    let mut missing = Vec::new();
    let protocol = study.protocol_section.unwrap_or_default();
    let ident = protocol.identification_module.unwrap_or_default();
    let status = protocol.status_module.unwrap_or_default();
    let design = protocol.design_module.unwrap_or_default();
    let design_info = design.design_info.unwrap_or_default();
    // Observational studies: how they look at time (RETROSPECTIVE, CROSS_SECTIONAL, …).
    let perspective = design_info.time_perspective.as_deref().map(code);
    let model_description = clean(design_info.intervention_model_description.as_deref());
    let arms_module = protocol.arms_interventions_module.unwrap_or_default();
    let outcomes = protocol.outcomes_module.unwrap_or_default();
    let conditions = protocol.conditions_module.unwrap_or_default();
    let eligibility = protocol.eligibility_module.unwrap_or_default();
    let description = protocol.description_module.unwrap_or_default();

    let nct_id = clean(ident.nct_id.as_deref()).unwrap_or_default();
    let official_title = clean(ident.official_title.as_deref());
    let title = clean(ident.brief_title.as_deref())
        .or_else(|| official_title.clone())
        .unwrap_or_else(|| {
            missing.push("protocolSection.identificationModule.briefTitle");
            nct_id.clone()
        });

    let study_type = match design.study_type.as_deref().map(code) {
        Some(c) if c == "INTERVENTIONAL" => StudyType::Interventional,
        Some(c) if c == "OBSERVATIONAL" || c == "PATIENT_REGISTRY" => StudyType::Observational,
        Some(c) if c.starts_with("EXPANDED_ACCESS") => StudyType::ExpandedAccess,
        Some(c) if !c.is_empty() => StudyType::Other(c),
        _ => {
            missing.push("protocolSection.designModule.studyType");
            StudyType::Unknown
        }
    };

    let mut phases: Vec<Phase> = design.phases.iter().filter_map(|p| phase(p)).collect();
    phases.sort();
    phases.dedup();
    if phases.is_empty() && study_type == StudyType::Interventional {
        missing.push("protocolSection.designModule.phases");
    }

    let overall_status = match status.overall_status.as_deref().map(code) {
        Some(c) if !c.is_empty() => overall_status(c),
        _ => {
            missing.push("protocolSection.statusModule.overallStatus");
            Status::NotGiven
        }
    };

    let enrollment = design.enrollment_info.and_then(|e| {
        Some(Enrollment {
            count: e.count?,
            estimated: e.kind.as_deref().map(code).is_none_or(|k| k != "ACTUAL"),
        })
    });
    if enrollment.is_none() {
        missing.push("protocolSection.designModule.enrollmentInfo.count");
    }

    let arms: Vec<Arm> = arms_module
        .arm_groups
        .into_iter()
        .map(|a| Arm {
            label: clean(a.label.as_deref()).unwrap_or_default(),
            kind: arm_kind(a.kind.as_deref()),
            description: clean(a.description.as_deref()),
            intervention_names: a
                .intervention_names
                .iter()
                .filter_map(|n| clean(Some(n)))
                .collect(),
        })
        .collect();
    let interventions: Vec<Intervention> = arms_module
        .interventions
        .into_iter()
        .map(|i| Intervention {
            kind: intervention_kind(i.kind.as_deref()),
            name: clean(i.name.as_deref()).unwrap_or_default(),
            description: clean(i.description.as_deref()),
            arm_labels: i
                .arm_group_labels
                .iter()
                .filter_map(|n| clean(Some(n)))
                .collect(),
            other_names: i
                .other_names
                .iter()
                .filter_map(|n| clean(Some(n)))
                .collect(),
        })
        .collect();
    if interventions.is_empty() && study_type == StudyType::Interventional {
        missing.push("protocolSection.armsInterventionsModule.interventions");
    }

    let conditions_list: Vec<String> = conditions
        .conditions
        .iter()
        .filter_map(|c| clean(Some(c)))
        .collect();
    if conditions_list.is_empty() {
        missing.push("protocolSection.conditionsModule.conditions");
    }
    let mesh_terms = study
        .derived_section
        .and_then(|d| d.condition_browse_module)
        .map(|b| {
            b.meshes
                .into_iter()
                .filter_map(|m| clean(m.term.as_deref()))
                .collect()
        })
        .unwrap_or_default();

    let primary_outcomes = outcome_list(outcomes.primary_outcomes);
    if primary_outcomes.is_empty() {
        missing.push("protocolSection.outcomesModule.primaryOutcomes");
    }

    let eligibility = Eligibility {
        min_age: eligibility.minimum_age.as_deref().and_then(age),
        max_age: eligibility.maximum_age.as_deref().and_then(age),
        sex: match eligibility.sex.as_deref().map(code).as_deref() {
            Some("FEMALE") => Sex::Female,
            Some("MALE") => Sex::Male,
            _ => Sex::All,
        },
        healthy_volunteers: eligibility.healthy_volunteers,
        criteria: eligibility.eligibility_criteria,
    };

    let sites: Vec<Site> = protocol
        .contacts_locations_module
        .map(|m| m.locations)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|l| {
            let site = Site {
                facility: clean(l.facility.as_deref()),
                status: clean(l.status.as_deref()).map(|s| code(&s)),
                city: clean(l.city.as_deref()),
                country: clean(l.country.as_deref()),
            };
            // A site with a city or country but no name is still a place people can go.
            (site.facility.is_some() || site.city.is_some() || site.country.is_some())
                .then_some(site)
        })
        .collect();
    if sites.is_empty() {
        missing.push("protocolSection.contactsLocationsModule.locations");
    }

    let date = |d: Option<ctgov::DateStruct>| d.and_then(|d| clean(d.date.as_deref()));
    let last_update = date(status.last_update_post_date_struct);
    if last_update.is_none() {
        missing.push("protocolSection.statusModule.lastUpdatePostDateStruct.date");
    }

    Trial {
        nct_id,
        title,
        official_title,
        study_type,
        phases,
        status: overall_status,
        last_known_status: status
            .last_known_status
            .as_deref()
            .map(code)
            .filter(|c| !c.is_empty())
            .map(self::overall_status),
        why_stopped: clean(status.why_stopped.as_deref()),
        enrollment,
        allocation: match design_info.allocation.as_deref().map(code).as_deref() {
            Some("RANDOMIZED") => Allocation::Randomized,
            Some("NON_RANDOMIZED") => Allocation::NonRandomized,
            _ => Allocation::NotGiven,
        },
        purpose: match design_info.primary_purpose.as_deref().map(code).as_deref() {
            Some("TREATMENT") => Purpose::Treatment,
            Some("PREVENTION") => Purpose::Prevention,
            Some("DIAGNOSTIC") => Purpose::Diagnostic,
            Some("SCREENING") => Purpose::Screening,
            Some("SUPPORTIVE_CARE") => Purpose::SupportiveCare,
            Some("BASIC_SCIENCE") => Purpose::BasicScience,
            Some("HEALTH_SERVICES_RESEARCH") => Purpose::HealthServicesResearch,
            Some(c) if !c.is_empty() => Purpose::Other,
            _ => Purpose::NotGiven,
        },
        model: match design_info
            .intervention_model
            .as_deref()
            .map(code)
            .as_deref()
        {
            Some("SINGLE_GROUP") => InterventionModel::SingleGroup,
            Some("PARALLEL") => InterventionModel::Parallel,
            Some("CROSSOVER") => InterventionModel::Crossover,
            Some("FACTORIAL") => InterventionModel::Factorial,
            Some("SEQUENTIAL") => InterventionModel::Sequential,
            _ => InterventionModel::NotGiven,
        },
        looks_back: perspective.as_deref() == Some("RETROSPECTIVE"),
        prospective: perspective.as_deref() == Some("PROSPECTIVE"),
        once: perspective.as_deref() == Some("CROSS_SECTIONAL"),
        case_control: design_info
            .observational_model
            .as_deref()
            .map(code)
            .is_some_and(|c| c == "CASE_CONTROL"),
        masking: match design_info
            .masking_info
            .and_then(|m| m.masking)
            .as_deref()
            .map(code)
            .as_deref()
        {
            Some("NONE") => Masking::None,
            Some("SINGLE") => Masking::Single,
            Some("DOUBLE") => Masking::Double,
            Some("TRIPLE") => Masking::Triple,
            Some("QUADRUPLE") => Masking::Quadruple,
            _ => Masking::NotGiven,
        },
        arms,
        interventions,
        conditions: conditions_list,
        mesh_terms,
        keywords: conditions
            .keywords
            .iter()
            .filter_map(|k| clean(Some(k)))
            .collect(),
        primary_outcomes,
        secondary_outcomes: outcome_list(outcomes.secondary_outcomes),
        eligibility,
        sponsor: protocol
            .sponsor_collaborators_module
            .and_then(|s| s.lead_sponsor)
            .and_then(|s| clean(s.name.as_deref())),
        brief_summary: clean(description.brief_summary.as_deref()),
        description: clean(description.detailed_description.as_deref()),
        model_description,
        start_date: date(status.start_date_struct),
        completion_date: date(status.completion_date_struct),
        first_posted: date(status.study_first_post_date_struct),
        last_update,
        sites,
        has_results: study.has_results.unwrap_or(false),
        results: study.results_section.map(results),
        missing,
    }
}
/// A registry code in its canonical spelling: "Phase 2", "phase_2" and "PHASE2" agree.
fn code(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

fn phase(raw: &str) -> Option<Phase> {
    match code(raw).replace('_', "").as_str() {
        "EARLYPHASE1" | "PHASE0" => Some(Phase::EarlyPhase1),
        "PHASE1" => Some(Phase::Phase1),
        "PHASE2" => Some(Phase::Phase2),
        "PHASE3" => Some(Phase::Phase3),
        "PHASE4" => Some(Phase::Phase4),
        "NA" | "N/A" => Some(Phase::NotApplicable),
        // PHASE5 and the like do not exist; the page then speaks of no stage at all.
        _ => None,
    }
}

fn overall_status(c: String) -> Status {
    match c.as_str() {
        "NOT_YET_RECRUITING" => Status::NotYetRecruiting,
        "RECRUITING" => Status::Recruiting,
        "ENROLLING_BY_INVITATION" => Status::EnrollingByInvitation,
        "ACTIVE_NOT_RECRUITING" => Status::ActiveNotRecruiting,
        "COMPLETED" => Status::Completed,
        "SUSPENDED" => Status::Suspended,
        "TERMINATED" => Status::Terminated,
        "WITHDRAWN" => Status::Withdrawn,
        "AVAILABLE" => Status::Available,
        "NO_LONGER_AVAILABLE" => Status::NoLongerAvailable,
        "TEMPORARILY_NOT_AVAILABLE" => Status::TemporarilyNotAvailable,
        "APPROVED_FOR_MARKETING" => Status::ApprovedForMarketing,
        "WITHHELD" => Status::Withheld,
        "UNKNOWN" => Status::Unknown,
        _ => Status::Other(c),
    }
}

fn arm_kind(raw: Option<&str>) -> ArmKind {
    match raw.map(code).as_deref() {
        Some("EXPERIMENTAL") => ArmKind::Experimental,
        Some("ACTIVE_COMPARATOR") => ArmKind::ActiveComparator,
        Some("PLACEBO_COMPARATOR") => ArmKind::PlaceboComparator,
        Some("SHAM_COMPARATOR") => ArmKind::ShamComparator,
        Some("NO_INTERVENTION") => ArmKind::NoIntervention,
        _ => ArmKind::Other,
    }
}

fn intervention_kind(raw: Option<&str>) -> InterventionKind {
    match raw.map(code).as_deref() {
        Some("DRUG") => InterventionKind::Drug,
        Some("BIOLOGICAL") => InterventionKind::Biological,
        Some("DEVICE") => InterventionKind::Device,
        Some("PROCEDURE") => InterventionKind::Procedure,
        Some("RADIATION") => InterventionKind::Radiation,
        Some("BEHAVIORAL" | "BEHAVIOURAL") => InterventionKind::Behavioral,
        Some("GENETIC") => InterventionKind::Genetic,
        Some("DIETARY_SUPPLEMENT") => InterventionKind::DietarySupplement,
        Some("COMBINATION_PRODUCT") => InterventionKind::CombinationProduct,
        Some("DIAGNOSTIC_TEST") => InterventionKind::DiagnosticTest,
        _ => InterventionKind::Other,
    }
}

fn outcome_list(outcomes: Vec<ctgov::Outcome>) -> Vec<Outcome> {
    outcomes
        .into_iter()
        .filter_map(|o| {
            Some(Outcome {
                measure: clean(o.measure.as_deref())?,
                description: clean(o.description.as_deref()),
                time_frame: clean(o.time_frame.as_deref()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_in_every_spelling() {
        for (raw, want) in [
            ("PHASE1", Some(Phase::Phase1)),
            ("Phase 2", Some(Phase::Phase2)),
            ("phase_3", Some(Phase::Phase3)),
            ("EARLY_PHASE1", Some(Phase::EarlyPhase1)),
            ("Early Phase 1", Some(Phase::EarlyPhase1)),
            ("NA", Some(Phase::NotApplicable)),
            ("PHASE5", None),
        ] {
            assert_eq!(phase(raw), want, "{raw}");
        }
    }

    #[test]
    fn unknown_status_is_kept_as_text() {
        assert_eq!(
            overall_status(code("Paused by sponsor")),
            Status::Other("PAUSED_BY_SPONSOR".into())
        );
        assert_eq!(overall_status(code("recruiting")), Status::Recruiting);
    }
}
