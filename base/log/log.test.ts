import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger, prettyLine } from './logger.js';
import { groupDigits, repeatedText, StormGate, type StormSummary } from './storm-gate.js';

test('a storm of identical events: the first few pass, the rest become one summary per window', () => {
  let now = 0;
  const summaries: StormSummary[] = [];
  const gate = new StormGate({
    allow: 3,
    windowMs: 60_000,
    now: () => now,
    onSummary: (s) => summaries.push(s),
  });
  let passed = 0;
  for (let i = 0; i < 1_220_003; i++) if (gate.admit('HELLO emu-1', i)) passed++;
  assert.equal(passed, 3);
  assert.equal(gate.admit('other', 'x'), true, 'other keys are not held back');
  now = 60_000;
  assert.equal(
    gate.admit('HELLO emu-1', 'next window'),
    true,
    'a new window lets the first ones through again',
  );
  assert.equal(summaries.length, 1);
  assert.equal(summaries[0]!.suppressed, 1_220_000);
  assert.equal(summaries[0]!.sample, 1_220_002);
  assert.equal(repeatedText(summaries[0]!), '… repeated 1,220,000 times in the last 60 s');
  assert.equal(groupDigits(1234567), '1,234,567');
  gate.flush();
  assert.equal(summaries.length, 1, 'nothing held back in the new window: no summary');
});

test('a storm that stops is still summarised when its window ends (timer), and on flush', async () => {
  const summaries: StormSummary[] = [];
  let resolve!: () => void;
  const summarised = new Promise<void>((r) => {
    resolve = r;
  });
  const gate = new StormGate({
    allow: 1,
    windowMs: 30,
    onSummary: (s) => {
      summaries.push(s);
      resolve();
    },
  });
  for (let i = 0; i < 10; i++) gate.admit('k', i);
  // The gate's timer is unref'd (it never keeps a host alive); this bound keeps the test's loop alive.
  const bound = setTimeout(() => assert.fail('no summary within 10 s'), 10_000);
  await summarised;
  clearTimeout(bound);
  assert.equal(summaries[0]!.suppressed, 9);
  const flushed: StormSummary[] = [];
  const g2 = new StormGate({ allow: 1, onSummary: (s) => flushed.push(s) });
  g2.admit('a', 1);
  g2.admit('a', 2);
  g2.admit('b', 1);
  g2.flush();
  assert.deepEqual(
    flushed.map((s) => [s.key, s.suppressed]),
    [['a', 1]],
  );
});

test('the gate tracks a bounded number of keys', () => {
  const summaries: StormSummary[] = [];
  const gate = new StormGate({ allow: 1, maxKeys: 10, now: () => 0, onSummary: (s) => summaries.push(s) });
  for (let i = 0; i < 1000; i++) {
    gate.admit(`k${i}`, i);
    gate.admit(`k${i}`, i);
  }
  assert.equal(summaries.length, 990, 'evicted keys are summarised, not forgotten');
  gate.flush();
  assert.equal(summaries.length, 1000);
});

function capture() {
  const stream = Object.assign(new PassThrough(), { isTTY: false });
  const lines: string[] = [];
  let buf = '';
  stream.on('data', (b: Buffer) => {
    buf += b.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  return { stream, lines };
}

test('JSON log lines carry t, event, level and the board of a child logger; levels filter', async () => {
  const { stream, lines } = capture();
  const { log } = createLogger({ stream, level: 'info', now: () => 1234 });
  const board = log.child({ boardId: 'emu-1' });
  board.info('link ready');
  board.debug('hidden at info level');
  log.warn({ code: 'X' }, 'host warning');
  await new Promise<void>((r) => setImmediate(r));
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.deepEqual(JSON.parse(lines[0]!), {
    level: 'info',
    t: 1234,
    event: 'log',
    boardId: 'emu-1',
    msg: 'link ready',
  });
  assert.equal(JSON.parse(lines[1]!).code, 'X');
});

test('a log storm becomes a few lines and one summary with the count', async () => {
  const { stream, lines } = capture();
  const logger = createLogger({ stream, storm: { allow: 2 }, now: () => 0 });
  const board = logger.log.child({ boardId: 'noisy' });
  for (let i = 0; i < 5000; i++) board.warn('HELLO again');
  board.warn('something else');
  logger.flush();
  await new Promise<void>((r) => setImmediate(r));
  const parsed = lines.map((l) => JSON.parse(l) as { msg: string; repeated?: number; boardId?: string });
  assert.equal(parsed.length, 4, lines.join('\n'));
  assert.equal(parsed.filter((p) => p.msg === 'HELLO again').length, 2);
  const summary = parsed.find((p) => p.repeated !== undefined)!;
  assert.equal(summary.repeated, 4998);
  assert.equal(summary.boardId, 'noisy');
  assert.match(summary.msg, /^HELLO again … repeated 4,998 times in the last \d+ s$/);
});

test('pretty lines for a terminal', () => {
  const line = prettyLine(
    JSON.stringify({
      level: 'warn',
      t: new Date(2025, 0, 1, 9, 5, 7, 42).getTime(),
      event: 'log',
      boardId: 'b1',
      msg: 'slow',
      ms: 30,
    }),
  );
  assert.equal(line, '09:05:07.042 WARN  b1: slow (ms=30)');
  assert.equal(prettyLine('not json'), 'not json');
});
