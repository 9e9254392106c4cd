//! Bad data never gets in, and what got in before never reaches a terminal raw (issue #12):
//! the importer's refusals through the real binary (duplicate class names, one Sferum ID on
//! two people, bad names, another school's file, a `javascript:` link, a school shrinking by
//! 90%, byte order marks and other encodings), control characters escaped in the CLI's
//! output, and the bounds of `school sample --students`.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;

const ORG: &str = "school-239";

/// A database with organization `school-239` and a sample school of 120 students imported.
struct School {
    host: HostDir,
    sample: Value,
}

impl std::ops::Deref for School {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.host
    }
}

impl School {
    fn new() -> School {
        let mut school = School {
            host: HostDir::new(),
            sample: Value::Null,
        };
        school
            .cli(&["org", "add", ORG, "--name", "ГБОУ школа № 239"])
            .ok();
        let file = school.path("sample.json");
        school
            .cli(&["school", "sample", "--students", "120", "-o", &file])
            .ok();
        school.sample = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        school.cli(&["school", "import", ORG, &file]).ok();
        school
    }

    /// Imports these bytes as a file.
    fn import_bytes(&self, bytes: &[u8], extra: &[&str]) -> Run {
        let file = self.path("import.json");
        std::fs::write(&file, bytes).unwrap();
        let mut args = vec!["school", "import", ORG, &file];
        args.extend_from_slice(extra);
        self.cli(&args)
    }

    /// Imports the sample after `edit`.
    fn import_edited(&self, edit: impl FnOnce(&mut Value)) -> Run {
        let mut doc = self.sample.clone();
        edit(&mut doc);
        self.import_bytes(serde_json::to_string_pretty(&doc).unwrap().as_bytes(), &[])
    }

    /// Asserts the import was refused with exit code 2, naming every expected line, and
    /// that the stored data is still the sample's.
    fn assert_refused(&self, run: Run, expected: &[&str]) {
        assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
        for line in expected {
            assert!(run.stderr.contains(line), "no {line:?} in:\n{}", run.stderr);
        }
        assert!(run
            .stderr
            .contains("the previous data of school-239 is unchanged"));
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        let show = self.cli(&["school", "show", ORG, "--json"]).ok();
        let show: Value = serde_json::from_str(&show.stdout).unwrap();
        assert_eq!(show["imports"], 1, "nothing was imported");
    }

    /// Changes the stored data and organization name directly in the database, as data
    /// imported before the validator refused control characters would be.
    fn store_raw(&self, edit: impl FnOnce(&mut Value), org_name: &str) {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let json: String = conn
            .query_row(
                "SELECT json FROM school_data WHERE org_id = ?1",
                [ORG],
                |r| r.get(0),
            )
            .unwrap();
        let mut doc: Value = serde_json::from_str(&json).unwrap();
        edit(&mut doc);
        conn.execute(
            "UPDATE school_data SET json = ?1 WHERE org_id = ?2",
            [doc.to_string(), ORG.to_owned()],
        )
        .unwrap();
        conn.execute("UPDATE orgs SET name = ?1 WHERE id = ?2", [org_name, ORG])
            .unwrap();
    }
}

/// Index of the first parent without a Sferum ID and of a staff member without one.
fn unlinked(doc: &Value, list: &str) -> usize {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["sferum_id"].is_null())
        .unwrap()
}

#[test]
fn two_classes_of_one_name_are_refused() {
    let s = School::new();
    let first = s.sample["classes"][0]["name"].as_str().unwrap().to_owned();
    let run = s.import_edited(|d| d["classes"][1]["name"] = first.clone().into());
    s.assert_refused(
        run,
        &[
            "1 problem",
            &format!("classes[1].name: \"{first}\" is also the name of classes[0]"),
            "give each class a name of its own",
        ],
    );
}

