//! Step 3, derive: [`Trial`] → [`Facts`].
//!
//! Rules that read a trial the way a careful editor would: the stage from the phases, the tense
//! from the status, the size, the design, how the treatment is given, how long people are
//! followed, what the main outcome means, plain names for conditions, who can join. Words come
//! from the [`Lexicon`]; each fact records the field it came from and the record's own words.

use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon};
use crate::normalize::time_unit;
use crate::trial::*;
use std::borrow::Cow;
use std::collections::BTreeSet;

const PHASES: &str = "protocolSection.designModule.phases";
const STUDY_TYPE: &str = "protocolSection.designModule.studyType";
const STATUS: &str = "protocolSection.statusModule.overallStatus";
const WHY_STOPPED: &str = "protocolSection.statusModule.whyStopped";
const ENROLLMENT: &str = "protocolSection.designModule.enrollmentInfo.count";
const ALLOCATION: &str = "protocolSection.designModule.designInfo.allocation";
const MODEL: &str = "protocolSection.designModule.designInfo.interventionModel";
const MASKING: &str = "protocolSection.designModule.designInfo.maskingInfo.masking";
const HAS_RESULTS: &str = "hasResults";

/// Derives the facts of a trial.
pub fn derive(trial: &Trial, lexicon: &Lexicon) -> Facts {
    let mut sources = Vec::new();
    let mut source = |text: &str, field: &str| {
        sources.push(Source {
            text: text.to_owned(),
            field: field.to_owned(),
        })
    };

    let kind = match trial.study_type {
        StudyType::Interventional => StudyKind::Interventional,
        StudyType::Observational => StudyKind::Observational,
        StudyType::ExpandedAccess => StudyKind::ExpandedAccess,
        StudyType::Unknown | StudyType::Other(_) => StudyKind::Unknown,
    };
    let stage = if kind == StudyKind::Interventional {
        stage(&trial.phases)
    } else {
        None
    };
    if stage.is_some() {
        let phases: Vec<&str> = trial.phases.iter().map(|p| p.code()).collect();
        source(&phases.join(", "), PHASES);
    }
    let status = progress(&trial.status);
    let tense = tense(status);

    let stopped = matches!(
        status,
        Progress::StoppedEarly | Progress::Paused | Progress::Withdrawn
    );
    let why_registered = trial.why_stopped.as_ref().filter(|_| stopped);
    let why_stopped = why_registered
        .and_then(|w| lexicon.why_stopped(w))
        .map(|p| Fact::new(p.to_owned(), WHY_STOPPED));
    if let Some(w) = why_registered {
        source(w, WHY_STOPPED);
    }

    let size = trial.enrollment.filter(|e| e.count > 0).map(|e| {
        source(&e.count.to_string(), ENROLLMENT);
        Fact::new(
            Size {
                count: e.count,
                estimated: e.estimated,
                class: match e.count {
                    0..=29 => SizeClass::VerySmall,
                    30..=99 => SizeClass::Small,
                    100..=999 => SizeClass::Medium,
                    _ => SizeClass::Large,
                },
            },
            ENROLLMENT,
        )
    });

    let experimental = experimental_interventions(trial, lexicon);
    let mut treatments: Vec<Fact<Treatment>> = experimental
        .iter()
        .map(|&i| {
            let iv = &trial.interventions[i];
            let field = format!("protocolSection.armsInterventionsModule.interventions[{i}].name");
            source(&iv.name, &field);
            Fact::new(
                Treatment {
                    name: iv.name.clone(),
                    // Device names are brands: they keep the maker's spelling.
                    plain: lexicon.treatment(&iv.name).map_or_else(
                        || {
                            if iv.kind == InterventionKind::Device {
                                iv.name.clone()
                            } else {
                                plain_name(&iv.name)
                            }
                        },
                        |t| t.plain.clone(),
                    ),
                    kind: treatment_kind(&iv.kind),
                },
                field,
            )
        })
        .collect();
    // Two registered names with one plain name ("tVNS Program", "tVNS and Phone App") say it once.
    let mut plain_seen = Vec::new();
    treatments.retain(|t| {
        let fresh = !plain_seen.contains(&t.value.plain);
        plain_seen.push(t.value.plain.clone());
        fresh
    });

    let medicines: Vec<&Fact<Treatment>> = treatments
        .iter()
        .filter(|t| t.value.kind == TreatmentKind::Medicine)
        .collect();
    let active_substance = (!medicines.is_empty()).then(|| {
        let names: Vec<&str> = medicines.iter().map(|t| t.value.name.as_str()).collect();
        Fact::new(names.join(", "), medicines[0].field.clone())
    });

    let design = design(trial);
    let comparison = comparison(trial, &design);
    // With no named treatment there is nothing to say "it is given" of.
    let route = if experimental.is_empty() {
        None
    } else {
        route(trial, &experimental, lexicon, &mut source)
    };
    let follow_up = follow_up(trial, &mut source);
    let (focus, safety_first) = focus(trial, lexicon, &mut source);
    let conditions = conditions(trial, lexicon, &mut source);

    let age_fact = |age: Option<Age>, field: &str| {
        age.map(|a| {
            Fact::new(
                Duration {
                    amount: a.amount,
                    unit: a.unit,
                },
                field,
            )
        })
    };
    let who = Who {
        min_age: age_fact(
            trial.eligibility.min_age,
            "protocolSection.eligibilityModule.minimumAge",
        ),
        max_age: age_fact(
            trial.eligibility.max_age,
            "protocolSection.eligibilityModule.maximumAge",
        ),
        sex: Some(Fact::new(
            trial.eligibility.sex,
            "protocolSection.eligibilityModule.sex",
        )),
        healthy_volunteers: trial
            .eligibility
            .healthy_volunteers
            .map(|h| Fact::new(h, "protocolSection.eligibilityModule.healthyVolunteers")),
    };

    let sites = (!trial.sites.is_empty()).then(|| {
        let mut countries: Vec<String> = Vec::new();
        for c in trial.sites.iter().filter_map(|s| s.country.as_ref()) {
            if !countries.contains(c) {
                countries.push(c.clone());
            }
        }
        Fact::new(
            Sites {
                count: trial.sites.len(),
                countries,
            },
            "protocolSection.contactsLocationsModule.locations",
        )
    });

    Facts {
        nct_id: trial.nct_id.clone(),
        title: Fact::new(
            trial.title.clone(),
            "protocolSection.identificationModule.briefTitle",
        ),
        kind: Fact::new(kind, STUDY_TYPE),
        stage: stage.map(|s| Fact::new(s, PHASES)),
        status: Fact::new(status, STATUS),
        tense,
        has_results: Fact::new(trial.has_results, HAS_RESULTS),
        why_stopped,
        why_stopped_as_registered: why_registered.map(|w| Fact::new(w.clone(), WHY_STOPPED)),
        size,
        design,
        treatments,
        comparison,
        active_substance,
        route,
        follow_up,
        focus,
        safety_first,
        conditions,
        who,
        sites,
        last_update: trial.last_update.clone().map(|d| {
            Fact::new(
                d,
                "protocolSection.statusModule.lastUpdatePostDateStruct.date",
            )
        }),
        record_numbers: record_numbers(trial),
        sources,
    }
}

