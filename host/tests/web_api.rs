//! The web console's JSON API and pages over real HTTP on loopback: the real
//! `exchange-host serve --http 127.0.0.1:0`, a real SQLite file, both plugins, and the Sferum
//! emulator. Every endpoint, the masking of secrets, the login, CSRF and origin checks, bad
//! requests, and every page of `serve --lang en` in English around the school's data.

mod common;
mod web_common;

use exchange_sdk::testing::cyrillic_sentence;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use web_common::html::{self, Element, Shown};
use web_common::*;

const API_KEY: &str = "example-api-key-secret-7777";
const PROXY_PASSWORD: &str = "proxy-password-secret-5555";

/// Asserts that no answer so far carried a secret.
fn assert_no_secrets(client: &Client) {
    for body in &client.seen {
        for secret in [TOKEN, API_KEY, PROXY_PASSWORD] {
            assert!(
                !body.contains(secret),
                "a secret left the server: {secret} in\n{body}"
            );
        }
    }
}

fn test_task(client: &mut Client, params: serde_json::Value) -> i64 {
    let answer = client
        .post(
            "/api/tasks",
            json!({"org": ORG, "type": "test", "schedule": "manual", "params": params}),
        )
        .expect(201)
        .json();
    answer["task"]["id"].as_i64().unwrap()
}

