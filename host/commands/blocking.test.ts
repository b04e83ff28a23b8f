/** Blocking handlers run in the command worker pool: off the main thread, cancellable, crash-safe. */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { blockingCommands } from '../../test/fixtures/commands/misbehaving-commands.js';
import { Dispatcher } from './dispatcher.js';
import { loadCommandsDir } from './loader.js';
import { CommandRegistry } from './registry.js';

const d = new Dispatcher({
  registry: new CommandRegistry().add(blockingCommands),
  pool: { minThreads: 1, maxThreads: 1, idleTimeoutMs: 10_000 },
});
after(() => d.close());

test('a blocking handler runs off the main thread; the main loop stays responsive', async () => {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  const [r] = await d.handle('b', 'busy wait two thousand');
  clearInterval(ticker);
  h.disable();
  assert.equal(r?.status, 'success', r?.text);
  assert.equal(r?.text, 'waited 2000 ms');
  assert.equal(r?.parameters?.isMainThread, false);
  const maxMs = h.max / 1e6;
  assert.ok(maxMs < 500, `main-loop delay reached ${maxMs} ms while the worker busy-waited`);
  assert.ok(ticks >= 10, `a 20 ms timer fired only ${ticks} times in 2 s`);
});

test('a worker that exits is reported and replaced; the pool keeps serving', async () => {
  const [r] = await d.handle('b', 'exit worker');
  assert.equal(r?.status, 'error');
  assert.equal(r?.error?.code, 'HARK_ERR_COMMANDS_WORKER');
  assert.match(r!.text!, /"exit worker"/);
  const [ok] = await d.handle('b', 'busy wait ten');
  assert.equal(ok?.text, 'waited 10 ms');
  assert.ok(d.stats().pool!.crashed >= 1);
});

test('an error thrown in a worker becomes an error response naming the command', async () => {
  const [r] = await d.handle('b', 'throw in worker');
  assert.equal(r?.error?.code, 'HARK_ERR_COMMANDS_HANDLER');
  assert.match(r!.text!, /command "throw in worker" failed: worker kaput/);
});

test('a stuck blocking handler is terminated at its timeout; the pool replaces the worker', async () => {
  const [r] = await d.handle('b', 'spin forever');
  assert.equal(r?.error?.code, 'HARK_ERR_COMMANDS_TIMEOUT');
  assert.match(r!.text!, /"spin forever" timed out after 300 ms/);
  const [ok] = await d.handle('b', 'busy wait one');
  assert.equal(ok?.text, 'waited 1 ms');
});

test('blocking handlers may open contexts by naming registered follow-ups', async () => {
  const rs = await d.handle('b', 'ask in worker');
  assert.deepEqual(
    rs.map((r) => r.text),
    ['sure?', 'also this'],
  );
  const [r] = await d.handle('b', 'confirm');
  assert.equal(r?.text, 'confirmed from worker');
});

test('a blocking command built by a helper module is found through the module that exported it', async () => {
  const registry = new CommandRegistry();
  await loadCommandsDir(
    registry,
    fileURLToPath(new URL('../../test/fixtures/commands/factory-pack/', import.meta.url)),
  );
  assert.equal(registry.get('sum')?.modules.length, 2);
  const local = new Dispatcher({ registry, pool: { maxThreads: 1 } });
  try {
    const [r] = await local.handle('b', 'sum up to one hundred');
    assert.equal(r?.text, 'sum 5050');
  } finally {
    await local.close();
  }
});

test('warm() starts the command workers with the blocking commands found, before any call; without blocking commands it starts none', async () => {
  const warm = new Dispatcher({
    registry: new CommandRegistry().add(blockingCommands),
    pool: { minThreads: 1, maxThreads: 1 },
  });
  try {
    await warm.warm();
    const pool = warm.stats().pool;
    assert.equal(pool?.threads, 1, 'a worker is up before the first blocking command');
    assert.equal(pool?.completed, 1, 'it ran the preload (the imports the first call would do)');
    const [r] = await warm.handle('b', 'busy wait one');
    assert.equal(r?.text, 'waited 1 ms');
  } finally {
    await warm.close();
  }
  const none = new Dispatcher({ registry: new CommandRegistry() });
  await none.warm();
  assert.equal(none.stats().pool, undefined, 'no blocking command: no worker');
  await none.close();
});
