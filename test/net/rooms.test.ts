/**
 * One answer per room, with several emulated boards on real ptys and the whole host: three kitchen
 * boards hear the same command at different loudness — the loudest answers, the other two yield
 * with an LED blink and go back to idle; a board in another room answers for itself; the next
 * command, later, is answered normally. Plus the arbiter's rules on their own, and bad room configs.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { PcmAudio } from '../../base/audio/wav.js';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { RoomArbiter } from '../../host/rooms/index.js';
import { LedEffect } from '../../protocol/ts/messages.js';
import { addReadyBoard } from './helpers.js';

type Ev<K extends PipelineEvent['event']> = Extract<PipelineEvent, { event: K }>;
const of = <K extends PipelineEvent['event']>(h: Harness, kind: K, from = 0) =>
  h.events.slice(from).filter((e): e is Ev<K> => e.event === kind);

const louder = (a: PcmAudio, gain: number): PcmAudio => ({
  sampleRate: a.sampleRate,
  samples: Int16Array.from(a.samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * gain)))),
});

test('three kitchen boards hear one command: the loudest answers, the others blink and go idle; the hall answers for itself', async () => {
  const h = await Harness.start({
    commands: demo,
    asrThreads: 2,
    rooms: { rooms: { kitchen: ['k1', 'k2', 'k3'], hall: ['h1'] } },
  });
  try {
    const boards = new Map<string, Awaited<ReturnType<typeof addReadyBoard>>>();
    for (const uid of ['k1', 'k2', 'k3', 'h1']) boards.set(uid, await addReadyBoard(h, { uid }));
    const speech = await spoken('turn the light on');
    const gains: Record<string, number> = { k1: 0.35, k2: 1.0, k3: 0.6, h1: 0.5 };
    const e0 = h.events.length;
    const t0 = performance.now();
    await Promise.all(
      [...boards.values()].map(async ({ boardId, board }) => {
        board.setAudio(louder(speech, gains[boardId]!));
        await board.utter();
      }),
    );
    await Promise.all([...boards.keys()].map((id) => h.idleAfter(id, e0)));
    const commands = of(h, 'command', e0);
    assert.deepEqual(commands.map((c) => c.boardId).sort(), ['h1', 'k2'], JSON.stringify(commands));
    // Reported: k2 answers; k1 and k3 heard it too (in the round, or late if their transcript came after it).
    const verdicts = of(h, 'net', e0).filter((e) => e.what === 'room');
    assert.ok(verdicts.length >= 1 && verdicts.every((v) => v.boardId === 'k2'), JSON.stringify(verdicts));
    const reported = verdicts.map((v) => v.detail ?? '').join('\n');
    assert.match(reported, /^kitchen: k2 answers \(-?\d+\.\d dBFS\); /);
    for (const id of ['k1', 'k3']) assert.match(reported, new RegExp(`${id} \\(-?\\d+\\.\\d dBFS\\)`), id);
    // The two that yielded: back to idle without answering, with a short blink.
    for (const id of ['k1', 'k3']) {
      assert.ok(
        of(h, 'session', e0).some((e) => e.boardId === id && / thinking -> idle on reply\.done/.test(e.line)),
        `${id} back to idle`,
      );
      assert.ok(!of(h, 'response', e0).some((r) => r.boardId === id), `${id} said nothing`);
      await h.waitFor(`${id}'s acknowledgement blink`, () =>
        h.received.find(
          (o) => o.boardId === id && o.kind === 'led' && o.at >= t0 && o.detail.effect === LedEffect.BLINK,
        ),
      );
    }
    const rooms = h.pipeline.rooms!;
    const winner = rooms.waits.find((w) => w.boardId === 'k2' && w.won);
    assert.ok(winner && winner.ms <= rooms.maxWaitMs + 50, JSON.stringify(rooms.waits));
    console.log(
      `# k2 answered ${winner.ms.toFixed(1)} ms after its transcript (waits: ${JSON.stringify(rooms.waits)})`,
    );
    const rounds = rooms.decisions.length;

    // Later, one board alone hears a command: it answers, with no wait and no round.
    const e1 = h.events.length;
    const k3 = boards.get('k3')!;
    k3.board.setAudio(await spoken('what time is it'));
    await k3.board.utter();
    await h.idleAfter('k3', e1);
    assert.equal(of(h, 'command', e1).find((c) => c.boardId === 'k3')?.command, 'what time is it');
    assert.equal(rooms.decisions.length, rounds, 'no contest, no round');
    assert.ok(
      rooms.waits.at(-1)!.won && rooms.waits.at(-1)!.ms < 50,
      `answered at once: ${rooms.waits.at(-1)!.ms} ms`,
    );
  } finally {
    await h.close();
  }
});

/** A host for the arbiter alone: levels the test emits, boards that are "connected". */
function fakeHost(connected: string[]) {
  const e = new EventEmitter();
  return Object.assign(e, { board: (id: string) => (connected.includes(id) ? {} : undefined) });
}

