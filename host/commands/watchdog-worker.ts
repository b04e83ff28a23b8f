/**
 * The watchdog thread. Sleeps in Atomics.wait (woken only to stop) for `checkIntervalMs` at a time,
 * then compares main's heartbeat with the clock. When main has not beaten for longer than the
 * threshold it reports at once — to stderr with a synchronous write from this thread, since
 * `process.stderr` in a worker is relayed through the (blocked) main thread — and posts a message
 * main will count when it runs again.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import {
  CTRL_NAME_LEN,
  CTRL_REPORTS,
  CTRL_STOP,
  TIME_BEAT,
  TIME_REPORTED,
  views,
  type WatchdogMessage,
  type WatchdogWorkerData,
} from './watchdog-shared.js';

const data = workerData as WatchdogWorkerData;
const { ctrl, time, name } = views(data.buffer);
const decoder = new TextDecoder();

const readName = (): string => {
  const len = Math.min(Atomics.load(ctrl, CTRL_NAME_LEN), name.length);
  // Copy out of shared memory first: TextDecoder refuses shared views.
  return len > 0 ? decoder.decode(name.slice(0, len)) : '';
};
const post = (m: WatchdogMessage) => parentPort!.postMessage(m);

let blockedCommand: string | undefined;
let blockedSince = 0;
while (Atomics.load(ctrl, CTRL_STOP) === 0) {
  Atomics.wait(ctrl, CTRL_STOP, 0, data.checkIntervalMs);
  const beat = Number(Atomics.load(time, TIME_BEAT));
  const now = Date.now();
  const age = now - beat;
  if (age > data.thresholdMs && blockedCommand === undefined) {
    blockedCommand = readName();
    blockedSince = beat;
    Atomics.store(time, TIME_REPORTED, BigInt(now));
    Atomics.add(ctrl, CTRL_REPORTS, 1);
    if (data.stderr) {
      const what = blockedCommand ? ` while running ${blockedCommand}` : ' (no command running)';
      writeSync(2, `hark watchdog: HARK_ERR_COMMANDS_BLOCKED main event loop blocked for ${age} ms${what}\n`);
    }
    post({ kind: 'blocked', blockedMs: age, command: blockedCommand, reportedAt: now });
  } else if (age <= data.thresholdMs && blockedCommand !== undefined) {
    // The first heartbeat after the block, minus the last one before it: the block's true length
    // (to within one heartbeat interval).
    const blockedMs = beat - blockedSince;
    if (data.stderr) {
      const what = blockedCommand ? ` while running ${blockedCommand}` : '';
      writeSync(2, `hark watchdog: main event loop ran again after ${blockedMs} ms blocked${what}\n`);
    }
    post({ kind: 'recovered', blockedMs, command: blockedCommand });
    blockedCommand = undefined;
  }
}
