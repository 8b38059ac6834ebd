//! A run exported for a pre-production sign-off, as Markdown or as a printable HTML page: per
//! section each item's status, summary, evidence, remediation and ASVS ids, the attestations
//! (who, note, expiry), the header score and grade, the TLS grade with its caps, and the audit
//! chain's head at export so the document can be checked against the log later. Every field
//! that came from a target, a person or a probed server is escaped for the format (a hostile
//! `<script>` in a header value prints as text).

use crate::Section;
use crate::report::Report;
use crate::status::Status;

/// The two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl Format {
    /// `md` or `html` (as on the command line); anything else is refused with the choices.
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            other => Err(format!("{other:?} is not a report format: use md or html")),
        }
    }
}

/// One attestation of the target as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportAttestation {
    pub item: String,
    pub by: String,
    pub note: String,
    /// RFC 3339.
    pub date: String,
    pub expires: Option<String>,
    pub expired: bool,
}

/// What the report says besides the run: when it was exported and the audit chain's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportMeta {
    /// RFC 3339.
    pub exported_at: String,
    /// The run's id in Rampart's history.
    pub run_id: i64,
    /// The newest audit entry before the export: its sequence number and hash.
    pub audit_seq: i64,
    pub audit_hash: String,
    /// `verified (N entries)` or why the chain does not verify.
    pub audit_state: String,
    pub attestations: Vec<ExportAttestation>,
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for one Markdown line: no raw HTML, no emphasis, links or code spans, no line
/// breaks (a hostile value cannot start a heading or a list of its own).
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn status_word(s: &Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Warn => "WARN",
        Status::Unknown { .. } => "UNKNOWN",
        Status::Attested(_) => "ATTESTED",
        Status::Na => "N/A",
    }
}

fn attested_line(a: &ExportAttestation) -> String {
    let until = match (&a.expires, a.expired) {
        (Some(e), true) => format!("expired {e}"),
        (Some(e), false) => format!("until {e}"),
        (None, _) => "no expiry".into(),
    };
    format!("{}: by {} on {}, {until}: {}", a.item, a.by, a.date, a.note)
}

