//! Whom a page says a trial is for, read against the records: the conditions (their kind,
//! their order, one the trial prevents rather than one people have), relapsed or refractory
//! illness, and the age group.

use crate::helpers::*;

const STUDY_TYPE: &str = "/protocolSection/designModule/studyType";

/// An age of the eligibility module (`minimumAge`, `maximumAge`) in whole years, when the
/// record gives it in years.
fn years(record: &serde_json::Value, age: &str) -> Option<u32> {
    let text = text_at(record, &format!("/protocolSection/eligibilityModule/{age}"))?;
    let (n, unit) = text.split_once(' ')?;
    unit.starts_with("Year").then(|| n.parse().ok())?
}

/// Who may join is read from the ages: a trial only for people of 12 to 17 is for teenagers,
/// never "children" (NCT05602779, 13 to 17, said "self-harm in children").
#[test]
fn a_trial_for_twelve_to_seventeen_year_olds_is_for_teenagers() {
    let pages = pages_where(|r| {
        years(r, "minimumAge").is_some_and(|m| m >= 12)
            && years(r, "maximumAge").is_some_and(|m| m < 18)
    });
    for (path, _, s) in &pages {
        let text = page_text(s).to_lowercase();
        assert!(!text.contains("children"), "{}: {text}", path.display());
        assert!(text.contains("teenagers"), "{}: {text}", path.display());
    }
    assert!(
        pages.len() >= 3,
        "only {} records for 12- to 17-year-olds",
        pages.len()
    );
}

/// A trial whose oldest may be 18 or 19 is for the young: read by hand, all thirteen such
/// records of the fixtures are trials for children or adolescents (NCT03281889, 3 to 18, "…
/// Growth Decrement for Children"). Its headline says "children and teenagers", or
/// "teenagers" when the youngest is 12 or more, never "people", which invites adults.
#[test]
fn a_trial_for_up_to_eighteen_year_olds_is_for_the_young() {
    let pages = pages_where(|r| years(r, "maximumAge").is_some_and(|m| (18..20).contains(&m)));
    for (path, record, s) in &pages {
        let young = if years(record, "minimumAge").is_some_and(|m| m >= 12) {
            " teenagers with "
        } else {
            " children and teenagers with "
        };
        assert!(
            s.headline.contains(young),
            "{}: {}",
            path.display(),
            s.headline
        );
        assert!(
            !s.headline.contains(" people "),
            "{}: {}",
            path.display(),
            s.headline
        );
    }
    assert!(
        pages.len() >= 10,
        "only {} records for up to 18-year-olds",
        pages.len()
    );
}

/// "As listed by the trial registrant" is the registrant's list, in their order (NCT03177746
/// lists premature ejaculation first; the page put erectile dysfunction first).
#[test]
fn conditions_as_registered_keep_the_registrant_order() {
    for (path, record, s) in pages_where(|_| true) {
        let mut listed: Vec<String> = Vec::new();
        for c in record
            .pointer("/protocolSection/conditionsModule/conditions")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str())
        {
            let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
            if !c.is_empty() && !listed.iter().any(|l| l.eq_ignore_ascii_case(&c)) {
                listed.push(c);
            }
        }
        let shown = &s.conditions.as_registered;
        assert!(
            shown.len() >= listed.len(),
            "{}: {shown:?} against {listed:?}",
            path.display()
        );
        for (shown, listed) in shown.iter().zip(&listed) {
            assert!(
                shown.eq_ignore_ascii_case(listed),
                "{}: {shown:?} where the registrant listed {listed:?}",
                path.display()
            );
        }
    }
}

