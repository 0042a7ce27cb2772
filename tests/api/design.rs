//! What a page says of how a study is built and where it stands, read against the records
//! themselves: the design words the fields do not carry (cluster, interaction, dose escalation,
//! order), tense and status. Whom it is for: `population.rs`; what it measures and for how
//! long: `measures.rs`.

use crate::helpers::*;

const TIME_PERSPECTIVE: &str = "/protocolSection/designModule/designInfo/timePerspective";
const OVERALL_STATUS: &str = "/protocolSection/statusModule/overallStatus";
const STUDY_TYPE: &str = "/protocolSection/designModule/studyType";
const MODEL: &str = "/protocolSection/designModule/designInfo/interventionModel";
const ARMS: &str = "/protocolSection/armsInterventionsModule/armGroups";

/// A study of records made before it began (`timePerspective` RETROSPECTIVE, or OTHER with a
/// brief summary that says so: read by hand, NCT03798535 "will be carried out as a
/// retrospective review of established medical records") asks nothing of anyone and follows no
/// one: its page never says it follows people or that taking part means extra tests or visits.
#[test]
fn a_study_of_past_records_follows_no_one() {
    let pages = pages_where(|r| {
        text_at(r, TIME_PERSPECTIVE) == Some("RETROSPECTIVE")
            || text_at(r, "/protocolSection/identificationModule/nctId") == Some("NCT03798535")
    });
    for (path, _, s) in &pages {
        let text = page_text(s).to_lowercase();
        assert_says_none(
            path,
            &text,
            &["follows", "follow them", "followed them", "extra tests"],
        );
        assert!(text.contains("records"), "{}: {text}", path.display());
    }
    assert!(
        pages.len() >= 5,
        "only {} retrospective records",
        pages.len()
    );
}

/// A study that never ran tells what it planned: no page of a withdrawn observational study
/// says that it follows or watches anyone now, or that taking part means extra visits
/// (NCT01511679 said "This study follows people with alcohol problems").
#[test]
fn a_withdrawn_study_tells_what_it_planned() {
    let pages = pages_where(|r| {
        text_at(r, OVERALL_STATUS) == Some("WITHDRAWN")
            && text_at(r, STUDY_TYPE) == Some("OBSERVATIONAL")
    });
    for (path, _, s) in &pages {
        let text = page_text(s).to_lowercase();
        assert_says_none(
            path,
            &text,
            &[
                "this study follows",
                "this study looks back",
                "watch and record what happens",
                "taking part may mean",
            ],
        );
        assert!(text.contains("was to "), "{}: {text}", path.display());
    }
    assert!(
        pages.len() >= 2,
        "only {} withdrawn observational records",
        pages.len()
    );
}

/// A coin toss is even. Records that say their groups are made by an uneven ratio (read by
/// hand: "randomized 2:1", "in a 2:1 ratio", "in 1:2:1 fashion", the participant flow's "in a
/// 2:1 ratio", "3 times more subjects in the vardenafil group") never get "like a coin toss",
/// and say the groups differ in size; records that say "randomized 1:1" keep the coin toss.
#[test]
fn an_uneven_ratio_is_no_coin_toss() {
    let corpus = fixtures().join("trials/corpus");
    let uneven = [
        fixtures().join("trials/NCT03064438.json"),
        corpus.join("NCT00555971.json"),
        corpus.join("NCT03437278.json"),
        corpus.join("NCT04407182.json"),
        corpus.join("NCT04550923.json"),
        // "randomized in order to enroll 3 times more subjects in the vardenafil group".
        corpus.join("NCT00661115.json"),
    ];
    for path in &uneven {
        let summary = summarize(path).sections.summary;
        assert!(
            !summary.contains("coin toss"),
            "{}: {summary}",
            path.display()
        );
        assert!(
            summary.contains("the same size, by design"),
            "{}: {summary}",
            path.display()
        );
    }
    for id in ["NCT02304991", "NCT02388997", "NCT02593396", "NCT02795884"] {
        let path = corpus.join(format!("{id}.json"));
        let summary = summarize(&path).sections.summary;
        assert!(summary.contains("like a coin toss"), "{id}: {summary}");
        assert!(!summary.contains("same size"), "{id}: {summary}");
    }
}

