/** Board profiles (schema, loader, USB matching, HELLO capabilities). The emulator is in ./emulator/. */
export * from './profile-loader.js';
export * from './profile-schema.js';
