//! The whole sync, in process, against the Sferum emulator over loopback.

mod errors;
mod harness;
mod proxy;

use exchange_sdk::testing::latin_sentence;
use exchange_sdk::RunStatus;
use harness::*;
use sferum_emulator::{FaultKind, FaultRule, ManualEdit, UserMark};

fn counter(s: &exchange_sdk::RunSummary, key: &str) -> u64 {
    World::counter(s, key)
}

#[test]
fn first_sync_creates_chats_members_admins_links_and_calls() {
    let mut w = World::new();
    let s = w.run_ok();
    w.assert_converged();
    assert_eq!(w.chats().len(), 11);
    assert_eq!(counter(&s, "chats_created"), 11);
    assert_eq!(counter(&s, "calls_published"), 1);
    assert_eq!(counter(&s, "links_published"), 11);
    // Traps of the rules, as Sferum shows them.
    assert_eq!(w.admins("Учительская"), [1000, 1006, 1010].into());
    assert!(w.members("Учительская").contains(&1007) && !w.members("Учительская").contains(&1099));
    assert!(
        !w.members("11 в — ученики").contains(&1003),
        "homeroom_class is not a rule input"
    );
    assert!(w.admins("11 в — ученики").is_empty());
    assert!(
        w.members("1 а — родители").contains(&3999) && w.members("2 а — родители").contains(&3999)
    );
    assert_eq!(w.admins("10 а — родители"), [1004].into());
    assert!(w.members("10 а — родители").contains(&1005));
    // 5 students, 5 parents and t8 without a Sferum ID.
    assert_eq!(counter(&s, "people_without_sferum_id"), 11);
    assert!(
        w.log()
            .contains("11 people have no Sferum ID and are left out of the chats (employees: 1, parents: 5, students: 5;")
            && w.log().contains("0 without a Sferum ID: ")
            && w.log().contains("Учитель t8 (employee)"),
        "{}",
        w.log()
    );
    assert!(
        counter(&s, "api_requests") >= 4 && counter(&s, "api_calls") > counter(&s, "api_requests")
    );
    eprintln!(
        "first sync: {} requests, {} calls",
        counter(&s, "api_requests"),
        counter(&s, "api_calls")
    );

    let table = w
        .host
        .links
        .lock()
        .unwrap()
        .clone()
        .expect("table published");
    assert_eq!(
        table.columns,
        ["Учебный коллектив", "Родительский чат", "Чат учеников"]
    );
    let titles: Vec<_> = table.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["Учительская", "1 а", "1 б", "2 а", "10 а", "11 в"]);
    assert!(table.rows[0].links[0]
        .as_deref()
        .unwrap()
        .starts_with("https://sferum.ru/?p=messages&join="));
    assert_eq!(table.rows[0].links[1], None);
    assert!(table.rows[1..]
        .iter()
        .all(|r| r.links.iter().all(Option::is_some)));

    let link = w.school.video_calls[0]
        .join_link
        .clone()
        .expect("call link written back");
    assert_eq!(w.emu.state().communities[&COMMUNITY].calls.len(), 1);
    assert_eq!(
        w.emu.state().communities[&COMMUNITY].calls[0].join_link,
        link
    );
    assert_eq!(
        w.school.video_calls[1].join_link, None,
        "unpublished calls wait"
    );
}

#[test]
fn second_run_without_changes_only_reads() {
    let mut w = World::new();
    w.run_ok();
    let published = w.host.links.lock().unwrap().clone();
    w.emu.reset_stats();
    let s = w.run_ok();
    let stats = w.emu.stats();
    assert_eq!(w.writes(), 0, "{:?}", stats.methods);
    assert_eq!(stats.methods.get("messages.getInviteLink"), None);
    assert!(
        stats.http_requests <= 11usize.div_ceil(25) as u64 + 2,
        "{stats:?}"
    );
    assert_eq!(counter(&s, "api_requests"), stats.http_requests);
    eprintln!(
        "no-op sync: {} requests, {} calls",
        stats.http_requests,
        counter(&s, "api_calls")
    );
    for key in [
        "chats_created",
        "members_added",
        "members_removed",
        "admins_granted",
        "admins_revoked",
        "calls_published",
    ] {
        assert_eq!(counter(&s, key), 0, "{key}");
    }
    assert_eq!(*w.host.links.lock().unwrap(), published);
}