/// The stage of a trial from its phases; a trial in two phases takes the earlier one's caution.
pub fn stage(phases: &[Phase]) -> Option<Stage> {
    let has = |p| phases.contains(&p);
    if has(Phase::EarlyPhase1) || has(Phase::Phase1) {
        Some(Stage::Early)
    } else if has(Phase::Phase2) && has(Phase::Phase3) {
        Some(Stage::MidLate)
    } else if has(Phase::Phase2) {
        Some(Stage::Mid)
    } else if has(Phase::Phase3) {
        Some(Stage::Late)
    } else if has(Phase::Phase4) {
        Some(Stage::Approved)
    } else {
        None
    }
}

pub fn progress(status: &Status) -> Progress {
    match status {
        Status::NotYetRecruiting => Progress::NotYetRecruiting,
        Status::Recruiting => Progress::Recruiting,
        Status::EnrollingByInvitation => Progress::ByInvitation,
        Status::ActiveNotRecruiting => Progress::UnderWay,
        Status::Completed => Progress::Completed,
        Status::Terminated => Progress::StoppedEarly,
        Status::Suspended => Progress::Paused,
        Status::Withdrawn => Progress::Withdrawn,
        Status::Available => Progress::Available,
        Status::NoLongerAvailable
        | Status::TemporarilyNotAvailable
        | Status::ApprovedForMarketing
        | Status::Withheld => Progress::NotAvailable,
        Status::Unknown | Status::Other(_) => Progress::Unclear,
        Status::NotGiven => Progress::NotStated,
    }
}

pub fn tense(progress: Progress) -> Tense {
    match progress {
        Progress::NotYetRecruiting
        | Progress::Recruiting
        | Progress::ByInvitation
        | Progress::Available => Tense::Future,
        Progress::UnderWay | Progress::Paused => Tense::Present,
        Progress::Completed
        | Progress::StoppedEarly
        | Progress::Withdrawn
        | Progress::NotAvailable => Tense::Past,
        Progress::Unclear | Progress::NotStated => Tense::Planned,
    }
}

/// Placebo, sham and look-alike "vehicle" products are what a treatment is compared with, not
/// what is tested.
fn is_dummy(name: &str) -> bool {
    let n = name.to_lowercase();
    ["placebo", "sham", "vehicle", "saline", "dummy"]
        .iter()
        .any(|w| contains_phrase(&n, w))
}

/// Names that do not say what is given: "ALL", "Group 40", "Arm A", "Cohort 2".
fn is_uninformative(name: &str) -> bool {
    let lower = name.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    name.trim().is_empty()
        || (letters <= 3
            && !name.chars().any(|c| c.is_ascii_digit())
            && name.chars().all(|c| !c.is_lowercase()))
        || (["group", "arm", "cohort", "intervention", "control"].contains(&first)
            && lower.split_whitespace().count() <= 2)
}

