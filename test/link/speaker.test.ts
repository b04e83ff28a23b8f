/**
 * Speaker playback rules (SPEC §4.6.6–4.6.9, issue 12) against a scripted board on a pty: odd credits
 * give PCM16 frames of whole samples only; no SPEAKER_DATA leaves after SPEAKER_STOP even with credit
 * in flight; a board that stops granting credit gets SPEAKER_STOP and the playback fails with
 * HARK_ERR_LINK_SPEAKER_STALLED instead of waiting for ever.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { LinkManager } from '../../host/link/index.js';
import type { Message } from '../../protocol/ts/messages.js';
import { RawPeer, sweep } from '../helpers/link.js';

const pcm = (seconds: number) => {
  const s = sweep(seconds).samples;
  return new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
};

async function speakerBoard(uid: string) {
  const link = await LinkManager.start({ heartbeatMs: 1000 });
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
  const hello = { ...helloForProfile(getProfile('emulated'), '0.1.0', uid), speakerBufferBytes: 4000 };
  const opened = link.open({ path: pair.hostPath });
  peer.send(hello);
  await opened;
  await peer.next((m) => m.type === 'HELLO_ACK');
  const credit = (stream: number, creditBytes: number, state = 0): Message => ({
    type: 'SPEAKER_CREDIT',
    stream,
    creditBytes,
    bufferedBytes: 0,
    state,
    underruns: 0,
  });
  return {
    link,
    peer,
    credit,
    async close() {
      await link.close();
      await peer.close();
      await pair.close();
    },
  };
}

test('odd credits: every PCM16 SPEAKER_DATA carries whole samples, and all the audio arrives', async () => {
  const b = await speakerBoard('odd');
  try {
    const audio = pcm(0.3); // 9600 bytes
    let stream = -1;
    let received = 0;
    b.peer.onMessage = (m) => {
      if (m.type === 'SPEAKER_START') {
        stream = m.stream;
        b.peer.send(b.credit(stream, 333)); // an odd grant from a 1.0 board
      } else if (m.type === 'SPEAKER_DATA') {
        received += m.data.length;
        b.peer.send(b.credit(stream, m.data.length % 2 === 0 ? 333 : 0));
      } else if (m.type === 'SPEAKER_END') b.peer.send(b.credit(stream, 0, 1));
    };
    assert.equal(await b.link.play('odd', { codec: 0, sampleRate: 16000, data: audio }), 'finished');
    const data = b.peer.received.filter((m) => m.type === 'SPEAKER_DATA');
    const odd = data.filter((m) => m.type === 'SPEAKER_DATA' && m.data.length % 2 !== 0);
    assert.equal(odd.length, 0, `${odd.length} of ${data.length} frames had an odd length`);
    assert.equal(received, audio.length);
  } finally {
    await b.close();
  }
});

test('no SPEAKER_DATA after SPEAKER_STOP, even with credit arriving after it', async () => {
  const b = await speakerBoard('stop');
  try {
    let stream = -1;
    b.peer.onMessage = (m) => {
      if (m.type === 'SPEAKER_START') {
        stream = m.stream;
        b.peer.send(b.credit(stream, 4000));
      } else if (m.type === 'SPEAKER_DATA') {
        b.peer.send(b.credit(stream, m.data.length)); // credit keeps coming while the host stops
      } else if (m.type === 'SPEAKER_STOP') {
        for (let i = 0; i < 5; i++) b.peer.send(b.credit(stream, 1000)); // credits already in flight
        b.peer.send(b.credit(stream, 0, 2));
      }
    };
    const playing = b.link.play('stop', { codec: 0, sampleRate: 16000, data: pcm(3) });
    await b.peer.next((m) => m.type === 'SPEAKER_DATA', 10_000, 'SPEAKER_DATA');
    await b.link.stopPlayback('stop');
    assert.equal(await playing, 'stopped');
    // Anything the host sent after STOP would arrive before this PONG.
    await b.link.send('stop', { type: 'PING', token: 0x99 });
    await b.peer.next((m) => m.type === 'PING' && m.token === 0x99, 10_000, 'PING 0x99');
    const seq = b.peer.received.map((m) => m.type);
    const stopAt = seq.indexOf('SPEAKER_STOP');
    assert.ok(stopAt > 0);
    assert.deepEqual(
      seq.slice(stopAt).filter((t) => t === 'SPEAKER_DATA'),
      [],
      'SPEAKER_DATA after SPEAKER_STOP',
    );
  } finally {
    await b.close();
  }
});

test('a board that stops granting credit: SPEAKER_STOP and HARK_ERR_LINK_SPEAKER_STALLED, not a wait for ever', async (t) => {
  const b = await speakerBoard('stall');
  try {
    b.peer.onMessage = (m) => {
      if (m.type === 'SPEAKER_START') b.peer.send(b.credit(m.stream, 4000)); // one grant, then silence
    };
    const t0 = performance.now();
    await assert.rejects(
      b.link.play('stall', { codec: 0, sampleRate: 16000, data: pcm(2) }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'HARK_ERR_LINK_SPEAKER_STALLED', e.message);
        assert.match(e.message, /stall.*granted no credit for 2000 ms with \d+ bytes still to send/);
        return true;
      },
    );
    t.diagnostic(
      `failed after ${Math.round(performance.now() - t0)} ms (4000-byte buffer: 125 ms of audio, so the 2 s floor)`,
    );
    await b.peer.next((m) => m.type === 'SPEAKER_STOP', 10_000, 'SPEAKER_STOP');
    // The link is fine: the next playback starts.
    assert.equal((await b.link.stats('stall')).state, 'ready');
  } finally {
    await b.close();
  }
});
