/** The earliest time Rollcall accepts: 1970-01-01T00:00:00Z (epoch 0; the stores hold no negative times). */
export const earliestTimeMs = 0;
/** The latest time Rollcall accepts: 9999-12-31T23:59:59.999Z, the last one ISO-8601 writes with a four-digit year. */
export const latestTimeMs = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * True for an integer epoch-ms time between {@link earliestTimeMs} and {@link latestTimeMs}: one every
 * store column holds (int8, not a float) and every listing can print. Times are checked with this
 * where they enter (envelope, normaliser), so no stored row can break a listing later.
 */
export function isTimeInRange(ms: number): boolean {
  return Number.isInteger(ms) && ms >= earliestTimeMs && ms <= latestTimeMs;
}

/**
 * Reads Zoom's ISO-8601 UTC times (`2026-04-03T17:06:25Z`, sometimes with milliseconds or an offset)
 * as epoch ms. Returns undefined for anything else: `Date.parse` alone would accept "April 3".
 */
export function parseZoomTime(value: string): number | undefined {
  // Cheap shape check instead of a regex: this runs once or twice per event.
  if (value.length < 19 || value.charCodeAt(4) !== 45 /* - */ || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84 /* T */) {
    return undefined;
  }
  if (value.length === 20 && value.charCodeAt(19) === 90 /* Z */) {
    const ms = plainUtc(value);
    if (ms !== undefined) return ms;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) && isTimeInRange(ms) ? ms : undefined;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, Zoom's usual form, without `Date.parse` (a third of the normaliser's time).
 * Only plainly valid values (days up to 28, hours up to 23) take this path; everything else is left
 * to `Date.parse`, so the result is always what `Date.parse` gives.
 */
function plainUtc(v: string): number | undefined {
  if (v.charCodeAt(13) !== 58 /* : */ || v.charCodeAt(16) !== 58) return undefined;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000;
}

/** The decimal number in `v[at, at + n)`, or -1 when a character is not a digit. */
function digits(v: string, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * `event_ts` as epoch ms (a number in Zoom bodies; tolerate a numeric string). Undefined when absent,
 * not a number, fractional or out of range (see {@link isTimeInRange}): `1e300` or `1.5` cannot be
 * stored in an int8 column, and `9007199254740991` cannot be printed as a date.
 */
export function parseEventTs(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value !== "" ? Number(value) : undefined;
  return n !== undefined && isTimeInRange(n) ? n : undefined;
}

/** Why {@link parseEventTs} refused a value that is present, or undefined when it is absent (null, "", missing). */
export function eventTsProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return `event_ts: expected an integer epoch-ms time between ${earliestTimeMs} and ${latestTimeMs}, got ${JSON.stringify(value)?.slice(0, 40) ?? typeof value}`;
}
