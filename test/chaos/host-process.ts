/**
 * The attacker's side of host-child.ts: spawns the host, sends it requests, collects its events, and
 * knows whether it crashed (any exit it was not asked for) and how long a SIGTERM took.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostRequest } from './host-child.js';

export type HostEvent = Record<string, unknown> & { event: string };

export class HostProcess {
  readonly events: HostEvent[] = [];
  stderr = '';
  /** Set when the host exited without being asked to. */
  crashed: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #nextId = 1;
  #stopping = false;
  #onEvent: ((e: HostEvent) => void)[] = [];

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    let buffered = '';
    child.stdout.on('data', (b: Buffer) => {
      buffered += b.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) {
        if (!l.trim()) continue;
        const m = JSON.parse(l) as { id?: number; ok?: boolean; value?: unknown; error?: string } & HostEvent;
        if (m.id !== undefined) {
          const p = this.#pending.get(m.id);
          this.#pending.delete(m.id);
          if (m.ok) p?.resolve(m.value);
          else p?.reject(new Error(m.error));
        } else {
          this.events.push(m);
          for (const f of this.#onEvent) f(m);
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-20_000);
    });
    this.#exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        if (!this.#stopping) this.crashed = { code, signal };
        for (const p of this.#pending.values()) p.reject(new Error(`the host exited (${code ?? signal})`));
        this.#pending.clear();
        resolve({ code, signal });
      }),
    );
  }

  static async start(env: Record<string, string> = {}): Promise<HostProcess> {
    const script = fileURLToPath(new URL('./host-child.js', import.meta.url));
    const child = spawn(process.execPath, [script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const host = new HostProcess(child);
    await host.next('the host to start', (e) => e.event === 'ready', 120_000);
    return host;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  request<T = unknown>(req: HostRequest): Promise<T> {
    if (this.crashed) return Promise.reject(new Error('the host crashed'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.stdin.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  /** The first event (from now or already received after `from`) that passes `pred`. */
  next(what: string, pred: (e: HostEvent) => boolean, timeoutMs = 30_000, from = 0): Promise<HostEvent> {
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onEvent = this.#onEvent.filter((f) => f !== check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; stderr:\n${this.stderr.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const check = (e: HostEvent) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        this.#onEvent = this.#onEvent.filter((f) => f !== check);
        resolve(e);
      };
      this.#onEvent.push(check);
      void this.#exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the host exited while waiting for ${what}; stderr:\n${this.stderr.slice(-2000)}`));
      });
    });
  }

  /** SIGTERM; resolves with the seconds until the process exited and how it exited. */
  async stop(): Promise<{ seconds: number; code: number | null; signal: NodeJS.Signals | null }> {
    this.#stopping = true;
    if (this.crashed) return { seconds: 0, ...this.crashed };
    const t0 = performance.now();
    this.#child.kill('SIGTERM');
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000);
    const r = await this.#exited;
    clearTimeout(killer);
    return { seconds: (performance.now() - t0) / 1000, ...r };
  }
}
