//! Sentry: unresolved issues of one project through the organization issues endpoint
//! (`GET /api/0/organizations/{org}/issues/?project={id}&query=is:unresolved`), the bearer token
//! in the `Authorization` header only (never in a URL, a log line or an error), and cursor
//! pagination via the `Link` header: `rel="next"` is followed while `results="true"`. A project
//! slug is resolved to its numeric id first (`GET /api/0/projects/{org}/{slug}/`). Each page is
//! bounded by [`Limits`] (one deadline over its attempts and its body).

use crate::bounded::{Answer, Limits, fetch, policy_within, within};
use crate::retry::parse;
use crate::{FeedsError, Result, SecretString, endpoint};
use serde::{Deserialize, Deserializer, Serialize};

/// The public Sentry; self-hosted installs pass their own base URL.
pub const DEFAULT_BASE: &str = "https://sentry.io/";

/// One configured project and how to reach it.
#[derive(Debug, Clone)]
pub struct SentryProject {
    pub base: reqwest::Url,
    pub org: String,
    /// Slug or numeric id.
    pub project: String,
    pub token: SecretString,
}

/// An unresolved issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SentryIssue {
    pub id: String,
    #[serde(default)]
    pub short_id: String,
    pub title: String,
    #[serde(default)]
    pub culprit: Option<String>,
    pub permalink: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub status: String,
    /// Events; Sentry sends it as a string.
    #[serde(deserialize_with = "count")]
    pub count: u64,
    #[serde(default)]
    pub user_count: u64,
    pub first_seen: String,
    pub last_seen: String,
}

fn count<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s.parse().map_err(serde::de::Error::custom),
        serde_json::Value::Number(n) => n.as_u64().ok_or_else(|| serde::de::Error::custom("count")),
        other => Err(serde::de::Error::custom(format!("count is {other}"))),
    }
}

#[derive(Deserialize)]
struct ProjectInfo {
    id: String,
}

/// One entry of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub rel: String,
    pub results: bool,
    pub cursor: Option<String>,
}

/// Parses Sentry's `Link` header:
/// `<url>; rel="previous"; results="false"; cursor="a:0:1", <url>; rel="next"; results="true"; cursor="a:100:0"`.
pub fn parse_link_header(value: &str) -> Vec<Link> {
    value
        .split('<')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let params = part.split_once('>').map_or("", |(_, rest)| rest);
            let mut link = Link { rel: String::new(), results: false, cursor: None };
            for param in params.split(';') {
                let Some((key, value)) = param.split_once('=') else { continue };
                let value = value.trim().trim_end_matches(',').trim().trim_matches('"').to_owned();
                match key.trim() {
                    "rel" => link.rel = value,
                    "results" => link.results = value == "true",
                    "cursor" => link.cursor = Some(value),
                    _ => {}
                }
            }
            link
        })
        .collect()
}

/// The cursor of the next page, when there is one with results.
pub fn next_cursor(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let header = headers.get(reqwest::header::LINK)?.to_str().ok()?;
    parse_link_header(header).into_iter().find(|l| l.rel == "next" && l.results)?.cursor
}

impl SentryProject {
    fn source(&self) -> String {
        format!("Sentry {}/{}", self.org, self.project)
    }

    async fn get(
        &self,
        client: &reqwest::Client,
        limits: Limits,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Answer> {
        let url = endpoint(&self.base, path);
        let source = self.source();
        let make = || client.get(url.clone()).query(query).bearer_auth(self.token.expose());
        let answer =
            within(&source, limits.timeout, fetch(&source, limits, policy_within(limits, 4), make))
                .await?;
        match answer.status {
            status @ (401 | 403) => Err(FeedsError::Http {
                source_name: source,
                status,
                detail: "the token was refused; check it has the event:read scope".into(),
                retryable: false,
            }),
            _ => Ok(answer),
        }
    }

    async fn project_id(&self, client: &reqwest::Client, limits: Limits) -> Result<String> {
        if self.project.chars().all(|c| c.is_ascii_digit()) {
            return Ok(self.project.clone());
        }
        let path = format!("api/0/projects/{}/{}/", self.org, self.project);
        let body = self.get(client, limits, &path, &[]).await?.text_or_error(&self.source())?;
        Ok(parse::<ProjectInfo>(&self.source(), &body)?.id)
    }

    /// Unresolved issues, following at most `max_pages` pages of 100, each page within the
    /// default [`Limits`].
    pub async fn unresolved_issues(
        &self,
        client: &reqwest::Client,
        max_pages: usize,
    ) -> Result<Vec<SentryIssue>> {
        self.unresolved_issues_within(client, max_pages, Limits::default()).await
    }

    /// [`Self::unresolved_issues`] with each page (and the slug lookup) within `limits`.
    pub async fn unresolved_issues_within(
        &self,
        client: &reqwest::Client,
        max_pages: usize,
        limits: Limits,
    ) -> Result<Vec<SentryIssue>> {
        let project_id = self.project_id(client, limits).await?;
        let path = format!("api/0/organizations/{}/issues/", self.org);
        let mut issues = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..max_pages.max(1) {
            let mut query = vec![
                ("project", project_id.as_str()),
                ("query", "is:unresolved"),
                ("statsPeriod", "24h"),
                ("collapse", "stats"),
                ("limit", "100"),
            ];
            if let Some(c) = cursor.as_deref() {
                query.push(("cursor", c));
            }
            let answer = self.get(client, limits, &path, &query).await?;
            let next = next_cursor(&answer.headers);
            let body = answer.text_or_error(&self.source())?;
            issues.extend(parse::<Vec<SentryIssue>>(&self.source(), &body)?);
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        Ok(issues)
    }
}
