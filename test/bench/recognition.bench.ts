/**
 * Recognition benchmark (issue 13): the example pack's commands and everyday speech, synthesised by
 * espeak-ng and flite in 13 voices (6 US, 7 British, Scottish, northern English and Caribbean), at
 * several rates and with noise at several SNRs (test/fixtures/transcription/corpus/), decoded by the
 * real TranscriptionService with rejection on, one board per voice (so each board's first utterance
 * is a cold start, the rest warm). `--full` uses the full corpora; the default is a smaller slice.
 *   in_grammar_exact_pct    in-grammar utterances accepted with the exact command and parameters
 *   in_grammar_reject_pct   in-grammar utterances rejected
 *   accent_exact_pct        in_grammar_exact_pct over the non-US voices
 *   oog_false_accept_pct    everyday sentences accepted as some command
 *   rejection_cost_ms_p50   what rejection adds after the end of audio (the verdict), worker time
 *   cold_exact_pct          in-grammar utterances each on a never-heard board (cold start from the host's
 *                           prior, the mean of the boards heard so far — here the 13 voices' boards, so the
 *                           new board's own voice is in it: flatters; decoded once)
 *   cold_accent_exact_pct   the same over the non-US voices
 *   cold_final_ms_p50       AUDIO_END → final for those (all audio posted at once, worst case)
 *   grammar_phrases_commands, grammar_entries_commands   size of the example pack's command grammar
 * The accept/reject trade-off curve (the keys at thresholds 0.05…0.95) goes to stderr.
 * HARK_BENCH_DUMP=file writes every result (text, confidence, verdict, expected) for tuning.
 */
import { writeFileSync } from 'node:fs';
import { EXAMPLE_PACK } from '../../host/cli/example-pack.js';
import { exportGrammar } from '../../host/commands/grammar-export.js';
import { loadCommandModule } from '../../host/commands/loader.js';
import { CommandRegistry } from '../../host/commands/registry.js';
import { TranscriptionService } from '../../host/transcription/service.js';
import { type Clip, inGrammarClips, outOfGrammarClips } from '../fixtures/transcription/corpus/corpus.js';
import { decodeAll } from '../fixtures/transcription/corpus/decode.js';
import { figures, misses, scoreAll, tradeOff } from './recognition/score.js';
import type { BenchOptions } from './run.js';
import { median } from './stats.js';

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const slice = opts.full ? 'full' : opts.quick ? 'short' : 'bench';
  const registry = new CommandRegistry();
  await loadCommandModule(registry, EXAMPLE_PACK);
  const t0 = performance.now();
  const [inClips, oogClips] = await Promise.all([inGrammarClips(registry, slice), outOfGrammarClips(slice)]);
  opts.log(
    `corpora (${slice}): ${inClips.length} in-grammar, ${oogClips.length} out-of-grammar clips in ${Math.round(performance.now() - t0)} ms`,
  );
  const svc = await TranscriptionService.create({ threads: 2 });
  const figuresOut: Record<string, number> = {};
  try {
    const commands = await svc.setGrammar(
      'commands',
      exportGrammar(registry, { filter: (c) => !c.def.options.followUpOnly }),
    );
    await svc.setGrammar('follow-up', exportGrammar(registry));
    figuresOut.grammar_phrases_commands = commands.size;
    figuresOut.grammar_entries_commands = commands.words;
    const grammarOf = (c: Clip) => (c.expected?.followUp ? 'follow-up' : 'commands');
    const t1 = performance.now();
    const decoded = await decodeAll(svc, [...inClips, ...oogClips], {
      grammarOf,
      boardOf: (c) => `board-${c.condition.voice.id}`,
      onProgress: (n) => n % 100 === 0 && opts.log(`  decoded ${n}`),
    });
    opts.log(`decoded ${decoded.length} clips in ${Math.round(performance.now() - t1)} ms`);
    const scored = scoreAll(registry, decoded);
    Object.assign(figuresOut, figures(scored));
    const curve = tradeOff(scored, [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
    opts.log(
      'accept/reject trade-off (threshold: in-grammar exact / rejected, accent exact, out-of-grammar false accepts), %:',
    );
    for (const p of curve)
      opts.log(
        `  ${p.threshold.toFixed(2)}: ${p.in_grammar_exact_pct} / ${p.in_grammar_reject_pct}, ${p.accent_exact_pct}, ${p.oog_false_accept_pct}`,
      );
    if (process.env.HARK_BENCH_VERBOSE) for (const m of misses(scored)) opts.log(m);
    const rej = decoded
      .map((d) => d.transcript.timing?.rejectionMs)
      .filter((x): x is number => x !== undefined);
    figuresOut.rejection_cost_ms_p50 = median(rej);
    if (process.env.HARK_BENCH_DUMP) {
      writeFileSync(
        process.env.HARK_BENCH_DUMP,
        JSON.stringify(
          scored.map((s) => ({
            id: s.d.clip.id,
            kind: s.d.clip.kind,
            voice: s.d.clip.condition.voice.id,
            said: s.d.clip.text,
            heard: s.d.transcript.text,
            confidence: s.d.transcript.confidence,
            verdict: s.d.transcript.verdict,
            reason: s.d.transcript.rejectReason,
            right: s.right,
            command: s.command,
            timing: s.d.transcript.timing,
            scores: s.d.transcript.scores,
          })),
        ),
      );
    }
    // Cold starts: the same in-grammar utterances, each on a board never heard before.
    const coldClips = inClips.filter((_, i) => i % (slice === 'full' ? 2 : 3) === 0);
    const cold = await decodeAll(svc, coldClips, { grammarOf, boardOf: (c) => `cold-${c.id}` });
    const coldScored = scoreAll(registry, cold);
    const coldFigures = figures(coldScored);
    figuresOut.cold_exact_pct = coldFigures.in_grammar_exact_pct;
    figuresOut.cold_accent_exact_pct = coldFigures.accent_exact_pct;
    figuresOut.cold_final_ms_p50 = median(cold.map((d) => d.finalMs));
  } finally {
    await svc.close();
  }
  return figuresOut;
}
