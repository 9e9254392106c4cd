//! Validation of a `school-data/1` document before it becomes a [`SchoolData`].
//!
//! The whole document is checked on the JSON tree first, so that every problem is reported at
//! once, each by its JSON path (`staff[3].positions[0].level: expected one of head_1, head_2,
//! staff, other, got "boss"`). Only a document without problems is deserialized into the model.
//! Unknown fields are allowed everywhere and kept.
//!
//! Beyond shapes and references, the rules that keep bad data out of chats and tables:
//! names are one line of plain text (no control characters, see [`crate::text`]), neither
//! empty nor longer than [`MAX_NAME_CHARS`]; no two classes share a name (compared ignoring
//! case, spaces and Latin letters that look Cyrillic); one Sferum ID is on two records only
//! when they are one person, a staff member and a parent with the same full name; a join link
//! is an `https://` link.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::error::Category;
use serde_json::{Map, Value};

use crate::school::{Level, SchoolData, FORMAT};
use crate::text::{escape_controls, name_problem, text_problem, TextProblem, MAX_NAME_CHARS};

/// The format versions this host reads.
pub const SUPPORTED_FORMATS: [&str; 1] = [FORMAT];

/// The longest organization name accepted, in characters (official names are long).
pub const MAX_ORGANIZATION_NAME_CHARS: usize = 500;

/// The longest join link accepted, in characters.
pub const MAX_LINK_CHARS: usize = 2048;

/// The path used for problems about the document as a whole (not valid JSON, not an object).
pub const DOCUMENT_PATH: &str = "(document)";

/// One problem found in a document: where (a JSON path such as `students[4].class`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the offending value, or [`DOCUMENT_PATH`].
    pub path: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl Problem {
    /// What is wrong, in plain English (the kind's `Display`).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

impl std::error::Error for Problem {}

/// What is wrong at a problem's path, with its facts as fields, so that a host can say it in
/// any language. Its `Display` is the English message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The text is not JSON.
    Json {
        /// What kind of error serde_json found.
        category: Category,
        /// The line, counting from 1.
        line: usize,
        /// The column, counting from 1 (0 when the text ends at the start of a line).
        column: usize,
        /// serde_json's English message without the place (`key must be a string`).
        text: String,
    },
    /// A document without problems that the model still refuses (serde_json's message).
    Model {
        /// serde_json's English message.
        text: String,
    },
    /// `format` is missing.
    FormatMissing,
    /// `format` is not one of [`SUPPORTED_FORMATS`].
    FormatUnsupported {
        /// What it is instead.
        got: Got,
    },
    /// A required field is missing.
    Missing,
    /// A value of another kind than the field holds.
    Expected {
        /// What the field holds.
        what: Expected,
        /// What the document has.
        got: Got,
    },
    /// A name, id or other text that is not one line of plain text of a fitting length.
    Text(TextProblem),
    /// An id used before in the same list.
    DuplicateId {
        /// The id.
        id: String,
        /// How many times it is used so far, this use included (2 or more).
        count: usize,
        /// The path of the record that used it first.
        first: String,
    },
    /// A reference to a record that does not exist.
    Unknown {
        /// The list referred to.
        table: Table,
        /// The id referred to.
        id: String,
    },
    /// A class name an earlier class already has (compared as class names are).
    ClassNameTaken {
        /// This class's name.
        name: String,
        /// The path of the earlier class.
        first: String,
        /// The earlier class's name, when it is written otherwise.
        written: Option<String>,
    },
    /// An account id an earlier record carries that is not the same person.
    AccountTaken {
        /// Which account.
        account: Account,
        /// The id.
        id: u64,
        /// The path of the earlier record.
        other: String,
        /// The earlier record's full name, if it has one.
        other_name: Option<String>,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let supported = SUPPORTED_FORMATS.join(", ");
        match self {
            ProblemKind::Json {
                line, column, text, ..
            } => write!(f, "not valid JSON: {text} (line {line}, column {column})"),
            ProblemKind::Model { text } => {
                write!(f, "does not match the school-data model: {text}")
            }
            ProblemKind::FormatMissing => {
                write!(f, "{MISSING}; supported versions: {supported}")
            }
            ProblemKind::FormatUnsupported { got } => {
                write!(
                    f,
                    "unsupported format {got}; supported versions: {supported}"
                )
            }
            ProblemKind::Missing => f.write_str(MISSING),
            ProblemKind::Expected { what, got } => write!(f, "expected {what}, got {got}"),
            ProblemKind::Text(problem) => problem.fmt(f),
            ProblemKind::DuplicateId { id, count, first } => {
                let id = quoted(id);
                match count {
                    2 => write!(f, "{id} is used twice (also {first})"),
                    _ => write!(f, "{id} is used {count} times (also {first})"),
                }
            }
            ProblemKind::Unknown { table, id } => write!(f, "no {table} with id {}", quoted(id)),
            ProblemKind::ClassNameTaken {
                name,
                first,
                written,
            } => {
                write!(f, "{} is also the name of {first}", quoted(name))?;
                if let Some(written) = written {
                    write!(f, " (written {})", quoted(written))?;
                }
                f.write_str("; two classes with one name would get chats of one title and two rows of one name in the links table: give each class a name of its own, or merge them")
            }
            ProblemKind::AccountTaken {
                account,
                id,
                other,
                other_name,
            } => {
                write!(f, "{account} {id} is also on {other}")?;
                if let Some(name) = other_name {
                    write!(f, " ({})", quoted(name))?;
                }
                write!(f, "; two records may share a {account} only when they are one person: a staff member and a parent with the same full name")
            }
        }
    }
}

const MISSING: &str = "required field is missing";

/// What a field holds, as an "expected …" problem names it. Its `Display` is the English
/// phrase (`an object`, `true or false`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// An object.
    Object,
    /// An array.
    Array,
    /// A string.
    String,
    /// A non-empty string (an id).
    NonEmptyString,
    /// `true` or `false`.
    Bool,
    /// A Sferum ID: a positive integer, or null.
    SferumId,
    /// A MAX user id: a positive integer within int64, or null.
    MaxId,
    /// One of [`Level::NAMES`].
    Level,
    /// An RFC 3339 date-time.
    Timestamp,
    /// An `https://` link, or null.
    JoinLink,
    /// The id (a string) of a record of the table.
    Reference(Table),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Object => f.write_str("an object"),
            Expected::Array => f.write_str("an array"),
            Expected::String => f.write_str("a string"),
            Expected::NonEmptyString => f.write_str("a non-empty string"),
            Expected::Bool => f.write_str("true or false"),
            Expected::SferumId => f.write_str("a Sferum ID (a positive integer) or null"),
            Expected::MaxId => f.write_str("a MAX user id (a positive integer) or null"),
            Expected::Level => write!(f, "one of {}", Level::NAMES.join(", ")),
            Expected::Timestamp => {
                f.write_str("an RFC 3339 date-time such as 2026-12-01T09:00:00+03:00")
            }
            Expected::JoinLink => {
                f.write_str("an https:// link such as https://sferum.ru/?call_link=… or null")
            }
            Expected::Reference(table) => write!(f, "a {table} id (a string)"),
        }
    }
}

