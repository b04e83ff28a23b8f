/**
 * hark ⇄ an MQTT broker, with the `mqtt` package: pipeline events published under the topic tree
 * (topics.ts), commands subscribed (say, run, listen, LED, tone, volume, mute), Home Assistant
 * discovery per board (discovery.ts). Runs on main: it carries events, never audio.
 *
 * Reliability: events are QoS 1. While the broker is unreachable they wait in a bounded
 * {@link OfflineQueue} (mqtt.js's own offline queue has no bound, so nothing is handed to it while
 * offline). A message stays "in flight" until the broker acknowledges it; whatever was in flight when
 * the connection dropped goes back to the front of the queue (mqtt.js may resend some of them from
 * its own store as well — tests saw it do so for some and not for others), so a broker restart loses
 * nothing: at least once, and `seq` lets a consumer drop a duplicate. Reconnection is ours, with
 * backoff (×1.8 up to 30 s), not mqtt.js's fixed period; a refused connection is reported once per
 * outage, not per attempt.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { IClientOptions, MqttClient } from 'mqtt';
import { HarkError } from '../../base/errors.js';
import type { HarkConfig } from '../config/index.js';
import type { PipelineEvent } from '../events.js';
import { Backoff, type BackoffOptions } from '../link/backoff.js';
import type { BoardInfo, LinkStats, StateEvent } from '../link/index.js';
import type { BoardRuntime } from '../sessions/board-runtime.js';
import { runCommand } from './commands.js';
import { discoveryMessages } from './discovery.js';
import { OfflineQueue, type QueuedMessage } from './offline-queue.js';
import { type BoardLeaf, Topics, topicLevel } from './topics.js';

/** Options of {@link MqttBridge} (config keys `mqtt.*`). */
export interface MqttOptions {
  /** Broker URL: mqtt://host:1883 or mqtts://host:8883. */
  url: string;
  username?: string;
  password?: string;
  /** TLS: CA certificate file (PEM) to trust, client certificate and key files. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** TLS: refuse a broker whose certificate does not verify; default true. */
  rejectUnauthorized?: boolean;
  /** Topic prefix; default 'hark'. */
  prefix?: string;
  /** This host's name in `<prefix>/host/<host>/status`; default the machine's hostname. */
  hostId?: string;
  /** Home Assistant discovery prefix; default 'homeassistant'; '' turns discovery off. */
  discoveryPrefix?: string;
  /** Messages kept while the broker is away; default 1000. */
  queueSize?: number;
  /** How often link counters are published, ms; default 10000 (0: never). */
  countersIntervalMs?: number;
  /** Connect attempt limit, ms; default 5000. */
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
}

/** The `mqtt.*` keys as options; undefined when no broker is configured. */
export function mqttOptions(c: HarkConfig['mqtt']): MqttOptions | undefined {
  if (!c.url) return undefined;
  const set = <K extends string>(k: K, v: string) => (v ? { [k]: v } : {});
  return {
    url: c.url,
    ...set('username', c.username),
    ...set('password', c.password),
    ...set('caFile', c.caFile),
    ...set('certFile', c.certFile),
    ...set('keyFile', c.keyFile),
    ...set('hostId', c.hostId),
    prefix: c.prefix,
    discoveryPrefix: c.discoveryPrefix,
    queueSize: c.queueSize,
    countersIntervalMs: c.countersIntervalMs,
  };
}

/** What the bridge needs from the host (HarkPipeline is one). */
export interface MqttHost {
  on(event: 'event', fn: (e: PipelineEvent) => void): unknown;
  on(event: 'link', fn: (e: StateEvent) => void): unknown;
  on(event: 'board', fn: (info: BoardInfo) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
  off(event: string, fn: (...args: any[]) => void): unknown;
  board(boardId: string): BoardRuntime | undefined;
  readonly boards: readonly BoardRuntime[];
  readonly link: { stats(boardId: string): Promise<LinkStats> };
}

function readTls(what: string, file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new HarkError(
      'HARK_ERR_MQTT_CONFIG',
      `mqtt.${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code})`,
      {
        cause: e,
      },
    );
  }
}

