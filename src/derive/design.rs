//! Where a trial stands and how it is built: stage from the phases, progress and tense from
//! the status, the design (randomized, blinded, placebo, single group, crossover) and what the
//! tested treatment is compared with.

use super::interventions::Reading;
use super::texts::{Reach, Texts};
use super::{ALLOCATION, ARMS, BRIEF_SUMMARY, DESCRIPTION, MASKING, MODEL};
use crate::facts::*;
use crate::lexicon::{contains_phrase, Lexicon, Roles};
use crate::trial::*;

const INTERVENTIONS: &str = "protocolSection.armsInterventionsModule.interventions";
const PRE_ASSIGNMENT: &str = "resultsSection.participantFlowModule.preAssignmentDetails";

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
pub(super) fn design(trial: &Trial, texts: &Texts, reading: &Reading, lexicon: &Lexicon) -> Design {
    Design {
        uneven: (trial.allocation == Allocation::Randomized)
            .then(|| uneven_allocation(trial, &lexicon.roles))
            .flatten(),
        cluster: (trial.allocation == Allocation::Randomized)
            .then(|| clusters(trial, texts, &lexicon.roles))
            .flatten(),
        sides: (trial.allocation == Allocation::Randomized)
            .then(|| texts.first_marked(&lexicon.roles.sides, Reach::Description))
            .flatten(),
        dose_levels: (trial.model == InterventionModel::SingleGroup)
            .then(|| texts.first_marked(&lexicon.roles.dose_levels, Reach::Description))
            .flatten(),
        groups: (trial.model == InterventionModel::SingleGroup && trial.arms.len() > 1)
            .then(|| Fact::new(trial.arms.len(), ARMS)),
        in_order: (reading.same_everywhere && in_order(trial, &lexicon.roles))
            .then(|| Fact::new(true, ARMS)),
        randomized: (trial.allocation != Allocation::NotGiven)
            .then(|| Fact::new(trial.allocation == Allocation::Randomized, ALLOCATION)),
        placebo: (reading.placebo_given && !reading.sham).then(|| Fact::new(true, ARMS)),
        sham: reading.sham.then(|| Fact::new(true, ARMS)),
        // Open label by the masking field, blinded by the title: the record contradicts itself
        // and neither is said.
        blinded: (trial.masking != Masking::NotGiven
            && !(trial.masking == Masking::None && titled_blind(texts, &lexicon.roles)))
        .then(|| Fact::new(trial.masking != Masking::None, MASKING)),
        single_group: (trial.model != InterventionModel::NotGiven)
            .then(|| Fact::new(trial.model == InterventionModel::SingleGroup, MODEL)),
        crossover: (trial.model == InterventionModel::Crossover).then(|| Fact::new(true, MODEL)),
        same_everywhere: reading.same_everywhere.then(|| Fact::new(true, ARMS)),
        same_way: (reading.same_everywhere && described_alike(trial))
            .then(|| Fact::new(true, ARMS)),
        placebo_everywhere: reading.placebo_everywhere.then(|| Fact::new(true, ARMS)),
        one_product: one_product(trial, reading).then(|| Fact::new(true, ARMS)),
        apart: apart(trial, reading).then(|| Fact::new(true, ARMS)),
    }
}

/// Whether two or more tested products, each given in some arm and compared with nothing,
/// are never all given in one arm.
fn apart(trial: &Trial, reading: &Reading) -> bool {
    // Each tested intervention with its name in lower case, read once.
    let tested: Vec<(usize, String)> = reading
        .with_role(Role::Tested)
        .map(|i| (i, trial.interventions[i].name.trim().to_lowercase()))
        .collect();
    let mut names: Vec<&str> = tested.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() < 2
        || trial.arms.len() < 2
        || reading.comparison.is_some()
        || tested.iter().any(|(i, _)| reading.arms[*i].is_empty())
    {
        return false;
    }
    let gets = |arm: usize, product: &str| {
        tested
            .iter()
            .any(|(i, n)| n == product && reading.arms[*i].contains(&arm))
    };
    !(0..trial.arms.len()).any(|arm| names.iter().all(|n| gets(arm, n)))
}

