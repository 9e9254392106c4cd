//! The removal guard both messenger task types keep: a run that would remove more than
//! `max_removals_percent` of a chat's members (or of all managed members) removes nobody,
//! unless the person who started it confirmed the removals for that run (`run --force`).

use crate::Lang;

/// The removal guard ignores runs that remove fewer people than this from a chat (or in
/// total): removing one or two people (a class teacher change, a family moving away) is
/// ordinary, whatever the chat's size.
pub const GUARD_MIN_REMOVALS: usize = 3;

/// One chat's planned removals as the guard weighs them.
#[derive(Clone, Copy, Debug)]
pub struct Removals<'a> {
    /// The chat's title.
    pub title: &'a str,
    /// How many members the run would remove.
    pub removed: usize,
    /// How many members the chat has now.
    pub members: usize,
}

/// Whether removing `removed` of `members` trips the guard at `percent`.
fn too_many(removed: usize, members: usize, percent: u64) -> bool {
    removed >= GUARD_MIN_REMOVALS && (removed as u64) * 100 > percent * members as u64
}

/// Why removals are held back, in `lang`, if they are: per chat and over all `chats`.
/// `task_id` names the task in the command that confirms them (`TASK` when empty).
pub fn removal_guard<'a>(
    lang: Lang,
    chats: impl IntoIterator<Item = Removals<'a>>,
    percent: u64,
    force: bool,
    task_id: &str,
) -> Option<String> {
    if force {
        return None;
    }
    let mut reasons = Vec::new();
    let (mut removed, mut members) = (0, 0);
    for c in chats {
        removed += c.removed;
        members += c.members;
        if too_many(c.removed, c.members, percent) {
            let (n, of, title) = (c.removed, c.members, c.title);
            reasons.push(lang.pick(
                format!("{n} of {of} members of «{title}»"),
                format!("{n} из {of} участников чата «{title}»"),
            ));
        }
    }
    if too_many(removed, members, percent) {
        reasons.push(lang.pick(
            format!("{removed} of all {members} managed members"),
            format!("{removed} из всех {members} участников управляемых чатов"),
        ));
    }
    if reasons.is_empty() {
        return None;
    }
    let reasons = reasons.join(", ");
    let task = Some(task_id).filter(|t| !t.is_empty()).unwrap_or("TASK");
    Some(lang.pick(
        format!("removal guard: this run would remove {reasons}, more than max_removals_percent={percent}%; nothing was removed. If the school data is complete and these people really left, confirm the removals for one run: exchange-host run {task} --force (the next runs are guarded again)"),
        format!("Защита от массового удаления: этот запуск удалил бы {reasons} — больше, чем max_removals_percent={percent}%; никто не удалён. Если данные школы полные и эти люди действительно ушли, подтвердите удаления на один запуск: кнопка «Запустить с подтверждением удалений» на странице задачи или команда exchange-host run {task} --force (следующие запуски снова под защитой)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(removed: usize, members: usize) -> Removals<'static> {
        Removals {
            title: "Учительская",
            removed,
            members,
        }
    }

    #[test]
    fn many_removals_are_held_unless_forced() {
        let en = removal_guard(Lang::En, [chat(3, 10)], 20, false, "").unwrap();
        assert!(
            en.starts_with("removal guard: this run would remove 3 of 10 members of «Учительская», 3 of all 10 managed members, more than max_removals_percent=20%; nothing was removed")
                && en.contains("exchange-host run TASK --force"),
            "{en}"
        );
        let ru = removal_guard(Lang::Ru, [chat(3, 10)], 20, false, "7").unwrap();
        assert!(
            ru.starts_with("Защита от массового удаления: этот запуск удалил бы 3 из 10 участников чата «Учительская»")
                && ru.contains("«Запустить с подтверждением удалений»")
                && ru.contains("exchange-host run 7 --force"),
            "{ru}"
        );
        assert_eq!(exchange_sdk::testing::latin_sentence(&ru), None, "{ru}");
        assert_eq!(removal_guard(Lang::Ru, [chat(3, 10)], 20, true, "7"), None);
        assert_eq!(removal_guard(Lang::Ru, [chat(3, 10)], 30, false, "7"), None);
        assert_eq!(
            removal_guard(Lang::Ru, [chat(2, 3)], 20, false, "7"),
            None,
            "fewer than 3 removals are ordinary"
        );
    }

    #[test]
    fn removals_count_over_all_chats() {
        let chats = [chat(2, 10), chat(2, 10), chat(2, 10)];
        let en = removal_guard(Lang::En, chats, 15, false, "7").unwrap();
        assert!(
            en.contains("remove 6 of all 30 managed members, more than"),
            "{en}"
        );
    }
}