/** Events: 'status' ({ state: 'connected' | 'offline', reason? }), 'published' (QueuedMessage, acknowledged). */
export class MqttBridge {
  readonly topics: Topics;
  readonly #o: Required<Pick<MqttOptions, 'discoveryPrefix' | 'countersIntervalMs' | 'connectTimeoutMs'>> &
    MqttOptions;
  readonly #host: MqttHost;
  readonly #emit: (e: PipelineEvent) => void;
  readonly #client: MqttClient;
  readonly #queue: OfflineQueue;
  readonly #backoff: Backoff;
  readonly #listeners: [string, (x: never) => void][] = [];
  readonly #known = new Map<string, BoardInfo>();
  readonly #lastState = new Map<string, string>();
  #seq = 0;
  /** Sent, not yet acknowledged; a Set iterates in insertion order, which is send order. */
  readonly #inflight = new Set<QueuedMessage>();
  #droppedThisOutage = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #countersTimer: NodeJS.Timeout | undefined;
  #online = false;
  #outageReported = false;
  #closed = false;
  #version: string;
  /** Counters (tests, bench, dashboard). */
  readonly stats = { published: 0, acknowledged: 0, resent: 0, dropped: 0, commands: 0, connects: 0 };

  private constructor(
    connect: (url: string, o: IClientOptions) => MqttClient,
    host: MqttHost,
    opts: MqttOptions,
    emit: (e: PipelineEvent) => void,
    version: string,
  ) {
    if (!/^mqtts?:\/\/[^/]+/.test(opts.url))
      throw new HarkError(
        'HARK_ERR_MQTT_CONFIG',
        `mqtt.url "${opts.url}" must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT]`,
      );
    const prefix = opts.prefix ?? 'hark';
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix))
      throw new HarkError(
        'HARK_ERR_MQTT_CONFIG',
        `mqtt.prefix "${prefix}" must be topic levels of letters, digits, _ and - (no wildcards)`,
      );
    this.#o = {
      ...opts,
      discoveryPrefix: opts.discoveryPrefix ?? 'homeassistant',
      countersIntervalMs: opts.countersIntervalMs ?? 10_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    };
    this.#host = host;
    this.#emit = emit;
    this.#version = version;
    this.topics = new Topics(prefix, opts.hostId ?? hostname());
    this.#queue = new OfflineQueue(opts.queueSize ?? 1000);
    this.#backoff = new Backoff({ initialMs: 250, ...opts.backoff });
    const tls = {
      ca: readTls('caFile', opts.caFile),
      cert: readTls('certFile', opts.certFile),
      key: readTls('keyFile', opts.keyFile),
    };
    const options: IClientOptions = {
      clientId: `hark-${this.topics.hostId}-${process.pid}`.slice(0, 64),
      clean: true,
      reconnectPeriod: 0, // ours, with backoff
      connectTimeout: this.#o.connectTimeoutMs,
      manualConnect: true,
      will: { topic: this.topics.hostStatus(), payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.password ? { password: opts.password } : {}),
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      rejectUnauthorized: opts.rejectUnauthorized ?? true,
    };
    this.#client = connect(opts.url, options);
    this.#client.on('connect', () => this.#connected());
    this.#client.on('close', () => this.#disconnected());
    this.#client.on('error', (e) => this.#failed(e));
    this.#client.on('message', (topic, payload) => this.#onMessage(topic, payload));
  }

  /**
   * Loads the `mqtt` package (an optional peer dependency: only hosts that use MQTT install it) and
   * connects in the background: the host serves boards whether or not the broker is there.
   */
  static async start(
    host: MqttHost,
    opts: MqttOptions,
    emit: (e: PipelineEvent) => void,
    version = '0',
  ): Promise<MqttBridge> {
    let mqtt: typeof import('mqtt');
    try {
      mqtt = await import('mqtt');
    } catch (e) {
      throw new HarkError(
        'HARK_ERR_MQTT_CONFIG',
        `mqtt.url is set (${opts.url}) but the mqtt package is not installed: npm install mqtt (beside hark-voice)`,
        { cause: e },
      );
    }
    const b = new MqttBridge(mqtt.connect, host, opts, emit, version);
    b.#wire();
    b.#client.connect();
    return b;
  }

  get connected(): boolean {
    return this.#online;
  }

  get queued(): number {
    return this.#queue.length;
  }

  #wire(): void {
    const on = <T>(event: 'event' | 'link' | 'board', fn: (x: T) => void) => {
      this.#host.on(event as 'event', fn as never);
      this.#listeners.push([event, fn as never]);
    };
    on<PipelineEvent>('event', (e) => this.#onEvent(e));
    on<StateEvent>('link', (e) => this.#onLink(e));
    on<BoardInfo>('board', (info) => {
      this.#known.set(info.boardId, info);
      this.#discover(info);
      this.#publishBoardState(info.boardId);
    });
    for (const rt of this.#host.boards) this.#known.set(rt.boardId, rt.info);
    if (this.#o.countersIntervalMs > 0) {
      this.#countersTimer = setInterval(() => void this.#publishCounters(), this.#o.countersIntervalMs);
      this.#countersTimer.unref();
    }
  }

  // ---- publishing ----------------------------------------------------------------------------------

  #event(boardId: string, leaf: BoardLeaf, body: Record<string, unknown>): void {
    this.#publish({
      topic: this.topics.board(boardId, leaf),
      payload: JSON.stringify({ seq: ++this.#seq, t: Date.now(), ...body }),
      qos: 1,
      retain: false,
    });
  }

  #state(topic: string, payload: string): void {
    this.#publish({ topic, payload, qos: 1, retain: true });
  }

  #publish(m: QueuedMessage): void {
    if (this.#closed) return;
    this.stats.published++;
    if (this.#online && this.#queue.length === 0) this.#send(m);
    else {
      this.#queue.push(m);
      const dropped = this.#queue.takeDropped();
      if (dropped) this.#dropped(dropped);
    }
  }

  /** Drops are reported when they start and, with their total, once the broker is back: not per message. */
  #dropped(n: number): void {
    this.stats.dropped += n;
    const first = this.#droppedThisOutage === 0;
    this.#droppedThisOutage += n;
    if (first) this.#reportDropped('is full: the oldest events are being dropped');
  }

  #reportDropped(what: string): void {
    this.#emit({
      event: 'error',
      boardId: '',
      code: 'HARK_ERR_MQTT_QUEUE',
      message: `the MQTT offline queue (${this.#queue.capacity} messages) ${what} (${this.#droppedThisOutage} so far) while ${this.#o.url} is unreachable`,
    });
  }

  #send(m: QueuedMessage): void {
    this.#inflight.add(m);
    this.#client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (err || !this.#inflight.has(m)) return; // a drop has put it back in the queue (#disconnected)
      this.#inflight.delete(m);
      this.stats.acknowledged++;
    });
  }

  #flush(): void {
    while (this.#online && this.#queue.length > 0) this.#send(this.#queue.shift()!);
  }

  // ---- connection --------------------------------------------------------------------------------

  #connected(): void {
    this.#backoff.reset();
    this.#online = true;
    this.#outageReported = false;
    this.stats.connects++;
    // Our status first, then subscriptions, then what waited, then a fresh picture of every board.
    this.#send({ topic: this.topics.hostStatus(), payload: 'online', qos: 1, retain: true });
    this.#client.subscribe(this.topics.commands(), { qos: 1 });
    this.#flush();
    if (this.#droppedThisOutage > 0) {
      this.#emit({
        event: 'error',
        boardId: '',
        code: 'HARK_ERR_MQTT_QUEUE',
        message: `${this.#droppedThisOutage} event(s) were dropped from the full MQTT offline queue (${this.#queue.capacity} messages) while ${this.#o.url} was unreachable`,
      });
      this.#droppedThisOutage = 0;
    }
    for (const info of this.#known.values()) {
      this.#discover(info);
      this.#publishBoardState(info.boardId);
    }
    this.#emit({ event: 'net', boardId: '', what: 'mqtt', state: 'connected', detail: this.#o.url });
  }

  #disconnected(): void {
    const wasOnline = this.#online;
    this.#online = false;
    // Unacknowledged messages go back to the front, in the order they were sent.
    const back = [...this.#inflight];
    this.#inflight.clear();
    if (back.length) {
      this.stats.resent += back.length;
      this.#queue.unshift(...back);
      const dropped = this.#queue.takeDropped();
      if (dropped) this.#dropped(dropped);
    }
    if (wasOnline)
      this.#emit({ event: 'net', boardId: '', what: 'mqtt', state: 'offline', detail: this.#o.url });
    this.#scheduleReconnect();
  }

  #failed(e: Error & { code?: number | string }): void {
    if (this.#outageReported || this.#closed) return;
    this.#outageReported = true;
    this.#emit({
      event: 'error',
      boardId: '',
      code: 'HARK_ERR_MQTT_CONNECT',
      message: `MQTT broker ${this.#o.url}: ${e.message}; retrying with backoff, events are kept (up to ${this.#queue.capacity})`,
    });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    if (!this.#outageReported) {
      // A connection that never reached CONNACK (refused, timed out) says why in 'error'; a broker
      // that simply went away gets its one report here.
      this.#failed(new Error('connection lost'));
    }
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#closed) this.#client.reconnect();
    }, this.#backoff.next());
  }

  // ---- host events → topics ----------------------------------------------------------------------

  #onEvent(e: PipelineEvent): void {
    switch (e.event) {
      case 'transcript': {
        const { event: _e, boardId, ...body } = e;
        this.#event(boardId, 'transcript', body);
        this.#state(
          this.topics.board(boardId, 'transcript/last'),
          JSON.stringify({ t: Date.now(), ...body }),
        );
        return;
      }
      case 'command':
      case 'response': {
        const { event: kind, boardId, ...body } = e;
        this.#event(boardId, kind, body);
        return;
      }
      case 'error':
        this.#event(e.boardId, 'error', { code: e.code, message: e.message });
        return;
      case 'session':
      case 'listening':
        this.#publishBoardState(e.boardId);
        return;
      default:
    }
  }

  #onLink(e: StateEvent): void {
    this.#state(
      this.topics.board(e.boardId, 'link'),
      JSON.stringify({ state: e.state, path: e.path, ...(e.reason ? { reason: e.reason } : {}) }),
    );
    this.#state(this.topics.board(e.boardId, 'available'), e.state === 'ready' ? 'online' : 'offline');
    if (e.state !== 'ready') this.#publishBoardState(e.boardId);
  }

  /** Retained session state and mute, when they changed (or on every (re)connect). */
  #publishBoardState(boardId: string): void {
    const rt = this.#host.board(boardId);
    if (!rt) return;
    for (const [leaf, value] of [
      ['state', rt.session.state],
      ['muted', rt.session.muted ? 'ON' : 'OFF'],
    ] as const) {
      const key = `${boardId}\0${leaf}`;
      if (this.#lastState.get(key) === value && this.#online) continue;
      this.#lastState.set(key, value);
      this.#state(this.topics.board(boardId, leaf), value);
    }
  }

  #discover(info: BoardInfo): void {
    if (!this.#o.discoveryPrefix) return;
    for (const m of discoveryMessages(
      this.topics,
      {
        boardId: info.boardId,
        model: info.hello.boardModel || info.profile || 'hark board',
        hasLed: info.hello.ledCount > 0,
      },
      { discoveryPrefix: this.#o.discoveryPrefix, version: this.#version },
    ))
      this.#state(m.topic, JSON.stringify(m.payload));
    this.#state(this.topics.board(info.boardId, 'available'), 'online');
  }

  async #publishCounters(): Promise<void> {
    for (const rt of this.#host.boards) {
      try {
        const s = await this.#host.link.stats(rt.boardId);
        this.#state(this.topics.board(rt.boardId, 'counters'), JSON.stringify({ t: Date.now(), ...s }));
      } catch {
        // a board that went away between listing and asking: nothing to count
      }
    }
  }

  /** Publishes every board's link counters now (also done every countersIntervalMs). */
  publishCounters(): Promise<void> {
    return this.#publishCounters();
  }

  // ---- commands ------------------------------------------------------------------------------------

  #onMessage(topic: string, payload: Buffer): void {
    const parsed = this.topics.parseCommand(topic);
    if (!parsed) return;
    this.stats.commands++;
    const rt =
      this.#host.board(parsed.board) ?? this.#host.boards.find((b) => topicLevel(b.boardId) === parsed.board);
    const fail = (why: string) =>
      this.#emit({
        event: 'error',
        boardId: rt?.boardId ?? '',
        code: 'HARK_ERR_MQTT_COMMAND',
        message: `MQTT ${topic}: ${why}`,
      });
    if (!rt) {
      fail(
        `no board "${parsed.board}" is connected to this host (${this.#host.boards.map((b) => b.boardId).join(', ') || 'none'})`,
      );
      return;
    }
    runCommand(rt, parsed.command, payload.toString('utf8'), {
      ledState: (state) => this.#state(this.topics.board(rt.boardId, 'led'), JSON.stringify(state)),
      mutedState: () => this.#publishBoardState(rt.boardId),
    }).catch((e: Error) => fail(e.message));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#countersTimer);
    clearTimeout(this.#reconnectTimer);
    for (const [event, fn] of this.#listeners) this.#host.off(event, fn as (x: unknown) => void);
    // A clean goodbye (the will is only for a host that vanishes), but a dead broker cannot hold us up.
    const within = (p: Promise<void>, ms: number) =>
      Promise.race([p, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
    if (this.#online)
      await within(
        new Promise<void>((resolve) =>
          this.#client.publish(this.topics.hostStatus(), 'offline', { qos: 1, retain: true }, () =>
            resolve(),
          ),
        ),
        1000,
      );
    this.#closed = true;
    await within(new Promise<void>((resolve) => this.#client.end(false, {}, () => resolve())), 1000);
    if (!this.#client.disconnected) this.#client.end(true);
  }
}
