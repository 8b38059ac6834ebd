//! Backup commands: keys, targets and sources, runs with live progress over an `ipc::Channel`,
//! the stored backups, restore (directory or command) with progress, verify, retention preview
//! and prune, drills, and the break-glass identity reveal. Runs, restores, verifies, prunes and
//! drills are core's own operations (the CLI's path), entered once the app is unlocked; what
//! they record lands even if the app locks meanwhile.

use super::{confirmed, operation, read_only, unlocked};
use crate::backups::{announce, local_now};
use crate::error::{IpcError, IpcResult};
use crate::revealed::Revealed;
use crate::state::Shared;
use rampart_core::backups::{
    BackupEvent, BackupView, DrillView, Progress, ProgressFn, PruneReport, RestoreDone, RestoreTo,
    RunView, Selector, SourceSpec, SourceView, TargetSpec, Trigger, next_run,
};
use rampart_core::{CoreError, Rampart};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

fn progress_to(channel: Channel<Progress>) -> ProgressFn {
    Arc::new(move |p: &Progress| {
        // A closed page stops listening; the work goes on.
        let _ = channel.send(p.clone());
    })
}

/// A source with its latest results and next scheduled run.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SourceStatus {
    #[serde(flatten)]
    pub view: SourceView,
    /// Unix seconds of the next scheduled run (None without a schedule).
    pub next_run: Option<i64>,
}

/// The Backups page.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupOverview {
    /// The age public key made by keygen on this machine, if any.
    pub public_key: Option<String>,
    pub targets: Vec<TargetSpec>,
    pub sources: Vec<SourceStatus>,
    /// The newest runs of every source, newest first (size history).
    pub runs: Vec<RunView>,
    pub drills: Vec<DrillView>,
}

