//! Configured sources (Alertmanager, Prometheus, Sentry projects) and the snapshot the network
//! side works from. A Sentry token or Slack webhook URL is read from the keychain here, by the
//! vault credential's name, and leaves only inside a `SecretString`.

use super::{
    Alertmanager, Delivery, FeedsSnapshot, KIND_AM, KIND_PROM, KIND_SENTRY, Prometheus,
    SentryProject, SlackConfig, SlackSender, SourceView, feed_error, reqwest, to_service, tokio,
    validate_name,
};
use crate::{CoreError, Rampart, Result};
use rampart_store::feeds::SourceRow;

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
        Ok(self.store.delete_source(kind, name)?)
    }

    /// The configuration the network side needs; reads each Sentry token from the keychain.
    pub fn feeds_snapshot(&self, client: &reqwest::Client) -> Result<FeedsSnapshot> {
        let services =
            self.store.list_services()?.iter().map(to_service).collect::<Result<Vec<_>>>()?;
        let mut snapshot = FeedsSnapshot {
            client: client.clone(),
            services,
            alertmanagers: Vec::new(),
            prometheus: Vec::new(),
            sentry: Vec::new(),
        };
        for row in self.store.list_sources(KIND_AM)? {
            let am = Alertmanager::new(&row.name, &row.url, client.clone()).map_err(feed_error)?;
            snapshot.alertmanagers.push(am);
        }
        for row in self.store.list_sources(KIND_PROM)? {
            let p = Prometheus::new(&row.name, &row.url, client.clone()).map_err(feed_error)?;
            snapshot.prometheus.push(p);
        }
        for row in self.store.list_sources(KIND_SENTRY)? {
            let (org, project) = row.name.split_once('/').unwrap_or((&row.name, ""));
            let credential = row.token_credential.as_deref().unwrap_or_default();
            let view = self.vault_find(credential)?;
            let token = self.keychain.get(&format!("credential:{}", view.id))?;
            let base = rampart_feeds::parse_base_url("Sentry", &row.url).map_err(feed_error)?;
            let project = SentryProject { base, org: org.into(), project: project.into(), token };
            snapshot.sentry.push((row.name.clone(), project));
        }
        Ok(snapshot)
    }

    /// A Slack sender for the webhook URL kept in the vault as `credential` (must run inside a
    /// tokio runtime).
    pub fn slack_sender(
        &self,
        client: &reqwest::Client,
        credential: &str,
        config: SlackConfig,
    ) -> Result<(SlackSender, tokio::sync::mpsc::Receiver<Delivery>)> {
        let view = self.vault_find(credential)?;
        let url = self.keychain.get(&format!("credential:{}", view.id))?;
        Ok(SlackSender::spawn(client.clone(), url, config))
    }
}
