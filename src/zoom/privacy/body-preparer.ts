import type { NormaliseOptions } from "../events/normalise-result.js";
import type { PrivacySettings } from "./privacy-settings.js";
import { stripZoomBody } from "./strip-zoom-body.js";

/**
 * Top-level key written into bodies the privacy mode has already stripped, naming the mode. The
 * pipeline reads it to avoid hashing a hash twice (see {@link normaliseOptionsForStoredBody}).
 */
export const STRIPPED_MARKER = "rollcall_privacy";

/** Same shape as the ingest hook `PrepareBodyForStorage` in `src/ingest/prepare-body.ts`. */
export type BodyPreparer = (rawBody: string, parsed: unknown) => string;

/**
 * The ingest hook that decides what the inbox keeps of a verified body. `store` keeps Zoom's exact
 * bytes; `hash`/`drop` keep a JSON re-serialisation with personal data hashed or blanked and a
 * {@link STRIPPED_MARKER}. It runs after the signature check, so verification sees the raw bytes.
 */
export function createBodyPreparer(settings: PrivacySettings): BodyPreparer {
  if (settings.privacy === "store") return (rawBody) => rawBody;
  return (_rawBody, parsed) => {
    const stripped = stripZoomBody(parsed, settings);
    if (typeof stripped !== "object" || stripped === null || Array.isArray(stripped)) return JSON.stringify(stripped);
    return JSON.stringify({ ...stripped, [STRIPPED_MARKER]: settings.privacy });
  };
}

/**
 * How the pipeline should normalise a body read back from the inbox: a stripped body already holds
 * what the privacy mode allows (hashes or blanks), so it is read as-is (`store`); a body stored raw
 * (before the mode was switched on) gets the configured mode applied now.
 */
export function normaliseOptionsForStoredBody(body: unknown, settings: PrivacySettings): NormaliseOptions {
  const marked = typeof body === "object" && body !== null && STRIPPED_MARKER in body;
  if (marked || settings.privacy === "store") return { privacy: "store" };
  return settings.hashKey === undefined ? { privacy: settings.privacy } : { privacy: settings.privacy, hashKey: settings.hashKey };
}
