// Opening links in the user's browser (Sentry issues, alert generator URLs). Only http(s) links
// are passed on; the shell's capability scopes the opener plugin to the same schemes.
import { openUrl as pluginOpenUrl } from '@tauri-apps/plugin-opener';

export function isWebLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Opens an http(s) link in the default browser; anything else is refused with a clear error. */
export async function openExternal(url: string): Promise<void> {
  if (!isWebLink(url)) throw { kind: 'invalidInput', message: `Not a web link, not opened: ${url}` };
  await pluginOpenUrl(url);
}
