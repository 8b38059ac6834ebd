//! `rampart vault ...`: credentials in the OS keychain. Values come in on stdin.

use crate::input::secret_from_stdin;
use crate::{CliResult, Failure, print_json};
use clap::Subcommand;
use rampart_core::vault::Encoding;
use rampart_core::{CoreError, CredentialKind, Rampart};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum VaultCommand {
    /// Stores NAME with the value read from stdin (rotates it if NAME exists).
    Set {
        name: String,
        /// password (default), apiToken, s3KeyPair, webhookUrl, databaseUri, encryptionKey or note.
        #[arg(long)]
        kind: Option<CredentialKind>,
        /// A tag (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Prints NAME's value on stdout (audited as a reveal).
    Get { name: String },
    /// Lists credentials (no values).
    List {
        #[arg(long)]
        json: bool,
        /// Only names, kinds or tags containing this text.
        #[arg(long)]
        search: Option<String>,
    },
    /// Deletes NAME from the keychain and the vault.
    Rm { name: String },
    /// Renames a credential.
    Rename { name: String, new_name: String },
    /// Generates N random bytes and stores them as NAME without printing them.
    Generate {
        name: String,
        #[arg(long, default_value_t = 32)]
        bytes: usize,
        #[arg(long, default_value = "hex")]
        encoding: Encoding,
        #[arg(long, default_value = "encryptionKey")]
        kind: CredentialKind,
        /// Also print the value once.
        #[arg(long)]
        show: bool,
    },
    /// Writes NAME as KEY=value into a git-ignored .env file.
    Env {
        name: String,
        /// The .env file to write.
        #[arg(long)]
        file: PathBuf,
        /// The variable name (default: NAME upper-cased, '-' and '.' as '_').
        #[arg(long)]
        key: Option<String>,
    },
}

pub fn run(app: &Rampart, cmd: VaultCommand) -> CliResult {
    match cmd {
        VaultCommand::Set { name, kind, tags } => {
            let kind_given = kind.is_some();
            let kind = kind.unwrap_or(CredentialKind::Password);
            let value = secret_from_stdin(&format!("value for {name}: "))?;
            match app.vault_find(&name) {
                Ok(existing) if kind_given && existing.kind != kind => {
                    return Err(Failure::new(format!(
                        "the name {name:?} is already in use by a {} credential; pick another name, or `rampart vault rm {name}` first",
                        existing.kind
                    )));
                }
                Ok(_) => {
                    app.vault_rotate(&name, &value)?;
                    eprintln!("{name} already existed: rotated its value (creation date kept)");
                }
                Err(CoreError::NotFound(_)) => {
                    app.vault_add(&name, kind, &value, tags)?;
                    eprintln!("stored {name} in the keychain");
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
        VaultCommand::Get { name } => {
            let value = app.vault_reveal(&name)?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", value.expose()).map_err(|e| Failure::new(e.to_string()))
        }
        VaultCommand::List { json, search } => {
            let list = match search {
                Some(s) => app.vault_search(&s)?,
                None => app.vault_list()?,
            };
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!(
                    "the vault is empty: add one with `printf %s VALUE | rampart vault set NAME`"
                );
            }
            for c in list {
                let stale = if c.stale { "  ROTATE" } else { "" };
                println!(
                    "{:<32} {:<14} {:>5}d  {}{stale}",
                    c.name,
                    c.kind,
                    c.age_days,
                    c.tags.join(",")
                );
            }
            Ok(())
        }
        VaultCommand::Rm { name } => {
            app.vault_delete(&name)?;
            eprintln!("deleted {name}");
            Ok(())
        }
        VaultCommand::Rename { name, new_name } => {
            app.vault_rename(&name, &new_name)?;
            eprintln!("renamed {name} to {new_name}");
            Ok(())
        }
        VaultCommand::Generate { name, bytes, encoding, kind, show } => {
            let (view, value) = app.vault_generate(&name, kind, bytes, encoding, show)?;
            if let Some(value) = value {
                println!("{}", value.expose());
            }
            eprintln!(
                "generated {bytes} random bytes as {encoding:?} and stored them as {}",
                view.name
            );
            Ok(())
        }
        VaultCommand::Env { name, file, key } => {
            let key =
                key.unwrap_or_else(|| name.to_uppercase().replace(['-', '.', '/', '@', ':'], "_"));
            app.vault_export_env(&name, &file, &key)?;
            eprintln!("wrote {key} to {}", file.display());
            Ok(())
        }
    }
}
