//! One run: reads the updates (chat register, deep-link starts), binds people, adopts chats,
//! brings each adopted chat in step by the shared rules, publishes the links table, and lists
//! what the administrator has to do (missing chats, rights the bot lacks, people to bind).
//!
//! Crash safety: the update marker is saved with the register it fed, after the bindings the
//! updates carried reached the host; every write to MAX is idempotent and every chat is read
//! afresh each run, so a run killed at any point leaves nothing the next run does not finish.

use crate::adopt::{adopt, record, Event};
use crate::api::{Chat, ChatId};
use crate::client::{ApiError, Client};
use crate::config::Config;
use crate::diff::{diff, Actual, ChatDiff, ADMIN_RIGHTS, BOT_RIGHTS};
use crate::state::{Skip, TaskState, KEY};
use crate::texts::{self, Figures, Lang};
use chat_rules::{desired_by, links_table, Desired, DesiredChat, PersonRef};
use exchange_sdk::negotiate::{services, MaxBinding, MaxBindings, MaxBindingsRequest};
use exchange_sdk::{Context, LogLevel, RunStatus, RunSummary};
use std::collections::BTreeMap;

/// The MAX id a school data record carries.
pub fn max_id(person: PersonRef<'_>) -> Option<u64> {
    match person {
        PersonRef::Staff(s) => s.max_id,
        PersonRef::Parent(p) => p.max_id,
        PersonRef::Student(s) => s.max_id,
    }
}

