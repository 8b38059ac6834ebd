//! Rendering the security report: [`render_markdown`] and [`render_html`] (a printable page,
//! every field escaped, no script) are pure; values are worded in their unit and trends in
//! words.

use super::{KpiTrend, SecurityReport, Trend};
use crate::incidents::postmortem::escape;
use crate::kpi::{KpiRange, KpiSource};
use crate::{CoreError, Result};

/// A value in its unit: `12.50%`, `250 ms`, `1.20 s`, `0.35 cores`, `3.0/h`, `1.4/day`.
pub fn format_value(unit: &str, v: f64) -> String {
    match unit {
        "ratio" => format!("{:.2}%", v * 100.0),
        "seconds" if v.abs() < 1.0 => format!("{:.0} ms", v * 1000.0),
        "seconds" => format!("{v:.2} s"),
        "cores" => format!("{v:.2} cores"),
        "perHour" => format!("{v:.1}/h"),
        "perDay" => format!("{v:.1}/day"),
        _ => format!("{v}"),
    }
}

/// A change in the KPI's unit, signed.
fn format_change(unit: &str, change: f64) -> String {
    let sign = if change > 0.0 {
        "+"
    } else if change < 0.0 {
        "-"
    } else {
        "±"
    };
    let magnitude = match unit {
        "ratio" => format!("{:.2} pts", change.abs() * 100.0),
        _ => format_value(unit, change.abs()),
    };
    format!("{sign}{magnitude}")
}

fn range_words(range: KpiRange) -> &'static str {
    match range {
        KpiRange::Day => "24 hours",
        KpiRange::Week => "7 days",
        KpiRange::Month => "30 days",
    }
}

/// The plain-text cells of one KPI: this period, previous, trend, threshold, status.
fn cells(k: &KpiTrend) -> [String; 5] {
    let unit = k.def.unit;
    let value = |v: Option<f64>| v.map_or_else(|| "unknown".into(), |v| format_value(unit, v));
    let trend = match (k.trend, k.change) {
        (Trend::Unknown, _) | (_, None) => "unknown".to_owned(),
        (Trend::Same, _) => "about the same".to_owned(),
        (t, Some(c)) => {
            let arrow = if c > 0.0 { "▲" } else { "▼" };
            let word = if t == Trend::Better { "better" } else { "worse" };
            format!("{arrow} {} ({word})", format_change(unit, c))
        }
    };
    let threshold = match k.def.threshold {
        Some(t) => {
            let side = if t.above_is_bad { "≤" } else { "≥" };
            format!("{side} {} ({})", format_value(unit, t.value), t.from)
        }
        None => "none".to_owned(),
    };
    let status = match (k.breached, k.current) {
        (true, _) => "BREACHED".to_owned(),
        (false, Some(_)) => "ok".to_owned(),
        (false, None) => format!("unknown: {}", k.note.as_deref().unwrap_or("no value")),
    };
    [value(k.current), value(k.previous), trend, threshold, status]
}

fn counts(report: &SecurityReport) -> (usize, usize) {
    let breached = report.kpis.iter().filter(|k| k.breached).count();
    let unknown = report.kpis.iter().filter(|k| k.current.is_none()).count();
    (breached, unknown)
}

fn sources(report: &SecurityReport) -> String {
    match &report.prometheus {
        Some(p) => format!("Prometheus {p:?} and Rampart's records"),
        None => "Rampart's records (no Prometheus configured)".to_owned(),
    }
}

/// Markdown-safe text for a table cell or list item: no line breaks, pipes escaped, and no
/// raw HTML a viewer could render.
fn md(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A code span that holds any text (a longer fence when the text has backticks).
fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let mut fence = "`".to_owned();
    while text.contains(&fence) {
        fence.push('`');
    }
    format!("{fence} {text} {fence}")
}

