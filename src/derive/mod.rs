//! Step 3, derive: [`Trial`] → [`Facts`].
//!
//! Rules that read a trial the way a careful editor would: the stage from the phases, the tense
//! from the status, the size, the design, how the treatment is given, how long people are
//! followed, what the main outcome means, plain names for conditions, who can join. Words come
//! from the [`Lexicon`]; each fact records the field it came from and the record's own words.

mod conditions;
mod design;
mod interventions;
mod numbers;
mod outcomes;
mod population;
mod results;
mod route;
mod texts;
mod timing;
mod who;

pub use design::{progress, stage, tense};
pub use interventions::plain_name;
pub use numbers::{numbers_in, with_separators};
pub use timing::{longest_duration, natural_unit};

use crate::facts::*;
use crate::lexicon::{contains_phrase, parts_of_longer, Lexicon};
use crate::trial::*;
use conditions::conditions;
use design::design;
use interventions::treatment_kind;
use numbers::record_numbers;
use outcomes::focus;
use route::route;
use texts::Reach;
use timing::follow_up;

const PHASES: &str = "protocolSection.designModule.phases";
const STUDY_TYPE: &str = "protocolSection.designModule.studyType";
const STATUS: &str = "protocolSection.statusModule.overallStatus";
const WHY_STOPPED: &str = "protocolSection.statusModule.whyStopped";
const ENROLLMENT: &str = "protocolSection.designModule.enrollmentInfo.count";
const ALLOCATION: &str = "protocolSection.designModule.designInfo.allocation";
const BRIEF_SUMMARY: &str = "protocolSection.descriptionModule.briefSummary";
const DESCRIPTION: &str = "protocolSection.descriptionModule.detailedDescription";
const MODEL_DESCRIPTION: &str =
    "protocolSection.designModule.designInfo.interventionModelDescription";
const MODEL: &str = "protocolSection.designModule.designInfo.interventionModel";
const MASKING: &str = "protocolSection.designModule.designInfo.maskingInfo.masking";
const TIME_PERSPECTIVE: &str = "protocolSection.designModule.designInfo.timePerspective";
const OBSERVATIONAL_MODEL: &str = "protocolSection.designModule.designInfo.observationalModel";
const HAS_RESULTS: &str = "hasResults";
const ELIGIBILITY: &str = "protocolSection.eligibilityModule";
const ARMS: &str = "protocolSection.armsInterventionsModule.armGroups";
const TITLE: &str = "protocolSection.identificationModule.briefTitle";
const OFFICIAL_TITLE: &str = "protocolSection.identificationModule.officialTitle";

