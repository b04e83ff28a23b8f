/**
 * `hark say "turn the light on" [--board ID]` — runs a command by its text, with no audio and no speech
 * recognition in the way: the text goes to the board's session as if it had been heard, the command
 * runs, and its responses are carried out on the board. Without --port the board is an emulated one on
 * a pty, and everything it receives (LED, TONE, VOLUME, GPIO writes, speech) is printed as `hark emulate`
 * prints it. Exit 0 when a command ran and answered, 1 when nothing matched or the command failed.
 */
import { resolve } from 'node:path';
import { ExitCode, HarkError } from '../../base/errors.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import type { Message } from '../../protocol/ts/messages.js';
import { ConfigStore } from '../config/index.js';
import type { BoardInfo } from '../link/index.js';
import { HarkPipeline, type PipelineEvent } from '../pipeline.js';
import { configDirOf, parseCommandArgs } from './args.js';
import { type Emulation, startEmulation } from './emulate.js';
import { EXAMPLE_PACK } from './example-pack.js';
import type { CliIo } from './io.js';
import { CliReporter } from './reporter.js';
import { describeEvent } from './run.js';
import { Shutdown } from './shutdown.js';

const HELP = `usage: hark say TEXT [--board ID] [--port PATH]... [--profile ID] [--commands FILE]... [--json]

Runs the command TEXT names as if the board had heard it (no audio, no speech recognition) and carries
out its responses on the board. Without --port, on an emulated board whose received LED, TONE, VOLUME,
GPIO and speech frames are printed on stderr.
  --board ID        the board to say it on (its uid; default: the only board)
  --port PATH       a real board's serial device (repeatable)
  --profile ID      the emulated board's profile (default: emulated), or the line settings for --port
  --commands FILE   command module to load (repeatable); default: config "commands", else the example pack
  --save-speech DIR write the spoken reply to DIR (emulated board)
  --config-dir DIR  read the config from DIR
Exit codes: 0 a command answered, 1 no command matched or it failed, 2 usage, 3 config, 4 no board, 6 commands.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('say', argv, {
    board: { type: 'string' },
    port: { type: 'string', multiple: true },
    profile: { type: 'string' },
    commands: { type: 'string', multiple: true },
    'save-speech': { type: 'string' },
    'config-dir': { type: 'string' },
  });
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const text = positionals.join(' ').trim().toLowerCase();
  if (!text)
    throw new HarkError(
      'HARK_ERR_CLI_USAGE',
      'say what? usage: hark say "turn the light on" (see hark say --help)',
    );
  const out = CliReporter.forCommand(io, values);
  const dir = configDirOf(values);
  const report = new ConfigStore(dir ? { cwd: dir } : {}).report();
  for (const w of report.warnings) out.note(`hark say: ${w}`);
  const config = report.config;
  const profile = values['profile'] as string | undefined;
  if (profile) getProfile(profile);
  const modules = ([] as string[]).concat((values['commands'] as string[] | undefined) ?? []);
  const ports = ([] as string[]).concat((values['port'] as string[] | undefined) ?? []);
  const shutdown = new Shutdown();
  try {
    let emu: Emulation | undefined;
    if (ports.length === 0) {
      emu = await startEmulation(
        {
          profile: profile ?? 'emulated',
          speed: 4,
          repeat: false,
          uid: (values['board'] as string | undefined) ?? 'say-board',
          ...(values['save-speech'] ? { saveSpeech: resolve(values['save-speech'] as string) } : {}),
        },
        io,
        out,
      );
      shutdown.add(() => emu?.stop());
      ports.push(emu.hostPath);
    }
    out.progress('starting the host...');
    const pipeline = await HarkPipeline.start({
      config,
      ...(modules.length
        ? { commandModules: modules }
        : config.commands
          ? {}
          : { commandModules: [EXAMPLE_PACK] }),
      onProgress: (p) => out.progress(p.message),
      link: { heartbeatMs: 1000 },
    });
    shutdown.add(() => pipeline.close());
    const events: PipelineEvent[] = [];
    pipeline.on('event', (e: PipelineEvent) => {
      events.push(e);
      if (e.event !== 'session') out.event(e, describeEvent(e));
    });
    const opened = await Promise.allSettled(
      ports.map((path) => pipeline.open({ path, ...(profile && !emu ? { profile } : {}) })),
    );
    const boards = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const r of opened) if (r.status === 'rejected') out.note(`hark say: ${(r.reason as Error).message}`);
    const wanted = values['board'] as string | undefined;
    const board: BoardInfo | undefined = wanted ? boards.find((b) => b.boardId === wanted) : boards[0];
    if (!board)
      throw new HarkError(
        'HARK_ERR_CLI_NO_BOARD',
        wanted
          ? `no board "${wanted}" (connected: ${boards.map((b) => b.boardId).join(', ') || 'none'})`
          : `none of ${ports.join(', ')} could be opened`,
      );
    if (!wanted && boards.length > 1)
      throw new HarkError(
        'HARK_ERR_CLI_USAGE',
        `several boards are connected (${boards.map((b) => b.boardId).join(', ')}): choose one with --board ID`,
      );
    const rt = pipeline.board(board.boardId)!;
    const from = events.length;
    out.event(
      {
        event: 'transcript',
        boardId: board.boardId,
        text,
        engine: 'say',
        latencyMs: 0,
        audioMs: 0,
        confidence: 1,
        verdict: 'accepted',
      },
      `${board.boardId}: said "${text}"`,
    );
    await rt.dispatch(text); // resolves once every response was sent and its speech played
    // A PING answered by a PONG means the board has read every frame sent before it.
    const token = 0x5a17;
    const pong = new Promise<void>((res, rej) => {
      const on = (e: { boardId: string; message: Message }) => {
        if (e.boardId !== board.boardId || e.message.type !== 'PONG' || e.message.token !== token) return;
        clearTimeout(timer);
        pipeline.link.off('message', on);
        res();
      };
      const timer = setTimeout(() => {
        pipeline.link.off('message', on);
        rej(
          new HarkError(
            'HARK_ERR_LINK_LOST',
            `board ${board.boardId} did not answer PING within 10 s after the reply: it may not have received all of it`,
          ),
        );
      }, 10_000);
      pipeline.link.on('message', on);
    });
    await pipeline.link.send(board.boardId, { type: 'PING', token });
    await pong;
    const response = events.slice(from).find((e) => e.event === 'response' && !e.late);
    const status = response && response.event === 'response' ? response.status : 'not_found';
    return status === 'success' || status === 'info' ? ExitCode.OK : ExitCode.FAILURE;
  } finally {
    await shutdown.close();
  }
}
