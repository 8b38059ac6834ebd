//! One check run: the live probes, the database probes and the repository scan a target allows,
//! for the selected items only, combined with the caller's findings from Rampart's records and
//! with attestations into a [`Report`]. Time comes in
//! from the caller; nothing here reads the clock.

use crate::catalog::Item;
use crate::probe::client::{Client, Exchange, Limits, Req};
use crate::probe::{cors, db, input, live, observatory, tls};
use crate::report::{self, HeaderGrade, Report, TlsGrade};
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

/// Runs every probe the selection needs; `finished` gives the end time when called.
pub async fn run(input: RunInput<'_>, finished: impl FnOnce() -> String) -> Report {
    let t = input.target;
    let sel = &input.selected;
    let mut findings: Vec<Finding> = input.records;
    let mut headers = None;
    let mut tls_grade = None;
    if let Some(base) = &t.base {
        let ca = match &t.target.ca_file {
            Some(p) => std::fs::read(p)
                .map(Some)
                .map_err(|e| format!("could not read the CA file {}: {e}", p.display())),
            None => Ok(None),
        };
        let client = ca
            .and_then(|ca| Client::new(base.clone(), ca.as_deref(), input.limits).map(|c| (c, ca)));
        match client {
            Err(reason) => {
                for item in sel.iter().filter(|i| i.proof.contains(&crate::Proof::Live)) {
                    findings.push(Finding::new(
                        item.id,
                        Status::unknown(reason.clone()),
                        "live probes could not start",
                    ));
                }
            }
            Ok((client, ca)) => {
                let (live_findings, graded) = http_probes(&client, t, sel).await;
                findings.extend(live_findings);
                headers = graded;
                if base.scheme() == "https"
                    && wants(sel, &["transport.https", "transport.certificate"])
                {
                    let (f, g) = tls::probe(base, ca.as_deref()).await;
                    findings.extend(f);
                    tls_grade = g.map(|(grade, caps)| TlsGrade { grade, caps });
                }
            }
        }
    }
    if wants(sel, &["database.auth", "database.network"]) {
        for ep in &t.databases {
            findings.extend(db::probe(ep).await);
        }
    }
    if let Some(repo) = &t.target.repo {
        findings.extend(crate::repo::scan(repo).await);
    }
    let selected_ids: Vec<&str> = sel.iter().map(|i| i.id).collect();
    findings.retain(|f| selected_ids.contains(&f.item));
    let items = report::combine(sel, findings, &input.attestations, &input.started);
    Report {
        target: t.target.name.clone(),
        started: input.started,
        finished: finished(),
        rule_pack: report::RULE_PACK,
        items,
        headers,
        tls: tls_grade,
    }
}

async fn get(
    client: &Client,
    path: &str,
    findings: &mut Vec<Finding>,
    items: &[&'static str],
) -> Option<Exchange> {
    match client.send(Req::get(path)).await {
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
