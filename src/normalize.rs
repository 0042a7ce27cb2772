//! Step 2, normalize: [`Study`] → [`Trial`].
//!
//! Registry codes become domain enums (unknown codes are kept as text, never an error), free
//! text is cleaned of markup, control characters and runs of white space, and every field a page
//! would use but the record lacks is listed in [`Trial::missing`] for the quality report.

use crate::ctgov::{self, Study};
use crate::trial::*;

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

/// The results section in domain terms, every list at the record's indexes.
fn results(section: ctgov::results::ResultsSection) -> Results {
    use ctgov::results as r;
    let group = |g: r::Group| {
        Some(Group {
            id: clean(g.id.as_deref())?,
            title: clean(g.title.as_deref()).unwrap_or_default(),
            description: clean(g.description.as_deref()),
        })
    };
    let counts = |list: Vec<Option<r::GroupCount>>| {
        list.into_iter()
            .map(|c| {
                let c = c?;
                Some((clean(c.group_id.as_deref())?, c.num_subjects.or(c.value)))
            })
            .collect()
    };
    let milestone = |kind: Option<String>, list: Vec<Option<r::GroupCount>>| Milestone {
        kind: clean(kind.as_deref()).unwrap_or_default(),
        counts: counts(list),
    };
    let flow = section.participant_flow_module.unwrap_or_default();
    let outcomes = section
        .outcome_measures_module
        .map(|m| m.outcome_measures)
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            // Only the primary outcomes reach a page; the others keep their place, unread.
            let o = o.filter(|o| {
                o.kind
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case("primary"))
            })?;
            Some(OutcomeResult {
                kind: match o.kind.as_deref().map(code).as_deref() {
                    Some("PRIMARY") => OutcomeKind::Primary,
                    Some("SECONDARY") => OutcomeKind::Secondary,
                    _ => OutcomeKind::Other,
                },
                title: clean(o.title.as_deref()).unwrap_or_default(),
                param_type: o.param_type.as_deref().map(code),
                unit: clean(o.unit_of_measure.as_deref()),
                time_frame: clean(o.time_frame.as_deref()),
                description: clean(o.description.as_deref()),
                groups: o.groups.into_iter().map(|g| g.and_then(group)).collect(),
                denoms: o
                    .denoms
                    .into_iter()
                    .map(|d| {
                        d.map(|d| Denom {
                            units: clean(d.units.as_deref()),
                            counts: counts(d.counts),
                        })
                    })
                    .collect(),
                classes: o
                    .classes
                    .into_iter()
                    .map(|c| {
                        c.map(|c| MeasureClass {
                            title: clean(c.title.as_deref()),
                            categories: c
                                .categories
                                .into_iter()
                                .map(|cat| {
                                    cat.map(|cat| Category {
                                        title: clean(cat.title.as_deref()),
                                        measurements: cat
                                            .measurements
                                            .into_iter()
                                            .map(|m| {
                                                let m = m?;
                                                Some(Measurement {
                                                    group_id: clean(m.group_id.as_deref())?,
                                                    value: clean(m.value.as_deref()),
                                                    comment: clean(m.comment.as_deref()),
                                                })
                                            })
                                            .collect(),
                                    })
                                })
                                .collect(),
                        })
                    })
                    .collect(),
                non_inferiority: o.analyses.iter().flatten().any(|a| {
                    a.non_inferiority_type
                        .as_deref()
                        .map(code)
                        .is_some_and(|t| t == "NON_INFERIORITY")
                }),
                p_values: o
                    .analyses
                    .iter()
                    .flatten()
                    .filter_map(|a| clean(a.p_value.as_deref()))
                    .collect(),
            })
        })
        .collect();
    let event = |e: Option<r::AdverseEvent>| {
        let e = e?;
        Some(AdverseEvent {
            term: clean(e.term.as_deref())?,
            stats: e
                .stats
                .into_iter()
                .map(|s| {
                    let s = s?;
                    Some(EventStat {
                        group_id: clean(s.group_id.as_deref())?,
                        affected: s.num_affected,
                        at_risk: s.num_at_risk,
                    })
                })
                .collect(),
        })
    };
    let adverse = section.adverse_events_module.map(|a| AdverseEvents {
        threshold: clean(a.frequency_threshold.as_deref()),
        time_frame: clean(a.time_frame.as_deref()),
        description: clean(a.description.as_deref()),
        groups: a
            .event_groups
            .into_iter()
            .map(|g| {
                let g = g?;
                Some(EventGroup {
                    id: clean(g.id.as_deref())?,
                    title: clean(g.title.as_deref()).unwrap_or_default(),
                    description: clean(g.description.as_deref()),
                    deaths: (g.deaths_num_affected, g.deaths_num_at_risk),
                    serious: (g.serious_num_affected, g.serious_num_at_risk),
                    other: (g.other_num_affected, g.other_num_at_risk),
                })
            })
            .collect(),
        other: a.other_events.into_iter().map(event).collect(),
    });
    Results {
        pre_assignment: clean(flow.pre_assignment_details.as_deref()),
        flow_groups: flow.groups.into_iter().map(|g| g.and_then(group)).collect(),
        periods: flow
            .periods
            .into_iter()
            .map(|p| {
                p.map(|p| Period {
                    title: clean(p.title.as_deref()),
                    milestones: p
                        .milestones
                        .into_iter()
                        .map(|m| m.map(|m| milestone(m.kind, m.achievements)))
                        .collect(),
                    drop_withdraws: p
                        .drop_withdraws
                        .into_iter()
                        .map(|m| m.map(|m| milestone(m.kind, m.reasons)))
                        .collect(),
                })
            })
            .collect(),
        outcomes,
        adverse,
        limitations: section
            .more_info_module
            .and_then(|m| m.limitations_and_caveats)
            .and_then(|l| clean(l.description.as_deref())),
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

/// "18 Years", "6 Months", "28 days" → an [`Age`]; anything else (e.g. "N/A") → `None`.
pub fn age(raw: &str) -> Option<Age> {
    let mut words = raw.split_whitespace();
    let amount: u32 = words.next()?.parse().ok()?;
    let unit = time_unit(words.next()?)?;
    Some(Age { amount, unit })
}

/// The unit a registry word names, in any of its spellings.
pub fn time_unit(word: &str) -> Option<TimeUnit> {
    let w = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_ascii_lowercase();
    Some(match w.as_str() {
        "minute" | "minutes" | "min" | "mins" => TimeUnit::Minute,
        "hour" | "hours" | "hr" | "hrs" | "h" => TimeUnit::Hour,
        "day" | "days" | "d" => TimeUnit::Day,
        "week" | "weeks" | "wk" | "wks" | "w" => TimeUnit::Week,
        "month" | "months" | "mo" | "mos" | "m" => TimeUnit::Month,
        "year" | "years" | "yr" | "yrs" | "y" => TimeUnit::Year,
        _ => return None,
    })
}

/// The bytes `clean` copies as they are: printable ASCII but for the starts of tags and
/// entities. A table, as it is asked of every byte of every text of a record.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_graphic() && byte != b'<' && byte != b'&';
        b += 1;
    }
    table
};

