import type { Link } from "../core/link.js";
import type { ScopedValue, StoredLinkMethod } from "./links-repository.js";
import type { UserLinkLists } from "./user-import-schema.js";

/** An identifier method a user's lists hold (every stored method but `manual`). */
export type ListedLinkMethod = Exclude<StoredLinkMethod, "manual">;

/**
 * The identifier lists a row or a patch gives, by link method (lists left out are left out here
 * too, so their links are kept). Values are de-duplicated; registrants are scoped to their meeting.
 */
export function linkListEntries(lists: UserLinkLists): Array<[ListedLinkMethod, ScopedValue[]]> {
  const out: Array<[ListedLinkMethod, ScopedValue[]]> = [];
  const plain = (values: string[]) => [...new Set(values)].map((value) => ({ value, scope: "" }));
  if (lists.zoomUserIds) out.push(["zoom_user_id", plain(lists.zoomUserIds)]);
  if (lists.customerKeys) out.push(["customer_key", plain(lists.customerKeys)]);
  if (lists.nameTokens) out.push(["name_token", plain(lists.nameTokens)]);
  if (lists.registrants) out.push(["registrant_id", lists.registrants.map((r) => ({ value: r.registrantId, scope: r.meetingId }))]);
  return out;
}

/** A stored identifier as the engine's link (what re-resolution looks for). */
export function asLink(method: ListedLinkMethod, v: ScopedValue, userId: string): Link {
  const link: Link = { method, value: v.value, userId };
  if (v.scope !== "") link.meetingId = v.scope;
  return link;
}