#[test]
fn plugins_orgs_links_base_and_school_summaries() {
    let school = School::new(60);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);

    let plugins = c.get("/api/plugins").expect(200).json();
    let types: Vec<&str> = plugins["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["sferum-sync", "test"]);
    let sferum = c.get("/api/plugins/sferum-sync").expect(200).json();
    assert_eq!(sferum["default_schedule"], "every 30m");
    let port = sferum["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "proxy_port")
        .unwrap();
    assert_eq!(port["type"]["kind"], "port");
    let password = sferum["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "proxy_password")
        .unwrap();
    assert_eq!(password["secret"], true);
    assert!(
        sferum["requires"].as_array().unwrap().contains(&json!(
            {"keys": ["proxy_port"], "rule": "required_with", "when": {"key": "proxy_server", "equals": null}}
        )),
        "{}",
        sferum["requires"]
    );
    let missing = c.get("/api/plugins/nope").expect(404).json();
    assert!(missing["error"].as_str().unwrap().contains("Known types"));

    let orgs = c.get("/api/orgs").expect(200).json();
    assert_eq!(orgs[0]["id"], ORG);
    assert!(orgs[0]["school_imported"].is_string());
    let org = c.get("/api/orgs/school").expect(200).json();
    let token = org["links_base"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["key"] == "sferum.access_token")
        .unwrap();
    assert_eq!(token["value"], "••••0001");
    assert_eq!(token["secret"], true);
    c.get("/api/orgs/nope").expect(404);

    // The Links base: the same checks as `org set`, errors by field, nothing half-saved.
    let bad = c
        .json(
            Method::PUT,
            "/api/orgs/school/links-base",
            json!({"values": {"sferum.community_id": "12x", "sferum.acess_token": "x"}}),
        )
        .expect(422)
        .json();
    assert!(bad["fields"]["sferum.community_id"][0]
        .as_str()
        .unwrap()
        .contains("12x"));
    assert!(bad["fields"]["sferum.acess_token"][0]
        .as_str()
        .unwrap()
        .contains("did you mean sferum.access_token"));
    let saved = c
        .json(
            Method::PUT,
            "/api/orgs/school/links-base",
            json!({"values": {"sferum.community_id": 100240, "test.greeting_name": "коллеги"}}),
        )
        .expect(200)
        .json();
    let values = saved["org"]["links_base"].as_array().unwrap();
    let value = |key: &str| values.iter().find(|v| v["key"] == key).unwrap()["value"].clone();
    assert_eq!(value("sferum.community_id"), "100240");
    assert_eq!(value("test.greeting_name"), "коллеги");
    assert_eq!(value("sferum.access_token"), "••••0001");
    let removed = c
        .json(
            Method::PUT,
            "/api/orgs/school/links-base",
            json!({"unset": ["test.greeting_name"], "values": {"sferum.community_id": COMMUNITY}}),
        )
        .expect(200)
        .json();
    assert!(removed["org"]["links_base"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["key"] == "test.greeting_name" && v["value"].is_null()));

    let summary = c.get("/api/orgs/school/school").expect(200).json();
    assert_eq!(summary["students"], 60);
    let staff = c.get("/api/orgs/school/staff").expect(200).json();
    assert!(staff.as_array().unwrap().len() > 5);
    assert!(staff[0]["positions"].is_array());
    let coverage = c.get("/api/orgs/school/coverage").expect(200).json();
    assert_eq!(coverage["students"], 60);
    assert!(!coverage["classes"].as_array().unwrap().is_empty());
    assert_eq!(
        c.get("/api/orgs/school/links").expect(200).json(),
        json!([])
    );

    // An organization without school data says how to import it.
    school
        .cli(&["org", "add", "empty", "--name", "Пустая"])
        .ok();
    let none = c.get("/api/orgs/empty/staff").expect(404).json();
    assert!(none["error"]
        .as_str()
        .unwrap()
        .contains("school import empty"));
    c.get("/api/orgs/empty/coverage").expect(404);
    c.get("/api/orgs/empty/school").expect(404);
    assert_no_secrets(&c);
    server.stop();
}

#[test]
fn tasks_are_validated_like_the_cli_and_changed_through_the_api() {
    let school = School::new(30);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);

    // Validation without saving: type errors by field, Cyrillic keys, plugin rules.
    let bad = c
        .post(
            "/api/tasks/validate",
            json!({"org": ORG, "type": "sferum-sync", "schedule": "иногда",
                   "params": {"proxy_port": "80a"}}),
        )
        .expect(422)
        .json();
    assert!(bad["fields"]["schedule"].is_array(), "{bad}");
    let bad = c
        .post(
            "/api/tasks/validate",
            json!({"org": ORG, "type": "sferum-sync", "params": {"proxy_port": "80a"}}),
        )
        .expect(422)
        .json();
    assert_eq!(
        bad["fields"]["proxy_port"][0],
        "expected a port 1-65535, got \"80a\""
    );
    let rule = c
        .post(
            "/api/tasks/validate",
            json!({"org": ORG, "type": "sferum-sync", "params": {"proxy_port": 3128}}),
        )
        .expect(422)
        .json();
    assert!(rule["fields"]["proxy_port"][0]
        .as_str()
        .unwrap()
        .contains("proxy_server"));
    let ok = c
        .post(
            "/api/tasks/validate",
            json!({"org": ORG, "type": "sferum-sync", "schedule": "каждые 15 минут",
                   "params": {"проху_server": "10.0.0.1", "proxy_port": 3128, "proxy_auth": true,
                              "proxy_username": "school", "proxy_password": PROXY_PASSWORD}}),
        )
        .expect(200)
        .json();
    assert_eq!(ok["schedule"], "every 15m");
    assert_eq!(ok["params"]["proxy_server"], "10.0.0.1");
    assert_eq!(ok["params"]["proxy_password"], "••••5555");
    assert!(ok["warnings"][0].as_str().unwrap().contains("Cyrillic"));
    let missing = c
        .post("/api/tasks/validate", json!({"type": "nope"}))
        .expect(422)
        .json();
    assert!(missing["fields"]["org"].is_array());
    assert!(missing["fields"]["type"][0]
        .as_str()
        .unwrap()
        .contains("Known types"));
    assert_eq!(c.get("/api/tasks").expect(200).json(), json!([]));

    // Add, read, list, change, enable/disable, remove.
    let added = c
        .post(
            "/api/tasks",
            json!({"org": ORG, "type": "sferum-sync", "schedule": "вручную",
                   "params": {"proxy_server": "10.0.0.1", "proxy_port": "3128", "proxy_auth": "1",
                              "proxy_username": "school", "proxy_password": PROXY_PASSWORD}}),
        )
        .expect(201)
        .json();
    let id = added["task"]["id"].as_i64().unwrap();
    assert_eq!(added["task"]["schedule"], "manual");
    assert_eq!(added["task"]["params"]["proxy_password"], "••••5555");
    let shown = c.get(&format!("/api/tasks/{id}")).expect(200).json();
    assert_eq!(shown["type"], "sferum-sync");
    assert!(shown["last_run"].is_null());
    let listed = c.get("/api/tasks?org=school").expect(200).json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    c.get("/api/tasks?org=nope").expect(404);

    let refused = c
        .json(
            Method::PATCH,
            &format!("/api/tasks/{id}"),
            json!({"max_run_time": "0s", "params": {"proxy_port": "99999"}}),
        )
        .expect(422)
        .json();
    assert!(refused["fields"]["max_run_time"].is_array(), "{refused}");
    let change = c
        .post(
            &format!("/api/tasks/{id}/validate"),
            json!({"params": {"proxy_server": ""}}),
        )
        .expect(422)
        .json();
    assert!(change["fields"]["proxy_port"].is_array(), "{change}");
    let changed = c
        .json(
            Method::PATCH,
            &format!("/api/tasks/{id}"),
            json!({"schedule": "ежедневно 07:30", "enabled": false,
                   "unset": ["proxy_auth", "proxy_username", "proxy_password"]}),
        )
        .expect(200)
        .json();
    assert_eq!(changed["task"]["schedule"], "daily 07:30");
    assert_eq!(changed["task"]["enabled"], false);
    assert!(changed["task"]["params"].get("proxy_password").is_none());
    let typed = c
        .json(
            Method::PATCH,
            &format!("/api/tasks/{id}"),
            json!({"type": "test"}),
        )
        .expect(422)
        .json();
    assert!(typed["fields"]["type"][0]
        .as_str()
        .unwrap()
        .contains("cannot change"));
    // The CLI sees what the API saved.
    let cli = school
        .cli(&["task", "show", &id.to_string(), "--json"])
        .ok();
    let cli: serde_json::Value = serde_json::from_str(&cli.stdout).unwrap();
    assert_eq!(cli["schedule"], "daily 07:30");

    c.json(Method::DELETE, &format!("/api/tasks/{id}"), json!({}))
        .expect(200);
    c.get(&format!("/api/tasks/{id}")).expect(404);
    c.json(Method::DELETE, &format!("/api/tasks/{id}"), json!({}))
        .expect(404);
    assert_no_secrets(&c);
    server.stop();
}

#[test]
fn runs_start_now_are_followed_live_and_leave_logs() {
    let school = School::new(30);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let id = test_task(
        &mut c,
        json!({"sleep": "2s", "api_key": API_KEY, "repeat": 3}),
    );

    let started = c
        .post(&format!("/api/tasks/{id}/run"), json!({}))
        .expect(202)
        .json();
    let run = started["id"].as_i64().unwrap();
    assert_eq!(started["status"], "running");
    assert_eq!(started["trigger"], "manual");
    // A second start while it runs is refused.
    let busy = c
        .post(&format!("/api/tasks/{id}/run"), json!({}))
        .expect(409)
        .json();
    assert!(busy["error"].as_str().unwrap().contains("running now"));
    // A running task is not removed: its run's record and log would vanish.
    let kept = c
        .json(Method::DELETE, &format!("/api/tasks/{id}"), json!({}))
        .expect(409)
        .json();
    assert!(
        kept["error"].as_str().unwrap().contains("not removed"),
        "{kept}"
    );
    let done = c.wait_run(run, Duration::from_secs(60));
    assert_eq!(done["status"], "ok", "{done}");
    assert!(done["counters"]["students"].as_u64().unwrap() > 0);
    assert!(done["took_s"].as_f64().unwrap() >= 2.0);

    let logs = c.get(&format!("/api/runs/{run}/logs")).expect(200).json();
    let lines = logs.as_array().unwrap();
    assert!(lines.len() >= 3, "{logs}");
    let first = lines[0]["seq"].as_i64().unwrap();
    let after = c
        .get(&format!("/api/runs/{run}/logs?after={first}"))
        .expect(200)
        .json();
    assert_eq!(after.as_array().unwrap().len(), lines.len() - 1);
    let warnings = c
        .get(&format!("/api/runs/{run}/logs?level=warn"))
        .expect(200)
        .json();
    assert!(warnings.as_array().unwrap().len() < lines.len());
    c.get(&format!("/api/runs/{run}/logs?level=loud"))
        .expect(400);

    let dry = c
        .post(&format!("/api/tasks/{id}/run?dry_run=true"), json!({}))
        .expect(202)
        .json();
    let dry = c.wait_run(dry["id"].as_i64().unwrap(), Duration::from_secs(60));
    assert_eq!(dry["dry_run"], true);
    c.post(
        &format!("/api/tasks/{id}/run?dry_run=true&force=true"),
        json!({}),
    )
    .expect(400);

    let history = c
        .get(&format!("/api/tasks/{id}/runs?last=5"))
        .expect(200)
        .json();
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["dry_run"], true, "newest first");
    let all = c
        .get(&format!("/api/runs?task={id}&last=1"))
        .expect(200)
        .json();
    assert_eq!(all.as_array().unwrap().len(), 1);
    let task = c.get(&format!("/api/tasks/{id}")).expect(200).json();
    assert_eq!(task["last_run"]["status"], "ok");
    c.get("/api/runs/9999").expect(404);
    c.get("/api/runs/9999/logs").expect(404);
    c.post("/api/tasks/9999/run", json!({})).expect(404);
    c.get("/api/tasks/9999/runs").expect(404);
    assert_no_secrets(&c);
    server.stop();
}

