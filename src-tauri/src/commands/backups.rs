//! Backup commands: keys, targets and sources, runs with live progress over an `ipc::Channel`,
//! the stored backups, restore (directory or command) with progress, verify, retention preview
//! and prune, drills, and the break-glass identity reveal. Configuration and secrets are read
//! under the app lock; the network work runs outside it; results are recorded (and audited by
//! core) afterwards even if the app locked meanwhile.

use super::{confirmed, read_only, unlocked};
use crate::backups::{BackupEvent, ProgressView, announce, local_now};
use crate::error::{IpcError, IpcResult};
use crate::revealed::Revealed;
use crate::state::Shared;
use rampart_core::backups::{
    BackupView, DrillView, Progress, ProgressFn, PruneReport, RestoreDone, RestoreTo, RunFailure,
    RunOutcome, RunView, Selector, SourceContext, SourceSpec, SourceView, TargetSpec, Trigger,
    next_run,
};
use rampart_core::{CoreError, Rampart};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

/// Records results whatever the lock state: a run or drill that finished is history.
async fn background<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Rampart) -> Result<T, CoreError> + Send + 'static,
) -> IpcResult<T> {
    let shared = shared.clone();
    tauri::async_runtime::spawn_blocking(move || shared.background(f))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
        .map_err(IpcError::from)
}

fn progress_to(channel: Channel<ProgressView>) -> ProgressFn {
    Arc::new(move |p: &Progress| {
        // A closed page stops listening; the work goes on.
        let _ = channel.send(p.into());
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

/// Runs a backup now. A run that fails is recorded and returned with `ok == false` (and a
/// notification); only "no such source" and "already running" are errors.
#[tauri::command]
pub async fn backup_run<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    source: String,
    on_progress: Channel<ProgressView>,
) -> IpcResult<RunView> {
    let shared = state.inner().clone();
    let name = source.clone();
    let prepared = unlocked(&shared, move |app| {
        app.backup_source(&name)?;
        Ok((app.backup_prepare_run(&name, Trigger::Manual), app.now()))
    })
    .await?;
    let outcome = match prepared {
        (Ok(run), _) => {
            announce(&handle, BackupEvent::Started { source: source.clone() });
            run.execute(Some(progress_to(on_progress))).await
        }
        (Err(e @ CoreError::Conflict(_)), _) => return Err(e.into()),
        (Err(e), now) => RunOutcome {
            source: source.clone(),
            trigger: Trigger::Manual,
            started_at: now,
            finished_at: now,
            result: Err(RunFailure::from(e)),
            bytes_in: 0,
            bytes_out: 0,
        },
    };
    let run = background(&shared, move |app| app.backup_record_run(&outcome)).await?;
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

/// Restores a backup with live progress. Nothing is written to the destination unless the
/// archive decrypts, verifies and stays inside it. A failure is audited as `failed-restore`.
#[tauri::command]
pub async fn backup_restore(
    state: S<'_>,
    source: String,
    at: PointInTime,
    to: Destination,
    identity_file: Option<String>,
    on_progress: Channel<ProgressView>,
    passphrase: Option<String>,
) -> IpcResult<RestoreDone> {
    let shared = state.inner().clone();
    let source_name = source.clone();
    let to_shown = to.clone();
    let prepare = move |app: &Rampart| {
        let ctx = app.backup_context(&source)?;
        let ids = app.backup_identities(identity_file.as_deref().map(std::path::Path::new))?;
        let to = match to {
            Destination::Dir { path } if path.trim().is_empty() => {
                return Err(CoreError::InvalidInput("choose a directory to restore into".into()));
            }
            Destination::Dir { path } => RestoreTo::Dir(PathBuf::from(path)),
            Destination::Command { argv } if argv.is_empty() => {
                return Err(CoreError::InvalidInput("the restore command is empty".into()));
            }
            Destination::Command { argv } => {
                RestoreTo::Command(app.backup_command(argv, &ctx.spec.env)?)
            }
        };
        Ok((ctx, ids, at.selector()?, to))
    };
    let (ctx, ids, selector, to) = match powerful_restore(&source_name, &to_shown) {
        Some(subject) => confirmed(&shared, passphrase, move |_| Ok(subject), prepare).await?,
        None => unlocked(&shared, prepare).await?,
    };
    let done = match ctx.restore(&selector, &to, &ids, Some(progress_to(on_progress))).await {
        Ok(done) => done,
        Err(e) => {
            // A failed restore is audited too (whatever the lock state), then reported.
            let source = ctx.spec.name.clone();
            let e = background(&shared, move |app| {
                app.backup_record_failed_restore(&source, &selector, &to, &e);
                Ok(e)
            })
            .await?;
            return Err(e.into());
        }
    };
    let recorded = done.clone();
    background(&shared, move |app| app.backup_record_restore(&recorded, &to)).await?;
    Ok(done)
}

/// Quick (object present, sizes) or full (download, decrypt, hash) verification of one backup.
#[tauri::command]
pub async fn backup_verify(
    state: S<'_>,
    source: String,
    id: String,
    full: bool,
) -> IpcResult<BackupView> {
    let shared = state.inner().clone();
    let (ctx, ids) = unlocked(&shared, move |app| {
        let ids = if full { Some(app.backup_identities(None)?) } else { None };
        Ok((app.backup_context(&source)?, ids))
    })
    .await?;
    let backup = ctx.find(&Selector::Id(id)).await?;
    let result = ctx.verify(&backup, ids.as_ref()).await;
    let view = BackupView::from(&backup);
    let (source, backup_id, ok) = (view.source.clone(), view.id.clone(), result.is_ok());
    background(&shared, move |app| app.backup_record_verify(&source, &backup_id, full, ok)).await?;
    result?;
    Ok(view)
}

/// Every source's retention decision; deletes what it marks unless `dry_run`.
#[tauri::command]
pub async fn backup_prune(state: S<'_>, dry_run: bool) -> IpcResult<Vec<PruneReport>> {
    let shared = state.inner().clone();
    let contexts: Vec<SourceContext> = unlocked(&shared, |app| {
        app.backup_sources()?.iter().map(|s| app.backup_context(&s.spec.name)).collect()
    })
    .await?;
    let mut reports = Vec::new();
    for ctx in contexts {
        let report: PruneReport = ctx.prune(dry_run).await?;
        if !dry_run {
            let recorded = report.clone();
            background(&shared, move |app| app.backup_record_prune(&recorded)).await?;
        }
        reports.push(report);
    }
    Ok(reports)
}

/// Restores the latest backup into a throwaway place, verifies it and records the result.
#[tauri::command]
pub async fn backup_drill<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    source: String,
) -> IpcResult<DrillView> {
    let shared = state.inner().clone();
    let name = source.clone();
    let (ctx, ids, now) = unlocked(&shared, move |app| {
        Ok((app.backup_context(&name)?, app.backup_identities(None), app.now()))
    })
    .await?;
    let drill = match ids {
        Ok(ids) => ctx.drill(&ids).await,
        Err(e) => DrillView { source, backup_id: None, at: now, ok: false, message: e.to_string() },
    };
    let recorded = drill.clone();
    background(&shared, move |app| app.backup_record_drill(&recorded)).await?;
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
