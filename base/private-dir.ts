/**
 * Folders only their user can write, for caches of things hark later executes (firmware builds).
 *
 * Why: a cache under a shared, world-writable place such as $TMPDIR is a planting ground — another
 * user who creates `/tmp/hark-firmware-cache/<hash>-hark-native-board` first has their binary run by
 * whoever runs the tests next, root included (issue 10, item 10). So a cache folder is created with
 * mode 0700, and before every use it must be a real directory (not a symlink), owned by this
 * process's user, with no access for group or others; anything else is refused with
 * HARK_ERR_FIRMWARE_CACHE_UNSAFE naming the folder and the fix, never silently "repaired".
 *
 * Where: `$XDG_CACHE_HOME/hark/<name>`, else `~/.cache/hark/<name>`; when there is no home folder
 * (a service user), `$TMPDIR/hark-<uid>/<name>` — which the same check protects.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HarkError } from './errors.js';

const uid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Throws HARK_ERR_FIRMWARE_CACHE_UNSAFE unless `dir` is a directory owned by us with mode 0700 (or stricter). */
export function checkPrivateDir(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  function refuse(why: string, fix: string): never {
    throw new HarkError(
      'HARK_ERR_FIRMWARE_CACHE_UNSAFE',
      `refusing to use the cache folder ${dir}: ${why}; ${fix}`,
      {
        details: { dir },
      },
    );
  }
  if (!st) refuse('it does not exist', 'it is created on first use');
  if (st.isSymbolicLink()) refuse('it is a symbolic link', 'remove the link');
  if (!st.isDirectory()) refuse('it is not a directory', 'remove it');
  const me = uid();
  if (me !== undefined && st.uid !== me) {
    refuse(
      `it belongs to uid ${st.uid}, not to this user (uid ${me})`,
      'remove it (it may hold planted files)',
    );
  }
  if ((st.mode & 0o077) !== 0) {
    refuse(
      `its mode is ${(st.mode & 0o777).toString(8)}, so others could put files in it`,
      `remove it, or run chmod 700 ${dir} if you are sure nothing in it was planted`,
    );
  }
}

/** Creates `dir` (and missing parents) with mode 0700 if needed, then checks it (checkPrivateDir). */
export function ensurePrivateDir(dir: string): string {
  if (!lstatSync(dir, { throwIfNoEntry: false })) {
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // a racing process made it: checked below
    }
  }
  checkPrivateDir(dir);
  return dir;
}

/** The private cache folder `name` (e.g. 'firmware'), created and checked. */
export function privateCacheDir(name: string): string {
  const home = (() => {
    try {
      return homedir();
    } catch {
      return '';
    }
  })();
  const xdg = process.env.XDG_CACHE_HOME;
  const root = xdg?.startsWith('/')
    ? join(xdg, 'hark')
    : home && home !== '/'
      ? join(home, '.cache', 'hark')
      : join(tmpdir(), `hark-${uid() ?? 'user'}`);
  ensurePrivateDir(root);
  return ensurePrivateDir(join(root, name));
}
