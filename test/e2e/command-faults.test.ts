/**
 * Command isolation in a real host process (test/fixtures/commands/fault-host.ts: link worker, pty,
 * emulated board, ASR workers): each ordinary command bug — a timer callback that throws, floating
 * rejections, a throwing listener, johnny-five on a pin the board lacks, a blocking command's leftover
 * timer, a blocking command allocating without bound — is reported with a HARK_ERR_COMMANDS_* code naming
 * the command (or its module), and the host answers the next command. A bug outside command code stops
 * the process with one clean line (no stack on stderr) and exit 1.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

type Event = Record<string, unknown> & { event: string };

let child: ChildProcessWithoutNullStreams;
const events: Event[] = [];
let stderr = '';
const waiters = new Set<() => void>();
let exited: Promise<number | null>;

function waitEvent(
  what: string,
  from: number,
  pred: (e: Event) => boolean,
  timeoutMs = 30_000,
): Promise<Event> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const hit = events.slice(from).find(pred);
      if (!hit) return false;
      clearTimeout(timer);
      waiters.delete(onChange);
      resolve(hit);
      return true;
    };
    const onChange = () => void check();
    const timer = setTimeout(() => {
      waiters.delete(onChange);
      reject(
        new Error(
          `timed out waiting for ${what}; last events:\n${events
            .slice(-6)
            .map((e) => JSON.stringify(e))
            .join('\n')}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    if (!check()) waiters.add(onChange);
  });
}

before(async () => {
  const script = fileURLToPath(new URL('../fixtures/commands/fault-host.js', import.meta.url));
  child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  exited = new Promise((r) => child.on('close', r));
  let buffered = '';
  child.stdout.on('data', (b: Buffer) => {
    buffered += b.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as Event);
    for (const w of [...waiters]) w();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  await waitEvent('the host to be ready', 0, (e) => e.event === 'ready', 60_000);
});
after(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

const say = (text: string) => child.stdin.write(`${text}\n`);

/** Speaks `text`, waits for the fault report, then checks that the host still answers a command. */
async function faultThenServe(text: string, code: string, names: (e: Event) => boolean): Promise<Event> {
  const from = events.length;
  say(text);
  const fault = await waitEvent(
    `${code} for "${text}"`,
    from,
    (e) => e.event === 'error' && e.code === code && names(e),
  );
  const next = events.length;
  say('what time is it');
  await waitEvent('the host to answer again', next, (e) => e.event === 'response' && e.text === 'It is time');
  assert.equal(child.exitCode, null, 'the host is still running');
  return fault;
}

const byCommand = (name: string) => (e: Event) =>
  (e.details as { command?: string } | undefined)?.command === name;

test('a timer callback that throws after the command returned names the command', async () => {
  const e = await faultThenServe('throw later', 'HARK_ERR_COMMANDS_UNCAUGHT', byCommand('throw later'));
  assert.equal(e.boardId, 'fault-board');
  assert.match(String(e.message), /command "throw later" threw from a callback.*timer kaput/);
});

test('a floating rejection, after and while the command runs, names the command', async () => {
  await faultThenServe('reject later', 'HARK_ERR_COMMANDS_UNHANDLED', byCommand('reject later'));
  const from = events.length;
  const e = await faultThenServe(
    'reject while running',
    'HARK_ERR_COMMANDS_UNHANDLED',
    byCommand('reject while running'),
  );
  assert.match(String(e.message), /floating while running/);
  const answer = await waitEvent(
    'the failed command to answer',
    from,
    (x) => x.event === 'response' && x.command === 'reject while running',
  );
  assert.equal(answer.status, 'error', 'the still running command failed at once, not after 2 s');
});

test('an event listener that throws names the command; one run from hark’s timer names the module', async () => {
  await faultThenServe('listener throws', 'HARK_ERR_COMMANDS_UNCAUGHT', byCommand('listener throws'));
  const e = await faultThenServe('abort listener throws', 'HARK_ERR_COMMANDS_UNCAUGHT', (x) =>
    /fault-pack\/index\.js$/.test(String((x.details as { module?: string }).module)),
  );
  assert.match(String(e.message), /commands module .*fault-pack\/index\.js threw .*abort listener kaput/);
});

