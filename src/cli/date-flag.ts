/** Reads an ISO-8601 date flag (`2026-01-01` or a full timestamp) as epoch ms, or says which flag is wrong. */
export function parseDateFlag(flag: string, value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new Error(`${flag}: expected an ISO-8601 date like 2026-01-31, got "${value}"`);
  return ms;
}