/// A JSON value as a problem tells it: strings and numbers as they are, containers by kind.
/// Its `Display` is the English rendering (strings [quoted](quoted), `an array`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    /// A string.
    Text(String),
    /// A number.
    Number(serde_json::Number),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Got {
    /// What `value` is.
    pub fn of(value: &Value) -> Got {
        match value {
            Value::String(s) => Got::Text(s.clone()),
            Value::Number(n) => Got::Number(n.clone()),
            Value::Bool(b) => Got::Bool(*b),
            Value::Null => Got::Null,
            Value::Array(_) => Got::Array,
            Value::Object(_) => Got::Object,
        }
    }
}

impl fmt::Display for Got {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Got::Text(s) => f.write_str(&quoted(s)),
            Got::Number(n) => n.fmt(f),
            Got::Bool(b) => b.fmt(f),
            Got::Null => f.write_str("null"),
            Got::Array => f.write_str("an array"),
            Got::Object => f.write_str("an object"),
        }
    }
}

/// The record lists that other records refer to. Its `Display` is the English noun of one
/// record (`staff member`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Table {
    /// `staff`.
    Staff,
    /// `classes`.
    Classes,
    /// `students`.
    Students,
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Table::Staff => "staff member",
            Table::Classes => "class",
            Table::Students => "student",
        })
    }
}

/// The accounts whose ids one person only may carry. Its `Display` is the English name
/// (`Sferum ID`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Account {
    /// `sferum_id`.
    Sferum,
    /// `max_id`.
    Max,
}

impl Account {
    /// The field that carries the id.
    pub fn field(self) -> &'static str {
        match self {
            Account::Sferum => "sferum_id",
            Account::Max => "max_id",
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Account::Sferum => "Sferum ID",
            Account::Max => "MAX id",
        })
    }
}

/// Parses and validates a `school-data/1` document; on failure returns every problem found.
///
/// Text that is not JSON at all yields a single problem naming the line and column. A UTF-8
/// byte order mark at the start (as some Windows programs write) is ignored.
pub fn parse_school_data(json: &str) -> Result<SchoolData, Vec<Problem>> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let value: Value = serde_json::from_str(json).map_err(|e| vec![json_syntax_problem(&e)])?;
    school_data_from_value(value)
}

/// Validates an already parsed document and converts it into the model.
pub fn school_data_from_value(value: Value) -> Result<SchoolData, Vec<Problem>> {
    let problems = validate(&value);
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::from_value(value).map_err(|e| {
        vec![Problem {
            path: DOCUMENT_PATH.to_owned(),
            kind: ProblemKind::Model {
                text: e.to_string(),
            },
        }]
    })
}

/// Lists every problem of a document, in document order (empty when it is valid).
pub fn validate(value: &Value) -> Vec<Problem> {
    let mut checker = Checker::default();
    let Some(root) = checker.object(DOCUMENT_PATH, value) else {
        return checker.problems;
    };
    check_format(&mut checker, root.get("format"));
    match root.get("organization") {
        None => checker.push("organization", ProblemKind::Missing),
        Some(org) => checker.record("organization", org, ORGANIZATION, None),
    }
    for list in &LISTS {
        checker.collect_ids(list, root.get(list.key));
    }
    for list in &LISTS {
        let Some(value) = root.get(list.key) else {
            continue;
        };
        let Some(items) = checker.array(list.key, value) else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            checker.record(
                &format!("{}[{index}]", list.key),
                item,
                list.fields,
                Some(list),
            );
        }
    }
    checker.problems
}

fn json_syntax_problem(e: &serde_json::Error) -> Problem {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let what = text.strip_suffix(&position).unwrap_or(&text);
    Problem {
        path: DOCUMENT_PATH.to_owned(),
        kind: ProblemKind::Json {
            category: e.classify(),
            line: e.line(),
            column: e.column(),
            text: what.to_owned(),
        },
    }
}

fn check_format(checker: &mut Checker, value: Option<&Value>) {
    match value {
        Some(Value::String(s)) if SUPPORTED_FORMATS.contains(&s.as_str()) => {}
        None => checker.push("format", ProblemKind::FormatMissing),
        Some(other) => checker.push(
            "format",
            ProblemKind::FormatUnsupported {
                got: Got::of(other),
            },
        ),
    }
}

/// What a field must hold.
#[derive(Clone, Copy)]
enum Kind {
    /// A non-empty string of plain text, unique within its list.
    Id,
    /// A string of plain text up to [`MAX_NAME_CHARS`].
    Text,
    /// A non-blank string of plain text up to the given number of characters.
    Name(usize),
    /// An `https://` link, an empty string or null.
    JoinLink,
    Bool,
    /// An array of strings of plain text.
    TextList,
    /// The id of an existing record.
    Ref(Table),
    /// The id of an existing record, or null.
    OptRef(Table),
    /// An array of ids of existing records.
    RefList(Table),
    /// A positive integer, or null.
    SferumId,
    /// A positive integer within int64 (MAX ids are int64), or null.
    MaxId,
    Level,
    /// An RFC 3339 date-time.
    Timestamp,
    /// An array of objects of the given shape.
    Records(&'static [Field]),
}

/// One known field of a record.
struct Field {
    key: &'static str,
    kind: Kind,
    required: bool,
}

const fn req(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: true,
    }
}

const fn opt(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: false,
    }
}

/// One top-level list of records.
struct List {
    key: &'static str,
    /// Set when other records refer to this list's ids.
    table: Option<Table>,
    fields: &'static [Field],
    /// A rule across the list's records.
    rule: Option<Rule>,
}

/// A rule across records.
#[derive(Clone, Copy)]
enum Rule {
    /// No two classes share a name.
    UniqueClassName,
    /// The records are people: their Sferum IDs are checked against everyone's.
    Person,
}

const NAME: Kind = Kind::Name(MAX_NAME_CHARS);

const ORGANIZATION: &[Field] = &[
    req("id", Kind::Id),
    req("name", Kind::Name(MAX_ORGANIZATION_NAME_CHARS)),
    req("academic_year", Kind::Text),
];

const POSITION: &[Field] = &[
    req("title", NAME),
    req("level", Kind::Level),
    opt("pedagogical", Kind::Bool),
    opt("current", Kind::Bool),
];

