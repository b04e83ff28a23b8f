/**
 * hark wire protocol 1.1: message ids, enums and the typed message union.
 * protocol/SPEC.md is normative; every number here mirrors a table there. The name ↔ id tables at the
 * end (`LedEffectNames`, `AudioCodecNames`, …) are the one spelling of each enum value's name.
 */
import { bitTable, nameTable, type WireName } from './names.js';

export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 1;
/**
 * Version history (SPEC §2), newest last. hark_protocol.h carries the same lines.
 */
export const VERSION_HISTORY: readonly string[] = [
  '1.0 — first release',
  '1.1 — host_session in HELLO_ACK, rx_window_bytes in HELLO, PING token 0 asks for HELLO, speaker and pacing rules; 1.0 peers interoperate (section 2)',
];
/** Largest payload in one frame (SPEC §1). */
export const MAX_PAYLOAD_BYTES = 1024;
/** type u8 + seq u16 + crc u16. */
export const FRAME_OVERHEAD_BYTES = 5;
export const MAX_RAW_FRAME_BYTES = MAX_PAYLOAD_BYTES + FRAME_OVERHEAD_BYTES;
/** Largest COBS-encoded frame, without its 0x00 delimiter. */
export const MAX_COBS_FRAME_BYTES = 1034;
/** Largest frame on the wire, delimiter included. */
export const MAX_WIRE_FRAME_BYTES = MAX_COBS_FRAME_BYTES + 1;

export const MessageType = {
  HELLO: 0x01,
  HELLO_ACK: 0x02,
  PING: 0x03,
  PONG: 0x04,
  LOG: 0x05,
  ERROR: 0x06,
  AUDIO_START: 0x10,
  AUDIO: 0x11,
  AUDIO_END: 0x12,
  CAPTURE: 0x13,
  BUTTON: 0x20,
  LED: 0x30,
  TONE: 0x31,
  VOLUME: 0x32,
  SPEAKER_START: 0x40,
  SPEAKER_DATA: 0x41,
  SPEAKER_END: 0x42,
  SPEAKER_STOP: 0x43,
  SPEAKER_CREDIT: 0x44,
  GPIO_MODE: 0x50,
  GPIO_WRITE: 0x51,
  GPIO_READ: 0x52,
  GPIO_REPORT: 0x53,
  GPIO_STATE: 0x54,
} as const;
export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeId = (typeof MessageType)[MessageTypeName];

export const Feature = {
  AUDIO_PCM16: 1 << 0,
  AUDIO_ULAW: 1 << 1,
  AUDIO_ADPCM: 1 << 2,
  SPEAKER: 1 << 3,
  TONE: 1 << 4,
  LED: 1 << 5,
  GPIO: 1 << 6,
  BOARD_VAD: 1 << 7,
  CAPTURE: 1 << 8,
} as const;

export const AudioCodec = { PCM16: 0, ULAW: 1, IMA_ADPCM: 2 } as const;
export type AudioCodecId = (typeof AudioCodec)[keyof typeof AudioCodec];
/** Bit of an AudioCodec id in HELLO.mic_codecs / speaker_codecs. */
export const codecBit = (codec: AudioCodecId): number => 1 << codec;

