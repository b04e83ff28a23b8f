/**
 * Renders protocol/c/hark_layout.h from message-layout.ts: the C struct of every message and one X-macro
 * field list per message, which hark_msg.c's codec, the C tests' dump and random-message generator
 * expand. Adding a field to a message is then one edit here in TypeScript (plus its interface), and the
 * C side follows on regeneration. Written by vectors-generate.ts; generated.test.ts fails when stale.
 *
 * C naming: a message's struct is `hark_<snake name>_t` and its union member `<snake name>`; messages
 * with the same layout may share a struct (SHARED_STRUCTS). Field names are the snake_case of the
 * TypeScript names. A `gpio` field is a count `<field>_count` and a pointer to count {pin, caps} byte
 * pairs; a `tones` field is `count` and an array of HARK_MAX_TONE_STEPS `hark_tone_step_t`.
 */
import { C_NAME_GROUPS } from './c-header.js';
import { type FieldSpec, LAYOUTS } from './message-layout.js';
import * as M from './messages.js';

export const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Messages that share one C struct (their layouts must be identical), by struct base name. */
const SHARED_STRUCTS: Partial<Record<M.MessageTypeName, string>> = {
  SPEAKER_END: 'speaker_stream',
  SPEAKER_STOP: 'speaker_stream',
  GPIO_WRITE: 'gpio_value',
  GPIO_STATE: 'gpio_value',
};

const structOf = (name: M.MessageTypeName): string => `hark_${SHARED_STRUCTS[name] ?? name.toLowerCase()}_t`;

const C_TYPE: Record<FieldSpec['kind'], string> = {
  u8: 'uint8_t',
  u16: 'uint16_t',
  u32: 'uint32_t',
  codec: 'uint8_t',
  str8: 'hark_bytes_t',
  text: 'hark_bytes_t',
  bytes: 'hark_bytes_t',
  gpio: 'uint8_t',
  tones: 'uint8_t',
};

/** The C prefix of a field's name table (`HARK_LED_KIND_`), if it has one. */
function prefixOf(field: FieldSpec): string | undefined {
  if (!field.names) return undefined;
  return C_NAME_GROUPS.find((g) => g.values === field.names!.ids)?.prefix;
}

function comment(msg: M.MessageTypeName, field: FieldSpec): string {
  const parts: string[] = [];
  const prefix = prefixOf(field);
  if (prefix) parts.push(field.names!.allBits !== undefined ? `${prefix}* bits` : `${prefix}*`);
  if (field.kind === 'codec') parts.push('HARK_CODEC_*');
  if (field.kind === 'str8') parts.push(`UTF-8, not NUL-terminated, <= ${field.max} bytes`);
  if (field.kind === 'text' || field.kind === 'bytes') parts.push('the rest of the payload');
  if (!prefix && field.max !== undefined && (field.kind === 'u8' || field.kind === 'u16'))
    parts.push(`<= ${field.max}`);
  if (field.since) parts.push(`since 1.${field.since}; a 1.0 payload without it decodes as 0`);
  if (msg === 'HELLO' && (field.name === 'micCodecs' || field.name === 'speakerCodecs'))
    parts.push('bit (1 << HARK_CODEC_*)');
  return parts.length ? ` /* ${parts.join('; ')} */` : '';
}

function structBody(msg: M.MessageTypeName): string[] {
  const lines: string[] = [];
  for (const field of LAYOUTS[msg]) {
    const name = snake(field.name);
    if (field.kind === 'gpio') {
      lines.push(`    uint8_t ${name}_count; /* <= ${field.max} */`);
      lines.push(`    const uint8_t *${name}; /* ${name}_count pairs: pin, caps (HARK_GPIO_CAP_* bits) */`);
    } else if (field.kind === 'tones') {
      lines.push(`    uint8_t count; /* 1..${field.max} */`);
      lines.push(`    hark_tone_step_t ${name}[HARK_MAX_TONE_STEPS];`);
    } else {
      lines.push(`    ${C_TYPE[field.kind]} ${name};${comment(msg, field)}`);
    }
  }
  return lines;
}

const KIND_MACRO: Record<FieldSpec['kind'], string> = {
  u8: 'U8',
  u16: 'U16',
  u32: 'U32',
  codec: 'CODEC',
  str8: 'STR8',
  text: 'TEXT',
  bytes: 'BYTES',
  gpio: 'GPIO',
  tones: 'TONES',
};

