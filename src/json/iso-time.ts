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

const isoDateOnly = /^\d{4}-\d{2}-\d{2}$/;
const isoDateOrTime = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 date (`2026-12-07`, midnight UTC) or time (`2026-12-07T09:00:00Z`) → epoch ms; undefined for anything else. */
export function parseIsoTime(value: string): number | undefined {
  if (!isoDateOrTime.test(value)) return undefined;
  const ms = Date.parse(isoDateOnly.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The exclusive end of a date range (`to`), one rule for the CLI, the API and the dashboard: a
 * date alone includes its whole day (the bound is the next midnight, UTC); a time is the bound.
 */
export function parseRangeEnd(value: string): number | undefined {
  const ms = parseIsoTime(value);
  return ms !== undefined && isoDateOnly.test(value) ? ms + 86_400_000 : ms;
}
