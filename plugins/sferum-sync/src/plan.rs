//! The difference between the chats the school should have and the chats Sferum shows, as
//! the list of things to do. Pure: the same inputs always give the same plan.

use crate::rules::{Desired, DesiredChat};
use crate::state::TaskState;
use crate::texts::{self, Lang};
use exchange_sdk::school::SferumId;
use std::collections::{BTreeMap, BTreeSet};

/// How long a member who could not be added is left alone before the next attempt.
pub const SKIP_RETRY_SECS: u64 = 24 * 3600;

/// Settings of one planning.
#[derive(Clone, Debug)]
pub struct Options {
    /// The community's id (it appears among members as `-community_id`).
    pub community_id: u64,
    /// The removal guard's threshold.
    pub max_removals_percent: u64,
    /// The administrator confirmed removals above the threshold.
    pub force: bool,
    /// Create new chats in place of those the community lost access to (917).
    pub recreate_lost: bool,
    /// Unix seconds now.
    pub now: u64,
    /// The language of the notes, reasons and the removal guard's message.
    pub lang: Lang,
    /// The task's id, for the command in the removal guard's message (empty: unknown).
    pub task_id: String,
}

/// One chat as Sferum shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActualChat {
    /// The chat id.
    pub chat_id: u64,
    /// Its title.
    pub title: String,
    /// The owner's id (the community is `-community_id`).
    pub owner: i64,
    /// Member ids (users positive, communities negative).
    pub members: BTreeSet<i64>,
    /// Ids with admin rights.
    pub admins: BTreeSet<i64>,
}

/// What reading a recorded chat found.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// The chat and its members.
    Present(ActualChat),
    /// The chat does not exist any more (927).
    Gone,
    /// The community has no access to the chat any more (917).
    Lost,
    /// It could not be read this run (the error).
    Failed(String),
}

/// Which Sferum chat serves a purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The chat id.
    pub chat_id: u64,
    /// Found by its title among the community's chats, not from the task's state: after a
    /// creation whose answer was lost, or with a lost state.
    pub adopted: bool,
}

/// Finds the chat serving each desired purpose: the recorded one, or else an unclaimed chat
/// of the community titled as intended (a creation that went through but whose answer was
/// lost) or as desired. `listed` is the community's conversations: (chat id, title).
pub fn resolve(
    desired: &Desired,
    state: &TaskState,
    listed: &[(u64, String)],
) -> BTreeMap<String, Resolved> {
    let mut out = BTreeMap::new();
    let mut claimed: BTreeSet<u64> = state.chats.values().filter_map(|r| r.chat_id).collect();
    for chat in &desired.chats {
        let record = state.chats.get(&chat.purpose);
        if let Some(chat_id) = record.and_then(|r| r.chat_id) {
            out.insert(
                chat.purpose.clone(),
                Resolved {
                    chat_id,
                    adopted: false,
                },
            );
            continue;
        }
        let titles = [record.map(|r| r.title.as_str()), Some(chat.title.as_str())];
        let found = titles.into_iter().flatten().find_map(|t| {
            listed
                .iter()
                .filter(|(id, title)| title == t && !claimed.contains(id))
                .map(|(id, _)| *id)
                .min()
        });
        if let Some(chat_id) = found {
            claimed.insert(chat_id);
            out.insert(
                chat.purpose.clone(),
                Resolved {
                    chat_id,
                    adopted: true,
                },
            );
        }
    }
    out
}

/// What happens to a chat as a whole.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatAction {
    /// Create it (with `add` as initial members); `note` says why when it existed before.
    Create { note: Option<String> },
    /// Bring the existing chat in step.
    Update {
        /// The chat id.
        chat_id: u64,
        /// Found by title rather than from the state.
        adopted: bool,
        /// The current title when it differs from the desired one.
        retitle_from: Option<String>,
    },
    /// Leave it alone this run, for the reason given.
    Hold { chat_id: u64, reason: String },
}

