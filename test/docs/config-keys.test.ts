/**
 * One schema, no drift: the key table in host/cli/README.md is the schema's rendering, and every
 * configuration key, `HARK_*` variable or `hark config` command named in a doc or a message exists.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withKeyTable } from '../../host/config/docs.js';
import { envNameOf, leafKeys, OTHER_ENV, schemaAt } from '../../host/config/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function files(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    if (statSync(join(ROOT, rel)).isDirectory()) files(rel, keep, out);
    else if (keep(name)) out.push(rel);
  }
  return out;
}

/** Docs and production sources that talk about configuration (firmware/ and protocol/ use HARK_ for C names). */
function scanned(): string[] {
  const md = (n: string) => n.endsWith('.md');
  const src = (n: string) => /\.(ts|mjs|js)$/.test(n) && !n.endsWith('.test.ts') && !n.endsWith('.d.ts');
  return [
    'README.md',
    'ARCHITECTURE.md',
    ...['CHANGELOG.md'].filter((f) => {
      try {
        return statSync(join(ROOT, f)).isFile();
      } catch {
        return false;
      }
    }),
    ...files('deploy', () => true),
    ...files('host', (n) => md(n) || src(n)),
    ...files('boards', (n) => md(n)),
    ...files('examples', (n) => md(n) || src(n) || n === 'package.json'),
    ...files('base', md),
    'test/bench/README.md',
  ];
}

const KEY_ENVS = new Set(leafKeys().map(envNameOf));

/** Every reference to a configuration key or variable in `text` that does not exist. */
export function badReferences(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/hark config (?:set|get|unset) ([A-Za-z][\w.]*)/g)) {
    const key = m[1]!;
    if (!leafKeys().includes(key)) bad.push(`hark config … ${key}`);
  }
  for (const m of text.matchAll(/\bHARK_(?!ERR_)[A-Z0-9][A-Z0-9_]*\b/g)) {
    const name = m[0];
    // HARK_VOLUMNE is host/cli/README.md's own example of a mistyped variable.
    if (!KEY_ENVS.has(name) && !Object.hasOwn(OTHER_ENV, name) && name !== 'HARK_VOLUMNE') bad.push(name);
  }
  for (const m of text.matchAll(/\b(?:transcription|leds)(?:\.[a-zA-Z]+)+/g)) {
    if (/\.(js|ts|mjs)$/.test(m[0])) continue; // a module specifier, not a key
    if (!schemaAt(m[0])) bad.push(m[0]);
  }
  return bad;
}

test('the key table in host/cli/README.md is generated from the schema (npm run docs)', () => {
  const readme = readFileSync(join(ROOT, 'host/cli/README.md'), 'utf8');
  assert.equal(readme, withKeyTable(readme), 'host/cli/README.md key table is stale: run `npm run docs`');
});

test('every key, HARK_* variable and `hark config` command in docs and messages exists', () => {
  const list = scanned();
  assert.ok(list.length > 20, `scanned only ${list.length} files`);
  const problems = list.flatMap((f) =>
    badReferences(readFileSync(join(ROOT, f), 'utf8')).map((b) => `${relative(ROOT, join(ROOT, f))}: ${b}`),
  );
  assert.deepEqual(
    [...new Set(problems)],
    [],
    `names that are not configuration keys:\n${problems.join('\n')}`,
  );
});

test('the reference checker catches a wrong key, variable and config command', () => {
  assert.deepEqual(badReferences('hark config set transcription.vosk.modle /m'), [
    'hark config … transcription.vosk.modle',
    'transcription.vosk.modle',
  ]);
  assert.deepEqual(badReferences('export HARK_VOLUMEN=3'), ['HARK_VOLUMEN']);
  assert.deepEqual(badReferences('hark config set voskModel /m'), ['hark config … voskModel']);
  assert.deepEqual(
    badReferences('hark config set transcription.vosk.model /m; HARK_VOLUME=3; leds.idle.color; HARK_ERR_X'),
    [],
  );
});