/// Indexes of the interventions being tested: those given in experimental arms, or all of them
/// when the record does not link arms and interventions; never placebos.
fn experimental_interventions(trial: &Trial, lexicon: &Lexicon) -> Vec<usize> {
    let experimental_labels: Vec<&str> = trial
        .arms
        .iter()
        .filter(|a| a.kind == ArmKind::Experimental)
        .map(|a| a.label.as_str())
        .collect();
    let in_experimental_arm = |iv: &Intervention| {
        iv.arm_labels
            .iter()
            .any(|l| experimental_labels.contains(&l.as_str()))
            || trial
                .arms
                .iter()
                .filter(|a| a.kind == ArmKind::Experimental)
                .any(|a| a.intervention_names.iter().any(|n| n.ends_with(&iv.name)))
    };
    let mut seen: Vec<String> = Vec::new();
    let candidates: Vec<usize> = (0..trial.interventions.len())
        .filter(|&i| {
            let name = &trial.interventions[i].name;
            let fresh = !seen.contains(&name.to_lowercase());
            seen.push(name.to_lowercase());
            // A short acronym the lexicon knows ("CBT") says what it is; a scan is not a treatment.
            let known = lexicon.treatment(name);
            fresh
                && !is_dummy(name)
                && known.is_none_or(|t| !t.test)
                && (known.is_some() || !is_uninformative(name))
        })
        .collect();
    let linked: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| in_experimental_arm(&trial.interventions[i]))
        .collect();
    if linked.is_empty() {
        candidates
    } else {
        linked
    }
}

fn treatment_kind(kind: &InterventionKind) -> TreatmentKind {
    match kind {
        InterventionKind::Drug
        | InterventionKind::Biological
        | InterventionKind::Genetic
        | InterventionKind::CombinationProduct => TreatmentKind::Medicine,
        InterventionKind::DietarySupplement => TreatmentKind::Diet,
        InterventionKind::Device => TreatmentKind::Device,
        InterventionKind::Procedure => TreatmentKind::Procedure,
        InterventionKind::Radiation => TreatmentKind::Radiation,
        InterventionKind::Behavioral => TreatmentKind::Behavioral,
        InterventionKind::DiagnosticTest => TreatmentKind::Test,
        InterventionKind::Other => TreatmentKind::Other,
    }
}

