//! A check target: a named deployment (base URL, login path, extra API paths, CA file,
//! repository, database endpoints, links to Rampart sources) and its validation. A target is
//! checked before anything is probed, with errors that name the field and say what to write.

use crate::{CheckError, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use url::Url;

/// A named deployment to check, as stored and as given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "ts", ts(rename = "CheckTarget"))]
pub struct Target {
    pub name: String,
    /// Base URL, `https://api.example.com` (http only for a local or staging target).
    pub url: Option<String>,
    /// The login route for the opt-in login burst, e.g. `/api/auth/login`.
    pub login_path: Option<String>,
    /// Extra API paths to probe (headers, CORS, rate limits, errors), e.g. `/api/users`.
    pub paths: Vec<String>,
    /// A PEM CA file to trust besides the public roots (self-hosted and staging certificates).
    pub ca_file: Option<PathBuf>,
    /// A local checkout of the service's repository.
    pub repo: Option<PathBuf>,
    /// Database endpoints to probe: `mongodb://host:port`, `redis://host:port`.
    pub databases: Vec<String>,
    /// Names of Rampart services, alert/Sentry sources and backup sources that belong to it.
    pub links: Vec<String>,
    /// Opt-in: send a bounded burst of failed logins to the login path.
    pub login_burst: bool,
    /// The plain-HTTP port probed for the HTTP->HTTPS redirect (default 80).
    pub plain_port: Option<u16>,
    /// Days between reviews (the guide's "Next Review"); `None`: [`DEFAULT_REVIEW_DAYS`].
    pub review_every_days: Option<u32>,
}

/// Days between reviews when a target names none. The guide's checklist section names no
/// interval (its footer's "Last Updated"/"Next Review", a month apart, date the guide itself),
/// so a quarter.
pub const DEFAULT_REVIEW_DAYS: u32 = 90;
/// The longest review interval accepted (three years).
pub const MAX_REVIEW_DAYS: u32 = 3 * 365;

/// Parses a review interval: `90d`, `12w`, `3m` (30 days each), `1y` (365 days) or plain days.
pub fn parse_review_every(text: &str) -> Result<u32> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 'd'),
    };
    let days = digits
        .parse::<u32>()
        .ok()
        .and_then(|n| match unit {
            'd' => Some(n),
            'w' => n.checked_mul(7),
            'm' => n.checked_mul(30),
            'y' => n.checked_mul(365),
            _ => None,
        })
        .ok_or_else(|| {
            bad(format!("review interval '{text}' is not one: write 90d, 12w, 3m or 1y"))
        })?;
    check_review_days(days)?;
    Ok(days)
}

fn check_review_days(days: u32) -> Result<()> {
    if days == 0 || days > MAX_REVIEW_DAYS {
        return Err(bad(format!(
            "review interval of {days} days must be 1 day to 3 years (e.g. 90d)"
        )));
    }
    Ok(())
}

impl Target {
    /// Days between reviews of this target.
    pub fn review_days(&self) -> u32 {
        self.review_every_days.unwrap_or(DEFAULT_REVIEW_DAYS)
    }
}

/// Which database a [`DbEndpoint`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Mongo,
    Redis,
}

/// A database endpoint to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbEndpoint {
    pub kind: DbKind,
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for DbEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = match self.kind {
            DbKind::Mongo => "mongodb",
            DbKind::Redis => "redis",
        };
        write!(f, "{scheme}://{}:{}", self.host, self.port)
    }
}

/// A target that passed validation, its URL and endpoints parsed.
#[derive(Debug, Clone)]
pub struct ValidTarget {
    pub target: Target,
    pub base: Option<Url>,
    pub databases: Vec<DbEndpoint>,
}

fn bad(msg: String) -> CheckError {
    CheckError::Config(msg)
}

/// Checks a path to probe: absolute, on the target's host (no scheme, no `//`), no spaces.
fn check_path(field: &str, p: &str) -> Result<()> {
    if !p.starts_with('/') || p.starts_with("//") || p.contains("://") {
        return Err(bad(format!(
            "{field} '{p}' must be a path on the target's host starting with '/', e.g. /api/users"
        )));
    }
    if p.chars().any(|c| c.is_whitespace() || c.is_control()) || p.len() > 2048 {
        return Err(bad(format!("{field} '{p}' has spaces or control characters; encode them")));
    }
    Ok(())
}

/// Parses `mongodb://host[:port]` or `redis://host[:port]`; credentials are refused (they do
/// not belong in a check target; the probe is unauthenticated by design).
pub fn parse_db(uri: &str) -> Result<DbEndpoint> {
    let url = Url::parse(uri).map_err(|e| {
        bad(format!(
            "database '{uri}' is not a URI ({e}); write mongodb://host:27017 or redis://host:6379"
        ))
    })?;
    let (kind, default_port) = match url.scheme() {
        "mongodb" => (DbKind::Mongo, 27017),
        "redis" => (DbKind::Redis, 6379),
        other => {
            return Err(bad(format!(
                "database scheme '{other}' is not probed; use mongodb://host:port or redis://host:port"
            )));
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "database URIs in a check target must not carry credentials: give host and port only \
             (the probe checks what an unauthenticated client gets)"
                .into(),
        ));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad(format!("database '{uri}' has no host; write mongodb://host:27017")))?;
    Ok(DbEndpoint {
        kind,
        host: host.trim_matches(['[', ']']).to_owned(),
        port: url.port().unwrap_or(default_port),
    })
}

