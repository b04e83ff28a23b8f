/**
 * `hark conformance`: runs every check against one board, in order, on one connection, and reports
 * pass, fail or skip per SPEC clause. A check that fails does not stop the run; the connection is
 * re-handshaken after it so the next check starts from READY.
 */
import { HarkError } from '../../base/errors.js';
import {
  type BoardDriver,
  type Check,
  type CheckContext,
  CheckFailure,
  type CheckResult,
  type Prompter,
  Skip,
} from './check.js';
import { AUDIO_CHECKS } from './checks-audio.js';
import { BUTTON_CHECKS } from './checks-buttons.js';
import { LINK_CHECKS } from './checks-link.js';
import { SPEAKER_CHECKS } from './checks-speaker.js';
import { RawHost } from './raw-host.js';

/** Every check, in the order they run (the link checks leave the board in known states). */
export const ALL_CHECKS: readonly Check[] = [
  ...LINK_CHECKS,
  ...AUDIO_CHECKS,
  ...SPEAKER_CHECKS,
  ...BUTTON_CHECKS,
];

export interface ConformanceOptions {
  /** The board's serial device. */
  port: string;
  /** Line rate for real serial ports. Default 921600. */
  baudRate?: number;
  /** Drives the board's buttons (and reset); without one, gestures are prompted or skipped. */
  driver?: BoardDriver;
  /** Asks a person (interactive terminal); without one, checks that need a person are skipped. */
  prompter?: Prompter;
  /** Only the checks whose clause starts with one of these (e.g. ['2.3', '4.6']). */
  only?: readonly string[];
  /** Wall-clock limit per check, ms. Default 30000 (times `timeScale`). */
  checkTimeoutMs?: number;
  /** Waits (and the per-check limit) this many times longer: a simulated board on a loaded machine. Default 1. */
  timeScale?: number;
  /** Called after each check (progress output). */
  onResult?: (r: CheckResult) => void;
}

export interface ConformanceReport {
  port: string;
  board: { model: string; firmware: string; uid: string; version: string } | undefined;
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs the suite. Rejects only when the board cannot be reached at all (HARK_ERR_CONFORMANCE_PORT). */
export async function runConformance(opts: ConformanceOptions): Promise<ConformanceReport> {
  const timeScale = opts.timeScale ?? 1;
  const host = await RawHost.open(opts.port, {
    ...(opts.baudRate === undefined ? {} : { baudRate: opts.baudRate }),
    timeScale,
  });
  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    opts.onResult?.(r);
  };
  try {
    let first: Awaited<ReturnType<RawHost['handshake']>>;
    try {
      first = await host.handshake({ timeoutMs: 3500 });
    } catch (e) {
      // A 1.0 board still acknowledged by an earlier host answers PING 0 with PONG only and comes back
      // after its host-gone timeout (SPEC §2.4.3): wait for that once.
      first = await host.handshake({ timeoutMs: 5000 }).catch(() => {
        throw new HarkError(
          'HARK_ERR_CONFORMANCE_PORT',
          `${opts.port}: no hark HELLO (${message(e)}): is hark firmware running there, at this baud rate?`,
        );
      });
    }
    const ctx: CheckContext = {
      host,
      hello: first.hello,
      ack: first.ack,
      driver: opts.driver,
      prompter: opts.prompter,
      async handshake(ack) {
        const r = await host.handshake({ known: ctx.hello, ...(ack ? { ack } : {}) });
        ctx.hello = r.hello;
        ctx.ack = r.ack;
      },
      pause: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
    const checks = ALL_CHECKS.filter((c) => !opts.only || opts.only.some((p) => c.clause.startsWith(p)));
    for (const check of checks) {
      const t0 = performance.now();
      const done = (status: CheckResult['status'], detail?: string) =>
        report({
          clause: check.clause,
          title: check.title,
          status,
          ...(detail ? { detail } : {}),
          ms: Math.round(performance.now() - t0),
        });
      let timer: NodeJS.Timeout | undefined;
      // Heartbeats, as a host sends them, so a slow check (a person pressing) never looks like a host gone.
      const stopPings = check.quiet ? undefined : host.keepAlive(Math.max(150, ctx.ack.heartbeatMs / 2));
      try {
        const limit = (opts.checkTimeoutMs ?? 30_000) * timeScale;
        const out = await Promise.race([
          check.run(ctx),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new CheckFailure(`did not finish within ${limit} ms`)), limit);
          }),
        ]);
        if (out instanceof Skip) done('skip', out.reason);
        else done('pass');
      } catch (e) {
        if (host.isClosed) {
          done('fail', `the port closed: ${message(e)}`);
          break;
        }
        done('fail', message(e));
        // Start the next check from a fresh handshake, whatever state this one left behind.
        await ctx.handshake().catch(() => ctx.handshake().catch(() => {}));
      } finally {
        clearTimeout(timer);
        stopPings?.();
      }
    }
    const h = ctx.hello;
    return {
      port: opts.port,
      board: {
        model: h.boardModel,
        firmware: h.firmwareVersion,
        uid: h.boardUid,
        version: `${h.versionMajor}.${h.versionMinor}`,
      },
      results,
      passed: results.filter((r) => r.status === 'pass').length,
      failed: results.filter((r) => r.status === 'fail').length,
      skipped: results.filter((r) => r.status === 'skip').length,
    };
  } finally {
    await host.close();
  }
}

/** One line a result, e.g. `PASS  §2.3.2  a HELLO_ACK with …`, with the reason for fail and skip. */
export function formatResult(r: CheckResult): string {
  const tag = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' }[r.status];
  const line = `${tag}  §${r.clause.padEnd(7)} ${r.title}`;
  return r.detail ? `${line}\n        ${r.status === 'fail' ? '✗' : '–'} ${r.detail}` : line;
}

/** The summary line. */
export const formatSummary = (rep: ConformanceReport): string =>
  `${rep.board ? `${rep.board.model} ${rep.board.firmware} (protocol ${rep.board.version}) on ${rep.port}: ` : ''}` +
  `${rep.passed} passed, ${rep.failed} failed, ${rep.skipped} skipped`;
