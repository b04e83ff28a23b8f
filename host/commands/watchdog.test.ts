/** The blockage watchdog reports while main is still blocked and names the command. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loopBlockers } from '../../test/fixtures/commands/misbehaving-commands.js';
import { Dispatcher } from './dispatcher.js';
import { CommandRegistry } from './registry.js';
import { type BlockageReport, Watchdog } from './watchdog.js';

test('an async handler that busy-waits is named while it still blocks the loop', async () => {
  const watchdog = await Watchdog.start({ thresholdMs: 300, stderr: false });
  try {
    const d = new Dispatcher({ registry: new CommandRegistry().add(loopBlockers), tracker: watchdog });
    const reported = once(watchdog, 'blocked') as Promise<[BlockageReport]>;
    const [r] = await d.handle('b', 'hog the loop for fifteen hundred');
    const blockEnded = Date.now();
    assert.equal(r?.text, 'done hogging');
    const [report] = await reported;
    assert.match(report.command, /command "hog the loop for \$ms:Number"/);
    assert.ok(report.reportedAt < blockEnded, 'reported before the handler returned');
    assert.ok(report.blockedMs >= 300, `blockedMs ${report.blockedMs}`);
    assert.equal(report.error.code, 'HARK_ERR_COMMANDS_BLOCKED');
    assert.match(report.error.message, /blocking: true/);

    // Blocking after an await: the command is in flight, so the report still names it.
    const again = once(watchdog, 'blocked') as Promise<[BlockageReport]>;
    await d.handle('b', 'hog the loop later for 1000');
    const [second] = await again;
    assert.match(second.command, /"hog the loop later for \$ms:Number" \(in flight, async\)/);
    assert.ok(watchdog.stats().blockages >= 2);
    const { loopDelay } = watchdog.stats();
    assert.ok(loopDelay.maxMs >= 300, `loop delay max ${loopDelay.maxMs} ms should show the block`);
    await d.close();
  } finally {
    await watchdog.close();
  }
});

test('the watchdog writes its report to stderr from its own thread, before the block ends', async () => {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('../../test/fixtures/commands/watchdog-child.js', import.meta.url))],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, err);
  const report = err.indexOf('HARK_ERR_COMMANDS_BLOCKED');
  const ended = err.indexOf('BLOCK ENDED');
  assert.ok(report >= 0, `no report in stderr: ${err}`);
  assert.ok(ended > report, `the report came after the block ended:\n${err}`);
  assert.match(err, /while running command "hog the loop for \$ms:Number"/);
});

test('an idle loop is not reported', async () => {
  const watchdog = await Watchdog.start({ thresholdMs: 500, stderr: false });
  let reports = 0;
  watchdog.on('blocked', () => reports++);
  await new Promise((r) => setTimeout(r, 1200));
  await watchdog.close();
  assert.equal(reports, 0);
});
