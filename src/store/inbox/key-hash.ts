/**
 * A 53-bit hash of a content key: what `inbox_keys` is keyed by. An integer key keeps that table a
 * few bytes a row, so registering a batch's keys touches few pages, where the keys themselves
 * (~150 random-ordered characters each) dirtied a page apiece, the cost the unique index on the
 * inbox had. Two keys may share a hash: whoever compares a row to the one `inbox_keys` names also
 * compares their `dedupe_key`s (a collision then just goes unmerged, never dropped).
 * cyrb53 (public domain, bryc): fast on short strings, well spread, and an exact JavaScript number
 * (an integer in [0, 2^53)).
 */
export function keyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
