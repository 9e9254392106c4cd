//! The texts of a run a person reads (the summary line, the dry run's totals and plan, the
//! log lines and problems of the reconciler, the reactions to the messenger's failures, the
//! counters' names), in the language the host asks for ([`exchange_sdk::Context::locale`]):
//! Russian unless the host asks for English. The transport's and the settings' own messages
//! live beside their code (`client.rs`, `config.rs`).

use crate::plan::{ChatAction, ChatPlan};
use exchange_sdk::manifest::Texts;
use std::collections::BTreeMap;

/// The language of the plugin's texts (shared with the MAX task type).
pub use chat_rules::Lang;

/// A text in both languages: a function of the language and the facts the text carries.
macro_rules! text {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) { en: $en:literal, ru: $ru:literal $(,)? }) => {
        $(#[$doc])*
        pub fn $name(lang: Lang, $($arg: $ty),*) -> String {
            match lang {
                Lang::En => format!($en),
                Lang::Ru => format!($ru),
            }
        }
    };
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
    let mut labels = chat_rules::counter_labels(&[
        ("chats_created", "создано чатов", "chats created"),
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
        (
            "calls_restarted",
            "видеозвонков создано повторно",
            "video calls started again",
        ),
        (
            "skipped",
            "людей нельзя добавить",
            "people who cannot be added",
        ),
    ]);
    for (key, words) in SKIP_REASONS {
        let texts: Texts = [
            ("ru".to_string(), format!("нельзя добавить: {words}")),
            ("en".to_string(), format!("cannot be added: {key}")),
        ]
        .into();
        labels.insert(format!("skipped.{key}"), texts);
    }
    labels
}

// The run's start and the check (`apply.rs`, `lib.rs`).

text!(
    /// The organization has no school data.
    no_school_data() {
        en: "the organization has no school data yet: import it first (exchange-host school import), then run the task again",
        ru: "У организации ещё нет данных школы: сначала загрузите их (exchange-host school import), затем запустите задачу снова",
    }
);

text!(
    /// The run was cancelled.
    cancelled() {
        en: "the run was cancelled",
        ru: "Запуск отменён",
    }
);

text!(
    /// The check's answer.
    check_passed(name: &str, id: u64) {
        en: "Sferum answers: the token opens the community «{name}» (id {id})",
        ru: "Сферум отвечает: ключ доступа открывает сообщество «{name}» (id {id})",
    }
);

text!(
    /// The check's answer through a proxy.
    through_proxy(verdict: &str, server: &str, port: u16) {
        en: "{verdict}, through the proxy {server}:{port}",
        ru: "{verdict}, через прокси {server}:{port}",
    }
);

// The plan (`plan.rs`).

text!(
    /// Why a recorded chat is created anew: it is gone.
    note_gone(chat: u64) {
        en: "chat {chat} no longer exists in Sferum (927); creating it anew",
        ru: "чата {chat} больше нет в Сферуме (927): он создаётся заново",
    }
);

text!(
    /// Why a recorded chat is created anew: access was lost and `recreate_lost=1`.
    note_recreate(chat: u64) {
        en: "the community lost access to chat {chat} (917); recreate_lost=1: creating a new one",
        ru: "сообщество потеряло доступ к чату {chat} (917); recreate_lost=1: создаётся новый чат",
    }
);

text!(
    /// Why a chat is left alone: access was lost.
    hold_lost(chat: u64) {
        en: "the community has no access to chat {chat} any more (917); it is not recreated automatically: restore the community's access in Sferum, or run once with recreate_lost=1 to create a new chat",
        ru: "у сообщества больше нет доступа к чату {chat} (917); сам он заново не создаётся: верните сообществу доступ в Сферуме или запустите задачу один раз с recreate_lost=1, чтобы создать новый чат",
    }
);

text!(
    /// Why a chat is left alone: it could not be read.
    hold_failed(chat: u64, e: &str) {
        en: "chat {chat} could not be read: {e}",
        ru: "не удалось прочитать чат {chat}: {e}",
    }
);

