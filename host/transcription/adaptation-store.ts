/**
 * Each board's microphone adaptation (pocketsphinx: its cepstral mean, 13 floats), kept on main and
 * handed to whichever worker decodes the board next — and, with a file, kept across restarts, so a
 * known board's first utterance after a restart starts from its own mean instead of a cold start.
 * The file is JSON (board id → numbers), written atomically with mode 0600, at most once a few
 * seconds and at close; a missing or unreadable file is an empty store (the boards warm up again).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const MAX_BOARDS = 1024;
const WRITE_DELAY_MS = 5000;

export class AdaptationStore {
  private readonly boards = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [board, v] of Object.entries(data)) {
        if (
          Array.isArray(v) &&
          v.length > 0 &&
          v.length <= 64 &&
          v.every((x) => typeof x === 'number' && Number.isFinite(x))
        )
          this.boards.set(board, v as number[]);
      }
    } catch {
      // none yet, or damaged: start empty (it is only a warm start)
    }
  }

  get(board: string): number[] | undefined {
    return this.boards.get(board);
  }

  set(board: string, v: number[]): void {
    this.boards.delete(board);
    this.boards.set(board, v);
    if (this.boards.size > MAX_BOARDS) this.boards.delete(this.boards.keys().next().value!);
    if (this.file && !this.timer) {
      this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes the file now (when there is one and something changed). */
  flush(): void {
    if (!this.timer || !this.file) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.boards)), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // a read-only config folder: the boards just warm up again after a restart
    }
  }
}
