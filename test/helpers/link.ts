/** Helpers shared by the link tests: test audio, event waiting, and an audio collector. */
import type { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { PcmAudio } from '../../base/audio/wav.js';
import type { AudioRouteMessage, LinkManager, MessageEvent } from '../../host/link/index.js';
import type { Message } from '../../protocol/ts/messages.js';

/** A recognisable test signal: a sweep, so every 20 ms chunk differs. */
export function sweep(seconds: number, rate = 16000): PcmAudio {
  const samples = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(9000 * Math.sin((i * i) / (rate * 40) + i / 7));
  return { sampleRate: rate, samples };
}

/**
 * Resolves with the first `event` whose payload passes `pred`; rejects after `timeoutMs`, naming
 * `what` (the event by default).
 */
export function waitFor<T = unknown>(
  em: EventEmitter,
  event: string,
  pred: (v: T) => boolean = () => true,
  timeoutMs = 15000,
  what = `'${event}'`,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      em.off(event, on);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const on = (v: T) => {
      if (!pred(v)) return;
      clearTimeout(timer);
      em.off(event, on);
      resolve(v);
    };
    em.on(event, on);
  });
}

/** The next message of `type` from any board on `link`; rejects after `timeoutMs`. */
export function nextMessage<T extends Message['type']>(
  link: LinkManager,
  type: T,
  timeoutMs = 10_000,
): Promise<Extract<Message, { type: T }>> {
  return waitFor<MessageEvent>(link, 'message', (e) => e.message.type === type, timeoutMs, type).then(
    (e) => e.message as Extract<Message, { type: T }>,
  );
}

/**
 * Resolves once the board has handled everything the host sent before: it answers a PING sent now
 * only after them (frames are handled in order). After open(), this means the board has the HELLO_ACK.
 */
export async function pingBarrier(link: LinkManager, boardId: string, token = 0x5eed): Promise<void> {
  const pong = waitFor<MessageEvent>(
    link,
    'message',
    (e) => e.boardId === boardId && e.message.type === 'PONG' && e.message.token === token,
    15000,
    `PONG ${token}`,
  );
  await link.send(boardId, { type: 'PING', token });
  await pong;
}

export interface CollectedStream {
  boardId: string;
  stream: number;
  chunks: Map<number, Uint8Array>;
  gaps: number;
  last: AudioRouteMessage | undefined;
  done: Promise<AudioRouteMessage>;
}

/**
 * Routes every stream that starts on `link` into a collector (as an ASR worker would consume it).
 * `keepData: false` keeps only the chunk indices (benchmarks: no audio piling up on main's heap).
 */
export function collectAudio(
  link: LinkManager,
  keepData = true,
): { streams: CollectedStream[]; stop(): void } {
  const empty = new Uint8Array(0);
  const streams: CollectedStream[] = [];
  const ports: { close(): void }[] = [];
  const on = ({ boardId, message }: MessageEvent) => {
    if (message.type !== 'AUDIO_START') return;
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    let finish!: (m: AudioRouteMessage) => void;
    const s: CollectedStream = {
      boardId,
      stream: message.stream,
      chunks: new Map(),
      gaps: 0,
      last: undefined,
      done: new Promise((r) => {
        finish = r;
      }),
    };
    streams.push(s);
    port1.on('message', (m: AudioRouteMessage) => {
      if (m.kind === 'chunk') {
        s.chunks.set(m.chunk, keepData ? m.data : empty);
        s.gaps += m.gap;
      } else {
        s.last = m;
        port1.close();
        finish(m);
      }
    });
    link.routeAudio(boardId, message.stream, port2);
  };
  link.on('message', on);
  return {
    streams,
    stop() {
      link.off('message', on);
      for (const p of ports) p.close();
    },
  };
}

/** The PCM16 bytes chunk `i` of `audio` must carry (20 ms chunks, zero-padded past the end). */
export function expectedChunk(audio: PcmAudio, i: number, samplesPerChunk = 320): Uint8Array {
  const out = new Int16Array(samplesPerChunk);
  out.set(audio.samples.subarray(i * samplesPerChunk, (i + 1) * samplesPerChunk));
  return new Uint8Array(out.buffer);
}
