//! A minimal HTTP forward proxy for tests: checks basic authorization, records what it
//! forwarded, and passes each request on to its target with `Connection: close`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A running proxy.
pub struct MiniProxy {
    pub addr: SocketAddr,
    /// One line per request: `<request line> auth=<ok|missing|wrong>`.
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl MiniProxy {
    /// Starts a proxy that wants `user:pass` when `auth` is given.
    pub fn start(auth: Option<(&str, &str)>) -> MiniProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let expected =
            auth.map(|(u, p)| format!("Basic {}", base64(format!("{u}:{p}").as_bytes())));
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (expected, log) = (expected.clone(), log.clone());
                std::thread::spawn(move || serve(conn, expected, log));
            }
        });
        MiniProxy { addr, seen }
    }
}

fn serve(client: TcpStream, expected: Option<String>, log: Arc<Mutex<Vec<String>>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut client = client;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let request_line = line.trim_end().to_string();
        let mut headers = Vec::new();
        let (mut length, mut auth) = (0usize, None);
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            let h = h.trim_end().to_string();
            if h.is_empty() {
                break;
            }
            let (name, value) = h
                .split_once(':')
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                .unwrap();
            match name.as_str() {
                "content-length" => length = value.parse().unwrap(),
                "proxy-authorization" => auth = Some(value),
                "connection" | "proxy-connection" => continue,
                _ => {}
            }
            headers.push(h);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let verdict = match (&expected, &auth) {
            (None, _) => "ok",
            (Some(e), Some(a)) if e == a => "ok",
            (Some(_), Some(_)) => "wrong",
            (Some(_), None) => "missing",
        };
        log.lock()
            .unwrap()
            .push(format!("{request_line} auth={verdict}"));
        if verdict != "ok" {
            let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
            continue;
        }
        let mut parts = request_line.splitn(3, ' ');
        let (method, target, version) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let rest = target
            .strip_prefix("http://")
            .expect("absolute-form target");
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let mut upstream = TcpStream::connect(host).unwrap();
        let mut out = format!("{method} {path} {version}\r\n");
        for h in headers
            .iter()
            .filter(|h| !h.to_ascii_lowercase().starts_with("proxy-authorization"))
        {
            out.push_str(h);
            out.push_str("\r\n");
        }
        out.push_str("Connection: close\r\n\r\n");
        upstream.write_all(out.as_bytes()).unwrap();
        upstream.write_all(&body).unwrap();
        let mut response = Vec::new();
        let _ = upstream.read_to_end(&mut response);
        let _ = client.write_all(&response);
        return;
    }
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
