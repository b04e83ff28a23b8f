/**
 * Everything Wyoming a host runs, assembled once for the pipeline: the Wyoming worker, a satellite
 * server per board (when enabled), the remote ASR and TTS engines with their local fallbacks, and the
 * router that picks, per utterance, where a board's speech goes:
 *
 * 1. Home Assistant, when it runs this board as a satellite (connected, not paused);
 * 2. else the remote ASR server, when one is configured and up;
 * 3. else local pocketsphinx (always for hands-free background streams).
 */
import { readFileSync } from 'node:fs';
import type { PcmAudio } from '../../base/audio/wav.js';
import type { HarkError } from '../../base/errors.js';
import type { HarkConfig } from '../config/index.js';
import type { PipelineEvent } from '../events.js';
import type { BoardInfo } from '../link/index.js';
import type { BoardRuntime } from '../sessions/board-runtime.js';
import type { TranscriptionStream } from '../transcription/stream.js';
import type { StreamOptions } from '../transcription/types.js';
import { type RemoteAsrOptions, RemoteTranscription, type StreamOpener } from './remote-asr.js';
import { RemoteSynthesizer, type RemoteTtsOptions } from './remote-tts.js';
import { BoardSatellite, type SatelliteOptions } from './satellite.js';
import { WyomingWorker } from './wyoming-worker.js';

/** Wyoming options of a host (config keys `wyoming.*`). */
export interface WyomingOptions {
  satellite?: {
    /** Serve every board as a Home Assistant satellite. */
    enabled: boolean;
    /** Listen address; default '0.0.0.0'. */
    host?: string;
    /** Port of a board with no port of its own: the first free one from here up; default 10700. */
    basePort?: number;
    /** Fixed port per board uid (keeps Home Assistant's entry valid across restarts). */
    ports?: Record<string, number>;
    /** Room per board uid, sent as the satellite's area. */
    areas?: Record<string, string>;
    responseTimeoutMs?: number;
  };
  asr?: RemoteAsrOptions;
  tts?: RemoteTtsOptions;
}

/** The `wyoming.*` keys (and each board's room, as its satellite area) as options; undefined = all off. */
export function wyomingOptions(config: HarkConfig): WyomingOptions | undefined {
  const w = config.wyoming;
  const out: WyomingOptions = {};
  if (w.satellite.enabled)
    out.satellite = {
      enabled: true,
      host: w.satellite.host,
      basePort: w.satellite.basePort,
      ports: w.satellite.ports,
      areas: config.rooms.boards,
      responseTimeoutMs: w.satellite.responseTimeoutMs,
    };
  if (w.asr.uri)
    out.asr = {
      uri: w.asr.uri,
      language: w.asr.language,
      connectTimeoutMs: w.asr.connectTimeoutMs,
      responseTimeoutMs: w.asr.responseTimeoutMs,
    };
  if (w.tts.uri)
    out.tts = {
      uri: w.tts.uri,
      ...(w.tts.voice ? { voice: w.tts.voice } : {}),
      connectTimeoutMs: w.tts.connectTimeoutMs,
      responseTimeoutMs: w.tts.responseTimeoutMs,
    };
  return Object.keys(out).length ? out : undefined;
}

export interface WyomingDeps {
  local: StreamOpener;
  board: (boardId: string) => BoardRuntime | undefined;
  emit: (e: PipelineEvent) => void;
  /** Wake phrases boards listen for locally (hands-free), for the satellites' `info`. */
  wakeWords: string[];
}

/** hark's version, for the satellites' `info` (package.json beside dist/). */
function harkVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '0';
  }
}

export class WyomingServices implements StreamOpener {
  readonly worker: WyomingWorker;
  readonly remoteAsr: RemoteTranscription | undefined;
  readonly remoteTts: RemoteSynthesizer | undefined;
  readonly satellites = new Map<string, BoardSatellite>();
  readonly #o: WyomingOptions;
  readonly #d: WyomingDeps;
  readonly #starting = new Map<string, Promise<BoardSatellite | undefined>>();

  private constructor(worker: WyomingWorker, opts: WyomingOptions, deps: WyomingDeps) {
    this.worker = worker;
    this.#o = opts;
    this.#d = deps;
    this.remoteAsr = opts.asr ? new RemoteTranscription(deps.local, worker, opts.asr) : undefined;
    this.remoteTts = opts.tts ? new RemoteSynthesizer(opts.tts) : undefined;
    for (const [what, r] of [
      ['remote-asr', this.remoteAsr],
      ['remote-tts', this.remoteTts],
    ] as const) {
      r?.on('change', (c: { state: 'up' | 'down'; reason?: HarkError }) => {
        const uri = what === 'remote-asr' ? opts.asr!.uri : opts.tts!.uri;
        const local = what === 'remote-asr' ? 'local pocketsphinx' : 'espeak-ng';
        if (c.state === 'down') {
          deps.emit({
            event: 'error',
            boardId: '',
            code: 'HARK_ERR_WYOMING_UNAVAILABLE',
            message: `${uri} is unavailable (${c.reason?.message ?? 'no answer'}); ${local} answers until it is back`,
          });
        }
        deps.emit({
          event: 'net',
          boardId: '',
          what,
          state: c.state,
          detail: c.state === 'up' ? `${uri} is back` : uri,
        });
      });
    }
    worker.on('failed', (e: HarkError) =>
      deps.emit({ event: 'error', boardId: '', code: e.code, message: e.message }),
    );
  }

