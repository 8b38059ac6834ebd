//! `rampart backup ...`: encrypted backups to S3 from the shell. Arguments and dispatch live
//! here; printing and the progress display in `backup_show`. Secrets never come from
//! arguments: S3 keys and command secrets are vault credential names (`--env VAR=VAULT_NAME`),
//! the identity stays in the keychain unless `export-identity --yes` prints it. Signing keys and
//! adoption are in `backup_keys_cmd`.

use crate::backup_keys_cmd::{self, KeysCommand};
use crate::backup_show::{self, progress_display};
use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_core::Rampart;
use rampart_core::backups::{
    EnvSecret, RestoreTo, RetentionSpec, Selector, SourceSpec, SourceWhat, TargetSpec, Trigger,
};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Creates the age identity (kept in the keychain) and prints its public key.
    Keygen,
    /// Break-glass: prints the identity (and optionally writes QR images). Handle with care.
    ExportIdentity {
        /// Confirms that the private key may be shown.
        #[arg(long)]
        yes: bool,
        /// Also writes a QR code of the key as PNG (file mode 0600).
        #[arg(long, value_name = "FILE")]
        qr_png: Option<PathBuf>,
        /// Also writes a QR code of the key as SVG (file mode 0600).
        #[arg(long, value_name = "FILE")]
        qr_svg: Option<PathBuf>,
    },
    /// Manifest-signing keys: this machine's (show) and the trusted ones (list, trust, untrust).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Signs SOURCE's unsigned backups (made before manifests were signed) with this machine's
    /// key, after showing them and asking you to confirm they are yours.
    Adopt {
        source: String,
        /// Only this backup (repeatable; default: every unsigned backup of SOURCE).
        #[arg(long)]
        id: Vec<String>,
        /// Confirms without asking.
        #[arg(long)]
        yes: bool,
    },
    /// S3 targets: add, list, rm.
    #[command(subcommand)]
    Target(TargetCommand),
    /// Backup sources: add, list, rm.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Backs up SOURCE now.
    Run { source: String },
    /// Lists stored backups (all sources, or one).
    List {
        source: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Restores the latest backup of SOURCE, the latest before --at, or --id.
    Restore(RestoreArgs),
    /// Checks a backup: quick (object present, sizes) or --full (download, decrypt, hash).
    Verify {
        id: String,
        #[arg(long)]
        full: bool,
        /// Identity file for --full (default: the keychain).
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
    /// Applies every source's retention policy (--dry-run shows what would go).
    Prune {
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Restore drill: restores the latest backup to a throwaway place, verifies, records it.
    Drill {
        source: String,
        #[arg(long)]
        json: bool,
    },
    /// The run history (all sources, or one).
    History {
        source: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum TargetCommand {
    /// Adds an S3-compatible target; the keys are vault credential names.
    Add {
        name: String,
        /// Endpoint URL of an S3-compatible server (omit for AWS).
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        bucket: String,
        #[arg(long, default_value = "")]
        prefix: String,
        #[arg(long, default_value = "us-east-1")]
        region: String,
        /// Path-style addressing (most self-hosted servers need it).
        #[arg(long)]
        path_style: bool,
        #[arg(long, value_name = "VAULT_NAME")]
        access_key: String,
        #[arg(long, value_name = "VAULT_NAME")]
        secret_key: String,
        /// e.g. STANDARD_IA (default: the server's).
        #[arg(long)]
        storage_class: Option<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Rm {
        name: String,
    },
}

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Adds a directory (--dir) or command (--command) source.
    Add(SourceAddArgs),
    List {
        #[arg(long)]
        json: bool,
    },
    /// Removes a source and its local history (stored backups stay in S3).
    Rm { name: String },
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["dir", "command"])))]
pub struct SourceAddArgs {
    name: String,
    /// A directory to back up as a tar stream.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Glob (relative to --dir) to leave out; repeatable.
    #[arg(long, requires = "dir")]
    exclude: Vec<String>,
    /// A command whose stdout is the dump, split like a shell would (no shell runs it).
    #[arg(long)]
    command: Option<String>,
    /// VAR=VAULT_NAME: the command gets the vault credential in its environment; repeatable.
    #[arg(long, value_name = "VAR=VAULT_NAME", requires = "command")]
    env: Vec<String>,
    #[arg(long)]
    target: String,
    /// age public key(s) to encrypt to (default: this machine's, from `backup keygen`).
    #[arg(long, value_name = "AGE_PUBLIC_KEY", num_args = 1..)]
    recipient: Vec<String>,
    /// Cron schedule in local time, e.g. "0 3 * * *" (runs while the desktop app is open).
    #[arg(long)]
    schedule: Option<String>,
    /// Keeps every backup this close to the newest one (e.g. 30d).
    #[arg(long, value_parser = humantime::parse_duration)]
    keep_within: Option<Duration>,
    #[arg(long, default_value_t = 0)]
    keep_last: u32,
    #[arg(long, default_value_t = 0)]
    keep_daily: u32,
    #[arg(long, default_value_t = 0)]
    keep_weekly: u32,
    #[arg(long, default_value_t = 0)]
    keep_monthly: u32,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("dest").required(true).args(["to", "pipe"])))]
