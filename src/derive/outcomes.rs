//! What the main outcome means for a patient, and whether the trial is first about safety.

use crate::facts::*;
use crate::lexicon::Lexicon;
use crate::trial::*;

/// What the main outcome means, and whether the trial is first about safety. The primary
/// outcomes say what a trial is about; a secondary one is named only beside a primary one
/// about safety ("looking mainly at safety and also at …").
pub(super) fn focus(
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
        if list == "secondaryOutcomes" && (focus.is_some() || safety.is_none()) {
            break;
        }
        for (i, o) in outcomes.iter().enumerate() {
            let field = format!("protocolSection.outcomesModule.{list}[{i}].measure");
            let Some(entry) = lexicon.measure(&o.measure) else {
                continue;
            };
            if entry.safety {
                // Safety comes first only when the first main measure is about it: adverse
                // events twelfth of thirteen (NCT06388018, after "Time to pelvic recurrence")
                // or second after pulmonary vascular resistance (NCT05818137) are not what
                // the trial looks at mainly.
                if list == "primaryOutcomes" && i == 0 {
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

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::trial::*;

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
