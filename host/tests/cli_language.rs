//! The command line follows the environment's locale: under `LC_ALL=ru_RU.UTF-8` an
//! administrator's whole job (an organization, its school data, a task refused and added, a
//! run against the Sferum emulator, the history, the task list, mistakes), a crashed run, the
//! database's refusals and the demo read in Russian, without an English sentence anywhere. Keys, names, paths and commands are
//! allowed: [`latin_sentence`] flags only three Latin words in a row.

mod common;

use common::*;
use exchange_sdk::testing::latin_sentence;
use sferum_emulator::{Emulator, EmulatorConfig, EmulatorHandle};

const RUSSIAN: (&str, &str) = ("LC_ALL", "ru_RU.UTF-8");
const COMMUNITY: u64 = 239_239;
const TOKEN: &str = "vk1.a.cli-language-test-token";

/// A host folder with the Sferum sync plugin whose commands run in Russian, their API calls
/// going to the emulator.
struct Russian {
    host: HostDir,
    emulator: EmulatorHandle,
}

impl Russian {
    fn new() -> Russian {
        let host = HostDir::new();
        host.install("sferum_sync");
        let emulator =
            Emulator::start(EmulatorConfig::default().community(COMMUNITY, TOKEN)).unwrap();
        Russian { host, emulator }
    }

    fn path(&self, name: &str) -> String {
        self.host.path(name)
    }

    /// `exchange-host ARGS` on this folder's database in Russian; fails the test when
    /// anything it printed has an English sentence.
    fn cli(&self, args: &[&str]) -> Run {
        let api = self.emulator.base_url();
        let run = self
            .host
            .cli_with_env(args, &[RUSSIAN, ("SFERUM_API_BASE", &api)]);
        assert_russian(args, &run);
        run
    }
}

/// Fails when the output of `exchange-host ARGS` has an English sentence.
fn assert_russian(args: &[&str], run: &Run) {
    if let Some(sentence) = latin_sentence(&run.all()) {
        panic!(
            "`exchange-host {}` printed an English sentence («{sentence}»):\n{}",
            args.join(" "),
            run.all()
        );
    }
}

#[test]
fn an_administrators_job_reads_in_russian() {
    let h = Russian::new();
    let added = h
        .cli(&["org", "add", "school-239", "--name", "ГБОУ школа № 239"])
        .ok();
    assert!(added.stdout.contains("Добавлена организация school-239"));
    let refused = h
        .cli(&["org", "set", "school-239", "sferum.community_id=12x"])
        .failed();
    assert!(
        refused.stderr.contains("ничего не сохранено: 1 проблема"),
        "{}",
        refused.stderr
    );
    let community = format!("sferum.community_id={COMMUNITY}");
    let token = format!("sferum.access_token={TOKEN}");
    h.cli(&["org", "set", "school-239", &community, &token])
        .ok();
    h.cli(&["org", "show", "school-239"]).ok();
    h.cli(&["org", "list"]).ok();

    let file = h.path("school.json");
    let other = h.path("other.json");
    let sample = |org: &str, file: &str| {
        let args = [
            "school",
            "sample",
            "--org",
            org,
            "--students",
            "60",
            "-o",
            file,
        ];
        h.cli(&args).ok()
    };
    assert!(sample("school-239", &file).stderr.contains("Пример школы"));
    sample("school-30", &other);
    let refused = h.cli(&["school", "import", "school-239", &other]).failed();
    assert!(refused.stderr.contains("это данные другой организации"));
    let imported = h.cli(&["school", "import", "school-239", &file]).ok();
    assert!(
        imported.stdout.contains("первая загрузка"),
        "{}",
        imported.stdout
    );
    for what in ["show", "staff", "coverage", "calls"] {
        h.cli(&["school", what, "school-239"]).ok();
    }

    let add = [
        "task",
        "add",
        "--org",
        "school-239",
        "--type",
        "sferum-sync",
    ];
    let mut bad = add.to_vec();
    bad.push("proxy_port=80a");
    let refused = h.cli(&bad).failed();
    assert!(
        refused.stderr.contains("задача не добавлена"),
        "{}",
        refused.stderr
    );
    let task = h.cli(&add).ok().stdout.trim().to_string();
    h.cli(&["task", "show", &task]).ok();
    h.cli(&["task", "check", &task]).ok();
    let run = h.cli(&["run", &task]).ok();
    assert!(
        run.stdout.contains("Запуск № 1 задачи № 1: успешно"),
        "{}",
        run.stdout
    );
    h.cli(&["runs"]).ok();
    h.cli(&["logs", "1", "--level", "info"]).ok();
    let tasks = h.cli(&["task", "list"]).ok();
    assert!(tasks.stdout.contains("каждые 30 минут"), "{}", tasks.stdout);
    h.cli(&["links", "school-239"]).ok();
    h.cli(&["plugins", "list"]).ok();
    h.cli(&["plugins", "show", "sferum-sync"]).ok();

    let unknown = h.cli(&["run", "99"]).failed();
    assert!(
        unknown.stderr.contains("ошибка: задачи № 99 нет"),
        "{}",
        unknown.stderr
    );
    h.cli(&["task", "add", "--org", "school-239", "--type", "max"])
        .failed();
    h.cli(&["task", "disable", &task]).ok();
    h.cli(&["task", "rm", &task]).ok();
}

#[test]
fn the_demo_reads_in_russian() {
    cargo_build("sferum-emulator");
    let h = HostDir::new();
    h.install("sferum_sync");
    let demo = h.path("demo");
    let args = ["demo", "--dir", &demo];
    for heading in [
        "== 4. Первая синхронизация",
        "== 2. Небольшое изменение в школе",
    ] {
        let run = host_with_env(&h.plugins, &args, &[RUSSIAN]).ok();
        assert_russian(&args, &run);
        assert!(run.stdout.contains(heading), "{}", run.stdout);
    }
}

#[test]
fn a_crashed_run_and_the_databases_refusals_read_in_russian() {
    let h = HostDir::new();
    h.install("test_plugin");
    let cli = |args: &[&str]| {
        let run = h.cli_with_env(args, &[RUSSIAN]);
        assert_russian(args, &run);
        run
    };
    cli(&["org", "add", "school-1", "--name", "Школа"]).ok();
    let exists = cli(&["org", "add", "school-1", "--name", "Школа"]).failed();
    assert!(
        exists.stderr.contains("организация «school-1» уже есть"),
        "{}",
        exists.stderr
    );
    let add = ["task", "add", "--org", "school-1", "--type", "test"];
    let task = cli(&[&add[..], &["mode=exit"]].concat()).ok().stdout;
    let crashed = cli(&["run", task.trim()]).failed();
    assert!(
        crashed
            .stdout
            .contains("модуль аварийно завершился: рабочий процесс вышел с кодом 3"),
        "{}",
        crashed.all()
    );

    let copy = h.path("copy.db");
    cli(&["backup", &copy]).ok();
    let again = cli(&["backup", &copy]).failed();
    assert!(
        again.stderr.contains(&format!("файл {copy} уже есть")),
        "{}",
        again.stderr
    );
    rusqlite::Connection::open(&h.db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let newer = cli(&["org", "list"]).failed();
    assert!(
        newer.stderr.contains("у базы данных версия схемы 99"),
        "{}",
        newer.stderr
    );
}
