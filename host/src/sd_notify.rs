//! The systemd notification protocol (`sd_notify(3)`), as much as `serve` needs: one
//! datagram per message to the unix socket named by `$NOTIFY_SOCKET` (a path, or an abstract
//! name written with a leading `@`), and the watchdog interval of `$WATCHDOG_USEC`.
//!
//! Outside systemd (no `$NOTIFY_SOCKET`) every call does nothing.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// The variable naming the service manager's notification socket.
pub const SOCKET_ENV: &str = "NOTIFY_SOCKET";
/// The variable with the watchdog timeout in microseconds (`WatchdogSec=`).
pub const WATCHDOG_USEC_ENV: &str = "WATCHDOG_USEC";
/// The variable naming the process the watchdog timeout is meant for.
pub const WATCHDOG_PID_ENV: &str = "WATCHDOG_PID";

/// A connection to the service manager's notification socket.
pub struct Notifier {
    socket: UnixDatagram,
    addr: SocketAddr,
    watchdog: Option<Duration>,
}

impl Notifier {
    /// The notifier of this process's service manager, if it has one (`$NOTIFY_SOCKET` set and
    /// usable). A socket that cannot be used is logged and treated as absent.
    pub fn from_env() -> Option<Notifier> {
        let name = std::env::var_os(SOCKET_ENV)?;
        let name = name.to_str()?;
        let addr = match socket_addr(name) {
            Ok(addr) => addr,
            Err(e) => {
                tracing::warn!("{SOCKET_ENV}={name:?} cannot be used: {e}");
                return None;
            }
        };
        let socket = match UnixDatagram::unbound() {
            Ok(socket) => socket,
            Err(e) => {
                tracing::warn!("cannot make a socket for {SOCKET_ENV}: {e}");
                return None;
            }
        };
        let watchdog = watchdog_timeout(
            std::env::var(WATCHDOG_USEC_ENV).ok().as_deref(),
            std::env::var(WATCHDOG_PID_ENV).ok().as_deref(),
            std::process::id(),
        );
        Some(Notifier {
            socket,
            addr,
            watchdog,
        })
    }

    /// Sends `state` (e.g. `READY=1`, or several `KEY=value` lines). A failure is logged,
    /// never fatal: the service keeps working when the manager does not listen.
    pub fn notify(&self, state: &str) {
        if let Err(e) = self.socket.send_to_addr(state.as_bytes(), &self.addr) {
            tracing::warn!("cannot notify the service manager ({state:?}): {e}");
        }
    }

    /// How often to send `WATCHDOG=1`: half the manager's timeout, when it set one for this
    /// process.
    pub fn watchdog_interval(&self) -> Option<Duration> {
        self.watchdog.map(|timeout| timeout / 2)
    }
}

/// The socket address of a `$NOTIFY_SOCKET` value: an absolute path, or `@name` for a name
/// in the abstract namespace.
fn socket_addr(name: &str) -> std::io::Result<SocketAddr> {
    if let Some(abstract_name) = name.strip_prefix('@') {
        use std::os::linux::net::SocketAddrExt;
        SocketAddr::from_abstract_name(abstract_name.as_bytes())
    } else if name.starts_with('/') {
        SocketAddr::from_pathname(name)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "neither an absolute path nor an abstract name (@…)",
        ))
    }
}

/// The watchdog timeout systemd set: `WATCHDOG_USEC` microseconds, unless `WATCHDOG_PID`
/// names another process (a child that inherited the variables).
fn watchdog_timeout(usec: Option<&str>, pid: Option<&str>, own_pid: u32) -> Option<Duration> {
    if let Some(pid) = pid {
        if pid.trim().parse::<u32>().ok()? != own_pid {
            return None;
        }
    }
    match usec?.trim().parse::<u64>().ok()? {
        0 => None,
        usec => Some(Duration::from_micros(usec)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_timeout_is_for_this_process_only() {
        assert_eq!(
            watchdog_timeout(Some("30000000"), None, 7),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            watchdog_timeout(Some("30000000"), Some("7"), 7),
            Some(Duration::from_secs(30))
        );
        assert_eq!(watchdog_timeout(Some("30000000"), Some("8"), 7), None);
        assert_eq!(watchdog_timeout(Some("0"), None, 7), None);
        assert_eq!(watchdog_timeout(Some("soon"), None, 7), None);
        assert_eq!(watchdog_timeout(None, None, 7), None);
    }

    #[test]
    fn messages_reach_a_path_socket_and_an_abstract_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        let notifier = Notifier {
            socket: UnixDatagram::unbound().unwrap(),
            addr: socket_addr(path.to_str().unwrap()).unwrap(),
            watchdog: Some(Duration::from_secs(10)),
        };
        notifier.notify("READY=1");
        let mut buf = [0u8; 64];
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        assert_eq!(notifier.watchdog_interval(), Some(Duration::from_secs(5)));

        let name = format!("exchange-host-test-{}", std::process::id());
        let listener = UnixDatagram::bind_addr(&socket_addr(&format!("@{name}")).unwrap()).unwrap();
        let notifier = Notifier {
            socket: UnixDatagram::unbound().unwrap(),
            addr: socket_addr(&format!("@{name}")).unwrap(),
            watchdog: None,
        };
        notifier.notify("WATCHDOG=1");
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"WATCHDOG=1");
        assert!(socket_addr("relative/path").is_err());
    }
}
