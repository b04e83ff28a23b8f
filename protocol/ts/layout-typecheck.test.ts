/**
 * LAYOUTS is checked against the message interfaces at compile time (message-layout.ts). These lines
 * are the negative cases: each `@ts-expect-error` must see an error, or `npm run build` fails with
 * "Unused '@ts-expect-error' directive" — so a layout check that stopped working breaks the build.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EVERY_MESSAGE_FIELD_HAS_A_LAYOUT,
  type FieldOf,
  LAYOUTS,
  type UncoveredFields,
} from './message-layout.js';
import type { Hello, Ping, Tone } from './messages.js';

/** The check message-layout.ts applies to every message, as a boolean. */
type Covers<M, L extends readonly { name: string }[]> = [UncoveredFields<M, L>] extends [never]
  ? true
  : false;

test('layout fields are type-checked against the message interfaces', () => {
  // @ts-expect-error a field name that is not a HELLO property
  const misspelt: readonly FieldOf<Hello>[] = [{ name: 'boardModle', kind: 'str8' }];
  // @ts-expect-error boardModel is a string: a u8 field cannot describe it
  const mistyped: readonly FieldOf<Hello>[] = [{ name: 'boardModel', kind: 'u8' }];
  // @ts-expect-error steps is a list of tone steps, not bytes
  const wrongList: readonly FieldOf<Tone>[] = [{ name: 'steps', kind: 'bytes' }];
  const ok: readonly FieldOf<Ping>[] = [{ name: 'token', kind: 'u32' }];
  const complete: Covers<Ping, typeof ok> = true;
  const empty = [] as const;
  // @ts-expect-error a layout without PING.token does not cover the interface
  const incomplete: Covers<Ping, typeof empty> = true;
  assert.equal(EVERY_MESSAGE_FIELD_HAS_A_LAYOUT, true);
  assert.ok(misspelt && mistyped && wrongList && complete && incomplete);
  assert.equal(LAYOUTS.PING[0]!.name, 'token');
});