/// A trial for people whose illness came back or did not go away with treatment says so: every
/// interventional record whose brief title says "relapsed" or "refractory" (NCT05147467,
/// "Relapsed/Refractory CLL/SLL", said only "people with chronic lymphocytic leukemia"), or
/// whose official title says "salvage" (NCT00002938, "Salvage Prostatectomy for Radiation
/// Failure", for cancer that came back or stayed after radiotherapy), or "pretreated"
/// (NCT06644781's esophageal cancer grew after chemotherapy and immunotherapy). One
/// for prostate cancer "previously treated with radiotherapy" (NCT01105130) is not said to have
/// come back.
#[test]
fn a_trial_for_relapsed_or_refractory_illness_says_so() {
    let pages = pages_where(|r| {
        let title = text_at(r, "/protocolSection/identificationModule/briefTitle")
            .unwrap_or("")
            .to_lowercase();
        let official = text_at(r, "/protocolSection/identificationModule/officialTitle")
            .unwrap_or("")
            .to_lowercase();
        text_at(r, STUDY_TYPE) == Some("INTERVENTIONAL")
            && (title.contains("relapsed")
                || title.contains("refractory")
                || title.contains("pretreated")
                || official.contains("salvage"))
    });
    for (path, _, s) in &pages {
        let summary = &s.sections.summary;
        assert!(
            summary.contains("whose illness came back or stayed after earlier treatment"),
            "{}: {summary}",
            path.display()
        );
    }
    assert!(
        pages.len() >= 5,
        "only {} relapsed or refractory trials",
        pages.len()
    );
    let s = corpus_summary("NCT01105130");
    assert!(
        !s.sections.summary.contains("came back"),
        "{}",
        s.sections.summary
    );
}

/// A condition the title says the trial prevents is not one the people have (read by hand:
/// NCT00931528, "Tadalafil in Preventing Erectile Dysfunction in Patients With Prostate Cancer
/// Treated With Radiation Therapy", whose criteria require working erections). A trial "for the
/// Prevention of Episodic Cluster Headache" in people who have it prevents attacks, and is not
/// said to prevent the illness (NCT02945046).
#[test]
fn a_condition_the_trial_prevents_is_not_one_people_have() {
    let corpus = fixtures().join("trials/corpus");
    let page = summarize(&corpus.join("NCT00931528.json"));
    let summary = &page.sections.summary;
    assert!(
        summary.contains("might help prevent erectile dysfunction in men with prostate cancer"),
        "{summary}"
    );
    assert_says_none(
        &corpus.join("NCT00931528.json"),
        &page_text(&page),
        &["men with prostate cancer and erectile dysfunction"],
    );
    let attacks = summarize(&corpus.join("NCT02945046.json"));
    assert_says_none(
        &corpus.join("NCT02945046.json"),
        &page_text(&attacks),
        &["prevent episodic cluster headache"],
    );
}

/// A trial whose title is for one kind of an illness says that kind (read by hand: NCT00162773,
/// "Effect of Anti-IgE in Non-Allergic Asthma", whose criteria need negative skin tests);
/// omalizumab is approved for the allergic kind, so "asthma" alone would mislead those readers.
/// A title's "Non-allergic Controls" (NCT04322838) makes no illness non-allergic.
#[test]
fn the_kind_of_illness_a_title_names_is_kept() {
    let corpus = fixtures().join("trials/corpus");
    let page = summarize(&corpus.join("NCT00162773.json"));
    assert!(
        page.sections
            .summary
            .contains("people with non-allergic asthma"),
        "{}",
        page.sections.summary
    );
    assert_eq!(page.conditions.plain, ["non-allergic asthma"]);
    let controls = summarize(&corpus.join("NCT04322838.json"));
    assert_says_none(
        &corpus.join("NCT04322838.json"),
        &page_text(&controls),
        &["non-allergic allergy"],
    );
}

