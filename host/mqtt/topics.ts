/**
 * hark's MQTT topic tree, declared once: the bridge publishes and subscribes through {@link Topics},
 * and {@link TOPIC_DOCS} is the table host/mqtt/README.md shows (a test keeps the two equal). Topics
 * sit under a prefix (default `hark`), one level per board (its uid, made topic-safe), so a board keeps
 * its topics when it moves to another host; each host has its own status topic. Every event payload
 * carries `seq` (per host, increasing: a consumer sees gaps) and `t` (epoch ms). Home Assistant
 * discovery lives under `homeassistant/<component>/hark_<board>/<object>/config` (discovery.ts).
 */

/** A board id as one topic level: MQTT wildcards and separators replaced (a port path has slashes). */
export const topicLevel = (id: string): string => id.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';

export class Topics {
  readonly prefix: string;
  readonly hostId: string;

  constructor(prefix: string, hostId: string) {
    this.prefix = prefix;
    this.hostId = hostId;
  }

  hostStatus(): string {
    return `${this.prefix}/host/${topicLevel(this.hostId)}/status`;
  }

  board(boardId: string, leaf: BoardLeaf): string {
    return `${this.prefix}/${boardId === '' ? 'host' : topicLevel(boardId)}/${leaf}`;
  }

  /** What the bridge subscribes to: every board's `<command>/set`. */
  commands(): string {
    return `${this.prefix}/+/+/set`;
  }

  /** The board level and command of a `…/<board>/<command>/set` topic, or undefined. */
  parseCommand(topic: string): { board: string; command: string } | undefined {
    if (!topic.startsWith(`${this.prefix}/`)) return undefined;
    const parts = topic.slice(this.prefix.length + 1).split('/');
    if (parts.length !== 3 || parts[2] !== 'set') return undefined;
    return { board: parts[0]!, command: parts[1]! };
  }
}

export type BoardLeaf =
  | 'available'
  | 'link'
  | 'state'
  | 'transcript'
  | 'transcript/last'
  | 'command'
  | 'response'
  | 'error'
  | 'counters'
  | 'muted'
  | 'led'
  | `${CommandName}/set`;

export const COMMANDS = ['say', 'run', 'listen', 'led', 'tone', 'volume', 'mute'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** The README's table rows: topic (relative to the prefix) and what it carries. */
export const TOPIC_DOCS: readonly [string, string][] = [
  ['host/<host>/status', "`online` / `offline` (retained; `offline` is the connection's will)"],
  ['<board>/available', "`online` / `offline` (retained): the board's link is up"],
  ['<board>/link', '`{"state","path","reason"?}` (retained)'],
  [
    '<board>/state',
    'session state: `idle` `listening` `thinking` `responding` `error` `disconnected` (retained)',
  ],
  ['<board>/transcript', '`{"text","engine","confidence"?,"verdict"?,"latencyMs","audioMs","handledBy"?}`'],
  ['<board>/transcript/last', 'the last transcript, retained (Home Assistant sensor)'],
  ['<board>/command', '`{"command","params","utterance"}`'],
  ['<board>/response', '`{"command","status","text"?,"late"}`'],
  ['<board>/error', '`{"code","message"}`; `host/error` for host-wide errors'],
  ['<board>/counters', 'link counters (frames, bytes, audio, reconnects, RTT), retained'],
  ['<board>/muted', '`ON` / `OFF` (retained)'],
  ['<board>/led', '`{"state","color"?,"effect"?}` (retained; Home Assistant JSON light)'],
  ['<board>/say/set', 'text: spoken on the board'],
  ['<board>/run/set', 'text: run as if spoken'],
  ['<board>/listen/set', 'any payload: the board listens for one utterance'],
  ['<board>/led/set', '`ON`, `OFF` or `{"state","color":{"r","g","b"},"effect"}`'],
  ['<board>/tone/set', 'an earcon name (`success` `error` `alarm` …) or `[{"freqHz","durationMs"}]`'],
  ['<board>/volume/set', '`0`..`100`'],
  ['<board>/mute/set', '`ON` / `OFF`'],
];
