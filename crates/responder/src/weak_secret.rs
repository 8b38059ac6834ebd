//! Findings about an HMAC secret, never quoting it: shorter than the checklist's 32 characters,
//! a well-known value (library examples, framework defaults, the guide's own placeholders), or
//! too few distinct characters to be random.

/// The checklist's "JWT secret configured (min 32 chars)".
pub const MIN_SECRET_BYTES: usize = 32;

/// Secrets seen in tutorials, library READMEs, jwt.io and leaked configs (compared without case),
/// and the placeholder values the guide's `.env.production` example shows.
const COMMON_SECRETS: &[&str] = &[
    "secret",
    "secretkey",
    "secret_key",
    "secret-key",
    "secret123",
    "s3cr3t",
    "mysecret",
    "mysecretkey",
    "my_secret",
    "my-secret",
    "my_secret_key",
    "my-secret-key",
    "supersecret",
    "super_secret",
    "super-secret",
    "supersecretkey",
    "super_secret_key",
    "super-secret-key",
    "topsecret",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "your_jwt_secret",
    "your-jwt-secret",
    "your_secret_key",
    "your-secret-key",
    "yoursecretkey",
    "jwt_secret",
    "jwt-secret",
    "jwtsecret",
    "jwt_secret_key",
    "jwtsecretkey",
    "jwtkey",
    "jwt",
    "token",
    "tokensecret",
    "token_secret",
    "access_token_secret",
    "refresh_token_secret",
    "shhhhh",
    "shhhhhared-secret",
    "keyboard cat",
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "change_this",
    "change-this-secret",
    "replace_me",
    "replaceme",
    "default",
    "defaultsecret",
    "development",
    "dev",
    "devsecret",
    "test",
    "testsecret",
    "test_secret",
    "testing",
    "example",
    "password",
    "password1",
    "password123",
    "passw0rd",
    "admin",
    "administrator",
    "root",
    "key",
    "private",
    "privatekey",
    "private_key",
    "hmac",
    "hmacsecret",
    "hs256",
    "123456",
    "1234567890",
    "12345678901234567890123456789012",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "abc123",
    "abcdefghijklmnopqrstuvwxyz123456",
    "app_secret",
    "appsecret",
    "application_secret",
    "session_secret",
    "sessionsecret",
    "cookie_secret",
    "express",
    "nodejs",
    "node",
    "nestjs",
    "laravel",
    "django-insecure",
    "rails",
    "spring",
    "generate-with-crypto.randombytes(32).tostring('hex')",
    "use-strong-random-string",
];

/// Plain-words findings about `secret` (empty when none). No finding quotes the secret.
pub fn findings(secret: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    if secret.len() < MIN_SECRET_BYTES {
        out.push(format!(
            "the secret is {} bytes; the checklist asks for at least {MIN_SECRET_BYTES} \
             (crypto.randomBytes(32).toString('hex') gives 64)",
            secret.len()
        ));
    }
    if let Ok(text) = std::str::from_utf8(secret) {
        let lower = text.trim().to_lowercase();
        if COMMON_SECRETS.iter().any(|c| c.to_lowercase() == lower) {
            out.push(
                "the secret is a well-known value (from tutorials, library examples or the \
                 guide's placeholders): anyone can forge tokens with it; rotate it now"
                    .into(),
            );
        }
    }
    let mut distinct = secret.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if !secret.is_empty() && distinct.len() < 8 {
        out.push(format!(
            "the secret uses only {} distinct characters: it is not random",
            distinct.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_short_common_and_repetitive_secrets_without_quoting_them() {
        let short = findings(b"Secret");
        assert_eq!(short.len(), 3, "{short:?}");
        assert!(short.iter().all(|f| !f.contains("Secret")));
        let placeholder = findings(b"use-strong-random-string");
        assert!(placeholder.iter().any(|f| f.contains("well-known")), "{placeholder:?}");
        let jwt_io = findings(b"your-256-bit-secret");
        assert!(jwt_io.iter().any(|f| f.contains("well-known")));
        assert!(findings(&[b'a'; 64]).iter().any(|f| f.contains("1 distinct")));
    }

    #[test]
    fn a_random_hex_secret_has_no_findings() {
        let good = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(findings(good.as_bytes()).is_empty());
    }
}