#[tauri::command]
pub async fn backup_overview(state: S<'_>) -> IpcResult<BackupOverview> {
    read_only(state.inner(), |app| {
        let now = local_now();
        let sources = app
            .backup_sources()?
            .into_iter()
            .map(|view| {
                let next = match &view.spec.schedule {
                    Some(cron) => next_run(cron, now)?.map(|t| t.unix_timestamp()),
                    None => None,
                };
                Ok(SourceStatus { view, next_run: next })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        Ok(BackupOverview {
            public_key: app.backup_public_key()?,
            targets: app.backup_targets()?,
            sources,
            runs: app.backup_runs(None, 200)?,
            drills: app.backup_drills(None, 50)?,
        })
    })
    .await
}

/// Creates the backup identity in the keychain; returns its public key.
#[tauri::command]
pub async fn backup_keygen(state: S<'_>) -> IpcResult<String> {
    unlocked(state.inner(), |app| app.backup_keygen()).await
}

#[tauri::command]
pub async fn backup_target_add(
    state: S<'_>,
    target: TargetSpec,
    passphrase: Option<String>,
) -> IpcResult<TargetSpec> {
    let subject = format!(
        "send the vault keys {} and {} to {}",
        target.access_key_from,
        target.secret_key_from,
        target.endpoint.as_deref().unwrap_or("AWS S3")
    );
    confirmed(
        state.inner(),
        passphrase,
        move |_| Ok(subject),
        move |app| app.backup_target_add(&target),
    )
    .await
}

#[tauri::command]
pub async fn backup_target_remove(state: S<'_>, name: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.backup_target_remove(&name)).await
}

#[tauri::command]
pub async fn backup_source_add(
    state: S<'_>,
    source: SourceSpec,
    passphrase: Option<String>,
) -> IpcResult<SourceView> {
    if source.env.is_empty() {
        return unlocked(state.inner(), move |app| app.backup_source_add(&source)).await;
    }
    // A dump command that will be handed vault secrets in its environment.
    let names: Vec<&str> = source.env.iter().map(|e| e.from.as_str()).collect();
    let subject = format!(
        "hand the vault secrets {} to the dump command of {}",
        names.join(", "),
        source.name
    );
    confirmed(
        state.inner(),
        passphrase,
        move |_| Ok(subject),
        move |app| app.backup_source_add(&source),
    )
    .await
}

#[tauri::command]
pub async fn backup_source_remove(state: S<'_>, name: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.backup_source_remove(&name)).await
}

/// Runs a backup now: core's run (the CLI's path), with progress over the channel and
/// `started` announced once the run reports its first progress. A run that fails is recorded
/// and returned with `ok == false` (and a notification); only "no such source" and "already
/// running" are errors.
#[tauri::command]
pub async fn backup_run<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    source: String,
    on_progress: Channel<Progress>,
) -> IpcResult<RunView> {
    let (announcer, name, started) = (handle.clone(), source.clone(), std::sync::Once::new());
    let progress: ProgressFn = Arc::new(move |p: &Progress| {
        started.call_once(|| announce(&announcer, BackupEvent::Started { source: name.clone() }));
        // A closed page stops listening; the work goes on.
        let _ = on_progress.send(p.clone());
    });
    let run = operation(state.inner(), None, move |shared| async move {
        shared.app().backup_run(&source, Trigger::Manual, Some(progress)).await
    })
    .await?;
    announce(&handle, BackupEvent::Finished { run: run.clone() });
    Ok(run)
}

#[tauri::command]
pub async fn backup_runs(
    state: S<'_>,
    source: Option<String>,
    limit: usize,
) -> IpcResult<Vec<RunView>> {
    read_only(state.inner(), move |app| app.backup_runs(source.as_deref(), limit.min(1000))).await
}

/// The stored backups of a source, newest first (reads the bucket).
#[tauri::command]
pub async fn backup_list(state: S<'_>, source: String) -> IpcResult<Vec<BackupView>> {
    let ctx = read_only(state.inner(), move |app| app.backup_context(&source)).await?;
    let mut list: Vec<BackupView> = ctx.list().await?.iter().map(BackupView::from).collect();
    list.reverse();
    Ok(list)
}

/// Which backup: the latest, the latest at or before a time, or one id.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum PointInTime {
    Latest,
    /// `at`: RFC 3339.
    Before {
        at: String,
    },
    Id {
        id: String,
    },
}

impl PointInTime {
    fn selector(self) -> Result<Selector, CoreError> {
        Ok(match self {
            Self::Latest => Selector::Latest,
            Self::Id { id } => Selector::Id(id),
            Self::Before { at } => {
                let format = time::format_description::well_known::Rfc3339;
                let t = time::OffsetDateTime::parse(&at, &format).map_err(|e| {
                    CoreError::InvalidInput(format!(
                        "{at:?} is not a date and time ({e}); pick one in the restore wizard"
                    ))
                })?;
                Selector::Before(t)
            }
        })
    }
}

/// Where a restore goes.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Destination {
    /// Staged next to `path`, verified, then swapped in.
    Dir { path: String },
    /// A command's stdin (argv, no shell); the source's vault secrets go in its environment.
    Command { argv: Vec<String> },
}

/// The passphrase prompt's subject when a restore can destroy data: into a command (a
/// database load) or over a directory that already holds files. `None` for a new or empty
/// directory.
fn powerful_restore(source: &str, to: &Destination) -> Option<String> {
    match to {
        Destination::Command { argv } => {
            Some(format!("restore {source} into the command {}", argv.join(" ")))
        }
        Destination::Dir { path } => {
            let occupied =
                std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some());
            occupied.then(|| format!("restore {source} over the files in {path}"))
        }
    }
}

/// Where a restore goes, as core takes it (a command gets the source's vault variables).
fn restore_to(app: &Rampart, source: &str, to: Destination) -> Result<RestoreTo, CoreError> {
    Ok(match to {
        Destination::Dir { path } if path.trim().is_empty() => {
            return Err(CoreError::InvalidInput("choose a directory to restore into".into()));
        }
        Destination::Dir { path } => RestoreTo::Dir(PathBuf::from(path)),
        Destination::Command { argv } if argv.is_empty() => {
            return Err(CoreError::InvalidInput("the restore command is empty".into()));
        }
        Destination::Command { argv } => {
            RestoreTo::Command(app.backup_command(argv, &app.backup_source(source)?.spec.env)?)
        }
    })
}