#[test]
fn secrets_a_plugin_writes_are_scrubbed_from_run_messages_and_logs() {
    let school = School::new(20);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let id = test_task(&mut c, json!({"api_key": API_KEY}));
    // What a careless plugin could record: the task's secret and the organization's token.
    let run = {
        let mut store = exchange_store::Store::open(&school.db).unwrap();
        let task = store.require_task(id).unwrap();
        let owner = exchange_core::runs::liveness::ProcessId::current().to_string();
        let new = exchange_store::runs::NewRun {
            task: &task,
            trigger: exchange_store::runs::Trigger::Manual,
            dry_run: false,
            owner: &owner,
            lease_until_ms: 0,
        };
        let exchange_store::runs::Acquired::Started(run) =
            store.acquire_run(&new, &|_| None).unwrap()
        else {
            panic!("no other run of the task is going on")
        };
        let at = 1_700_000_000_000;
        store
            .append_logs(
                run,
                &[
                    (
                        at,
                        exchange_sdk::LogLevel::Error,
                        format!("key {API_KEY} refused"),
                    ),
                    (at, exchange_sdk::LogLevel::Info, format!("token={TOKEN}")),
                ],
            )
            .unwrap();
        let message = format!("refused {API_KEY} and {TOKEN}");
        store
            .finish_run(
                run,
                exchange_store::runs::RunStatus::Failed,
                &message,
                &Default::default(),
                200,
            )
            .unwrap();
        run
    };
    let shown = c.get(&format!("/api/runs/{run}")).expect(200).json();
    assert_eq!(shown["message"], "refused •••• and ••••");
    let logs = c.get(&format!("/api/runs/{run}/logs")).expect(200).json();
    assert_eq!(logs[0]["message"], "key •••• refused");
    assert_eq!(logs[1]["message"], "token=••••");
    let task = c.get(&format!("/api/tasks/{id}")).expect(200).json();
    assert_eq!(task["last_run"]["message"], "refused •••• and ••••");
    for path in [
        "/api/runs".to_string(),
        format!("/api/tasks/{id}/runs"),
        "/api/tasks".into(),
        "/runs".into(),
        format!("/runs/{run}"),
        format!("/tasks/{id}"),
    ] {
        c.get(&path).expect(200);
    }
    assert_no_secrets(&c);
    server.stop();
}

#[test]
fn a_sferum_sync_run_publishes_the_chats_table_and_no_secret_leaves_the_server() {
    let school = School::new(40);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let added = c
        .post(
            "/api/tasks",
            json!({"org": ORG, "type": "sferum-sync", "schedule": "manual"}),
        )
        .expect(201)
        .json();
    let id = added["task"]["id"].as_i64().unwrap();
    let run = c
        .post(&format!("/api/tasks/{id}/run"), json!({}))
        .expect(202)
        .json();
    let done = c.wait_run(run["id"].as_i64().unwrap(), Duration::from_secs(120));
    assert_eq!(done["status"], "ok", "{done}");

    let links = c.get("/api/orgs/school/links").expect(200).json();
    let table = &links[0];
    assert_eq!(table["type"], "sferum-sync");
    assert_eq!(
        table["columns"],
        json!(["Учебный коллектив", "Родительский чат", "Чат учеников"])
    );
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows[0]["title"], "Учительская");
    assert!(rows[1]["links"][0]
        .as_str()
        .unwrap()
        .starts_with("https://sferum.ru/?p=messages&join="));

    // Every page and endpoint, and the answers to refused input, without the token.
    let run_id = done["id"].as_i64().unwrap();
    for path in [
        "/api/orgs".to_string(),
        "/api/orgs/school".into(),
        "/api/tasks".into(),
        format!("/api/tasks/{id}"),
        "/api/runs".into(),
        format!("/api/runs/{run_id}"),
        format!("/api/runs/{run_id}/logs"),
        "/api/plugins".into(),
        "/".into(),
        "/orgs/school".into(),
        "/orgs/school/staff".into(),
        "/orgs/school/coverage".into(),
        "/tasks".into(),
        format!("/tasks/{id}"),
        "/runs".into(),
        format!("/runs/{run_id}"),
    ] {
        c.get(&path).expect(200);
    }
    c.json(
        Method::PUT,
        "/api/orgs/school/links-base",
        json!({"values": {"sferum.access_token": TOKEN, "sferum.community_id": "x"}}),
    )
    .expect(422);
    c.form(
        "/orgs/school/links-base",
        &[
            ("v.sferum.access_token", TOKEN),
            ("v.sferum.community_id", "x"),
        ],
    )
    .expect(422);
    c.post(
        "/api/tasks/validate",
        json!({"org": ORG, "type": "sferum-sync", "params": {"proxy_password": PROXY_PASSWORD}}),
    )
    .expect(422);
    c.form(
        "/tasks",
        &[
            ("org", ORG),
            ("type", "sferum-sync"),
            ("p.proxy_password", PROXY_PASSWORD),
        ],
    )
    .expect(422);
    let page = c.get("/orgs/school").expect(200);
    assert!(page
        .body
        .contains("href=\"https://sferum.ru/?p=messages&amp;join="));
    assert_no_secrets(&c);
    server.stop();
}

