/**
 * `npm run chaos -- --short` smoke test: every chaos module of core (attacks, soak) runs for seconds and
 * the runner prints one flat JSON object of numbers with the keys. The asr helper's 500-starts
 * module is left out here (npm test runs its own 20-cycle test); the full-length figures come from
 * `npm run chaos`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { misses } from './chaos/targets.js';

const runner = fileURLToPath(new URL('./chaos/run.js', import.meta.url));

test('chaos --short prints one JSON object with the healthy-board, crash, soak and shutdown figures', () => {
  const r = spawnSync(process.execPath, [runner, '--short', '--skip', 'asr-starts'], {
    encoding: 'utf8',
    timeout: 280_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `stdout must be one line, got:\n${r.stdout}`);
  const f = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.ok(
    Object.values(f).every((v) => typeof v === 'number'),
    lines[0],
  );
  for (const key of [
    'healthy_board_max_gap_s',
    'host_crashes',
    'soak_rss_growth_mb_per_hour',
    'shutdown_s_stalled_port',
  ])
    assert.equal(typeof f[key], 'number', `${key} missing: ${lines[0]}`);
  assert.equal(f.host_crashes, 0, `no host crashed: ${r.stderr.slice(-3000)}`);
  assert.equal(f.shutdown_exit_code, 0, 'hark run stops with exit 0 beside a stalled port');
  assert.ok((f.healthy_board_max_gap_s as number) > 0, 'the healthy board was measured');
  assert.ok((f.soak_commands as number) > 0 && f.soak_answers_missed === 0, lines[0]);
});

test('chaos refuses a run that matches no module', () => {
  const r = spawnSync(process.execPath, [runner, '--short', '--only', 'no-such-module'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no chaos module matched/);
});

test('a full run misses a target by a stated amount; figures within target pass', () => {
  assert.deepEqual(
    misses({ healthy_board_max_gap_s: 0.4, host_crashes: 0, shutdown_s_stalled_port: 2.9 }),
    [],
  );
  assert.deepEqual(misses({ healthy_board_max_gap_s: 67.8, soak_rss_growth_mb_per_hour: 5 }), [
    'healthy_board_max_gap_s = 67.8 misses its target ≤ 1 by 66.8',
  ]);
  assert.match(misses({ host_crashes: 1 })[0] ?? '', /host_crashes = 1 misses its target ≤ 0 by 1/);
});
