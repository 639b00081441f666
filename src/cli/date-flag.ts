import { parseIsoTime, parseRangeEnd } from "../json/index.js";

/** Reads a `--from` flag (an ISO-8601 date or time) as epoch ms, or says which flag is wrong. */
export function parseDateFlag(flag: string, value: string): number {
  const ms = parseIsoTime(value);
  if (ms === undefined) throw new Error(`${flag}: expected an ISO-8601 date like 2026-01-31 or a time like 2026-01-31T09:00:00Z, got "${value}"`);
  return ms;
}

/** Reads a `--to` flag: a date includes its whole day, a time is the exclusive bound (`parseRangeEnd`). */
export function parseRangeEndFlag(flag: string, value: string): number {
  parseDateFlag(flag, value);
  return parseRangeEnd(value)!;
}
