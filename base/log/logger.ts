/**
 * hark's logger: pino, with levels decided once at creation (a disabled level costs a no-op call), a
 * child logger per board (`log.child({ boardId })`), and two formats — JSON lines for the journal
 * (`{"level":"info","t":…,"event":"log","boardId":…,"msg":…}`, the same `t`/`event` shape as the CLI's
 * `--json` events) and readable lines on a terminal. Storms of identical lines are summarised
 * (StormGate). The CLI's own output (transcripts, commands, demo steps) is not logging and does not go
 * through here.
 */
import { Writable } from 'node:stream';
import { type Level, type Logger, pino } from 'pino';
import { repeatedText, StormGate, type StormGateOptions } from './storm-gate.js';

export type { Level, Logger } from 'pino';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** Lowest level written. Default 'info'. */
  level?: LogLevelName;
  /** 'json' (journal, pipes) or 'pretty' (a terminal). Default: pretty when `stream` is a TTY. */
  format?: LogFormat;
  /** Where lines go. Default process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Storm summarising; `false` turns it off. Default: 3 identical lines per 60 s pass. */
  storm?: Omit<StormGateOptions, 'onSummary'> | false;
  /** Clock for `t`, ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** A logger and the gate that summarises its storms (flush it on shutdown). */
export interface HarkLogger {
  log: Logger;
  /** Writes the summaries of storms still being counted. */
  flush(): void;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One JSON log line → `12:00:01.123 INFO  emu-1: link ready (extra=1)`. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, t, event: _event, boardId, msg, ...rest } = o;
  const d = new Date(typeof t === 'number' ? t : Date.now());
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const extra = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${String(level).toUpperCase().padEnd(5)} ${boardId ? `${boardId}: ` : ''}${msg ?? ''}${extra ? ` (${extra})` : ''}`;
}

/** A destination that turns pino's JSON lines into readable ones. */
class PrettyStream extends Writable {
  constructor(private readonly out: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: (e?: Error | null) => void): void {
    const lines = chunk.toString().split('\n').filter(Boolean);
    this.out.write(`${lines.map(prettyLine).join('\n')}\n`);
    cb();
  }
}

export function createLogger(opts: LoggerOptions = {}): HarkLogger {
  const stream = opts.stream ?? process.stderr;
  const format = opts.format ?? (stream.isTTY ? 'pretty' : 'json');
  const now = opts.now ?? Date.now;
  let gate: StormGate | undefined;
  const destination = format === 'pretty' ? new PrettyStream(stream) : stream;
  const log: Logger = pino(
    {
      level: opts.level ?? 'info',
      base: { event: 'log' },
      timestamp: () => `,"t":${now()}`,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method, level) {
          if (!gate) return method.apply(this, args);
          const bindings = this.bindings() as Record<string, unknown>;
          const msg = args.find((a) => typeof a === 'string') ?? '';
          const key = `${level}|${bindings['boardId'] ?? ''}|${msg}`;
          if (gate.admit(key, { logger: this, level, msg })) method.apply(this, args);
        },
      },
    },
    destination as NodeJS.WritableStream & { write(s: string): boolean },
  );
  if (opts.storm !== false) {
    gate = new StormGate({
      ...(opts.storm ?? {}),
      onSummary: ({ sample, suppressed, windowMs }) => {
        const { logger, level, msg } = sample as { logger: Logger; level: number; msg: string };
        const label = (pino.levels.labels[level] ?? 'info') as Level;
        const g = gate;
        gate = undefined; // the summary itself must not be gated
        try {
          logger[label](
            { repeated: suppressed, windowMs: Math.round(windowMs) },
            `${msg} ${repeatedText({ suppressed, windowMs })}`,
          );
        } finally {
          gate = g;
        }
      },
    });
  }
  return { log, flush: () => gate?.flush() };
}
