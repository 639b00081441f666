import { createHash, randomBytes } from "node:crypto";

/** Every Rollcall API key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = "rk_";

/** Characters of a key kept in clear (prefix included) to tell keys apart in `rollcall keys list`. */
const SHOWN_CHARACTERS = 7;

/** A new random key: `rk_` and 32 random bytes in base64url (43 characters). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Hex SHA-256 of a key: what the database keeps instead of the key. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The part of a key safe to show in a listing (`rk_AbCd`). */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, SHOWN_CHARACTERS);
}

/** Whether a string has the shape of a Rollcall key (cheap check before touching the database). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(API_KEY_PREFIX.length));
}