/// A registered name as it reads in a sentence: lower case, except words that are acronyms or
/// codes ("APG-2575", "CT", "tVNS") and names with capitals inside, which keep their spelling.
pub fn plain_name(name: &str) -> String {
    name.split(' ')
        .map(|w| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            let keep = w.chars().any(|c| c.is_ascii_digit())
                || letters.iter().skip(1).any(|c| c.is_uppercase())
                || letters.len() == 1;
            if keep {
                w.to_owned()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn design(trial: &Trial) -> Design {
    let names = || trial.interventions.iter().map(|i| i.name.to_lowercase());
    let placebo = trial
        .arms
        .iter()
        .any(|a| a.kind == ArmKind::PlaceboComparator)
        || names().any(|n| contains_phrase(&n, "placebo"));
    let sham = trial.arms.iter().any(|a| a.kind == ArmKind::ShamComparator)
        || names().any(|n| contains_phrase(&n, "sham"));
    let known_design = trial.study_type == StudyType::Interventional;
    Design {
        randomized: (trial.allocation != Allocation::NotGiven)
            .then(|| Fact::new(trial.allocation == Allocation::Randomized, ALLOCATION)),
        placebo: (known_design && placebo)
            .then(|| Fact::new(true, "protocolSection.armsInterventionsModule.armGroups")),
        sham: (known_design && sham && !placebo)
            .then(|| Fact::new(true, "protocolSection.armsInterventionsModule.armGroups")),
        blinded: (trial.masking != Masking::NotGiven)
            .then(|| Fact::new(trial.masking != Masking::None, MASKING)),
        single_group: (trial.model != InterventionModel::NotGiven)
            .then(|| Fact::new(trial.model == InterventionModel::SingleGroup, MODEL)),
        crossover: (trial.model == InterventionModel::Crossover).then(|| Fact::new(true, MODEL)),
    }
}

fn comparison(trial: &Trial, design: &Design) -> Option<Fact<Comparison>> {
    const ARMS: &str = "protocolSection.armsInterventionsModule.armGroups";
    if design.placebo.is_some() {
        return Some(Fact::new(Comparison::Placebo, ARMS));
    }
    if design.sham.is_some() {
        return Some(Fact::new(Comparison::Sham, ARMS));
    }
    let arm_text =
        |a: &Arm| format!("{} {}", a.label, a.description.as_deref().unwrap_or("")).to_lowercase();
    let usual = [
        "usual care",
        "standard care",
        "standard of care",
        "treatment as usual",
        "standard rehabilitation",
    ];
    for arm in trial
        .arms
        .iter()
        .filter(|a| a.kind != ArmKind::Experimental)
    {
        let text = arm_text(arm);
        if usual.iter().any(|u| contains_phrase(&text, u)) {
            return Some(Fact::new(Comparison::UsualCare, ARMS));
        }
    }
    if trial.arms.iter().any(|a| a.kind == ArmKind::NoIntervention) {
        return Some(Fact::new(Comparison::NoTreatment, ARMS));
    }
    if trial
        .arms
        .iter()
        .any(|a| a.kind == ArmKind::ActiveComparator)
    {
        return Some(Fact::new(Comparison::OtherTreatment, ARMS));
    }
    None
}

/// How the tested treatment is given: the first route of the lexicon named in the tested
/// interventions' names or descriptions or their arms' descriptions; else the one their
/// registry type implies.
fn route(
    trial: &Trial,
    experimental: &[usize],
    lexicon: &Lexicon,
    source: &mut impl FnMut(&str, &str),
) -> Option<Fact<Route>> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for &i in experimental {
        let iv = &trial.interventions[i];
        let base = format!("protocolSection.armsInterventionsModule.interventions[{i}]");
        texts.push((iv.name.to_lowercase(), format!("{base}.name")));
        if let Some(d) = &iv.description {
            texts.push((d.to_lowercase(), format!("{base}.description")));
        }
    }
    for (i, arm) in trial
        .arms
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == ArmKind::Experimental)
    {
        if let Some(d) = &arm.description {
            texts.push((
                d.to_lowercase(),
                format!("protocolSection.armsInterventionsModule.armGroups[{i}].description"),
            ));
        }
    }
    // The first route in file order, by its first phrase found, in the first text holding it.
    let best = texts
        .iter()
        .enumerate()
        .flat_map(|(t, (text, _))| {
            lexicon
                .route_phrases
                .hits(text)
                .into_iter()
                .map(move |h| (h.entry, h.phrase, t))
        })
        .min();
    if let Some((entry, phrase, t)) = best {
        let entry = &lexicon.routes[entry];
        let field = &texts[t].1;
        source(&entry.phrases[phrase], field);
        return Some(Fact::new(route_of(entry), field.clone()));
    }
    for &i in experimental {
        let kind = format!("{:?}", trial.interventions[i].kind).to_uppercase();
        if let Some(entry) = lexicon
            .routes
            .iter()
            .find(|r| r.types.iter().any(|t| t.eq_ignore_ascii_case(&kind)))
        {
            let field = format!("protocolSection.armsInterventionsModule.interventions[{i}].type");
            source(&kind, &field);
            return Some(Fact::new(route_of(entry), field));
        }
    }
    None
}

fn route_of(entry: &crate::lexicon::RouteEntry) -> Route {
    Route {
        id: entry.id.clone(),
        how: entry.how.clone(),
        risks: entry.risks.clone(),
    }
}

/// How long people are followed: the longest time named in the outcomes' time frames.
fn follow_up(trial: &Trial, source: &mut impl FnMut(&str, &str)) -> Option<Fact<Duration>> {
    let lists = [
        ("primaryOutcomes", &trial.primary_outcomes),
        ("secondaryOutcomes", &trial.secondary_outcomes),
    ];
    let mut best: Option<(Duration, String, String)> = None;
    for (list, outcomes) in lists {
        for (i, o) in outcomes.iter().enumerate() {
            let Some(tf) = &o.time_frame else { continue };
            if let Some(d) = longest_duration(tf) {
                let longer = best.as_ref().is_none_or(|(b, _, _)| hours(d) > hours(*b));
                if longer {
                    best = Some((
                        d,
                        tf.clone(),
                        format!("protocolSection.outcomesModule.{list}[{i}].timeFrame"),
                    ));
                }
            }
        }
    }
    let (d, text, field) = best?;
    source(&text, &field);
    Some(Fact::new(natural_unit(d), field))
}

fn hours(d: Duration) -> f64 {
    f64::from(d.amount) * d.unit.hours()
}

/// The longest duration written in a time frame: "Up to 24 months", "Week 52",
/// "90 days, 12 months and 24 months", "2-year", "Weeks 2, 4, 8, and 12", "six hours".
pub fn longest_duration(text: &str) -> Option<Duration> {
    let lower = text.to_lowercase();
    let tokens = tokens(&lower);
    let mut best: Option<Duration> = None;
    let mut consider = |amount: u32, unit: TimeUnit| {
        let d = Duration { amount, unit };
        if amount > 0 && best.is_none_or(|b| hours(d) > hours(b)) {
            best = Some(d);
        }
    };
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Token::Number(n) => {
                if let Some(Token::Word(w)) = tokens.get(i + 1) {
                    if let Some(unit) = time_unit(w) {
                        consider(*n, unit);
                    }
                }
            }
            Token::Word(w) => {
                // "Week 52", "Weeks 2, 4, 8, and 12", "Day 10": a unit word before its numbers.
                let Some(unit) = time_unit(w).filter(|_| w.len() > 2) else {
                    continue;
                };
                let mut j = i + 1;
                while let Some(t) = tokens.get(j) {
                    match t {
                        Token::Number(n) if !matches!(tokens.get(j + 1), Some(Token::Word(w)) if time_unit(w).is_some()) => {
                            consider(*n, unit)
                        }
                        Token::Word("and" | "or" | "to") => {}
                        _ => break,
                    }
                    j += 1;
                }
            }
            Token::Other => {}
        }
    }
    best
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Number(u32),
    Word(&'a str),
    /// A decimal or an over-long number: not a duration, and it pairs with nothing.
    Other,
}

