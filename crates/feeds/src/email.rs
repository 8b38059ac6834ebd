//! Email over SMTP (`lettre`, rustls, tokio): one plain-text message to a list of recipients.
//! The server, port and TLS mode come from settings; the password (when the server wants a
//! login) is a [`SecretString`] the caller read from the vault, and it is sent only over TLS,
//! or in the clear to a loopback test server. Each send is bounded by a timeout. Errors keep the
//! server's reply (never the password) and say whether retrying can help.

use crate::{FeedsError, Result, SecretString};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const SOURCE: &str = "SMTP server";

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SmtpTls {
    /// Plain SMTP (loopback relays and tests only when a password is set).
    None,
    /// STARTTLS, required (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpTls {
    pub fn parse(text: &str) -> Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "none" | "plain" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "tls" | "smtps" => Ok(Self::Tls),
            _ => Err(FeedsError::InvalidInput(format!(
                "{text:?} is not a TLS mode: use none, starttls or tls"
            ))),
        }
    }
}

/// Where and how to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub server: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// The login, when the server wants one.
    pub username: Option<String>,
    /// The sender address.
    pub from: String,
    pub timeout: Duration,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

fn mailbox(what: &str, address: &str) -> Result<Mailbox> {
    address.trim().parse().map_err(|_| {
        FeedsError::InvalidInput(format!("{what} {address:?} is not an email address"))
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sends `email` through `config`, logging in with `password` when one is given.
pub async fn send(
    config: &SmtpConfig,
    password: Option<&SecretString>,
    email: &Email,
) -> Result<()> {
    if email.to.is_empty() {
        return Err(FeedsError::InvalidInput("an email needs at least one recipient".into()));
    }
    let mut builder = Message::builder()
        .from(mailbox("the sender", &config.from)?)
        .subject(email.subject.split_whitespace().collect::<Vec<_>>().join(" "))
        .header(ContentType::TEXT_PLAIN);
    for to in &email.to {
        builder = builder.to(mailbox("the recipient", to)?);
    }
    let message = builder
        .body(email.body.clone())
        .map_err(|e| FeedsError::InvalidInput(format!("the email cannot be built: {e}")))?;
    let tls = |server: &str| {
        TlsParameters::new(server.to_owned())
            .map_err(|e| FeedsError::InvalidInput(format!("TLS for {server}: {e}")))
    };
    let tls = match config.tls {
        SmtpTls::None => Tls::None,
        SmtpTls::StartTls => Tls::Required(tls(&config.server)?),
        SmtpTls::Tls => Tls::Wrapper(tls(&config.server)?),
    };
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.server)
        .port(config.port)
        .tls(tls)
        .timeout(Some(config.timeout));
    if let (Some(user), Some(password)) = (&config.username, password) {
        if config.tls == SmtpTls::None && !is_loopback(&config.server) {
            return Err(FeedsError::InvalidInput(format!(
                "{SOURCE} {}: a password is sent only over TLS (plain SMTP only to a loopback \
                 test server); set the TLS mode to starttls or tls",
                config.server
            )));
        }
        transport =
            transport.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    let transport = transport.build();
    let sending = transport.send(message);
    match tokio::time::timeout(config.timeout + Duration::from_secs(1), sending).await {
        Err(_) => Err(FeedsError::Unreachable {
            source_name: format!("{SOURCE} {}:{}", config.server, config.port),
            detail: format!("no answer within {} s", config.timeout.as_secs()),
        }),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            let source_name = format!("{SOURCE} {}:{}", config.server, config.port);
            match e.is_permanent() {
                true => {
                    Err(FeedsError::BadResponse { source_name, detail: format!("refused: {e}") })
                }
                false => Err(FeedsError::Unreachable { source_name, detail: e.to_string() }),
            }
        }
    }
}

#[cfg(all(test, feature = "testkit"))]
mod tests {
    use super::*;
    use crate::testkit::SmtpSink;

    fn config(port: u16, username: Option<&str>) -> SmtpConfig {
        SmtpConfig {
            server: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            username: username.map(str::to_owned),
            from: "rampart@example.test".into(),
            timeout: Duration::from_secs(5),
        }
    }

    fn email() -> Email {
        Email {
            to: vec!["oncall@example.test".into(), "security@example.test".into()],
            subject: "[P1] incident\r\nBcc: evil@example.test".into(),
            body: "API down since 08:00 UTC".into(),
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_real_smtp_server_receives_the_message_with_the_vault_login() {
        let sink = SmtpSink::start(Some(("rampart", "s3cret-pass")));
        let password = SecretString::new("s3cret-pass".into());
        send(&config(sink.port, Some("rampart")), Some(&password), &email()).await.unwrap();
        let got = sink.wait_for(1, Duration::from_secs(5));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].to, ["oncall@example.test", "security@example.test"]);
        assert_eq!(
            (got[0].from.as_str(), got[0].login.as_str()),
            ("rampart@example.test", "rampart")
        );
        assert!(got[0].data.contains("API down since 08:00 UTC"), "{}", got[0].data);
        assert!(
            got[0].data.contains("Subject: [P1] incident Bcc: evil@example.test"),
            "no header injection: {}",
            got[0].data
        );
        assert!(!got[0].data.contains("\nBcc:"));

        // A wrong password is refused by the server, and the error never shows it.
        let wrong = SecretString::new("wrong-pass-123".into());
        let e =
            send(&config(sink.port, Some("rampart")), Some(&wrong), &email()).await.unwrap_err();
        assert!(!e.to_string().contains("wrong-pass-123"), "{e}");
        assert!(!e.retryable(), "{e}");
        assert_eq!(sink.received().len(), 1);
    }

    #[tokio::test]
    async fn passwords_never_go_in_the_clear_to_a_remote_server_and_bad_input_is_refused() {
        let password = SecretString::new("pw".into());
        let remote = SmtpConfig { server: "smtp.example.test".into(), ..config(25, Some("u")) };
        let e = send(&remote, Some(&password), &email()).await.unwrap_err();
        assert!(e.to_string().contains("only over TLS"), "{e}");
        let e =
            send(&config(25, None), None, &Email { to: vec!["not an address".into()], ..email() })
                .await
                .unwrap_err();
        assert!(e.to_string().contains("is not an email address"), "{e}");
        assert!(SmtpTls::parse("ssl3").is_err());
        // Nobody listening: unreachable, worth retrying.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = send(&config(port, None), None, &email()).await.unwrap_err();
        assert!(e.retryable(), "{e}");
    }
}
