//! Where a trial stands and how it is built: stage from the phases, progress and tense from
//! the status, the design (randomized, blinded, placebo, single group, crossover) and what the
//! tested treatment is compared with.

use super::interventions::Reading;
use super::{ALLOCATION, ARMS, MASKING, MODEL};
use crate::facts::*;
use crate::trial::*;

/// The stage of a trial from its phases: a trial in two phases spans both (phase 1/2 is early
/// to mid, phase 2/3 mid to late).
pub fn stage(phases: &[Phase]) -> Option<Stage> {
    let has = |p| phases.contains(&p);
    if (has(Phase::EarlyPhase1) || has(Phase::Phase1)) && has(Phase::Phase2) {
        Some(Stage::EarlyMid)
    } else if has(Phase::EarlyPhase1) || has(Phase::Phase1) {
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
        Progress::Completed | Progress::StoppedEarly | Progress::NotAvailable => Tense::Past,
        // No one took part: what was planned, never what was done.
        Progress::Withdrawn | Progress::Unclear | Progress::NotStated => Tense::Planned,
    }
}

/// How the trial is built. Whether a placebo or sham is given comes from the interventions'
/// reading, which judges by the product rather than by the arm's type.
pub(super) fn design(trial: &Trial, reading: &Reading) -> Design {
    Design {
        randomized: (trial.allocation != Allocation::NotGiven)
            .then(|| Fact::new(trial.allocation == Allocation::Randomized, ALLOCATION)),
        placebo: (reading.placebo_given && !reading.sham).then(|| Fact::new(true, ARMS)),
        sham: reading.sham.then(|| Fact::new(true, ARMS)),
        blinded: (trial.masking != Masking::NotGiven)
            .then(|| Fact::new(trial.masking != Masking::None, MASKING)),
        single_group: (trial.model != InterventionModel::NotGiven)
            .then(|| Fact::new(trial.model == InterventionModel::SingleGroup, MODEL)),
        crossover: (trial.model == InterventionModel::Crossover).then(|| Fact::new(true, MODEL)),
        same_everywhere: reading.same_everywhere.then(|| Fact::new(true, ARMS)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_from_phases() {
        assert_eq!(stage(&[Phase::Phase1]), Some(Stage::Early));
        assert_eq!(stage(&[Phase::EarlyPhase1]), Some(Stage::Early));
        assert_eq!(
            stage(&[Phase::Phase1, Phase::Phase2]),
            Some(Stage::EarlyMid)
        );
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
        assert_eq!(tense(progress(&Status::Withdrawn)), Tense::Planned);
        assert_eq!(tense(progress(&Status::Unknown)), Tense::Planned);
        assert_eq!(
            tense(progress(&Status::Other("PAUSED".into()))),
            Tense::Planned
        );
    }
}
