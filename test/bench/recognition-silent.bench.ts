/**
 * Never silent (issue 13): utterances through the whole host (an emulated board on a pty, the link
 * worker, the ASR workers, the session, the responses), push-to-talk, one after another — commands,
 * everyday sentences that are not commands, a held button with nothing said, a click, a mumble —
 * and how many of them got no `response` event at all before the session was idle again.
 *   silent_results          utterances answered by nothing (target 0)
 *   rejected_answered       of the rejected ones, how many got the 'rejected' response (error tone + reply)
 */

import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import type { BenchOptions } from './run.js';

const SPOKEN = [
  'turn the light on',
  'what time is it',
  'who wrote this song',
  'my sister is coming over tonight',
  'volume up',
  'the weather is lovely today',
];

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const h = await Harness.start({ commands: demo, asrThreads: 1 });
  let silent = 0;
  let rejected = 0;
  let rejectedAnswered = 0;
  try {
    const { boardId, board } = await h.addBoard({ uid: 'bench-silent', speed: 4 });
    const texts = opts.quick ? SPOKEN.slice(0, 3) : SPOKEN;
    const audios = [
      ...(await Promise.all(texts.map((t) => spoken(t)))).map((a, i) => ({ label: texts[i]!, a })),
      { label: 'a held button, nothing said', a: { sampleRate: 16000, samples: new Int16Array(16000) } },
      {
        label: 'a click',
        a: {
          sampleRate: 16000,
          samples: Int16Array.from({ length: 16000 }, (_, i) =>
            i > 8000 && i < 8800 ? (i % 2 ? 9000 : -9000) : 0,
          ),
        },
      },
    ];
    for (const { label, a } of audios) {
      await h.streamClosed(boardId);
      const from = h.events.length;
      board.setAudio(a);
      await board.utter();
      await h.idleAfter(boardId, from, 60_000);
      const mine = h.events.slice(from).filter((e) => e.boardId === boardId);
      const responses = mine.filter(
        (e): e is Extract<PipelineEvent, { event: 'response' }> => e.event === 'response',
      );
      const t = mine.find(
        (e): e is Extract<PipelineEvent, { event: 'transcript' }> => e.event === 'transcript',
      );
      if (responses.length === 0) {
        silent++;
        opts.log(`  silent: ${label} (heard "${t?.text ?? '—'}")`);
      }
      if (t?.verdict === 'rejected') {
        rejected++;
        if (responses.some((r) => r.status === 'rejected')) rejectedAnswered++;
      }
    }
    opts.log(`${audios.length} utterances, ${rejected} rejected, ${silent} silent`);
  } finally {
    await h.close();
  }
  return { silent_results: silent, rejected_answered: rejectedAnswered, rejected_utterances: rejected };
}
