//! `roles.toml`: the words an intervention's role, a trial's purpose and its allocation are
//! read by, each list compiled to one automaton.

use super::PhraseList;
use serde::Deserialize;

/// The phrase lists of `roles.toml`, each compiled to one automaton.
#[derive(Debug)]
pub struct Roles {
    pub placebo: PhraseList,
    pub sham: PhraseList,
    pub assessment: PhraseList,
    pub assessment_described: PhraseList,
    pub assessment_weak: PhraseList,
    /// Last words of a name that measures.
    pub assessment_ends: Vec<String>,
    pub nothing: PhraseList,
    pub nothing_described: PhraseList,
    pub background_described: PhraseList,
    pub substance: PhraseList,
    pub substance_described: PhraseList,
    pub usual_care: PhraseList,
    pub no_treatment: PhraseList,
    pub placebo_described: PhraseList,
    pub sham_described: PhraseList,
    pub wait_list: PhraseList,
    /// Words of an arm's label that make it the comparison when no arm is typed experimental
    /// ("Educational Control (ED001) …").
    pub control_labels: PhraseList,
    /// A title that says the design is placebo-controlled.
    pub placebo_titled: PhraseList,
    /// Words that show a trial labelled diagnostic tests a way to find or check an illness.
    pub diagnostic: PhraseList,
    /// Title words of a trial that treats, and of one that prevents: a prevention label with
    /// only the first is the registrant's mistake.
    pub treats_titled: PhraseList,
    pub prevents_titled: PhraseList,
    /// Words that make a ratio beside them the share of people each group gets.
    pub allocation_ratio: PhraseList,
    /// Uneven groups said in words ("3 times more subjects in the vardenafil group").
    pub uneven_groups: PhraseList,
    /// Words that say whole groups (clinics, schools), not people, were randomized.
    pub clusters: PhraseList,
    pub sides: PhraseList,
    /// Words of an observational study that reads records written before it began.
    pub past_records: PhraseList,
    /// Words that say a study looks at medicines taken together (a drug interaction study).
    pub interaction: PhraseList,
    /// Words that make a product given to everyone a challenge given on purpose, not a
    /// treatment (`[challenge]`).
    pub challenge: PhraseList,
    /// Words before a product's name in an arm's description that make it a challenge
    /// ("experimental challenge with rhinovirus"), lower case.
    pub challenge_with: Vec<String>,
    /// Words that say a trial looks at how its treatment changes the response to vaccines.
    pub vaccine_responses: PhraseList,
    /// Words of a tested treatment's name that make it a vaccine.
    pub vaccine_names: PhraseList,
    /// Words that say a single-group trial gives its treatment at several doses.
    pub dose_levels: PhraseList,
    /// Arrows ("->") and words ("then") of an arm label that give the order of its products.
    pub sequence_arrows: Vec<String>,
    pub sequence_words: PhraseList,
    /// Words of a title that say people do not know what they get.
    pub blind: PhraseList,
    /// Words of a title or description that say a trial runs at several places.
    pub several_sites: PhraseList,
    /// Words of a facility name that make it a message standing for unlisted sites.
    pub placeholder_site: PhraseList,
    /// Words of a sentence about another study than the record's.
    pub elsewhere: PhraseList,
    pub names: NameWords,
}

/// How registered names split into the products they name (`roles.toml`, `[names]`).
#[derive(Debug, Deserialize)]
pub struct NameWords {
    pub labels: Vec<String>,
    pub joins: Vec<String>,
    /// Words that join the parts of one medicine's name, matched in any case.
    pub parts: Vec<String>,
    /// Words of a comparison arm's label that give its comparators together.
    pub together: Vec<String>,
    pub drop: Vec<String>,
    pub cut: Vec<String>,
    #[serde(default)]
    pub about: Vec<String>,
    /// Names that say only that something is given ("Treatment", "Active drug"): the
    /// description says what.
    #[serde(default)]
    pub generic: Vec<String>,
    /// Arm labels (lower case) that name who is in the arm, not what it gets.
    pub people: Vec<String>,
    /// How an arm's description adds something to a product, `{}` for its name, lower case.
    pub adds: Vec<String>,
}

