/**
 * The Wyoming wire format, as rhasspy/wyoming defines it (README "Format", `wyoming/event.py`):
 *
 * ```
 * {"type": "...", "version": "1.7.0", "data_length": N, "payload_length": M}\n   one UTF-8 JSON line
 * <N bytes: a JSON object merged on top of the header's own "data">
 * <M bytes: binary payload, usually PCM audio>
 * ```
 *
 * Written from the protocol's README and reference implementation, not ported from it. The encoder
 * writes exactly what the reference writes (its `json.dumps` separators `", "` and `": "`, non-ASCII
 * as UTF-8, `data` sent after the line with `data_length`, lengths omitted when zero), so a captured
 * byte stream compares equal. The decoder is streaming and bounded: Wyoming has no checksum and no
 * resynchronisation, so the first malformed byte fails the decoder for good and the connection must
 * be closed — with an error that says what was wrong and where.
 */
import { HarkError } from '../../base/errors.js';

/** The rhasspy/wyoming release whose event set and header this implements (sent as `version`). */
export const WYOMING_VERSION = '1.7.0';

/** One Wyoming event. `data` fields set to `undefined` are left out; `null` is sent as null. */
export interface WyomingEvent {
  type: string;
  data?: Record<string, unknown>;
  payload?: Uint8Array;
}

/** Options of {@link WyomingDecoder}; the limits bound what a hostile peer can make us buffer. */
export interface WyomingDecoderOptions {
  /** Longest header line accepted, newline excluded; default 64 KiB. */
  maxHeaderBytes?: number;
  /** Largest `data_length` accepted; default 1 MiB. */
  maxDataBytes?: number;
  /** Largest `payload_length` accepted; default 4 MiB (about 2 minutes of 16 kHz PCM16). */
  maxPayloadBytes?: number;
  /** Names the peer in error messages, e.g. "satellite client 127.0.0.1:50124". */
  peer?: string;
}

/**
 * JSON the way Python's `json.dumps(obj, ensure_ascii=False)` writes it: `", "` between items,
 * `": "` after keys. Whole numbers print without a fraction (Python ints); other numbers as JS does.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v)).join(', ')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}: ${pythonJson(v)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      throw new TypeError(`cannot encode a ${typeof value} as JSON`);
  }
}

const hasKeys = (o: Record<string, unknown> | undefined): o is Record<string, unknown> =>
  o !== undefined && Object.values(o).some((v) => v !== undefined);

/** Encodes one event as its header line, data and payload, in one buffer. */
export function encodeEvent(event: WyomingEvent, version = WYOMING_VERSION): Buffer {
  if (typeof event.type !== 'string' || event.type === '') {
    throw new HarkError('HARK_ERR_WYOMING_PROTOCOL', 'a Wyoming event needs a non-empty string type');
  }
  const header: Record<string, unknown> = { type: event.type, version };
  const data = hasKeys(event.data) ? Buffer.from(pythonJson(event.data), 'utf8') : undefined;
  if (data) header.data_length = data.length;
  const payload = event.payload && event.payload.length > 0 ? event.payload : undefined;
  if (payload) header.payload_length = payload.length;
  const line = Buffer.from(`${pythonJson(header)}\n`, 'utf8');
  const out = Buffer.allocUnsafe(line.length + (data?.length ?? 0) + (payload?.length ?? 0));
  line.copy(out, 0);
  let at = line.length;
  if (data) at += data.copy(out, at);
  if (payload) out.set(payload, at);
  return out;
}

type Stage =
  | { kind: 'header' }
  | { kind: 'data'; type: string; data: Record<string, unknown>; dataLength: number; payloadLength: number }
  | { kind: 'payload'; type: string; data: Record<string, unknown>; payloadLength: number };

/** Strict: invalid UTF-8 is an error, not U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Streaming decoder: feed it socket chunks of any size with {@link push}; it returns the events they
 * complete. Bytes are kept in one growing buffer that is compacted, never concatenated per chunk.
 */
export class WyomingDecoder {
  readonly #maxHeader: number;
  readonly #maxData: number;
  readonly #maxPayload: number;
  readonly #peer: string;
  #buf: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #stage: Stage = { kind: 'header' };
  #failed: HarkError | undefined;
  /** Events decoded so far (for error messages: "after 12 events"). */
  #count = 0;

  constructor(opts: WyomingDecoderOptions = {}) {
    this.#maxHeader = opts.maxHeaderBytes ?? 64 * 1024;
    this.#maxData = opts.maxDataBytes ?? 1024 * 1024;
    this.#maxPayload = opts.maxPayloadBytes ?? 4 * 1024 * 1024;
    this.#peer = opts.peer ?? 'Wyoming peer';
  }

  /** Bytes held that belong to an event not yet complete. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Size of the internal buffer (diagnostics: it grows to the largest event, never with the stream). */
  get capacity(): number {
    return this.#buf.length;
  }

  /** True between events (nothing partial held): a clean place for the peer to close. */
  get idle(): boolean {
    return this.#stage.kind === 'header' && this.buffered === 0;
  }

