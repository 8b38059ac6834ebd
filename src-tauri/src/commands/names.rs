// The names of the app's IPC commands. build.rs includes this file to declare each one in
// the app manifest, so the capability file must grant every command one by one.

/// Every command name, as the UI invokes it.
pub const COMMANDS: &[&str] = &[
    "otp_codes",
    "otp_copy",
    "otp_set_pinned",
    "otp_remove",
    "otp_import",
    "otp_enroll_start",
    "otp_enroll_confirm",
    "otp_enroll_cancel",
    "otp_verify",
    "otp_qr",
    "otp_export",
    "vault_list",
    "vault_add",
    "vault_reveal",
    "vault_copy",
    "vault_rotate",
    "vault_rename",
    "vault_delete",
    "vault_generate",
    "lock_state",
    "lock_set_passphrase",
    "lock_unlock",
    "lock_now",
    "lock_activity",
    "audit_log",
    "audit_verify",
    "settings_get",
    "settings_set",
];
