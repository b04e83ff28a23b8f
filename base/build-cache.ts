/**
 * Build once per source version: host-side programs compiled from the repository's C (the native
 * board, the simulated Uno and its firmware image) are cached under a private folder
 * (private-dir.ts: 0700, owner checked before every use), keyed by a hash of every source file they
 * are built from, and published with an atomic rename so concurrent test processes never run a
 * half-written binary. The build itself runs in a fresh folder inside the cache (same file system, so
 * the rename cannot fail with EXDEV).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkPrivateDir, privateCacheDir } from './private-dir.js';

/** Hash of every file under `dirs` whose name matches `include` (skipping build/ and dot-folders). */
export function sourceHash(root: string, dirs: readonly string[], include: RegExp): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name === 'build' || name.startsWith('.')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (include.test(name)) files.push(p);
    }
  };
  for (const d of dirs) walk(d);
  const h = createHash('sha256');
  for (const f of files) h.update(relative(root, f)).update('\0').update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

export interface CachedBuild {
  /** Cache folder name under the private cache (e.g. 'firmware'). */
  cache: string;
  /** Source hash (sourceHash) that names this version. */
  hash: string;
  /** File names the build leaves in its output folder, published as `<hash>-<name>`. */
  artifacts: readonly string[];
  /** Writes the artifacts into `outDir`. */
  build(outDir: string): Promise<void>;
}

const inFlight = new Map<string, Promise<string[]>>();

/** Paths of the cached artifacts, building them first when this source version has none. */
export async function cachedBuild(spec: CachedBuild): Promise<string[]> {
  const dir = privateCacheDir(spec.cache);
  const paths = spec.artifacts.map((a) => join(dir, `${spec.hash}-${a}`));
  if (paths.every((p) => existsSync(p))) {
    checkPrivateDir(dir);
    return paths;
  }
  const key = paths.join('\0');
  let p = inFlight.get(key);
  if (!p) {
    p = (async () => {
      const out = mkdtempSync(join(dir, 'build-'));
      try {
        await spec.build(out);
        for (const [i, a] of spec.artifacts.entries()) renameSync(join(out, a), paths[i]!);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      return paths;
    })();
    inFlight.set(key, p);
    p.finally(() => inFlight.delete(key)).catch(() => {});
  }
  return p;
}