/// A study that takes only healthy people is not for people with the condition it registers
/// (read by hand: NCT05594173 registers "Dysphagia", takes "Healthy adults under age 60" and
/// excludes anyone with trouble swallowing; NCT00258778 tests a Gaucher enzyme in "Healthy male
/// or female[s] between 18 and 45"; NCT00463957 takes "Healthy" men). Healthy babies at risk of
/// an allergy are babies the trial tries to spare it (NCT03062995).
#[test]
fn a_study_of_healthy_people_is_not_for_people_with_its_condition() {
    let trials = fixtures().join("trials");
    for (path, healthy, never) in [
        (
            trials.join("NCT05594173.json"),
            "healthy volunteers",
            "people with trouble swallowing",
        ),
        (
            trials.join("corpus/NCT00258778.json"),
            "healthy volunteers",
            "people with gaucher disease",
        ),
        (
            trials.join("corpus/NCT00463957.json"),
            "healthy men",
            "men with erectile dysfunction",
        ),
    ] {
        let page = summarize(&path);
        let summary = page.sections.summary.to_lowercase();
        assert!(summary.contains(healthy), "{}: {summary}", path.display());
        assert!(!summary.contains(never), "{}: {summary}", path.display());
        assert!(
            !page.headline.to_lowercase().contains(never),
            "{}: {}",
            path.display(),
            page.headline
        );
    }
    // A title that names healthy volunteers and patients takes patients too (NCT03102398, "…
    // in Healthy Volunteers and Erectile Dysfunction Patients": its phase IIa part needs
    // diagnosed erectile dysfunction and measures erectile function).
    let mixed = trials.join("corpus/NCT03102398.json");
    let summary = summarize(&mixed).sections.summary;
    assert!(
        summary.contains("men with erectile dysfunction"),
        "{summary}"
    );
    assert_says_none(
        &mixed,
        &summary,
        &["in healthy men", "not at whether it treats"],
    );
    let babies = summarize(&trials.join("corpus/NCT03062995.json"));
    assert!(
        babies
            .sections
            .summary
            .contains("might help prevent allergy in babies"),
        "{}",
        babies.sections.summary
    );
}

/// A prevention trial in people who have one of its illnesses does not prevent that one (read
/// by hand: NCT05929300 and NCT05363644 take men with "a biopsy-proven diagnosis" or "primary
/// diagnosis" of prostate cancer having surgery, to spare them erectile dysfunction and
/// incontinence; NCT00410098 takes people with "controlled asthma"). A criterion that names
/// the illness in a relative says nothing of the baby (NCT02547519, oral insulin to prevent
/// type 1 diabetes).
#[test]
fn a_prevention_trial_does_not_prevent_what_people_have() {
    let corpus = fixtures().join("trials/corpus");
    for id in ["NCT05929300", "NCT05363644"] {
        let path = corpus.join(format!("{id}.json"));
        let page = summarize(&path);
        let summary = &page.sections.summary;
        assert!(
            summary.contains("might help prevent erectile dysfunction")
                && summary.contains("in men with prostate cancer."),
            "{id}: {summary}"
        );
        assert_says_none(&path, &page_text(&page), &["prevent prostate cancer"]);
    }
    let asthma = corpus.join("NCT00410098.json");
    let page = summarize(&asthma);
    assert!(
        page.sections
            .summary
            .contains("might help people with asthma"),
        "{}",
        page.sections.summary
    );
    assert_says_none(&asthma, &page_text(&page), &["prevent asthma"]);
    let babies = summarize(&corpus.join("NCT02547519.json"));
    assert!(
        babies
            .sections
            .summary
            .contains("might help prevent type 1 diabetes in babies"),
        "{}",
        babies.sections.summary
    );
}

/// A list of conditions is never cut short as if it were whole (read by hand: NCT04842812
/// registers liver, lung, breast, colorectal and brain cancers and solid tumors, liver first;
/// its summary said "lung cancer, breast cancer and a brain tumor").
#[test]
fn a_summary_does_not_name_some_conditions_as_if_they_were_all() {
    let corpus = fixtures().join("trials/corpus");
    let page = summarize(&corpus.join("NCT04842812.json"));
    let summary = &page.sections.summary;
    assert!(
        summary.contains("liver cancer") || summary.contains("and other conditions"),
        "{summary}"
    );
    assert!(
        !summary.contains("breast cancer and a brain tumor"),
        "{summary}"
    );
}