/// The operations for one chat, done in field order.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatPlan {
    /// Purpose key.
    pub purpose: String,
    /// Desired title.
    pub title: String,
    /// Create, update or hold.
    pub action: ChatAction,
    /// Members to add (initial members on creation).
    pub add: Vec<SferumId>,
    /// Admin rights to grant.
    pub grant: Vec<SferumId>,
    /// Admin rights to revoke (from members who stay).
    pub revoke: Vec<i64>,
    /// Members to remove.
    pub remove: Vec<i64>,
    /// Whether the invite link must be fetched.
    pub fetch_link: bool,
    /// Desired members not retried this run: (id, reason).
    pub skipped: Vec<(SferumId, String)>,
}

impl ChatPlan {
    /// Whether the plan writes anything to Sferum for this chat (a link fetch is a read).
    pub fn writes(&self) -> bool {
        matches!(
            self.action,
            ChatAction::Create { .. }
                | ChatAction::Update {
                    retitle_from: Some(_),
                    ..
                }
        ) || !(self.add.is_empty()
            && self.grant.is_empty()
            && self.revoke.is_empty()
            && self.remove.is_empty())
    }
}

/// The plan of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// One entry per desired chat, in the desired order.
    pub chats: Vec<ChatPlan>,
    /// Why removals are held back (the removal guard), if they are.
    pub guard: Option<String>,
}

/// Plans the run: what to create, retitle, add, remove, grant, revoke and fetch.
pub fn plan(
    desired: &Desired,
    state: &TaskState,
    resolved: &BTreeMap<String, Resolved>,
    found: &BTreeMap<u64, Found>,
    opts: &Options,
) -> Plan {
    let lang = opts.lang;
    let mut chats = Vec::new();
    for chat in &desired.chats {
        let action = match resolved.get(&chat.purpose) {
            None => ChatAction::Create { note: None },
            Some(r) => match found.get(&r.chat_id) {
                Some(Found::Present(a)) => ChatAction::Update {
                    chat_id: r.chat_id,
                    adopted: r.adopted,
                    retitle_from: (a.title != chat.title).then(|| a.title.clone()),
                },
                Some(Found::Gone) => ChatAction::Create {
                    note: Some(texts::note_gone(lang, r.chat_id)),
                },
                Some(Found::Lost) if opts.recreate_lost => ChatAction::Create {
                    note: Some(texts::note_recreate(lang, r.chat_id)),
                },
                Some(Found::Lost) => ChatAction::Hold {
                    chat_id: r.chat_id,
                    reason: texts::hold_lost(lang, r.chat_id),
                },
                Some(Found::Failed(e)) => ChatAction::Hold {
                    chat_id: r.chat_id,
                    reason: texts::hold_failed(lang, r.chat_id, e),
                },
                None => ChatAction::Hold {
                    chat_id: r.chat_id,
                    reason: texts::hold_unread(lang, r.chat_id),
                },
            },
        };
        let actual = resolved
            .get(&chat.purpose)
            .and_then(|r| match found.get(&r.chat_id) {
                Some(Found::Present(a)) => Some(a),
                _ => None,
            });
        chats.push(chat_plan(chat, state, action, actual, opts));
    }
    let guard = guard(&chats, resolved, found, opts);
    Plan { chats, guard }
}