#[test]
fn school_changes_reach_sferum() {
    let mut w = World::new();
    w.run_ok();
    let ch = &mut w.school;
    // A student joins 1 а with a parent; a student leaves 1 б (her parent goes too).
    ch.students.push(serde_json::from_value(serde_json::json!({"id": "new", "full_name": "Новенький", "class": "c-1a", "sferum_id": 2500})).unwrap());
    ch.parents.push(serde_json::from_value(serde_json::json!({"id": "pn", "full_name": "Мама новенького", "children": ["new"], "sferum_id": 3500})).unwrap());
    ch.students.retain(|s| s.id != "s-c-1b-1");
    ch.parents.retain(|p| p.children != ["s-c-1b-1"]);
    // The class teacher of 2 а changes; 10 а is renamed; 11 в disappears.
    ch.classes
        .iter_mut()
        .find(|c| c.id == "c-2a")
        .unwrap()
        .class_teacher = Some("t5".into());
    ch.classes
        .iter_mut()
        .find(|c| c.id == "c-10a")
        .unwrap()
        .name = "10 б".into();
    ch.classes.retain(|c| c.id != "c-11v");
    ch.students.retain(|s| s.class != "c-11v");
    // A parent links Sferum.
    ch.parents
        .iter_mut()
        .find(|p| p.id == "p-5")
        .unwrap()
        .sferum_id = Some(3555);
    let old_11v = w.chat("11 в — ученики").chat_id;
    let s = w.run_ok();
    w.assert_converged();
    assert!(
        w.members("1 а — ученики").contains(&2500) && w.members("1 а — родители").contains(&3500)
    );
    assert!(
        !w.members("1 б — ученики").contains(&2007) && !w.members("1 б — родители").contains(&3007)
    );
    assert_eq!(w.admins("2 а — ученики"), [1005].into());
    assert!(!w.members("2 а — ученики").contains(&1003));
    assert!(w.members("1 а — родители").contains(&3555));
    assert_eq!(counter(&s, "chats_retitled"), 2);
    assert_eq!(counter(&s, "chats_created"), 0);
    assert_eq!(
        w.chat("10 б — родители").members.len(),
        w.members("10 б — родители").len() + 1
    );
    // The removed class's chats stay in Sferum, unmanaged, and leave the table.
    assert_eq!(w.chat("11 в — ученики").chat_id, old_11v);
    let table = w.host.links.lock().unwrap().clone().unwrap();
    let titles: Vec<_> = table.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["Учительская", "1 а", "1 б", "2 а", "10 б"]);
    assert!(w.log().contains("added Новенький [2500]"), "{}", w.log());
    w.emu.reset_stats();
    w.run_ok();
    assert_eq!(w.writes(), 0);
}

#[test]
fn manual_edits_are_reverted_and_leavers_are_left_alone() {
    let mut w = World::new();
    w.run_ok();
    let chat = w.chat("1 а — родители").chat_id;
    let staff = w.chat("Учительская").chat_id;
    let g = COMMUNITY;
    w.emu
        .edit(ManualEdit::AddMember {
            group_id: g,
            chat_id: chat,
            user_id: 777,
            invited_by: Some(3001),
        })
        .unwrap();
    w.emu
        .edit(ManualEdit::RemoveMember {
            group_id: g,
            chat_id: chat,
            member_id: 3002,
        })
        .unwrap();
    w.emu
        .edit(ManualEdit::SetTitle {
            group_id: g,
            chat_id: chat,
            title: "Наш чат".into(),
        })
        .unwrap();
    w.emu
        .edit(ManualEdit::SetAdmin {
            group_id: g,
            chat_id: chat,
            member_id: 3001,
            admin: true,
        })
        .unwrap();
    w.emu
        .edit(ManualEdit::SetAdmin {
            group_id: g,
            chat_id: chat,
            member_id: 1001,
            admin: false,
        })
        .unwrap();
    w.emu
        .edit(ManualEdit::Leave {
            group_id: g,
            chat_id: staff,
            user_id: 1002,
        })
        .unwrap();
    let s = w.run_ok();
    let staff_chat = w.chat("Учительская");
    assert!(
        !staff_chat.members.iter().any(|m| m.member_id == 1002),
        "left on her own: not forced back"
    );
    assert_eq!(counter(&s, "skipped.access_denied"), 1);
    assert_eq!(counter(&s, "members_added"), 1);
    assert_eq!(counter(&s, "members_removed"), 1);
    assert_eq!(counter(&s, "admins_granted"), 1);
    assert_eq!(counter(&s, "admins_revoked"), 1);
    assert_eq!(counter(&s, "chats_retitled"), 1);
    assert_eq!(w.members("1 а — родители").len(), 7);
    assert!(
        w.log()
            .contains("could not add Учитель t2 [1002] (access_denied)"),
        "{}",
        w.log()
    );
    // Not retried on the next run, still reported.
    w.emu.reset_stats();
    let s = w.run_ok();
    assert_eq!(w.writes(), 0);
    assert_eq!(counter(&s, "skipped.access_denied"), 1);
}

