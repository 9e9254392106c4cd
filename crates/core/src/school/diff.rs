//! What an import changed against the previous import of the same organization.

use std::collections::HashMap;
use std::fmt;

use exchange_sdk::school::{
    Class, Parent, SchoolData, SferumId, Staff, Student, SubjectGroup, VideoCall,
};
use exchange_sdk::text::escape_controls;
use serde::Serialize;
use serde_json::Value;

/// How many detail lines a summary of a [`SchoolDiff`] shows per section before "… and N
/// more".
pub const DETAIL_LINES: usize = 10;

/// The changes between two snapshots, list by list, plus Sferum accounts linked and unlinked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchoolDiff {
    /// There was no previous import: everything is new.
    pub first_import: bool,
    /// Organization fields (`name`, `academic_year`, …) whose value changed.
    pub organization: Vec<String>,
    pub staff: ListDiff,
    pub classes: ListDiff,
    pub students: ListDiff,
    pub parents: ListDiff,
    pub subject_groups: ListDiff,
    pub video_calls: ListDiff,
    /// People (staff, students, parents) who have a Sferum ID now and had none or another.
    pub linked: Vec<SferumLink>,
    /// People who had a Sferum ID and have none now (removed people are not counted).
    pub unlinked: Vec<SferumLink>,
}

/// Added, removed and changed records of one list; added and changed in the new document's
/// order, removed in the old one's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListDiff {
    pub added: Vec<Record>,
    pub removed: Vec<Record>,
    pub changed: Vec<Changed>,
}

/// A record named for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    /// The person's full name, the class name, or a description of a group or call.
    pub name: String,
}

/// A record present in both snapshots with different contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub record: Record,
    /// The JSON fields that differ, e.g. `class`, `sferum_id`.
    pub fields: Vec<String>,
}

/// A person whose Sferum link changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SferumLink {
    /// `staff`, `students` or `parents`.
    pub list: &'static str,
    pub record: Record,
    pub sferum_id: SferumId,
}

impl ListDiff {
    /// Nothing added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

impl SchoolDiff {
    /// Nothing changed at all.
    pub fn is_empty(&self) -> bool {
        !self.first_import
            && self.organization.is_empty()
            && self.lists().iter().all(|(_, list)| list.is_empty())
            && self.linked.is_empty()
            && self.unlinked.is_empty()
    }

    /// The lists with their names, in document order.
    pub fn lists(&self) -> [(&'static str, &ListDiff); 6] {
        [
            ("staff", &self.staff),
            ("classes", &self.classes),
            ("students", &self.students),
            ("parents", &self.parents),
            ("subject_groups", &self.subject_groups),
            ("video_calls", &self.video_calls),
        ]
    }
}

/// Compares the previous snapshot (`None` on the first import) with the new one.
pub fn diff(old: Option<&SchoolData>, new: &SchoolData) -> SchoolDiff {
    let empty;
    let (first_import, old) = match old {
        Some(old) => (false, old),
        None => {
            empty = blank(new);
            (true, &empty)
        }
    };
    let mut result = SchoolDiff {
        first_import,
        organization: changed_fields(&old.organization, &new.organization),
        staff: list_diff(old, new, &old.staff, &new.staff),
        classes: list_diff(old, new, &old.classes, &new.classes),
        students: list_diff(old, new, &old.students, &new.students),
        parents: list_diff(old, new, &old.parents, &new.parents),
        subject_groups: list_diff(old, new, &old.subject_groups, &new.subject_groups),
        video_calls: list_diff(old, new, &old.video_calls, &new.video_calls),
        ..SchoolDiff::default()
    };
    links(&mut result, "staff", old, new, &old.staff, &new.staff);
    links(
        &mut result,
        "students",
        old,
        new,
        &old.students,
        &new.students,
    );
    links(&mut result, "parents", old, new, &old.parents, &new.parents);
    result
}

/// A snapshot with the same format and organization, and no records.
fn blank(like: &SchoolData) -> SchoolData {
    SchoolData {
        format: like.format.clone(),
        organization: like.organization.clone(),
        staff: Vec::new(),
        classes: Vec::new(),
        students: Vec::new(),
        parents: Vec::new(),
        subject_groups: Vec::new(),
        video_calls: Vec::new(),
        extra: Default::default(),
    }
}

/// A record of one of the lists.
trait Item: Serialize {
    fn id(&self) -> &str;
    /// How an administrator recognizes it; `data` resolves class ids to names.
    fn name(&self, data: &SchoolData) -> String;
    fn sferum_id(&self) -> Option<SferumId> {
        None
    }
    fn record(&self, data: &SchoolData) -> Record {
        Record {
            id: self.id().to_owned(),
            name: self.name(data),
        }
    }
}

fn class_name(data: &SchoolData, id: &str) -> String {
    data.class(id)
        .map_or_else(|| id.to_owned(), |c| c.name.clone())
}

impl Item for Staff {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self, _: &SchoolData) -> String {
        self.full_name.clone()
    }
    fn sferum_id(&self) -> Option<SferumId> {
        self.sferum_id
    }
}

impl Item for Class {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self, _: &SchoolData) -> String {
        self.name.clone()
    }
}

