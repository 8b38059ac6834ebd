//! Postmortems: the template filled once, hostile fields escaped.

use super::*;

#[test]
fn postmortems_fill_the_template_once_and_the_html_escapes_hostile_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _clock) = app(dir.path());
    let evil = "<script>alert(1)</script> & \"quoted\" 'x' {{summary}}";
    let mut n = new(Origin::Manual);
    n.title = evil.into();
    n.alerts = vec!["<img src=x onerror=alert(2)>".into()];
    let id = app.incident_open(&n).unwrap().id;
    app.incident_note(id, "<iframe src=javascript:alert(3)>", None).unwrap();
    let fields = lifecycle::PostmortemFields {
        impact: Some("Users saw 500s for 12 min".into()),
        root_cause: Some("</p><a href=\"javascript:alert(4)\">x</a>".into()),
        action_items: Some(vec!["Alert on disk > 80%".into()]),
    };
    app.incident_set_postmortem(id, &fields).unwrap();
    app.incident_set_status(id, Status::Resolved, Some("freed disk"), true).unwrap();

    let md = app.incident_export(id, "md").unwrap();
    assert!(md.starts_with(&format!("# Postmortem: {evil} (incident #1)")), "{md}");
    assert!(md.contains("## Impact\nUsers saw 500s for 12 min"), "{md}");
    assert!(md.contains("- [ ] Alert on disk > 80%"), "{md}");
    assert!(md.contains("- alert: <img src=x onerror=alert(2)>"), "{md}");
    assert!(md.contains("_Blameless"), "{md}");
    assert_eq!(
        md.matches("freed disk").count(),
        2,
        "summary and the timeline, {{summary}} in a field stays: {md}"
    );

    let html = app.incident_export(id, "html").unwrap();
    // The default template's sections, in its order.
    let order: Vec<usize> = [
        "<h1>Postmortem: ",
        "<em>Blameless",
        "<li>Severity: P3",
        "<h2>Summary</h2>",
        "<h2>Impact</h2>",
        "<h2>Timeline (UTC)</h2>\n<table>",
        "<h2>Root cause</h2>",
        "<h2>Action items</h2>",
        "<h2>Linked alerts and services</h2>\n<ul>\n<li>alert: &lt;img",
    ]
    .iter()
    .map(|h| html.find(h).unwrap_or_else(|| panic!("{h} missing: {html}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for bad in ["<script", "<img", "<iframe", "<a href", "javascript:alert(4)\">"] {
        assert!(!html.contains(bad), "{bad} got through: {html}");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;x&#39;"),
        "{html}"
    );
    assert!(html.contains("default-src 'none'"), "the page loads nothing");
    assert!(html.contains("<h2>Summary</h2>\n<p>freed disk</p>"), "{html}");
    assert!(!html.contains("_(to be written)_"), "{html}");
    assert!(html.contains("<li>Alert on disk &gt; 80%</li>"));

    // Both exports follow an edited template; unknown placeholders are refused when saving.
    let e = app.postmortem_template_set("## {{title}}\n{{nope}} {{root_cause}}").unwrap_err();
    assert!(e.to_string().contains("{{nope}} is not a placeholder: use title, id"), "{e}");
    assert!(
        app.postmortem_template_set("no placeholders")
            .unwrap_err()
            .to_string()
            .contains("uses no placeholder")
    );
    assert!(
        app.postmortem_template_set("{{title").unwrap_err().to_string().contains("never closed")
    );
    assert!(
        app.postmortem_template_set("{{title}}\u{1b}[2J")
            .unwrap_err()
            .to_string()
            .contains("control characters")
    );
    assert!(app.postmortem_template_is_default().unwrap());
    let custom = "# Review of {{title}}\n_No blame._ Owner: {{owner}}\n\n## What we saw\n{{timeline}}\n\n## Fixes\n{{action_items}}\n- follow up in a week\n\n## Why\n{{root_cause}}\n";
    app.postmortem_template_set(custom).unwrap();
    assert_eq!(app.postmortem_template_get().unwrap(), custom);
    assert!(!app.postmortem_template_is_default().unwrap());
    let md = app.incident_export(id, "md").unwrap();
    assert!(md.starts_with(&format!("# Review of {evil}\n_No blame._")), "{md}");
    assert!(!md.contains("## Impact"), "{md}");
    let html = app.incident_export(id, "html").unwrap();
    assert!(html.contains("<h1>Review of &lt;script&gt;alert(1)&lt;/script&gt; &amp;"), "{html}");
    assert!(html.contains("<p><em>No blame.</em> Owner: "), "{html}");
    assert!(html.contains("<h2>What we saw</h2>\n<table>"), "{html}");
    assert!(html.contains("<h2>Fixes</h2>\n<ul class=\"todo\">\n<li>Alert on disk &gt; 80%</li>\n</ul>\n<ul>\n<li>follow up in a week</li>"), "{html}");
    assert!(html.contains("<h2>Why</h2>\n<p>&lt;/p&gt;&lt;a href=&quot;javascript:alert(4)&quot;&gt;x&lt;/a&gt;</p>"), "{html}");
    assert!(
        !html.contains("Impact") && !html.contains("<script") && !html.contains("<a href"),
        "{html}"
    );
    app.postmortem_template_reset().unwrap();
    assert!(app.postmortem_template_is_default().unwrap());
    assert!(app.incident_export(id, "md").unwrap().contains("## Impact"));
    assert!(app.incident_export(id, "pdf").unwrap_err().to_string().contains("use md or html"));
    let audit: Vec<String> = app
        .audit_log(20)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.subject))
        .collect();
    assert!(audit.contains(&"export incident:1 postmortem md".to_owned()), "{audit:?}");
    assert!(audit.contains(&"settings postmortem template".to_owned()), "{audit:?}");
    assert!(audit.contains(&"settings postmortem template: default".to_owned()), "{audit:?}");
    // Unknown placeholders in a stored template (from an older version) stay as written.
    let d = app.incident_detail(id).unwrap();
    assert_eq!(postmortem::render_markdown("{{nope}} {{id}}", &d), "{{nope}} 1");
    assert_eq!(
        postmortem::render_html("{{nope}} {{id}}", &d).matches("<p>{{nope}} 1</p>").count(),
        1
    );
}