#[test]
fn privacy_and_deleted_accounts_are_skipped_with_reasons() {
    let mut w = World::new();
    w.emu.mark_user(2001, Some(UserMark::Privacy));
    w.emu.mark_user(3001, Some(UserMark::Deleted));
    let s = w.run_ok();
    assert_eq!(counter(&s, "skipped.privacy"), 1);
    assert_eq!(counter(&s, "skipped.deleted"), 1);
    assert_eq!(counter(&s, "skipped"), 2);
    assert!(!w.members("1 а — ученики").contains(&2001));
    w.emu.reset_stats();
    let s = w.run_ok();
    assert_eq!(w.writes(), 0);
    assert_eq!(counter(&s, "skipped.privacy"), 1);
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let mut w = World::new();
    w.dry_run = true;
    let s = w.run_ok();
    assert_eq!(w.writes(), 0);
    assert!(w.chats().is_empty());
    assert!(w.host.state.lock().unwrap().is_empty());
    assert!(w.host.links.lock().unwrap().is_none());
    assert!(w.school.video_calls[0].join_link.is_none());
    let log = w.log();
    assert!(
        log.contains("«Учительская»: create") && log.contains("+ add Директор Иванова [1000]"),
        "{log}"
    );
    assert!(log.contains("* make admin Директор Иванова [1000]"));
    assert!(log.contains("would start a Sferum call"));
    assert!(s.message.starts_with("dry run"));
    // The same through the task parameter, on a synced school with a manual edit.
    w.dry_run = false;
    w.run_ok();
    let chat = w.chat("1 б — ученики").chat_id;
    w.emu
        .edit(ManualEdit::AddMember {
            group_id: COMMUNITY,
            chat_id: chat,
            user_id: 4444,
            invited_by: None,
        })
        .unwrap();
    w.param("dry_run", "1");
    w.emu.reset_stats();
    w.run_ok();
    assert_eq!(w.writes(), 0);
    assert!(
        w.log().contains("- remove [4444] (not in the school data)"),
        "{}",
        w.log()
    );
    assert!(w.members("1 б — ученики").contains(&4444));
}

#[test]
fn removal_guard_stops_a_truncated_export_until_forced_for_one_run() {
    let mut w = World::new();
    w.run_ok();
    let before = w.members("1 а — ученики");
    w.school
        .students
        .retain(|s| s.class != "c-1a" && s.class != "c-1b");
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Failed);
    assert!(
        s.message.contains("removal guard") && s.message.contains("--force"),
        "{}",
        s.message
    );
    assert_eq!(w.members("1 а — ученики"), before);
    assert_eq!(counter(&s, "members_removed"), 0);
    w.force = true;
    let s = w.run_ok();
    assert!(counter(&s, "members_removed") >= 10);
    w.assert_converged();
    // The confirmation was for that run only: the next truncated export is stopped again.
    w.force = false;
    w.school
        .students
        .retain(|s| s.class != "c-2a" && s.class != "c-10a");
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Failed, "{}", s.message);
    assert_eq!(counter(&s, "members_removed"), 0);
}

