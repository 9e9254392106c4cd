//! Every served endpoint through HTTP: transport (token, JSON, errors), chats, members,
//! admins, the bot's own membership, messages, and what the service removed.

mod common;

use common::{start, ALL_RIGHTS, BOT, BOT_NAME, OWNER, TOKEN};
use max_emulator::CHAT_ID_BASE;
use reqwest::Method;
use serde_json::{json, Value};

fn error(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message})
}

#[test]
fn the_token_goes_in_the_authorization_header_without_bearer() {
    let api = start();
    let me = api.get("/me");
    assert_eq!(me["user_id"], BOT);
    assert_eq!(me["username"], BOT_NAME);
    assert_eq!(me["is_bot"], true);

    let invalid = error("verify.token", "Invalid access_token");
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(
        api.call_as(&bearer, Method::GET, "/me", None),
        (401, invalid.clone())
    );
    assert_eq!(
        api.call_as("other", Method::GET, "/me", None),
        (401, invalid.clone())
    );
    let none = api.client.get(api.url("/me")).send().unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.json::<Value>().unwrap(), invalid);

    let query = api
        .client
        .get(api.url(&format!("/me?access_token={TOKEN}")))
        .send()
        .unwrap();
    assert_eq!(query.status(), 403);
    assert_eq!(
        query.json::<Value>().unwrap(),
        error(
            "deprecated.token",
            "Query parameter access_token is deprecated, use Authorization header"
        )
    );
    let stats = api.emu.stats();
    assert_eq!(stats.errors["401 verify.token"], 3);
    assert_eq!(stats.errors["403 deprecated.token"], 1);
}

#[test]
fn unknown_paths_other_methods_and_bad_json_have_error_bodies() {
    let api = start();
    let (status, body) = api.call(Method::GET, "/chats/1/pin", None);
    assert_eq!((status, body["code"].as_str()), (404, Some("not.found")));
    assert_eq!(api.call(Method::PUT, "/me", None).0, 405);
    assert_eq!(
        api.call(Method::POST, "/chats/1/members/me", None).1["code"],
        "method.not.allowed"
    );
    let chat = api.chat_with_bot("5 а", &[], Some(&ALL_RIGHTS));
    let response = api
        .client
        .post(api.url(&format!("/chats/{chat}/members")))
        .header("Authorization", TOKEN)
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().unwrap()["code"], "proto.payload");
}

#[test]
fn chats_cannot_be_listed_or_deleted_any_more() {
    let api = start();
    let chat = api.chat_with_bot("Учительская", &[], Some(&ALL_RIGHTS));
    assert_eq!(
        api.call(Method::GET, "/chats", None),
        (
            404,
            error("not.found", "Method GET /chats is no longer supported")
        )
    );
    assert_eq!(
        api.call(Method::POST, "/chats", Some(&json!({"title": "x"})))
            .0,
        405
    );
    assert_eq!(
        api.delete(&format!("/chats/{chat}")),
        (
            200,
            json!({"success": false, "code": "chat.denied",
                   "message": "Insufficient access rights to perform this action"})
        )
    );
    assert!(api.emu.state().chats.contains_key(&chat));
}

#[test]
fn legacy_chat_list_pages_the_bots_active_chats() {
    let api = common::start_with(max_emulator::EmulatorConfig {
        legacy_chat_list: true,
        rate_limit: None,
        ..common::config()
    });
    let chats: Vec<i64> = (0..3)
        .map(|i| api.chat_with_bot(&format!("c{i}"), &[], None))
        .collect();
    api.act(json!({"action": "create_chat", "by": OWNER, "title": "without the bot"}));
    let first = api.get("/chats?count=2");
    assert_eq!(first["chats"].as_array().unwrap().len(), 2);
    let marker = first["marker"].as_i64().unwrap();
    let second = api.get(&format!("/chats?count=2&marker={marker}"));
    assert_eq!(second["chats"].as_array().unwrap().len(), 1);
    assert_eq!(second["marker"], Value::Null);
    let mut seen: Vec<i64> = first["chats"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["chats"].as_array().unwrap())
        .map(|c| c["chat_id"].as_i64().unwrap())
        .collect();
    seen.sort_unstable();
    let mut expected = chats.clone();
    expected.sort_unstable();
    assert_eq!(seen, expected);
    assert_eq!(api.call(Method::GET, "/chats?count=101", None).0, 400);
}