/// Splits lower-cased text into words and numbers; "2-year" and "12months" are two tokens each.
fn tokens(lower: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    // The token being read is `lower[start..]` up to the current char; `last` is its last char.
    let mut start: Option<usize> = None;
    let mut last: Option<char> = None;
    let mut flush = |start: &mut Option<usize>, last: &mut Option<char>, end: usize| {
        *last = None;
        let Some(from) = start.take() else { return };
        let current = &lower[from..end];
        let tok = if current.bytes().all(|b| b.is_ascii_digit()) {
            current.parse().map_or(Token::Other, Token::Number)
        } else if current.bytes().any(|b| b.is_ascii_digit()) {
            Token::Other
        } else {
            number_word(current).map_or(Token::Word(current), Token::Number)
        };
        out.push(tok);
    };
    let mut chars = lower.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let decimal_point = c == '.'
            && last.is_some_and(|p| p.is_ascii_digit())
            && chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
        let boundary = (c.is_ascii_digit() && last.is_some_and(char::is_alphabetic))
            || (c.is_alphabetic() && last.is_some_and(|p| p.is_ascii_digit()));
        if boundary {
            flush(&mut start, &mut last, i);
        }
        if c.is_alphanumeric() || decimal_point {
            start.get_or_insert(i);
            last = Some(c);
        } else {
            flush(&mut start, &mut last, i);
        }
    }
    flush(&mut start, &mut last, lower.len());
    out
}

/// Numbers the registry writes out in time frames ("six hour", "one year").
fn number_word(w: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS.iter().position(|x| *x == w).map(|p| p as u32)
}

/// A duration in the unit a person would use: 24 months are two years, 14 days two weeks.
/// Only conversions that land on a whole number under ten are made, so every figure a page
/// writes in digits is one the record holds.
pub fn natural_unit(d: Duration) -> Duration {
    let (factor, bigger) = match d.unit {
        TimeUnit::Minute => (60, TimeUnit::Hour),
        TimeUnit::Hour => (24, TimeUnit::Day),
        TimeUnit::Day if d.amount % 7 == 0 => (7, TimeUnit::Week),
        TimeUnit::Day => return d,
        TimeUnit::Week => (52, TimeUnit::Year),
        TimeUnit::Month => (12, TimeUnit::Year),
        TimeUnit::Year => return d,
    };
    if d.amount % factor == 0 && d.amount / factor < 10 {
        natural_unit(Duration {
            amount: d.amount / factor,
            unit: bigger,
        })
    } else {
        d
    }
}

/// What the main outcome means, and whether the trial is first about safety.
fn focus(
    trial: &Trial,
    lexicon: &Lexicon,
    source: &mut impl FnMut(&str, &str),
) -> (Option<Fact<String>>, Option<Fact<bool>>) {
    let mut safety = None;
    let mut focus = None;
    let lists = [
        ("primaryOutcomes", &trial.primary_outcomes),
        ("secondaryOutcomes", &trial.secondary_outcomes),
    ];
    for (list, outcomes) in lists {
        for (i, o) in outcomes.iter().enumerate() {
            let field = format!("protocolSection.outcomesModule.{list}[{i}].measure");
            let Some(entry) = lexicon.measure(&o.measure) else {
                continue;
            };
            if entry.safety {
                if list == "primaryOutcomes" && safety.is_none() {
                    source(&o.measure, &field);
                    safety = Some(Fact::new(true, field));
                }
            } else if focus.is_none() {
                source(&o.measure, &field);
                focus = Some(Fact::new(entry.means.clone(), field));
            }
        }
    }
    (focus, safety)
}

