/** Handler parameters are typed from the pattern (checked by the compiler when this file builds). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { command, type ParamsOf } from './command.js';
import { CommandRegistry } from './registry.js';
import type { Rgb } from './types/color.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_: T) => {};

test('ParamsOf derives names, value types and optionality from the pattern', () => {
  assertType<Equal<keyof ParamsOf<'what time is it'>, never>>(true);
  assertType<Equal<ParamsOf<'set a timer for $duration:Duration'>, { duration: number }>>(true);
  assertType<
    Equal<
      ParamsOf<'turn (the)? lights $on:OnOff (in $room:Word?)? $c:Color? at $n:Number(1..100)? percent'>,
      { on: boolean; room?: string; c?: Rgb; n?: number }
    >
  >(true);
  assertType<Equal<ParamsOf<'say $text:String, then $x:Mystery'>, { text: string; x: unknown }>>(true);
  assertType<Equal<ParamsOf<'costs $5 exactly $n:Number'>, { n: number }>>(true);
});

test('a handler reading a parameter the pattern lacks fails to compile and fails the health check', () => {
  // @ts-expect-error "y" is not a parameter of this pattern
  const bad = command('hello $x:Word', ({ y }) => ({ text: String(y) }));
  assert.throws(() => new CommandRegistry().add(bad), /reads parameter "y"/);
  const good = command('hello $x:Word', ({ x }) => ({ text: x.toUpperCase() }));
  assert.equal(new CommandRegistry().add(good).match('hello there')?.params.x, 'there');
});