#[test]
fn get_chat_shows_the_chat_as_the_bot_sees_it() {
    let api = start();
    let chat = api.chat_with_bot("5 а — родители", &[1002], Some(&ALL_RIGHTS));
    assert!(chat <= -CHAT_ID_BASE);
    let body = api.get(&format!("/chats/{chat}"));
    assert_eq!(body["chat_id"], chat);
    assert_eq!(body["type"], "chat");
    assert_eq!(body["status"], "active");
    assert_eq!(body["title"], "5 а — родители");
    assert_eq!(body["owner_id"], OWNER);
    assert_eq!(body["participants_count"], 3);
    assert!(body["link"]
        .as_str()
        .unwrap()
        .starts_with("https://max.ru/join/"));
    assert!(body["participants"][OWNER.to_string()].is_i64());
    assert!(
        body["last_event_time"].as_i64().unwrap() > 1_700_000_000_000,
        "Unix ms"
    );

    api.act(json!({"action": "remove_bot", "chat_id": chat, "by": OWNER, "bot_id": BOT}));
    assert_eq!(api.get(&format!("/chats/{chat}"))["status"], "removed");
    let other =
        api.act(json!({"action": "create_chat", "by": OWNER, "title": "x"}))["chat_id"].clone();
    assert_eq!(
        api.call(Method::GET, &format!("/chats/{other}"), None).0,
        404
    );
    api.act(json!({"action": "set_link", "chat_id": other, "enabled": false}));
    assert_eq!(api.emu.state().chats[&other.as_i64().unwrap()].link, None);
    api.act(json!({"action": "close_chat", "chat_id": chat}));
    assert_eq!(api.get(&format!("/chats/{chat}"))["status"], "closed");
}

#[test]
fn patch_changes_the_title_with_the_right_to() {
    let api = start();
    let chat = api.chat_with_bot("5а", &[], Some(&["change_chat_info"]));
    let (status, body) = api.patch(
        &format!("/chats/{chat}"),
        &json!({"title": "5 а — родители"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["title"], "5 а — родители");
    assert_eq!(api.emu.state().chats[&chat].title, "5 а — родители");

    let long = "я".repeat(201);
    let (status, body) = api.patch(&format!("/chats/{chat}"), &json!({"title": long}));
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("proto.payload"))
    );
    assert_eq!(
        api.patch(&format!("/chats/{chat}"), &json!({"title": ""}))
            .0,
        400
    );

    let plain = api.chat_with_bot("6б", &[], Some(&["read_all_messages"]));
    let (status, body) = api.patch(&format!("/chats/{plain}"), &json!({"title": "x"}));
    assert_eq!((status, body["code"].as_str()), (403, Some("chat.denied")));
    assert_eq!(api.emu.state().chats[&plain].title, "6б");
}

#[test]
fn members_are_read_by_an_admin_bot_in_pages_or_by_id() {
    let api = start();
    let people: Vec<i64> = (1002..1027).collect();
    let chat = api.chat_with_bot("big", &people, Some(&["read_all_messages"]));
    let first = api.get(&format!("/chats/{chat}/members"));
    assert_eq!(
        first["members"].as_array().unwrap().len(),
        20,
        "default count 20"
    );
    let marker = first["marker"].as_i64().unwrap();
    let rest = api.get(&format!("/chats/{chat}/members?marker={marker}&count=100"));
    assert_eq!(rest["members"].as_array().unwrap().len(), 7);
    assert_eq!(rest["marker"], Value::Null);
    let owner = &first["members"][0];
    assert_eq!(owner["user_id"], OWNER);
    assert_eq!(
        (owner["is_owner"].clone(), owner["is_admin"].clone()),
        (json!(true), json!(true))
    );
    let plain = &first["members"][1];
    assert_eq!(plain["is_admin"], false);
    assert_eq!(plain["permissions"], Value::Null);
    assert!(plain["join_time"].is_i64() && plain["first_name"].is_string());

    let some = api.get(&format!("/chats/{chat}/members?user_ids=1003,{BOT},5"));
    let ids: Vec<i64> = some["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1003, BOT]);
    assert_eq!(
        api.call(Method::GET, &format!("/chats/{chat}/members?count=0"), None)
            .0,
        400
    );

    let not_admin = api.chat_with_bot("plain", &[], None);
    assert_eq!(
        api.call(Method::GET, &format!("/chats/{not_admin}/members"), None),
        (
            403,
            error(
                "chat.denied",
                "Method is available only for chat administrator"
            )
        )
    );
}

#[test]
fn adding_members_is_best_effort_with_reasons() {
    let api = start();
    let chat = api.chat_with_bot("5 а", &[], Some(&ALL_RIGHTS));
    api.act(json!({"action": "add_person", "user_id": 2001, "first_name": "Анна", "last_name": "Иванова"}));
    api.act(
        json!({"action": "add_person", "user_id": 2002, "first_name": "Борис", "privacy": true}),
    );
    let (status, body) = api.post(
        &format!("/chats/{chat}/members"),
        &json!({"user_ids": [2001, 2002, 3999]}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"success": false, "failed_user_ids": [2002, 3999], "failed_user_details": [
            {"error_code": "add.participant.privacy", "user_ids": [2002]},
            {"error_code": "add.participant.not.found", "user_ids": [3999]},
        ]})
    );
    assert!(api.members(chat).contains(&2001));
    assert_eq!(
        api.post(
            &format!("/chats/{chat}/members"),
            &json!({"user_ids": [2001]})
        )
        .1,
        json!({"success": true})
    );

    api.act(json!({"action": "restrict_adding", "restricted": true}));
    api.act(json!({"action": "add_person", "user_id": 2003, "first_name": "Вера"}));
    let (_, body) = api.post(
        &format!("/chats/{chat}/members"),
        &json!({"user_ids": [2003]}),
    );
    assert_eq!(
        body["failed_user_details"][0]["error_code"],
        "add.participant.privacy"
    );

    let many: Vec<i64> = (0..101).collect();
    assert_eq!(
        api.post(
            &format!("/chats/{chat}/members"),
            &json!({"user_ids": many})
        )
        .0,
        400
    );
    assert_eq!(
        api.post(&format!("/chats/{chat}/members"), &json!({})).1["code"],
        "proto.payload"
    );

    let weak = api.chat_with_bot("weak", &[], Some(&["read_all_messages"]));
    assert_eq!(
        api.post(
            &format!("/chats/{weak}/members"),
            &json!({"user_ids": [2001]})
        ),
        (
            200,
            json!({"success": false, "code": "chat.denied",
                     "message": "Insufficient access rights to perform this action"})
        )
    );
    let stats = api.emu.stats();
    assert_eq!(stats.errors["200 add.participant.privacy"], 2);
    assert_eq!(stats.errors["200 add.participant.not.found"], 1);
    assert_eq!(stats.errors["200 chat.denied"], 1);
}

