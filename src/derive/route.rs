//! How the tested treatment is given (through an IV, as a pill…), from the routes lexicon.

use crate::facts::*;
use crate::lexicon::{Lexicon, RouteEntry};
use crate::trial::*;

/// How the tested treatment is given: the first route of the lexicon named in the tested
/// interventions' names or descriptions or their arms' descriptions; else the one their
/// registry type implies.
pub(super) fn route(
    trial: &Trial,
    experimental: &[usize],
    lexicon: &Lexicon,
    source: &mut impl FnMut(&str, &str),
) -> Option<Fact<Route>> {
    // Each text with the intervention it belongs to (`None` for an arm's).
    let mut texts: Vec<(String, String, Option<usize>)> = Vec::new();
    for &i in experimental {
        let iv = &trial.interventions[i];
        let base = format!("protocolSection.armsInterventionsModule.interventions[{i}]");
        texts.push((iv.name.to_lowercase(), format!("{base}.name"), Some(i)));
        if let Some(d) = &iv.description {
            texts.push((d.to_lowercase(), format!("{base}.description"), Some(i)));
        }
    }
    let own = texts.len();
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
                None,
            ));
        }
    }
    // A device, a procedure or an exercise is not given "through an IV" because its record
    // mentions one ("Maitland grade IV", "a subcutaneous implant"): the routes of medicines
    // are read only when something taken into the body is tested.
    let substance = experimental
        .iter()
        .any(|&i| super::interventions::is_substance(&trial.interventions[i], lexicon));
    // A route that none of the tested products' types may take is not read at all: a yoga
    // programme with "post-surgery yoga" in its description is not given "as part of a
    // procedure" (NCT05929300).
    let tested_kinds: Vec<String> = experimental
        .iter()
        .map(|&i| format!("{:?}", trial.interventions[i].kind))
        .collect();
    let possible = |entry: &RouteEntry| {
        entry.not_types.is_empty()
            || tested_kinds
                .iter()
                .any(|kind| !entry.not_types.iter().any(|t| t.eq_ignore_ascii_case(kind)))
    };
    // Each text's first route in file order, by its first phrase found.
    let firsts: Vec<Option<(usize, usize)>> = texts
        .iter()
        .map(|(text, _, _)| {
            lexicon
                .route_phrases
                .hits(text)
                .into_iter()
                .filter(|h| substance || !lexicon.routes[h.entry].substance)
                .filter(|h| possible(&lexicon.routes[h.entry]))
                .map(|h| (h.entry, h.phrase))
                .min()
        })
        .collect();
    // The tested products' own words come before their arms' (an arm that also gives the
    // usual pill must not make a tested gel "a pill"); within their own words, the first route
    // in file order, by its first phrase found, in the first text holding it.
    let best_in = |range: std::ops::Range<usize>| {
        range
            .filter_map(|t| firsts[t].map(|(entry, phrase)| (entry, phrase, t)))
            .min()
    };
    // The arms' words alone may tell a product's history beside its use here: NCT03107052's
    // arms each recall a "900 mg intravenous (IV) infusion … in the pivotal study" before
    // what "will receive" it, a shot under the skin, in a dozen places. There the route the
    // arms name most often wins; the first in file order among equals.
    let most_named_in_arms = || {
        let mut counts = vec![0usize; lexicon.routes.len()];
        for (text, _, _) in &texts[own..] {
            for e in lexicon.route_phrases.occurrences(text) {
                let entry = &lexicon.routes[e];
                if (substance || !entry.substance) && possible(entry) {
                    counts[e] += 1;
                }
            }
        }
        let most = counts.iter().copied().max().filter(|&n| n > 0)?;
        let entry = counts.iter().position(|&n| n == most)?;
        (own..texts.len()).find_map(|t| {
            lexicon
                .route_phrases
                .hits(&texts[t].0)
                .into_iter()
                .filter(|h| h.entry == entry)
                .map(|h| (h.entry, h.phrase, t))
                .min()
        })
    };
    let best = best_in(0..own).or_else(most_named_in_arms);
    if let Some((entry, phrase, t)) = best {
        let field = texts[t].1.clone();
        source(&lexicon.routes[entry].phrases[phrase], &field);
        let mut route = route_of(&lexicon.routes[entry]);
        // Each tested product by its own words: those given another way than the route found
        // are said too (NCT04585815's pills and IV beside a shot under the skin were "a shot
        // under the skin").
        let mut ways = vec![lexicon.routes[entry].way()];
        for &i in experimental {
            let mine = (0..own).filter(|&t| texts[t].2 == Some(i));
            // A product named as several ("pemetrexed, cisplatin and erlotinib") may give each
            // its own way (NCT02795884: erlotinib by mouth, the others through an IV): every
            // route its own words name counts. Another product counts by its first route only,
            // so that "premedication with oral dexamethasone" does not make an IV drug a pill.
            let several = lexicon
                .roles
                .names
                .parts
                .iter()
                .any(|part| trial.interventions[i].name.contains(part.as_str()));
            let candidates: Vec<(usize, usize, usize)> = if several {
                let mut all: Vec<(usize, usize, usize)> = mine
                    .flat_map(|t| {
                        lexicon
                            .route_phrases
                            .hits(&texts[t].0)
                            .into_iter()
                            .filter(|h| lexicon.routes[h.entry].substance)
                            .map(move |h| (h.entry, h.phrase, t))
                    })
                    .collect();
                all.sort_unstable();
                all
            } else {
                mine.filter_map(|t| firsts[t].map(|(entry, phrase)| (entry, phrase, t)))
                    .min()
                    .into_iter()
                    .collect()
            };
            // A product whose own words name no way is read in its arms' sentences that name
            // it: NCT04585815's "SEA-TGT will be administered intravenously", where SEA-TGT's
            // own words are "solution in vials".
            let candidates = if candidates.is_empty() {
                in_arm_sentences(&trial.interventions[i].name, &texts[own..])
                    .and_then(|(t, sentence)| {
                        lexicon
                            .route_phrases
                            .hits(sentence)
                            .into_iter()
                            .filter(|h| lexicon.routes[h.entry].substance)
                            .map(|h| (h.entry, h.phrase, own + t))
                            .min()
                    })
                    .into_iter()
                    .collect()
            } else {
                candidates
            };
            for (other, phrase, t) in candidates {
                let other = &lexicon.routes[other];
                // A way that is not a medicine's counts only for a product of its registry type:
                // "after the operation" in a pill's description is no procedure.
                let its_own = other.substance || implied_by(other, &trial.interventions[i].kind);
                if !its_own || ways.contains(&other.way()) {
                    continue;
                }
                ways.push(other.way());
                if route.also.is_none() {
                    source(&other.phrases[phrase], &texts[t].1);
                    route.also = Some(other.how.clone());
                } else {
                    route.more = true;
                }
            }
        }
        return Some(Fact::new(route, field));
    }
    for &i in experimental {
        let kind = &trial.interventions[i].kind;
        if let Some(entry) = lexicon.routes.iter().find(|r| implied_by(r, kind)) {
            let field = format!("protocolSection.armsInterventionsModule.interventions[{i}].type");
            source(&format!("{kind:?}").to_uppercase(), &field);
            return Some(Fact::new(route_of(entry), field));
        }
    }
    None
}