#[test]
fn pages_add_and_change_a_task_through_forms_with_errors_beside_fields() {
    let school = School::new(30);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);

    let choose = c.get("/tasks/new?org=school").expect(200);
    assert!(choose.body.contains("id=\"choose-type\""));
    let form = c.get("/tasks/new?org=school&type=sferum-sync").expect(200);
    assert!(form
        .body
        .contains("name=\"p.proxy_password\" type=\"password\""));
    assert!(form.body.contains("default: 20"));

    let refused = c
        .form(
            "/tasks",
            &[
                ("org", ORG),
                ("type", "sferum-sync"),
                ("schedule", "вручную"),
                ("p.proxy_server", "proxy.local"),
                ("p.proxy_port", "80a"),
            ],
        )
        .expect(422);
    assert!(refused.body.contains("id=\"error-proxy_port\""));
    assert!(refused
        .body
        .contains("expected a port 1-65535, got &quot;80a&quot;"));
    assert!(
        refused.body.contains("value=\"proxy.local\""),
        "values are kept"
    );

    // The rules between parameters the manifest declares: each problem beside its field.
    let dependent = c
        .form(
            "/tasks",
            &[
                ("org", ORG),
                ("type", "sferum-sync"),
                ("schedule", "вручную"),
                ("p.proxy_server", "proxy.local"),
                ("p.proxy_auth", "1"),
            ],
        )
        .expect(422);
    let beside = |field: &str| {
        let start = dependent
            .body
            .find(&format!("id=\"error-{field}\""))
            .unwrap_or_else(|| panic!("no error beside {field}:\n{}", dependent.body));
        let rest = &dependent.body[start..];
        rest[..rest.find("</div></div>").unwrap_or(rest.len())].to_string()
    };
    assert!(beside("proxy_port").contains("is required with proxy_server"));
    assert!(beside("proxy_username").contains("is required with proxy_auth=1"));
    assert!(beside("proxy_password").contains("is required with proxy_auth=1"));
    assert!(!dependent.body.contains("id=\"error-proxy_server\""));
    let orphan = c
        .form(
            "/tasks",
            &[
                ("org", ORG),
                ("type", "sferum-sync"),
                ("schedule", "вручную"),
                ("p.proxy_port", "3128"),
                ("p.proxy_username", "school"),
            ],
        )
        .expect(422);
    for field in ["proxy_port", "proxy_username"] {
        let start = orphan.body.find(&format!("id=\"error-{field}\"")).unwrap();
        assert!(
            orphan.body[start..].contains("is set but proxy_server is not"),
            "{field}"
        );
    }

    let added = c
        .form(
            "/tasks",
            &[
                ("org", ORG),
                ("type", "test"),
                ("schedule", "вручную"),
                ("enabled", "1"),
                ("p.api_key", API_KEY),
                ("p.repeat", "2"),
            ],
        )
        .expect(303);
    let location = added.header("location").unwrap().to_string();
    assert!(location.starts_with("/tasks/"), "{location}");
    let id: i64 = location["/tasks/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = c.get(&location).expect(200);
    assert!(page.body.contains("Saved."));
    assert!(page.body.contains("set (••••7777)"));

    // An empty secret keeps the value; "remove" removes it.
    c.form(
        &format!("/tasks/{id}"),
        &[("p.api_key", ""), ("p.repeat", "3")],
    )
    .expect(303);
    let task = c.get(&format!("/api/tasks/{id}")).expect(200).json();
    assert_eq!(task["params"]["api_key"], "••••7777");
    assert_eq!(task["params"]["repeat"], "3");
    let refused = c
        .form(&format!("/tasks/{id}"), &[("p.repeat", "500")])
        .expect(422);
    assert!(refused.body.contains("id=\"error-repeat\""));
    c.form(&format!("/tasks/{id}"), &[("clear.api_key", "1")])
        .expect(303);
    let task = c.get(&format!("/api/tasks/{id}")).expect(200).json();
    assert!(task["params"].get("api_key").is_none());

    c.form(&format!("/tasks/{id}/disable"), &[]).expect(303);
    assert_eq!(
        c.get(&format!("/api/tasks/{id}")).expect(200).json()["enabled"],
        false
    );
    c.form(&format!("/tasks/{id}/enable"), &[]).expect(303);
    let run = c
        .form(&format!("/tasks/{id}/run"), &[("dry_run", "1")])
        .expect(303);
    let run_page = run.header("location").unwrap().to_string();
    let run_id: i64 = run_page["/runs/".len()..].parse().unwrap();
    assert!(c.wait_run(run_id, Duration::from_secs(60))["dry_run"] == true);
    let page = c.get(&run_page).expect(200);
    assert!(page.body.contains("data-status=\"ok\""));
    assert!(page.body.contains("id=\"log-lines\""));

    // The Links base form: a wrong value beside its field, then saved.
    let refused = c
        .form(
            "/orgs/school/links-base",
            &[("v.sferum.community_id", "abc")],
        )
        .expect(422);
    assert!(refused.body.contains("id=\"error-sferum.community_id\""));
    c.form(
        "/orgs/school/links-base",
        &[
            ("v.sferum.community_id", "100239"),
            ("v.sferum.access_token", ""),
        ],
    )
    .expect(303);
    let org = c.get("/api/orgs/school").expect(200).json();
    assert!(org["links_base"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["key"] == "sferum.access_token" && v["value"] == "••••0001"));

    c.form(&format!("/tasks/{id}/delete"), &[]).expect(303);
    c.get(&format!("/tasks/{id}")).expect(404);
    assert_no_secrets(&c);
    server.stop();
}

