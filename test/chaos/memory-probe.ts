/**
 * Where a host process's memory is, for the soak (issue 10's RSS growth): every thread's V8 heap,
 * glibc's malloc totals, and the kernel's view of the process. Worker heaps are read through the
 * inspector's NodeWorker domain (`Runtime.getHeapUsage` sent into each worker's own session), so no
 * worker — piscina's ASR and command workers included — needs code of its own for it. Only the
 * chaos host loads this: the inspector session costs a little memory and is not for production.
 */
import { readFileSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';

export interface ThreadHeap {
  /** `main`, or the worker's script file name (piscina workers all say `worker.js`) and inspector id. */
  thread: string;
  usedMb: number;
  totalMb: number;
  /** Native memory this thread's V8 isolate holds for JS (ArrayBuffer backing stores and the like). */
  externalMb?: number;
}

export interface MemorySample {
  rssMb: number;
  /** /proc/self/status: anonymous and file-backed resident memory. */
  rssAnonMb: number;
  rssFileMb: number;
  threads: number;
  /** main's process.memoryUsage(): external and ArrayBuffer bytes (process-wide allocator counters). */
  externalMb: number;
  arrayBuffersMb: number;
  heaps: ThreadHeap[];
  /** Sum of every thread's V8 heap (committed). */
  heapsTotalMb: number;
  /** glibc mallinfo2 over every arena: in use, free but held, mmapped chunks; arenas from malloc_info. */
  mallocInUseMb: number;
  mallocFreeMb: number;
  mallocMmapMb: number;
  mallocArenas: number;
}

const MB = 2 ** 20;
const round = (n: number) => Math.round(n * 100) / 100;

interface MallInfo2 {
  arena: number;
  hblkhd: number;
  uordblks: number;
  fordblks: number;
}

function libcProbes(): { mallinfo: () => MallInfo2; arenas: () => number } | undefined {
  try {
    const libc = koffi.load('libc.so.6');
    const Info = koffi.struct('hark_mallinfo2', {
      arena: 'size_t',
      ordblks: 'size_t',
      smblks: 'size_t',
      hblks: 'size_t',
      hblkhd: 'size_t',
      usmblks: 'size_t',
      fsmblks: 'size_t',
      uordblks: 'size_t',
      fordblks: 'size_t',
      keepcost: 'size_t',
    });
    const mallinfo2 = libc.func('mallinfo2', Info, []) as () => MallInfo2;
    const fopen = libc.func('void *fopen(const char *path, const char *mode)');
    const mallocInfo = libc.func('int malloc_info(int options, void *fp)');
    const fclose = libc.func('int fclose(void *fp)');
    const file = join(tmpdir(), `hark-malloc-info-${process.pid}.xml`);
    return {
      mallinfo: () => mallinfo2(),
      // malloc_info's XML has one <heap nr=…> per arena.
      arenas: () => {
        const fp = fopen(file, 'w');
        if (!fp) return 0;
        mallocInfo(0, fp);
        fclose(fp);
        const xml = readFileSync(file, 'utf8');
        rmSync(file, { force: true });
        return (xml.match(/<heap nr=/g) ?? []).length;
      },
    };
  } catch {
    return undefined; // not glibc: the sample says 0
  }
}

function procStatusMb(field: string, status: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

export class MemoryProbe {
  readonly #session = new Session();
  readonly #workers = new Map<string, string>();
  readonly #pending = new Map<
    number,
    (r: { usedSize: number; totalSize: number; result?: { value?: unknown } } | undefined) => void
  >();
  readonly #libc = libcProbes();
  #nextId = 1;

  constructor() {
    this.#session.connect();
    this.#session.on('NodeWorker.attachedToWorker', (m) => {
      const { sessionId, workerInfo } = m.params as { sessionId: string; workerInfo: { url: string } };
      const file = workerInfo.url.split('/').slice(-2).join('/');
      this.#workers.set(sessionId, `${file}#${sessionId}`);
    });
    this.#session.on('NodeWorker.detachedFromWorker', (m) => {
      this.#workers.delete((m.params as { sessionId: string }).sessionId);
    });
    this.#session.on('NodeWorker.receivedMessageFromWorker', (m) => {
      const { message } = m.params as { message: string };
      const r = JSON.parse(message) as {
        id?: number;
        result?: { usedSize: number; totalSize: number; result?: { value?: unknown } };
      };
      if (r.id === undefined) return;
      this.#pending.get(r.id)?.(r.result);
      this.#pending.delete(r.id);
    });
    this.#session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  }

  /** One inspector call into a worker; undefined when the worker does not answer within a second. */
  async #workerCall(
    sessionId: string,
    method: string,
    params?: Record<string, unknown>,
  ): Promise<{ usedSize: number; totalSize: number; result?: { value?: unknown } } | undefined> {
    const id = this.#nextId++;
    return await new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(undefined); // a worker busy for a second is reported without its heap
      }, 1000);
      this.#pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.#session.post('NodeWorker.sendMessageToWorker', {
        sessionId,
        message: JSON.stringify({ id, method, ...(params ? { params } : {}) }),
      });
    });
  }

  /**
   * `collectGarbage` first runs a full GC on every thread, so `usedMb` is what is live, not where the
   * last collection left it: growth then means something is kept.
   */
  async sample(opts: { collectGarbage?: boolean } = {}): Promise<MemorySample> {
    if (opts.collectGarbage) {
      await new Promise<void>((resolve) =>
        this.#session.post('HeapProfiler.collectGarbage', () => resolve()),
      );
      for (const sessionId of this.#workers.keys())
        await this.#workerCall(sessionId, 'HeapProfiler.collectGarbage');
    }
    const mu = process.memoryUsage();
    const heaps: ThreadHeap[] = [
      {
        thread: 'main',
        usedMb: round(mu.heapUsed / MB),
        totalMb: round(mu.heapTotal / MB),
        externalMb: round(mu.external / MB),
      },
    ];
    for (const [sessionId, name] of this.#workers) {
      const h = await this.#workerCall(sessionId, 'Runtime.getHeapUsage');
      // process.memoryUsage() in a worker: `external` is that isolate's own.
      const mu = await this.#workerCall(sessionId, 'Runtime.evaluate', {
        expression: 'process.memoryUsage().external',
        returnByValue: true,
      });
      const external = mu?.result?.value;
      if (h)
        heaps.push({
          thread: name,
          usedMb: round(h.usedSize / MB),
          totalMb: round(h.totalSize / MB),
          ...(typeof external === 'number' ? { externalMb: round(external / MB) } : {}),
        });
    }
    const status = readFileSync('/proc/self/status', 'utf8');
    const mi = this.#libc?.mallinfo();
    return {
      rssMb: round(mu.rss / MB),
      rssAnonMb: round(procStatusMb('RssAnon', status)),
      rssFileMb: round(procStatusMb('RssFile', status)),
      threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      externalMb: round(mu.external / MB),
      arrayBuffersMb: round(mu.arrayBuffers / MB),
      heaps,
      heapsTotalMb: round(heaps.reduce((s, h) => s + h.totalMb, 0)),
      mallocInUseMb: round(mi ? mi.uordblks / MB + mi.hblkhd / MB : 0),
      mallocFreeMb: round(mi ? mi.fordblks / MB : 0),
      mallocMmapMb: round(mi ? mi.hblkhd / MB : 0),
      mallocArenas: this.#libc?.arenas() ?? 0,
    };
  }
}
