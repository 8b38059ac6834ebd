//! The escalation policy's contacts one by one (`rampart contacts add|list|rm`, the desktop's
//! contact list): each contact sits on a level (1-based) with an email, a phone and a Slack user
//! or channel, each checked for its shape. Adding and removing edit the stored policy and are
//! audited as settings changes; the on-call rota follows (see [`super::oncall::realign`]).

use super::escalation::{Contact, Policy};
use crate::{AuditAction, CoreError, Rampart, Result};
use serde::Serialize;

/// A contact as listed, with its level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    /// 1-based.
    pub level: u32,
    pub level_name: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub slack: Option<String>,
}

fn invalid(message: String) -> CoreError {
    CoreError::InvalidInput(message)
}

/// `local@domain.tld`: one `@`, no spaces or control characters, a dot in the domain.
pub fn check_email(email: &str) -> Result<()> {
    let bad =
        || invalid(format!("{email:?} is not an email address: write it as name@example.com"));
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    if local.is_empty() || domain.contains('@') || !domain.contains('.') || !labels_ok {
        return Err(bad());
    }
    Ok(())
}

/// A phone number: an optional leading `+`, then 4 to 20 digits (spaces and dashes between
/// them are allowed for reading).
pub fn check_phone(phone: &str) -> Result<()> {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    let count = digits.chars().filter(char::is_ascii_digit).count();
    let shape = digits.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.ends_with(|c: char| c.is_ascii_digit());
    if !shape || !(4..=20).contains(&count) {
        return Err(invalid(format!(
            "{phone:?} is not a phone number: use digits with an optional leading + \
             (e.g. +44 20 7946 0958)"
        )));
    }
    Ok(())
}

/// A Slack user id (`U`/`W` and 2-20 capitals or digits, e.g. `U123ABC`) or a channel (`#`
/// and 1-80 lowercase letters, digits, `-`, `_`, e.g. `#security`).
pub fn check_slack(slack: &str) -> Result<()> {
    let ok = match slack.strip_prefix('#') {
        Some(channel) => {
            (1..=80).contains(&channel.len())
                && channel
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        }
        None => {
            let mut chars = slack.chars();
            matches!(chars.next(), Some('U' | 'W'))
                && (2..=20).contains(&chars.clone().count())
                && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "{slack:?} is not a Slack user id or channel: use a member id such as U123ABC \
             (Slack profile > Copy member ID) or a channel such as #security"
        )))
    }
}

impl Contact {
    /// A name of 1-128 plain characters, and each given field in its shape.
    pub fn validate(&self) -> Result<()> {
        let name = super::check_text("contact name", &self.name, 128)?;
        if name != self.name || name.contains('\n') || name.contains('\t') {
            return Err(invalid(format!(
                "the contact name {:?} has surrounding spaces or line breaks: write it on one line",
                self.name
            )));
        }
        let who = &self.name;
        let context = |e: CoreError| match e {
            CoreError::InvalidInput(m) => invalid(format!("{who}: {m}")),
            other => other,
        };
        if let Some(e) = &self.email {
            check_email(e).map_err(context)?;
        }
        if let Some(p) = &self.phone {
            check_phone(p).map_err(context)?;
        }
        if let Some(s) = &self.slack {
            check_slack(s).map_err(context)?;
        }
        Ok(())
    }
}

/// Every contact of `policy` with its level, in level order.
pub fn list(policy: &Policy) -> Vec<ContactView> {
    policy
        .levels
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            l.contacts.iter().map(move |c| ContactView {
                level: i as u32 + 1,
                level_name: l.name.clone(),
                name: c.name.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                slack: c.slack.clone(),
            })
        })
        .collect()
}

