//! An in-process world for the sync: the Sferum emulator on loopback, a recording host, and
//! a sample school.

use exchange_sdk::school::SchoolData;
use exchange_sdk::testing::TestHost;
use exchange_sdk::{RunRequest, RunSummary};
use serde_json::json;
use sferum_emulator::{Chat, Emulator, EmulatorConfig, EmulatorHandle, FaultRule};
use sferum_sync::client::RetryPolicy;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub const COMMUNITY: u64 = 239;
pub const TOKEN: &str = "vk1.a.SECRET-test-token-239";

/// Methods that change Sferum.
pub const WRITES: [&str; 6] = [
    "messages.createChat",
    "messages.addChatUser",
    "messages.removeChatUser",
    "messages.setMemberRole",
    "messages.editChat",
    "calls.start",
];

/// Quick retries so fault tests stay fast.
pub fn fast() -> RetryPolicy {
    RetryPolicy {
        attempts: 6,
        backoff: Duration::from_millis(5),
        flood_pause: Duration::from_millis(20),
        timeout: Duration::from_millis(1500),
    }
}

/// The emulator, the host and the school of one test.
pub struct World {
    pub emu: EmulatorHandle,
    pub host: TestHost,
    pub school: SchoolData,
    pub params: BTreeMap<String, String>,
    pub org: BTreeMap<String, String>,
    pub dry_run: bool,
    /// The next runs are started with `--force` (removals confirmed).
    pub force: bool,
    /// The host's language: `en` (most tests read the plugin's English texts) or `ru`.
    pub locale: &'static str,
}

