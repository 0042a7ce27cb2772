//! Where a trial stands and how it is built: stage from the phases, progress and tense from
//! the status, the design (randomized, blinded, placebo, single group, crossover) and what the
//! tested treatment is compared with.

use super::{ALLOCATION, MASKING, MODEL};
use crate::facts::*;
use crate::lexicon::contains_phrase;
use crate::trial::*;

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

pub(super) fn design(trial: &Trial) -> Design {
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

pub(super) fn comparison(trial: &Trial, design: &Design) -> Option<Fact<Comparison>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