const LISTS: [List; 6] = [
    List {
        key: "staff",
        table: Some(Table::Staff),
        rule: Some(Rule::Person),
        fields: &[
            req("id", Kind::Id),
            req("full_name", NAME),
            opt("positions", Kind::Records(POSITION)),
            opt("acting_head", Kind::Bool),
            opt("access_roles", Kind::TextList),
            opt("homeroom_class", Kind::OptRef(Table::Classes)),
            opt("sferum_id", Kind::SferumId),
            opt("max_id", Kind::MaxId),
        ],
    },
    List {
        key: "classes",
        table: Some(Table::Classes),
        rule: Some(Rule::UniqueClassName),
        fields: &[
            req("id", Kind::Id),
            req("name", NAME),
            opt("class_teacher", Kind::OptRef(Table::Staff)),
        ],
    },
    List {
        key: "students",
        table: Some(Table::Students),
        rule: Some(Rule::Person),
        fields: &[
            req("id", Kind::Id),
            req("full_name", NAME),
            req("class", Kind::Ref(Table::Classes)),
            opt("sferum_id", Kind::SferumId),
            opt("max_id", Kind::MaxId),
        ],
    },
    List {
        key: "parents",
        table: None,
        rule: Some(Rule::Person),
        fields: &[
            req("id", Kind::Id),
            req("full_name", NAME),
            opt("children", Kind::RefList(Table::Students)),
            opt("sferum_id", Kind::SferumId),
            opt("max_id", Kind::MaxId),
        ],
    },
    List {
        key: "subject_groups",
        table: None,
        rule: None,
        fields: &[
            req("id", Kind::Id),
            req("class", Kind::Ref(Table::Classes)),
            req("subject", NAME),
            req("teacher", Kind::Ref(Table::Staff)),
            opt("students", Kind::RefList(Table::Students)),
        ],
    },
    List {
        key: "video_calls",
        table: None,
        rule: None,
        fields: &[
            req("id", Kind::Id),
            req("class", Kind::Ref(Table::Classes)),
            req("subject", NAME),
            req("teacher", Kind::Ref(Table::Staff)),
            req("starts_at", Kind::Timestamp),
            req("title", NAME),
            opt("published", Kind::Bool),
            opt("join_link", Kind::JoinLink),
        ],
    },
];

/// Collects problems while walking the document.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    /// Ids present in each referenced list.
    existing: HashMap<Table, HashSet<String>>,
    /// Per list key and id: the path of its first use and how many times it was seen so far.
    seen: HashMap<(&'static str, String), (String, usize)>,
    /// Class names so far, by their comparison key: the first class's path and name.
    class_names: HashMap<String, (String, String)>,
    /// The records so far that carry each account id, by field (`sferum_id`, `max_id`) and id.
    account_holders: HashMap<(&'static str, u64), Vec<AccountHolder>>,
}

/// A record that carries an account id (a Sferum ID, a MAX id).
struct AccountHolder {
    /// The record's path, e.g. `parents[3]`.
    path: String,
    /// The list it is in: `staff`, `students` or `parents`.
    list: &'static str,
    full_name: Option<String>,
}

impl AccountHolder {
    /// Whether the two records are one person in two roles: a staff member who is a parent.
    fn same_person(&self, other: &AccountHolder) -> bool {
        let lists = [self.list, other.list];
        let roles = lists == ["staff", "parents"] || lists == ["parents", "staff"];
        let names = match (&self.full_name, &other.full_name) {
            (Some(a), Some(b)) => person_name_key(a) == person_name_key(b),
            _ => false,
        };
        roles && names
    }
}

impl Checker {
    fn push(&mut self, path: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            path: path.to_owned(),
            kind,
        });
    }

    fn expected(&mut self, path: &str, what: Expected, got: &Value) {
        let got = Got::of(got);
        self.push(path, ProblemKind::Expected { what, got });
    }

    fn object<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.expected(path, Expected::Object, value);
        }
        object
    }

    fn array<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v Vec<Value>> {
        let array = value.as_array();
        if array.is_none() {
            self.expected(path, Expected::Array, value);
        }
        array
    }

    /// Notes the string ids of a referenced list, silently: problems are reported later.
    fn collect_ids(&mut self, list: &List, value: Option<&Value>) {
        let (Some(table), Some(Value::Array(items))) = (list.table, value) else {
            return;
        };
        let ids = items
            .iter()
            .filter_map(|item| item.get("id")?.as_str())
            .map(str::to_owned);
        self.existing.entry(table).or_default().extend(ids);
    }

    fn record(&mut self, path: &str, value: &Value, fields: &[Field], list: Option<&List>) {
        let Some(object) = self.object(path, value) else {
            return;
        };
        for field in fields {
            let field_path = format!("{path}.{}", field.key);
            match object.get(field.key) {
                None if field.required => self.push(&field_path, ProblemKind::Missing),
                None => {}
                Some(value) => self.field(&field_path, value, field.kind, list),
            }
        }
        match list.and_then(|l| l.rule.map(|rule| (l.key, rule))) {
            Some((_, Rule::UniqueClassName)) => self.class_name(path, object),
            Some((list, Rule::Person)) => {
                self.account_holder(path, list, object, Account::Sferum);
                self.account_holder(path, list, object, Account::Max);
            }
            None => {}
        }
    }

    /// Reports a class whose name an earlier class already has.
    fn class_name(&mut self, path: &str, class: &Map<String, Value>) {
        let Some(name) = class.get("name").and_then(Value::as_str) else {
            return;
        };
        if name_problem(name, MAX_NAME_CHARS).is_some() {
            return; // reported as it is
        }
        let (first_path, first_name) = match self.class_names.entry(class_name_key(name)) {
            Entry::Vacant(entry) => {
                entry.insert((path.to_owned(), name.to_owned()));
                return;
            }
            Entry::Occupied(entry) => entry.get().clone(),
        };
        let kind = ProblemKind::ClassNameTaken {
            name: name.to_owned(),
            first: first_path,
            written: (first_name != name).then_some(first_name),
        };
        self.push(&format!("{path}.name"), kind);
    }

    /// Reports a person whose `account` id an earlier record carries, unless both are one
    /// person.
    fn account_holder(
        &mut self,
        path: &str,
        list: &'static str,
        person: &Map<String, Value>,
        account: Account,
    ) {
        let field = account.field();
        let Some(id) = person.get(field).and_then(Value::as_u64) else {
            return;
        };
        let owner = AccountHolder {
            path: path.to_owned(),
            list,
            full_name: person
                .get("full_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let owners = self.account_holders.entry((field, id)).or_default();
        let clash = owners
            .iter()
            .find(|other| !other.same_person(&owner))
            .map(|other| ProblemKind::AccountTaken {
                account,
                id,
                other: other.path.clone(),
                other_name: other.full_name.clone(),
            });
        owners.push(owner);
        if let Some(kind) = clash {
            self.push(&format!("{path}.{field}"), kind);
        }
    }

    fn field(&mut self, path: &str, value: &Value, kind: Kind, list: Option<&List>) {
        match kind {
            Kind::Id => self.id(path, value, list),
            Kind::Text => match value.as_str() {
                Some(text) => self.plain(path, text_problem(text, MAX_NAME_CHARS)),
                None => self.expected(path, Expected::String, value),
            },
            Kind::Name(max_chars) => match value.as_str() {
                Some(name) => self.plain(path, name_problem(name, max_chars)),
                None => self.expected(path, Expected::String, value),
            },
            Kind::JoinLink => match value {
                Value::Null => {}
                Value::String(link) if link.is_empty() => {}
                Value::String(link) => match text_problem(link, MAX_LINK_CHARS) {
                    Some(problem) => self.push(path, ProblemKind::Text(problem)),
                    None if is_https_link(link) => {}
                    None => self.expected(path, Expected::JoinLink, value),
                },
                _ => self.expected(path, Expected::JoinLink, value),
            },
            Kind::Bool => {
                if !value.is_boolean() {
                    self.expected(path, Expected::Bool, value);
                }
            }
            Kind::TextList => {
                if let Some(items) = self.array(path, value) {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{path}[{i}]");
                        match item.as_str() {
                            Some(text) => {
                                self.plain(&item_path, text_problem(text, MAX_NAME_CHARS));
                            }
                            None => self.expected(&item_path, Expected::String, item),
                        }
                    }
                }
            }
            Kind::Ref(table) => self.reference(path, value, table),
            Kind::OptRef(table) => {
                if !value.is_null() {
                    self.reference(path, value, table);
                }
            }
            Kind::RefList(table) => {
                if let Some(items) = self.array(path, value) {
                    for (i, item) in items.iter().enumerate() {
                        self.reference(&format!("{path}[{i}]"), item, table);
                    }
                }
            }
            Kind::SferumId => {
                let positive = value.as_u64().is_some_and(|n| n > 0);
                if !(positive || value.is_null()) {
                    self.expected(path, Expected::SferumId, value);
                }
            }
            Kind::MaxId => {
                let positive = value
                    .as_u64()
                    .is_some_and(|n| n > 0 && n <= i64::MAX as u64);
                if !(positive || value.is_null()) {
                    self.expected(path, Expected::MaxId, value);
                }
            }
            Kind::Level => {
                let known = value.as_str().is_some_and(|s| Level::NAMES.contains(&s));
                if !known {
                    self.expected(path, Expected::Level, value);
                }
            }
            Kind::Timestamp => {
                if !value.as_str().is_some_and(is_rfc3339) {
                    self.expected(path, Expected::Timestamp, value);
                }
            }
            Kind::Records(fields) => {
                if let Some(items) = self.array(path, value) {
                    for (i, item) in items.iter().enumerate() {
                        self.record(&format!("{path}[{i}]"), item, fields, None);
                    }
                }
            }
        }
    }

    /// Reports a text problem, if any.
    fn plain(&mut self, path: &str, problem: Option<TextProblem>) {
        if let Some(problem) = problem {
            self.push(path, ProblemKind::Text(problem));
        }
    }

    fn id(&mut self, path: &str, value: &Value, list: Option<&List>) {
        let id = match value.as_str() {
            Some("") => return self.push(path, ProblemKind::Text(TextProblem::Empty)),
            Some(id) => match text_problem(id, MAX_NAME_CHARS) {
                Some(problem) => return self.push(path, ProblemKind::Text(problem)),
                None => id,
            },
            None => return self.expected(path, Expected::NonEmptyString, value),
        };
        // The organization's id has no list to be unique in.
        let Some(list) = list else { return };
        let record_path = path.rsplit_once('.').map_or(path, |(record, _)| record);
        let entry = self
            .seen
            .entry((list.key, id.to_owned()))
            .or_insert_with(|| (record_path.to_owned(), 0));
        entry.1 += 1;
        let (first, count) = (entry.0.clone(), entry.1);
        if count > 1 {
            let id = id.to_owned();
            self.push(path, ProblemKind::DuplicateId { id, count, first });
        }
    }

    fn reference(&mut self, path: &str, value: &Value, table: Table) {
        let Some(id) = value.as_str() else {
            return self.expected(path, Expected::Reference(table), value);
        };
        let exists = self
            .existing
            .get(&table)
            .is_some_and(|ids| ids.contains(id));
        if !exists {
            let id = id.to_owned();
            self.push(path, ProblemKind::Unknown { table, id });
        }
    }
}

