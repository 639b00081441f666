import { hashEmail, hashName } from "../events/privacy.js";
import { requireHashKey, type PrivacySettings } from "./privacy-settings.js";
import { hashPhoneNumber } from "./protect-identifier.js";

/** Keys holding an e-mail anywhere in a Zoom body (participants, registrants, report rows, operators). */
const EMAIL_KEYS = new Set(["email", "user_email", "registrant_email", "host_email", "operator"]);
/** Keys holding a person's name (participant `user_name`, report `name`, registrant names). */
const NAME_KEYS = new Set(["user_name", "name", "first_name", "last_name", "display_name", "participant_name"]);
/** Phone numbers: hashed under `hash` (still comparable), removed under `drop`. */
const PHONE_KEYS = new Set(["phone_number", "phone", "call_number", "caller_number"]);
/**
 * Registrant join links: their `tk=` token identifies the person, so `drop` blanks them (`hash` keeps
 * them: hashed identities stay comparable there, and a join link is not a name or an e-mail).
 */
const DROPPED_KEYS = new Set(["join_url"]);
/**
 * Further personal data Rollcall never uses (registration form answers, network addresses): removed
 * under both `hash` and `drop`.
 */
const REMOVED_KEYS = new Set([
  "address",
  "city",
  "zip",
  "state",
  "country",
  "org",
  "job_title",
  "industry",
  "comments",
  "custom_questions",
  "purchasing_time_frame",
  "role_in_purchase_process",
  "no_of_employees",
  "public_ip",
  "private_ip",
  "ip_address",
  "location",
]);

/**
 * A copy of a parsed Zoom body (webhook or report row) with names, e-mails and other personal data
 * hashed (`hash`) or blanked (`drop`), wherever they sit. Blanked fields become `""`, which Zoom
 * itself sends for hidden values, so the event schemas still accept the body. `store` returns the
 * input unchanged.
 */
export function stripZoomBody(body: unknown, settings: PrivacySettings): unknown {
  if (settings.privacy === "store") return body;
  const key = settings.privacy === "hash" ? requireHashKey(settings) : undefined;
  return strip(body, key);
}

/** `hashKey` undefined = drop mode. */
function strip(value: unknown, hashKey: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => strip(item, hashKey));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (REMOVED_KEYS.has(key)) continue;
    if (hashKey === undefined && typeof field === "string" && DROPPED_KEYS.has(key)) {
      out[key] = "";
      continue;
    }
    if (typeof field === "string" && (EMAIL_KEYS.has(key) || NAME_KEYS.has(key) || PHONE_KEYS.has(key))) {
      out[key] = protectText(key, field, hashKey);
      continue;
    }
    out[key] = strip(field, hashKey);
  }
  return out;
}

function protectText(key: string, text: string, hashKey: string | undefined): string {
  // Blank stays blank: it means "Zoom hid it", which hashing would turn into a fake identity.
  if (text.trim() === "" || hashKey === undefined) return "";
  if (EMAIL_KEYS.has(key)) return hashEmail(text, hashKey);
  if (PHONE_KEYS.has(key)) return hashPhoneNumber(text, hashKey);
  return hashName(text, hashKey);
}