#[test]
fn removing_members_needs_the_right_and_spares_the_owner() {
    let api = start();
    let chat = api.chat_with_bot("5 а", &[1002, 1003], Some(&ALL_RIGHTS));
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members?user_id=1002")),
        (200, json!({"success": true}))
    );
    assert!(!api.members(chat).contains(&1002));
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members?user_id=1002&block=true"))
            .1,
        json!({"success": true})
    );
    // The live service answers success for the owner and removes nobody.
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members?user_id={OWNER}"))
            .1,
        json!({"success": true})
    );
    assert!(api.members(chat).contains(&OWNER));
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members")).1["code"],
        "proto.payload"
    );

    api.act(json!({"action": "set_admin", "chat_id": chat, "user_id": BOT, "permissions": ["read_all_messages"]}));
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members?user_id=1003")).1["success"],
        false
    );
    assert!(api.members(chat).contains(&1003));
}

#[test]
fn admins_are_granted_replaced_and_revoked() {
    let api = start();
    let chat = api.chat_with_bot("Учительская", &[1002, 1003], Some(&ALL_RIGHTS));
    let body = json!({"admins": [{"user_id": 1002, "permissions": ["read_all_messages", "pin_message"], "alias": "классный руководитель"}]});
    assert_eq!(
        api.post(&format!("/chats/{chat}/members/admins"), &body),
        (200, json!({"success": true}))
    );
    let admins = api.get(&format!("/chats/{chat}/members/admins"));
    let teacher = admins["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == 1002)
        .unwrap()
        .clone();
    assert_eq!(teacher["is_admin"], true);
    assert_eq!(
        teacher["permissions"],
        json!(["read_all_messages", "pin_message", "can_call"])
    );
    assert_eq!(teacher["alias"], "классный руководитель");
    let ids: Vec<i64> = admins["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [OWNER, 1002, BOT], "in join order");

    // Posting again replaces the rights.
    let again = json!({"admins": [{"user_id": 1002, "permissions": ["change_chat_info"]}]});
    api.post(&format!("/chats/{chat}/members/admins"), &again);
    assert_eq!(
        api.emu.state().chats[&chat].members[&1002].permissions,
        [
            max_emulator::Permission::ChangeChatInfo,
            max_emulator::Permission::CanCall
        ]
    );

    for (permissions, why) in [
        (json!(["write"]), "write needs read_all_messages"),
        (json!(["edit"]), "channels only"),
        (json!(["fly"]), "unknown"),
    ] {
        let body = json!({"admins": [{"user_id": 1003, "permissions": permissions}]});
        let (status, answer) = api.post(&format!("/chats/{chat}/members/admins"), &body);
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("proto.payload")),
            "{why}"
        );
    }
    let stranger = json!({"admins": [{"user_id": 5555, "permissions": []}]});
    assert_eq!(
        api.post(&format!("/chats/{chat}/members/admins"), &stranger)
            .1["success"],
        false
    );
    let owner = json!({"admins": [{"user_id": OWNER, "permissions": []}]});
    assert_eq!(
        api.post(&format!("/chats/{chat}/members/admins"), &owner).1["code"],
        "chat.denied"
    );

    assert_eq!(
        api.delete(&format!("/chats/{chat}/members/admins/1002")),
        (200, json!({"success": true}))
    );
    assert!(!api.emu.state().chats[&chat].members[&1002].is_admin);
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members/admins/{OWNER}"))
            .1["success"],
        false
    );

    let weak = api.chat_with_bot("weak", &[1002], Some(&["read_all_messages"]));
    let body = json!({"admins": [{"user_id": 1002, "permissions": []}]});
    assert_eq!(
        api.post(&format!("/chats/{weak}/members/admins"), &body).1["code"],
        "chat.denied"
    );
    assert_eq!(
        api.delete(&format!("/chats/{weak}/members/admins/1002")).1["success"],
        false
    );
    let plain = api.chat_with_bot("plain", &[], None);
    assert_eq!(
        api.call(Method::GET, &format!("/chats/{plain}/members/admins"), None)
            .0,
        403
    );
}

