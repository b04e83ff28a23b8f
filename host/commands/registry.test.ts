/** The start-up health check: clear errors that name the command at fault. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { command } from './command.js';
import { CommandRegistry } from './registry.js';
import { defineType } from './types/define-type.js';

const h = () => ({});
function rejects(fn: () => unknown, code: string, ...fragments: string[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isHarkError(e), `expected HarkError, got ${e}`);
    assert.equal(e.code, code);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}

test('pattern syntax errors point at the command and the offset', () => {
  rejects(
    () => new CommandRegistry().add(command('turn (on|off', h, { name: 'broken' })),
    'HARK_ERR_COMMANDS_PATTERN',
    'command "broken"',
    'expected ")"',
  );
  rejects(() => new CommandRegistry().add(command('turn (|off)', h)), 'HARK_ERR_COMMANDS_PATTERN', 'empty');
  rejects(
    () => new CommandRegistry().add(command('lights please?', h)),
    'HARK_ERR_COMMANDS_PATTERN',
    '(please)?',
  );
  rejects(() => new CommandRegistry().add(command('set $:Number', h)), 'HARK_ERR_COMMANDS_PATTERN', 'name');
  rejects(() => new CommandRegistry().add(command('', h)), 'HARK_ERR_COMMANDS_PATTERN', 'empty');
});

test('unknown types and bad type arguments are reported', () => {
  rejects(
    () => new CommandRegistry().add(command('go to $room:Room', h, { name: 'go' })),
    'HARK_ERR_COMMANDS_PATTERN',
    'command "go"',
    'unknown type Room',
  );
  rejects(
    () => new CommandRegistry().add(command('set $n:Number(ten)', h)),
    'HARK_ERR_COMMANDS_PATTERN',
    '1..60',
  );
  rejects(
    () => new CommandRegistry().add(command('set $n:Number(9..1)', h)),
    'HARK_ERR_COMMANDS_PATTERN',
    'empty',
  );
  rejects(
    () => new CommandRegistry().add(command('set $c:Color(1)', h)),
    'HARK_ERR_COMMANDS_PATTERN',
    'no argument',
  );
});

test('handler parameters must exist in the pattern', () => {
  rejects(
    () =>
      new CommandRegistry().add(
        command(
          'set a timer for $duraton:Duration',
          (({ duration }: { duration: number }) => ({ text: String(duration) })) as never,
          { name: 't' },
        ),
      ),
    'HARK_ERR_COMMANDS_DEFINITION',
    'command "t"',
    '"duration"',
    '$duraton',
  );
  // A handler that takes the whole object, or nothing, is fine.
  new CommandRegistry().add(
    command('a $x:Word', (p) => ({ text: String(p.x) })),
    command('b', () => ({})),
  );
});

test('conditional parameters must be declared optional', () => {
  rejects(
    () => new CommandRegistry().add(command('remind me (in $d:Duration)? to $what:String', h)),
    'HARK_ERR_COMMANDS_PATTERN',
    '$d:Duration?',
  );
  rejects(() => new CommandRegistry().add(command('(a $x:Word|b)', h)), 'HARK_ERR_COMMANDS_PATTERN', '$x');
  // Present in every alternative: not conditional.
  new CommandRegistry().add(command('(a $x:Word|b $x:Word)', h));
});

test('duplicate names, bad options, non-importable blocking commands', () => {
  rejects(
    () => new CommandRegistry().add(command('hello', h), command('hello', h)),
    'HARK_ERR_COMMANDS_DEFINITION',
    'defined twice',
  );
  rejects(
    () => new CommandRegistry().add(command('hello', h, { timeoutMs: -1 })),
    'HARK_ERR_COMMANDS_DEFINITION',
    'timeoutMs',
  );
  const inline = { ...command('crunch', h, { blocking: true }), moduleUrl: undefined };
  rejects(() => new CommandRegistry().add(inline), 'HARK_ERR_COMMANDS_DEFINITION', 'module file');
});

test('types: invalid or duplicate definitions are rejected', () => {
  rejects(
    () => new CommandRegistry().add(defineType('room', { values: ['x'] })),
    'HARK_ERR_COMMANDS_TYPE',
    'room',
  );
  rejects(
    () => new CommandRegistry().add(defineType('Number', { values: ['x'] })),
    'HARK_ERR_COMMANDS_TYPE',
    'twice',
  );
  rejects(
    () => new CommandRegistry().add(defineType('Empty', { values: [] })),
    'HARK_ERR_COMMANDS_TYPE',
    'empty',
  );
  rejects(
    () => new CommandRegistry().add(defineType('Bad', { pattern: '$x:Nope', parse: () => 1 })),
    'HARK_ERR_COMMANDS_TYPE',
    'Nope',
  );
});

test('command() records the module that defined it', () => {
  const c = command('hello', h);
  assert.ok(c.moduleUrl?.endsWith('/host/commands/registry.test.js'), c.moduleUrl);
});

test('describe() lists commands for a start-up dump', () => {
  const r = new CommandRegistry().add(
    command('set a timer for $d:Duration (please)?', h, { name: 'timer', description: 'Starts a timer' }),
    command('crunch $n:Number(1..9)?', h, { blocking: true, timeoutMs: 500 }),
  );
  const [timer, crunch] = r.describe();
  assert.deepEqual(timer?.params, [{ name: 'd', type: 'Duration', optional: false }]);
  assert.equal(timer?.description, 'Starts a timer');
  assert.deepEqual(crunch?.params, [{ name: 'n', type: 'Number(1..9)', optional: true }]);
  assert.equal(crunch?.blocking, true);
  assert.equal(crunch?.timeoutMs, 500);
  assert.match(crunch!.module!, /registry\.test\.js$/);
});