/// The first sentence of the arms' texts (lower case) that opens with a product's whole name
/// (of three letters or more), with the index of its text: the product is what the sentence
/// tells of ("SEA-TGT will be administered intravenously"), not a part of a history
/// (NCT03107052's "… who received fremanezumab at 900 mg intravenous (IV) infusion … in the
/// pivotal study").
fn in_arm_sentences<'a>(
    name: &str,
    arms: &'a [(String, String, Option<usize>)],
) -> Option<(usize, &'a str)> {
    let name = name.trim().to_lowercase();
    if name.len() < 3 {
        return None;
    }
    arms.iter().enumerate().find_map(|(t, (text, _, _))| {
        text.split(". ")
            .find(|sentence| {
                sentence
                    .trim_start()
                    .strip_prefix(name.as_str())
                    .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()))
            })
            .map(|sentence| (t, sentence))
    })
}

/// Whether a registry intervention type implies the route (`types` in routes.toml).
fn implied_by(entry: &RouteEntry, kind: &InterventionKind) -> bool {
    let kind = format!("{kind:?}");
    entry.types.iter().any(|t| t.eq_ignore_ascii_case(&kind))
}

fn route_of(entry: &RouteEntry) -> Route {
    Route {
        id: entry.id.clone(),
        how: entry.how.clone(),
        risks: entry.risks.clone(),
        also: None,
        more: false,
    }
}

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::trial::*;

    #[test]
    fn a_product_without_a_way_of_its_own_takes_its_arms_sentence() {
        use InterventionKind::*;
        let way = |arm: &str| {
            let mut trial = designed(
                &[(ArmKind::Experimental, "Sub-Study B", arm)],
                &[
                    (Drug, "Sasanlimab", &["Sub-Study B"]),
                    (Drug, "SEA-TGT", &["Sub-Study B"]),
                ],
            );
            trial.interventions[0].description = Some("given subcutaneously".into());
            trial.interventions[1].description = Some("solution in vials".into());
            derive(&trial, &lexicon())
                .route
                .map(|r| (r.value.id, r.value.also))
        };
        // NCT04585815.
        assert_eq!(
            way("Sasanlimab will be given subcutaneously. SEA-TGT will be administered intravenously."),
            Some(("under_skin".into(), Some("through an IV, into a vein".into())))
        );
        // A sentence that only mentions the product tells of something else (NCT03107052).
        assert_eq!(
            way("People who received SEA-TGT by intravenous infusion in the earlier study."),
            Some(("under_skin".into(), None))
        );
    }

    #[test]
    fn products_given_two_ways_are_said_so() {
        use InterventionKind::*;
        let also = |products: &[(InterventionKind, &str, &str)]| {
            derive(&trial_with(products), &lexicon())
                .route
                .map(|r| (r.value.id, r.value.also, r.value.more))
        };
        // NCT05078931: pembrolizumab by IV, lenvatinib by mouth.
        assert_eq!(
            also(&[
                (
                    Drug,
                    "Pembrolizumab",
                    "a 30-minute IV infusion every 3 weeks"
                ),
                (Drug, "Lenvatinib", "20mg administered orally daily"),
            ]),
            Some(("iv".into(), Some("by mouth".into()), false))
        );
        // A pill and something taken orally are one way in.
        assert_eq!(
            also(&[
                (Drug, "Encorafenib", "capsules"),
                (Drug, "Axitinib", "taken orally"),
            ]),
            Some(("pill".into(), None, false))
        );
        // "After the surgery" in a medicine's description is no second way.
        assert_eq!(
            also(&[
                (
                    Drug,
                    "Trimix",
                    "intracavernous injections three times a week"
                ),
                (Drug, "Sildenafil", "50 mg nightly, starting after surgery"),
            ]),
            Some(("into_penis".into(), None, false))
        );
        // NCT02795884: one product named as three, each given its own way.
        assert_eq!(
            also(&[(
                Drug,
                "Intercalation therapy using pemetrexed, cisplatin and erlotinib",
                "erlotinib is to be orally administered at the dose of 150 mg daily. Pemetrexed \
                 will be administered by intravenous (IV) infusion for 10 minutes."
            )]),
            Some(("iv".into(), Some("by mouth".into()), false))
        );
        // One medicine: a premedication by mouth in its description is not its way.
        assert_eq!(
            also(&[(
                Drug,
                "Docetaxel",
                "IV infusion every 3 weeks, after premedication with oral dexamethasone"
            )]),
            Some(("iv".into(), None, false))
        );
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
            // NCT01818336: a skin test kit, whatever is swallowed after it.
            (
                Drug,
                "Penicillin skin test kit",
                "Allergy skin testing is done by puncture and intradermal. If all tests \
                 negative, subjects receive an oral amoxicillin challenge.",
                Some("skin_test"),
            ),
            (
                Biological,
                "BCG vaccine",
                "given intradermally",
                Some("into_skin"),
            ),
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
            (
                Drug,
                "Chlorpheniramine",
                "one spray dose (1.25 mg) per nostril twice a day",
                Some("nasal"),
            ),
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
}
