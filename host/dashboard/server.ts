/**
 * `hark run --dashboard`: a small HTTP server on main serving the page (`/`), a snapshot
 * (`/snapshot.json`) and live updates (`/events`, Server-Sent Events). It listens on loopback by
 * default; bound to any other address it demands a token (given, or generated and printed once),
 * compared in constant time, from `?token=` or `Authorization: Bearer`. On loopback it refuses a Host
 * header that is not a loopback name, so a web page elsewhere cannot reach it by DNS rebinding.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { HarkError } from '../../base/errors.js';
import type { HarkConfig } from '../config/index.js';
import type { PipelineEvent } from '../events.js';
import { dashboardPage } from './page.js';
import { BUCKETS_MS, type DashboardHost, DashboardState } from './state.js';

/** Options of {@link DashboardServer} (config keys `dashboard.*`, flag `--dashboard`). */
export interface DashboardOptions {
  /** Address to listen on; default '127.0.0.1'. Anything but loopback needs a token. */
  host?: string;
  /** Port; default 8787; 0 picks a free one. */
  port?: number;
  /** Access token (at least 16 characters); default: none on loopback, generated otherwise. */
  token?: string;
  /** Most dashboard pages open at once; default 16. */
  maxClients?: number;
}

/** The `dashboard.*` keys as options; undefined when it is not enabled. */
export function dashboardOptions(c: HarkConfig['dashboard']): DashboardOptions | undefined {
  if (!c.enabled) return undefined;
  return { host: c.host, port: c.port, ...(c.token ? { token: c.token } : {}) };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\./.test(host);

export class DashboardServer {
  readonly state: DashboardState;
  readonly token: string | undefined;
  readonly #server: Server;
  readonly #clients = new Set<ServerResponse>();
  readonly #o: Required<Pick<DashboardOptions, 'host' | 'maxClients'>> & DashboardOptions;
  #port = 0;
  /** Requests refused for a missing or wrong token (shown as a count, never logged one by one). */
  refused = 0;

  private constructor(state: DashboardState, opts: DashboardOptions) {
    this.state = state;
    this.#o = { ...opts, host: opts.host ?? '127.0.0.1', maxClients: opts.maxClients ?? 16 };
    if (opts.token !== undefined && opts.token.length < 16)
      throw new HarkError(
        'HARK_ERR_DASHBOARD_TOKEN',
        `dashboard.token is ${opts.token.length} characters: use at least 16 (or leave it empty to have one generated)`,
      );
    this.token = opts.token ?? (isLoopback(this.#o.host) ? undefined : randomBytes(18).toString('base64url'));
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.headersTimeout = 10_000;
    state.on('update', (u: { kind: string; data: unknown }) => this.#broadcast(u.kind, u.data));
  }

  /** Starts listening; rejects with HARK_ERR_DASHBOARD_LISTEN naming the address. */
  static async start(host: DashboardHost, opts: DashboardOptions = {}): Promise<DashboardServer> {
    const state = new DashboardState(host, hostname());
    let s: DashboardServer;
    try {
      s = new DashboardServer(state, opts);
    } catch (e) {
      state.close();
      throw e;
    }
    const port = opts.port ?? 8787;
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', (e: NodeJS.ErrnoException) => {
        state.close();
        reject(
          new HarkError(
            'HARK_ERR_DASHBOARD_LISTEN',
            `the dashboard cannot listen on ${s.#o.host}:${port} (${e.code ?? e.message}); choose another --dashboard-port or address`,
            { cause: e },
          ),
        );
      });
      s.#server.listen({ host: s.#o.host, port }, () => resolve());
    });
    s.#port = (s.#server.address() as { port: number }).port;
    return s;
  }

  get port(): number {
    return this.#port;
  }

  /** The address to open, with the token when one is needed. */
  get url(): string {
    const h = this.#o.host.includes(':') ? `[${this.#o.host}]` : this.#o.host;
    return `http://${h}:${this.#port}/${this.token ? `?token=${this.token}` : ''}`;
  }

  /** The 'net' event announcing where it is. */
  announce(): Extract<PipelineEvent, { event: 'net' }> {
    return { event: 'net', boardId: '', what: 'dashboard', state: 'listening', detail: this.url };
  }

  #authorised(req: IncomingMessage, url: URL): boolean {
    if (!this.token) return true;
    const given =
      url.searchParams.get('token') ?? req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  #hostAllowed(req: IncomingMessage): boolean {
    if (!isLoopback(this.#o.host)) return true; // reachable by address on purpose; the token guards it
    const h = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return isLoopback(h);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET') {
      this.#fail(res, 405, 'only GET');
      return;
    }
    if (!this.#hostAllowed(req)) {
      this.#fail(res, 403, `Host "${req.headers.host}" is not this loopback dashboard`);
      return;
    }
    if (!this.#authorised(req, url)) {
      this.refused++;
      this.#fail(
        res,
        401,
        'HARK_ERR_DASHBOARD_TOKEN: this dashboard needs its token (?token=… or Authorization: Bearer …)',
      );
      return;
    }
    switch (url.pathname) {
      case '/': {
        const nonce = randomBytes(12).toString('base64');
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'`,
        });
        res.end(
          dashboardPage(BUCKETS_MS)
            .replace('<style>', `<style nonce="${nonce}">`)
            .replace('<script>', `<script nonce="${nonce}">`),
        );
        return;
      }
      case '/snapshot.json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(this.state.snapshot()));
        return;
      case '/events':
        this.#subscribe(req, res);
        return;
      default:
        this.#fail(res, 404, `no ${url.pathname} here (/, /events, /snapshot.json)`);
    }
  }

  #fail(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  }

  #subscribe(req: IncomingMessage, res: ServerResponse): void {
    if (this.#clients.size >= this.#o.maxClients) {
      this.#fail(res, 503, `already ${this.#o.maxClients} dashboards open`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.#clients.add(res);
    this.#write(res, 'snapshot', this.state.snapshot());
    req.on('close', () => this.#clients.delete(res));
  }

  #write(res: ServerResponse, kind: string, data: unknown): void {
    // A page that stopped reading (a sleeping laptop) is dropped rather than buffered for ever.
    if (res.writableLength > 1024 * 1024) {
      res.destroy();
      this.#clients.delete(res);
      return;
    }
    res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  #broadcast(kind: string, data: unknown): void {
    for (const c of this.#clients) this.#write(c, kind, data);
  }

  get clients(): number {
    return this.#clients.size;
  }

  async close(): Promise<void> {
    this.state.close();
    for (const c of this.#clients) c.destroy();
    this.#clients.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