text!(
    /// Why a chat is left alone: it was not read.
    hold_unread(chat: u64) {
        en: "chat {chat} was not read",
        ru: "чат {chat} не прочитан",
    }
);

text!(
    /// The plan's heading of a chat to create; `note` is empty or « (why)».
    plan_create(title: &str, note: &str) {
        en: "«{title}»: create{note}",
        ru: "«{title}»: создать{note}",
    }
);

text!(
    /// The plan's heading of an existing chat.
    plan_chat(title: &str, chat: u64) {
        en: "«{title}» (chat {chat})",
        ru: "«{title}» (чат {chat})",
    }
);

/// Added to the heading of a chat found by its title.
pub fn plan_adopted(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": found by its title, taken over",
        Lang::Ru => ": найден по названию, взят под управление",
    }
}

text!(
    /// Added to the heading of a chat to rename.
    plan_rename(from: &str) {
        en: ": rename from «{from}»",
        ru: ": переименовать (сейчас «{from}»)",
    }
);

text!(
    /// The plan's heading of a chat left alone.
    plan_hold(title: &str, reason: &str) {
        en: "«{title}»: left alone: {reason}",
        ru: "«{title}»: остаётся как есть: {reason}",
    }
);

text!(
    /// The plan's line of a member to add.
    plan_add(person: &str) {
        en: "  + add {person}",
        ru: "  + добавить: {person}",
    }
);

text!(
    /// The plan's line of admin rights to grant.
    plan_grant(person: &str) {
        en: "  * make admin {person}",
        ru: "  * сделать администратором: {person}",
    }
);

text!(
    /// The plan's line of admin rights to revoke.
    plan_revoke(person: &str) {
        en: "  - take admin rights from {person}",
        ru: "  - снять права администратора: {person}",
    }
);

/// Added to the plan's removals the removal guard holds back.
pub fn plan_held(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " (held by the removal guard)",
        Lang::Ru => " (задержано защитой от массового удаления)",
    }
}

text!(
    /// The plan's line of a member to remove.
    plan_remove(person: &str, held: &str) {
        en: "  - remove {person}{held}",
        ru: "  - удалить: {person}{held}",
    }
);

/// The skip reasons' keys (`skipped.KEY` counters, `backend::vk::skip_reason`) with a few
/// Russian words each.
const SKIP_REASONS: [(&str, &str); 9] = [
    ("access_denied", "доступ запрещён"),
    ("deleted", "страница удалена"),
    ("chat_full", "в чате нет мест"),
    ("invalid_user", "такого пользователя нет"),
    ("no_permission", "нет разрешения"),
    ("cannot_interact", "с этим пользователем нельзя связаться"),
    ("contact_not_found", "контакт не найден"),
    (
        "no_access_to_community",
        "у сообщества нет доступа к человеку",
    ),
    ("privacy", "настройки приватности"),
];

/// Why a person cannot be added, by the skip reason's key: the key in English, a few words
/// and the key in Russian.
pub fn skip_reason(lang: Lang, key: &str) -> String {
    match (lang, SKIP_REASONS.iter().find(|(k, _)| *k == key)) {
        (Lang::Ru, Some((_, words))) => format!("{words}: {key}"),
        _ => key.to_string(),
    }
}

text!(
    /// The plan's line of a member not retried yet.
    plan_skipped(person: &str, reason: &str) {
        en: "  ! not added: {person} ({reason}); retried later",
        ru: "  ! не добавлен: {person} ({reason}); повторная попытка позже",
    }
);

text!(
    /// The plan when nothing is to change.
    plan_in_step() {
        en: "every chat is in step with the school data: nothing to change",
        ru: "Все чаты соответствуют данным школы: менять нечего",
    }
);

// The reconciler (`reconcile/*.rs`).

text!(
    /// The task's state could not be saved.
    cannot_save(e: &str) {
        en: "cannot save the task's state: {e}",
        ru: "Не удалось сохранить состояние задачи: {e}",
    }
);