/// Derives the facts of a trial.
pub fn derive(trial: &Trial, lexicon: &Lexicon) -> Facts {
    let texts = texts::Texts::of(trial);
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

    let reading = interventions::read(trial, lexicon);
    // A study registered as observational whose arms give some people a placebo or sham gives
    // treatment: it is written as the trial it is, never "the study did not give any
    // treatment" (NCT05511155: oxygen against room air, a nurse giving each).
    let (kind, kind_field) = match (&kind, &reading.comparison) {
        (StudyKind::Observational, Some(c))
            if matches!(c.value, Comparison::Placebo | Comparison::Sham) =>
        {
            (StudyKind::Interventional, c.field.clone())
        }
        _ => (kind, STUDY_TYPE.to_owned()),
    };
    let field_of = |i: usize| format!("protocolSection.armsInterventionsModule.interventions[{i}]");
    let interventions: Vec<Fact<InterventionRole>> = reading
        .roles
        .iter()
        .map(|&(i, role)| {
            let iv = &trial.interventions[i];
            Fact::new(
                InterventionRole {
                    name: iv.name.clone(),
                    plain: interventions::plain(iv, lexicon),
                    kind: interventions::type_code(&iv.kind).to_owned(),
                    role,
                    arms: reading.arms[i]
                        .iter()
                        .map(|&a| trial.arms[a].label.clone())
                        .collect(),
                    substance: interventions::is_substance(iv, lexicon),
                },
                field_of(i),
            )
        })
        .collect();
    let challenges_given: Vec<usize> = reading
        .with_role(Role::Background)
        .filter(|&i| interventions::challenge(trial, &reading, i, lexicon))
        .collect();
    let treatments_of = |indices: &[usize], source: &mut dyn FnMut(&str, &str)| {
        let mut out: Vec<Fact<Treatment>> = Vec::new();
        for &i in indices {
            let iv = &trial.interventions[i];
            let name_field = format!("{}.name", field_of(i));
            let active = interventions::active_parts(iv, lexicon);
            let (registered, said, field) = match (active, interventions::spelled_out(iv)) {
                // "Sildenafil and questionnaire" names sildenafil.
                (Some(part), _) => (part, iv.name.as_str(), name_field),
                (None, Some((k, words))) => {
                    (words, words, format!("{}.otherNames[{k}]", field_of(i)))
                }
                (None, None) => (iv.name.as_str(), iv.name.as_str(), name_field),
            };
            source(said, &field);
            for name in interventions::components(registered, lexicon) {
                let one = Intervention { name, ..iv.clone() };
                let plain = interventions::plain(&one, lexicon);
                // Two registered names with one plain name ("tVNS Program", "tVNS and Phone
                // App") say it once.
                if out.iter().any(|t| t.value.plain == plain) {
                    continue;
                }
                out.push(Fact::new(
                    Treatment {
                        name: one.name,
                        plain,
                        kind: treatment_kind(&iv.kind),
                        substance: interventions::is_substance(iv, lexicon),
                    },
                    field.clone(),
                ));
            }
        }
        out
    };
    let treatments_in = |role: Role, source: &mut dyn FnMut(&str, &str)| {
        let indices: Vec<usize> = reading
            .with_role(role)
            .filter(|i| !challenges_given.contains(i))
            .collect();
        treatments_of(&indices, source)
    };
    let mut treatments = treatments_in(Role::Tested, &mut source);
    // One product listed twice, once by its substance and once by its form, is one treatment:
    // NCT00244023's "testosterone" and "Testosterone gel" (both the same 50 mg sachet, in the
    // same arm) read "testosterone and testosterone gel". The longer name stays.
    let names: Vec<String> = treatments
        .iter()
        .map(|t| t.value.plain.to_lowercase())
        .collect();
    let mut parts = parts_of_longer(&names).into_iter();
    treatments.retain(|_| !parts.next().unwrap_or(false));
    // What the title names is the news: it comes first ("Testing yttrium-90 BC8, …" rather
    // than the transplant every such trial has).
    treatments.sort_by_key(|t| {
        std::cmp::Reverse(interventions::title_share(&t.value.name, &trial.title))
    });
    let interaction = (kind == StudyKind::Interventional)
        .then(|| design::interaction(&texts, &lexicon.roles))
        .flatten();
    // In a drug interaction study the product every arm gets is the one whose handling is
    // studied, the others given beside it: NCT00770042 gives avanafil in each of three groups,
    // each with one drug that slows its breakdown, and was headlined "Testing ritonavir,
    // ketoconazole and other treatments".
    if interaction.is_some() && trial.arms.len() > 1 {
        let in_every_arm = |t: &Fact<Treatment>| {
            let covered: std::collections::HashSet<&str> = interventions
                .iter()
                .filter(|i| i.value.plain == t.value.plain)
                .flat_map(|i| i.value.arms.iter().map(String::as_str))
                .collect();
            trial
                .arms
                .iter()
                .all(|a| covered.contains(a.label.as_str()))
        };
        treatments.sort_by_key(|t| !in_every_arm(t));
    }
    if treatments.is_empty() && kind == StudyKind::Interventional {
        if let Some((a, name)) = interventions::named_by_arm(trial, &reading, lexicon) {
            let field = format!("{ARMS}[{a}].label");
            source(&trial.arms[a].label, &field);
            // A strategy of giving medicines tests those medicines' use.
            let substance = interventions
                .iter()
                .any(|i| i.value.substance && i.value.arms.contains(&trial.arms[a].label));
            treatments.push(Fact::new(
                Treatment {
                    plain: plain_name(&name),
                    name,
                    kind: TreatmentKind::Other,
                    substance,
                },
                field,
            ));
        }
    }
    let mut background = treatments_in(Role::Background, &mut source);
    let challenges = treatments_of(&challenges_given, &mut source);
    let mut comparators = treatments_in(Role::Comparator, &mut source);
    // What a tested name already says is not added to it again: "MRD-guided tislelizumab and
    // chemotherapy" is not "…, added to chemotherapy".
    background.retain(|b| {
        !treatments.iter().any(|t| {
            t.value.plain != b.value.plain
                && contains_phrase(&t.value.plain.to_lowercase(), &b.value.plain.to_lowercase())
        })
    });
    let comparators_together =
        comparators.len() >= 2 && interventions::comparators_together(trial, &reading, lexicon);
    let mut comparison = reading.comparison.clone();
    // A strategy trial compares the approach with its negated twin: what the comparison arm
    // gets is that arm's label ("non MRD-guided adjuvant tislelizumab and chemotherapy"), not
    // the products the record happens to list for it.
    if let Some((_, twin)) = reading.strategy_arm {
        let label = &trial.arms[twin].label;
        let field = format!("{ARMS}[{twin}].label");
        source(label, &field);
        comparators = vec![Fact::new(
            Treatment {
                name: label.clone(),
                plain: plain_name(label),
                kind: TreatmentKind::Other,
                substance: false,
            },
            field.clone(),
        )];
        comparison = Some(Fact::new(Comparison::OtherTreatment, field));
    }

    // Every tested product taken into the body, as registered.
    let substances: Vec<&Fact<Treatment>> =
        treatments.iter().filter(|t| t.value.substance).collect();
    let active_substance = (!substances.is_empty()).then(|| {
        let names: Vec<&str> = substances.iter().map(|t| t.value.name.as_str()).collect();
        Fact::new(names.join(", "), substances[0].field.clone())
    });

    let design = design(trial, &texts, &reading, lexicon);
    let experimental: Vec<usize> = reading.with_role(Role::Tested).collect();
    // With no named treatment there is nothing to say "it is given" of.
    let route = if experimental.is_empty() {
        None
    } else {
        route(trial, &experimental, lexicon, &mut source)
    };
    let follow_up = follow_up(trial, &lexicon.not_follow_up, &mut source);
    let (focus, safety_first) = focus(trial, lexicon, &mut source);
    let mut conditions = conditions(trial, &texts, lexicon, &mut source);
    population::mark_caused(&texts, &treatments, &mut conditions, lexicon);
    let findings = results::findings(trial, &reading, lexicon, &mut source);
    let purpose = population::purpose(trial, &texts, &experimental, lexicon);
    let population = population::population(trial, &texts, &conditions, lexicon);
    let prevented = (kind == StudyKind::Interventional)
        .then(|| population::prevented(&texts, &conditions, lexicon))
        .flatten();
    let diagnosed = match (kind, &prevented) {
        (StudyKind::Interventional, None) => {
            population::diagnosed(trial, purpose.as_ref(), &conditions, lexicon)
        }
        _ => None,
    };

    let who = who::who(trial);

    let sites = sites(trial, lexicon);

    Facts {
        nct_id: trial.nct_id.clone(),
        title: Fact::new(trial.title.clone(), TITLE),
        kind: Fact::new(kind, kind_field),
        stage: stage.map(|s| Fact::new(s, PHASES)),
        status: Fact::new(status, STATUS),
        tense,
        has_results: Fact::new(trial.has_results, HAS_RESULTS),
        looks_back: match kind {
            StudyKind::Observational if trial.looks_back => Some(Fact::new(true, TIME_PERSPECTIVE)),
            StudyKind::Observational if !trial.prospective && !trial.once => {
                texts.first_marked(&lexicon.roles.past_records, Reach::Summary)
            }
            _ => None,
        },
        once: (kind == StudyKind::Observational && trial.once)
            .then(|| Fact::new(true, TIME_PERSPECTIVE)),
        case_control: (kind == StudyKind::Observational && trial.case_control)
            .then(|| Fact::new(true, OBSERVATIONAL_MODEL)),
        why_stopped,
        why_stopped_as_registered: why_registered.map(|w| Fact::new(w.clone(), WHY_STOPPED)),
        never_started_known: (trial.status == Status::Unknown
            && trial.last_known_status == Some(Status::NotYetRecruiting))
        .then(|| Fact::new(true, "protocolSection.statusModule.lastKnownStatus")),
        size,
        design,
        purpose,
        population,
        previously_treated: population::previously_treated(trial, &texts, lexicon),
        prevented,
        diagnosed,
        interaction,
        vaccine_response: (kind == StudyKind::Interventional)
            .then(|| design::vaccine_response(&texts, &treatments, &lexicon.roles))
            .flatten(),
        interventions,
        treatments,
        background,
        challenges,
        comparators_together,
        comparators,
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
        findings,
        record_numbers: record_numbers(trial),
        sources,
    }
}

