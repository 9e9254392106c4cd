//! The chat rules: from the school data to the chats the school should have. Pure. Shared by
//! the messenger task types: `sferum-sync` (VK) and `max-sync` (MAX) link this crate, so the
//! rules are one, and neither plugin links the other (two plugin root modules in one library
//! would not link).
//!
//! Everyone is keyed by their Sferum ID: two records with one ID (a teacher who is also a
//! parent) are one member with one set of rights, admin if any of their roles makes them one.
//! Another messenger keys people by its own ids with [`desired_by`]: the same rules, other ids.
//!
//! Also what both plugins share beside the rules: the removal guard ([`removal_guard`]) and the
//! language of a run's texts ([`Lang`]).

mod guard;
mod lang;

pub use guard::{removal_guard, Removals, GUARD_MIN_REMOVALS};
pub use lang::Lang;

use exchange_sdk::manifest::Texts;
use exchange_sdk::plugin::{LinksRow, LinksTable};
use exchange_sdk::school::{
    natural_class_order, Level, Parent, SchoolData, SferumId, Staff, Student,
};
use exchange_sdk::{ParamSpec, ParamType};
use std::collections::{BTreeMap, BTreeSet};

/// The purpose key of the staff room.
pub const STAFF: &str = "staff";
/// The staff room's title.
pub const STAFF_TITLE: &str = "Учительская";

/// The columns of the published «Чаты Сферум» table.
pub const COLUMNS: [&str; 3] = ["Учебный коллектив", "Родительский чат", "Чат учеников"];

/// The purpose key of a class's parents' chat.
pub fn parents_purpose(class_id: &str) -> String {
    format!("class:{class_id}:parents")
}

/// The purpose key of a class's students' chat.
pub fn students_purpose(class_id: &str) -> String {
    format!("class:{class_id}:students")
}

/// The purpose key of a subject group's chat.
pub fn group_purpose(group_id: &str) -> String {
    format!("group:{group_id}")
}

/// One chat the school should have.
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredChat {
    /// Stable key of what the chat is for (`staff`, `class:<id>:parents`, …).
    pub purpose: String,
    /// The managed title.
    pub title: String,
    /// Members by Sferum ID, with the name(s) the school data gives them.
    pub members: BTreeMap<SferumId, String>,
    /// Members with admin rights (always a subset of `members`).
    pub admins: BTreeSet<SferumId>,
}

/// A class's row in the published links table.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassRow {
    /// The class name (`1 а`).
    pub name: String,
    /// Purpose key of its parents' chat.
    pub parents: String,
    /// Purpose key of its students' chat.
    pub students: String,
}

/// Everything the rules derive from one school snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Desired {
    /// The staff room, then each class's parents' and students' chats in natural class
    /// order, then subject chats.
    pub chats: Vec<DesiredChat>,
    /// One row per class, in natural class order.
    pub rows: Vec<ClassRow>,
    /// People some rule puts in a chat who have no Sferum ID, one per record.
    pub without_sferum_id: Vec<Unlinked>,
    /// How many of them are `employees`, `parents` and `students`.
    pub without_sferum_id_by_role: BTreeMap<&'static str, usize>,
    /// Their record keys ([`PersonRef::key`]), in the order of `without_sferum_id`.
    pub without_id_keys: Vec<String>,
}

impl Desired {
    /// The desired chat for a purpose.
    pub fn chat(&self, purpose: &str) -> Option<&DesiredChat> {
        self.chats.iter().find(|c| c.purpose == purpose)
    }

    /// How the log names a member, in `lang`: «name [id]» for people some chat wants, else
    /// `[id]` marked as not in the school data.
    pub fn person_labels(&self, lang: Lang) -> impl Fn(i64) -> String + '_ {
        let unknown = match lang {
            Lang::En => " (not in the school data)",
            Lang::Ru => " (нет в данных школы)",
        };
        let names: BTreeMap<SferumId, &str> = self
            .chats
            .iter()
            .flat_map(|c| c.members.iter().map(|(id, n)| (*id, n.as_str())))
            .collect();
        move |id| match u64::try_from(id).ok().and_then(|u| names.get(&u)) {
            Some(n) => format!("{n} [{id}]"),
            None => format!("[{id}]{unknown}"),
        }
    }
}

