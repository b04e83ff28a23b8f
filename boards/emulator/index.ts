/** The emulated board, its transports (pty, binding-mock) and fault injection. */
export * from './audio-source.js';
export * from './emulated-board.js';
export * from './faults.js';
export * from './pty-pair.js';