/// A cluster-randomized trial (read by hand: NCT02299791, "a cluster-randomized pragmatic
/// trial in 11 CHCs") says whole places were put into the groups, not people one by one; a
/// trial of cluster headache, randomized person by person, never says so.
#[test]
fn a_cluster_randomized_trial_says_places_were_randomized() {
    let says = "was put in a group as a whole, not each person alone";
    let summary = summarize(&fixtures().join("trials/NCT02299791.json"))
        .sections
        .summary;
    assert!(summary.contains(says), "{summary}");
    let corpus = fixtures().join("trials/corpus");
    for id in ["NCT02397473", "NCT02945046", "NCT04688775"] {
        let summary = summarize(&corpus.join(format!("{id}.json")))
            .sections
            .summary;
        let random = summary.contains("at random") || summary.to_lowercase().contains("chance");
        assert!(random, "{id}: {summary}");
        assert!(!summary.contains(says), "{id}: {summary}");
    }
}

/// A trial that tapes one leg of each person, the leg chosen at random, and keeps the other as
/// the comparison (read by hand: NCT05013879, "Kinesio(R)Tape applied to one randomly selected
/// leg while the other leg serves as a control") says chance chose the side, never that chance
/// decided who got the tape: everyone got it.
#[test]
fn a_trial_that_randomizes_sides_says_everyone_got_the_treatment() {
    let summary = summarize(&fixtures().join("trials/NCT05013879.json"))
        .sections
        .summary;
    assert!(summary.contains("on one side of the body"), "{summary}");
    assert!(summary.contains("decided which side"), "{summary}");
    assert!(!summary.contains("decided who got"), "{summary}");
}

/// A study whose status is unknown but whose count is of who actually joined (enrollment type
/// ACTUAL) gives that count as such, never as a plan (NCT04207047 planned up to 25 and had 3);
/// one with an estimated count still gives the plan.
#[test]
fn an_actual_count_is_never_told_as_a_plan() {
    let mut seen = [0, 0];
    let unknown = |record: &serde_json::Value| text_at(record, OVERALL_STATUS) == Some("UNKNOWN");
    for (path, record, page) in pages_where(unknown) {
        let Some(count) = record
            .pointer("/protocolSection/designModule/enrollmentInfo/count")
            .and_then(serde_json::Value::as_u64)
            .filter(|n| *n > 0)
        else {
            continue;
        };
        let actual =
            text_at(&record, "/protocolSection/designModule/enrollmentInfo/type") == Some("ACTUAL");
        let summary = &page.sections.summary;
        seen[usize::from(actual)] += 1;
        if actual {
            assert_says_none(&path, summary, &["The plan was for"]);
            assert!(
                summary.contains("By its last update,") && summary.contains("people had joined."),
                "{}: {count} joined: {summary}",
                path.display()
            );
        } else {
            assert!(
                summary.contains("The plan was for about"),
                "{}: {summary}",
                path.display()
            );
        }
    }
    assert!(seen[1] >= 3 && seen[0] >= 10, "{seen:?}");
}

/// A record that lists one location but whose title or description says the trial runs at
/// several places (read by hand: "a single arm, multi-center study", "This is a multicenter
/// study", "a multi-institutional clinical study"), or whose one location is a message about
/// sites, is never said to take place at one site; one whose description only cites another
/// multicenter study, or whose one hospital is called "Nationwide", still is.
#[test]
fn a_multicenter_trial_is_not_said_to_run_at_one_site() {
    let corpus = fixtures().join("trials/corpus");
    for id in [
        "NCT03799601",
        "NCT00066638",
        "NCT01249703",
        "NCT00244023",
        "NCT05752838",
        // One location whose facility is "For additional information regarding investigative
        // sites for this trial, contact 1-877-CTLILLY…": the sites are not listed.
        "NCT00833638",
        "NCT00422578",
        // One location with no facility, in the city "Many Locations", Czech Republic.
        "NCT00919022",
    ] {
        let s = summarize(&corpus.join(format!("{id}.json")));
        let text = page_text(&s);
        assert!(!text.contains("at one site"), "{id}: {text}");
    }
    // "in a multicenter Japanese study, EB…": another study; one location listed. And one
    // hospital called "Nationwide Children's Hospital".
    for id in ["NCT02341040", "NCT05670756"] {
        let s = summarize(&corpus.join(format!("{id}.json")));
        assert!(
            page_text(&s).contains("at one site"),
            "{id}: {}",
            page_text(&s)
        );
    }
}