/// An unguessable deep-link payload: 16 random bytes in hex.
fn new_payload(lang: Lang) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        lang.pick(
            format!("no randomness for a deep link: {e}"),
            format!("нет случайных чисел для ссылки на бота: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Why a person could not be added, for the administrator.
fn add_reason(lang: Lang, code: &str) -> String {
    match code {
        "add.participant.privacy" => lang.pick(
            "their privacy settings refuse being added by bots (or MAX restricts adding): send them the chat's invite link".into(),
            "настройки приватности запрещают ботам добавлять этого человека (или MAX ограничил добавление): отправьте ему ссылку-приглашение в чат".into(),
        ),
        "add.participant.not.found" => lang.pick(
            "MAX knows no such user: check the MAX id".into(),
            "в MAX нет такого пользователя: проверьте идентификатор MAX".into(),
        ),
        other => lang.pick(format!("MAX refused ({other})"), format!("MAX отказал ({other})")),
    }
}

struct Run<'c, 'x> {
    ctx: &'c Context<'x>,
    client: &'c Client,
    config: &'c Config,
    lang: Lang,
    state: TaskState,
    counters: BTreeMap<String, u64>,
    problems: Vec<String>,
}

impl Run<'_, '_> {
    fn count(&mut self, key: &str, n: u64) {
        *self.counters.entry(key.into()).or_default() += n;
    }

    fn problem(&mut self, text: String) {
        self.ctx.warn(&text);
        self.problems.push(text);
    }

    fn save(&self) -> Result<(), String> {
        if self.config.dry_run {
            return Ok(());
        }
        self.ctx.state_set(KEY, Some(&self.state.to_json()))
    }

    fn bindings(&self, request: &MaxBindingsRequest) -> Result<Vec<MaxBinding>, String> {
        let input = serde_json::to_string(request).map_err(|e| e.to_string())?;
        let answer = self.ctx.call_host(services::MAX_BINDINGS, &input)?;
        let read: MaxBindings = serde_json::from_str(&answer).map_err(|e| {
            self.lang.pick(
                format!("the host's MAX bindings cannot be read: {e}"),
                format!("привязки MAX, переданные программой, не прочитать: {e}"),
            )
        })?;
        Ok(read.bindings)
    }

    /// Reads the updates into the register; binds the people who opened their deep link.
    /// A dry run reads one page and moves no marker.
    fn read_updates(&mut self, bindings: &mut Vec<MaxBinding>) -> Result<(), String> {
        loop {
            let page = self
                .client
                .updates(self.state.marker)
                .map_err(|e| e.to_string())?;
            for update in &page.updates {
                match Event::read(update) {
                    Some(Event::Started { user, payload }) => {
                        let known = bindings.iter().find(|b| b.payload == payload);
                        let Some(person) = known.map(|b| b.person.clone()) else {
                            self.ctx.info(&self.lang.pick(
                                format!("MAX user {user} opened the bot with an unknown payload: ignored"),
                                format!("пользователь MAX {user} открыл бота с неизвестной ссылкой: пропущено"),
                            ));
                            continue;
                        };
                        if self.config.dry_run {
                            self.ctx.info(&self.lang.pick(
                                format!("would bind {person} to MAX user {user}"),
                                format!("{person} был(а) бы привязан(а) к пользователю MAX {user}"),
                            ));
                            continue;
                        }
                        *bindings = self.bindings(&MaxBindingsRequest::Bind {
                            payload,
                            max_id: user,
                        })?;
                        self.ctx.info(&self.lang.pick(
                            format!("{person} is now MAX user {user} (opened their deep link)"),
                            format!("{person} теперь пользователь MAX {user} (открыл(а) свою ссылку на бота)"),
                        ));
                        self.count("people_bound", 1);
                    }
                    Some(event) => record(&mut self.state, &event),
                    None => {}
                }
            }
            if self.config.dry_run {
                return Ok(());
            }
            let moved = page.marker.is_some() && page.marker != self.state.marker;
            if self.state.marker.is_none() && page.marker.is_some() {
                self.ctx.info(&self.lang.pick(
                    "the first read of the bot's updates: MAX serves only the newest one without a marker, so chats the bot was added to earlier are found by bind_chats or by adding the bot again".into(),
                    "первое чтение событий бота: без отметки MAX отдаёт только последнее, поэтому чаты, в которые бота добавили раньше, находятся по bind_chats или если добавить бота в них снова".into(),
                ));
            }
            self.state.marker = page.marker.or(self.state.marker);
            self.save()?;
            if page.updates.is_empty() || !moved {
                return Ok(());
            }
        }
    }

    /// Hands out deep links to the people some chat wants who have no MAX id yet.
    fn offer_links(
        &mut self,
        desired: &Desired,
        bindings: &mut Vec<MaxBinding>,
    ) -> Result<(), String> {
        let mut offers = Vec::new();
        for person in &desired.without_id_keys {
            match bindings.iter().find(|b| &b.person == person) {
                Some(b) if b.link == self.config.deep_link(&b.payload) => {}
                Some(b) => offers.push(MaxBinding {
                    link: self.config.deep_link(&b.payload),
                    ..b.clone()
                }),
                None => {
                    let payload = new_payload(self.lang)?;
                    let link = self.config.deep_link(&payload);
                    offers.push(MaxBinding {
                        person: person.clone(),
                        payload,
                        link,
                        max_id: None,
                    });
                }
            }
        }
        if !offers.is_empty() && !self.config.dry_run {
            *bindings = self.bindings(&MaxBindingsRequest::Offer { bindings: offers })?;
        }
        Ok(())
    }

    /// Reads every registered chat the bot is in: its title, status and link.
    fn refresh_register(&mut self) -> Result<BTreeMap<ChatId, Chat>, String> {
        let mut seen = BTreeMap::new();
        let ids: Vec<ChatId> = self
            .state
            .register
            .iter()
            .filter(|(_, r)| r.active)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            match self.client.chat(id) {
                Ok(chat) if chat.status == "active" => {
                    self.state.register.entry(id).or_default().title =
                        chat.title.clone().unwrap_or_default();
                    seen.insert(id, chat);
                }
                Ok(chat) => {
                    let status = &chat.status;
                    self.ctx.info(&self.lang.pick(
                        format!("chat {id}: {status} for the bot; left out of the register"),
                        format!("чат {id}: для бота {status}; исключён из списка чатов"),
                    ));
                    self.state.register.entry(id).or_default().active = false;
                }
                Err(ApiError::NotFound(_) | ApiError::Denied(_)) => {
                    self.state.register.entry(id).or_default().active = false;
                }
                Err(e) => {
                    return Err(self.lang.pick(
                        format!("chat {id} cannot be read: {e}"),
                        format!("не удалось прочитать чат {id}: {e}"),
                    ))
                }
            }
        }
        Ok(seen)
    }

    /// Reads one adopted chat and plans it; `None` when the bot cannot keep it (said why).
    fn plan_chat(
        &mut self,
        chat: &DesiredChat,
        found: &Chat,
        bot: u64,
    ) -> Result<Option<(ChatDiff, Vec<String>)>, String> {
        let id = found.chat_id;
        let rights_text = BOT_RIGHTS.join(", ");
        let me = match self.client.membership(id) {
            Ok(m) if m.is_admin => m,
            Ok(_) | Err(ApiError::Denied(_)) => {
                let title = &chat.title;
                self.problem(self.lang.pick(
                    format!("the bot is not an admin of chat {id} «{title}»: the chat's owner should make it an admin with the rights {rights_text}"),
                    format!("бот не администратор чата {id} «{title}»: владелец чата должен назначить его администратором с правами {rights_text}"),
                ));
                return Ok(None);
            }
            Err(ApiError::Fatal(e)) => return Err(e),
            Err(e) => {
                let title = &chat.title;
                self.problem(self.lang.pick(
                    format!("chat {id} «{title}» cannot be read: {e}"),
                    format!("не удалось прочитать чат {id} «{title}»: {e}"),
                ));
                return Ok(None);
            }
        };
        let members = match self.client.members(id) {
            Ok(m) => m,
            Err(ApiError::Fatal(e)) => return Err(e),
            Err(e) => {
                let title = &chat.title;
                self.problem(self.lang.pick(
                    format!("the members of chat {id} «{title}» cannot be read: {e}"),
                    format!("не удалось прочитать участников чата {id} «{title}»: {e}"),
                ));
                return Ok(None);
            }
        };
        let actual = Actual::new(found.title.clone().unwrap_or_default(), &members, bot);
        let record = self
            .state
            .adopted
            .get(&chat.purpose)
            .cloned()
            .unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut d = diff(chat, &actual, &record, now);
        // People who are members now need no retry.
        if let Some(a) = self.state.adopted.get_mut(&chat.purpose) {
            a.skipped.retain(|id, _| !actual.members.contains(id));
        }
        let rights = me.permissions.unwrap_or_default();
        let lacking = d.missing_rights(&rights);
        if !lacking.is_empty() {
            let (title, list) = (&chat.title, lacking.join(", "));
            let plural = if lacking.len() > 1 { "s" } else { "" };
            self.problem(self.lang.pick(
                format!("the bot lacks the right{plural} {list} in chat {id} «{title}»: the chat's owner should give it {rights_text}"),
                format!("у бота нет прав {list} в чате {id} «{title}»: владелец чата должен выдать ему права {rights_text}"),
            ));
            let has = |r: &str| !lacking.contains(&r);
            if !has(crate::diff::ADD_REMOVE_MEMBERS) {
                (d.add, d.remove) = (Vec::new(), Vec::new());
            }
            if !has(crate::diff::ADD_ADMINS) {
                (d.grant, d.revoke) = (Vec::new(), Vec::new());
            }
            if !has(crate::diff::CHANGE_CHAT_INFO) {
                d.retitle = None;
            }
        }
        Ok(Some((d, rights)))
    }

    /// Carries out one chat's differences.
    fn apply(
        &mut self,
        chat: &DesiredChat,
        id: ChatId,
        d: &ChatDiff,
        label: &dyn Fn(i64) -> String,
    ) -> Result<(), String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let outcome = |run: &mut Self,
                       r: Result<(), ApiError>,
                       what: String,
                       counter: &str|
         -> Result<(), String> {
            match r {
                Ok(()) => {
                    run.count(counter, 1);
                    Ok(())
                }
                Err(ApiError::Fatal(e)) => Err(e),
                Err(e) => {
                    let title = &chat.title;
                    run.problem(run.lang.pick(
                        format!("«{title}»: {what} failed: {e}"),
                        format!("«{title}»: не удалось {what}: {e}"),
                    ));
                    Ok(())
                }
            }
        };
        if let Some(title) = &d.retitle {
            let r = self.client.retitle(id, title);
            outcome(
                self,
                r,
                self.lang.pick(
                    format!("restoring the title «{title}»"),
                    format!("восстановить название «{title}»"),
                ),
                "chats_retitled",
            )?;
        }
        for batch in d.add.chunks(100) {
            match self.client.add_members(id, batch) {
                Ok(failed) => {
                    self.count("members_added", (batch.len() - failed.len()) as u64);
                    for (user, code) in failed {
                        let (title, who) = (&chat.title, label(user as i64));
                        let reason = add_reason(self.lang, &code);
                        self.problem(self.lang.pick(
                            format!("«{title}»: {who} not added: {reason}"),
                            format!("«{title}»: {who} не добавлен(а): {reason}"),
                        ));
                        if let Some(a) = self.state.adopted.get_mut(&chat.purpose) {
                            a.skipped.insert(
                                user,
                                Skip {
                                    reason: code,
                                    at: now,
                                },
                            );
                        }
                    }
                }
                Err(ApiError::Fatal(e)) => return Err(e),
                Err(e) => {
                    let (title, n) = (&chat.title, batch.len());
                    self.problem(self.lang.pick(
                        format!("«{title}»: adding {n} people failed: {e}"),
                        format!("«{title}»: не удалось добавить людей ({n}): {e}"),
                    ))
                }
            }
        }
        for &user in &d.grant {
            let r = self.client.grant_admin(id, user, &ADMIN_RIGHTS);
            outcome(
                self,
                r,
                self.lang.pick(
                    format!("making {} an admin", label(user as i64)),
                    format!("назначить администратором: {}", label(user as i64)),
                ),
                "admins_granted",
            )?;
        }
        for &user in &d.revoke {
            let r = self.client.revoke_admin(id, user);
            outcome(
                self,
                r,
                self.lang.pick(
                    format!("taking the admin rights of {}", label(user as i64)),
                    format!("снять права администратора: {}", label(user as i64)),
                ),
                "admins_revoked",
            )?;
        }
        for &user in &d.remove {
            let r = self.client.remove_member(id, user);
            outcome(
                self,
                r,
                self.lang.pick(
                    format!("removing {}", label(user as i64)),
                    format!("удалить из чата: {}", label(user as i64)),
                ),
                "members_removed",
            )?;
        }
        Ok(())
    }
}