/// The task parameters of the rules and the removal guard both messenger task types declare:
/// `subject_chats`, `dry_run` and `max_removals_percent`, with their Russian labels and
/// descriptions; `messenger` names the messenger in English and in Russian in the
/// prepositional case (`("Sferum", "Сферуме")`).
pub fn params(messenger: (&str, &str)) -> Vec<ParamSpec> {
    let (en, ru) = messenger;
    vec![
        ParamSpec::optional("subject_chats", ParamType::Flag, Some("0"), "1 to keep a chat per subject group as well.")
            .with_label("ru", "Чаты учебных групп")
            .with_description("ru", "1 — вести также чат для каждой учебной группы по предмету."),
        ParamSpec::optional("dry_run", ParamType::Flag, Some("0"), &format!("1 to plan and report only, changing nothing in {en}."))
            .with_label("ru", "Всегда пробный запуск")
            .with_description("ru", &format!("1 — каждый запуск только показывает план и ничего не меняет в {ru}.")),
        ParamSpec::optional("max_removals_percent", ParamType::Integer { min: 0, max: 100 }, Some("20"), "Stop before removing more than this share of a chat's members (or of all managed members).")
            .with_label("ru", "Защита от массового удаления, %")
            .with_description("ru", "Остановиться до удаления, если запуск удалил бы больше этой доли участников чата (или всех обслуживаемых участников)."),
    ]
}

/// The counters' names per language, for a manifest: those both messenger task types keep,
/// then `own` (key, Russian, English).
pub fn counter_labels(own: &[(&str, &str, &str)]) -> BTreeMap<String, Texts> {
    let shared = [
        ("chats", "чатов положено школе", "chats the school needs"),
        ("chats_retitled", "переименовано чатов", "chats renamed"),
        ("members_added", "добавлено участников", "members added"),
        ("members_removed", "удалено участников", "members removed"),
        (
            "admins_granted",
            "выдано прав администратора",
            "admin rights granted",
        ),
        (
            "admins_revoked",
            "снято прав администратора",
            "admin rights revoked",
        ),
        (
            "links_published",
            "ссылок в таблице «Чаты Сферум»",
            "links in the table",
        ),
    ];
    shared
        .iter()
        .chain(own)
        .map(|(key, ru, en)| {
            let texts: Texts = [
                ("ru".to_string(), ru.to_string()),
                ("en".to_string(), en.to_string()),
            ]
            .into();
            (key.to_string(), texts)
        })
        .collect()
}

/// The staff room's row, then one row per class: the «Чаты Сферум» table with each chat's
/// invite link as `link` gives it by purpose key.
pub fn links_table(desired: &Desired, link: impl Fn(&str) -> Option<String>) -> LinksTable {
    let mut rows = vec![LinksRow {
        title: STAFF_TITLE.into(),
        links: vec![link(STAFF), None],
    }];
    rows.extend(desired.rows.iter().map(|r| LinksRow {
        title: r.name.clone(),
        links: vec![link(&r.parents), link(&r.students)],
    }));
    LinksTable {
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// A person some chat wants who has no Sferum ID: what a log needs to name them in any
/// language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlinked {
    /// The full name.
    pub name: String,
    /// `employees`, `parents` or `students`.
    pub role: &'static str,
    /// The class name for parents and students (`1 а`).
    pub class: Option<String>,
}

/// A person record of the school data, as an id function of [`desired_by`] sees it.
#[derive(Clone, Copy, Debug)]
pub enum PersonRef<'a> {
    /// An employee.
    Staff(&'a Staff),
    /// A parent.
    Parent(&'a Parent),
    /// A student.
    Student(&'a Student),
}

impl PersonRef<'_> {
    /// The record's key, stable across imports: `staff:<id>`, `parent:<id>`, `student:<id>`.
    pub fn key(&self) -> String {
        match self {
            PersonRef::Staff(s) => format!("staff:{}", s.id),
            PersonRef::Parent(p) => format!("parent:{}", p.id),
            PersonRef::Student(s) => format!("student:{}", s.id),
        }
    }

    /// The Sferum ID the record carries.
    pub fn sferum_id(&self) -> Option<SferumId> {
        match self {
            PersonRef::Staff(s) => s.sferum_id,
            PersonRef::Parent(p) => p.sferum_id,
            PersonRef::Student(s) => s.sferum_id,
        }
    }
}

/// A person record as the rules see it.
struct Person<'a> {
    key: String,
    /// `employees`, `parents` or `students`, for the counts of people without a Sferum ID.
    role: &'static str,
    class: Option<&'a str>,
    name: &'a str,
    sferum_id: Option<SferumId>,
}

/// Which id a person is a member by: the Sferum ID for VK, a MAX id for MAX.
pub type IdOf<'f> = dyn Fn(PersonRef<'_>) -> Option<u64> + 'f;

