import { createHmac } from "node:crypto";
import type { NormaliseOptions } from "./normalise-result.js";

/** Turns names and e-mails into what the privacy mode allows to be kept. */
export interface PersonalDataFilter {
  email(raw: string): string | undefined;
  name(raw: string): string | undefined;
}

/**
 * Keyed hash of an e-mail, the form e-mail links must take under `ROLLCALL_PRIVACY=hash`:
 * HMAC-SHA256 (keyed with `hashKey`) of the trimmed, lower-cased address, hex.
 */
export function hashEmail(email: string, hashKey: string): string {
  return createHmac("sha256", hashKey).update(email.trim().toLowerCase()).digest("hex");
}

/** Keyed hash of a display name (names are compared, never read, under `hash`); prefixed so it never equals an e-mail hash. */
export function hashName(name: string, hashKey: string): string {
  return createHmac("sha256", hashKey).update(`name:${name}`).digest("hex");
}

const STORE: PersonalDataFilter = { email: (raw) => raw.trim().toLowerCase(), name: (raw) => raw };
const DROP: PersonalDataFilter = { email: () => undefined, name: () => undefined };

/**
 * The filter for a privacy mode; throws when `hash` has no key (a configuration error, not a bad event).
 */
export function personalDataFilter(options: NormaliseOptions | undefined): PersonalDataFilter {
  const mode = options?.privacy ?? "store";
  if (mode === "store") return STORE;
  if (mode === "drop") return DROP;
  if (mode !== "hash") throw new Error(`privacy: expected "store", "hash" or "drop", got ${JSON.stringify(mode)}`);
  const key = options?.hashKey;
  if (typeof key !== "string" || key === "") throw new Error('hashKey: expected a non-empty secret when privacy is "hash"');
  return { email: (raw) => hashEmail(raw, key), name: (raw) => hashName(raw, key) };
}