impl Target {
    /// Validates every field; the error names the first bad one.
    pub fn validate(&self) -> Result<ValidTarget> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !name_ok {
            return Err(bad(format!(
                "target name '{}' must be 1-64 letters, digits, '-', '_' or '.'",
                self.name
            )));
        }
        let base = match &self.url {
            None => None,
            Some(raw) => {
                let url = Url::parse(raw).map_err(|e| {
                    bad(format!("URL '{raw}' is not valid ({e}); write https://host[:port]"))
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(bad(format!(
                        "URL '{raw}' must be http:// or https:// with a host"
                    )));
                }
                if !url.username().is_empty() || url.password().is_some() {
                    return Err(bad("the target URL must not carry credentials".into()));
                }
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(bad(format!(
                        "URL '{raw}' must be a base URL without ?query or #fragment"
                    )));
                }
                Some(url)
            }
        };
        if let Some(p) = &self.login_path {
            check_path("login path", p)?;
        }
        for p in &self.paths {
            check_path("path", p)?;
        }
        if base.is_none() && (self.login_path.is_some() || !self.paths.is_empty()) {
            return Err(bad("paths and a login path need a target URL (--url)".into()));
        }
        if self.login_burst && self.login_path.is_none() {
            return Err(bad(
                "the login burst needs a login path (--login-path /api/auth/login)".into()
            ));
        }
        if let Some(ca) = &self.ca_file
            && !ca.is_file()
        {
            return Err(bad(format!("CA file {} does not exist or is not a file", ca.display())));
        }
        if let Some(repo) = &self.repo
            && !repo.is_dir()
        {
            return Err(bad(format!("repository {} is not a directory", repo.display())));
        }
        if let Some(days) = self.review_every_days {
            check_review_days(days)?;
        }
        let databases = self.databases.iter().map(|d| parse_db(d)).collect::<Result<Vec<_>>>()?;
        if base.is_none() && self.repo.is_none() && databases.is_empty() {
            return Err(bad(format!(
                "target '{}' has nothing to check: give a URL, a repository or a database",
                self.name
            )));
        }
        Ok(ValidTarget { target: self.clone(), base, databases })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(url: &str) -> Target {
        Target { name: "staging".into(), url: Some(url.into()), ..Default::default() }
    }

    #[test]
    fn a_full_target_validates() {
        let mut target = t("https://api.example.com");
        target.paths = vec!["/api/users".into()];
        target.login_path = Some("/api/auth/login".into());
        target.login_burst = true;
        target.databases = vec!["mongodb://db.internal".into(), "redis://127.0.0.1:6380".into()];
        let v = target.validate().unwrap();
        assert_eq!(v.base.unwrap().host_str(), Some("api.example.com"));
        assert_eq!(
            v.databases[0],
            DbEndpoint { kind: DbKind::Mongo, host: "db.internal".into(), port: 27017 }
        );
        assert_eq!(v.databases[1].to_string(), "redis://127.0.0.1:6380");
    }

    #[test]
    fn bad_fields_are_named_in_the_error() {
        let cases: Vec<(Target, &str)> = vec![
            (Target { name: "a b".into(), ..t("https://x") }, "target name"),
            (t("ftp://x"), "must be http"),
            (t("https://user:pw@x"), "credentials"),
            (t("https://x/?a=1"), "query"),
            (
                Target { paths: vec!["https://evil.com/".into()], ..t("https://x") },
                "path 'https://evil.com/'",
            ),
            (Target { paths: vec!["//evil.com".into()], ..t("https://x") }, "on the target's host"),
            (Target { login_burst: true, ..t("https://x") }, "login burst needs a login path"),
            (
                Target { databases: vec!["mongodb://admin:admin@db".into()], ..t("https://x") },
                "must not carry credentials",
            ),
            (
                Target { databases: vec!["postgres://db".into()], ..t("https://x") },
                "scheme 'postgres'",
            ),
            (Target { ca_file: Some("/nonexistent/ca.pem".into()), ..t("https://x") }, "CA file"),
            (Target { repo: Some("/nonexistent/repo".into()), ..t("https://x") }, "repository"),
            (Target { name: "x".into(), ..Default::default() }, "nothing to check"),
            (Target { review_every_days: Some(0), ..t("https://x") }, "review interval of 0 days"),
        ];
        for (target, expected) in cases {
            let err = target.validate().unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
        }
    }

    #[test]
    fn review_intervals_parse_with_their_unit_and_default_to_a_quarter() {
        assert_eq!(parse_review_every("90d").unwrap(), 90);
        assert_eq!(parse_review_every("12w").unwrap(), 84);
        assert_eq!(parse_review_every("3M").unwrap(), 90);
        assert_eq!(parse_review_every("1y").unwrap(), 365);
        assert_eq!(parse_review_every("30").unwrap(), 30);
        for (text, expected) in [
            ("0d", "of 0 days"),
            ("4y", "of 1460 days"),
            ("soon", "is not one"),
            ("90h", "is not one"),
            ("-5d", "is not one"),
            ("", "is not one"),
            ("99999999999y", "is not one"),
        ] {
            let e = parse_review_every(text).unwrap_err().to_string();
            assert!(e.contains(expected), "{text}: {e}");
        }
        let t = Target::default();
        assert_eq!(t.review_days(), DEFAULT_REVIEW_DAYS);
        assert_eq!(Target { review_every_days: Some(30), ..t }.review_days(), 30);
    }
}
