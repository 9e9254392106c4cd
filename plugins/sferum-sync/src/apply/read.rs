//! Reading Sferum: the community's conversations (paged) and the members of the chats the
//! task manages (`execute`-batched, paged).

use super::{Sync, PEER_BASE};
use crate::client::Call;
use crate::plan::{ActualChat, Found, Resolved};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One chat of the community's conversation list.
pub(super) struct Listed {
    pub(super) chat_id: u64,
    pub(super) title: String,
    pub(super) owner: i64,
    pub(super) admins: BTreeSet<i64>,
}

impl Sync<'_, '_> {
    /// The community's chats (`messages.getConversations`, paged).
    pub(super) fn list(&mut self) -> Result<Vec<Listed>, String> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let params = json!({"group_id": self.group(), "offset": offset, "count": 200});
            let v = self
                .client
                .call(&Call::new("messages.getConversations", params))
                .map_err(|e| format!("cannot read the community's chats: {e}"))?;
            let items = v
                .get("items")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for item in items {
                let conv = &item["conversation"];
                if conv["peer"]["type"] != "chat" {
                    continue;
                }
                let chat_id = conv["peer"]["local_id"].as_u64().or_else(|| {
                    conv["peer"]["id"]
                        .as_u64()
                        .map(|p| p.saturating_sub(PEER_BASE))
                });
                let Some(chat_id) = chat_id else { continue };
                let settings = &conv["chat_settings"];
                out.push(Listed {
                    chat_id,
                    title: settings["title"].as_str().unwrap_or("").to_string(),
                    owner: settings["owner_id"].as_i64().unwrap_or(0),
                    admins: settings["admin_ids"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_i64).collect())
                        .unwrap_or_default(),
                });
            }
            offset += items.len() as u64;
            let count = v.get("count").and_then(Value::as_u64).unwrap_or(0);
            if items.is_empty() || offset >= count {
                return Ok(out);
            }
        }
    }

    /// Reads the members of every resolved chat (`execute`-batched).
    pub(super) fn read(
        &mut self,
        resolved: &BTreeMap<String, Resolved>,
        listed: &[Listed],
    ) -> Result<BTreeMap<u64, Found>, String> {
        let ids: BTreeSet<u64> = resolved.values().map(|r| r.chat_id).collect();
        let mut found = BTreeMap::new();
        let mut chats: BTreeMap<u64, ActualChat> = BTreeMap::new();
        let mut pages: Vec<(u64, u64)> = ids.iter().map(|&id| (id, 0)).collect();
        while !pages.is_empty() {
            let calls: Vec<Call> = pages
                .iter()
                .map(|&(id, offset)| {
                    let params = json!({"peer_id": PEER_BASE + id, "group_id": self.group(), "offset": offset, "count": 1000});
                    Call::new("messages.getConversationMembers", params)
                })
                .collect();
            let results = self.client.batch(&calls).map_err(|e| e.to_string())?;
            let mut next = Vec::new();
            for (&(id, offset), r) in pages.iter().zip(results) {
                let v = match r {
                    Ok(v) => v,
                    Err(e) => {
                        let f = match e.code() {
                            Some(927) => Found::Gone,
                            Some(917) => Found::Lost,
                            _ => Found::Failed(e.to_string()),
                        };
                        found.insert(id, f);
                        continue;
                    }
                };
                let chat = chats.entry(id).or_insert_with(|| {
                    let l = listed.iter().find(|l| l.chat_id == id);
                    ActualChat {
                        chat_id: id,
                        title: l.map(|l| l.title.clone()).unwrap_or_default(),
                        owner: l.map(|l| l.owner).unwrap_or(0),
                        admins: l.map(|l| l.admins.clone()).unwrap_or_default(),
                        members: BTreeSet::new(),
                    }
                });
                let items = v
                    .get("items")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for m in items {
                    let Some(member) = m["member_id"].as_i64() else {
                        continue;
                    };
                    chat.members.insert(member);
                    if m["is_admin"] == true {
                        chat.admins.insert(member);
                    }
                    if m["is_owner"] == true {
                        chat.owner = member;
                    }
                }
                let count = v.get("count").and_then(Value::as_u64).unwrap_or(0);
                let read = offset + items.len() as u64;
                if !items.is_empty() && read < count {
                    next.push((id, read));
                }
            }
            pages = next;
        }
        found.extend(chats.into_iter().map(|(id, c)| (id, Found::Present(c))));
        self.ctx
            .progress("read", found.len() as u64, ids.len() as u64);
        Ok(found)
    }
}