function maxLiteral(field: FieldSpec): string {
  switch (field.kind) {
    case 'u8':
      return `${field.max ?? 0xff}U`;
    case 'u16':
      return `${field.max ?? 0xffff}U`;
    case 'u32':
      return '0xFFFFFFFFUL';
    case 'codec':
      return `${M.AudioCodecNames.max}U`;
    case 'text':
    case 'bytes':
      return `${M.MAX_PAYLOAD_BYTES}U`;
    default:
      return `${field.max}U`;
  }
}

function fieldList(msg: M.MessageTypeName): string {
  const rows = LAYOUTS[msg].map(
    (field) =>
      `    F(${KIND_MACRO[field.kind]}, p, ${snake(field.name)}, ${maxLiteral(field)}, ${field.since ?? 0})`,
  );
  return `#define HARK_LAYOUT_${msg}(F, p) \\\n${rows.join(' \\\n')}\n`;
}

/** The full text of hark_layout.h. */
export function renderLayoutHeader(): string {
  const names = Object.keys(M.MessageType) as M.MessageTypeName[];
  const structs: string[] = [];
  const done = new Map<string, M.MessageTypeName>();
  for (const name of names) {
    const struct = structOf(name);
    const first = done.get(struct);
    if (first) {
      if (JSON.stringify(LAYOUTS[first]) !== JSON.stringify(LAYOUTS[name]))
        throw new Error(`c-layout: ${first} and ${name} share ${struct} but their layouts differ`);
      continue;
    }
    done.set(struct, name);
    const users = names.filter((n) => structOf(n) === struct);
    structs.push(
      `/* ${users.join(', ')} */\ntypedef struct {\n${structBody(name).join('\n')}\n} ${struct};\n`,
    );
  }
  const members = names.map((n) => `    ${structOf(n)} ${n.toLowerCase()};`);
  const list = names.map((n) => `    X(${n}, ${n.toLowerCase()}, ${structOf(n)})`);
  const appended = names.flatMap((n) =>
    LAYOUTS[n].filter((f) => f.since).map((f) => `${n}.${snake(f.name)} (1.${f.since})`),
  );
  return `/*
 * hark_layout.h — the payload layout of every hark message (protocol/SPEC.md §3–4) for C: one struct per
 * message and one X-macro field list per message, in wire order.
 *
 * GENERATED by protocol/ts/vectors-generate.ts from protocol/ts/message-layout.ts (c-layout.ts).
 * Do not edit: change the TypeScript and run \`node dist/protocol/ts/vectors-generate.js\`.
 * protocol/ts/generated.test.ts fails when this file is stale. Included by hark_msg.h.
 *
 * X-macros
 *   HARK_MESSAGES(X)          X(NAME, member, struct_type) for every message, in id order
 *                             (HARK_MSG_<NAME> is its id, hark_msg_t.u.<member> its struct)
 *   HARK_LAYOUT_<NAME>(F, p)  F(KIND, p, field, max, since) for every field of <NAME>, in wire order;
 *                             p is passed through (a pointer to the message's struct)
 * KIND
 *   U8, U16, U32   little-endian integer; max = largest value an encoder may write (decoders accept any)
 *   CODEC          u8 audio codec id, <= max both ways (a codec nobody negotiated cannot be decoded)
 *   STR8           u8 length + that many bytes, length <= max both ways (a hark_bytes_t)
 *   TEXT, BYTES    the rest of the payload, UTF-8 text or binary data (a hark_bytes_t; max = the payload
 *                  limit)
 *   GPIO           u8 count <= max both ways, then count {pin u8, caps u8} pairs: <field>_count + <field>
 *   TONES          u8 count in 1..max both ways, then count {freq_hz u16, duration_ms u16, volume u8}
 * since            the minor version that appended the field (0: 1.0). A payload that ends right
 *                  before such a field is a sender of an older minor version: the field decodes as 0.
 *                  Appended so far: ${appended.join(', ') || 'none'}.
 */
#ifndef HARK_LAYOUT_H
#define HARK_LAYOUT_H

#include <stdint.h>

#include "hark_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A span of bytes owned by someone else. \`data\` may be NULL when \`len\` is 0. */
typedef struct {
    const uint8_t *data;
    uint16_t len;
} hark_bytes_t;

/** One TONE step. */
typedef struct {
    uint16_t freq_hz; /* 0 = a rest */
    uint16_t duration_ms;
    uint8_t volume; /* percent, <= HARK_MAX_PERCENT */
} hark_tone_step_t;

${structs.join('\n')}
/** The body of any message; hark_msg_t.type selects the member. */
typedef union {
${members.join('\n')}
} hark_msg_body_t;

#define HARK_MESSAGES(X) \\
${list.join(' \\\n')}

${names.map(fieldList).join('\n')}
#ifdef __cplusplus
}
#endif

#endif /* HARK_LAYOUT_H */
`;
}
