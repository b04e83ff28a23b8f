/**
 * WorkerRpc (base/worker-rpc.ts) between processes: the full-pipeline benchmark runs the host and the
 * boards in child processes of their own, so neither measures the other's load. Node's IPC channel with
 * `serialization: 'advanced'` carries structured clones like a MessagePort does; these adapters give a
 * ChildProcess (parent side) and `process` (child side) the endpoint shape WorkerRpc expects.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { type RpcEndpoint, WorkerRpc, type WorkerRpcOptions } from '../../../base/worker-rpc.js';

/** The parent's end of a forked child's IPC channel. */
function childEndpoint(child: ChildProcess): RpcEndpoint {
  return {
    postMessage: (v) => child.send(v as never),
    on: (e, l) => child.on(e, l),
    off: (e, l) => child.off(e, l),
  };
}

/** This (child) process's end of its IPC channel. */
export function parentRpc<Call, Event>(options: WorkerRpcOptions<Call, Event>): WorkerRpc<Call, Event> {
  if (!process.send) throw new Error('this module runs as a forked child with an IPC channel');
  return new WorkerRpc<Call, Event>(
    {
      postMessage: (v) => process.send!(v as never),
      on: (e, l) => process.on(e, l),
      off: (e, l) => process.off(e, l),
    },
    options,
  );
}

/** A forked child process driven over WorkerRpc. */
export class ChildRpc<Call, Event> {
  readonly rpc: WorkerRpc<Call, Event>;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    onEvent?: (e: Event) => void,
  ) {
    this.rpc = new WorkerRpc<Call, Event>(childEndpoint(child), onEvent ? { onEvent } : {});
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.rpc.fail(new Error(`${child.spawnargs.join(' ')} exited with ${code ?? signal}`));
        resolve(code);
      });
    });
  }

  /** Forks `module` (a compiled .js file URL); resolves once it says it is ready (its first event). */
  static async start<Call, Event>(
    module: URL,
    opts: { execArgv?: string[]; args?: string[]; onEvent?: (e: Event) => void } = {},
  ): Promise<ChildRpc<Call, Event>> {
    const child = fork(module, opts.args ?? [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: opts.execArgv ?? [],
    });
    let ready: () => void = () => {};
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const c = new ChildRpc<Call, Event>(child, (e) => {
      if ((e as { event?: string }).event === 'ready') ready();
      else opts.onEvent?.(e);
    });
    await Promise.race([
      isReady,
      c.exited.then((code) => {
        throw new Error(`${module.pathname} exited with ${code} before it was ready`);
      }),
    ]);
    return c;
  }

  call<R>(body: Call, timeoutMs = 120_000): Promise<R> {
    return this.rpc.call<R>(body, { timeoutMs });
  }

  /** Asks the child to close (op 'close'), then waits for it to exit; kills it after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    const kill = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.call({ op: 'close' } as Call, graceMs).catch(() => {});
    await this.exited;
    clearTimeout(kill);
  }
}