#[test]
fn state_changes_need_the_session_the_csrf_token_and_the_same_origin() {
    let school = School::new(20);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let body = json!({"org": ORG, "type": "test", "schedule": "manual"});

    // No cookie at all: refused, and a fresh session is offered.
    let mut stranger = Client::new(&server.url);
    stranger.csrf = c.csrf.clone();
    let refused = stranger.post("/api/tasks", body.clone()).expect(403);
    assert!(refused.json()["error"]
        .as_str()
        .unwrap()
        .contains("session"));
    // A session without the token, or with another session's token.
    let token = c.csrf.take();
    c.post("/api/tasks", body.clone()).expect(403);
    c.csrf = Some("0".repeat(64));
    c.post("/api/tasks", body.clone()).expect(403);
    c.csrf = token;
    // Another site's origin, even with the right token.
    let request = c
        .request(Method::POST, "/api/tasks")
        .json(&body)
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .header("origin", "http://evil.example");
    let refused = c.send(request).expect(403);
    assert!(refused.body.contains("evil.example"));
    let request = c
        .request(Method::POST, "/api/tasks")
        .json(&body)
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .header("sec-fetch-site", "cross-site");
    c.send(request).expect(403);
    // A form without its csrf field.
    let request = c
        .request(Method::POST, "/tasks")
        .form(&[("org", ORG), ("type", "test")]);
    c.send(request).expect(403);
    assert_eq!(c.get("/api/tasks").expect(200).json(), json!([]));
    // The same origin with the token works.
    let request = c
        .request(Method::POST, "/api/tasks")
        .json(&body)
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .header("origin", server.url.clone())
        .header("sec-fetch-site", "same-origin");
    c.send(request).expect(201);

    // Only loopback host names are served (no DNS rebinding).
    let request = c
        .request(Method::GET, "/api/orgs")
        .header("host", "evil.example");
    let rebound = c.send(request).expect(421);
    assert!(rebound.body.contains("only on this machine"));
    let request = c
        .request(Method::GET, "/api/orgs")
        .header("host", "localhost");
    c.send(request).expect(200);

    // Security headers and the session cookie's attributes.
    let answer = Client::new(&server.url).get("/api/session").expect(200);
    let cookie = answer.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert_eq!(answer.header("x-frame-options"), Some("DENY"));
    assert!(answer
        .header("content-security-policy")
        .unwrap()
        .contains("frame-ancestors 'none'"));
    server.stop();
}

#[test]
fn bad_requests_get_4xx_with_a_message() {
    let school = School::new(20);
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let csrf = c.csrf.clone().unwrap();
    let raw = |c: &mut Client, method: Method, path: &str, content_type: &str, body: &str| {
        let request = c
            .request(method, path)
            .header("x-csrf-token", csrf.clone())
            .header("content-type", content_type)
            .body(body.to_string());
        c.send(request)
    };
    for (answer, status) in [
        (
            raw(&mut c, Method::POST, "/api/tasks", "application/json", "{"),
            400,
        ),
        (
            raw(&mut c, Method::POST, "/api/tasks", "text/plain", "{}"),
            415,
        ),
        (
            raw(
                &mut c,
                Method::POST,
                "/api/tasks",
                "application/json",
                "{\"sheduel\": 1}",
            ),
            422,
        ),
        (
            raw(
                &mut c,
                Method::POST,
                "/api/tasks",
                "application/json",
                "{\"params\": {\"a\": [1]}}",
            ),
            422,
        ),
        (
            raw(&mut c, Method::GET, "/api/tasks/abc", "text/plain", ""),
            400,
        ),
        (
            raw(&mut c, Method::GET, "/api/runs?last=many", "text/plain", ""),
            400,
        ),
        (
            raw(&mut c, Method::GET, "/api/nothing", "text/plain", ""),
            404,
        ),
        (
            raw(&mut c, Method::DELETE, "/api/orgs", "text/plain", ""),
            405,
        ),
        (
            raw(
                &mut c,
                Method::PATCH,
                "/api/tasks/77",
                "application/json",
                "{}",
            ),
            404,
        ),
    ] {
        assert_eq!(answer.status, status, "{}", answer.body);
        let error = answer.json();
        assert!(
            error["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{error}"
        );
        // A malformed request is refused by an extractor, without the app state: still in
        // the console's language.
        if status == 400 {
            assert!(
                error["error"]
                    .as_str()
                    .unwrap()
                    .ends_with("(see the API's request formats in README.md, \"Web console\")"),
                "{error}"
            );
        }
    }
    let page = c.get("/no/such/page").expect(404);
    assert!(page.body.contains("<html"));
    c.get("/tasks/abc").expect(400);
    c.get("/runs/12345").expect(404);
    // The console still answers after all that.
    c.get("/api/orgs").expect(200);
    server.stop();
}

#[test]
fn with_a_password_the_console_needs_a_login() {
    let school = School::new(20);
    // The command refuses a short password and stores an Argon2 hash.
    let short = school
        .cli_with_input(&["admin", "password"], Some("short\n"))
        .failed();
    assert!(short.stderr.contains("at least 8"), "{}", short.stderr);
    school.set_password("correct horse battery");
    let hash = exchange_store::Store::open(&school.db)
        .unwrap()
        .admin_password_hash()
        .unwrap()
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("correct horse"));

    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let session = c.get("/api/session").expect(200).json();
    assert_eq!(session["login_required"], true);
    assert_eq!(session["logged_in"], false);
    let refused = c.get("/api/orgs").expect(401).json();
    assert!(refused["error"].as_str().unwrap().contains("/api/login"));
    let page = c.get("/tasks?org=school").expect(303);
    assert_eq!(
        page.header("location"),
        Some("/login?next=%2Ftasks%3Forg%3Dschool")
    );
    c.get("/login").expect(200);

    let wrong = c
        .post("/api/login", json!({"password": "wrong horse"}))
        .expect(401)
        .json();
    assert!(wrong["fields"]["password"][0]
        .as_str()
        .unwrap()
        .contains("wrong password"));
    let before = c.cookie.clone();
    let login = c
        .post("/api/login", json!({"password": "correct horse battery"}))
        .expect(200)
        .json();
    assert_ne!(c.cookie, before, "a login gets a new session");
    c.csrf = Some(login["csrf_token"].as_str().unwrap().to_string());
    c.get("/api/orgs").expect(200);
    c.post(
        "/api/tasks",
        json!({"org": ORG, "type": "test", "schedule": "manual"}),
    )
    .expect(201);
    c.post("/api/logout", json!({})).expect(200);
    c.get("/api/orgs").expect(401);

    // The HTML login form, back to the page asked for.
    let mut b = Client::with_session(&server.url);
    b.form("/login", &[("password", "nope nope"), ("next", "/tasks")])
        .expect(401);
    let ok = b
        .form(
            "/login",
            &[
                ("password", "correct horse battery"),
                ("next", "//evil.example/"),
            ],
        )
        .expect(303);
    assert_eq!(ok.header("location"), Some("/"), "no open redirect");
    b.get("/tasks").expect(200);
    server.stop();
}

