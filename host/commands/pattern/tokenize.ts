/**
 * Turns an utterance into the lowercase word tokens patterns match against: case-insensitive,
 * tolerant of spacing, hyphens ("twenty-five") and punctuation; keeps apostrophes and decimal points.
 */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/(\d)\.(\d)/g, '$1\u0000$2') // keep "2.5" whole
    .replace(/[^a-z0-9'\u0000]+/g, ' ')
    .replaceAll('\u0000', '.')
    .split(' ')
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}