text!(
    /// The links table could not be published.
    cannot_publish(e: &str) {
        en: "cannot publish the Sferum chats table: {e}",
        ru: "Не удалось опубликовать таблицу «Чаты Сферум»: {e}",
    }
);

text!(
    /// The community's chats could not be read.
    cannot_list(e: &str) {
        en: "cannot read the community's chats: {e}",
        ru: "Не удалось прочитать чаты сообщества: {e}",
    }
);

text!(
    /// A reply that does not fit the operation (`other` is the reply).
    other_answer(other: &str) {
        en: "an answer of another operation ({other})",
        ru: "ответ на другую операцию ({other})",
    }
);

text!(
    /// A kind of operation refused by flood control twice.
    flood_stop(message: &str, secs: u64) {
        en: "{message} again after a pause of {secs} s, so it is not called again in this run; the next runs do the rest",
        ru: "{message} — и снова после паузы {secs} с, поэтому в этом запуске больше не вызывается; остальное сделают следующие запуски",
    }
);

text!(
    /// The token opens another community.
    wrong_community(name: &str, id: u64, community_id: u64) {
        en: "the access token belongs to the community «{name}» (id {id}), but sferum.community_id is {community_id}: check both values in the organization's Links base («База ссылок»)",
        ru: "Ключ доступа принадлежит сообществу «{name}» (id {id}), а sferum.community_id равен {community_id}: проверьте оба значения в базе ссылок организации («База ссылок»)",
    }
);

text!(
    /// The community's answer lacks the community.
    no_community() {
        en: "groups.getById answered without the community",
        ru: "groups.getById ответил без сообщества",
    }
);

/// A role of people without a Sferum ID (the chat rules' key).
pub fn role(lang: Lang, role: &str) -> &str {
    match (lang, role) {
        (Lang::Ru, "employees") => "сотрудники",
        (Lang::Ru, "parents") => "родители",
        (Lang::Ru, "students") => "ученики",
        _ => role,
    }
}

text!(
    /// People without a Sferum ID; `roles` counts them by role.
    without_sferum_id(n: u64, roles: &str, org: &str) {
        en: "{n} people have no Sferum ID and are left out of the chats ({roles}; names at debug level). Enter their Sferum IDs in the school data and import it again; the next run adds them (exchange-host school coverage {org} shows how many are linked per class)",
        ru: "Людей без идентификатора Сферум: {n}, в чаты они не включены ({roles}; имена — в журнале на уровне debug). Внесите их идентификаторы Сферум в данные школы и загрузите данные снова; следующий запуск добавит их (exchange-host school coverage {org} покажет, сколько людей привязано в каждом классе)",
    }
);

/// A person without a Sferum ID as the log names them: «Иванов И. (ученик, 5 а)».
pub fn unlinked(lang: Lang, person: &chat_rules::Unlinked) -> String {
    let name = &person.name;
    let class = person.class.as_deref().unwrap_or_default();
    match (lang, person.role) {
        (Lang::Ru, "parents") => format!("{name} (родитель, {class})"),
        (Lang::Ru, "students") => format!("{name} (ученик, {class})"),
        (Lang::Ru, _) => format!("{name} (сотрудник)"),
        (Lang::En, "parents") => format!("{name} (parent, {class})"),
        (Lang::En, "students") => format!("{name} (student, {class})"),
        (Lang::En, _) => format!("{name} (employee)"),
    }
}

text!(
    /// The names of people without a Sferum ID (debug level).
    without_sferum_id_names(names: &str) {
        en: "without a Sferum ID: {names}",
        ru: "без идентификатора Сферум: {names}",
    }
);

text!(
    /// The community's list shifted while it was read.
    list_shifted(pass: u32) {
        en: "the community's chat list changed while it was read (pass {pass}); reading it again so that no chat is missed",
        ru: "Список чатов сообщества изменился во время чтения (проход {pass}); читаем его ещё раз, чтобы не пропустить ни одного чата",
    }
);