#[test]
fn beyond_loopback_a_password_is_required_first() {
    let school = School::new(20);
    let refused = match school.try_serve("0.0.0.0:0") {
        Ok(_) => panic!("the console listened beyond loopback without a password"),
        Err(output) => output,
    };
    assert!(
        refused.contains("exchange-host admin password"),
        "{refused}"
    );
    school.set_password("correct horse battery");
    let server = school.serve_en("0.0.0.0:0");
    let port = server.url.rsplit(':').next().unwrap().to_string();
    let mut c = Client::with_session(&format!("http://127.0.0.1:{port}"));
    assert_eq!(c.get("/api/session").json()["login_required"], true);
    c.get("/api/orgs").expect(401);
    let said = server.stop();
    assert!(said.contains("stopped"), "{said}");
}

#[test]
fn serve_stops_the_console_and_its_runs_on_sigterm() {
    let school = School::new(20);
    let server = school.serve_en("127.0.0.1:0");
    let url = server.url.clone();
    let mut c = Client::with_session(&url);
    let id = test_task(&mut c, json!({"sleep": "60s"}));
    let run = c
        .post(&format!("/api/tasks/{id}/run"), json!({}))
        .expect(202)
        .json();
    let said = server.stop();
    assert!(said.contains("stopped"), "{said}");
    let runs = school
        .cli(&["runs", "--task", &id.to_string(), "--json"])
        .ok();
    let runs: serde_json::Value = serde_json::from_str(&runs.stdout).unwrap();
    assert_eq!(runs[0]["id"], run["id"]);
    assert_eq!(runs[0]["status"], "interrupted", "{runs}");
    assert!(
        reqwest::blocking::get(format!("{url}/api/session")).is_err(),
        "the console still answers after serve stopped"
    );
}

#[test]
fn guessing_is_locked_out_per_client_and_cookies_are_secure_over_https() {
    let school = School::new(10);
    school.set_password("correct horse battery");
    let server = school.serve_with(
        "127.0.0.1:0",
        &["--lang", "en", "--trusted-proxy", "127.0.0.1"],
    );
    let mut c = Client::with_session(&server.url);
    for _ in 0..5 {
        c.post("/api/login", json!({"password": "wrong horse"}))
            .expect(401);
    }
    let locked = c
        .post("/api/login", json!({"password": "correct horse battery"}))
        .expect(429)
        .json();
    assert!(
        locked["error"]
            .as_str()
            .unwrap()
            .contains("too many failed logins"),
        "{locked}"
    );
    // Another client behind the trusted proxy is not locked out; it came over HTTPS.
    let mut other = Client::new(&server.url);
    let request = other
        .request(Method::GET, "/api/session")
        .header("x-forwarded-for", "203.0.113.7")
        .header("x-forwarded-proto", "https");
    let answer = other.send(request).expect(200);
    assert!(answer.header("set-cookie").unwrap().contains("; Secure"));
    other.csrf = Some(answer.json()["csrf_token"].as_str().unwrap().to_string());
    let request = other
        .request(Method::POST, "/api/login")
        .header("x-forwarded-for", "203.0.113.7")
        .header("x-csrf-token", other.csrf.clone().unwrap())
        .json(&json!({"password": "correct horse battery"}));
    other.send(request).expect(200);
    // Plain HTTP from the proxy: no Secure flag.
    let plain = Client::new(&server.url).get("/api/session");
    assert!(!plain.header("set-cookie").unwrap().contains("Secure"));
    server.stop();
}

#[test]
fn organizations_and_school_data_through_the_api() {
    let school = School::new(20);
    let server = school.serve("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    let refused = c
        .post("/api/orgs", json!({"id": "школа 1", "name": ""}))
        .expect(422)
        .json();
    assert!(
        refused["fields"]["id"][0]
            .as_str()
            .unwrap()
            .contains("латинские"),
        "{refused}"
    );
    assert!(refused["fields"]["name"].is_array(), "{refused}");
    c.post("/api/orgs", json!({"id": "school-2", "name": "Школа 2"}))
        .expect(201);
    c.json(
        Method::PATCH,
        "/api/orgs/school-2",
        json!({"name": "Школа № 2"}),
    )
    .expect(200);
    // A file of another school: refused by place, nothing kept.
    let file = school.dir.path().join("s2.json");
    school
        .cli(&[
            "school",
            "sample",
            "-o",
            file.to_str().unwrap(),
            "--students",
            "20",
        ])
        .ok();
    let body = std::fs::read(&file).unwrap();
    let mut request = c
        .request(Method::POST, "/api/orgs/school-2/school")
        .body(body);
    request = request.header("x-csrf-token", c.csrf.clone().unwrap());
    let refused = c.send(request).expect(422).json();
    assert!(refused["fields"]["organization.id"].is_array(), "{refused}");
    c.get("/api/orgs/school-2/school").expect(404);
    // Its own file: a preview, then saved on confirmation.
    school
        .cli(&[
            "school",
            "sample",
            "-o",
            file.to_str().unwrap(),
            "--students",
            "20",
            "--org",
            "school-2",
        ])
        .ok();
    let body = std::fs::read(&file).unwrap();
    let request = c
        .request(Method::POST, "/api/orgs/school-2/school")
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .body(body);
    let preview = c.send(request).expect(200).json();
    assert_eq!(preview["students"], 20);
    assert_eq!(preview["first_import"], true);
    c.post(
        "/api/orgs/school-2/school/confirm",
        json!({"token": preview["token"]}),
    )
    .expect(200);
    c.post(
        "/api/orgs/school-2/school/confirm",
        json!({"token": preview["token"]}),
    )
    .expect(409);
    assert_eq!(
        c.get("/api/orgs/school-2/school").expect(200).json()["students"],
        20
    );
    let calls = c.get("/api/orgs/school-2/calls").expect(200).json();
    assert!(
        calls
            .as_array()
            .unwrap()
            .iter()
            .any(|call| call["join_link"].is_null()),
        "{calls}"
    );
    // Removing needs the id again.
    c.json(Method::DELETE, "/api/orgs/school-2", json!({}))
        .expect(422);
    c.json(
        Method::DELETE,
        "/api/orgs/school-2?confirm=school-2",
        json!({}),
    )
    .expect(200);
    c.get("/api/orgs/school-2").expect(404);
    // A malformed request, refused without the app state, in the console's language too.
    let malformed = c.get("/api/tasks/abc").expect(400).json();
    assert!(
        malformed["error"]
            .as_str()
            .unwrap()
            .starts_with("Неверный запрос: "),
        "{malformed}"
    );
    server.stop();
}

/// The elements of the console's own frame: their text is never data, so it has no
/// Cyrillic letter at all in English.
const FRAME: [&str; 8] = [
    "nav", "h2", "th", "button", "label", "legend", "summary", "dt",
];

/// Whether a text has a Cyrillic letter.
fn has_cyrillic(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{0400}'..='\u{04FF}') && c.is_alphabetic())
}

/// Every string in a JSON value with a Cyrillic letter and more than one character.
fn cyrillic_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if has_cyrillic(text) && text.chars().count() > 1 => {
            out.push(text.clone())
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| cyrillic_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| cyrillic_strings(v, out)),
        _ => {}
    }
}

