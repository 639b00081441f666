import type { IdentifierField } from "./instance-result.js";
import type { IdentifierLinkMethod } from "./link.js";

/**
 * The session identifier fields each link method is matched against: the one map the engine's
 * resolution (`identity.ts`) and the store's re-resolution (`instancesAffectedByLinks`) both read,
 * so a new link marks exactly the instances the engine would resolve differently.
 *
 * - `registrant_id` also reads `id` and `participant_user_id`: in older data a registered guest who
 *   was not logged in to Zoom showed the registrant id in `id` (forum thread 13006, zoom-facts §2.2).
 * - `zoom_user_id` reads `participant_user_id` and the deprecated `id`.
 * - `name_token` reads `user_name`, but through the name pattern: a token cannot be matched by value.
 */
export const IDENTIFIER_FIELDS_OF_METHOD: Readonly<Record<IdentifierLinkMethod, readonly IdentifierField[]>> = Object.freeze({
  customer_key: Object.freeze(["customer_key"] as const),
  registrant_id: Object.freeze(["registrant_id", "id", "participant_user_id"] as const),
  zoom_user_id: Object.freeze(["participant_user_id", "id"] as const),
  email: Object.freeze(["email"] as const),
  name_token: Object.freeze(["user_name"] as const),
});

/**
 * Identifier fields by code, as the engine's working columns hold them (the order is arbitrary:
 * results are sorted by the field's name).
 */
export const FIELD_OF_CODE: readonly IdentifierField[] = Object.freeze(["customer_key", "registrant_id", "participant_user_id", "id", "email", "user_name"] as const);
export const CUSTOMER_KEY = 0;
export const REGISTRANT_ID = 1;
export const PARTICIPANT_USER_ID = 2;
export const ID = 3;
export const EMAIL = 4;
export const USER_NAME = 5;

/** The fields a method reads, as a bit mask over field codes (bit `1 << code`). */
export function fieldMaskOf(method: IdentifierLinkMethod): number {
  let mask = 0;
  for (const field of IDENTIFIER_FIELDS_OF_METHOD[method]) mask |= 1 << FIELD_OF_CODE.indexOf(field);
  return mask;
}