impl World {
    /// The sample school against a fresh emulator.
    pub fn new() -> World {
        let emu = Emulator::start(EmulatorConfig::default().community(COMMUNITY, TOKEN))
            .expect("emulator starts");
        let org = [
            ("sferum.community_id", COMMUNITY.to_string()),
            ("sferum.access_token", TOKEN.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        World {
            emu,
            host: TestHost::default(),
            school: sample_school(),
            params: BTreeMap::new(),
            org,
            dry_run: false,
            force: false,
            locale: "en",
        }
    }

    pub fn param(&mut self, key: &str, value: &str) {
        self.params.insert(key.into(), value.into());
    }

    pub fn faults(&self, rules: Vec<FaultRule>) {
        self.emu.set_faults(rules).unwrap();
    }

    fn request(&self) -> RunRequest {
        RunRequest {
            task_id: "task-1".into(),
            org_id: "school-239".into(),
            params: self.params.clone(),
            org_values: self.org.clone(),
            school: Some(self.school.clone()),
            dry_run: self.dry_run,
            force: self.force,
            locale: self.locale.into(),
        }
    }

    /// One run; the call links the run wrote go into the school data, as the host does.
    pub fn run(&mut self) -> Result<RunSummary, String> {
        self.host.logs.lock().unwrap().clear();
        let ctx = self.host.context::<sferum_sync::SferumSync>(self.request());
        let result = sferum_sync::run_with(&ctx, &self.emu.base_url(), fast());
        for (id, link) in self.host.call_links.lock().unwrap().iter() {
            if let Some(c) = self.school.video_calls.iter_mut().find(|c| &c.id == id) {
                c.join_link = Some(link.clone());
            }
        }
        result
    }

    /// A run that must succeed with status ok.
    pub fn run_ok(&mut self) -> RunSummary {
        let s = self
            .run()
            .unwrap_or_else(|e| panic!("run failed: {e}\n{}", self.log()));
        assert_eq!(
            s.status,
            exchange_sdk::RunStatus::Ok,
            "{}\n{}",
            s.message,
            self.log()
        );
        s
    }

    pub fn check(&self) -> Result<String, String> {
        let ctx = self.host.context::<sferum_sync::SferumSync>(self.request());
        sferum_sync::check_with(&ctx, &self.emu.base_url(), fast())
    }

    pub fn log(&self) -> String {
        let logs = self.host.logs.lock().unwrap();
        let lines: Vec<String> = logs
            .iter()
            .map(|(level, message)| format!("{} {message}", *level as u8))
            .collect();
        lines.join("\n")
    }

    /// The chats the community can reach.
    pub fn chats(&self) -> Vec<Chat> {
        self.emu.state().communities[&COMMUNITY]
            .chats
            .values()
            .filter(|c| c.community_access)
            .cloned()
            .collect()
    }

    /// The one chat with this title (panics on none or a duplicate).
    pub fn chat(&self, title: &str) -> Chat {
        let found: Vec<_> = self
            .chats()
            .into_iter()
            .filter(|c| c.title == title)
            .collect();
        assert_eq!(found.len(), 1, "chats titled «{title}»: {}", found.len());
        found.into_iter().next().unwrap()
    }

    pub fn members(&self, title: &str) -> BTreeSet<i64> {
        self.chat(title)
            .members
            .iter()
            .map(|m| m.member_id)
            .filter(|&id| id > 0)
            .collect()
    }

    pub fn admins(&self, title: &str) -> BTreeSet<i64> {
        self.chat(title)
            .members
            .iter()
            .filter(|m| m.is_admin && m.member_id > 0)
            .map(|m| m.member_id)
            .collect()
    }

    /// Write calls served since the last stats reset.
    pub fn writes(&self) -> u64 {
        let stats = self.emu.stats();
        WRITES
            .iter()
            .map(|m| stats.methods.get(*m).copied().unwrap_or(0))
            .sum()
    }

    /// Sferum shows exactly the chats, members and admins the rules want, once each.
    pub fn assert_converged(&self) {
        let desired = sferum_sync::rules::desired(
            &self.school,
            self.params.get("subject_chats").is_some_and(|v| v == "1"),
        );
        for d in &desired.chats {
            let want: BTreeSet<i64> = d.members.keys().map(|&id| id as i64).collect();
            assert_eq!(
                self.members(&d.title),
                want,
                "members of «{}»\n{}",
                d.title,
                self.log()
            );
            let want: BTreeSet<i64> = d.admins.iter().map(|&id| id as i64).collect();
            assert_eq!(self.admins(&d.title), want, "admins of «{}»", d.title);
        }
        let titles: Vec<String> = self.chats().into_iter().map(|c| c.title).collect();
        let unique: BTreeSet<&String> = titles.iter().collect();
        assert_eq!(unique.len(), titles.len(), "duplicate chats: {titles:?}");
    }

    pub fn counter(summary: &RunSummary, key: &str) -> u64 {
        summary.counters.get(key).copied().unwrap_or(0)
    }
}

/// A school of five classes. Sferum IDs: director 1000, teachers 1001.., students 2000+,
/// parents 3000+. Traps: a former director (1007), a teacher whose card names a class she
/// does not lead (1003 → 11 в), a teacher who is a parent (1005), a family in two classes
/// (3999), people without a Sferum ID, a class without a class teacher (11 в).
pub fn sample_school() -> SchoolData {
    let ped = |id: &str, sferum: Option<u64>| {
        json!({"id": id, "full_name": format!("Учитель {id}"), "sferum_id": sferum,
               "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]})
    };
    let mut staff = vec![
        json!({"id": "dir", "full_name": "Директор Иванова", "sferum_id": 1000,
               "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": true}]}),
        ped("t1", Some(1001)),
        ped("t2", Some(1002)),
        json!({"id": "t3", "full_name": "Учитель t3", "sferum_id": 1003, "homeroom_class": "c-11v",
               "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]}),
        ped("t4", Some(1004)),
        ped("t5", Some(1005)),
        json!({"id": "io", "full_name": "ИО директора", "sferum_id": 1006, "acting_head": true,
               "positions": [{"title": "Завуч", "level": "head_2", "pedagogical": true, "current": true}]}),
        json!({"id": "exdir", "full_name": "Бывший директор", "sferum_id": 1007,
               "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": false},
                             {"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]}),
        ped("t8", None),
        json!({"id": "cook", "full_name": "Повар", "sferum_id": 1099,
               "positions": [{"title": "Повар", "level": "other", "pedagogical": false, "current": true}]}),
    ];
    staff.push(json!({"id": "admin", "full_name": "Администратор", "sferum_id": 1010, "access_roles": ["administrator"], "positions": []}));
    let classes = [
        ("c-1a", "1 а", Some("t1")),
        ("c-1b", "1 б", Some("t2")),
        ("c-2a", "2 а", Some("t3")),
        ("c-10a", "10 а", Some("t4")),
        ("c-11v", "11 в", None),
    ];
    let mut students = Vec::new();
    let mut parents = Vec::new();
    let mut k = 0;
    for (class_id, _, _) in classes {
        for i in 1..=6 {
            k += 1;
            let sid = format!("s-{class_id}-{i}");
            let sferum = (i != 6).then_some(2000 + k);
            students.push(json!({"id": sid, "full_name": format!("Ученик {k}"), "class": class_id, "sferum_id": sferum}));
            let psferum = (i != 5).then_some(3000 + k);
            parents.push(json!({"id": format!("p-{k}"), "full_name": format!("Родитель {k}"), "children": [sid], "sferum_id": psferum}));
        }
    }
    parents.push(json!({"id": "p-fam", "full_name": "Родитель двоих", "children": ["s-c-1a-1", "s-c-2a-1"], "sferum_id": 3999}));
    parents.push(json!({"id": "p-t5", "full_name": "Учитель t5 как родитель", "children": ["s-c-10a-2"], "sferum_id": 1005}));
    let classes: Vec<_> = classes
        .iter()
        .map(|(id, name, t)| json!({"id": id, "name": name, "class_teacher": t}))
        .collect();
    serde_json::from_value(json!({
        "format": "school-data/1",
        "organization": {"id": "school-239", "name": "ГБОУ школа № 239", "academic_year": "2026/2027"},
        "staff": staff, "classes": classes, "students": students, "parents": parents,
        "video_calls": [
            {"id": "v-1", "class": "c-10a", "subject": "Информатика", "teacher": "t4",
             "starts_at": "2026-12-01T09:00:00+03:00", "title": "Урок 12", "published": true, "join_link": null},
            {"id": "v-2", "class": "c-1a", "subject": "Чтение", "teacher": "t1",
             "starts_at": "2026-12-02T09:00:00+03:00", "title": "Урок 3", "published": false, "join_link": null}
        ]
    }))
    .unwrap()
}

/// A large school: `classes` classes of `per_class` students, one parent each, a teacher per
/// class, all with Sferum IDs.
pub fn big_school(classes: usize, per_class: usize) -> SchoolData {
    let letters = ["а", "б", "в", "г", "д"];
    let mut staff = vec![
        json!({"id": "dir", "full_name": "Директор", "sferum_id": 100,
        "positions": [{"title": "Директор", "level": "head_1", "pedagogical": true, "current": true}]}),
    ];
    let (mut class_list, mut students, mut parents) = (Vec::new(), Vec::new(), Vec::new());
    for c in 0..classes {
        let name = format!("{} {}", c / letters.len() + 1, letters[c % letters.len()]);
        staff.push(json!({"id": format!("t{c}"), "full_name": format!("Учитель {c}"), "sferum_id": 1000 + c,
            "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]}));
        class_list
            .push(json!({"id": format!("c{c}"), "name": name, "class_teacher": format!("t{c}")}));
        for i in 0..per_class {
            let k = c * per_class + i;
            students.push(json!({"id": format!("s{k}"), "full_name": format!("Ученик {k}"), "class": format!("c{c}"), "sferum_id": 100_000 + k}));
            parents.push(json!({"id": format!("p{k}"), "full_name": format!("Родитель {k}"), "children": [format!("s{k}")], "sferum_id": 200_000 + k}));
        }
    }
    serde_json::from_value(json!({
        "format": "school-data/1",
        "organization": {"id": "school-239", "name": "ГБОУ школа № 239", "academic_year": "2026/2027"},
        "staff": staff, "classes": class_list, "students": students, "parents": parents,
    }))
    .unwrap()
}
