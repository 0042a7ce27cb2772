//! How result groups are named: by the one product their title or description names ("the
//! placebo group"), else by the registry's title in quotes; and which groups only sum up the
//! others.

use super::*;

/// Names result groups in plain words.
pub(super) struct Namer<'a> {
    pub(super) lexicon: &'a Lexicon,
    /// Each tested or compared product: its names in lower case, and its short plain name
    /// ("tadalafil" for "5 mg Tadalafil"). Read once per trial, asked of every group.
    pub(super) products: Vec<(Vec<String>, String)>,
    /// A group is "the placebo group" only in a trial that gives a placebo: "Received Placebo
    /// in GA39688" in an open extension got the drug.
    pub(super) placebo_given: bool,
}

impl<'a> Namer<'a> {
    pub(super) fn new(trial: &Trial, reading: &Reading, lexicon: &'a Lexicon) -> Self {
        let products = reading
            .roles
            .iter()
            .filter(|(_, role)| matches!(role, Role::Tested | Role::Comparator))
            .map(|&(i, _)| {
                let iv = &trial.interventions[i];
                let names = std::iter::once(&iv.name)
                    .chain(&iv.other_names)
                    .map(|n| n.to_lowercase())
                    .filter(|n| n.len() >= 3)
                    .collect();
                let short = crate::derive::interventions::components(&iv.name, lexicon)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| iv.name.clone());
                let plain = crate::derive::interventions::plain(
                    &Intervention {
                        name: short,
                        ..iv.clone()
                    },
                    lexicon,
                );
                (names, plain)
            })
            .collect();
        Namer {
            lexicon,
            products,
            placebo_given: reading.placebo_given,
        }
    }

    /// A group that sums up the others ("Total").
    pub(super) fn is_total(&self, title: &str) -> bool {
        let t = title.trim().to_lowercase();
        self.lexicon.results.groups.total.contains(&t)
    }

    /// The group's title without an analysis-set label in brackets: "Placebo (FAS)" → "Placebo".
    pub(super) fn bare<'t>(&self, title: &'t str) -> &'t str {
        let t = title.trim();
        if let Some((before, label)) = t.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
            let label = label.trim().to_lowercase();
            if self.lexicon.results.groups.sets.contains(&label) && !before.trim().is_empty() {
                return before.trim();
            }
        }
        t
    }

    /// The plain names a text speaks of: "placebo", and each tested or compared product it
    /// names by its name or another name.
    pub(super) fn named_in(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        let mut named: Vec<String> = Vec::new();
        if self.placebo_given && self.lexicon.roles.placebo.marks(&lower) {
            named.push("placebo".to_owned());
        }
        for (names, plain) in &self.products {
            let hit = names.iter().any(|n| contains_phrase(&lower, n));
            if hit && !named.contains(plain) {
                named.push(plain.clone());
            }
        }
        named
    }

    /// A group's name: the one product its title names ("placebo", "certolizumab pegol"), or
    /// failing that the one its description names; else its title as registered, quoted
    /// ("Placebo->OL CZP" names two).
    pub(super) fn name(&self, title: &str, description: Option<&str>) -> GroupLabel {
        let bare = self.bare(title);
        // Everyone gets the one product (cohorts, doses): its name tells no group apart.
        if self.products.len() <= 1 && !self.placebo_given {
            return GroupLabel::quoted(bare);
        }
        let by_title = self.named_in(bare);
        let named = if by_title.is_empty() {
            description.map(|d| self.named_in(d)).unwrap_or_default()
        } else {
            by_title
        };
        match named.as_slice() {
            [one] => GroupLabel::plain(one),
            _ => GroupLabel::quoted(bare),
        }
    }

    /// Names for a module's groups `(title, description)`; two groups with one plain name (two
    /// doses of one drug) keep their registered titles.
    pub(super) fn names(&self, groups: &[(&str, Option<&str>)]) -> Vec<GroupLabel> {
        let first: Vec<GroupLabel> = groups.iter().map(|(t, d)| self.name(t, *d)).collect();
        first
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let twin = first
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.name == name.name);
                // Of two groups with one name, the one titled just so keeps it ("Placebo" beside
                // "Placebo->OL CZP").
                let titled_so = self.bare(groups[i].0).eq_ignore_ascii_case(&name.name);
                let rival_titled_so = first.iter().enumerate().any(|(j, other)| {
                    j != i
                        && other.name == name.name
                        && self.bare(groups[j].0).eq_ignore_ascii_case(&other.name)
                });
                if twin && !name.quoted && (!titled_so || rival_titled_so) {
                    GroupLabel::quoted(self.bare(groups[i].0))
                } else {
                    name.clone()
                }
            })
            .collect::<Vec<_>>()
            .into_iter()
            .enumerate()
            .map(|(i, name)| self.shorter(i, name, groups))
            .collect()
    }

    /// A long quoted title said by its head when the head alone tells the groups apart:
    /// “RDV, Cohort 2” for "RDV, Cohort 2: Age ≥ 28 Days to < 18 Years and Weight ≥ 20 kg".
    pub(super) fn shorter(
        &self,
        i: usize,
        name: GroupLabel,
        groups: &[(&str, Option<&str>)],
    ) -> GroupLabel {
        let head = |title: &'_ str| -> Option<String> {
            let bare = self.bare(title);
            let cut = bare.find(": ").or_else(|| bare.find(" - "))?;
            let head = bare[..cut].trim();
            (bare.split_whitespace().count() > 6 && head.len() >= 3).then(|| head.to_owned())
        };
        if !name.quoted {
            return name;
        }
        let Some(mine) = head(groups[i].0) else {
            return name;
        };
        let unique = groups
            .iter()
            .enumerate()
            .all(|(j, (t, _))| j == i || self.bare(t) != mine && head(t).as_deref() != Some(&mine));
        if unique {
            GroupLabel::quoted(&mine)
        } else {
            name
        }
    }
}

