/** Small waits shared by the net tests (each fails loudly instead of hanging). */
import { once } from 'node:events';
import type { EmulatedBoard } from '../../boards/emulator/index.js';
import type { Harness, HarnessBoardOptions } from '../../host/cli/demo-harness.js';

/**
 * `Harness.addBoard` resolves at the host's side of the handshake; the emulated board may not have
 * read its HELLO_ACK yet, and then cannot speak. This waits for both sides.
 */
export async function addReadyBoard(
  h: Harness,
  opts: HarnessBoardOptions,
): Promise<{ boardId: string; board: EmulatedBoard }> {
  const b = await h.addBoard(opts);
  if (!b.board.ack) await once(b.board, 'ack', { signal: AbortSignal.timeout(10_000) });
  return b;
}
