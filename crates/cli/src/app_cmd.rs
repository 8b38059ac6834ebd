//! `rampart settings` and `rampart passphrase`: the preferences and the app lock, so everything
//! the desktop app can change, a script can change too.

use crate::input::secret_from_stdin;
use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_core::{Rampart, SecretString};

#[derive(Args)]
pub struct SettingsArgs {
    /// Seconds before a copied secret is cleared from the clipboard (5-300).
    #[arg(long)]
    clipboard_clear: Option<u32>,
    /// Minutes of inactivity before the desktop app locks (1-30).
    #[arg(long)]
    idle_lock: Option<u32>,
    /// Days after which a credential is flagged for rotation.
    #[arg(long)]
    rotate_after: Option<u32>,
    /// The page the desktop app opens on: overview or codes.
    #[arg(long)]
    start_page: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum PassphraseCommand {
    /// Sets or changes the app passphrase. Reads the current one (if set) and then the new one,
    /// one per line, from stdin (or prompts on a terminal).
    Set,
    /// Removes the app passphrase; reads the current one from stdin.
    Remove,
}

pub fn settings(app: &Rampart, args: SettingsArgs) -> CliResult {
    let mut s = app.settings()?;
    let changing = args.clipboard_clear.is_some()
        || args.idle_lock.is_some()
        || args.rotate_after.is_some()
        || args.start_page.is_some();
    if let Some(v) = args.clipboard_clear {
        s.clipboard_clear_seconds = v;
    }
    if let Some(v) = args.idle_lock {
        s.idle_lock_minutes = v;
    }
    if let Some(v) = args.rotate_after {
        s.rotate_after_days = v;
    }
    if let Some(v) = args.start_page {
        s.start_page = rampart_core::settings::StartPage::parse(&v)?;
    }
    if changing {
        s = app.set_settings(s)?;
    }
    if args.json {
        return print_json(&s);
    }
    println!("clipboard clears after {} s", s.clipboard_clear_seconds);
    println!(
        "desktop app locks after {} idle minutes (when a passphrase is set)",
        s.idle_lock_minutes
    );
    println!("credentials flagged for rotation after {} days", s.rotate_after_days);
    let page = match s.start_page {
        rampart_core::settings::StartPage::Overview => "the Overview",
        rampart_core::settings::StartPage::Codes => "the code list",
    };
    println!("desktop app opens on {page}");
    Ok(())
}

/// Reads `count` secrets: one per line from a pipe, or one prompt each on a terminal.
fn secrets(prompts: &[&str]) -> CliResult<Vec<SecretString>> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return prompts.iter().map(|p| secret_from_stdin(p)).collect();
    }
    let all = secret_from_stdin("")?;
    let lines: Vec<SecretString> =
        all.expose().lines().map(|l| SecretString::new(l.to_owned())).collect();
    if lines.len() != prompts.len() {
        return Err(Failure::new(format!(
            "expected {} line(s) on stdin ({}), got {}",
            prompts.len(),
            prompts.join(", ").replace(": ", ""),
            lines.len()
        )));
    }
    Ok(lines)
}

pub fn passphrase(app: &Rampart, cmd: PassphraseCommand) -> CliResult {
    let has = app.has_passphrase()?;
    match cmd {
        PassphraseCommand::Set => {
            let prompts: &[&str] = if has {
                &["current passphrase: ", "new passphrase: "]
            } else {
                &["new passphrase: "]
            };
            let mut given = secrets(prompts)?;
            let next = given.pop().expect("one secret per prompt");
            app.set_passphrase(given.first(), Some(&next))?;
            eprintln!("app passphrase {}", if has { "changed" } else { "set" });
        }
        PassphraseCommand::Remove => {
            if !has {
                return Err(Failure::new("no app passphrase is set"));
            }
            let current = secrets(&["current passphrase: "])?;
            app.set_passphrase(current.first(), None)?;
            eprintln!("app passphrase removed");
        }
    }
    Ok(())
}
