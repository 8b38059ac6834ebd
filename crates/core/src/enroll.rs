//! Enrolling a device (for admins): a fresh random secret for issuer + account, shown as a QR
//! and an otpauth URI, saved only once the user types a code the device produced. Drafts live in
//! memory for [`DRAFT_SECONDS`] and are never written anywhere until confirmed.

use crate::views::CodeView;
use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use rampart_otp::OtpAccount;

/// How long a draft (and the QR view showing it) stays open.
pub const DRAFT_SECONDS: i64 = 45;

/// A pending enrolment.
pub struct Draft {
    account: OtpAccount,
    expires_at: i64,
}

/// What the enrol view shows. `otpauth_uri` and `qr_svg` carry the new secret: this is the one
/// deliberate reveal of a seed, and it is audited.
pub struct EnrollDraft {
    pub draft_id: String,
    pub issuer: String,
    pub account: String,
    pub otpauth_uri: SecretString,
    pub qr_svg: SecretString,
    pub expires_at: i64,
}

impl std::fmt::Debug for EnrollDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrollDraft").field("draft_id", &self.draft_id).finish_non_exhaustive()
    }
}

impl Rampart {
    /// Starts an enrolment: a new 160-bit secret, its URI and QR.
    pub fn enroll_start(&self, issuer: &str, account: &str) -> Result<EnrollDraft> {
        let (issuer, account) = (issuer.trim(), account.trim());
        if account.is_empty() {
            return Err(CoreError::InvalidInput(
                "enter the account (e.g. the user's e-mail) the device will show".into(),
            ));
        }
        if issuer.is_empty() {
            return Err(CoreError::InvalidInput(
                "enter the issuer (the service name the device will show, e.g. \"Rampart Prod\")"
                    .into(),
            ));
        }
        let secret = rampart_otp::new_secret(&mut rand::rng());
        let new_account = OtpAccount::new_totp(issuer, account, secret)?;
        let uri = rampart_otp::uri::to_uri(&new_account);
        let qr_svg = SecretString::new(rampart_otp::qr::svg(&uri)?);
        let draft_id = uuid::Uuid::new_v4().to_string();
        let expires_at = self.now() + DRAFT_SECONDS;
        let mut drafts = self.drafts.lock().expect("drafts");
        let now = self.now();
        drafts.retain(|_, d| d.expires_at > now);
        drafts.insert(draft_id.clone(), Draft { account: new_account, expires_at });
        drop(drafts);
        self.audit(AuditAction::ShowQr, &format!("otp:{issuer}:{account} (enrolment)"))?;
        Ok(EnrollDraft {
            draft_id,
            issuer: issuer.to_owned(),
            account: account.to_owned(),
            otpauth_uri: uri,
            qr_svg,
            expires_at,
        })
    }

    /// Saves the drafted account if `code` is one the device produced (±2 steps).
    pub fn enroll_confirm(&self, draft_id: &str, code: &str) -> Result<CodeView> {
        let account = {
            let drafts = self.drafts.lock().expect("drafts");
            let draft = drafts.get(draft_id).ok_or_else(|| {
                CoreError::NotFound("this enrolment is no longer open; start again".into())
            })?;
            if draft.expires_at <= self.now() {
                return Err(CoreError::InvalidInput(
                    "this enrolment expired after 45 seconds; start again".into(),
                ));
            }
            draft.account.clone()
        };
        let cleaned: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let at = self.now().max(0) as u64;
        if rampart_otp::verify(&account, &cleaned, at, crate::authenticator::VERIFY_WINDOW)
            .is_none()
        {
            return Err(CoreError::InvalidInput(
                "that code does not match: check the device scanned this QR and its clock is right, then type the code it shows now".into(),
            ));
        }
        self.drafts.lock().expect("drafts").remove(draft_id);
        let id = match self.otp_add(&account)? {
            crate::authenticator::AddOutcome::Added(id) => id,
            crate::authenticator::AddOutcome::Duplicate(id) => id,
        };
        self.audit(AuditAction::Enroll, &format!("otp:{}", account.label()))?;
        self.otp_codes(None)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| CoreError::Internal("the enrolled account vanished".into()))
    }

    /// Drops every open draft (on lock: their seeds must not outlive it).
    pub fn forget_drafts(&self) {
        self.drafts.lock().expect("drafts").clear();
    }

    /// Drops a draft (the QR view closed).
    pub fn enroll_cancel(&self, draft_id: &str) {
        self.drafts.lock().expect("drafts").remove(draft_id);
    }
}
