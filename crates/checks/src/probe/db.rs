//! Unauthenticated database probes, read-only and bounded (3 s connect, 5 s per answer,
//! 64 KiB read): MongoDB OP_MSG `hello` then `listDatabases` (the modern form of Nuclei's
//! `mongodb-unauth`, which OP_QUERY-only servers since 5.1 ignore), Redis `PING` (Nuclei's
//! `redis-require-auth` decision: `+PONG` open, `-NOAUTH` protected, `-DENIED` protected mode).
//! An answer without credentials fails `database.auth`; a reachable port warns
//! `database.network` (reachable *from this machine*); a refused port passes it.

use crate::status::{Evidence, Finding, Status};
use crate::target::{DbEndpoint, DbKind};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONNECT: Duration = Duration::from_secs(3);
const ANSWER: Duration = Duration::from_secs(5);
const READ_CAP: usize = 64 * 1024;

/// OP_MSG `{hello: 1, $db: "admin"}` (research §10.1, byte for byte).
pub const MONGO_HELLO: &str = "340000000100000000000000dd07000000000000001f0000001068656c6c6f000100000002246462000600000061646d696e0000";
/// OP_MSG `{listDatabases: 1, nameOnly: true, $db: "admin"}`.
pub const MONGO_LIST_DATABASES: &str = "470000000200000000000000dd070000000000000032000000106c6973744461746162617365730001000000086e616d654f6e6c79000102246462000600000061646d696e0000";

/// What a reply's top-level BSON document says (only the fields the verdict needs).
#[derive(Debug, Default, PartialEq)]
pub struct MongoReply {
    pub ok: Option<f64>,
    pub code: Option<i32>,
    pub databases: Option<usize>,
}

/// Reads an OP_MSG reply (16-byte header, flags, section kind 0, one BSON document), walking
/// the document's top-level elements; `None` when it is not one.
pub fn parse_op_msg(bytes: &[u8]) -> Option<MongoReply> {
    let len = u32::from_le_bytes(bytes.get(0..4)?.try_into().ok()?) as usize;
    let opcode = i32::from_le_bytes(bytes.get(12..16)?.try_into().ok()?);
    if opcode != 2013 || len > bytes.len() || *bytes.get(20)? != 0 {
        return None;
    }
    let doc = bytes.get(21..len)?;
    let doc_len = i32::from_le_bytes(doc.get(0..4)?.try_into().ok()?) as usize;
    let doc = doc.get(..doc_len)?;
    let mut reply = MongoReply::default();
    let mut i = 4;
    while i < doc.len() - 1 {
        let kind = doc[i];
        let name_end = i + 1 + doc.get(i + 1..)?.iter().position(|b| *b == 0)?;
        let name = std::str::from_utf8(&doc[i + 1..name_end]).ok()?;
        let v = name_end + 1;
        let size = match kind {
            0x01 | 0x09 | 0x11 | 0x12 => 8,
            0x08 => 1,
            0x10 => 4,
            0x0A => 0,
            0x07 => 12,
            0x02 | 0x0D | 0x0E => {
                4 + i32::from_le_bytes(doc.get(v..v + 4)?.try_into().ok()?) as usize
            }
            0x03 | 0x04 => i32::from_le_bytes(doc.get(v..v + 4)?.try_into().ok()?) as usize,
            0x05 => 5 + i32::from_le_bytes(doc.get(v..v + 4)?.try_into().ok()?) as usize,
            _ => return Some(reply),
        };
        let value = doc.get(v..v + size)?;
        match (name, kind) {
            ("ok", 0x01) => reply.ok = Some(f64::from_le_bytes(value.try_into().ok()?)),
            ("ok", 0x10) => reply.ok = Some(f64::from(i32::from_le_bytes(value.try_into().ok()?))),
            ("code", 0x10) => reply.code = Some(i32::from_le_bytes(value.try_into().ok()?)),
            ("databases", 0x04) => {
                // Count the array's elements: each starts with a type byte then a key "0", "1", ...
                let mut n = 0;
                let mut j = 4;
                while j < value.len().saturating_sub(1) {
                    n += 1;
                    let key_end = j + 1 + value.get(j + 1..)?.iter().position(|b| *b == 0)?;
                    let elen =
                        i32::from_le_bytes(value.get(key_end + 1..key_end + 5)?.try_into().ok()?)
                            as usize;
                    j = key_end + 1 + elen;
                }
                reply.databases = Some(n);
            }
            _ => {}
        }
        i = v + size;
    }
    Some(reply)
}

