/**
 * The configuration reference, rendered from the schema: the key table in host/cli/README.md (between
 * its `config-keys` markers) is this output, and a test fails when the two differ (`npm run docs`
 * rewrites it).
 */
import { envNameOf, expectation, leafKeys, OTHER_ENV, schemaAt } from './schema.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The markdown table of every key: key, default, allowed values, variable, meaning. */
export function renderKeyTable(): string {
  const rows = leafKeys().map((key) => {
    const node = schemaAt(key)!;
    const def = JSON.stringify(node['default']);
    return `| \`${key}\` | \`${cell(def)}\` | ${cell(expectation(node))} | \`${envNameOf(key)}\` | ${cell(node.description ?? '')} |`;
  });
  const others = Object.entries(OTHER_ENV).map(([name, what]) => `| \`${name}\` | ${cell(what)} |`);
  return [
    '| key | default | value | variable | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Other variables hark reads (any other `HARK_*` variable is reported as unknown, with the nearest name):',
    '',
    '| variable | meaning |',
    '|---|---|',
    ...others,
  ].join('\n');
}

export const KEY_TABLE_START =
  '<!-- config-keys:start (generated from host/config/schema.ts by `npm run docs`) -->';
export const KEY_TABLE_END = '<!-- config-keys:end -->';

/** `markdown` with the text between the markers replaced by the current table. */
export function withKeyTable(markdown: string): string {
  const start = markdown.indexOf(KEY_TABLE_START);
  const end = markdown.indexOf(KEY_TABLE_END);
  if (start < 0 || end < start) throw new Error('the config-keys markers are missing');
  return `${markdown.slice(0, start + KEY_TABLE_START.length)}\n${renderKeyTable()}\n${markdown.slice(end)}`;
}
