/**
 * What a message on `<prefix>/<board>/<command>/set` does to a board. Payloads are untrusted: each is
 * checked here, once, and a bad one throws an Error whose message says what was expected (the bridge
 * reports it as HARK_ERR_MQTT_COMMAND naming the topic).
 */
import { EARCONS, type EarconName } from '../responses/earcons.js';
import type { BoardRuntime } from '../sessions/board-runtime.js';

export interface LedState {
  state: 'ON' | 'OFF';
  color?: { r: number; g: number; b: number };
  effect?: string;
}

export interface CommandHooks {
  /** The LED's new state, for the retained `led` topic (Home Assistant's light). */
  ledState: (state: LedState) => void;
  mutedState: () => void;
}

const EFFECTS = ['solid', 'blink', 'pulse', 'spin'] as const;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: "${text.slice(0, 60)}" is not valid JSON`);
  }
}

function onOff(text: string, what: string): boolean {
  const t = text.trim().toUpperCase();
  if (t === 'ON' || t === 'TRUE' || t === '1') return true;
  if (t === 'OFF' || t === 'FALSE' || t === '0') return false;
  throw new Error(`${what} takes ON or OFF, got "${text.slice(0, 40)}"`);
}

export function parseLed(text: string): LedState {
  const t = text.trim();
  if (!t.startsWith('{')) return { state: onOff(t, 'led') ? 'ON' : 'OFF' };
  const v = parseJson(t, 'led') as Record<string, unknown>;
  const state = v.state === undefined ? 'ON' : onOff(String(v.state), 'led state') ? 'ON' : 'OFF';
  const out: LedState = { state };
  if (v.color !== undefined) {
    const c = v.color as Record<string, unknown>;
    const ch = (k: 'r' | 'g' | 'b') => {
      const n = c?.[k];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255)
        throw new Error(`led color.${k} must be a whole number 0..255, got ${JSON.stringify(n)}`);
      return n;
    };
    out.color = { r: ch('r'), g: ch('g'), b: ch('b') };
  }
  if (v.effect !== undefined) {
    if (!EFFECTS.includes(v.effect as (typeof EFFECTS)[number]))
      throw new Error(`led effect must be one of ${EFFECTS.join(', ')}, got ${JSON.stringify(v.effect)}`);
    out.effect = v.effect as string;
  }
  return out;
}

export function parseTone(
  text: string,
): EarconName | { freqHz: number; durationMs: number; volume?: number }[] {
  const t = text.trim();
  if (!t.startsWith('[')) {
    if (!Object.hasOwn(EARCONS, t))
      throw new Error(
        `tone: "${t.slice(0, 40)}" is not an earcon (${Object.keys(EARCONS).join(', ')}) nor a JSON list of steps`,
      );
    return t as EarconName;
  }
  const steps = parseJson(t, 'tone');
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 16)
    throw new Error('tone steps must be a list of 1 to 16 {"freqHz","durationMs"} objects');
  return steps.map((s: Record<string, unknown>, i) => {
    const f = s?.freqHz;
    const d = s?.durationMs;
    if (typeof f !== 'number' || f < 0 || f > 20000)
      throw new Error(`tone step ${i}: freqHz must be 0..20000`);
    if (typeof d !== 'number' || d < 1 || d > 5000)
      throw new Error(`tone step ${i}: durationMs must be 1..5000`);
    return { freqHz: f, durationMs: d, ...(typeof s.volume === 'number' ? { volume: s.volume } : {}) };
  });
}

export function parseVolume(text: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 0 || n > 100)
    throw new Error(`volume takes a whole number 0..100, got "${text.slice(0, 20)}"`);
  return n;
}

/** Carries out one command on a board; rejects with the reason a payload was refused. */
export async function runCommand(
  rt: BoardRuntime,
  command: string,
  payload: string,
  hooks: CommandHooks,
): Promise<void> {
  const quiet = () => {}; // LED, tone and volume do not move the session
  switch (command) {
    case 'say': {
      const text = payload.trim();
      if (!text) throw new Error('say needs the text to speak');
      await rt.respond({ text, voice: text, status: 'info', late: true, command: 'mqtt say' });
      return;
    }
    case 'run': {
      const text = payload.trim().toLowerCase();
      if (!text) throw new Error('run needs the words of a command, e.g. "turn the light on"');
      await rt.dispatch(text);
      return;
    }
    case 'listen':
      rt.session.buttonClick();
      return;
    case 'led': {
      const led = parseLed(payload);
      const color = led.color ?? { r: 255, g: 255, b: 255 };
      await rt.responder.respond(
        {
          led:
            led.state === 'OFF' ? { effect: 'off' } : { effect: (led.effect ?? 'solid') as 'solid', color },
        },
        quiet,
      );
      hooks.ledState(
        led.state === 'OFF' ? { state: 'OFF' } : { state: 'ON', color, effect: led.effect ?? 'solid' },
      );
      return;
    }
    case 'tone':
      await rt.responder.respond({ tone: parseTone(payload) }, quiet);
      return;
    case 'volume':
      await rt.responder.respond({ volume: { level: parseVolume(payload) } }, quiet);
      return;
    case 'mute':
      rt.session.setMuted(onOff(payload, 'mute'));
      hooks.mutedState();
      return;
    default:
      throw new Error(`unknown command "${command}" (say, run, listen, led, tone, volume, mute)`);
  }
}
