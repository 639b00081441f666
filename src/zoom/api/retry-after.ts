/**
 * Reads a `Retry-After` header as a delay in ms from `now`: either delta-seconds (`"2"`) or an
 * HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`; Zoom's daily limit uses a date). Undefined when the
 * header is absent or unreadable; a date in the past gives 0.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
