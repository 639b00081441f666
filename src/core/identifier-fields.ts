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
