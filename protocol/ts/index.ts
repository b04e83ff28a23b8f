/** The hark wire protocol in TypeScript (protocol/SPEC.md): framing, messages, audio block codecs. */
export * from './audio/index.js';
export * from './cobs.js';
export * from './crc16.js';
export * from './frame-decoder.js';
export * from './frame-encoder.js';
export * from './message-codec.js';
export * from './message-decoder.js';
export * from './message-encoder.js';
export * from './message-layout.js';
export * from './message-stream.js';
export * from './messages.js';