/// Renders one chat's differences as the dry run prints them, in `lang`.
fn render(
    lang: Lang,
    chat: &DesiredChat,
    id: ChatId,
    d: &ChatDiff,
    held: bool,
    label: &dyn Fn(i64) -> String,
) -> Vec<String> {
    let line = |en: String, ru: String| lang.pick(en, ru);
    let mut lines = Vec::new();
    if let Some(t) = &d.retitle {
        lines.push(line(
            format!("  ~ restore the title «{t}»"),
            format!("  ~ восстановить название «{t}»"),
        ));
    }
    for &u in &d.add {
        let who = label(u as i64);
        lines.push(line(
            format!("  + add {who}"),
            format!("  + добавить {who}"),
        ));
    }
    for &u in &d.grant {
        let who = label(u as i64);
        lines.push(line(
            format!("  * make admin {who}"),
            format!("  * назначить администратором {who}"),
        ));
    }
    for &u in &d.revoke {
        let who = label(u as i64);
        lines.push(line(
            format!("  - take admin rights from {who}"),
            format!("  - снять права администратора: {who}"),
        ));
    }
    for &u in &d.remove {
        let who = label(u as i64);
        lines.push(match (lang, held) {
            (Lang::En, false) => format!("  - remove {who}"),
            (Lang::En, true) => format!("  - remove {who} (held by the removal guard)"),
            (Lang::Ru, false) => format!("  - удалить {who}"),
            (Lang::Ru, true) => {
                format!("  - удалить {who} (задержано защитой от массового удаления)")
            }
        });
    }
    for (u, r) in &d.skipped {
        let who = label(*u as i64);
        lines.push(line(
            format!("  ! not added: {who} ({r}); retried later"),
            format!("  ! не добавлен(а): {who} ({r}); повтор позже"),
        ));
    }
    if !lines.is_empty() {
        let title = &chat.title;
        lines.insert(
            0,
            line(
                format!("«{title}» (chat {id})"),
                format!("«{title}» (чат {id})"),
            ),
        );
    }
    lines
}