/// The report as Markdown.
pub fn render_markdown(report: &SecurityReport) -> String {
    let (breached, unknown) = counts(report);
    let words = range_words(report.range);
    let mut out = format!(
        "# Security report: the last {words}\n\n\
         This period: {} to {} (UTC), compared with the {words} before ({} to {}).\n\
         From {}; a Prometheus KPI is its value at the end of each period.\n\n\
         **{breached} of {} KPIs past their threshold, {unknown} unknown.**\n\n\
         | KPI | This period | Previous | Trend | Threshold | Status |\n\
         |---|---|---|---|---|---|\n",
        report.from,
        report.to,
        report.previous_from,
        report.from,
        md(&sources(report)),
        report.kpis.len(),
    );
    for k in &report.kpis {
        let c = cells(k).map(|c| md(&c));
        let status = if k.breached { format!("**{}**", c[4]) } else { c[4].clone() };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {status} |\n",
            md(k.def.title),
            c[0],
            c[1],
            c[2],
            c[3]
        ));
    }
    let notes: Vec<String> = report
        .kpis
        .iter()
        .filter_map(|k| {
            let mut parts = Vec::new();
            if let Some(d) = &k.detail {
                parts.push(d.clone());
            }
            if k.current.is_some()
                && let Some(p) = k.previous_note.as_deref().filter(|p| !p.is_empty())
            {
                parts.push(format!("previous period unknown: {p}"));
            }
            (!parts.is_empty()).then(|| format!("- {}: {}", md(k.def.title), md(&parts.join("; "))))
        })
        .collect();
    if !notes.is_empty() {
        out.push_str(&format!("\n## Notes\n\n{}\n", notes.join("\n")));
    }
    let queries: Vec<String> = report
        .kpis
        .iter()
        .filter(|k| k.def.source == KpiSource::Prometheus)
        .filter_map(|k| k.query.as_deref().map(|q| format!("- {}: {}", md(k.def.title), code(q))))
        .collect();
    if !queries.is_empty() {
        out.push_str(&format!("\n## Queries\n\n{}\n", queries.join("\n")));
    }
    out
}

/// The report as a printable HTML page: every field escaped, breached rows marked, no script,
/// nothing loaded.
pub fn render_html(report: &SecurityReport) -> String {
    let (breached, unknown) = counts(report);
    let words = range_words(report.range);
    let e = |t: &str| escape(t);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    h.push_str(&format!("<title>Security report: the last {words}</title>\n"));
    h.push_str("<style>body{font:14px/1.5 sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}tr.breached td{background:#fde2e2;font-weight:bold}tr.unknown td{color:#555}code{font-size:90%;word-break:break-all}@media print{body{margin:0}tr{break-inside:avoid}}</style>\n</head><body>\n");
    h.push_str(&format!("<h1>Security report: the last {words}</h1>\n"));
    h.push_str(&format!(
        "<p>This period: {} to {} (UTC), compared with the {words} before ({} to {}).<br>From {}; a Prometheus KPI is its value at the end of each period.</p>\n",
        e(&report.from),
        e(&report.to),
        e(&report.previous_from),
        e(&report.from),
        e(&sources(report)),
    ));
    h.push_str(&format!(
        "<p><strong>{breached} of {} KPIs past their threshold, {unknown} unknown.</strong></p>\n",
        report.kpis.len()
    ));
    h.push_str("<table>\n<tr><th>KPI</th><th>This period</th><th>Previous</th><th>Trend</th><th>Threshold</th><th>Status</th></tr>\n");
    for k in &report.kpis {
        let class = match (k.breached, k.current.is_some()) {
            (true, _) => "breached",
            (false, true) => "ok",
            (false, false) => "unknown",
        };
        let c = cells(k);
        let mut title = e(k.def.title);
        if let Some(d) = &k.detail {
            title.push_str(&format!("<br><small>{}</small>", e(d)));
        }
        if k.current.is_some()
            && let Some(p) = k.previous_note.as_deref().filter(|p| !p.is_empty())
        {
            title.push_str(&format!("<br><small>previous period unknown: {}</small>", e(p)));
        }
        h.push_str(&format!(
            "<tr class=\"{class}\"><td>{title}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            e(&c[0]),
            e(&c[1]),
            e(&c[2]),
            e(&c[3]),
            e(&c[4])
        ));
    }
    h.push_str("</table>\n");
    let queries: Vec<String> = report
        .kpis
        .iter()
        .filter(|k| k.def.source == KpiSource::Prometheus)
        .filter_map(|k| {
            k.query
                .as_deref()
                .map(|q| format!("<li>{}: <code>{}</code></li>\n", e(k.def.title), e(q)))
        })
        .collect();
    if !queries.is_empty() {
        h.push_str(&format!("<h2>Queries</h2>\n<ul>\n{}</ul>\n", queries.concat()));
    }
    h.push_str("</body></html>\n");
    h
}

/// Refuses a format other than `md` (or `markdown`) and `html`, before anything runs.
pub fn check_format(format: &str) -> Result<()> {
    match format {
        "md" | "markdown" | "html" => Ok(()),
        other => Err(CoreError::InvalidInput(format!(
            "{other:?} is not a report format: use md or html"
        ))),
    }
}

/// `md` or `html`.
pub fn render(report: &SecurityReport, format: &str) -> Result<String> {
    check_format(format)?;
    Ok(match format {
        "html" => render_html(report),
        _ => render_markdown(report),
    })
}

