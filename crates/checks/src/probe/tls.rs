//! The TLS probe: one rustls handshake per protocol version (1.3, 1.2), the served chain
//! checked against the public roots plus the target's CA file by rustls' WebPKI verifier
//! (trust, host name, validity), the leaf read with x509-parser (expiry, key size, signature
//! algorithm), and an SSL-Labs-style grade with every cap reason (a subset of the 2009r guide:
//! trust T, mismatch M, weak key B, TLS 1.0/1.1 offered B, no TLS 1.2 C, no TLS 1.3 A-). TLS
//! 1.0/1.1, which rustls cannot speak, are probed with hand-built ClientHellos
//! ([`legacy_tls`](super::legacy_tls)); offering either fails `transport.https`.

use super::legacy_tls::{self, Legacy};
use crate::status::{Evidence, Finding, Status};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_rustls::rustls::{self, client::danger, pki_types};
use url::Url;

const STEP: Duration = Duration::from_secs(5);

/// What the verifier saw: the chain and rustls' verdict on it.
#[derive(Debug, Default)]
struct Seen {
    leaf: Option<Vec<u8>>,
    error: Option<rustls::Error>,
}

/// Records the chain and WebPKI's verdict, then lets the handshake finish (nothing is sent).
#[derive(Debug)]
struct Recorder {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    seen: Arc<Mutex<Seen>>,
}

impl danger::ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &pki_types::CertificateDer<'_>,
        intermediates: &[pki_types::CertificateDer<'_>],
        server_name: &pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: pki_types::UnixTime,
    ) -> Result<danger::ServerCertVerified, rustls::Error> {
        let verdict =
            self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.leaf = Some(end_entity.to_vec());
        seen.error = verdict.err();
        Ok(danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(m, c, d)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<danger::HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(m, c, d)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

fn roots(ca_pem: Option<&[u8]>) -> Result<rustls::RootCertStore, String> {
    use pki_types::pem::PemObject;
    let mut store = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(pem) = ca_pem {
        for cert in pki_types::CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| format!("the CA file is not PEM certificates: {e}"))?;
            store
                .add(cert)
                .map_err(|e| format!("the CA file holds an unusable certificate: {e}"))?;
        }
    }
    Ok(store)
}

/// One handshake with only `version` offered: the chain seen, or why it failed.
async fn handshake(
    host: &str,
    port: u16,
    version: &'static rustls::SupportedProtocolVersion,
    roots: Arc<rustls::RootCertStore>,
) -> Result<Seen, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner =
        rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
            .build()
            .map_err(|e| e.to_string())?;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recorder { inner, seen: seen.clone() }))
        .with_no_client_auth();
    let name = pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| format!("bad host name: {e}"))?;
    let tcp = tokio::time::timeout(STEP, tokio::net::TcpStream::connect((host, port)))
        .await
        .map_err(|_| format!("no TCP connection within {} s", STEP.as_secs()))?
        .map_err(|e| format!("could not connect: {e}"))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    tokio::time::timeout(STEP, connector.connect(name, tcp))
        .await
        .map_err(|_| format!("no TLS handshake within {} s", STEP.as_secs()))?
        .map_err(|e| format!("handshake failed: {e}"))?;
    let out = std::mem::take(&mut *seen.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(out)
}

/// Facts about the leaf certificate.
#[derive(Debug, PartialEq)]
pub struct Leaf {
    pub days_left: i64,
    pub key: String,
    pub weak_key: bool,
    pub sha1: bool,
}

/// Reads the leaf's expiry (against `now`, Unix seconds), key and signature algorithm.
pub fn read_leaf(der: &[u8], now: i64) -> Result<Leaf, String> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der)
        .map_err(|e| format!("the certificate does not parse: {e}"))?;
    let days_left = (cert.validity().not_after.timestamp() - now).div_euclid(86_400);
    let (key, weak_key) = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            let bits = rsa.key_size();
            (format!("RSA {bits} bits"), bits < 2048)
        }
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => {
            let bits = ec.key_size();
            (format!("EC {bits} bits"), bits < 256)
        }
        Ok(other) => (format!("{other:?}").chars().take(20).collect(), false),
        Err(_) => ("unknown key".into(), false),
    };
    let sig = cert.signature_algorithm.algorithm.to_id_string();
    let sha1 = sig == "1.2.840.113549.1.1.5" || sig == "1.2.840.10045.4.1";
    Ok(Leaf { days_left, key, weak_key, sha1 })
}

