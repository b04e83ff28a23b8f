import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { HarkError, isHarkError } from './errors.js';
import { fromWire, toWire } from './wire-error.js';
import { RpcTimeoutError, transferred, WorkerRpc } from './worker-rpc.js';

type Call =
  | { op: 'add'; a: number; b: number }
  | { op: 'fail' }
  | { op: 'crash' }
  | { op: 'never' }
  | { op: 'port'; port: MessagePort };

function pair() {
  const { port1, port2 } = new MessageChannel();
  const events: unknown[] = [];
  const server = new WorkerRpc<Call, string>(port2, {
    onCall: async (c) => {
      switch (c.op) {
        case 'add':
          return c.a + c.b;
        case 'fail':
          throw new HarkError('HARK_ERR_LINK_NOT_READY', 'no board "x" is open', {
            details: { path: '/dev/x' },
          });
        case 'crash':
          throw Object.assign(new TypeError('boom'), { code: 'ERR_BOOM' });
        case 'never':
          return new Promise(() => {});
        case 'port':
          c.port.postMessage('hello through the transferred port');
          return 'ok';
      }
    },
  });
  let onEvent: () => void = () => {};
  const nextEvent = () => new Promise<void>((r) => (onEvent = r));
  const client = new WorkerRpc<Call, string>(port1, {
    onEvent: (e) => {
      events.push(e);
      onEvent();
    },
  });
  const close = () => {
    port1.close();
    port2.close();
  };
  return { client, server, events, nextEvent, close };
}

test('call/reply, events, and transferred ports', async () => {
  const { client, server, events, nextEvent, close } = pair();
  try {
    assert.equal(await client.call<number>({ op: 'add', a: 2, b: 3 }), 5);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise((r) => port1.once('message', r));
    assert.equal(await client.call({ op: 'port', port: port2 }, { transfer: [port2] }), 'ok');
    assert.equal(await got, 'hello through the transferred port');
    port1.close();
    const seen = nextEvent();
    server.emit('state changed');
    await seen;
    assert.deepEqual(events, ['state changed']);
    assert.equal(client.pendingCalls, 0);
  } finally {
    close();
  }
});

test('errors cross as what they were: HarkError with code and details, other errors with name and code', async () => {
  const { client, close } = pair();
  try {
    await assert.rejects(client.call({ op: 'fail' }), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_LINK_NOT_READY'));
      assert.equal(e.details?.path, '/dev/x');
      return true;
    });
    await assert.rejects(client.call({ op: 'crash' }), (e: Error & { code?: string }) => {
      assert.equal(e.name, 'TypeError');
      assert.equal(e.code, 'ERR_BOOM');
      assert.equal(e.message, 'boom');
      return true;
    });
  } finally {
    close();
  }
});

test('a call without reply times out when asked to; fail() rejects pending and later calls', async () => {
  const { client, close } = pair();
  try {
    await assert.rejects(client.call({ op: 'never' }, { timeoutMs: 20 }), RpcTimeoutError);
    const pending = client.call({ op: 'never' });
    client.fail(new Error('the worker died'));
    await assert.rejects(pending, /the worker died/);
    await assert.rejects(client.call({ op: 'add', a: 1, b: 1 }), /the worker died/);
  } finally {
    close();
  }
});

test('toWire/fromWire: unregistered codes stay plain errors, thrown non-errors become messages, details merge', () => {
  const w = toWire(new HarkError('HARK_ERR_LINK_LOST', 'gone', { details: { fn: () => 1, n: 2 } }));
  assert.equal(w.code, 'HARK_ERR_LINK_LOST');
  assert.equal(w.details?.n, 2);
  assert.equal(typeof w.details?.fn, 'string', 'uncloneable details are stringified, not fatal');
  const back = fromWire(w, { boardId: 'b1' });
  assert.ok(isHarkError(back, 'HARK_ERR_LINK_LOST'));
  assert.equal(back.details?.boardId, 'b1');
  assert.deepEqual(toWire('plain string'), { name: 'Error', message: 'plain string' });
  const odd = fromWire({ name: 'Error', message: 'x', code: 'HARK_ERR_NOT_A_CODE' });
  assert.ok(!(odd instanceof HarkError));
  assert.equal((odd as { code?: string }).code, 'HARK_ERR_NOT_A_CODE');
});

test('a reply wrapped in transferred() moves its buffer: the answering side is left with a detached one', async () => {
  const { port1, port2 } = new MessageChannel();
  let kept: Uint8Array | undefined;
  new WorkerRpc<{ op: 'bytes' }>(port2, {
    onCall: () => {
      kept = Uint8Array.from([1, 2, 3]);
      return transferred({ data: kept }, [kept.buffer as ArrayBuffer]);
    },
  });
  const client = new WorkerRpc<{ op: 'bytes' }>(port1);
  try {
    const got = await client.call<{ data: Uint8Array }>({ op: 'bytes' });
    assert.deepEqual([...got.data], [1, 2, 3]);
    assert.equal(kept!.byteLength, 0, 'moved, not copied');
  } finally {
    port1.close();
    port2.close();
  }
});
