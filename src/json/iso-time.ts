/**
 * The one way Rollcall prints a time, in every JSON answer, CSV and outbound event: epoch ms →
 * ISO-8601 UTC without milliseconds when they are zero (Zoom's own style), or null for
 * null and for a value no date can show (out of `Date`'s range, not a number). A listing prints one
 * bad stored time as null instead of failing for every row with "Invalid time value".
 */
export function isoTime(ms: number | string | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.000Z$/, "Z");
}