text!(
    /// A creation whose answer was lost and whose chat is not found.
    creation_uncertain(title: &str) {
        en: "«{title}»: the answer to its creation was lost and the chat is not among the community's chats yet; the next run looks for it again before creating it",
        ru: "«{title}»: ответ на создание чата потерян, а среди чатов сообщества его пока нет; следующий запуск снова поищет его, прежде чем создавать",
    }
);

text!(
    /// A chat not created in this run.
    not_created(title: &str) {
        en: "«{title}»: the chat could not be created in this run; the next run tries again",
        ru: "«{title}»: чат не удалось создать в этом запуске; следующий запуск попробует снова",
    }
);

text!(
    /// A chat created.
    created(title: &str, chat: u64, members: usize, wanted: usize) {
        en: "«{title}»: created (chat {chat}) with {members} of {wanted} members",
        ru: "«{title}»: создан (чат {chat}), участников: {members} из {wanted}",
    }
);

text!(
    /// A creation whose answer was lost.
    creation_lost(title: &str, why: &str) {
        en: "«{title}»: {why}; looking for the chat by its title before creating another",
        ru: "«{title}»: {why}; прежде чем создавать чат ещё раз, ищем его по названию",
    }
);

text!(
    /// A creation refused because of an initial member.
    create_empty(title: &str, reason: &str) {
        en: "«{title}»: Sferum refused to create the chat with its members because one of them cannot be added ({reason}); creating it without members and adding them one by one",
        ru: "«{title}»: Сферум не создал чат с участниками, потому что одного из них нельзя добавить ({reason}); создаём чат без участников и добавляем их по одному",
    }
);

text!(
    /// A creation refused.
    create_failed(title: &str, why: &str) {
        en: "«{title}»: the chat could not be created: {why}",
        ru: "«{title}»: чат не удалось создать: {why}",
    }
);

/// The log of a chat found by its title: after a lost answer (`pending`) or not.
pub fn found_by_title(lang: Lang, pending: bool) -> String {
    match (lang, pending) {
        (Lang::En, true) => "found by its title after a lost answer",
        (Lang::En, false) => "found by its title and taken over",
        (Lang::Ru, true) => "найден по названию после потерянного ответа",
        (Lang::Ru, false) => "найден по названию и взят под управление",
    }
    .into()
}

text!(
    /// A chat renamed.
    renamed(from: &str) {
        en: "renamed from «{from}»",
        ru: "переименован (было «{from}»)",
    }
);

text!(
    /// A member added.
    added(person: &str) {
        en: "added {person}",
        ru: "добавлен участник {person}",
    }
);

text!(
    /// A member who cannot be added.
    not_added(person: &str, reason: &str) {
        en: "could not add {person} ({reason}); retried after a day",
        ru: "не удалось добавить участника {person} ({reason}); повторная попытка через сутки",
    }
);

text!(
    /// Admin rights revoked.
    revoked(person: &str) {
        en: "admin rights taken from {person}",
        ru: "сняты права администратора: {person}",
    }
);

text!(
    /// Admin rights of a member who left.
    revoke_gone(person: &str) {
        en: "admin rights of {person}: not in the chat any more",
        ru: "права администратора: {person} уже нет в чате",
    }
);

/// A member removed; `gone` when the member had already left.
pub fn removed(lang: Lang, person: &str, gone: bool) -> String {
    match (lang, gone) {
        (Lang::En, false) => format!("removed {person}"),
        (Lang::En, true) => format!("removed {person} (already gone)"),
        (Lang::Ru, false) => format!("удалён участник {person}"),
        (Lang::Ru, true) => format!("удалён участник {person} (его уже не было в чате)"),
    }
}

text!(
    /// Admin rights granted.
    granted(person: &str) {
        en: "admin rights given to {person}",
        ru: "выданы права администратора: {person}",
    }
);

text!(
    /// An operation of the update phase failed.
    op_failed(title: &str, what: &str, why: &str) {
        en: "«{title}»: {what} failed: {why}",
        ru: "«{title}»: {what} — не получилось: {why}",
    }
);

text!(
    /// An operation of the update phase got an unfitting answer.
    op_odd(title: &str, what: &str, other: &str) {
        en: "«{title}»: {what} got {other}",
        ru: "«{title}»: {what}: получен {other}",
    }
);

