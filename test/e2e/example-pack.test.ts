/** The example pack's pins come from each board's profile and never collide with its button. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { getProfile, helloForProfile, loadProfiles } from '../../boards/profiles/profile-loader.js';
import { lightPin } from '../../examples/typescript-starter/src/lights.js';
import { HarkIO } from '../../host/gpio/hark-io.js';
import type { Hello } from '../../protocol/ts/messages.js';

/** A plugin that has read `hello` (no link: nothing is written). */
async function readyPlugin(hello: Hello): Promise<HarkIO> {
  const transport = Object.assign(new EventEmitter(), { send: async () => {} });
  const plugin = new HarkIO({ boardId: 'b', transport: transport as never, hello });
  await new Promise<void>((r) => plugin.once('ready', () => r()));
  return plugin;
}

test('the light pin is an output spare pin of every profile, never a button, LED, mic or speaker pin', async () => {
  for (const p of loadProfiles().values()) {
    const plugin = await readyPlugin(helloForProfile(p, 'test', 'uid'));
    const pin = lightPin(plugin);
    const spare = p.gpio.find((g) => g.pin === pin);
    assert.ok(spare?.caps.includes('output'), `${p.id}: light pin ${pin} is a spare output`);
    assert.ok(!p.buttons.some((b) => b.pin === pin), `${p.id}: light pin ${pin} is not a button`);
    plugin.close();
  }
  const uno = await readyPlugin(helloForProfile(getProfile('arduino-uno-electret'), 'test', 'uid'));
  assert.equal(lightPin(uno), 3, "the Uno's first spare output (its talk button is pin 2)");
  uno.close();
});

test('a board without an output pin gets no light pin', async () => {
  const p = getProfile('emulated');
  const hello = helloForProfile({ ...p, gpio: [{ pin: 34, caps: ['input', 'analog'] }] }, 'test', 'uid');
  const plugin = await readyPlugin(hello);
  assert.equal(lightPin(plugin), undefined);
  plugin.close();
});
