/** Contexts: follow-ups valid only after the response that opened them, per board, with a timeout. */
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { command } from './command.js';
import { Dispatcher } from './dispatcher.js';
import { CommandRegistry } from './registry.js';

const MIN = 60_000;

function demoDispatcher() {
  return new Dispatcher({ registry: new CommandRegistry().add(demo), contextTimeoutMs: 10_000 });
}

test('"set a timer" → "for how long?" → "five minutes", then the timer fires later', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const d = demoDispatcher();
  assert.equal(
    (await d.handle('b', 'five minutes'))[0]?.status,
    'not_found',
    'no follow-up without a question',
  );
  const [question] = await d.handle('b', 'set a timer');
  assert.equal(question?.text, 'For how long?');
  assert.equal(question?.needsInput, true);
  assert.equal(d.contexts.layers('b').length, 1);
  const [set] = await d.handle('b', 'five minutes');
  assert.equal(set?.command, 'timer duration');
  assert.equal(set?.text, 'Timer set for 5 minutes');
  assert.equal(d.contexts.layers('b').length, 0, 'a used follow-up closes its context');
  assert.equal((await d.handle('b', 'five minutes'))[0]?.status, 'not_found');

  const fired: string[] = [];
  d.on('response', (r) => fired.push(`${r.boardId}: ${r.text}`));
  mock.timers.tick(5 * MIN - 1);
  assert.deepEqual(fired, []);
  mock.timers.tick(1);
  assert.deepEqual(fired, ['b: Timer for 5 minutes is done']);
});

test('a context times out back to the root context', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const d = demoDispatcher();
  const timeouts: string[] = [];
  d.contexts.on('timeout', ({ boardId, dropped }) => timeouts.push(`${boardId}:${dropped[0].openedBy}`));
  await d.handle('b', 'set a timer');
  mock.timers.tick(9_999);
  assert.equal(d.contexts.layers('b').length, 1);
  mock.timers.tick(1);
  assert.equal(d.contexts.layers('b').length, 0);
  assert.deepEqual(timeouts, ['b:set a timer']);
  assert.equal((await d.handle('b', 'for ten seconds'))[0]?.status, 'not_found');
});

test('contexts are per board', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const d = demoDispatcher();
  await d.handle('kitchen', 'set a timer');
  assert.equal((await d.handle('desk', 'ten seconds'))[0]?.status, 'not_found');
  assert.equal((await d.handle('kitchen', 'ten seconds'))[0]?.text, 'Timer set for 10 seconds');
});

test('a root command closes open contexts; follow-ups get the context parameters', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const seen: unknown[] = [];
  const yes = command('yes', (_p, ctx) => {
    seen.push(ctx.parameters);
    return { text: `deleting ${ctx.parameters.file}` };
  });
  const registry = new CommandRegistry().add(
    command('delete $file:Word', ({ file }) => ({
      text: `Delete ${file}?`,
      needsInput: true,
      commands: [yes, 'no'],
      parameters: { file },
    })),
    command('no', () => ({ text: 'kept' }), { followUpOnly: true }),
    command('hello', () => ({ text: 'hi' })),
  );
  const d = new Dispatcher({ registry });
  assert.equal(
    (await d.handle('b', 'no'))[0]?.status,
    'not_found',
    'followUpOnly commands are not in the root',
  );
  await d.handle('b', 'delete notes');
  assert.deepEqual(
    (await d.handle('b', 'yes')).map((r) => r.text),
    ['deleting notes'],
  );
  assert.deepEqual(seen, [{ file: 'notes' }]);
  await d.handle('b', 'delete logs');
  assert.equal((await d.handle('b', 'no'))[0]?.text, 'kept');
  await d.handle('b', 'delete logs');
  assert.equal((await d.handle('b', 'hello'))[0]?.text, 'hi');
  assert.equal(d.contexts.layers('b').length, 0, 'moving on to a root command drops the question');
  assert.equal((await d.handle('b', 'yes'))[0]?.status, 'not_found');
});

test('using a follow-up closes its layer; the newest layer is tried first', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const inner = command('(red|blue)', (_p, ctx) => ({ text: `inner ${ctx.utterance}` }));
  const registry = new CommandRegistry().add(
    command('paint', () => ({
      text: 'what colour?',
      commands: [
        command('pick', () => ({ text: 'red or blue?', commands: [inner] })),
        command('cancel', () => ({})),
      ],
    })),
    command('two questions', async function* () {
      yield { text: 'first', commands: [command('$c:Color', ({ c }) => ({ text: `older ${c.name}` }))] };
      yield { text: 'second', commands: [command('red', () => ({ text: 'newer red' }))] };
    }),
  );
  const d = new Dispatcher({ registry });
  await d.handle('b', 'paint');
  await d.handle('b', 'pick');
  assert.equal(d.contexts.layers('b').length, 1);
  assert.equal(d.contexts.layers('b')[0]?.openedBy, 'pick');
  assert.equal((await d.handle('b', 'cancel'))[0]?.status, 'not_found', 'the used layer is gone');
  await d.handle('b', 'two questions');
  assert.equal(d.contexts.layers('b').length, 2);
  assert.equal((await d.handle('b', 'red'))[0]?.text, 'newer red');
  assert.equal((await d.handle('b', 'blue'))[0]?.text, 'older blue');
  assert.equal(d.contexts.layers('b').length, 0);
});

test('a follow-up naming an unknown command is an error response', async () => {
  const d = new Dispatcher({
    registry: new CommandRegistry().add(command('ask', () => ({ text: '?', commands: ['nothing'] }))),
  });
  const [r] = await d.handle('b', 'ask');
  assert.equal(r?.error?.code, 'HARK_ERR_COMMANDS_RESPONSE');
  assert.match(r!.text!, /unknown follow-up "nothing"/);
});
