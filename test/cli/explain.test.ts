/**
 * `hark explain`: the decision for one WAV, with deterministic audio (behaviour, not accuracy) — a
 * file of room noise is rejected as no speech and exits 1 with every stage's time; the pattern
 * explanation names the winner, what it beat and why, and what could not match; bad input exits with
 * the documented code and names the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../../base/audio/wav.js';
import { explainMatch } from '../../host/cli/explain.js';
import { command } from '../../host/commands/command.js';
import { CommandRegistry } from '../../host/commands/registry.js';
import { runSync } from '../helpers/child.js';

const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hark-explain-'));
const env = { ...process.env, HARK_CONFIG_DIR: join(dir, 'no-config') };
after(() => rmSync(dir, { recursive: true, force: true }));

test('explain: noise is rejected as no speech (exit 1) with its stage times; --json carries the decision', () => {
  const samples = new Int16Array(16000 * 2);
  let seed = 7;
  for (let i = 0; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    samples[i] = ((seed % 200) - 100) | 0; // a quiet microphone floor, no speech
  }
  const wav = join(dir, 'floor.wav');
  writeFileSync(wav, encodeWav({ sampleRate: 16000, samples }));
  const human = runSync(process.execPath, [MAIN, 'explain', wav], { env });
  assert.equal(human.status, 1, human.stderr);
  assert.match(human.stdout, /verdict: {5}rejected \((no-speech|too-short)\), confidence 0\.00/);
  assert.match(human.stdout, /none tried: nothing was recognised/);
  assert.match(human.stdout, /decoding [\d.]+ ms, final [\d.]+ ms \(rejection [\d.]+ ms of it\)/);
  const json = runSync(process.execPath, [MAIN, 'explain', wav, '--json', '--alternatives', '0'], { env });
  assert.equal(json.status, 1, json.stderr);
  const e = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  assert.equal(e['event'], 'transcript');
  assert.equal(e['verdict'], 'rejected');
  assert.equal(e['text'], '');
  assert.deepEqual(e['alternatives'], []);
  assert.equal(typeof (e['timing'] as { decodeMs?: number }).decodeMs, 'number');
});

test('explain: a missing file, a folder, a non-WAV and bad flags exit with the documented codes', () => {
  const missing = runSync(process.execPath, [MAIN, 'explain', join(dir, 'nope.wav')], { env });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.wav: no such file \[HARK_ERR_CLI_FILE\]/);
  const folder = runSync(process.execPath, [MAIN, 'explain', dir], { env });
  assert.equal(folder.status, 2);
  assert.match(folder.stderr, /is a folder/);
  const text = join(dir, 'text.wav');
  writeFileSync(text, 'RIFF\x10\x00\x00\x00WAVEfmt ');
  const truncated = runSync(process.execPath, [MAIN, 'explain', text], { env });
  assert.notEqual(truncated.status, 0);
  assert.match(truncated.stderr, /text\.wav.*(truncated|fmt|no data chunk)/);
  assert.doesNotMatch(truncated.stderr, /at .*\.js:\d+/, 'a message, not a stack trace');
  // Not a WAV at all (a text file named .wav): refused, never decoded as raw PCM.
  const notes = join(dir, 'notes.wav');
  writeFileSync(notes, 'turn the light on\n'.repeat(200));
  const raw = runSync(process.execPath, [MAIN, 'explain', notes], { env });
  assert.notEqual(raw.status, 0);
  assert.match(raw.stderr, /notes\.wav: not a WAV file \(no RIFF header\).*\[HARK_ERR_AUDIO_WAV\]/);
  assert.doesNotMatch(raw.stdout, /heard:/, 'nothing was decoded');
  const none = runSync(process.execPath, [MAIN, 'explain'], { env });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /name one WAV file/);
  const alt = runSync(process.execPath, [MAIN, 'explain', text, '--alternatives', 'many'], { env });
  assert.equal(alt.status, 2);
  assert.match(alt.stderr, /--alternatives must be a whole number/);
});

test('explainMatch: the winner, what it beat and why, and the patterns that could not match', () => {
  const r = new CommandRegistry();
  const h = () => ({});
  r.add(command('turn (the)? light $state:OnOff', h, { name: 'light' }));
  r.add(command('turn ** on', h, { name: 'anything on' }));
  r.add(command('set a timer for $d:Duration', h, { name: 'timer' }));
  r.add(command('yes', h, { name: 'confirm', followUpOnly: true }));
  r.add(command('$text:String', h, { name: 'chat', fallback: true }));
  const v = explainMatch(r, 'turn the light on');
  assert.equal(v[0]?.command, 'light');
  assert.equal(v[0]?.outcome, 'won');
  assert.deepEqual(v[0]?.params, { state: true });
  const lost = v.find((x) => x.command === 'anything on');
  assert.equal(lost?.outcome, 'lost');
  assert.match(lost!.why, /fewer literal words than "light"/);
  const timer = v.find((x) => x.command === 'timer');
  assert.equal(timer?.outcome, 'not heard');
  assert.match(timer!.why, /needs "set", "a", "timer", "for"/);
  assert.equal(v.find((x) => x.command === 'chat')?.outcome, 'fallback');
  assert.equal(explainMatch(r, 'yes').find((x) => x.command === 'confirm')?.outcome, 'follow-up only');
  assert.ok(
    explainMatch(r, 'make it so').every((x) => x.outcome !== 'won'),
    'nothing wins for words no pattern takes',
  );
});
