//! Whether a server still offers TLS 1.0 or 1.1, which rustls cannot speak: a minimal
//! hand-built ClientHello of that version (record and client version, the common CBC suites
//! those versions negotiate, SNI, curves and point formats for the ECDHE suites) on a raw TCP
//! connection, and the first record of the answer parsed: a ServerHello of the same version
//! means offered; an alert, a closed connection or another version means not. Protocol parsing
//! only, no cryptography: the handshake is abandoned after the ServerHello. Bounded by a
//! timeout per step and by reading one record header and a few bytes.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The legacy versions probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tls10,
    Tls11,
}

impl Legacy {
    pub const ALL: [Legacy; 2] = [Legacy::Tls10, Legacy::Tls11];

    fn wire(self) -> u16 {
        match self {
            Legacy::Tls10 => 0x0301,
            Legacy::Tls11 => 0x0302,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tls10 => "TLS 1.0",
            Legacy::Tls11 => "TLS 1.1",
        }
    }
}

/// What the server answered to a legacy ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello choosing this wire version.
    ServerHello(u16),
    /// An alert: its level and description (70 = protocol_version, 40 = handshake_failure).
    Alert(u8, u8),
    /// The connection closed without a record.
    Closed,
}

/// Cipher suites TLS 1.0/1.1 clients offer: ECDHE and RSA with AES-CBC and 3DES, and the
/// renegotiation SCSV.
const SUITES: &[u16] =
    &[0xc014, 0xc00a, 0xc013, 0xc009, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a, 0x00ff];

fn u16be(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// A ClientHello record of `version` for `sni` (a host name; an IP address gets no SNI, as
/// RFC 6066 requires). `random` fills the 32-byte client random.
pub fn client_hello(version: Legacy, sni: Option<&str>, random: [u8; 32]) -> Vec<u8> {
    let v = version.wire();
    let mut ext = Vec::new();
    if let Some(host) = sni.filter(|h| h.parse::<std::net::IpAddr>().is_err() && !h.is_empty()) {
        let name = host.as_bytes();
        u16be(&mut ext, 0x0000);
        u16be(&mut ext, (name.len() + 5) as u16);
        u16be(&mut ext, (name.len() + 3) as u16);
        ext.push(0); // host_name
        u16be(&mut ext, name.len() as u16);
        ext.extend_from_slice(name);
    }
    // supported_groups: x25519, secp256r1, secp384r1.
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    ]);
    // ec_point_formats: uncompressed.
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    let mut body = Vec::new();
    u16be(&mut body, v);
    body.extend_from_slice(&random);
    body.push(0); // no session id
    u16be(&mut body, (SUITES.len() * 2) as u16);
    for s in SUITES {
        u16be(&mut body, *s);
    }
    body.extend_from_slice(&[1, 0]); // compression: null only
    u16be(&mut body, ext.len() as u16);
    body.extend_from_slice(&ext);
    let mut hs = vec![1u8]; // client_hello
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut record = vec![0x16];
    u16be(&mut record, v);
    u16be(&mut record, hs.len() as u16);
    record.extend_from_slice(&hs);
    record
}

/// Parses the first record a server sent: its 5-byte header and at least the first 6 bytes of
/// its body (a ServerHello's type, length and version; an alert's two bytes). Anything that is
/// not a TLS handshake or alert record is refused with what was seen.
pub fn parse_answer(bytes: &[u8]) -> Result<Answer, String> {
    if bytes.is_empty() {
        return Ok(Answer::Closed);
    }
    if bytes.len() < 5 {
        return Err(format!("a truncated TLS record ({} bytes)", bytes.len()));
    }
    let (kind, major, len) = (bytes[0], bytes[1], u16::from_be_bytes([bytes[3], bytes[4]]));
    if major != 3 || len == 0 || len > 16_384 + 2048 {
        return Err(format!("not a TLS record (starts {:02x?})", &bytes[..5]));
    }
    let body = &bytes[5..];
    match kind {
        0x15 => match body {
            [level, desc, ..] => Ok(Answer::Alert(*level, *desc)),
            _ => Err("a truncated TLS alert".into()),
        },
        0x16 => match body {
            [2, _, _, _, major, minor, ..] => {
                Ok(Answer::ServerHello(u16::from_be_bytes([*major, *minor])))
            }
            [t, ..] if *t != 2 => {
                Err(format!("a handshake message of type {t}, not a ServerHello"))
            }
            _ => Err("a truncated ServerHello".into()),
        },
        other => Err(format!("a TLS record of content type {other}, not a handshake or alert")),
    }
}

