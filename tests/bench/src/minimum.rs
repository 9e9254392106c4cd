//! The fewest API requests a sync's plan allows: the yardstick of the request ratios.
//!
//! - Reads: one `groups.getById`; `messages.getConversations` in pages of 200 (at least
//!   one); the members of every chat that existed before the run (pages of 1000), 25 pages
//!   per `execute`.
//! - Writes: the chat creations, 25 per `execute`; then every other call the plan makes —
//!   members added or removed, role changes, renames, invite links, `calls.start` — 25 per
//!   `execute`, in requests of their own since they need the new chats' ids.
//!
//! The write counts are the calls of those methods the run made (its plan's operations,
//! when nothing failed and nothing was retried).

use sferum_emulator::{Chat, Stats, WRITES};
use sferum_sync::client::BATCH;

/// Chats per `messages.getConversations` page.
pub const CONVERSATIONS_PAGE: u64 = 200;
/// Members per `messages.getConversationMembers` page.
pub const MEMBERS_PAGE: u64 = 1000;
/// The method that creates a chat.
pub const CREATE: &str = "messages.createChat";

/// What the minimum of one run is made of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Minimum {
    /// Chats of the community before the run.
    pub chats_before: u64,
    /// Member pages of those chats.
    pub member_pages: u64,
    /// Chats the plan creates.
    pub creates: u64,
    /// Other calls the plan makes after the creations.
    pub writes: u64,
}

fn batches(calls: u64) -> u64 {
    calls.div_ceil(BATCH as u64)
}

impl Minimum {
    /// The minimum of a run that found `chats_before` and made the calls counted in `stats`.
    pub fn new(chats_before: &[Chat], stats: &Stats) -> Minimum {
        let calls = |method: &str| stats.methods.get(method).copied().unwrap_or(0);
        Minimum {
            chats_before: chats_before.len() as u64,
            member_pages: chats_before
                .iter()
                .map(|c| (c.members.len() as u64).div_ceil(MEMBERS_PAGE).max(1))
                .sum(),
            creates: calls(CREATE),
            writes: WRITES
                .iter()
                .filter(|m| **m != CREATE)
                .map(|m| calls(m))
                .sum(),
        }
    }

    fn conversation_pages(&self) -> u64 {
        self.chats_before.div_ceil(CONVERSATIONS_PAGE).max(1)
    }

    /// The fewest requests.
    pub fn requests(&self) -> u64 {
        1 + self.conversation_pages()
            + batches(self.member_pages)
            + batches(self.creates)
            + batches(self.writes)
    }

    /// The sum spelled out, e.g. `25 = 1 getById + 1 list + 0 members (0 chats) + 8 create
    /// (177 chats) + 15 other (359 calls)`.
    pub fn spelled(&self) -> String {
        format!(
            "{} = 1 getById + {} list + {} members ({} chats) + {} create ({} chats) + {} other ({} calls)",
            self.requests(),
            self.conversation_pages(),
            batches(self.member_pages),
            self.chats_before,
            batches(self.creates),
            self.creates,
            batches(self.writes),
            self.writes
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sferum_emulator::Member;

    fn chat(members: usize) -> Chat {
        Chat {
            chat_id: 1,
            title: "t".into(),
            owner_id: -1,
            members: vec![
                Member {
                    member_id: 1,
                    invited_by: 1,
                    join_date: 0,
                    is_admin: false,
                };
                members
            ],
            left: Default::default(),
            invite_token: None,
            invite_generation: 0,
            community_access: true,
            last_message: 0,
        }
    }

    #[test]
    fn first_sync_minimum_counts_creations_then_the_rest() {
        let mut stats = Stats::default();
        stats.methods.insert(CREATE.into(), 51);
        stats.methods.insert("messages.getInviteLink".into(), 51);
        stats.methods.insert("messages.setMemberRole".into(), 50);
        let m = Minimum::new(&[], &stats);
        // getById, one empty list, no member reads, 3 of creations, 5 of the rest.
        assert_eq!(m.requests(), 2 + 3 + 5);
    }

    #[test]
    fn no_op_minimum_reads_every_chat_once() {
        let chats: Vec<Chat> = (0..201).map(|_| chat(30)).chain([chat(1001)]).collect();
        let m = Minimum::new(&chats, &Stats::default());
        assert_eq!(m.member_pages, 203);
        assert_eq!(m.requests(), 1 + 2 + 9);
    }
}
