//! Test certificates (rcgen): a throwaway CA and a `localhost`/127.0.0.1 leaf with chosen
//! validity dates, so tests can serve a valid, nearly-expired or expired certificate that the
//! client trusts through [`crate::ClientOptions::extra_roots_pem`].

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use std::sync::Arc;
use time::OffsetDateTime;
use tokio_rustls::rustls;

/// A CA (to trust) and a leaf signed by it (to serve).
pub struct TestCert {
    /// The CA certificate, PEM: add it to the client's trusted roots.
    pub ca_pem: String,
    pub leaf_der: Vec<u8>,
    pub leaf_key_der: Vec<u8>,
    /// The leaf and its key as PEM, for servers that read files (Node's https).
    pub leaf_pem: String,
    pub leaf_key_pem: String,
    pub not_after: OffsetDateTime,
}

impl TestCert {
    /// A leaf valid from `not_before` to `not_after`.
    pub fn new(not_before: OffsetDateTime, not_after: OffsetDateTime) -> Self {
        let ca_key = KeyPair::generate().expect("a CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(rcgen::DnType::CommonName, "Rampart test CA");
        ca.not_before = OffsetDateTime::now_utc() - time::Duration::days(3650);
        ca.not_after = OffsetDateTime::now_utc() + time::Duration::days(3650);
        let ca_cert = ca.self_signed(&ca_key).expect("a self-signed CA");
        let issuer = Issuer::new(ca, ca_key);

        let leaf_key = KeyPair::generate().expect("a leaf key");
        let mut leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("leaf params");
        leaf.not_before = not_before;
        leaf.not_after = not_after;
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("a signed leaf");
        Self {
            ca_pem: ca_cert.pem(),
            leaf_der: leaf_cert.der().to_vec(),
            leaf_key_der: leaf_key.serialize_der(),
            leaf_pem: leaf_cert.pem(),
            leaf_key_pem: leaf_key.serialize_pem(),
            not_after,
        }
    }

    /// Valid from a day ago for `days` more days.
    pub fn valid_for_days(days: i64) -> Self {
        let now = OffsetDateTime::now_utc();
        Self::new(now - time::Duration::days(1), now + time::Duration::days(days))
    }

    /// Expired `days` days ago.
    pub fn expired_days_ago(days: i64) -> Self {
        let now = OffsetDateTime::now_utc();
        Self::new(now - time::Duration::days(days + 365), now - time::Duration::days(days))
    }

    /// A TLS acceptor serving the leaf (ring provider, so no process-wide default is needed).
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS 1.2/1.3")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(self.leaf_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf_key_der.clone())),
            )
            .expect("a usable certificate and key");
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }
}
