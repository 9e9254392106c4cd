//! The web console in a real headless browser: Debian's `chromium` driven by `chromedriver`
//! through the W3C WebDriver HTTP API. An administrator adds the Sferum sync task through the
//! generated form (a wrong port is shown beside its field), runs it against the Sferum
//! emulator, watches the run finish, and sees the «Чаты Сферум» table fill with links.
//!
//! Needs `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver):
//! without them the test fails and says so.

mod common;
mod web_common;

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

    /// Waits until the run page says the run ended; returns its status.
    fn wait_run_end(&self, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            // The page reloads itself when the run ends: look again each time.
            if let Some(run) = self.all("#run").into_iter().next() {
                if let Some(status) = self.attribute(&run, "data-status") {
                    if status != "running" {
                        return status;
                    }
                }
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
        message.contains("expected a port 1-65535") && message.contains("80a"),
        "{message}"
    );
    let schedule = browser.find("#f-schedule");
    assert_eq!(
        browser.attribute(&schedule, "value").as_deref(),
        Some("вручную"),
        "the form keeps what was typed"
    );
    browser.fill("#f-proxy_port", "");
    browser.click(&browser.find("#save-task"));
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
        !browser.all("#log-lines tr").is_empty(),
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