fn counts(report: &Report) -> String {
    report
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report in `format`.
pub fn render(report: &Report, meta: &ExportMeta, format: Format) -> String {
    match format {
        Format::Markdown => markdown(report, meta),
        Format::Html => html(report, meta),
    }
}

fn markdown(r: &Report, m: &ExportMeta) -> String {
    let e = md_escape;
    let mut o = String::new();
    o.push_str(&format!("# Security checklist: {}\n\n", e(&r.target)));
    o.push_str(&format!(
        "- Run {}: started {}, finished {}\n",
        m.run_id,
        e(&r.started),
        e(&r.finished)
    ));
    o.push_str(&format!("- Result: {}\n", e(&counts(r))));
    if let Some(h) = &r.headers {
        o.push_str(&format!("- Security headers: {} (score {})\n", e(&h.grade), h.score));
    }
    if let Some(t) = &r.tls {
        o.push_str(&format!("- TLS grade: {}\n", e(&t.grade)));
        for cap in &t.caps {
            o.push_str(&format!("  - {}\n", e(cap)));
        }
    }
    o.push_str(&format!("- Rule pack: {}\n", e(r.rule_pack)));
    o.push_str(&format!("- Exported: {}\n", e(&m.exported_at)));
    o.push_str(&format!(
        "- Audit chain at export: entry {} hash `{}` ({})\n",
        m.audit_seq,
        m.audit_hash.chars().filter(char::is_ascii_hexdigit).collect::<String>(),
        e(&m.audit_state)
    ));
    for section in Section::ALL {
        let items: Vec<_> = r.items.iter().filter(|i| i.section == section).collect();
        if items.is_empty() {
            continue;
        }
        o.push_str(&format!("\n## {}\n", e(section.title())));
        for i in items {
            o.push_str(&format!(
                "\n### {} {} ({})\n\n",
                status_word(&i.status),
                e(i.title),
                e(i.id)
            ));
            o.push_str(&format!("- Summary: {}\n", e(&i.summary)));
            if let Status::Unknown { reason } = &i.status
                && reason != &i.summary
            {
                o.push_str(&format!("- Reason: {}\n", e(reason)));
            }
            for ev in &i.evidence {
                let place = match (&ev.file, ev.line) {
                    (Some(f), Some(l)) => format!(" ({}:{l})", e(f)),
                    (Some(f), None) => format!(" ({})", e(f)),
                    _ => String::new(),
                };
                o.push_str(&format!("- Evidence, {}{place}: {}\n", e(&ev.kind), e(&ev.text)));
            }
            o.push_str(&format!("- Remediation: {}\n", e(i.remediation)));
            o.push_str(&format!("- ASVS: {}\n", e(&i.asvs.join(", "))));
        }
    }
    o.push_str("\n## Attestations\n\n");
    if m.attestations.is_empty() {
        o.push_str("None.\n");
    }
    for a in &m.attestations {
        o.push_str(&format!("- {}\n", e(&attested_line(a))));
    }
    o
}

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
color:#111}h1{font-size:1.6rem}h2{border-bottom:1px solid #999;margin-top:2rem}\
.item{margin:.8rem 0;padding:.4rem .6rem;border-left:4px solid #999;break-inside:avoid}\
.pass{border-color:#2a7}.fail{border-color:#c22}.warn{border-color:#d90}\
.attested{border-color:#36c}.status{font-weight:bold}code{font-size:.85em;word-break:break-all}\
dl{margin:.2rem 0}dt{font-weight:bold;float:left;clear:left;width:7rem}dd{margin-left:7.5rem}\
@media print{body{margin:0;max-width:none}a{color:inherit}}";

fn html(r: &Report, m: &ExportMeta) -> String {
    let e = html_escape;
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    o.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n",
    );
    o.push_str(&format!("<title>Security checklist: {}</title>\n", e(&r.target)));
    o.push_str(&format!("<style>{CSS}</style></head><body>\n"));
    o.push_str(&format!("<h1>Security checklist: {}</h1>\n<dl>\n", e(&r.target)));
    let row = |o: &mut String, k: &str, v: String| {
        o.push_str(&format!("<dt>{}</dt><dd>{v}</dd>\n", e(k)));
    };
    row(
        &mut o,
        "Run",
        format!("{}: started {}, finished {}", m.run_id, e(&r.started), e(&r.finished)),
    );
    row(&mut o, "Result", e(&counts(r)));
    if let Some(h) = &r.headers {
        row(&mut o, "Headers", format!("{} (score {})", e(&h.grade), h.score));
    }
    if let Some(t) = &r.tls {
        let caps: Vec<String> = t.caps.iter().map(|c| e(c)).collect();
        row(&mut o, "TLS grade", format!("{} {}", e(&t.grade), caps.join("; ")));
    }
    row(&mut o, "Rule pack", e(r.rule_pack));
    row(&mut o, "Exported", e(&m.exported_at));
    row(
        &mut o,
        "Audit chain",
        format!(
            "entry {} hash <code>{}</code> ({})",
            m.audit_seq,
            e(&m.audit_hash),
            e(&m.audit_state)
        ),
    );
    o.push_str("</dl>\n");
    for section in Section::ALL {
        let items: Vec<_> = r.items.iter().filter(|i| i.section == section).collect();
        if items.is_empty() {
            continue;
        }
        o.push_str(&format!("<h2>{}</h2>\n", e(section.title())));
        for i in items {
            o.push_str(&format!(
                "<div class=\"item {}\"><div><span class=\"status\">{}</span> {} <code>{}</code></div>\n<dl>\n",
                i.status.name(),
                status_word(&i.status),
                e(i.title),
                e(i.id)
            ));
            row(&mut o, "Summary", e(&i.summary));
            if let Status::Unknown { reason } = &i.status
                && reason != &i.summary
            {
                row(&mut o, "Reason", e(reason));
            }
            for ev in &i.evidence {
                let place = match (&ev.file, ev.line) {
                    (Some(f), Some(l)) => format!(" <code>{}:{l}</code>", e(f)),
                    (Some(f), None) => format!(" <code>{}</code>", e(f)),
                    _ => String::new(),
                };
                row(&mut o, "Evidence", format!("{}{place}: {}", e(&ev.kind), e(&ev.text)));
            }
            row(&mut o, "Remediation", e(i.remediation));
            row(&mut o, "ASVS", e(&i.asvs.join(", ")));
            o.push_str("</dl></div>\n");
        }
    }
    o.push_str("<h2>Attestations</h2>\n<ul>\n");
    if m.attestations.is_empty() {
        o.push_str("<li>None.</li>\n");
    }
    for a in &m.attestations {
        o.push_str(&format!("<li>{}</li>\n", e(&attested_line(a))));
    }
    o.push_str("</ul>\n</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::report::{HeaderGrade, RULE_PACK, TlsGrade, combine};
    use crate::status::{Evidence, Finding};
    use std::collections::HashMap;

    const HOSTILE: &str =
        "<script>alert(1)</script>\n# owned [x](javascript:y) `z` | \"q\" 'r' &amp;";

    fn report() -> (Report, ExportMeta) {
        let items = catalog::select(&["transport.csp".into(), "compliance.gdpr".into()]).unwrap();
        let findings = vec![
            Finding::new("transport.csp", Status::Fail, format!("bad CSP {HOSTILE}"))
                .with(Evidence::header("content-security-policy", HOSTILE))
                .with(Evidence::file(HOSTILE, Some(3), "x")),
        ];
        let r = Report {
            target: "web".into(),
            started: "2026-01-01T00:00:00Z".into(),
            finished: "2026-01-01T00:00:02Z".into(),
            rule_pack: RULE_PACK,
            items: combine(&items, findings, &HashMap::new(), "2026-01-01T00:00:00Z"),
            headers: Some(HeaderGrade { score: 45, grade: "C-".into() }),
            tls: Some(TlsGrade { grade: "B".into(), caps: vec!["B: TLS 1.0 is offered".into()] }),
        };
        let meta = ExportMeta {
            exported_at: "2026-01-02T00:00:00Z".into(),
            run_id: 7,
            audit_seq: 12,
            audit_hash: "ab".repeat(32),
            audit_state: "verified (12 entries)".into(),
            attestations: vec![ExportAttestation {
                item: "compliance.gdpr".into(),
                by: HOSTILE.into(),
                note: HOSTILE.into(),
                date: "2026-01-01T00:00:00Z".into(),
                expires: Some("2026-04-01T00:00:00Z".into()),
                expired: false,
            }],
        };
        (r, meta)
    }

    #[test]
    fn html_carries_every_field_and_escapes_hostile_text() {
        let (r, m) = report();
        let out = render(&r, &m, Format::Html);
        assert!(!out.contains("<script>"), "a hostile value is never markup");
        assert_eq!(out.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count(), 5, "{out}");
        assert!(out.contains("&quot;q&quot; &#39;r&#39; &amp;amp;"));
        for needed in [
            "FAIL</span> CSP headers set",
            "Evidence</dt><dd>header: content-security-policy: &lt;script&gt;",
            "Remediation</dt>",
            "ASVS</dt><dd>3.4.3",
            "C- (score 45)",
            "TLS grade</dt><dd>B B: TLS 1.0 is offered",
            &format!("entry 12 hash <code>{}</code> (verified (12 entries))", "ab".repeat(32)),
            "until 2026-04-01T00:00:00Z",
            "Run</dt><dd>7: started 2026-01-01T00:00:00Z",
            "@media print",
        ] {
            assert!(out.contains(needed), "{needed} missing in\n{out}");
        }
    }

    #[test]
    fn markdown_carries_every_field_and_escapes_hostile_text() {
        let (r, m) = report();
        let out = render(&r, &m, Format::Markdown);
        assert!(!out.contains("<script>") && !out.contains("\n# owned"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\# owned \\[x\\]"),
            "{out}"
        );
        for needed in [
            "# Security checklist: web",
            "## Transport Security",
            "### FAIL CSP headers set",
            "- Evidence, file (&lt;script&gt;",
            "- Remediation: ",
            "- ASVS: 3.4.3",
            "- Security headers: C- (score 45)",
            "- TLS grade: B\n  - B: TLS 1.0 is offered",
            "### UNKNOWN ",
            "- Audit chain at export: entry 12 hash `abab",
            "## Attestations\n\n- compliance.gdpr: by &lt;script&gt;",
        ] {
            assert!(out.contains(needed), "{needed} missing in\n{out}");
        }
    }

    #[test]
    fn formats_parse_or_are_refused() {
        assert_eq!(Format::parse("md"), Ok(Format::Markdown));
        assert_eq!(Format::parse("html"), Ok(Format::Html));
        assert!(Format::parse("pdf").unwrap_err().contains("use md or html"));
    }
}