/// A group of a results module, as its groups are named: by title and description.
pub(super) trait Titled {
    fn title(&self) -> &str;
    fn description(&self) -> Option<&str>;
}

impl Titled for Group {
    fn title(&self) -> &str {
        &self.title
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

impl Titled for EventGroup {
    fn title(&self) -> &str {
        &self.title
    }
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// A module's groups with their indexes in the record, less any that sums up the others.
pub(super) fn real_groups<'g, G: Titled>(
    groups: &'g [Option<G>],
    namer: &'g Namer<'_>,
) -> impl Iterator<Item = (usize, &'g G)> + 'g {
    groups
        .iter()
        .enumerate()
        .filter_map(|(g, x)| x.as_ref().map(|x| (g, x)))
        .filter(move |(_, g)| !namer.is_total(g.title()))
}

/// The names of groups, their quoted titles and numbers recorded for the number guard.
pub(super) fn name_groups<'t, G: Titled + 't>(
    namer: &Namer<'_>,
    groups: impl Iterator<Item = &'t G>,
    found: &mut Findings,
) -> Vec<GroupLabel> {
    let titles: Vec<(&str, Option<&str>)> = groups.map(|g| (g.title(), g.description())).collect();
    let names = namer.names(&titles);
    quote_names(&names, found);
    names
}

/// Which of a module's groups (by their names, in the record's order) the page lists: all up
/// to [`MOST_GROUPS`], else the first ones, with the placebo group in the last place when it
/// comes later. Each section lists by this one rule, and a result is never given without what
/// it is compared with: NCT02443155's four groups put placebo fourth, and the main result and
/// who took part left it out.
pub(super) fn listed(names: &[GroupLabel]) -> Vec<usize> {
    let mut out: Vec<usize> = (0..names.len().min(MOST_GROUPS)).collect();
    let placebo = |i: &usize| !names[*i].quoted && names[*i].name == "placebo";
    if names.len() > MOST_GROUPS && !out.iter().any(placebo) {
        if let Some(p) = (MOST_GROUPS..names.len()).find(placebo) {
            out[MOST_GROUPS - 1] = p;
        }
    }
    out
}
