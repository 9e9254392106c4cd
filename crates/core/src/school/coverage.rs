//! How much of a school is linked to Sferum: students and parents per class, and in total.
//! Shown by `exchange-host school coverage` and the web console.

use exchange_sdk::school::SchoolData;
use std::collections::BTreeMap;

/// Linked and total people of one class.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClassCoverage {
    /// The class name, e.g. `1 а`.
    pub class: String,
    pub students_linked: usize,
    pub students: usize,
    /// Parents of the class's students (a parent counts once per class).
    pub parents_linked: usize,
    pub parents: usize,
}

/// The coverage of a whole school.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Per class, in natural class order.
    pub classes: Vec<ClassCoverage>,
    pub students_linked: usize,
    pub students: usize,
    pub parents_linked: usize,
    pub parents: usize,
}

/// Counts who has a Sferum ID, per class and in total.
pub fn coverage(data: &SchoolData) -> Coverage {
    let mut students_by_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut parents_by_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let class_of: BTreeMap<&str, &str> = data
        .students
        .iter()
        .map(|s| (s.id.as_str(), s.class.as_str()))
        .collect();
    for s in &data.students {
        let e = students_by_class.entry(&s.class).or_default();
        e.1 += 1;
        e.0 += usize::from(s.sferum_id.is_some());
    }
    for p in &data.parents {
        let mut classes: Vec<&str> = p
            .children
            .iter()
            .filter_map(|c| class_of.get(c.as_str()).copied())
            .collect();
        classes.sort();
        classes.dedup();
        for class in classes {
            let e = parents_by_class.entry(class).or_default();
            e.1 += 1;
            e.0 += usize::from(p.sferum_id.is_some());
        }
    }
    let mut classes: Vec<_> = data.classes.iter().collect();
    classes.sort_by(|a, b| exchange_sdk::school::natural_class_order(&a.name, &b.name));
    let classes = classes
        .iter()
        .map(|c| {
            let (sl, st) = students_by_class
                .get(c.id.as_str())
                .copied()
                .unwrap_or_default();
            let (pl, pt) = parents_by_class
                .get(c.id.as_str())
                .copied()
                .unwrap_or_default();
            ClassCoverage {
                class: c.name.clone(),
                students_linked: sl,
                students: st,
                parents_linked: pl,
                parents: pt,
            }
        })
        .collect();
    Coverage {
        classes,
        students_linked: data
            .students
            .iter()
            .filter(|s| s.sferum_id.is_some())
            .count(),
        students: data.students.len(),
        parents_linked: data
            .parents
            .iter()
            .filter(|p| p.sferum_id.is_some())
            .count(),
        parents: data.parents.len(),
    }
}

/// `part` as a whole percentage of `whole` (`42%`), or `-` when there is no whole.
pub fn percent(part: usize, whole: usize) -> String {
    (part * 100)
        .checked_div(whole)
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sample_school::{sample_school, SampleOptions};

    #[test]
    fn classes_add_up_to_the_totals() {
        let data = sample_school(&SampleOptions {
            students: 120,
            seed: 3,
        });
        let c = coverage(&data);
        assert_eq!(c.classes.len(), data.classes.len());
        assert_eq!(
            c.classes.iter().map(|k| k.students).sum::<usize>(),
            c.students
        );
        assert!(c.students_linked <= c.students);
        assert_eq!(percent(1, 4), "25%");
        assert_eq!(percent(0, 0), "-");
    }
}