/// Runs the sync once; the summary says how it went. Err when the run could not do its job.
pub fn run(ctx: &Context<'_>, client: &Client, config: &Config) -> Result<RunSummary, String> {
    let lang = config.lang;
    let school = ctx.request().school.as_ref().ok_or_else(|| lang.pick(
        "the organization has no school data yet: import it first (exchange-host school import), then run the task again".into(),
        "у организации ещё нет данных школы: сначала импортируйте их (exchange-host school import), затем запустите задачу снова".into(),
    ))?;
    let me = client.me().map_err(|e| e.to_string())?;
    if me.username.as_deref() != Some(config.bot_name.as_str()) {
        let (name, expected) = (me.username.as_deref().unwrap_or(""), &config.bot_name);
        ctx.warn(&lang.pick(
            format!("the token opens the bot «{name}», but max.bot_name is «{expected}»: the deep links name max.bot_name"),
            format!("токен открывает бота «{name}», а в max.bot_name указано «{expected}»: ссылки на бота ведут к max.bot_name"),
        ));
    }
    let state = TaskState::parse(ctx.state_get(KEY).as_deref(), lang)?;
    let mut run = Run {
        ctx,
        client,
        config,
        lang,
        state,
        counters: BTreeMap::new(),
        problems: Vec::new(),
    };
    let service = ctx.host_provides(services::MAX_BINDINGS);
    let mut bindings = if service {
        run.bindings(&MaxBindingsRequest::List)?
    } else {
        run.problem(lang.pick(
            "this host keeps no MAX bindings (it is older than plugin ABI 1.2): people without a MAX id in the school data cannot be bound by deep links; upgrade exchange-host".into(),
            "этот хост не хранит привязки MAX (он старше ABI плагинов 1.2): людей без идентификатора MAX в данных школы нельзя привязать по ссылкам на бота; обновите exchange-host".into(),
        ));
        Vec::new()
    };
    ctx.progress("updates", 0, 1);
    run.read_updates(&mut bindings)?;

    let bound: BTreeMap<String, u64> = bindings
        .iter()
        .filter_map(|b| Some((b.person.clone(), b.max_id?)))
        .collect();
    let id_of = |p: PersonRef<'_>| max_id(p).or_else(|| bound.get(&p.key()).copied());
    let desired = desired_by(school, config.subject_chats, &id_of);
    if service {
        run.offer_links(&desired, &mut bindings)?;
    }
    run.count(
        "people_without_max_id",
        desired.without_id_keys.len() as u64,
    );

    let found = run.refresh_register()?;
    for note in adopt(lang, &mut run.state, &desired, &config.bind_chats) {
        ctx.info(&note);
    }
    run.save()?;

    let label = desired.person_labels(lang);
    let mut plans = Vec::new();
    let mut missing = Vec::new();
    let total = desired.chats.len() as u64;
    for (i, chat) in desired.chats.iter().enumerate() {
        ctx.progress("chats", i as u64, total);
        let Some(id) = run.state.adopted.get(&chat.purpose).map(|a| a.chat_id) else {
            missing.push(chat);
            continue;
        };
        let Some(info) = found.get(&id) else {
            let title = &chat.title;
            run.problem(lang.pick(
                format!("chat {id}, bound to «{title}», cannot be read by the bot: add the bot to it as an admin"),
                format!("бот не может прочитать чат {id}, привязанный к «{title}»: добавьте в него бота администратором"),
            ));
            continue;
        };
        if let Some((d, _)) = run.plan_chat(chat, info, me.user_id)? {
            let link = info.link.clone();
            if link.is_none() {
                let title = &chat.title;
                run.problem(lang.pick(
                    format!("chat {id} «{title}» has no invite link: its owner can turn the link on in the chat's settings"),
                    format!("у чата {id} «{title}» нет ссылки-приглашения: владелец чата может включить её в настройках чата"),
                ));
            }
            if let Some(a) = run.state.adopted.get_mut(&chat.purpose) {
                a.link = link;
            }
            plans.push((chat, id, d));
        }
    }
    let guard = chat_rules::removal_guard(
        lang,
        plans.iter().map(|(c, _, d)| chat_rules::Removals {
            title: &c.title,
            removed: d.remove.len(),
            members: d.members_now,
        }),
        config.max_removals_percent,
        config.force,
        &ctx.request().task_id,
    );
    for (chat, id, d) in &mut plans {
        if config.dry_run {
            for line in render(lang, chat, *id, d, guard.is_some(), &label) {
                ctx.info(&line);
            }
            continue;
        }
        if guard.is_some() {
            d.remove.clear();
        }
        run.apply(chat, *id, d, &label)?;
        run.save()?;
    }
    ctx.progress("chats", total, total);

    let rights = BOT_RIGHTS.join(", ");
    for chat in &missing {
        let text = texts::missing_chat(lang, &chat.title, &config.bot_name, &rights);
        ctx.log(LogLevel::Warn, &text);
    }
    let calls = school
        .video_calls
        .iter()
        .filter(|c| c.published && c.join_link.is_none())
        .count();
    if calls > 0 {
        run.problem(lang.pick(
            format!("{calls} published video calls have no join link, and none can come from MAX: the MAX Bot API has no video-call methods. Publish their links another way (e.g. the sferum-sync task on VK Sferum, or a link entered by the teacher)"),
            format!("У опубликованных видеозвонков нет ссылки для входа ({calls}), и MAX её не даст: в Bot API MAX нет методов видеозвонков. Опубликуйте ссылки иначе (например, задачей синхронизации с VK Сферум или ссылкой, которую введёт учитель)"),
        ));
    }
    let table = links_table(&desired, |p| {
        run.state.adopted.get(p).and_then(|a| a.link.clone())
    });
    let links = table.rows.iter().flat_map(|r| &r.links).flatten().count() as u64;
    if !config.dry_run {
        ctx.publish_links(&table)?;
        run.count("links_published", links);
    }
    run.save()?;

    let adopted = (desired.chats.len() - missing.len()) as u64;
    run.count("chats", total);
    run.count("chats_adopted", adopted);
    run.count("chats_missing", missing.len() as u64);
    run.count("api_requests", client.requests());
    let n = |k: &str| run.counters.get(k).copied().unwrap_or(0);
    let figures = Figures {
        chats: total,
        kept: adopted,
        missing: missing.len() as u64,
        added: n("members_added"),
        removed: n("members_removed"),
        granted: n("admins_granted"),
        revoked: n("admins_revoked"),
        without_max_id: n("people_without_max_id"),
    };
    let mut done = texts::done(lang, &figures);
    if !missing.is_empty() {
        let titles: Vec<&str> = missing.iter().map(|c| c.title.as_str()).collect();
        done.push_str(&texts::missing_chats(
            lang,
            &config.bot_name,
            &rights,
            &titles,
        ));
    }
    let (status, message) = if config.dry_run {
        (RunStatus::Ok, texts::dry_run(lang, &done, guard.as_deref()))
    } else if let Some(g) = guard {
        (RunStatus::Failed, format!("{g}. {done}"))
    } else if !missing.is_empty() || !run.problems.is_empty() {
        let first = run
            .problems
            .first()
            .map(|p| format!(". {}", texts::sentence(p)))
            .unwrap_or_default();
        (RunStatus::Partial, format!("{done}{first}"))
    } else {
        (RunStatus::Ok, done)
    };
    Ok(RunSummary {
        status,
        message,
        counters: run.counters,
    })
}
