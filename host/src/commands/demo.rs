//! `exchange-host demo`: the sample school synced to a local Sferum emulator, step by step,
//! through the same store, worker and plugin as a real run. `exchange-host demo --help`
//! lists the steps and the commands that repeat them by hand.

use super::run::exit_code;
use super::Env;
use exchange_core::runs::runner::{run_task, Outcome, RunOptions};
use exchange_core::school::diff::diff;
use exchange_sdk::school::{SchoolData, Student};
use exchange_store::{Schedule, Store};
use sample_school::{sample_school, SampleOptions};
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

fn start_emulator(dir: &Path) -> anyhow::Result<Emulator> {
    let exe = std::env::current_exe()?;
    let program = exe.with_file_name("sferum-emulator");
    if !program.exists() {
        anyhow::bail!(
            "the Sferum emulator is not built: {} is missing (build everything with: cargo build --release)",
            program.display()
        );
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
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", program.display()))?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first)?;
    let Some(base) = first.trim().strip_prefix("listening on ").map(String::from) else {
        let _ = child.kill();
        anyhow::bail!("the emulator did not start (it said {first:?})");
    };
    Ok(Emulator { child, base })
}

fn step(text: &str) {
    println!("\n== {text}");
}

fn run_and_show(env: &Env, task_id: i64) -> anyhow::Result<Outcome> {
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
    println!(
        "Run {}: {} — {}",
        outcome.run_id, outcome.status, outcome.message
    );
    let mut table = exchange_core::output::Table::new(["COUNTER", "VALUE"]);
    for (key, value) in &outcome.counters {
        table.row([key.clone(), value.to_string()]);
    }
    print!("{table}");
    Ok(outcome)
}

/// The small change the second demo run applies: a new student and a class teacher swap.
fn change_school(data: &mut SchoolData) -> String {
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
    format!(
        "a new student in {} (Sferum ID {sferum_id}), and the class teachers of {} and {} swapped",
        class.name, data.classes[a].name, data.classes[b].name
    )
}

fn import(store: &mut Store, data: &SchoolData, file: &Path) -> anyhow::Result<()> {
    std::fs::write(file, serde_json::to_string_pretty(data)? + "\n")?;
    let previous = store.school(ORG)?;
    let changes = diff(previous.as_ref().map(|p| &p.data), data);
    store.import_school(ORG, data)?;
    print!("{changes}");
    Ok(())
}

/// Runs the demo in `dir`.
pub fn demo(env: &Env, dir: &Path) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the demo folder {}: {e}", dir.display()))?;
    let dir = std::fs::canonicalize(dir)?;
    let db: PathBuf = dir.join("exchange.db");
    let first_time = !db.exists();
    let env = env.with_db(db.clone());
    let emulator = start_emulator(&dir)?;
    // The worker processes inherit this: the plugin talks to the emulator, not to VK.
    std::env::set_var(API_BASE_ENV, &emulator.base);
    println!(
        "Sferum emulator: {} (state in {})",
        emulator.base,
        dir.join("emulator-state.json").display()
    );
    println!("Database: {}", db.display());
    let mut store = Store::open(&db)?;
    let school_file = dir.join("school.json");
    let task_id = if first_time {
        step("1. The organization and its Links base");
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
        step("2. The sample school");
        let data = sample_school(&SampleOptions::default());
        import(&mut store, &data, &school_file)?;
        step("3. The Sferum sync task");
        let registry = env.registry();
        if registry.get("sferum-sync").is_none() {
            anyhow::bail!(registry.not_found_message("sferum-sync"));
        }
        let id = store.add_task(
            ORG,
            "sferum-sync",
            Schedule::Every(1800),
            &Default::default(),
            &Default::default(),
        )?;
        println!("task {id}: sferum-sync for {ORG}, every 30m");
        step("4. The first sync");
        id
    } else {
        let Some(task) = store
            .tasks(Some(ORG))?
            .into_iter()
            .find(|t| t.type_id == "sferum-sync")
        else {
            anyhow::bail!(
                "{} holds no demo task: remove the folder {} and run the demo again",
                db.display(),
                dir.display()
            );
        };
        step("1. A second sync with no change in the school: no write calls");
        let outcome = run_and_show(&env, task.id)?;
        if !outcome.succeeded() {
            return Ok(exit_code(&outcome));
        }
        step("2. A small change in the school");
        let mut data = store
            .school(ORG)?
            .map(|s| s.data)
            .ok_or_else(|| anyhow::anyhow!("the demo school data is missing"))?;
        println!("Changing: {}", change_school(&mut data));
        import(&mut store, &data, &school_file)?;
        step("3. The sync that applies it");
        task.id
    };
    drop(store);
    let outcome = run_and_show(&env, task_id)?;
    step("The \"Sferum chats\" table (exchange-host links demo-school)");
    super::orgs::links(&env, ORG, false)?;
    println!(
        "\nRun the demo again to see a no-op sync and a school change. Explore with: exchange-host --db {} task list | runs | links {ORG} | school coverage {ORG}",
        db.display()
    );
    drop(emulator);
    Ok(exit_code(&outcome))
}
