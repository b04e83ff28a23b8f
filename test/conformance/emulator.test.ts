/**
 * `hark conformance` against the TypeScript emulator: every clause passes or is skipped with a reason,
 * as the emulator is the board side of the SPEC; as an Uno (64-byte payloads, a 64-byte receive window,
 * no speaker); and as a 1.0 board, where the 1.1 clauses are skipped, not failed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResult, formatSummary, runConformance } from '../../boards/conformance/suite.js';
import { type BoardUnderTest, emulated } from './boards.js';

async function conformance(make: () => Promise<BoardUnderTest>, t: { diagnostic(s: string): void }) {
  const board = await make();
  try {
    const rep = await runConformance({ port: board.path, driver: board.driver });
    for (const r of rep.results) t.diagnostic(formatResult(r));
    t.diagnostic(formatSummary(rep));
    return rep;
  } finally {
    await board.close();
  }
}

test('the TypeScript emulator meets every clause the suite checks', async (t) => {
  const rep = await conformance(() => emulated(), t);
  assert.deepEqual(
    rep.results.filter((r) => r.status === 'fail').map((r) => `§${r.clause} ${r.detail}`),
    [],
  );
  assert.ok(rep.passed >= 30, `${rep.passed} passed`);
  const skipped = rep.results.filter((r) => r.status === 'skip');
  assert.ok(
    skipped.every((r) => r.detail),
    'every skip says why',
  );
});

test('as an Uno (64-byte window, 64-byte payloads, a piezo) it paces, and skips the speaker checks with a reason', async (t) => {
  const rep = await conformance(() => emulated({ profile: 'arduino-uno-electret' }), t);
  assert.deepEqual(
    rep.results.filter((r) => r.status === 'fail').map((r) => `§${r.clause} ${r.detail}`),
    [],
  );
  const pacing = rep.results.find((r) => r.clause === '1.4.2');
  assert.equal(pacing?.status, 'pass', 'the rx_window_bytes check ran');
  const max = rep.results.find((r) => r.clause === '1.4.1');
  assert.equal(max?.status, 'pass', 'the 64-byte max_rx_payload check ran both ways');
  assert.ok(rep.results.filter((r) => r.clause.startsWith('4.6.') && r.status === 'skip').length >= 4);
});

test('as a 1.0 board: the 1.1 clauses are skipped (the board speaks 1.0), the rest pass', async (t) => {
  const rep = await conformance(() => emulated({ versionMinor: 0 }), t);
  assert.deepEqual(
    rep.results.filter((r) => r.status === 'fail').map((r) => `§${r.clause} ${r.detail}`),
    [],
  );
  const skipped11 = rep.results.filter((r) => r.status === 'skip' && /speaks 1\.0/.test(r.detail ?? ''));
  assert.deepEqual(
    skipped11.map((r) => r.clause).sort(),
    ['1.4.2', '2.3.2', '2.3.5', '2.4.1', '4.3.5'].sort(),
  );
});
