/**
 * Pronunciations for a grammar's words, read from the model's CMU-format dictionary (`word PH PH …`,
 * variants as `word(2)`). Decoders no longer load the whole 134,723-word dictionary (about 30 MB and
 * 80 ms each): they start from an empty one and get exactly the words of their grammars, with every
 * variant, through ps_add_word. The file is scanned once per compiled grammar, at start-up.
 */
import { readFileSync } from 'node:fs';
import { HarkError } from '../../../base/errors.js';

/** A dictionary entry as ps_add_word takes it: the word (`word(2)` for a variant) and its phones. */
export type LexiconEntry = [word: string, phones: string];

/** The entries of `words` in the dictionary at `dictPath` (every variant), and the words it lacks. */
export function readLexicon(
  dictPath: string,
  words: Iterable<string>,
): { entries: LexiconEntry[]; missing: string[] } {
  const wanted = new Set(words);
  let text: string;
  try {
    text = readFileSync(dictPath, 'utf8');
  } catch (e) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_POCKETSPHINX',
      `the pocketsphinx dictionary ${dictPath} could not be read (${(e as Error).message})`,
      { cause: e },
    );
  }
  const entries: LexiconEntry[] = [];
  const found = new Set<string>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) {
      const head = text.slice(start, space);
      const paren = head.indexOf('(');
      const base = paren > 0 ? head.slice(0, paren) : head;
      if (wanted.has(base)) {
        const phones = text
          .slice(space + 1, end)
          .trim()
          .replace(/\s+#.*$/, '');
        if (phones) {
          entries.push([head, phones]);
          found.add(base);
        }
      }
    }
    start = end + 1;
  }
  return { entries, missing: [...wanted].filter((w) => !found.has(w)).sort() };
}
