//! `rampart audit log|verify`.

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
                println!("{:>6}  {}  {:<14} {}", e.seq, e.at, e.action, e.subject);
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
                    println!("audit log intact: {} entries, every link verified", report.entries);
                }
                Ok(())
            } else {
                Err(Failure::new(format!(
                    "audit log broken at entry {}: {}",
                    report.first_broken.unwrap_or_default(),
                    report.reason.unwrap_or_default()
                )))
            }
        }
    }
}
