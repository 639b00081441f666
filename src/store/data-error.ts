/**
 * True when a database error is caused by the values written, not by the database's state: the same
 * statement with the same values would fail again, so retrying it is pointless and the row at fault
 * must be set aside. PostgreSQL SQLSTATE classes 22 (data exception: NUL in text, out of range,
 * bad syntax for a type), 23 (integrity constraint) and 54 (program limit exceeded: an index row too
 * large); SQLite's constraint, too-big, mismatch and range errors; and a `RangeError` thrown while
 * preparing values (an invalid date). Connection losses, timeouts, locks, a full disk and the like
 * are not: they pass, and the whole batch is retried.
 */
export function isDataError(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string") return false;
  if (/^(22|23|54)[0-9A-Z]{3}$/.test(code)) return true;
  return /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code);
}

/**
 * A short, log-safe description of a data error for a parked row's reason: the code and the driver's
 * message (which names the limit or type, e.g. `index row size 3016 exceeds btree version 4 maximum
 * 2704`), cut to 300 characters.
 * It reads like `the database refused it (22021): invalid byte sequence for encoding "UTF8": 0x00`.
 */
export function dataErrorReason(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `the database refused it${typeof code === "string" ? ` (${code})` : ""}: ${message}`.slice(0, 300);
}
