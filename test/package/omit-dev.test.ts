/**
 * `npm ci --omit=dev` on the repository's lock file installs the runtime alone: no `prepare` step needs
 * TypeScript, nothing is compiled (the compilers on PATH are stand-ins that fail), and the optional
 * peers (johnny-five, vosk, mqtt) stay out.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runSync } from '../helpers/child.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('npm ci --omit=dev installs the runtime dependencies only, with no build step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-omit-dev-'));
  try {
    const bin = join(dir, 'no-compilers');
    mkdirSync(bin);
    for (const tool of ['cc', 'gcc', 'g++', 'make', 'node-gyp', 'tsc']) {
      writeFileSync(join(bin, tool), `#!/bin/sh\necho "BUILD ATTEMPTED: ${tool}" >&2\nexit 97\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    const app = join(dir, 'hark');
    mkdirSync(app);
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(app, f));
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      npm_config_node_gyp: join(bin, 'node-gyp'),
    };
    const r = runSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, env, expect: 0 });
    assert.doesNotMatch(r.stderr, /ATTEMPTED/);
    for (const present of ['piscina', 'koffi', 'serialport', '@sinclair/typebox', 'pino'])
      assert.ok(existsSync(join(app, 'node_modules', present)), `${present} installed`);
    for (const absent of ['typescript', '@biomejs/biome', 'johnny-five', 'vosk', 'ffi-napi', 'mqtt'])
      assert.ok(!existsSync(join(app, 'node_modules', absent)), `${absent} not installed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