/// A condition the record says the tested medicine may cause is what the trial looks for, not
/// what people have (read by hand: NCT01067391, "the hypothesis is that tadalafil will cause
/// significant hypotension in people with tetraplegia"; it takes men with spinal cord injury,
/// not men with low blood pressure).
#[test]
fn a_condition_the_tested_medicine_may_cause_is_not_one_people_have() {
    let path = fixtures().join("trials/corpus/NCT01067391.json");
    let page = summarize(&path);
    assert!(
        page.sections
            .summary
            .contains("tadalafil in men with spinal cord injury"),
        "{}",
        page.sections.summary
    );
    assert_says_none(&path, &page_text(&page), &["men with hypotension"]);
}

/// A broader word for an illness the page already names is not a second illness (read by
/// hand: NCT00066638 registers plasma cell myeloma only, and its page said "multiple myeloma (a
/// blood cancer) and cancer"; NCT02443155 said "type 1 diabetes and diabetes").
#[test]
fn a_broader_word_for_a_named_illness_is_not_another_illness() {
    let corpus = fixtures().join("trials/corpus");
    for (id, never) in [
        ("NCT00066638", "and cancer"),
        ("NCT02443155", "and diabetes"),
    ] {
        let path = corpus.join(format!("{id}.json"));
        let summary = summarize(&path).sections.summary;
        assert_says_none(&path, &summary, &[never]);
    }
}

/// A trial for solid tumors of many kinds is not for the one cancer its list happens to start
/// with (read by hand: NCT03729596, "MGC018 With or Without MGA012 in Advanced Solid Tumors",
/// whose melanoma is one of five expansion groups; NCT05102214, "HLX301 … in Patients With
/// Locally Advanced or Metastatic Solid Tumors"; both headlines named one cancer).
#[test]
fn a_trial_for_solid_tumors_is_headlined_for_them() {
    let corpus = fixtures().join("trials/corpus");
    for id in ["NCT03729596", "NCT05102214"] {
        let page = summarize(&corpus.join(format!("{id}.json")));
        assert!(
            page.headline.contains("solid tumors"),
            "{id}: {}",
            page.headline
        );
    }
}

/// Worn discs in the neck are not worn discs anywhere in the spine (read by hand: NCT04550923
/// takes one or two levels "between C3-7" for neck fusion; its page said "degenerative disc
/// disease (worn spinal discs)", which a reader with a worn lower back takes as theirs).
#[test]
fn the_part_of_the_spine_a_condition_names_is_kept() {
    let page = corpus_summary("NCT04550923");
    assert!(
        page.sections.summary.contains("worn discs in the neck"),
        "{}",
        page.sections.summary
    );
}

/// A trial only for axial spondyloarthritis that X-rays do not show (read by hand: NCT02552212,
/// "… in Subjects With axSpA Without X-ray Evidence of AS"; it excludes a diagnosis of AS) says
/// so in its headline and conditions, and does not invite everyone with arthritis of the spine.
#[test]
fn a_trial_for_axial_spondyloarthritis_without_x_ray_signs_says_so() {
    let s = summarize(&fixtures().join("trials/NCT02552212.json"));
    assert!(s.headline.ends_with("not seen on X-rays"), "{}", s.headline);
    assert!(
        s.sections.summary.contains("not seen on X-rays"),
        "{}",
        s.sections.summary
    );
}

/// A body process registered as a condition is no illness people have (read by hand:
/// NCT01230541, "Effect of Udenafil on Spermatogenesis", lists "Spermatogenesis" first).
#[test]
fn a_body_process_is_not_an_illness() {
    let s = corpus_summary("NCT01230541");
    assert!(
        !s.sections.summary.contains("spermatogenesis"),
        "{}",
        s.sections.summary
    );
    assert!(!s
        .conditions
        .plain
        .iter()
        .any(|c| c.contains("spermatogenesis")));
}

