/**
 * The vosk engine: libvosk (from the `vosk` npm package) bound with koffi inside ASR workers. No vosk
 * model can be downloaded in CI, so the real-recognition test runs only when VOSK_MODEL points at one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { feedAll, speak } from '../../test/fixtures/transcription/feed.js';
import { HOME_COMMANDS } from '../../test/fixtures/transcription/home-commands.js';
import { bundledVoskLibrary } from './engines/vosk.js';
import { TranscriptionService } from './service.js';

const dir = mkdtempSync(join(tmpdir(), 'hark-vosk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the vosk npm package provides libvosk.so for this platform', (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return t.skip(`no bundled libvosk for ${process.platform}-${process.arch}`);
  assert.match(bundledVoskLibrary() ?? '', /linux-x86_64\/libvosk\.so$/);
});

test('a missing or empty model folder fails create() with a message naming the path and how to get a model', async () => {
  const missing = join(dir, 'no-such-model');
  await assert.rejects(
    TranscriptionService.create({ engine: 'vosk', voskModel: missing, threads: 1 }),
    (e) =>
      isHarkError(e, 'HARK_ERR_TRANSCRIPTION_VOSK_MODEL') &&
      e.message.includes(missing) &&
      /does not exist/.test(e.message) &&
      /alphacephei\.com\/vosk\/models/.test(e.message),
  );
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  await assert.rejects(
    TranscriptionService.create({ engine: 'auto', voskModel: empty, threads: 1 }),
    (e) =>
      isHarkError(e, 'HARK_ERR_TRANSCRIPTION_VOSK_MODEL') &&
      e.message.includes(empty) &&
      /is empty/.test(e.message),
  );
  await assert.rejects(
    TranscriptionService.create({
      engine: 'vosk',
      voskModel: empty,
      voskLibrary: join(dir, 'libvosk.so'),
      threads: 1,
    }),
    (e) =>
      isHarkError(e, 'HARK_ERR_TRANSCRIPTION_VOSK_LIBRARY') && e.message.includes(join(dir, 'libvosk.so')),
  );
});

test('libvosk loads inside a worker thread and a damaged model comes back as a clear error, not a crash', async (t) => {
  if (!bundledVoskLibrary()) return t.skip(`no bundled libvosk for ${process.platform}-${process.arch}`);
  const damaged = join(dir, 'damaged');
  mkdirSync(join(damaged, 'am'), { recursive: true });
  writeFileSync(join(damaged, 'am', 'final.mdl'), 'not a kaldi model');
  // This message is produced in the worker after koffi loaded libvosk and vosk_model_new returned NULL.
  await assert.rejects(
    TranscriptionService.create({ engine: 'vosk', voskModel: damaged, threads: 2 }),
    (e) =>
      isHarkError(e, 'HARK_ERR_TRANSCRIPTION_VOSK_MODEL') &&
      /libvosk could not load the model/.test(e.message) &&
      e.message.includes(damaged),
  );
});

test('real vosk model: grammar from commands, words with times and confidences', async (t) => {
  const model = process.env.VOSK_MODEL;
  if (!model)
    return t.skip(
      'VOSK_MODEL not set: point it at an unzipped vosk model (e.g. vosk-model-small-en-us-0.15) to run this test',
    );
  const svc = await TranscriptionService.create({ engine: 'vosk', voskModel: model, threads: 1 });
  try {
    const report = await svc.setGrammar('commands', HOME_COMMANDS);
    t.diagnostic(
      `words the model lacks: ${report.missingWords.join(', ') || 'none'}; ${report.size} phrases`,
    );
    const texts = [
      'turn on the kitchen lights',
      'set a timer for twenty five minutes',
      'what time is it',
      'lock the front door',
    ];
    let exact = 0;
    for (const text of texts) {
      const clip = await speak(text);
      const s = svc.openStream({
        boardId: 'vosk',
        grammar: 'commands',
        codec: clip.codec,
        sampleRate: clip.sampleRate,
      });
      feedAll(s, clip);
      const r = await s.result;
      assert.equal(r.engine, 'vosk');
      if (r.text === text) exact++;
      else t.diagnostic(`"${text}" → "${r.text}"`);
      for (const w of r.words ?? []) assert.ok(w.endMs >= w.startMs && w.confidence !== undefined);
    }
    assert.ok(exact >= 3, `${exact}/4 exact`);
  } finally {
    await svc.close();
  }
});
