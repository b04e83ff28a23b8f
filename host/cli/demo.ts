/**
 * `hark demo` — no hardware, no configuration: an emulated board on a pseudo-terminal speaks
 * espeak-ng commands into its microphone (push-to-talk), the host transcribes them with the real
 * recogniser, runs the demo commands and answers; the demo prints the transcripts, the commands with
 * their parameters, and every LED, TONE, VOLUME and speech frame the board received. Nothing is
 * written to the user's config. Exit 0 when every step did what it should, 1 (with the reason) if not.
 */
import { ExitCode, isHarkError } from '../../base/errors.js';
import type { PipelineEvent } from '../pipeline.js';
import { parseCommandArgs } from './args.js';
import { type BoardObservation, Harness, spoken } from './demo-harness.js';
import { EXAMPLE_PACK } from './example-pack.js';
import type { MainIo } from './main.js';
import { CliReporter } from './reporter.js';
import { Shutdown } from './shutdown.js';

/** One spoken exchange and what it must produce. */
export interface DemoStep {
  /** What the board says (push-to-talk). */
  say: string;
  /** Said next, in the follow-up window the response opens. */
  followUp?: string;
  /** Name of the command that must fire (the last one, for follow-ups). */
  command: string;
  /** Parameters it must receive (subset). */
  params?: Record<string, unknown>;
  /** What the board must have received, checked on the observations of this step. */
  expect: { what: string; check: (seen: BoardObservation[]) => boolean };
}

const led = (seen: BoardObservation[], rgb: [number, number, number]) =>
  seen.some(
    (o) =>
      o.kind === 'led' &&
      o.detail.r === rgb[0] &&
      o.detail.g === rgb[1] &&
      o.detail.b === rgb[2] &&
      o.detail.effect === 1,
  );
const spoke = (seen: BoardObservation[]) =>
  seen.some((o) => o.kind === 'speaker' && o.detail.event === 'finished');

export const DEMO_STEPS: DemoStep[] = [
  {
    say: 'turn the light on',
    command: 'lights',
    params: { state: true },
    expect: { what: 'LED solid white', check: (s) => led(s, [255, 255, 255]) },
  },
  {
    say: 'set the light to red',
    command: 'light colour',
    expect: { what: 'LED solid red', check: (s) => led(s, [255, 0, 0]) },
  },
  {
    say: 'what time is it',
    command: 'what time is it',
    expect: { what: 'spoken answer', check: spoke },
  },
  {
    say: 'set a timer',
    followUp: 'for five minutes',
    command: 'timer duration',
    params: { duration: 300_000 },
    expect: {
      what: 'two spoken answers ("For how long?", "Timer set...")',
      check: (s) => s.filter((o) => o.kind === 'speaker' && o.detail.event === 'finished').length >= 2,
    },
  },
  {
    say: 'volume up',
    command: 'volume up',
    expect: { what: 'VOLUME 80', check: (s) => s.some((o) => o.kind === 'volume' && o.detail.value === 80) },
  },
];