fn chat_plan(
    chat: &DesiredChat,
    state: &TaskState,
    action: ChatAction,
    actual: Option<&ActualChat>,
    opts: &Options,
) -> ChatPlan {
    let mut p = ChatPlan {
        purpose: chat.purpose.clone(),
        title: chat.title.clone(),
        action,
        add: Vec::new(),
        grant: Vec::new(),
        revoke: Vec::new(),
        remove: Vec::new(),
        fetch_link: false,
        skipped: Vec::new(),
    };
    let record = state.chats.get(&chat.purpose);
    match (&p.action, actual) {
        (ChatAction::Create { .. }, _) => {
            p.add = chat.members.keys().copied().collect();
            p.grant = chat.admins.iter().copied().collect();
            p.fetch_link = true;
        }
        (ChatAction::Update { chat_id, .. }, Some(a)) => {
            let protected = |id: i64| id <= 0 || id == a.owner || id == -(opts.community_id as i64);
            for &id in chat.members.keys() {
                if a.members.contains(&(id as i64)) {
                    continue;
                }
                let skip = record
                    .and_then(|r| r.skipped.get(&id))
                    .filter(|s| s.at + SKIP_RETRY_SECS > opts.now);
                match skip {
                    Some(s) => p.skipped.push((id, s.reason.clone())),
                    None => p.add.push(id),
                }
            }
            p.remove = a
                .members
                .iter()
                .copied()
                .filter(|&id| !protected(id) && !chat.members.contains_key(&(id as u64)))
                .collect();
            p.grant = chat
                .admins
                .iter()
                .copied()
                .filter(|&id| {
                    !a.admins.contains(&(id as i64))
                        && (a.members.contains(&(id as i64)) || p.add.contains(&id))
                })
                .collect();
            p.revoke = a
                .admins
                .iter()
                .copied()
                .filter(|&id| {
                    !protected(id)
                        && !chat.admins.contains(&(id as u64))
                        && !p.remove.contains(&id)
                        && a.members.contains(&id)
                })
                .collect();
            let recorded = record.filter(|r| r.chat_id == Some(*chat_id));
            p.fetch_link = recorded.and_then(|r| r.link.as_ref()).is_none();
        }
        _ => {}
    }
    p
}

fn guard(
    chats: &[ChatPlan],
    resolved: &BTreeMap<String, Resolved>,
    found: &BTreeMap<u64, Found>,
    opts: &Options,
) -> Option<String> {
    let weighed = chats.iter().filter_map(|c| {
        let Some(Found::Present(a)) = resolved.get(&c.purpose).and_then(|r| found.get(&r.chat_id))
        else {
            return None;
        };
        Some(chat_rules::Removals {
            title: &c.title,
            removed: c.remove.len(),
            members: a.members.iter().filter(|&&id| id > 0).count(),
        })
    });
    chat_rules::removal_guard(
        opts.lang,
        weighed,
        opts.max_removals_percent,
        opts.force,
        &opts.task_id,
    )
}

impl Plan {
    /// Whether the plan writes anything to Sferum.
    pub fn writes(&self) -> bool {
        self.chats.iter().any(ChatPlan::writes)
    }