async fn exchange(stream: &mut TcpStream, request: &[u8]) -> Result<Vec<u8>, String> {
    stream.write_all(request).await.map_err(|e| format!("send failed: {e}"))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let work = async {
        loop {
            let n = stream.read(&mut chunk).await.map_err(|e| format!("read failed: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection".to_owned());
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.len() > READ_CAP {
                return Err("the answer is larger than 64 KiB".to_owned());
            }
            if done(&buf) {
                return Ok(());
            }
        }
    };
    tokio::time::timeout(ANSWER, work)
        .await
        .map_err(|_| format!("no answer within {} s", ANSWER.as_secs()))??;
    Ok(buf)
}

/// A whole Mongo message (by its length prefix) or a whole RESP line.
fn done(buf: &[u8]) -> bool {
    if buf.first().is_some_and(|b| b"+-$*:".contains(b)) {
        return buf.windows(2).any(|w| w == b"\r\n");
    }
    buf.len() >= 4
        && buf.len() >= u32::from_le_bytes(buf[..4].try_into().unwrap_or_default()) as usize
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).filter_map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// Probes one endpoint: findings for `database.auth` and `database.network`.
pub async fn probe(ep: &DbEndpoint) -> Vec<Finding> {
    let name = ep.to_string();
    let connect =
        tokio::time::timeout(CONNECT, TcpStream::connect((ep.host.as_str(), ep.port))).await;
    let mut stream = match connect {
        Err(_) => {
            return vec![Finding::new(
                "database.network",
                Status::Pass,
                format!(
                    "{name}: no answer from this machine within {} s (filtered)",
                    CONNECT.as_secs()
                ),
            )];
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return vec![Finding::new(
                "database.network",
                Status::Pass,
                format!("{name}: connection refused from this machine"),
            )];
        }
        Ok(Err(e)) => {
            return vec![Finding::new(
                "database.network",
                Status::unknown(format!("{name}: {e}")),
                "could not reach the database",
            )];
        }
        Ok(Ok(s)) => s,
    };
    let reachable = Finding::new(
        "database.network",
        Status::Warn,
        format!(
            "{name} accepts connections from this machine: make sure it is not reachable from the internet"
        ),
    );
    let verdict = match ep.kind {
        DbKind::Redis => redis(&mut stream, &name).await,
        DbKind::Mongo => mongo(&mut stream, &name).await,
    };
    vec![verdict, reachable]
}

async fn redis(stream: &mut TcpStream, name: &str) -> Finding {
    let reply = match exchange(stream, b"*1\r\n$4\r\nPING\r\n").await {
        Ok(r) => r,
        Err(e) => {
            return Finding::new(
                "database.auth",
                Status::unknown(format!("{name}: {e}")),
                "no answer to PING",
            );
        }
    };
    let line = String::from_utf8_lossy(&reply).lines().next().unwrap_or_default().to_owned();
    let ev = Evidence::request(format!("PING {name} -> {line}"));
    let (status, summary) = if line.starts_with("+PONG") {
        (
            Status::Fail,
            format!(
                "{name} answers PING without AUTH: anyone who reaches it can read and write every key"
            ),
        )
    } else if line.starts_with("-NOAUTH") || line.starts_with("-WRONGPASS") {
        (Status::Pass, format!("{name} requires authentication"))
    } else if line.starts_with("-DENIED") {
        (Status::Warn, format!("{name} has no password; only protected mode keeps it closed"))
    } else {
        (
            Status::unknown(format!("{name} answered something other than Redis")),
            "not a Redis answer".to_owned(),
        )
    };
    Finding::new("database.auth", status, summary).with(ev)
}

async fn mongo(stream: &mut TcpStream, name: &str) -> Finding {
    let hello = match exchange(stream, &hex(MONGO_HELLO)).await.map(|b| parse_op_msg(&b)) {
        Ok(Some(r)) => r,
        Ok(None) => {
            return Finding::new(
                "database.auth",
                Status::unknown(format!("{name} did not answer hello like MongoDB")),
                "not a MongoDB answer",
            );
        }
        Err(e) => {
            return Finding::new(
                "database.auth",
                Status::unknown(format!("{name}: {e} (TLS-only servers close plain connections)")),
                "no answer to hello",
            );
        }
    };
    let hello_ev = Evidence::request(format!("hello {name} -> ok: {}", hello.ok.unwrap_or(0.0)));
    match exchange(stream, &hex(MONGO_LIST_DATABASES)).await.map(|b| parse_op_msg(&b)) {
        Ok(Some(MongoReply { ok: Some(ok), databases, .. })) if ok >= 1.0 => Finding::new(
            "database.auth",
            Status::Fail,
            format!("{name} lists its databases without credentials ({} databases): authentication is off", databases.unwrap_or(0)),
        )
        .with(hello_ev),
        Ok(Some(MongoReply { code: Some(code), .. })) => Finding::new("database.auth", Status::Pass, format!("{name} requires authentication (listDatabases refused, code {code})"))
            .with(hello_ev)
            .with(Evidence::request(format!("listDatabases {name} -> code {code}"))),
        Ok(_) => Finding::new("database.auth", Status::unknown(format!("{name} gave an unexpected listDatabases answer")), "unexpected answer"),
        Err(e) => Finding::new("database.auth", Status::unknown(format!("{name}: {e}")), "no answer to listDatabases"),
    }
}
