//! Base32 secrets: lenient decoding (case, spaces, `-`, `=` padding) and unpadded encoding.

use data_encoding::BASE32_NOPAD;
use rampart_sensitive::Sensitive;

use crate::OtpError;

/// Decodes a base32 secret the way people paste it: any case, with spaces, dashes or `=`
/// padding. Rejects an empty result. Error positions count characters of the cleaned-up text.
pub fn decode(text: &str) -> Result<Sensitive<Vec<u8>>, OtpError> {
    let cleaned: Sensitive<String> = Sensitive::new(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    );
    let s = cleaned.expose();
    if s.is_empty() {
        return Err(OtpError::EmptySecret);
    }
    if let Some((position, character)) =
        s.chars().enumerate().find(|(_, c)| !matches!(c, 'A'..='Z' | '2'..='7'))
    {
        return Err(OtpError::InvalidBase32 { character, position: position + 1 });
    }
    // Accept non-zero trailing bits, as other authenticators do.
    let mut spec = BASE32_NOPAD.specification();
    spec.check_trailing_bits = false;
    let lenient = spec.encoding().map_err(|_| OtpError::Crypto { detail: "base32 setup" })?;
    let bytes = lenient
        .decode(s.as_bytes())
        .map_err(|_| OtpError::InvalidBase32Length { length: s.len() })?;
    if bytes.is_empty() {
        return Err(OtpError::EmptySecret);
    }
    Ok(Sensitive::new(bytes))
}

/// Encodes a secret as unpadded uppercase base32.
pub fn encode(secret: &Sensitive<Vec<u8>>) -> Sensitive<String> {
    secret.map(|b| BASE32_NOPAD.encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_decoding() {
        let want = b"Hello!\xDE\xAD\xBE\xEF".to_vec();
        for input in [
            "JBSWY3DPEHPK3PXP",
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "JBSW-Y3DP-EHPK-3PXP",
            "JBSWY3DPEHPK3PXP======",
        ] {
            assert_eq!(decode(input).unwrap().expose(), &want, "{input}");
        }
        assert_eq!(encode(&Sensitive::new(want)).expose(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn errors_name_the_problem_not_the_secret() {
        let err = decode("JBSWY3D1EHPK3PXP").unwrap_err();
        assert_eq!(err, OtpError::InvalidBase32 { character: '1', position: 8 });
        let msg = err.to_string();
        assert!(msg.contains("'1' at position 8") && msg.contains("A–Z and 2–7"), "{msg}");
        assert!(!msg.contains("JBSWY3D"), "{msg}");
        assert_eq!(decode("  ==").unwrap_err(), OtpError::EmptySecret);
        assert!(matches!(decode("ABC").unwrap_err(), OtpError::InvalidBase32Length { length: 3 }));
        // A single character cannot encode a byte.
        assert!(decode("A").is_err());
    }
}
