/**
 * A number column as read back: PostgreSQL returns `bigint` as a string (its values can exceed a
 * JavaScript number's exact range; Rollcall's epoch milliseconds never do), SQLite as a number.
 * Null stays null. The one place that reads stored numbers.
 */
export function storedNumber(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}