/// A string as a JSON string, shortened to 40 characters, with no control character left
/// as it is (messages are printed on terminals): how messages show the text of a document.
pub fn quoted(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    let (head, more) = match s.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => (&s[..end], "…"),
        None => (s, ""),
    };
    let json = Value::String(head.to_owned()).to_string();
    format!("{}{more}", escape_controls(&json))
}

/// How class names are compared: without spaces, in lower case, with Latin letters that look
/// like Cyrillic ones (as in `1 a`, `5 B`) read as those.
fn class_name_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'A' | 'a' => 'а',
            'B' => 'в',
            'C' | 'c' => 'с',
            'E' | 'e' => 'е',
            'H' => 'н',
            'K' | 'k' => 'к',
            'M' => 'м',
            'O' | 'o' => 'о',
            'P' | 'p' => 'р',
            'T' => 'т',
            'X' | 'x' => 'х',
            'Y' | 'y' => 'у',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// How full names are compared: words in lower case, runs of spaces as one, Ё as Е.
fn person_name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// Whether `link` is `https://` (any case), a host, then anything without spaces.
fn is_https_link(link: &str) -> bool {
    let Some(scheme) = link.get(..8) else {
        return false;
    };
    let rest = &link[8..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    scheme.eq_ignore_ascii_case("https://")
        && host_end > 0
        && !link.chars().any(char::is_whitespace)
}

/// Checks `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with calendar ranges (RFC 3339 §5.6).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        number(0..4),
        number(5..7),
        number(8..10),
        number(11..13),
        number(14..16),
        number(17..19),
    ) else {
        return false;
    };
    let punctuation = at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":");
    let in_range = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    if !(punctuation && in_range) {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            };
            matches!((two(*h1, *h2), two(*m1, *m2)), (Some(h), Some(m)) if h <= 23 && m <= 59)
        }
        _ => false,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "format": "school-data/1",
            "organization": { "id": "school-239", "name": "ГБОУ школа № 239", "academic_year": "2026/2027" },
            "staff": [
                {
                    "id": "st-1",
                    "full_name": "Иванова Мария Петровна",
                    "positions": [
                        { "title": "Директор", "level": "head_1", "pedagogical": false, "current": true },
                        { "title": "Учитель математики", "level": "staff", "pedagogical": true }
                    ],
                    "acting_head": false,
                    "access_roles": ["administrator"],
                    "homeroom_class": null,
                    "sferum_id": 1000001
                },
                { "id": "st-3", "full_name": "Сидоров Олег Ильич", "homeroom_class": "c-1a" }
            ],
            "classes": [
                { "id": "c-1a", "name": "1 а", "class_teacher": "st-1" },
                { "id": "c-5a", "name": "5 а", "class_teacher": null }
            ],
            "students": [
                { "id": "s-1", "full_name": "Петров Иван", "class": "c-1a", "sferum_id": 2000001 },
                { "id": "s-40", "full_name": "Орлова Ева", "class": "c-5a" },
                { "id": "s-41", "full_name": "Орлов Лев", "class": "c-5a", "sferum_id": null }
            ],
            "parents": [ { "id": "p-1", "full_name": "Петрова Анна", "children": ["s-1"], "sferum_id": null } ],
            "subject_groups": [
                { "id": "g-1", "class": "c-5a", "subject": "Информатика", "teacher": "st-3", "students": ["s-40", "s-41"] }
            ],
            "video_calls": [
                { "id": "v-1", "class": "c-5a", "subject": "Информатика", "teacher": "st-3",
                  "starts_at": "2026-12-01T09:00:00+03:00", "title": "Урок 12", "published": true, "join_link": null }
            ]
        })
    }

    /// Applies `edit` to the valid document and returns the problems as `path: message` lines.
    fn problems_after(edit: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut doc = valid();
        edit(&mut doc);
        validate(&doc).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn valid_document_parses_into_the_model() {
        let data = parse_school_data(&valid().to_string()).expect("valid");
        assert_eq!(data.organization.name, "ГБОУ школа № 239");
        assert_eq!(data.staff.len(), 2);
        assert!(
            data.staff[0].positions[1].current,
            "current defaults to true"
        );
        assert_eq!(data.students[0].sferum_id, Some(2_000_001));
        assert_eq!(data.subject_groups[0].students, ["s-40", "s-41"]);
    }

    #[test]
    fn minimal_document_is_valid() {
        let doc = json!({
            "format": "school-data/1",
            "organization": { "id": "o", "name": "n", "academic_year": "2026/2027" }
        });
        let data = school_data_from_value(doc).expect("valid");
        assert!(data.staff.is_empty() && data.video_calls.is_empty());
    }

    #[test]
    fn unknown_fields_are_allowed_and_kept() {
        let mut doc = valid();
        doc["exporter"] = json!("Параграф 3");
        doc["staff"][0]["phone"] = json!("+7 900 000-00-00");
        doc["staff"][0]["positions"][0]["rate"] = json!(1.5);
        let data = school_data_from_value(doc).expect("valid");
        assert_eq!(data.extra["exporter"], "Параграф 3");
        assert_eq!(data.staff[0].extra["phone"], "+7 900 000-00-00");
        assert_eq!(data.staff[0].positions[0].extra["rate"], 1.5);
    }

    #[test]
    fn bad_level_is_reported_by_path() {
        let lines = problems_after(|d| d["staff"][0]["positions"][0]["level"] = json!("boss"));
        assert_eq!(
            lines,
            [
                r#"staff[0].positions[0].level: expected one of head_1, head_2, staff, other, got "boss""#
            ]
        );
    }

    #[test]
    fn format_must_be_supported() {
        let lines = problems_after(|d| d["format"] = json!("school-data/2"));
        assert_eq!(
            lines,
            [r#"format: unsupported format "school-data/2"; supported versions: school-data/1"#]
        );
        let lines = problems_after(|d| {
            d.as_object_mut().unwrap().remove("format");
        });
        assert_eq!(
            lines,
            ["format: required field is missing; supported versions: school-data/1"]
        );
    }

    #[test]
    fn duplicate_ids_name_the_first_use() {
        let lines = problems_after(|d| {
            let students = d["students"].as_array_mut().unwrap();
            students[2]["id"] = json!("s-40");
            let mut third = students[0].clone();
            third["id"] = json!("s-40");
            students.push(third);
        });
        assert_eq!(
            lines,
            [
                r#"students[2].id: "s-40" is used twice (also students[1])"#,
                r#"students[3].id: "s-40" is used 3 times (also students[1])"#,
                // The copy of students[0] carries its Sferum ID too.
                r#"students[3].sferum_id: Sferum ID 2000001 is also on students[0] ("Петров Иван"); two records may share a Sferum ID only when they are one person: a staff member and a parent with the same full name"#,
                r#"subject_groups[0].students[1]: no student with id "s-41""#,
            ]
        );
    }

    #[test]
    fn ids_are_unique_per_list_only() {
        let lines = problems_after(|d| {
            d["parents"][0]["id"] = json!("s-1");
            d["video_calls"][0]["id"] = json!("g-1");
        });
        assert!(lines.is_empty(), "{lines:?}");
    }

    #[test]
    fn ids_must_be_non_empty_strings() {
        let lines = problems_after(|d| {
            d["parents"][0]["id"] = json!("");
            d["video_calls"][0]["id"] = json!(7);
            d["organization"]["id"] = json!("");
        });
        assert_eq!(
            lines,
            [
                "organization.id: must not be empty",
                "parents[0].id: must not be empty",
                "video_calls[0].id: expected a non-empty string, got 7",
            ]
        );
    }

    #[test]
    fn every_reference_must_exist() {
        let lines = problems_after(|d| {
            d["staff"][1]["homeroom_class"] = json!("c-9z");
            d["classes"][0]["class_teacher"] = json!("st-404");
            d["students"][0]["class"] = json!("c-2b");
            d["parents"][0]["children"] = json!(["s-1", "s-99"]);
            d["subject_groups"][0]["class"] = json!("c-x");
            d["subject_groups"][0]["teacher"] = json!("st-x");
            d["subject_groups"][0]["students"][0] = json!("s-x");
            d["video_calls"][0]["class"] = json!("c-y");
            d["video_calls"][0]["teacher"] = json!(3);
        });
        assert_eq!(
            lines,
            [
                r#"staff[1].homeroom_class: no class with id "c-9z""#,
                r#"classes[0].class_teacher: no staff member with id "st-404""#,
                r#"students[0].class: no class with id "c-2b""#,
                r#"parents[0].children[1]: no student with id "s-99""#,
                r#"subject_groups[0].class: no class with id "c-x""#,
                r#"subject_groups[0].teacher: no staff member with id "st-x""#,
                r#"subject_groups[0].students[0]: no student with id "s-x""#,
                r#"video_calls[0].class: no class with id "c-y""#,
                "video_calls[0].teacher: expected a staff member id (a string), got 3",
            ]
        );
    }

    #[test]
    fn references_may_point_forward_and_ignore_other_lists() {
        // A class teacher is listed after the class; a student id is not a staff id.
        let lines = problems_after(|d| {
            d["staff"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "id": "st-9", "full_name": "Я" }));
            d["classes"][0]["class_teacher"] = json!("st-9");
            d["classes"][1]["class_teacher"] = json!("s-1");
        });
        assert_eq!(
            lines,
            [r#"classes[1].class_teacher: no staff member with id "s-1""#]
        );
    }

    #[test]
    fn sferum_id_must_be_a_positive_integer_or_null() {
        let lines = problems_after(|d| {
            d["staff"][0]["sferum_id"] = json!(0);
            d["students"][0]["sferum_id"] = json!(-5);
            d["students"][1]["sferum_id"] = json!("2000040");
            d["parents"][0]["sferum_id"] = json!(3.5);
            d["students"][2]["sferum_id"] = json!(u64::MAX);
        });
        let what = "expected a Sferum ID (a positive integer) or null";
        assert_eq!(
            lines,
            [
                format!("staff[0].sferum_id: {what}, got 0"),
                format!("students[0].sferum_id: {what}, got -5"),
                format!(r#"students[1].sferum_id: {what}, got "2000040""#),
                format!("parents[0].sferum_id: {what}, got 3.5"),
            ]
        );
    }

    #[test]
    fn largest_sferum_id_survives_deserialization() {
        let mut doc = valid();
        doc["students"][0]["sferum_id"] = json!(u64::MAX);
        let data = school_data_from_value(doc).expect("valid");
        assert_eq!(data.students[0].sferum_id, Some(u64::MAX));
    }

    #[test]
    fn required_fields_and_types_are_checked() {
        let lines = problems_after(|d| {
            d["organization"]
                .as_object_mut()
                .unwrap()
                .remove("academic_year");
            d["staff"][0].as_object_mut().unwrap().remove("full_name");
            d["staff"][0]["acting_head"] = json!("нет");
            d["staff"][0]["access_roles"] = json!(["teacher", 1]);
            d["staff"][0]["positions"][1] = json!({ "level": "staff", "current": null });
            d["classes"][0]["name"] = json!(["1 а"]);
            d["students"][1].as_object_mut().unwrap().remove("class");
            d["video_calls"][0]["join_link"] = json!(false);
            d["video_calls"][0]["published"] = json!(null);
            d["video_calls"][0]["title"] = json!({ "ru": "Урок" });
        });
        assert_eq!(
            lines,
            [
                "organization.academic_year: required field is missing",
                "staff[0].full_name: required field is missing",
                "staff[0].positions[1].title: required field is missing",
                "staff[0].positions[1].current: expected true or false, got null",
                r#"staff[0].acting_head: expected true or false, got "нет""#,
                "staff[0].access_roles[1]: expected a string, got 1",
                "classes[0].name: expected a string, got an array",
                "students[1].class: required field is missing",
                "video_calls[0].title: expected a string, got an object",
                "video_calls[0].published: expected true or false, got null",
                "video_calls[0].join_link: expected an https:// link such as https://sferum.ru/?call_link=… or null, got false",
            ]
        );
    }

    #[test]
    fn containers_must_have_the_right_shape() {
        let lines = problems_after(|d| {
            d["organization"] = json!("ГБОУ школа № 239");
            d["staff"][1] = json!("st-3");
            d["classes"] = json!({ "c-1a": {} });
            d["parents"] = json!(null);
        });
        assert_eq!(
            lines,
            [
                r#"organization: expected an object, got "ГБОУ школа № 239""#,
                r#"staff[1]: expected an object, got "st-3""#,
                "classes: expected an array, got an object",
                // Without a class list every class reference dangles.
                r#"students[0].class: no class with id "c-1a""#,
                r#"students[1].class: no class with id "c-5a""#,
                r#"students[2].class: no class with id "c-5a""#,
                "parents: expected an array, got null",
                r#"subject_groups[0].class: no class with id "c-5a""#,
                r#"subject_groups[0].teacher: no staff member with id "st-3""#,
                r#"video_calls[0].class: no class with id "c-5a""#,
                r#"video_calls[0].teacher: no staff member with id "st-3""#,
            ]
        );
        let lines = problems_after(|d| {
            d.as_object_mut().unwrap().remove("organization");
        });
        assert_eq!(lines, ["organization: required field is missing"]);
    }

    #[test]
    fn document_must_be_an_object() {
        let problems = parse_school_data("[1, 2]").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "(document): expected an object, got an array"
        );
    }

    #[test]
    fn invalid_json_is_one_problem_with_line_and_column() {
        let problems =
            parse_school_data("{\n  \"format\": \"school-data/1\",\n  oops\n}").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "(document): not valid JSON: key must be a string (line 3, column 3)"
        );
        let problems = parse_school_data("").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message().starts_with("not valid JSON: EOF"),
            "{problems:?}"
        );
    }

    #[test]
    fn all_problems_are_listed_at_once() {
        let lines = problems_after(|d| {
            d["format"] = json!("school-data/0");
            for i in 0..3 {
                d["students"][i]["class"] = json!("c-none");
            }
            d["staff"][0]["positions"][0]["level"] = json!("boss");
        });
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(lines[0].starts_with("format: "));
        assert!(lines[1].starts_with("staff[0].positions[0].level: "));
        assert!(lines[4].starts_with("students[2].class: "));
    }

    #[test]
    fn long_strings_are_shortened_in_messages() {
        let lines =
            problems_after(|d| d["staff"][0]["positions"][0]["level"] = json!("я".repeat(100)));
        let expected = format!(
            "staff[0].positions[0].level: expected one of head_1, head_2, staff, other, got \"{}\"…",
            "я".repeat(40)
        );
        assert_eq!(lines, [expected]);
    }

    #[test]
    fn starts_at_must_be_rfc3339() {
        for good in [
            "2026-12-01T09:00:00+03:00",
            "2026-12-01T06:00:00Z",
            "2026-12-01t06:00:00.123456z",
            "2028-02-29T23:59:60-12:30",
            "2000-02-29T00:00:00+00:00",
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "",
            "tomorrow",
            "2026-12-01",
            "2026-12-01 09:00:00+03:00",
            "2026-12-01T09:00:00",
            "2026-12-01T09:00+03:00",
            "2026-13-01T09:00:00Z",
            "2026-02-29T09:00:00Z",
            "1900-02-29T09:00:00Z",
            "2026-04-31T09:00:00Z",
            "2026-12-00T09:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T09:60:00Z",
            "2026-12-01T09:00:61Z",
            "2026-12-01T09:00:00.Z",
            "2026-12-01T09:00:00+0300",
            "2026-12-01T09:00:00+24:00",
            "2026-12-01T09:00:00+03:00 ",
            "2026-1２-01T09:00:00Z",
            "+026-12-01T09:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
        let lines = problems_after(|d| d["video_calls"][0]["starts_at"] = json!("01.12.2026 9:00"));
        assert_eq!(
            lines,
            [
                r#"video_calls[0].starts_at: expected an RFC 3339 date-time such as 2026-12-01T09:00:00+03:00, got "01.12.2026 9:00""#
            ]
        );
    }

    #[test]
    fn names_must_be_one_line_of_plain_text_neither_empty_nor_too_long() {
        let lines = problems_after(|d| {
            d["organization"]["name"] = json!("Школа\u{0}");
            d["staff"][1]["full_name"] = json!("Я".repeat(100_000));
            d["staff"][0]["positions"][0]["title"] = json!("   ");
            d["classes"][0]["name"] = json!("");
            d["students"][0]["full_name"] = json!("Петров\nИван");
            d["parents"][0]["full_name"] = json!("\u{202e}анна");
            d["subject_groups"][0]["subject"] = json!("Инф\u{1b}[31m");
            d["video_calls"][0]["subject"] = json!("Инфор\tматика");
            d["video_calls"][0]["title"] = json!("Урок\u{9b}");
        });
        let plain = "remove it: names and ids are one line of plain text";
        assert_eq!(
            lines,
            [
                format!("organization.name: contains a NUL character (U+0000) at character 6; {plain}"),
                "staff[0].positions[0].title: must not be blank (only spaces)".to_owned(),
                "staff[1].full_name: is 100000 characters long; at most 200 are allowed".to_owned(),
                "classes[0].name: must not be empty".to_owned(),
                format!("students[0].full_name: contains a line break (U+000A) at character 7; {plain}"),
                format!("parents[0].full_name: contains a bidirectional text control (U+202E) at character 1; {plain}"),
                format!("subject_groups[0].subject: contains an escape character (a terminal escape sequence) (U+001B) at character 4; {plain}"),
                format!("video_calls[0].subject: contains a tab (U+0009) at character 6; {plain}"),
                format!("video_calls[0].title: contains a control character (U+009B) at character 5; {plain}"),
            ]
        );
    }

    #[test]
    fn name_lengths_have_limits() {
        let lines = problems_after(|d| {
            d["classes"][0]["name"] = json!("а".repeat(MAX_NAME_CHARS));
            d["organization"]["name"] = json!("Ш".repeat(MAX_ORGANIZATION_NAME_CHARS));
        });
        assert!(lines.is_empty(), "{lines:?}");
        let lines = problems_after(|d| {
            d["classes"][0]["name"] = json!("а".repeat(MAX_NAME_CHARS + 1));
            d["organization"]["name"] = json!("Ш".repeat(MAX_ORGANIZATION_NAME_CHARS + 1));
        });
        assert_eq!(
            lines,
            [
                "organization.name: is 501 characters long; at most 500 are allowed",
                "classes[0].name: is 201 characters long; at most 200 are allowed",
            ]
        );
    }

    #[test]
    fn ids_roles_and_academic_year_are_plain_text_too() {
        let lines = problems_after(|d| {
            d["organization"]["id"] = json!("school-\u{7f}");
            d["organization"]["academic_year"] = json!("2026/2027\r");
            d["staff"][0]["access_roles"] = json!(["administrator", "head\u{2066}"]);
            d["parents"][0]["id"] = json!("p".repeat(201));
        });
        let plain = "remove it: names and ids are one line of plain text";
        assert_eq!(
            lines,
            [
                format!("organization.id: contains a control character (U+007F) at character 8; {plain}"),
                format!("organization.academic_year: contains a line break (U+000D) at character 10; {plain}"),
                format!("staff[0].access_roles[1]: contains a bidirectional text control (U+2066) at character 5; {plain}"),
                "parents[0].id: is 201 characters long; at most 200 are allowed".to_owned(),
            ]
        );
    }

    #[test]
    fn values_in_messages_have_their_control_characters_escaped() {
        let lines = problems_after(|d| {
            d["students"][0]["class"] = json!("c-\u{1b}[2J\u{202e}");
        });
        assert_eq!(
            lines,
            [r#"students[0].class: no class with id "c-\u001b[2J\u202e""#]
        );
        assert!(lines
            .iter()
            .all(|l| !l.chars().any(crate::text::is_control)));
    }

    #[test]
    fn two_classes_may_not_share_a_name() {
        let lines = problems_after(|d| {
            let classes = d["classes"].as_array_mut().unwrap();
            classes.push(json!({ "id": "c-1a-2", "name": "1 а" }));
            classes.push(json!({ "id": "c-1a-3", "name": " 1А" }));
            // A Latin "a" looks like the Cyrillic one.
            classes.push(json!({ "id": "c-5a-2", "name": "5 a" }));
            classes.push(json!({ "id": "c-1b", "name": "1 б" }));
        });
        let tail = "two classes with one name would get chats of one title and two rows of one name in the links table: give each class a name of its own, or merge them";
        assert_eq!(
            lines,
            [
                format!(r#"classes[2].name: "1 а" is also the name of classes[0]; {tail}"#),
                format!(
                    r#"classes[3].name: " 1А" is also the name of classes[0] (written "1 а"); {tail}"#
                ),
                format!(
                    r#"classes[4].name: "5 a" is also the name of classes[1] (written "5 а"); {tail}"#
                ),
            ]
        );
    }

    #[test]
    fn a_staff_member_who_is_a_parent_may_share_a_sferum_id_with_the_same_full_name() {
        let lines = problems_after(|d| {
            d["parents"][0]["full_name"] = json!("иванова  мария петровна");
            d["parents"][0]["sferum_id"] = json!(1_000_001);
        });
        assert!(lines.is_empty(), "{lines:?}");
        // Ё and Е are one letter in a name written either way.
        let lines = problems_after(|d| {
            d["staff"][1]["full_name"] = json!("Сидорова Алёна");
            d["staff"][1]["sferum_id"] = json!(1_000_003);
            d["parents"][0]["full_name"] = json!("Сидорова Алена");
            d["parents"][0]["sferum_id"] = json!(1_000_003);
        });
        assert!(lines.is_empty(), "{lines:?}");
    }

    #[test]
    fn max_id_is_optional_unique_like_the_sferum_id_and_read_into_the_model() {
        let data = parse_school_data(&valid().to_string()).expect("valid");
        assert!(data.students.iter().all(|s| s.max_id.is_none()));
        let lines = problems_after(|d| {
            d["staff"][0]["max_id"] = json!(0);
            d["students"][0]["max_id"] = json!("5");
            d["students"][1]["max_id"] = json!(u64::MAX);
        });
        let what = "expected a MAX user id (a positive integer) or null";
        assert_eq!(
            lines,
            [
                format!("staff[0].max_id: {what}, got 0"),
                format!(r#"students[0].max_id: {what}, got "5""#),
                format!("students[1].max_id: {what}, got 18446744073709551615"),
            ]
        );
        let lines = problems_after(|d| {
            d["students"][0]["max_id"] = json!(77);
            d["parents"][0]["max_id"] = json!(77);
        });
        assert_eq!(
            lines,
            [
                r#"parents[0].max_id: MAX id 77 is also on students[0] ("Петров Иван"); two records may share a MAX id only when they are one person: a staff member and a parent with the same full name"#
            ]
        );
        let mut doc = valid();
        doc["students"][0]["max_id"] = json!(77);
        let data = parse_school_data(&doc.to_string()).expect("valid");
        assert_eq!(data.students[0].max_id, Some(77));
    }

    #[test]
    fn otherwise_one_sferum_id_on_two_records_is_refused_naming_both() {
        let rule = "two records may share a Sferum ID only when they are one person: a staff member and a parent with the same full name";
        // A parent with another name.
        let lines = problems_after(|d| d["parents"][0]["sferum_id"] = json!(1_000_001));
        assert_eq!(
            lines,
            [format!(
                r#"parents[0].sferum_id: Sferum ID 1000001 is also on staff[0] ("Иванова Мария Петровна"); {rule}"#
            )]
        );
        // Two students; a student and a parent of the same name; two staff members.
        let lines = problems_after(|d| {
            d["students"][1]["sferum_id"] = json!(2_000_001);
            d["parents"][0]["full_name"] = json!("Петров Иван");
            d["parents"][0]["sferum_id"] = json!(2_000_001);
            d["staff"][1]["sferum_id"] = json!(1_000_001);
        });
        assert_eq!(
            lines,
            [
                format!(
                    r#"staff[1].sferum_id: Sferum ID 1000001 is also on staff[0] ("Иванова Мария Петровна"); {rule}"#
                ),
                format!(
                    r#"students[1].sferum_id: Sferum ID 2000001 is also on students[0] ("Петров Иван"); {rule}"#
                ),
                format!(
                    r#"parents[0].sferum_id: Sferum ID 2000001 is also on students[0] ("Петров Иван"); {rule}"#
                ),
            ]
        );
        // A staff member who is a parent, and a second parent record of the same person.
        let lines = problems_after(|d| {
            let parents = d["parents"].as_array_mut().unwrap();
            parents[0]["full_name"] = json!("Иванова Мария Петровна");
            parents[0]["sferum_id"] = json!(1_000_001);
            let mut twin = parents[0].clone();
            twin["id"] = json!("p-2");
            parents.push(twin);
        });
        assert_eq!(
            lines,
            [format!(
                r#"parents[1].sferum_id: Sferum ID 1000001 is also on parents[0] ("Иванова Мария Петровна"); {rule}"#
            )]
        );
    }

    #[test]
    fn join_links_are_https_links_or_nothing() {
        for good in [
            json!(null),
            json!(""),
            json!("https://sferum.ru/?call_link=0123456789abcdef"),
            json!("HTTPS://sferum.ru/?p=messages&join=AJQ"),
        ] {
            let lines = problems_after(|d| d["video_calls"][0]["join_link"] = good.clone());
            assert!(lines.is_empty(), "{good}: {lines:?}");
        }
        let what = "expected an https:// link such as https://sferum.ru/?call_link=… or null";
        for bad in [
            "javascript:alert(document.cookie)",
            "http://sferum.ru/?call_link=1",
            "https://",
            "https:///path",
            "https://sferum.ru/?a b",
            " https://sferum.ru/",
            "sferum.ru/?call_link=1",
        ] {
            let lines = problems_after(|d| d["video_calls"][0]["join_link"] = json!(bad));
            assert_eq!(
                lines,
                [format!(
                    "video_calls[0].join_link: {what}, got {}",
                    Got::of(&json!(bad))
                )]
            );
        }
        let long = format!(
            "https://sferum.ru/?call_link={}",
            "0".repeat(MAX_LINK_CHARS)
        );
        let lines = problems_after(|d| d["video_calls"][0]["join_link"] = json!(long));
        assert_eq!(
            lines,
            [format!(
                "video_calls[0].join_link: is {} characters long; at most {MAX_LINK_CHARS} are allowed",
                long.chars().count()
            )]
        );
    }

    #[test]
    fn a_utf8_byte_order_mark_is_ignored() {
        let text = format!("\u{feff}{}", valid());
        let data = parse_school_data(&text).expect("valid despite the BOM");
        assert_eq!(data.organization.id, "school-239");
    }

    #[test]
    fn problems_carry_their_facts_as_kinds() {
        let kinds = |edit: fn(&mut Value)| -> Vec<ProblemKind> {
            let mut doc = valid();
            edit(&mut doc);
            validate(&doc).into_iter().map(|p| p.kind).collect()
        };
        let found = kinds(|d| {
            d["students"][0]["class"] = json!("c-\u{1b}");
            d["students"][1]["id"] = json!("s-1");
            d["parents"][0]["sferum_id"] = json!(2_000_001);
            d["classes"][1]["name"] = json!("1 А");
            d["video_calls"][0]["starts_at"] = json!(9);
        });
        assert_eq!(
            found,
            [
                ProblemKind::ClassNameTaken {
                    name: "1 А".into(),
                    first: "classes[0]".into(),
                    written: Some("1 а".into()),
                },
                ProblemKind::Unknown {
                    table: Table::Classes,
                    id: "c-\u{1b}".into(),
                },
                ProblemKind::DuplicateId {
                    id: "s-1".into(),
                    count: 2,
                    first: "students[0]".into(),
                },
                ProblemKind::AccountTaken {
                    account: Account::Sferum,
                    id: 2_000_001,
                    other: "students[0]".into(),
                    other_name: Some("Петров Иван".into()),
                },
                // The renamed student's groups now name no one.
                ProblemKind::Unknown {
                    table: Table::Students,
                    id: "s-40".into(),
                },
                ProblemKind::Expected {
                    what: Expected::Timestamp,
                    got: Got::Number(9.into()),
                },
            ]
        );
        let found = kinds(|d| {
            d["format"] = json!(null);
            d["organization"]["name"] = json!("   ");
        });
        assert_eq!(
            found,
            [
                ProblemKind::FormatUnsupported { got: Got::Null },
                ProblemKind::Text(TextProblem::Blank),
            ]
        );
    }

    #[test]
    fn broken_json_keeps_serdes_category_and_place() {
        let kind = |text: &str| parse_school_data(text).unwrap_err().remove(0).kind;
        assert_eq!(
            kind("{\n"),
            ProblemKind::Json {
                category: Category::Eof,
                line: 2,
                column: 0,
                text: "EOF while parsing an object".into(),
            }
        );
        assert!(matches!(
            kind("{} x"),
            ProblemKind::Json { category: Category::Syntax, text, .. } if text == "trailing characters"
        ));
    }
}
