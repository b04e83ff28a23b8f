/** Dispatch of async handlers: response shapes, errors, timeouts, cancellation, late responses. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CommandContext, command } from './command.js';
import { Dispatcher } from './dispatcher.js';
import { CommandRegistry } from './registry.js';
import type { DispatchedResponse } from './response.js';

function setup(...defs: Parameters<CommandRegistry['add']>) {
  return new Dispatcher({ registry: new CommandRegistry().add(...defs), defaultTimeoutMs: 5_000 });
}

test('a single response gets status, command and board', async () => {
  const d = setup(command('hello', () => ({ text: 'hi', voice: true })));
  const [r, ...rest] = await d.handle('b1', 'Hello!');
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { ...r },
    { text: 'hi', voice: true, status: 'success', command: 'hello', boardId: 'b1', late: false },
  );
});

test('no match yields not_found naming the utterance', async () => {
  const d = setup(command('hello', () => ({})));
  const [r] = await d.handle('b1', 'goodbye');
  assert.equal(r?.status, 'not_found');
  assert.equal(r?.command, undefined);
  assert.match(r!.text!, /goodbye/);
  assert.equal(d.stats().notFound, 1);
});

test('arrays and async generators yield several responses in order', async () => {
  const d = setup(
    command('two', () => [{ text: 'a' }, { text: 'b' }]),
    command('count to $n:Number', async function* ({ n }) {
      for (let i = 1; i <= n; i++) {
        await sleep(1);
        yield { text: String(i) };
      }
    }),
  );
  assert.deepEqual(
    (await d.handle('b', 'two')).map((r) => r.text),
    ['a', 'b'],
  );
  assert.deepEqual(
    (await d.handle('b', 'count to three')).map((r) => r.text),
    ['1', '2', '3'],
  );
});

test('a generator response arrives before the generator finishes', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const d = setup(
    command('slow', async function* () {
      yield { text: 'working on it', status: 'info' as const };
      await gate;
      yield { text: 'done' };
    }),
  );
  const it = d.dispatch('b', 'slow');
  assert.equal((await it.next()).value?.text, 'working on it');
  release();
  assert.equal((await it.next()).value?.text, 'done');
  assert.equal((await it.next()).done, true);
});

test('ctx.respond during the handler is delivered at once; after it, as a late "response" event', async () => {
  let ctxSeen!: CommandContext;
  let release!: () => void;
  const d = setup(
    command('remind me', async (_p, ctx) => {
      ctxSeen = ctx;
      ctx.respond({ text: 'on it' });
      await new Promise<void>((r) => {
        release = r;
      });
      return { text: 'reminder set' };
    }),
  );
  const it = d.dispatch('b7', 'remind me');
  assert.equal((await it.next()).value?.text, 'on it'); // while the handler still waits
  release();
  assert.equal((await it.next()).value?.text, 'reminder set');
  assert.equal((await it.next()).done, true);
  const late = once(d, 'response') as Promise<[DispatchedResponse]>;
  ctxSeen.respond({ text: 'time is up', tone: 'alarm' });
  const [r] = await late;
  assert.equal(r.text, 'time is up');
  assert.equal(r.late, true);
  assert.equal(r.boardId, 'b7');
  assert.equal(r.command, 'remind me');
  assert.equal(d.stats().lateResponses, 1);
});

test('a thrown error, a rejection or an invalid response becomes an error response', async () => {
  const d = setup(
    command('throw', () => {
      throw new Error('kaput');
    }),
    command('reject', async () => {
      await sleep(1);
      throw new TypeError('nope');
    }),
    command('invalid', () => ({ txt: 'typo' }) as never),
    command('bad led', () => ({ led: 'sparkly' }) as never),
    command('generator fails', async function* () {
      yield { text: 'first' };
      throw new Error('second failed');
    }),
  );
  const check = async (utterance: string, code: string, ...fragments: string[]) => {
    const rs = await d.handle('b', utterance);
    const r = rs.at(-1)!;
    assert.equal(r.status, 'error');
    assert.equal(r.error?.code, code);
    assert.equal(r.command, utterance);
    for (const f of fragments) assert.ok(r.text!.includes(f), `"${r.text}" lacks "${f}"`);
    return rs;
  };
  await check('throw', 'HARK_ERR_COMMANDS_HANDLER', 'command "throw"', 'kaput');
  await check('reject', 'HARK_ERR_COMMANDS_HANDLER', 'nope');
  await check('invalid', 'HARK_ERR_COMMANDS_RESPONSE', 'command "invalid"', 'unknown field "txt"');
  await check('bad led', 'HARK_ERR_COMMANDS_RESPONSE', '"led"');
  const rs = await check('generator fails', 'HARK_ERR_COMMANDS_HANDLER', 'second failed');
  assert.equal(rs[0]?.text, 'first');
  assert.equal(d.stats().errors, 5);
});

test('a handler past its timeout is cancelled through its AbortSignal', async () => {
  let signal!: AbortSignal;
  const d = setup(
    command(
      'hang',
      async (_p, ctx) => {
        signal = ctx.signal;
        await sleep(60_000, undefined, { signal: ctx.signal }).catch(() => {});
        return { text: 'too late' };
      },
      { timeoutMs: 50 },
    ),
  );
  const [r, ...rest] = await d.handle('b', 'hang');
  assert.equal(rest.length, 0);
  assert.equal(r?.status, 'error');
  assert.equal(r?.error?.code, 'HARK_ERR_COMMANDS_TIMEOUT');
  assert.match(r!.text!, /"hang" timed out after 50 ms/);
  assert.equal(signal.aborted, true);
  assert.equal(d.stats().timeouts, 1);
});

test('the caller can cancel a running command', async () => {
  let signal!: AbortSignal;
  const d = setup(
    command('wait', async (_p, ctx) => {
      signal = ctx.signal;
      await sleep(60_000, undefined, { signal: ctx.signal }).catch(() => {});
      return {};
    }),
  );
  const ac = new AbortController();
  const pending = d.handle('b', 'wait', { signal: ac.signal });
  await sleep(5);
  assert.equal(d.stats().running, 1);
  ac.abort(new Error('user pressed the button'));
  const [r] = await pending;
  assert.equal(r?.status, 'error');
  assert.equal(r?.error?.code, 'HARK_ERR_COMMANDS_CANCELLED');
  assert.match(r!.text!, /"wait" was cancelled: user pressed the button/);
  assert.equal(signal.aborted, true);
  assert.equal(d.stats().running, 0);
});

test('a finished command keeps its signal for background work', async () => {
  let signal!: AbortSignal;
  const d = setup(
    command('bg', (_p, ctx) => {
      signal = ctx.signal;
      return {};
    }),
  );
  await d.handle('b', 'bg');
  assert.equal(signal.aborted, false);
  await d.close();
});
