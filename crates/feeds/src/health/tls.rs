//! TLS certificate expiry: days left on the peer certificate that reqwest's `tls_info` hands
//! back (parsed with x509-parser), and a readable reason when the handshake itself refused an
//! expired or untrusted certificate.

/// Days from `now_unix` until the certificate's notAfter (negative once expired).
pub fn days_left(cert_der: &[u8], now_unix: i64) -> Result<i64, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der)
        .map_err(|e| format!("the server's certificate does not parse: {e}"))?;
    let not_after = cert.validity().not_after.timestamp();
    Ok((not_after - now_unix).div_euclid(86_400))
}

/// The certificate's notAfter as unix seconds.
pub fn not_after(cert_der: &[u8]) -> Result<i64, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der)
        .map_err(|e| format!("the server's certificate does not parse: {e}"))?;
    Ok(cert.validity().not_after.timestamp())
}

/// Rewrites a handshake failure into a clear reason: rustls says "certificate expired" deep in
/// the source chain; the user needs to read "TLS certificate expired" first.
pub fn explain_handshake_failure(detail: &str) -> Option<String> {
    let lower = detail.to_lowercase();
    if lower.contains("expired") && lower.contains("certificate") {
        return Some(format!("TLS certificate expired: {detail}"));
    }
    if lower.contains("certificate") || lower.contains("unknownissuer") || lower.contains("tls") {
        return Some(format!("TLS handshake failed: {detail}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_failures_are_named() {
        let d = "could not connect: invalid peer certificate: certificate expired: verification time 1 (UNIX), but certificate is not valid after 0 (1 seconds ago)";
        assert!(explain_handshake_failure(d).unwrap().starts_with("TLS certificate expired"));
        assert!(explain_handshake_failure("could not connect: Connection refused").is_none());
        assert!(days_left(b"not a cert", 0).is_err());
    }
}