/// What is tested, typed as a condition, is no illness people have (read by hand: NCT06397612,
/// "Percutaneous Electrical Neurostimulation" of the pudendal nerve, lists "Electric
/// Stimulation" and said "men with … electric stimulation").
#[test]
fn a_treatment_typed_as_a_condition_is_not_an_illness() {
    let s = corpus_summary("NCT06397612");
    assert!(
        !s.sections.summary.contains("electric stimulation"),
        "{}",
        s.sections.summary
    );
    assert!(!s.conditions.plain.iter().any(|c| c.contains("stimulation")));
}

/// A registrant's "X; Y" is one condition, never shown as the raw label (read by hand:
/// NCT06060392 "Liver Transplant; Complications" said "people with liver transplant;
/// complications"; NCT05296200 "Stiffness; Spine"; NCT03899298 "Neuropathy;Peripheral").
#[test]
fn no_plain_condition_is_a_raw_label_with_a_semicolon() {
    let pages = pages_where(|_| true);
    for (path, _, s) in &pages {
        for plain in &s.conditions.plain {
            assert!(!plain.contains(';'), "{}: {plain}", path.display());
        }
    }
    assert!(pages.len() > 400, "only {} pages", pages.len());
}

/// A condition that names examples is not its last example (read by hand: NCT01406860,
/// "Primary Headaches (Includes Migraines, Tension, Cluster Headaches)", takes anyone with a
/// primary headache; its headline said "for people with cluster headache").
#[test]
fn a_condition_with_examples_is_not_its_last_example() {
    let s = corpus_summary("NCT01406860");
    assert!(s.headline.contains("migraine"), "{}", s.headline);
    assert!(
        !s.headline.ends_with("with cluster headache"),
        "{}",
        s.headline
    );
}

/// A trial registered for prevention whose title says it treats is told as treatment (read by
/// hand: NCT04544683, PREVENTION, "… for the Treatment of Cervical Radicular Pain", in people
/// whose discs have slipped): it does not "prevent a slipped disc".
#[test]
fn a_prevention_label_on_a_treatment_title_is_not_believed() {
    let s = corpus_summary("NCT04544683");
    assert!(!page_text(&s).contains("prevent"), "{}", page_text(&s));
    assert!(
        s.headline.ends_with("for people with a slipped disc"),
        "{}",
        s.headline
    );
}

/// An early study of how the body handles a medicine is not of healthy volunteers when its
/// title names people with an illness (read by hand: NCT01596712, "… of QGE031 in Japanese
/// Atopic Male Subjects", takes men whose blood tests show allergy, IgE of 30 IU/mL or more).
#[test]
fn a_handling_study_in_atopic_men_is_not_of_healthy_volunteers() {
    let s = corpus_summary("NCT01596712");
    assert!(!page_text(&s).contains("healthy"), "{}", page_text(&s));
    assert!(s.headline.contains("men with allergy"), "{}", s.headline);
}

/// Aspirin-exacerbated respiratory disease is said as such, not as nasal polyps or asthma
/// alone (read by hand: NCT05575037 requires asthma, nasal polyps and "pathognomonic reactions
/// to aspirin or other nonselective COX inhibitors"; its headline said "nasal polyps").
#[test]
fn aspirin_exacerbated_respiratory_disease_is_said_as_such() {
    let s = corpus_summary("NCT05575037");
    assert!(
        s.headline.contains("made worse by aspirin"),
        "{}",
        s.headline
    );
}

