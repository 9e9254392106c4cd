//! `exchange-host demo`: the sample school synced to a local Sferum emulator, step by step,
//! through the same store, worker and plugin as a real run. `exchange-host demo --help`
//! lists the steps and the commands that repeat them by hand.

use super::run::{exit_code, print_outcome};
use super::school::print_changes;
use super::Env;
use exchange_core::i18n::{schedule_phrase, Lang};
use exchange_core::plugins::Registry;
use exchange_core::runs::runner::{run_task, Outcome, RunOptions};
use exchange_core::school::diff::diff;
use exchange_core::tr;
use exchange_sdk::manifest::Texts;
use exchange_sdk::school::{SchoolData, Student};
use exchange_store::{Schedule, Store};
use sample_school::{sample_school, SampleOptions};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::AtomicBool;

const ORG: &str = "demo-school";
const COMMUNITY_ID: &str = "100239";
/// An obvious fake: the emulator accepts it, nothing else does.
const TOKEN: &str = "demo-community-token";
/// The environment variable the Sferum sync plugin reads its API address from.
const API_BASE_ENV: &str = "SFERUM_API_BASE";
/// The demo task's type and schedule.
const TYPE: &str = "sferum-sync";
const SCHEDULE: Schedule = Schedule::Every(1800);

/// The emulator process, stopped when dropped.
struct Emulator {
    child: Child,
    base: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(lang: Lang, dir: &Path) -> anyhow::Result<Emulator> {
    let exe = std::env::current_exe()?;
    let program = exe.with_file_name("sferum-emulator");
    let shown = program.display().to_string();
    if !program.exists() {
        anyhow::bail!(tr!(lang, "cli-demo-no-emulator", file = shown));
    }
    let mut child = Command::new(&program)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--community",
            &format!("{COMMUNITY_ID}:{TOKEN}"),
            "--state",
        ])
        .arg(dir.join("emulator-state.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            let error = e.to_string();
            anyhow::anyhow!(tr!(
                lang,
                "cli-cannot-start",
                program = &shown,
                error = error
            ))
        })?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first)?;
    let Some(base) = first.trim().strip_prefix("listening on ").map(String::from) else {
        let _ = child.kill();
        anyhow::bail!(tr!(lang, "cli-demo-emulator-silent", said = first.trim()));
    };
    Ok(Emulator { child, base })
}

/// Prints the heading of a step: the message `id` in `lang`.
fn step(lang: Lang, id: &str) {
    println!("\n== {}", tr!(lang, id));
}

/// Runs the demo task; its counters are named by `labels` (the plugin's).
fn run_and_show(
    env: &Env,
    task_id: i64,
    labels: &BTreeMap<String, Texts>,
) -> anyhow::Result<Outcome> {
    let cancel = AtomicBool::new(false);
    let options = RunOptions {
        trigger: exchange_store::runs::Trigger::Manual,
        dry_run: false,
        force: false,
    };
    let outcome = run_task(&env.runner()?, task_id, options, &cancel, &mut |event| {
        // The demo shows what an administrator reads: debug lines (such as every name of
        // the people without a Sferum ID) stay in the run's log (`exchange-host logs`).
        if let exchange_core::runs::protocol::Event::Log { level, message } = event {
            if *level != exchange_sdk::LogLevel::Debug {
                println!("  {:<5} {message}", level.as_str());
            }
        }
    })?;
    print_outcome(env.lang, task_id, &outcome, labels);
    Ok(outcome)
}

/// The small change the second demo run applies: a new student and a class teacher swap.
fn change_school(lang: Lang, data: &mut SchoolData) -> String {
    let class = data.classes[0].clone();
    let next = data.students.len() + 1;
    let new_id = format!("s-demo-{next}");
    let sferum_id = 2_900_000 + next as u64;
    data.students.push(Student {
        id: new_id.clone(),
        full_name: format!("Новикова Алиса {next}"),
        class: class.id.clone(),
        sferum_id: Some(sferum_id),
        max_id: None,
        extra: Default::default(),
    });
    let (a, b) = (0, 1.min(data.classes.len() - 1));
    let teacher_a = data.classes[a].class_teacher.clone();
    data.classes[a].class_teacher = data.classes[b].class_teacher.clone();
    data.classes[b].class_teacher = teacher_a;
    tr!(
        lang,
        "cli-demo-change",
        class = &class.name,
        sferum_id = sferum_id.to_string(),
        first = &data.classes[a].name,
        second = &data.classes[b].name
    )
}

fn import(lang: Lang, store: &mut Store, data: &SchoolData, file: &Path) -> anyhow::Result<()> {
    std::fs::write(file, serde_json::to_string_pretty(data)? + "\n")?;
    let previous = store.school(ORG)?;
    let changes = diff(previous.as_ref().map(|p| &p.data), data);
    store.import_school(ORG, data)?;
    print_changes(lang, &changes);
    Ok(())
}