/// A cross-sectional study looks at people once: no page of one says it follows anyone or for
/// how long (NCT05752838, a one-time web survey, said "Researchers followed them for one day").
#[test]
fn a_one_time_study_follows_no_one() {
    let pages = pages_where(|r| text_at(r, TIME_PERSPECTIVE) == Some("CROSS_SECTIONAL"));
    for (path, _, s) in &pages {
        let text = page_text(s).to_lowercase();
        assert_says_none(
            path,
            &text,
            &[
                "follows",
                "follow them",
                "followed them",
                "watch and record",
            ],
        );
        assert!(
            text.contains("one point in time"),
            "{}: {text}",
            path.display()
        );
    }
    assert!(
        pages.len() >= 5,
        "only {} cross-sectional records",
        pages.len()
    );
}

/// A study whose status is unknown but had not yet started taking people at its last update
/// (`lastKnownStatus` NOT_YET_RECRUITING) is not said to "have ended": it may never have begun.
#[test]
fn an_unknown_study_that_had_not_started_is_not_said_to_have_ended() {
    let pages = pages_where(|r| {
        text_at(r, OVERALL_STATUS) == Some("UNKNOWN")
            && text_at(r, "/protocolSection/statusModule/lastKnownStatus")
                == Some("NOT_YET_RECRUITING")
    });
    for (path, _, s) in &pages {
        let summary = &s.sections.summary;
        assert!(
            !summary.contains("may have ended"),
            "{}: {summary}",
            path.display()
        );
        assert!(
            summary.contains("may never have begun"),
            "{}: {summary}",
            path.display()
        );
    }
    assert!(pages.len() >= 3, "only {} such records", pages.len());
}

/// A case-control study compares its cases with another group: no page of one says it
/// "follows" only the cases (NCT01249703 compares men with erectile dysfunction and healthy
/// men; the page said "This study was to follow men with erectile dysfunction").
#[test]
fn a_case_control_study_says_it_compares() {
    let design = "/protocolSection/designModule/designInfo";
    let pages: Vec<_> = pages_where(|r| {
        text_at(r, &format!("{design}/observationalModel")) == Some("CASE_CONTROL")
            && text_at(r, TIME_PERSPECTIVE) != Some("RETROSPECTIVE")
    })
    .into_iter()
    // A study of people who use a product is told by what they use.
    .filter(|(_, _, s)| {
        !s.interventions
            .iter()
            .any(|i| i.role == laysum::facts::Role::Tested)
    })
    .collect();
    for (path, _, s) in &pages {
        let summary = s.sections.summary.to_lowercase();
        assert!(
            !summary.contains("follows"),
            "{}: {summary}",
            path.display()
        );
        assert!(summary.contains("compare"), "{}: {summary}", path.display());
    }
    assert!(
        pages.len() >= 5,
        "only {} case-control records",
        pages.len()
    );
}

/// How a tested product is given comes from its own words before its arm's: NCT00512707's arm
/// also gives the usual sildenafil "tablets", yet what is tested is a gel put on the skin.
#[test]
fn the_route_is_read_from_what_is_tested_first() {
    let s = corpus_summary("NCT00512707");
    assert!(
        s.sections.summary.contains("given on the skin"),
        "{}",
        s.sections.summary
    );
}

/// A drug interaction study (read by hand: vardenafil with doxazosin on blood pressure, a
/// "Drug-Drug Interaction (DDI) Study", avanafil with probe medicines) says it looks at
/// medicines taken together, and never that what it gives "might help"; a trial of two
/// treatments given together for an illness (testosterone with a PDE5 inhibitor) is no
/// interaction study.
#[test]
fn a_drug_interaction_study_says_medicines_are_taken_together() {
    let corpus = fixtures().join("trials/corpus");
    let interaction = [
        fixtures().join("trials/NCT00517179.json"),
        corpus.join("NCT01348880.json"),
        corpus.join("NCT01415128.json"),
        corpus.join("NCT04170790.json"),
        corpus.join("NCT06090123.json"),
    ];
    for path in &interaction {
        let page = summarize(path);
        let summary = &page.sections.summary;
        assert!(
            summary.contains("together"),
            "{}: {summary}",
            path.display()
        );
        // Nor do its outlook and risks speak of a cure (NCT01348880 said "larger trials" and
        // "may not help").
        assert_says_none(
            path,
            &page_text(&page),
            &[
                "might help",
                "may not help",
                "larger trials",
                "new option",
                "new way to help",
            ],
        );
    }
    let pair = corpus.join("NCT00244023.json");
    let summary = summarize(&pair).sections.summary;
    assert_says_none(
        &pair,
        &summary,
        &["taken together", "together with other medicines"],
    );
}