text!(
    /// How the log names a chat's id after its title.
    chat_id(chat: u64) {
        en: " (chat {chat})",
        ru: " (чат {chat})",
    }
);

/// What an operation of the update phase does, for messages (`person` names its member).
pub fn operation(lang: Lang, op: &crate::backend::Op, person: &str) -> String {
    use crate::backend::Op;
    match (lang, op) {
        (Lang::En, Op::Retitle { .. }) => "renaming".into(),
        (Lang::Ru, Op::Retitle { .. }) => "переименование".into(),
        (Lang::En, Op::Add { .. }) => format!("adding {person}"),
        (Lang::Ru, Op::Add { .. }) => format!("добавление участника {person}"),
        (Lang::En, Op::SetAdmin { admin: false, .. }) => {
            format!("taking admin rights from {person}")
        }
        (Lang::Ru, Op::SetAdmin { admin: false, .. }) => {
            format!("снятие прав администратора ({person})")
        }
        (Lang::En, Op::SetAdmin { .. }) => format!("giving admin rights to {person}"),
        (Lang::Ru, Op::SetAdmin { .. }) => format!("выдача прав администратора ({person})"),
        (Lang::En, Op::Remove { .. }) => format!("removing {person}"),
        (Lang::Ru, Op::Remove { .. }) => format!("удаление участника {person}"),
        (Lang::En, Op::InviteLink { .. }) => "reading the invite link".into(),
        (Lang::Ru, Op::InviteLink { .. }) => "чтение ссылки-приглашения".into(),
        (_, other) => format!("{other:?}"),
    }
}

text!(
    /// How the log names a video call.
    video_call(title: &str, class: &str, subject: &str, starts: &str) {
        en: "video call «{title}» ({class}, {subject}, {starts})",
        ru: "видеозвонок «{title}» ({class}, {subject}, {starts})",
    }
);

text!(
    /// A dry run's video call.
    call_would_start(what: &str) {
        en: "{what}: would start a Sferum call and write its join link",
        ru: "{what}: настоящий запуск создал бы звонок в Сферуме и записал бы ссылку для входа",
    }
);

text!(
    /// A call whose start got no answer is started again.
    call_restart(what: &str, started_at: u64) {
        en: "{what}: the start sent at {started_at} (unix time) got no answer, so a call may exist in Sferum without its link (a possible orphan, never used). Starting it again so that the lesson gets a link",
        ru: "{what}: на создание звонка, отправленное в {started_at} (время unix), ответа не было, поэтому в Сферуме может остаться звонок без ссылки (лишний, им никто не воспользуется). Создаём звонок снова, чтобы у урока была ссылка",
    }
);

text!(
    /// A call whose start's answer was lost.
    call_lost(what: &str, why: &str) {
        en: "{what}: {why}; the next run starts it again",
        ru: "{what}: {why}; следующий запуск создаст звонок снова",
    }
);

text!(
    /// A call that could not be started.
    call_failed(what: &str, why: &str) {
        en: "{what}: the Sferum call could not be started: {why}; the next run tries again",
        ru: "{what}: звонок в Сферуме не удалось создать: {why}; следующий запуск попробует снова",
    }
);

text!(
    /// A call's start got an unfitting answer.
    call_odd(what: &str, other: &str) {
        en: "{what}: calls.start got {other}; the next run starts it again",
        ru: "{what}: calls.start: получен {other}; следующий запуск создаст звонок снова",
    }
);

text!(
    /// A call's link written into the school data.
    call_link_published(what: &str) {
        en: "{what}: join link published",
        ru: "{what}: ссылка для входа опубликована",
    }
);

text!(
    /// A call's link not written into the school data.
    call_link_failed(what: &str, e: &str) {
        en: "{what}: the join link could not be written into the school data ({e}); the next run tries again",
        ru: "{what}: ссылку для входа не удалось записать в данные школы ({e}); следующий запуск попробует снова",
    }
);
