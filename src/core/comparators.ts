/** The orders the core sorts by, one definition each. */

/** Numbers ascending. */
export function ascending(a: number, b: number): number {
  return a - b;
}

/** Strings by UTF-16 code units (the order of `Array.prototype.sort()` without a comparator). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
