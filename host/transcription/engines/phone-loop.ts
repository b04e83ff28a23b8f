/**
 * The reference of rejection: an unconstrained loop over the model's phones, decoded beside the
 * grammar on the same audio. Its best path is the best acoustic score any phone sequence gets, so
 * (grammar path's acoustic score − this one) / frames is a per-frame log-likelihood ratio: near zero
 * when the speech is one of the grammar's phrases, far below zero when it is something else.
 * Each phone is a one-phone "word" (`_g_aa` …, names the command tokenizer can never produce).
 */
import type { SearchSpec } from './pocketsphinx-decoder.js';
import type { LexiconEntry } from './pocketsphinx-lexicon.js';

/** The en-us model's phones (SIL left out: silence is the fillers' job). */
export const PHONES = [
  'AA',
  'AE',
  'AH',
  'AO',
  'AW',
  'AY',
  'B',
  'CH',
  'D',
  'DH',
  'EH',
  'ER',
  'EY',
  'F',
  'G',
  'HH',
  'IH',
  'IY',
  'JH',
  'K',
  'L',
  'M',
  'N',
  'NG',
  'OW',
  'OY',
  'P',
  'R',
  'S',
  'SH',
  'T',
  'TH',
  'UH',
  'UW',
  'V',
  'W',
  'Y',
  'Z',
  'ZH',
] as const;

const word = (phone: string) => `_g_${phone.toLowerCase()}`;

export const PHONE_LOOP_SEARCH: SearchSpec = {
  kind: 'jsgf',
  hash: 'phone-loop',
  name: 'phone loop',
  jsgf: `#JSGF V1.0;\ngrammar hark_phone_loop;\npublic <loop> = (${PHONES.map(word).join(' | ')})+;\n`,
  lexicon: PHONES.map((p): LexiconEntry => [word(p), p]),
};

/**
 * The reference decoder's beams: narrower than the grammar decoder's (an estimate of the best score
 * needs no exact search), which keeps its cost near the grammar decoder's own.
 */
export const REFERENCE_DECODER_ARGS: Readonly<Record<string, string>> = {
  '-beam': '1e-30',
  '-pbeam': '1e-30',
  '-wbeam': '1e-20',
};
