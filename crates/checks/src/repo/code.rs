//! What the code and config say about the checklist: the JWT secret in `.env*` and config
//! files (checked by the responder's weak-secret rules, never quoted), bcrypt cost, access-token
//! expiry (the guide's `JWT_EXPIRE=7d` is longer than 15-30 minutes), default database
//! credentials, `cors({origin: true, credentials: true})`, stack traces sent to clients,
//! logging of bodies and secrets, and the dependencies that prove middleware is present.

use super::SourceFile;
use crate::status::{Evidence, Finding, Status};
use regex::Regex;

fn re(s: &str) -> Regex {
    Regex::new(s).expect("a valid regex")
}

fn is_env(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with(".env") || path.starts_with("config/")
}

fn is_example(path: &str) -> bool {
    [".example", ".sample", ".template"].iter().any(|s| path.ends_with(s))
}

/// Minutes in a duration like `7d`, `15m`, `3600` (seconds), `'1h'`.
pub fn minutes(v: &str) -> Option<u64> {
    let v = v.trim().trim_matches(['\'', '"', '`']);
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u64 = digits.parse().ok()?;
    Some(match v[digits.len()..].trim() {
        "" => n / 60,
        "s" => n / 60,
        "m" | "min" => n,
        "h" => n * 60,
        "d" => n * 1440,
        "w" => n * 10080,
        _ => return None,
    })
}