#[test]
fn one_sferum_id_on_two_people_is_refused_naming_both() {
    let s = School::new();
    // The sample has a teacher who is a parent: one person, one Sferum ID, accepted above.
    let id = s.sample["students"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|st| st["sferum_id"].as_u64())
        .unwrap();
    let first = s.sample["students"]
        .as_array()
        .unwrap()
        .iter()
        .position(|st| st["sferum_id"] == id)
        .unwrap();
    let parent = unlinked(&s.sample, "parents");
    let run = s.import_edited(|d| d["parents"][parent]["sferum_id"] = id.into());
    s.assert_refused(
        run,
        &[&format!(
            "parents[{parent}].sferum_id: Sferum ID {id} is also on students[{first}]"
        )],
    );
    let run = s.cli(&["school", "staff", ORG]).ok();
    assert!(!run.stdout.is_empty());
}

#[test]
fn empty_control_character_and_over_long_names_are_refused_by_path() {
    let s = School::new();
    let run = s.import_edited(|d| {
        d["classes"][0]["name"] = "".into(); // its chat would be « — родители»
        d["students"][0]["full_name"] = "Петров\u{1b}[2J Иван".into();
        d["students"][1]["full_name"] = "Петров\nИван".into();
        d["students"][2]["full_name"] = "Петров\0Иван".into();
        d["students"][3]["full_name"] = "\u{202e}навИ вортеП".into();
        d["parents"][0]["full_name"] = "Я".repeat(100_000).into();
    });
    s.assert_refused(
        run,
        &[
            "6 problems",
            "classes[0].name: must not be empty",
            "students[0].full_name: contains an escape character (a terminal escape sequence) (U+001B) at character 7",
            "students[1].full_name: contains a line break (U+000A) at character 7",
            "students[2].full_name: contains a NUL character (U+0000) at character 7",
            "students[3].full_name: contains a bidirectional text control (U+202E) at character 1",
            "parents[0].full_name: is 100000 characters long; at most 200 are allowed",
        ],
    );
}

#[test]
fn another_schools_file_is_refused() {
    let s = School::new();
    let run = s.import_edited(|d| {
        d["organization"]["id"] = "school-100".into();
        d["organization"]["name"] = "ГБОУ школа № 100".into();
    });
    s.assert_refused(
        run,
        &["organization.id: this file is the data of school-100 («ГБОУ школа № 100»), not of school-239"],
    );
}

