//! `rampart backup keys ...` (this machine's manifest-signing key and the keys it trusts) and
//! `rampart backup adopt` (signing backups made before manifests were signed, once the user has
//! seen them and confirmed they are theirs).

use crate::backup_cmd::block_on;
use crate::{CliResult, Failure, print_json};
use clap::Subcommand;
use rampart_core::Rampart;
use rampart_core::backups::{BackupView, TrustedKeyView};
use std::io::IsTerminal;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Prints this machine's public signing key (made if there is none yet): trust it on your
    /// other machines, or check a manifest with `minisign -V -P KEY -m ID.manifest.json`.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Lists the trusted signing keys (this machine's first).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Trusts another machine's key (the RW... line `rampart backup keys show` prints there).
    Trust {
        key: String,
        /// A name for people, e.g. the machine's.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Stops trusting a key (by key id or public key); its backups then list as untrusted.
    Untrust { key: String },
}

fn print_keys(keys: &[TrustedKeyView], json: bool) -> CliResult {
    if json {
        return print_json(&keys);
    }
    for k in keys {
        println!("{}  {}  {}", k.key_id, k.public_key, k.name);
    }
    Ok(())
}

pub fn keys(app: &Rampart, cmd: KeysCommand) -> CliResult {
    match cmd {
        KeysCommand::Show { json } => {
            let key = app.backup_signing_key()?;
            let list = app.backup_keys_list()?;
            let own = list.into_iter().find(|k| k.this_machine && k.key_id == key.key_id());
            let own = own.ok_or_else(|| Failure::new("this machine's key is not recorded"))?;
            if json {
                return print_json(&own);
            }
            eprintln!(
                "this machine's backup signing key (id {}); on another machine: \
                 `rampart backup keys trust {}`",
                own.key_id, own.public_key
            );
            println!("{}", own.public_key);
        }
        KeysCommand::List { json } => print_keys(&app.backup_keys_list()?, json)?,
        KeysCommand::Trust { key, name } => {
            let k = app.backup_key_trust(&key, &name)?;
            eprintln!("backups signed by key {} are now trusted here", k.key_id);
        }
        KeysCommand::Untrust { key } => {
            app.backup_key_untrust(&key)?;
            eprintln!("no longer trusting key {key}: its backups list as untrusted");
        }
    }
    Ok(())
}

/// Lists the unsigned backups of `source` (or the `ids` among them), asks for confirmation
/// (`--yes`, or typing yes on a terminal) and signs them with this machine's key.
pub fn adopt(app: &Rampart, source: &str, ids: &[String], yes: bool) -> CliResult {
    let unsigned = block_on(app.backup_unsigned(source))??;
    let chosen: Vec<BackupView> = if ids.is_empty() {
        unsigned
    } else {
        let mut out = Vec::new();
        for id in ids {
            let found = unsigned.iter().find(|b| &b.id == id).ok_or_else(|| {
                Failure::new(format!(
                    "{source} has no unsigned backup {id}; `rampart backup list {source}` shows \
                     each backup's signature state"
                ))
            })?;
            out.push(found.clone());
        }
        out
    };
    if chosen.is_empty() {
        eprintln!("{source} has no unsigned backups: nothing to adopt");
        return Ok(());
    }
    eprintln!(
        "These backups of {source} are not signed. Adopt only backups you know this machine (or \
         one of yours) made before Rampart signed manifests: an adopted backup is trusted, and a \
         planted one would be restored like yours."
    );
    for b in &chosen {
        let finished =
            b.finished.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        println!(
            "{}  finished {finished}  {} bytes  manifest SHA-256 {}",
            b.id, b.plaintext_size, b.manifest_sha256
        );
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::new("refusing to adopt without --yes"));
        }
        let answer =
            crate::input::line_from_stdin("Type yes to sign them with this machine's key: ")?;
        if answer != "yes" {
            return Err(Failure::new("nothing adopted"));
        }
    }
    let adopted = block_on(app.backup_adopt(source, &chosen))??;
    eprintln!("adopted {} backup(s) of {source}: they are now signed and trusted", adopted.len());
    Ok(())
}
