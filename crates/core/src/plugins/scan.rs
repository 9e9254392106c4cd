//! Running plugin code out of process: reading a library's manifest and asking a plugin to
//! check parameters both load the library, and a library can crash or hang while it loads.
//! So the host does neither itself: it starts its own executable in the hidden `__scan` mode,
//! which loads the one library, answers with one JSON line, and exits. A crash, a hang (past
//! the timeout the child is killed) or garbage becomes a [`Reason`]; the host goes on.

use super::cache::{Described, FileIdentity, ScanCache, Scanned, CACHE_FILE_NAME};
use super::loader;
use super::reason::{Exit, Reason, Stage};
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::negotiate::ValidateRequest;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The environment variable with the time a scanner child may take (e.g. `10s`, `1m`).
pub const SCAN_TIMEOUT_ENV: &str = "EXCHANGE_PLUGIN_SCAN_TIMEOUT";

/// How long a scanner child may take unless [`SCAN_TIMEOUT_ENV`] says otherwise.
pub const DEFAULT_SCAN_TIMEOUT: Duration = Duration::from_secs(10);

/// What a scanner child answers, as one JSON line on its standard output.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    /// The library's manifest and capabilities (a scan).
    Described(Box<Described>),
    /// The plugin's problems with the parameters (a validation).
    Problems(Vec<ParamProblem>),
    /// Why the library could not be loaded or asked.
    Error(Reason),
}

/// What a scanner child is asked.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'a> {
    /// The manifest and capabilities of a plugin the host can load.
    Describe,
    /// The manifest and capabilities as they are, sound or not (for `plugins verify`).
    DescribeUnchecked,
    /// The problems the plugin of this task type finds in the parameters on standard input
    /// (a [`ValidateRequest`]: the parameters and the language of the messages).
    Validate(&'a str),
}

/// The hidden `__scan` mode: loads `file` in this process and answers what `ask` asks: its
/// manifest, or the problems the plugin finds in the parameters given as JSON on standard
/// input with the language of the messages (after checking that the file still provides that
/// task type).
pub fn child_main(file: &Path, ask: Ask<'_>) {
    // The child runs in its own process group (so a timeout can kill all it started), out of
    // reach of the terminal's Ctrl-C: it must not outlive a host that was stopped meanwhile.
    // SAFETY: PR_SET_PDEATHSIG only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    let described = |loaded: Result<loader::LoadedPlugin, Reason>| match loaded {
        Ok(plugin) => Answer::Described(Box::new(Described {
            manifest: plugin.manifest,
            capabilities: plugin.capabilities,
        })),
        Err(reason) => Answer::Error(reason),
    };
    let answer = match ask {
        Ask::Describe => described(loader::load(file)),
        Ask::DescribeUnchecked => described(loader::load_unchecked(file)),
        Ask::Validate(type_id) => validate_here(file, type_id),
    };
    let line = serde_json::to_string(&answer).expect("answers serialize");
    // A plugin may have written to standard output too: the answer is the last line.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\n{line}");
    let _ = out.flush();
}

fn validate_here(file: &Path, type_id: &str) -> Answer {
    let unreadable = |error: String| Answer::Error(Reason::ParamsUnreadable { error });
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        return unreadable(e.to_string());
    }
    let request: ValidateRequest = match serde_json::from_str(&input) {
        Ok(request) => request,
        Err(e) => return unreadable(e.to_string()),
    };
    let plugin = match loader::load(file) {
        Ok(plugin) => plugin,
        Err(reason) => return Answer::Error(reason),
    };
    if plugin.manifest.type_id != type_id {
        return Answer::Error(Reason::TypeChanged {
            now: plugin.manifest.type_id,
            expected: type_id.to_string(),
        });
    }
    match plugin.validate(&request.params, &request.locale) {
        Ok(problems) => Answer::Problems(problems),
        Err(e) => Answer::Error(e),
    }
}

/// Runs scanner children: the executable, the time each may take, and where scans are
/// remembered.
#[derive(Debug, Clone)]
pub struct Scanner {
    exe: PathBuf,
    timeout: Duration,
    cache: Option<PathBuf>,
}

/// How one scanner child ended.
enum ChildEnd {
    Answered(Answer),
    /// It crashed or exited without an answer.
    Crashed(Exit),
    /// It took longer than the timeout and was killed.
    TimedOut,
    /// It could not be started (nothing about the library is known).
    NotStarted(Reason),
}

/// What a scan found, and whether it is worth remembering.
pub enum ScanOutcome {
    /// Known for as long as the file does not change (a manifest or a refusal).
    Known(Scanned),
    /// The scan itself could not run (e.g. no process could be started): try again next time.
    Failed(Reason),
}

