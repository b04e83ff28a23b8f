/**
 * A command-line program run as a user runs it: its stdout and stderr collected line by line, waits on a
 * line (or a `--json` event) that matches (never on a sleep; the timeout only bounds a failure), and its
 * exit.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export interface Child {
  readonly proc: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout (or stderr) line that matches, past or future. */
  line(
    match: RegExp | ((line: string) => boolean),
    what: string,
    opts?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number },
  ): Promise<string>;
  /**
   * Resolves with the first JSON line on stdout (a `--json` event) after the first `from` of them that
   * passes `pred`, past or future.
   */
  event(
    pred: (e: JsonEvent) => boolean,
    what: string,
    opts?: { from?: number; timeoutMs?: number },
  ): Promise<JsonEvent>;
  /** The JSON lines on stdout so far, parsed. */
  events(): JsonEvent[];
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and resolves with the exit code; SIGKILLs after `timeoutMs` and fails. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  /** Both streams, for failure messages. */
  transcript(): string;
}

export type JsonEvent = Record<string, unknown>;

const parseEvents = (lines: readonly string[]): JsonEvent[] =>
  lines.filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as JsonEvent);

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const proc = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
  const partial = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    proc[name]!.on('data', (b: Buffer) => {
      const text = partial[name] + b.toString();
      const lines = text.split('\n');
      partial[name] = lines.pop()!;
      out[name].push(...lines);
      for (const w of waiters) w();
    });
  }
  const exited = new Promise<number | string>((resolve) =>
    proc.on('close', (code, signal) => {
      for (const name of ['stdout', 'stderr'] as const) if (partial[name]) out[name].push(partial[name]);
      for (const w of waiters) w();
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const transcript = () => `--- stdout\n${out.stdout.join('\n')}\n--- stderr\n${out.stderr.join('\n')}`;
  /** Resolves with what `find` finds, checked now and after every line and at exit. */
  const until = <T>(find: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (hit !== undefined) return finish(() => resolve(hit));
        if (done) finish(() => reject(new Error(`${cmd} exited before ${what}\n${transcript()}`)));
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${transcript()}`)),
          ),
        timeoutMs,
      );
      const finish = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  const line: Child['line'] = (match, what, o = {}) => {
    const test = typeof match === 'function' ? match : (l: string) => match.test(l);
    const streams = o.stream ? [o.stream] : (['stdout', 'stderr'] as const);
    return until(
      () => {
        for (const s of streams) {
          const hit = out[s].find(test);
          if (hit !== undefined) return hit;
        }
        return undefined;
      },
      what,
      o.timeoutMs,
    );
  };
  const event: Child['event'] = (pred, what, o = {}) =>
    until(
      () =>
        parseEvents(out.stdout)
          .slice(o.from ?? 0)
          .find(pred),
      what,
      o.timeoutMs,
    );
  return {
    proc,
    stdout: out.stdout,
    stderr: out.stderr,
    line,
    event,
    events: () => parseEvents(out.stdout),
    exited,
    transcript,
    async stop(signal = 'SIGINT', timeoutMs = 10_000) {
      if (done) return exited;
      proc.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          proc.kill('SIGKILL');
          reject(new Error(`${cmd} did not exit within ${timeoutMs} ms of ${signal}\n${transcript()}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs to completion; throws with the output when the exit code is not `expect`. */
export function runSync(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; expect?: number; timeoutMs?: number } = {},
): { stdout: string; stderr: string; status: number | null; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (opts.expect !== undefined && r.status !== opts.expect) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${r.status ?? r.signal} (expected ${opts.expect})${r.error ? `: ${r.error.message}` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status, ms };
}