pub struct RestoreArgs {
    source: String,
    /// The latest backup started at or before this time: 2026-03-04 (end of that day, UTC),
    /// "2026-03-04 05:06" (UTC) or RFC 3339.
    #[arg(long, conflicts_with = "id")]
    at: Option<String>,
    #[arg(long)]
    id: Option<String>,
    /// Restores a directory backup here (staged, verified, then swapped in).
    #[arg(long, value_name = "DIR")]
    to: Option<PathBuf>,
    /// Feeds the backup to this command's stdin, e.g. "pg_restore -d app".
    #[arg(long, value_name = "CMD")]
    pipe: Option<String>,
    /// VAR=VAULT_NAME for the --pipe command's environment; repeatable.
    #[arg(long, value_name = "VAR=VAULT_NAME", requires = "pipe")]
    env: Vec<String>,
    /// An identity file (default: the keychain).
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
}

fn env_pairs(items: &[String]) -> CliResult<Vec<EnvSecret>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((var, from)) if !var.is_empty() && !from.is_empty() => {
                Ok(EnvSecret { var: var.into(), from: from.into() })
            }
            _ => Err(Failure::new(format!(
                "--env {item:?} must be VAR=VAULT_NAME (the vault credential whose value goes into VAR)"
            ))),
        })
        .collect()
}

fn split_command(text: &str) -> CliResult<Vec<String>> {
    match shlex::split(text) {
        Some(argv) if !argv.is_empty() => Ok(argv),
        _ => Err(Failure::new(format!(
            "cannot split the command {text:?}: check its quotes (it runs without a shell; \
             use `sh -c '...'` for pipes)"
        ))),
    }
}

