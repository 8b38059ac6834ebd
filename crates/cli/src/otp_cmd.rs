//! `rampart otp ...`: codes, accounts, import/export and device enrolment.

use crate::input::{line_from_stdin, secret_from_stdin};
use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand, ValueEnum};
use rampart_core::authenticator::label;
use rampart_core::otp::{self, Algorithm, OtpAccount, OtpParams};
use rampart_core::views::ImportStatus;
use rampart_core::{Rampart, SecretString, Sensitive};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum OtpCommand {
    /// Prints the TOTP code of a secret (stateless; nothing is stored).
    Code(CodeArgs),
    /// Adds an account from an otpauth:// URI (`-` reads it from stdin).
    Add { uri: String },
    /// Imports otpauth URIs, Google Authenticator exports, Aegis/2FAS files or a QR image.
    Import {
        file: PathBuf,
        /// Read the file's password from stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists accounts (no secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Prints the current code of every account.
    Codes {
        /// Unix time to compute the codes at (default: now).
        #[arg(long)]
        at: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Writes an account's QR code (it carries the secret) to a PNG file.
    Qr {
        account: String,
        #[arg(long)]
        png: PathBuf,
    },
    /// Says whether CODE is valid for ACCOUNT and at which time-step offset.
    Verify {
        account: String,
        code: String,
        #[arg(long)]
        at: Option<u64>,
    },
    /// Creates a fresh secret for a device, shows it, and saves it once a code checks out.
    Enroll {
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        account: String,
        /// Also write the QR code to this PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Exports every account.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[arg(long)]
        out: PathBuf,
        /// The Aegis export password is read from stdin (the default; kept for scripts).
        #[arg(long)]
        password_stdin: bool,
        /// Confirms an unencrypted URI export.
        #[arg(long)]
        yes: bool,
    },
    /// Removes an account.
    Rm { account: String },
    /// Pins an account (first in the list, listed in the tray).
    Pin { account: String },
    /// Unpins an account.
    Unpin { account: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Aegis-compatible encrypted JSON.
    Aegis,
    /// otpauth URIs, one per line (unencrypted).
    Uris,
}

#[derive(Args)]
pub struct CodeArgs {
    /// Base32 secret (`-` reads it from stdin).
    #[arg(long)]
    secret: String,
    #[arg(long, default_value = "sha1")]
    algorithm: String,
    #[arg(long, default_value_t = 6)]
    digits: u8,
    #[arg(long, default_value_t = 30)]
    period: u32,
    /// Unix time (default: now).
    #[arg(long)]
    at: Option<u64>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `otp code`: stateless TOTP.
pub fn code(args: &CodeArgs) -> CliResult {
    let secret = if args.secret == "-" {
        secret_from_stdin("secret: ")?
    } else {
        SecretString::new(args.secret.clone())
    };
    let seed = otp::base32::decode(secret.expose()).map_err(|e| Failure::new(e.to_string()))?;
    let params = OtpParams {
        algorithm: Algorithm::parse(&args.algorithm).map_err(|e| Failure::new(e.to_string()))?,
        digits: args.digits,
        period: args.period,
        ..OtpParams::totp()
    };
    let account = OtpAccount::new("", "", seed, params).map_err(|e| Failure::new(e.to_string()))?;
    println!("{}", otp::code_at(&account, args.at.unwrap_or_else(now)).code);
    Ok(())
}

fn write_secret_file(path: &Path, bytes: &[u8]) -> CliResult {
    Ok(rampart_core::files::write_secret_file(path, bytes)?)
}

/// Deletes a file when dropped: the enrolment QR must not outlive the command.
struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}

pub fn run(app: &Rampart, cmd: OtpCommand) -> CliResult {
    match cmd {
        OtpCommand::Code(args) => code(&args),
        OtpCommand::Add { uri } => {
            let uri = if uri == "-" {
                secret_from_stdin("otpauth URI: ")?
            } else {
                SecretString::new(uri)
            };
            let account = otp::uri::parse(uri.expose()).map_err(|e| Failure::new(e.to_string()))?;
            match app.otp_add(&account)? {
                rampart_core::authenticator::AddOutcome::Added(_) => {
                    eprintln!("added {}", account.label())
                }
                rampart_core::authenticator::AddOutcome::Duplicate(_) => {
                    eprintln!(
                        "{} is already there with the same secret; nothing changed",
                        account.label()
                    )
                }
            }
            Ok(())
        }
        OtpCommand::Import { file, password_stdin } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure::new(format!("could not read {}: {e}", file.display())))?;
            let password =
                if password_stdin { Some(secret_from_stdin("file password: ")?) } else { None };
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let report = app.otp_import(name.as_deref(), &bytes, password.as_ref())?;
            for e in &report.entries {
                let status = match e.status {
                    ImportStatus::Imported => "imported",
                    ImportStatus::Duplicate => "duplicate",
                    ImportStatus::Rejected => "rejected",
                };
                match &e.reason {
                    Some(r) => println!("{status:<9} {}  ({r})", e.label),
                    None => println!("{status:<9} {}", e.label),
                }
            }
            eprintln!(
                "{}: {} imported, {} duplicate, {} rejected",
                report.format,
                report.count(ImportStatus::Imported),
                report.count(ImportStatus::Duplicate),
                report.count(ImportStatus::Rejected)
            );
            Ok(())
        }
        OtpCommand::List { json } => {
            let list = app.otp_list()?;
            if json {
                return print_json(&list);
            }
            for a in list {
                let pin = if a.pinned { "*" } else { " " };
                println!(
                    "{pin} {:<40} {:<5} {:<6} {:>2} digits  {}",
                    label(&a.issuer, &a.account),
                    a.kind.as_str(),
                    a.algorithm.as_str(),
                    a.digits,
                    a.id
                );
            }
            Ok(())
        }
        OtpCommand::Codes { at, json } => {
            let codes = app.otp_codes(at)?;
            if json {
                return print_json(&codes);
            }
            for c in codes {
                println!("{:<12} {}", c.code, label(&c.issuer, &c.account));
            }
            Ok(())
        }
        OtpCommand::Qr { account, png } => {
            let uri = app.otp_uri(&account)?;
            let bytes = otp::qr::png(&uri).map_err(|e| Failure::new(e.to_string()))?;
            write_secret_file(&png, &bytes)?;
            eprintln!(
                "wrote the QR code to {} (it carries the secret: delete it after use)",
                png.display()
            );
            Ok(())
        }
        OtpCommand::Verify { account, code, at } => {
            let row = app.otp_find(&account)?;
            let result = app.otp_verify(&row.id, &code, at)?;
            let hotp = row.kind == "hotp";
            match (result.offset, hotp) {
                (Some(0), false) => println!("valid (current time step)"),
                (Some(o), false) => println!(
                    "valid at time-step offset {o:+}: the device's clock is about {}s {} this machine's",
                    (o * i64::from(row.period)).abs(),
                    if o < 0 { "behind" } else { "ahead of" }
                ),
                (Some(o), true) => {
                    println!("valid at counter {} (offset {o:+})", row.counter as i64 + o)
                }
                (None, false) => return Err(Failure::new("not valid within ±2 time steps")),
                (None, true) => {
                    return Err(Failure::new("not valid for the next 3 counter values"));
                }
            }
            Ok(())
        }
        OtpCommand::Enroll { issuer, account, png } => enroll(app, &issuer, &account, png),
        OtpCommand::Export { format, out, password_stdin, yes } => {
            let text: Sensitive<String> = match format {
                ExportFormat::Aegis => {
                    // The password always comes from stdin (a no-echo prompt on a terminal);
                    // --password-stdin is accepted for symmetry with `otp import`.
                    let _ = password_stdin;
                    let password = secret_from_stdin("export password: ")?;
                    app.otp_export_aegis(&password)?
                }
                ExportFormat::Uris => {
                    if !yes {
                        return Err(Failure::new(
                            "a URI export holds every secret in plain text: add --yes to confirm, and delete the file after use",
                        ));
                    }
                    app.otp_export_uris()?
                }
            };
            write_secret_file(&out, text.expose().as_bytes())?;
            eprintln!("exported to {}", out.display());
            Ok(())
        }
        OtpCommand::Pin { account } => {
            app.otp_set_pinned(&account, true)?;
            eprintln!("pinned {account}");
            Ok(())
        }
        OtpCommand::Unpin { account } => {
            app.otp_set_pinned(&account, false)?;
            eprintln!("unpinned {account}");
            Ok(())
        }
        OtpCommand::Rm { account } => {
            app.otp_remove(&account)?;
            eprintln!("removed {account}");
            Ok(())
        }
    }
}

fn enroll(app: &Rampart, issuer: &str, account: &str, png: Option<PathBuf>) -> CliResult {
    let draft = app.enroll_start(issuer, account)?;
    let _remove_qr = png.as_deref().map(RemoveOnDrop);
    if let Some(path) = &png {
        let bytes = otp::qr::png(&draft.otpauth_uri).map_err(|e| Failure::new(e.to_string()))?;
        write_secret_file(path, &bytes)?;
        eprintln!("QR code written to {} (deleted when this command ends)", path.display());
    }
    eprintln!("Scan this URI (or the QR) with the device, then type the code it shows.");
    println!("{}", draft.otpauth_uri.expose());
    let code = line_from_stdin("code: ")?;
    let saved = app.enroll_confirm(&draft.draft_id, &code)?;
    eprintln!("enrolled {}", label(&saved.issuer, &saved.account));
    Ok(())
}
