//! Medical problems, counted whether or not the treatment caused them: per group serious and
//! other problems and deaths with that group's denominators, the most common other problems over
//! all groups, and the reporting threshold.

use super::*;

/// Medical problems per group, the most common other problems, and the reporting threshold.
pub(super) fn problems(
    results: &Results,
    namer: &Namer<'_>,
    found: &mut Findings,
    source: &mut dyn FnMut(&str, &str),
) {
    let Some(events) = &results.adverse else {
        return;
    };
    // Numbers that count nothing of the treatment are not given, whatever they are: zeros
    // there read as "no one had a problem".
    let words = &namer.lexicon.problems.uncounted;
    let said = |text: &Option<String>, field: &str| {
        let text = text.as_deref()?.to_lowercase();
        words
            .not_collected
            .iter()
            .any(|w| text.contains(w.as_str()))
            .then(|| Fact::new(true, format!("{EVENTS}.{field}")))
    };
    found.problems_not_collected =
        said(&events.time_frame, "timeFrame").or_else(|| said(&events.description, "description"));
    found.problems_at_screening = events.time_frame.as_deref().and_then(|tf| {
        let unbracketed = tf.split('(').next().unwrap_or("").trim().to_lowercase();
        words
            .screening
            .contains(&unbracketed)
            .then(|| Fact::new(true, format!("{EVENTS}.timeFrame")))
    });
    if found.problems_not_collected.is_some() || found.problems_at_screening.is_some() {
        return;
    }
    // No group of the module counts anyone for any kind of problem (none at risk, or no
    // numbers): the record counted none, whatever its reason, and the page says so once rather
    // than "serious problems were not reported" group by group, which reads as if people were
    // watched and nothing was found.
    let counts =
        |(affected, at_risk): (Option<u64>, Option<u64>)| affected.is_some() && at_risk != Some(0);
    let mut readable = events.groups.iter().flatten().peekable();
    if readable.peek().is_some()
        && !readable.any(|g| counts(g.serious) || counts(g.other) || counts(g.deaths))
    {
        found.problems_uncounted = Some(Fact::new(true, format!("{EVENTS}.eventGroups")));
        return;
    }
    let groups: Vec<(usize, &EventGroup)> = real_groups(&events.groups, namer).collect();
    let names = name_groups(namer, groups.iter().map(|(_, g)| *g), found);
    found.more_problem_groups = groups.len() > MOST_GROUPS;
    let on_page = listed(&names);
    found.deaths_unlisted = groups.iter().enumerate().any(|(i, (_, g))| {
        !on_page.contains(&i) && g.deaths.0.is_some_and(|n| n > 0) && g.deaths.1 != Some(0)
    });
    let listed: Vec<((usize, &EventGroup), GroupLabel)> = on_page
        .into_iter()
        .map(|i| (groups[i], names[i].clone()))
        .collect();
    for ((g, group), name) in listed {
        let base = format!("{EVENTS}.eventGroups[{g}]");
        source(&group.title, &format!("{base}.title"));
        let mut count = |(affected, at_risk): (Option<u64>, Option<u64>), kind: &str| {
            // None of none at risk: nobody was watched for it, so it was not reported.
            if at_risk == Some(0) {
                return None;
            }
            let affected = Fact::new(affected?, format!("{base}.{kind}NumAffected"));
            let at_risk = at_risk.map(|n| Fact::new(n, format!("{base}.{kind}NumAtRisk")));
            source(&affected.value.to_string(), &affected.field);
            shown(&affected.value.to_string(), found);
            if let Some(r) = &at_risk {
                source(&r.value.to_string(), &r.field);
                shown(&r.value.to_string(), found);
                found
                    .pairs
                    .insert((affected.value.to_string(), r.value.to_string()));
            }
            Some(Count { affected, at_risk })
        };
        let serious = count(group.serious, "serious");
        let other = count(group.other, "other");
        let deaths = count(group.deaths, "deaths");
        found.problems.push(ProblemLine {
            group: name,
            serious,
            other,
            deaths,
        });
    }
    // The other problems most people had, counted over all groups (the ranking is not shown):
    // the largest count in any one group would rank a problem of the biggest group above one
    // that more people had across the trial.
    let mut common: Vec<(u64, (usize, &AdverseEvent))> = events
        .other
        .iter()
        .enumerate()
        .filter_map(|(e, x)| {
            let x = x.as_ref()?;
            let total: u64 = x.stats.iter().flatten().filter_map(|s| s.affected).sum();
            (total > 0).then_some((total, (e, x)))
        })
        .collect();
    common.sort_by_key(|(most, (e, _))| (std::cmp::Reverse(*most), *e));
    let words = &namer.lexicon.problems;
    // A label or catch-all ("Non Serious AE") is no problem at all and is passed over.
    // Otherwise the lexicon's plain words; else the reported term itself, in lower case, when
    // it is short enough to read. A long unknown term is not named by its organ system either
    // ("general disorders and administration site conditions" would say something else). A
    // term with a comma ("pruritus, rash") is several, read wrongly in a list of three. A
    // problem that cannot be named ends the list, since those after it are not the most
    // common ones ("palmar-plantar erythrodysaesthesia syndrome" had more people than the rash
    // named after it).
    let named = most_common(common, MOST_PROBLEMS, |(_, event)| {
        // MedDRA's "not elsewhere classified" and "not otherwise specified" mean nothing to a
        // reader: "Headaches NEC" is headaches.
        let lower = event.term.to_lowercase();
        let term = lower
            .trim_end_matches(" nec")
            .trim_end_matches(" nos")
            .trim();
        if !words.terms.contains_key(term) && words.names_nothing(term) {
            return Named::Skip;
        }
        if !words.terms.contains_key(term) && words.names_a_place(term) {
            return Named::End;
        }
        match words.terms.get(term) {
            Some(plain) => Named::As(plain.clone()),
            None if term.split_whitespace().count() <= 3
                && term.len() <= 30
                && !term.contains(',') =>
            {
                Named::As(term.to_owned())
            }
            None => Named::End,
        }
    });
    for ((e, event), plain) in named {
        let field = format!("{EVENTS}.otherEvents[{e}].term");
        source(&event.term, &field);
        shown(&plain, found);
        found.common_problems.push(Fact::new(plain, field));
    }
    if let Some(t) = &events.threshold {
        // "5.0" is written 5: a whole number is its own rounding.
        let shown = t
            .parse::<f64>()
            .ok()
            .filter(|n| n.fract() == 0.0 && *n > 0.0)
            .map(|n| format!("{}", n as i64));
        if let Some(shown) = shown {
            let field = format!("{EVENTS}.frequencyThreshold");
            source(t, &field);
            crate::derive::numbers_in(&shown, &mut found.numbers);
            found.threshold = Some(Fact::new(shown, field));
        }
    }
}