export const LogLevel = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 } as const;
export const AudioTrigger = { BUTTON: 0, BOARD_VAD: 1, HOST_CAPTURE: 2, CONTINUOUS: 3 } as const;
export const AudioEndReason = {
  BUTTON_RELEASED: 0,
  BOARD_VAD: 1,
  OVERFLOW: 2,
  HOST_REQUEST: 3,
  MAX_LENGTH: 4,
  ERROR: 5,
} as const;
export const CaptureAction = { STOP: 0, START: 1 } as const;
export const CaptureMode = { SINGLE: 0, CONTINUOUS: 1 } as const;
export const ButtonEvent = { DOWN: 0, UP: 1, CLICK: 2, DOUBLE: 3, LONG: 4 } as const;
export const LedEffect = { OFF: 0, SOLID: 1, BLINK: 2, PULSE: 3, SPIN: 4 } as const;
export const LED_ALL = 0xff;
export const LedKind = { NONE: 0, GPIO_MONO: 1, GPIO_RGB: 2, ADDRESSABLE_RGB: 3 } as const;
export const SpeakerKind = { NONE: 0, PIEZO: 1, PCM: 2 } as const;
export const SpeakerState = { PLAYING: 0, FINISHED: 1, STOPPED: 2 } as const;
export const GpioMode = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4, INPUT_PULLUP: 5 } as const;
export const GpioCap = { INPUT: 1 << 0, OUTPUT: 1 << 1, ANALOG: 1 << 2, PWM: 1 << 3, SERVO: 1 << 4 } as const;
export const ErrorCode = {
  VERSION_MISMATCH: 1,
  BAD_MESSAGE: 2,
  UNSUPPORTED: 3,
  SPEAKER_OVERRUN: 4,
  CAPTURE_OVERFLOW: 5,
  GPIO_INVALID_PIN: 6,
  BUSY: 7,
} as const;
/** HELLO_ACK.flags bits (SPEC §4.1). */
export const HelloAckFlag = {
  /** The board's own VAD may end an utterance (tap-to-talk on the board, SPEC §9.3). */
  BOARD_VAD_MAY_END: 1 << 0,
} as const;
export const MAX_TONE_STEPS = 8;
/** PING.token 0 asks "who are you?": the board answers PONG and then sends HELLO (SPEC §4.2). */
export const PING_TOKEN_HELLO = 0;

export interface GpioPinInfo {
  pin: number;
  /** GpioCap bitmask. */
  caps: number;
}

export interface Hello {
  type: 'HELLO';
  versionMajor: number;
  versionMinor: number;
  features: number;
  boardModel: string;
  firmwareVersion: string;
  boardUid: string;
  micSampleRate: number;
  micBits: number;
  /** Bitmask of codecBit(AudioCodec). */
  micCodecs: number;
  micChannels: number;
  buttons: number;
  ledCount: number;
  ledKind: number;
  speakerKind: number;
  speakerSampleRate: number;
  speakerCodecs: number;
  speakerBufferBytes: number;
  maxRxPayload: number;
  gpio: GpioPinInfo[];
  /**
   * (1.1) Most bytes the host may have in flight to the board that it has not processed yet (its UART
   * receive buffer); 0 = no limit beyond max_rx_payload. A 1.0 HELLO decodes as 0 (check versionMinor).
   */
  rxWindowBytes: number;
}

export interface HelloAck {
  type: 'HELLO_ACK';
  versionMajor: number;
  versionMinor: number;
  features: number;
  audioCodec: AudioCodecId;
  audioSampleRate: number;
  chunkMs: number;
  heartbeatMs: number;
  /** HelloAckFlag bits. */
  flags: number;
  /**
   * (1.1) Random non-zero number the host draws for each handshake of a link; a repeated HELLO_ACK of
   * the same session is a duplicate, another one a reconnect. 0 = no session (a 1.0 host).
   */
  hostSession: number;
}