/// The data pages show in the language it was written in (Cyrillic here), longest first:
/// every string of the school data file, the organizations, what the plugins say of
/// themselves (their texts are the plugins' to translate; their own tests check them).
fn data_texts(school: &School, c: &mut Client) -> Vec<String> {
    let file = std::fs::read_to_string(school.dir.path().join("school.json")).unwrap();
    let mut texts: Vec<String> = Vec::new();
    cyrillic_strings(&serde_json::from_str(&file).unwrap(), &mut texts);
    for api in ["/api/orgs", "/api/plugins"] {
        cyrillic_strings(&c.get(api).expect(200).json(), &mut texts);
    }
    texts.sort();
    texts.dedup();
    texts.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    texts
}

/// `text` with every piece of `data` and every quotation in «» blanked out (English
/// messages quote the Russian forms they accept, e.g. «каждые 30 минут»).
fn without_data(text: &str, data: &[String]) -> String {
    let mut rest = data.iter().fold(text.to_string(), |text, piece| {
        text.replace(piece.as_str(), " ")
    });
    while let Some((before, quoted)) = rest.split_once('«') {
        let after = quoted.split_once('»').map_or("", |(_, after)| after);
        rest = format!("{before} {after}");
    }
    rest
}

/// What in an English page is not English: the frame's texts (headings, buttons, labels,
/// table headers, the script's labels) may have no Cyrillic letter; other texts none once
/// the data is taken out; the texts of data (what plugins write, the published links tables)
/// no Russian sentence.
fn not_english(page: &str, data: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if !page.contains("<html lang=\"en\">") {
        problems.push("the page does not say <html lang=\"en\">".to_string());
    }
    let is_data =
        |e: &Element| e.has_class("plugin-text") || (e.name == "table" && e.has_class("links"));
    for shown in html::shown(page) {
        let script = shown.inside.iter().find(|e| e.name == "script");
        if script.is_some_and(|s| s.attribute("type") != Some("application/json")) {
            continue;
        }
        let found = if shown.within(is_data) {
            cyrillic_sentence(&without_data(&shown.text, data))
        } else if script.is_some() || frame_text(&shown) {
            has_cyrillic(&shown.text).then(|| shown.text.clone())
        } else {
            let rest = without_data(&shown.text, data);
            has_cyrillic(&rest).then_some(rest)
        };
        if let Some(found) = found {
            let path: Vec<&str> = shown.inside.iter().map(|e| e.name.as_str()).collect();
            problems.push(format!(
                "{} {:?}: {found:?}",
                path.join(">"),
                shown.attribute
            ));
        }
    }
    problems
}

/// Whether a text node is in the frame (never data).
fn frame_text(shown: &Shown) -> bool {
    shown.attribute.is_none() && shown.within(|e| FRAME.contains(&e.name.as_str()))
}

/// The pages of an English console visited so far and what in them was not English.
struct EnglishPages {
    data: Vec<String>,
    problems: Vec<String>,
    seen: usize,
}

impl EnglishPages {
    /// Checks one page (named for the report), and returns it.
    fn check(&mut self, name: &str, answer: Answer) -> Answer {
        assert!(
            answer.body.contains("</html>"),
            "{name} is not a page: {}",
            answer.body
        );
        self.seen += 1;
        for problem in not_english(&answer.body, &self.data) {
            self.problems.push(format!("{name}: {problem}"));
        }
        answer
    }

    /// Fails with every problem found.
    fn assert_english(&self) {
        assert!(
            self.problems.is_empty(),
            "the English console's pages ({} visited) show Russian text that is not data:\n{}",
            self.seen,
            self.problems.join("\n")
        );
    }
}