#[test]
fn a_javascript_join_link_is_refused() {
    let s = School::new();
    let run = s.import_edited(|d| d["video_calls"][0]["join_link"] = "javascript:alert(1)".into());
    s.assert_refused(
        run,
        &[r#"video_calls[0].join_link: expected an https:// link such as https://sferum.ru/?call_link=… or null, got "javascript:alert(1)""#],
    );
}

#[test]
fn an_import_that_drops_most_students_needs_confirmation() {
    let s = School::new();
    let mut doc = s.sample.clone();
    doc["students"].as_array_mut().unwrap().truncate(12);
    let kept: Vec<Value> = doc["students"].as_array().unwrap().to_vec();
    let kept_ids: Vec<&str> = kept.iter().map(|st| st["id"].as_str().unwrap()).collect();
    for parent in doc["parents"].as_array_mut().unwrap() {
        parent["children"]
            .as_array_mut()
            .unwrap()
            .retain(|c| kept_ids.contains(&c.as_str().unwrap()));
    }
    for group in doc["subject_groups"].as_array_mut().unwrap() {
        group["students"]
            .as_array_mut()
            .unwrap()
            .retain(|c| kept_ids.contains(&c.as_str().unwrap()));
    }
    let bytes = serde_json::to_vec(&doc).unwrap();
    let run = s.import_bytes(&bytes, &[]);
    s.assert_refused(
        run,
        &[
            "it would take away more than a third of the school",
            "  students: 120 → 12 (−90%)",
            "--confirm-shrink",
        ],
    );
    let run = s.import_bytes(&bytes, &["--confirm-shrink"]).ok();
    assert!(run.stdout.contains("students: +0 -108"), "{}", run.stdout);
    let show = s.cli(&["school", "show", ORG, "--json"]).ok();
    let show: Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(show["students"], 12);
}

#[test]
fn a_utf8_byte_order_mark_is_named_and_ignored_other_encodings_are_named() {
    let s = School::new();
    let mut doc = s.sample.clone();
    doc["organization"]["academic_year"] = "2027/2028".into();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec_pretty(&doc).unwrap());
    let run = s.import_bytes(&bytes, &[]).ok();
    assert!(
        run.stderr
            .contains("starts with a UTF-8 byte order mark (BOM); it is ignored"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("organization: changed academic_year"));

    let utf16: Vec<u8> = "\u{feff}{}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let run = s.import_bytes(&utf16, &[]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("(document): the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8"),
        "{}",
        run.stderr
    );

    // «Школа» in Windows-1251 on the second line.
    let run = s.import_bytes(b"{\n  \"x\": \"\xD8\xEA\xEE\xEB\xE0\"\n}", &[]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("(document): byte 0xD8 at line 2, column 9 is not UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn control_characters_of_stored_data_are_printed_escaped() {
    let s = School::new();
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";
    let escaped = r"\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e";
    let staff = s.sample["staff"][0]["full_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let class = s.sample["classes"][0]["name"].as_str().unwrap().to_owned();
    s.store_raw(
        |d| {
            d["staff"][0]["full_name"] = format!("{staff}{evil}").into();
            d["staff"][0]["access_roles"] = json!([format!("head\n{evil}")]);
            d["classes"][0]["name"] = format!("{class}{evil}").into();
            d["organization"]["name"] = format!("Школа{evil}").into();
        },
        &format!("ГБОУ{evil}"),
    );
    let commands: [(&[&str], String); 4] = [
        (&["school", "staff", ORG], format!("{staff}{escaped}")),
        (&["school", "coverage", ORG], format!("{class}{escaped}")),
        (&["org", "list"], format!("ГБОУ{escaped}")),
        (&["school", "show", ORG], format!("Школа{escaped}")),
    ];
    for (args, expected) in commands {
        let run = s.cli(args).ok();
        assert!(run.stdout.contains(&expected), "{args:?}:\n{}", run.stdout);
        let raw = run
            .stdout
            .chars()
            .find(|&c| c != '\n' && exchange_sdk::text::is_control(c));
        assert_eq!(raw, None, "{args:?} printed a control character raw");
    }
    let staff_run = s.cli(&["school", "staff", ORG]).ok();
    assert!(staff_run.stdout.contains(&format!(r"head\n{escaped}")));
    let org_show = s.cli(&["org", "show", ORG]).ok();
    assert!(org_show.stdout.contains(&format!("ГБОУ{escaped}")));
}

#[test]
fn org_add_refuses_control_characters_and_empty_names() {
    let s = School::new();
    let run = s
        .cli(&["org", "add", "school-2", "--name", "Школа\u{1b}[31m"])
        .failed();
    assert!(
        run.stderr
            .contains("the organization name (--name) contains an escape character"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'));
    let run = s.cli(&["org", "add", "school-2", "--name", "  "]).failed();
    assert!(run.stderr.contains("must not be blank"), "{}", run.stderr);
    let run = s
        .cli(&["org", "add", "school\u{7}", "--name", "Школа"])
        .failed();
    assert!(
        run.stderr.contains("contains a control character (U+0007)"),
        "{}",
        run.stderr
    );
    let list = s.cli(&["org", "list", "--json"]).ok();
    let list: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn sample_size_is_bounded_and_the_range_is_named() {
    let s = School::new();
    let out = s.path("big.json");
    for bad in ["4294967296", "20001", "0"] {
        let run = s
            .cli(&["school", "sample", "--students", bad, "-o", &out])
            .failed();
        assert!(run.stderr.contains("1..=20000"), "{bad}: {}", run.stderr);
        assert!(!Path::new(&out).exists());
    }
    let run = s
        .cli(&[
            "school",
            "sample",
            "--students",
            "1",
            "--org",
            "school-7",
            "-o",
            &out,
        ])
        .ok();
    assert!(run.stderr.contains("1 students"), "{}", run.stderr);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["organization"]["id"], "school-7");
}
