import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./bench/run.js', import.meta.url));

test('bench --json prints exactly one flat JSON object of numbers on stdout (protocol module, quick)', () => {
  const r = spawnSync(process.execPath, [runner, '--json', '--quick', '--only', 'protocol'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `stdout must be one line, got:\n${r.stdout}`);
  const figures = JSON.parse(lines[0]!) as Record<string, unknown>;
  for (const key of ['codec_encode_mb_s', 'codec_decode_mb_s', 'link_efficiency']) {
    assert.equal(typeof figures[key], 'number', `${key} missing or not a number`);
    assert.ok((figures[key] as number) > 0, `${key} must be positive`);
  }
  assert.ok(Object.values(figures).every((v) => typeof v === 'number'));
});