#[cfg(test)]
mod tests {
    use super::super::trend;
    use super::*;
    use crate::kpi::KPIS;

    fn hostile_report() -> SecurityReport {
        let evil = "<script>alert(1)</script> | \"q\" 'x' &amp;\n# heading";
        let mut kpis: Vec<KpiTrend> = KPIS
            .iter()
            .map(|def| KpiTrend {
                def: *def,
                query: def.default_query.map(|_| format!("up{{job=\"{evil}\"}} `tick`")),
                current: Some(0.5),
                previous: Some(0.25),
                change: Some(0.25),
                trend: Trend::Worse,
                breached: false,
                note: None,
                previous_note: Some(String::new()),
                detail: None,
            })
            .collect();
        kpis[0].current = None;
        kpis[0].trend = Trend::Unknown;
        kpis[0].note = Some(format!("bad_data: {evil} <img src=x onerror=alert(2)>"));
        kpis[1].breached = true;
        kpis[7].detail = Some("</td><iframe src=javascript:alert(3)>".into());
        SecurityReport {
            range: KpiRange::Week,
            from: "2027-01-08T08:00:00Z".into(),
            to: "2027-01-15T08:00:00Z".into(),
            previous_from: "2027-01-01T08:00:00Z".into(),
            prometheus: Some("\"><svg onload=alert(4)>".into()),
            kpis,
        }
    }

    #[test]
    fn hostile_fields_are_escaped_in_html_and_kept_in_their_cell_in_markdown() {
        let report = hostile_report();
        let html = render_html(&report);
        for bad in ["<script", "<img", "<iframe", "<svg", "javascript:alert(3)>"] {
            assert!(!html.contains(bad), "{bad} got through:\n{html}");
        }
        assert!(
            html.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt; | &quot;q&quot; &#39;x&#39; &amp;amp;"
            ),
            "{html}"
        );
        assert!(
            html.contains("default-src 'none'")
                && !html.contains("<link")
                && !html.contains("src=\"")
        );
        assert_eq!(html.matches("<tr class=\"breached\">").count(), 1);
        assert!(html.contains("From Prometheus &quot;\\&quot;&gt;&lt;svg"), "{html}");

        let md = render_markdown(&report);
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
        assert_eq!(rows.len(), 10, "a header and nine rows, none broken by a field:\n{md}");
        assert!(rows.iter().all(|r| r.matches(" | ").count() == 5), "{md}");
        // Outside code spans no raw HTML at all; a query is a code span (never rendered),
        // fenced past its own backticks, on one line.
        let (text, queries) = md.split_once("## Queries").unwrap();
        assert!(!text.contains('<') && text.contains("&lt;img src=x"), "{text}");
        assert!(!md.lines().any(|l| l.starts_with("# heading")), "{md}");
        assert!(queries.contains("- API error rate: `` up{job=\"<script>"), "{queries}");
        assert!(
            queries.lines().filter(|l| l.starts_with("- ")).all(|l| l.ends_with(" ``")),
            "{queries}"
        );
    }

    #[test]
    fn the_report_puts_breached_first_and_unknown_last_and_words_the_trend() {
        let report = hostile_report();
        let md = render_markdown(&report);
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).skip(1).collect();
        // hostile_report is unsorted: sorting is run()'s job; here the cells.
        assert!(rows[1].contains("**BREACHED**"), "{}", rows[1]);
        assert!(rows[0].contains("unknown: bad_data"), "{}", rows[0]);
        assert!(
            rows[1].contains("▲ +25.00 pts (worse)")
                && rows[1].contains("≤ 5.00% (alert HighErrorRate)"),
            "{}",
            rows[1]
        );
        assert!(md.contains("**1 of 9 KPIs past their threshold, 1 unknown.**"), "{md}");
        let def = KPIS[6]; // uptime: below is bad
        assert_eq!(trend(&def, Some(0.99), Some(0.999)), (Some(0.99 - 0.999), Trend::Worse));
        assert_eq!(trend(&def, Some(1.0), Some(0.99)).1, Trend::Better);
        assert_eq!(trend(&KPIS[7], Some(3.0), Some(1.0)).1, Trend::Worse, "more security events");
        assert_eq!(trend(&KPIS[7], Some(0.3), Some(0.1 + 0.2)).1, Trend::Same);
        assert_eq!(
            trend(&KPIS[6], Some(0.9995), Some(0.999)).1,
            Trend::Better,
            "small moves count"
        );
        assert_eq!(trend(&KPIS[7], None, Some(1.0)), (None, Trend::Unknown));
        assert!(render(&report, "pdf").unwrap_err().to_string().contains("use md or html"));
    }
}
