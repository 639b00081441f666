import type { Random } from "./random.js";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX = "0123456789ABCDEF";

/** A Zoom account, user or registrant id: 22 base64url characters (e.g. `0s-Blj-PIJwJwhuzXB3UOA`). */
export function zoomId(random: Random): string {
  return random.string(BASE64URL, 22);
}

/** An instance or breakout-room UUID: 16 random bytes in standard base64 (`…==`, may hold `/` and `+`). */
export function instanceUuid(random: Random): string {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) bytes[i] = random.int(0, 255);
  return bytes.toString("base64");
}

/** A `participant_uuid`: an upper-case GUID such as `10010282-DB44-816C-EAE6-61EE82AF0F62`. */
export function participantUuid(random: Random): string {
  const parts = [8, 4, 4, 4, 12].map((n) => random.string(HEX, n));
  return parts.join("-");
}

/** A registrant token for a personal join link (`tk=`). */
export function registrantToken(random: Random): string {
  return random.string(BASE64URL, 43);
}

/**
 * Hands out per-connection `user_id`s the way Zoom's look: small numbers spaced by 1024 from
 * 16778240 (0x1001000), so the same values (16778240, 16779264, …) recur in every meeting, and
 * now and then a value from a higher block (67109888, 117441536) as seen in captures.
 */
export class UserIdAllocator {
  private next = 16778240;
  private readonly used = new Set<number>();

  constructor(private readonly random: Random) {}

  /** A fresh numeric-string `user_id` for one main-room connection or room move, unique in the instance. */
  allocate(): string {
    // Captures show occasional ids in a higher 2^24 block; keep them rare.
    if (this.random.chance(0.05)) {
      const id = this.random.pick([4, 5, 7]) * 16777216 + 1024 * this.random.int(1, 64);
      if (!this.used.has(id)) {
        this.used.add(id);
        return String(id);
      }
    }
    while (this.used.has(this.next)) this.next += 1024;
    this.used.add(this.next);
    return String(this.next);
  }
}

/**
 * A breakout-room `user_id` as captured in 2026: a numeric id glued to a local timestamp with
 * milliseconds after a colon, e.g. `"167956482026-02-02 11:21:31:000"`.
 */
export function breakoutUserId(numeric: string, openedAtMs: number): string {
  const iso = new Date(openedAtMs).toISOString(); // 2026-02-02T11:21:31.000Z
  return `${numeric}${iso.slice(0, 10)} ${iso.slice(11, 19)}:${iso.slice(20, 23)}`;
}
