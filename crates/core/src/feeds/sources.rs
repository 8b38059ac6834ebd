//! Configured sources (Alertmanager, Prometheus, Sentry projects) and the snapshot the network
//! side works from. A Sentry token or Slack webhook URL is read from the keychain here, by the
//! vault credential's name, and leaves only inside a `SecretString`.

use super::{
    Alertmanager, FeedsSnapshot, KIND_AM, KIND_PROM, KIND_SENTRY, Prometheus, SentryProject,
    SourceView, feed_error, to_service, validate_name,
};
use super::{CheckResult, FeedsSettings, SourceError};
use crate::{CoreError, Rampart, Result};
use rampart_feeds::SecretString;
use rampart_store::feeds::SourceRow;

/// What the desktop monitor starts from (see [`Rampart::monitor_config`]).
pub struct MonitorConfig {
    pub snapshot: FeedsSnapshot,
    /// Sources left out because their secret could not be read.
    pub errors: Vec<SourceError>,
    /// The last stored result of each service.
    pub last: Vec<CheckResult>,
    pub settings: FeedsSettings,
    /// The Slack webhook URL, when one is configured and readable.
    pub slack: Option<SecretString>,
}

impl Rampart {
    fn add_source(
        &self,
        kind: &str,
        name: &str,
        url: &str,
        token: Option<&str>,
    ) -> Result<SourceView> {
        rampart_feeds::parse_base_url(&format!("{kind} {name}"), url).map_err(feed_error)?;
        let row = SourceRow {
            kind: kind.into(),
            name: name.into(),
            url: url.trim().into(),
            token_credential: token.map(str::to_owned),
            created_at: self.now(),
        };
        self.store.insert_source(&row)?;
        self.audit(crate::AuditAction::Add, &format!("{kind}:{name}"))?;
        Ok(SourceView {
            kind: row.kind,
            name: row.name,
            url: row.url,
            token_from: row.token_credential,
        })
    }

    /// Adds an Alertmanager.
    pub fn alertmanager_add(&self, name: &str, url: &str) -> Result<SourceView> {
        validate_name("Alertmanager", name)?;
        self.add_source(KIND_AM, name, url, None)
    }

    /// Adds a Prometheus server.
    pub fn prometheus_add(&self, name: &str, url: &str) -> Result<SourceView> {
        validate_name("Prometheus", name)?;
        self.add_source(KIND_PROM, name, url, None)
    }

    /// Adds a Sentry project `org/project` whose token is the vault credential `token_from`.
    pub fn sentry_add(
        &self,
        org_project: &str,
        token_from: &str,
        url: Option<&str>,
    ) -> Result<SourceView> {
        let valid = org_project
            .split_once('/')
            .is_some_and(|(o, p)| !o.is_empty() && !p.is_empty() && !p.contains('/'));
        if !valid {
            return Err(CoreError::InvalidInput(format!(
                "{org_project:?} is not ORG/PROJECT (e.g. acme/backend)"
            )));
        }
        validate_name("Sentry project", org_project)?;
        let credential = self.vault_find(token_from)?;
        let url = url.unwrap_or(rampart_feeds::sentry::DEFAULT_BASE);
        let what = format!("Sentry {org_project}");
        let parsed = rampart_feeds::parse_base_url(&what, url).map_err(feed_error)?;
        rampart_feeds::require_https_for_credentials(&what, &parsed).map_err(feed_error)?;
        self.add_source(KIND_SENTRY, org_project, url, Some(&credential.name))
    }

    /// Every configured source (no tokens).
    pub fn sources(&self) -> Result<Vec<SourceView>> {
        let mut all = Vec::new();
        for kind in [KIND_AM, KIND_PROM, KIND_SENTRY] {
            all.extend(self.store.list_sources(kind)?.into_iter().map(|r| SourceView {
                kind: r.kind,
                name: r.name,
                url: r.url,
                token_from: r.token_credential,
            }));
        }
        Ok(all)
    }

    /// Removes a source (`kind` = alertmanager, prometheus or sentry).
    pub fn source_remove(&self, kind: &str, name: &str) -> Result<()> {
        self.store.delete_source(kind, name)?;
        self.audit(crate::AuditAction::Delete, &format!("{kind}:{name}"))
    }

