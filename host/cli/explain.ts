/**
 * `hark explain FILE.wav` — why hark heard what it heard: the utterance decoded exactly as a board's
 * would be (the configured engine, the pack's grammar, rejection on), then the hypothesis, its n-best
 * alternatives with their scores, the confidence and the verdict with what it was computed from, every
 * command pattern with why it won or lost, and the time spent in each stage. The commands are not run
 * (no side effects on a board); `hark run --explain` explains live utterances, first response included.
 * The explanation of one utterance is built here from plain data, so `run --explain` prints the same.
 */
import { ExitCode } from '../../base/errors.js';
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec } from '../../protocol/ts/messages.js';
import { CommandRegistry, exportGrammar, loadCommandModule } from '../commands/index.js';
import { compareScores } from '../commands/pattern/compile.js';
import type { RegisteredCommand } from '../commands/registry.js';
import { ConfigStore } from '../config/index.js';
import { transcriptionOptions } from '../transcription/config-options.js';
import { TranscriptionService } from '../transcription/index.js';
import type { Transcript } from '../transcription/types.js';
import { configDirOf, parseCommandArgs } from './args.js';
import { readAudioFile } from './emulate.js';
import { commandModulesOf } from './example-pack.js';
import type { CliIo } from './io.js';
import { CliReporter } from './reporter.js';

const HELP = `usage: hark explain FILE.wav [--commands FILE]... [--alternatives N] [--json] [--config-dir DIR]

FILE is a WAV file (any rate, mixed to mono) or raw 16 kHz PCM16. Decodes one utterance as a board's would be decoded (the configured speech engine, the pack's grammar,
rejection on) and explains the decision: hypothesis, n-best alternatives with scores (default 5),
confidence and verdict, every command pattern and why it won or lost, time per stage. Commands are not
run; hark run --explain explains live utterances. Exit 0 when the utterance would run a command, 1 when
it would be rejected or match nothing.
`;

/** One pattern's fate for a text. */
export interface PatternVerdict {
  command: string;
  pattern: string;
  outcome: 'won' | 'lost' | 'no match' | 'not heard' | 'follow-up only' | 'fallback';
  why: string;
  params?: Record<string, unknown>;
}

/** Every command tried on `text`, best first: the winner, the matches it beat (and why), the misses. */
export function explainMatch(registry: CommandRegistry, text: string): PatternVerdict[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const matched: {
    c: RegisteredCommand;
    params: Record<string, unknown>;
    score: ReturnType<typeof scoreOf>;
  }[] = [];
  const rest: PatternVerdict[] = [];
  for (const c of registry.commands) {
    const base = { command: c.name, pattern: c.def.pattern };
    if (c.def.options.fallback) {
      rest.push({ ...base, outcome: 'fallback', why: 'takes rejected utterances only' });
      continue;
    }
    const missing = c.compiled.requiredWords.filter((w) => !tokens.includes(w));
    if (missing.length) {
      rest.push({ ...base, outcome: 'not heard', why: `needs ${missing.map((w) => `"${w}"`).join(', ')}` });
      continue;
    }
    const m = tokens.length ? c.compiled.match(tokens) : undefined;
    if (!m) {
      rest.push({
        ...base,
        outcome: 'no match',
        why: 'its pattern does not fit the words heard',
      });
      continue;
    }
    if (c.def.options.followUpOnly) {
      rest.push({ ...base, outcome: 'follow-up only', why: 'matches, but only as the answer to a question' });
      continue;
    }
    matched.push({ c, params: m.params, score: scoreOf(m.score) });
  }
  matched.sort((a, b) => compareScores(a.score, b.score) || a.c.index - b.c.index);
  const winner = matched[0];
  const out: PatternVerdict[] = matched.map((m, i) => ({
    command: m.c.name,
    pattern: m.c.def.pattern,
    outcome: i === 0 ? 'won' : 'lost',
    why:
      i === 0
        ? `${describeScore(m.score)}${matched.length > 1 ? ', the most specific match' : ''}`
        : `${describeScore(m.score)}: ${lostBecause(m.score, winner!.score, m.c.index, winner!.c.index)} than "${winner!.c.name}"`,
    params: m.params,
  }));
  return [...out, ...rest];
}

const scoreOf = (s: { literals: number; wildcardWords: number; typed: number }) => ({ ...s });

function describeScore(s: { literals: number; wildcardWords: number; typed: number }): string {
  return `${s.literals} literal word${s.literals === 1 ? '' : 's'}, ${s.typed} typed, ${s.wildcardWords} wildcard word${s.wildcardWords === 1 ? '' : 's'}`;
}