/// Probes the TLS of `base`: findings for `transport.https` and `transport.certificate`, and
/// the grade with its cap reasons.
pub async fn probe(
    base: &Url,
    ca_pem: Option<&[u8]>,
) -> (Vec<Finding>, Option<(String, Vec<String>)>) {
    let host = base.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
    let port = base.port_or_known_default().unwrap_or(443);
    let roots = match roots(ca_pem) {
        Ok(r) => Arc::new(r),
        Err(e) => {
            return (
                vec![Finding::new(
                    "transport.certificate",
                    Status::unknown(e),
                    "could not load the CA file",
                )],
                None,
            );
        }
    };
    let v13 = handshake(&host, port, &rustls::version::TLS13, roots.clone()).await;
    let v12 = handshake(&host, port, &rustls::version::TLS12, roots).await;
    let mut legacy = Vec::new();
    let mut legacy_unknown = Vec::new();
    let (v10, v11) = tokio::join!(
        legacy_tls::offered(&host, port, Legacy::Tls10, STEP),
        legacy_tls::offered(&host, port, Legacy::Tls11, STEP)
    );
    for (v, answer) in [(Legacy::Tls10, v10), (Legacy::Tls11, v11)] {
        match answer {
            Ok(true) => legacy.push(v.name()),
            Ok(false) => {}
            Err(e) => legacy_unknown.push(format!("{}: {e}", v.name())),
        }
    }
    let offered: Vec<&str> = [("TLS 1.3", v13.is_ok()), ("TLS 1.2", v12.is_ok())]
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(n, _)| *n)
        .chain(legacy.iter().copied())
        .collect();
    let proto_ev = Evidence::note(if legacy_unknown.is_empty() {
        format!("offered: {}", offered.join(", "))
    } else {
        format!("offered: {}; not determined: {}", offered.join(", "), legacy_unknown.join("; "))
    });
    let mut caps = Vec::new();
    for v in &legacy {
        caps.push(format!("B: {v} is offered"));
    }
    let seen = match (v13, v12) {
        (Ok(s), _) | (_, Ok(s)) => s,
        (Err(e), _) if !legacy.is_empty() => {
            // Only a legacy version answers: the protocol fails; the certificate is not read
            // (rustls cannot finish that handshake).
            caps.push("C: TLS 1.2 is not offered".to_owned());
            let f = vec![
                Finding::new(
                    "transport.https",
                    Status::Fail,
                    format!("only {} offered: neither TLS 1.2 nor 1.3", legacy.join(" and ")),
                )
                .with(proto_ev),
                Finding::new(
                    "transport.certificate",
                    Status::unknown(format!("no TLS 1.2/1.3 handshake to read it over: {e}")),
                    "certificate not read",
                ),
            ];
            return (f, Some((ssl_grade(&caps, false), caps)));
        }
        (Err(e), _) => {
            let f = Finding::new(
                "transport.certificate",
                Status::unknown(format!("TLS: {e}")),
                "no TLS handshake",
            );
            return (vec![f.clone(), Finding { item: "transport.https", ..f }], None);
        }
    };
    let mut f = Vec::new();
    let modern = offered.contains(&"TLS 1.2") || offered.contains(&"TLS 1.3");
    f.push(if !legacy.is_empty() {
        Finding::new(
            "transport.https",
            Status::Fail,
            format!(
                "{} still offered (deprecated, RFC 8996): offered {}",
                legacy.join(" and "),
                offered.join(", ")
            ),
        )
        .with(proto_ev)
    } else if modern && legacy_unknown.is_empty() {
        Finding::new(
            "transport.https",
            Status::Pass,
            format!("TLS offered: {}; TLS 1.0/1.1 not", offered.join(", ")),
        )
        .with(proto_ev)
    } else if modern {
        Finding::new(
            "transport.https",
            Status::Warn,
            format!("TLS offered: {}; TLS 1.0/1.1 could not be determined", offered.join(", ")),
        )
        .with(proto_ev)
    } else {
        Finding::new("transport.https", Status::Fail, "neither TLS 1.2 nor 1.3").with(proto_ev)
    });
    if !offered.contains(&"TLS 1.2") {
        caps.push("C: TLS 1.2 is not offered".to_owned());
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let leaf = seen.leaf.as_deref().map(|d| read_leaf(d, now));
    let mut cert = Vec::new();
    if let Some(err) = &seen.error {
        let text = err.to_string();
        let mismatch = text.contains("NotValidForName") || text.contains("not valid for name");
        caps.push(if mismatch {
            format!("M: the certificate does not match {host}")
        } else {
            format!("T: the chain is not trusted ({text})")
        });
        cert.push(Finding::new(
            "transport.certificate",
            Status::Fail,
            format!("the certificate is not accepted: {}", crate::status::trim(&text)),
        ));
    }
    match leaf {
        Some(Ok(l)) => {
            let ev = Evidence::note(format!("{}; expires in {} days", l.key, l.days_left));
            let (status, summary) = if l.days_left < 0 {
                caps.push("T: the certificate has expired".into());
                (Status::Fail, format!("the certificate expired {} days ago", -l.days_left))
            } else if l.days_left < 30 {
                (
                    Status::Warn,
                    format!("the certificate expires in {} days (renew before 30)", l.days_left),
                )
            } else {
                (Status::Pass, format!("the certificate is valid for {} more days", l.days_left))
            };
            if l.weak_key {
                caps.push(format!("B: weak key ({})", l.key));
                cert.push(Finding::new(
                    "transport.certificate",
                    Status::Fail,
                    format!("weak key: {}", l.key),
                ));
            }
            if l.sha1 {
                caps.push("T: SHA-1 signature".into());
                cert.push(Finding::new(
                    "transport.certificate",
                    Status::Fail,
                    "the certificate is signed with SHA-1",
                ));
            }
            cert.push(Finding::new("transport.certificate", status, summary));
            for c in &mut cert {
                c.evidence.push(ev.clone());
            }
        }
        Some(Err(e)) => cert.push(Finding::new(
            "transport.certificate",
            Status::unknown(e),
            "unreadable certificate",
        )),
        None => cert.push(Finding::new(
            "transport.certificate",
            Status::unknown("the server sent no certificate"),
            "no certificate",
        )),
    }
    f.extend(cert);
    let grade = ssl_grade(&caps, offered.contains(&"TLS 1.3"));
    let mut all = caps;
    if !offered.contains(&"TLS 1.3") {
        all.push("A-: TLS 1.3 is not supported (warning)".into());
    }
    (f, Some((grade, all)))
}

/// The lowest cap's letter; A+ without caps when TLS 1.3 is offered, else A-.
pub fn ssl_grade(caps: &[String], tls13: bool) -> String {
    let order = ["T", "M", "F", "C", "B"];
    for letter in order {
        if caps.iter().any(|c| c.starts_with(&format!("{letter}:"))) {
            return letter.to_owned();
        }
    }
    if tls13 { "A+".into() } else { "A-".into() }
}