impl Scanner {
    /// Scanners started from the executable `exe`, remembering scans in `cache` (a file).
    /// The timeout comes from [`SCAN_TIMEOUT_ENV`], else [`DEFAULT_SCAN_TIMEOUT`].
    pub fn new(exe: PathBuf, cache: Option<PathBuf>) -> Scanner {
        let timeout = std::env::var(SCAN_TIMEOUT_ENV)
            .ok()
            .and_then(|v| exchange_sdk::manifest::parse_duration(&v).ok())
            .filter(|secs| *secs > 0)
            .map_or(DEFAULT_SCAN_TIMEOUT, Duration::from_secs);
        Scanner {
            exe,
            timeout,
            cache,
        }
    }

    /// Scanners of this very executable, remembering scans beside the database `db`.
    pub fn beside_database(db: &Path) -> Scanner {
        let exe = std::env::current_exe().unwrap_or_default();
        let cache = db
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join(CACHE_FILE_NAME);
        Scanner::new(exe, Some(cache))
    }

    /// What the libraries at `files` (canonical paths) say about themselves: from the cache
    /// when a file has not changed since it was scanned, else from scanner children run in
    /// parallel. New scans are added to the cache.
    pub fn scan(&self, files: &[PathBuf]) -> Vec<ScanOutcome> {
        let host = FileIdentity::of(&self.exe).ok();
        let mut cache = match (&self.cache, &host) {
            (Some(file), Some(host)) => Some(ScanCache::load(file, host)),
            _ => None,
        };
        let identities: Vec<Option<FileIdentity>> =
            files.iter().map(|f| FileIdentity::of(f).ok()).collect();
        let mut outcomes: Vec<Option<ScanOutcome>> = files
            .iter()
            .zip(&identities)
            .map(|(file, identity)| {
                let cached = cache.as_ref()?.get(file, identity.as_ref()?)?;
                Some(ScanOutcome::Known(cached.clone()))
            })
            .collect();
        let to_scan: Vec<usize> = (0..files.len())
            .filter(|i| outcomes[*i].is_none())
            .collect();
        if to_scan.is_empty() {
            return outcomes.into_iter().flatten().collect();
        }
        let ends = self.run_children(to_scan.iter().map(|i| files[*i].as_path()).collect());
        for (i, end) in to_scan.into_iter().zip(ends) {
            let outcome = self.scan_outcome(end);
            if let (ScanOutcome::Known(scanned), Some(cache), Some(identity)) =
                (&outcome, cache.as_mut(), &identities[i])
            {
                cache.insert(files[i].clone(), identity.clone(), scanned.clone());
            }
            outcomes[i] = Some(outcome);
        }
        if let (Some(cache), Some(file)) = (cache, &self.cache) {
            let saved =
                exchange_store::create_private_dirs(file.parent().unwrap_or(Path::new(".")))
                    .map_err(|e| std::io::Error::other(format!("{e:#}")))
                    .and_then(|()| cache.save(file));
            if let Err(e) = saved {
                tracing::debug!(file = %file.display(), "the plugin scan cache was not saved: {e}");
            }
        }
        outcomes.into_iter().flatten().collect()
    }

    fn scan_outcome(&self, end: ChildEnd) -> ScanOutcome {
        match self.described(end, Stage::Scan) {
            Ok(described) => ScanOutcome::Known(Scanned::Plugin(described)),
            Err(reason @ Reason::ScannerNotStarted { .. }) => ScanOutcome::Failed(reason),
            Err(reason) => ScanOutcome::Known(Scanned::Refused(reason)),
        }
    }

    /// What a child asked for a library's description ended with, at `stage`.
    fn described(&self, end: ChildEnd, stage: Stage) -> Result<Box<Described>, Reason> {
        match end {
            ChildEnd::Answered(Answer::Described(described)) => Ok(described),
            ChildEnd::Answered(Answer::Error(reason)) => Err(reason),
            ChildEnd::Answered(Answer::Problems(_)) => Err(Reason::NotAManifest),
            ChildEnd::Crashed(exit) => Err(Reason::Crashed { stage, exit }),
            ChildEnd::TimedOut => Err(self.hung(stage)),
            ChildEnd::NotStarted(reason) => Err(reason),
        }
    }

    /// The child asked at `stage` took longer than the timeout.
    fn hung(&self, stage: Stage) -> Reason {
        Reason::Hung {
            stage,
            seconds: self.timeout.as_secs(),
        }
    }

