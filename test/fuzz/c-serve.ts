/**
 * Talks to the C test program's `--serve` mode (protocol/c/tests/hark_test.c): sends a batch of line
 * commands on stdin and returns its stdout lines. Used by the cross-implementation checks.
 */
import { spawn } from 'node:child_process';

export function serveBatch(exe: string, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, ['--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${exe} --serve exited ${code}: ${Buffer.concat(err).toString()}`));
      else resolve(Buffer.concat(out).toString('utf8').split('\n').slice(0, -1));
    });
    child.stdin.end(`${commands.join('\n')}\n`);
  });
}
