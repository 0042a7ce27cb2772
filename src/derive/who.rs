//! Who may join: ages, sex and healthy volunteers, from the eligibility module, and the oldest
//! age from the criteria when the module gives none.

use crate::facts::*;
use crate::trial::*;

const ELIGIBILITY: &str = "protocolSection.eligibilityModule";

/// Who may join, each fact with its field.
pub(super) fn who(trial: &Trial) -> Who {
    let age_fact = |age: Option<Age>, field: String| {
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
    // "130 Years" is a registrant's way of saying no upper limit.
    let registered_max = trial
        .eligibility
        .max_age
        .filter(|a| f64::from(a.amount) * a.unit.hours() <= 100.0 * TimeUnit::Year.hours());
    let max_age = match (trial.eligibility.max_age, criteria_max_age(trial)) {
        (None, Some(age)) => age_fact(Some(age), format!("{ELIGIBILITY}.eligibilityCriteria")),
        _ => age_fact(registered_max, format!("{ELIGIBILITY}.maximumAge")),
    };
    Who {
        min_age: age_fact(
            trial.eligibility.min_age,
            format!("{ELIGIBILITY}.minimumAge"),
        ),
        max_age,
        sex: Some(Fact::new(
            trial.eligibility.sex,
            format!("{ELIGIBILITY}.sex"),
        )),
        healthy_volunteers: trial
            .eligibility
            .healthy_volunteers
            .map(|h| Fact::new(h, format!("{ELIGIBILITY}.healthyVolunteers"))),
    }
}

/// The oldest age the criteria give where the module gives none: "youth aged 12-21 years"
/// beside a minimum age of 12 and no maximum (NCT05488119 said "People aged 12 and over can
/// join"). Only a range in years that starts at the registered youngest age, so that it is
/// the age range of who may join and no other.
pub(super) fn criteria_max_age(trial: &Trial) -> Option<Age> {
    let min = trial
        .eligibility
        .min_age
        .filter(|a| a.unit == TimeUnit::Year)?;
    if trial.eligibility.max_age.is_some() {
        return None;
    }
    let criteria = trial.eligibility.criteria.as_deref()?;
    // The inclusion criteria come first; an age in the exclusions is not who may join.
    let lower = criteria.to_lowercase();
    let inclusion = lower.split("exclusion").next().unwrap_or("");
    let from = min.amount.to_string();
    inclusion.match_indices(&from).find_map(|(at, _)| {
        let before = inclusion[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let rest = &inclusion[at + from.len()..];
        let rest = ["-", "–", " to ", " and "]
            .iter()
            .find_map(|sep| rest.trim_start().strip_prefix(sep.trim_start()))?
            .trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let to: u32 = digits.parse().ok()?;
        let unit: String = rest[digits.len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect();
        let years = crate::normalize::time_unit(&unit) == Some(TimeUnit::Year);
        (years && to > min.amount && to <= 100).then_some(Age {
            amount: to,
            unit: TimeUnit::Year,
        })
    })
}
