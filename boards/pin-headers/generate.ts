/**
 * `node dist/boards/pin-headers/generate.js [--check]` — writes every firmware target's board_pins.h
 * from its board profile (see pin-headers.ts), or with --check lists the stale ones and exits 1.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll, staleHeaders } from './pin-headers.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // from dist/boards/pin-headers/

if (process.argv.includes('--check')) {
  const stale = staleHeaders(REPO_ROOT);
  for (const s of stale) {
    process.stderr.write(
      `${relative(REPO_ROOT, s.path)}:${s.line}: stale (profile gives ${JSON.stringify(s.rendered)})\n`,
    );
  }
  process.exitCode = stale.length === 0 ? 0 : 1;
} else {
  for (const [path, text] of renderAll(REPO_ROOT)) {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${relative(REPO_ROOT, path)}\n`);
  }
}
