import { randomBytes } from "node:crypto";

/** Zoom's `next_page_token` lifetime (zoom-facts §5.2). */
export const PAGE_TOKEN_TTL_MS = 15 * 60 * 1000;

/**
 * Opaque, expiring `next_page_token`s. A token remembers which listing it continues (`scope`) and
 * where; using it for another listing or after it expired is refused, as on Zoom.
 */
export class PageTokens {
  private readonly tokens = new Map<string, { scope: string; offset: number; expiresAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = PAGE_TOKEN_TTL_MS,
  ) {}

  /** A token continuing listing `scope` at `offset`. */
  issue(scope: string, offset: number): string {
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, { scope, offset, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The offset a token continues at, or undefined when it is unknown, expired or for another listing. */
  resolve(token: string, scope: string): number | undefined {
    const entry = this.tokens.get(token);
    if (!entry || entry.scope !== scope) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    return entry.offset;
  }
}
