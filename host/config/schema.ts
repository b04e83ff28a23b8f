/**
 * The hark configuration schema: one JSON-schema subset, used three ways — as conf's `schema` (so
 * `hark config set` and the file are validated by conf itself), by `validateValue` for environment
 * variables and the resolved configuration, and for the `hark config get` listing.
 */

/** The subset of JSON schema hark's configuration uses. */
export interface SchemaNode {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object';
  description?: string;
  default?: unknown;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
}

const ledEffect = (effect: string, color: string, periodMs: number, description: string): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties: {
    effect: {
      type: 'string',
      enum: ['off', 'solid', 'blink', 'pulse', 'spin'],
      default: effect,
      description: 'LED effect',
    },
    color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', default: color, description: 'colour #rrggbb' },
    periodMs: { type: 'integer', minimum: 0, maximum: 65535, default: periodMs, description: 'cycle, ms' },
  },
});

/** Every configuration key, its type, range and default. */
export const CONFIG_SCHEMA = {
  engine: {
    type: 'string',
    enum: ['pocketsphinx', 'vosk'],
    default: 'pocketsphinx',
    description: 'speech recognition engine',
  },
  voskModel: { type: 'string', default: '', description: 'path to an unpacked Vosk model (engine vosk)' },
  port: { type: 'string', default: '', description: 'serial port to open; empty = auto-detect' },
  baudRate: {
    type: 'integer',
    minimum: 1200,
    maximum: 5000000,
    default: 921600,
    description: 'serial baud rate',
  },
  listenMode: {
    type: 'string',
    enum: ['button', 'wake'],
    default: 'button',
    description: 'button: push/tap to talk; wake: hands-free, listen for the wake phrase',
  },
  wakePhrase: {
    type: 'string',
    pattern: '^[a-z][a-z ]*[a-z]$',
    default: 'hey computer',
    description: 'hands-free wake phrase (lowercase words)',
  },
  silenceMs: {
    type: 'integer',
    minimum: 100,
    maximum: 5000,
    default: 700,
    description: 'silence ending speech',
  },
  minSpeechMs: {
    type: 'integer',
    minimum: 0,
    maximum: 5000,
    default: 300,
    description: 'speech shorter is noise',
  },
  maxUtteranceMs: {
    type: 'integer',
    minimum: 1000,
    maximum: 60000,
    default: 15000,
    description: 'hard limit of one utterance',
  },
  noSpeechTimeoutMs: {
    type: 'integer',
    minimum: 500,
    maximum: 60000,
    default: 5000,
    description: 'stop listening when nothing was said',
  },
  followUpMs: {
    type: 'integer',
    minimum: 0,
    maximum: 60000,
    default: 8000,
    description: 'listening window after a response that needs input',
  },
  volume: { type: 'integer', minimum: 0, maximum: 100, default: 70, description: 'speaker volume, percent' },
  voice: { type: 'string', default: 'en-us', description: 'espeak-ng voice for spoken responses' },
  voiceWpm: {
    type: 'integer',
    minimum: 80,
    maximum: 450,
    default: 170,
    description: 'speech rate, words/minute',
  },
  earcons: { type: 'boolean', default: true, description: 'short tones when listening starts/stops/fails' },
  commands: {
    type: 'string',
    default: '',
    description: 'comma-separated command modules to load (default: the bundled example pack)',
  },
  leds: {
    type: 'object',
    description:
      'LED effect per session state (priority: error > listening > thinking > replying > muted > idle)',
    additionalProperties: false,
    properties: {
      disconnected: ledEffect('blink', '#ff8000', 1000, 'link lost'),
      error: ledEffect('solid', '#ff0000', 0, 'something failed'),
      listening: ledEffect('pulse', '#0000ff', 1000, 'recording speech'),
      thinking: ledEffect('pulse', '#0000ff', 300, 'recognising / running the command'),
      replying: ledEffect('solid', '#0000ff', 0, 'speaking the response'),
      muted: ledEffect('solid', '#400000', 0, 'microphone muted'),
      idle: ledEffect('off', '#000000', 0, 'waiting'),
    },
  },
} as const satisfies Record<string, SchemaNode>;

/** Looks up the schema node of a dotted key such as `leds.listening.color`. */
export function schemaAt(key: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = { type: 'object', properties: CONFIG_SCHEMA };
  for (const part of key.split('.')) {
    node = node?.properties?.[part];
    if (!node) return undefined;
  }
  return node;
}

/** Returns a description of why `value` does not fit `node`, or undefined when it does. */
export function validateValue(node: SchemaNode, value: unknown, key: string): string | undefined {
  switch (node.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `${key} must be an object`;
      for (const [k, v] of Object.entries(value)) {
        const child = node.properties?.[k];
        if (!child) {
          if (node.additionalProperties === false) return `${key}.${k} is not a known key`;
          continue;
        }
        const why = validateValue(child, v, `${key}.${k}`);
        if (why) return why;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${key} must be true or false`;
    case 'string':
      if (typeof value !== 'string') return `${key} must be a string`;
      if (node.pattern && !new RegExp(node.pattern).test(value)) return `${key} must match ${node.pattern}`;
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${key} must be a number`;
      if (node.type === 'integer' && !Number.isInteger(value)) return `${key} must be a whole number`;
      if (node.minimum !== undefined && value < node.minimum) return `${key} must be >= ${node.minimum}`;
      if (node.maximum !== undefined && value > node.maximum) return `${key} must be <= ${node.maximum}`;
      break;
  }
  if (node.enum && !node.enum.includes(value as string | number))
    return `${key} must be one of ${node.enum.join(', ')}`;
  return undefined;
}

/** Parses command-line / environment text into the type the schema wants. */
export function parseValue(node: SchemaNode, text: string): unknown {
  switch (node.type) {
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return text;
    case 'number':
    case 'integer':
      return text.trim() === '' ? text : Number(text);
    case 'object':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** The defaults of a schema subtree as a plain object. */
export function defaultsOf(props: Record<string, SchemaNode>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, node] of Object.entries(props)) {
    if (node.type === 'object' && node.properties) out[k] = defaultsOf(node.properties);
    else if (node.default !== undefined) out[k] = node.default;
  }
  return out;
}

/** The schema without `default`s, for conf: with defaults conf rewrites the file on every start. */
export function withoutDefaults(props: Record<string, SchemaNode>): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  for (const [k, node] of Object.entries(props)) {
    const { default: _d, description: _desc, ...rest } = node;
    out[k] = rest.properties ? { ...rest, properties: withoutDefaults(rest.properties) } : rest;
  }
  return out;
}