impl Item for Student {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self, data: &SchoolData) -> String {
        format!("{} ({})", self.full_name, class_name(data, &self.class))
    }
    fn sferum_id(&self) -> Option<SferumId> {
        self.sferum_id
    }
}

impl Item for Parent {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self, _: &SchoolData) -> String {
        self.full_name.clone()
    }
    fn sferum_id(&self) -> Option<SferumId> {
        self.sferum_id
    }
}

impl Item for SubjectGroup {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self, data: &SchoolData) -> String {
        format!("{} — {}", class_name(data, &self.class), self.subject)
    }
}

impl Item for VideoCall {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self, data: &SchoolData) -> String {
        format!(
            "{} — {}, «{}», {}",
            class_name(data, &self.class),
            self.subject,
            self.title,
            self.starts_at
        )
    }
}

fn to_json<T: Serialize>(item: &T) -> Value {
    serde_json::to_value(item).expect("the school-data model serializes to JSON")
}

/// The keys whose values differ between two records, in the new record's key order, then
/// keys the new record dropped.
fn changed_fields<T: Serialize>(old: &T, new: &T) -> Vec<String> {
    let (Value::Object(old), Value::Object(new)) = (to_json(old), to_json(new)) else {
        return Vec::new();
    };
    let differs = new
        .iter()
        .filter(|(key, value)| old.get(*key) != Some(*value))
        .map(|(key, _)| key.clone());
    let dropped = old.keys().filter(|key| !new.contains_key(*key)).cloned();
    differs.chain(dropped).collect()
}

fn by_id<T: Item>(items: &[T]) -> HashMap<&str, &T> {
    let mut map = HashMap::with_capacity(items.len());
    for item in items {
        map.entry(item.id()).or_insert(item);
    }
    map
}

fn list_diff<T: Item>(
    old_data: &SchoolData,
    new_data: &SchoolData,
    old: &[T],
    new: &[T],
) -> ListDiff {
    let (old_by_id, new_by_id) = (by_id(old), by_id(new));
    let mut result = ListDiff::default();
    for item in new {
        match old_by_id.get(item.id()) {
            None => result.added.push(item.record(new_data)),
            Some(before) => {
                let fields = changed_fields(*before, item);
                if !fields.is_empty() {
                    result.changed.push(Changed {
                        record: item.record(new_data),
                        fields,
                    });
                }
            }
        }
    }
    result.removed = old
        .iter()
        .filter(|item| !new_by_id.contains_key(item.id()))
        .map(|item| item.record(old_data))
        .collect();
    result
}

