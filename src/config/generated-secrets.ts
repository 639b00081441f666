import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** File in the data directory holding the webhook secret generated on first start. */
export const webhookSecretFile = "zoom-webhook-secret";
/** File in the data directory holding the key for `ROLLCALL_PRIVACY=hash`. */
export const privacyHashKeyFile = "privacy-hash-key";
/** File in the data directory holding the HMAC key for hosted-join tokens (`ROLLCALL_JOIN_TOKEN_SECRET`). */
export const joinTokenSecretFile = "join-token-secret";

/**
 * Returns the secret kept in `dataDir/fileName`, creating it (random, 0600) on first use.
 * `created` tells the caller to show it once, e.g. with the endpoint URL to paste into Zoom.
 */
export function ensureGeneratedSecret(dataDir: string, fileName: string, bytes = 24): { value: string; created: boolean } {
  const path = join(dataDir, fileName);
  try {
    const value = readFileSync(path, "utf8").trim();
    if (value !== "") return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(bytes).toString("base64url");
  // "wx" so two processes starting at once cannot both write different secrets.
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return { value: readFileSync(path, "utf8").trim(), created: false };
    throw error;
  }
  return { value, created: true };
}
