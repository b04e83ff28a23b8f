/**
 * Firmware benchmarks:
 * - press_to_audio_start_ms / release_to_audio_end_ms: the native board (the firmware core's C on a
 *   pty) under the host's LinkManager — from the button changing to the host seeing AUDIO_START /
 *   AUDIO_END (includes the firmware's 25 ms debounce and the link worker's hop to main);
 * - uno_flash_pct / uno_ram_pct: the Arduino Uno image's flash and static RAM use (avr-size).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NativeBoard } from '../../boards/native/native-board.js';
import { FIRMWARE_DIR } from '../../boards/native/native-build.js';
import { LinkManager } from '../../host/link/index.js';
import { nextMessage } from '../helpers/link.js';
import type { BenchOptions } from './run.js';
import { median, round } from './stats.js';

const exec = promisify(execFile);

/** When the next message of `type` arrived (performance.now()). */
const arrival = (link: LinkManager, type: 'AUDIO_START' | 'AUDIO_END') =>
  nextMessage(link, type).then(() => performance.now());

async function latencies(opts: BenchOptions): Promise<Record<string, number>> {
  const board = await NativeBoard.start({ uid: 'bench-native' });
  const link = await LinkManager.start();
  link.on('error', () => {});
  try {
    const info = await link.open({ path: board.hostPath, profile: 'emulated' });
    const press: number[] = [];
    const release: number[] = [];
    for (let i = 0; i < (opts.quick ? 3 : 10); i++) {
      const started = arrival(link, 'AUDIO_START');
      const t0 = performance.now();
      board.press();
      press.push((await started) - t0);
      link.discardAudio(info.boardId, i & 0xff);
      await new Promise((r) => setTimeout(r, 200));
      const ended = arrival(link, 'AUDIO_END');
      const t1 = performance.now();
      board.release();
      release.push((await ended) - t1);
      await new Promise((r) => setTimeout(r, 100));
      opts.log(
        `firmware: utterance ${i + 1}: press ${press.at(-1)!.toFixed(1)} ms, release ${release.at(-1)!.toFixed(1)} ms`,
      );
    }
    return {
      press_to_audio_start_ms: round(median(press), 1),
      release_to_audio_end_ms: round(median(release), 1),
    };
  } finally {
    await link.close();
    await board.close();
  }
}

async function unoSize(opts: BenchOptions): Promise<Record<string, number>> {
  const out = mkdtempSync(join(tmpdir(), 'hark-fw-bench-'));
  try {
    await exec('make', ['-s', '-C', FIRMWARE_DIR, 'uno', `O=${out}`]);
    const { stdout } = await exec('avr-size', ['-B', join(out, 'uno.elf')]);
    const [text, data, bss] = stdout.trim().split('\n').at(-1)!.trim().split(/\s+/).map(Number) as [
      number,
      number,
      number,
    ];
    opts.log(`firmware: uno flash ${text + data} B, static RAM ${data + bss} B`);
    return {
      uno_flash_pct: round((100 * (text + data)) / 32768, 1),
      uno_ram_pct: round((100 * (data + bss)) / 2048, 1),
    };
  } catch (e) {
    opts.log(`firmware: Uno image not built (${(e as Error).message.split('\n')[0]})`);
    return {};
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  return { ...(await latencies(opts)), ...(await unoSize(opts)) };
}