/// Where the trial runs: how many sites and countries the record lists, and whether its title
/// or description says it runs at several places whatever the list holds so far.
fn sites(trial: &Trial, lexicon: &Lexicon) -> Option<Fact<Sites>> {
    if trial.sites.is_empty() {
        return None;
    }
    let mut countries: Vec<String> = Vec::new();
    for c in trial.sites.iter().filter_map(|s| s.country.as_ref()) {
        if !countries.contains(c) {
            countries.push(c.clone());
        }
    }
    let roles = &lexicon.roles;
    let says = |text: &str| roles.several_sites.marks(&text.to_lowercase());
    // A description's sentence may tell of another study ("in a multicenter Japanese study"):
    // it counts only without words of one.
    let describes = |text: &str| {
        text.to_lowercase()
            .split(". ")
            .any(|sentence| roles.several_sites.marks(sentence) && !roles.elsewhere.marks(sentence))
    };
    // Read only where it changes what a page says: one location listed.
    let several_said = trial.sites.len() == 1
        && (says(&trial.title)
            || roles
                .placeholder_site
                .marks(&lone_place(&trial.sites[0]).to_lowercase())
            || trial.official_title.as_deref().is_some_and(says)
            || [&trial.brief_summary, &trial.description]
                .into_iter()
                .flatten()
                .any(|t| describes(t)));
    Some(Fact::new(
        Sites {
            count: trial.sites.len(),
            countries,
            several_said,
        },
        "protocolSection.contactsLocationsModule.locations",
    ))
}

