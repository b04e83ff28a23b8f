/**
 * Worker side of setGrammar() (which has already validated the spec on the main thread): looks the
 * grammar's words up in the model's dictionary (the pocketsphinx decoders load exactly these entries),
 * prunes the words the model lacks, renders the engine's form (JSGF or vosk phrase list) and
 * test-compiles it once, so a bad grammar fails at start-up.
 */
import { HarkError } from '../../base/errors.js';
import type { Engine } from './engines/engine.js';
import {
  countPhrases,
  grammarHash,
  pruneSpec,
  specHasAny,
  specWords,
  toCoverPhrases,
  toJsgf,
  toPhrases,
} from './grammar-compile.js';
import type { CompiledGrammar, GrammarReport } from './types.js';
import type { CompileTask } from './worker-protocol.js';

export function compileGrammar(
  engine: Engine,
  task: CompileTask,
  defaultKwsThreshold: number,
): { grammar: CompiledGrammar; report: GrammarReport } {
  const anyWords = task.anyWords ?? [];
  const { entries, missing } = engine.lexicon([...new Set([...specWords(task.spec), ...anyWords])]);
  const spec = pruneSpec(task.spec, new Set(missing));
  if (spec.root.length === 0) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_GRAMMAR',
      `grammar '${task.name}': no phrase is left once the words the ${engine.name} model lacks are removed (${missing.join(', ')})`,
    );
  }
  const lexicon = engine.name === 'pocketsphinx' ? entries : undefined;
  let grammar: CompiledGrammar;
  if (task.keyphrase) {
    if (engine.name !== 'pocketsphinx') {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_GRAMMAR',
        `grammar '${task.name}': keyphrase search needs the pocketsphinx engine`,
      );
    }
    const phrases = toPhrases(spec, 10) ?? [];
    if (phrases.length !== 1 || phrases[0]!.includes('[unk]')) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_GRAMMAR',
        `grammar '${task.name}': a keyphrase grammar must be exactly one phrase of literal words`,
      );
    }
    const threshold = task.keyphrase.threshold ?? defaultKwsThreshold;
    const verifyThreshold = task.keyphrase.verifyThreshold;
    let verify: { grammar: CompiledGrammar; threshold: number } | undefined;
    if (verifyThreshold !== undefined) {
      const jsgf = toJsgf(spec);
      verify = {
        threshold: verifyThreshold,
        grammar: {
          kind: 'grammar',
          name: `${task.name} (verification)`,
          hash: grammarHash(`r:${jsgf}`),
          jsgf,
          freeFormFallback: false,
          rejection: true,
          ...(lexicon ? { lexicon } : {}),
        },
      };
    }
    grammar = {
      kind: 'keyphrase',
      name: task.name,
      phrase: phrases[0]!,
      threshold,
      hash: grammarHash(`kws:${threshold}:${verifyThreshold ?? '-'}:${phrases[0]}`),
      ...(lexicon ? { lexicon } : {}),
      ...(verify ? { verify } : {}),
    };
  } else if (engine.name === 'pocketsphinx') {
    const jsgf = toJsgf(spec, task.anyWords);
    grammar = {
      kind: 'grammar',
      name: task.name,
      hash: grammarHash(`${task.rejection ? 'r' : 'n'}:${jsgf}`),
      jsgf,
      freeFormFallback: task.freeFormFallback,
      rejection: task.rejection,
      ...(lexicon ? { lexicon } : {}),
    };
  } else {
    // With free-form slots vosk does better with its full language model than with "[unk]" holes.
    const phrases = specHasAny(spec) ? undefined : (toPhrases(spec, 5000) ?? toCoverPhrases(spec));
    const voskGrammar = phrases ? JSON.stringify([...phrases, '[unk]']) : undefined;
    grammar = {
      kind: 'grammar',
      name: task.name,
      hash: grammarHash(`${task.rejection ? 'r' : 'n'}:${voskGrammar ?? 'free-form'}`),
      ...(voskGrammar ? { voskGrammar } : {}),
      freeFormFallback: task.freeFormFallback,
      rejection: task.rejection,
    };
  }
  const rec = engine.acquire();
  try {
    if (grammar.kind === 'keyphrase' && grammar.verify) {
      rec.start(grammar.verify.grammar);
      rec.finish();
    }
    rec.start(grammar);
    rec.finish();
  } finally {
    rec.release();
  }
  engine.prepare?.(grammar);
  const rules = spec.root.map((rule) => ({ rule, phrases: countPhrases(spec, rule) }));
  return {
    grammar,
    report: {
      name: task.name,
      missingWords: missing,
      size: rules.reduce((s, r) => s + r.phrases, 0),
      words: lexicon ? lexicon.length : specWords(spec).length,
      rules,
    },
  };
}
