//! Who took part: each group's STARTED and COMPLETED counts, and why people left.

use super::*;

/// How many started the trial's groups, over all of them: the STARTED milestone of the period
/// [`took_part`] reads, summed over the groups that are not a total. 0 when it gives no counts.
pub(super) fn started_in_groups(results: &Results, namer: &Namer<'_>) -> u64 {
    let Some((_, period)) = trial_period(results) else {
        return 0;
    };
    let Some(started) = period
        .milestones
        .iter()
        .flatten()
        .find(|m| m.kind.eq_ignore_ascii_case("STARTED"))
    else {
        return 0;
    };
    real_groups(&results.flow_groups, namer)
        .filter_map(|(_, group)| {
            started
                .counts
                .iter()
                .flatten()
                .find(|(id, _)| *id == group.id)
                .and_then(|(_, n)| *n)
        })
        .sum()
}

/// The period whose STARTED and COMPLETED tell who took part: the first, or the first the
/// trial's groups start after a screening period everyone starts in one group ("894 people
/// started" of 410 randomised, the rest never entering the trial proper).
fn trial_period(results: &Results) -> Option<(usize, &Period)> {
    let periods: Vec<(usize, &Period)> = results
        .periods
        .iter()
        .enumerate()
        .filter_map(|(p, period)| period.as_ref().map(|x| (p, x)))
        .collect();
    // How many groups have people starting a period.
    let starting = |period: &Period| {
        period
            .milestones
            .iter()
            .flatten()
            .find(|m| m.kind.eq_ignore_ascii_case("STARTED"))
            .map_or(0, |m| {
                m.counts
                    .iter()
                    .flatten()
                    .filter(|(_, n)| n.is_some_and(|n| n > 0))
                    .count()
            })
    };
    let &first = periods.first()?;
    Some(if starting(first.1) == 1 {
        periods
            .iter()
            .copied()
            .find(|(_, x)| starting(x) > 1)
            .unwrap_or(first)
    } else {
        first
    })
}

/// Who started and finished: the STARTED and COMPLETED milestones of the trial's period (see
/// [`trial_period`]), per group that started; and why people left, the most common reasons
/// first.
pub(super) fn took_part(
    results: &Results,
    namer: &Namer<'_>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) {
    // Who took part, and why they left, are read from the trial's period.
    let Some((p, period)) = trial_period(results) else {
        return;
    };
    let periods: Vec<(usize, &Period)> = results
        .periods
        .iter()
        .enumerate()
        .filter_map(|(p, period)| period.as_ref().map(|x| (p, x)))
        .collect();
    let milestone = |kind: &str| {
        period.milestones.iter().enumerate().find_map(|(m, x)| {
            x.as_ref()
                .filter(|x| x.kind.eq_ignore_ascii_case(kind))
                .map(|x| (m, x))
        })
    };
    let Some((m_started, started)) = milestone("STARTED") else {
        return;
    };
    let completed = milestone("COMPLETED");
    let count_of = |group: &Group, m: usize, milestone: &Milestone| {
        milestone
            .counts
            .iter()
            .enumerate()
            .find_map(|(a, c)| {
                let (id, n) = c.as_ref()?;
                (*id == group.id).then_some((a, (*n)?))
            })
            .map(|(a, n)| {
                Fact::new(
                    n,
                    format!("{FLOW}.periods[{p}].milestones[{m}].achievements[{a}].numSubjects"),
                )
            })
    };
    // The groups that started this period: one that did not is no part of who took part.
    let mut groups: Vec<(usize, &Group, Fact<u64>)> = real_groups(&results.flow_groups, namer)
        .filter_map(|(g, group)| {
            let start = count_of(group, m_started, started).filter(|s| s.value > 0)?;
            Some((g, group, start))
        })
        .collect();
    found.more_flow_groups = groups.len() > MOST_GROUPS;
    groups.truncate(MOST_GROUPS);
    let names = name_groups(namer, groups.iter().map(|(_, g, _)| *g), found);
    for ((g, group, start), name) in groups.into_iter().zip(names) {
        // "0 finished" of a trial still following its people says nothing: it is left out.
        let finished = completed
            .and_then(|(m, c)| count_of(group, m, c))
            .filter(|f| f.value > 0);
        source(&group.title, &format!("{FLOW}.groups[{g}].title"));
        for n in std::iter::once(&start).chain(&finished) {
            source(&n.value.to_string(), &n.field);
            shown(&n.value.to_string(), found);
        }
        found.took_part.push(FlowLine {
            group: name,
            started: start,
            finished,
        });
    }
    // Reasons people left, ranked by how many left for each over this period and the ones
    // after it (the ranking is not shown): a trial in two parts lists its reasons in each.
    let mut reasons: Vec<(u64, usize, usize, &str)> = Vec::new();
    for &(q, later) in periods.iter().filter(|(q, _)| *q >= p) {
        for (d, x) in later.drop_withdraws.iter().enumerate() {
            let Some(x) = x else { continue };
            let total: u64 = x.counts.iter().flatten().filter_map(|(_, n)| *n).sum();
            if total == 0 {
                continue;
            }
            match reasons
                .iter_mut()
                .find(|r| r.3.eq_ignore_ascii_case(&x.kind))
            {
                Some(r) => r.0 += total,
                None => reasons.push((total, q, d, x.kind.as_str())),
            }
        }
    }
    reasons.sort_by_key(|&(total, q, d, _)| (std::cmp::Reverse(total), q, d));
    let mut ranked = reasons.into_iter();
    let mut picked: Vec<(u64, usize, usize, &str, &String)> = Vec::new();
    // How many left for the reason the list stopped before, if any.
    let mut next: Option<u64> = None;
    for (total, q, d, kind) in ranked.by_ref() {
        // A reason the lexicon cannot say ends the list: those after it are not the most
        // common ones.
        let Some(plain) = namer.lexicon.results.reasons.get(&kind.to_lowercase()) else {
            next = Some(total);
            break;
        };
        if !picked.iter().any(|r| r.4 == plain) {
            picked.push((total, q, d, kind, plain));
        }
        if picked.len() == 2 {
            next = ranked.next().map(|r| r.0);
            break;
        }
    }
    // Reasons tied with one left out are not among the most common either.
    if let Some(next) = next {
        picked.retain(|r| r.0 > next);
    }
    for (_, q, d, kind, plain) in picked {
        let field = format!("{FLOW}.periods[{q}].dropWithdraws[{d}].type");
        source(kind, &field);
        shown(plain, found);
        found.reasons_left.push(Fact::new(plain.clone(), field));
    }
}
