/**
 * Reads Zoom's ISO-8601 UTC times (`2026-04-03T17:06:25Z`, sometimes with milliseconds or an offset)
 * as epoch ms. Returns undefined for anything else: `Date.parse` alone would accept "April 3".
 *
 * @example
 * parseZoomTime("2026-04-03T17:06:25Z") // 1775235985000
 */
export function parseZoomTime(value: string): number | undefined {
  // Cheap shape check instead of a regex: this runs once or twice per event.
  if (value.length < 19 || value.charCodeAt(4) !== 45 /* - */ || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84 /* T */) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `event_ts` as epoch ms (a number in Zoom bodies; tolerate a numeric string). */
export function parseEventTs(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
