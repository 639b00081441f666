import { randomBytes, timingSafeEqual } from "node:crypto";

/** Why a bearer token was refused. */
export type TokenCheck = "ok" | "missing" | "invalid" | "expired";

/**
 * Issues and checks the emulator's Server-to-Server OAuth bearer tokens. Tokens are random and
 * opaque (Zoom's are JWTs, but clients must not look inside them) and expire after `ttlSeconds`.
 */
export class AccessTokens {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** Lifetime of a token in seconds; Zoom's is 3600. */
    public ttlSeconds = 3600,
  ) {}

  /** Issues a fresh token; several live tokens may coexist, as on Zoom. */
  issue(): { token: string; expiresIn: number } {
    const token = randomBytes(32).toString("base64url");
    this.expiries.set(token, this.now() + this.ttlSeconds * 1000);
    return { token, expiresIn: this.ttlSeconds };
  }

  /** Checks an `Authorization` header value. */
  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return "missing";
    const expiry = this.expiries.get(match[1]!);
    if (expiry === undefined) return "invalid";
    if (this.now() >= expiry) return "expired";
    return "ok";
  }

  /** When `token` expires (epoch ms by the world's clock), or undefined for a token never issued or revoked. */
  expiryOf(token: string): number | undefined {
    return this.expiries.get(token);
  }

  /** Makes every token issued so far invalid (as if the app was deactivated and reactivated). */
  revokeAll(): void {
    this.expiries.clear();
  }
}

/** Constant-time string comparison for credentials. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
