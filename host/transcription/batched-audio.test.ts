/**
 * An ASR stream fed the way the pipeline's link worker feeds it (audioBatchMs: several 20 ms board
 * chunks joined in one message, `chunks` saying how many) hears what one-chunk messages give, and a
 * gap after a batch becomes silence of the lost board chunks' length, not of the batch's.
 * Real pocketsphinx in real worker threads.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec } from '../../protocol/ts/messages.js';
import { type SpokenClip, speak } from '../../test/fixtures/transcription/feed.js';
import { HOME_COMMANDS } from '../../test/fixtures/transcription/home-commands.js';
import { TranscriptionService } from './service.js';

const CHUNK = 320; // 20 ms at 16 kHz
let svc: TranscriptionService;
let clip: SpokenClip;

before(async () => {
  svc = await TranscriptionService.create({ threads: 1 });
  await svc.setGrammar('commands', HOME_COMMANDS);
  clip = await speak('open the garage door');
});
after(() => svc.close());

/** Posts the clip's samples [from, to) as messages of `per` board chunks each. */
function post(
  port: import('node:worker_threads').MessagePort,
  samples: Int16Array,
  per: number,
  opts: { firstChunk?: number; gapFirst?: number; withCount?: boolean } = {},
): number {
  let chunk = opts.firstChunk ?? 0;
  let gap = opts.gapFirst ?? 0;
  for (let o = 0; o < samples.length; o += CHUNK * per) {
    const part = samples.subarray(o, Math.min(samples.length, o + CHUNK * per));
    const n = Math.ceil(part.length / CHUNK);
    const data = encodeAudioBlock(AudioCodec.PCM16, part).slice();
    const msg = {
      kind: 'chunk',
      stream: 1,
      chunk,
      data,
      gap,
      ...(opts.withCount !== false && n > 1 ? { chunks: n } : {}),
    };
    port.postMessage(msg, [data.buffer]);
    chunk += n;
    gap = 0;
  }
  return chunk;
}

const open = (boardId: string) =>
  svc.openStream({ boardId, grammar: 'commands', codec: AudioCodec.PCM16, sampleRate: 16000 });

test('batched audio decodes to the same words as one chunk a message', async () => {
  const texts: string[] = [];
  for (const per of [1, 5]) {
    const s = open(`batch-${per}`);
    post(s.port, clip.samples, per);
    s.port.postMessage({ kind: 'end', stream: 1, reason: 0, droppedSamples: 0 });
    texts.push((await s.result).text);
  }
  assert.equal(texts[0], 'open the garage door');
  assert.deepEqual(texts, [texts[0], texts[0]]);
});

test('a gap after a batch is filled with the lost board chunks only', async () => {
  const head = clip.samples.subarray(0, CHUNK * 10); // two batches of 5
  const audioMsOf = async (withCount: boolean) => {
    const s = open(`gap-${withCount}`);
    const next = post(s.port, head, 5, { withCount });
    // Board chunks next and next+1 were lost: the next message says gap 2.
    post(s.port, clip.samples.subarray(CHUNK * 12, CHUNK * 17), 5, {
      firstChunk: next + 2,
      gapFirst: 2,
      withCount,
    });
    s.port.postMessage({ kind: 'end', stream: 1, reason: 0, droppedSamples: 0 });
    return (await s.result).audioMs;
  };
  // 10 chunks, 2 lost, 5 more: 17 chunks of 20 ms.
  assert.equal(await audioMsOf(true), 17 * 20);
  // Negative: a batch that does not say how many chunks it holds has its gap sized by the whole batch.
  assert.equal(await audioMsOf(false), (10 + 2 * 5 + 5) * 20);
});
