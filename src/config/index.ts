export {
  configSchema,
  DEFAULT_API_BASE_URL,
  DEFAULT_OAUTH_URL,
  defaultNamePattern,
  privacyModes,
  reconcileTimingSchema,
  statusPolicySchema,
  zoomSettingsSchema,
  type ConfigInput,
  type PrivacyMode,
  type ReconcileTiming,
  type StatusPolicy,
  type ZoomApp,
  type ZoomSettings,
} from "./config-schema.js";
export { ConfigError, configFromEnvironment, environmentVariables, variableForKey, type EnvironmentVariable } from "./environment.js";
export { ensureGeneratedSecret, joinTokenSecretFile, privacyHashKeyFile, webhookSecretFile } from "./generated-secrets.js";
export { loadConfig, type Config, type LoadConfigOptions } from "./load-config.js";
