/**
 * Start-up that never hangs or crashes (issue 10 item 6): 20 consecutive starts and stops, each in a
 * fresh process with 4 ASR workers decoding at once, and a model load that never finishes failing
 * with a clear error instead of waiting for ever. `npm run chaos` runs the same cycle 500 times.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { startStopCycles } from '../../test/fixtures/transcription/start-stop.js';
import { HANGING_WORKER_URL } from '../../test/fixtures/transcription/worker-urls.js';
import { TranscriptionService } from './service.js';

test('20 consecutive starts and stops (4 workers each, a stream per worker): no hang, no crash', async (t) => {
  const r = await startStopCycles({ cycles: 20, threads: 4, deadlineMs: 120_000, maxFailures: 1 });
  const ms = r.outcomes.map((o) => Math.round(o.ms)).sort((a, b) => a - b);
  t.diagnostic(`cycles ${r.outcomes.length}, median ${ms[ms.length >> 1]} ms, slowest ${ms.at(-1)} ms`);
  const bad = r.outcomes.find((o) => !o.ok);
  assert.ok(
    !bad,
    bad &&
      `cycle ${r.outcomes.indexOf(bad) + 1}: ${bad.failure} (exit ${bad.exitCode}, signal ${bad.signal}) ${bad.stderr}`,
  );
  assert.equal(r.outcomes.length, 20);
});

test('a model that never finishes loading fails create() with HARK_ERR_TRANSCRIPTION_LOAD_TIMEOUT', async () => {
  const t0 = performance.now();
  await assert.rejects(
    TranscriptionService.create({ threads: 2, loadTimeoutMs: 1500, workerUrl: HANGING_WORKER_URL }),
    (e) =>
      isHarkError(e, 'HARK_ERR_TRANSCRIPTION_LOAD_TIMEOUT') &&
      /did not load within 1500 ms/.test(e.message) &&
      /0 of 2 ASR workers/.test(e.message) &&
      /loadTimeoutMs/.test(e.message),
  );
  // The deadline, the pool teardown, and nothing more (a missing timeout would never get here).
  assert.ok(performance.now() - t0 < 1500 + 10_000, `took ${Math.round(performance.now() - t0)} ms`);
});

test('loadTimeoutMs must be positive', async () => {
  await assert.rejects(
    TranscriptionService.create({ threads: 1, loadTimeoutMs: 0 }),
    (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_CONFIG') && /loadTimeoutMs/.test(e.message),
  );
});
