/** The leading-delimiter rule's reader (SPEC §1.3.1), on hand-made byte streams. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import { getProfile, helloForProfile } from '../profiles/profile-loader.js';
import { leadingDelimiterBefore } from './checks-link.js';

const hello = [...new MessageEncoder().encode(helloForProfile(getProfile('emulated'), '1', 'u'))];
const pong = [
  ...new MessageEncoder({ firstSeq: 7 }).encode({
    type: 'PONG',
    token: 1,
    uptimeMs: 2,
    rxFramesBad: 0,
    audioOverflows: 0,
  }),
];

test('a HELLO seq 0 after a flushing 0x00 or boot text has its leading delimiter; one straight after a frame has not', () => {
  assert.equal(leadingDelimiterBefore([0, 0, ...hello]), true, 'previous delimiter, flush, HELLO');
  assert.equal(leadingDelimiterBefore([0, ...pong, 0, ...hello]), true, 'a PONG, a flush, HELLO');
  assert.equal(
    leadingDelimiterBefore([0, ...Buffer.from('boot\r\n'), 0, ...hello]),
    true,
    'boot text, HELLO',
  );
  assert.equal(leadingDelimiterBefore([0, ...hello]), false, 'HELLO right after the last frame');
  assert.equal(leadingDelimiterBefore([0, ...pong, ...hello]), false, 'a PONG then HELLO, no flush');
  assert.equal(leadingDelimiterBefore([0, ...pong]), false, 'no HELLO at all');
});