    /// The plan as text, chat by chat and person by person (what a dry run prints).
    pub fn render(&self, desired: &Desired, lang: Lang) -> Vec<String> {
        let person = desired.person_labels(lang);
        let mut out = Vec::new();
        for c in &self.chats {
            let head = match &c.action {
                ChatAction::Create { note } => {
                    let note = note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
                    texts::plan_create(lang, &c.title, &note)
                }
                ChatAction::Update {
                    chat_id,
                    adopted,
                    retitle_from,
                } => {
                    let mut h = texts::plan_chat(lang, &c.title, *chat_id);
                    if *adopted {
                        h.push_str(texts::plan_adopted(lang));
                    }
                    if let Some(from) = retitle_from {
                        h.push_str(&texts::plan_rename(lang, from));
                    }
                    h
                }
                ChatAction::Hold { reason, .. } => texts::plan_hold(lang, &c.title, reason),
            };
            let mut lines = Vec::new();
            lines.extend(
                c.add
                    .iter()
                    .map(|&id| texts::plan_add(lang, &person(id as i64))),
            );
            lines.extend(
                c.grant
                    .iter()
                    .map(|&id| texts::plan_grant(lang, &person(id as i64))),
            );
            lines.extend(
                c.revoke
                    .iter()
                    .map(|&id| texts::plan_revoke(lang, &person(id))),
            );
            let held = if self.guard.is_some() {
                texts::plan_held(lang)
            } else {
                ""
            };
            lines.extend(
                c.remove
                    .iter()
                    .map(|&id| texts::plan_remove(lang, &person(id), held)),
            );
            lines.extend(c.skipped.iter().map(|(id, r)| {
                texts::plan_skipped(lang, &person(*id as i64), &texts::skip_reason(lang, r))
            }));
            if !matches!(
                c.action,
                ChatAction::Update {
                    retitle_from: None,
                    adopted: false,
                    ..
                }
            ) || !lines.is_empty()
            {
                out.push(head);
                out.extend(lines);
            }
        }
        if let Some(g) = &self.guard {
            out.push(g.clone());
        }
        if out.is_empty() {
            out.push(texts::plan_in_step(lang));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::desired;
    use crate::state::{ChatRecord, Skip};
    use exchange_sdk::school::SchoolData;
    use serde_json::json;

    /// A school of `value`'s lists.
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

    const COMMUNITY: u64 = 77;
    const NOW: u64 = 1_000_000;

    fn opts() -> Options {
        Options {
            community_id: COMMUNITY,
            max_removals_percent: 20,
            force: false,
            recreate_lost: false,
            now: NOW,
            lang: Lang::En,
            task_id: String::new(),
        }
    }

    /// One class «1 а» with teacher 1, students 101..=110, parents 201..=210; a staff room
    /// with the director 9 (admin) and teacher 1.
    fn sample() -> Desired {
        let students: Vec<_> = (1..=10)
            .map(|i| json!({"id": format!("s{i}"), "full_name": format!("Ученик {i}"), "class": "c", "sferum_id": 100 + i}))
            .collect();
        let parents: Vec<_> = (1..=10)
            .map(|i| json!({"id": format!("p{i}"), "full_name": format!("Родитель {i}"), "children": [format!("s{i}")], "sferum_id": 200 + i}))
            .collect();
        desired(
            &school(json!({
                "staff": [
                    {"id": "t1", "full_name": "Учитель", "sferum_id": 1,
                     "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]},
                    {"id": "d", "full_name": "Директор", "sferum_id": 9,
                     "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": true}]}
                ],
                "classes": [{"id": "c", "name": "1 а", "class_teacher": "t1"}],
                "students": students, "parents": parents
            })),
            false,
        )
    }

    /// Sferum exactly in step with `d`, chats 1.., recorded in the state with links.
    fn in_step(d: &Desired) -> (TaskState, BTreeMap<String, Resolved>, BTreeMap<u64, Found>) {
        let mut state = TaskState::default();
        let (mut resolved, mut found) = (BTreeMap::new(), BTreeMap::new());
        for (i, c) in d.chats.iter().enumerate() {
            let chat_id = i as u64 + 1;
            let record = ChatRecord {
                chat_id: Some(chat_id),
                title: c.title.clone(),
                link: Some(format!("L{chat_id}")),
                ..Default::default()
            };
            state.chats.insert(c.purpose.clone(), record);
            resolved.insert(
                c.purpose.clone(),
                Resolved {
                    chat_id,
                    adopted: false,
                },
            );
            let owner = -(COMMUNITY as i64);
            let mut members: BTreeSet<i64> = c.members.keys().map(|&m| m as i64).collect();
            members.insert(owner);
            let mut admins: BTreeSet<i64> = c.admins.iter().map(|&m| m as i64).collect();
            admins.insert(owner);
            found.insert(
                chat_id,
                Found::Present(ActualChat {
                    chat_id,
                    title: c.title.clone(),
                    owner,
                    members,
                    admins,
                }),
            );
        }
        (state, resolved, found)
    }

    fn actual(found: &mut BTreeMap<u64, Found>, chat_id: u64) -> &mut ActualChat {
        match found.get_mut(&chat_id) {
            Some(Found::Present(a)) => a,
            _ => panic!("chat {chat_id} not present"),
        }
    }

    #[test]
    fn first_run_creates_every_chat_with_members_admins_and_links() {
        let d = sample();
        let p = plan(
            &d,
            &TaskState::default(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            &opts(),
        );
        assert_eq!(p.chats.len(), 3);
        let room = &p.chats[0];
        assert_eq!(room.action, ChatAction::Create { note: None });
        assert_eq!(room.add, [1, 9]);
        assert_eq!(room.grant, [9]);
        assert!(room.fetch_link);
        assert_eq!(p.chats[1].add.len(), 11);
        assert_eq!(p.chats[1].grant, [1]);
        assert!(p.writes());
        assert_eq!(p.guard, None);
    }

    #[test]
    fn in_step_plans_nothing() {
        let d = sample();
        let (state, resolved, found) = in_step(&d);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert!(!p.writes());
        assert!(p
            .chats
            .iter()
            .all(|c| !c.fetch_link && c.skipped.is_empty()));
        assert_eq!(
            p.render(&d, Lang::En),
            ["every chat is in step with the school data: nothing to change"]
        );
    }

    #[test]
    fn missing_members_added_strangers_removed_owner_and_community_kept() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 3);
        a.members.remove(&105);
        a.members.insert(999);
        a.owner = 4242;
        a.members.insert(4242);
        let p = plan(&d, &state, &resolved, &found, &opts());
        let c = &p.chats[2];
        assert_eq!(c.add, [105]);
        assert_eq!(c.remove, [999]);
        assert!(p.chats[1].add.is_empty() && p.chats[1].remove.is_empty());
    }

