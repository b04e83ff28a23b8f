/**
 * `hark emulate` — an emulated board on a pseudo-terminal pair, for `hark run --port PATH` and for
 * bringing up a command pack without hardware. It prints the device path, then everything the host
 * sends (LED, TONE, VOLUME, CAPTURE, GPIO writes, speech) — one line each on stderr, or JSON lines on
 * stdout with --json — and can save each spoken reply as a WAV (--save-speech DIR). The board speaks:
 * a WAV N ms after each handshake (--press-after-ms, --repeat), on Enter, or a whole scripted
 * conversation (--script FILE: several utterances, gestures, follow-ups, waits; see emulate-script.ts).
 */

import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PcmAudio } from '../../base/audio/wav.js';
import { encodeWav } from '../../base/audio/wav.js';
import { ExitCode, HarkError, isHarkError } from '../../base/errors.js';
import { loadPcm } from '../../boards/emulator/audio-source.js';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import type { PinState } from '../../boards/emulator/gpio-sim.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import { GpioModeNames, LedEffectNames } from '../../protocol/ts/messages.js';
import { synthesize } from '../tts/espeak.js';
import { intFlag, parseCommandArgs } from './args.js';
import { withSilence } from './demo-harness.js';
import { type AudioRef, loadScript, runScript, type Step } from './emulate-script.js';
import type { CliIo } from './io.js';
import { CliReporter } from './reporter.js';

const HELP = `usage: hark emulate [--wav FILE | --script FILE] [--profile ID] [--speed X] [--press-after-ms N] [--repeat]
                    [--uid ID] [--save-speech DIR] [--json]

Starts an emulated hark board on a pseudo-terminal (needs socat) and prints its device path on stdout;
connect with \`hark run --port PATH\`. What the host sends (LED, TONE, VOLUME, CAPTURE, GPIO writes,
speech) is printed on stderr, or as JSON lines on stdout with --json.
  --wav FILE          what the microphone hears while the button is held (WAV, or raw PCM16 at 16 kHz)
  --script FILE       rehearse a conversation, one step per line, then exit (0 when every step ran):
                        say "text" | say FILE.wav   push-to-talk (text is spoken by espeak-ng)
                        tap "text"                  tap-to-talk (CLICK; streams when the host sends CAPTURE)
                        follow-up "text"            the answer to a question, in the host's next CAPTURE
                        press | release | click | double | long [BUTTON]    gestures
                        pin N VALUE                 drive an input pin
                        wait 500ms | wait EVENT [TIMEOUT]   EVENT: host led tone volume gpio
                                                    capture-start capture-stop speech-start speech-end
                        unplug | replug
  --profile ID        board profile to emulate (default: emulated)
  --speed X           1 = real time (default), 2 = twice as fast
  --press-after-ms N  press the button N ms after the host connects and hold it for the whole WAV
  --repeat            press again N ms after each utterance ends (needs --press-after-ms)
  --uid ID            board uid sent in HELLO (default: random)
  --save-speech DIR   write each reply the board plays to DIR/<uid>-speech-<n>.wav
Press Enter (when stdin is a terminal) to speak the WAV once. Ctrl-C stops and removes the pty.
Exit codes: 0 ok, 1 a script step failed, 2 usage (bad flag, missing file or script error), 3 unknown profile.
`;

export interface EmulationOptions {
  wav?: string;
  profile: string;
  speed: number;
  pressAfterMs?: number;
  repeat: boolean;
  uid?: string;
  /** Folder for the speech the board plays. */
  saveSpeech?: string;
}

/** A running emulation: `stop()` closes the board and removes its pty. */
export interface Emulation {
  board: EmulatedBoard;
  hostPath: string;
  /** Utterances spoken so far. */
  utterances(): number;
  /** Speech files saved so far. */
  saved(): string[];
  stop(): Promise<void>;
}

