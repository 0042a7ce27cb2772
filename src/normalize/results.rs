//! The results section of a record in domain terms: participant flow, baseline, outcome
//! measures and adverse events, every list at the record's indexes.

use super::{clean, code};
use crate::ctgov;
use crate::trial::*;

/// The results section in domain terms, every list at the record's indexes.
pub(super) fn results(section: ctgov::results::ResultsSection) -> Results {
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