#[derive(Deserialize, Clone)]
struct ListEntry {
    #[serde(rename = "match", default)]
    phrases: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
    #[serde(default)]
    described: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    ends: Vec<String>,
}
#[derive(Deserialize)]
struct ComparisonWords {
    usual_care: Vec<String>,
    no_treatment: Vec<String>,
    placebo: Vec<String>,
    sham: Vec<String>,
    wait_list: Vec<String>,
    placebo_titled: Vec<String>,
    control_labels: Vec<String>,
}
#[derive(Deserialize)]
pub(super) struct RolesFile {
    placebo: ListEntry,
    sham: ListEntry,
    assessment: ListEntry,
    nothing: ListEntry,
    background: ListEntry,
    substance: ListEntry,
    comparison: ComparisonWords,
    purpose: PurposeWords,
    allocation: AllocationWords,
    interaction: InteractionWords,
    challenge: ChallengeWords,
    doses: DoseWords,
    sequence: SequenceWords,
    sites: SiteWords,
    masking: MaskingWords,
    records: RecordWords,
    names: NameWords,
}
#[derive(Deserialize)]
struct RecordWords {
    past: Vec<String>,
}
#[derive(Deserialize)]
struct MaskingWords {
    blind: Vec<String>,
}
#[derive(Deserialize)]
struct SiteWords {
    several: Vec<String>,
    placeholder: Vec<String>,
    elsewhere: Vec<String>,
}
#[derive(Deserialize)]
struct AllocationWords {
    ratio: Vec<String>,
    uneven: Vec<String>,
    cluster: Vec<String>,
    sides: Vec<String>,
}
#[derive(Deserialize)]
struct SequenceWords {
    arrows: Vec<String>,
    words: Vec<String>,
}
#[derive(Deserialize)]
struct DoseWords {
    levels: Vec<String>,
}
#[derive(Deserialize)]
struct ChallengeWords {
    phrases: Vec<String>,
    with: Vec<String>,
}
#[derive(Deserialize)]
struct InteractionWords {
    phrases: Vec<String>,
    vaccine_responses: Vec<String>,
    vaccine_names: Vec<String>,
}
#[derive(Deserialize)]
struct PurposeWords {
    diagnostic: Vec<String>,
    treats: Vec<String>,
    prevents: Vec<String>,
}

impl Roles {
    pub(super) fn from_file(file: RolesFile) -> Self {
        let plain = |v: Vec<String>| PhraseList::new(v, Vec::new());
        Roles {
            placebo: PhraseList::new(file.placebo.phrases, file.placebo.not),
            sham: PhraseList::new(file.sham.phrases, file.sham.not),
            assessment_described: plain(file.assessment.described),
            assessment_weak: plain(file.assessment.weak),
            assessment_ends: file.assessment.ends,
            assessment: PhraseList::new(file.assessment.phrases, file.assessment.not),
            nothing: PhraseList::new(file.nothing.phrases, file.nothing.not),
            nothing_described: plain(file.nothing.described),
            background_described: plain(file.background.described),
            substance_described: plain(file.substance.described.clone()),
            substance: PhraseList::new(file.substance.phrases, file.substance.not),
            usual_care: plain(file.comparison.usual_care),
            no_treatment: plain(file.comparison.no_treatment),
            placebo_described: plain(file.comparison.placebo),
            sham_described: plain(file.comparison.sham),
            wait_list: plain(file.comparison.wait_list),
            control_labels: plain(file.comparison.control_labels),
            placebo_titled: plain(file.comparison.placebo_titled),
            diagnostic: plain(file.purpose.diagnostic),
            treats_titled: plain(file.purpose.treats),
            prevents_titled: plain(file.purpose.prevents),
            allocation_ratio: plain(file.allocation.ratio),
            uneven_groups: plain(file.allocation.uneven),
            clusters: plain(file.allocation.cluster),
            sides: plain(file.allocation.sides),
            past_records: plain(file.records.past),
            interaction: plain(file.interaction.phrases),
            challenge: plain(file.challenge.phrases),
            challenge_with: file.challenge.with,
            vaccine_responses: plain(file.interaction.vaccine_responses),
            vaccine_names: plain(file.interaction.vaccine_names),
            dose_levels: plain(file.doses.levels),
            sequence_arrows: file.sequence.arrows,
            sequence_words: plain(file.sequence.words),
            several_sites: plain(file.sites.several),
            placeholder_site: plain(file.sites.placeholder),
            blind: plain(file.masking.blind),
            elsewhere: plain(file.sites.elsewhere),
            names: file.names,
        }
    }
}
