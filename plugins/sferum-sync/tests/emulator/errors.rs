//! The edges of the real VK API, produced by the emulator, and the documented reaction the
//! sync has to each (`backend::vk::failure`).

use crate::harness::*;
use exchange_sdk::{RunStatus, RunSummary};
use sferum_emulator::{FaultKind, FaultRule, Limits, ManualEdit, UserMark};

fn counter(s: &RunSummary, key: &str) -> u64 {
    World::counter(s, key)
}

fn error(code: u32, method: &str) -> FaultRule {
    FaultRule::every(FaultKind::Error { code }, 1).for_method(method)
}

fn partial(w: &mut World) -> RunSummary {
    let s = w
        .run()
        .unwrap_or_else(|e| panic!("run failed: {e}\n{}", w.log()));
    assert_eq!(s.status, RunStatus::Partial, "{}\n{}", s.message, w.log());
    s
}

#[test]
fn error_27_names_the_method_the_community_token_has_no_right_to_and_chats_still_sync() {
    let mut w = World::new();
    w.faults(vec![error(27, "calls.start")]);
    let s = partial(&mut w);
    assert!(
        s.message.contains("calls.start")
            && s.message.contains("no right to this method")
            && !s.message.contains("Check sferum.access_token"),
        "{}",
        s.message
    );
    w.assert_converged();
}

#[test]
fn quota_29_and_captcha_14_stop_that_method_for_the_run_and_the_next_run_finishes() {
    for (code, says) in [
        (29, "daily quota of messages.getInviteLink"),
        (14, "captcha"),
    ] {
        let mut w = World::new();
        w.faults(vec![error(code, "messages.getInviteLink")]);
        let s = partial(&mut w);
        assert!(s.message.contains(says), "{code}: {}", s.message);
        w.assert_converged();
        assert!(w.chats().iter().all(|c| c.invite_token.is_none()));
        w.faults(vec![]);
        w.run_ok();
        assert!(w.chats().iter().all(|c| c.invite_token.is_some()));
    }
}

#[test]
fn flood_control_9_is_waited_out_once_then_stops_that_method_for_the_run() {
    let mut w = World::new();
    w.faults(vec![error(9, "messages.getInviteLink").times(1)]);
    w.run_ok();
    let stats = w.emu.stats();
    assert_eq!(
        stats.methods["messages.getInviteLink"], 22,
        "sent twice, not hot-retried"
    );

    let mut w = World::new();
    w.faults(vec![error(9, "messages.getInviteLink")]);
    let s = partial(&mut w);
    assert!(
        s.message.contains("flood control") && s.message.contains("not called again in this run"),
        "{}",
        s.message
    );
    assert_eq!(w.emu.stats().methods["messages.getInviteLink"], 22);
}

#[test]
fn try_later_982_is_retried_later_in_the_run_then_reported() {
    let mut w = World::new();
    w.faults(vec![error(982, "messages.createChat").times(1)]);
    w.run_ok();
    w.assert_converged();
    assert_eq!(w.chats().len(), 11);

    let mut w = World::new();
    w.faults(vec![error(982, "messages.createChat")]);
    let s = partial(&mut w);
    assert!(s.message.contains("error 982"), "{}", s.message);
    assert!(w.chats().is_empty());
    w.faults(vec![]);
    w.run_ok();
    w.assert_converged();
}

#[test]
fn every_per_person_error_is_a_skip_with_its_reason() {
    let mut w = World::new();
    let marks = [
        (2001, UserMark::InvalidUser, "invalid_user"),
        (2002, UserMark::NoPermission, "no_permission"),
        (2003, UserMark::CannotInteract, "cannot_interact"),
        (2004, UserMark::ContactNotFound, "contact_not_found"),
        (
            2005,
            UserMark::NoAccessToCommunity,
            "no_access_to_community",
        ),
    ];
    w.run_ok();
    for (user, mark, _) in marks {
        w.emu.mark_user(user, Some(mark));
        for c in w.chats() {
            if c.member(user as i64).is_some() {
                w.emu
                    .edit(ManualEdit::RemoveMember {
                        group_id: COMMUNITY,
                        chat_id: c.chat_id,
                        member_id: user as i64,
                    })
                    .unwrap();
            }
        }
    }
    let s = w.run_ok();
    for (_, _, reason) in marks {
        assert!(
            counter(&s, &format!("skipped.{reason}")) >= 1,
            "{reason}: {:?}",
            s.counters
        );
    }
    w.emu.reset_stats();
    w.run_ok();
    assert_eq!(w.writes(), 0, "skipped people are not retried on every run");
}