/// Runs the demo in `dir`.
pub fn demo(env: &Env, dir: &Path) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    std::fs::create_dir_all(dir).map_err(|e| {
        let (dir, error) = (dir.display().to_string(), e.to_string());
        anyhow::anyhow!(tr!(
            lang,
            "cli-demo-cannot-create",
            dir = dir,
            error = error
        ))
    })?;
    let dir = std::fs::canonicalize(dir)?;
    let db: PathBuf = dir.join("exchange.db");
    let first_time = !db.exists();
    let env = env.with_db(db.clone());
    let emulator = start_emulator(lang, &dir)?;
    // The worker processes inherit this: the plugin talks to the emulator, not to VK.
    std::env::set_var(API_BASE_ENV, &emulator.base);
    let state = dir.join("emulator-state.json").display().to_string();
    let said = tr!(
        lang,
        "cli-demo-emulator",
        url = &emulator.base,
        file = state
    );
    println!("{said}");
    let shown_db = db.display().to_string();
    println!("{}", tr!(lang, "cli-demo-database", file = &shown_db));
    let mut store = Store::open(&db)?;
    let school_file = dir.join("school.json");
    let registry = env.registry();
    let labels = registry
        .get(TYPE)
        .map(|p| p.manifest.counter_labels.clone())
        .unwrap_or_default();
    let task_id = if first_time {
        first_steps(&env, &registry, &mut store, &school_file)?
    } else {
        let Some(task) = store
            .tasks(Some(ORG))?
            .into_iter()
            .find(|t| t.type_id == TYPE)
        else {
            let dir = dir.display().to_string();
            anyhow::bail!(tr!(lang, "cli-demo-no-task", db = &shown_db, dir = dir));
        };
        step(lang, "cli-demo-step-no-op");
        let outcome = run_and_show(&env, task.id, &labels)?;
        if !outcome.succeeded() {
            return Ok(exit_code(&outcome));
        }
        step(lang, "cli-demo-step-change");
        let mut data = store
            .school(ORG)?
            .map(|s| s.data)
            .ok_or_else(|| anyhow::anyhow!(tr!(lang, "cli-demo-no-school")))?;
        let change = change_school(lang, &mut data);
        println!("{}", tr!(lang, "cli-demo-changing", change = change));
        import(lang, &mut store, &data, &school_file)?;
        step(lang, "cli-demo-step-apply");
        task.id
    };
    drop(store);
    let outcome = run_and_show(&env, task_id, &labels)?;
    println!("\n== {}", tr!(lang, "cli-demo-step-links", org = ORG));
    super::orgs::links(&env, ORG, false)?;
    println!("\n{}", tr!(lang, "cli-demo-again"));
    let commands = [
        "task list".to_string(),
        "runs".to_string(),
        format!("links {ORG}"),
        format!("school coverage {ORG}"),
    ];
    for command in commands {
        println!("  exchange-host --db {shown_db} {command}");
    }
    drop(emulator);
    Ok(exit_code(&outcome))
}

/// The first demo's steps before its first sync: the organization, the sample school and
/// the task; returns the task's id.
fn first_steps(
    env: &Env,
    registry: &Registry,
    store: &mut Store,
    school_file: &Path,
) -> anyhow::Result<i64> {
    let lang = env.lang;
    step(lang, "cli-demo-step-org");
    store.add_org(ORG, "ГБОУ школа № 239 (демо)")?;
    let values = [
        ("sferum.community_id".to_string(), COMMUNITY_ID.to_string()),
        ("sferum.access_token".to_string(), TOKEN.to_string()),
    ];
    store.update_org_values(ORG, &values.into_iter().collect(), &[])?;
    println!(
        "{ORG}: sferum.community_id = {COMMUNITY_ID}, sferum.access_token = {}",
        exchange_core::output::mask_secret(TOKEN)
    );
    step(lang, "cli-demo-step-school");
    let data = sample_school(&SampleOptions::default());
    import(lang, store, &data, school_file)?;
    step(lang, "cli-demo-step-task");
    if registry.get(TYPE).is_none() {
        anyhow::bail!(registry.not_found_message(TYPE, lang));
    }
    let id = store.add_task(
        ORG,
        TYPE,
        SCHEDULE,
        &Default::default(),
        &Default::default(),
    )?;
    let schedule = schedule_phrase(lang, SCHEDULE);
    println!(
        "{}",
        tr!(
            lang,
            "cli-demo-task",
            task = id,
            org = ORG,
            schedule = schedule
        )
    );
    step(lang, "cli-demo-step-first-sync");
    Ok(id)
}
