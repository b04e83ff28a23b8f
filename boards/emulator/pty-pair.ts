/**
 * A pseudo-terminal pair made by socat: the host opens `hostPath` exactly like a USB serial device and
 * an emulated board opens `boardPath`. `unplug()` kills socat, so both paths vanish and the host's port
 * fails like a pulled cable; `replug()` restarts socat with the same symlink paths.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarkError } from '../../base/errors.js';

const live = new Set<ChildProcess>();
/** util-linux setpriv (Linux): lets socat die with its parent. */
const SETPRIV = process.platform === 'linux' && existsSync('/usr/bin/setpriv');
let exitHookInstalled = false;
/** socat children must not outlive the process, even when a test or CLI exits abruptly. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

export interface PtyPairOptions {
  /** Directory for the two symlinks. Default: a new temporary directory, removed by close(). */
  dir?: string;
  /** Base name of the symlinks. Default 'board'. */
  name?: string;
}

export class PtyPair {
  /** The path a host opens (`hark run --port PATH`). */
  readonly hostPath: string;
  /** The path the emulated board opens. */
  readonly boardPath: string;
  private proc: ChildProcess | undefined;
  private readonly ownDir: string | undefined;

  private constructor(dir: string, name: string, ownDir: boolean) {
    this.hostPath = join(dir, `${name}`);
    this.boardPath = join(dir, `${name}.board`);
    this.ownDir = ownDir ? dir : undefined;
  }

  /** Starts socat and resolves once both pty symlinks exist. */
  static async create(opts: PtyPairOptions = {}): Promise<PtyPair> {
    const own = opts.dir === undefined;
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'hark-pty-'));
    const pair = new PtyPair(dir, opts.name ?? 'board', own);
    await pair.replug();
    return pair;
  }

  /** True while socat runs (the "cable" is plugged in). */
  get plugged(): boolean {
    return this.proc !== undefined;
  }

  /** (Re)starts socat with the same paths. No-op when already plugged. */
  async replug(): Promise<void> {
    if (this.proc) return;
    installExitHook();
    const args = [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${this.hostPath}`,
      `pty,raw,echo=0,link=${this.boardPath}`,
    ];
    // setpriv --pdeathsig: socat dies with the thread that started it, even when this process is
    // killed without running its exit handlers (SIGKILL, an uncaught signal, a crashed worker).
    const [cmd, argv] = SETPRIV
      ? ['setpriv', ['--pdeathsig', 'TERM', '--', 'socat', ...args]]
      : ['socat', args];
    const proc = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    proc.once('exit', () => {
      live.delete(proc);
      if (this.proc === proc) this.proc = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const onData = (d: Buffer) => {
        log += d.toString();
        if (log.includes('starting data transfer loop')) done();
      };
      const onError = (e: Error) =>
        fail(`could not run socat (${e.message}); install it: apt-get install socat`);
      const onExit = (code: number | null) =>
        fail(`socat exited with code ${code} before the ptys were ready: ${log.trim()}`);
      const cleanup = () => {
        proc.stderr?.off('data', onData);
        proc.off('error', onError);
        proc.off('exit', onExit);
      };
      const done = () => {
        cleanup();
        proc.stderr?.resume(); // keep draining socat's log so it never blocks on a full pipe
        resolve();
      };
      const fail = (msg: string) => {
        cleanup();
        reject(new HarkError('HARK_ERR_BOARD_EMULATOR', msg));
      };
      proc.stderr?.on('data', onData);
      proc.once('error', onError);
      proc.once('exit', onExit);
    });
  }

  /** Kills socat: both ptys disappear (socat removes its symlinks). */
  async unplug(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    await exited;
    // socat unlinks on SIGTERM; make sure even if it was killed harder.
    rmSync(this.hostPath, { force: true });
    rmSync(this.boardPath, { force: true });
  }

  /** Unplugs and removes the temporary directory this pair created. */
  async close(): Promise<void> {
    await this.unplug();
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
  }
}