#[test]
fn faults_on_every_kind_of_request_still_converge_without_duplicates() {
    let mut w = World::new();
    w.faults(vec![
        FaultRule::probability(FaultKind::Drop, 0.15),
        FaultRule::probability(FaultKind::Http500, 0.1),
        FaultRule::probability(FaultKind::Error10, 0.1),
        FaultRule::probability(FaultKind::CommitThenDrop, 0.1),
    ]);
    for _ in 0..4 {
        if w.run().is_ok_and(|s| s.status == RunStatus::Ok) {
            break;
        }
    }
    w.faults(vec![]);
    w.param("recreate_lost", "1");
    w.run_ok();
    w.assert_converged();
    w.emu.reset_stats();
    w.run_ok();
    assert_eq!(w.writes(), 0);
}

#[test]
fn chat_creation_whose_answer_is_lost_is_found_not_repeated() {
    let mut w = World::new();
    w.faults(vec![FaultRule::every(FaultKind::CommitThenDrop, 1)
        .for_method("messages.createChat")
        .times(2)]);
    w.run_ok();
    w.assert_converged();
    assert_eq!(w.chats().len(), 11);
    assert!(
        w.log().contains("found by its title after a lost answer"),
        "{}",
        w.log()
    );
}

#[test]
fn a_chat_creation_that_commits_after_the_client_gave_up_is_not_duplicated() {
    let mut w = World::new();
    let late = FaultKind::Delay { delay_ms: 2500 };
    w.faults(vec![FaultRule::every(late, 1)
        .for_method("messages.createChat")
        .times(1)]);
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Partial, "{}", s.message);
    assert!(
        s.message.contains("the next run looks for it again"),
        "{}",
        s.message
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    w.run_ok();
    w.assert_converged();
    assert_eq!(w.chats().len(), 11);
}

#[test]
fn killing_the_worker_at_any_state_write_never_duplicates_a_chat() {
    for crash_at in 0..12 {
        let mut w = World::new();
        *w.host.crash_after.lock().unwrap() = Some(crash_at);
        let first = w.run();
        *w.host.crash_after.lock().unwrap() = None;
        let second = w.run().unwrap();
        w.assert_converged();
        // A crash between the call's recorded start and its answer: the next run starts it
        // once more, so the lesson always gets its link, at the cost of at most one unused
        // call (logged as a possible orphan).
        assert_eq!(second.status, RunStatus::Ok, "{}", second.message);
        assert!(
            w.school.video_calls[0].join_link.is_some(),
            "crash at write {crash_at}"
        );
        let restarted = counter(&second, "calls_restarted");
        assert!(restarted <= 1, "crash at write {crash_at}");
        assert_eq!(w.chats().len(), 11, "crash at write {crash_at}: {first:?}");
        let calls = w.emu.state().communities[&COMMUNITY].calls.len() as u64;
        assert!(
            (1..=1 + restarted).contains(&calls),
            "crash at write {crash_at}: {calls} calls, {restarted} restarted"
        );
    }
}

#[test]
fn a_call_whose_start_answer_is_lost_is_started_once_more_and_logged_as_a_possible_orphan() {
    let mut w = World::new();
    w.faults(vec![FaultRule::every(FaultKind::CommitThenDrop, 1)
        .for_method("calls.start")
        .times(1)]);
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Partial);
    assert_eq!(counter(&s, "calls_failed"), 1);
    assert_eq!(counter(&s, "chats_created"), 11, "chats sync regardless");
    assert!(w.school.video_calls[0].join_link.is_none());
    // The next run starts it once more: the lesson gets its link; the first call, created
    // but unanswered, is the one orphan this lost answer may cost.
    let s = w.run_ok();
    assert_eq!(counter(&s, "calls_restarted"), 1);
    assert_eq!(counter(&s, "calls_published"), 1);
    assert!(w.log().contains("possible orphan"), "{}", w.log());
    assert!(w.school.video_calls[0].join_link.is_some());
    assert_eq!(w.emu.state().communities[&COMMUNITY].calls.len(), 2);
    // Once linked, never started again.
    w.emu.reset_stats();
    w.run_ok();
    assert_eq!(w.emu.stats().methods.get("calls.start"), None);
    assert_eq!(w.emu.state().communities[&COMMUNITY].calls.len(), 2);
}