/// A trial no one can join any more still says whom it was for: its ages, read from the
/// record, so that a reader can tell whether what it found is about people like them
/// (NCT01274429 took only adults of 18 to 50, and its page did not say).
#[test]
fn an_ended_trial_says_the_ages_it_was_for() {
    let ended = |r: &serde_json::Value| {
        matches!(
            text_at(r, "/protocolSection/statusModule/overallStatus"),
            Some("COMPLETED" | "TERMINATED" | "ACTIVE_NOT_RECRUITING")
        )
    };
    let pages = pages_where(|r| {
        ended(r)
            && years(r, "minimumAge").is_some_and(|m| m >= 13)
            && years(r, "maximumAge").is_some_and(|m| m >= 13)
    });
    let mut said = 0;
    for (path, record, s) in &pages {
        let summary = &s.sections.summary;
        // A study of past records took no one in.
        if summary.contains("back at the records") {
            continue;
        }
        let (lo, hi) = (years(record, "minimumAge"), years(record, "maximumAge"));
        // An oldest age over 100 ("120 Years") is no limit.
        let ages = match hi.unwrap() {
            101.. => format!("aged {} and over", lo.unwrap()),
            hi => format!("aged {} to {hi}", lo.unwrap()),
        };
        let one_age = format!("aged {}.", lo.unwrap());
        assert!(
            summary.contains(&ages) || (lo == hi && summary.contains(&one_age)),
            "{}: {ages} not said: {summary}",
            path.display()
        );
        assert!(
            !summary.contains("can join"),
            "{}: {summary}",
            path.display()
        );
        said += 1;
    }
    assert!(said >= 20, "only {said} ended trials with both ages");
}

/// A title that says its people have an illness ("… in Men With Erectile Dysfunction") is not
/// for healthy volunteers, whatever the registered condition says: NCT01479426 registered
/// "Healthy Subjects(Only Men)", asked for an erectile function score of 21 or less, and was
/// headlined "Testing EFLA400 in healthy men".
#[test]
fn people_the_title_says_are_ill_are_not_healthy_volunteers() {
    let ill = [
        "in men with ",
        "in women with ",
        "in patients with ",
        "in people with ",
    ];
    let mut seen = 0;
    let titled = |r: &serde_json::Value| {
        let title = text_at(r, "/protocolSection/identificationModule/briefTitle")
            .unwrap_or("")
            .to_lowercase();
        ill.iter().any(|w| title.contains(w))
    };
    for (path, _, page) in pages_where(titled) {
        seen += 1;
        let said = format!("{} {}", page.headline, page.sections.summary);
        assert_says_none(
            &path,
            &said,
            &["healthy men", "healthy women", "healthy volunteers"],
        );
    }
    assert!(seen >= 10, "only {seen} titles say their people are ill");
    let page = corpus_summary("NCT01479426");
    assert!(
        page.headline.contains("for men with erectile dysfunction"),
        "{}",
        page.headline
    );
}

/// Where the record gives no oldest age, the range its inclusion criteria give from the
/// youngest is said: NCT05488119's "youth aged 12-21 years" read "People aged 12 and over can
/// join", inviting adults of any age; NCT04100759's men "18-55 years" read "18 and over".
#[test]
fn the_oldest_age_the_criteria_give_is_said() {
    for (id, said) in [
        ("NCT05488119", "People aged 12 to 21 can join."),
        ("NCT04100759", "The trial was for men aged 18 to 55."),
    ] {
        let page = corpus_summary(id);
        assert!(
            page.sections.summary.contains(said),
            "{id}: {}",
            page.sections.summary
        );
    }
    // Never an oldest age the criteria do not hold.
    for (path, record, page) in
        pages_where(|r| text_at(r, "/protocolSection/eligibilityModule/maximumAge").is_none())
    {
        let criteria = text_at(
            &record,
            "/protocolSection/eligibilityModule/eligibilityCriteria",
        )
        .unwrap_or("");
        let summary = &page.sections.summary;
        if let Some(at) = summary.find("aged ") {
            let words: Vec<&str> = summary[at..].split_whitespace().collect();
            if words.get(2) == Some(&"to") {
                let oldest = words[3].trim_end_matches(['.', ',']);
                assert!(criteria.contains(oldest), "{}: {summary}", path.display());
            }
        }
    }
}
