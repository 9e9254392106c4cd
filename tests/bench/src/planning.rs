//! The plan computation alone (rules + diff), its time and peak memory: for a first sync
//! (Sferum empty) and for a no-op sync (Sferum in step with the school).

use crate::alloc::peak_during;
use crate::report::median;
use anyhow::ensure;
use exchange_sdk::school::SchoolData;
use sferum_sync::plan::{self, ActualChat, ChatAction, Found, Options, Plan, Resolved};
use sferum_sync::rules::{self, Desired};
use sferum_sync::state::{ChatRecord, TaskState};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// The community id the in-step chats belong to.
const COMMUNITY: u64 = 239;
/// Repetitions of each computation; the median time is reported.
pub const REPEAT: usize = 5;

/// What Sferum shows, and the task remembers, before a planning.
struct Inputs {
    state: TaskState,
    listed: Vec<(u64, String)>,
    found: BTreeMap<u64, Found>,
}

/// The time and peak memory of one kind of planning.
#[derive(Clone, Copy, Debug)]
pub struct Cost {
    /// Median wall time of rules + resolve + plan.
    pub time: Duration,
    /// The most bytes allocated at once during it.
    pub peak: u64,
}

/// The plan costs at one school size.
pub struct Planning {
    /// Desired chats.
    pub chats: usize,
    /// Desired chat memberships (a person in two chats counts twice).
    pub memberships: usize,
    /// Planning against an empty Sferum.
    pub first: Cost,
    /// Planning against Sferum in step with the school.
    pub no_op: Cost,
}

fn options() -> Options {
    Options {
        community_id: COMMUNITY,
        max_removals_percent: 20,
        force: false,
        recreate_lost: false,
        now: 1_800_000_000,
        lang: sferum_sync::texts::Lang::En,
        task_id: String::new(),
    }
}

/// Sferum exactly as `desired` wants it (chats 1, 2, …), the state recording every chat.
fn in_step(desired: &Desired) -> Inputs {
    let owner = -(COMMUNITY as i64);
    let mut inputs = Inputs {
        state: TaskState::default(),
        listed: Vec::new(),
        found: BTreeMap::new(),
    };
    for (i, chat) in desired.chats.iter().enumerate() {
        let chat_id = i as u64 + 1;
        let record = ChatRecord {
            chat_id: Some(chat_id),
            title: chat.title.clone(),
            link: Some(format!("https://vk.me/join/{chat_id}")),
            skipped: BTreeMap::new(),
        };
        inputs.state.chats.insert(chat.purpose.clone(), record);
        inputs.listed.push((chat_id, chat.title.clone()));
        let mut members: BTreeSet<i64> = chat.members.keys().map(|&m| m as i64).collect();
        members.insert(owner);
        let admins = chat.admins.iter().map(|&m| m as i64).collect();
        let actual = ActualChat {
            chat_id,
            title: chat.title.clone(),
            owner,
            members,
            admins,
        };
        inputs.found.insert(chat_id, Found::Present(actual));
    }
    inputs
}

/// Rules, resolve and plan, as a run does them.
fn compute(school: &SchoolData, inputs: &Inputs) -> Plan {
    let desired = rules::desired(school, false);
    let resolved: BTreeMap<String, Resolved> =
        plan::resolve(&desired, &inputs.state, &inputs.listed);
    plan::plan(
        &desired,
        &inputs.state,
        &resolved,
        &inputs.found,
        &options(),
    )
}

fn cost(school: &SchoolData, inputs: &Inputs) -> Cost {
    let (_, peak) = peak_during(|| compute(school, inputs));
    let times = (0..REPEAT)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(compute(school, inputs));
            started.elapsed()
        })
        .collect();
    Cost {
        time: median(times),
        peak: peak as u64,
    }
}

/// Measures the planning for `school`. Other threads must be quiet meanwhile.
pub fn measure(school: &SchoolData) -> anyhow::Result<Planning> {
    let desired = rules::desired(school, false);
    let empty = Inputs {
        state: TaskState::default(),
        listed: Vec::new(),
        found: BTreeMap::new(),
    };
    let full = in_step(&desired);
    let creates = compute(school, &empty)
        .chats
        .iter()
        .filter(|c| matches!(c.action, ChatAction::Create { .. }))
        .count();
    ensure!(
        creates == desired.chats.len(),
        "the first-sync plan creates {creates} of {} chats",
        desired.chats.len()
    );
    ensure!(
        !compute(school, &full).writes(),
        "the plan against Sferum in step with the school writes"
    );
    Ok(Planning {
        chats: desired.chats.len(),
        memberships: desired.chats.iter().map(|c| c.members.len()).sum(),
        first: cost(school, &empty),
        no_op: cost(school, &full),
    })
}
