// The feeds picture shared by the Overview, Services and Alerts pages and the sidebar badges:
// one `feeds_overview` read from the monitor's memory, re-read (at most once per event burst)
// whenever the shell emits `feeds://changed`. Reading never waits on the network.
import { errorMessage, feedsOverview, onFeedsChanged, subscribe, type FeedsOverview } from '$lib/ipc';

export const feeds = $state<{ overview: FeedsOverview | null; error: string | null; loadedAt: number }>({
  overview: null,
  error: null,
  loadedAt: 0,
});

let inFlight: Promise<void> | null = null;
let again = false;

/** Re-reads the overview; a call during a read schedules exactly one more read. */
export function reloadFeeds(): Promise<void> {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = (async () => {
    try {
      do {
        again = false;
        feeds.overview = await feedsOverview();
        feeds.error = null;
        feeds.loadedAt = Date.now();
      } while (again);
    } catch (e) {
      feeds.error = errorMessage(e);
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

/** Starts listening (from App); returns the cleanup. */
export function watchFeeds(): () => void {
  void reloadFeeds();
  return subscribe(onFeedsChanged(() => void reloadFeeds()));
}

/** Firing alerts that need someone: critical and error first. */
export function attentionCount(overview: FeedsOverview | null): number {
  if (!overview) return 0;
  return overview.counts.servicesDown + overview.counts.firingTotal;
}
