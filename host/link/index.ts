/** The link: serial boards served by one worker thread, reached from main through LinkManager. */
export type * from './audio-route.js';
export { type ListedPort, listPorts, type PortListing } from './discovery.js';
export { LinkManager } from './link-manager.js';
export type * from './types.js';