/// Whether every arm describes what it gets in the same words, spacing and case aside.
fn described_alike(trial: &Trial) -> bool {
    let words = |d: &str| -> String {
        d.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut descriptions = trial
        .arms
        .iter()
        .map(|a| a.description.as_deref().map(words));
    match descriptions.next() {
        Some(Some(first)) => {
            trial.arms.len() > 1 && descriptions.all(|d| d.as_ref() == Some(&first))
        }
        _ => false,
    }
}

/// Whether a title says people do not know what they get ("Randomized, Double-Blind").
fn titled_blind(texts: &Texts, roles: &Roles) -> bool {
    texts.titles().any(|(t, _)| roles.blind.marks(t))
}

/// Whether a title, the brief summary or the description says whole groups were randomized
/// ("a cluster-randomized trial"), with the field that says so.
fn clusters(trial: &Trial, texts: &Texts, roles: &Roles) -> Option<Fact<bool>> {
    // Most descriptions never say "cluster" or "wedge": no need to lower-case them then.
    let hinted = [trial.title.as_str()]
        .into_iter()
        .chain(trial.official_title.as_deref())
        .chain(trial.brief_summary.as_deref())
        .chain(trial.description.as_deref())
        .chain(trial.model_description.as_deref())
        .any(|t| t.contains("luster") || t.contains("LUSTER") || t.contains("edge"));
    hinted
        .then(|| texts.first_marked(&roles.clusters, Reach::Description))
        .flatten()
}

/// Whether a title or the brief summary says the study looks at medicines taken together
/// ("the interaction between doxazosin GITS and vardenafil"), with the field that says so.
pub(super) fn interaction(texts: &Texts, roles: &Roles) -> Option<Fact<bool>> {
    texts.first_marked(&roles.interaction, Reach::Summary)
}

/// A trial that looks at whether what it tests changes how the body responds to vaccines
/// ("Study Investigating Vaccine Responses in Adults … Treated With Dupilumab"), with the
/// field that says so; not a trial of a vaccine. Read in the titles only: such a trial says
/// so there, and every interventional record would otherwise search its summary too.
pub(super) fn vaccine_response(
    texts: &Texts,
    treatments: &[Fact<Treatment>],
    roles: &Roles,
) -> Option<Fact<bool>> {
    let a_vaccine = |t: &Fact<Treatment>| {
        [&t.value.name, &t.value.plain]
            .iter()
            .any(|n| roles.vaccine_names.marks(&n.to_lowercase()))
    };
    if treatments.is_empty() || treatments.iter().any(a_vaccine) {
        return None;
    }
    texts
        .titles()
        .find(|(title, _)| roles.vaccine_responses.marks(title))
        .map(|(_, field)| Fact::new(true, field))
}

/// Whether every arm gets the one tested product and names it in its label: the arms differ
/// in how it is given (fed or fasted, a valve or a steady flow of oxygen).
fn one_product(trial: &Trial, reading: &Reading) -> bool {
    // One name, listed once or once per arm.
    let mut names: Vec<String> = reading
        .with_role(Role::Tested)
        .map(|i| trial.interventions[i].name.to_lowercase())
        .collect();
    names.dedup();
    let [name] = names.as_slice() else {
        return false;
    };
    trial.arms.len() >= 2
        && trial
            .arms
            .iter()
            .all(|arm| contains_phrase(&arm.label.to_lowercase(), name))
}

/// Whether two or more arm labels give an order of products ("Tadalafil Then Sildenafil").
fn in_order(trial: &Trial, roles: &Roles) -> bool {
    let ordered = |label: &str| {
        let lower = label.to_lowercase();
        roles
            .sequence_arrows
            .iter()
            .any(|a| lower.contains(a.as_str()))
            || roles.sequence_words.marks(&lower)
    };
    trial.arms.iter().filter(|a| ordered(&a.label)).count() >= 2
}

/// Whether the record's texts give an uneven ratio of people per group ("randomized 2:1",
/// "(2:1)" after "randomized to either omalizumab or placebo", "3 times more subjects in the
/// vardenafil group"), with the field that says so. Only a ratio or such words with a word of
/// allocation near them count.
fn uneven_allocation(trial: &Trial, roles: &Roles) -> Option<Fact<bool>> {
    let words = &roles.allocation_ratio;
    let texts = [
        (trial.brief_summary.as_deref(), BRIEF_SUMMARY),
        (trial.description.as_deref(), DESCRIPTION),
    ]
    .into_iter()
    .chain(
        trial
            .arms
            .iter()
            .map(|arm| (arm.description.as_deref(), ARMS)),
    )
    .chain(
        trial
            .interventions
            .iter()
            .map(|iv| (iv.description.as_deref(), INTERVENTIONS)),
    )
    .chain(std::iter::once((
        trial
            .results
            .as_ref()
            .and_then(|r| r.pre_assignment.as_deref()),
        PRE_ASSIGNMENT,
    )));
    for (text, field) in texts {
        let Some(text) = text else { continue };
        // Most texts hold neither a ratio nor "times"/"twice": nothing to lower-case then.
        if !text.contains(':') && !text.contains("imes") && !text.contains("wice") {
            continue;
        }
        let lower = text.to_lowercase();
        // Said in words, in one sentence with a word of allocation ("3 times more likely"
        // elsewhere is no share of people).
        let in_words = lower
            .split(". ")
            .any(|sentence| roles.uneven_groups.marks(sentence) && words.marks(sentence));
        if in_words
            || ratios(text).any(|(at, even)| !even && words.marks(&near(text, at).to_lowercase()))
        {
            return Some(Fact::new(true, field));
        }
    }
    None
}

/// Each ratio of small whole numbers in `text` ("2:1", "1 : 1 : 2"): where it stands and
/// whether all its parts are equal.
fn ratios(text: &str) -> impl Iterator<Item = (usize, bool)> + '_ {
    let bytes = text.as_bytes();
    let number_before = |end: usize| -> Option<(usize, &str)> {
        let end = bytes[..end].iter().rposition(|b| *b != b' ')? + 1;
        let start = bytes[..end]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let whole = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        (whole && (1..=2).contains(&(end - start))).then(|| (start, &text[start..end]))
    };
    let number_after = |from: usize| -> Option<(usize, &str)> {
        let start = from + bytes[from..].iter().position(|b| *b != b' ')?;
        let end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |i| start + i);
        let whole = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        (whole && (1..=2).contains(&(end - start))).then(|| (end, &text[start..end]))
    };
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(colon) = memchr::memchr(b':', &bytes[from..]).map(|i| from + i) {
            from = colon + 1;
            let Some((start, first)) = number_before(colon) else {
                continue;
            };
            let mut parts = vec![first];
            let mut at = colon;
            while let Some((end, part)) = number_after(at + 1) {
                parts.push(part);
                from = end;
                match bytes[end..].iter().position(|b| *b != b' ') {
                    Some(i) if bytes[end + i] == b':' => at = end + i,
                    _ => break,
                }
            }
            if parts.len() >= 2 {
                let even = parts
                    .iter()
                    .all(|p| p.parse::<u32>() == parts[0].parse::<u32>());
                return Some((start, even));
            }
        }
        None
    })
}

