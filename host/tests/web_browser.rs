//! The web console in a real headless browser: Debian's `chromium` driven by `chromedriver`
//! through the W3C WebDriver HTTP API. An administrator adds the Sferum sync task through the
//! generated form (a wrong port is shown beside its field), runs it against the Sferum
//! emulator, watches the run finish, and sees the «Чаты Сферум» table fill with links.
//!
//! Needs `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver):
//! without them the test fails and says so.

mod common;
mod web_common;

use exchange_sdk::testing::latin_sentence;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use web_common::*;

/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A program on the PATH (or in /usr/bin), or a failure that says how to install it.
fn require(program: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(program))
        .find(|path| path.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "{program} is missing: the browser tests need Debian's {package} \
             (install with: apt-get install -y chromium chromium-driver)"
        )
    })
}

/// A free loopback port (for chromedriver, which takes a port, not a listener).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A chromedriver process with one browser session.
struct Browser {
    http: reqwest::blocking::Client,
    driver: Child,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and a headless chromium with a fresh profile.
    fn start() -> Browser {
        let chromium = require("chromium", "chromium");
        let chromedriver = require("chromedriver", "chromium-driver");
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .no_proxy()
            .build()
            .unwrap();
        let port = free_port();
        let mut driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = http
                .get(format!("{base}/status"))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            if Instant::now() > deadline || driver.try_wait().unwrap().is_some() {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not become ready on port {port} within 30s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::Builder::new()
            .prefix("exchange-host-chromium")
            .tempdir()
            .unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,1000",
        ]
        .map(String::from)
        .into_iter()
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let answer: Value = match http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .and_then(|r| r.json())
        {
            Ok(answer) => answer,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not start a chromium session: {e}");
            }
        };
        let Some(id) = answer["value"]["sessionId"].as_str() else {
            let _ = driver.kill();
            let _ = driver.wait();
            panic!("chromedriver could not start chromium: {answer}");
        };
        Browser {
            session: format!("{base}/session/{id}"),
            http,
            driver,
            _profile: profile,
        }
    }

    /// One WebDriver command; panics with the driver's error.
    fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().unwrap().json().unwrap();
        if answer["value"].get("error").is_some() {
            panic!("WebDriver {path}: {}", answer["value"]);
        }
        answer["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.command(reqwest::Method::GET, "/url", None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn source(&self) -> String {
        self.command(reqwest::Method::GET, "/source", None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The elements matching a CSS selector now.
    fn all(&self, css: &str) -> Vec<String> {
        self.command(
            reqwest::Method::POST,
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[ELEMENT].as_str().unwrap().to_string())
        .collect()
    }

    /// The first element matching a CSS selector, waiting up to `limit` for it.
    fn wait_for(&self, css: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(element) = self.all(css).into_iter().next() {
                return element;
            }
            assert!(
                start.elapsed() < limit,
                "no element {css} within {limit:?} on {}:\n{}",
                self.url(),
                self.source()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn find(&self, css: &str) -> String {
        self.wait_for(css, Duration::from_secs(10))
    }

    fn click(&self, element: &str) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Clicks a button that submits a form and waits until the next page has loaded, so
    /// that what follows never reads the page the form was on (its notice, say).
    fn submit(&self, element: &str) {
        self.script("window.__before_submit = true;");
        self.click(element);
        let deadline = Instant::now() + Duration::from_secs(20);
        while self
            .script("return window.__before_submit === true || document.readyState !== 'complete';")
            == json!(true)
        {
            assert!(
                Instant::now() < deadline,
                "the form's next page never loaded"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn clear(&self, element: &str) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
    }

    fn type_text(&self, element: &str, text: &str) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn text(&self, element: &str) -> String {
        self.command(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            None,
        )
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.command(
            reqwest::Method::GET,
            &format!("/element/{element}/attribute/{name}"),
            None,
        )
        .as_str()
        .map(str::to_string)
    }

    /// Fills a text field anew.
    fn fill(&self, css: &str, text: &str) {
        let field = self.find(css);
        self.clear(&field);
        self.type_text(&field, text);
    }

    /// Runs a script in the page and returns its value.
    fn script(&self, script: &str) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Accepts the page's confirmation dialog, waiting for it to appear.
    fn accept_dialog(&self) {
        let start = Instant::now();
        loop {
            let answer: Value = self
                .http
                .post(format!("{}/alert/accept", self.session))
                .json(&json!({}))
                .send()
                .unwrap()
                .json()
                .unwrap();
            if answer["value"].get("error").is_none() {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no dialog: {answer}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sets the window's size.
    fn resize(&self, width: u32, height: u32) {
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// Saves a screenshot of the page at 1280 px and at phone width under
    /// `target/console-screenshots/`, and checks that the page speaks Russian.
    fn look(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/console-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        for (suffix, width, height) in [("1280", 1280, 1000), ("phone", 390, 844)] {
            self.resize(width, height);
            std::thread::sleep(Duration::from_millis(150));
            let png = self.command(reqwest::Method::GET, "/screenshot", None);
            let bytes = base64_decode(png.as_str().unwrap());
            std::fs::write(dir.join(format!("{name}-{suffix}.png")), bytes).unwrap();
        }
        self.resize(1280, 1000);
        let text = self
            .script(SHOWN_TEXT)
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(sentence) = latin_sentence(&text) {
            panic!(
                "the page {name} ({}) shows a sentence that is not Russian: {sentence:?}\n{text}",
                self.url()
            );
        }
    }

    /// Waits until the run page says the run ended; returns its status.
    fn wait_run_end(&self, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            // The page reloads itself when the run ends: read it in one script each time.
            let status = self.script(
                "const run = document.getElementById('run'); return run ? run.dataset.status : null;",
            );
            if let Some(status) = status.as_str().filter(|s| *s != "running") {
                // Let the reloaded page settle before the test reads it.
                std::thread::sleep(Duration::from_millis(200));
                return status.to_string();
            }
            assert!(
                start.elapsed() < limit,
                "the run did not end within {limit:?}:\n{}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The text a person reads on the page, without what may stay Latin: code-style keys and
/// values (`code`) and web addresses shown as links. The texts plugins write (run messages
/// and log lines, `.plugin-text`) are read too: the plugins speak the host's language.
const SHOWN_TEXT: &str = r#"
const copy = document.body.cloneNode(true);
for (const el of copy.querySelectorAll("code, script, style")) el.remove();
for (const a of copy.querySelectorAll("a")) if (/^https?:/.test(a.textContent.trim())) a.remove();
for (const el of copy.querySelectorAll("input, select, option")) el.remove();
return copy.innerText;
"#;

/// Standard base64 (screenshots come as base64 PNG).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !matches!(c, b'=' | b'\n' | b'\r'))
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .fold(0u32, |acc, &c| acc << 6 | u32::from(value(c)))
            << (6 * (4 - chunk.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[test]
fn the_latin_check_finds_english_sentences_only() {
    assert!(latin_sentence("Чаты Сферум: VK Сферум, JSON, school-data/1").is_none());
    assert!(latin_sentence("ГБОУ школа № 239 — sferum.community_id").is_none());
    assert_eq!(
        latin_sentence("Итог: expected a port 1-65535").as_deref(),
        Some("expected a port")
    );
    assert!(latin_sentence("the run was stopped").is_some());
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session quits chromium; then chromedriver goes.
        let _ = self.http.delete(&self.session).send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
#[should_panic(expected = "install with: apt-get install -y chromium chromium-driver")]
fn a_missing_browser_fails_the_tests_and_says_how_to_install_it() {
    require("no-such-browser-program", "chromium");
}

#[test]
fn an_administrator_adds_the_sferum_task_runs_it_and_sees_the_chats_table() {
    let browser = Browser::start();
    let school = School::new(40);
    let server = school.serve("127.0.0.1:0");
    let url = &server.url;

    // The Links base tab: the token masked, the chats table still empty.
    browser.open(&format!("{url}/orgs/school"));
    let chats = browser.find("#sferum-chats");
    assert!(
        browser.text(&chats).contains("появится"),
        "{}",
        browser.text(&chats)
    );
    assert!(browser.source().contains("••••0001"));

    // Add the task: choose its type, then fill the form generated from its schema.
    browser.open(&format!("{url}/tasks?org=school"));
    browser.click(&browser.find("#add-task"));
    browser.click(&browser.find("#f-type option[value='sferum-sync']"));
    browser.click(&browser.find("#choose"));
    let password = browser.find("#f-proxy_password");
    assert_eq!(
        browser.attribute(&password, "type").as_deref(),
        Some("password")
    );
    browser.fill("#f-schedule", "вручную");
    browser.fill("#f-proxy_port", "80a");
    browser.click(&browser.find("#save-task"));
    let error = browser.find("#error-proxy_port");
    let message = browser.text(&error);
    assert!(
        message.contains("ожидается порт от 1 до 65535") && message.contains("80a"),
        "{message}"
    );
    let schedule = browser.find("#f-schedule");
    assert_eq!(
        browser.attribute(&schedule, "value").as_deref(),
        Some("вручную"),
        "the form keeps what was typed"
    );
    browser.fill("#f-proxy_port", "");
    browser.submit(&browser.find("#save-task"));
    browser.find(".notice");
    let task_url = browser.url();
    assert!(task_url.contains("/tasks/"), "{task_url}");
    let state = browser.find("#task-state");
    assert_eq!(browser.text(&state), "включена");

    // A dry run first, then the real one, each followed to its end on the run page.
    browser.click(&browser.find("#dry-run"));
    browser.wait_for("#run", Duration::from_secs(20));
    assert_eq!(browser.wait_run_end(Duration::from_secs(120)), "ok");
    assert!(browser
        .text(&browser.find("#run-status"))
        .contains("пробный"));
    browser.open(&task_url);
    browser.click(&browser.find("#run-now"));
    browser.wait_for("#run", Duration::from_secs(20));
    let status = browser.wait_run_end(Duration::from_secs(180));
    assert_eq!(status, "ok", "{}", browser.source());
    assert!(
        !browser.all("#log-lines .log-line").is_empty(),
        "the run's log is shown"
    );
    assert!(
        !browser.all("#counters tr").is_empty(),
        "the run's counters are shown"
    );

    // The «Чаты Сферум» table, laid out as the instruction shows, with clickable links.
    browser.open(&format!("{url}/orgs/school"));
    browser.find("table.links");
    let headers: Vec<String> = browser
        .all("table.links th")
        .iter()
        .map(|h| browser.text(h))
        .collect();
    assert_eq!(
        headers,
        ["Учебный коллектив", "Родительский чат", "Чат учеников"]
    );
    let first = browser.find("table.links tbody tr td");
    assert_eq!(browser.text(&first), "Учительская");
    let links = browser.all("table.links a[href^='https://sferum.ru/?p=messages&join=']");
    let rows = browser.all("table.links tbody tr");
    assert!(
        rows.len() > 3 && links.len() > rows.len(),
        "{} rows, {} links",
        rows.len(),
        links.len()
    );
    assert!(!browser.source().contains(TOKEN));
    drop(browser);
    server.stop();
}

/// Fills the field of a Links base key or parameter (their ids contain dots).
fn fill_field(browser: &Browser, key: &str, text: &str) {
    browser.fill(&format!("[id='f-{key}']"), text);
}

/// Uploads a school data file on the organization's page and submits it.
fn upload(browser: &Browser, url: &str, org: &str, file: &std::path::Path) {
    browser.open(&format!("{url}/orgs/{org}"));
    let input = browser.find("#f-file");
    browser.type_text(&input, file.to_str().unwrap());
    browser.click(&browser.find("#upload"));
}

#[test]
fn an_administrator_does_the_whole_job_in_russian_without_a_terminal() {
    let browser = Browser::start();
    let school = School::new(40);
    let server = school.serve("127.0.0.1:0");
    let url = &server.url;
    let org = "gimnazia-1";

    // The school's files, as its records system exports them: a good one, one with
    // problems, and one where a class's students moved to another class.
    let good = school.dir.path().join("gimnazia.json");
    school
        .cli(&[
            "school",
            "sample",
            "-o",
            good.to_str().unwrap(),
            "--students",
            "40",
            "--org",
            org,
        ])
        .ok();
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    let mut broken = data.clone();
    broken["classes"][0].as_object_mut().unwrap().remove("name");
    broken["students"][0]["class"] = json!("c-no-such-class");
    let broken_file = school.dir.path().join("broken.json");
    std::fs::write(&broken_file, broken.to_string()).unwrap();
    let mut moved = data.clone();
    let (first, second) = (
        data["classes"][0]["id"].as_str().unwrap().to_string(),
        data["classes"][1]["id"].as_str().unwrap().to_string(),
    );
    for student in moved["students"].as_array_mut().unwrap() {
        if student["class"] == json!(first) {
            student["class"] = json!(second);
        }
    }
    let moved_file = school.dir.path().join("moved.json");
    std::fs::write(&moved_file, moved.to_string()).unwrap();

    // Add the school.
    browser.open(url);
    browser.look("organizations");
    browser.fill("#f-id", org);
    browser.fill("#f-name", "ГБОУ гимназия № 1");
    browser.submit(&browser.find("#add-org-button"));
    browser.find(".notice");
    assert!(
        browser.url().ends_with(&format!("/orgs/{org}?saved=1")),
        "{}",
        browser.url()
    );
    browser.look("organization-new");

    // Its Links base.
    fill_field(&browser, "sferum.community_id", &COMMUNITY.to_string());
    fill_field(&browser, "sferum.access_token", TOKEN);
    browser.submit(&browser.find("#links-base button[type=submit]"));
    browser.find(".notice");
    assert!(browser.source().contains("••••0001"));

    // A file with problems: every problem by its place, nothing saved.
    upload(&browser, url, org, &broken_file);
    let problems = browser.find("#import-problems");
    let text = browser.text(&problems);
    assert!(
        text.contains("classes[0].name") && text.contains("обязательное поле отсутствует"),
        "{text}"
    );
    assert!(
        text.contains("students[0].class") && text.contains("нет класса"),
        "{text}"
    );
    browser.look("import-problems");
    browser.open(&format!("{url}/orgs/{org}"));
    assert!(browser
        .text(&browser.find("#school-summary"))
        .contains("ещё не загружены"));

    // The good file: a preview, then saved.
    upload(&browser, url, org, &good);
    browser.find("#import-changes");
    browser.look("import-preview");
    browser.submit(&browser.find("#import-save"));
    browser.find(".notice");
    assert!(browser
        .text(&browser.find("#school-summary"))
        .contains("учеников 40"));
    browser.look("organization");

    // The sync task, with a wrong port and a wrong schedule: both problems at once.
    browser.open(&format!("{url}/tasks?org={org}"));
    browser.click(&browser.find("#add-task"));
    browser.click(&browser.find("#f-type option[value='sferum-sync']"));
    browser.click(&browser.find("#choose"));
    browser.fill("#f-schedule", "иногда");
    fill_field(&browser, "proxy_port", "80a");
    browser.click(&browser.find("#save-task"));
    let schedule_error = browser.text(&browser.find("#error-schedule"));
    let port_error = browser.text(&browser.find("[id='error-proxy_port']"));
    assert!(schedule_error.contains("не расписание"), "{schedule_error}");
    assert!(port_error.contains("ожидается порт"), "{port_error}");
    browser.look("task-form-problems");
    browser.fill("#f-schedule", "вручную");
    fill_field(&browser, "proxy_port", "");
    browser.submit(&browser.find("#save-task"));
    browser.find(".notice");
    let task_url = browser.url();
    browser.look("task");

    // A dry run shows totals, not counters of zero.
    browser.click(&browser.find("#dry-run"));
    browser.wait_for("#run", Duration::from_secs(20));
    assert_eq!(browser.wait_run_end(Duration::from_secs(120)), "ok");
    let message = browser.text(&browser.find("#run-message"));
    assert!(
        message.contains("Пробный запуск") && message.contains("создал бы чатов"),
        "{message}"
    );
    let counters = browser.text(&browser.find("#counters"));
    assert!(counters.contains("чатов будет создано"), "{counters}");
    assert!(
        !browser.all("details.log-group").is_empty(),
        "long lists are collapsed"
    );
    browser.look("run-dry");

    // The real run; the chats table and the video calls.
    browser.open(&task_url);
    browser.click(&browser.find("#run-now"));
    browser.wait_for("#run", Duration::from_secs(20));
    assert_eq!(browser.wait_run_end(Duration::from_secs(180)), "ok");
    let message = browser.text(&browser.find("#run-message"));
    assert!(message.starts_with("Чатов: "), "{message}");
    assert!(browser
        .text(&browser.find("#counters"))
        .contains("создано чатов"));
    browser.look("run");
    browser.open(&format!("{url}/orgs/{org}"));
    browser.find("table.links");
    browser.look("organization-chats");
    browser.open(&format!("{url}/orgs/{org}/calls"));
    let calls = browser.find("#calls");
    assert!(
        !browser.all("#calls a.join-link").is_empty(),
        "{}",
        browser.text(&calls)
    );
    browser.look("calls");
    for (page, name) in [("staff", "staff"), ("coverage", "coverage")] {
        browser.open(&format!("{url}/orgs/{org}/{page}"));
        browser.find("table");
        browser.look(name);
    }
    browser.open(&format!("{url}/tasks"));
    browser.look("tasks");

    // Stop a long run (a test task that works a minute).
    browser.open(&format!("{url}/tasks/new?org={org}&type=test"));
    browser.fill("#f-schedule", "вручную");
    fill_field(&browser, "sleep", "60 с");
    // Started by hand only (an import would start an enabled task).
    browser.click(&browser.find("input[name=enabled]"));
    browser.submit(&browser.find("#save-task"));
    browser.find(".notice");
    browser.click(&browser.find("#run-now"));
    browser.click(&browser.find("#stop-run"));
    browser.accept_dialog();
    assert_eq!(browser.wait_run_end(Duration::from_secs(30)), "interrupted");
    let message = browser.text(&browser.find("#run-message"));
    assert!(message.contains("по запросу"), "{message}");
    browser.look("run-stopped");

    // Students moved to another class: the removal guard stops the run; the removals are
    // confirmed for one run only.
    upload(&browser, url, org, &moved_file);
    browser.submit(&browser.find("#import-save"));
    browser.find(".notice");
    // The import starts the enabled task at once; its run stops at the guard.
    let task_id = task_url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap();
    let mut api = Client::with_session(url);
    let deadline = Instant::now() + Duration::from_secs(120);
    let guarded = loop {
        let runs = api
            .get(&format!("/api/tasks/{task_id}/runs?last=1"))
            .expect(200)
            .json();
        let run = &runs[0];
        if run["trigger"] == "import" && run["status"] != "running" {
            break run.clone();
        }
        assert!(Instant::now() < deadline, "no run after the import: {runs}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(guarded["status"], "failed", "{guarded}");
    browser.open(&format!("{url}/runs/{}", guarded["id"]));
    browser.look("run-guarded");
    browser.open(&task_url);
    browser.click(&browser.find("#run-force"));
    browser.accept_dialog();
    browser.wait_for("#run", Duration::from_secs(20));
    assert_eq!(browser.wait_run_end(Duration::from_secs(120)), "ok");
    assert!(browser
        .text(&browser.find("#counters"))
        .contains("удалено участников"));
    browser.open(&format!("{url}/runs"));
    browser.look("runs");

    // Rename, then remove the organization.
    browser.open(&format!("{url}/orgs/{org}"));
    browser.click(&browser.find("details.org-edit summary"));
    browser.fill("#f-name", "ГБОУ гимназия № 1 им. А. С. Пушкина");
    browser.submit(&browser.find("#rename-org"));
    browser.find(".notice");
    assert!(browser.source().contains("им. А. С. Пушкина"));
    browser.click(&browser.find("details.org-edit summary"));
    browser.fill("#f-confirm", org);
    browser.submit(&browser.find("#delete-org"));
    assert!(!browser.source().contains(&format!("/orgs/{org}\"")));
    browser.find(".notice");
    assert!(!browser.source().contains(TOKEN));

    // serve said when each run started and ended.
    let output = server.output();
    assert!(output.contains("начат: вручную"), "{output}");
    assert!(output.contains("завершён: успешно"), "{output}");
    drop(browser);
    server.stop();
}
