#!/usr/bin/env node
// `npm run demo` (and `npm run hark -- …`) on a fresh clone: compiles the production code (no tests)
// incrementally — a minute or less the first time, a few seconds when nothing changed — saying so
// instead of staying silent, then runs the hark CLI with the given arguments and exits with its code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = `${root}dist/host/cli/main.js`;
const first = !existsSync(`${root}dist/.tsbuildinfo-production`);
if (first) process.stderr.write('hark: compiling the TypeScript sources into dist/ (first run only)...\n');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const t0 = performance.now();
const built = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (built.status !== 0) {
  process.stderr.write('hark: the build failed (see above); is `npm ci` done?\n');
  process.exit(built.status ?? 1);
}
if (first) process.stderr.write(`hark: compiled in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
const cli = spawn(process.execPath, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches hark directly (same process group): let it close cleanly and report its own exit code.
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => {});
cli.on('close', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
