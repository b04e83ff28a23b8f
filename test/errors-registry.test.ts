import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from '../base/errors.js';

const doc = readFileSync(new URL('../../base/ERRORS.md', import.meta.url), 'utf8');

test('every registered error code is documented in base/ERRORS.md with its exit code', () => {
  for (const [code, def] of Object.entries(ERRORS)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| ${code} |`));
    assert.ok(row, `${code} is missing from base/ERRORS.md`);
    assert.match(row, new RegExp(`\\| ${def.exitCode} \\|`), `${code} exit code differs in base/ERRORS.md`);
  }
});

test('base/ERRORS.md documents no code that the registry lacks', () => {
  const documented = [...doc.matchAll(/^\| (HARK_ERR_[A-Z0-9_]+) \|/gm)].map((m) => m[1]);
  for (const code of documented) assert.ok(code! in ERRORS, `${code} is documented but not registered`);
});
