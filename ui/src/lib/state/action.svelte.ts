// One async action of a form or dialog: `busy` while it runs (buttons disable), `error` holds
// the readable message when it failed. Replaces the busy / try / catch / finally each form
// wrote by hand.
import { errorMessage } from '$lib/ipc';

export class AsyncAction {
  busy = $state(false);
  error = $state<string | null>(null);

  /**
   * Runs `work` unless a run is in progress; resolves to its result, or to undefined when it
   * failed (the message is in `error`) or another run was in progress.
   */
  async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.error = null;
    try {
      return await work();
    } catch (e) {
      this.error = errorMessage(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Shows a message found before any call was made (a field the form checks itself). */
  fail(message: string): void {
    this.error = message;
  }
}