#[test]
fn a_removal_answered_935_is_already_done() {
    let mut w = World::new();
    w.run_ok();
    let chat = w.chat("1 а — ученики").chat_id;
    w.emu
        .edit(ManualEdit::AddMember {
            group_id: COMMUNITY,
            chat_id: chat,
            user_id: 777,
            invited_by: None,
        })
        .unwrap();
    w.faults(vec![error(935, "messages.removeChatUser")]);
    let s = w.run_ok();
    assert_eq!(counter(&s, "members_removed"), 1);
    assert!(w.log().contains("(already gone)"), "{}", w.log());
}

#[test]
fn a_creation_refused_because_of_one_person_is_made_empty_and_filled_one_by_one() {
    let mut w = World::new();
    w.emu.set_strict_create_chat(true);
    w.emu.mark_user(2001, Some(UserMark::Privacy));
    let s = w.run_ok();
    assert_eq!(counter(&s, "skipped.privacy"), 1);
    assert!(
        w.log().contains("creating it without members"),
        "{}",
        w.log()
    );
    assert!(!w.members("1 а — ученики").contains(&2001));
    assert_eq!(w.chats().len(), 11);
}

#[test]
fn a_list_that_shifts_while_it_is_read_does_not_hide_a_chat_whose_creation_answer_was_lost() {
    let mut w = World::new();
    w.school = big_school(100, 1);
    // The first batch of creations commits unanswered, and the read after it fails: the run
    // ends with 25 intents whose chats exist, the oldest of the 201 chats.
    w.faults(vec![
        FaultRule::every(FaultKind::CommitThenDrop, 1)
            .for_method("messages.createChat")
            .times(1),
        FaultRule::every(FaultKind::Error { code: 29 }, 2)
            .for_method("messages.getConversations")
            .times(1),
    ]);
    assert!(w.run().is_err());
    assert_eq!(w.chats().len(), 201);
    // While the next run reads the list, the oldest chat gets a message after the first page
    // and moves to the front: the second page repeats a chat and never shows it.
    w.faults(vec![FaultRule::every(FaultKind::Shift, 1)
        .for_method("messages.getConversations")
        .times(1)]);
    w.run_ok();
    assert!(w.log().contains("changed while it was read"), "{}", w.log());
    assert_eq!(w.chats().len(), 201, "no chat created twice");
    w.assert_converged();
}

#[test]
fn a_full_chat_skips_the_newcomer_with_the_reason_and_a_full_community_reports_the_missing_chat() {
    let mut w = World::new();
    w.run_ok();
    let chats = w.chats().len();
    let full = w.chat("1 а — ученики").members.len();
    w.emu.set_limits(Limits {
        members_per_chat: full,
        chats_per_community: chats,
    });
    // A newcomer in 1 а, whose students' chat is full, and a new class with no room for chats.
    w.school.students.push(
        serde_json::from_value(serde_json::json!({
            "id": "new", "full_name": "Новенький", "class": "c-1a", "sferum_id": 2500
        }))
        .unwrap(),
    );
    w.school.classes.push(
        serde_json::from_value(
            serde_json::json!({"id": "c-3a", "name": "3 а", "class_teacher": "t5"}),
        )
        .unwrap(),
    );
    w.school.students.push(
        serde_json::from_value(serde_json::json!({
            "id": "s-3a", "full_name": "Третьеклассник", "class": "c-3a", "sferum_id": 2600
        }))
        .unwrap(),
    );
    let s = partial(&mut w);
    assert!(!w.members("1 а — ученики").contains(&2500));
    assert!(counter(&s, "skipped.chat_full") >= 1, "{:?}", s.counters);
    assert!(
        s.message.contains("limit of chats") && s.message.contains("error 103"),
        "{}",
        s.message
    );
    assert_eq!(w.chats().len(), chats, "no chat over the community's limit");
    // Room again: the next runs finish the work (the newcomer's skip waits a day, so the
    // limit's end is seen by the chat that was refused).
    w.emu.set_limits(Limits::default());
    w.run_ok();
    assert!(w.chats().iter().any(|c| c.title == "3 а — ученики"));
}