/// Plain names for the conditions: each registered term from the lexicon; where a term has
/// none, the MeSH terms the registry matched to the record; else the term itself in lower case.
fn conditions(
    trial: &Trial,
    lexicon: &Lexicon,
    source: &mut impl FnMut(&str, &str),
) -> Vec<Fact<Condition>> {
    let mut out: Vec<Fact<Condition>> = Vec::new();
    // `said` is the registry's text at `field`: the registered term, or the MeSH term matched.
    let mut push = |plain: String,
                    registered: &str,
                    said: &str,
                    field: String,
                    out: &mut Vec<Fact<Condition>>| {
        if !out.iter().any(|c| c.value.plain == plain) {
            source(said, &field);
            out.push(Fact::new(
                Condition {
                    plain,
                    registered: registered.to_owned(),
                },
                field,
            ));
        }
    };
    let mesh_plain: Vec<(usize, &str)> = trial
        .mesh_terms
        .iter()
        .enumerate()
        .filter_map(|(i, m)| lexicon.condition(m).map(|p| (i, p)))
        .collect();
    let mut used_mesh = false;
    for (i, c) in trial.conditions.iter().enumerate() {
        let field = format!("protocolSection.conditionsModule.conditions[{i}]");
        if let Some(plain) = lexicon.condition(c) {
            push(plain.to_owned(), c, c, field, &mut out);
        } else if !mesh_plain.is_empty() {
            if !used_mesh {
                for &(m, plain) in &mesh_plain {
                    let mesh_field =
                        format!("derivedSection.conditionBrowseModule.meshes[{m}].term");
                    push(
                        plain.to_owned(),
                        c,
                        &trial.mesh_terms[m],
                        mesh_field,
                        &mut out,
                    );
                }
                used_mesh = true;
            }
        } else {
            push(plain_name(c), c, c, field, &mut out);
        }
    }
    out
}

/// Every number written in the fields a page may draw on.
fn record_numbers(trial: &Trial) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let mut add = |text: &str| numbers_in(text, &mut set);
    add(&trial.title);
    trial.official_title.as_deref().map(&mut add);
    trial.why_stopped.as_deref().map(&mut add);
    trial.brief_summary.as_deref().map(&mut add);
    trial.description.as_deref().map(&mut add);
    for text in trial
        .conditions
        .iter()
        .chain(&trial.mesh_terms)
        .chain(&trial.keywords)
    {
        add(text);
    }
    for iv in &trial.interventions {
        add(&iv.name);
        iv.description.as_deref().map(&mut add);
    }
    for arm in &trial.arms {
        add(&arm.label);
        arm.description.as_deref().map(&mut add);
    }
    for o in trial
        .primary_outcomes
        .iter()
        .chain(&trial.secondary_outcomes)
    {
        add(&o.measure);
        o.time_frame.as_deref().map(&mut add);
        o.description.as_deref().map(&mut add);
    }
    for site in &trial.sites {
        add(&site.facility);
    }
    if let Some(e) = trial.enrollment {
        set.insert(e.count.to_string());
    }
    for age in [trial.eligibility.min_age, trial.eligibility.max_age]
        .into_iter()
        .flatten()
    {
        set.insert(age.amount.to_string());
    }
    set.insert(trial.sites.len().to_string());
    set
}

