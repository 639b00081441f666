import { ensureGeneratedSecret, privacyHashKeyFile, type Config } from "../../config/index.js";

/** What Rollcall keeps of names and e-mails (`ROLLCALL_PRIVACY`), with the key `hash` needs. */
export interface PrivacySettings {
  privacy: "store" | "hash" | "drop";
  /** Secret for keyed hashes; required when `privacy` is `hash`. */
  hashKey?: string;
}

/**
 * The privacy settings of a loaded configuration. Under `hash` without `ROLLCALL_HASH_KEY` the key
 * is generated once into the data directory, so every process sharing that directory hashes alike.
 */
export function privacySettingsFromConfig(config: Pick<Config, "privacy" | "privacyHashKey" | "dataDir">): PrivacySettings {
  if (config.privacy !== "hash") return { privacy: config.privacy };
  const hashKey = config.privacyHashKey ?? ensureGeneratedSecret(config.dataDir, privacyHashKeyFile).value;
  return { privacy: "hash", hashKey };
}

/** The hash key, or a clear error naming the setting when `hash` mode has none. */
export function requireHashKey(settings: PrivacySettings): string {
  if (settings.hashKey === undefined || settings.hashKey === "") {
    throw new Error('ROLLCALL_HASH_KEY (privacyHashKey): expected a secret when ROLLCALL_PRIVACY is "hash"');
  }
  return settings.hashKey;
}
