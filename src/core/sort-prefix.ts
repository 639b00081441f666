/** Anything indexable and writable: arrays and typed arrays. */
export interface Writable<T> {
  [index: number]: T;
}

/** Lists up to this long are insertion-sorted in place (no allocation); longer ones use the built-in sort. */
const SMALL = 32;

/**
 * Sorts the first `n` items of `list` in place by `compare`, stably (like `Array.prototype.sort`).
 * The core sorts many tiny lists per result (a session's joins, ids, identifiers, evidence): an
 * insertion sort does them without the allocation `Array.prototype.sort` makes per call.
 */
export function sortPrefix<T>(list: Writable<T>, n: number, compare: (a: T, b: T) => number): void {
  if (n < 2) return;
  if (n > SMALL) {
    const copy: T[] = new Array(n);
    for (let i = 0; i < n; i++) copy[i] = list[i]!;
    copy.sort(compare);
    for (let i = 0; i < n; i++) list[i] = copy[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = list[i]!;
    let k = i - 1;
    while (k >= 0 && compare(list[k]!, v) > 0) {
      list[k + 1] = list[k]!;
      k--;
    }
    list[k + 1] = v;
  }
}