#[test]
fn a_failing_call_start_is_reported_and_chats_still_sync() {
    let mut w = World::new();
    w.faults(vec![
        FaultRule::every(FaultKind::Error10, 1).for_method("calls.start")
    ]);
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Partial);
    assert_eq!(counter(&s, "calls_failed"), 1);
    w.assert_converged();
    w.faults(vec![]);
    let s = w.run_ok();
    assert_eq!(counter(&s, "calls_published"), 1);
    assert_eq!(w.emu.state().communities[&COMMUNITY].calls.len(), 1);
}

#[test]
fn deleted_chat_is_recreated_lost_chat_is_reported() {
    let mut w = World::new();
    w.run_ok();
    let deleted = w.chat("1 а — ученики").chat_id;
    let lost = w.chat("1 б — ученики").chat_id;
    w.emu
        .edit(ManualEdit::DeleteChat {
            group_id: COMMUNITY,
            chat_id: deleted,
        })
        .unwrap();
    w.emu
        .edit(ManualEdit::RevokeAccess {
            group_id: COMMUNITY,
            chat_id: lost,
        })
        .unwrap();
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Partial);
    assert_eq!(counter(&s, "chats_created"), 1);
    assert_ne!(w.chat("1 а — ученики").chat_id, deleted);
    assert!(
        s.message.contains("917") || w.log().contains("917"),
        "{}",
        w.log()
    );
    let table = w.host.links.lock().unwrap().clone().unwrap();
    assert!(
        table.rows[2].links[1].is_some(),
        "the lost chat's last known link stays"
    );
    w.param("recreate_lost", "1");
    w.run_ok();
    w.assert_converged();
}

#[test]
fn missing_or_malformed_links_base_values_fail_at_once_with_advice() {
    let mut w = World::new();
    w.org.clear();
    let e = w.run().unwrap_err();
    assert!(
        e.contains("sferum.community_id and sferum.access_token are not set"),
        "{e}"
    );
    assert!(
        e.contains("База ссылок")
            && e.contains("exchange-host org set school-239")
            && e.contains("Education Committee"),
        "{e}"
    );
    w.org.insert("sferum.community_id".into(), "club239".into());
    w.org.insert("sferum.access_token".into(), TOKEN.into());
    let e = w.run().unwrap_err();
    assert!(
        e.contains("positive whole number") && e.contains("club239"),
        "{e}"
    );
    assert_eq!(w.emu.stats().http_requests, 0);
}

#[test]
fn a_wrong_token_stops_the_run_with_advice_and_is_never_shown() {
    let mut w = World::new();
    let wrong = "vk1.a.WRONG-token-value";
    w.org.insert("sferum.access_token".into(), wrong.into());
    let e = w.run().unwrap_err();
    assert!(
        e.contains("error 5")
            && e.contains("sferum.access_token")
            && e.contains("district coordinator"),
        "{e}"
    );
    assert!(!e.contains(wrong) && !w.log().contains(wrong));
    assert!(w.chats().is_empty());
}

#[test]
fn token_appears_in_no_url_and_no_log_line() {
    // The emulator takes `access_token` out of what it logs and masks tokens, so the URLs
    // are checked as they leave the plugin: through a proxy that records each request line.
    let p = proxy::MiniProxy::start(None);
    let mut w = World::new();
    w.param("proxy_server", "127.0.0.1");
    w.param("proxy_port", &p.addr.port().to_string());
    w.run_ok();
    assert!(!w.log().contains(TOKEN));
    let seen = p.seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 4
            && seen.iter().all(|l| l.contains("/method/")
                && !l.contains(TOKEN)
                && !l.contains("access_token")),
        "{seen:?}"
    );
    for entry in w.emu.log() {
        assert!(entry
            .params
            .iter()
            .all(|(k, v)| k != "access_token" && !v.contains(TOKEN)));
    }
}

#[test]
fn check_verifies_token_and_community_and_changes_nothing() {
    let w = World::new();
    let verdict = w.check().unwrap();
    assert!(verdict.contains("id 239"), "{verdict}");
    assert_eq!(w.writes(), 0);
    let mut w = w;
    w.org.insert("sferum.community_id".into(), "240".into());
    let e = w.check().unwrap_err();
    assert!(e.contains("sferum.community_id is 240"), "{e}");
}

