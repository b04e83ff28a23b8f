/**
 * `hark emulate --wav speech.wav [--profile emulated] [--speed 1] [--press-after-ms N] [--repeat]` —
 * runs an emulated board on a pseudo-terminal pair and prints the device path for
 * `hark run --port PATH`. The board "speaks" the WAV while its button is held: N ms after each
 * handshake (--press-after-ms), again and again with --repeat, or whenever Enter is pressed.
 */

import { ExitCode, HarkError } from '../../base/errors.js';
import { loadPcm } from '../../boards/emulator/audio-source.js';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import { intFlag, parseCommandArgs } from './args.js';
import type { CliIo } from './io.js';

const HELP = `usage: hark emulate [--wav FILE] [--profile ID] [--speed X] [--press-after-ms N] [--repeat] [--uid ID]

Starts an emulated hark board on a pseudo-terminal (needs socat) and prints its device path on
stdout; connect with \`hark run --port PATH\`. Host output (LEDs, tones, speaker) is logged to stderr.
  --wav FILE          what the microphone hears while the button is held (WAV, or raw PCM16 at 16 kHz)
  --profile ID        board profile to emulate (default: emulated)
  --speed X           1 = real time (default), 2 = twice as fast
  --press-after-ms N  press the button N ms after the host connects and hold it for the whole WAV
  --repeat            press again N ms after each utterance ends (needs --press-after-ms)
  --uid ID            board uid sent in HELLO (default: random)
Press Enter (when stdin is a terminal) to speak the WAV once. Ctrl-C stops and removes the pty.
`;

export interface EmulationOptions {
  wav?: string;
  profile: string;
  speed: number;
  pressAfterMs?: number;
  repeat: boolean;
  uid?: string;
}

/** A running emulation: `stop()` closes the board and removes its pty. */
export interface Emulation {
  board: EmulatedBoard;
  hostPath: string;
  /** Utterances spoken so far. */
  utterances(): number;
  stop(): Promise<void>;
}

/** Starts the board and its automatic button presses (the testable part of `hark emulate`). */
export async function startEmulation(o: EmulationOptions, io: CliIo): Promise<Emulation> {
  const profile = getProfile(o.profile);
  const audio = o.wav ? loadPcm(o.wav) : undefined;
  const board = await EmulatedBoard.overPty({
    profile,
    speed: o.speed,
    ...(audio ? { audio } : {}),
    ...(o.uid !== undefined ? { uid: o.uid } : {}),
  });
  let spoken = 0;
  let timer: NodeJS.Timeout | undefined;
  let speaking = false;
  const log = (line: string) => io.stderr.write(`[${board.uid}] ${line}\n`);
  const speak = async () => {
    if (speaking || !board.ack) return;
    speaking = true;
    try {
      log('button down: speaking');
      const r = await board.utter();
      spoken++;
      log(`button up: ${r.chunks} chunks sent (stream ${r.stream})${r.interrupted ? ', interrupted' : ''}`);
      if (o.repeat && o.pressAfterMs !== undefined) timer = setTimeout(() => void speak(), o.pressAfterMs);
    } catch (e) {
      log(`cannot speak: ${(e as Error).message}`);
    } finally {
      speaking = false;
    }
  };
  board.on('ack', (ack) => {
    log(
      `host connected (codec ${ack.audioCodec}, ${ack.audioSampleRate} Hz, heartbeat ${ack.heartbeatMs} ms)`,
    );
    clearTimeout(timer);
    if (o.pressAfterMs !== undefined && audio) timer = setTimeout(() => void speak(), o.pressAfterMs);
  });
  board.on('host-gone', () => log('host went away; sending HELLO until it is back'));
  board.on('led', (l) => log(`LED ${l.index}: effect ${l.effect} rgb(${l.r},${l.g},${l.b})`));
  board.on('tone', (steps: { freqHz: number; durationMs: number }[]) =>
    log(`TONE ${steps.map((s) => `${s.freqHz}Hz/${s.durationMs}ms`).join(' ')}`),
  );
  board.on('volume', (level: number) => log(`VOLUME ${level}%`));
  board.on('speaker', (e: { event: string }) => {
    if (e.event !== 'data') log(`speaker ${e.event}`);
  });
  return {
    board,
    hostPath: board.hostPath,
    utterances: () => spoken,
    async stop() {
      clearTimeout(timer);
      await board.close();
    },
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('emulate', argv, {
    wav: { type: 'string' },
    profile: { type: 'string' },
    speed: { type: 'string' },
    'press-after-ms': { type: 'string' },
    repeat: { type: 'boolean' },
    uid: { type: 'string' },
  });
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const speed = values['speed'] === undefined ? 1 : Number(values['speed']);
  if (!(speed > 0))
    throw new HarkError('HARK_ERR_CLI_USAGE', `--speed must be a positive number, got "${values['speed']}"`);
  const press = values['press-after-ms'] as string | undefined;
  const emu = await startEmulation(
    {
      profile: (values['profile'] as string | undefined) ?? 'emulated',
      speed,
      repeat: values['repeat'] === true,
      ...(values['wav'] ? { wav: values['wav'] as string } : {}),
      ...(press !== undefined ? { pressAfterMs: intFlag('press-after-ms', press, 0) } : {}),
      ...(values['uid'] !== undefined ? { uid: values['uid'] as string } : {}),
    },
    io,
  );
  io.stdout.write(`${emu.hostPath}\n`);
  io.stderr.write(
    `${emu.board.profile.name} (profile ${emu.board.profile.id}, uid ${emu.board.uid}): connect with: hark run --port ${emu.hostPath}\n`,
  );
  const onEnter = () => void emu.board.utter().catch((e: Error) => io.stderr.write(`${e.message}\n`));
  if (process.stdin.isTTY) {
    process.stdin.on('data', onEnter);
    process.stdin.resume();
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdin.off('data', onEnter);
  process.stdin.pause();
  await emu.stop();
  return ExitCode.OK;
}
