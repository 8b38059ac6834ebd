//! Many services in another process, for the open-file budget test: [`serve_fleet`] binds `n`
//! loopback listeners (one port per service, so each is its own connection-pool key), prints
//! `PORTS p1,p2,...` on stdout, answers the guide's `/health` JSON with HTTP/1.1 keep-alive
//! (closing only when the client asks), and returns when stdin closes. Running it in a child
//! process keeps its sockets out of the test process's own file-descriptor count.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves `n` health endpoints until stdin reaches end of file (the parent went away).
pub fn serve_fleet(n: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let mut ports = Vec::with_capacity(n);
        for _ in 0..n {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
            ports.push(listener.local_addr().expect("a bound address").port());
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(keep_alive(stream));
                }
            });
        }
        let list: Vec<String> = ports.iter().map(u16::to_string).collect();
        println!("PORTS {}", list.join(","));
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        })
        .await;
    });
}

/// Answers requests on one connection until the client closes it or asks to.
async fn keep_alive(mut stream: TcpStream) {
    let body = r#"{"status":"ok","version":"1.0.0"}"#;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        buf.drain(..end);
        let close = head.contains("connection: close");
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n{body}",
            body.len(),
            if close { "connection: close\r\n" } else { "" }
        );
        if stream.write_all(answer.as_bytes()).await.is_err() || close {
            let _ = stream.shutdown().await;
            return;
        }
    }
}
