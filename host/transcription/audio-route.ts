/** The messages a stream's port takes: LINK's binding definition, re-exported for transcription. */
export type { AudioRouteMessage } from '../link/audio-route.js';
