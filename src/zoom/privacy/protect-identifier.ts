import { createHmac } from "node:crypto";
import { hashEmail, hashName } from "../events/privacy.js";
import { requireHashKey, type PrivacySettings } from "./privacy-settings.js";

/**
 * An e-mail as the privacy mode allows it to be kept: lower-cased (`store`), the keyed hash the
 * event normaliser also produces (`hash`, so e-mail matching still works), or nothing (`drop`).
 * Blank input gives `undefined`.
 */
export function protectEmail(email: string | null | undefined, settings: PrivacySettings): string | undefined {
  const trimmed = email?.trim();
  if (trimmed === undefined || trimmed === "") return undefined;
  if (settings.privacy === "store") return trimmed.toLowerCase();
  if (settings.privacy === "drop") return undefined;
  return hashEmail(trimmed, requireHashKey(settings));
}

/**
 * A display name as the privacy mode allows it to be kept: as given (`store`), a keyed hash
 * (`hash`: names can be compared, never read), or nothing (`drop`).
 */
export function protectName(name: string | null | undefined, settings: PrivacySettings): string | undefined {
  if (name === undefined || name === null || name.trim() === "") return undefined;
  if (settings.privacy === "store") return name;
  if (settings.privacy === "drop") return undefined;
  return hashName(name, requireHashKey(settings));
}

/** A phone number under `hash`: a keyed hash (bound phone legs still compare equal). */
export function hashPhoneNumber(phone: string, hashKey: string): string {
  return createHmac("sha256", hashKey).update(`phone:${phone.replace(/[^\d+]/g, "")}`).digest("hex");
}