    /// Adds a source of `kind` (alertmanager, prometheus or sentry; Sentry needs `token_from`).
    pub fn source_add(
        &self,
        kind: &str,
        name: &str,
        url: Option<&str>,
        token_from: Option<&str>,
    ) -> Result<SourceView> {
        let need_url = || {
            url.filter(|u| !u.trim().is_empty())
                .ok_or_else(|| CoreError::InvalidInput(format!("a {kind} needs a URL")))
        };
        match kind {
            KIND_AM => self.alertmanager_add(name, need_url()?),
            KIND_PROM => self.prometheus_add(name, need_url()?),
            KIND_SENTRY => {
                let token = token_from.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
                    CoreError::InvalidInput(
                        "a Sentry project needs the vault credential holding its token".into(),
                    )
                })?;
                self.sentry_add(name, token, url.filter(|u| !u.trim().is_empty()))
            }
            other => Err(CoreError::InvalidInput(format!(
                "{other:?} is not a source kind: use alertmanager, prometheus or sentry"
            ))),
        }
    }

    /// The configuration the network side needs; reads each Sentry token from the keychain.
    pub fn feeds_snapshot(&self) -> Result<FeedsSnapshot> {
        let (snapshot, mut errors) = self.snapshot_tolerant()?;
        match errors.is_empty() {
            true => Ok(snapshot),
            false => Err(errors.swap_remove(0).1),
        }
    }

    /// Everything the desktop monitor needs. A Sentry project or Slack webhook whose secret
    /// cannot be read is left out and reported, so it never stops the other sources.
    pub fn monitor_config(&self) -> Result<MonitorConfig> {
        let (snapshot, failed) = self.snapshot_tolerant()?;
        let mut errors: Vec<SourceError> = failed
            .into_iter()
            .map(|(source, e)| SourceError {
                source,
                retryable: e.retryable(),
                message: e.to_string(),
            })
            .collect();
        let settings = self.feeds_settings()?;
        let slack = match settings.slack_webhook_from.as_deref() {
            None => None,
            Some(name) => match self.slack_webhook(name) {
                Ok(url) => Some(url),
                Err(e) => {
                    errors.push(SourceError {
                        source: "Slack webhook".into(),
                        retryable: false,
                        message: format!("cannot read the webhook URL from the vault: {e}"),
                    });
                    None
                }
            },
        };
        Ok(MonitorConfig { snapshot, errors, last: self.last_results()?, settings, slack })
    }

    /// The configured Prometheus servers (no keychain access).
    pub(crate) fn prometheus_sources(&self) -> Result<Vec<Prometheus>> {
        self.sources_of(KIND_PROM, Prometheus::new)
    }

    /// The configured Alertmanagers (no keychain access).
    pub(crate) fn alertmanager_sources(&self) -> Result<Vec<Alertmanager>> {
        self.sources_of(KIND_AM, Alertmanager::new)
    }

    /// Every source of one kind, built with `new` from its name and URL on the shared client.
    fn sources_of<T>(
        &self,
        kind: &str,
        new: fn(&str, &str, rampart_feeds::reqwest::Client) -> rampart_feeds::Result<T>,
    ) -> Result<Vec<T>> {
        let client = self.http()?;
        let rows = self.store.list_sources(kind)?;
        rows.iter()
            .map(|row| new(&row.name, &row.url, client.clone()).map_err(feed_error))
            .collect()
    }

    fn snapshot_tolerant(&self) -> Result<(FeedsSnapshot, Vec<(String, CoreError)>)> {
        let client = self.http()?;
        let mut failed = Vec::new();
        let services =
            self.store.list_services()?.iter().map(to_service).collect::<Result<Vec<_>>>()?;
        let mut snapshot = FeedsSnapshot {
            client: client.clone(),
            services,
            alertmanagers: self.alertmanager_sources()?,
            prometheus: self.prometheus_sources()?,
            sentry: Vec::new(),
        };
        for row in self.store.list_sources(KIND_SENTRY)? {
            let (org, project) = row.name.split_once('/').unwrap_or((&row.name, ""));
            let credential = row.token_credential.as_deref().unwrap_or_default();
            let token = self
                .vault_find(credential)
                .and_then(|view| Ok(self.keychain.get(&format!("credential:{}", view.id))?));
            let token = match token {
                Ok(t) => t,
                Err(e) => {
                    failed.push((format!("Sentry {}", row.name), e));
                    continue;
                }
            };
            let base = rampart_feeds::parse_base_url("Sentry", &row.url).map_err(feed_error)?;
            // A row edited to plain http is not sent the token.
            let what = format!("Sentry {}", row.name);
            if let Err(e) = rampart_feeds::require_https_for_credentials(&what, &base) {
                failed.push((what, feed_error(e)));
                continue;
            }
            let project = SentryProject { base, org: org.into(), project: project.into(), token };
            snapshot.sentry.push((row.name.clone(), project));
        }
        Ok((snapshot, failed))
    }
}