/// Collects the numbers in a text as written, digits only ("1.5" stays "1.5"; "024" is "24").
pub fn numbers_in(text: &str, set: &mut BTreeSet<String>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || ((bytes[i] == b'.' || bytes[i] == b',')
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            {
                i += 1;
            }
            let written = &text[start..i];
            // Most numbers repeat and carry no comma: look them up before allocating.
            let n: Cow<str> = if written.contains(',') {
                Cow::Owned(written.replace(',', ""))
            } else {
                Cow::Borrowed(written)
            };
            let trimmed = n.trim_start_matches('0');
            let key = if trimmed.is_empty() || trimmed.starts_with('.') {
                &n
            } else {
                trimmed
            };
            if !set.contains(key) {
                set.insert(key.to_owned());
            }
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(amount: u32, unit: TimeUnit) -> Option<Duration> {
        Some(Duration { amount, unit })
    }

    #[test]
    fn time_frames_in_registry_spellings() {
        use TimeUnit::*;
        for (text, want) in [
            ("Up to 24 months after infusion", d(24, Month)),
            ("Week 52", d(52, Week)),
            ("90 days, 12 months and 24 months after infusion", d(24, Month)),
            ("2 year/end of study", d(2, Year)),
            ("2-year", d(2, Year)),
            ("Baseline; Weeks 2, 4, 8, and 12", d(12, Week)),
            ("Annually for 5 years", d(5, Year)),
            ("up to 56 days", d(56, Day)),
            ("Day 10", d(10, Day)),
            ("first 2~7 days after surgery", d(7, Day)),
            ("From half hour prior to till six hour after administration", d(6, Hour)),
            ("Follow-up Visit (up to Week 60)", d(60, Week)),
            ("Baseline (Week 0)", None),
            ("Baseline (single timepoint only)", None),
            ("After 5 doses of medication", None),
            ("1.5 years", None),
            ("assessed up to 2 years", d(2, Year)),
            ("From first dose date (Day 1) up to follow-up assessment (maximum duration: 30 days)", d(30, Day)),
            ("6wks", d(6, Week)),
        ] {
            assert_eq!(longest_duration(text), want, "{text}");
        }
    }

    #[test]
    fn durations_take_their_natural_unit() {
        use TimeUnit::*;
        let n = |a, u| natural_unit(Duration { amount: a, unit: u });
        assert_eq!(
            n(24, Month),
            Duration {
                amount: 2,
                unit: Year
            }
        );
        assert_eq!(
            n(52, Week),
            Duration {
                amount: 1,
                unit: Year
            }
        );
        assert_eq!(
            n(56, Day),
            Duration {
                amount: 8,
                unit: Week
            }
        );
        assert_eq!(
            n(90, Day),
            Duration {
                amount: 90,
                unit: Day
            }
        );
        assert_eq!(
            n(9, Month),
            Duration {
                amount: 9,
                unit: Month
            }
        );
        assert_eq!(
            n(48, Hour),
            Duration {
                amount: 2,
                unit: Day
            }
        );
        // 140 days would be 20 weeks: a figure the record never wrote, so it stays in days.
        assert_eq!(
            n(140, Day),
            Duration {
                amount: 140,
                unit: Day
            }
        );
    }

    #[test]
    fn stages_from_phases() {
        assert_eq!(stage(&[Phase::Phase1]), Some(Stage::Early));
        assert_eq!(stage(&[Phase::EarlyPhase1]), Some(Stage::Early));
        assert_eq!(stage(&[Phase::Phase1, Phase::Phase2]), Some(Stage::Early));
        assert_eq!(stage(&[Phase::Phase2]), Some(Stage::Mid));
        assert_eq!(stage(&[Phase::Phase2, Phase::Phase3]), Some(Stage::MidLate));
        assert_eq!(stage(&[Phase::Phase3]), Some(Stage::Late));
        assert_eq!(stage(&[Phase::Phase4]), Some(Stage::Approved));
        assert_eq!(stage(&[Phase::NotApplicable]), None);
        assert_eq!(stage(&[]), None);
    }

    #[test]
    fn tense_follows_status() {
        assert_eq!(tense(progress(&Status::Recruiting)), Tense::Future);
        assert_eq!(tense(progress(&Status::NotYetRecruiting)), Tense::Future);
        assert_eq!(
            tense(progress(&Status::ActiveNotRecruiting)),
            Tense::Present
        );
        assert_eq!(tense(progress(&Status::Completed)), Tense::Past);
        assert_eq!(tense(progress(&Status::Terminated)), Tense::Past);
        assert_eq!(tense(progress(&Status::Withdrawn)), Tense::Past);
        assert_eq!(tense(progress(&Status::Unknown)), Tense::Planned);
        assert_eq!(
            tense(progress(&Status::Other("PAUSED".into()))),
            Tense::Planned
        );
    }

    #[test]
    fn names_that_say_nothing_are_not_treatments() {
        for name in [
            "ALL", "Group 40", "group 50", "Arm A", "Cohort 2", "Control", "",
        ] {
            assert!(is_uninformative(name), "{name}");
        }
        for name in [
            "Dupilumab",
            "GET73",
            "APG-2575",
            "Group therapy sessions",
            "Diet",
        ] {
            assert!(!is_uninformative(name), "{name}");
        }
    }

    #[test]
    fn registered_names_read_in_lower_case_but_keep_codes() {
        assert_eq!(
            plain_name("Human Placental Stem Cells"),
            "human placental stem cells"
        );
        assert_eq!(plain_name("APG-2575"), "APG-2575");
        assert_eq!(plain_name("tVNS Program"), "tVNS program");
        assert_eq!(plain_name("Dupilumab"), "dupilumab");
        assert_eq!(plain_name("COVID-19"), "COVID-19");
    }

    #[test]
    fn numbers_are_collected_as_written() {
        let mut set = BTreeSet::new();
        numbers_in("24 patients, 1.5 mg, week 052 and 1,000 people", &mut set);
        let got: Vec<&str> = set.iter().map(String::as_str).collect();
        assert_eq!(got, vec!["1.5", "1000", "24", "52"]);
    }

    fn lexicon() -> Lexicon {
        Lexicon::load(crate::templates::template_files()).unwrap()
    }

    fn trial_with(interventions: &[(InterventionKind, &str, &str)]) -> Trial {
        Trial {
            nct_id: "NCT00000000".into(),
            study_type: StudyType::Interventional,
            interventions: interventions
                .iter()
                .map(|(kind, name, description)| Intervention {
                    kind: kind.clone(),
                    name: (*name).into(),
                    description: (!description.is_empty()).then(|| (*description).into()),
                    arm_labels: vec![],
                })
                .collect(),
            ..Trial::default()
        }
    }

    fn route_id(trial: &Trial) -> Option<String> {
        derive(trial, &lexicon()).route.map(|r| r.value.id)
    }

    #[test]
    fn routes_from_registry_wording() {
        use InterventionKind::*;
        for (kind, name, description, want) in [
            (
                Biological,
                "Stem cells",
                "A single intravenous infusion of cells",
                Some("iv"),
            ),
            (
                Drug,
                "Remdesivir",
                "Administered as an IV infusion",
                Some("iv"),
            ),
            (Drug, "Abexinostat", "Abexinostat tablets", Some("pill")),
            (Drug, "GET73", "GET73 300 mg oral capsules", Some("pill")),
            (
                Drug,
                "APG-2575",
                "APG-2575 orally once daily",
                Some("by_mouth"),
            ),
            (
                Drug,
                "Dupilumab",
                "Administered via subcutaneous injection.",
                Some("under_skin"),
            ),
            (
                Biological,
                "Vaccine X",
                "0.5 mL intramuscular injection",
                Some("into_muscle"),
            ),
            (
                Drug,
                "ACU-D1",
                "ACU-D1 ointment applied twice daily",
                Some("on_skin"),
            ),
            (Drug, "Budesonide", "inhaled twice a day", Some("inhaled")),
            (Device, "Genius", "A radiofrequency system", Some("device")),
            (
                Radiation,
                "Proton Beam",
                "precision radiation",
                Some("radiation"),
            ),
            (Behavioral, "Coaching", "weekly calls", Some("programme")),
            (Drug, "Mystery", "", None),
        ] {
            let trial = trial_with(&[(kind, name, description)]);
            assert_eq!(route_id(&trial).as_deref(), want, "{name}: {description}");
        }
    }

    #[test]
    fn placebo_is_not_what_is_tested() {
        use InterventionKind::*;
        let trial = trial_with(&[
            (Drug, "Placebo", "sugar pill"),
            (Drug, "Vehicle", ""),
            (Drug, "Repaglinide", ""),
        ]);
        let facts = derive(&trial, &lexicon());
        let names: Vec<&str> = facts
            .treatments
            .iter()
            .map(|t| t.value.name.as_str())
            .collect();
        assert_eq!(names, ["Repaglinide"]);
        assert_eq!(facts.active_substance.unwrap().value, "Repaglinide");
        assert_eq!(facts.comparison.unwrap().value, Comparison::Placebo);
    }

    #[test]
    fn plain_condition_names_from_registered_and_mesh_terms() {
        let lex = lexicon();
        let plain = |conditions: &[&str], mesh: &[&str]| -> Vec<String> {
            let trial = Trial {
                conditions: conditions.iter().map(|c| (*c).into()).collect(),
                mesh_terms: mesh.iter().map(|c| (*c).into()).collect(),
                ..Trial::default()
            };
            derive(&trial, &lex)
                .conditions
                .into_iter()
                .map(|c| c.value.plain)
                .collect()
        };
        assert_eq!(plain(&["Myocardial Infarction"], &[]), ["heart attack"]);
        assert_eq!(plain(&["Neoplasms"], &[]), ["cancer"]);
        assert_eq!(plain(&["Cerebrovascular Accident"], &[]), ["stroke"]);
        assert_eq!(plain(&["COVID-19"], &[]), ["COVID-19"]);
        assert_eq!(plain(&["HIV Infections"], &[]), ["HIV"]);
        // No plain name for the registered term: the MeSH term the registry matched speaks.
        assert_eq!(
            plain(&["Stage II Breast Carcinoma NOS"], &["Breast Neoplasms"]),
            ["breast cancer"]
        );
        // Neither: the registered term, in lower case, acronyms kept.
        assert_eq!(
            plain(&["Fabry Disease Type ABC"], &[]),
            ["fabry disease type ABC"]
        );
        // Two terms with one plain name say it once.
        assert_eq!(plain(&["Atopic Dermatitis", "Eczema"], &[]), ["eczema"]);
    }

    #[test]
    fn size_classes_and_estimates() {
        let lex = lexicon();
        let size = |count, estimated| {
            let trial = Trial {
                enrollment: Some(Enrollment { count, estimated }),
                ..Trial::default()
            };
            derive(&trial, &lex).size.map(|s| s.value)
        };
        assert_eq!(size(24, true).unwrap().class, SizeClass::VerySmall);
        assert_eq!(size(75, true).unwrap().class, SizeClass::Small);
        assert_eq!(size(312, false).unwrap().class, SizeClass::Medium);
        assert_eq!(size(4856, false).unwrap().class, SizeClass::Large);
        assert!(!size(312, false).unwrap().estimated);
        // Nobody joined: there is no size to speak of.
        assert_eq!(size(0, false), None);
    }

    #[test]
    fn main_outcome_meaning_and_safety_first() {
        let outcome = |m: &str| Outcome {
            measure: m.into(),
            description: None,
            time_frame: None,
        };
        let trial = Trial {
            primary_outcomes: vec![outcome("Incidence of adverse events")],
            secondary_outcomes: vec![outcome(
                "Proportion with modified Rankin Scale (mRS) score 0-2",
            )],
            ..Trial::default()
        };
        let facts = derive(&trial, &lexicon());
        assert_eq!(facts.safety_first.map(|f| f.value), Some(true));
        assert_eq!(facts.focus.unwrap().value, "regaining independence");
        let trial = Trial {
            primary_outcomes: vec![outcome("Overall survival"), outcome("Change in HbA1c")],
            ..Trial::default()
        };
        let facts = derive(&trial, &lexicon());
        assert!(facts.safety_first.is_none());
        assert_eq!(facts.focus.unwrap().value, "living longer");
    }
}
