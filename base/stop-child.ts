/**
 * Stops a child process the way the board processes (native firmware, simulated Uno) want it: stdin
 * closed, SIGTERM, and SIGKILL if it has not exited after `graceMs`. Resolves once it has exited.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(kill);
}
