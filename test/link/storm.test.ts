/**
 * No storms from the link (issue 10 item 7): a board that sends HELLO as fast as the pty takes it —
 * repeats of its session (seq ≠ 0) and "I reset" HELLOs (seq 0) — costs a bounded number of HELLO_ACKs,
 * handshakes and events, and main gets counts once a second instead of one event per frame.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { type BoardInfo, LinkManager, type StateEvent, type SuppressedEvent } from '../../host/link/index.js';
import { RawPeer, waitFor } from '../helpers/link.js';

test('a HELLO storm (repeats and resets) gets a bounded number of answers; main gets counts, not a flood', async (t) => {
  const link = await LinkManager.start({ heartbeatMs: 1000 });
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
  const boards: BoardInfo[] = [];
  const states: StateEvent[] = [];
  const suppressed: SuppressedEvent[] = [];
  let errors = 0;
  link.on('board', (b: BoardInfo) => boards.push(b));
  link.on('state', (s: StateEvent) => states.push(s));
  link.on('suppressed', (s: SuppressedEvent) => suppressed.push(s));
  link.on('error', () => errors++);
  try {
    const hello = helloForProfile(getProfile('emulated'), '0.1.0', 'storm');
    const opened = link.open({ path: pair.hostPath, waitForBoard: true });
    peer.send(hello);
    await opened;
    const sent = { repeats: 0, resets: 0 };
    const started = performance.now();
    // About two seconds of storm, in bursts (the pty takes what it can; nothing here waits).
    while (performance.now() - started < 2000) {
      for (let i = 0; i < 500; i++) {
        if (i % 50 === 0) {
          peer.resetSeq();
          sent.resets++;
        } else sent.repeats++;
        peer.send(hello);
      }
      await new Promise((r) => setImmediate(r));
    }
    const total = sent.repeats + sent.resets;
    // The counts arrive within a period after the storm; wait for the summary that covers its end.
    const ignored = () => suppressed.reduce((n, s) => n + (s.counts['HELLO ignored'] ?? 0), 0);
    await waitFor(link, 'suppressed', () => ignored() > total / 2, 10_000, 'the storm counted');
    const acks = peer.received.filter((m) => m.type === 'HELLO_ACK').length;
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(
      `${total} HELLOs in ${seconds.toFixed(1)} s → ${acks} HELLO_ACKs, ${boards.length} handshakes, ${states.length} state events, ${suppressed.length} summaries, ${ignored()} counted as ignored`,
    );
    assert.ok(total > 5000, `the storm was only ${total} HELLOs`);
    // hello bucket: 5/s + 10 burst; of those, re-acks ≤ 2/s + 3 and handshakes ≤ 1/s + 3.
    const bound = (perSecond: number, burst: number) => burst + perSecond * (seconds + 1);
    assert.ok(acks <= bound(5, 10) + 1, `${acks} HELLO_ACKs for ${total} HELLOs`);
    assert.ok(boards.length <= bound(1, 3) + 1, `${boards.length} handshakes`);
    assert.ok(states.length <= 2 * boards.length + 2, `${states.length} state events`);
    assert.ok(suppressed.length <= seconds + 3, `${suppressed.length} summaries: at most one a second`);
    assert.equal(errors, 0);
    // The board is still served.
    const st = await link.stats('storm');
    assert.equal(st.state, 'ready');
  } finally {
    await link.close();
    await peer.close();
    await pair.close();
  }
});