/// Sends a `version` ClientHello to `host:port` and reads the answer; `Ok(true)` when the server
/// chose that version. Each step (connect, write, read) is bounded by `step`.
pub async fn offered(
    host: &str,
    port: u16,
    version: Legacy,
    step: Duration,
) -> Result<bool, String> {
    let secs = step.as_secs_f32();
    let mut tcp = tokio::time::timeout(step, tokio::net::TcpStream::connect((host, port)))
        .await
        .map_err(|_| format!("no TCP connection within {secs} s"))?
        .map_err(|e| format!("could not connect: {e}"))?;
    let mut random = [0u8; 32];
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for (i, b) in random.iter_mut().enumerate() {
        *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
    }
    let hello = client_hello(version, Some(host), random);
    tokio::time::timeout(step, tcp.write_all(&hello))
        .await
        .map_err(|_| format!("could not send a ClientHello within {secs} s"))?
        .map_err(|e| format!("could not send a ClientHello: {e}"))?;
    // One record header and the first bytes of its body; a server that closes is "not offered".
    let mut buf = [0u8; 11];
    let mut got = 0;
    let read = async {
        while got < buf.len() {
            match tcp.read(&mut buf[got..]).await {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if got == 0 && e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => return Err(format!("reading the answer failed: {e}")),
            }
            if got >= 7 && buf[0] == 0x15 {
                break; // a whole alert
            }
        }
        Ok(())
    };
    tokio::time::timeout(step, read)
        .await
        .map_err(|_| format!("no answer to a {} ClientHello within {secs} s", version.name()))??;
    match parse_answer(&buf[..got])? {
        Answer::ServerHello(v) => Ok(v == version.wire()),
        Answer::Alert(..) | Answer::Closed => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_hello_is_well_formed() {
        let h = client_hello(Legacy::Tls11, Some("api.example.com"), [7; 32]);
        assert_eq!(&h[..3], &[0x16, 0x03, 0x02], "handshake record of TLS 1.1");
        assert_eq!(u16::from_be_bytes([h[3], h[4]]) as usize, h.len() - 5);
        assert_eq!(h[5], 1, "client_hello");
        let hs_len = u32::from_be_bytes([0, h[6], h[7], h[8]]) as usize;
        assert_eq!(hs_len, h.len() - 9);
        assert_eq!(&h[9..11], &[0x03, 0x02], "client_version");
        assert!(h.windows(15).any(|w| w == b"api.example.com"), "SNI carried");
        let no_sni = client_hello(Legacy::Tls10, Some("127.0.0.1"), [7; 32]);
        assert!(!no_sni.windows(9).any(|w| w == b"127.0.0.1"), "no SNI for an address");
        assert_eq!(&no_sni[1..3], &[0x03, 0x01]);
    }

    #[test]
    fn answers_parse_and_garbage_is_refused() {
        assert_eq!(
            parse_answer(&[0x16, 3, 1, 0, 80, 2, 0, 0, 76, 3, 1]),
            Ok(Answer::ServerHello(0x0301))
        );
        assert_eq!(parse_answer(&[0x15, 3, 1, 0, 2, 2, 70]), Ok(Answer::Alert(2, 70)));
        assert_eq!(parse_answer(&[]), Ok(Answer::Closed));
        for (bad, why) in [
            (&b"HTTP/1.1 400 Bad Request\r\n"[..], "not a TLS record"),
            (&[0x16, 3, 1][..], "truncated TLS record"),
            (&[0x16, 3, 1, 0, 80, 11, 0, 0, 3][..], "type 11, not a ServerHello"),
            (&[0x17, 3, 3, 0, 5, 1, 2][..], "content type 23"),
            (&[0x15, 3, 1, 0, 2, 2][..], "truncated TLS alert"),
            (&[0x16, 3, 1, 0, 80, 2, 0][..], "truncated ServerHello"),
            (&[0x16, 3, 1, 0xff, 0xff, 2][..], "not a TLS record"),
        ] {
            let e = parse_answer(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }
}
