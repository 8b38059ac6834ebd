//! Hard-coded secrets: a focused port of gitleaks' rules (MIT; AWS, GitHub, Slack, Stripe,
//! SendGrid, private keys, the generic-api-key rule with its 3.5-bit entropy gate), a rule for
//! database URIs with passwords (gitleaks has none), placeholder and test/example allowlists,
//! committed `.env` files and a `.gitignore` lacking the guide's patterns. Secrets are masked.

use super::SourceFile;
use crate::status::{Evidence, Finding, Status};
use regex::Regex;
use std::path::Path;

/// (rule id, regex, minimum Shannon entropy of the secret group).
const RULES: &[(&str, &str, f64)] = &[
    ("aws-access-token", r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b", 3.0),
    ("github-pat", r"(ghp_[0-9a-zA-Z]{36})", 3.0),
    ("github-fine-grained-pat", r"(github_pat_\w{82})", 3.0),
    (
        "slack-webhook-url",
        r"((?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56})",
        0.0,
    ),
    ("slack-bot-token", r"(xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*)", 0.0),
    (
        "stripe-access-token",
        r"\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})(?:[\x60'\x22\s;]|\\[nr]|$)",
        2.0,
    ),
    ("sendgrid-api-token", r"\b(SG\.[a-zA-Z0-9=_\-.]{66})", 2.0),
    ("private-key", r"(?i)(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)", 0.0),
    (
        "database-uri-password",
        r"(?i)\b(?:mongodb(?:\+srv)?|postgres(?:ql)?|mysql|redis|amqp)://[^:\s/@'\x22]+:([^@\s'\x22]{3,})@",
        0.0,
    ),
    (
        "generic-api-key",
        r#"(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)"#,
        3.5,
    ),
];

/// Paths that hold test data and examples (the allowlist), and lock files.
fn allowed_path(path: &str) -> bool {
    let p = path.to_lowercase();
    [
        "test/",
        "tests/",
        "__tests__/",
        "spec/",
        "fixtures/",
        "examples/",
        "example/",
        "mock",
        "docs/",
    ]
    .iter()
    .any(|d| p.starts_with(d) || p.contains(&format!("/{d}")))
        || [
            ".example",
            ".sample",
            ".template",
            ".test.js",
            ".spec.js",
            ".test.ts",
            ".spec.ts",
            ".md",
            "package-lock.json",
            "yarn.lock",
            "pnpm-lock.yaml",
        ]
        .iter()
        .any(|s| p.ends_with(s))
}

/// Values that are placeholders, not secrets (after gitleaks' global allowlist).
fn placeholder(secret: &str) -> bool {
    let s = secret.to_lowercase();
    s.starts_with('$')
        || s.starts_with('%')
        || s.starts_with('<')
        || s.contains("{{")
        || s.contains("process.env")
        || [
            "your",
            "example",
            "changeme",
            "xxxx",
            "placeholder",
            "dummy",
            "password",
            "secret",
            "redacted",
            "replace",
        ]
        .iter()
        .any(|w| s.contains(w))
        || s.chars().all(|c| c == s.chars().next().unwrap_or('x'))
        || matches!(s.as_str(), "true" | "false" | "null" | "undefined")
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let chars: Vec<char> = s.chars().collect();
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = chars.len() as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// The first four characters and the length, never the secret.
pub fn mask(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}… ({} chars)", secret.chars().count())
}

/// Every rule's id and regex (for tools that run the same rules elsewhere).
pub fn rule_patterns() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULES.iter().map(|(id, re, _)| (*id, *re))
}

/// The compiled rules.
pub struct Rules(Vec<(&'static str, Regex, f64)>);

/// One line's hit: the rule and the secret (mask it before showing it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub rule: &'static str,
    pub secret: &'a str,
}

impl Rules {
    pub fn compile() -> Self {
        Self(
            RULES
                .iter()
                .map(|(id, re, e)| {
                    let compiled = regex::RegexBuilder::new(re)
                        .size_limit(64 << 20)
                        .build()
                        .expect("a valid rule");
                    (*id, compiled, *e)
                })
                .collect(),
        )
    }

    /// Whether a file at `path` is scanned at all (tests, examples and lock files are not).
    pub fn scans(path: &str) -> bool {
        !allowed_path(path)
    }

    /// The first rule that finds a secret in `line` (long lines and `gitleaks:allow` skipped).
    pub fn check<'a>(&self, line: &'a str) -> Option<Hit<'a>> {
        if line.len() > 4000 || line.contains("gitleaks:allow") {
            return None;
        }
        self.0.iter().find_map(|(id, re, min)| {
            let secret = re.captures(line).and_then(|c| c.get(1)).map(|m| m.as_str())?;
            (!placeholder(secret) && entropy(secret) > *min).then_some(Hit { rule: id, secret })
        })
    }
}

