//! Each API method of the spec, with its parameters, responses and error paths.

mod common;

use common::{peer, start, GROUP};
use serde_json::json;
use sferum_emulator::{EmulatorConfig, Limits, ManualEdit, UserMark};

#[test]
fn groups_get_by_id_returns_the_tokens_community() {
    let api = start();
    let groups = api.ok("groups.getById", &[]);
    assert_eq!(groups["groups"][0]["id"], GROUP);
    assert_eq!(groups["groups"][0]["screen_name"], format!("club{GROUP}"));
    assert!(groups["groups"][0]["name"].is_string());
}

#[test]
fn create_chat_numbers_chats_from_one_and_adds_members() {
    let api = start();
    let first = api.ok(
        "messages.createChat",
        &[("title", "1 а — родители"), ("user_ids", "5,6,5")],
    );
    assert_eq!(first, json!({"chat_id": 1, "peer_ids": [5, 6]}));
    assert_eq!(api.create_chat("empty", ""), 2);
    assert_eq!(api.members(1), vec![-(GROUP as i64), 5, 6]);
    assert_eq!(api.members(2), vec![-(GROUP as i64)]);
    let chat = &api.emu.state().communities[&GROUP].chats[&1];
    assert_eq!(chat.owner_id, -(GROUP as i64));
    assert_eq!(chat.title, "1 а — родители");
}

#[test]
fn create_chat_skips_users_who_cannot_be_added() {
    let api = start();
    api.emu.mark_user(7, Some(UserMark::Privacy));
    api.emu.mark_user(8, Some(UserMark::Deleted));
    let created = api.ok(
        "messages.createChat",
        &[("title", "t"), ("user_ids", "7,8,9")],
    );
    assert_eq!(created["peer_ids"], json!([9]));
}

#[test]
fn create_chat_errors() {
    let api = start();
    assert_eq!(api.err("messages.createChat", &[("user_ids", "1")]), 100);
    assert_eq!(
        api.err(
            "messages.createChat",
            &[("title", "t"), ("user_ids", "1,x")]
        ),
        100
    );
    assert_eq!(
        api.err("messages.createChat", &[("title", "t"), ("user_ids", "-3")]),
        100
    );
    assert_eq!(
        api.err(
            "messages.createChat",
            &[("title", "t"), ("group_id", "999")]
        ),
        100
    );
}

#[test]
fn chats_and_communities_over_their_limits_answer_103() {
    let api = start();
    api.emu.set_limits(Limits {
        members_per_chat: 3,
        chats_per_community: 2,
    });
    // The community itself counts: two people fill a chat of three.
    assert_eq!(
        api.err(
            "messages.createChat",
            &[("title", "t"), ("user_ids", "5,6,7")]
        ),
        103
    );
    let chat = api.create_chat("t", "5,6");
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", &chat.to_string()), ("user_id", "7")]
        ),
        103
    );
    // Adding someone who is there already changes nothing and is no error.
    api.ok(
        "messages.addChatUser",
        &[("chat_id", &chat.to_string()), ("user_id", "5")],
    );
    api.create_chat("second", "");
    assert_eq!(
        api.err(
            "messages.createChat",
            &[("title", "third"), ("user_ids", "")]
        ),
        103
    );
    assert_eq!(api.emu.state().communities[&GROUP].chats.len(), 2);
}

