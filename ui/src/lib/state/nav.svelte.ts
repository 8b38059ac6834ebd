// Where the window is: the page shown and the incident the Incidents page opens on. Pages move
// the user through here (an "Open incident" button anywhere lands on the new incident).
import type { Page } from '$lib/components/common/Sidebar.svelte';
import { incidentOpen, type IncidentOrigin } from '$lib/ipc';
import { showError, showToast } from './toasts.svelte';

export const nav = $state<{ page: Page; incident: number | null }>({ page: 'overview', incident: null });

/** Shows incident `id` on the Incidents page. */
export function showIncident(id: number): void {
  nav.incident = id;
  nav.page = 'incidents';
}

/**
 * Opens an incident from what the user is looking at (a firing alert group, a down service, a
 * Sentry issue; severity and title suggested by core) and shows it. Resolves to its id, or null
 * when opening failed (the error is shown).
 */
export async function openIncidentFrom(origin: IncidentOrigin): Promise<number | null> {
  try {
    const made = await incidentOpen({ title: '', severity: null, origin });
    showToast(`Incident #${made.id} opened as ${made.severity}: ${made.title}`);
    showIncident(made.id);
    return made.id;
  } catch (e) {
    showError(e, 'Could not open an incident');
    return null;
  }
}