test('arbiter: alone it answers at once; a contest is decided when every rival has claimed, or at the window', async () => {
  const make = () => {
    const host = fakeHost(['a', 'b', 'c']);
    const events: PipelineEvent[] = [];
    const arb = new RoomArbiter(
      { rooms: { den: ['a', 'b', 'c'] }, windowMs: 200, maxWaitMs: 300 },
      host,
      (e) => events.push(e),
    );
    return { host, events, arb };
  };
  // Nobody else heard anything: no wait, no round.
  {
    const { arb } = make();
    const t0 = performance.now();
    assert.equal(await arb.claim({ boardId: 'a', startedAt: t0, signalDb: -30 }), true);
    assert.ok(performance.now() - t0 < 50);
    assert.equal(arb.decisions.length, 0);
    // A board in no room always answers.
    assert.equal(await arb.claim({ boardId: 'z', startedAt: t0, signalDb: -90 }), true);
    arb.close();
  }
  // b and c heard speech: a's claim waits for both, and is decided as soon as both are in.
  {
    const { host, arb } = make();
    const t = performance.now();
    host.emit('level', { boardId: 'b', rmsDb: -20, peakDb: -10 });
    host.emit('level', { boardId: 'c', rmsDb: -35, peakDb: -20 });
    const pa = arb.claim({ boardId: 'a', startedAt: t, signalDb: -30 });
    const pb = arb.claim({ boardId: 'b', startedAt: t + 20, signalDb: -22 });
    const pc = arb.claim({ boardId: 'c', startedAt: t + 10, signalDb: -35 });
    assert.deepEqual(await Promise.all([pa, pb, pc]), [false, true, false]);
    assert.ok(arb.decisions[0]! < 100, `decided when all had claimed: ${arb.decisions[0]} ms`);
    arb.close();
  }
  // A quieter rival is not waited for; a louder one that never claims holds the round to maxWaitMs,
  // and its claim, coming late, yields at once.
  {
    const { host, arb } = make();
    const t = performance.now();
    host.emit('level', { boardId: 'c', rmsDb: -45, peakDb: -30 });
    assert.equal(await arb.claim({ boardId: 'a', startedAt: t, signalDb: -40 }), true);
    assert.equal(arb.decisions.length, 0, 'no round: c was quieter throughout');
    arb.close();
  }
  // A rival whose audio is measured later than the claimant's (a loaded host) is not yet quieter:
  // two quiet blocks against the claimant's five are awaited, and its louder claim wins.
  {
    const { host, arb } = make();
    const t = performance.now();
    host.emit('event', { event: 'listening', boardId: 'c', trigger: 'push-to-talk', stream: 1 });
    for (let i = 0; i < 5; i++) host.emit('level', { boardId: 'a', rmsDb: -40, peakDb: -30 });
    for (let i = 0; i < 2; i++) host.emit('level', { boardId: 'c', rmsDb: -60, peakDb: -50 });
    const pa = arb.claim({ boardId: 'a', startedAt: t, signalDb: -40 });
    for (let i = 0; i < 3; i++) host.emit('level', { boardId: 'c', rmsDb: -20, peakDb: -10 });
    const pc = arb.claim({ boardId: 'c', startedAt: t + 30, signalDb: -20 });
    assert.deepEqual(await Promise.all([pa, pc]), [false, true]);
    arb.close();
  }
  {
    const { host, events, arb } = make();
    const t = performance.now();
    host.emit('level', { boardId: 'c', rmsDb: -25, peakDb: -10 });
    assert.equal(await arb.claim({ boardId: 'a', startedAt: t, signalDb: -40 }), true);
    assert.ok(
      arb.decisions[0]! >= 290 && arb.decisions[0]! < 500,
      `decided at maxWaitMs: ${arb.decisions[0]} ms`,
    );
    assert.equal(await arb.claim({ boardId: 'c', startedAt: t + 50, signalDb: -10 }), false);
    assert.ok(events.some((e) => e.event === 'net' && /heard it too, late/.test(e.detail ?? '')));
    arb.close();
  }
  // A rival whose transcript passes without a claim (it heard nothing it could run) is not awaited.
  {
    const { host, arb } = make();
    const t = performance.now();
    host.emit('event', { event: 'listening', boardId: 'b', trigger: 'push-to-talk', stream: 1 });
    host.emit('level', { boardId: 'b', rmsDb: -20, peakDb: -10 }); // louder than a: worth waiting for
    const pa = arb.claim({ boardId: 'a', startedAt: t, signalDb: -40 });
    host.emit('event', {
      event: 'transcript',
      boardId: 'b',
      text: '',
      engine: 'pocketsphinx',
      latencyMs: 1,
      audioMs: 900,
    });
    assert.equal(await pa, true);
    assert.ok(arb.decisions[0]! < 100, `not kept waiting: ${arb.decisions[0]} ms`);
    arb.close();
  }
});

test('a board in two rooms, an empty room name or a window out of range is refused with HARK_ERR_ROOMS_CONFIG', () => {
  for (const [opts, re] of [
    [{ rooms: { kitchen: ['a'], hall: ['a'] } }, /board a is in two rooms: "kitchen" and "hall"/],
    [{ rooms: { ' ': ['a'] } }, /a room needs a name/],
    [{ rooms: {}, windowMs: -1 }, /rooms\.windowMs is -1: use 0\.\.5000 ms/],
  ] as const) {
    assert.throws(
      () => new RoomArbiter(opts, fakeHost([]), () => {}),
      (e: Error & { code?: string }) => e.code === 'HARK_ERR_ROOMS_CONFIG' && re.test(e.message),
    );
  }
});
