//! `rampart audit log|verify`. Subjects come from names, labels, URLs and paths that others may
//! have chosen (an imported account, a restore source typed into a script), so the text output
//! escapes control and bidirectional-override characters: a subject cannot move the cursor,
//! clear the screen or fake a line of its own. `--json` output is escaped by JSON itself.

use crate::{CliResult, Failure, print_json};
use clap::Subcommand;
use rampart_core::Rampart;
use rampart_core::views::AuditView;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Shows the newest entries.
    Log {
        #[arg(long)]
        json: bool,
        /// How many entries.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Checks the hash chain; exits non-zero at the first broken link.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(app: &Rampart, cmd: AuditCommand) -> CliResult {
    match cmd {
        AuditCommand::Log { json, limit } => {
            let entries: Vec<AuditView> =
                app.audit_log(limit)?.into_iter().map(AuditView::from).collect();
            if json {
                return print_json(&entries);
            }
            for e in entries {
                let (action, subject) = (printable(&e.action), printable(&e.subject));
                println!("{:>6}  {}  {action:<14} {subject}", e.seq, e.at);
            }
            Ok(())
        }
        AuditCommand::Verify { json } => {
            let report = app.audit_verify()?;
            if json {
                print_json(&report)?;
            }
            if report.ok {
                if !json {
                    let keyed = match report.keyed_from {
                        Some(1) => "keyed".to_owned(),
                        Some(n) => format!("keyed from entry {n}"),
                        None => "not keyed".to_owned(),
                    };
                    println!(
                        "audit log intact: {} entries, every link verified ({keyed})",
                        report.entries
                    );
                }
                if let Some(warning) = &report.warning {
                    eprintln!("note: {warning}");
                }
                Ok(())
            } else {
                let reason = report.reason.unwrap_or_default();
                Err(Failure::new(match report.first_broken {
                    Some(seq) => format!("audit log broken at entry {seq}: {reason}"),
                    None => format!("audit log cannot be vouched for: {reason}"),
                }))
            }
        }
    }
}

/// `text` with control characters (newlines, escape sequences, ...) and bidirectional overrides
/// written as Rust-style escapes (`\n`, `\u{1b}`), everything else as is.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_and_bidi_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(printable("vault:db"), "vault:db");
        assert_eq!(printable("otp:Ünïcode ✓"), "otp:Ünïcode ✓");
        assert_eq!(printable("a\nb\r\t"), "a\\nb\\r\\t");
        assert_eq!(printable("x\u{1b}[2Jy"), "x\\u{1b}[2Jy");
        assert_eq!(printable("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
        assert_eq!(printable("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
    }
}
