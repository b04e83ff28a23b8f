/**
 * Command worker (piscina): imports the module that defined a blocking command, finds the
 * definition by name among its exports, runs the handler and returns its responses. Runs off the
 * main thread, so a handler may busy-wait or use synchronous I/O. Cancellation terminates this
 * worker (piscina replaces it); `ctx.signal` here never fires.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { workerData } from 'piscina';
import { HarkError, isHarkError } from '../../base/errors.js';
import { toWire, type WireError } from '../../base/wire-error.js';
import { type AnyCommand, type BoardFacts, type CommandContext, isCommand } from './command.js';
import { collectResponses } from './handler-result.js';
import { CommandIsolation } from './isolation.js';
import type { Response } from './response.js';

/** What the main thread sends for one blocking call. */
export interface BlockingTask {
  /** Modules to search, in order, for an exported definition with this name. */
  moduleUrls: string[];
  name: string;
  params: Record<string, unknown>;
  boardId: string;
  /** What ctx.board says (plain data). */
  board: BoardFacts;
  utterance: string;
  parameters: Record<string, unknown>;
}
/**
 * What the worker returns: its responses (follow-up commands become names: functions cannot cross
 * threads), or the error the handler failed with. A handler's failure is a value, never a rejection, so
 * a rejected task means one thing only: the worker itself died.
 */
export type BlockingResult = { ok: true; responses: Response[] } | { ok: false; error: WireError };

/** A fault of command code in this worker after its task returned (a timer it left), posted to main. */
export interface WorkerFaultMessage {
  kind: 'hark.command-fault';
  error: WireError;
  command: string | undefined;
  module: string | undefined;
  boardId: string | undefined;
}

const niceness = (workerData as { niceness?: number } | undefined)?.niceness ?? 0;
if (niceness !== 0) {
  try {
    setPriority(niceness); // pid 0: on Linux this thread only
  } catch {
    // not permitted or not supported: run at normal priority
  }
}

const modules = new Map<string, Map<string, AnyCommand>>();

// This thread's own isolation: a blocking handler's leftover timer or floating promise is reported to
// main by name; the worker keeps serving. A fault outside command code ends this worker (piscina
// replaces it); it never reaches the host's process.
const isolation = new CommandIsolation();
isolation.install();
isolation.on('fault', (f: import('./isolation.js').CommandFault) => {
  parentPort?.postMessage({
    kind: 'hark.command-fault',
    error: toWire(f.error),
    command: f.scope.command,
    module: f.scope.module,
    boardId: f.scope.boardId,
  } satisfies WorkerFaultMessage);
});
isolation.on('host-fault', (e: HarkError) => {
  process.stderr.write(`hark command worker: ${e.message}\n`);
  process.exit(1);
});

function findCommands(value: unknown, out: Map<string, AnyCommand>, depth = 0): void {
  if (isCommand(value)) out.set(value.name, value);
  else if (Array.isArray(value) && depth < 3) for (const v of value) findCommands(v, out, depth + 1);
}

async function exportsOf(moduleUrl: string): Promise<Map<string, AnyCommand>> {
  let commands = modules.get(moduleUrl);
  if (!commands) {
    isolation.addModule(moduleUrl);
    const mod = (await isolation.run(
      { command: undefined, module: moduleUrl, boardId: undefined },
      () => import(moduleUrl),
    )) as Record<string, unknown>;
    commands = new Map();
    for (const v of Object.values(mod)) findCommands(v, commands);
    modules.set(moduleUrl, commands);
  }
  return commands;
}

async function lookup(moduleUrls: string[], name: string): Promise<AnyCommand> {
  for (const url of moduleUrls) {
    const def = (await exportsOf(url)).get(name);
    if (def) return def;
  }
  throw new Error(
    `no module of ${moduleUrls.join(', ')} exports a command named "${name}" (export it to run it blocking)`,
  );
}

/**
 * Finds each blocking command the way its first call will (so imports the same modules, no more:
 * a pack's index may pull in johnny-five, which a worker never needs), when the pool starts with the
 * host — the first blocking command's answer then waits neither for this thread nor for its imports
 * (~400 ms on a small machine). A command not found here fails again, by name, at its call.
 */
export async function preload(commands: { moduleUrls: string[]; name: string }[]): Promise<void> {
  for (const c of commands) await lookup(c.moduleUrls, c.name).catch(() => {});
}

export default async function runBlocking(task: BlockingTask): Promise<BlockingResult> {
  let def: AnyCommand;
  try {
    def = await lookup(task.moduleUrls, task.name);
  } catch (e) {
    return failure(e, task.name);
  }
  const extra: Response[] = [];
  let finished = false;
  let failTask: (e: HarkError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    failTask = reject;
  });
  const ctx: CommandContext = {
    boardId: task.boardId,
    utterance: task.utterance,
    command: task.name,
    signal: new AbortController().signal,
    parameters: task.parameters,
    board: task.board,
    io: () => {
      throw new HarkError(
        'HARK_ERR_COMMANDS_CONTEXT',
        `command "${task.name}" is blocking: ctx.io() is not available in a worker thread (a johnny-five board must live on the main thread); drive pins from an async command`,
      );
    },
    respond: (r) => {
      extra.push(r);
    },
  };
  const scope = {
    command: task.name,
    module: def.moduleUrl ?? task.moduleUrls[0],
    boardId: task.boardId,
    fail: (e: HarkError) => {
      if (!finished) failTask(e);
    },
  };
  try {
    const own = await isolation.run(scope, () =>
      Promise.race([collectResponses(def.handler(task.params, ctx)), failed]),
    );
    const responses = [...own, ...extra];
    return {
      ok: true,
      responses: responses.map((r) =>
        r.commands ? { ...r, commands: r.commands.map((c) => (typeof c === 'string' ? c : c.name)) } : r,
      ),
    };
  } catch (e) {
    return failure(e, task.name);
  } finally {
    finished = true;
  }
}

function failure(e: unknown, name: string): BlockingResult {
  const err = isHarkError(e)
    ? e
    : new HarkError('HARK_ERR_COMMANDS_HANDLER', `command "${name}" failed: ${(e as Error)?.message ?? e}`);
  return { ok: false, error: toWire(err) };
}