/** Reads a WAV named on the command line: missing or a folder is a usage error naming the flag. */
export function readAudioFile(path: string, flag: string, opts: { wavOnly?: boolean } = {}): PcmAudio {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HarkError(
      'HARK_ERR_CLI_FILE',
      `${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
      { cause: e },
    );
  }
  if (isDir) throw new HarkError('HARK_ERR_CLI_FILE', `${flag} ${path}: is a folder, not a WAV file`);
  if (opts.wavOnly && !startsWithRiff(path, flag)) {
    throw new HarkError(
      'HARK_ERR_AUDIO_WAV',
      `${flag} ${path}: not a WAV file (no RIFF header); convert it first, e.g. sox ${path} -r 16000 -c 1 -b 16 out.wav`,
    );
  }
  try {
    return loadPcm(path);
  } catch (e) {
    if (isHarkError(e)) throw e;
    // A truncated header makes the reader run off the end of the buffer.
    throw new HarkError(
      'HARK_ERR_AUDIO_WAV',
      `${flag} ${path}: not a readable WAV file (truncated?): ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

function startsWithRiff(path: string, flag: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HarkError(
      'HARK_ERR_CLI_FILE',
      `${flag} ${path}: ${code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
      { cause: e },
    );
  }
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'RIFF';
  } finally {
    closeSync(fd);
  }
}

const hex = (d: { r: number; g: number; b: number }) =>
  `#${[d.r, d.g, d.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** Starts the board and reports what it receives (the testable part of `hark emulate`). */
export async function startEmulation(o: EmulationOptions, io: CliIo, out?: CliReporter): Promise<Emulation> {
  const profile = getProfile(o.profile);
  const audio = o.wav ? readAudioFile(o.wav, '--wav') : undefined;
  const board = await EmulatedBoard.overPty({
    profile,
    speed: o.speed,
    ...(audio ? { audio } : {}),
    ...(o.uid !== undefined ? { uid: o.uid } : {}),
  });
  const report = out ?? new CliReporter({ stdout: io.stdout, stderr: io.stderr });
  let spoken = 0;
  const saved: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let speaking = false;
  /** One thing that happened on the board: a JSON event, or a `[uid] …` line on stderr. */
  const log = (kind: string, detail: Record<string, unknown>, line: string) => {
    if (report.json) report.event({ event: 'emulate', boardId: board.uid, kind, ...detail });
    else io.stderr.write(`[${board.uid}] ${line}\n`);
  };
  const speak = async () => {
    if (speaking || !board.ack) return;
    speaking = true;
    try {
      log('button', { state: 'down' }, 'button down: speaking');
      const r = await board.utter();
      spoken++;
      log(
        'button',
        { state: 'up', ...r },
        `button up: ${r.chunks} chunks sent (stream ${r.stream})${r.interrupted ? ', interrupted' : ''}`,
      );
      if (o.repeat && o.pressAfterMs !== undefined) timer = setTimeout(() => void speak(), o.pressAfterMs);
    } catch (e) {
      log('error', { message: (e as Error).message }, `cannot speak: ${(e as Error).message}`);
    } finally {
      speaking = false;
    }
  };
  board.on('ack', (ack) => {
    log(
      'host',
      {
        state: 'connected',
        codec: ack.audioCodec,
        sampleRate: ack.audioSampleRate,
        heartbeatMs: ack.heartbeatMs,
      },
      `host connected (codec ${ack.audioCodec}, ${ack.audioSampleRate} Hz, heartbeat ${ack.heartbeatMs} ms)`,
    );
    clearTimeout(timer);
    if (o.pressAfterMs !== undefined && audio) timer = setTimeout(() => void speak(), o.pressAfterMs);
  });
  board.on('host-gone', () =>
    log('host', { state: 'gone' }, 'host went away; sending HELLO until it is back'),
  );
  board.on('led', (l) =>
    log(
      'led',
      { ...l },
      `LED ${l.index === 255 ? 'all' : l.index}: ${LedEffectNames.name(l.effect) ?? l.effect} ${hex(l)}${l.periodMs ? ` ${l.periodMs} ms` : ''}${l.durationMs ? ` for ${l.durationMs} ms` : ''}`,
    ),
  );
  board.on('tone', (steps: { freqHz: number; durationMs: number }[]) =>
    log('tone', { steps }, `TONE ${steps.map((s) => `${s.freqHz}Hz/${s.durationMs}ms`).join(' ')}`),
  );
  board.on('volume', (level: number) => log('volume', { level }, `VOLUME ${level}%`));
  board.on('capture', (m: { action: number; mode: number; maxMs: number }) =>
    log(
      'capture',
      { ...m },
      `CAPTURE ${m.action === 1 ? 'start' : 'stop'}${m.maxMs ? ` (max ${m.maxMs} ms)` : ''}`,
    ),
  );
  board.on('gpio', (p: PinState) =>
    log(
      'gpio',
      { pin: p.pin, mode: p.mode, value: p.value },
      `GPIO ${p.pin}: ${p.mode === undefined ? 'unset' : (GpioModeNames.name(p.mode) ?? p.mode)} = ${p.value}`,
    ),
  );
  board.on('speaker', (e: { event: string }) => {
    if (e.event === 'data') return;
    if ((e.event === 'finished' || e.event === 'stopped') && o.saveSpeech) {
      const pcm = board.speakerAudio();
      const file = join(o.saveSpeech, `${board.uid}-speech-${saved.length + 1}.wav`);
      mkdirSync(o.saveSpeech, { recursive: true });
      writeFileSync(file, encodeWav(pcm));
      saved.push(file);
      log(
        'speech',
        { state: e.event, file, seconds: pcm.samples.length / pcm.sampleRate },
        `speech ${e.event}, saved ${file} (${(pcm.samples.length / pcm.sampleRate).toFixed(1)} s)`,
      );
    } else log('speech', { state: e.event }, `speech ${e.event}`);
  });
  return {
    board,
    hostPath: board.hostPath,
    utterances: () => spoken,
    saved: () => [...saved],
    async stop() {
      clearTimeout(timer);
      await board.close();
    },
  };
}

/** Audio for a script step: a WAV (read once) or text spoken by espeak-ng with silence around it. */
function scriptAudio(): (ref: AudioRef) => Promise<PcmAudio> {
  const cache = new Map<string, Promise<PcmAudio>>();
  return (ref) => {
    const key = 'text' in ref ? `t:${ref.text}` : `f:${ref.file}`;
    let p = cache.get(key);
    if (!p) {
      p =
        'text' in ref
          ? synthesize(ref.text, { sampleRate: 16000, wpm: 150 }).then((a) => withSilence(a))
          : Promise.resolve().then(() => readAudioFile(ref.file, "the script's"));
      cache.set(key, p);
    }
    return p;
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('emulate', argv, {
    wav: { type: 'string' },
    script: { type: 'string' },
    profile: { type: 'string' },
    speed: { type: 'string' },
    'press-after-ms': { type: 'string' },
    repeat: { type: 'boolean' },
    uid: { type: 'string' },
    'save-speech': { type: 'string' },
  });
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const speed = values['speed'] === undefined ? 1 : Number(values['speed']);
  if (!(speed > 0))
    throw new HarkError('HARK_ERR_CLI_USAGE', `--speed must be a positive number, got "${values['speed']}"`);
  if (values['script'] && values['wav'])
    throw new HarkError(
      'HARK_ERR_CLI_USAGE',
      '--script and --wav do not go together: a script names its own audio',
    );
  // Check everything the user named before a pty exists: a bad script or file costs nothing.
  const script: Step[] | undefined = values['script']
    ? loadScript(resolve(values['script'] as string))
    : undefined;
  const press = values['press-after-ms'] as string | undefined;
  const out = CliReporter.forCommand(io, values);
  const emu = await startEmulation(
    {
      profile: (values['profile'] as string | undefined) ?? 'emulated',
      speed,
      repeat: values['repeat'] === true,
      ...(values['wav'] ? { wav: values['wav'] as string } : {}),
      ...(press !== undefined ? { pressAfterMs: intFlag('press-after-ms', press, 0) } : {}),
      ...(values['uid'] !== undefined ? { uid: values['uid'] as string } : {}),
      ...(values['save-speech'] ? { saveSpeech: resolve(values['save-speech'] as string) } : {}),
    },
    io,
    out,
  );
  const { board } = emu;
  out.event(
    { event: 'emulate', boardId: board.uid, kind: 'ready', path: emu.hostPath, profile: board.profile.id },
    emu.hostPath,
  );
  if (!out.json)
    io.stderr.write(
      `${board.profile.name} (profile ${board.profile.id}, uid ${board.uid}): connect with: hark run --port ${emu.hostPath}\n`,
    );
  const stopped = new Promise<string>((r) => {
    process.once('SIGINT', () => r('SIGINT'));
    process.once('SIGTERM', () => r('SIGTERM'));
  });
  try {
    if (script) {
      const result = await Promise.race([
        runScript(script, {
          board,
          audio: scriptAudio(),
          onStep: (s, i) =>
            out.event(
              {
                event: 'emulate',
                boardId: board.uid,
                kind: 'step',
                step: i + 1,
                line: s.line,
                source: s.source,
              },
              undefined,
            ),
        }).then(() => 'done' as const),
        stopped,
      ]);
      if (!out.json && result === 'done')
        io.stderr.write(`[${board.uid}] script done: ${script.length} steps\n`);
      out.event({
        event: 'emulate',
        boardId: board.uid,
        kind: 'done',
        steps: script.length,
        speech: emu.saved(),
      });
      return ExitCode.OK;
    }
    const onEnter = () => void board.utter().catch((e: Error) => io.stderr.write(`${e.message}\n`));
    if (process.stdin.isTTY) {
      process.stdin.on('data', onEnter);
      process.stdin.resume();
    }
    await stopped;
    process.stdin.off('data', onEnter);
    process.stdin.pause();
    return ExitCode.OK;
  } catch (e) {
    if (isHarkError(e) && e.code === 'HARK_ERR_CLI_SCRIPT') {
      out.event({ event: 'error', boardId: board.uid, code: e.code, message: e.message });
      if (!out.json) io.stderr.write(`hark emulate: script failed at ${e.message} [${e.code}]\n`);
      return ExitCode.FAILURE;
    }
    throw e;
  } finally {
    await emu.stop();
  }
}
