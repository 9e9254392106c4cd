//! Shared helpers of the web console tests: a school in a temporary database, the real
//! `exchange-host serve --http 127.0.0.1:0` with its address read from stderr, and an HTTP
//! client that keeps the session cookie and CSRF token and remembers every answer (so tests
//! can search all of them for secrets).
#![allow(dead_code)] // each test file uses a different subset

pub mod html;

use crate::common::{EmulatedSchool, Run};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The school's Sferum community in the emulator.
pub const COMMUNITY: u64 = 100239;
/// The community access token: must never appear in any answer.
pub const TOKEN: &str = "web-console-secret-token-0001";
/// The organization id.
pub const ORG: &str = "school";

/// The organization `school` (Links base set to the emulator's community), a sample school,
/// both plugins, and a Sferum emulator.
pub struct School(EmulatedSchool);

impl std::ops::Deref for School {
    type Target = EmulatedSchool;

    fn deref(&self) -> &EmulatedSchool {
        &self.0
    }
}

impl School {
    /// A school of `students` students.
    pub fn new(students: usize) -> School {
        let crates = ["sferum_sync", "test_plugin"];
        School(EmulatedSchool::new(
            ORG, COMMUNITY, TOKEN, students, &crates,
        ))
    }

    /// Runs `exchange-host` with `input` on its standard input.
    pub fn cli_with_input(&self, args: &[&str], input: Option<&str>) -> Run {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            if let Some(input) = input {
                stdin.write_all(input.as_bytes()).unwrap();
            }
        }
        Run::from_output(child.wait_with_output().unwrap())
    }

    /// Sets the administrator password.
    pub fn set_password(&self, password: &str) {
        self.cli_with_input(&["admin", "password"], Some(&format!("{password}\n")))
            .ok();
    }

    /// Starts `serve --http ADDR` (in Russian, the default); panics with its output unless
    /// the console comes up.
    pub fn serve(&self, addr: &str) -> Server {
        self.serve_with(addr, &[])
    }

    /// Starts `serve --http ADDR` in English.
    pub fn serve_en(&self, addr: &str) -> Server {
        self.serve_with(addr, &["--lang", "en"])
    }

    /// Starts `serve --http ADDR` with more options; panics unless the console comes up.
    pub fn serve_with(&self, addr: &str, options: &[&str]) -> Server {
        match self.try_serve_with(addr, options) {
            Ok(server) => server,
            Err(output) => panic!("the web console did not start:\n{output}"),
        }
    }

    /// Starts `serve --http ADDR` in English; on failure returns what it printed.
    pub fn try_serve(&self, addr: &str) -> Result<Server, String> {
        self.try_serve_with(addr, &["--lang", "en"])
    }

    /// Starts `serve --http ADDR` with more options; on failure returns what it printed.
    pub fn try_serve_with(&self, addr: &str, options: &[&str]) -> Result<Server, String> {
        let mut child = self
            .command()
            .args(["serve", "--grace", "5s", "--http", addr])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let (url_tx, url_rx) = mpsc::channel();
        let seen = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("web console: ") {
                    let _ = url_tx.send(url.to_string());
                }
                let mut seen = seen.lock().unwrap();
                seen.push_str(&line);
                seen.push('\n');
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(url) = url_rx.try_recv() {
                return Ok(Server { child, url, output });
            }
            if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                return Err(output.lock().unwrap().clone());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A running `exchange-host serve --http`; stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    /// E.g. `http://127.0.0.1:41234`.
    pub url: String,
    output: Arc<Mutex<String>>,
}

impl Server {
    /// What it printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Stops it with SIGTERM and returns what it printed; panics if it does not stop.
    pub fn stop(mut self) -> String {
        self.terminate();
        self.output.lock().unwrap().clone()
    }

    fn terminate(&mut self) {
        if self.child.try_wait().unwrap().is_some() {
            return;
        }
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(40);
        while self.child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("serve did not stop within 40s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Panics unless the status is `status`.
    pub fn expect(self, status: u16) -> Answer {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An HTTP client of the console with a session (cookie and CSRF token).
pub struct Client {
    http: reqwest::blocking::Client,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    /// Every answer's body so far.
    pub seen: Vec<String>,
}

impl Client {
    /// A client without a session yet.
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                .no_proxy()
                .build()
                .unwrap(),
            base: base.trim_end_matches('/').to_string(),
            cookie: None,
            csrf: None,
            seen: Vec::new(),
        }
    }

    /// A client with a session: `GET /api/session` keeps its cookie and CSRF token.
    pub fn with_session(base: &str) -> Client {
        let mut client = Client::new(base);
        client.start_session();
        client
    }

    /// Takes a session (cookie and CSRF token) from `GET /api/session`.
    pub fn start_session(&mut self) {
        let answer = self.get("/api/session").expect(200);
        self.csrf = Some(answer.json()["csrf_token"].as_str().unwrap().to_string());
    }

    /// Sends a request as built by `build` (with the session's cookie) and remembers the
    /// answer; a new session cookie replaces the old one.
    pub fn send(&mut self, build: reqwest::blocking::RequestBuilder) -> Answer {
        let build = match &self.cookie {
            Some(cookie) => build.header("cookie", cookie),
            None => build,
        };
        let response = build.send().unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(set) = headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = Some(set.split(';').next().unwrap().to_string());
        }
        let body = response.text().unwrap();
        self.seen.push(body.clone());
        Answer {
            status,
            body,
            headers,
        }
    }

    /// A request to `path` without the CSRF header.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::blocking::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// `GET path`.
    pub fn get(&mut self, path: &str) -> Answer {
        let request = self.request(reqwest::Method::GET, path);
        self.send(request)
    }

    /// A state-changing JSON request with the CSRF header.
    pub fn json(&mut self, method: reqwest::Method, path: &str, body: serde_json::Value) -> Answer {
        let mut request = self.request(method, path).json(&body);
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        self.send(request)
    }

    /// `POST path` with a JSON body and the CSRF header.
    pub fn post(&mut self, path: &str, body: serde_json::Value) -> Answer {
        self.json(reqwest::Method::POST, path, body)
    }

    /// An HTML form post with the session's CSRF field.
    pub fn form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        all.push(("csrf", &csrf));
        let request = self.request(reqwest::Method::POST, path).form(&all);
        self.send(request)
    }

    /// Uploads `file` as the form field `file` of a multipart form (the school data form),
    /// with the session's CSRF token in the query as the page's form sends it.
    pub fn upload(&mut self, path: &str, file: &[u8]) -> Answer {
        const BOUNDARY: &str = "exchange-host-test-boundary";
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"school.json\"\r\n\
             Content-Type: application/json\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let csrf = self.csrf.clone().unwrap_or_default();
        let request = self
            .request(reqwest::Method::POST, &format!("{path}?csrf={csrf}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body);
        self.send(request)
    }

    /// Polls a run until it ends; returns it.
    pub fn wait_run(&mut self, run: i64, limit: Duration) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let answer = self.get(&format!("/api/runs/{run}")).expect(200).json();
            if answer["status"] != "running" {
                return answer;
            }
            assert!(start.elapsed() < limit, "run {run} still running: {answer}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
