//! One check run: the live probes, the database probes and the repository scan a target allows,
//! for the selected items only, combined with the caller's findings from Rampart's records and
//! with attestations into a [`Report`]. Time comes in
//! from the caller; nothing here reads the clock.

use crate::catalog::Item;
use crate::probe::client::{Client, Exchange, Limits, Req};
use crate::probe::{cors, db, input, live, observatory, tls};
use crate::report::{self, HeaderGrade, ItemResult, Report, TlsGrade};
use crate::status::{Attestation, Evidence, Finding, Status};
use crate::target::ValidTarget;
use std::collections::HashMap;

/// The Origin Observatory sends in its preflight.
const OBSERVATORY_ORIGIN: &str = "https://http-observatory.security.mozilla.org";
/// A path no application serves, for the error response.
pub const NOT_FOUND_PATH: &str = "/rampart-check-not-found";

/// What a run needs besides the target.
pub struct RunInput<'a> {
    pub target: &'a ValidTarget,
    pub selected: Vec<&'static Item>,
    pub attestations: HashMap<String, Attestation>,
    pub limits: Limits,
    /// RFC 3339 UTC start time (also "now" for attestation expiry).
    pub started: String,
    /// Findings from Rampart's own records (backups, drills, alert sources, Slack, the audit
    /// log, the vault), made by the caller, which owns those records.
    pub records: Vec<Finding>,
}

fn wants(selected: &[&Item], ids: &[&str]) -> bool {
    selected.iter().any(|i| ids.contains(&i.id))
}

/// Items the HTTP probes speak about.
const HTTP_ITEMS: &[&str] = &[
    "transport.https",
    "transport.hsts",
    "transport.csp",
    "code.security-headers",
    "code.error-leakage",
    "api.cors",
    "api.rate-limit",
    "api.input-validation",
    "auth.login-rate-limit",
];
/// Items the TLS probe speaks about.
const TLS_ITEMS: &[&str] = &["transport.https", "transport.certificate"];
/// Items the database probes speak about.
const DB_ITEMS: &[&str] = &["database.auth", "database.network"];
/// Items the repository scan speaks about besides those the catalog proves by the repository.
const REPO_EXTRA: &[&str] = &[
    "api.cors",
    "api.input-validation",
    "api.no-sensitive-logs",
    "api.rate-limit",
    "api.keys-rotated",
    "auth.2fa",
    "auth.jwt-secret",
    "auth.password-hashing",
    "auth.session-timeout",
    "code.error-leakage",
    "code.npm-audit",
    "code.no-hardcoded-secrets",
    "code.security-headers",
    "database.default-credentials",
    "monitoring.access-logs",
    "monitoring.audit-logs",
    "monitoring.error-tracking",
    "monitoring.sentry",
];

/// A probe of the caller's (e.g. Rampart's alert sources) run with the others: the items it
/// speaks about, and its findings when done.
pub struct Group<'a> {
    pub items: Vec<&'static str>,
    pub probe: std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Finding>> + Send + 'a>>,
}

/// Reports each selected item's verdict as soon as nothing still to run can change it.
struct Tracker<'a, F> {
    selected: &'a [&'static Item],
    attestations: &'a HashMap<String, Attestation>,
    now: &'a str,
    /// Per selected item, how many planned groups may still speak about it.
    pending: HashMap<&'static str, usize>,
    findings: Vec<Finding>,
    sent: HashMap<&'static str, ItemResult>,
    sink: F,
}

impl<F: FnMut(&ItemResult)> Tracker<'_, F> {
    /// Counts `items` as awaited from one more group.
    fn plan(&mut self, items: &[&str]) {
        for (id, n) in self.pending.iter_mut() {
            if items.contains(id) {
                *n += 1;
            }
        }
    }

    /// Takes a finished group's findings and reports every item now decided.
    fn done(&mut self, findings: Vec<Finding>, items: &[&str]) {
        self.findings.extend(findings);
        for (id, n) in self.pending.iter_mut() {
            if items.contains(id) {
                *n = n.saturating_sub(1);
            }
        }
        for item in self.selected {
            if self.pending.get(item.id) != Some(&0) || self.sent.contains_key(item.id) {
                continue;
            }
            let own = self.findings.iter().filter(|f| f.item == item.id).cloned().collect();
            let result = report::combine(&[*item], own, self.attestations, self.now).remove(0);
            (self.sink)(&result);
            self.sent.insert(item.id, result);
        }
    }

    /// The whole selection combined; an item whose verdict differs from the one reported (a
    /// probe spoke about it unexpectedly) is reported again, so the last word always matches.
    fn finish(mut self) -> Vec<ItemResult> {
        let items = report::combine(
            self.selected,
            std::mem::take(&mut self.findings),
            self.attestations,
            self.now,
        );
        for item in &items {
            let same = self.sent.get(item.id).is_some_and(|s| {
                s.status == item.status && s.summary == item.summary && s.evidence == item.evidence
            });
            if !same {
                (self.sink)(item);
            }
        }
        items
    }
}

