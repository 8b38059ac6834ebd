//! A real SMTP server on loopback for tests: Python's aiosmtpd (Debian's python3-aiosmtpd)
//! run by /usr/bin/python3, optionally asking for a login, saving each message it accepts as a
//! file. Stopped when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SCRIPT: &str = r#"
import asyncio, json, os, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

out, port = sys.argv[1], int(sys.argv[2])
login = (sys.argv[3].encode(), sys.argv[4].encode()) if len(sys.argv) > 4 else None

class Save:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Save.count += 1
        path = os.path.join(out, "%03d" % Save.count)
        with open(path + ".tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "login": session.auth_data.login.decode() if session.auth_data else "",
                       "data": envelope.content.decode("utf8", "replace")}, f)
        os.rename(path + ".tmp", path + ".json")
        return "250 OK"

def check(server, session, envelope, mechanism, auth_data):
    ok = login is not None and (auth_data.login, auth_data.password) == login
    return AuthResult(success=ok, handled=False, auth_data=auth_data)

kw = dict(auth_require_tls=False, authenticator=check, auth_required=True) if login else {}
c = Controller(Save(), hostname="127.0.0.1", port=port, **kw)
c.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// A running SMTP sink.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

/// One message the sink accepted.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The login used ("" without one).
    pub login: String,
    /// The whole message, headers and body.
    pub data: String,
}

impl SmtpSink {
    /// Starts the sink; with `login` = Some((user, password)) it refuses mail without them.
    pub fn start(login: Option<(&str, &str)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SCRIPT).unwrap();
        let inbox = dir.path().join("inbox");
        std::fs::create_dir(&inbox).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(&script).arg(&inbox).arg(port.to_string());
        if let Some((user, password)) = login {
            cmd.args([user, password]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (apt install python3-aiosmtpd)");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start (is python3-aiosmtpd installed?)"
        );
        Self { port, dir, child }
    }

    fn inbox(&self) -> PathBuf {
        self.dir.path().join("inbox")
    }

    /// The messages received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.inbox())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files.iter().map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()).collect()
    }

    /// Waits up to `within` for `n` messages.
    pub fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > within {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