#[test]
fn get_conversations_lists_chats_with_settings_and_pages() {
    let api = start();
    for i in 1..=3 {
        api.create_chat(&format!("chat {i}"), "5");
    }
    api.ok(
        "messages.setMemberRole",
        &[("peer_id", &peer(2)), ("member_id", "5"), ("role", "admin")],
    );
    let all = api.ok(
        "messages.getConversations",
        &[("group_id", &GROUP.to_string())],
    );
    assert_eq!(all["count"], 3);
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let second = items
        .iter()
        .find(|i| i["conversation"]["peer"]["local_id"] == 2)
        .unwrap();
    assert_eq!(
        second["conversation"]["peer"],
        json!({"id": 2_000_000_002i64, "type": "chat", "local_id": 2})
    );
    let settings = &second["conversation"]["chat_settings"];
    assert_eq!(settings["title"], "chat 2");
    assert_eq!(settings["members_count"], 2);
    assert_eq!(settings["owner_id"], -(GROUP as i64));
    assert_eq!(settings["admin_ids"], json!([5]));

    let page = api.ok(
        "messages.getConversations",
        &[("offset", "2"), ("count", "5")],
    );
    assert_eq!(page["count"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        api.err("messages.getConversations", &[("count", "201")]),
        100
    );
    assert_eq!(
        api.err("messages.getConversations", &[("offset", "-1")]),
        100
    );
}

#[test]
fn get_conversation_members_in_join_order_with_flags() {
    let api = start();
    let chat = api.create_chat("t", "5,6");
    api.ok(
        "messages.addChatUser",
        &[("chat_id", "1"), ("user_id", "4")],
    );
    let all = api.ok(
        "messages.getConversationMembers",
        &[("peer_id", &peer(chat))],
    );
    assert_eq!(all["count"], 4);
    let items = all["items"].as_array().unwrap();
    let owner = &items[0];
    assert_eq!(owner["member_id"], -(GROUP as i64));
    assert_eq!(owner["is_owner"], true);
    assert_eq!(owner["is_admin"], true);
    assert_eq!(owner["can_kick"], false);
    assert_eq!(items[3]["member_id"], 4);
    assert_eq!(items[3]["invited_by"], -(GROUP as i64));
    assert_eq!(items[3]["is_owner"], false);
    assert_eq!(items[3]["can_kick"], true);
    let dates: Vec<i64> = items
        .iter()
        .map(|m| m["join_date"].as_i64().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");

    let page = api.ok(
        "messages.getConversationMembers",
        &[("peer_id", &peer(chat)), ("offset", "1"), ("count", "2")],
    );
    let ids: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member_id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(5), json!(6)]);
    assert_eq!(page["count"], 4);
    assert_eq!(
        api.err(
            "messages.getConversationMembers",
            &[("peer_id", &peer(chat)), ("count", "1001")]
        ),
        100
    );
    assert_eq!(
        api.err("messages.getConversationMembers", &[("peer_id", "5")]),
        100
    );
    assert_eq!(api.err("messages.getConversationMembers", &[]), 100);
    assert_eq!(
        api.err("messages.getConversationMembers", &[("peer_id", &peer(9))]),
        927
    );
}

#[test]
fn members_default_page_is_20() {
    let api = start();
    let ids: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
    let chat = api.create_chat("big", &ids.join(","));
    let page = api.ok(
        "messages.getConversationMembers",
        &[("peer_id", &peer(chat))],
    );
    assert_eq!(page["count"], 31);
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
}

#[test]
fn add_chat_user_and_its_errors() {
    let api = start();
    let chat = api.create_chat("t", "").to_string();
    assert_eq!(
        api.ok(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "5")]
        ),
        1
    );
    // Adding a present member is not an error.
    assert_eq!(
        api.ok(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "5")]
        ),
        1
    );
    assert_eq!(api.members(1), vec![-(GROUP as i64), 5]);

    api.emu.mark_user(7, Some(UserMark::Privacy));
    api.emu.mark_user(8, Some(UserMark::Deleted));
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "7")]
        ),
        981
    );
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "8")]
        ),
        18
    );
    api.emu.mark_user(7, None);
    assert_eq!(
        api.ok(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "7")]
        ),
        1
    );

    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", "42"), ("user_id", "5")]
        ),
        927
    );
    assert_eq!(api.err("messages.addChatUser", &[("chat_id", &chat)]), 100);
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "0")]
        ),
        100
    );
    assert_eq!(api.err("messages.addChatUser", &[("user_id", "5")]), 100);
}

#[test]
fn a_user_who_left_cannot_be_added_back_but_a_kicked_one_can() {
    let api = start();
    let chat = api.create_chat("t", "5,6");
    api.emu
        .edit(ManualEdit::Leave {
            group_id: GROUP,
            chat_id: chat,
            user_id: 5,
        })
        .unwrap();
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", "1"), ("user_id", "5")]
        ),
        15
    );
    api.ok(
        "messages.removeChatUser",
        &[("chat_id", "1"), ("member_id", "6")],
    );
    assert_eq!(
        api.ok(
            "messages.addChatUser",
            &[("chat_id", "1"), ("user_id", "6")]
        ),
        1
    );
    assert_eq!(api.members(chat), vec![-(GROUP as i64), 6]);
}