/// Registry free text made safe to reuse: tags dropped, the common entities decoded, control
/// characters removed, white space collapsed. `None` when nothing is left.
pub fn clean(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    // One pass: drop tags, decode the common entities, fold every run of whitespace and control
    // characters to one space. Decoded text is pushed as text, so "&lt;b&gt;" stays "<b>".
    // Runs of plain ASCII, most of any record, are copied whole.
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    let push = |out: &mut String, space: &mut bool, text: &str| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push_str(text);
    };
    let plain = |b: u8| PLAIN[usize::from(b)];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' {
            space = true;
            i += 1;
            continue;
        }
        if plain(b) {
            // A run of words with single spaces between them is copied as it stands.
            let start = i;
            loop {
                while i < bytes.len() && plain(bytes[i]) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(|&n| plain(n)) {
                    i += 1;
                    continue;
                }
                break;
            }
            push(&mut out, &mut space, &raw[start..i]);
            continue;
        }
        let rest = &raw[i..];
        let c = rest.chars().next().unwrap_or(' ');
        let mut step = c.len_utf8();
        match c {
            // A '<' that opens a tag (a letter or '/' follows) starts markup to drop; a lone
            // '<' as in "< 18 years" is text.
            '<' if bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/' || *n == b'!') =>
            {
                step = rest.find('>').map_or(rest.len(), |end| end + 1);
                space = true;
            }
            '&' => match entity(rest) {
                Some((' ', len)) => {
                    step = len;
                    space = true;
                }
                Some((decoded, len)) => {
                    step = len;
                    push(&mut out, &mut space, decoded.encode_utf8(&mut [0; 4]));
                }
                None => push(&mut out, &mut space, "&"),
            },
            c if c.is_whitespace() || c.is_control() => space = true,
            // Zero-width and bidi controls hide text from the reader; they carry no meaning.
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}' => {}
            _ => push(&mut out, &mut space, &rest[..step]),
        }
        i += step;
    }
    (!out.is_empty()).then_some(out)
}

/// The character an HTML entity at the start of `text` stands for, and the entity's length.
fn entity(text: &str) -> Option<(char, usize)> {
    const ENTITIES: [(&str, char); 6] = [
        ("&nbsp;", ' '),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    ENTITIES
        .iter()
        .find(|(name, _)| text.starts_with(name))
        .map(|(name, c)| (*c, name.len()))
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

    #[test]
    fn ages_in_registry_spellings() {
        assert_eq!(
            age("18 Years"),
            Some(Age {
                amount: 18,
                unit: TimeUnit::Year
            })
        );
        assert_eq!(
            age("6 Months"),
            Some(Age {
                amount: 6,
                unit: TimeUnit::Month
            })
        );
        assert_eq!(
            age("28 days"),
            Some(Age {
                amount: 28,
                unit: TimeUnit::Day
            })
        );
        assert_eq!(age("N/A"), None);
    }

    #[test]
    fn markup_and_control_characters_are_cleaned() {
        assert_eq!(
            clean(Some(
                "<b>Stem</b>\u{0007} cells\n\n&amp; <script>x</script> saline\u{200B}"
            ))
            .as_deref(),
            Some("Stem cells & x saline")
        );
        assert_eq!(
            clean(Some("age < 18 years")).as_deref(),
            Some("age < 18 years")
        );
        assert_eq!(clean(Some("  \n ")), None);
    }

    #[test]
    fn spaces_fold_to_one_wherever_they_are() {
        for (raw, want) in [
            ("a b  c", "a b c"),
            (" lead and trail ", "lead and trail"),
            ("x <b>y</b> z", "x y z"),
            ("a &amp; b", "a & b"),
            ("one,\ttwo\u{00A0}three", "one, two three"),
            ("é and  ü", "é and ü"),
        ] {
            assert_eq!(clean(Some(raw)).as_deref(), Some(want), "{raw:?}");
        }
    }
}