fn links<T: Item>(
    result: &mut SchoolDiff,
    list: &'static str,
    old_data: &SchoolData,
    new_data: &SchoolData,
    old: &[T],
    new: &[T],
) {
    let old_by_id = by_id(old);
    for item in new {
        let before = old_by_id.get(item.id()).and_then(|o| o.sferum_id());
        match (before, item.sferum_id()) {
            (before, Some(now)) if before != Some(now) => result.linked.push(SferumLink {
                list,
                record: item.record(new_data),
                sferum_id: now,
            }),
            (Some(before), None) => result.unlinked.push(SferumLink {
                list,
                record: old_by_id[item.id()].record(old_data),
                sferum_id: before,
            }),
            _ => {}
        }
    }
}

impl fmt::Display for Record {
    /// The id and the name, control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            escape_controls(&self.id),
            escape_controls(&self.name)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::school_validate::school_data_from_value;
    use serde_json::json;

    fn school() -> SchoolData {
        school_data_from_value(json!({
            "format": "school-data/1",
            "organization": { "id": "school-239", "name": "ГБОУ школа № 239", "academic_year": "2026/2027" },
            "staff": [
                { "id": "st-1", "full_name": "Иванова Мария Петровна", "sferum_id": 1000001 },
                { "id": "st-2", "full_name": "Сидоров Олег Ильич", "sferum_id": null }
            ],
            "classes": [
                { "id": "c-1a", "name": "1 а", "class_teacher": "st-1" },
                { "id": "c-5a", "name": "5 а", "class_teacher": "st-2" }
            ],
            "students": [
                { "id": "s-1", "full_name": "Петров Иван Сергеевич", "class": "c-1a", "sferum_id": 2000001 },
                { "id": "s-2", "full_name": "Орлова Ева Львовна", "class": "c-5a" },
                { "id": "s-3", "full_name": "Орлов Лев Львович", "class": "c-5a", "sferum_id": null }
            ],
            "parents": [
                { "id": "p-1", "full_name": "Петрова Анна Ивановна", "children": ["s-1"], "sferum_id": 3000001 },
                { "id": "p-2", "full_name": "Орлов Лев Павлович", "children": ["s-2", "s-3"] }
            ],
            "subject_groups": [
                { "id": "g-1", "class": "c-5a", "subject": "Информатика", "teacher": "st-2", "students": ["s-2"] }
            ],
            "video_calls": [
                { "id": "v-1", "class": "c-5a", "subject": "Информатика", "teacher": "st-2",
                  "starts_at": "2026-12-01T09:00:00+03:00", "title": "Урок 12", "published": true, "join_link": null }
            ]
        }))
        .expect("valid")
    }