/// Runs every probe the selection needs; `finished` gives the end time when called.
pub async fn run(input: RunInput<'_>, finished: impl FnOnce() -> String) -> Report {
    run_with_progress(input, Vec::new(), finished, |_| {}).await
}

/// Like [`run`], reporting each item's result to `on_item` as soon as it is known: items decided
/// by the caller's records (and attestations) at once, then the items of each probe group (the
/// caller's `extra` groups, HTTP, TLS, databases, the repository) as that group finishes. Every
/// selected item is reported before this returns; the report's verdicts are the last ones sent.
pub async fn run_with_progress<'a>(
    input: RunInput<'a>,
    extra: Vec<Group<'a>>,
    finished: impl FnOnce() -> String,
    on_item: impl FnMut(&ItemResult) + Send,
) -> Report {
    let t = input.target;
    let sel = &input.selected;
    let mut early: Vec<Finding> = input.records;
    let mut client = None;
    let mut ca = None;
    if let Some(base) = &t.base {
        let ca_read = match &t.target.ca_file {
            Some(p) => std::fs::read(p)
                .map(Some)
                .map_err(|e| format!("could not read the CA file {}: {e}", p.display())),
            None => Ok(None),
        };
        match ca_read.and_then(|pem| {
            Client::new(base.clone(), pem.as_deref(), input.limits).map(|c| (c, pem))
        }) {
            Err(reason) => {
                for item in sel.iter().filter(|i| i.proof.contains(&crate::Proof::Live)) {
                    early.push(Finding::new(
                        item.id,
                        Status::unknown(reason.clone()),
                        "live probes could not start",
                    ));
                }
            }
            Ok((c, pem)) => {
                client = Some(c);
                ca = pem;
            }
        }
    }
    let tls_runs = client.is_some()
        && t.base.as_ref().is_some_and(|b| b.scheme() == "https")
        && wants(sel, TLS_ITEMS);
    let db_runs = wants(sel, DB_ITEMS) && !t.databases.is_empty();
    let repo_items: Vec<&str> = crate::catalog::items()
        .filter(|i| i.proof.contains(&crate::Proof::Repository))
        .map(|i| i.id)
        .chain(REPO_EXTRA.iter().copied())
        .collect();
    let mut tracker = Tracker {
        selected: sel,
        attestations: &input.attestations,
        now: &input.started,
        pending: sel.iter().map(|i| (i.id, 0)).collect(),
        findings: Vec::new(),
        sent: HashMap::new(),
        sink: on_item,
    };
    for g in &extra {
        tracker.plan(&g.items);
    }
    if client.is_some() {
        tracker.plan(HTTP_ITEMS);
    }
    if tls_runs {
        tracker.plan(TLS_ITEMS);
    }
    if db_runs {
        tracker.plan(DB_ITEMS);
    }
    if t.target.repo.is_some() {
        tracker.plan(&repo_items);
    }
    tracker.done(early, &[]);
    for g in extra {
        let found = g.probe.await;
        tracker.done(found, &g.items);
    }
    let mut headers = None;
    let mut tls_grade = None;
    if let (Some(client), Some(base)) = (&client, &t.base) {
        let (live_findings, graded) = http_probes(client, t, sel).await;
        headers = graded;
        tracker.done(live_findings, HTTP_ITEMS);
        if tls_runs {
            let (f, g) = tls::probe(base, ca.as_deref()).await;
            tls_grade = g.map(|(grade, caps)| TlsGrade { grade, caps });
            tracker.done(f, TLS_ITEMS);
        }
    }
    if db_runs {
        let mut found = Vec::new();
        for ep in &t.databases {
            found.extend(db::probe(ep).await);
        }
        tracker.done(found, DB_ITEMS);
    }
    if let Some(repo) = &t.target.repo {
        let found = crate::repo::scan(repo).await;
        tracker.done(found, &repo_items);
    }
    let items = tracker.finish();
    Report {
        target: t.target.name.clone(),
        started: input.started.clone(),
        finished: finished(),
        rule_pack: report::RULE_PACK,
        items,
        headers,
        tls: tls_grade,
    }
}

/// Most redirects on the target's host followed for a graded GET.
pub const MAX_HOPS: usize = 5;

