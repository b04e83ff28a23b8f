/**
 * Debian's mosquitto as a plain child process on a free loopback port, for the MQTT tests and the
 * benchmark: a config file of its own in a temp folder (persistence, password file, TLS listener as
 * asked), started and stopped on events (its log line, its exit), restartable on the same port with
 * the same persistence so a test can take the broker away and bring it back.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BINARY = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

export interface BrokerOptions {
  /** Keep sessions and queued messages across a restart (saved on SIGTERM). */
  persistence?: boolean;
  /** Require this user and password (mosquitto_passwd file). */
  user?: { name: string; password: string };
  /** Serve TLS with these PEM files instead of plain TCP. */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export class Mosquitto extends EventEmitter {
  readonly dir: string;
  port = 0;
  #proc: ChildProcess | undefined;
  readonly #o: BrokerOptions;
  log = '';
  #starts = 0;

  private constructor(opts: BrokerOptions) {
    super();
    this.#o = opts;
    this.dir = mkdtempSync(join(tmpdir(), 'hark-mosquitto-'));
  }

  static async start(opts: BrokerOptions = {}): Promise<Mosquitto> {
    const m = new Mosquitto(opts);
    try {
      m.port = await freePort();
      m.#configure();
      await m.resume();
    } catch (e) {
      rmSync(m.dir, { recursive: true, force: true });
      throw e;
    }
    return m;
  }

  get url(): string {
    return `${this.#o.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  #configure(): void {
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      // Started as root, mosquitto drops to user "mosquitto", who cannot read this test's 0700 folder.
      `user ${userInfo().username}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
    ];
    if (this.#o.persistence)
      lines.push('persistence true', `persistence_location ${this.dir}/`, 'autosave_interval 0');
    if (this.#o.user) {
      const pw = join(this.dir, 'passwd');
      writeFileSync(pw, '');
      execFileSync('mosquitto_passwd', ['-b', pw, this.#o.user.name, this.#o.user.password]);
      lines.push(`password_file ${pw}`, 'allow_anonymous false');
    } else lines.push('allow_anonymous true');
    if (this.#o.tls)
      lines.push(
        `cafile ${this.#o.tls.caFile}`,
        `certfile ${this.#o.tls.certFile}`,
        `keyfile ${this.#o.tls.keyFile}`,
      );
    writeFileSync(join(this.dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  }

  /** Starts (again) on the same port; resolves once it listens. */
  async resume(): Promise<void> {
    if (this.#proc) throw new Error('mosquitto is already running');
    const proc = spawn(BINARY, ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#proc = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`mosquitto did not start in 10 s:\n${this.log}`)),
        10_000,
      );
      proc.stderr!.on('data', (b: Buffer) => {
        this.log += b.toString();
        this.emit('log');
        // Count the "running" lines: after a restart the log holds the earlier run's too.
        if ((this.log.match(/mosquitto version \S+ running/g) ?? []).length > this.#starts) {
          this.#starts++;
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited with ${code}:\n${this.log}`));
      });
      proc.once('error', reject);
    });
    proc.removeAllListeners('exit');
    proc.on('exit', () => {
      if (this.#proc === proc) this.#proc = undefined;
    });
  }

  /** Resolves once the broker's log matches `re` (a global regex) `count` times. */
  logged(re: RegExp, count: number, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if ((this.log.match(re) ?? []).length < count) return;
        clearTimeout(timer);
        this.off('log', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('log', check);
        reject(
          new Error(
            `the broker did not log ${re} ${count} times in ${timeoutMs} ms:\n${this.log.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      this.on('log', check);
      check();
    });
  }

  /** SIGTERM (mosquitto saves its persistence), resolved once it has exited. */
  async stop(): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    this.#proc = undefined;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A CA and a server certificate for 127.0.0.1, made with openssl in `dir`. */
export function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const f = (n: string) => join(dir, n);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=hark test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  );
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.crt'),
  );
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}
