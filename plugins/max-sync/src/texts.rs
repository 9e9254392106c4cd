//! The texts of a run a person reads (the summary line, the missing chats, the counters'
//! names), in the language the host asks for ([`exchange_sdk::Context::locale`]): Russian
//! unless the host asks for English.

use exchange_sdk::manifest::Texts;
use std::collections::BTreeMap;

/// The language of the plugin's texts (shared with the Sferum task type).
pub use chat_rules::Lang;

/// The counters of a run in figures.
pub struct Figures {
    pub chats: u64,
    pub kept: u64,
    pub missing: u64,
    pub added: u64,
    pub removed: u64,
    pub granted: u64,
    pub revoked: u64,
    pub without_max_id: u64,
}

/// The summary line of what a run did (or, in a dry run, found).
pub fn done(lang: Lang, f: &Figures) -> String {
    match lang {
        Lang::En => format!(
            "{} chats: {} kept, {} missing; members +{} −{}; admins +{} −{}; {} people without a MAX id",
            f.chats, f.kept, f.missing, f.added, f.removed, f.granted, f.revoked, f.without_max_id
        ),
        Lang::Ru => format!(
            "Чатов: {} (ведётся {}, не хватает {}); участники +{} −{}; администраторы +{} −{}; людей без идентификатора MAX: {}",
            f.chats, f.kept, f.missing, f.added, f.removed, f.granted, f.revoked, f.without_max_id
        ),
    }
}

/// The log line of one missing chat: what to create and whom to add, with which rights.
pub fn missing_chat(lang: Lang, title: &str, bot: &str, rights: &str) -> String {
    match lang {
        Lang::En => format!(
            "missing chat «{title}»: create a group chat in MAX titled exactly «{title}» and add the bot @{bot} to it as an admin with the rights {rights} (or bind an existing chat with bind_chats)"
        ),
        Lang::Ru => format!(
            "Не хватает чата «{title}»: создайте в MAX групповой чат с названием ровно «{title}» и добавьте в него бота @{bot} администратором с правами {rights} (или привяжите существующий чат параметром bind_chats)"
        ),
    }
}

/// The summary's part on the missing chats: the first three titles, how many more.
pub fn missing_chats(lang: Lang, bot: &str, rights: &str, titles: &[&str]) -> String {
    let first: Vec<String> = titles.iter().take(3).map(|t| format!("«{t}»")).collect();
    let first = first.join(", ");
    let more = titles.len().saturating_sub(3);
    match lang {
        Lang::En => {
            let more = if more > 0 {
                format!(" and {more} more (see the log)")
            } else {
                String::new()
            };
            format!(". Create in MAX and add the bot @{bot} as an admin ({rights}): {first}{more}")
        }
        Lang::Ru => {
            let more = if more > 0 {
                format!(" и ещё {more} (см. журнал)")
            } else {
                String::new()
            };
            format!(
                ". Создайте в MAX и добавьте бота @{bot} администратором ({rights}): {first}{more}"
            )
        }
    }
}

/// The summary of a dry run around `done`; `guard` is why the real run would stop.
pub fn dry_run(lang: Lang, done: &str, guard: Option<&str>) -> String {
    let mut text = match lang {
        Lang::En => format!("dry run: the plan is in the log; nothing was changed. {done}."),
        Lang::Ru => format!("Пробный запуск: план — в журнале, ничего не изменено. {done}."),
    };
    if let Some(guard) = guard {
        text.push_str(match lang {
            Lang::En => " The real run would stop: ",
            Lang::Ru => " Настоящий запуск остановился бы: ",
        });
        text.push_str(guard);
    }
    text
}

/// `text` as a sentence: its first letter a capital.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The counters' names per language, for the manifest.
pub fn counter_labels() -> BTreeMap<String, Texts> {
    chat_rules::counter_labels(&[
        ("chats_adopted", "чатов ведётся", "chats kept"),
        ("chats_missing", "чатов не хватает", "chats missing"),
        ("api_requests", "запросов к MAX", "requests to MAX"),
        (
            "people_bound",
            "людей привязано по ссылкам на бота",
            "people bound by deep links",
        ),
        (
            "people_without_max_id",
            "людей без идентификатора MAX",
            "people without a MAX id",
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_begins_with_a_capital() {
        assert_eq!(sentence("этот хост"), "Этот хост");
        assert_eq!(sentence("«5 а»: x"), "«5 а»: x");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn missing_chats_name_the_first_three_and_count_the_rest() {
        let titles = [
            "Учительская",
            "5 а — родители",
            "5 а — ученики",
            "6 б — родители",
        ];
        let ru = missing_chats(Lang::Ru, "school_bot", "add_admins", &titles);
        assert_eq!(ru, ". Создайте в MAX и добавьте бота @school_bot администратором (add_admins): «Учительская», «5 а — родители», «5 а — ученики» и ещё 1 (см. журнал)");
        let en = missing_chats(Lang::En, "school_bot", "add_admins", &titles[..1]);
        assert_eq!(
            en,
            ". Create in MAX and add the bot @school_bot as an admin (add_admins): «Учительская»"
        );
    }
}