#[test]
fn a_chat_has_at_most_50_admins() {
    let api = start();
    let people: Vec<i64> = (2000..2060).collect();
    let chat = api.chat_with_bot("big", &people, Some(&ALL_RIGHTS));
    let admins: Vec<Value> = (2000..2048)
        .map(|id| json!({"user_id": id, "permissions": []}))
        .collect();
    assert_eq!(
        api.post(
            &format!("/chats/{chat}/members/admins"),
            &json!({"admins": admins})
        )
        .1["success"],
        true
    );
    let one_more = json!({"admins": [{"user_id": 2050, "permissions": []}]});
    let (status, body) = api.post(&format!("/chats/{chat}/members/admins"), &one_more);
    assert_eq!((status, body["success"].clone()), (200, json!(false)));
}

#[test]
fn the_bot_reads_its_own_membership_and_can_leave() {
    let api = start();
    let chat = api.chat_with_bot(
        "5 а",
        &[],
        Some(&["read_all_messages", "add_remove_members"]),
    );
    let me = api.get(&format!("/chats/{chat}/members/me"));
    assert_eq!(me["user_id"], BOT);
    assert_eq!(me["is_admin"], true);
    assert_eq!(
        me["permissions"],
        json!(["read_all_messages", "add_remove_members", "can_call"])
    );
    let plain = api.chat_with_bot("plain", &[], None);
    let me = api.get(&format!("/chats/{plain}/members/me"));
    assert_eq!(
        (me["is_admin"].clone(), me["permissions"].clone()),
        (json!(false), Value::Null)
    );

    assert_eq!(
        api.delete(&format!("/chats/{chat}/members/me")),
        (200, json!({"success": true}))
    );
    assert_eq!(api.get(&format!("/chats/{chat}"))["status"], "left");
    let (status, body) = api.call(Method::GET, &format!("/chats/{chat}/members/me"), None);
    assert_eq!((status, body["code"].as_str()), (403, Some("chat.denied")));
    assert_eq!(api.call(Method::GET, "/chats/-1/members/me", None).0, 404);
}

#[test]
fn messages_go_to_chats_and_to_people_who_started_the_bot() {
    let api = start();
    let chat = api.chat_with_bot("5 а", &[], None);
    let (status, body) = api.post(
        &format!("/messages?chat_id={chat}"),
        &json!({"text": "Здравствуйте"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"]["recipient"]["chat_id"], chat);
    assert_eq!(body["message"]["sender"]["user_id"], BOT);
    assert!(body["message"]["body"]["mid"].is_string());

    let link = format!("https://max.ru/{BOT_NAME}?start=bind-1002");
    let keyboard = json!([{"type": "inline_keyboard", "payload": {"buttons": [[{"type": "link", "text": "Привязать", "url": link}]]}}]);
    let (status, body) = api.post(
        "/messages?user_id=1002",
        &json!({"text": "x", "attachments": keyboard}),
    );
    assert_eq!((status, body["code"].as_str()), (403, Some("chat.denied")));
    api.act(json!({"action": "start_bot", "user_id": 1002, "bot_id": BOT}));
    let (status, body) = api.post(
        "/messages?user_id=1002",
        &json!({"text": "x", "attachments": keyboard}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"]["recipient"]["user_id"], 1002);
    let sent = api.emu.state().messages;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[1].attachments.as_ref().unwrap()[0]["payload"]["buttons"][0][0]["url"],
        json!(link)
    );

    let long = "a".repeat(4001);
    assert_eq!(
        api.post(&format!("/messages?chat_id={chat}"), &json!({"text": long})),
        (
            400,
            error(
                "proto.payload",
                "Field 'text' size (4001) must be at most 4000"
            )
        )
    );
    assert_eq!(
        api.post("/messages", &json!({"text": "x"})).1["code"],
        "proto.payload"
    );
}
