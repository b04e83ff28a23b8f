/**
 * Notices a serial device path (re)appearing — a board plugged back in — by watching its directory
 * with fs.watch (inotify on Linux: /dev for USB devices, the socat link directory for ptys), so the link
 * retries at once instead of waiting out its backoff. Where the directory cannot be watched, returns
 * undefined and the link relies on its backoff timer alone (that is the only "polling").
 */
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Calls `onAppear` (once) when `path` exists again. Close the returned watcher when done. */
export function watchForPath(path: string, onAppear: () => void): FSWatcher | undefined {
  const name = basename(path);
  let fired = false;
  let w: FSWatcher;
  try {
    w = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (fired || (file !== null && file !== name) || !existsSync(path)) return;
      fired = true;
      w.close();
      onAppear();
    });
  } catch {
    return undefined;
  }
  w.on('error', () => w.close());
  return w;
}