/// A trial of whether a treatment changes how the body responds to vaccines does not test
/// whether it helps (read by hand: NCT02210780, "Study Investigating Vaccine Responses in Adults
/// With Moderate to Severe Atopic Dermatitis Treated With Dupilumab", primary outcome the
/// response to a tetanus vaccine at week 16).
#[test]
fn a_vaccine_response_study_does_not_test_whether_the_treatment_helps() {
    let path = fixtures().join("trials/NCT02210780.json");
    let summary = summarize(&path).sections.summary;
    assert!(
        summary.contains("dupilumab changes how the body responds to vaccines"),
        "{summary}"
    );
    assert_says_none(&path, &summary, &["might help"]);
}

/// No group of a trial whose every arm lists the placebo gets only the placebo (read by hand:
/// NCT02619617 gave everyone a placebo for one attack and SOM230 for the next; NCT04688775's
/// arms are "Eptinezumab Then Placebo" and "Placebo Then Eptinezumab"). A trial whose arms give
/// "CM326 or matched placebo" still says chance decided who got which (NCT05324137).
#[test]
fn no_group_gets_only_a_placebo_that_every_arm_lists() {
    let corpus = fixtures().join("trials/corpus");
    for id in ["NCT02619617", "NCT04688775"] {
        let path = corpus.join(format!("{id}.json"));
        let summary = summarize(&path).sections.summary;
        assert_says_none(&path, &summary, &["others a placebo", "who got a placebo"]);
    }
    let summary = summarize(&corpus.join("NCT04688775.json")).sections.summary;
    assert!(summary.contains("one after the other"), "{summary}");
    let summary = summarize(&corpus.join("NCT05324137.json")).sections.summary;
    assert!(summary.contains("who got a placebo"), "{summary}");
}

/// A single-group trial whose titles or description say it gives its treatment at several
/// doses ("a dose-escalation study", "one of three planned dose levels") never says everyone
/// gets "the same treatment"; a food challenge's "increasing doses" of the food (NCT03964051)
/// is no dose escalation of what is tested.
#[test]
fn a_dose_escalation_trial_does_not_give_everyone_the_same() {
    let escalation = [
        "dose escalation",
        "dose-escalation",
        "escalating doses",
        "dose levels",
        "dose-finding",
        // Read by hand: NCT05731219 "a single arm, open label, dose increasing study";
        // NCT05515185 "in a dose-escalating 3+3 design".
        "dose increasing study",
        "3+3 design",
    ];
    let single = |record: &serde_json::Value| text_at(record, MODEL) == Some("SINGLE_GROUP");
    let mut seen = 0;
    for (path, record, page) in pages_where(single) {
        let texts = [
            "/protocolSection/identificationModule/briefTitle",
            "/protocolSection/identificationModule/officialTitle",
            "/protocolSection/descriptionModule/briefSummary",
            "/protocolSection/descriptionModule/detailedDescription",
            // NCT06221553 says "3+3 dose escalation" only here.
            "/protocolSection/designModule/designInfo/interventionModelDescription",
        ]
        .map(|p| text_at(&record, p).unwrap_or("").to_lowercase())
        .join(" ");
        let summary = &page.sections.summary;
        if escalation.iter().any(|w| texts.contains(w)) {
            seen += 1;
            assert_says_none(&path, summary, &["the same treatment"]);
            assert!(
                summary.contains("not everyone at the same dose"),
                "{}: {summary}",
                path.display()
            );
        }
    }
    assert!(seen >= 5, "only {seen} dose-escalation records");
    let food = fixtures().join("trials/corpus/NCT03964051.json");
    let summary = summarize(&food).sections.summary;
    assert!(summary.contains("the same treatment"), "{summary}");
}

/// A record registered as one group that lists several arms (cohorts by age and weight,
/// devices at different times, with or without chemotherapy) never says everyone gets "the
/// same treatment": it says how many groups there are.
#[test]
fn one_group_with_several_arms_is_not_the_same_treatment() {
    let several = |record: &serde_json::Value| {
        text_at(record, MODEL) == Some("SINGLE_GROUP") && items_at(record, ARMS).len() > 1
    };
    let pages = pages_where(several);
    for (path, _, page) in &pages {
        assert_says_none(path, &page.sections.summary, &["the same treatment"]);
    }
    assert!(pages.len() >= 10, "only {} such records", pages.len());
}

/// A study of past records takes no one in: its page never says who "can join" (NCT05774990
/// reads the records of children treated from 2008 to 2022).
#[test]
fn no_one_can_join_a_study_of_past_records() {
    let pages = pages_where(|r| text_at(r, TIME_PERSPECTIVE) == Some("RETROSPECTIVE"));
    for (path, _, page) in &pages {
        assert_says_none(path, &page.sections.summary, &["can join"]);
    }
    assert!(
        pages.len() >= 5,
        "only {} studies of past records",
        pages.len()
    );
}