    #[test]
    fn admin_rights_granted_and_revoked_by_the_rules() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 2);
        a.admins.remove(&1);
        a.admins.insert(201);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert_eq!(p.chats[1].grant, [1]);
        assert_eq!(p.chats[1].revoke, [201]);
        assert!(p.chats[1].remove.is_empty());
    }

    #[test]
    fn new_admin_added_in_the_same_run_is_granted() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 1);
        a.members.remove(&9);
        a.admins.remove(&9);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert_eq!(p.chats[0].add, [9]);
        assert_eq!(p.chats[0].grant, [9]);
    }

    #[test]
    fn removed_admin_is_not_revoked_first() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 2);
        a.members.insert(555);
        a.admins.insert(555);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert_eq!(p.chats[1].remove, [555]);
        assert!(p.chats[1].revoke.is_empty());
    }

    #[test]
    fn renamed_chat_is_retitled() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        actual(&mut found, 2).title = "Переименовано вручную".into();
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert_eq!(
            p.chats[1].action,
            ChatAction::Update {
                chat_id: 2,
                adopted: false,
                retitle_from: Some("Переименовано вручную".into())
            }
        );
        assert!(p.writes());
        assert!(p.render(&d, Lang::En)[0].contains("rename from «Переименовано вручную»"));
    }

    #[test]
    fn skipped_members_are_not_retried_until_the_retry_period_ends() {
        let d = sample();
        let (mut state, resolved, mut found) = in_step(&d);
        actual(&mut found, 3).members.remove(&107);
        let skip = Skip {
            reason: "privacy".into(),
            at: NOW - 10,
        };
        state
            .chats
            .get_mut("class:c:students")
            .unwrap()
            .skipped
            .insert(107, skip);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert!(p.chats[2].add.is_empty());
        assert_eq!(p.chats[2].skipped, [(107, "privacy".to_string())]);
        assert!(!p.writes());
        assert!(p
            .render(&d, Lang::En)
            .iter()
            .any(|l| l.contains("not added: Ученик 7 [107] (privacy)")));
        assert!(p
            .render(&d, Lang::Ru)
            .iter()
            .any(|l| l.contains("не добавлен: Ученик 7 [107] (настройки приватности: privacy)")));
        let later = Options {
            now: NOW + SKIP_RETRY_SECS,
            ..opts()
        };
        assert_eq!(
            plan(&d, &state, &resolved, &found, &later).chats[2].add,
            [107]
        );
    }

    #[test]
    fn skipped_admin_is_not_granted() {
        let d = sample();
        let (mut state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 2);
        a.members.remove(&1);
        a.admins.remove(&1);
        state
            .chats
            .get_mut("class:c:parents")
            .unwrap()
            .skipped
            .insert(
                1,
                Skip {
                    reason: "privacy".into(),
                    at: NOW,
                },
            );
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert!(p.chats[1].grant.is_empty() && p.chats[1].add.is_empty());
    }

    #[test]
    fn missing_link_is_fetched() {
        let d = sample();
        let (mut state, resolved, found) = in_step(&d);
        state.chats.get_mut("staff").unwrap().link = None;
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert!(p.chats[0].fetch_link);
        assert!(!p.writes(), "fetching a link is a read");
    }

    #[test]
    fn gone_chat_is_recreated_lost_chat_held() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        found.insert(2, Found::Gone);
        found.insert(3, Found::Lost);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert!(
            matches!(&p.chats[1].action, ChatAction::Create { note: Some(n) } if n.contains("927"))
        );
        assert_eq!(p.chats[1].add.len(), 11);
        assert!(
            matches!(&p.chats[2].action, ChatAction::Hold { chat_id: 3, reason } if reason.contains("917") && reason.contains("recreate_lost=1"))
        );
        assert!(p.chats[2].add.is_empty() && !p.chats[2].fetch_link);
        let again = plan(
            &d,
            &state,
            &resolved,
            &found,
            &Options {
                recreate_lost: true,
                ..opts()
            },
        );
        assert!(matches!(again.chats[2].action, ChatAction::Create { .. }));
    }

    #[test]
    fn unreadable_chat_is_held() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        found.insert(1, Found::Failed("error 15".into()));
        found.remove(&2);
        let p = plan(&d, &state, &resolved, &found, &opts());
        assert!(
            matches!(&p.chats[0].action, ChatAction::Hold { reason, .. } if reason.contains("error 15"))
        );
        assert!(
            matches!(&p.chats[1].action, ChatAction::Hold { reason, .. } if reason.contains("not read"))
        );
    }

    #[test]
    fn removal_guard_holds_mass_removal_from_one_chat() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 3);
        for id in 900..903 {
            a.members.insert(id);
        }
        let p = plan(&d, &state, &resolved, &found, &opts());
        let g = p.guard.clone().expect("3 of 14 is more than 20%");
        assert!(
            g.contains("3 of 14 members of «1 а — ученики»") && g.contains("--force"),
            "{g}"
        );
        assert!(p
            .render(&d, Lang::En)
            .iter()
            .any(|l| l.contains("(held by the removal guard)")));
        let ru = Options {
            lang: Lang::Ru,
            task_id: "7".into(),
            ..opts()
        };
        let p = plan(&d, &state, &resolved, &found, &ru);
        let g = p.guard.clone().expect("the guard speaks Russian too");
        assert!(
            g.starts_with("Защита от массового удаления")
                && g.contains("3 из 14 участников чата «1 а — ученики»")
                && g.contains("max_removals_percent=20%")
                && g.contains("«Запустить с подтверждением удалений»")
                && g.contains("exchange-host run 7 --force"),
            "{g}"
        );
        assert!(p
            .render(&d, Lang::Ru)
            .iter()
            .any(|l| l.contains("удалить: [900] (нет в данных школы) (задержано")));
        assert_eq!(
            plan(
                &d,
                &state,
                &resolved,
                &found,
                &Options {
                    force: true,
                    ..opts()
                }
            )
            .guard,
            None
        );
        let lenient = Options {
            max_removals_percent: 25,
            ..opts()
        };
        assert_eq!(plan(&d, &state, &resolved, &found, &lenient).guard, None);
    }

    #[test]
    fn removal_guard_ignores_one_or_two_removals() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        let a = actual(&mut found, 1);
        a.members.insert(900);
        a.members.insert(901);
        assert_eq!(
            plan(&d, &state, &resolved, &found, &opts()).guard,
            None,
            "2 of 4 members"
        );
    }

    #[test]
    fn removal_guard_counts_all_managed_members() {
        let d = sample();
        let (state, resolved, mut found) = in_step(&d);
        // 2 removals from each chat: no single chat trips (under 3), but 6 of 30 members do.
        for chat_id in 1..=3 {
            let a = actual(&mut found, chat_id);
            a.members.insert(900 + chat_id as i64);
            a.members.insert(950 + chat_id as i64);
        }
        let strict = Options {
            max_removals_percent: 15,
            ..opts()
        };
        let g = plan(&d, &state, &resolved, &found, &strict)
            .guard
            .expect("total guard");
        assert!(
            g.contains("6 of all 30 managed members") && !g.contains("«"),
            "{g}"
        );
    }

    #[test]
    fn truncated_export_trips_the_guard() {
        let full = sample();
        let (state, resolved, found) = in_step(&full);
        let mut truncated = full.clone();
        for c in &mut truncated.chats[1..] {
            c.members
                .retain(|&id, _| id < 105 || id == 1 || (200..205).contains(&id));
        }
        let p = plan(&truncated, &state, &resolved, &found, &opts());
        assert!(p.guard.is_some());
        assert_eq!(p.chats[2].remove, [105, 106, 107, 108, 109, 110]);
    }

    #[test]
    fn pending_intent_adopts_the_chat_created_before_a_crash() {
        let d = sample();
        let mut state = TaskState::default();
        let intent = ChatRecord {
            chat_id: None,
            title: "1 а — ученики".into(),
            ..Default::default()
        };
        state.chats.insert("class:c:students".into(), intent);
        let listed = vec![
            (40, "Чужой чат".to_string()),
            (41, "1 а — ученики".to_string()),
        ];
        let r = resolve(&d, &state, &listed);
        assert_eq!(
            r.get("class:c:students"),
            Some(&Resolved {
                chat_id: 41,
                adopted: true
            })
        );
        assert_eq!(r.get("staff"), None);
    }

    #[test]
    fn intent_title_is_searched_after_a_rename() {
        let d = sample();
        let mut state = TaskState::default();
        let intent = ChatRecord {
            chat_id: None,
            title: "1 б — ученики".into(),
            ..Default::default()
        };
        state.chats.insert("class:c:students".into(), intent);
        let r = resolve(&d, &state, &[(7, "1 б — ученики".to_string())]);
        assert_eq!(r["class:c:students"].chat_id, 7);
    }

    #[test]
    fn chats_claimed_by_other_purposes_are_never_adopted() {
        let d = sample();
        let mut state = TaskState::default();
        state.chats.insert(
            "class:old:students".into(),
            ChatRecord {
                chat_id: Some(5),
                title: "1 а — ученики".into(),
                ..Default::default()
            },
        );
        let listed = vec![
            (5, "1 а — ученики".to_string()),
            (6, "1 а — ученики".to_string()),
        ];
        let r = resolve(&d, &state, &listed);
        assert_eq!(r["class:c:students"].chat_id, 6);
        let r = resolve(&d, &state, &listed[..1]);
        assert!(!r.contains_key("class:c:students"));
    }

    #[test]
    fn adopted_chat_is_converged_and_its_link_fetched() {
        let d = sample();
        let (_, _, mut found) = in_step(&d);
        let resolved: BTreeMap<_, _> = d
            .chats
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.purpose.clone(),
                    Resolved {
                        chat_id: i as u64 + 1,
                        adopted: true,
                    },
                )
            })
            .collect();
        actual(&mut found, 1).members.remove(&9);
        let p = plan(&d, &TaskState::default(), &resolved, &found, &opts());
        assert!(p.chats.iter().all(|c| c.fetch_link));
        assert_eq!(p.chats[0].add, [9]);
        assert!(p.render(&d, Lang::En)[0].contains("taken over"));
    }

    #[test]
    fn render_lists_people_by_name() {
        let d = sample();
        let p = plan(
            &d,
            &TaskState::default(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            &opts(),
        );
        let text = p.render(&d, Lang::En);
        assert_eq!(text[0], "«Учительская»: create");
        assert_eq!(text[1], "  + add Учитель [1]");
        assert_eq!(text[2], "  + add Директор [9]");
        assert_eq!(text[3], "  * make admin Директор [9]");
        let (state, resolved, mut found) = in_step(&d);
        actual(&mut found, 1).members.insert(31337);
        let text = plan(&d, &state, &resolved, &found, &opts()).render(&d, Lang::En);
        assert_eq!(
            text,
            [
                "«Учительская» (chat 1)",
                "  - remove [31337] (not in the school data)"
            ]
        );
        let ru = Options {
            lang: Lang::Ru,
            ..opts()
        };
        let text = plan(&d, &state, &resolved, &found, &ru).render(&d, Lang::Ru);
        assert_eq!(
            text,
            [
                "«Учительская» (чат 1)",
                "  - удалить: [31337] (нет в данных школы)"
            ]
        );
        let (state, resolved, found) = in_step(&d);
        assert_eq!(
            plan(&d, &state, &resolved, &found, &ru).render(&d, Lang::Ru),
            ["Все чаты соответствуют данным школы: менять нечего"]
        );
    }
}
