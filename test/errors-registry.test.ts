/**
 * base/ERRORS.md is generated from base/errors.ts (`npm run errors:doc`): this test regenerates it and
 * fails on any difference, and checks the ledger — a code the page lists may leave the registry only by
 * moving to RETIRED, and a retired code is never registered again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS, ExitCode, RETIRED } from '../base/errors.js';
import { documentedCodes, ERRORS_DOC_URL, ledgerProblems, renderErrorsDoc } from '../base/errors-doc.js';
import { PROTOCOL_ERROR_CODES } from '../protocol/ts/errors.js';

const doc = readFileSync(ERRORS_DOC_URL, 'utf8');

test('base/ERRORS.md is exactly what the registry generates (run `npm run errors:doc` after a change)', () => {
  assert.equal(doc, renderErrorsDoc(), 'base/ERRORS.md is stale: run `npm run errors:doc` and commit it');
});

test('every code in use and every retired code is on the page; the ledger is consistent', () => {
  const listed = new Set(documentedCodes(doc));
  for (const code of [...Object.keys(ERRORS), ...Object.keys(RETIRED)]) assert.ok(listed.has(code), code);
  assert.deepEqual(ledgerProblems(doc), []);
});

test('the ledger catches a removed code, a reused retired code and a stale page', () => {
  const exit = ExitCode.FAILURE;
  const before = renderErrorsDoc({ HARK_ERR_X_ONE: { description: 'one', exitCode: exit } }, {});
  assert.match(before, /\| HARK_ERR_X_ONE \| 1 \| one \|/);
  assert.match(ledgerProblems(before, {}, {})[0] ?? '', /HARK_ERR_X_ONE was removed.*RETIRED/);
  assert.deepEqual(ledgerProblems(before, {}, { HARK_ERR_X_ONE: { since: '0.2.0', reason: 'gone' } }), []);
  assert.match(
    ledgerProblems(
      before,
      { HARK_ERR_X_ONE: { description: 'one', exitCode: exit } },
      { HARK_ERR_X_ONE: { since: '0.2.0', reason: 'gone' } },
    )[0] ?? '',
    /retired .* in use again/,
  );
  const retiredPage = renderErrorsDoc({}, { HARK_ERR_X_ONE: { since: '0.2.0', reason: 'gone' } });
  assert.match(retiredPage, /## Retired codes[\s\S]*\| HARK_ERR_X_ONE \| 0\.2\.0 \| gone \|/);
  assert.notEqual(retiredPage, before, 'a change in the registry changes the page');
});

test('every code names its area and maps to a documented exit code', () => {
  const exits = new Set<number>(Object.values(ExitCode));
  for (const [code, def] of Object.entries(ERRORS)) {
    assert.match(code, /^HARK_ERR_[A-Z0-9]+_[A-Z0-9_]+$/, code);
    assert.ok(exits.has(def.exitCode), `${code}: exit code ${def.exitCode} is not an ExitCode`);
    assert.ok(def.description.length > 10, `${code} needs a description`);
  }
});

test('protocol/ (a leaf that cannot import the registry) throws only registered codes', () => {
  for (const code of PROTOCOL_ERROR_CODES) assert.ok(code in ERRORS, `${code} is not in base/errors.ts`);
});
