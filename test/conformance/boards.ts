/**
 * The boards `npm test` runs `hark conformance` against, each with a driver for its button (and reset
 * where it has one), and the clauses each is known not to meet yet. KNOWN_GAPS only shrinks: the tests
 * fail on any failure not listed, and print the listed ones that still fail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, type PcmAudio } from '../../base/audio/wav.js';
import type { BoardDriver } from '../../boards/conformance/check.js';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { NativeBoard } from '../../boards/native/native-board.js';
import { SimavrBoard } from '../../boards/simavr/simavr-board.js';

export interface BoardUnderTest {
  path: string;
  driver: BoardDriver;
  /** For runConformance's timeScale: how much slower than the wall clock the board may run. */
  timeScale?: number;
  close(): Promise<void>;
}

/** Speech-like test audio: a tone with an envelope, so every chunk differs. */
export const TEST_AUDIO: PcmAudio = {
  sampleRate: 16000,
  samples: Int16Array.from({ length: 16000 * 3 }, (_, i) =>
    Math.round(7000 * Math.sin(i / 5) * (0.5 + 0.5 * Math.sin(i / 4000))),
  ),
};

export async function emulated(
  opts: { profile?: string; versionMinor?: number } = {},
): Promise<BoardUnderTest> {
  const b = await EmulatedBoard.overPty({ uid: 'conformance-ts', audio: TEST_AUDIO, repeat: true, ...opts });
  return {
    path: b.hostPath,
    driver: {
      press: (i) => b.press(i),
      release: (i) => b.release(i),
      reset: () => b.reset(),
      speed: b.speed,
    },
    close: () => b.close(),
  };
}

export async function native(): Promise<BoardUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'hark-conformance-'));
  const wav = join(dir, 'speech.wav');
  writeFileSync(wav, encodeWav(TEST_AUDIO));
  const b = await NativeBoard.start({ wav, wavLoop: true, uid: 'conformance-native' });
  return {
    path: b.hostPath,
    driver: { press: (i) => b.press(i), release: (i) => b.release(i), speed: 1 },
    close: async () => {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real Uno image in libsimavr, in real time on its pty; its button on pin 2, its reset pin driven. */
export async function simavr(): Promise<BoardUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'hark-conformance-'));
  const wav = join(dir, 'speech.wav');
  writeFileSync(wav, encodeWav(TEST_AUDIO));
  const b = await SimavrBoard.start({ mode: 'realtime', wav });
  return {
    path: b.hostPath!,
    // the simulation runs behind the wall clock when the machine is loaded (CI: 2 cores, whole suite)
    timeScale: 3,
    driver: {
      press: (i) => b.press(i),
      release: (i) => b.release(i),
      reset: async () => b.reset(),
      speed: 1,
    },
    close: async () => {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Clauses a firmware build does not meet yet, with the reason; the tests fail on anything else and
 * say when a listed clause starts passing. Empty since the firmware side of SPEC 1.1 landed.
 */
export const FIRMWARE_KNOWN_GAPS: Readonly<Record<string, string>> = {};
