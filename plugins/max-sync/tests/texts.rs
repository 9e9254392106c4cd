//! The texts a run shows an administrator, through the plugin's real run against the MAX
//! emulator on loopback with `exchange_sdk::testing::TestHost`: Russian unless the host asks
//! for English (the web console shows the summary and the warnings on Russian pages).

use exchange_sdk::school::SchoolData;
use exchange_sdk::testing::{latin_sentence, params, TestHost};
use exchange_sdk::{RunRequest, RunStatus, RunSummary};
use max_emulator::{Act, Emulator, EmulatorConfig, EmulatorHandle, Permission};
use max_sync::MaxSync;
use serde_json::json;

const TOKEN: &str = "fake-max-bot-token-texts";

fn school() -> SchoolData {
    serde_json::from_value(json!({
        "format": "school-data/1",
        "organization": {"id": "school", "name": "Школа № 1", "academic_year": "2026/2027"},
        "staff": [
            {"id": "d", "full_name": "Директор", "max_id": 1001,
             "positions": [{"title": "Директор", "level": "head_1", "pedagogical": false, "current": true}]},
            {"id": "t1", "full_name": "Учитель", "max_id": 1002,
             "positions": [{"title": "Учитель", "level": "staff", "pedagogical": true, "current": true}]}
        ],
        "classes": [{"id": "c5a", "name": "5 а", "class_teacher": "t1"}],
        "students": [{"id": "s1", "full_name": "Ученик 1", "class": "c5a"}],
        "parents": [],
        "video_calls": []
    }))
    .unwrap()
}

fn emulator() -> EmulatorHandle {
    Emulator::start(EmulatorConfig::default().bot(900, "school_bot", TOKEN)).unwrap()
}

fn run(host: &TestHost, max: &EmulatorHandle, locale: &str, task: &[(&str, &str)]) -> RunSummary {
    let request = RunRequest {
        org_id: "school".into(),
        org_values: params(&[("max.bot_token", TOKEN), ("max.bot_name", "school_bot")]),
        params: params(task),
        school: Some(school()),
        locale: locale.into(),
        task_id: "12".into(),
        ..Default::default()
    };
    max_sync::run_with(&host.context::<MaxSync>(request), &max.base_url()).unwrap()
}

#[test]
fn the_summary_and_the_missing_chats_are_russian_by_default() {
    let (max, host) = (emulator(), TestHost::new());
    let summary = run(&host, &max, "", &[]);
    assert_eq!(summary.status, RunStatus::Partial);
    let message = &summary.message;
    assert!(
        message.starts_with("Чатов: 3 (ведётся 0, не хватает 3)"),
        "{message}"
    );
    assert!(
        message.contains("Создайте в MAX и добавьте бота @school_bot администратором")
            && message.contains("«Учительская»"),
        "{message}"
    );
    // TestHost keeps no MAX bindings: the first problem follows, as a sentence.
    assert!(
        message.contains("». Этот хост не хранит привязки MAX"),
        "{message}"
    );
    let log = host.log_lines();
    assert!(
        log.iter()
            .any(|l| l.starts_with("warn: Не хватает чата «Учительская»")),
        "{log:?}"
    );
    let warnings: Vec<&String> = log.iter().filter(|l| l.starts_with("warn: ")).collect();
    for text in warnings
        .iter()
        .map(|l| l.as_str())
        .chain([message.as_str()])
    {
        assert_eq!(latin_sentence(text), None, "{text}");
    }
    assert_eq!(summary.counters["chats_missing"], 3);
}

#[test]
fn english_when_the_host_asks_for_it() {
    let (max, host) = (emulator(), TestHost::new());
    let summary = run(&host, &max, "en_US.UTF-8", &[]);
    assert!(
        summary.message.starts_with("3 chats: 0 kept, 3 missing")
            && summary
                .message
                .contains(". Create in MAX and add the bot @school_bot"),
        "{}",
        summary.message
    );
    assert!(host
        .log_lines()
        .iter()
        .any(|l| l.starts_with("warn: missing chat «Учительская»")));
}

#[test]
fn a_dry_run_says_so_in_russian() {
    let (max, host) = (emulator(), TestHost::new());
    let summary = run(&host, &max, "ru", &[("dry_run", "1")]);
    assert_eq!(summary.status, RunStatus::Ok);
    assert!(
        summary
            .message
            .starts_with("Пробный запуск: план — в журнале, ничего не изменено. Чатов: 3"),
        "{}",
        summary.message
    );
    assert_eq!(
        latin_sentence(&summary.message),
        None,
        "{}",
        summary.message
    );
}

/// A staff room made by the director with the teacher and `extra` people in it, the bot
/// added as an admin with the rights it needs; its chat id.
fn staff_room(max: &EmulatorHandle, extra: &[i64]) -> i64 {
    for &user_id in [1001, 1002].iter().chain(extra) {
        let person = Act::AddPerson {
            user_id,
            first_name: format!("Человек {user_id}"),
            last_name: None,
            username: None,
            privacy: false,
        };
        max.act(person).unwrap();
    }
    let chat_id = max
        .act(Act::CreateChat {
            by: 1001,
            title: "Учительская".into(),
            members: [1002].iter().chain(extra).copied().collect(),
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
    max.act(Act::AddBot {
        chat_id,
        by: 1001,
        bot_id: 900,
        admin: Some(rights),
    })
    .unwrap();
    chat_id
}

#[test]
fn a_kept_chat_is_reported_in_russian() {
    let (max, host) = (emulator(), TestHost::new());
    // The first run sets the update marker (without one MAX serves only the newest update).
    run(&host, &max, "", &[]);
    let chat_id = staff_room(&max, &[5555]);
    let summary = run(&host, &max, "", &[]);
    assert!(
        summary
            .message
            .starts_with("Чатов: 3 (ведётся 1, не хватает 2); участники +0 −1"),
        "{}",
        summary.message
    );
    let log = host.log_lines();
    let adopted = format!("info: чат {chat_id} «Учительская» принят по названию");
    assert!(log.contains(&adopted), "{log:?}");
    for line in log.iter().filter(|l| l.starts_with("warn: ")) {
        assert_eq!(latin_sentence(line), None, "{line}");
    }
}

#[test]
fn the_removal_guard_names_the_tasks_button_and_command_in_russian() {
    let (max, host) = (emulator(), TestHost::new());
    run(&host, &max, "", &[]);
    staff_room(&max, &[5555, 5556, 5557]);
    let summary = run(&host, &max, "", &[]);
    assert_eq!(summary.status, RunStatus::Failed);
    let message = &summary.message;
    assert!(
        message.starts_with("Защита от массового удаления: этот запуск удалил бы 3 из 5 участников чата «Учительская»")
            && message.contains("кнопка «Запустить с подтверждением удалений»")
            && message.contains("exchange-host run 12 --force"),
        "{message}"
    );
    assert_eq!(latin_sentence(message), None, "{message}");
    assert_eq!(summary.counters.get("members_removed"), None);
}