impl<'a> Person<'a> {
    fn of(
        record: PersonRef<'a>,
        role: &'static str,
        class: Option<&'a str>,
        name: &'a str,
        id: &IdOf<'_>,
    ) -> Self {
        Person {
            key: record.key(),
            role,
            class,
            name,
            sferum_id: id(record),
        }
    }

    fn staff(s: &'a Staff, id: &IdOf<'_>) -> Self {
        Person::of(PersonRef::Staff(s), "employees", None, &s.full_name, id)
    }

    fn parent(p: &'a Parent, class: &'a str, id: &IdOf<'_>) -> Self {
        Person::of(
            PersonRef::Parent(p),
            "parents",
            Some(class),
            &p.full_name,
            id,
        )
    }

    fn student(s: &'a Student, class: &'a str, id: &IdOf<'_>) -> Self {
        Person::of(
            PersonRef::Student(s),
            "students",
            Some(class),
            &s.full_name,
            id,
        )
    }

    fn unlinked(&self) -> Unlinked {
        Unlinked {
            name: self.name.to_string(),
            role: self.role,
            class: self.class.map(str::to_string),
        }
    }
}

/// Collects one chat's members while remembering who had no Sferum ID.
struct ChatBuilder<'m> {
    chat: DesiredChat,
    missing: &'m mut BTreeMap<String, Unlinked>,
}

impl<'m> ChatBuilder<'m> {
    fn new(purpose: String, title: String, missing: &'m mut BTreeMap<String, Unlinked>) -> Self {
        let chat = DesiredChat {
            purpose,
            title,
            members: BTreeMap::new(),
            admins: BTreeSet::new(),
        };
        ChatBuilder { chat, missing }
    }

    fn add(&mut self, person: Person<'_>, admin: bool) {
        let Some(id) = person.sferum_id else {
            self.missing.insert(person.key.clone(), person.unlinked());
            return;
        };
        let name = self.chat.members.entry(id).or_default();
        if name.is_empty() {
            name.push_str(person.name);
        } else if !name.split(" / ").any(|n| n == person.name) {
            name.push_str(" / ");
            name.push_str(person.name);
        }
        if admin {
            self.chat.admins.insert(id);
        }
    }

    fn done(self) -> DesiredChat {
        self.chat
    }
}

/// The name of the class with this id, or the id itself when the school data has no such class.
pub fn class_name<'s>(school: &'s SchoolData, id: &'s str) -> &'s str {
    school.class(id).map(|c| c.name.as_str()).unwrap_or(id)
}

/// Whether an employee holds a current pedagogical position.
fn is_pedagogical(s: &Staff) -> bool {
    s.current_positions().any(|p| p.pedagogical)
}

