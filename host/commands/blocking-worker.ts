/**
 * Command worker (piscina): imports the module that defined a blocking command, finds the
 * definition by name among its exports, runs the handler and returns its responses. Runs off the
 * main thread, so a handler may busy-wait or use synchronous I/O. Cancellation terminates this
 * worker (piscina replaces it); `ctx.signal` here never fires.
 */
import { setPriority } from 'node:os';
import { workerData } from 'piscina';
import { type AnyCommand, type CommandContext, isCommand } from './command.js';
import { collectResponses } from './handler-result.js';
import type { Response } from './response.js';

/** What the main thread sends for one blocking call. */
export interface BlockingTask {
  /** Modules to search, in order, for an exported definition with this name. */
  moduleUrls: string[];
  name: string;
  params: Record<string, unknown>;
  boardId: string;
  utterance: string;
  parameters: Record<string, unknown>;
}
/** What the worker returns: follow-up commands become names (functions cannot cross threads). */
export interface BlockingResult {
  responses: Response[];
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

function findCommands(value: unknown, out: Map<string, AnyCommand>, depth = 0): void {
  if (isCommand(value)) out.set(value.name, value);
  else if (Array.isArray(value) && depth < 3) for (const v of value) findCommands(v, out, depth + 1);
}

async function exportsOf(moduleUrl: string): Promise<Map<string, AnyCommand>> {
  let commands = modules.get(moduleUrl);
  if (!commands) {
    const mod = (await import(moduleUrl)) as Record<string, unknown>;
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

export default async function runBlocking(task: BlockingTask): Promise<BlockingResult> {
  const def = await lookup(task.moduleUrls, task.name);
  const extra: Response[] = [];
  const ctx: CommandContext = {
    boardId: task.boardId,
    utterance: task.utterance,
    command: task.name,
    signal: new AbortController().signal,
    parameters: task.parameters,
    respond: (r) => {
      extra.push(r);
    },
  };
  const responses = [...(await collectResponses(def.handler(task.params, ctx))), ...extra];
  return {
    responses: responses.map((r) =>
      r.commands ? { ...r, commands: r.commands.map((c) => (typeof c === 'string' ? c : c.name)) } : r,
    ),
  };
}
