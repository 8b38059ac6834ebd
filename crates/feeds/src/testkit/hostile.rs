//! Servers that misbehave on purpose, for the timeout and body-cap tests: one that accepts and
//! never answers ([`Hostile::Silent`]), one that sends headers and then a body that never ends
//! ([`Hostile::Endless`]), and one that sends headers and then a byte a second
//! ([`Hostile::Trickle`]). Loopback, an ephemeral port; every connection stops when dropped.

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
}

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
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn misbehave(mut stream: TcpStream, kind: Hostile) {
    let mut buf = [0u8; 8192];
    let _ = stream.read(&mut buf).await;
    match kind {
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