function lostBecause(
  s: { literals: number; wildcardWords: number; typed: number },
  w: { literals: number; wildcardWords: number; typed: number },
  index: number,
  winnerIndex: number,
): string {
  if (s.literals !== w.literals) return 'fewer literal words';
  if (s.wildcardWords !== w.wildcardWords) return 'more words taken by wildcards';
  if (s.typed !== w.typed) return 'fewer typed parameters';
  return index > winnerIndex ? 'as specific, but declared later' : 'as specific';
}

/** The explanation of one utterance as printable lines (and the same as data for --json). */
export function explainLines(
  t: Pick<
    Transcript,
    | 'text'
    | 'confidence'
    | 'verdict'
    | 'rejectReason'
    | 'alternatives'
    | 'timing'
    | 'scores'
    | 'audioMs'
    | 'engine'
  >,
  patterns: readonly PatternVerdict[],
  extra: { matchMs?: number; firstResponseMs?: number } = {},
): string[] {
  const lines: string[] = [];
  lines.push(
    `heard:       "${t.text}"${t.text === '' ? ' (nothing)' : ''}  [${t.engine}, ${t.audioMs} ms of audio]`,
  );
  lines.push(
    `verdict:     ${t.verdict}${t.rejectReason ? ` (${t.rejectReason})` : ''}, confidence ${t.confidence.toFixed(2)}`,
  );
  if (t.scores) {
    lines.push(
      `scores:      log-likelihood ratio per frame against the best state ${t.scores.llr} (words only ${t.scores.speechLlr}, weakest word ${t.scores.minWordLlr})`,
    );
    if (t.scores.coverage !== undefined) {
      // The segment features the confidence is a logistic of, besides the scores (rejection.ts).
      lines.push(
        `segments:    ${t.scores.words} words cover ${Math.round(100 * t.scores.coverage)} % of ${t.scores.voicedMs} ms of speech, ${Math.round(t.scores.msPerPhone ?? 0)} ms a phone (slowest word ${Math.round(t.scores.maxMsPerPhone ?? 0)})`,
      );
    }
  }
  if (t.alternatives?.length) {
    lines.push('alternatives (n-best, path score, higher is better):');
    for (const a of t.alternatives) lines.push(`  ${String(a.score).padStart(8)}  "${a.text}"`);
  }
  lines.push(
    t.verdict === 'rejected' && t.text !== ''
      ? 'patterns (none runs: the utterance was rejected; a fallback command would get it):'
      : 'patterns:',
  );
  if (t.text === '') lines.push('  none tried: nothing was recognised');
  else
    for (const p of patterns)
      lines.push(
        `  ${p.outcome.padEnd(14)} ${p.command}: ${p.why}${p.params ? ` ${JSON.stringify(p.params)}` : ''}`,
      );
  const s = t.timing;
  const stages: string[] = [];
  if (s?.speechStartMs !== undefined)
    stages.push(`speech ${s.speechStartMs}–${s.speechEndMs ?? '?'} ms of the audio (VAD)`);
  if (s)
    stages.push(`decoding ${s.decodeMs} ms`, `final ${s.finalMs} ms (rejection ${s.rejectionMs} ms of it)`);
  if (extra.matchMs !== undefined) stages.push(`match ${extra.matchMs.toFixed(2)} ms`);
  stages.push(
    extra.firstResponseMs !== undefined
      ? `first response ${Math.round(extra.firstResponseMs)} ms after the final`
      : 'first response: not run',
  );
  lines.push(`time:        ${stages.join(', ')}`);
  return lines;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('explain', argv, {
    commands: { type: 'string', multiple: true },
    alternatives: { type: 'string' },
    'config-dir': { type: 'string' },
  });
  if (values['help']) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    io.stderr.write(`hark explain: name one WAV file\n\n${HELP}`);
    return ExitCode.USAGE;
  }
  const alternatives = values['alternatives'] === undefined ? 5 : Number(values['alternatives']);
  if (!Number.isInteger(alternatives) || alternatives < 0 || alternatives > 50) {
    io.stderr.write(
      `hark explain: --alternatives must be a whole number from 0 to 50, not "${values['alternatives']}"\n`,
    );
    return ExitCode.USAGE;
  }
  const audio = readAudioFile(file, 'explain', { wavOnly: true });
  const out = CliReporter.forCommand(io, values);
  const dir = configDirOf(values);
  const config = new ConfigStore(dir ? { cwd: dir } : {}).resolve();
  const registry = new CommandRegistry();
  const modules = commandModulesOf(values['commands'] as string[] | undefined, config.commands);
  for (const m of modules) await loadCommandModule(registry, m);
  const asr = await TranscriptionService.create({
    ...transcriptionOptions(config.transcription),
    threads: 1,
  });
  let t: Transcript;
  try {
    await asr.setGrammar('commands', exportGrammar(registry, { filter: (c) => !c.def.options.fallback }));
    const stream = asr.openStream({
      boardId: 'explain',
      grammar: 'commands',
      codec: AudioCodec.PCM16,
      sampleRate: audio.sampleRate,
      alternatives,
      endOfSpeech: {
        silenceMs: config.silenceMs,
        minSpeechMs: config.minSpeechMs,
        maxMs: config.maxUtteranceMs,
      },
    });
    const block = Math.max(1, Math.round(audio.sampleRate / 50)); // 20 ms blocks, as a board sends them
    for (let o = 0, i = 0; o < audio.samples.length; o += block, i++) {
      const data = encodeAudioBlock(AudioCodec.PCM16, audio.samples.subarray(o, o + block)).slice();
      stream.port.postMessage({ kind: 'chunk', stream: 1, chunk: i, data, gap: 0 }, [data.buffer]);
    }
    stream.port.postMessage({ kind: 'end', stream: 1, reason: 0, droppedSamples: 0 });
    t = await stream.result;
  } finally {
    await asr.close();
  }
  const t0 = performance.now();
  const patterns = t.text ? explainMatch(registry, t.text) : [];
  const matchMs = performance.now() - t0;
  out.event(
    {
      event: 'transcript',
      file,
      text: t.text,
      confidence: t.confidence,
      verdict: t.verdict,
      ...(t.rejectReason ? { reason: t.rejectReason } : {}),
      alternatives: t.alternatives ?? [],
      ...(t.scores ? { scores: t.scores } : {}),
      ...(t.timing ? { timing: { ...t.timing, matchMs } } : {}),
      patterns,
    },
    explainLines(t, patterns, { matchMs }).join('\n'),
  );
  const runs = t.verdict === 'accepted' && patterns.some((p) => p.outcome === 'won');
  return runs ? ExitCode.OK : ExitCode.FAILURE;
}