export interface Ping {
  type: 'PING';
  token: number;
}
export interface Pong {
  type: 'PONG';
  token: number;
  uptimeMs: number;
  rxFramesBad: number;
  audioOverflows: number;
}
export interface Log {
  type: 'LOG';
  level: number;
  text: string;
}
export interface ErrorMessage {
  type: 'ERROR';
  code: number;
  message: string;
}
export interface AudioStart {
  type: 'AUDIO_START';
  stream: number;
  codec: AudioCodecId;
  sampleRate: number;
  trigger: number;
}
export interface Audio {
  type: 'AUDIO';
  stream: number;
  chunk: number;
  /** Encoded audio block; a view into the frame's payload (copy it to keep it). */
  data: Uint8Array;
}
export interface AudioEnd {
  type: 'AUDIO_END';
  stream: number;
  reason: number;
  chunks: number;
  droppedSamples: number;
}
export interface Capture {
  type: 'CAPTURE';
  action: number;
  mode: number;
  maxMs: number;
}
export interface Button {
  type: 'BUTTON';
  button: number;
  event: number;
}
export interface Led {
  type: 'LED';
  index: number;
  effect: number;
  r: number;
  g: number;
  b: number;
  periodMs: number;
  durationMs: number;
}
export interface ToneStep {
  freqHz: number;
  durationMs: number;
  volume: number;
}
export interface Tone {
  type: 'TONE';
  steps: ToneStep[];
}
export interface Volume {
  type: 'VOLUME';
  level: number;
}
export interface SpeakerStart {
  type: 'SPEAKER_START';
  stream: number;
  codec: AudioCodecId;
  sampleRate: number;
}
export interface SpeakerData {
  type: 'SPEAKER_DATA';
  stream: number;
  data: Uint8Array;
}
export interface SpeakerEnd {
  type: 'SPEAKER_END';
  stream: number;
}
export interface SpeakerStop {
  type: 'SPEAKER_STOP';
  stream: number;
}
export interface SpeakerCredit {
  type: 'SPEAKER_CREDIT';
  stream: number;
  creditBytes: number;
  bufferedBytes: number;
  state: number;
  underruns: number;
}
export interface GpioModeMessage {
  type: 'GPIO_MODE';
  pin: number;
  mode: number;
}
export interface GpioWrite {
  type: 'GPIO_WRITE';
  pin: number;
  value: number;
}
export interface GpioRead {
  type: 'GPIO_READ';
  pin: number;
}
export interface GpioReport {
  type: 'GPIO_REPORT';
  pin: number;
  enable: number;
  intervalMs: number;
}
export interface GpioState {
  type: 'GPIO_STATE';
  pin: number;
  value: number;
}

export type Message =
  | Hello
  | HelloAck
  | Ping
  | Pong
  | Log
  | ErrorMessage
  | AudioStart
  | Audio
  | AudioEnd
  | Capture
  | Button
  | Led
  | Tone
  | Volume
  | SpeakerStart
  | SpeakerData
  | SpeakerEnd
  | SpeakerStop
  | SpeakerCredit
  | GpioModeMessage
  | GpioWrite
  | GpioRead
  | GpioReport
  | GpioState;

export type MessageOf<T extends MessageTypeName> = Extract<Message, { type: T }>;

/** A frame after COBS and CRC checks, before message decoding. */
export interface Frame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

// ---- name ↔ id tables (names.ts): the one spelling of each enum value's name --------------------------

export const MessageTypeNames = nameTable(MessageType);
export const FeatureNames = bitTable(Feature);
export const AudioCodecNames = nameTable(AudioCodec);
export type AudioCodecName = WireName<keyof typeof AudioCodec>;
export const LogLevelNames = nameTable(LogLevel);
export type LogLevelName = WireName<keyof typeof LogLevel>;
export const AudioTriggerNames = nameTable(AudioTrigger);
export type AudioTriggerName = WireName<keyof typeof AudioTrigger>;
export const AudioEndReasonNames = nameTable(AudioEndReason);
export type AudioEndReasonName = WireName<keyof typeof AudioEndReason>;
export const CaptureActionNames = nameTable(CaptureAction);
export const CaptureModeNames = nameTable(CaptureMode);
export type CaptureModeName = WireName<keyof typeof CaptureMode>;
export const ButtonEventNames = nameTable(ButtonEvent);
export type ButtonEventName = WireName<keyof typeof ButtonEvent>;
export const LedEffectNames = nameTable(LedEffect);
export type LedEffectName = WireName<keyof typeof LedEffect>;
export const LedKindNames = nameTable(LedKind);
export type LedKindName = WireName<keyof typeof LedKind>;
export const SpeakerKindNames = nameTable(SpeakerKind);
export type SpeakerKindName = WireName<keyof typeof SpeakerKind>;
export const SpeakerStateNames = nameTable(SpeakerState);
export type SpeakerStateName = WireName<keyof typeof SpeakerState>;
export const GpioModeNames = nameTable(GpioMode);
export type GpioModeName = WireName<keyof typeof GpioMode>;
export const GpioCapNames = bitTable(GpioCap);
export type GpioCapName = WireName<keyof typeof GpioCap>;
export const ErrorCodeNames = nameTable(ErrorCode);
export type ErrorCodeName = WireName<keyof typeof ErrorCode>;
export const HelloAckFlagNames = bitTable(HelloAckFlag);
