/**
 * Speech synthesis with the espeak-ng binary (Debian package `espeak-ng`). Used by the tests, the
 * emulated boards (they "speak" into their microphone) and the pipeline's spoken responses.
 */
import { spawn } from 'node:child_process';
import { resample } from '../../base/audio/resample.js';
import { type PcmAudio, parseWav } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** espeak-ng voice (`espeak-ng --voices`); default 'en-us'. */
  voice?: string;
  /** Speaking rate in words per minute; default 160. */
  wpm?: number;
  /** Pitch 0..99; default 50. */
  pitch?: number;
  /** Output sample rate; default espeak-ng's own (22050 Hz). */
  sampleRate?: number;
  /** The espeak-ng executable; default 'espeak-ng' on PATH. */
  binary?: string;
}

/** Speaks `text` into mono PCM16. The text goes through stdin, so it can never be read as an option. */
export async function synthesize(text: string, opts: SynthesizeOptions = {}): Promise<PcmAudio> {
  const binary = opts.binary ?? 'espeak-ng';
  const args = [
    '-v',
    opts.voice ?? 'en-us',
    '-s',
    String(opts.wpm ?? 160),
    '-p',
    String(opts.pitch ?? 50),
    '--stdout',
  ];
  const wav = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      reject(
        new HarkError(
          'HARK_ERR_TTS_ESPEAK',
          missing
            ? `${binary} was not found on PATH: install it (Debian/Raspberry Pi OS: sudo apt-get install espeak-ng)`
            : `${binary} could not be started: ${e.message}`,
          { cause: e },
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new HarkError(
            'HARK_ERR_TTS_ESPEAK',
            `${binary} ${args.join(' ')} failed with exit code ${code}: ${err.trim() || 'no message'}`,
          ),
        );
    });
    child.stdin.on('error', () => {}); // reported through 'close'/'error' above
    child.stdin.end(text);
  });
  const audio = parseWav(wav, `${binary} output`);
  if (opts.sampleRate === undefined || opts.sampleRate === audio.sampleRate) return audio;
  return { sampleRate: opts.sampleRate, samples: resample(audio.samples, audio.sampleRate, opts.sampleRate) };
}
