//! The texts of a run a person reads (the summary line, the dry run's totals, the counters'
//! names), in the language the host asks for ([`exchange_sdk::Context::locale`]): Russian
//! unless the host asks for English.

use crate::plan::{ChatAction, ChatPlan};
use exchange_sdk::manifest::Texts;
use exchange_sdk::Context;
use std::collections::BTreeMap;

/// A language of the plugin's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The language the host asked for: English for `en…`, else Russian.
    pub fn of(ctx: &Context<'_>) -> Lang {
        if ctx.locale().starts_with("en") {
            Lang::En
        } else {
            Lang::Ru
        }
    }
}

/// The counters of a run in figures.
pub struct Figures {
    pub chats: usize,
    pub created: u64,
    pub renamed: u64,
    pub added: u64,
    pub removed: u64,
    pub granted: u64,
    pub revoked: u64,
    pub calls: u64,
}

/// The summary line of a run that did its work.
pub fn done(lang: Lang, f: &Figures) -> String {
    match lang {
        Lang::En => format!(
            "{} chats: {} created, {} renamed; members +{} −{}; admins +{} −{}; {} video calls published",
            f.chats, f.created, f.renamed, f.added, f.removed, f.granted, f.revoked, f.calls
        ),
        Lang::Ru => format!(
            "Чатов: {} (создано {}, переименовано {}); участники +{} −{}; администраторы +{} −{}; видеозвонков создано: {}",
            f.chats, f.created, f.renamed, f.added, f.removed, f.granted, f.revoked, f.calls
        ),
    }
}

/// The summary line of a dry run: what the real run would do, in totals.
pub fn dry_run(lang: Lang, counters: &BTreeMap<String, u64>, guard: Option<&str>) -> String {
    let n = |k: &str| counters.get(k).copied().unwrap_or(0);
    let (create, add, remove, grant, revoke) = (
        n("plan_chats_to_create"),
        n("plan_members_to_add"),
        n("plan_members_to_remove"),
        n("plan_admins_to_grant"),
        n("plan_admins_to_revoke"),
    );
    let mut text = match lang {
        Lang::En => format!(
            "dry run, nothing was changed: the run would create {create} chats, add {add} and remove {remove} members, grant {grant} and revoke {revoke} admin rights (per chat in the log)"
        ),
        Lang::Ru => format!(
            "Пробный запуск, ничего не изменено. Настоящий запуск создал бы чатов: {create}, добавил бы участников: {add}, удалил бы: {remove}, выдал бы прав администратора: {grant}, снял бы: {revoke} (по чатам — в журнале)."
        ),
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

/// Counts a dry run's plan into the `plan_*` counters.
pub fn count_plan(chats: &[ChatPlan], counters: &mut BTreeMap<String, u64>) {
    let mut bump = |key: &str, n: usize| *counters.entry(key.into()).or_default() += n as u64;
    for c in chats {
        bump(
            "plan_chats_to_create",
            usize::from(matches!(c.action, ChatAction::Create { .. })),
        );
        bump("plan_members_to_add", c.add.len());
        bump("plan_members_to_remove", c.remove.len());
        bump("plan_admins_to_grant", c.grant.len());
        bump("plan_admins_to_revoke", c.revoke.len());
    }
}

/// One chat's totals in a dry run, or `None` when nothing would change in it.
pub fn chat_totals(lang: Lang, c: &ChatPlan) -> Option<String> {
    if !c.writes() {
        return None;
    }
    let create = matches!(c.action, ChatAction::Create { .. });
    let (add, remove) = (c.add.len(), c.remove.len());
    Some(match (lang, create) {
        (Lang::En, true) => format!("«{}»: create, with {add} members", c.title),
        (Lang::En, false) => format!("«{}»: add {add}, remove {remove}", c.title),
        (Lang::Ru, true) => format!("«{}»: создать, участников: {add}", c.title),
        (Lang::Ru, false) => format!("«{}»: добавить {add}, удалить {remove}", c.title),
    })
}

/// The heading of a dry run's plan in the log.
pub fn dry_run_heading(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "dry run: nothing is changed in Sferum; totals per chat, then the plan person by person:",
        Lang::Ru => "Пробный запуск: в Сферуме ничего не меняется. Итоги по чатам, затем план по людям:",
    }
}

/// "(and N more problems, see the log)".
pub fn more_problems(lang: Lang, more: usize) -> String {
    match lang {
        Lang::En => format!(" (and {more} more problems, see the log)"),
        Lang::Ru => format!(" (и ещё проблем: {more}, см. журнал)"),
    }
}

/// The counters' names per language, for the manifest.
pub fn counter_labels() -> BTreeMap<String, Texts> {
    let labels: [(&str, &str, &str); 18] = [
        ("chats", "чатов положено школе", "chats the school needs"),
        ("chats_created", "создано чатов", "chats created"),
        ("chats_retitled", "переименовано чатов", "chats renamed"),
        ("members_added", "добавлено участников", "members added"),
        ("members_removed", "удалено участников", "members removed"),
        (
            "admins_granted",
            "выдано прав администратора",
            "admin rights granted",
        ),
        (
            "admins_revoked",
            "снято прав администратора",
            "admin rights revoked",
        ),
        (
            "links_published",
            "ссылок в таблице «Чаты Сферум»",
            "links in the table",
        ),
        (
            "calls_published",
            "создано видеозвонков",
            "video calls started",
        ),
        (
            "calls_failed",
            "не создано видеозвонков",
            "video calls not started",
        ),
        ("api_requests", "запросов к Сферуму", "requests to Sferum"),
        ("api_calls", "вызовов API Сферума", "Sferum API calls"),
        (
            "people_without_sferum_id",
            "людей без идентификатора Сферум",
            "people without a Sferum ID",
        ),
        (
            "plan_chats_to_create",
            "чатов будет создано",
            "chats to create",
        ),
        (
            "plan_members_to_add",
            "участников будет добавлено",
            "members to add",
        ),
        (
            "plan_members_to_remove",
            "участников будет удалено",
            "members to remove",
        ),
        (
            "plan_admins_to_grant",
            "прав администратора будет выдано",
            "admin rights to grant",
        ),
        (
            "plan_admins_to_revoke",
            "прав администратора будет снято",
            "admin rights to revoke",
        ),
    ];
    labels
        .into_iter()
        .map(|(key, ru, en)| {
            let texts: Texts = [
                ("ru".to_string(), ru.to_string()),
                ("en".to_string(), en.to_string()),
            ]
            .into();
            (key.to_string(), texts)
        })
        .collect()
}
