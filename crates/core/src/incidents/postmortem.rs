//! Postmortem exports: Markdown from an editable template (settings `incidents.postmortem`,
//! a blameless default) whose `{{placeholders}}` are filled in one pass (a field that holds
//! `{{...}}` stays as written), and a printable HTML page of the same template (its headings,
//! lists and paragraphs) with every field escaped (the page carries no script and loads
//! nothing).

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

/// Placeholders holding a list, drawn as a list (or the timeline as a table) in HTML when
/// they stand alone on a template line.
const LISTS: [&str; 3] = ["timeline", "action_items", "links"];

/// The names every template may use.
pub const PLACEHOLDERS: [&str; 13] = [
    "title",
    "id",
    "severity",
    "status",
    "owner",
    "opened",
    "resolved",
    "summary",
    "impact",
    "timeline",
    "root_cause",
    "action_items",
    "links",
];

/// One template line filled for HTML: the template's own text and every value escaped (line
/// breaks in values become `<br>`), `_emphasis_` of the template kept as `<em>`.
fn html_line(line: &str, values: &[(&'static str, String)]) -> String {
    let mut out = String::new();
    let mut rest = line;
    let literal = |text: &str| {
        let escaped = escape(text);
        // `_` opens emphasis at a word start when another `_` follows, and closes it.
        let parts: Vec<&str> = escaped.split('_').collect();
        let mut em = String::new();
        let mut open = false;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                let before = parts[i - 1];
                if open {
                    em.push_str("</em>");
                    open = false;
                } else if (before.is_empty() || before.ends_with(' '))
                    && !part.is_empty()
                    && !part.starts_with(' ')
                    && i + 1 < parts.len()
                {
                    em.push_str("<em>");
                    open = true;
                } else {
                    em.push('_');
                }
            }
            em.push_str(part);
        }
        em
    };
    while let Some(start) = rest.find("{{") {
        out.push_str(&literal(&rest[..start]));
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) if v == TODO => out.push_str("<em>(to be written)</em>"),
                    Some((_, v)) => out.push_str(&escape(v).replace('\n', "<br>")),
                    None => out.push_str(&escape(&rest[start..start + 2 + end + 2])),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&escape(&rest[start..]));
                rest = "";
            }
        }
    }
    out.push_str(&literal(rest));
    out
}

/// The list placeholders as HTML: the timeline as a table, the others as lists.
fn html_list(name: &str, d: &IncidentDetail) -> String {
    let e = |t: &str| escape(t).replace('\n', "<br>");
    let i = &d.incident;
    let todo = "<p><em>(to be written)</em></p>\n";
    match name {
        "timeline" if d.timeline.is_empty() => todo.into(),
        "timeline" => {
            let mut h =
                String::from("<table>\n<tr><th>Time</th><th>What</th><th>Details</th></tr>\n");
            for t in &d.timeline {
                h.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    e(&t.at),
                    e(&t.kind),
                    e(&t.text)
                ));
            }
            h.push_str("</table>\n");
            h
        }
        "action_items" if i.action_items.is_empty() => todo.into(),
        "action_items" => {
            let items: Vec<String> =
                i.action_items.iter().map(|a| format!("<li>{}</li>\n", e(a))).collect();
            format!("<ul class=\"todo\">\n{}</ul>\n", items.concat())
        }
        _ if i.links.is_empty() => "<p>none</p>\n".into(),
        _ => {
            let items: Vec<String> = i
                .links
                .iter()
                .map(|l| format!("<li>{}: {}</li>\n", e(&l.kind), e(&l.target)))
                .collect();
            format!("<ul>\n{}</ul>\n", items.concat())
        }
    }
}