  /** Decodes what `chunk` completes. Throws HARK_ERR_WYOMING_FRAME (and stays failed) on bad input. */
  push(chunk: Uint8Array): WyomingEvent[] {
    if (this.#failed) throw this.#failed;
    this.#append(chunk);
    const out: WyomingEvent[] = [];
    try {
      for (let e = this.#next(); e; e = this.#next()) {
        this.#count++;
        out.push(e);
      }
    } catch (err) {
      this.#failed = err as HarkError;
      throw err;
    }
    return out;
  }

  /** The peer closed: throws when it did so in the middle of an event. */
  end(): void {
    if (this.#failed || this.idle) return;
    const s = this.#stage;
    const what =
      s.kind === 'header'
        ? `a header line (${this.buffered} bytes without a newline)`
        : s.kind === 'data'
          ? `the data of '${s.type}' (${this.buffered} of ${s.dataLength} bytes)`
          : `the payload of '${s.type}' (${this.buffered} of ${s.payloadLength} bytes)`;
    this.#failed = this.#error(`connection closed in the middle of ${what}`);
    throw this.#failed;
  }

  #append(chunk: Uint8Array): void {
    const need = this.#end - this.#start + chunk.length;
    if (this.#end + chunk.length > this.#buf.length) {
      if (need <= this.#buf.length && this.#start > 0) {
        this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2, 4096));
        this.#buf.copy(grown, 0, this.#start, this.#end);
        this.#buf = grown;
      }
      this.#end -= this.#start;
      this.#start = 0;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  #take(n: number): Buffer {
    const b = Buffer.from(this.#buf.subarray(this.#start, this.#start + n)); // a copy: the buffer is reused
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return b;
  }

  #error(why: string): HarkError {
    return new HarkError(
      'HARK_ERR_WYOMING_FRAME',
      `${this.#peer}: ${why} (after ${this.#count} good events); Wyoming cannot resynchronise, so the connection is closed`,
      { details: { peer: this.#peer } },
    );
  }

  #next(): WyomingEvent | undefined {
    const s = this.#stage;
    if (s.kind === 'header') {
      const nl = this.#buf.subarray(this.#start, this.#end).indexOf(0x0a);
      const lineEnd = nl === -1 ? -1 : this.#start + nl;
      if (lineEnd === -1) {
        if (this.buffered > this.#maxHeader)
          throw this.#error(`header line longer than ${this.#maxHeader} bytes without a newline`);
        return undefined;
      }
      if (lineEnd - this.#start > this.#maxHeader)
        throw this.#error(`header line of ${lineEnd - this.#start} bytes exceeds ${this.#maxHeader}`);
      const line = this.#take(lineEnd - this.#start + 1).subarray(0, -1);
      this.#stage = this.#parseHeader(line);
      return this.#next();
    }
    if (s.kind === 'data') {
      if (this.buffered < s.dataLength) return undefined;
      const bytes = this.#take(s.dataLength);
      let extra: unknown;
      try {
        extra = JSON.parse(UTF8.decode(bytes));
      } catch (e) {
        throw this.#error(
          `the ${s.dataLength} data bytes of '${s.type}' are not UTF-8 JSON (${(e as Error).message}); does data_length lie?`,
        );
      }
      if (!isObject(extra))
        throw this.#error(
          `the data of '${s.type}' is ${JSON.stringify(extra)?.slice(0, 40)}, not a JSON object`,
        );
      const data = { ...s.data, ...extra };
      this.#stage = { kind: 'payload', type: s.type, data, payloadLength: s.payloadLength };
      return this.#next();
    }
    if (this.buffered < s.payloadLength) return undefined;
    const event: WyomingEvent = { type: s.type, data: s.data };
    if (s.payloadLength > 0) event.payload = this.#take(s.payloadLength);
    this.#stage = { kind: 'header' };
    return event;
  }

  #parseHeader(line: Buffer): Stage {
    let header: unknown;
    try {
      header = JSON.parse(UTF8.decode(line));
    } catch (e) {
      const shown = line
        .subarray(0, 60)
        .toString('utf8')
        .replace(/[^\x20-\x7e]/g, '.');
      throw this.#error(`header line "${shown}" is not UTF-8 JSON (${(e as Error).message})`);
    }
    if (!isObject(header)) throw this.#error('header line is not a JSON object');
    const type = header.type;
    if (typeof type !== 'string' || type === '') throw this.#error('header has no string "type"');
    if (header.data !== undefined && header.data !== null && !isObject(header.data))
      throw this.#error(`header "data" of '${type}' is not an object`);
    const data = isObject(header.data) ? header.data : {};
    const dataLength = this.#length(header.data_length, 'data_length', type, this.#maxData);
    const payloadLength = this.#length(header.payload_length, 'payload_length', type, this.#maxPayload);
    if (dataLength > 0) return { kind: 'data', type, data, dataLength, payloadLength };
    return { kind: 'payload', type, data, payloadLength };
  }

  #length(v: unknown, name: string, type: string, max: number): number {
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw this.#error(`${name} of '${type}' is ${JSON.stringify(v)}, not a whole number >= 0`);
    if (v > max) throw this.#error(`${name} of '${type}' is ${v} bytes, over the limit of ${max}`);
    return v;
  }
}
