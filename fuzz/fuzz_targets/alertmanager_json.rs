//! Alertmanager API v2 answers: the alerts list (then merged as from an HA pair, grouped, and
//! acknowledged with a silence per group) and the silences list, parsed as the client does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_feeds::alertmanager::{AmAlert, Silence, group, merge, silence_for};
use rampart_feeds::retry::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    if let Ok(alerts) = parse::<Vec<AmAlert>>("Alertmanager fuzz", body) {
        let merged = merge(vec![("a".into(), alerts.clone()), ("b".into(), alerts)]);
        for g in group(merged) {
            let members: Vec<_> = g.alerts.iter().collect();
            let _ = silence_for(&members, 1_700_000_000, 3600, "rampart", "fuzz");
            let _ = serde_json::to_string(&g);
        }
    }
    let _ = parse::<Vec<Silence>>("Alertmanager fuzz", body);
});