/// Findings of the rules in `files`.
pub fn find(files: &[SourceFile]) -> Vec<Finding> {
    let rules = Rules::compile();
    let mut out = Vec::new();
    for file in files.iter().filter(|f| Rules::scans(&f.path)) {
        for (n, line) in file.text.lines().enumerate() {
            let Some(hit) = rules.check(line) else { continue };
            out.push(
                Finding::new(
                    "code.no-hardcoded-secrets",
                    Status::Fail,
                    format!("{} in {}:{}", hit.rule, file.path, n + 1),
                )
                .with(Evidence::file(
                    &file.path,
                    Some(n + 1),
                    format!("{}: {}", hit.rule, mask(hit.secret)),
                )),
            );
        }
    }
    out
}

/// Secrets, committed `.env` files and `.gitignore` coverage.
pub fn scan(root: &Path, files: &[SourceFile]) -> Vec<Finding> {
    let mut out = find(files);
    let env_re = Regex::new(r"(^|/)\.env(\.[^/]+)?$").expect("a valid regex");
    let tracked = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .output()
        .ok()
        .filter(|o| o.status.success());
    if let Some(o) = tracked {
        for path in String::from_utf8_lossy(&o.stdout)
            .split('\0')
            .filter(|p| env_re.is_match(p) && !allowed_path(p))
        {
            out.push(
                Finding::new(
                    "code.no-hardcoded-secrets",
                    Status::Fail,
                    format!("{path} is committed: rotate its secrets and remove it from git"),
                )
                .with(Evidence::file(path, None, "committed .env file")),
            );
        }
    }
    let gitignore =
        files.iter().find(|f| f.path == ".gitignore").map(|f| f.text.as_str()).unwrap_or("");
    if !gitignore.lines().any(|l| l.trim().starts_with(".env")) {
        out.push(Finding::new("code.no-hardcoded-secrets", Status::Warn, ".gitignore does not ignore .env files (the guide: .env.production, .env.*.local, .env.local)").with(Evidence::file(".gitignore", None, "no .env pattern")));
    }
    if out.is_empty() {
        out.push(Finding::new(
            "code.no-hardcoded-secrets",
            Status::Pass,
            format!("no secret found in {} files of the working tree", files.len()),
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
    fn rules_find_real_shapes_and_skip_placeholders_and_tests() {
        let files = [
            file(
                "src/config.js",
                "const uri = 'mongodb://app:S3cr3tPassw0rd@db.internal:27017/app';\nconst apiKey = \"a8Fj3kLm9Qz2Xc7Vb4Nw\";\n",
            ),
            file("src/aws.js", "const id = 'AKIAZ3MXQ7PLN5RTW2KD';"),
            file(
                "src/ok.js",
                "const secret = process.env.JWT_SECRET;\nconst uri = 'mongodb://user:${DB_PASSWORD}@db/app';\n",
            ),
            file("test/fixtures.js", "const apiKey = \"a8Fj3kLm9Qz2Xc7Vb4Nw\";"),
            file("src/allowed.js", "const apiKey = \"a8Fj3kLm9Qz2Xc7Vb4Nw\"; // gitleaks:allow"),
        ];
        let found = find(&files);
        let what: Vec<String> = found.iter().map(|f| f.summary.clone()).collect();
        assert_eq!(
            what,
            [
                "database-uri-password in src/config.js:1",
                "generic-api-key in src/config.js:2",
                "aws-access-token in src/aws.js:1"
            ],
            "{found:#?}"
        );
        let text = format!("{found:?}");
        assert!(
            !text.contains("S3cr3tPassw0rd") && !text.contains("a8Fj3kLm9Qz2Xc7Vb4Nw"),
            "secrets must be masked"
        );
    }

    #[test]
    fn entropy_matches_gitleaks() {
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("ab") - 1.0).abs() < 1e-9);
    }
}
