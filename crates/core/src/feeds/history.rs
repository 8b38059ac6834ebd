//! The alert history both front ends write: what one alerts poll saw, reduced to one
//! observation per alert ([`observations`], pure), handed to the store, which appends a
//! transition for each alert that started firing, was silenced (or inhibited) or went away.
//! The desktop monitor records every poll; `rampart alerts` records its own, so an incident's
//! timeline does not depend on which front end was running.

use super::AlertsReport;
use crate::{Rampart, Result};
use rampart_store::alert_history::{AlertObservation, TransitionRow};
use std::collections::BTreeMap;

fn label(labels: &BTreeMap<String, String>, key: &str) -> String {
    labels.get(key).cloned().unwrap_or_default()
}

fn summary(annotations: &BTreeMap<String, String>) -> String {
    annotations
        .get("summary")
        .or_else(|| annotations.get("description"))
        .cloned()
        .unwrap_or_default()
}

/// The fingerprint of a Prometheus alert (Prometheus has none of its own): its sorted labels.
pub fn prom_fingerprint(labels: &BTreeMap<String, String>) -> String {
    let key: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("prom:{}", key.join(","))
}

/// One observation per alert of `report`: Alertmanager's alerts when any Alertmanager is
/// configured (active = `firing`, suppressed = `silenced` with the silences and inhibiting
/// alerts as detail), else Prometheus's firing alerts.
pub fn observations(report: &AlertsReport, has_alertmanager: bool) -> Vec<AlertObservation> {
    if has_alertmanager {
        return report
            .groups
            .iter()
            .flat_map(|g| &g.alerts)
            .map(|a| {
                let s = &a.alert.status;
                let muted = s.state == "suppressed";
                let by: Vec<&str> =
                    s.silenced_by.iter().chain(&s.inhibited_by).map(String::as_str).collect();
                AlertObservation {
                    fingerprint: a.alert.fingerprint.clone(),
                    alertname: a.alertname().to_owned(),
                    severity: label(&a.alert.labels, "severity"),
                    service: label(&a.alert.labels, "service"),
                    summary: summary(&a.alert.annotations),
                    state: if muted { "silenced" } else { "firing" }.into(),
                    detail: if muted { by.join(",") } else { String::new() },
                }
            })
            .collect();
    }
    report
        .prometheus
        .iter()
        .flat_map(|p| &p.alerts)
        .filter(|a| a.state == "firing")
        .map(|a| AlertObservation {
            fingerprint: prom_fingerprint(&a.labels),
            alertname: label(&a.labels, "alertname"),
            severity: label(&a.labels, "severity"),
            service: label(&a.labels, "service"),
            summary: summary(&a.annotations),
            state: "firing".into(),
            detail: String::new(),
        })
        .collect()
}

impl Rampart {
    /// Records what an alerts poll saw in the alert history; a poll with a failed source
    /// resolves nothing. Returns the transitions appended.
    pub fn record_alert_history(&self, report: &AlertsReport) -> Result<Vec<TransitionRow>> {
        let has_am = !self.store.list_sources(super::KIND_AM)?.is_empty();
        let seen = observations(report, has_am);
        let complete = report.errors.is_empty();
        Ok(self.store.record_alert_states(&seen, self.now_ms(), complete)?)
    }

    /// The alert that started firing most recently and still fires (not silenced), from the
    /// alert history: what the tray offers to open an incident for.
    pub fn newest_firing_alert(&self) -> Result<Option<TransitionRow>> {
        Ok(self
            .store
            .open_alert_states()?
            .into_values()
            .filter(|t| t.state == "firing")
            .max_by_key(|t| t.at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_feeds::alertmanager::{Alert, AlertGroup, AlertStatus, AmAlert};
    use rampart_feeds::prometheus::PromAlert;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn am(fp: &str, state: &str, silenced_by: &[&str]) -> Alert {
        Alert {
            alert: AmAlert {
                fingerprint: fp.into(),
                labels: labels(&[("alertname", "DatabaseDown"), ("severity", "critical")]),
                annotations: labels(&[("description", "db gone")]),
                starts_at: "2027-01-15T08:00:00Z".into(),
                ends_at: None,
                generator_url: None,
                status: AlertStatus {
                    state: state.into(),
                    silenced_by: silenced_by.iter().map(|s| s.to_string()).collect(),
                    inhibited_by: Vec::new(),
                },
            },
            sources: vec!["am".into()],
        }
    }

    #[test]
    fn suppressed_alerts_are_silenced_with_their_silences_and_prometheus_is_the_fallback() {
        let group = AlertGroup {
            alertname: "DatabaseDown".into(),
            severity: "critical".into(),
            service: String::new(),
            alerts: vec![am("a", "active", &[]), am("b", "suppressed", &["s1", "s2"])],
        };
        let prom = PromAlert {
            labels: labels(&[("alertname", "HighCPUUsage"), ("severity", "warning")]),
            annotations: BTreeMap::new(),
            state: "firing".into(),
            active_at: None,
            value: None,
        };
        let pending = PromAlert { state: "pending".into(), ..prom.clone() };
        let report = AlertsReport {
            groups: vec![group],
            prometheus: vec![super::super::PromReport {
                name: "p".into(),
                readiness: None,
                alerts: vec![prom, pending],
                rule_groups: Vec::new(),
            }],
            errors: Vec::new(),
        };
        let seen = observations(&report, true);
        let states: Vec<(&str, &str, &str)> = seen
            .iter()
            .map(|o| (o.fingerprint.as_str(), o.state.as_str(), o.detail.as_str()))
            .collect();
        assert_eq!(states, [("a", "firing", ""), ("b", "silenced", "s1,s2")]);
        assert_eq!(seen[0].summary, "db gone");
        let seen = observations(&report, false);
        assert_eq!(seen.len(), 1, "pending Prometheus alerts are not firing");
        assert_eq!(seen[0].fingerprint, "prom:alertname=HighCPUUsage,severity=warning");
        assert_eq!(seen[0].alertname, "HighCPUUsage");
    }
}
