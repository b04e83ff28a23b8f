/** hark configuration: one TypeBox schema, resolution (defaults ← file ← HARK_* env), the file store. */
export { type HarkAnnotations, type Rgb, rgbToHex } from './keys.js';
export {
  CONFIG_SCHEMA,
  envNameOf,
  expectation,
  type HarkConfig,
  type HarkConfigFile,
  isLeafKey,
  type LedEffectConfig,
  leafKeys,
  OTHER_ENV,
  type SchemaNode,
  schemaAt,
} from './schema.js';
export {
  type ConfigReport,
  type ConfigSource,
  ConfigStore,
  type ConfigStoreOptions,
  defaultConfig,
  displayValue,
  userConfigDir,
} from './store.js';
export { getPath, problemWith, RENAMED_KEYS } from './values.js';
