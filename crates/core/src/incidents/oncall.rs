//! Who is on call at level 1: a weekly rotation among named contacts (weeks start at the
//! rota's anchor, by default Monday 00:00 UTC), with overrides (someone covers from one time
//! until another; the latest override added wins). [`on_call`] is pure: time is passed in.

use super::escalation::Policy;
use crate::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// Monday 1970-01-05 00:00 UTC.
pub const MONDAY: i64 = 4 * 86_400;
const WEEK: i64 = 7 * 86_400;

/// Someone covering for the rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "RotaOverride"))]
pub struct Override {
    pub contact: String,
    /// Unix seconds, inclusive.
    pub from: i64,
    /// Unix seconds, exclusive.
    pub until: i64,
}

/// The weekly rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Rota {
    /// Contact names in turn; empty = level 1's contacts in order.
    pub contacts: Vec<String>,
    /// When the first person's week starts (unix seconds); later weeks follow every 7 days.
    pub start: i64,
    pub overrides: Vec<Override>,
}

impl Default for Rota {
    fn default() -> Self {
        Self { contacts: Vec::new(), start: MONDAY, overrides: Vec::new() }
    }
}

impl Rota {
    /// Every name must be a contact of the policy; overrides must end after they start.
    pub fn validate(&self, policy: &Policy) -> Result<()> {
        let names = self.contacts.iter().chain(self.overrides.iter().map(|o| &o.contact));
        for name in names {
            if policy.contact(name).is_none() {
                return Err(CoreError::InvalidInput(format!(
                    "the rota names {name:?}, who is not a contact: add them to a level first"
                )));
            }
        }
        if let Some(o) = self.overrides.iter().find(|o| o.until <= o.from) {
            return Err(CoreError::InvalidInput(format!(
                "the override for {} ends before it starts",
                o.contact
            )));
        }
        Ok(())
    }
}

/// The people in turn: the rota's own list, else level 1's contacts in order.
fn people(rota: &Rota, policy: &Policy) -> Vec<String> {
    match rota.contacts.is_empty() {
        false => rota.contacts.clone(),
        true => policy
            .levels
            .first()
            .map(|l| l.contacts.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default(),
    }
}

/// `after`'s rota realigned after its people changed (a contact added or removed), so whoever
/// the rotation had on call at `now` under `before` still is; when that person left the turn,
/// the next one in turn is. Weeks keep their boundaries: only whose week it is moves.
/// Overrides are left as they are.
pub fn realign(before: &Policy, after: &Policy, now: i64) -> Rota {
    let mut rota = after.rota.clone();
    let (old, new) = (people(&before.rota, before), people(&rota, after));
    if old.is_empty() || new.is_empty() {
        return rota;
    }
    let current = (now - before.rota.start).div_euclid(WEEK).rem_euclid(old.len() as i64) as usize;
    let Some(want) =
        (0..old.len()).map(|k| &old[(current + k) % old.len()]).find(|p| new.contains(p))
    else {
        return rota;
    };
    let index = new.iter().position(|p| p == want).unwrap_or(0) as i64;
    let week = (now - rota.start).div_euclid(WEEK);
    rota.start += (week - index).rem_euclid(new.len() as i64) * WEEK;
    rota
}

/// The contact on call at `now` (unix seconds): the latest override covering `now`, else the
/// rotation's person of the week. None when nobody is in the rotation.
pub fn on_call(rota: &Rota, policy: &Policy, now: i64) -> Option<String> {
    if let Some(o) = rota.overrides.iter().rev().find(|o| (o.from..o.until).contains(&now)) {
        return Some(o.contact.clone());
    }
    let people = people(rota, policy);
    if people.is_empty() {
        return None;
    }
    let week = (now - rota.start).div_euclid(WEEK);
    Some(people[week.rem_euclid(people.len() as i64) as usize].clone())
}

/// Who is on call now, with how to reach them (the Overview and `rampart oncall --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OnCallNow {
    pub on_call: Option<String>,
    pub contact: Option<super::escalation::Contact>,
}

impl crate::Rampart {
    /// Who is on call at level 1 now, from the stored policy and rota.
    pub fn on_call_now(&self) -> Result<OnCallNow> {
        let policy = self.escalation_policy()?;
        let on_call = on_call(&policy.rota, &policy, self.now());
        let contact = on_call.as_deref().and_then(|n| policy.contact(n)).cloned();
        Ok(OnCallNow { on_call, contact })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::escalation::Contact;

    fn policy(names: &[&str]) -> Policy {
        let mut p = Policy::default();
        p.levels[0].contacts = names
            .iter()
            .map(|n| Contact { name: n.to_string(), email: None, phone: None, slack: None })
            .collect();
        p
    }

    #[test]
    fn weeks_rotate_from_monday_and_overrides_win() {
        let p = policy(&["ana", "bo", "cy"]);
        let mut rota = Rota::default();
        // 2027-01-11 is a Monday.
        let monday = 1_799_625_600;
        assert_eq!(on_call(&rota, &p, monday).as_deref(), Some("cy"));
        assert_eq!(
            on_call(&rota, &p, monday - 1).as_deref(),
            Some("bo"),
            "Sunday 23:59:59 is last week"
        );
        assert_eq!(on_call(&rota, &p, monday + WEEK).as_deref(), Some("ana"));
        assert_eq!(on_call(&rota, &p, monday + 3 * WEEK + 86_400).as_deref(), Some("cy"));
        assert_eq!(on_call(&rota, &p, MONDAY - 1).as_deref(), Some("cy"), "before the anchor too");
        rota.contacts = vec!["bo".into(), "ana".into()];
        rota.start = monday;
        assert_eq!(on_call(&rota, &p, monday).as_deref(), Some("bo"));
        assert_eq!(on_call(&rota, &p, monday + WEEK).as_deref(), Some("ana"));
        rota.overrides.push(Override {
            contact: "cy".into(),
            from: monday + 3600,
            until: monday + 7200,
        });
        rota.overrides.push(Override {
            contact: "ana".into(),
            from: monday + 5400,
            until: monday + 9000,
        });
        assert_eq!(on_call(&rota, &p, monday + 3600).as_deref(), Some("cy"));
        assert_eq!(
            on_call(&rota, &p, monday + 6000).as_deref(),
            Some("ana"),
            "the latest override wins"
        );
        assert_eq!(on_call(&rota, &p, monday + 9000).as_deref(), Some("bo"), "until is exclusive");
        rota.validate(&p).unwrap();
        rota.contacts.push("zed".into());
        assert!(
            rota.validate(&p).unwrap_err().to_string().contains("\"zed\", who is not a contact")
        );
        assert_eq!(on_call(&Rota::default(), &policy(&[]), monday), None);
    }
}