/// Groups that get the same products differ "in a different order" exactly when two or more
/// arm labels give an order ("Arm A (Osimertinib->Dacomitinib)", "Arm B
/// (Dacomitinib->Osimertinib)"), and otherwise "in a different dose or schedule".
#[test]
fn groups_that_differ_in_order_say_so() {
    let mut seen = [0, 0];
    for (path, record, page) in pages_where(|_| true) {
        let summary = &page.sections.summary;
        let order = summary.contains("in a different order");
        if !order && !summary.contains("in a different dose or schedule") {
            continue;
        }
        let ordered = items_at(&record, ARMS)
            .iter()
            .filter_map(|a| a["label"].as_str().map(str::to_lowercase))
            .filter(|l| l.contains("->") || l.contains(" then ") || l.contains("followed by"))
            .count();
        assert_eq!(order, ordered >= 2, "{}: {summary}", path.display());
        seen[usize::from(order)] += 1;
    }
    assert!(seen[0] >= 5 && seen[1] >= 1, "{seen:?}");
}

/// A crossover of one product given two ways is not "X and another treatment" (read by hand:
/// NCT01254396's arms are "Sildenafil ODT tablet 50 mg, Fasted" and "…, Fed"; NCT01298921's
/// are continuous-flow and demand-valve oxygen). A crossover whose other arm names another
/// product (NCT03814226, PACAP38 and VIP infusions) still says there is another treatment.
#[test]
fn one_product_given_two_ways_is_not_another_treatment() {
    let corpus = fixtures().join("trials/corpus");
    for id in ["NCT01254396", "NCT01298921"] {
        let path = corpus.join(format!("{id}.json"));
        let summary = summarize(&path).sections.summary;
        assert!(
            summary.contains("more than once, in a different way each time"),
            "{id}: {summary}"
        );
        assert_says_none(&path, &summary, &["another treatment"]);
    }
    let summary = summarize(&corpus.join("NCT03814226.json")).sections.summary;
    assert!(summary.contains("another treatment"), "{summary}");
}

/// A trial that has ended with its count still the estimate tells the plan, never as if that
/// many took part (read by hand: NCT00784485 was "Terminated due to poor enrollment" with an
/// ESTIMATED enrollment of 13).
#[test]
fn an_ended_trial_with_an_estimated_count_tells_its_plan() {
    let summary = corpus_summary("NCT00784485").sections.summary;
    assert!(
        summary.contains("The plan was for about 13 people to take part."),
        "{summary}"
    );
    assert!(!summary.contains("13 people took part"), "{summary}");
}

/// An observational study that has ended tells what it did, in the past (read by hand:
/// NCT00831909, COMPLETED in 2010, said "This study follows people with lung cancer.
/// Researchers watch and record what happens" beside "3,513 people took part").
#[test]
fn an_ended_observational_study_tells_what_it_did() {
    let pages = pages_where(|r| {
        text_at(r, STUDY_TYPE) == Some("OBSERVATIONAL")
            && text_at(r, OVERALL_STATUS) == Some("COMPLETED")
    });
    for (path, _, s) in &pages {
        let summary = &s.sections.summary;
        // One that gave some people a placebo gave treatment (NCT05511155, oxygen against
        // room air): it is written as a trial.
        if summary.contains("a placebo") || summary.contains("a sham") {
            assert!(
                !summary.contains("give any treatment"),
                "{}: {summary}",
                path.display()
            );
            continue;
        }
        for present in [
            "This study follows",
            "This study looks",
            "does not give",
            "watch and",
        ] {
            assert!(!summary.contains(present), "{}: {summary}", path.display());
        }
        assert!(
            summary.contains("did not give any treatment"),
            "{}: {summary}",
            path.display()
        );
    }
    assert!(
        pages.len() >= 10,
        "only {} completed observational studies",
        pages.len()
    );
}

/// Groups that get the same product in the same words differ in who is in them, not in dose
/// (read by hand: NCT04100759's non-smokers, cigarette smokers and cannabis smokers each
/// "administer one tablet of sildenafil 50 mg").
#[test]
fn groups_given_alike_are_not_said_to_differ_in_dose() {
    let summary = corpus_summary("NCT04100759").sections.summary;
    assert!(
        summary.contains("Each group got sildenafil the same way."),
        "{summary}"
    );
    assert!(!summary.contains("different dose"), "{summary}");
}
