//! The console's sessions and login throttle: state the application holds, with no
//! handlers (those are in `auth`).

use rand::RngCore;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A session unused this long ends.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions are kept; the least recently used go first.
const MAX_SESSIONS: usize = 1000;
/// This many failed logins of one client within [`FAILURE_WINDOW`] lock it out.
const MAX_FAILURES: u32 = 5;
/// The window in which failures count, and how long a lockout lasts.
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Password checks (Argon2, about 19 MiB each) running at once, over all clients.
const CONCURRENT_CHECKS: usize = 2;
/// At most this many clients' failures are remembered (the oldest go first).
const MAX_CLIENTS: usize = 10_000;

/// The session of the current request, as handlers see it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    /// The token state-changing requests of this session must carry.
    pub csrf: String,
    /// Whether the administrator has logged in in this session.
    pub authenticated: bool,
    /// Whether this console asks for a login at all.
    pub login_required: bool,
    /// Who sent the request: the peer, or the client a trusted proxy names.
    pub client: IpAddr,
    /// Whether the request came over HTTPS (its cookies are `Secure`).
    pub secure: bool,
}

/// One client's failed logins.
struct Failures {
    count: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

/// Failed logins per client and the cap on concurrent password checks.
pub struct Throttle {
    failures: Mutex<HashMap<IpAddr, Failures>>,
    pub(crate) checks: tokio::sync::Semaphore,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            failures: Mutex::new(HashMap::new()),
            checks: tokio::sync::Semaphore::new(CONCURRENT_CHECKS),
        }
    }
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How long `client` must still wait before it may try again, if it is locked out.
    pub(crate) fn locked(&self, client: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let map = self.lock();
        let until = map.get(&client)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Counts a failed login; a client with too many failures in the window is locked out.
    pub(crate) fn failed(&self, client: IpAddr) {
        let now = Instant::now();
        let mut map = self.lock();
        if map.len() >= MAX_CLIENTS && !map.contains_key(&client) {
            map.retain(|_, f| {
                f.first.elapsed() < FAILURE_WINDOW || f.locked_until.is_some_and(|u| u > now)
            });
            if map.len() >= MAX_CLIENTS {
                if let Some(oldest) = map.iter().min_by_key(|(_, f)| f.first).map(|(ip, _)| *ip) {
                    map.remove(&oldest);
                }
            }
        }
        let entry = map.entry(client).or_insert(Failures {
            count: 0,
            first: now,
            locked_until: None,
        });
        if entry.first.elapsed() > FAILURE_WINDOW {
            *entry = Failures {
                count: 0,
                first: now,
                locked_until: None,
            };
        }
        entry.count += 1;
        if entry.count >= MAX_FAILURES {
            entry.locked_until = Some(now + FAILURE_WINDOW);
            entry.count = 0;
            entry.first = now;
        }
    }

    /// Forgets a client's failures after it logged in.
    pub(crate) fn succeeded(&self, client: IpAddr) {
        self.lock().remove(&client);
    }
}

struct Stored {
    csrf: String,
    authenticated: bool,
    last_seen: Instant,
}

/// The sessions of this console, in memory (a restart logs everyone out).
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Stored>>,
}

/// A random token: 32 bytes from the operating system's generator, as hex.
pub(crate) fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two tokens in time that does not depend on where they differ.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stored>> {
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The session with this id, if it is still alive: `(csrf, authenticated)`.
    pub(crate) fn touch(&self, id: &str) -> Option<(String, bool)> {
        let mut map = self.lock();
        let alive = map.get(id).is_some_and(|s| s.last_seen.elapsed() < IDLE);
        if !alive {
            map.remove(id);
            return None;
        }
        let stored = map.get_mut(id)?;
        stored.last_seen = Instant::now();
        Some((stored.csrf.clone(), stored.authenticated))
    }

    /// A new session; returns its id and CSRF token.
    pub(crate) fn create(&self, authenticated: bool) -> (String, String) {
        let mut map = self.lock();
        map.retain(|_, s| s.last_seen.elapsed() < IDLE);
        while map.len() >= MAX_SESSIONS {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| (s.authenticated, s.last_seen))
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            map.remove(&oldest);
        }
        let (id, csrf) = (token(), token());
        map.insert(
            id.clone(),
            Stored {
                csrf: csrf.clone(),
                authenticated,
                last_seen: Instant::now(),
            },
        );
        (id, csrf)
    }

    pub(crate) fn remove(&self, id: &str) {
        self.lock().remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_compared_whole() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token(&a, &a[..63]));
    }

    #[test]
    fn clients_are_locked_out_after_repeated_failures() {
        let throttle = Throttle::default();
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        for _ in 0..MAX_FAILURES - 1 {
            throttle.failed(a);
            assert!(throttle.locked(a).is_none());
        }
        throttle.failed(a);
        assert!(throttle
            .locked(a)
            .is_some_and(|w| w > Duration::from_secs(60)));
        assert!(
            throttle.locked(b).is_none(),
            "other clients are not locked out"
        );
        throttle.failed(b);
        throttle.succeeded(b);
        assert!(throttle.locked(b).is_none());
    }

    #[test]
    fn sessions_expire_when_removed_and_are_capped() {
        let sessions = Sessions::default();
        let (id, csrf) = sessions.create(false);
        assert_eq!(sessions.touch(&id), Some((csrf, false)));
        sessions.remove(&id);
        assert_eq!(sessions.touch(&id), None);
        for _ in 0..MAX_SESSIONS + 5 {
            sessions.create(false);
        }
        assert!(sessions.lock().len() <= MAX_SESSIONS);
    }
}
