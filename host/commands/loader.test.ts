/** Loading a commands directory, and the demo pack working end to end through the dispatcher. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isHarkError } from '../../base/errors.js';
import { Dispatcher } from './dispatcher.js';
import { loadCommandModule, loadCommandsDir } from './loader.js';
import { CommandRegistry } from './registry.js';

const examplePack = fileURLToPath(new URL('../../examples/typescript-starter/src/index.js', import.meta.url));

test('the example pack loads from its module and answers', async () => {
  const registry = new CommandRegistry();
  const n = await loadCommandModule(registry, examplePack);
  assert.equal(n, registry.commands.length);
  assert.ok(registry.get('count primes')?.def.options.blocking);
  const d = new Dispatcher({ registry, pool: { maxThreads: 1 } });
  try {
    const say = async (u: string) => (await d.handle('b', u))[0]!;
    assert.deepEqual((await say('turn the lights red')).led, {
      effect: 'solid',
      color: { r: 255, g: 0, b: 0 },
    });
    assert.deepEqual((await say('turn the light off')).led, { effect: 'off' });
    assert.deepEqual((await say('volume up')).volume, { delta: 10 });
    assert.deepEqual((await say('turn the volume down')).volume, { delta: -10 });
    assert.deepEqual((await say('set the volume to forty percent')).volume, { level: 40 });
    assert.match((await say('what time is it')).text!, /^It is \d{1,2}:\d\d$/);
    const primes = await say('count primes below ten thousand');
    assert.equal(primes.text, 'There are 1229 primes below 10000');
    assert.equal(primes.command, 'count primes');
  } finally {
    await d.close();
  }
});

test('loading errors name the directory or module', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hark-commands-'));
  try {
    const missing = join(dir, 'nope');
    await assert.rejects(loadCommandsDir(new CommandRegistry(), missing), (e) => {
      assert.ok(isHarkError(e, 'HARK_ERR_COMMANDS_LOAD'));
      assert.ok(e.message.includes(missing));
      return true;
    });
    await writeFile(join(dir, 'a-empty.mjs'), 'export const answer = 42;\n');
    await assert.rejects(loadCommandsDir(new CommandRegistry(), dir), (e) => {
      assert.ok(isHarkError(e, 'HARK_ERR_COMMANDS_LOAD'));
      assert.match(e.message, /a-empty\.mjs exports no command/);
      return true;
    });
    await rm(join(dir, 'a-empty.mjs'));
    await writeFile(join(dir, 'b-broken.mjs'), 'export default [;\n');
    await assert.rejects(loadCommandsDir(new CommandRegistry(), dir), (e) => {
      assert.ok(isHarkError(e, 'HARK_ERR_COMMANDS_LOAD'));
      assert.match(e.message, /b-broken\.mjs/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a module whose top-level await never settles fails to load after the timeout, named', async () => {
  const url = new URL('../../test/fixtures/commands/never-loads.js', import.meta.url).href;
  const loading: string[] = [];
  const started = performance.now();
  await assert.rejects(
    loadCommandModule(new CommandRegistry(), url, { timeoutMs: 300, onLoading: (u) => loading.push(u) }),
    (e) =>
      isHarkError(e, 'HARK_ERR_COMMANDS_LOAD_TIMEOUT') &&
      e.message.includes('never-loads.js') &&
      /did not finish loading within 300 ms/.test(e.message),
  );
  assert.deepEqual(loading, [url], 'what is loading was said before it hung');
  assert.ok(performance.now() - started < 5000);
});