/// The printable page of the same template as the Markdown: its headings (`#`..`######`),
/// list items (`- `, `- [ ] `), emphasis (`_text_`) and paragraphs, filled in one pass with
/// every value escaped; a list placeholder alone on a line is drawn as a table or list. The
/// structure comes from the template only: a field cannot add a heading or markup.
pub fn render_html(template: &str, d: &IncidentDetail) -> String {
    let values = fields(d);
    let i = &d.incident;
    let mut body = String::new();
    let mut in_list = false;
    let mut para: Vec<String> = Vec::new();
    let flush = |body: &mut String, para: &mut Vec<String>| {
        if !para.is_empty() {
            body.push_str(&format!("<p>{}</p>\n", para.join("<br>")));
            para.clear();
        }
    };
    for line in template.lines() {
        let trimmed = line.trim();
        let item = trimmed.strip_prefix("- [ ] ").or_else(|| trimmed.strip_prefix("- "));
        if in_list && item.is_none() {
            body.push_str("</ul>\n");
            in_list = false;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        let list_name = trimmed
            .strip_prefix("{{")
            .and_then(|t| t.strip_suffix("}}"))
            .map(str::trim)
            .filter(|n| LISTS.contains(n));
        if trimmed.is_empty() {
            flush(&mut body, &mut para);
        } else if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
            flush(&mut body, &mut para);
            let text = html_line(trimmed[hashes..].trim(), &values);
            body.push_str(&format!("<h{hashes}>{text}</h{hashes}>\n"));
        } else if let Some(name) = list_name {
            flush(&mut body, &mut para);
            body.push_str(&html_list(name, d));
        } else if let Some(text) = item {
            flush(&mut body, &mut para);
            if !in_list {
                body.push_str("<ul>\n");
                in_list = true;
            }
            body.push_str(&format!("<li>{}</li>\n", html_line(text, &values)));
        } else {
            para.push(html_line(trimmed, &values));
        }
    }
    flush(&mut body, &mut para);
    if in_list {
        body.push_str("</ul>\n");
    }
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    h.push_str(&format!("<title>Postmortem: {} (incident #{})</title>\n", escape(&i.title), i.id));
    h.push_str("<style>body{font:14px/1.5 sans-serif;max-width:50em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}ul.todo li::before{content:'\\2610  '}ul.todo{list-style:none}@media print{body{margin:0}}</style>\n</head><body>\n");
    h.push_str(&body);
    h.push_str("</body></html>\n");
    h
}

/// Checks a template: at most 64 KiB of plain text (line breaks and tabs allowed), with at
/// least one placeholder and only known ones.
pub fn validate_template(template: &str) -> Result<()> {
    let names = PLACEHOLDERS.join(", ");
    if template.len() > 64 * 1024 {
        return Err(CoreError::InvalidInput("the template is over 64 KiB: shorten it".into()));
    }
    if template.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(CoreError::InvalidInput(
            "the template holds control characters: use plain text".into(),
        ));
    }
    let mut used = 0;
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(CoreError::InvalidInput(format!(
                "a {{{{ is never closed with }}}}: write placeholders as {{{{title}}}} ({names})"
            )));
        };
        let name = after[..end].trim();
        if !PLACEHOLDERS.contains(&name) {
            return Err(CoreError::InvalidInput(format!(
                "{{{{{name}}}}} is not a placeholder: use {names}"
            )));
        }
        used += 1;
        rest = &after[end + 2..];
    }
    if used == 0 {
        return Err(CoreError::InvalidInput(format!(
            "the template uses no placeholder: add some of {names}, e.g. {{{{title}}}} and {{{{timeline}}}}"
        )));
    }
    Ok(())
}

impl Rampart {
    /// The postmortem template (the blameless default when unset).
    pub fn postmortem_template_get(&self) -> Result<String> {
        Ok(self.store.setting::<String>(KEY)?.unwrap_or_else(|| DEFAULT_TEMPLATE.into()))
    }

    /// Whether the template is the blameless default.
    pub fn postmortem_template_is_default(&self) -> Result<bool> {
        Ok(self.store.setting::<String>(KEY)?.is_none())
    }

    /// Replaces the template both exports follow (checked by [`validate_template`]); audited
    /// as a settings change.
    pub fn postmortem_template_set(&self, template: &str) -> Result<()> {
        validate_template(template)?;
        self.store.transaction(|store| {
            store.set_setting(KEY, &template)?;
            store.audit(self.now(), AuditAction::Settings, "postmortem template")?;
            Ok(())
        })?;
        Ok(())
    }

    /// Goes back to the blameless default; audited.
    pub fn postmortem_template_reset(&self) -> Result<()> {
        self.store.transaction(|store| {
            store.set_setting(KEY, &serde_json::Value::Null)?;
            store.audit(self.now(), AuditAction::Settings, "postmortem template: default")?;
            Ok(())
        })?;
        Ok(())
    }

    /// Incident `id` as a postmortem: `md` (the template) or `html` (the printable page).
    /// Audited as an export.
    pub fn incident_export(&self, id: i64, format: &str) -> Result<String> {
        let detail = self.incident_detail(id)?;
        let text = match format {
            "md" | "markdown" => render_markdown(&self.postmortem_template_get()?, &detail),
            "html" => render_html(&self.postmortem_template_get()?, &detail),
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
