//! The checklist's catalog: the guide's "Pre-Production Deployment" list as 39 items with stable
//! ids (`section.name`: the CLI, the JSON and reports use them), what each checks, its remediation
//! in plain words (with the guide's snippet where the guide has one), the OWASP ASVS 5.0
//! requirement ids it maps to, and how it can be proved. The items themselves are declared in
//! [`items_a`] (auth to api) and [`items_b`] (code to compliance), in the guide's order.

mod items_a;
mod items_b;

use serde::Serialize;

/// The checklist's eight sections, in the guide's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckSection"))]
pub enum Section {
    Auth,
    Transport,
    Database,
    Api,
    Code,
    Monitoring,
    Backup,
    Compliance,
}

impl Section {
    /// Every section in the guide's order.
    pub const ALL: [Section; 8] = [
        Section::Auth,
        Section::Transport,
        Section::Database,
        Section::Api,
        Section::Code,
        Section::Monitoring,
        Section::Backup,
        Section::Compliance,
    ];

    /// The id prefix (`auth`, `transport`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Section::Auth => "auth",
            Section::Transport => "transport",
            Section::Database => "database",
            Section::Api => "api",
            Section::Code => "code",
            Section::Monitoring => "monitoring",
            Section::Backup => "backup",
            Section::Compliance => "compliance",
        }
    }

    /// The guide's heading for the section.
    pub fn title(self) -> &'static str {
        match self {
            Section::Auth => "Authentication",
            Section::Transport => "Transport Security",
            Section::Database => "Database Security",
            Section::Api => "API Security",
            Section::Code => "Code Security",
            Section::Monitoring => "Monitoring & Logging",
            Section::Backup => "Backup & Recovery",
            Section::Compliance => "Compliance",
        }
    }

    /// The section with this id prefix.
    pub fn from_id(id: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// Where the proof of an item can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckProof"))]
pub enum Proof {
    /// A probe of the running deployment.
    Live,
    /// A scan of the service's repository.
    Repository,
    /// Rampart's own records (backups, drills, alert sources, Sentry, Slack, the vault).
    RampartRecord,
    /// Nothing observable: a person attests it.
    AttestOnly,
}

/// One checklist item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckItem"))]
pub struct Item {
    /// Stable id, `section.name`.
    pub id: &'static str,
    pub section: Section,
    /// The guide's wording of the item.
    pub title: &'static str,
    /// What Rampart looks at to decide.
    pub checks: &'static str,
    /// What to do when it does not pass, in plain words.
    pub remediation: &'static str,
    /// The guide's code for it, where the guide has one.
    pub snippet: Option<&'static str>,
    /// OWASP ASVS 5.0 requirement ids.
    pub asvs: &'static [&'static str],
    /// How it can be proved, strongest first.
    pub proof: &'static [Proof],
}

/// Every item, in the guide's order.
pub fn items() -> impl Iterator<Item = &'static Item> {
    items_a::ITEMS.iter().chain(items_b::ITEMS.iter())
}

/// The item with this id.
pub fn item(id: &str) -> Option<&'static Item> {
    items().find(|i| i.id == id)
}

/// Items selected by `--only` filters: each filter is an item id or a section id. An empty list
/// selects every item. An unknown filter is an error naming it.
pub fn select(filters: &[String]) -> Result<Vec<&'static Item>, String> {
    for f in filters {
        if item(f).is_none() && Section::from_id(f).is_none() {
            return Err(format!(
                "'{f}' is neither a checklist item nor a section; `rampart check list` shows them"
            ));
        }
    }
    Ok(items()
        .filter(|i| filters.is_empty() || filters.iter().any(|f| f == i.id || f == i.section.id()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The ids exactly as issue 8 lists them, in order.
    const ISSUE_IDS: &str = "auth.jwt-secret auth.password-hashing auth.2fa auth.session-timeout \
        auth.login-rate-limit transport.https transport.certificate transport.hsts transport.csp \
        database.auth database.network database.encryption-at-rest database.backups-encrypted \
        database.default-credentials api.cors api.rate-limit api.input-validation \
        api.no-sensitive-logs api.keys-rotated api.oauth2 code.npm-audit code.no-hardcoded-secrets \
        code.security-headers code.error-leakage code.review monitoring.sentry \
        monitoring.error-tracking monitoring.access-logs monitoring.audit-logs \
        monitoring.alert-rules monitoring.notifications backup.strategy backup.automated \
        backup.recovery-tested backup.encryption compliance.gdpr compliance.retention \
        compliance.privacy-policy compliance.terms";

    #[test]
    fn the_catalog_has_the_issues_39_ids_in_order() {
        let ids: Vec<&str> = items().map(|i| i.id).collect();
        let expected: Vec<&str> = ISSUE_IDS.split_whitespace().collect();
        assert_eq!(ids, expected);
        assert_eq!(ids.len(), 39);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 39);
    }

    #[test]
    fn every_item_is_complete_and_in_its_section() {
        for i in items() {
            assert!(i.id.starts_with(&format!("{}.", i.section.id())), "{}", i.id);
            assert!(!i.title.is_empty() && !i.checks.is_empty(), "{}", i.id);
            assert!(i.remediation.len() > 20, "{}", i.id);
            assert!(!i.proof.is_empty(), "{}", i.id);
            for a in i.asvs {
                let parts: Vec<&str> = a.split('.').collect();
                assert!(parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok()), "{a}");
            }
        }
        for s in Section::ALL {
            assert!(items().any(|i| i.section == s));
        }
    }

    #[test]
    fn select_takes_ids_and_sections_and_refuses_unknown_names() {
        assert_eq!(select(&[]).unwrap().len(), 39);
        let picked = select(&["transport".into(), "api.cors".into()]).unwrap();
        let ids: Vec<&str> = picked.iter().map(|i| i.id).collect();
        assert_eq!(
            ids,
            [
                "transport.https",
                "transport.certificate",
                "transport.hsts",
                "transport.csp",
                "api.cors"
            ]
        );
        let err = select(&["auth.nope".into()]).unwrap_err();
        assert!(err.contains("auth.nope"), "{err}");
    }
}