/// Restores a backup with live progress: core's restore (the CLI's path). Nothing is written
/// to the destination unless the archive decrypts, verifies and stays inside it. A failure is
/// audited as `failed-restore`.
#[tauri::command]
pub async fn backup_restore(
    state: S<'_>,
    source: String,
    at: PointInTime,
    to: Destination,
    identity_file: Option<String>,
    on_progress: Channel<Progress>,
    passphrase: Option<String>,
) -> IpcResult<RestoreDone> {
    let confirm = powerful_restore(&source, &to).map(|subject| (subject, passphrase));
    operation(state.inner(), confirm, move |shared| async move {
        let app = shared.app();
        let (to, selector) = (restore_to(app, &source, to)?, at.selector()?);
        let identities = identity_file.map(PathBuf::from);
        let progress = Some(progress_to(on_progress));
        app.backup_restore(&source, &selector, &to, identities.as_deref(), progress).await
    })
    .await
}

/// Quick (object present, sizes) or full (download, decrypt, hash) verification of one backup,
/// audited with its verdict.
#[tauri::command]
pub async fn backup_verify(
    state: S<'_>,
    source: String,
    id: String,
    full: bool,
) -> IpcResult<BackupView> {
    operation(state.inner(), None, move |shared| async move {
        let app = shared.app();
        app.backup_source(&source)?;
        app.backup_verify(&id, full, None).await
    })
    .await
}

/// Every source's retention decision; deletes what it marks unless `dry_run`.
#[tauri::command]
pub async fn backup_prune(state: S<'_>, dry_run: bool) -> IpcResult<Vec<PruneReport>> {
    operation(
        state.inner(),
        None,
        move |shared| async move { shared.app().backup_prune(dry_run).await },
    )
    .await
}

/// Restores the latest backup into a throwaway place, verifies it and records the result.
#[tauri::command]
pub async fn backup_drill<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    source: String,
) -> IpcResult<DrillView> {
    let drill = operation(state.inner(), None, move |shared| async move {
        shared.app().backup_drill(&source).await
    })
    .await?;
    announce(&handle, BackupEvent::Changed);
    Ok(drill)
}

/// The break-glass copy of the backup identity, shown once for printing: an explicit reveal,
/// audited by core.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IdentityReveal {
    #[cfg_attr(test, ts(type = "string"))]
    pub text: Revealed,
    #[cfg_attr(test, ts(type = "string"))]
    pub qr_svg: Revealed,
    pub public_key: String,
    pub warning: String,
}

impl std::fmt::Debug for IdentityReveal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityReveal")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

#[tauri::command]
pub async fn backup_export_identity(
    state: S<'_>,
    passphrase: Option<String>,
) -> IpcResult<IdentityReveal> {
    let subject = "export the backup decryption key".to_owned();
    confirmed(
        state.inner(),
        passphrase,
        move |_| Ok(subject),
        |app| {
            let export = app.backup_export_identity()?;
            Ok(IdentityReveal {
                text: Revealed::new(export.text),
                qr_svg: Revealed::from(export.qr_svg),
                public_key: export.public_key,
                warning: export.warning.to_owned(),
            })
        },
    )
    .await
}

/// A native folder picker for the restore destination; `None` when cancelled.
#[tauri::command]
pub async fn backup_pick_dir<R: Runtime>(handle: AppHandle<R>) -> IpcResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let dialog = handle.dialog().file().set_title("Restore into…");
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_folder())
        .await
        .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(picked.and_then(|p| p.into_path().ok()).map(|p| p.display().to_string()))
}