pub(crate) fn block_on<F: std::future::Future>(future: F) -> CliResult<F::Output> {
    let runtime = rampart_core::feeds::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("could not start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

pub fn run(app: &Rampart, cmd: BackupCommand) -> CliResult {
    match cmd {
        BackupCommand::Keygen => {
            let public = app.backup_keygen()?;
            eprintln!(
                "created a backup identity in the keychain; its public key (give it to every machine that makes backups):"
            );
            println!("{public}");
        }
        BackupCommand::ExportIdentity { yes, qr_png, qr_svg } => {
            backup_show::export_identity(app, yes, qr_png, qr_svg)?
        }
        BackupCommand::Keys(cmd) => backup_keys_cmd::keys(app, cmd)?,
        BackupCommand::Adopt { source, id, yes } => backup_keys_cmd::adopt(app, &source, &id, yes)?,
        BackupCommand::Target(cmd) => target(app, cmd)?,
        BackupCommand::Source(cmd) => source(app, cmd)?,
        BackupCommand::Run { source } => {
            let (progress, done) = progress_display(&format!("backup {source}"));
            let run = block_on(app.backup_run(&source, Trigger::Manual, Some(progress)))??;
            done();
            backup_show::run_result(&run)?;
        }
        BackupCommand::List { source, json } => {
            let list = block_on(app.backup_list(source.as_deref()))??;
            backup_show::backups(&list, json)?;
        }
        BackupCommand::Restore(args) => restore(app, args)?,
        BackupCommand::Verify { id, full, identity } => {
            let b = block_on(app.backup_verify(&id, full, identity.as_deref()))??;
            let how = if full {
                "downloaded, decrypted and hashed: matches"
            } else {
                "present with the manifest's size"
            };
            println!("{} ({}): {how}", b.id, b.source);
        }
        BackupCommand::Prune { dry_run, json } => {
            let reports = block_on(app.backup_prune(dry_run))??;
            backup_show::prune(&reports, json)?;
        }
        BackupCommand::Drill { source, json } => {
            let drill = block_on(app.backup_drill(&source))??;
            if json {
                print_json(&drill)?;
            }
            if !drill.ok {
                return Err(Failure::new(format!("drill of {source} FAILED: {}", drill.message)));
            }
            eprintln!("drill of {source} ok: {}", drill.message);
        }
        BackupCommand::History { source, limit, json } => {
            let runs = app.backup_runs(source.as_deref(), limit)?;
            backup_show::history(&runs, json)?;
        }
    }
    Ok(())
}

fn target(app: &Rampart, cmd: TargetCommand) -> CliResult {
    match cmd {
        TargetCommand::Add {
            name,
            endpoint,
            bucket,
            prefix,
            region,
            path_style,
            access_key,
            secret_key,
            storage_class,
        } => {
            let spec = TargetSpec {
                name,
                endpoint,
                region,
                bucket,
                prefix,
                path_style,
                access_key_from: access_key,
                secret_key_from: secret_key,
                storage_class,
            };
            let t = app.backup_target_add(&spec)?;
            eprintln!("added target {} (bucket {}, prefix {:?})", t.name, t.bucket, t.prefix);
        }
        TargetCommand::List { json } => backup_show::targets(&app.backup_targets()?, json)?,
        TargetCommand::Rm { name } => {
            app.backup_target_remove(&name)?;
            eprintln!("removed target {name}");
        }
    }
    Ok(())
}

fn source(app: &Rampart, cmd: SourceCommand) -> CliResult {
    match cmd {
        SourceCommand::Add(a) => {
            let what = match (a.dir, a.command) {
                (Some(path), None) => SourceWhat::Dir { path, excludes: a.exclude },
                (None, Some(cmd)) => SourceWhat::Command { argv: split_command(&cmd)? },
                _ => return Err(Failure::new("give exactly one of --dir PATH or --command CMD")),
            };
            let recipients = if a.recipient.is_empty() {
                vec![app.backup_public_key()?.ok_or_else(|| {
                    Failure::new("no --recipient given and no identity here: pass --recipient AGE_PUBLIC_KEY, or run `rampart backup keygen` first")
                })?]
            } else {
                a.recipient
            };
            let retention = RetentionSpec {
                keep_last: a.keep_last,
                keep_daily: a.keep_daily,
                keep_weekly: a.keep_weekly,
                keep_monthly: a.keep_monthly,
                keep_within_secs: a.keep_within.map(|d| d.as_secs()),
            };
            let spec = SourceSpec {
                name: a.name,
                what,
                env: env_pairs(&a.env)?,
                target: a.target,
                recipients,
                schedule: a.schedule,
                retention,
            };
            let s = app.backup_source_add(&spec)?;
            eprintln!("added source {} -> target {}", s.spec.name, s.spec.target);
        }
        SourceCommand::List { json } => backup_show::sources(&app.backup_sources()?, json)?,
        SourceCommand::Rm { name } => {
            app.backup_source_remove(&name)?;
            eprintln!("removed source {name} (its backups stay in the bucket)");
        }
    }
    Ok(())
}

fn restore(app: &Rampart, a: RestoreArgs) -> CliResult {
    let selector = match (a.at, a.id) {
        (_, Some(id)) => Selector::Id(id),
        (Some(at), None) => Selector::Before(backup_show::parse_date(&at)?),
        (None, None) => Selector::Latest,
    };
    let to = match (a.to, a.pipe) {
        (Some(dir), _) => RestoreTo::Dir(dir),
        (None, Some(cmd)) => {
            RestoreTo::Command(app.backup_command(split_command(&cmd)?, &env_pairs(&a.env)?)?)
        }
        (None, None) => return Err(Failure::new("give --to DIR or --pipe CMD")),
    };
    let (progress, done) = progress_display(&format!("restore {}", a.source));
    let result = block_on(app.backup_restore(
        &a.source,
        &selector,
        &to,
        a.identity.as_deref(),
        Some(progress),
    ))?;
    done();
    let r = result?;
    let dest = match &to {
        RestoreTo::Dir(d) => d.display().to_string(),
        RestoreTo::Command(c) => format!("`{}`", c.argv.join(" ")),
    };
    eprintln!(
        "restored {} of {} ({} bytes, SHA-256 {}) into {dest}; verified against its manifest",
        r.backup.id, r.backup.source, r.backup.plaintext_size, r.plaintext_sha256
    );
    for leftover in &r.removed_leftovers {
        eprintln!("removed {leftover}: plaintext left by an earlier restore that was killed");
    }
    Ok(())
}
