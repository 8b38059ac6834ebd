//! Postmortem exports: Markdown from an editable template (settings `incidents.postmortem`,
//! a blameless default) whose `{{placeholders}}` are filled in one pass (a field that holds
//! `{{...}}` stays as written), and a printable HTML page of the same sections with every
//! field escaped (the page carries no script and loads nothing).

use super::IncidentDetail;
use crate::{AuditAction, CoreError, Rampart, Result};

const KEY: &str = "incidents.postmortem";

/// The blameless default.
pub const DEFAULT_TEMPLATE: &str = "# Postmortem: {{title}} (incident #{{id}})

_Blameless: this describes what happened and how the system let it happen, not who to blame._

- Severity: {{severity}}
- Status: {{status}}
- Owner: {{owner}}
- Opened: {{opened}} (UTC)
- Resolved: {{resolved}} (UTC)

## Summary
{{summary}}

## Impact
{{impact}}

## Timeline (UTC)
{{timeline}}

## Root cause
{{root_cause}}

## Action items
{{action_items}}

## Linked alerts and services
{{links}}
";

const TODO: &str = "_(to be written)_";

fn or_todo(text: &str) -> String {
    if text.trim().is_empty() { TODO.into() } else { text.to_owned() }
}

/// The values of every placeholder.
fn fields(d: &IncidentDetail) -> Vec<(&'static str, String)> {
    let i = &d.incident;
    let timeline: Vec<String> =
        d.timeline.iter().map(|e| format!("- {} [{}] {}", e.at, e.kind, e.text)).collect();
    let items: Vec<String> = i.action_items.iter().map(|a| format!("- [ ] {a}")).collect();
    let links: Vec<String> =
        i.links.iter().map(|l| format!("- {}: {}", l.kind, l.target)).collect();
    let list = |v: Vec<String>| if v.is_empty() { TODO.to_owned() } else { v.join("\n") };
    vec![
        ("title", i.title.clone()),
        ("id", i.id.to_string()),
        ("severity", format!("{} ({})", i.severity.as_str(), i.severity_definition)),
        ("status", i.status.as_str().into()),
        ("owner", i.owner.clone().unwrap_or_else(|| "nobody".into())),
        ("opened", i.opened_at.clone()),
        ("resolved", i.resolved_at.clone().unwrap_or_else(|| "not yet".into())),
        ("summary", or_todo(&i.summary)),
        ("impact", or_todo(&i.impact)),
        ("root_cause", or_todo(&i.root_cause)),
        ("action_items", list(items)),
        ("timeline", list(timeline)),
        ("links", if links.is_empty() { "none".into() } else { links.join("\n") }),
    ]
}

/// Fills `template` in one pass; unknown placeholders stay as written.
pub fn render_markdown(template: &str, d: &IncidentDetail) -> String {
    let values = fields(d);
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The printable page.
pub fn render_html(d: &IncidentDetail) -> String {
    let i = &d.incident;
    let e = |t: &str| escape(t);
    let para = |t: &str| {
        format!(
            "<p>{}</p>",
            if t.trim().is_empty() {
                "<em>(to be written)</em>".into()
            } else {
                e(t).replace('\n', "<br>")
            }
        )
    };
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    h.push_str(&format!("<title>Postmortem: {}</title>\n", e(&i.title)));
    h.push_str("<style>body{font:14px/1.5 sans-serif;max-width:50em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}@media print{body{margin:0}}</style>\n</head><body>\n");
    h.push_str(&format!("<h1>Postmortem: {} (incident #{})</h1>\n", e(&i.title), i.id));
    h.push_str("<p><em>Blameless: this describes what happened and how the system let it happen, not who to blame.</em></p>\n<table>\n");
    let owner = i.owner.clone().unwrap_or_else(|| "nobody".into());
    let resolved = i.resolved_at.clone().unwrap_or_else(|| "not yet".into());
    let severity = format!("{} ({})", i.severity.as_str(), i.severity_definition);
    for (k, v) in [
        ("Severity", severity.as_str()),
        ("Status", i.status.as_str()),
        ("Owner", &owner),
        ("Opened (UTC)", &i.opened_at),
        ("Resolved (UTC)", &resolved),
    ] {
        h.push_str(&format!("<tr><th>{k}</th><td>{}</td></tr>\n", e(v)));
    }
    h.push_str("</table>\n<h2>Summary</h2>\n");
    h.push_str(&para(&i.summary));
    h.push_str("\n<h2>Impact</h2>\n");
    h.push_str(&para(&i.impact));
    h.push_str(
        "\n<h2>Timeline (UTC)</h2>\n<table>\n<tr><th>Time</th><th>What</th><th>Details</th></tr>\n",
    );
    for t in &d.timeline {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            e(&t.at),
            e(&t.kind),
            e(&t.text)
        ));
    }
    h.push_str("</table>\n<h2>Root cause</h2>\n");
    h.push_str(&para(&i.root_cause));
    h.push_str("\n<h2>Action items</h2>\n<ul>\n");
    for a in &i.action_items {
        h.push_str(&format!("<li>{}</li>\n", e(a)));
    }
    h.push_str("</ul>\n<h2>Linked alerts and services</h2>\n<ul>\n");
    for l in &i.links {
        h.push_str(&format!("<li>{}: {}</li>\n", e(&l.kind), e(&l.target)));
    }
    h.push_str("</ul>\n</body></html>\n");
    h
}

impl Rampart {
    /// The postmortem template (the blameless default when unset).
    pub fn postmortem_template(&self) -> Result<String> {
        Ok(self.store.setting::<String>(KEY)?.unwrap_or_else(|| DEFAULT_TEMPLATE.into()))
    }

    /// Saves the template (None: back to the default).
    pub fn set_postmortem_template(&self, template: Option<&str>) -> Result<()> {
        let value = template.unwrap_or(DEFAULT_TEMPLATE);
        if value.len() > 64 * 1024 || !value.contains("{{") {
            return Err(CoreError::InvalidInput(
                "a template is at most 64 KiB and uses {{placeholders}} such as {{title}} and {{timeline}}".into(),
            ));
        }
        self.store.transaction(|store| {
            store.set_setting(KEY, &value)?;
            store.audit(self.now(), AuditAction::Settings, "postmortem template")?;
            Ok(())
        })?;
        Ok(())
    }

    /// Incident `id` as a postmortem: `md` (the template) or `html` (the printable page).
    /// Audited as an export.
    pub fn incident_export(&self, id: i64, format: &str) -> Result<String> {
        let detail = self.incident_detail(id)?;
        let text = match format {
            "md" | "markdown" => render_markdown(&self.postmortem_template()?, &detail),
            "html" => render_html(&detail),
            other => {
                return Err(CoreError::InvalidInput(format!(
                    "{other:?} is not an export format: use md or html"
                )));
            }
        };
        self.audit(AuditAction::Export, &format!("incident:{id} postmortem {format}"))?;
        Ok(text)
    }
}
