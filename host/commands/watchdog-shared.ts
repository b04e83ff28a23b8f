/**
 * Layout of the memory the main thread and the watchdog worker share. Main writes a heartbeat
 * timestamp and the name of the running command; the watchdog only reads them (and the stop flag).
 */
export const CTRL_STOP = 0; // Int32: 1 = watchdog must exit (main notifies on it)
export const CTRL_NAME_LEN = 1; // Int32: bytes of the command name below
export const CTRL_REPORTS = 2; // Int32: reports made so far (written by the watchdog)
export const CTRL_INTS = 4;
export const TIME_BEAT = 0; // BigInt64: last heartbeat, epoch ms
export const TIME_REPORTED = 1; // BigInt64: when the last report was written, epoch ms
export const TIME_SLOTS = 2;
export const NAME_BYTES = 512;

export interface WatchdogViews {
  ctrl: Int32Array;
  time: BigInt64Array;
  name: Uint8Array;
}

export function createShared(): SharedArrayBuffer {
  return new SharedArrayBuffer(CTRL_INTS * 4 + TIME_SLOTS * 8 + NAME_BYTES);
}

export function views(buf: SharedArrayBuffer): WatchdogViews {
  return {
    ctrl: new Int32Array(buf, 0, CTRL_INTS),
    time: new BigInt64Array(buf, CTRL_INTS * 4, TIME_SLOTS),
    name: new Uint8Array(buf, CTRL_INTS * 4 + TIME_SLOTS * 8, NAME_BYTES),
  };
}

/** Messages the watchdog posts to main (received once main runs again). */
export type WatchdogMessage =
  | { kind: 'blocked'; blockedMs: number; command: string; reportedAt: number }
  | { kind: 'recovered'; blockedMs: number; command: string };

/** Options the worker starts with. */
export interface WatchdogWorkerData {
  buffer: SharedArrayBuffer;
  thresholdMs: number;
  checkIntervalMs: number;
  stderr: boolean;
}