#[test]
fn remove_chat_user_and_its_errors() {
    let api = start();
    api.create_chat("t", "5,6");
    assert_eq!(
        api.ok(
            "messages.removeChatUser",
            &[("chat_id", "1"), ("member_id", "5")]
        ),
        1
    );
    assert_eq!(api.members(1), vec![-(GROUP as i64), 6]);
    assert_eq!(
        api.err(
            "messages.removeChatUser",
            &[("chat_id", "1"), ("member_id", "5")]
        ),
        935
    );
    let owner = (-(GROUP as i64)).to_string();
    assert_eq!(
        api.err(
            "messages.removeChatUser",
            &[("chat_id", "1"), ("member_id", &owner)]
        ),
        15
    );
    assert_eq!(
        api.err(
            "messages.removeChatUser",
            &[("chat_id", "2"), ("member_id", "6")]
        ),
        927
    );
    assert_eq!(api.err("messages.removeChatUser", &[("chat_id", "1")]), 100);
}

#[test]
fn set_member_role_grants_and_revokes_admin() {
    let api = start();
    let chat = api.create_chat("t", "5");
    let p = peer(chat);
    api.ok(
        "messages.setMemberRole",
        &[("peer_id", &p), ("member_id", "5"), ("role", "admin")],
    );
    assert_eq!(
        api.emu.state().communities[&GROUP].chats[&chat].admin_ids(),
        vec![5]
    );
    api.ok(
        "messages.setMemberRole",
        &[("peer_id", &p), ("member_id", "5"), ("role", "member")],
    );
    assert!(api.emu.state().communities[&GROUP].chats[&chat]
        .admin_ids()
        .is_empty());
    assert_eq!(
        api.err(
            "messages.setMemberRole",
            &[("peer_id", &p), ("member_id", "9"), ("role", "admin")]
        ),
        935
    );
    assert_eq!(
        api.err(
            "messages.setMemberRole",
            &[("peer_id", &p), ("member_id", "5"), ("role", "boss")]
        ),
        100
    );
    let owner = (-(GROUP as i64)).to_string();
    assert_eq!(
        api.err(
            "messages.setMemberRole",
            &[("peer_id", &p), ("member_id", &owner), ("role", "member")]
        ),
        15
    );
    assert_eq!(
        api.err(
            "messages.setMemberRole",
            &[("peer_id", &peer(7)), ("member_id", "5"), ("role", "admin")]
        ),
        927
    );
}

#[test]
fn edit_chat_renames() {
    let api = start();
    api.create_chat("old", "");
    assert_eq!(
        api.ok("messages.editChat", &[("chat_id", "1"), ("title", "new")]),
        1
    );
    assert_eq!(api.emu.state().communities[&GROUP].chats[&1].title, "new");
    assert_eq!(
        api.err("messages.editChat", &[("chat_id", "1"), ("title", "  ")]),
        100
    );
    assert_eq!(
        api.err("messages.editChat", &[("chat_id", "3"), ("title", "x")]),
        927
    );
}

#[test]
fn invite_link_is_stable_until_reset() {
    let api = start();
    let p = peer(api.create_chat("t", ""));
    let link = api.ok("messages.getInviteLink", &[("peer_id", &p)])["link"].clone();
    let link = link.as_str().unwrap().to_string();
    assert!(
        link.starts_with("https://sferum.ru/?p=messages&join="),
        "{link}"
    );
    assert!(link.len() > "https://sferum.ru/?p=messages&join=".len() + 10);
    assert_eq!(
        api.ok("messages.getInviteLink", &[("peer_id", &p), ("reset", "0")])["link"],
        link
    );
    let fresh =
        api.ok("messages.getInviteLink", &[("peer_id", &p), ("reset", "1")])["link"].clone();
    assert_ne!(fresh, link);
    assert_eq!(
        api.ok("messages.getInviteLink", &[("peer_id", &p)])["link"],
        fresh
    );
    assert_eq!(
        api.err("messages.getInviteLink", &[("peer_id", &p), ("reset", "2")]),
        100
    );
    assert_eq!(
        api.err("messages.getInviteLink", &[("peer_id", &peer(5))]),
        927
    );
}

#[test]
fn calls_start_returns_links_and_records_the_call() {
    let api = start();
    let call = api.ok("calls.start", &[("group_id", &GROUP.to_string())]);
    let other = api.ok("calls.start", &[]);
    for field in ["call_id", "join_link", "ok_join_link"] {
        assert!(
            call[field].as_str().is_some_and(|s| !s.is_empty()),
            "{call}"
        );
        assert_ne!(call[field], other[field]);
    }
    let calls = &api.emu.state().communities[&GROUP].calls;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].join_link, call["join_link"].as_str().unwrap());
}