/// Findings from code and config.
pub fn scan(files: &[SourceFile]) -> Vec<Finding> {
    let mut out = Vec::new();
    let secret_re = re(r"^\s*(?:export\s+)?JWT_SECRET\s*=\s*(.*)$");
    let expiry_re =
        re(r#"(?i)(JWT_EXPIRE\w*\s*=\s*|expiresIn\s*:\s*|expiryTime\s*:\s*)(['"`]?\w+['"`]?)"#);
    let cost_re = re(
        r"bcrypt(?:js)?\.(?:hash|hashSync|genSalt|genSaltSync)\(\s*(?:[\w.]+\s*,\s*)?(\d+)\s*\)",
    );
    let md5_re = re(r#"createHash\(\s*['"](md5|sha1)['"]"#);
    let cors_re = re(r"cors\(\s*\{[^}]*origin\s*:\s*true[^}]*credentials\s*:\s*true");
    let stack_re = re(r"res\.(?:json|send|status\([^)]*\)\.(?:json|send))\([^;]*\bstack\b");
    let log_re = re(
        r"(?:console\.(?:log|info|error)|logger\.\w+|auditLog)\([^;]*(req\.body|req\.headers|password|authorization|token)",
    );
    let default_db = re(
        r"(?i)://(admin:admin|root:root|root:example|admin:password|mongo:mongo|user:password)@",
    );
    let jwt_literal = re(r#"jwt\.sign\([^,]+,\s*['"]([^'"]+)['"]"#);
    for f in files {
        let code = f.path.ends_with(".js")
            || f.path.ends_with(".ts")
            || f.path.ends_with(".mjs")
            || f.path.ends_with(".cjs");
        for (n, line) in f.text.lines().enumerate() {
            let at = |text: String| Evidence::file(&f.path, Some(n + 1), text);
            if is_env(&f.path)
                && let Some(c) = secret_re.captures(line)
            {
                let value = c[1].trim().trim_matches(['\'', '"']);
                let problems = rampart_responder::weak_secret::findings(value.as_bytes());
                let status = match (problems.is_empty(), is_example(&f.path)) {
                    (true, _) => Status::Pass,
                    (false, true) => Status::Warn,
                    (false, false) => Status::Fail,
                };
                let summary = if problems.is_empty() {
                    format!("JWT_SECRET in {} looks strong", f.path)
                } else {
                    format!("JWT_SECRET in {}: {}", f.path, problems.join("; "))
                };
                out.push(
                    Finding::new("auth.jwt-secret", status, summary)
                        .with(at("JWT_SECRET=<not shown>".into())),
                );
            }
            if code
                && let Some(c) = jwt_literal.captures(line)
                && !c[1].is_empty()
            {
                out.push(
                    Finding::new(
                        "auth.jwt-secret",
                        Status::Fail,
                        format!("jwt.sign with a hard-coded secret in {}:{}", f.path, n + 1),
                    )
                    .with(at("jwt.sign(..., '<not shown>')".into())),
                );
            }
            if let Some(c) = expiry_re.captures(line)
                && !line.to_lowercase().contains("refresh")
                && (code || is_env(&f.path))
                && let Some(m) = minutes(&c[2])
            {
                let status = if m > 30 { Status::Fail } else { Status::Pass };
                out.push(
                    Finding::new(
                        "auth.session-timeout",
                        status,
                        format!(
                            "access tokens live {} in {}:{} (the checklist: 15-30 min)",
                            c[2].trim_matches(['\'', '"', '`']),
                            f.path,
                            n + 1
                        ),
                    )
                    .with(at(line.trim().to_owned())),
                );
            }
            if !code {
                if is_env(&f.path) && default_db.is_match(line) {
                    out.push(
                        Finding::new(
                            "database.default-credentials",
                            Status::Fail,
                            format!("a default database user:password in {}:{}", f.path, n + 1),
                        )
                        .with(at("<uri not shown>".into())),
                    );
                }
                continue;
            }
            if let Some(c) = cost_re.captures(line) {
                let cost: u32 = c[1].parse().unwrap_or(0);
                let status = if cost >= 10 { Status::Pass } else { Status::Fail };
                out.push(
                    Finding::new(
                        "auth.password-hashing",
                        status,
                        format!(
                            "bcrypt cost {cost} in {}:{} (at least 10, 12 recommended)",
                            f.path,
                            n + 1
                        ),
                    )
                    .with(at(line.trim().to_owned())),
                );
            }
            if md5_re.is_match(line) && line.to_lowercase().contains("password") {
                out.push(
                    Finding::new(
                        "auth.password-hashing",
                        Status::Fail,
                        format!("a fast hash of a password in {}:{}", f.path, n + 1),
                    )
                    .with(at(line.trim().to_owned())),
                );
            }
            if cors_re.is_match(line) {
                out.push(Finding::new("api.cors", Status::Fail, format!("cors({{origin: true, credentials: true}}) reflects any origin with credentials ({}:{})", f.path, n + 1)).with(at(line.trim().to_owned())));
            }
            if stack_re.is_match(line) && !line.contains("NODE_ENV") {
                out.push(
                    Finding::new(
                        "code.error-leakage",
                        Status::Fail,
                        format!("an error's stack is sent to the client in {}:{}", f.path, n + 1),
                    )
                    .with(at(line.trim().to_owned())),
                );
            }
            if let Some(c) = log_re.captures(line) {
                out.push(
                    Finding::new(
                        "api.no-sensitive-logs",
                        Status::Warn,
                        format!("{} is logged in {}:{}", &c[1], f.path, n + 1),
                    )
                    .with(at(line.trim().to_owned())),
                );
            }
        }
    }
    out.extend(dependencies(files));
    out
}

/// What package.json's dependencies prove.
fn dependencies(files: &[SourceFile]) -> Vec<Finding> {
    let Some(pkg) = files.iter().find(|f| f.path == "package.json") else { return Vec::new() };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&pkg.text) else {
        return vec![Finding::new(
            "code.npm-audit",
            Status::unknown("package.json does not parse"),
            "unreadable package.json",
        )];
    };
    let deps = &json["dependencies"];
    fn has<'a>(deps: &serde_json::Value, names: &[&'a str]) -> Option<&'a str> {
        names.iter().find(|n| deps.get(**n).is_some()).copied()
    }
    let all_code: String = files
        .iter()
        .filter(|f| f.path.ends_with(".js") || f.path.ends_with(".ts"))
        .map(|f| f.text.as_str())
        .collect();
    let ev = |what: &str| Evidence::file("package.json", None, what);
    let mut out = Vec::new();
    let mut present =
        |item: &'static str, names: &[&str], missing: Status, what: &str| match has(deps, names) {
            Some(n) => out
                .push(Finding::new(item, Status::Pass, format!("{n} is a dependency")).with(ev(n))),
            None => out.push(
                Finding::new(item, missing, format!("no {what} dependency ({})", names.join(", ")))
                    .with(ev("dependencies")),
            ),
        };
    present(
        "auth.password-hashing",
        &["bcrypt", "bcryptjs", "argon2"],
        Status::Fail,
        "password hashing",
    );
    present(
        "auth.2fa",
        &["speakeasy", "otplib", "@simplewebauthn/server", "passport-totp"],
        Status::Warn,
        "2FA",
    );
    present("code.security-headers", &["helmet"], Status::Warn, "helmet");
    present(
        "api.rate-limit",
        &["express-rate-limit", "rate-limiter-flexible"],
        Status::Warn,
        "rate limiter",
    );
    present(
        "api.input-validation",
        &["joi", "zod", "express-validator", "celebrate", "ajv", "yup"],
        Status::Warn,
        "validator",
    );
    present("monitoring.sentry", &["@sentry/node"], Status::Warn, "Sentry");
    present(
        "monitoring.access-logs",
        &["morgan", "pino-http", "express-winston"],
        Status::Warn,
        "request logger",
    );
    if has(deps, &["@sentry/node"]).is_some() {
        let wired =
            all_code.contains("errorHandler()") || all_code.contains("setupExpressErrorHandler");
        out.push(Finding::new(
            "monitoring.error-tracking",
            if wired { Status::Pass } else { Status::Warn },
            if wired {
                "Sentry's error handler is registered"
            } else {
                "@sentry/node is installed but its error handler is not registered"
            },
        ));
    }
    if all_code.contains("AuditLog") || all_code.contains("auditLog") {
        out.push(Finding::new(
            "monitoring.audit-logs",
            Status::Pass,
            "an audit log of operations exists in the code",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.into(), text: text.into() }
    }

    #[test]
    fn the_guides_own_settings_are_flagged() {
        let files = [
            file(
                ".env.production",
                "JWT_SECRET=generate-with-crypto.randomBytes(32).toString('hex')\nJWT_EXPIRE=7d\nMONGODB_URI=mongodb://root:example@db:27017\n",
            ),
            file(
                "src/auth.js",
                "const hashed = await bcrypt.hash(password, 8);\napp.use(cors({ origin: true, credentials: true }));\nres.status(500).json({ message: err.message, stack: err.stack });\nconsole.log('login', req.body);\n",
            ),
            file(
                "package.json",
                r#"{"dependencies": {"express": "^4", "bcrypt": "^5", "helmet": "^7"}}"#,
            ),
        ];
        let f = scan(&files);
        let get =
            |item: &str, status: Status| f.iter().any(|x| x.item == item && x.status == status);
        assert!(get("auth.jwt-secret", Status::Fail), "{f:#?}");
        assert!(get("auth.session-timeout", Status::Fail));
        assert!(get("database.default-credentials", Status::Fail));
        assert!(get("auth.password-hashing", Status::Fail));
        assert!(get("api.cors", Status::Fail));
        assert!(get("code.error-leakage", Status::Fail));
        assert!(get("api.no-sensitive-logs", Status::Warn));
        assert!(get("code.security-headers", Status::Pass));
        assert!(get("api.rate-limit", Status::Warn));
        assert!(!format!("{f:?}").contains("randomBytes"), "the secret is never quoted");
    }

    #[test]
    fn durations() {
        assert_eq!(minutes("'7d'"), Some(10080));
        assert_eq!(minutes("15m"), Some(15));
        assert_eq!(minutes("900"), Some(15));
        assert_eq!(minutes("soon"), None);
    }
}
