//! Exports: an encrypted Aegis vault (readable by Aegis and by our importer) and a plain
//! otpauth link list.

use rampart_sensitive::Sensitive;
use rand::CryptoRng;

use crate::crypto::ScryptParams;
use crate::{OtpAccount, OtpError, aegis, uri};

/// An encrypted Aegis vault (version 1, database version 3) using Aegis's scrypt costs
/// (N = 2^15, r = 8, p = 1). The returned JSON holds no secret in the clear.
pub fn aegis_encrypted<R: CryptoRng + ?Sized>(
    accounts: &[OtpAccount],
    password: &Sensitive<String>,
    rng: &mut R,
) -> Result<String, OtpError> {
    aegis::write_encrypted(accounts, password, rng, ScryptParams::AEGIS)
}

/// Like [`aegis_encrypted`] with explicit scrypt costs (cheap ones keep tests fast).
pub fn aegis_encrypted_with<R: CryptoRng + ?Sized>(
    accounts: &[OtpAccount],
    password: &Sensitive<String>,
    rng: &mut R,
    kdf: ScryptParams,
) -> Result<String, OtpError> {
    aegis::write_encrypted(accounts, password, rng, kdf)
}

/// One `otpauth://` link per line (plain text: every secret is in it).
pub fn uri_list(accounts: &[OtpAccount]) -> Sensitive<String> {
    let mut out = String::new();
    for a in accounts {
        out.push_str(uri::to_uri(a).expose());
        out.push('\n');
    }
    Sensitive::new(out)
}
