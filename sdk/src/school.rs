//! The `school-data/1` model: one organization's staff, classes, students, parents, subject
//! groups and video calls. Unknown fields are kept (in `extra`) and ignored.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// The only format version this model reads.
pub const FORMAT: &str = "school-data/1";

/// A person's Sferum (VK) account id.
pub type SferumId = u64;

/// A person's MAX messenger user id (its own id space, not a VK id).
pub type MaxId = u64;

/// One organization's full snapshot.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SchoolData {
    /// Always [`FORMAT`].
    pub format: String,
    pub organization: Organization,
    #[serde(default)]
    pub staff: Vec<Staff>,
    #[serde(default)]
    pub classes: Vec<Class>,
    #[serde(default)]
    pub students: Vec<Student>,
    #[serde(default)]
    pub parents: Vec<Parent>,
    #[serde(default)]
    pub subject_groups: Vec<SubjectGroup>,
    #[serde(default)]
    pub video_calls: Vec<VideoCall>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The school itself.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub academic_year: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An employee's personal file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Staff {
    pub id: String,
    pub full_name: String,
    #[serde(default)]
    pub positions: Vec<Position>,
    /// «Является ИО руководителя».
    #[serde(default)]
    pub acting_head: bool,
    /// User access roles in the host: `administrator`, `head`, `teacher`, …
    #[serde(default)]
    pub access_roles: Vec<String>,
    /// The class chosen in the employee's own card: data only, never a rule input.
    #[serde(default)]
    pub homeroom_class: Option<String>,
    #[serde(default)]
    pub sferum_id: Option<SferumId>,
    /// The MAX user id, when the school data knows it (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_id: Option<MaxId>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Staff {
    /// Positions the employee holds now.
    pub fn current_positions(&self) -> impl Iterator<Item = &Position> {
        self.positions.iter().filter(|p| p.current)
    }
}

/// One position of an employee.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Position {
    pub title: String,
    pub level: Level,
    #[serde(default)]
    pub pedagogical: bool,
    /// `false` marks a position the employee no longer holds.
    #[serde(default = "yes")]
    pub current: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn yes() -> bool {
    true
}

/// A position's level.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// «Руководитель 1 уровня» (the director).
    #[serde(rename = "head_1")]
    Head1,
    /// «Руководитель 2 уровня».
    #[serde(rename = "head_2")]
    Head2,
    Staff,
    Other,
}

impl Level {
    /// All levels as written in the data.
    pub const NAMES: [&'static str; 4] = ["head_1", "head_2", "staff", "other"];
}

/// A class of the current academic year.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Class {
    pub id: String,
    /// As the school writes it, e.g. `1 а`.
    pub name: String,
    /// «Классный руководитель» from the class card (a staff id), if any.
    #[serde(default)]
    pub class_teacher: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A current student.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Student {
    pub id: String,
    pub full_name: String,
    /// The class id.
    pub class: String,
    #[serde(default)]
    pub sferum_id: Option<SferumId>,
    /// The MAX user id, when the school data knows it (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_id: Option<MaxId>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A parent or guardian.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Parent {
    pub id: String,
    pub full_name: String,
    /// Student ids.
    #[serde(default)]
    pub children: Vec<String>,
    #[serde(default)]
    pub sferum_id: Option<SferumId>,
    /// The MAX user id, when the school data knows it (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_id: Option<MaxId>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A subject group: some students of a class taught a subject by one teacher.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SubjectGroup {
    pub id: String,
    /// The class id.
    pub class: String,
    pub subject: String,
    /// The staff id of the subject teacher.
    pub teacher: String,
    /// Student ids.
    #[serde(default)]
    pub students: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A video call a teacher published for a lesson.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VideoCall {
    pub id: String,
    /// The class id.
    pub class: String,
    pub subject: String,
    /// The staff id of the teacher.
    pub teacher: String,
    /// RFC 3339 start time.
    pub starts_at: String,
    pub title: String,
    #[serde(default)]
    pub published: bool,
    /// Filled in by the Sferum sync task.
    #[serde(default)]
    pub join_link: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SchoolData {
    /// The class with this id.
    pub fn class(&self, id: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.id == id)
    }
}

/// Natural order of class names: digit runs compare as numbers, the rest case-insensitively,
/// whitespace ignored (`1 а` < `1 б` < `2 а` < `10 а` < `11 в`).
pub fn natural_class_order(a: &str, b: &str) -> Ordering {
    let (ta, tb) = (tokens(a), tokens(b));
    for (x, y) in ta.iter().zip(&tb) {
        let o = match (x, y) {
            (Token::Num(x), Token::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
            (Token::Num(_), Token::Text(_)) => Ordering::Less,
            (Token::Text(_), Token::Num(_)) => Ordering::Greater,
            (Token::Text(x), Token::Text(y)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ta.len().cmp(&tb.len()).then_with(|| a.cmp(b))
}

#[derive(Debug)]
enum Token {
    /// Digits with leading zeros stripped.
    Num(String),
    /// Lowercased text without whitespace.
    Text(String),
}

fn tokens(s: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for ch in s.chars().filter(|c| !c.is_whitespace()) {
        match (out.last_mut(), ch.is_ascii_digit()) {
            (Some(Token::Num(n)), true) => n.push(ch),
            (Some(Token::Text(t)), false) => t.extend(ch.to_lowercase()),
            (_, true) => out.push(Token::Num(ch.to_string())),
            (_, false) => out.push(Token::Text(ch.to_lowercase().collect())),
        }
    }
    for t in &mut out {
        if let Token::Num(n) = t {
            let trimmed = n.trim_start_matches('0');
            *n = if trimmed.is_empty() {
                "0".into()
            } else {
                trimmed.into()
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::natural_class_order;

    #[test]
    fn classes_in_natural_order() {
        let mut names = vec!["11 в", "2 а", "10 а", "1 б", "1 а", "1а"];
        names.sort_by(|a, b| natural_class_order(a, b));
        assert_eq!(names, ["1 а", "1а", "1 б", "2 а", "10 а", "11 в"]);
    }
}
