/** Events the pipeline reports (the CLI prints them; `--json` as JSON lines, see host/cli/README.md). */
export type PipelineEvent =
  | { event: 'listening'; boardId: string; trigger: string; stream: number }
  | { event: 'transcript'; boardId: string; text: string; engine: string; latencyMs: number; audioMs: number }
  | { event: 'command'; boardId: string; command: string; params: Record<string, unknown>; utterance: string }
  | {
      event: 'response';
      boardId: string;
      command: string | undefined;
      status: string;
      text?: string;
      late: boolean;
    }
  | { event: 'speech'; boardId: string; text: string; durationMs: number; result: 'finished' | 'stopped' }
  | { event: 'session'; boardId: string; line: string }
  | { event: 'error'; boardId: string; code: string; message: string };

/** An error as a pipeline event. */
export const errorEvent = (boardId: string, e: unknown): PipelineEvent => ({
  event: 'error',
  boardId,
  code: (e as { code?: string }).code ?? 'ERROR',
  message: (e as Error).message ?? String(e),
});
