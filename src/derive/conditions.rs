//! Plain names for the conditions a trial is about.

use super::interventions::plain_name;
use crate::facts::*;
use crate::lexicon::Lexicon;
use crate::trial::*;

/// Plain names for the conditions: each registered term from the lexicon; where a term has
/// none, the MeSH terms the registry matched to the record; else the term itself in lower case.
pub(super) fn conditions(
    trial: &Trial,
    lexicon: &Lexicon,
    source: &mut impl FnMut(&str, &str),
) -> Vec<Fact<Condition>> {
    let mut out: Vec<Fact<Condition>> = Vec::new();
    // `said` is the registry's text at `field`: the registered term, or the MeSH term matched.
    let mut push = |plain: String,
                    registered: &str,
                    said: &str,
                    field: String,
                    out: &mut Vec<Fact<Condition>>| {
        if !out.iter().any(|c| c.value.plain == plain) {
            source(said, &field);
            out.push(Fact::new(
                Condition {
                    plain,
                    registered: registered.to_owned(),
                },
                field,
            ));
        }
    };
    let mesh_plain: Vec<(usize, &str)> = trial
        .mesh_terms
        .iter()
        .enumerate()
        .filter_map(|(i, m)| lexicon.condition(m).map(|p| (i, p)))
        .collect();
    let mut used_mesh = false;
    for (i, c) in trial.conditions.iter().enumerate() {
        let field = format!("protocolSection.conditionsModule.conditions[{i}]");
        if let Some(plain) = lexicon.condition(c) {
            push(plain.to_owned(), c, c, field, &mut out);
        } else if !mesh_plain.is_empty() {
            if !used_mesh {
                for &(m, plain) in &mesh_plain {
                    let mesh_field =
                        format!("derivedSection.conditionBrowseModule.meshes[{m}].term");
                    push(
                        plain.to_owned(),
                        c,
                        &trial.mesh_terms[m],
                        mesh_field,
                        &mut out,
                    );
                }
                used_mesh = true;
            }
        } else {
            push(plain_name(c), c, c, field, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::derive::derive;
    use crate::derive::test_support::*;
    use crate::trial::*;

    #[test]
    fn plain_condition_names_from_registered_and_mesh_terms() {
        let lex = lexicon();
        let plain = |conditions: &[&str], mesh: &[&str]| -> Vec<String> {
            let trial = Trial {
                conditions: conditions.iter().map(|c| (*c).into()).collect(),
                mesh_terms: mesh.iter().map(|c| (*c).into()).collect(),
                ..Trial::default()
            };
            derive(&trial, &lex)
                .conditions
                .into_iter()
                .map(|c| c.value.plain)
                .collect()
        };
        assert_eq!(plain(&["Myocardial Infarction"], &[]), ["heart attack"]);
        assert_eq!(plain(&["Neoplasms"], &[]), ["cancer"]);
        assert_eq!(plain(&["Cerebrovascular Accident"], &[]), ["stroke"]);
        assert_eq!(plain(&["COVID-19"], &[]), ["COVID-19"]);
        assert_eq!(plain(&["HIV Infections"], &[]), ["HIV"]);
        // No plain name for the registered term: the MeSH term the registry matched speaks.
        assert_eq!(
            plain(&["Stage II Breast Carcinoma NOS"], &["Breast Neoplasms"]),
            ["breast cancer"]
        );
        // Neither: the registered term, in lower case, acronyms kept.
        assert_eq!(
            plain(&["Fabry Disease Type ABC"], &[]),
            ["fabry disease type ABC"]
        );
        // Two terms with one plain name say it once.
        assert_eq!(plain(&["Atopic Dermatitis", "Eczema"], &[]), ["eczema"]);
    }
}
