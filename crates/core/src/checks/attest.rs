//! Attestations: a person's word, with a note, a name and an expiry, for a checklist item of one
//! target that Rampart cannot prove. Stored per target and item (attesting again replaces the
//! earlier word), audited as `attest` / `unattest`; a run applies them to items left `unknown`,
//! and an expired one shows as unknown with "attestation expired on ...".

use super::{catalog, not_found};
use crate::views::rfc3339;
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_checks::Attestation;
use rampart_store::checks::AttestationRow;
use serde::Serialize;
use std::collections::HashMap;

/// The longest expiry accepted: an attestation is re-checked at least every three years.
const MAX_DAYS: i64 = 3 * 366;
const DAY: i64 = 86_400;

/// One attestation as front ends show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AttestationView {
    pub item: String,
    pub note: String,
    pub by: String,
    /// RFC 3339.
    pub date: String,
    pub expires: Option<String>,
    /// Whether it no longer counts (now is past its expiry).
    pub expired: bool,
}

/// Parses an expiry: a duration from `now` (`90d`, `12w`, `1y`) or a date (`2026-12-31`, the
/// start of that day in UTC, or an RFC 3339 time). Returns unix seconds; it must lie in the
/// future and at most three years ahead.
pub fn parse_expiry(text: &str, now: i64) -> Result<i64> {
    let text = text.trim();
    let bad = || {
        CoreError::InvalidInput(format!(
            "{text:?} is not an expiry: write a duration (90d, 12w, 1y) or a date (2026-12-31)"
        ))
    };
    let at = if let Some((n, unit)) = text
        .find(|c: char| !c.is_ascii_digit())
        .filter(|i| *i > 0)
        .map(|i| text.split_at(i))
        .filter(|(_, unit)| ["d", "w", "y"].contains(unit))
    {
        let n: i64 = n.parse().map_err(|_| bad())?;
        let days = match unit {
            "d" => n,
            "w" => n.saturating_mul(7),
            _ => n.saturating_mul(365),
        };
        now.saturating_add(days.saturating_mul(DAY))
    } else if let Ok(t) =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
    {
        t.unix_timestamp()
    } else {
        let parts: Vec<&str> = text.split('-').collect();
        let [y, m, d] = parts.as_slice() else { return Err(bad()) };
        let month: u8 = m.parse().map_err(|_| bad())?;
        let date = time::Date::from_calendar_date(
            y.parse().map_err(|_| bad())?,
            time::Month::try_from(month).map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        )
        .map_err(|_| bad())?;
        date.midnight().assume_utc().unix_timestamp()
    };
    if at <= now {
        return Err(CoreError::InvalidInput(format!(
            "the expiry {text} ({}) is not in the future",
            rfc3339(at)
        )));
    }
    if at > now + MAX_DAYS * DAY {
        return Err(CoreError::InvalidInput(format!(
            "the expiry {text} is more than three years away; attest for at most 3y and check again then"
        )));
    }
    Ok(at)
}

fn check_text(what: &str, text: &str, max: usize) -> Result<()> {
    if text.trim().is_empty() {
        return Err(CoreError::InvalidInput(format!("an attestation needs {what}")));
    }
    if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(CoreError::InvalidInput(format!(
            "{what} must be at most {max} characters without control characters"
        )));
    }
    Ok(())
}

impl Rampart {
    /// Attests `item` for `target` with a note, who attests, and when it expires (unix seconds,
    /// see [`parse_expiry`]). An unknown item id is refused with the list of valid ids.
    pub fn check_attest(
        &self,
        target: &str,
        item: &str,
        note: &str,
        by: &str,
        expires: i64,
    ) -> Result<AttestationView> {
        if catalog::item(item).is_none() {
            let ids: Vec<&str> = catalog::items().map(|i| i.id).collect();
            return Err(CoreError::InvalidInput(format!(
                "{item:?} is not a checklist item; valid ids: {}",
                ids.join(", ")
            )));
        }
        self.store.check_target(target).map_err(|_| not_found(target))?;
        check_text("a note (what was checked, and how)", note, 1000)?;
        check_text("who attests (--by)", by, 100)?;
        if expires <= self.now() {
            return Err(CoreError::InvalidInput("the expiry must be in the future".into()));
        }
        let row = AttestationRow {
            target: target.into(),
            item: item.into(),
            note: note.trim().into(),
            by: by.trim().into(),
            at: self.now(),
            expires: Some(expires),
        };
        let subject =
            format!("check-target:{target} {item} by {} until {}", row.by, rfc3339(expires));
        self.store.transaction(|store| {
            store.upsert_attestation(&row)?;
            store.audit(self.now(), AuditAction::Attest, &subject)
        })?;
        Ok(self.attestation_view(row))
    }

    /// Withdraws the attestation of `item` for `target`.
    pub fn check_unattest(&self, target: &str, item: &str) -> Result<()> {
        self.store.check_target(target).map_err(|_| not_found(target))?;
        self.store
            .transaction(|store| {
                store.delete_attestation(target, item)?;
                store.audit(
                    self.now(),
                    AuditAction::Unattest,
                    &format!("check-target:{target} {item}"),
                )
            })
            .map_err(|e| match CoreError::from(e) {
                CoreError::NotFound(_) => CoreError::NotFound(format!(
                    "{item} is not attested for {target}; `rampart check target show {target}` \
                     lists its attestations"
                )),
                other => other,
            })?;
        Ok(())
    }

    /// A target's attestations, by item.
    pub fn check_attestations(&self, target: &str) -> Result<Vec<AttestationView>> {
        Ok(self.store.attestations(target)?.into_iter().map(|r| self.attestation_view(r)).collect())
    }

    /// The attestations a run applies, by item id.
    pub(super) fn attestation_map(&self, target: &str) -> Result<HashMap<String, Attestation>> {
        Ok(self
            .store
            .attestations(target)?
            .into_iter()
            .map(|r| {
                let a = Attestation {
                    note: r.note,
                    by: r.by,
                    date: rfc3339(r.at),
                    expires: r.expires.map(rfc3339),
                };
                (r.item, a)
            })
            .collect())
    }

    fn attestation_view(&self, r: AttestationRow) -> AttestationView {
        AttestationView {
            expired: r.expires.is_some_and(|e| e <= self.now()),
            item: r.item,
            note: r.note,
            by: r.by,
            date: rfc3339(r.at),
            expires: r.expires.map(rfc3339),
        }
    }
}