#[test]
fn subject_chats_when_enabled() {
    let mut w = World::new();
    w.school.subject_groups.push(
        serde_json::from_value(serde_json::json!({"id": "g-1", "class": "c-10a", "subject": "Информатика", "teacher": "t2",
            "students": ["s-c-10a-1", "s-c-10a-2"]}))
        .unwrap(),
    );
    w.param("subject_chats", "1");
    w.run_ok();
    w.assert_converged();
    assert_eq!(w.admins("10 а — Информатика"), [1002].into());
    assert_eq!(w.members("10 а — Информатика").len(), 3);
}

#[test]
fn a_large_school_stays_under_the_rate_limit_and_its_no_op_run_is_cheap() {
    let mut w = World::new();
    w.school = big_school(40, 25);
    let started = std::time::Instant::now();
    let s = w.run_ok();
    let first = started.elapsed();
    w.assert_converged();
    assert_eq!(counter(&s, "chats_created"), 81);
    let stats = w.emu.stats();
    assert_eq!(
        stats.errors.get(&6),
        None,
        "the limiter keeps under 20 requests per second"
    );
    eprintln!(
        "large school first sync: {} requests, {} calls, {first:?}",
        stats.http_requests,
        counter(&s, "api_calls")
    );
    // Runs are apart in time; each run's limiter counts its own requests only.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.emu.reset_stats();
    let started = std::time::Instant::now();
    let s = w.run_ok();
    let stats = w.emu.stats();
    assert_eq!(w.writes(), 0);
    assert!(
        stats.http_requests <= 81usize.div_ceil(25) as u64 + 2,
        "{stats:?}"
    );
    eprintln!(
        "large school no-op sync: {} requests, {} calls, {:?}",
        stats.http_requests,
        counter(&s, "api_calls"),
        started.elapsed()
    );
}

#[test]
fn many_calls_are_spread_under_the_rate_limit_and_each_started_once() {
    let mut w = World::new();
    let template = w.school.video_calls[0].clone();
    for i in 0..30 {
        let mut c = template.clone();
        c.id = format!("v-many-{i}");
        w.school.video_calls.push(c);
    }
    let s = w.run_ok();
    assert_eq!(counter(&s, "calls_published"), 31);
    assert_eq!(w.emu.stats().errors.get(&6), None);
    assert!(w
        .school
        .video_calls
        .iter()
        .filter(|c| c.published)
        .all(|c| c.join_link.is_some()));
    let links: std::collections::BTreeSet<_> = w
        .school
        .video_calls
        .iter()
        .filter_map(|c| c.join_link.clone())
        .collect();
    assert_eq!(links.len(), 31);
    w.emu.reset_stats();
    w.run_ok();
    assert_eq!(w.emu.stats().methods.get("calls.start"), None);
    assert_eq!(w.emu.state().communities[&COMMUNITY].calls.len(), 31);
}

#[test]
fn requests_go_through_the_task_proxy_with_basic_authorization() {
    // Exactly as typed: nothing percent-decoded (`%41` is not `A`), no character lost.
    const USER: &str = "школа%41@/#";
    const PASSWORD: &str = "пароль-1 %41%zz@:/#?&+=\\\"'";
    let p = proxy::MiniProxy::start(Some((USER, PASSWORD)));
    let mut w = World::new();
    w.param("proxy_server", "127.0.0.1");
    w.param("proxy_port", &p.addr.port().to_string());
    w.param("proxy_auth", "1");
    w.param("proxy_username", USER);
    w.param("proxy_password", PASSWORD);
    let verdict = w.check().unwrap();
    assert!(verdict.contains("through the proxy 127.0.0.1"), "{verdict}");
    w.run_ok();
    w.assert_converged();
    let seen = p.seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 5
            && seen
                .iter()
                .all(|l| l.ends_with("auth=ok") && l.contains("/method/")),
        "{seen:?}"
    );

    w.param("proxy_password", "wrong");
    let e = w.check().unwrap_err();
    assert!(e.contains("407") && e.contains("proxy_password"), "{e}");
    assert!(!e.contains("wrong"), "the password is not shown: {e}");
}

