//! Database probes: a real redis-server (Debian package) with and without requirepass, a
//! MongoDB-wire fake on loopback answering OP_MSG like an open or an auth-enforcing server, and
//! a closed port.

use rampart_checks::probe::db;
use rampart_checks::status::Status;
use rampart_checks::target::parse_db;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Redis(std::process::Child);
impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn redis(extra: &[&str]) -> (Redis, u16) {
    let port = free_port();
    let mut args = vec![
        "--port".to_string(),
        port.to_string(),
        "--save".into(),
        "".into(),
        "--appendonly".into(),
        "no".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let child = std::process::Command::new("redis-server")
        .args(&args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (Debian package redis-server; `make test-deps` installs it)");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    (Redis(child), port)
}

fn auth_status(findings: &[rampart_checks::Finding]) -> &Status {
    &findings.iter().find(|f| f.item == "database.auth").expect("an auth finding").status
}

#[tokio::test]
async fn redis_without_a_password_fails_and_with_one_passes() {
    let (_open, port) = redis(&[]).await;
    let f = db::probe(&parse_db(&format!("redis://127.0.0.1:{port}")).unwrap()).await;
    assert_eq!(auth_status(&f), &Status::Fail, "{f:#?}");
    assert!(f.iter().any(|x| x.item == "database.network" && x.status == Status::Warn));

    let (_closed, port) = redis(&["--requirepass", "rampart-test-only"]).await;
    let f = db::probe(&parse_db(&format!("redis://127.0.0.1:{port}")).unwrap()).await;
    assert_eq!(auth_status(&f), &Status::Pass, "{f:#?}");
    assert!(!format!("{f:?}").contains("rampart-test-only"));
}

/// A BSON document from (name, element type, value bytes).
fn bson(elems: &[(&str, u8, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, kind, value) in elems {
        body.push(*kind);
        body.extend_from_slice(name.as_bytes());
        body.push(0);
        body.extend_from_slice(value);
    }
    body.push(0);
    let mut doc = ((body.len() + 4) as i32).to_le_bytes().to_vec();
    doc.extend(body);
    doc
}

fn op_msg(doc: &[u8]) -> Vec<u8> {
    let len = (16 + 4 + 1 + doc.len()) as u32;
    let mut msg = len.to_le_bytes().to_vec();
    msg.extend_from_slice(&7i32.to_le_bytes());
    msg.extend_from_slice(&1i32.to_le_bytes());
    msg.extend_from_slice(&2013i32.to_le_bytes());
    msg.extend_from_slice(&0u32.to_le_bytes());
    msg.push(0);
    msg.extend_from_slice(doc);
    msg
}

/// A MongoDB-wire fake: answers hello, then listDatabases open or refused (code 13).
async fn fake_mongo(open: bool) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf).await;
        let hello = bson(&[
            ("isWritablePrimary", 0x08, vec![1]),
            ("maxWireVersion", 0x10, 17i32.to_le_bytes().to_vec()),
            ("ok", 0x01, 1f64.to_le_bytes().to_vec()),
        ]);
        s.write_all(&op_msg(&hello)).await.unwrap();
        let _ = s.read(&mut buf).await;
        let reply = if open {
            let db = bson(&[("name", 0x02, {
                let mut v = 6i32.to_le_bytes().to_vec();
                v.extend_from_slice(b"admin\0");
                v
            })]);
            let arr = bson(&[("0", 0x03, db.clone()), ("1", 0x03, db)]);
            bson(&[("databases", 0x04, arr), ("ok", 0x01, 1f64.to_le_bytes().to_vec())])
        } else {
            bson(&[
                ("ok", 0x01, 0f64.to_le_bytes().to_vec()),
                ("code", 0x10, 13i32.to_le_bytes().to_vec()),
            ])
        };
        s.write_all(&op_msg(&reply)).await.unwrap();
    });
    port
}

#[tokio::test]
async fn mongodb_open_fails_enforced_passes_closed_port_passes_network() {
    let f =
        db::probe(&parse_db(&format!("mongodb://127.0.0.1:{}", fake_mongo(true).await)).unwrap())
            .await;
    assert_eq!(auth_status(&f), &Status::Fail, "{f:#?}");
    assert!(f[0].summary.contains("2 databases"), "{}", f[0].summary);
    let f =
        db::probe(&parse_db(&format!("mongodb://127.0.0.1:{}", fake_mongo(false).await)).unwrap())
            .await;
    assert_eq!(auth_status(&f), &Status::Pass, "{f:#?}");
    let f = db::probe(&parse_db(&format!("mongodb://127.0.0.1:{}", free_port())).unwrap()).await;
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].item, &f[0].status), ("database.network", &Status::Pass));
}

#[test]
fn the_research_probe_bytes_are_well_formed_op_msgs() {
    for hexed in [db::MONGO_HELLO, db::MONGO_LIST_DATABASES] {
        let bytes: Vec<u8> = (0..hexed.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hexed[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize, bytes.len());
        assert_eq!(i32::from_le_bytes(bytes[12..16].try_into().unwrap()), 2013);
    }
}
