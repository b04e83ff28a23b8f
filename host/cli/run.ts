/**
 * `hark run` — serves boards: opens every port given with --port (waiting for a missing one), or,
 * without any, every serial device whose USB ids match a board profile as it appears (hot-plug, for
 * ever), loads the commands, and runs until Ctrl-C / SIGTERM, printing transcripts,
 * commands and responses (JSON lines with --json). Closes ports and workers cleanly on the way out.
 */

import { ExitCode, HarkError, isHarkError } from '../../base/errors.js';
import type { Logger } from '../../base/log/logger.js';
import { transportFor } from '../../base/serial/transport.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import type { Message } from '../../protocol/ts/messages.js';
import { ConfigStore, type HarkConfig } from '../config/index.js';
import type { BoardInfo, PortEvent, SuppressedEvent } from '../link/index.js';
import { HarkPipeline, type PipelineEvent } from '../pipeline.js';

import { configDirOf, LOG_OPTIONS, loggerFor, parseCommandArgs } from './args.js';
import { describeBoardFrame, describeHello, describeStats, logBoardFrame } from './board-log.js';
import { EXAMPLE_PACK } from './example-pack.js';
import { type ExplainHost, explainLive } from './explain.js';
import type { MainIo } from './main.js';
import { type CliEvent, CliReporter } from './reporter.js';
import { Shutdown } from './shutdown.js';

/** How often --verbose logs each board's link counters. */
const COUNTERS_EVERY_MS = 30_000;

const HELP = `usage: hark run [--port PATH]... [--profile ID] [--commands FILE]... [--wake] [--explain] [--dashboard] [--mqtt URL] [--satellite] [--json] [--verbose] [--log-level L]

Serves every board: listens, recognises, runs commands and answers on the board.
  --port PATH       serial device to serve (repeatable; waited for while missing); default: config "port",
                    else every board whose USB ids match a profile, as it is plugged in (hot-plug)
  --profile ID      board profile for --port (line settings); default: from the board's HELLO
  --commands FILE   command module to load (repeatable); default: config "commands", else the example pack
  --wake            hands-free: listen for the wake phrase (config listenMode=wake)
  --explain         explain every utterance: alternatives, confidence, verdict, patterns, time per stage
  --dashboard       serve the live dashboard on http://127.0.0.1:8787/ (config dashboard.*)
  --dashboard-host H  listen there instead (anything but loopback needs a token; one is generated and printed)
  --dashboard-port N  port of the dashboard (0: any free one)
  --mqtt URL        publish events to and take commands from this broker, mqtt://HOST[:PORT] (config mqtt.*)
  --satellite       serve every board as a Home Assistant voice satellite over Wyoming (config wyoming.satellite.*)
  --config-dir DIR  read the config from DIR instead of the per-user folder
  --verbose, -v     log at debug level: each board's HELLO, its LOG frames, session transitions, link counters
  --log-level L     fatal, error, warn, info (default), debug, trace or silent (also HARK_LOG_LEVEL)
  --log-format F    json or pretty (default: pretty on a terminal, json otherwise, e.g. in the journal)
Events are printed as they happen on stdout; --json prints them as JSON lines (see host/cli/README.md).
Logs go to stderr; errors are printed there too.
Exit codes: 0 stopped by a signal, 3 bad config, 4 no board, 5 speech engine failed, 6 commands failed.
`;