fn level_index(policy: &Policy, level: u32) -> Result<usize> {
    let n = policy.levels.len();
    match level as usize {
        l if (1..=n).contains(&l) => Ok(l - 1),
        _ => Err(invalid(format!(
            "there is no level {level}: the escalation chain has levels 1 to {n} ({})",
            policy.levels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// `policy` with `contact` added at `level` (1-based); refuses a name already on that level.
pub fn added(policy: &Policy, level: u32, contact: &Contact, now: i64) -> Result<Policy> {
    contact.validate()?;
    let index = level_index(policy, level)?;
    let on_level = &policy.levels[index];
    if on_level.contacts.iter().any(|c| c.name == contact.name) {
        return Err(CoreError::Conflict(format!(
            "{:?} is already a contact at level {level} ({}): remove it first with \
             `rampart contacts rm {:?} --level {level}`",
            contact.name, on_level.name, contact.name
        )));
    }
    let mut next = policy.clone();
    next.levels[index].contacts.push(contact.clone());
    next.rota = super::oncall::realign(policy, &next, now);
    next.validate()?;
    Ok(next)
}

/// `policy` without the contact `name` (at `level`, or wherever it is when it is on one
/// level only). The rota drops it when it is no longer a contact anywhere.
pub fn removed(policy: &Policy, name: &str, level: Option<u32>, now: i64) -> Result<Policy> {
    let levels: Vec<usize> = policy
        .levels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contacts.iter().any(|c| c.name == name))
        .map(|(i, _)| i)
        .collect();
    let index = match (level, levels.as_slice()) {
        (_, []) => {
            return Err(CoreError::NotFound(format!(
                "no contact named {name:?}: `rampart contacts list` shows them"
            )));
        }
        (Some(l), _) => {
            let i = level_index(policy, l)?;
            if !levels.contains(&i) {
                return Err(CoreError::NotFound(format!(
                    "{name:?} is not a contact at level {l}: it is at level {}",
                    levels.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
                )));
            }
            i
        }
        (None, [one]) => *one,
        (None, many) => {
            return Err(invalid(format!(
                "{name:?} is a contact at levels {}: say which with --level",
                many.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(" and ")
            )));
        }
    };
    let mut next = policy.clone();
    next.levels[index].contacts.retain(|c| c.name != name);
    let gone = next.contact(name).is_none();
    if gone {
        next.rota.contacts.retain(|c| c != name);
        next.rota.overrides.retain(|o| o.contact != name);
    }
    next.rota = super::oncall::realign(policy, &next, now);
    next.validate()?;
    Ok(next)
}

impl Rampart {
    /// Every contact of the escalation chain with its level, in level order.
    pub fn contacts(&self) -> Result<Vec<ContactView>> {
        Ok(list(&self.escalation_policy()?))
    }

    /// Adds `contact` at `level` (1-based) of the escalation chain: the name, email, phone and
    /// Slack id are checked, a name already on that level is refused. Whoever is on call stays
    /// on call. Audited as a settings change. Returns the contacts.
    pub fn contact_add(&self, level: u32, contact: &Contact) -> Result<Vec<ContactView>> {
        let next = added(&self.escalation_policy()?, level, contact, self.now())?;
        self.save_contacts(
            &next,
            &format!("escalation contact {} added at level {level}", contact.name),
        )
    }

    /// Removes the contact `name` (from `level`, needed when the name is on several levels).
    /// If it was on call, the next one in the rota is. Audited. Returns the contacts.
    pub fn contact_remove(&self, name: &str, level: Option<u32>) -> Result<Vec<ContactView>> {
        let policy = self.escalation_policy()?;
        let next = removed(&policy, name, level, self.now())?;
        let at = policy
            .levels
            .iter()
            .zip(&next.levels)
            .position(|(a, b)| a.contacts.len() != b.contacts.len())
            .map_or(0, |i| i + 1);
        self.save_contacts(&next, &format!("escalation contact {name} removed from level {at}"))
    }

    fn save_contacts(&self, policy: &Policy, subject: &str) -> Result<Vec<ContactView>> {
        self.store.transaction(|store| {
            store.set_setting(super::escalation::KEY, policy)?;
            store.audit(self.now(), AuditAction::Settings, subject)?;
            Ok(())
        })?;
        Ok(list(policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str) -> Contact {
        Contact { name: name.into(), email: None, phone: None, slack: None }
    }

    #[test]
    fn fields_are_checked_for_their_shape_with_advice() {
        for ok in ["ana@example.com", "a.b+tag@sub.example.org"] {
            check_email(ok).unwrap();
        }
        for bad in ["nope", "a@b", "@example.com", "a@@b.com", "a b@c.com", "a@b..com", "a@b.com\n"]
        {
            let e = check_email(bad).unwrap_err().to_string();
            assert!(e.contains("name@example.com"), "{bad}: {e}");
        }
        for ok in ["+44 20 7946 0958", "0123-456", "5551234"] {
            check_phone(ok).unwrap();
        }
        for bad in ["12", "+", "call me", "555\u{7}1234", "+44 (20) 1234", "1234-", "++441234"] {
            assert!(
                check_phone(bad).unwrap_err().to_string().contains("optional leading +"),
                "{bad}"
            );
        }
        for ok in ["U123ABC", "W0ABC", "#security", "#sec-ops_2"] {
            check_slack(ok).unwrap();
        }
        for bad in ["u123", "U", "#", "#Security", "@ana", "U12 3", "#a\u{1b}[31m", "ana"] {
            assert!(check_slack(bad).unwrap_err().to_string().contains("Copy member ID"), "{bad}");
        }
        let mut evil = c("ana\u{1b}[2J");
        assert!(evil.validate().unwrap_err().to_string().contains("control characters"));
        evil.name = "ana\nbob".into();
        assert!(evil.validate().is_err());
        let mut ana = c("ana");
        ana.slack = Some("ana".into());
        let e = ana.validate().unwrap_err().to_string();
        assert!(e.starts_with("ana: \"ana\" is not a Slack user id"), "{e}");
    }

    #[test]
    fn adding_and_removing_keeps_levels_and_the_rota_straight() {
        let now = super::super::oncall::MONDAY + 3 * 7 * 86_400 + 100;
        let on_call = |p: &Policy| super::super::oncall::on_call(&p.rota, p, now);
        let mut p = Policy::default();
        for name in ["ana", "bo", "cy"] {
            p = added(&p, 1, &c(name), now).unwrap();
        }
        let first = on_call(&p).unwrap();
        assert_eq!(first, "ana", "the first one added is on call from the start");
        // Adding someone does not change who is on call now.
        p = added(&p, 1, &c("dee"), now).unwrap();
        assert_eq!(on_call(&p).as_deref(), Some("ana"));
        let e = added(&p, 1, &c("bo"), now).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Conflict);
        assert!(e.to_string().contains("already a contact at level 1"), "{e}");
        // The same name on another level is fine (a lead who is also management).
        p = added(&p, 3, &c("bo"), now).unwrap();
        let e = added(&p, 5, &c("zed"), now).unwrap_err().to_string();
        assert!(
            e.contains("levels 1 to 4 (On-call engineer, Security team, Management, External)"),
            "{e}"
        );
        let e = removed(&p, "bo", None, now).unwrap_err().to_string();
        assert!(e.contains("levels 1 and 3: say which with --level"), "{e}");
        let e = removed(&p, "bo", Some(2), now).unwrap_err().to_string();
        assert!(e.contains("it is at level 1, 3"), "{e}");
        assert!(matches!(removed(&p, "zed", None, now), Err(CoreError::NotFound(_))));

        // Removing whoever is on call hands over to the next in turn, then the turn goes on.
        p = removed(&p, "ana", None, now).unwrap();
        assert_eq!(on_call(&p).as_deref(), Some("bo"));
        let week = 7 * 86_400;
        assert_eq!(super::super::oncall::on_call(&p.rota, &p, now + week).as_deref(), Some("cy"));
        // Removing someone else leaves the one on call; the rota's own list drops a name
        // that is gone.
        p.rota.contacts = vec!["cy".into(), "bo".into(), "dee".into()];
        let before = on_call(&p).unwrap();
        p = removed(&p, "dee", None, now).unwrap();
        let want = if before == "dee" { "cy".to_owned() } else { before };
        assert_eq!(on_call(&p), Some(want.clone()));
        assert_eq!(p.rota.contacts, ["cy", "bo"]);
        // bo stays in the rota while still a contact at level 3.
        p = removed(&p, "bo", Some(1), now).unwrap();
        assert_eq!(p.rota.contacts, ["cy", "bo"]);
        assert_eq!(on_call(&p), Some(want));
        p = removed(&p, "bo", None, now).unwrap();
        assert_eq!(p.rota.contacts, ["cy"]);
        assert_eq!(on_call(&p).as_deref(), Some("cy"));
        assert_eq!(
            list(&p).iter().map(|v| (v.level, v.name.as_str())).collect::<Vec<_>>(),
            [(1, "cy"), (2, "Security team")]
        );
    }
}
