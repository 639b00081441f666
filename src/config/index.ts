export { configSchema, defaultNamePattern, privacyModes, statusPolicySchema, type ConfigInput, type PrivacyMode, type StatusPolicy, type ZoomApp } from "./config-schema.js";
export { ConfigError, configFromEnvironment, environmentVariables } from "./environment.js";
export { ensureGeneratedSecret, joinTokenSecretFile, privacyHashKeyFile, webhookSecretFile } from "./generated-secrets.js";
export { loadConfig, type Config, type LoadConfigOptions } from "./load-config.js";
