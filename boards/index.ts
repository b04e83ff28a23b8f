/** Board profiles (schema, loader, USB matching, HELLO capabilities). The emulator is in ./emulator/. */
export * from './profiles/profile-loader.js';
export * from './profiles/profile-schema.js';