  /** Starts the worker and probes the remote servers once (an absent server is reported now). */
  static async start(opts: WyomingOptions, deps: WyomingDeps): Promise<WyomingServices> {
    const worker = await WyomingWorker.start();
    // What start-up finds is reported once the caller has had a chance to listen (next turn).
    const early: PipelineEvent[] = [];
    let started = false;
    const emit = (e: PipelineEvent) => (started ? deps.emit(e) : early.push(e));
    let s: WyomingServices;
    try {
      s = new WyomingServices(worker, opts, { ...deps, emit });
      await Promise.all([s.remoteAsr?.check(), s.remoteTts?.check()]);
    } catch (e) {
      await worker.close();
      throw e;
    }
    setImmediate(() => {
      started = true;
      for (const e of early) deps.emit(e);
    });
    return s;
  }

  /** The stream for one utterance (the router above). */
  openStream(opts: StreamOptions): TranscriptionStream {
    const sat = this.satellites.get(opts.boardId);
    if (sat?.active && opts.grammar !== 'wake' && !opts.afterWake) return sat.openStream(opts);
    return (this.remoteAsr ?? this.#d.local).openStream(opts);
  }

  /** Speech for replies: the remote TTS server, espeak-ng (`local`) when it is absent or gone. */
  get synthesize(): (<T>(text: string, local: () => Promise<T>) => Promise<PcmAudio | T>) | undefined {
    const tts = this.remoteTts;
    return tts ? (text, local) => tts.speak(text, local) : undefined;
  }

  /** A board finished a handshake: start (or refresh) its satellite server. */
  boardConnected(info: BoardInfo): Promise<BoardSatellite | undefined> {
    const sat = this.#o.satellite;
    if (!sat?.enabled) return Promise.resolve(undefined);
    const known = this.satellites.get(info.boardId);
    if (known) {
      known.boardConnected(info);
      return Promise.resolve(known);
    }
    let p = this.#starting.get(info.boardId);
    if (!p) {
      p = this.#startSatellite(info).catch((e: HarkError) => {
        this.#d.emit({
          event: 'error',
          boardId: info.boardId,
          code: e.code ?? 'HARK_ERR_WYOMING_LISTEN',
          message: e.message,
        });
        return undefined;
      });
      this.#starting.set(info.boardId, p);
      void p.finally(() => this.#starting.delete(info.boardId));
    }
    return p;
  }

  /** The port for a board: its own, else the first free one from basePort up. */
  #portFor(boardId: string): number {
    const sat = this.#o.satellite!;
    const fixed = sat.ports?.[boardId];
    if (fixed !== undefined) return fixed;
    const taken = new Set([
      ...Object.values(sat.ports ?? {}),
      ...[...this.satellites.values()].map((s) => s.port),
    ]);
    let port = sat.basePort ?? 10700;
    while (taken.has(port)) port++;
    return port;
  }

  async #startSatellite(info: BoardInfo): Promise<BoardSatellite> {
    const sat = this.#o.satellite!;
    const opts: SatelliteOptions = {
      port: this.#portFor(info.boardId),
      ...(sat.host ? { host: sat.host } : {}),
      ...(sat.areas?.[info.boardId] ? { area: sat.areas[info.boardId] } : {}),
      ...(sat.responseTimeoutMs ? { responseTimeoutMs: sat.responseTimeoutMs } : {}),
      wakeWords: this.#d.wakeWords,
      version: harkVersion(),
    };
    const s = new BoardSatellite(info.boardId, opts, {
      worker: this.worker,
      board: () => this.#d.board(info.boardId),
      emit: this.#d.emit,
    });
    await s.start(info);
    this.satellites.set(info.boardId, s);
    s.announce();
    if (sat.ports?.[info.boardId] === undefined)
      this.#d.emit({
        event: 'net',
        boardId: info.boardId,
        what: 'satellite',
        state: 'port',
        detail: `no fixed port for this board: got ${s.port}; set wyoming.satellite.ports.${info.boardId} to keep it`,
      });
    return s;
  }

  async close(): Promise<void> {
    this.remoteAsr?.close();
    this.remoteTts?.close();
    await Promise.all([...this.#starting.values()]);
    await Promise.all([...this.satellites.values()].map((s) => s.close()));
    await this.worker.close();
  }
}
