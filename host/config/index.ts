/** hark configuration: schema, resolution (defaults ← file ← HARK_* env) and the conf-backed store. */
export {
  ConfigStore,
  type ConfigStoreOptions,
  defaultConfig,
  envNameOf,
  getPath,
  type HarkConfig,
  type LedEffectConfig,
  leafKeys,
} from './config.js';
export { CONFIG_SCHEMA, type SchemaNode, schemaAt } from './schema.js';