async fn get(
    client: &Client,
    path: &str,
    findings: &mut Vec<Finding>,
    items: &[&'static str],
) -> Option<Exchange> {
    match follow(client, path).await {
        Ok(r) => Some(r),
        Err(e) => {
            for item in items {
                findings.push(Finding::new(
                    item,
                    Status::unknown(format!("GET {path}: {e}")),
                    format!("no answer from {path}"),
                ));
            }
            None
        }
    }
}

/// GETs `path`, following redirects that stay on the target's origin (at most [`MAX_HOPS`]),
/// so headers are graded where the answer lands; a loop or too many hops is an error with the
/// chain. A redirect to another origin is returned as it is (only the target is probed).
pub async fn follow(client: &Client, path: &str) -> Result<Exchange, String> {
    let mut url = client.base().join(path).map_err(|e| format!("bad path {path}: {e}"))?;
    let mut chain = vec![url.clone()];
    let shown = |chain: &[url::Url]| {
        chain.iter().map(|u| u.path().to_owned()).collect::<Vec<_>>().join(" -> ")
    };
    loop {
        let r = client.send_to(url.clone(), Req::get(path)).await?;
        if !(300..400).contains(&r.status) {
            return Ok(r);
        }
        let Some(next) = r.header("location").and_then(|l| url.join(l).ok()) else {
            return Ok(r);
        };
        if next.origin() != url.origin() {
            return Ok(r);
        }
        let looped = chain.contains(&next);
        chain.push(next.clone());
        if looped {
            return Err(format!("a redirect loop ({})", crate::status::trim(&shown(&chain))));
        }
        if chain.len() > MAX_HOPS + 1 {
            return Err(format!(
                "more than {MAX_HOPS} redirects ({})",
                crate::status::trim(&shown(&chain))
            ));
        }
        url = next;
    }
}

async fn http_probes(
    client: &Client,
    t: &ValidTarget,
    sel: &[&Item],
) -> (Vec<Finding>, Option<HeaderGrade>) {
    let mut f = Vec::new();
    let https = client.base().scheme() == "https";
    let host = client.base().host_str().unwrap_or_default().to_owned();
    let (redirect, redirection) = live::redirect(client, t.target.plain_port.unwrap_or(80)).await;
    f.extend(redirect);
    let header_items = ["transport.hsts", "transport.csp", "code.security-headers"];
    let root = get(client, "/", &mut f, &header_items).await;
    let preflight = client
        .send(
            Req { method: "OPTIONS", ..Req::get("/") }
                .header("origin", OBSERVATORY_ORIGIN)
                .header("access-control-request-method", "GET"),
        )
        .await
        .ok();
    let mut grade = None;
    if let Some(r) = &root {
        let g = observatory::grade(
            r,
            https,
            &host,
            redirection.clone(),
            observatory::cors(preflight.as_ref(), OBSERVATORY_ORIGIN),
        );
        grade = Some(HeaderGrade { score: g.score, grade: g.grade.to_owned() });
        f.extend(live::header_findings(r, &g, https));
    }
    let mut api = Vec::new();
    for path in &t.target.paths {
        if let Some(r) = get(client, path, &mut f, &header_items).await {
            let g = observatory::grade(
                &r,
                https,
                &host,
                redirection.clone(),
                observatory::cors(None, OBSERVATORY_ORIGIN),
            );
            f.extend(live::header_findings(&r, &g, https));
            api.push(r);
        }
    }
    if let Some(r) = get(client, NOT_FOUND_PATH, &mut f, &["code.error-leakage"]).await {
        let g = observatory::grade(
            &r,
            https,
            &host,
            redirection.clone(),
            observatory::cors(None, OBSERVATORY_ORIGIN),
        );
        // Headers on errors count too (ASVS: on all responses); HSTS/CSP only, not the helmet set.
        f.extend(
            live::header_findings(&r, &g, https)
                .into_iter()
                .filter(|x| x.item != "code.security-headers"),
        );
        f.push(live::leak_finding(&r, Evidence::request(r.line())));
    }
    let first_api = t.target.paths.first().map(String::as_str).unwrap_or("/");
    if wants(sel, &["api.cors"]) {
        let mut paths = vec!["/"];
        if first_api != "/" {
            paths.push(first_api);
        }
        f.extend(cors::probe(client, &paths).await);
    }
    f.extend(live::rate_limit_findings(if api.is_empty() { root.as_slice() } else { &api }));
    if wants(sel, &["api.input-validation", "code.error-leakage"]) {
        // Every API path (at most three), or `/` when none is given.
        let paths: Vec<&str> = match t.target.paths.as_slice() {
            [] => vec!["/"],
            many => many.iter().take(3).map(String::as_str).collect(),
        };
        for path in paths {
            f.extend(input::probe(client, path).await);
        }
    }
    if let (true, Some(path)) =
        (t.target.login_burst && wants(sel, &["auth.login-rate-limit"]), &t.target.login_path)
    {
        f.push(live::login_burst(client, path).await);
    }
    (f, grade)
}
