/** Wyoming, both directions: boards as Home Assistant satellites, and remote ASR/TTS engines. */
export { encodeEvent, WYOMING_VERSION, WyomingDecoder, type WyomingEvent } from './codec.js';
export { connectWyoming, parseTcpUri, WyomingConnection } from './connection.js';
export { type RemoteAsrOptions, RemoteTranscription } from './remote-asr.js';
export { RemoteSynthesizer, type RemoteTtsOptions } from './remote-tts.js';
export { BoardSatellite, type SatelliteOptions } from './satellite.js';
export { type WyomingOptions, WyomingServices, wyomingOptions } from './services.js';
