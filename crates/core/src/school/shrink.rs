//! The guard against an import that would take a large part of a school away at once (an
//! export of one class only, a truncated file, another school's smaller file): replacing the
//! data then needs the administrator's confirmation, because the next Sferum sync would
//! remove those people from their chats.

use exchange_sdk::school::SchoolData;

/// A list whose count falls by more than a third.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrink {
    /// `staff`, `classes`, `students` or `parents`.
    pub list: &'static str,
    pub before: usize,
    pub after: usize,
}

impl Shrink {
    /// By how many percent the count falls, rounded down: 90 for 500 → 50.
    pub fn fall_percent(&self) -> usize {
        (self.before - self.after) * 100 / self.before
    }
}

/// The lists that drive chat membership (staff, classes, students, parents) whose record
/// count falls by more than a third from `old` to `new`, in document order.
pub fn shrinks(old: &SchoolData, new: &SchoolData) -> Vec<Shrink> {
    [
        ("staff", old.staff.len(), new.staff.len()),
        ("classes", old.classes.len(), new.classes.len()),
        ("students", old.students.len(), new.students.len()),
        ("parents", old.parents.len(), new.parents.len()),
    ]
    .into_iter()
    .filter(|&(_, before, after)| after * 3 < before * 2)
    .map(|(list, before, after)| Shrink {
        list,
        before,
        after,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sample_school::{sample_school, SampleOptions};

    fn school(students: usize) -> SchoolData {
        sample_school(&SampleOptions { students, seed: 1 })
    }

    #[test]
    fn a_fall_of_at_most_a_third_passes() {
        let old = school(300);
        assert_eq!(shrinks(&old, &old), []);
        assert_eq!(shrinks(&old, &school(600)), []);
        let mut new = old.clone();
        new.students.truncate(200);
        assert_eq!(shrinks(&old, &new), [], "exactly a third less");
        new.students.pop();
        assert_eq!(
            shrinks(&old, &new),
            [Shrink {
                list: "students",
                before: 300,
                after: 199
            }]
        );
    }

    #[test]
    fn every_list_that_falls_is_named_with_its_counts() {
        let old = school(500);
        let mut new = old.clone();
        new.staff.truncate(old.staff.len() - 1);
        new.classes.truncate(11);
        new.students.truncate(50);
        new.parents.clear();
        let falls: Vec<(&str, usize, usize, usize)> = shrinks(&old, &new)
            .iter()
            .map(|s| (s.list, s.before, s.after, s.fall_percent()))
            .collect();
        assert_eq!(old.classes.len(), 22);
        assert_eq!(
            falls,
            [
                ("classes", 22, 11, 50),
                ("students", 500, 50, 90),
                ("parents", old.parents.len(), 0, 100),
            ]
        );
    }
}
