import type { IdentifierLinkMethod, Link } from "./link.js";

/** A user an identifier value points at; registrant links may be limited to one meeting. */
export interface LinkTarget {
  userId: string;
  meetingId?: string;
}

/**
 * Links arranged for lookup: one Map per method from value to users, and manual links by
 * instance + session. Build it once per batch of results; building is O(links).
 */
export interface LinkIndex {
  readonly kind: "link-index";
  readonly byMethod: ReadonlyMap<IdentifierLinkMethod, ReadonlyMap<string, readonly LinkTarget[]>>;
  /** Key: `${instanceUuid}\u0000${sessionKey}`. */
  readonly manual: ReadonlyMap<string, readonly string[]>;
}

/**
 * Builds a {@link LinkIndex}. E-mail link values are trimmed and lower-cased (hashed values are hex,
 * which lower-casing leaves alone); other values are compared exactly.
 */
export function buildLinkIndex(links: readonly Link[]): LinkIndex {
  const builder = new LinkIndexBuilder();
  builder.add(links);
  return builder.index;
}

/** A {@link LinkIndex} built a slice of links at a time (so a caller can pause between slices). */
export class LinkIndexBuilder {
  private readonly byMethod = new Map<IdentifierLinkMethod, Map<string, LinkTarget[]>>();
  private readonly manual = new Map<string, string[]>();

  add(links: readonly Link[]): void {
    for (const link of links) {
      if (link.method === "manual") {
        const key = manualKey(link.instanceUuid, link.sessionKey);
        const users = this.manual.get(key);
        if (users === undefined) this.manual.set(key, [link.userId]);
        else if (!users.includes(link.userId)) users.push(link.userId);
        continue;
      }
      const value = link.method === "email" ? link.value.trim().toLowerCase() : link.value;
      let values = this.byMethod.get(link.method);
      if (values === undefined) this.byMethod.set(link.method, (values = new Map()));
      const target: LinkTarget = link.meetingId !== undefined && link.method === "registrant_id" ? { userId: link.userId, meetingId: link.meetingId } : { userId: link.userId };
      const targets = values.get(value);
      if (targets === undefined) values.set(value, [target]);
      else if (!targets.some((t) => t.userId === target.userId && t.meetingId === target.meetingId)) targets.push(target);
    }
  }

  /** The index of every link added so far. */
  get index(): LinkIndex {
    return { kind: "link-index", byMethod: this.byMethod, manual: this.manual };
  }
}

/** The manual-link lookup key for a session of an instance. */
export function manualKey(instanceUuid: string, sessionKey: string): string {
  return `${instanceUuid}\u0000${sessionKey}`;
}

/** Accepts links or an index built earlier. */
export function toLinkIndex(links: readonly Link[] | LinkIndex): LinkIndex {
  return "kind" in links && (links as LinkIndex).kind === "link-index" ? (links as LinkIndex) : buildLinkIndex(links as readonly Link[]);
}
