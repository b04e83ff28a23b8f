import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

test('the protocol self-check (the README quick-start job) passes and summarises every vector', async () => {
  const script = fileURLToPath(new URL('./self-check.js', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--no-c']);
  const n = Number(/(\d+) golden vectors/.exec(stdout)?.[1]);
  assert.ok(n >= 30, stdout);
  assert.equal(stdout.match(/^ {2}ok {3}/gm)?.length, n, 'one ok line per vector');
  assert.match(stdout, new RegExp(`TypeScript codec: ${n}/${n} vectors pass`));
  assert.match(stdout, /self-check passed/);
});
