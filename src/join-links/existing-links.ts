import type { Kysely } from "kysely";
import { listLinks } from "../directory/links-repository.js";
import type { Database } from "../store/index.js";
import { ZoomApiError, type ZoomApiClient } from "../zoom/api/index.js";
import { JoinLinkError, type AppUser } from "./app-user.js";
import { MAX_CUSTOMER_KEY_LENGTH, USABLE_CUSTOMER_KEY } from "./sdk-links.js";
import type { RegistrantJoinLink } from "./registrant-links.js";

/**
 * The customer key an SDK join of `meetingId` should reuse: the user's own, so repeated joins never
 * pile up keys. One issued for this meeting first, else one the app gave (no meeting), else one
 * issued for another meeting; the oldest of a kind. Undefined when the user has none.
 * Throws {@link JoinLinkError} when every key the user has is one Zoom cannot carry.
 */
export async function existingCustomerKey(db: Kysely<Database>, accountId: string, externalId: string, meetingId: string): Promise<string | undefined> {
  const keys = await listLinks(db, accountId, { externalId, method: "customer_key" });
  if (keys.length === 0) return undefined;
  const rank = (scope: string) => (scope === meetingId ? 0 : scope === "" ? 1 : 2);
  const usable = keys.filter((k) => USABLE_CUSTOMER_KEY.test(k.value)).sort((a, b) => rank(a.scope) - rank(b.scope) || a.id - b.id);
  if (usable.length === 0) {
    throw new JoinLinkError("customerKey", `customerKey: user "${externalId}" has customer keys, but none Zoom can carry (1 to ${MAX_CUSTOMER_KEY_LENGTH} printable characters, no spaces, no "@"); replace them (PATCH /api/v1/users/${externalId})`);
  }
  return usable[0]!.value;
}

/**
 * The user's registrant of this meeting, read back from Zoom with its personal join URL, so a
 * repeated registrant link reuses it instead of registering again (a user without an e-mail would
 * get a new synthetic registrant every time). Undefined when the user has none that Zoom still
 * holds as approved (a registrant deleted or denied in Zoom is registered anew).
 */
export async function existingRegistrant(db: Kysely<Database>, zoom: ZoomApiClient, accountId: string, user: AppUser, meetingId: string): Promise<RegistrantJoinLink | undefined> {
  const links = await listLinks(db, accountId, { externalId: user.externalId, method: "registrant_id", scope: meetingId });
  for (const link of links) {
    let registrant;
    try {
      registrant = await zoom.getRegistrant(meetingId, link.value);
    } catch (error) {
      if (error instanceof ZoomApiError && (error.status === 404 || error.status === 400)) continue;
      throw error;
    }
    if (registrant.status !== "approved" || typeof registrant.join_url !== "string") continue;
    return {
      link: { method: "registrant_id", value: link.value, userId: user.externalId, meetingId },
      joinUrl: registrant.join_url,
      registrantEmail: registrant.email,
    };
  }
  return undefined;
}