/** What `run --explain` needs of a running host. */
export interface ExplainHost {
  readonly registry: CommandRegistry;
  on(event: 'event', listener: (e: ExplainableEvent) => void): unknown;
}
type ExplainableEvent = { event: string; boardId: string } & Record<string, unknown>;

/**
 * `hark run --explain`: each transcript explained once its first response (or the decision not to
 * answer) is known; `print` gets the lines and the explanation as data.
 */
export function explainLive(
  host: ExplainHost,
  print: (lines: string[], data: Record<string, unknown>) => void,
): void {
  const pending = new Map<
    string,
    { t: Transcript; at: number; patterns: PatternVerdict[]; matchMs: number }
  >();
  const flush = (boardId: string, firstResponseMs?: number) => {
    const p = pending.get(boardId);
    if (!p) return;
    pending.delete(boardId);
    const lines = [
      `${boardId}:`,
      ...explainLines(p.t, p.patterns, {
        matchMs: p.matchMs,
        ...(firstResponseMs !== undefined ? { firstResponseMs } : {}),
      }).map((l) => `  ${l}`),
    ];
    print(lines, {
      event: 'explain',
      boardId,
      text: p.t.text,
      confidence: p.t.confidence,
      verdict: p.t.verdict,
      patterns: p.patterns,
      ...(p.t.timing ? { timing: { ...p.t.timing, matchMs: p.matchMs } } : {}),
      ...(firstResponseMs !== undefined ? { firstResponseMs } : {}),
    });
  };
  host.on('event', (e) => {
    if (e.event === 'transcript') {
      flush(e.boardId); // a previous one that never got a response
      const t = {
        text: String(e['text'] ?? ''),
        confidence: Number(e['confidence'] ?? 1),
        verdict: (e['verdict'] as Transcript['verdict']) ?? 'accepted',
        ...(e['reason'] ? { rejectReason: e['reason'] as Transcript['rejectReason'] } : {}),
        alternatives: (e['alternatives'] as Transcript['alternatives']) ?? [],
        ...(e['timing'] ? { timing: e['timing'] as Transcript['timing'] } : {}),
        audioMs: Number(e['audioMs'] ?? 0),
        engine: (e['engine'] as Transcript['engine']) ?? 'pocketsphinx',
      } as Transcript;
      const t0 = performance.now();
      const patterns = t.text ? explainMatch(host.registry, t.text) : [];
      pending.set(e.boardId, { t, at: performance.now(), patterns, matchMs: performance.now() - t0 });
    } else if (e.event === 'response') {
      const p = pending.get(e.boardId);
      if (p) flush(e.boardId, performance.now() - p.at);
    } else if (e.event === 'session' && String(e['line'] ?? '').includes('-> idle')) {
      flush(e.boardId); // answered by nothing (muted, yielded to another board of the room)
    }
  });
}
