//! Servers that misbehave on purpose, for the timeout and body-cap tests: one that accepts and
//! never answers ([`Hostile::Silent`]), one that sends headers and then a body that never ends
//! ([`Hostile::Endless`]), one that sends headers and then a byte a second
//! ([`Hostile::Trickle`]), one whose every answer redirects into a loop
//! ([`Hostile::RedirectLoop`]), one that sends about 10 MB of response headers
//! ([`Hostile::HugeHeaders`]), and one that answers anything (a TLS ClientHello included) with
//! random bytes ([`Hostile::Garbage`], for an `https://` URL: [`HostileServer::https_url`]).
//! Loopback, an ephemeral port; every connection stops when dropped.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the server misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Accepts, reads the request, and never sends a byte (the connection stays open).
    Silent,
    /// `200` with a chunked body of spaces that never ends (about 16 MiB/s, so a client
    /// without a cap fills its memory quickly but not the test machine's).
    Endless,
    /// `200` with `Content-Length: 100000`, then one byte a second.
    Trickle,
    /// `302` from any path to `/loop-a`, and from `/loop-a` to `/loop-b` (which goes back to
    /// `/loop-a`).
    RedirectLoop,
    /// `200` and then about 10 MB of header lines (`x-pad-N: aaaa...`), then an empty body.
    HugeHeaders,
    /// 64 KiB of pseudo-random bytes in answer to whatever was sent, then silence.
    Garbage,
}

/// Bytes of header lines [`Hostile::HugeHeaders`] sends.
pub const HUGE_HEADER_BYTES: usize = 10 * 1024 * 1024;

/// A running misbehaving server.
pub struct HostileServer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl HostileServer {
    /// Starts on 127.0.0.1 (a free port).
    pub async fn start(kind: Hostile) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let task = tokio::spawn(async move {
            // Connections live in this set, so aborting the server closes them all.
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                connections.spawn(misbehave(stream, kind));
                while connections.try_join_next().is_some() {}
            }
        });
        Self { addr, task }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{}", self.addr.port(), path.trim_start_matches('/'))
    }

    /// `https://127.0.0.1:PORT/path` (for [`Hostile::Garbage`] on the TLS port).
    pub fn https_url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}/{}", self.addr.port(), path.trim_start_matches('/'))
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Deterministic pseudo-random bytes (xorshift), never a valid TLS record header.
fn garbage(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    // A TLS record starts 0x14..=0x18; keep the first byte out of that range.
    if (0x14..=0x18).contains(&out[0]) {
        out[0] = 0xa5;
    }
    out
}

async fn misbehave(mut stream: TcpStream, kind: Hostile) {
    let mut buf = [0u8; 8192];
    let n = stream.read(&mut buf).await.unwrap_or(0);
    match kind {
        Hostile::RedirectLoop => {
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let to = if path == "/loop-a" { "/loop-b" } else { "/loop-a" };
            let head = format!(
                "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes()).await;
        }
        Hostile::HugeHeaders => {
            if stream.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
                return;
            }
            let value = "a".repeat(1000);
            let mut sent = 0;
            let mut n = 0;
            while sent < HUGE_HEADER_BYTES {
                let line = format!("x-pad-{n}: {value}\r\n");
                if stream.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
                sent += line.len();
                n += 1;
            }
            let _ = stream.write_all(b"content-length: 0\r\n\r\n").await;
        }
        Hostile::Garbage => {
            if stream.write_all(&garbage(64 * 1024)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Hostile::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Hostile::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            while stream.write_all(&chunk).await.is_ok() {
                tokio::time::sleep(Duration::from_millis(4)).await;
            }
        }
        Hostile::Trickle => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        content-length: 100000\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            while stream.write_all(b" ").await.is_ok() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
