//! `auth.2fa` from Rampart's authenticator: the target passes when Rampart holds TOTP or HOTP
//! accounts whose issuer names the target (its name, or its URL's host or a label of it:
//! issuer `Example` or `example.com` for `https://api.example.com`); otherwise it is unknown
//! with what to do (enroll the service's 2FA in Rampart, or attest it). A 2FA library in the
//! repository alone does not prove that accounts use it.

use crate::{Rampart, Result};
use rampart_checks::target::Target;
use rampart_checks::{Evidence, Finding, Status};

const ITEM: &str = "auth.2fa";

/// Lower-case letters and digits only (`Example Inc.` -> `exampleinc`).
fn squash(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Whether an authenticator `issuer` names the target called `name` at `host`.
pub fn issuer_matches(issuer: &str, name: &str, host: Option<&str>) -> bool {
    let issuer_l = issuer.trim().to_ascii_lowercase();
    let issuer_s = squash(issuer);
    if issuer_s.is_empty() {
        return false;
    }
    if issuer_s == squash(name) {
        return true;
    }
    let Some(host) = host.map(|h| h.trim_end_matches('.').to_ascii_lowercase()) else {
        return false;
    };
    host == issuer_l
        || host.ends_with(&format!(".{issuer_l}"))
        || host.split('.').any(|label| squash(label) == issuer_s)
}

impl Rampart {
    /// The `auth.2fa` finding for `target`.
    pub(super) fn two_factor_finding(&self, target: &Target) -> Result<Finding> {
        let host = target
            .validate()
            .ok()
            .and_then(|v| v.base)
            .and_then(|u| u.host_str().map(str::to_owned));
        let accounts: Vec<_> = self
            .store
            .list_otp_accounts()?
            .into_iter()
            .filter(|a| matches!(a.kind.as_str(), "totp" | "hotp"))
            .filter(|a| issuer_matches(&a.issuer, &target.name, host.as_deref()))
            .collect();
        let what = match &host {
            Some(h) => format!("{} or {h}", target.name),
            None => target.name.clone(),
        };
        if accounts.is_empty() {
            return Ok(Finding::new(
                ITEM,
                Status::unknown(format!(
                    "no authenticator account in Rampart has an issuer naming {what}: enroll the \
                     service's 2FA in Rampart (`rampart otp add`), or attest it (`rampart check \
                     attest {} auth.2fa --note ...`)",
                    target.name
                )),
                "no 2FA account enrolled for this target",
            ));
        }
        let mut issuers: Vec<&str> = accounts.iter().map(|a| a.issuer.as_str()).collect();
        issuers.dedup();
        let f = Finding::new(
            ITEM,
            Status::Pass,
            format!(
                "{} 2FA account(s) enrolled in Rampart for {what} (issuer {})",
                accounts.len(),
                issuers.join(", ")
            ),
        );
        Ok(f.with_all(accounts.iter().map(|a| {
            Evidence::record(format!("authenticator: {} ({}) {}", a.issuer, a.kind, a.account))
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::issuer_matches;

    #[test]
    fn issuers_match_the_target_name_or_host() {
        let host = Some("api.example.com");
        for issuer in ["Example", "example.com", "api.example.com", "EXAMPLE", "staging"] {
            assert!(issuer_matches(issuer, "staging", host), "{issuer}");
        }
        for issuer in ["", "GitHub", "ample", "example.org", "api"] {
            let expected = issuer == "api";
            assert_eq!(issuer_matches(issuer, "staging", host), expected, "{issuer}");
        }
        assert!(!issuer_matches("Example", "staging", None));
        assert!(issuer_matches("My Shop", "my-shop", None));
    }
}
