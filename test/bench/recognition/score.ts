/**
 * Scoring of decoded corpora: what would have happened on a board. An in-grammar utterance is exact
 * when it is accepted and the registry makes of its text the expected command and parameters; an
 * out-of-grammar utterance is a false accept when it is accepted and its text runs any command.
 * The trade-off curve re-judges the same results at other thresholds (the confidence does not
 * depend on the threshold), so one decode pass gives the whole curve.
 */
import type { CommandRegistry } from '../../../host/commands/registry.js';
import type { Decoded } from '../../fixtures/transcription/corpus/decode.js';
import { isNonUs } from '../../fixtures/transcription/corpus/voices.js';

export interface Scored {
  d: Decoded;
  /** The registry's match of the recognised text (undefined: no command). */
  command: string | undefined;
  params: Record<string, unknown> | undefined;
  /** Right command and parameters (in-grammar only), regardless of the verdict. */
  right: boolean;
}

export function scoreAll(registry: CommandRegistry, decoded: readonly Decoded[]): Scored[] {
  const followUps = registry.commands.filter((c) => c.def.options.followUpOnly);
  return decoded.map((d) => {
    const t = d.transcript.text;
    const m = t ? (d.clip.expected?.followUp ? registry.match(t, followUps) : registry.match(t)) : undefined;
    const e = d.clip.expected;
    const right =
      !!e && !!m && m.command.name === e.command && JSON.stringify(m.params) === JSON.stringify(e.params);
    return { d, command: m?.command.name, params: m ? { ...m.params } : undefined, right };
  });
}

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((1000 * n) / of) / 10);

export interface Figures {
  in_grammar_exact_pct: number;
  in_grammar_reject_pct: number;
  accent_exact_pct: number;
  oog_false_accept_pct: number;
}

/** The accuracy keys when results with confidence below `threshold` are rejected (undefined: the verdicts as decoded). */
export function figures(scored: readonly Scored[], threshold?: number): Figures {
  const accepted = (s: Scored) =>
    threshold === undefined
      ? s.d.transcript.verdict === 'accepted'
      : s.d.transcript.text !== '' &&
        s.d.transcript.confidence >= threshold &&
        s.d.transcript.rejectReason !== 'no-speech' &&
        s.d.transcript.rejectReason !== 'too-short';
  const ins = scored.filter((s) => s.d.clip.kind === 'in-grammar');
  const accent = ins.filter((s) => isNonUs(s.d.clip.condition.voice));
  const oog = scored.filter((s) => s.d.clip.kind === 'out-of-grammar');
  return {
    in_grammar_exact_pct: pct(ins.filter((s) => s.right && accepted(s)).length, ins.length),
    in_grammar_reject_pct: pct(ins.filter((s) => !accepted(s)).length, ins.length),
    accent_exact_pct: pct(accent.filter((s) => s.right && accepted(s)).length, accent.length),
    oog_false_accept_pct: pct(oog.filter((s) => accepted(s) && s.command !== undefined).length, oog.length),
  };
}

/** The accept/reject trade-off: the keys at each threshold. */
export function tradeOff(
  scored: readonly Scored[],
  thresholds: readonly number[],
): ({ threshold: number } & Figures)[] {
  return thresholds.map((threshold) => ({ threshold, ...figures(scored, threshold) }));
}

/** Lines describing what went wrong (for --verbose runs and tuning). */
export function misses(scored: readonly Scored[]): string[] {
  const out: string[] = [];
  for (const s of scored) {
    const t = s.d.transcript;
    const v = `${t.verdict}${t.rejectReason ? `:${t.rejectReason}` : ''} c=${t.confidence.toFixed(2)}`;
    if (s.d.clip.kind === 'in-grammar' && !(s.right && t.verdict === 'accepted'))
      out.push(`IN  ${s.d.clip.id}: "${s.d.clip.text}" → "${t.text}" ${v}`);
    if (s.d.clip.kind === 'out-of-grammar' && t.verdict === 'accepted' && s.command)
      out.push(`OOG ${s.d.clip.id}: "${s.d.clip.text}" → "${t.text}" (${s.command}) ${v}`);
  }
  return out;
}
