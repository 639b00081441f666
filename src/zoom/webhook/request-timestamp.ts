import { InvalidTimestampError, MissingHeaderError, TimestampOutOfWindowError } from "./verification-errors.js";

/**
 * Reads `x-zm-request-timestamp` as epoch milliseconds. Live captures show epoch *seconds*
 * (10 digits) while `event_ts` is milliseconds (zoom-facts §1.3); a wrong guess would reject every
 * delivery, so both shapes are accepted: up to 11 digits are seconds, exactly 13 are milliseconds.
 */
export function parseRequestTimestamp(header: string | undefined): number {
  if (header === undefined || header === "") throw new MissingHeaderError("x-zm-request-timestamp");
  if (/^\d{1,11}$/.test(header)) return Number(header) * 1000;
  if (/^\d{13}$/.test(header)) return Number(header);
  throw new InvalidTimestampError();
}

/**
 * Throws {@link TimestampOutOfWindowError} when `timestampMs` is more than `toleranceSeconds` away
 * from `nowMs`, in either direction (a replayed old delivery, or one from the future).
 */
export function assertTimestampInWindow(timestampMs: number, nowMs: number, toleranceSeconds: number): void {
  const skew = nowMs - timestampMs;
  if (skew > toleranceSeconds * 1000) throw new TimestampOutOfWindowError("stale", toleranceSeconds);
  if (-skew > toleranceSeconds * 1000) throw new TimestampOutOfWindowError("future", toleranceSeconds);
}