    /// What the library at `file` says about itself, sound or not, read in a child without
    /// the cache (for `plugins verify`); the error says why it could not be loaded.
    pub fn describe_unchecked(&self, file: &Path) -> Result<Described, Reason> {
        let end = self.run_child(file, Ask::DescribeUnchecked, None);
        self.described(end, Stage::Verify)
            .map(|described| *described)
    }

    /// Asks the plugin in `file` (of task type `type_id`) to check parameters, in a child,
    /// with the messages in `locale` (`ru`, `en`) if the plugin can say them in it.
    pub fn validate(
        &self,
        file: &Path,
        type_id: &str,
        params: &Params,
        locale: &str,
    ) -> Result<Vec<ParamProblem>, Reason> {
        let request = ValidateRequest {
            params: params.clone(),
            locale: locale.to_string(),
        };
        let input = serde_json::to_string(&request).expect("a request serializes");
        match self.run_child(file, Ask::Validate(type_id), Some(input)) {
            ChildEnd::Answered(Answer::Problems(problems)) => Ok(problems),
            ChildEnd::Answered(Answer::Error(reason)) => Err(reason),
            ChildEnd::Answered(Answer::Described(_)) => Err(Reason::NotProblems),
            ChildEnd::Crashed(exit) => Err(Reason::Crashed {
                stage: Stage::Validate,
                exit,
            }),
            ChildEnd::TimedOut => Err(self.hung(Stage::Validate)),
            ChildEnd::NotStarted(reason) => Err(reason),
        }
    }

    /// Scans `files`, a few children at a time, in the order given.
    fn run_children(&self, files: Vec<&Path>) -> Vec<ChildEnd> {
        let parallel = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(2, 8);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..parallel.min(files.len()) {
                let tx = tx.clone();
                let (next, files) = (&next, &files);
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let _ = tx.send((i, self.run_child(file, Ask::Describe, None)));
                });
            }
        });
        drop(tx);
        let mut ends: Vec<(usize, ChildEnd)> = rx.into_iter().collect();
        ends.sort_by_key(|(i, _)| *i);
        ends.into_iter().map(|(_, end)| end).collect()
    }

    /// Runs one scanner child asking `ask`, with `input` on its standard input.
    fn run_child(&self, file: &Path, ask: Ask<'_>, input: Option<String>) -> ChildEnd {
        let mut command = Command::new(&self.exe);
        command.arg("__scan");
        match ask {
            Ask::Describe => {}
            Ask::DescribeUnchecked => {
                command.arg("--unchecked");
            }
            Ask::Validate(type_id) => {
                command.arg("--validate").arg(type_id);
            }
        }
        command
            .arg(file)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that a timeout kills whatever the plugin started too.
            .process_group(0);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                return ChildEnd::NotStarted(Reason::ScannerNotStarted {
                    exe: self.exe.clone(),
                    error: e.to_string(),
                })
            }
        };
        let deadline = Instant::now() + self.timeout;
        let stdout = read_all(child.stdout.take().expect("piped"));
        let stderr = read_all(child.stderr.take().expect("piped"));
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            // The child reads all of it before it loads any plugin code.
            let _ = stdin.write_all(input.as_bytes());
        }
        let status = match wait_until(&mut child, deadline) {
            Some(status) => status,
            None => {
                // SAFETY: kill(2) on the child's process group; the child is not reaped yet,
                // so its id (the group's id) cannot have been reused.
                unsafe {
                    libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
                }
                let _ = child.wait();
                return ChildEnd::TimedOut;
            }
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let out = stdout.recv_timeout(remaining).unwrap_or_default();
        let answer = String::from_utf8_lossy(&out)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| serde_json::from_str::<Answer>(l).ok());
        match answer {
            Some(answer) if status.success() => ChildEnd::Answered(answer),
            _ => {
                let err = stderr
                    .recv_timeout(Duration::from_millis(100))
                    .unwrap_or_default();
                ChildEnd::Crashed(exit_of(status, &String::from_utf8_lossy(&err)))
            }
        }
    }
}

/// Reads a stream to its end on another thread; the bytes arrive on the receiver.
fn read_all(mut stream: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// Waits for the child to exit, until `deadline`; `None` if it is still running then.
fn wait_until(child: &mut std::process::Child, deadline: Instant) -> Option<ExitStatus> {
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            Err(_) => return child.wait().ok(),
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// How a scanner child ended without an answer, with the last line it wrote to `stderr`.
fn exit_of(status: ExitStatus, stderr: &str) -> Exit {
    Exit {
        signal: status.signal(),
        code: status.code(),
        output: stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|line| line.trim().to_string()),
    }
}