#[test]
fn chats_of_another_community_or_lost_ones_give_917_and_deleted_ones_927() {
    let api = common::start_with(EmulatorConfig {
        rate_limit: None,
        ..common::config().community(202, "token-of-202")
    });
    api.create_chat("mine", "5");
    // Community 202 creates chats 1 and 2; our community has only chat 1.
    let other = |method: &str, params: &[(&str, &str)]| {
        let mut form = vec![("access_token", "token-of-202"), ("v", "5.199")];
        form.extend_from_slice(params);
        api.client
            .post(api.url(method))
            .form(&form)
            .send()
            .unwrap()
            .json::<serde_json::Value>()
            .unwrap()
    };
    other("messages.createChat", &[("title", "a")]);
    other("messages.createChat", &[("title", "b")]);
    assert_eq!(
        api.err("messages.editChat", &[("chat_id", "2"), ("title", "x")]),
        917
    );
    assert_eq!(
        api.err("messages.editChat", &[("chat_id", "3"), ("title", "x")]),
        927
    );

    api.emu
        .edit(ManualEdit::RevokeAccess {
            group_id: GROUP,
            chat_id: 1,
        })
        .unwrap();
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", "1"), ("user_id", "6")]
        ),
        917
    );
    // A chat the community lost stays listed, as kicked.
    let list = api.ok("messages.getConversations", &[]);
    assert_eq!(list["count"], 1);
    assert_eq!(
        list["items"][0]["conversation"]["chat_settings"]["state"],
        "kicked"
    );

    api.emu
        .edit(ManualEdit::DeleteChat {
            group_id: 202,
            chat_id: 2,
        })
        .unwrap();
    assert_eq!(
        api.err("messages.editChat", &[("chat_id", "2"), ("title", "x")]),
        927
    );
    // A new chat still gets a fresh id.
    assert_eq!(api.create_chat("next", ""), 2);
}

#[test]
fn user_marks_give_each_per_person_error_and_strict_creation_refuses_them() {
    let api = start();
    let marks = [
        (UserMark::Privacy, 981),
        (UserMark::Deleted, 18),
        (UserMark::InvalidUser, 113),
        (UserMark::NoPermission, 901),
        (UserMark::CannotInteract, 932),
        (UserMark::ContactNotFound, 936),
        (UserMark::NoAccessToCommunity, 947),
    ];
    assert_eq!(api.create_chat("t", ""), 1);
    for (i, (mark, code)) in marks.into_iter().enumerate() {
        let user = 100 + i as u64;
        api.emu.mark_user(user, Some(mark));
        let user = user.to_string();
        assert_eq!(
            api.err(
                "messages.addChatUser",
                &[("chat_id", "1"), ("user_id", &user)]
            ),
            code,
            "{mark:?}"
        );
    }
    api.emu.set_strict_create_chat(true);
    assert_eq!(
        api.err(
            "messages.createChat",
            &[("title", "t"), ("user_ids", "5,104")]
        ),
        932
    );
    assert_eq!(api.emu.state().communities[&GROUP].chats.len(), 1);
}

#[test]
fn conversations_are_ordered_by_last_message_with_dialogs_and_kicked_chats() {
    let api = start();
    for i in 1..=3 {
        api.create_chat(&format!("chat {i}"), "");
    }
    let order = |api: &common::Api| -> Vec<String> {
        let list = api.ok("messages.getConversations", &[("count", "200")]);
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let c = &i["conversation"];
                match c["peer"]["type"].as_str().unwrap() {
                    "chat" => format!("chat {}", c["peer"]["local_id"]),
                    kind => format!("{kind} {}", c["peer"]["id"]),
                }
            })
            .collect()
    };
    assert_eq!(order(&api), ["chat 3", "chat 2", "chat 1"]);
    api.ok(
        "messages.editChat",
        &[("chat_id", "1"), ("title", "renamed")],
    );
    api.emu
        .edit(ManualEdit::DialogMessage {
            group_id: GROUP,
            user_id: 77,
        })
        .unwrap();
    api.emu
        .edit(ManualEdit::PostMessage {
            group_id: GROUP,
            chat_id: 2,
        })
        .unwrap();
    assert_eq!(order(&api), ["chat 2", "user 77", "chat 1", "chat 3"]);
}
