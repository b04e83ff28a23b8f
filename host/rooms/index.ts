/** One answer per room: boards grouped by room; the loudest of a round answers. */
export { type Claim, RoomArbiter, type RoomHost, type RoomOptions, roomOptions } from './arbiter.js';
