/** Helpers shared by the link tests: test audio, event waiting, and an audio collector. */
import type { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { PcmAudio } from '../../host/audio/wav.js';
import type { AudioRouteMessage, LinkManager, MessageEvent } from '../../host/link/index.js';

/** A recognisable test signal: a sweep, so every 20 ms chunk differs. */
export function sweep(seconds: number, rate = 16000): PcmAudio {
  const samples = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(9000 * Math.sin((i * i) / (rate * 40) + i / 7));
  return { sampleRate: rate, samples };
}

/** Resolves with the first `event` whose payload passes `pred`; rejects after `timeoutMs`. */
export function waitFor<T = unknown>(
  em: EventEmitter,
  event: string,
  pred: (v: T) => boolean = () => true,
  timeoutMs = 15000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      em.off(event, on);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
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