/// Whether an employee is an admin of the staff room: the director (a current head_1
/// position), an acting head, or a holder of the `administrator` or `head` access role.
fn is_staff_room_admin(s: &Staff) -> bool {
    s.current_positions().any(|p| p.level == Level::Head1)
        || s.acting_head
        || s.access_roles
            .iter()
            .any(|r| r == "administrator" || r == "head")
}

/// Computes the chats the school should have. Subject chats only when `subject_chats`.
pub fn desired(school: &SchoolData, subject_chats: bool) -> Desired {
    desired_by(school, subject_chats, &|p| p.sferum_id())
}

/// [`desired`] with members keyed by the ids `id` gives (a MAX id, for MAX); the people it
/// gives none are `without_sferum_id`. `id` is asked about every person some rule puts in a
/// chat.
pub fn desired_by(school: &SchoolData, subject_chats: bool, id: &IdOf<'_>) -> Desired {
    let mut missing = BTreeMap::new();
    let mut chats = Vec::new();
    let staff_by_id: BTreeMap<&str, &Staff> =
        school.staff.iter().map(|s| (s.id.as_str(), s)).collect();

    let mut room = ChatBuilder::new(STAFF.into(), STAFF_TITLE.into(), &mut missing);
    for s in &school.staff {
        let admin = is_staff_room_admin(s);
        if admin || is_pedagogical(s) {
            room.add(Person::staff(s, id), admin);
        }
    }
    chats.push(room.done());

    let mut classes: Vec<_> = school.classes.iter().collect();
    classes.sort_by(|a, b| natural_class_order(&a.name, &b.name).then_with(|| a.id.cmp(&b.id)));
    let mut rows = Vec::new();
    for class in &classes {
        let teacher = class
            .class_teacher
            .as_deref()
            .and_then(|id| staff_by_id.get(id));
        let students: Vec<_> = school
            .students
            .iter()
            .filter(|s| s.class == class.id)
            .collect();
        let student_ids: BTreeSet<&str> = students.iter().map(|s| s.id.as_str()).collect();

        let title = format!("{} — родители", class.name);
        let mut parents = ChatBuilder::new(parents_purpose(&class.id), title, &mut missing);
        if let Some(t) = teacher {
            parents.add(Person::staff(t, id), true);
        }
        for p in school
            .parents
            .iter()
            .filter(|p| p.children.iter().any(|c| student_ids.contains(c.as_str())))
        {
            parents.add(Person::parent(p, &class.name, id), false);
        }
        chats.push(parents.done());

        let title = format!("{} — ученики", class.name);
        let mut pupils = ChatBuilder::new(students_purpose(&class.id), title, &mut missing);
        if let Some(t) = teacher {
            pupils.add(Person::staff(t, id), true);
        }
        for s in &students {
            pupils.add(Person::student(s, &class.name, id), false);
        }
        chats.push(pupils.done());

        rows.push(ClassRow {
            name: class.name.clone(),
            parents: parents_purpose(&class.id),
            students: students_purpose(&class.id),
        });
    }

    if subject_chats {
        let mut groups: Vec<_> = school.subject_groups.iter().collect();
        groups.sort_by(|a, b| {
            natural_class_order(class_name(school, &a.class), class_name(school, &b.class))
                .then_with(|| a.subject.cmp(&b.subject))
                .then_with(|| a.id.cmp(&b.id))
        });
        for g in groups {
            let title = format!("{} — {}", class_name(school, &g.class), g.subject);
            let mut chat = ChatBuilder::new(group_purpose(&g.id), title, &mut missing);
            if let Some(t) = staff_by_id.get(g.teacher.as_str()) {
                chat.add(Person::staff(t, id), true);
            }
            for s in school
                .students
                .iter()
                .filter(|s| g.students.contains(&s.id))
            {
                chat.add(Person::student(s, class_name(school, &s.class), id), false);
            }
            chats.push(chat.done());
        }
    }

    let mut without_sferum_id_by_role = BTreeMap::new();
    for unlinked in missing.values() {
        *without_sferum_id_by_role.entry(unlinked.role).or_default() += 1;
    }
    Desired {
        chats,
        rows,
        without_id_keys: missing.keys().cloned().collect(),
        without_sferum_id: missing.into_values().collect(),
        without_sferum_id_by_role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A small school: director (also teaches), a teacher, a class with students and parents.
    fn school(value: serde_json::Value) -> SchoolData {
        let mut base = json!({
            "format": "school-data/1",
            "organization": {"id": "school-1", "name": "Школа № 1", "academic_year": "2026/2027"},
        });
        base.as_object_mut()
            .unwrap()
            .extend(value.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    fn teacher(id: &str, sferum: Option<u64>) -> serde_json::Value {
        json!({"id": id, "full_name": format!("Учитель {id}"), "sferum_id": sferum,
               "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]})
    }

    fn ids(chat: &DesiredChat) -> Vec<u64> {
        chat.members.keys().copied().collect()
    }

    fn admins(chat: &DesiredChat) -> Vec<u64> {
        chat.admins.iter().copied().collect()
    }

    #[test]
    fn staff_room_has_pedagogical_staff_only() {
        let s = school(json!({"staff": [
            teacher("t1", Some(1)),
            {"id": "cook", "full_name": "Повар", "sferum_id": 2,
             "positions": [{"title": "Повар", "level": "other", "pedagogical": false, "current": true}]},
            {"id": "former", "full_name": "Бывший учитель", "sferum_id": 3,
             "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": false},
                           {"title": "Лаборант", "level": "other", "pedagogical": false, "current": true}]},
        ]}));
        let d = desired(&s, false);
        let room = d.chat(STAFF).unwrap();
        assert_eq!(room.title, "Учительская");
        assert_eq!(ids(room), [1]);
        assert!(room.admins.is_empty());
    }

    #[test]
    fn director_by_current_head_1_position_is_admin_and_member() {
        let s = school(json!({"staff": [
            {"id": "dir", "full_name": "Директор", "sferum_id": 10,
             "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": true}]},
        ]}));
        let room = desired(&s, false).chats.remove(0);
        assert_eq!(
            ids(&room),
            [10],
            "an admin is always a member, pedagogical or not"
        );
        assert_eq!(admins(&room), [10]);
    }

    #[test]
    fn former_director_whose_head_position_is_not_current_is_no_admin() {
        let s = school(json!({"staff": [
            {"id": "ex", "full_name": "Бывший директор", "sferum_id": 11,
             "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": false},
                           {"title": "Учитель истории", "level": "staff", "pedagogical": true, "current": true}]},
        ]}));
        let room = desired(&s, false).chats.remove(0);
        assert_eq!(ids(&room), [11]);
        assert!(room.admins.is_empty());
    }

    #[test]
    fn head_2_is_not_the_director() {
        let s = school(json!({"staff": [
            {"id": "dep", "full_name": "Завуч", "sferum_id": 12,
             "positions": [{"title": "Заместитель", "level": "head_2", "pedagogical": true, "current": true}]},
        ]}));
        assert!(desired(&s, false).chats[0].admins.is_empty());
    }

    #[test]
    fn acting_head_and_access_roles_make_admins() {
        let s = school(json!({"staff": [
            {"id": "io", "full_name": "ИО", "sferum_id": 20, "acting_head": true, "positions": []},
            {"id": "adm", "full_name": "Админ", "sferum_id": 21, "access_roles": ["administrator"], "positions": []},
            {"id": "head", "full_name": "Руководитель", "sferum_id": 22, "access_roles": ["teacher", "head"],
             "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]},
            {"id": "dep", "full_name": "Завуч", "sferum_id": 23, "access_roles": ["deputy", "teacher"],
             "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]},
        ]}));
        let room = desired(&s, false).chats.remove(0);
        assert_eq!(ids(&room), [20, 21, 22, 23]);
        assert_eq!(admins(&room), [20, 21, 22]);
    }

    fn class_school() -> SchoolData {
        school(json!({
            "staff": [teacher("t1", Some(1)), teacher("t2", Some(2)),
                      {"id": "t3", "full_name": "Учитель t3", "sferum_id": 3, "homeroom_class": "c-1a",
                       "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]}],
            "classes": [{"id": "c-1a", "name": "1 а", "class_teacher": "t1"},
                        {"id": "c-2b", "name": "2 б", "class_teacher": "t2"},
                        {"id": "c-3v", "name": "3 в", "class_teacher": null}],
            "students": [{"id": "s1", "full_name": "Ученик 1", "class": "c-1a", "sferum_id": 101},
                         {"id": "s2", "full_name": "Ученик 2", "class": "c-1a", "sferum_id": null},
                         {"id": "s3", "full_name": "Ученик 3", "class": "c-2b", "sferum_id": 103},
                         {"id": "s4", "full_name": "Ученик 4", "class": "c-3v", "sferum_id": 104}],
            "parents": [{"id": "p1", "full_name": "Родитель 1", "children": ["s1"], "sferum_id": 201},
                        {"id": "p2", "full_name": "Родитель двоих", "children": ["s2", "s3"], "sferum_id": 202},
                        {"id": "p3", "full_name": "Родитель без ID", "children": ["s1"], "sferum_id": null}]
        }))
    }

    #[test]
    fn class_chats_have_teacher_parents_and_students() {
        let d = desired(&class_school(), false);
        let parents = d.chat("class:c-1a:parents").unwrap();
        assert_eq!(parents.title, "1 а — родители");
        assert_eq!(ids(parents), [1, 201, 202]);
        assert_eq!(admins(parents), [1]);
        let students = d.chat("class:c-1a:students").unwrap();
        assert_eq!(students.title, "1 а — ученики");
        assert_eq!(ids(students), [1, 101]);
        assert_eq!(admins(students), [1]);
    }

    #[test]
    fn homeroom_class_in_own_card_is_ignored() {
        let d = desired(&class_school(), false);
        for purpose in ["class:c-1a:parents", "class:c-1a:students"] {
            assert!(
                !d.chat(purpose).unwrap().members.contains_key(&3),
                "t3 named 1 а in her card only"
            );
        }
    }

    #[test]
    fn class_without_class_teacher_still_gets_chats() {
        let d = desired(&class_school(), false);
        assert_eq!(ids(d.chat("class:c-3v:students").unwrap()), [104]);
        assert!(d.chat("class:c-3v:parents").unwrap().members.is_empty());
        assert!(d.chat("class:c-3v:students").unwrap().admins.is_empty());
    }

    #[test]
    fn family_across_two_classes_is_in_both_parents_chats() {
        let d = desired(&class_school(), false);
        assert!(d
            .chat("class:c-1a:parents")
            .unwrap()
            .members
            .contains_key(&202));
        assert!(d
            .chat("class:c-2b:parents")
            .unwrap()
            .members
            .contains_key(&202));
        assert!(!d
            .chat("class:c-3v:parents")
            .unwrap()
            .members
            .contains_key(&202));
    }

    fn unlinked(name: &str, role: &'static str, class: Option<&str>) -> Unlinked {
        Unlinked {
            name: name.into(),
            role,
            class: class.map(Into::into),
        }
    }

    #[test]
    fn people_without_sferum_id_are_counted_once_per_record() {
        let d = desired(&class_school(), false);
        assert_eq!(
            d.without_sferum_id,
            [
                unlinked("Родитель без ID", "parents", Some("1 а")),
                unlinked("Ученик 2", "students", Some("1 а"))
            ]
        );
        assert_eq!(
            d.without_sferum_id_by_role,
            BTreeMap::from([("parents", 1), ("students", 1)])
        );
    }

    #[test]
    fn unlinked_staff_counted_even_when_in_several_chats() {
        let s = school(json!({
            "staff": [teacher("t1", None)],
            "classes": [{"id": "c", "name": "5 а", "class_teacher": "t1"}],
        }));
        let d = desired(&s, false);
        assert_eq!(
            d.without_sferum_id,
            [unlinked("Учитель t1", "employees", None)]
        );
        assert!(d.chats.iter().all(|c| c.members.is_empty()));
    }

    #[test]
    fn teacher_who_is_also_a_parent_is_one_admin_member() {
        let s = school(json!({
            "staff": [teacher("t1", Some(1))],
            "classes": [{"id": "c", "name": "4 а", "class_teacher": "t1"}],
            "students": [{"id": "kid", "full_name": "Сын учителя", "class": "c", "sferum_id": 300}],
            "parents": [{"id": "p", "full_name": "Мама", "children": ["kid"], "sferum_id": 1}],
        }));
        let chat = desired(&s, false).chat("class:c:parents").unwrap().clone();
        assert_eq!(ids(&chat), [1]);
        assert_eq!(admins(&chat), [1]);
        assert_eq!(chat.members[&1], "Учитель t1 / Мама");
    }

    #[test]
    fn parent_who_is_a_teacher_elsewhere_is_no_admin_in_the_parents_chat() {
        let s = school(json!({
            "staff": [teacher("t1", Some(1)), teacher("t2", Some(2))],
            "classes": [{"id": "c", "name": "4 а", "class_teacher": "t1"}],
            "students": [{"id": "kid", "full_name": "Сын", "class": "c", "sferum_id": 300}],
            "parents": [{"id": "p", "full_name": "Папа", "children": ["kid"], "sferum_id": 2}],
        }));
        let chat = desired(&s, false).chat("class:c:parents").unwrap().clone();
        assert_eq!(ids(&chat), [1, 2]);
        assert_eq!(admins(&chat), [1]);
    }

    #[test]
    fn duplicate_sferum_id_across_two_records_is_one_member() {
        let s = school(json!({
            "classes": [{"id": "c", "name": "7 а", "class_teacher": null}],
            "students": [{"id": "a", "full_name": "Близнец А", "class": "c", "sferum_id": 500},
                         {"id": "b", "full_name": "Близнец Б", "class": "c", "sferum_id": 500}],
            "parents": [{"id": "p1", "full_name": "Мама", "children": ["a"], "sferum_id": 600},
                        {"id": "p2", "full_name": "Мама", "children": ["b"], "sferum_id": 600}],
        }));
        let d = desired(&s, false);
        let students = d.chat("class:c:students").unwrap();
        assert_eq!(ids(students), [500]);
        assert_eq!(students.members[&500], "Близнец А / Близнец Б");
        let parents = d.chat("class:c:parents").unwrap();
        assert_eq!(parents.members[&600], "Мама");
    }

    #[test]
    fn students_of_other_classes_and_their_parents_stay_out() {
        let d = desired(&class_school(), false);
        let c2 = d.chat("class:c-2b:students").unwrap();
        assert_eq!(ids(c2), [2, 103]);
        assert_eq!(ids(d.chat("class:c-2b:parents").unwrap()), [2, 202]);
    }

    #[test]
    fn chats_and_rows_in_natural_class_order() {
        let names = ["11 в", "10 а", "2 а", "1 б", "1 а", "1А"];
        let classes: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, n)| json!({"id": format!("c{i}"), "name": n}))
            .collect();
        let d = desired(&school(json!({"classes": classes})), false);
        let rows: Vec<_> = d.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(rows, ["1 а", "1А", "1 б", "2 а", "10 а", "11 в"]);
        let titles: Vec<_> = d.chats.iter().map(|c| c.title.as_str()).take(5).collect();
        assert_eq!(
            titles,
            [
                "Учительская",
                "1 а — родители",
                "1 а — ученики",
                "1А — родители",
                "1А — ученики"
            ]
        );
    }

    #[test]
    fn natural_cmp_orders_numbers_by_value() {
        let mut v = vec!["11 в", "1 б", "10 а", "2 а", "1 а", "02 б", "9"];
        v.sort_by(|a, b| natural_class_order(a, b));
        assert_eq!(v, ["1 а", "1 б", "2 а", "02 б", "9", "10 а", "11 в"]);
    }

    #[test]
    fn subject_chats_only_when_enabled() {
        let s = school(json!({
            "staff": [teacher("t1", Some(1)), teacher("t9", Some(9))],
            "classes": [{"id": "c", "name": "5 а", "class_teacher": "t1"}],
            "students": [{"id": "s1", "full_name": "У1", "class": "c", "sferum_id": 101},
                         {"id": "s2", "full_name": "У2", "class": "c", "sferum_id": 102},
                         {"id": "s3", "full_name": "У3", "class": "c", "sferum_id": null}],
            "subject_groups": [{"id": "g1", "class": "c", "subject": "Информатика", "teacher": "t9", "students": ["s2", "s3"]}],
        }));
        assert!(desired(&s, false).chat("group:g1").is_none());
        let d = desired(&s, true);
        let g = d.chat("group:g1").unwrap();
        assert_eq!(g.title, "5 а — Информатика");
        assert_eq!(ids(g), [9, 102]);
        assert_eq!(admins(g), [9]);
        assert_eq!(d.chats.last().unwrap().purpose, "group:g1");
        assert_eq!(
            d.without_sferum_id,
            [unlinked("У3", "students", Some("5 а"))]
        );
    }

    #[test]
    fn renamed_class_keeps_its_purpose_and_changes_its_title() {
        let mut s = class_school();
        s.classes[0].name = "1 д".into();
        let d = desired(&s, false);
        assert_eq!(
            d.chat("class:c-1a:parents").unwrap().title,
            "1 д — родители"
        );
    }

    #[test]
    fn other_ids_give_the_same_chats_keyed_by_them() {
        let s = class_school();
        let by_sferum = desired(&s, false);
        // Another messenger's ids: the Sferum ID plus 10000 for everyone but student s1.
        let other = desired_by(&s, false, &|p| match p {
            PersonRef::Student(st) if st.id == "s1" => None,
            p => p.sferum_id().map(|id| id + 10_000),
        });
        for (a, b) in by_sferum.chats.iter().zip(&other.chats) {
            assert_eq!((&a.purpose, &a.title), (&b.purpose, &b.title));
            let shifted: Vec<u64> = a.admins.iter().map(|id| id + 10_000).collect();
            assert_eq!(b.admins.iter().copied().collect::<Vec<_>>(), shifted);
        }
        assert_eq!(ids(other.chat("class:c-1a:students").unwrap()), [10_001]);
        assert_eq!(
            other.without_id_keys,
            ["parent:p3", "student:s1", "student:s2"]
        );
        assert_eq!(other.without_id_keys.len(), other.without_sferum_id.len());
    }

    #[test]
    fn links_table_has_the_staff_room_then_a_row_per_class() {
        let d = desired(&class_school(), false);
        let t = links_table(&d, |purpose| Some(format!("L:{purpose}")));
        assert_eq!(t.columns, COLUMNS);
        assert_eq!(t.rows[0].title, STAFF_TITLE);
        assert_eq!(t.rows[0].links, [Some("L:staff".to_string()), None]);
        assert_eq!(t.rows[1].title, "1 а");
        assert_eq!(
            t.rows[1].links,
            [
                Some("L:class:c-1a:parents".to_string()),
                Some("L:class:c-1a:students".to_string())
            ]
        );
        assert_eq!(t.rows.len(), 4);
    }

    #[test]
    fn empty_school_has_an_empty_staff_room() {
        let d = desired(&school(json!({})), false);
        assert_eq!(d.chats.len(), 1);
        assert_eq!(
            (d.chats[0].purpose.as_str(), d.chats[0].title.as_str()),
            (STAFF, STAFF_TITLE)
        );
        assert!(d.chats[0].members.is_empty() && d.chats[0].admins.is_empty());
        assert!(d.rows.is_empty() && d.without_sferum_id.is_empty());
    }
}