/// The words around `at`, a few on each side, cut at character boundaries.
fn near(text: &str, at: usize) -> &str {
    const REACH: usize = 80;
    let mut start = at.saturating_sub(REACH);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + REACH).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_that_says_blind_overrules_no_masking() {
        use crate::derive::test_support::lexicon;
        let blinded = |title: &str, masking: Masking| {
            let trial = Trial {
                title: title.into(),
                masking,
                ..Trial::default()
            };
            crate::derive::derive(&trial, &lexicon())
                .design
                .blinded
                .map(|b| b.value)
        };
        // NCT07117669: masking NONE, "Randomized, Double-Blind, Placebo-Controlled" title.
        assert_eq!(
            blinded("A Randomized, Double-Blind Study", Masking::None),
            None
        );
        assert_eq!(blinded("An Open-Label Study", Masking::None), Some(false));
        assert_eq!(blinded("A Double-Blind Study", Masking::Double), Some(true));
    }

    #[test]
    fn ratios_are_found_with_their_evenness() {
        let found = |t: &str| ratios(t).map(|(_, even)| even).collect::<Vec<_>>();
        assert_eq!(found("randomized 2:1 to receive"), [false]);
        assert_eq!(found("randomized 1:1 to active"), [true]);
        assert_eq!(found("omalizumab or placebo (2:1) in a"), [false]);
        assert_eq!(found("a 1 : 1 : 1 ratio"), [true]);
        assert_eq!(found("a 1:1:2 ratio"), [false]);
        assert_eq!(
            found("at 10:30am, 1:200 dilution, NCT:12"),
            Vec::<bool>::new()
        );
        assert_eq!(found("1:20 weight per volume"), [false]);
    }

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
