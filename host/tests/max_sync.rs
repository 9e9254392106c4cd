//! The MAX sync task end to end: the real `exchange-host` binary with the built plugin, a
//! real SQLite file and the MAX emulator over loopback, people played by its acts.

mod common;

use common::*;
use max_emulator::{
    Act, Emulator, EmulatorConfig, EmulatorHandle, FaultKind, FaultRule, Permission,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::Duration;

const BOT: i64 = 900;
const TOKEN: &str = "fake-e2e-max-bot-token-0001";
const STAFF: &str = "Учительская";
const PARENTS: &str = "5 а — родители";
const STUDENTS: &str = "5 а — ученики";

/// Director 1001 (admin of the staff room), teachers 1002 (class teacher of 5 а) and 1003,
/// students 2001, 2002 and s3 without a MAX id, parents 3001 and 3002.
fn school_doc() -> Value {
    let teacher = |id: &str, max: i64| {
        json!({"id": id, "full_name": format!("Учитель {id}"), "max_id": max,
        "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]})
    };
    json!({
        "format": "school-data/1",
        "organization": {"id": "school", "name": "Школа № 1", "academic_year": "2026/2027"},
        "staff": [
            {"id": "d", "full_name": "Директор", "max_id": 1001,
             "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": true}]},
            teacher("t1", 1002), teacher("t2", 1003)
        ],
        "classes": [{"id": "c5a", "name": "5 а", "class_teacher": "t1"}],
        "students": [
            {"id": "s1", "full_name": "Ученик 1", "class": "c5a", "max_id": 2001},
            {"id": "s2", "full_name": "Ученик 2", "class": "c5a", "max_id": 2002},
            {"id": "s3", "full_name": "Ученик 3", "class": "c5a"}
        ],
        "parents": [
            {"id": "p1", "full_name": "Родитель 1", "children": ["s1"], "max_id": 3001},
            {"id": "p2", "full_name": "Родитель 2", "children": ["s2"], "max_id": 3002}
        ],
        "video_calls": [{"id": "v1", "class": "c5a", "subject": "Математика", "teacher": "t1",
                         "starts_at": "2026-11-28T10:00:00+03:00", "title": "Урок", "published": true}]
    })
}

struct School {
    emulator: EmulatorHandle,
    host: HostDir,
    task: String,
}

impl School {
    fn new() -> School {
        let emulator =
            Emulator::start(EmulatorConfig::default().bot(BOT, "school_bot", TOKEN)).unwrap();
        let host = HostDir::new();
        host.install("max_sync");
        for user_id in [
            1001, 1002, 1003, 2001, 2002, 2003, 3001, 3002, 5555, 7001, 7002, 7003,
        ] {
            let first_name = format!("Человек {user_id}");
            let person = Act::AddPerson {
                user_id,
                first_name,
                last_name: None,
                username: None,
                privacy: false,
            };
            emulator.act(person).unwrap();
        }
        let mut school = School {
            emulator,
            host,
            task: String::new(),
        };
        school
            .cli(&["org", "add", "school", "--name", "Школа № 1"])
            .ok();
        let token = format!("max.bot_token={TOKEN}");
        school
            .cli(&["org", "set", "school", &token, "max.bot_name=school_bot"])
            .ok();
        school.import(&school_doc());
        school.task = school
            .cli(&["task", "add", "--org", "school", "--type", "max-sync"])
            .ok()
            .stdout
            .trim()
            .to_string();
        school
    }

    /// `exchange-host` on this school, its API calls going to the emulator.
    fn command(&self) -> Command {
        let mut command = self.host.command();
        command.env("MAX_API_BASE", self.emulator.base_url());
        command
    }

    /// Runs `exchange-host`; fails the test if the token was printed.
    fn cli(&self, args: &[&str]) -> Run {
        let run = Run::from_output(self.command().args(args).output().unwrap());
        assert!(
            !run.all().contains(TOKEN),
            "the token was printed:\n{}",
            run.all()
        );
        run
    }

    fn import(&self, doc: &Value) {
        let file = self.host.path("school.json");
        std::fs::write(&file, serde_json::to_string_pretty(doc).unwrap()).unwrap();
        self.cli(&["school", "import", "school", &file]).ok();
    }

    fn sync(&self) -> Run {
        self.cli(&["run", &self.task])
    }

    /// A person creates a chat with `members` and adds the bot as an admin with the rights
    /// the task asks for.
    fn people_create(&self, by: i64, title: &str, members: &[i64]) -> i64 {
        let chat = self
            .emulator
            .act(Act::CreateChat {
                by,
                title: title.into(),
                members: members.to_vec(),
                link: true,
            })
            .unwrap()["chat_id"]
            .as_i64()
            .unwrap();
        let rights = vec![
            Permission::AddRemoveMembers,
            Permission::AddAdmins,
            Permission::ChangeChatInfo,
        ];
        self.emulator
            .act(Act::AddBot {
                chat_id: chat,
                by,
                bot_id: BOT,
                admin: Some(rights),
            })
            .unwrap();
        chat
    }

    /// Chats by title: members and admins, the bot left out.
    fn chats(&self) -> BTreeMap<String, (BTreeSet<i64>, BTreeSet<i64>)> {
        let state = self.emulator.state();
        state
            .chats
            .values()
            .map(|c| {
                let people = c.members.values().filter(|m| m.user_id != BOT);
                (
                    c.title.clone(),
                    (
                        people.clone().map(|m| m.user_id).collect(),
                        people.filter(|m| m.is_admin).map(|m| m.user_id).collect(),
                    ),
                )
            })
            .collect()
    }

    fn links(&self) -> Value {
        let out = self.cli(&["links", "school", "--json"]).ok();
        serde_json::from_str::<Value>(&out.stdout).unwrap()["max-sync"]["table"].clone()
    }

    fn deep_links(&self) -> Vec<Value> {
        let out = self.cli(&["school", "max-links", "school", "--json"]).ok();
        serde_json::from_str(&out.stdout).unwrap()
    }
}

fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

#[test]
fn a_malformed_chat_binding_is_refused_in_the_clis_language() {
    let h = HostDir::new();
    h.install("max_sync");
    let cli = |locale: &str, args: &[&str]| h.cli_with_env(args, &[("LC_ALL", locale)]);
    cli("C.UTF-8", &["org", "add", "school", "--name", "Школа № 1"]).ok();
    let add = [
        "task",
        "add",
        "--org",
        "school",
        "--type",
        "max-sync",
        "bind_chats=Учительская",
    ];
    let english = cli("C.UTF-8", &add).failed();
    assert!(
        english.stderr.contains(
            "  bind_chats: «Учительская» is not CHAT_ID=PURPOSE, e.g. -70000000000001=Учительская"
        ),
        "{}",
        english.stderr
    );
    let russian = cli("ru_RU.UTF-8", &add).failed();
    assert!(
        russian.stderr.contains(
            "  bind_chats: «Учительская» — не пара ИДЕНТИФИКАТОР_ЧАТА=НАЗНАЧЕНИЕ, например -70000000000001=Учительская"
        ),
        "{}",
        russian.stderr
    );
    let tasks = cli("C.UTF-8", &["task", "list", "--json"]).ok();
    assert!(!tasks.stdout.contains("max-sync"), "{}", tasks.stdout);
}

#[test]
fn chats_people_created_are_adopted_reconciled_and_published_and_missing_ones_reported() {
    let s = School::new();
    // Before anyone created a chat: every chat is missing, with what to do.
    let first = s.sync();
    let text = first.all();
    assert!(
        text.contains("missing chat «Учительская»") && text.contains("@school_bot"),
        "{text}"
    );
    assert!(
        text.contains("add_remove_members, add_admins, change_chat_info"),
        "{text}"
    );
    assert!(text.contains("no video-call methods"), "{text}");
    // People create the staff room (with a stranger) and the parents' chat, under a near title.
    s.people_create(1001, STAFF, &[1002, 5555]);
    let parents = s.people_create(1002, "5а родители", &[3001]);
    s.cli(&[
        "task",
        "set",
        &s.task,
        &format!("bind_chats={parents}={PARENTS}"),
    ])
    .ok();
    let second = s.sync();
    let text = second.all();
    assert!(text.contains("missing chat «5 а — ученики»"), "{text}");
    let chats = s.chats();
    assert_eq!(
        chats[STAFF],
        (set(&[1001, 1002, 1003]), set(&[1001])),
        "the owner stays admin, the stranger is gone"
    );
    assert_eq!(
        chats[PARENTS],
        (set(&[1002, 3001, 3002]), set(&[1002])),
        "the title was restored"
    );
    let table = s.links();
    assert_eq!(table["columns"][0], "Учебный коллектив");
    assert!(table["rows"][0]["links"][0]
        .as_str()
        .unwrap()
        .starts_with("https://max.ru/join/"));
    assert!(table["rows"][1]["links"][0].is_string() && table["rows"][1]["links"][1].is_null());
    // In step: the next run writes nothing.
    s.emulator.reset_stats();
    s.sync();
    let stats = s.emulator.stats();
    for write in [
        "addMembers",
        "removeMember",
        "postAdmins",
        "deleteAdmin",
        "editChat",
    ] {
        assert_eq!(
            stats.operations.get(write).copied().unwrap_or(0),
            0,
            "{write}: {stats:?}"
        );
    }
}

#[test]
fn a_person_is_bound_through_the_deep_link_and_the_binding_survives_a_reimport() {
    let s = School::new();
    s.people_create(1002, STUDENTS, &[2001]);
    s.sync();
    let links = s.deep_links();
    let s3 = links
        .iter()
        .find(|l| l["person"] == "student:s3")
        .expect("a deep link for s3");
    let link = s3["link"].as_str().unwrap();
    let payload = link
        .strip_prefix("https://max.ru/school_bot?start=")
        .expect(link);
    assert!(payload.len() >= 32, "unguessable: {payload}");
    s.emulator
        .act(Act::StartBot {
            user_id: 2003,
            bot_id: BOT,
            payload: Some(payload.into()),
        })
        .unwrap();
    s.sync();
    assert_eq!(s.chats()[STUDENTS].0, set(&[1002, 2001, 2002, 2003]));
    s.import(&school_doc());
    s.sync();
    assert_eq!(
        s.chats()[STUDENTS].0,
        set(&[1002, 2001, 2002, 2003]),
        "the binding survived the import"
    );
    let bound = s
        .deep_links()
        .into_iter()
        .find(|l| l["person"] == "student:s3")
        .unwrap();
    assert_eq!(bound["max_id"], 2003);
}

#[test]
fn faults_and_kills_never_leave_a_wrong_member_list_once_runs_converge() {
    let s = School::new();
    // The task runs before people add the bot: without a marker MAX serves only the newest
    // update, so the first run sets the marker.
    s.sync();
    s.people_create(1001, STAFF, &[1002, 7001, 7002]);
    s.people_create(1002, PARENTS, &[3001, 7003]);
    s.cli(&["task", "set", &s.task, "max_removals_percent=100"])
        .ok();
    s.emulator
        .set_faults(vec![
            FaultRule::probability(FaultKind::Http500, 0.1),
            FaultRule::probability(FaultKind::Drop, 0.05),
            FaultRule::probability(FaultKind::CommitThenDrop, 0.05),
            FaultRule::probability(FaultKind::SuccessFalse, 0.1),
            FaultRule::probability(FaultKind::TooManyRequests, 0.05),
        ])
        .unwrap();
    for round in 0..4 {
        let mut child = s.command().args(["run", &s.task]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(150 + 200 * round));
        let _ = child.kill();
        let _ = child.wait();
        s.sync();
    }
    s.emulator.set_faults(vec![]).unwrap();
    s.sync();
    let chats = s.chats();
    assert_eq!(chats[STAFF], (set(&[1001, 1002, 1003]), set(&[1001])));
    assert_eq!(chats[PARENTS], (set(&[1002, 3001, 3002]), set(&[1002])));
}
