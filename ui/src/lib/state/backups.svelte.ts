// The Backups page's shared picture: the overview (keys, targets, sources with last run, next
// run and last drill, run and drill history) and the live progress of running backups, fed by
// the runs this window starts (ipc Channel) and by `backup://event` (scheduled runs).
import {
  backupOverview,
  errorMessage,
  onBackupEvent,
  subscribe,
  type BackupEvent,
  type BackupOverview,
  type ProgressView,
} from '$lib/ipc';

export const backups = $state<{
  overview: BackupOverview | null;
  error: string | null;
  /** Sources with a run in progress, with their latest progress (null until the first report). */
  running: Record<string, ProgressView | null>;
}>({ overview: null, error: null, running: {} });

export async function reloadBackups(): Promise<void> {
  try {
    backups.overview = await backupOverview();
    backups.error = null;
  } catch (e) {
    backups.error = errorMessage(e);
  }
}

/** Applies one event; returns whether the overview should be re-read. */
export function applyBackupEvent(event: BackupEvent): boolean {
  switch (event.event) {
    case 'started':
      backups.running[event.source] = null;
      return false;
    case 'progress':
      backups.running[event.source] = event.progress;
      return false;
    case 'finished':
      delete backups.running[event.run.source];
      return true;
    default:
      return true;
  }
}

/** Listens while the page is shown; returns the cleanup. */
export function watchBackups(): () => void {
  void reloadBackups();
  return subscribe(
    onBackupEvent((event) => {
      if (applyBackupEvent(event)) void reloadBackups();
    }),
  );
}