test('johnny-five on a pin the board lacks fails that command, names it, and the host serves on', async () => {
  const from = events.length;
  const e = await faultThenServe(
    'light on pin ninety nine',
    'HARK_ERR_COMMANDS_UNCAUGHT',
    byCommand('light on pin ninety nine'),
  );
  assert.match(String(e.message), /has no GPIO pin 99/);
  const answer = await waitEvent(
    'its error response',
    from,
    (x) => x.event === 'response' && x.command === 'light on pin ninety nine',
  );
  assert.equal(answer.status, 'error');
});

test('ctx.board lists the board’s own spare pins', async () => {
  const from = events.length;
  say('what pins');
  const r = await waitEvent('the pins', from, (e) => e.event === 'response' && e.command === 'what pins');
  assert.equal(r.text, '2 4 5 34');
});

test('a blocking command’s leftover timer is reported from its worker by name', async () => {
  await faultThenServe(
    'blocking timer throws',
    'HARK_ERR_COMMANDS_UNCAUGHT',
    byCommand('blocking timer throws'),
  );
});

test('a blocking command over its memory limit fails alone and says so; the next one runs', async () => {
  const from = events.length;
  say('hog memory');
  const r = await waitEvent(
    'the memory limit',
    from,
    (e) => e.event === 'response' && e.command === 'hog memory',
    60_000,
  );
  assert.equal(r.status, 'error');
  assert.match(String(r.text), /command "hog memory" went over its worker's memory limit \(64 MB heap\)/);
  const next = events.length;
  say('blocking sum');
  const ok = await waitEvent(
    'the next blocking command',
    next,
    (e) => e.event === 'response' && e.command === 'blocking sum',
  );
  assert.equal(ok.text, 'sum 6');
});

test('the watchdog names a blocking handler on stderr while main is blocked, then the true length', async () => {
  const from = events.length;
  const errFrom = stderr.length;
  let reportedAt = 0;
  const onErr = () => {
    if (
      !reportedAt &&
      /HARK_ERR_COMMANDS_BLOCKED .*while running command "hog the loop"/.test(stderr.slice(errFrom))
    )
      reportedAt = performance.now();
  };
  child.stderr.on('data', onErr);
  try {
    say('hog the loop');
    await waitEvent('the answer', from, (e) => e.event === 'response' && e.command === 'hog the loop');
    const answeredAt = performance.now();
    assert.ok(
      reportedAt > 0 && reportedAt < answeredAt,
      `stderr report while blocked:\n${stderr.slice(errFrom)}`,
    );
    const e = await waitEvent(
      'the block event',
      from,
      (x) => x.event === 'error' && x.code === 'HARK_ERR_COMMANDS_BLOCKED',
    );
    const ms = Number((e.details as { blockedMs: number }).blockedMs);
    assert.ok(ms >= 2500 && ms < 5000, `true length ${ms} ms`);
    assert.match(String(e.message), new RegExp(`blocked for ${ms} ms while running command "hog the loop"`));
    assert.match(
      stderr.slice(errFrom),
      /ran again after \d+ ms blocked while running command "hog the loop"/,
    );
  } finally {
    child.stderr.off('data', onErr);
  }
});

test('a fault outside command code stops the host with one clean line and exit 1', async () => {
  say('HOST BUG');
  const code = await exited;
  assert.equal(code, 1, stderr);
  assert.match(stderr, /HARK_ERR_HOST_FAULT/);
  assert.match(stderr, /a bug in the host itself/);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace for the maker on stderr');
  const fault = events.find((e) => e.event === 'error' && e.code === 'HARK_ERR_HOST_FAULT');
  assert.match(
    String((fault?.details as { stack?: string } | undefined)?.stack),
    /at /,
    'the stack is in the error event',
  );
});
