/** SPEC.md's clause numbering: unique, in order, each under the section its number names. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareClauseIds, specClauses } from './spec-clauses.js';

const SPEC = readFileSync(new URL('../../../protocol/SPEC.md', import.meta.url), 'utf8');

test('SPEC clauses are unique, in ascending order and inside the section their number names', () => {
  const clauses = specClauses(SPEC);
  assert.ok(clauses.length >= 60, `${clauses.length} clauses`);
  const ids = clauses.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'no clause number twice');
  for (let i = 1; i < ids.length; i++) {
    assert.ok(compareClauseIds(ids[i - 1]!, ids[i]!) < 0, `${ids[i - 1]} then ${ids[i]}`);
  }
  let section = '';
  for (const line of SPEC.split('\n')) {
    const h = /^###? (\d+(?:\.\d+)?)[. ]/.exec(line);
    if (h) section = h[1]!;
    const c = /^(?:- )?\*\*(\d+\.\d+)\.\d+\*\*/.exec(line.trim());
    if (c) assert.equal(c[1], section, `clause ${line.trim().slice(0, 20)} sits under section ${section}`);
  }
});

test('the clause parser reads a clause and its continuation lines, and nothing else', () => {
  const c = specClauses('# x\n- **1.2.3** A board\n  sends HELLO.\n\nplain\n**4.5.6** Host.\n');
  assert.deepEqual(c, [
    { id: '1.2.3', text: 'A board sends HELLO.' },
    { id: '4.5.6', text: 'Host.' },
  ]);
  assert.deepEqual(specClauses('**1.2** not a clause\n- 1.2.3 not bold'), []);
});

test('SPEC 1.1 states every decision of the 1.1 design', () => {
  const text = specClauses(SPEC)
    .map((c) => c.text)
    .join('\n');
  for (const must of [
    /host_session/,
    /PING with token 0/,
    /rx_window_bytes/,
    /whole samples/,
    /no more SPEAKER_DATA/,
    /Mute is DOUBLE/,
    /LONG is\s+never a mute/,
    /modulo 65536/,
    /computes the limit in 32 bits/,
    /sends one 0x00 as soon as it has opened the port/,
  ]) {
    assert.match(text, must);
  }
});