const asList = (v: string | boolean | undefined | (string | boolean)[]): string[] =>
  v === undefined || typeof v === 'boolean'
    ? []
    : (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');

/** --dashboard, --dashboard-host/-port, --mqtt, --satellite: the config keys they stand for. */
function applyNetFlags(config: HarkConfig, values: Record<string, unknown>): void {
  if (values.dashboard || values['dashboard-host'] !== undefined || values['dashboard-port'] !== undefined)
    config.dashboard.enabled = true;
  if (typeof values['dashboard-host'] === 'string') config.dashboard.host = values['dashboard-host'];
  if (typeof values['dashboard-port'] === 'string') {
    const port = Number(values['dashboard-port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new HarkError(
        'HARK_ERR_CLI_USAGE',
        `--dashboard-port ${values['dashboard-port']}: use a port number 0..65535`,
      );
    config.dashboard.port = port;
  }
  if (typeof values.mqtt === 'string') {
    if (!/^mqtts?:\/\/[^/]+/.test(values.mqtt))
      throw new HarkError(
        'HARK_ERR_CLI_USAGE',
        `--mqtt ${values.mqtt}: use mqtt://HOST[:PORT] or mqtts://HOST[:PORT]`,
      );
    config.mqtt.url = values.mqtt;
  }
  if (values.satellite) config.wyoming.satellite.enabled = true;
}

/** Human line for a pipeline event (undefined = not shown without --verbose). */
export function describeEvent(e: PipelineEvent): string | undefined {
  switch (e.event) {
    case 'listening':
      return `${e.boardId}: listening (${e.trigger})`;
    case 'transcript':
      return `${e.boardId}: heard "${e.text}"`;
    case 'command':
      return `${e.boardId}: command ${e.command} ${JSON.stringify(e.params)}`;
    case 'response':
      return e.text
        ? `${e.boardId}: ${e.status === 'success' || e.status === 'info' ? '' : `[${e.status}] `}${e.text}${e.late ? ' (later)' : ''}`
        : undefined;
    case 'speech':
      return `${e.boardId}: spoke "${e.text}" (${e.result})`;
    case 'net':
      return `${e.boardId || 'host'}: ${e.what} ${e.state}${e.detail ? ` — ${e.detail}` : ''}`;
    default:
      return undefined;
  }
}

export async function run(argv: string[], io: MainIo): Promise<number> {
  const { values } = parseCommandArgs('run', argv, {
    port: { type: 'string', multiple: true },
    profile: { type: 'string' },
    commands: { type: 'string', multiple: true },
    wake: { type: 'boolean' },
    explain: { type: 'boolean' },
    dashboard: { type: 'boolean' },
    'dashboard-host': { type: 'string' },
    'dashboard-port': { type: 'string' },
    mqtt: { type: 'string' },
    satellite: { type: 'boolean' },
    'config-dir': { type: 'string' },
    ...LOG_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const logger = loggerFor(values, io);
  const log = logger.log;
  const out = CliReporter.forCommand(io, values, logger);
  const dir = configDirOf(values);
  const store = new ConfigStore(dir ? { cwd: dir } : {});
  const report = store.report();
  for (const w of report.warnings) log.warn(w);
  const config: HarkConfig = report.config;
  // A bad --profile is a usage/config error: say so before loading a model for nothing.
  if (values.profile) getProfile(values.profile as string);
  // The profile's baud rate wins unless the user chose one (file or HARK_BAUD_RATE).
  const explicitBaud = report.sources['baudRate'] !== 'default';
  if (values.wake) config.listenMode = 'wake';
  // n-best alternatives cost a lattice walk per utterance: only when they are printed.
  if (values.explain) config.transcription.alternatives = 5;
  applyNetFlags(config, values);
  const commandModules = asList(values.commands as never);
  const modules = commandModules.length ? commandModules : config.commands ? undefined : [EXAMPLE_PACK];

  // Named ports are waited for (said once when missing); without any, boards are found as they appear.
  let ports = asList(values.port as never);
  if (ports.length === 0 && config.port) ports = [config.port];
  const { platformNote } = transportFor();
  if (platformNote) log.warn(platformNote);

  const shutdown = new Shutdown({
    // Said at once, so a SIGTERM is never met with silence while ports and workers close.
    onClosing: (why) => {
      if (why !== 'done') out.note(`stopping (${why}): closing boards and workers`);
    },
  });
  const counters = new Map<string, NodeJS.Timeout>();
  shutdown.add(() => {
    out.flush();
    logger.flush();
  });
  try {
    out.progress('loading the speech recogniser...');
    const pipeline = await HarkPipeline.start({
      config,
      ...(modules ? { commandModules: modules } : {}),
      onProgress: (p) => out.progress(p.message),
    });
    shutdown.add(() => pipeline.close(), 'the pipeline (link worker, speech and command workers)');
    shutdown.add(() => {
      for (const t of counters.values()) clearInterval(t);
    });
    const boardLogs = new Map<string, Logger>();
    const boardLog = (boardId: string) => {
      let l = boardLogs.get(boardId);
      if (!l) {
        l = log.child({ boardId });
        boardLogs.set(boardId, l);
      }
      return l;
    };
    const logCounters = (boardId: string, level: 'debug' | 'info') =>
      pipeline.link
        .stats(boardId)
        .then((s) => boardLog(boardId)[level](describeStats(s)))
        .catch(() => undefined); // the board went away meanwhile: nothing to count
    pipeline.on('event', (e: PipelineEvent) => {
      if (e.event === 'session') boardLog(e.boardId).debug(e.line);
      else if (e.event === 'error') {
        // Errors are diagnostics: stderr in human mode (the watchdog's too), a JSON event with --json.
        if (out.json) out.event(e);
        else (e.boardId ? boardLog(e.boardId) : log).error({ code: e.code }, e.message);
      } else if (e.event === 'asr-wait') {
        // A queued utterance is a warning on stderr (the host is at its limit), an event with --json.
        if (out.json) out.event(e);
        else boardLog(e.boardId).warn({ open: e.open, capacity: e.capacity }, e.message);
      } else out.event(e, describeEvent(e));
    });
    pipeline.on('board', (info: BoardInfo) => {
      boardLog(info.boardId).debug(describeHello(info.hello));
      if (values.verbose && !counters.has(info.boardId)) {
        const t = setInterval(() => void logCounters(info.boardId, 'debug'), COUNTERS_EVERY_MS);
        t.unref();
        counters.set(info.boardId, t);
      }
    });
    // The link counts what a flooding board sends instead of forwarding it (one summary a period); the
    // message is constant so the log's storm gate holds those summaries back too after the first three.
    pipeline.link.on('suppressed', (e: SuppressedEvent) =>
      boardLog(e.boardId).warn(
        { counts: e.counts, periodMs: e.periodMs },
        'the board floods the link; frames counted, not forwarded',
      ),
    );
    pipeline.link.on('message', (e: { boardId: string; message: Message }) => {
      if (e.message.type === 'LOG') logBoardFrame(boardLog(e.boardId), e.message);
      else {
        const line = describeBoardFrame(e.message);
        if (line) boardLog(e.boardId).debug(line);
      }
    });
    pipeline.on('link', (e: { boardId: string; path: string; state: string; reason?: string }) => {
      out.event(
        { event: 'link', ...e },
        values.verbose || e.state !== 'connecting'
          ? `${e.boardId}: link ${e.state}${e.reason ? ` (${e.reason})` : ''}`
          : undefined,
      );
      if (e.state === 'disconnected' || e.state === 'failed') void logCounters(e.boardId, 'debug');
    });
    // Closers run last-added first: the final counters are read while the link is still open.
    shutdown.add(async () => {
      for (const b of pipeline.boards) await logCounters(b.boardId, 'info');
    });
    if (values.explain)
      explainLive(pipeline as unknown as ExplainHost, (lines, data) =>
        out.event(data as unknown as CliEvent, lines.join('\n')),
      );
    out.note(`commands: ${pipeline.registry.commands.map((c) => c.name).join(', ')}`);
    // Every handshake, also of a board plugged in later or back after a reset.
    pipeline.on('board', (info: BoardInfo) =>
      out.event(
        { event: 'board', boardId: info.boardId, path: info.path, model: info.hello.boardModel },
        `${info.boardId}: ${info.hello.boardModel} on ${info.path} — hold the button and speak`,
      ),
    );
    const line = {
      ...(values.profile ? { profile: values.profile as string } : {}),
      ...(explicitBaud ? { baudRate: config.baudRate } : {}),
    };
    let served: Promise<unknown> = shutdown.done;
    if (ports.length === 0) {
      pipeline.link.on('port', (e: PortEvent) =>
        out.event(
          { event: 'port', ...e },
          `${e.path}: ${e.kind === 'added' ? 'appeared' : 'vanished'} — ${e.action}`,
        ),
      );
      await pipeline.link.watchPorts(line);
      out.note('watching for boards: plug one in (or pass --port PATH); Ctrl-C stops');
    } else {
      // Failures are reported as they happen (error events); only ports that failed for good
      // (a protocol version mismatch) end the wait, and when all did, hark has nothing to serve.
      const opened = ports.map((path) =>
        pipeline.open({ path, waitForBoard: true, ...line }).then(
          () => true,
          () => false,
        ),
      );
      served = Promise.race([
        shutdown.done,
        Promise.all(opened).then((ok) => (ok.some(Boolean) ? shutdown.done : 'failed')),
      ]);
    }
    let signal = await served;
    if (signal === 'failed') {
      if (!shutdown.closing) {
        throw new HarkError(
          'HARK_ERR_CLI_NO_BOARD',
          `none of ${ports.join(', ')} can be served (see the errors above)`,
        );
      }
      signal = await shutdown.done;
    }
    out.note(`stopped (${signal})`);
    return ExitCode.OK;
  } catch (e) {
    if (isHarkError(e)) throw e;
    throw new HarkError('HARK_ERR_CLI_NO_BOARD', `hark run failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await shutdown.close();
  }
}