    fn record(id: &str, name: &str) -> Record {
        Record {
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }

    #[test]
    fn same_data_means_no_changes() {
        let data = school();
        let result = diff(Some(&data), &data);
        assert!(result.is_empty());
    }

    #[test]
    fn first_import_counts_everything_as_added() {
        let data = school();
        let result = diff(None, &data);
        assert!(result.first_import && !result.is_empty());
        assert_eq!(result.students.added.len(), 3);
        assert_eq!(result.linked.len(), 3);
        assert!(result.organization.is_empty());
        let added: Vec<(&str, usize)> = result
            .lists()
            .iter()
            .map(|(list, changes)| (*list, changes.added.len()))
            .collect();
        assert_eq!(
            added,
            [
                ("staff", 2),
                ("classes", 2),
                ("students", 3),
                ("parents", 2),
                ("subject_groups", 1),
                ("video_calls", 1)
            ]
        );
        assert!(result.unlinked.is_empty());
    }

    #[test]
    fn added_removed_and_changed_records_by_id() {
        let old = school();
        let mut new = old.clone();
        new.students.remove(0);
        new.students[0].class = "c-1a".to_owned();
        new.students[1].full_name = "Орлов Лев Павлович".to_owned();
        new.students[1].sferum_id = Some(2_000_003);
        let mut added = new.students[0].clone();
        added.id = "s-4".to_owned();
        added.full_name = "Белова Вера Олеговна".to_owned();
        added.sferum_id = None;
        new.students.push(added);
        new.parents[0].children = vec!["s-4".to_owned()];
        new.classes[1].name = "5 б".to_owned();
        new.video_calls[0].join_link = Some("https://sferum.ru/?call_link=1".to_owned());

        let result = diff(Some(&old), &new);
        assert_eq!(
            result.students.added,
            [record("s-4", "Белова Вера Олеговна (1 а)")]
        );
        assert_eq!(
            result.students.removed,
            [record("s-1", "Петров Иван Сергеевич (1 а)")]
        );
        let changed: Vec<(&str, Vec<&str>)> = result
            .students
            .changed
            .iter()
            .map(|c| {
                (
                    c.record.id.as_str(),
                    c.fields.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                ("s-2", vec!["class"]),
                ("s-3", vec!["full_name", "sferum_id"])
            ]
        );
        assert_eq!(result.parents.changed[0].fields, ["children"]);
        assert_eq!(result.classes.changed[0].record, record("c-5a", "5 б"));
        assert_eq!(result.video_calls.changed[0].fields, ["join_link"]);
        assert!(result.staff.is_empty() && result.subject_groups.is_empty());

        assert_eq!(
            result.video_calls.changed[0].record,
            record(
                "v-1",
                "5 б — Информатика, «Урок 12», 2026-12-01T09:00:00+03:00"
            )
        );
        let linked: Vec<(&str, &Record, SferumId)> = result
            .linked
            .iter()
            .map(|l| (l.list, &l.record, l.sferum_id))
            .collect();
        assert_eq!(
            linked,
            [(
                "students",
                &record("s-3", "Орлов Лев Павлович (5 б)"),
                2_000_003
            )]
        );
        assert!(result.unlinked.is_empty());
    }

    #[test]
    fn sferum_links_and_unlinks() {
        let old = school();
        let mut new = old.clone();
        new.staff[1].sferum_id = Some(1_000_002);
        new.staff[0].sferum_id = Some(1_000_009);
        new.parents[0].sferum_id = None;
        new.students.remove(0);
        new.parents.push(Parent {
            id: "p-3".to_owned(),
            full_name: "Сидорова Ольга Ивановна".to_owned(),
            children: vec!["s-2".to_owned()],
            sferum_id: Some(1_000_002),
            max_id: None,
            extra: Default::default(),
        });
        let result = diff(Some(&old), &new);
        let linked: Vec<(&str, &str, SferumId)> = result
            .linked
            .iter()
            .map(|l| (l.list, l.record.id.as_str(), l.sferum_id))
            .collect();
        assert_eq!(
            linked,
            [
                ("staff", "st-1", 1_000_009),
                ("staff", "st-2", 1_000_002),
                ("parents", "p-3", 1_000_002),
            ]
        );
        // s-1 left the school: removed, not unlinked.
        assert_eq!(result.unlinked.len(), 1);
        assert_eq!(
            result.unlinked[0].record,
            record("p-1", "Петрова Анна Ивановна")
        );
        assert_eq!(
            (result.unlinked[0].list, result.unlinked[0].sferum_id),
            ("parents", 3_000_001)
        );
    }

    #[test]
    fn organization_and_unknown_fields_count_as_changes() {
        let old = school();
        let mut new = old.clone();
        new.organization.academic_year = "2027/2028".to_owned();
        new.staff[0]
            .extra
            .insert("phone".to_owned(), json!("+7 900"));
        let result = diff(Some(&old), &new);
        assert_eq!(result.organization, ["academic_year"]);
        assert_eq!(result.staff.changed[0].fields, ["phone"]);
        // A dropped unknown field is a change too.
        let back = diff(Some(&new), &old);
        assert_eq!(back.staff.changed[0].fields, ["phone"]);
    }

    #[test]
    fn control_characters_of_stored_data_are_shown_escaped() {
        // Data stored before the validator refused control characters.
        let shown = record("s-1", "Петров\u{1b}[2J\nstudents: unchanged (1 а)").to_string();
        assert_eq!(shown, "s-1 Петров\\u001b[2J\\nstudents: unchanged (1 а)");
        assert!(!shown.chars().any(exchange_sdk::text::is_control));
    }
}