#[test]
fn a_proxy_without_authorization_and_a_dead_proxy() {
    let p = proxy::MiniProxy::start(None);
    let mut w = World::new();
    w.param("proxy_server", "http://127.0.0.1");
    w.param("proxy_port", &p.addr.port().to_string());
    w.run_ok();
    assert!(!p.seen.lock().unwrap().is_empty());
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    w.param("proxy_port", &dead.to_string());
    let e = w.check().unwrap_err();
    assert!(e.contains("did not answer") && e.contains("proxy"), "{e}");
}

#[test]
fn more_than_200_chats_are_listed_page_by_page() {
    let mut w = World::new();
    w.school = big_school(100, 1);
    let s = w.run_ok();
    assert_eq!(counter(&s, "chats_created"), 201);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.emu.reset_stats();
    w.run_ok();
    let stats = w.emu.stats();
    assert_eq!(w.writes(), 0, "{stats:?}");
    assert_eq!(stats.methods.get("messages.getConversations"), Some(&2));
    assert!(
        stats.http_requests <= 201usize.div_ceil(25) as u64 + 3,
        "{stats:?}"
    );
}

#[test]
fn a_russian_host_reads_every_text_in_russian() {
    let mut w = World::new();
    w.locale = "ru";
    // Missing Links base values: what to enter where, in Russian.
    w.org.remove("sferum.access_token");
    let e = w.run().unwrap_err();
    assert!(
        e.starts_with("Не задано: sferum.access_token.")
            && e.contains("exchange-host org set school-239"),
        "{e}"
    );
    w.org.insert("sferum.access_token".into(), TOKEN.into());
    let check = w.check().unwrap();
    assert!(
        check.starts_with("Сферум отвечает: ключ доступа открывает сообщество"),
        "{check}"
    );

    // The dry run's plan person by person, and the video call it would start.
    w.dry_run = true;
    let s = w.run_ok();
    let log = w.log();
    assert!(
        log.contains("«Учительская»: создать")
            && log.contains("+ добавить: Директор Иванова [1000]")
            && log.contains("* сделать администратором: Директор Иванова [1000]")
            && log.contains("видеозвонок «")
            && log.contains("Людей без идентификатора Сферум: 11")
            && log.contains("Учитель t8 (сотрудник)"),
        "{log}"
    );
    assert!(s.message.starts_with("Пробный запуск"), "{}", s.message);
    assert_eq!(latin_sentence(&log), None, "{log}");

    // The real run, a failure reaction in a problem, and the removal guard.
    w.dry_run = false;
    w.faults(vec![
        FaultRule::every(FaultKind::Error { code: 27 }, 1).for_method("calls.start")
    ]);
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Partial, "{}", s.message);
    assert!(
        s.message.starts_with("Чатов: ")
            && s.message.contains(
                ". Сферум не разрешает ключу сообщества вызывать calls.start (ошибка 27: "
            )
            && s.message.contains("с доступом к разделу calls")
            && s.message.ends_with("(и ещё проблем: 1, см. журнал)"),
        "{}",
        s.message
    );
    let log = w.log();
    assert!(
        log.contains("создан (чат ")
            && log.contains("звонок в Сферуме не удалось создать: Сферум не разрешает"),
        "{log}"
    );
    // VK's own error message (after the code) is English: the rest of the line is not.
    let ours: Vec<&str> = log
        .lines()
        .map(|l| l.split("(ошибка ").next().unwrap_or(l))
        .collect();
    assert_eq!(latin_sentence(&ours.join("\n")), None, "{log}");
    w.faults(vec![]);
    w.school
        .students
        .retain(|s| s.class != "c-1a" && s.class != "c-1b");
    let s = w.run().unwrap();
    assert_eq!(s.status, RunStatus::Failed);
    assert!(
        s.message.starts_with("Защита от массового удаления")
            && s.message.contains("exchange-host run task-1 --force"),
        "{}",
        s.message
    );
    assert_eq!(latin_sentence(&w.log()), None, "{}", w.log());
}
