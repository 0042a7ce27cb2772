//! Who took part: each group's STARTED and COMPLETED counts, and why people left.

use super::*;

/// The periods the record gives, with their indexes.
fn periods(results: &Results) -> Vec<(usize, &Period)> {
    results
        .periods
        .iter()
        .enumerate()
        .filter_map(|(p, period)| period.as_ref().map(|x| (p, x)))
        .collect()
}

/// A period's milestone of a kind ("STARTED", "COMPLETED"), with its index.
fn milestone<'a>(period: &'a Period, kind: &str) -> Option<(usize, &'a Milestone)> {
    period.milestones.iter().enumerate().find_map(|(m, x)| {
        x.as_ref()
            .filter(|x| x.kind.eq_ignore_ascii_case(kind))
            .map(|x| (m, x))
    })
}

/// The period whose STARTED and COMPLETED tell who took part: the first, or the first the
/// trial's groups start after a screening period everyone starts in one group ("894 people
/// started" of 410 randomised, the rest never entering the trial proper), or the one after a
/// first period whose title says it is screening (NCT01133288's "Eligibility Assessment": 7
/// started it, 2 passed, and no one started the glove trial).
fn trial_period<'a>(
    periods: &[(usize, &'a Period)],
    screening: &[String],
) -> Option<(usize, &'a Period)> {
    // How many groups have people starting a period.
    let starting = |period: &Period| {
        milestone(period, "STARTED").map_or(0, |(_, m)| {
            m.counts
                .iter()
                .flatten()
                .filter(|(_, n)| n.is_some_and(|n| n > 0))
                .count()
        })
    };
    let &first = periods.first()?;
    let screens = first.1.title.as_deref().is_some_and(|t| {
        let t = t.to_lowercase();
        screening.iter().any(|w| contains_phrase(&t, w))
    });
    if let (true, Some(&next)) = (screens, periods.get(1)) {
        return Some(next);
    }
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
/// first. Returns how many started, over all the groups, listed or not (0 without counts).
/// `joined` is the record's count of who took part (not an estimate).
pub(super) fn took_part(
    results: &Results,
    namer: &Namer<'_>,
    stopped: bool,
    joined: Option<u64>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) -> u64 {
    let periods = periods(results);
    // Who took part, and why they left, are read from the trial's period.
    let Some((p, period)) = trial_period(&periods, &namer.lexicon.results.periods.screening) else {
        return 0;
    };
    let Some((m_started, started)) = milestone(period, "STARTED") else {
        return 0;
    };
    let count_by = |group: &str, p: usize, m: usize, milestone: &Milestone| {
        milestone
            .counts
            .iter()
            .enumerate()
            .find_map(|(a, c)| {
                let (id, n) = c.as_ref()?;
                (id == group).then_some((a, (*n)?))
            })
            .map(|(a, n)| {
                Fact::new(
                    n,
                    format!("{FLOW}.periods[{p}].milestones[{m}].achievements[{a}].numSubjects"),
                )
            })
    };
    let count_of = |group: &Group, p: usize, m: usize, milestone: &Milestone| {
        count_by(&group.id, p, m, milestone)
    };
    // Who finished: COMPLETED of the trial's period, then of each period after it that the
    // group starts with just those who completed the one before ("Weekly Therapy Sessions",
    // then "Waiting Period": NCT03670628's 13 started and 1 finished, not the 13 who
    // completed the baseline visit). Where fewer start the next period (an extension some
    // choose), the chain ends: those who did not go on still finished the trial.
    // A lone group may go on as another group of the next period, the same people under the
    // next period's treatment: NCT02619617's 28 had a placebo for one attack ("Placebo s.c.")
    // and SOM230 for the next ("SOM230 1.5 mg s.c."), where 24 completed. It does when that
    // group alone starts the next period, with as many as completed the one before.
    // The groups that started this period: one that did not is no part of who took part.
    // Each with the period it starts in.
    let mut groups: Vec<(usize, &Group, Fact<u64>, usize)> =
        real_groups(&results.flow_groups, namer)
            .filter_map(|(g, group)| {
                let start = count_of(group, p, m_started, started).filter(|s| s.value > 0)?;
                Some((g, group, start, p))
            })
            .collect();
    // Parts of a trial that start one after the other, each in periods of its own: the groups
    // that start only in a later period are other people when, with those of the trial's
    // period, they make up everyone who joined (NCT04585815: 13 started sub-study A's first
    // period and 21 sub-study B's third, of 34). Where they would count more people than
    // joined, they are the same people going on (a crossover, an extension).
    let first_starts: u64 = groups.iter().map(|(_, _, start, _)| start.value).sum();
    if let Some(joined) = joined.filter(|&j| first_starts < j) {
        let later: Vec<(usize, &Group, Fact<u64>, usize)> =
            real_groups(&results.flow_groups, namer)
                .filter(|(g, _)| !groups.iter().any(|(h, ..)| h == g))
                .filter_map(|(g, group)| {
                    periods.iter().filter(|(q, _)| *q > p).find_map(|&(q, x)| {
                        let (m, started) = milestone(x, "STARTED")?;
                        let start = count_of(group, q, m, started).filter(|s| s.value > 0)?;
                        Some((g, group, start, q))
                    })
                })
                .collect();
        let later_starts: u64 = later.iter().map(|(_, _, start, _)| start.value).sum();
        if !later.is_empty() && first_starts + later_starts == joined {
            groups.extend(later);
        }
    }
    let lone = groups.len() == 1;
    // An open extension after a blinded trial is not the trial: the chain of who finished,
    // and the reasons people left, end before it.
    let says_extension = |period: &Period| {
        period.title.as_deref().is_some_and(|t| {
            let t = t.to_lowercase();
            let words = &namer.lexicon.results.periods.extension;
            words.iter().any(|w| contains_phrase(&t, w))
        })
    };
    let extension_from = periods
        .iter()
        .find(|&&(q, later)| q > p && !says_extension(period) && says_extension(later))
        .map_or(usize::MAX, |&(q, _)| q);
    let within = |q: usize| q < extension_from;
    let chain_of = |group: &Group, from: usize| -> Vec<Fact<u64>> {
        let mut chain: Vec<Fact<u64>> = Vec::new();
        let mut id = group.id.as_str();
        for &(q, later) in periods.iter().filter(|(q, _)| *q >= from) {
            if !within(q) {
                break;
            }
            if let Some(before) = chain.last() {
                let Some((m, started)) = milestone(later, "STARTED") else {
                    break;
                };
                let goes_on = count_by(id, q, m, started).is_some_and(|s| s.value == before.value);
                if !goes_on {
                    let mut starting = started
                        .counts
                        .iter()
                        .flatten()
                        .filter(|(_, n)| n.is_some_and(|n| n > 0));
                    match (lone, starting.next(), starting.next()) {
                        (true, Some((next, Some(n))), None) if *n == before.value => id = next,
                        _ => break,
                    }
                }
            }
            let Some(done) = milestone(later, "COMPLETED").and_then(|(m, x)| count_by(id, q, m, x))
            else {
                break;
            };
            chain.push(done);
        }
        chain
    };
    let started_in_all: u64 = groups.iter().map(|(_, _, start, _)| start.value).sum();
    // Every group finishes at the same period: the one where the first chain ends. One group
    // that goes on into an open-label phase is not counted there while the other stops at the
    // blinded phase (NCT00301262 said 84 of 94 on Viagra finished the blinded phase, and 67 of
    // 82 on placebo finished the open-label phase, on Viagra).
    let mut chains: Vec<Vec<Fact<u64>>> = groups
        .iter()
        .map(|(_, g, _, from)| chain_of(g, *from))
        .collect();
    let periods_finished = chains.iter().map(Vec::len).filter(|&n| n > 0).min();
    if let Some(n) = periods_finished {
        chains.iter_mut().for_each(|c| c.truncate(n));
    }

    // Named among all the groups, listed or not: a head that tells three listed groups apart
    // may be a fourth's too (NCT04585815's "Phase 1b of SSB").
    let names = name_groups(namer, groups.iter().map(|(_, g, _, _)| *g), found);
    found.more_flow_groups = groups.len() > MOST_GROUPS;
    let on_page = listed(&names);
    let mut all: Vec<Option<_>> = groups
        .into_iter()
        .zip(names)
        .zip(chains)
        .map(Some)
        .collect();
    let shown_groups: Vec<_> = on_page.into_iter().filter_map(|i| all[i].take()).collect();
    for (((g, group, start, _), name), chain) in shown_groups {
        // "0 finished" of a trial still following its people says nothing: it is left out. Of
        // one stopped early, it says no one did (NCT01133288: 2 started, no one wore gloves).
        let finished = chain.into_iter().last().filter(|f| f.value > 0 || stopped);
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
    let died = &namer.lexicon.results.left.died;
    for &(q, later) in periods.iter().filter(|&&(q, _)| q >= p && within(q)) {
        for (d, x) in later.drop_withdraws.iter().enumerate() {
            let Some(x) = x else { continue };
            let total: u64 = x.counts.iter().flatten().filter_map(|(_, n)| *n).sum();
            if total == 0 {
                continue;
            }
            if found.died_leaving.is_none() && died.contains(&x.kind.to_lowercase()) {
                let field = format!("{FLOW}.periods[{q}].dropWithdraws[{d}].type");
                found.died_leaving = Some(Fact::new(true, field));
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
    found.one_left = reasons.iter().map(|r| r.0).sum::<u64>() == 1;
    // A reason the lexicon cannot say ends the list: those after it are not the most common.
    let named = most_common(
        reasons
            .into_iter()
            .map(|(total, q, d, kind)| (total, (q, d, kind))),
        MOST_REASONS,
        |(_, _, kind)| match namer.lexicon.results.reasons.get(&kind.to_lowercase()) {
            Some(plain) => Named::As(plain.clone()),
            None => Named::End,
        },
    );
    for ((q, d, kind), plain) in named {
        let field = format!("{FLOW}.periods[{q}].dropWithdraws[{d}].type");
        source(kind, &field);
        shown(&plain, found);
        found.reasons_left.push(Fact::new(plain, field));
    }
    started_in_all
}