/// What names a lone site: its facility, or its city when the record gives none.
fn lone_place(site: &Site) -> &str {
    site.facility
        .as_deref()
        .or(site.city.as_deref())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn lexicon() -> Lexicon {
        Lexicon::load(crate::templates::template_files()).unwrap()
    }

    pub fn trial_with(interventions: &[(InterventionKind, &str, &str)]) -> Trial {
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
                    other_names: vec![],
                })
                .collect(),
            ..Trial::default()
        }
    }

    /// A trial of arms `(type, label, description)` and interventions `(type, name, arms)`.
    pub fn designed(
        arms: &[(ArmKind, &str, &str)],
        interventions: &[(InterventionKind, &str, &[&str])],
    ) -> Trial {
        Trial {
            nct_id: "NCT00000000".into(),
            title: "A trial".into(),
            study_type: StudyType::Interventional,
            arms: arms
                .iter()
                .map(|(kind, label, description)| Arm {
                    label: (*label).into(),
                    kind: kind.clone(),
                    description: (!description.is_empty()).then(|| (*description).into()),
                    intervention_names: vec![],
                })
                .collect(),
            interventions: interventions
                .iter()
                .map(|(kind, name, arms)| Intervention {
                    kind: kind.clone(),
                    name: (*name).into(),
                    description: None,
                    arm_labels: arms.iter().map(|a| (*a).to_owned()).collect(),
                    other_names: vec![],
                })
                .collect(),
            ..Trial::default()
        }
    }

    /// Each intervention's role, by name.
    pub fn roles_of(trial: &Trial) -> Vec<(String, Role)> {
        derive(trial, &lexicon())
            .interventions
            .into_iter()
            .map(|i| (i.value.name, i.value.role))
            .collect()
    }

    pub fn route_id(trial: &Trial) -> Option<String> {
        derive(trial, &lexicon()).route.map(|r| r.value.id)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

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
    fn an_observational_study_that_gives_a_placebo_is_written_as_a_trial() {
        // NCT05511155: registered as observational, oxygen against room air.
        let mut trial = designed(
            &[
                (ArmKind::Other, "Oxygen", ""),
                (ArmKind::Other, "Dummy", ""),
            ],
            &[
                (InterventionKind::Other, "Oxygen therapy", &["Oxygen"]),
                (InterventionKind::Other, "Placebo", &["Dummy"]),
            ],
        );
        trial.study_type = StudyType::Observational;
        let facts = derive(&trial, &lexicon());
        assert_eq!(facts.kind.value, StudyKind::Interventional);
        assert!(
            facts.kind.field.contains("armGroups"),
            "{}",
            facts.kind.field
        );
        // Without a placebo it stays what it was registered as.
        trial.interventions.pop();
        trial.arms.pop();
        assert_eq!(
            derive(&trial, &lexicon()).kind.value,
            StudyKind::Observational
        );
    }
}