const hexOf = (d: Record<string, unknown>) =>
  `#${[d.r, d.g, d.b].map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
const EFFECTS = ['off', 'solid', 'blink', 'pulse', 'spin'];

/** One line per thing the board received. */
export function describeObservation(o: BoardObservation): string {
  const d = o.detail;
  switch (o.kind) {
    case 'led':
      return `LED ${EFFECTS[Number(d.effect)] ?? d.effect} ${hexOf(d)}${d.periodMs ? ` ${d.periodMs} ms` : ''}${d.durationMs ? ` for ${d.durationMs} ms` : ''}`;
    case 'tone':
      return `TONE ${(d.steps as { freqHz: number }[]).map((s) => (s.freqHz ? `${s.freqHz}` : 'rest')).join('/')} Hz`;
    case 'volume':
      return `VOLUME ${d.value}%`;
    case 'capture':
      return `CAPTURE ${d.action === 1 ? 'start' : 'stop'}`;
    case 'speaker':
      return `speaker ${d.event}${d.event === 'start' ? ` (codec ${d.codec}, ${d.sampleRate} Hz)` : ''}`;
  }
}

const HELP = `usage: hark demo [--json] [--verbose]
Starts an emulated board on a pseudo-terminal and lets it speak ${DEMO_STEPS.length} commands
(one with a follow-up question); shows what was heard, which command ran with which parameters,
and what the board received. Needs espeak-ng and socat; writes no configuration.
`;

export async function run(argv: string[], io: MainIo): Promise<number> {
  const { values } = parseCommandArgs('demo', argv, {});
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const out = CliReporter.forCommand(io, values);
  const shutdown = new Shutdown();
  const t0 = performance.now();
  let harness: Harness | undefined;
  try {
    out.progress('loading the speech recogniser...');
    harness = await Harness.start({
      commandModules: [EXAMPLE_PACK],
      // The demo speaks push-to-talk, whatever HARK_LISTEN_MODE says.
      config: { listenMode: 'button', earcons: true, followUpMs: 8000 },
      onProgress: (p) => out.progress(p.message),
    });
    shutdown.add(() => harness?.close());
    out.progress('starting an emulated board on a pseudo-terminal...');
    const { boardId, board } = await harness.addBoard({ uid: 'demo-board', speed: 4 });
    out.event(
      { event: 'board', boardId, path: board.hostPath },
      `emulated board "${boardId}" ready on ${board.hostPath}\n`,
    );
    const h = harness;
    h.pipeline.on('event', (e: PipelineEvent) => {
      if (e.event === 'session') out.debug(e.line);
      else if (out.json) out.event(e);
      else if (e.event === 'error') out.note(`  ! ${e.code}: ${e.message}`);
    });
    let failures = 0;
    for (const [i, step] of DEMO_STEPS.entries()) {
      if (shutdown.closing) break;
      const problem = await runStep(h, boardId, step, i, out);
      if (shutdown.closing) break; // a step cut short by Ctrl-C did not fail
      if (problem) {
        failures++;
        out.event({ event: 'demo', boardId, step: i + 1, ok: false, problem }, `  ✗ ${problem}\n`);
      } else out.event({ event: 'demo', boardId, step: i + 1, ok: true }, '  ✓ ok\n');
    }
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    // Ctrl-C is a clean stop, not a failed step (exit 0, like hark run); the step it cut short is not counted.
    if (shutdown.closing) {
      out.note(`stopped by a signal after ${secs} s`);
      return ExitCode.OK;
    }
    const summary = failures
      ? `${failures} of ${DEMO_STEPS.length} steps failed (${secs} s)`
      : `all ${DEMO_STEPS.length} steps passed in ${secs} s — next: plug in a board and run "hark run"`;
    out.event({ event: 'demo', boardId, done: true, failures }, summary);
    return failures ? ExitCode.FAILURE : ExitCode.OK;
  } catch (e) {
    if (shutdown.closing) {
      out.note('stopped by a signal');
      return ExitCode.OK;
    }
    out.note(`hark demo failed: ${isHarkError(e) ? `${e.message} [${e.code}]` : (e as Error).stack}`);
    return isHarkError(e) ? e.exitCode : ExitCode.FAILURE;
  } finally {
    await shutdown.close();
  }
}

/** Runs one step; returns what went wrong, or undefined. */
async function runStep(
  h: Harness,
  boardId: string,
  step: DemoStep,
  i: number,
  out: CliReporter,
): Promise<string | undefined> {
  const fromEvent = h.events.length;
  const fromSeen = h.received.length;
  out.event(
    {
      event: 'demo',
      boardId,
      step: i + 1,
      say: step.say,
      ...(step.followUp ? { followUp: step.followUp } : {}),
    },
    `[${i + 1}/${DEMO_STEPS.length}] board says "${step.say}"${step.followUp ? `, then "${step.followUp}"` : ''}`,
  );
  const board = h.boards.get(boardId)!;
  try {
    await h.say(boardId, step.say);
    if (step.followUp) {
      // Queue the answer now: the board streams it when the host opens the follow-up window.
      board.setAudio(await spoken(step.followUp));
      await h.waitFor('the follow-up answer to be transcribed', () =>
        h.events.slice(fromEvent).filter((e) => e.event === 'transcript').length >= 2 ? true : undefined,
      );
    }
    await h.idleAfter(boardId, fromEvent);
    // The host is done; give the last frames time to cross the pty before judging what arrived.
    await h
      .waitFor(
        step.expect.what,
        () => (step.expect.check(h.received.slice(fromSeen)) ? true : undefined),
        5000,
      )
      .catch(() => undefined);
  } catch (e) {
    return isHarkError(e) ? e.message : String(e);
  }
  const events = h.events.slice(fromEvent);
  const seen = h.received.slice(fromSeen);
  if (!out.json) {
    for (const e of events) {
      if (e.event === 'transcript')
        out.event(e, `  heard      "${e.text}"  (${e.engine}, ${(e.audioMs / 1000).toFixed(1)} s of audio)`);
      else if (e.event === 'command') out.event(e, `  command    ${e.command}  ${JSON.stringify(e.params)}`);
      else if (e.event === 'response' && e.text)
        out.event(e, `  response   ${e.text}${e.late ? ' (later)' : ''}`);
      else if (e.event === 'speech')
        out.event(e, `  spoke      "${e.text}" (${(e.durationMs / 1000).toFixed(1)} s, ${e.result})`);
    }
    const lines = seen
      .filter((o) => o.kind !== 'speaker' || o.detail.event !== 'data')
      .map(describeObservation);
    out.event({ event: 'demo', boardId }, `  board got  ${lines.join(' · ')}`);
  } else
    for (const o of seen)
      if (o.kind !== 'speaker' || o.detail.event !== 'data')
        out.event({ event: 'demo', boardId, received: o.kind, detail: o.detail });
  const fired = events
    .filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command')
    .at(-1);
  if (!fired) return `no command fired for "${step.say}"`;
  if (fired.command !== step.command) return `expected command "${step.command}", got "${fired.command}"`;
  for (const [k, v] of Object.entries(step.params ?? {})) {
    if (JSON.stringify(fired.params[k]) !== JSON.stringify(v)) {
      return `command "${fired.command}" got ${k}=${JSON.stringify(fired.params[k])}, expected ${JSON.stringify(v)}`;
    }
  }
  if (!step.expect.check(seen)) return `the board did not receive ${step.expect.what}`;
  return undefined;
}