/// The `value` of the hidden field `name` in a page's form.
fn hidden_value(page: &str, name: &str) -> String {
    let mark = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&mark)
        .unwrap_or_else(|| panic!("no field {name} in:\n{page}"));
    page[start + mark.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// School data with only its first `n` students (and the parents and groups left with them).
fn keep_students(data: &serde_json::Value, n: usize) -> serde_json::Value {
    let mut data = data.clone();
    data["students"].as_array_mut().unwrap().truncate(n);
    let kept: Vec<serde_json::Value> = data["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    let keep_kept = |list: &mut serde_json::Value| {
        list.as_array_mut().unwrap().retain(|id| kept.contains(id));
    };
    for parent in data["parents"].as_array_mut().unwrap() {
        keep_kept(&mut parent["children"]);
    }
    for group in data["subject_groups"].as_array_mut().unwrap() {
        keep_kept(&mut group["students"]);
    }
    data["parents"]
        .as_array_mut()
        .unwrap()
        .retain(|p| !p["children"].as_array().unwrap().is_empty());
    data
}

/// The id at the end of a redirect to `/tasks/ID…` or `/runs/ID…`.
fn id_in(location: Option<&str>) -> i64 {
    let location = location.expect("a redirect");
    let tail = location.rsplit('/').next().unwrap();
    tail.split('?').next().unwrap().parse().unwrap()
}

#[test]
fn the_english_console_shows_every_page_in_english_around_the_data() {
    let school = School::new(20);
    let mut pages = EnglishPages {
        data: Vec::new(),
        problems: Vec::new(),
        seen: 0,
    };

    // Without a password on loopback: no login needed.
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    pages.data = data_texts(&school, &mut c);
    pages.check("login, not needed", c.get("/login").expect(200));
    server.stop();

    // With one: the login form, a wrong password, then in.
    school.set_password("correct horse battery");
    let server = school.serve_en("127.0.0.1:0");
    let mut c = Client::with_session(&server.url);
    pages.check("login", c.get("/login").expect(200));
    pages.check(
        "login refused",
        c.form("/login", &[("password", "wrong horse")]).expect(401),
    );
    c.form("/login", &[("password", "correct horse battery")])
        .expect(303);
    c.start_session();

    // Organizations, and one with its tabs.
    pages.check("organizations", c.get("/").expect(200));
    pages.check(
        "organization refused",
        c.form("/orgs", &[("id", "school 1"), ("name", "")])
            .expect(422),
    );
    let main = pages.check("organization", c.get("/orgs/school?saved=1").expect(200));
    assert!(
        main.body.contains("Sferum chats") && main.body.contains("Saved."),
        "{}",
        main.body
    );
    for tab in ["staff", "coverage", "calls"] {
        pages.check(tab, c.get(&format!("/orgs/school/{tab}")).expect(200));
    }
    pages.check(
        "links base refused",
        c.form(
            "/orgs/school/links-base",
            &[("v.sferum.community_id", "abc")],
        )
        .expect(422),
    );
    pages.check(
        "rename refused",
        c.form("/orgs/school/rename", &[("name", "")]).expect(422),
    );

    // School data: a file with problems, then one where most students leave (a preview with
    // the warning, refused without the confirmation).
    let file = std::fs::read_to_string(school.dir.path().join("school.json")).unwrap();
    let data: serde_json::Value = serde_json::from_str(&file).unwrap();
    let mut broken = data.clone();
    broken["classes"][0].as_object_mut().unwrap().remove("name");
    let problems = c
        .upload("/orgs/school/school", broken.to_string().as_bytes())
        .expect(422);
    pages.check("import problems", problems);
    let shrunk = keep_students(&data, 3);
    let preview = c
        .upload("/orgs/school/school", shrunk.to_string().as_bytes())
        .expect(200);
    assert!(
        preview.body.contains("id=\"shrink-warning\""),
        "{}",
        preview.body
    );
    let token = hidden_value(&pages.check("import preview", preview).body, "token");
    let refused = c.form("/orgs/school/school/confirm", &[("token", &token)]);
    assert!(matches!(refused.status, 409 | 422), "{}", refused.body);
    pages.check("import refused", refused);

    // Tasks: the list, the form (refused, then saved), the task.
    pages.check("tasks", c.get("/tasks").expect(200));
    pages.check("task type", c.get("/tasks/new?org=school").expect(200));
    pages.check(
        "task form",
        c.get("/tasks/new?org=school&type=sferum-sync").expect(200),
    );
    let fields = [
        ("org", ORG),
        ("type", "sferum-sync"),
        ("schedule", "sometimes"),
        ("p.proxy_port", "80a"),
    ];
    pages.check("task form refused", c.form("/tasks", &fields).expect(422));
    let saved = c
        .form(
            "/tasks",
            &[
                ("org", ORG),
                ("type", "sferum-sync"),
                ("schedule", "manual"),
            ],
        )
        .expect(303);
    let sync = id_in(saved.header("location"));
    pages.check("task", c.get(&format!("/tasks/{sync}?saved=1")).expect(200));

    // A dry run and a real one, their pages, and the chats table they publish.
    for (kind, fields) in [("dry run", &[("dry_run", "1")][..]), ("run", &[][..])] {
        let started = c.form(&format!("/tasks/{sync}/run"), fields).expect(303);
        let run = id_in(started.header("location"));
        assert_eq!(c.wait_run(run, Duration::from_secs(120))["status"], "ok");
        pages.check(kind, c.get(&format!("/runs/{run}")).expect(200));
    }
    let chats = pages.check("organization with chats", c.get("/orgs/school").expect(200));
    assert!(chats.body.contains("class=\"links\""), "{}", chats.body);

    // A long run: its page while it runs, a second start refused, stopping it.
    let slow = test_task(&mut c, json!({"sleep": "60s"}));
    let started = c.form(&format!("/tasks/{slow}/run"), &[]).expect(303);
    let run = id_in(started.header("location"));
    let running = pages.check("running run", c.get(&format!("/runs/{run}")).expect(200));
    assert!(running.body.contains("id=\"stop-run\""), "{}", running.body);
    pages.check(
        "run refused",
        c.form(&format!("/tasks/{slow}/run"), &[]).expect(409),
    );
    c.form(&format!("/runs/{run}/stop"), &[]).expect(303);
    pages.check(
        "run stopping",
        c.get(&format!("/runs/{run}?stopping=1")).expect(200),
    );
    assert_eq!(
        c.wait_run(run, Duration::from_secs(30))["status"],
        "interrupted"
    );
    pages.check("run stopped", c.get(&format!("/runs/{run}")).expect(200));
    pages.check("runs", c.get("/runs").expect(200));
    pages.check(
        "runs of a task",
        c.get(&format!("/runs?task={sync}")).expect(200),
    );
    pages.check(
        "tasks of an organization",
        c.get("/tasks?org=school").expect(200),
    );

    // Error pages.
    for path in [
        "/no/such/page",
        "/tasks/9999",
        "/runs/9999",
        "/orgs/nowhere",
    ] {
        pages.check(path, c.get(path).expect(404));
    }

    // Removing the organization: refused without its id, then gone.
    pages.check(
        "removal refused",
        c.form("/orgs/school/delete", &[("confirm", "wrong")])
            .expect(422),
    );
    c.form("/orgs/school/delete", &[("confirm", "school")])
        .expect(303);
    pages.check("organizations, none", c.get("/?saved=1").expect(200));
    pages.check(
        "task form, no organization",
        c.get("/tasks/new").expect(200),
    );

    pages.assert_english();
    assert_no_secrets(&c);
    server.stop();
}
