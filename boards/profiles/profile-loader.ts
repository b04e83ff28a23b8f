/**
 * Loads and indexes the board profiles in `boards/profiles/`, matches USB ids to profiles and turns a
 * profile into the HELLO capabilities its firmware (or the emulator) announces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarkError } from '../../base/errors.js';
import {
  AudioCodecNames,
  codecBit,
  Feature,
  GpioCapNames,
  type Hello,
  LedKindNames,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
  SpeakerKindNames,
} from '../../protocol/ts/messages.js';
import { type BoardProfile, type CodecName, validateProfile } from './profile-schema.js';

/** `boards/profiles/` in the repository (resolved from dist/boards/ at run time). */
export const DEFAULT_PROFILE_DIR = fileURLToPath(new URL('../../../boards/profiles/', import.meta.url));

const cache = new Map<string, Map<string, BoardProfile>>();

/**
 * Reads and validates every `*.json` in `dir` (synchronously, once per directory: profiles are a few
 * kilobytes read at start-up). Throws HARK_ERR_BOARD_PROFILE_INVALID naming the file and field.
 */
export function loadProfiles(dir = DEFAULT_PROFILE_DIR): ReadonlyMap<string, BoardProfile> {
  const hit = cache.get(dir);
  if (hit) return hit;
  const out = new Map<string, BoardProfile>();
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const file = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new HarkError(
        'HARK_ERR_BOARD_PROFILE_INVALID',
        `board profile ${file} is not valid JSON: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    const p = validateProfile(json, file);
    if (p.id !== basename(name, '.json')) {
      throw new HarkError(
        'HARK_ERR_BOARD_PROFILE_INVALID',
        `board profile ${file}: id "${p.id}" must equal the file name`,
      );
    }
    out.set(p.id, p);
  }
  cache.set(dir, out);
  return out;
}

/** The profile called `id`; throws HARK_ERR_BOARD_PROFILE_UNKNOWN listing the known ones. */
export function getProfile(id: string, dir = DEFAULT_PROFILE_DIR): BoardProfile {
  const all = loadProfiles(dir);
  const p = all.get(id);
  if (!p) {
    throw new HarkError(
      'HARK_ERR_BOARD_PROFILE_UNKNOWN',
      `unknown board profile "${id}"; known: ${[...all.keys()].join(', ')}`,
    );
  }
  return p;
}

/** Profiles whose USB ids match (case-insensitive: Windows reports them in upper case). */
export function matchUsb(
  vendorId: string | undefined,
  productId: string | undefined,
  dir = DEFAULT_PROFILE_DIR,
): BoardProfile[] {
  if (!vendorId || !productId) return [];
  const v = vendorId.toLowerCase();
  const pr = productId.toLowerCase();
  return [...loadProfiles(dir).values()].filter((p) =>
    p.usb.some((u) => u.vendorId.toLowerCase() === v && u.productId.toLowerCase() === pr),
  );
}

const codecMask = (names: readonly CodecName[] = []): number =>
  names.reduce((m, n) => m | codecBit(AudioCodecNames.id(n)!), 0);

/** The feature bits (SPEC §5) a board with this profile announces. */
export function profileFeatures(p: BoardProfile): number {
  let f = codecMask(p.audio.codecs) | Feature.CAPTURE; // codec bits 0..2 equal the feature bits 0..2
  if (p.speaker.kind === 'pcm') f |= Feature.SPEAKER;
  if (p.speaker.kind !== 'none') f |= Feature.TONE;
  if (p.leds.count > 0) f |= Feature.LED;
  if (p.gpio.length > 0) f |= Feature.GPIO;
  if (p.audio.boardVad) f |= Feature.BOARD_VAD;
  return f;
}

/** The HELLO a board built to this profile sends (firmware version and uid are the caller's). */
export function helloForProfile(p: BoardProfile, firmwareVersion: string, boardUid: string): Hello {
  const pcm = p.speaker.kind === 'pcm';
  return {
    type: 'HELLO',
    versionMajor: PROTOCOL_MAJOR,
    versionMinor: PROTOCOL_MINOR,
    features: profileFeatures(p),
    boardModel: p.id,
    firmwareVersion,
    boardUid,
    micSampleRate: p.audio.sampleRate,
    micBits: p.audio.bits,
    micCodecs: codecMask(p.audio.codecs),
    micChannels: 1,
    buttons: p.buttons.length,
    ledCount: p.leds.count,
    ledKind: LedKindNames.id(p.leds.kind)!,
    speakerKind: SpeakerKindNames.id(p.speaker.kind)!,
    speakerSampleRate: pcm ? (p.speaker.sampleRate ?? 0) : 0,
    speakerCodecs: pcm ? codecMask(p.speaker.codecs) : 0,
    speakerBufferBytes: pcm ? (p.speaker.bufferBytes ?? 0) : 0,
    maxRxPayload: p.maxRxPayload,
    gpio: p.gpio.map((g) => ({
      pin: g.pin,
      caps: GpioCapNames.mask(g.caps),
    })),
    rxWindowBytes: p.rxWindowBytes ?? 0,
  };
}
